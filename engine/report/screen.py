"""What the terminal report says, block by block, drawn from ``Verdict.to_dict()`` and nothing else.

It reads like the circular: figures first, then each list of named units (wrapped after a 、,
never inside a name), the notifications and escalations as the sentences the circular prints,
then the unit table. A big table is summarised (long lists cut "……等 N 个", the unit table
limited to named units) unless ``everything`` (``--all``), so 100,000 units report in well
under two seconds (bench/bench_terminal.py).

Nothing here draws: the blocks are styled lines (report/styled.py) and table layouts, which
report/terminal.py hands to Rich and report/plaintext.py writes as plain text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from ..errors import basename
from .names import name_lines, sentence_lines
from .plaintable import PlainTable
from .styled import Line
from .unittable import SEVERITY_STYLE, chosen_units, unit_table

NAMES = 200  # names listed per list before "……等 N 个"
SENTENCES = 50  # sentences shown per notification or escalation
WARNINGS = 50


@dataclass
class FigureTable:
    """The figures of a part or of the whole: label, value(s), what the circular published.
    Its cells may wrap on a narrow screen, so Rich's Table draws it on a terminal."""

    title: str
    headers: list[tuple[str, str]]  # (header, justify)
    rows: list[list[str | Line]] = field(default_factory=list)


Block = Union[Line, list[Line], FigureTable, PlainTable]  # a list of lines is printed as one group


@dataclass(frozen=True)
class _View:
    """How much to show, and how wide."""

    width: int
    everything: bool

    @property
    def names(self) -> int | None:
        return None if self.everything else NAMES

    @property
    def sentences(self) -> int | None:
        return None if self.everything else SENTENCES


def blocks(verdict: Mapping[str, Any], width: int, everything: bool = False) -> Iterator[Block]:
    """The report for one verdict dict, in order; ``everything`` lists every name, sentence and unit."""
    view = _View(width, everything)
    yield _header(verdict)
    if verdict["figures"]:
        yield _figures("全文汇总", verdict["figures"], [])
    many = len(verdict["parts"]) > 1
    for part in verdict["parts"]:
        yield from _part(part, many, view)
    if verdict["warnings"]:
        yield _warnings(verdict["warnings"], view)


def _part(part: dict[str, Any], titled: bool, view: _View) -> Iterator[Block]:
    groups = part["groups"]
    if titled:
        yield Line(f"━━ {part['label']} ━━", style="bold cyan")
    tables = "、".join(f"{t['file']}（{t['rows']} 行）" for t in part["tables"])
    counts = "，".join(f"{g['label']} {g['units']} 个" for g in groups)
    yield Line(f"数据 {tables}：共 {part['summary']['units']} 个{part['report']['unit_label']}"
               + (f"（{counts}）" if counts else ""), style="dim")
    yield from _summary(part, view)
    units, note = chosen_units(part, view.everything)
    yield unit_table(part, units)
    if note:
        yield Line(note, style="dim")


def _summary(part: dict[str, Any], view: _View) -> Iterator[Block]:
    summary, groups = part["summary"], part["groups"]
    if summary["figures"]:
        yield _figures("汇总", summary["figures"], groups)
    if summary["vetoes"]:
        yield _listing("单项否决", [(v["label"], v, 3) for v in summary["vetoes"]], groups, view)
    for tier in summary["tiers"]:
        rows = [(b["label"], b, b["severity"]) for b in tier["bands"]]
        if tier["unbanded"]["count"]:
            rows.append(("未落入任何一档（缺少数值或不在各档范围内）", tier["unbanded"], 1))
        yield _listing(tier["label"], rows, groups, view)
    if summary["flags"]:
        yield _listing("标记", [(f["label"], f, f["severity"]) for f in summary["flags"]], groups, view)
    if summary["notifications"]:
        yield _notifications(summary["notifications"], part["units"], groups, view)
    if summary["top"]:
        yield _top(summary["top"], groups, view)
    if summary.get("bottom"):  # absent in verdicts written before bottom rosters
        yield _top(summary["bottom"], groups, view, "后")
    if summary["escalations"]:
        yield _escalations(summary["escalations"], part["units"], view)
    if part["totals_rows"]:
        yield _totals(part["totals_rows"])


def _header(v: Mapping[str, Any]) -> list[Line]:
    r = v["ruleset"]
    return [
        Line(r["title"], style="bold"),
        Line(" · ".join(x for x in (r['issuer'], r['region'], _period_line(v.get("period"))) if x)),
        Line(f"规则集 {r['id']} 版本 {r['version']}（sha256 {r['sha256'][:12]}）", style="dim"),
        Line(""),
    ]


def _period_line(period: dict[str, Any] | None) -> str:
    """考核期 and 文号 as one phrase; an evaluation without a period file shows none."""
    if not period:
        return ""
    return "，".join(x for x in (f"考核期 {period['id']}", period.get("number"), period.get("date")) if x)


def _figures(title: str, figures: list[dict[str, Any]], groups: list[dict[str, Any]]) -> FigureTable:
    headers = [("项目", "left"), ("全部" if groups else "按表格计算", "right")]
    headers += [(g["label"], "right") for g in groups] + [("通报公布 / 核对", "left")]
    table = FigureTable(title, headers)
    for fig in figures:
        cells: list[str | Line] = [fig["label"], fig["display"]] + [fig["groups"][g["id"]]["display"] for g in groups]
        table.rows.append(cells + [_published(fig, groups)])
    return table


