"""How ``tongbao explain`` says a field was read, and that a group's file does not carry it (units.fields' ``groups``)."""
from __future__ import annotations

from typing import Any


def field_read(result: Any, f: Any, i: int) -> dict[str, Any]:
    """A field as read; one its group's file does not carry says so (不适用, or 0 by ``absent: zero``)."""
    out = {"id": f.name, "label": f.label, "display": result.display(f.name, i)}
    if f.groups and result.groups is not None and result.groups[i] not in f.groups:
        out["absent"] = f.absent
    return out


def read_words(field: dict[str, Any], group: str | None) -> str:
    absent = field.get("absent")
    if absent is None:
        return f"{field['label']} {field['display']}"
    if absent == "zero":
        return f"{field['label']} {field['display']}（{group}的数据文件没有这一列，按 0 计）"
    return f"{field['label']} 不适用（{group}的数据文件没有这一列）"
