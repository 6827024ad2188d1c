"""Expressions: every operator element-wise over 0, 1, 2 and 60,000 rows, and the load-time checks.

simpleeval's own operators fail on arrays of two or more rows but work on one,
so a one-row fixture would hide the bug: each case runs at every size.
"""
from __future__ import annotations

import numpy as np
import pytest

from tongbao.rules.expressions import BASE_FUNCTIONS, ColumnEvaluator, ExpressionError, compile_expression

SIZES = [0, 1, 2, 60_000]
CASES = [
    # (expression, per-row function of a, b)
    ("a + b", lambda a, b: a + b),
    ("a - b * 2", lambda a, b: a - b * 2),
    ("a * b", lambda a, b: a * b),
    ("a ** 2", lambda a, b: a ** 2),
    ("-a", lambda a, b: -a),
    ("a / b", lambda a, b: a / b if b else float("nan")),
    ("a > b", lambda a, b: a > b),
    ("0 < a <= b", lambda a, b: 0 < a <= b),
    ("a > 1 and b > 1", lambda a, b: a > 1 and b > 1),
    ("a > 1 or b > 1", lambda a, b: a > 1 or b > 1),
    ("not a > 1", lambda a, b: not a > 1),
    ("a if a > b else b", lambda a, b: a if a > b else b),
    ("a in (0, 1, 2)", lambda a, b: a in (0, 1, 2)),
    ("a not in (0, 1)", lambda a, b: a not in (0, 1)),
    ("min(1, a / b)", lambda a, b: min(1, a / b) if b else float("nan")),
    ("max(a, b, 2)", lambda a, b: max(a, b, 2)),
    ("a < 50%", lambda a, b: a < 0.5),
]


