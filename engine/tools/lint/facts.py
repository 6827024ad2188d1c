"""Fact checks: per-group values without a word on why (TB-L009)."""
from __future__ import annotations

from typing import Iterator

from .findings import _Context, Finding


def check_group_facts(ctx: _Context) -> Iterator[Finding]:
    """TB-L009: a value that differs by group is a departure from the circular's rule; say where it comes from."""
    for fact in ctx.ruleset.facts:
        described = ctx.raw(("facts", fact.name, "description"))
        if not fact.groups or fact.source or described:
            continue
        values = "、".join(f"{g} 为 {v:g}" for g, v in fact.groups)
        base = "" if fact.value is None else f"，其余为 {fact.value:g}"
        yield ctx.finding("TB-L009", ("facts", fact.name, "groups"), fact.where,
                          f"事实“{fact.name}”（{fact.label}）按组取不同的值（{values}{base}），"
                          f"但没有写 source 或 description 说明为什么各组不同。",
                          "加上 source: 出处（例如 附件2脚注），或 description: 为什么这几组与其余不同。")
