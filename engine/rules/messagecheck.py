"""Message templates checked when the ruleset loads: names, format specs against the value's kind,
optional clauses and findings lists. Whatever is wrong here is a ruleset error with its place,
never a surprise when the messages are filled.
"""
from __future__ import annotations

from typing import Any, Iterable

from .expressions import unknown_message
from .formatting import Format, format_value, written
from .model import RANK_NAMES, Aggregate, Fact, FieldSpec, Findings, Metric, Tier
from .templates import Slot, Spec, followed_by, parse_template

_WORDS = {"number": "数字", "percent": "百分数", "text": "文字", "date": "日期", "yesno": "是/否", "list": "明细清单"}


def kind_of(fmt: Format) -> str:
    """The kind of value a display format holds: number, percent, text or date."""
    return "number" if fmt.kind in ("integer", "number") else fmt.kind


def message_kinds(items: Iterable[FieldSpec | Metric | Aggregate], yesno: Iterable[str], facts: Iterable[Fact],
                  tiers: Iterable[Tier], findings: Iterable[Findings]) -> dict[str, str]:
    """name → kind of every value a unit's message can read (fields, metrics, aggregates, flags, facts …)."""
    kinds = {"unit": "text", "group": "text", **{name: "number" for name in RANK_NAMES}}
    for item in items:
        kinds[item.name] = "text" if isinstance(item, Aggregate) and item.how == "dates" else kind_of(item.format)
    kinds.update({name: "yesno" for name in yesno})
    kinds.update({f.name: fact_kind(f) for f in facts})
    kinds.update({f"band.{t.name}": "text" for t in tiers})
    kinds.update({f.name: "list" for f in findings if f.row_text is not None})
    return kinds


def fact_kind(fact: Fact) -> str:
    if fact.date:
        return "date"
    return kind_of(fact.format) if fact.format is not None else "number"


def spec_problem(slot: Slot, kind: str) -> str | None:
    """Why ``slot``'s spec does not fit a value of ``kind`` (with the fix), or None when it fits."""
    spec = slot.spec
    if spec is None:
        return None
    shown = f"“{slot.name}”是{_WORDS.get(kind, kind)}"
    if kind in ("text", "yesno", "list"):
        return f"{shown}，不能加格式“:{spec.text}”。请写 {{{slot.name}}}。"
    if kind == "date":
        return None if spec.kind in ("年月日", "月日") else f"{shown}，格式只能是 :年月日 或 :月日。请写 {{{slot.name}:年月日}}。"
    if spec.kind in ("年月日", "月日"):
        return f"{shown}，不是日期，不能用“:{spec.text}”。数字请用 :d、:.1f、:.0% 等。"
    if kind == "percent" and spec.kind != "%":
        return (f"{shown}（100% 按 1 存放），“:{spec.text}”会把它写成 0.5 这样的小数。"
                f"请写 {{{slot.name}:.{spec.decimals}%}}。")
    return None


def template_problems(text: str, allowed: set[str], kinds: dict[str, str]) -> list[tuple[str, Any]]:
    """Problems of one message template: (message, slot or None). Empty when it is fine."""
    try:
        template = parse_template(text)
    except ValueError as exc:
        return [(str(exc), None)]
    out: list[tuple[str, Any]] = []
    for slot in template.slots():
        if slot.name not in allowed:
            out.append((unknown_message("占位名称", slot.name, allowed), slot))
            continue
        kind = kinds.get(slot.name, "number")
        problem = spec_problem(slot, kind)
        if problem:
            out.append((problem, slot))
        if kind == "list" and followed_by(template, slot.name) == "。":
            out.append((f"明细清单 {{{slot.name}}} 末尾自带“。”，后面再写“。”会重复。请删去它后面的“。”。", slot))
    return out


def spec_format(spec: Spec | None, fallback: Format) -> Format:
    """The display format of a placeholder: its spec's when written, else the value's own."""
    return spec.format() if spec is not None and spec.kind in ("d", "f", "%") else fallback


def fact_line(fact: Fact, percent: bool, labels: dict[str, str] | None = None) -> str:
    """A fact used as a band's line, written by its value: its own format, else as the metric reads
    (a rate's line 0.9 is "90%"), else as written; per-group values follow in brackets."""
    def shown(value: float | None) -> str:
        if value is None:  # a placeholder: no value yet (validate refuses it where a rule reads it)
            return fact.name
        if fact.format is not None:
            return format_value(value, fact.format)
        return f"{written(value * 100, 4)}%" if percent else written(value)

    groups = "，".join(f"{(labels or {}).get(g, g)} {shown(v)}" for g, v in fact.groups)
    return shown(fact.value) + (f"（{groups}）" if groups else "")
