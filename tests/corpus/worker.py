"""Run a slice of the corpus in this process, through the CLI's own entry point, and report.

``python -m tests.corpus.worker START STOP FOLDER`` prints one JSON line per case. Each case runs
twice in a fresh folder; the checks are the house rules for bad input:
exit 0, 1 or 2 only; no traceback and no crash report; the inputs byte-for-byte unchanged; after a
failure no file left behind (the listing is as before); and the second run byte-identical to the
first (stdout, stderr, exit code and output file). A case over the time limit is a hang (SIGALRM);
the parent sets the memory limit on this whole process.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

TIME_LIMIT = 10  # seconds per run of a case


class Hang(BaseException):
    """Raised by SIGALRM; a BaseException so the CLI's guard does not take it for a bug."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang()


def _setup(case: object, folder: Path) -> None:
    for name, data in case.files.items():  # type: ignore[attr-defined]
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name, kind in case.specials.items():  # type: ignore[attr-defined]
        (os.mkfifo if kind == "fifo" else os.mkdir)(folder / name)


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if rel.startswith("_tmp"):
            continue
        out[rel] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return out


def _run(argv: list[str], folder: Path) -> tuple[int, bytes, bytes]:
    from tongbao.command.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    stdout, stderr = sys.stdout, sys.stderr
    w_out = io.TextIOWrapper(out, encoding="utf-8", errors="strict", newline="")
    w_err = io.TextIOWrapper(err, encoding="utf-8", errors="strict", newline="")
    sys.stdout, sys.stderr = w_out, w_err
    here = os.getcwd()
    os.chdir(folder)
    signal.alarm(TIME_LIMIT)
    try:
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Hang:
            code = -1
        finally:
            signal.alarm(0)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        os.chdir(here)
    for wrapper in (w_out, w_err):
        try:
            wrapper.flush()
        except (ValueError, UnicodeError):  # closed, or text that is not UTF-8 left in its buffer
            pass
        wrapper.detach()  # keep the BytesIO open: a collected wrapper would close it
    return code, out.getvalue(), err.getvalue()


def check(case: object, base: Path) -> dict[str, object]:
    folder = base / case.name  # type: ignore[attr-defined]
    folder.mkdir()
    _setup(case, folder)
    crash = folder / "_tmp"
    crash.mkdir()
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(crash)
    try:
        return _check(case, folder, crash)
    finally:
        tempfile.tempdir = saved_tempdir
        shutil.rmtree(folder, ignore_errors=True)


def _check(case: object, folder: Path, crash: Path) -> dict[str, object]:
    argv = list(case.argv)  # type: ignore[attr-defined]
    before = _snapshot(folder)
    problems: list[str] = []
    start = time.perf_counter()
    first = _run(argv, folder)
    output = folder / "out.txt"
    first_out = output.read_bytes() if output.is_file() else None
    after = _snapshot(folder)
    code, stdout, stderr = first
    if code == -1:
        problems.append(f"hang (> {TIME_LIMIT} s)")
    elif code not in (0, 1, 2):
        problems.append(f"exit {code}: {stderr.decode('utf-8', 'replace')[:300]}")
    if b"Traceback" in stdout + stderr:
        problems.append("traceback")
    if any(crash.iterdir()):
        problems.append("crash report written")
    for name, data in before.items():
        if after.get(name, b"<gone>") != data:
            problems.append(f"input changed: {name}")
    if code != 0 and set(after) != set(before):
        problems.append(f"left behind: {sorted(set(after) - set(before))}")
    if code in (0, 1, 2):
        if output.exists() and output.is_file():
            output.unlink()
        second = _run(argv, folder)
        second_out = output.read_bytes() if output.is_file() else None
        if second != first or second_out != first_out:
            problems.append("second run differs")
    seconds = time.perf_counter() - start
    return {"name": case.name, "code": code, "problems": problems, "seconds": round(seconds, 3)}  # type: ignore[attr-defined]


def main() -> None:
    start, stop, base = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import corpus

    signal.signal(signal.SIGALRM, _alarm)
    cases = corpus()[start:stop]
    with open(base / f"results-{start}.jsonl", "w", encoding="utf-8") as report:
        for case in cases:
            report.write(json.dumps(check(case, base), ensure_ascii=False) + "\n")
            report.flush()


if __name__ == "__main__":
    main()
