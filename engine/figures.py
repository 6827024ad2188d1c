"""A part's summary figures: over all its units, then per group.

A figure such as ``sum(a + b)`` or ``count(in_band("t", "x"))`` reduces a column that is the same,
unit for unit, whichever scope computes it: it is computed once over all units and each group reduces
its own units' part of it, where each group computed it again from its own units (as much work again
as the whole part's). The values are the same: each group reduces the same numbers, in the same order.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

import numpy as np

from .rules.model import Figure, Part
from .unitgroups import Members

if TYPE_CHECKING:
    from .evaluate import Context

REDUCERS = frozenset({"sum", "count"})  # the reductions whose column argument can be shared
UNIT_BY_UNIT = frozenset({"in_band"})  # calls whose value for a unit reads only that unit (and constant arguments)

Scope = tuple[str, "Context", Members]  # "all" or a group id, its names, its units in the whole part's order


def part_figures(part: Part, scopes: list[Scope], scoped: frozenset[str]) -> dict[str, dict[str, Any]]:
    """Each figure in each scope ("all" first; None where the figure's scope leaves it out).

    ``scoped``: the names whose value is not the same unit for unit in every scope (earlier figures,
    per-group facts: a number in a group, a column over all units), which a shared column may not read.
    """
    out: dict[str, dict[str, Any]] = {}
    for fig in part.summary:
        out[fig.id] = {}
        shared = _shared_column(fig, scopes, scoped)
        for scope, ctx, members in scopes:
            wanted = fig.scope == "both" or (fig.scope == "all") == (scope == "all")
            if not wanted:
                value = None
            elif shared is None:
                value = ctx.scalar(fig.expr, fig.where)
            else:
                value = ctx.reduced(shared[0], _part(shared[1], members), fig.expr, fig.where)
            out[fig.id][scope] = ctx.names[fig.id] = value
    return out


def _shared_column(fig: Figure, scopes: list[Scope], scoped: frozenset[str]) -> tuple[str, Any] | None:
    """(reduction, its argument over all units) for a figure that reduces a unit-by-unit column, with groups to share it."""
    node = fig.expr.node
    if len(scopes) < 2 or not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REDUCERS
                               and len(node.args) == 1 and not node.keywords):
        return None
    column = node.args[0]
    if isinstance(column, (ast.Name, ast.Constant)) or not unit_by_unit(column, scoped):
        return None  # a name is a view in each group already: nothing to share
    whole = scopes[0][1]
    try:
        value = whole.run(fig.expr, fig.where, column)
    except Exception:  # told as it always was, by the figure's own evaluation in each scope
        return None
    return (node.func.id, value) if np.ndim(value) == 0 or np.shape(value) == (whole.n,) else None


def unit_by_unit(node: ast.expr, scoped: frozenset[str]) -> bool:
    """Is each unit's value of ``node`` made of that unit's values alone, the same in every scope?"""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id not in scoped
    if isinstance(node, ast.BinOp):
        return unit_by_unit(node.left, scoped) and unit_by_unit(node.right, scoped)
    if isinstance(node, ast.UnaryOp):
        return unit_by_unit(node.operand, scoped)
    if isinstance(node, ast.BoolOp):
        return all(unit_by_unit(v, scoped) for v in node.values)
    if isinstance(node, ast.Compare):  # not ``in``: its right side is a list
        return not any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) and \
            all(unit_by_unit(v, scoped) for v in (node.left, *node.comparators))
    if isinstance(node, ast.IfExp):
        return all(unit_by_unit(v, scoped) for v in (node.test, node.body, node.orelse))
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in UNIT_BY_UNIT and not node.keywords and \
            all(isinstance(a, ast.Constant) for a in node.args)
    return False


def _part(value: Any, members: Members) -> Any:
    """A scope's units' part of a column over all units (a number is the same everywhere)."""
    return value if np.ndim(value) == 0 else value[members]
