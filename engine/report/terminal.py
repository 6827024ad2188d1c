"""The terminal report, drawn from ``Verdict.to_dict()`` and nothing else.

Rich measures Chinese characters as two columns, so tables stay aligned; it
also drops colour codes when the output is a pipe or a file. The report reads
like the circular: figures first, then each list of named units, then the table.
"""
from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..errors import basename
from ..rules.formatting import Format, format_value

SEVERITY_STYLE = {0: "", 1: "yellow", 2: "dark_orange", 3: "red", 4: "bold red", 5: "bold red reverse"}


def render(verdict: dict[str, Any], console: Console) -> None:
    """Print the report for one verdict dict."""
    console.print(_header(verdict))
    if verdict["figures"]:
        console.print(_figures("全文汇总", verdict["figures"], []))
    many = len(verdict["parts"]) > 1
    for part in verdict["parts"]:
        _part(part, console, many)
    if verdict["warnings"]:
        console.print(_warnings(verdict["warnings"]))


def _part(part: dict[str, Any], console: Console, titled: bool) -> None:
    groups = part["groups"]
    if titled:
        console.print(Text(f"━━ {part['label']} ━━", style="bold cyan"))
    tables = "、".join(f"{t['file']}（{t['rows']} 行）" for t in part["tables"])
    counts = "，".join(f"{g['label']} {g['units']} 个" for g in groups)
    console.print(Text(f"数据 {tables}：共 {part['summary']['units']} 个{part['report']['unit_label']}" + (f"（{counts}）" if counts else ""), style="dim"))
    summary = part["summary"]
    if summary["figures"]:
        console.print(_figures("汇总", summary["figures"], groups))
    if summary["vetoes"]:
        console.print(_listing("单项否决", [(v["label"], v, 3) for v in summary["vetoes"]], groups))
    for tier in summary["tiers"]:
        rows = [(b["label"], b, b["severity"]) for b in tier["bands"]]
        if tier["unbanded"]["count"]:
            rows.append(("未落入任何一档（缺少数值或不在各档范围内）", tier["unbanded"], 1))
        console.print(_listing(tier["label"], rows, groups))
    if summary["flags"]:
        console.print(_listing("标记", [(f["label"], f, f["severity"]) for f in summary["flags"]], groups))
    if summary["notifications"]:
        console.print(_listing("通报措施", [(f"{n['action']}：{n['label']}", n, 2) for n in summary["notifications"]], groups))
    if summary["top"]:
        console.print(_top(summary["top"], groups))
    if summary["escalations"]:
        console.print(_escalations(summary["escalations"], part["units"]))
    if part["totals_rows"]:
        console.print(_totals(part["totals_rows"]))
    console.print(_units(part))


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


def _listing(title: str, rows: list[tuple[str, dict[str, Any], int]], groups: list[dict[str, Any]]) -> Group:
    lines = [Text(title, style="bold")]
    for label, members, severity in rows:
        lines += _names_lines(label, members, severity, groups)
    lines.append(Text(""))
    return Group(*lines)


def _names_lines(label: str, members: dict[str, Any], severity: int, groups: list[dict[str, Any]]) -> list[Text]:
    """A circular's sentence: the label, the count, and the names — unless nothing is wrong."""
    head = Text("  ")
    head.append(f"{label}（{members['count']}个）", style=SEVERITY_STYLE.get(severity, ""))
    if severity == 0:  # units in good standing are counted, not listed: the circular names only the others
        if groups:
            head.append("：" + "，".join(f"{g['label']} {members['groups'][g['id']]['count']} 个" for g in groups))
        return [head]
    if not groups:
        head.append("：" + ("、".join(members["units"]) if members["units"] else "无"))
        return [head]
    lines = [head]
    for g in groups:
        sub = members["groups"][g["id"]]
        lines.append(Text(f"    {g['label']}（{sub['count']}个）：" + ("、".join(sub["units"]) if sub["units"] else "无")))
    return lines


def _top(top: dict[str, Any], groups: list[dict[str, Any]]) -> Group:
    lines = [Text(f"{top['label']}（前 {top['count']} 名）", style="bold green")]
    if "groups" in top:
        lines += [Text(f"  {g['label']}：" + "、".join(top["groups"][g["id"]])) for g in groups]
    else:
        lines.append(Text("  " + "、".join(top["units"])))
    lines.append(Text(""))
    return Group(*lines)


