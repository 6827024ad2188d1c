"""The terminal report, drawn from ``Verdict.to_dict()`` and nothing else.

It reads like the circular: figures first, then each list of named units (wrapped after a 、,
never inside a name), the notifications and escalations as the sentences the circular prints,
then the unit table. Rich measures Chinese characters as two columns, so tables stay aligned,
and it drops colour codes when the output is a pipe or a file. A big table is summarised
(long lists cut "……等 N 个", the unit table limited to named units) unless ``everything``
(``--all``), so 100,000 units report in well under two seconds (bench/bench_terminal.py).
"""
from __future__ import annotations

import re

from collections.abc import Iterable
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..errors import basename
from .names import name_lines, sentence_lines
from .unittable import SEVERITY_STYLE as SEVERITY_STYLE, chosen_units, unit_table  # SEVERITY_STYLE: diff reads it here

NAMES = 200  # names listed per list before "……等 N 个"
SENTENCES = 50  # sentences shown per notification or escalation
WARNINGS = 50


def render(verdict: dict[str, Any], console: Console, everything: bool = False) -> None:
    """Print the report for one verdict dict; ``everything`` lists every name, sentence and unit."""
    view = _View(console.width, everything)
    console.print(_header(verdict))
    if verdict["figures"]:
        console.print(_figures("全文汇总", verdict["figures"], []))
    many = len(verdict["parts"]) > 1
    for part in verdict["parts"]:
        _part(part, console, many, view)
    if verdict["warnings"]:
        console.print(_warnings(verdict["warnings"], view))


class _View:
    """How much to show, and how wide."""

    def __init__(self, width: int, everything: bool) -> None:
        self.width = width
        self.everything = everything
        self.names: int | None = None if everything else NAMES
        self.sentences: int | None = None if everything else SENTENCES


def _part(part: dict[str, Any], console: Console, titled: bool, view: _View) -> None:
    groups = part["groups"]
    if titled:
        console.print(Text(f"━━ {part['label']} ━━", style="bold cyan"))
    tables = "、".join(f"{t['file']}（{t['rows']} 行）" for t in part["tables"])
    counts = "，".join(f"{g['label']} {g['units']} 个" for g in groups)
    console.print(Text(f"数据 {tables}：共 {part['summary']['units']} 个{part['report']['unit_label']}"
                       + (f"（{counts}）" if counts else ""), style="dim"))
    summary = part["summary"]
    if summary["figures"]:
        console.print(_figures("汇总", summary["figures"], groups))
    if summary["vetoes"]:
        console.print(_listing("单项否决", [(v["label"], v, 3) for v in summary["vetoes"]], groups, view))
    for tier in summary["tiers"]:
        rows = [(b["label"], b, b["severity"]) for b in tier["bands"]]
        if tier["unbanded"]["count"]:
            rows.append(("未落入任何一档（缺少数值或不在各档范围内）", tier["unbanded"], 1))
        console.print(_listing(tier["label"], rows, groups, view))
    if summary["flags"]:
        console.print(_listing("标记", [(f["label"], f, f["severity"]) for f in summary["flags"]], groups, view))
    if summary["notifications"]:
        console.print(_notifications(summary["notifications"], part["units"], groups, view))
    if summary["top"]:
        console.print(_top(summary["top"], groups, view))
    if summary.get("bottom"):  # absent in verdicts written before bottom rosters
        console.print(_top(summary["bottom"], groups, view, "后"))
    if summary["escalations"]:
        console.print(_escalations(summary["escalations"], part["units"], view))
    if part["totals_rows"]:
        console.print(_totals(part["totals_rows"]))
    units, note = chosen_units(part, view.everything)
    console.print(unit_table(part, units))
    if note:
        console.print(Text(note, style="dim"))


def _header(v: dict[str, Any]) -> Group:
    r = v["ruleset"]
    return Group(
        Text(r["title"], style="bold"),
        Text(" · ".join(x for x in (r['issuer'], r['region'], _period_line(v.get("period"))) if x)),
        Text(f"规则集 {r['id']} 版本 {r['version']}（sha256 {r['sha256'][:12]}）", style="dim"),
        Text(""),
    )