def _published(fig: dict[str, Any], groups: list[dict[str, Any]]) -> Line:
    scoped = [("", fig)] + [(g["label"], fig["groups"][g["id"]]) for g in groups if "groups" in fig]
    out = Line()
    for label, entry in scoped:
        if "published" not in entry:
            continue
        if out.spans:
            out.append("；")
        out.append(f"{label}{entry['published']} ")
        out.append("一致" if entry["agrees"] else "不一致", style="green" if entry["agrees"] else "bold red")
    return out


def _listing(title: str, rows: list[tuple[str, dict[str, Any], int]], groups: list[dict[str, Any]], view: _View) -> list[Line]:
    lines = [Line(title, style="bold")]
    for label, members, severity in rows:
        lines += _names_lines(label, members, severity, groups, view)
    lines.append(Line(""))
    return lines


def _names_lines(label: str, members: dict[str, Any], severity: int, groups: list[dict[str, Any]], view: _View) -> list[Line]:
    """A circular's sentence: the label, the count, and the names — unless nothing is wrong."""
    head = Line("  ")
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
        lead = Line(f"    {g['label']}（{sub['count']}个）：" + ("" if sub["units"] else "无"))
        lines += name_lines(lead, sub["units"], view.width, 6, view.names)
    return lines


def _notifications(items: list[dict[str, Any]], units: list[dict[str, Any]], groups: list[dict[str, Any]],
                   view: _View) -> list[Line]:
    """Each measure with the units it names, then what the circular says to each of them."""
    said = _sentences(units, "notifications")
    lines = [Line("通报措施", style="bold")]
    for n in items:
        lines += _names_lines(f"{n['action']}：{n['label']}", n, 2, groups, view)
        lines += _said(said.get(n["id"], []), view)
    lines.append(Line(""))
    return lines


def _sentences(units: Iterable[dict[str, Any]], key: str) -> dict[str, list[str]]:
    """Measure id → the sentences addressed to units under it, in table order."""
    out: dict[str, list[str]] = {}
    for unit in units:
        for item in unit.get(key) or ():
            out.setdefault(item["id"], []).append(item["message"])
    return out


def _said(sentences: list[str], view: _View) -> list[Line]:
    shown = sentences if view.sentences is None else sentences[:view.sentences]
    lines = [line for s in shown for line in sentence_lines(s, view.width, 6, "dim")]
    if len(shown) < len(sentences):
        lines.append(Line(f"      ……另有 {len(sentences) - len(shown)} 句未列出（--all 显示全部）", style="dim"))
    return lines


def roster_title(label: str, end: str, count: int) -> str:
    """"报送较好的单位（前 5 名）"; a label that already says how many (前5名, 后3位) is not told twice."""
    if re.search(rf"{end}\s*{count}\s*[名位个]", label):
        return label
    return f"{label}（{end} {count} 名）"


def _top(top: dict[str, Any], groups: list[dict[str, Any]], view: _View, end: str = "前") -> list[Line]:
    lines = [Line(roster_title(top["label"], end, top["count"]), style="bold green" if end == "前" else "bold yellow")]
    if "groups" in top:
        for g in groups:
            lines += name_lines(Line(f"  {g['label']}："), top["groups"][g["id"]], view.width, 4, view.names)
    else:
        lines += name_lines(Line("  "), top["units"], view.width, 2, view.names)
    if "并列" in top.get("note", ""):  # say how a tie at the cut-off was settled
        lines.append(Line(f"  {top['note']}", style="dim"))
    lines.append(Line(""))
    return lines


def _escalations(items: list[dict[str, Any]], units: list[dict[str, Any]], view: _View) -> list[Line]:
    lines = [Line("升级处理（结合以往各期）", style="bold")]
    said = _sentences(units, "escalations")
    for esc in items:
        head = Line("  ")
        head.append(f"{esc['action']}：{esc['label']}（{esc['count']}个）", style="bold red" if esc["count"] else "")
        head.append("：" if esc["units"] else "")
        lines += name_lines(head, esc["units"], view.width, 4, view.names)
        lines += _said(said.get(esc["id"], []), view)
    lines.append(Line(""))
    return lines


def _totals(checks: list[dict[str, Any]]) -> list[Line]:
    lines = [Line("合计行核对", style="bold")]
    for c in checks:
        mark = Line("一致", style="green") if c["agrees"] else Line("不一致", style="bold red")
        lines.append(Line(f"  {c['file'].rsplit('/', 1)[-1]} 第 {c['line']} 行“{c['column']}”：合计行 {c['published'] or '空'}，"
                          f"各单位相加 {_number(c['computed'])} ") + mark)
    lines.append(Line(""))
    return lines


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.6g}"


def _warnings(warnings: list[dict[str, Any]], view: _View) -> list[Line]:
    lines = [Line(f"提示（{len(warnings)}条）", style="bold yellow")]
    shown = warnings if view.everything else warnings[:WARNINGS]
    for w in shown:
        where = "，".join(str(x) for x in (_file(w), _line(w), w.get("unit")) if x)
        lines.append(Line(f"  [{w['code']}] " + (f"{where}：" if where else "") + w["message"]))
    if len(shown) < len(warnings):
        lines.append(Line(f"  ……另有 {len(warnings) - len(shown)} 条未列出（--all 显示全部，或用 -f json）", style="dim"))
    lines.append(Line(""))
    return lines


def _file(w: dict[str, Any]) -> str | None:
    return basename(w["file"]) if w.get("file") else None


def _line(w: dict[str, Any]) -> str | None:
    return f"第 {w['line']} 行" if w.get("line") else None
