"""The unit table of the terminal report, and which units it shows.

A small table (up to ``SMALL_TABLE`` units) is shown whole, as the circular's annex prints it.
A big one is summarised: only the units some list names (a band worse than the best, a flag,
a veto, a notification or an escalation), at most ``ROWS`` of them, unless ``--all``.
"""
from __future__ import annotations

from typing import Any

from ..rules.formatting import Format, format_value
from .plaintable import PlainColumn, PlainTable

SMALL_TABLE = 200
ROWS = 200
SEVERITY_STYLE = {0: "", 1: "yellow", 2: "dark_orange", 3: "red", 4: "bold red", 5: "bold red reverse"}


def chosen_units(part: dict[str, Any], everything: bool) -> tuple[list[dict[str, Any]], str | None]:
    """The units the table shows, and a note saying what was left out (None when nothing was)."""
    units: list[dict[str, Any]] = part["units"]
    if everything or len(units) <= SMALL_TABLE:
        return units, None
    severity = _band_severity(part["summary"]["tiers"])
    named = [u for u in units if is_named(u, severity)]
    shown = named[:ROWS]
    note = f"共 {len(units)} 个单位，表中只列被点名或不在最好一档的 {len(named)} 个"
    if len(shown) < len(named):
        note += f"中的前 {len(shown)} 个"
    return shown, note + "（--all 显示全部单位）。"


def is_named(unit: dict[str, Any], severity: dict[tuple[str, str], int]) -> bool:
    """Does some list of the report name this unit?"""
    if unit.get("notifications") or unit.get("escalations") or unit.get("vetoes") or unit.get("flags"):
        return True
    return any(severity.get((tier, band or ""), 1) > 0 for tier, band in unit["bands"].items())


def _band_severity(tiers: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    return {(t["id"], b["id"]): b["severity"] for t in tiers for b in t["bands"]}


def unit_table(part: dict[str, Any], units: list[dict[str, Any]]) -> PlainTable:
    columns = _report_columns(part)
    # Cells never wrap (a split name reads as two units, a split "100.00%" as two numbers);
    # long Chinese headers are folded onto short lines instead.
    tiers = part["summary"]["tiers"]
    heads = [PlainColumn("行", "right", "dim"), PlainColumn(part["report"]["unit_label"])]
    heads += [PlainColumn(_fold(col["label"]), "right") for col in columns]
    heads += [PlainColumn(_fold(tier["label"])) for tier in tiers]
    heads += [PlainColumn(_fold(part["ranking"]["label"]), "right")] if part["ranking"] else []
    table = PlainTable("单位表", heads)
    formats = [Format.parse(col["format"]) for col in columns]
    shorts = {t["id"]: {b["id"]: b["short"] for b in t["bands"]} for t in tiers}
    severity = _band_severity(tiers)
    for unit in units:
        table.add_row(*_unit_cells(unit, columns, formats, tiers, shorts, part["ranking"] is not None),
                      style=_row_style(unit, tiers, severity))
    return table


def _fold(label: str, width: int = 4) -> str:
    return "\n".join(label[i:i + width] for i in range(0, len(label), width))


def _report_columns(part: dict[str, Any]) -> list[dict[str, Any]]:
    metrics = [c["id"] for c in part["columns"] if c["kind"] == "metric"]
    wanted = part["report"]["columns"] or metrics or [c["id"] for c in part["columns"]]
    by_id = {c["id"]: c for c in part["columns"]}
    return [by_id[name] for name in wanted if name in by_id]


def _unit_cells(unit: dict[str, Any], columns: list[dict[str, Any]], formats: list[Format], tiers: list[dict[str, Any]],
                shorts: dict[str, dict[str, str]], ranked: bool) -> list[str]:
    cells: list[str] = [str(unit["line"]), unit["name"]]
    na = set(unit.get("not_applicable", ()))
    for col, fmt in zip(columns, formats):
        source = unit["fields"] if col["kind"] == "field" else unit["metrics"]
        cells.append(format_value(source.get(col["id"]), fmt, col["id"] in na))
    for tier in tiers:
        band_id = unit["bands"].get(tier["id"])
        cells.append(shorts[tier["id"]].get(band_id or "", "—"))
    if ranked:
        cells.append("—" if unit["rank"] is None else str(unit["rank"]))
    return cells


def _row_style(unit: dict[str, Any], tiers: list[dict[str, Any]], severity: dict[tuple[str, str], int]) -> str:
    worst = 3 if unit.get("vetoes") else 0
    for tier in tiers:
        band_id = unit["bands"].get(tier["id"])
        worst = max(worst, severity.get((tier["id"], band_id or ""), 0))
    return SEVERITY_STYLE.get(worst, "")