def _period_line(period: dict[str, Any] | None) -> str:
    """考核期 and 文号 as one phrase; an evaluation without a period file shows none."""
    if not period:
        return ""
    return "，".join(x for x in (f"考核期 {period['id']}", period.get("number"), period.get("date")) if x)


def _figures(title: str, figures: list[dict[str, Any]], groups: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, collapse_padding=True)
    table.add_column("项目")
    table.add_column("全部" if groups else "按表格计算", justify="right")
    for g in groups:
        table.add_column(g["label"], justify="right")
    table.add_column("通报公布 / 核对")
    for fig in figures:
        cells = [fig["label"], fig["display"]] + [fig["groups"][g["id"]]["display"] for g in groups]
        table.add_row(*cells, _published(fig, groups))
    return table


def _published(fig: dict[str, Any], groups: list[dict[str, Any]]) -> Text:
    scoped = [("", fig)] + [(g["label"], fig["groups"][g["id"]]) for g in groups if "groups" in fig]
    out = Text()
    for label, entry in scoped:
        if "published" not in entry:
            continue
        if out:
            out.append("；")
        out.append(f"{label}{entry['published']} ")
        out.append("一致" if entry["agrees"] else "不一致", style="green" if entry["agrees"] else "bold red")
    return out


def _listing(title: str, rows: list[tuple[str, dict[str, Any], int]], groups: list[dict[str, Any]], view: _View) -> Group:
    lines = [Text(title, style="bold")]
    for label, members, severity in rows:
        lines += _names_lines(label, members, severity, groups, view)
    lines.append(Text(""))
    return Group(*lines)


def _names_lines(label: str, members: dict[str, Any], severity: int, groups: list[dict[str, Any]], view: _View) -> list[Text]:
    """A circular's sentence: the label, the count, and the names — unless nothing is wrong."""
    head = Text("  ")
    head.append(f"{label}（{members['count']}个）", style=SEVERITY_STYLE.get(severity, ""))
    if severity == 0:  # units in good standing are counted, not listed: the circular names only the others
        if groups:
            head.append("：" + "，".join(f"{g['label']} {members['groups'][g['id']]['count']} 个" for g in groups))
        return [head]
    if not groups:
        head.append("：" + ("" if members["units"] else "无"))
        return name_lines(head, members["units"], view.width, 4, view.names)
    lines = [head]
    for g in groups:
        sub = members["groups"][g["id"]]
        lead = Text(f"    {g['label']}（{sub['count']}个）：" + ("" if sub["units"] else "无"))
        lines += name_lines(lead, sub["units"], view.width, 6, view.names)
    return lines


def _notifications(items: list[dict[str, Any]], units: list[dict[str, Any]], groups: list[dict[str, Any]],
                   view: _View) -> Group:
    """Each measure with the units it names, then what the circular says to each of them."""
    said = _sentences(units, "notifications")
    lines = [Text("通报措施", style="bold")]
    for n in items:
        lines += _names_lines(f"{n['action']}：{n['label']}", n, 2, groups, view)
        lines += _said(said.get(n["id"], []), view)
    lines.append(Text(""))
    return Group(*lines)


def _sentences(units: Iterable[dict[str, Any]], key: str) -> dict[str, list[str]]:
    """Measure id → the sentences addressed to units under it, in table order."""
    out: dict[str, list[str]] = {}
    for unit in units:
        for item in unit.get(key) or ():
            out.setdefault(item["id"], []).append(item["message"])
    return out


def _said(sentences: list[str], view: _View) -> list[Text]:
    shown = sentences if view.sentences is None else sentences[:view.sentences]
    lines = [line for s in shown for line in sentence_lines(s, view.width, 6, "dim")]
    if len(shown) < len(sentences):
        lines.append(Text(f"      ……另有 {len(sentences) - len(shown)} 句未列出（--all 显示全部）", style="dim"))
    return lines


def roster_title(label: str, end: str, count: int) -> str:
    """"报送较好的单位（前 5 名）"; a label that already says how many (前5名, 后3位) is not told twice."""
    if re.search(rf"{end}\s*{count}\s*[名位个]", label):
        return label
    return f"{label}（{end} {count} 名）"


