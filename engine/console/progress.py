"""Progress on stderr for the steps that take a while, on a terminal only.

A step that ends within ``DELAY`` seconds shows nothing; a longer one gets a Rich spinner with
its name and the time so far on stderr, cleared when the step ends. Nothing is shown when
stderr is not a terminal (a pipe, a file, CI), so no progress ever reaches a log, a pipe or
the JSON on stdout. Rich is imported only when a bar is really drawn.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DELAY = 1.0  # seconds a step may take before it gets a bar


def shown() -> bool:
    """Is stderr a terminal a person is watching?"""
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


@contextmanager
def step(label: str, delay: float = DELAY) -> Iterator[None]:
    """``with step("评定"):`` … shows a spinner on stderr if the block runs longer than ``delay``."""
    if not shown():
        yield
        return
    import threading  # only on a terminal: a pipe or a file never gets a bar

    bar = _LateBar(label, threading.Lock())
    timer = threading.Timer(delay, bar.start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        bar.stop()


class _LateBar:
    def __init__(self, label: str, lock: Any) -> None:
        self.label = label
        self.lock = lock
        self.progress: Any = None
        self.done = False

    def start(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with self.lock:
            if self.done:
                return
            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                     console=Console(file=sys.stderr), transient=True)
            self.progress.add_task(self.label, total=None)
            self.progress.start()

    def stop(self) -> None:
        with self.lock:
            self.done = True
            if self.progress is not None:
                self.progress.stop()
