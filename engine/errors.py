"""The one family of errors a user can cause, each carrying where it happened.

The library raises these; only ``cli.py`` prints them and picks the exit code.
Messages are in Chinese because administrators read them; every message names
the place (file, line, column, key or row) and ends with what to do next.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from .frozen import frozen


def basename(path: str) -> str:
    """Verdicts name files, not paths: the same data gives the same JSON wherever it was typed from."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


class TongbaoError(Exception):
    """Base of every error caused by the user's input (exit code 1).

    ``problems`` is always a list, one entry per thing to fix: a :class:`Problem` (a place in a
    ruleset), a :class:`CellProblem` (a place in a data table), or the message itself when the
    error has no finer place (a missing file, say). ``str(error)`` is the whole message.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self._problems: list[Problem | CellProblem | str] = [message]

    @property
    def problems(self) -> Sequence[Problem | CellProblem | str]:
        """Every problem found (a list; subclasses narrow the item type)."""
        return self._problems

    def __str__(self) -> str:
        return self.message


@frozen
class Problem:
    """One finding in a ruleset, located by file, line, column and key path."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


class RulesetError(TongbaoError):
    """The ruleset is wrong. Holds every problem found, not only the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self._located = list(problems)
        head = "\n".join(str(p) for p in self._located)
        n = len(self._located)
        tail = f"\n规则集有 {n} 处问题，请按上面的位置逐一修改后再运行 tongbao validate。" if n > 1 else ""
        super().__init__(head + tail)

    @property
    def problems(self) -> list[Problem]:
        return self._located


class PeriodError(TongbaoError):
    """The period file (period.yaml) or --period is wrong, or does not fit the ruleset."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self._located = list(problems)
        n = len(self._located)
        tail = f"\n期别文件有 {n} 处问题，请按上面的位置逐一修改。" if n > 1 else ""
        super().__init__("\n".join(str(p) for p in self._located) + tail)

    @property
    def problems(self) -> list[Problem]:
        return self._located


@frozen
class CellProblem:
    """One bad cell: file, CSV line, column header, the value read, and the fix."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        from .escape import clip, short_repr

        parts = [self.file]
        if self.line is not None:
            parts.append(f"第 {self.line} 行")
        if self.column is not None:
            parts.append(f"列“{clip(self.column)}”")
        if self.value is not None:
            parts.append(f"值 {short_repr(str(self.value))}")
        return "，".join(parts) + "：" + self.message


class DataError(TongbaoError):
    """The data table is wrong; lists every bad cell found (up to a limit)."""

    def __init__(self, problems: Sequence[CellProblem], more: int = 0) -> None:
        self._cells = list(problems)
        lines = [str(p) for p in self._cells]
        if more:
            lines.append(f"……另有 {more} 处同类问题未列出。")
        super().__init__("\n".join(lines))

    @property
    def problems(self) -> list[CellProblem]:
        return self._cells


@dataclass(frozen=True)
class DataWarning:
    """A data warning kept in the verdict: the evaluation goes on."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: str | None = None
    unit: str | None = None
    extra: dict[str, Any] = field(default_factory=dict[str, Any])

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        for key in ("file", "line", "column", "unit"):
            value = getattr(self, key)
            if value is not None:
                out[key] = basename(value) if key == "file" else value
        out.update(self.extra)
        return out