def _top(top: dict[str, Any], groups: list[dict[str, Any]], view: _View, end: str = "前") -> Group:
    lines = [Text(roster_title(top["label"], end, top["count"]), style="bold green" if end == "前" else "bold yellow")]
    if "groups" in top:
        for g in groups:
            lines += name_lines(Text(f"  {g['label']}："), top["groups"][g["id"]], view.width, 4, view.names)
    else:
        lines += name_lines(Text("  "), top["units"], view.width, 2, view.names)
    if "并列" in top.get("note", ""):  # say how a tie at the cut-off was settled
        lines.append(Text(f"  {top['note']}", style="dim"))
    lines.append(Text(""))
    return Group(*lines)


def _escalations(items: list[dict[str, Any]], units: list[dict[str, Any]], view: _View) -> Group:
    lines = [Text("升级处理（结合以往各期）", style="bold")]
    said = _sentences(units, "escalations")
    for esc in items:
        head = Text("  ")
        head.append(f"{esc['action']}：{esc['label']}（{esc['count']}个）", style="bold red" if esc["count"] else "")
        head.append("：" if esc["units"] else "")
        lines += name_lines(head, esc["units"], view.width, 4, view.names)
        lines += _said(said.get(esc["id"], []), view)
    lines.append(Text(""))
    return Group(*lines)


def _totals(checks: list[dict[str, Any]]) -> Group:
    lines = [Text("合计行核对", style="bold")]
    for c in checks:
        mark = Text("一致", style="green") if c["agrees"] else Text("不一致", style="bold red")
        lines.append(Text(f"  {c['file'].rsplit('/', 1)[-1]} 第 {c['line']} 行“{c['column']}”：合计行 {c['published'] or '空'}，"
                          f"各单位相加 {_number(c['computed'])} ") + mark)
    lines.append(Text(""))
    return Group(*lines)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.6g}"


def _warnings(warnings: list[dict[str, Any]], view: _View) -> Group:
    lines = [Text(f"提示（{len(warnings)}条）", style="bold yellow")]
    shown = warnings if view.everything else warnings[:WARNINGS]
    for w in shown:
        where = "，".join(str(x) for x in (_file(w), _line(w), w.get("unit")) if x)
        lines.append(Text(f"  [{w['code']}] " + (f"{where}：" if where else "") + w["message"]))
    if len(shown) < len(warnings):
        lines.append(Text(f"  ……另有 {len(warnings) - len(shown)} 条未列出（--all 显示全部，或用 -f json）", style="dim"))
    lines.append(Text(""))
    return Group(*lines)


def _file(w: dict[str, Any]) -> str | None:
    return basename(w["file"]) if w.get("file") else None


def _line(w: dict[str, Any]) -> str | None:
    return f"第 {w['line']} 行" if w.get("line") else None


def make_console(file: Any = None, width: int | None = None) -> Console:
    """A console that colours only a real terminal, never interprets [brackets] in data, and escapes
    every control, bidi and undecodable character that came from a file (see SafeConsole)."""
    return SafeConsole(file=file, width=width, markup=False, highlight=False, emoji=False, soft_wrap=False)


class SafeConsole(Console):
    """The choke point for everything a Rich renderer draws (the report, lint, tests, diff).

    Plain strings are escaped before layout (so widths are measured on what is shown); every
    segment is escaped again on the way out, which also covers Text built by a renderer. Rich's
    own colour codes are added after this, so they are untouched.
    """

    def render_str(self, text: str, **kwargs: Any) -> Text:
        from ..escape import visible

        return super().render_str(visible(text), **kwargs)

    _outermost = True  # nested renders (a table's cells) pass through unfiltered; the outermost filters once

    def render(self, renderable: Any, options: Any = None) -> Any:
        if not self._outermost:
            yield from super().render(renderable, options)
            return
        from rich.segment import Segment

        from ..escape import visible

        self._outermost = False
        try:
            for segment in super().render(renderable, options):
                text = segment.text
                if segment.control is None and not text.isprintable():  # printable text needs nothing (fast, in C)
                    safe = visible(text)
                    if safe != text:
                        segment = Segment(safe, segment.style, segment.control)
                yield segment
        finally:
            self._outermost = True