def _escalations(items: list[dict[str, Any]], units: list[dict[str, Any]]) -> Group:
    lines = [Text("升级处理（结合以往各期）", style="bold")]
    cited = {(e["id"], u["name"]): e["periods"] for u in units for e in u.get("escalations", [])}
    for esc in items:
        head = Text("  ")
        head.append(f"{esc['action']}：{esc['label']}（{esc['count']}个）", style="bold red" if esc["count"] else "")
        lines.append(head)
        lines += [Text(f"    {name}（{'、'.join(cited[(esc['id'], name)])}）") for name in esc["units"]]
    lines.append(Text(""))
    return Group(*lines)


def _totals(checks: list[dict[str, Any]]) -> Group:
    lines = [Text("合计行核对", style="bold")]
    for c in checks:
        mark = Text("一致", style="green") if c["agrees"] else Text("不一致", style="bold red")
        lines.append(Text(f"  {c['file'].rsplit('/', 1)[-1]} 第 {c['line']} 行“{c['column']}”：合计行 {c['published'] or '空'}，各单位相加 {_number(c['computed'])} ") + mark)
    lines.append(Text(""))
    return Group(*lines)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.6g}"


def _warnings(warnings: list[dict[str, Any]]) -> Group:
    lines = [Text(f"提示（{len(warnings)}条）", style="bold yellow")]
    for w in warnings:
        where = "，".join(str(x) for x in (_file(w), _line(w), w.get("unit")) if x)
        lines.append(Text(f"  [{w['code']}] " + (f"{where}：" if where else "") + w["message"]))
    lines.append(Text(""))
    return Group(*lines)


def _file(w: dict[str, Any]) -> str | None:
    return basename(w["file"]) if w.get("file") else None


def _line(w: dict[str, Any]) -> str | None:
    return f"第 {w['line']} 行" if w.get("line") else None


def _units(part: dict[str, Any]) -> Table:
    columns = _report_columns(part)
    table = Table(title="单位表", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    # Cells never wrap (a split name reads as two units, a split "100.00%" as two numbers);
    # long Chinese headers are folded onto short lines instead, so 80 columns suffice.
    table.add_column("行", justify="right", style="dim", no_wrap=True)
    table.add_column(part["report"]["unit_label"], no_wrap=True)
    for col in columns:
        table.add_column(_fold(col["label"]), justify="right", no_wrap=True)
    tiers = part["summary"]["tiers"]
    for tier in tiers:
        table.add_column(_fold(tier["label"]), no_wrap=True)
    if part["ranking"]:
        table.add_column(_fold(part["ranking"]["label"]), justify="right", no_wrap=True)
    for unit in part["units"]:
        table.add_row(*_unit_cells(unit, columns, tiers, part["ranking"] is not None), style=_row_style(unit, tiers))
    return table


def _fold(label: str, width: int = 4) -> str:
    return "\n".join(label[i:i + width] for i in range(0, len(label), width))


def _report_columns(part: dict[str, Any]) -> list[dict[str, Any]]:
    metrics = [c["id"] for c in part["columns"] if c["kind"] == "metric"]
    wanted = part["report"]["columns"] or metrics or [c["id"] for c in part["columns"]]
    by_id = {c["id"]: c for c in part["columns"]}
    return [by_id[name] for name in wanted if name in by_id]


def _unit_cells(unit: dict[str, Any], columns: list[dict[str, Any]], tiers: list[dict[str, Any]], ranked: bool) -> list[str]:
    cells = [str(unit["line"]), unit["name"]]
    na = set(unit.get("not_applicable", ()))
    for col in columns:
        source = unit["fields"] if col["kind"] == "field" else unit["metrics"]
        cells.append(format_value(source.get(col["id"]), Format.parse(col["format"]), col["id"] in na))
    for tier in tiers:
        band_id = unit["bands"].get(tier["id"])
        cells.append(next((b["short"] for b in tier["bands"] if b["id"] == band_id), "—"))
    if ranked:
        cells.append("—" if unit["rank"] is None else str(unit["rank"]))
    return cells


def _row_style(unit: dict[str, Any], tiers: list[dict[str, Any]]) -> str:
    worst = 3 if unit.get("vetoes") else 0
    for tier in tiers:
        band_id = unit["bands"].get(tier["id"])
        worst = max([worst] + [b["severity"] for b in tier["bands"] if b["id"] == band_id])
    return SEVERITY_STYLE.get(worst, "")


def make_console(file: Any = None, width: int | None = None) -> Console:
    """A console that colours only a real terminal and never interprets [brackets] in data."""
    return Console(file=file, width=width, markup=False, highlight=False, emoji=False, soft_wrap=False)
