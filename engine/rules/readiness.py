"""What `validate` can see that `evaluate` would otherwise find first: one check, two callers.

A ruleset `validate` accepts must not fail at `evaluate` for a reason that depends on the
ruleset alone. Two kinds are checked here, without any data:

- shape mistakes the evaluator used to meet on the first unit (a summary figure that is not one number, a flag's condition that is a
  bare number, a tier or a ranking on a text value): ``shape_problems``, run when a ruleset loads;
- placeholder facts (``placeholder: true``) that a rule reads: ``placeholder_problems``. A base
  ruleset with placeholders must still load (a region's ruleset extends it and gives the
  values), so this runs in `validate` and `evaluate`, not on every load.

The messages are the evaluator's own, at the same places.
"""
from __future__ import annotations

import ast
from typing import cast

from ..errors import Problem
from .expressions import Expression
from .model import RANK_NAMES, Findings, Part, Records, Ruleset, Where
from .templates import Slot, parse_template


def unit_expressions(part: Part) -> list[Expression]:
    """Every expression evaluated over one part's units (each sort key and escalation value included)."""
    exprs = [m.expr for m in part.metrics] + [f.when for f in (*part.flags, *part.vetoes)]
    exprs += [g.when for g in part.groups if g.when] + [f.expr for f in part.summary]
    exprs += [k.expr for k in part.ranking.keys] if part.ranking else []
    return exprs + [expr for esc in part.escalations for _, expr in esc.sets]


def unit_reads(part: Part) -> set[str]:
    """Every name one part's unit-level rules read: expressions, tiers and their fact lines, annual caps."""
    names = {n for e in unit_expressions(part) for n in e.names}
    names |= {t.metric for t in part.tiers} | {b.threshold_fact for t in part.tiers for b in t.bands if b.threshold_fact}
    return names | {m.year_cap for m in part.metrics if isinstance(m.year_cap, str)}


def row_expressions(table: Findings | Records) -> list[Expression]:
    """Every expression evaluated over a findings or records table's rows."""
    exprs = [a.expr for a in table.per_unit if a.expr is not None]
    if isinstance(table, Records):
        return exprs + ([table.where] if table.where else [])
    return exprs + [m.expr for m in table.metrics] + [f.when for f in table.flags]


def used_names(ruleset: Ruleset) -> set[str]:
    """Every name some expression, band line or annual cap of the ruleset reads."""
    names = {n for f in ruleset.summary for n in f.expr.names}
    for part in ruleset.parts:
        names |= unit_reads(part)
        tables: list[Findings | Records] = [*part.findings, *part.records]
        names |= {n for t in tables for e in row_expressions(t) for n in e.names}
    return names


def printed_names(ruleset: Ruleset) -> set[str]:
    """Names a message prints outside an optional clause ``[…]``: without a value they would print "—"
    (inside a clause the clause is left out instead, which is what the clause is for)."""
    texts = [n.message for p in ruleset.parts for n in p.notifications] + [e.message for p in ruleset.parts for e in p.escalations]
    texts += [f.row_text for p in ruleset.parts for f in p.findings if f.row_text]
    return {piece.name for text in texts for piece in parse_template(text).pieces if isinstance(piece, Slot)}


def placeholder_problems(ruleset: Ruleset) -> list[Problem]:
    """A placeholder is a figure nobody has checked yet: evaluating a rule that uses it would invent the rule,
    and a message that prints it would publish "—" where the circular states a figure."""
    used, printed = used_names(ruleset), printed_names(ruleset)
    out = []
    for f in ruleset.facts:
        if not f.placeholder or f.name not in used | printed:
            continue
        reader = "规则要用它" if f.name in used else "通报文字要写出它（会印成“—”）"
        fix = "" if f.name in used else f"；或把 {{{f.name}}} 放进可省略的 [……] 里，没有数值时不写这句"
        out.append(cast(Where, f.where).problem(f"“{f.label}”是占位值（{f.source or '尚未核实'}），没有数值，而{reader}。"
                                                f"请在地区规则集中写 facts: {{{f.name}: {{value: …}}}} 后再评定{fix}。"))
    return out


# The messages, each written once: shape_problems says them at load, the evaluator if it still meets one.
def not_yes_no(text: str) -> str:
    return f"条件 {text!r} 的结果不是“是/否”。请写成比较，例如 x > 0 或 status == \"不合格\"。"


def not_bandable(metric: str) -> str:
    return f"分档依据的“{metric}”不是数字，无法分档。请改为数字字段或指标。"


def not_rankable(text: str) -> str:
    return f"排名依据 {text!r} 不是数字（是文字或日期），无法排名。请改为数字字段或指标。"


def not_one_number(text: str) -> str:
    return f"汇总 {text!r} 的结果是每个单位一个值，而不是一个数。请用 sum()、count()、mean() 等汇总函数。"


def _kinds(part: Part) -> dict[str, str]:
    """name → kind (integer, number, percent, text, date) of the fields, metrics and aggregates one part's
    units carry; only the kinds that are never yes/no (a field of another type, e.g. yes/no, is left out)."""
    kinds = {f.name: f.type for f in part.units.fields if f.type in _PLAIN}
    kinds.update({m.name: m.format.kind for m in part.metrics if m.format.kind in _PLAIN})
    kinds.update({a.name: a.format.kind for a in part.aggregates() if a.format.kind in _PLAIN})
    return kinds


_PLAIN = ("integer", "number", "percent", "text", "date")


def shape_problems(ruleset: Ruleset) -> list[Problem]:
    """Conditions that are a bare value, tiers and rankings on text or dates: wrong whatever the data."""
    out: list[Problem] = []
    for part in ruleset.parts:
        kinds = _kinds(part)
        for item in (*part.flags, *part.vetoes):
            if item.when.text.strip() in kinds:  # `when: score`: a number is not a yes/no
                out.append(item.where.problem(not_yes_no(item.when.text)))
        for tier in part.tiers:
            if kinds.get(tier.metric) in ("text", "date"):
                out.append(tier.where.problem(not_bandable(tier.metric)))
        for fig in part.summary:
            if _per_unit_outside_totals(fig.expr, _per_unit_names(part)):
                out.append(fig.where.problem(not_one_number(fig.expr.text)))
        first = part.ranking.keys[0].expr if part.ranking else None
        if part.ranking and first is not None and kinds.get(first.text.strip()) in ("text", "date"):
            out.append(part.ranking.where.problem(not_rankable(first.text)))
    return out


_TOTALS = {"sum", "mean", "count"}  # and min/max of one argument: what makes one number of a column


def _per_unit_names(part: Part) -> set[str]:
    """Names holding one value per unit (facts left out: a per-group fact is per unit only with groups)."""
    names = {f.name for f in part.units.fields} | {m.name for m in part.metrics} | {a.name for a in part.aggregates()}
    names |= {f.name for f in (*part.flags, *part.vetoes)} | {t.name for t in part.tiers} | set(RANK_NAMES)
    return names | ({"group"} if part.groups else set()) | ({"vetoed"} if part.vetoes else set())


def _per_unit_outside_totals(expr: Expression, per_unit: set[str]) -> bool:
    """Does the expression read a per-unit name that no sum/mean/count/min(x)/max(x) reduces?"""
    def walk(node: ast.AST) -> bool:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in _TOTALS or (name in ("min", "max") and len(node.args) == 1):
                return False
        if isinstance(node, ast.Name):
            return node.id in per_unit
        return any(walk(child) for child in ast.iter_child_nodes(node))
    return walk(expr.node)
