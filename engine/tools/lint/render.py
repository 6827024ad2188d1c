"""The terminal form of lint's findings: one line each, then a summary."""
from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from .findings import INFO, WARNING


_STYLE = {WARNING: "yellow", INFO: "cyan"}


def render_lint(findings: list[dict[str, Any]], console: Console, ruleset_file: str) -> None:
    """One line per finding, ``file:line:col: code name message — fix``, then a one-line summary."""
    for f in findings:
        console.print(_finding_line(f), soft_wrap=True, highlight=False)
    console.print(_summary_line(findings, ruleset_file), soft_wrap=True, highlight=False)


def _finding_line(f: dict[str, Any]) -> Text:
    place = f["file"] + (f":{f['line']}:{f['column']}" if f.get("line") is not None else "")
    line = Text(f"{place}: ")
    line.append(f["code"], style=f"bold {_STYLE.get(f.get('level', WARNING), '')}")
    line.append(f" {f['name']} {f['message']} — {f['fix']}")
    return line


def _summary_line(findings: list[dict[str, Any]], ruleset_file: str) -> Text:
    if not findings:
        return Text(f"{ruleset_file}：没有发现问题。", style="green")
    hints = sum(1 for f in findings if f.get("level") == INFO)
    counts = [f"{len(findings) - hints} 处问题" if len(findings) > hints else "", f"{hints} 条提示" if hints else ""]
    return Text(f"{ruleset_file}：发现 {'、'.join(c for c in counts if c)}。", style="bold")