def _columns(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    return rng.integers(0, 4, n).astype(float), rng.integers(0, 4, n).astype(float)


def _run(text: str, a: np.ndarray, b: np.ndarray):
    expr = compile_expression(text, ["a", "b"])
    functions = {k: f.impl for k, f in BASE_FUNCTIONS.items()}
    for arr in (a, b):
        arr.flags.writeable = False
    with np.errstate(all="ignore"):
        return ColumnEvaluator({"a": a, "b": b}, functions).run(expr)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("text,row", CASES, ids=[c[0] for c in CASES])
def test_operator_is_element_wise(text: str, row, n: int) -> None:
    a, b = _columns(n)
    got = np.broadcast_to(np.asarray(_run(text, a, b), dtype=float), (n,))
    want = np.array([row(x, y) for x, y in zip(a.tolist(), b.tolist())], dtype=float)
    np.testing.assert_array_equal(got, want)


def test_round_is_half_up_like_an_office() -> None:
    a = np.array([0.125, 2.5, -2.5, 0.285, 1.005])
    got = _run("round(a, 2)", a, a)
    np.testing.assert_array_equal(got, [0.13, 2.5, -2.5, 0.29, 1.01])
    np.testing.assert_array_equal(_run("round(a)", np.array([2.5, 3.5, 0.49]), a[:3]), [3, 4, 0])


def test_aggregates_skip_not_applicable() -> None:
    a = np.array([1.0, np.nan, 3.0])
    assert _run("sum(a)", a, a) == 4.0
    assert _run("mean(a)", a, a) == 2.0
    assert _run("min(a)", a, a) == 1.0 and _run("max(a)", a, a) == 3.0
    np.testing.assert_array_equal(_run("missing(a)", a, a), [False, True, False])
    np.testing.assert_array_equal(_run("fill(a, 0)", a, a), [1.0, 0.0, 3.0])


def test_percent_literal_is_a_fraction_but_not_inside_text() -> None:
    expr = compile_expression("a < 90% and b != 12.5%", ["a", "b"])
    assert "0.9" in __import__("ast").unparse(expr.node) and "0.125" in __import__("ast").unparse(expr.node)
    text = compile_expression("contains(a, '100%')", ["a"])
    assert text.calls == (("contains", (None, "100%")),)


@pytest.mark.parametrize("text,message", [
    ("activty < 90%", "未知的名称“activty”。是否想写“activity”？"),
    ("foo(activity)", "未知的函数“foo”"),
    ("activity <", "表达式语法错误"),
    ("activity.tofile('x')", "只能调用文档列出的函数"),
    ("activity.real", "不能使用属性访问（.）"),
    ("activity[0]", "不能使用下标（[]）"),
    ("activity ** 4000000", "乘方 ** 的指数必须是不超过 10 的数字常量"),
    ("min()", "函数 min 需要至少 1 个参数，这里给了 0 个"),
    ("round(activity, 1, 2)", "函数 round 需要 1 到 2 个参数，这里给了 3 个"),
    ("activity ** -1", None),
    ("contains(activity, activity)", "第 2 个参数必须是带引号的文字"),
    ("(lambda: 1)()", "只能调用文档列出的函数"),
    ("activity % 3", "不能使用取余 %"),
    ("'x' * 10", "不能参与算术运算"),  # 'a' * 10**9 was 1 GB; text takes no arithmetic
    ("", "表达式为空"),
    ("+".join(["activity"] * 150), "表达式过长或嵌套过深"),
    ("+".join(["activity"] * 300), "表达式超过 2000 个字符"),
])
def test_bad_expressions_are_caught_at_load(text: str, message: str | None) -> None:
    if message is None:
        compile_expression(text, ["activity"])  # allowed: constant text is bounded in length
        return
    with pytest.raises(ExpressionError) as err:
        compile_expression(text, ["activity"])
    assert message in str(err.value)


def test_arrays_given_to_expressions_cannot_be_changed() -> None:
    a = np.array([1.0, 2.0])
    a.flags.writeable = False
    with pytest.raises(ValueError):
        a.fill(0)


def test_in_with_one_parenthesised_text_compares_whole_names() -> None:
    names = np.array(["县委办", "县", "委"], dtype=object)
    expr = compile_expression('name in ("县委办")', ["name"])
    functions = {k: f.impl for k, f in BASE_FUNCTIONS.items()}
    got = ColumnEvaluator({"name": names}, functions).run(expr)
    np.testing.assert_array_equal(got, [True, False, False])


def test_arithmetic_reuses_only_its_own_intermediate_arrays() -> None:
    """A sum of products writes into the arrays its sub-expressions made (one fresh array, not one per
    operator), never into a name's array, even one left writeable (a metric computed earlier), and a
    rate over zero is no value: hand-computed for a = 1, 2, 0 and b = 2, 0, 4."""
    a, b = np.array([1.0, 2.0, 0.0]), np.array([2.0, 0.0, 4.0])
    expr = compile_expression("(a + b) * (a - b) / a + 5 * a + b * 2 - b / a", ["a", "b"])
    with np.errstate(all="ignore"):
        got = ColumnEvaluator({"a": a, "b": b}, {k: f.impl for k, f in BASE_FUNCTIONS.items()}).run(expr)
    # unit 1: 3·(-1)/1 + 5 + 4 - 2 = 4; unit 2: 2·2/2 + 10 + 0 - 0 = 12; unit 3: over a = 0, no value
    np.testing.assert_array_equal(got, [4.0, 12.0, np.nan])
    assert a.tolist() == [1.0, 2.0, 0.0] and b.tolist() == [2.0, 0.0, 4.0] and a.flags.writeable


def test_an_operand_is_reused_only_when_made_by_arithmetic() -> None:
    import ast

    from tongbao.rules.expressions import _own_result

    made, binop, name = np.arange(3.0), ast.parse("a + b", mode="eval").body, ast.parse("a", mode="eval").body
    assert _own_result(binop, made, 2.0) is made
    assert _own_result(binop, made, np.ones(3)) is made
    assert _own_result(name, made, 2.0) is None  # a name's array, writeable or not, is never written
    assert _own_result(binop, made[:2], 2.0) is None  # a view of something else
    assert _own_result(binop, made, np.ones((2, 3))) is None  # the result would not fit
    assert _own_result(binop, np.arange(3), 2.0) is None  # whole numbers: the result is a float array
    frozen = np.arange(3.0)
    frozen.flags.writeable = False
    assert _own_result(binop, frozen, 2.0) is None
