"""An annex table (附件) of a circular: one row per unit, in table order, values as people read them."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..rules.formatting import Format, format_value


@dataclass
class AnnexTable:
    title: str
    header: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # per column: right-aligned numbers
    number: int | None = None  # 附件N when the circular has several


def cell(unit: Mapping[str, Any], column: Mapping[str, Any]) -> str:
    """One unit's value of one column, formatted by the column's format ("/" where not applicable)."""
    key = column["id"]
    value = unit["fields"].get(key) if column["kind"] == "field" else unit["metrics"].get(key)
    return format_value(value, Format.parse(column["format"]), key in unit.get("not_applicable", []))


def columns_of(part: Mapping[str, Any], ids: Sequence[str] | None) -> list[dict[str, Any]]:
    """The columns an annex prints: the ids asked for, else the report columns, else every field."""
    by_id = {c["id"]: c for c in part["columns"]}
    wanted = list(ids or part["report"]["columns"] or [c["id"] for c in part["columns"] if c["kind"] == "field"])
    out = []
    for key in wanted:
        if key == "rank":
            out.append({"id": "rank", "label": (part.get("ranking") or {}).get("label", "排名"), "kind": "rank", "format": "integer"})
        elif key.startswith("band."):
            tier = next((t for t in part["summary"]["tiers"] if t["id"] == key[5:]), None)
            if tier is None:
                raise KeyError(key)
            out.append({"id": key, "label": tier["label"], "kind": "band", "format": "text",
                        "bands": {b["id"]: b.get("short") or b["label"] for b in tier["bands"]}})
        elif key in by_id:
            out.append(by_id[key])
        else:
            raise KeyError(key)
    return out


def _value(unit: Mapping[str, Any], column: Mapping[str, Any]) -> str:
    if column["kind"] == "rank":
        return "—" if unit.get("rank") is None else str(unit["rank"])
    if column["kind"] == "band":
        band = unit["bands"].get(column["id"][5:])
        return "—" if band is None else column["bands"][band]
    return cell(unit, column)


def annex_table(title: str, part: Mapping[str, Any], group: str | None, ids: Sequence[str] | None) -> AnnexTable:
    cols = columns_of(part, ids)
    units = [u for u in part["units"] if group is None or u.get("group") == group]
    header = ["序号", part["report"]["key"]] + [c["label"] for c in cols]
    rows = [[str(k), str(u["name"])] + [_value(u, c) for c in cols] for k, u in enumerate(units, start=1)]
    numeric = [True, False] + [c["format"].split(":")[0] in ("integer", "number", "percent") for c in cols]
    return AnnexTable(title, header, rows, numeric)
