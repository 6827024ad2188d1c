"""The terminal report, drawn from ``Verdict.to_dict()`` and nothing else.

Rich measures Chinese characters as two columns, so tables stay aligned; it
also drops colour codes when the output is a pipe or a file.
"""
from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from .formatting import Format, format_value

SEVERITY_STYLE = {0: "", 1: "yellow", 2: "dark_orange", 3: "red", 4: "bold red", 5: "bold red reverse"}


def render(verdict: dict, console: Console) -> None:
    """Print the report for one verdict dict."""
    console.print(_header(verdict))
    summary = verdict["summary"]
    if summary["figures"]:
        console.print(_figures(summary["figures"]))
    for tier in summary["tiers"]:
        console.print(_tier(tier))
    if summary["flags"]:
        console.print(_listing("标记", [(f["label"], f["units"], f["severity"]) for f in summary["flags"]]))
    if summary["notifications"]:
        console.print(_listing("通报措施", [(f"{n['action']}：{n['label']}", n["units"], 2) for n in summary["notifications"]]))
    if verdict["warnings"]:
        console.print(_warnings(verdict["warnings"]))
    console.print(_units(verdict))


def _header(v: dict) -> Group:
    r, t = v["ruleset"], v["input"]["tables"][0]
    return Group(
        Text(r["title"], style="bold"),
        Text(f"{r['issuer']} · {r['region']} · {r['period']}"),
        Text(f"规则集 {r['id']} 版本 {r['version']}（sha256 {r['sha256'][:12]}）· 数据 {t['file']}，{v['summary']['units']} 个单位", style="dim"),
        Text(""),
    )


def _figures(figures: list[dict]) -> Table:
    table = Table(title="汇总", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("项目")
    table.add_column("按表格计算", justify="right")
    table.add_column("通报公布", justify="right")
    table.add_column("核对")
    for fig in figures:
        if "published" in fig:
            mark = Text("一致", style="green") if fig["agrees"] else Text("不一致", style="bold red")
            table.add_row(fig["label"], fig["display"], fig["published"], mark)
        else:
            table.add_row(fig["label"], fig["display"], "", "")
    return table


def _tier(tier: dict) -> Group:
    lines = [Text(tier["label"], style="bold")]
    for band in tier["bands"]:
        lines.append(_names_line(band["label"], band["units"], band["severity"]))
    if tier["unbanded"]["count"]:
        lines.append(_names_line("无法分档（缺少数值）", tier["unbanded"]["units"], 1))
    lines.append(Text(""))
    return Group(*lines)


def _listing(title: str, rows: list[tuple[str, list[str], int]]) -> Group:
    lines = [Text(title, style="bold")]
    lines += [_names_line(label, units, severity) for label, units, severity in rows]
    lines.append(Text(""))
    return Group(*lines)


def _names_line(label: str, units: list[str], severity: int) -> Text:
    """A circular's sentence: the label, the count, and the names — unless nothing is wrong."""
    text = Text("  ")
    text.append(f"{label}（{len(units)}个）", style=SEVERITY_STYLE.get(severity, ""))
    if severity > 0:  # units in good standing are counted, not listed: the circular names only the others
        text.append("：" + ("、".join(units) if units else "无"))
    return text


def _warnings(warnings: list[dict]) -> Group:
    lines = [Text(f"提示（{len(warnings)}条）", style="bold yellow")]
    for w in warnings:
        where = "，".join(str(x) for x in (w.get("file"), _line(w), w.get("unit")) if x)
        lines.append(Text(f"  [{w['code']}] " + (f"{where}：" if where else "") + w["message"]))
    lines.append(Text(""))
    return Group(*lines)


def _line(w: dict) -> str | None:
    return f"第 {w['line']} 行" if w.get("line") else None


def _units(v: dict) -> Table:
    columns = _report_columns(v)
    table = Table(title="单位表", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    # Cells never wrap (a split name reads as two units, a split "100.00%" as two numbers);
    # long Chinese headers are folded onto short lines instead, so 80 columns suffice.
    table.add_column("行", justify="right", style="dim", no_wrap=True)
    table.add_column(v["report"]["unit_label"], no_wrap=True)
    for col in columns:
        table.add_column(_fold(col["label"]), justify="right", no_wrap=True)
    tiers = v["summary"]["tiers"]
    for tier in tiers:
        table.add_column(_fold(tier["label"]), no_wrap=True)
    if v["ranking"]:
        table.add_column(_fold(v["ranking"]["label"]), justify="right", no_wrap=True)
    for unit in v["units"]:
        table.add_row(*_unit_cells(unit, columns, tiers, v["ranking"] is not None), style=_row_style(unit, tiers))
    return table


def _fold(label: str, width: int = 4) -> str:
    return "\n".join(label[i:i + width] for i in range(0, len(label), width))


def _report_columns(v: dict) -> list[dict]:
    wanted = v["report"]["columns"] or [c["id"] for c in v["columns"] if c["kind"] == "metric"] or [c["id"] for c in v["columns"]]
    by_id = {c["id"]: c for c in v["columns"]}
    return [by_id[name] for name in wanted if name in by_id]


def _unit_cells(unit: dict, columns: list[dict], tiers: list[dict], ranked: bool) -> list[str]:
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


def _row_style(unit: dict, tiers: list[dict]) -> str:
    worst = 0
    for tier in tiers:
        band_id = unit["bands"].get(tier["id"])
        worst = max([worst] + [b["severity"] for b in tier["bands"] if b["id"] == band_id])
    return SEVERITY_STYLE.get(worst, "")


def make_console(file: Any = None, width: int | None = None) -> Console:
    """A console that colours only a real terminal and never interprets [brackets] in data."""
    return Console(file=file, width=width, markup=False, highlight=False, emoji=False, soft_wrap=False)
