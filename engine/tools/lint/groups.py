"""Group checks: a rule reading a field that some groups' files do not carry (TB-L013)."""
from __future__ import annotations

from typing import Any, Iterator

from ...rules.model import FieldSpec, Part
from .findings import _Context, Finding


def check_group_only_fields(ctx: _Context) -> Iterator[Finding]:
    """TB-L013: the other groups' units get 不适用 there, which is legal (the engine's meaning of 不适用) but
    often not meant. An expression that names ``group`` has said what each group gets, so it is left alone."""
    for part, prefix in ctx.parts():
        partial = [f for f in part.units.fields if f.groups and f.absent != "zero"]
        if not partial:
            continue
        labels = {g.id: g.label for g in part.groups}
        for path, what, item, expr in _rules(part, prefix):
            if "group" in expr.names:
                continue
            for f in (f for f in partial if f.name in expr.names):
                yield _finding(ctx, path, what, item, f, [labels[g] for g in labels if g not in f.groups])


def _rules(part: Part, prefix: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str, Any, Any]]:
    """(key path, what it is, the compiled item, its expression) for each per-unit rule of a part."""
    for m in part.metrics:
        yield prefix + ("metrics", m.name, "expr"), "指标", m, m.expr
    for kind, items in (("否决项", part.vetoes), ("标记", part.flags)):
        for item in items:
            yield prefix + ("vetoes" if kind == "否决项" else "flags", item.name, "when"), kind, item, item.when
    if part.ranking is not None:
        for key in part.ranking.keys:
            yield prefix + ("ranking", "by"), "排名", part.ranking, key.expr


def _finding(ctx: _Context, path: tuple[Any, ...], what: str, item: Any, f: FieldSpec, others: list[str]) -> Finding:
    who = "、".join(others)
    outcome = {"指标": "这个指标算不出来（显示 —，不落入分档，不参加排名）", "排名": "不参加排名"}.get(what, "这个条件不成立")
    name = getattr(item, "name", None) or what
    first = f.groups[0]
    return ctx.finding("TB-L013", path, item.where,
                       f"{what}“{name}”读了字段 {f.name}，而{who}的数据文件没有这一列（groups: [{', '.join(f.groups)}]）："
                       f"{who}的单位这一项不适用，{outcome}。",
                       _fix(what, first) + f"其他组应按 0 计的，给字段 {f.name} 写 absent: zero。")


def _fix(what: str, group: str) -> str:
    """Saying it on purpose: a value ``na()`` for the others; a condition that holds only in the group."""
    if what in ("标记", "否决项"):
        return f"若这是本意，写成 `group == \"{group}\" and (…)` 表明；其他组另有条件的，写 `(…) if group == \"{group}\" else 其他条件`；"
    return f"若这是本意，写成 `… if group == \"{group}\" else na()` 表明；其他组另有算法的，把 na() 换成那个算法；"

