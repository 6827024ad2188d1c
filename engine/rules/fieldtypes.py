"""The yes/no and enumeration field types: their tokens, and the checks their names get in expressions.

A yes/no cell is read by its token (是, √, Y, …) after the same NFKC normalisation every cell
gets, plus case folding, so 是 / Ｙ / y / YES / ｙｅｓ all read the same. An enumeration cell
must be one of the values the ruleset lists, and an expression comparing an enumeration field
with a text that is not one of them is a ruleset error at load (a typo there would silently
match no unit). Cells are parsed in data/choices.py; here is what the rules side needs.
"""
from __future__ import annotations

import ast
import copy
import unicodedata
from typing import Any, Mapping

from .expressions import Expression
from .model import FieldSpec

# Written as administrators write them; cells match after token_key (width and case folded).
DEFAULT_YES = ("是", "√", "✓", "✔", "有", "Y", "Yes", "True", "1")
DEFAULT_NO = ("否", "×", "✕", "✗", "✘", "无", "N", "No", "False", "0")


def token_key(text: Any) -> str:
    """How a cell or token is compared: NFKC (full-width → half-width), trimmed, case-folded."""
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def listing(tokens: tuple[str, ...], limit: int = 12) -> str:
    shown = "、".join(tokens[:limit])
    return shown + ("……" if len(tokens) > limit else "")


def choice_mistakes(expr: Expression, kinds: Mapping[str, FieldSpec]) -> list[str]:
    """Comparisons an enumeration or yes/no field cannot mean: a value not listed, or text against yes/no."""
    out: list[str] = []
    for node in ast.walk(expr.node):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:]):
            for name, other in ((left, right), (right, left)):
                spec = kinds.get(name.id) if isinstance(name, ast.Name) else None
                if spec is not None:
                    items = other.elts if isinstance(op, (ast.In, ast.NotIn)) and isinstance(other, (ast.Tuple, ast.List)) else [other]
                    out += [m for item in items if (m := _mistake(spec, item))]
    return list(dict.fromkeys(out))


def _mistake(spec: FieldSpec, item: ast.expr) -> str | None:
    if not isinstance(item, ast.Constant):
        return None
    value = item.value
    if spec.type == "enum":
        if isinstance(value, str) and value in spec.values:
            return None
        near = [v for v in spec.values if isinstance(value, str) and token_key(v) == token_key(value)]
        hint = f"是否想写“{near[0]}”？" if near else ""
        return (f"字段 {spec.name} 是枚举（type: enum），只能取这些值：{listing(spec.values, 30)}；这里写的 {value!r} 不在其中。"
                f"{hint}请改成其中之一；若数据里确有这个值，把它加进字段 {spec.name} 的 values。")
    if isinstance(value, str):
        return (f"字段 {spec.name} 是“是/否”（type: yesno），它的值是 是/否，不是文字 {value!r}。"
                f"请直接写 {spec.name}（是）或 not {spec.name}（否）。")
    return None


def as_conditions(expr: Expression, nullable: frozenset[str] | set[str], whole: bool = False) -> Expression:
    """Kleene's reading of a yes/no that may hold no value (a float column of 1, 0 and NaN).

    ``not x`` becomes ``1 - x``: 否 for 是, 是 for 否, still no value for no value, so arithmetic
    spreads it as any missing value. Where a value's truth is taken (and/or, if … else, count(),
    and the whole expression when ``whole``: a flag's ``when``), such a value is compared
    ``== True``: no value is not true, so a missing yes/no satisfies neither ``x`` nor ``not x``.
    numpy alone would take NaN as true.
    """
    if not nullable or not (expr.names & set(nullable)):
        return expr
    node = _Conditions(set(nullable)).visit(copy.deepcopy(expr.node))
    if whole:
        node = _truth(node, set(nullable))
    ast.fix_missing_locations(node)
    return Expression(expr.text, node, expr.names, expr.calls, expr.percents)


_MARK = "tongbao_yesno"  # set on a rewritten ``not x``: still a yes/no that may hold no value


def rewritten_not(node: ast.expr) -> ast.expr | None:
    """The ``x`` of a ``not x`` that ``as_conditions`` wrote as ``1 - x`` (so it may hold no value), else None."""
    return node.right if isinstance(node, ast.BinOp) and getattr(node, _MARK, False) else None


def _maybe_missing(node: ast.expr, nullable: set[str]) -> bool:
    return (isinstance(node, ast.Name) and node.id in nullable) or getattr(node, _MARK, False)


def _truth(node: ast.expr, nullable: set[str]) -> ast.expr:
    if _maybe_missing(node, nullable):
        return ast.copy_location(ast.Compare(node, [ast.Eq()], [ast.copy_location(ast.Constant(True), node)]), node)
    return node


class _Conditions(ast.NodeTransformer):
    """Rewrites ``not x`` and the places numpy takes a value's truth: and/or, if … else, count(…)."""

    def __init__(self, nullable: set[str]) -> None:
        self.nullable = nullable

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        node.values = [_truth(v, self.nullable) for v in node.values]
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and _maybe_missing(node.operand, self.nullable):
            flipped = ast.copy_location(ast.BinOp(ast.copy_location(ast.Constant(1), node), ast.Sub(), node.operand), node)
            setattr(flipped, _MARK, True)
            return flipped
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        node.test = _truth(node.test, self.nullable)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "count" and node.args:
            node.args[0] = _truth(node.args[0], self.nullable)
        return node
