"""Expressions in rulesets: parsed and checked once, evaluated over whole columns.

Over 400 lines because the checks at load and the column-wise evaluator must agree on one grammar.

An expression is read when the ruleset loads: syntax, names and functions are
checked then, so a typo is a ruleset error before any data is read. Evaluation
runs simpleeval over numpy columns, with array-aware operators, because the
default ones call ``len()`` and Python truthiness, which break on arrays
(see the shared notes on hazards and performance).
"""
from __future__ import annotations

import ast
import re
from decimal import Decimal
from typing import Any, Callable, Iterable

import numpy as np
from simpleeval import SimpleEval

from ..frozen import frozen
from .datefunctions import PARTS as DATE_PARTS
from .formatmany import near_half
from .formatting import round_half_up, trusted

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_DEPTH = 32
MAX_STRING = 200
MAX_POWER = 10
MAX_EXACT = 2 ** 53  # whole numbers up to this are exact in float64, which columns are
MAX_ROUND = 10  # round(x, n): |n| at most this

_PERCENT = re.compile(r"""("[^"]*"|'[^']*')|(\d+(?:\.\d+)?)\s*%""")


class ExpressionError(Exception):
    """A bad expression; the loader adds the file, line and key."""


@frozen
class Function:
    """A function expressions may call: its implementation and what it accepts."""

    impl: Callable[..., Any]
    min_args: int
    max_args: int | None
    text_args: tuple[int, ...] = ()  # positions that must be written as quoted text


@frozen(eq=False)
class Expression:
    """One parsed expression: the text as written and its syntax tree."""

    text: str
    node: ast.expr
    names: frozenset[str]
    calls: tuple[tuple[str, tuple[Any, ...]], ...]  # (function, constant args) for checks
    percents: frozenset[tuple[int, int]] = frozenset()  # (line, byte column) of constants written as 90%

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


# ---------------------------------------------------------------- functions

def numeric(x: Any) -> Any:
    """Yes/no counts as 1/0 in arithmetic, as a spreadsheet counts TRUE: numpy would add booleans as OR."""
    if isinstance(x, (bool, np.bool_)):
        return float(x)
    if isinstance(x, np.ndarray) and x.dtype.kind == "b":
        return x.astype(np.float64)
    return x


def round_column(x: Any, digits: Any = 0) -> Any:
    """Half away from zero on the number's 15 trusted digits: the rule display uses (formatting.round_half_up).

    Most values are far from a half and take the numpy path; the few within reach of one (or too
    large for float steps to be exact) go through the decimal rule itself, so both always agree.
    The numpy path works in place in arrays it made (a million values: 8 MB a step saved).
    """
    d = int(digits)
    x = np.asarray(numeric(x), dtype=np.float64)
    xs = np.atleast_1d(x)  # a 0-d value too gets arrays to work in
    scaled = np.abs(xs)
    scaled *= 10.0 ** d
    out = np.add(scaled, 0.5)
    np.floor(out, out=out)
    if d >= 0:
        out /= 10.0 ** d
    else:
        out *= 10.0 ** -d
    np.negative(out, out=out, where=xs < 0)  # steps × sign(x): -0.0 gives 0.0, a negative that rounds to 0 gives -0.0
    hard = near_half(scaled, exact_scale=d >= 0)  # False where x is not finite
    if xs.size and np.fmax.reduce(scaled, axis=None) >= 1e8:  # too large for float steps to be exact (rare: a mask only then)
        hard |= (scaled >= 1e8) & np.isfinite(xs)
    if not hard.any():
        return out[0] if x.ndim == 0 else out
    for i in np.flatnonzero(hard):
        out.flat[i] = float(round_half_up(float(xs.flat[i]), d))
    return out.reshape(x.shape)


def _snap(x: Any) -> Any:
    """A computed number read at its 15 trusted digits where that makes it whole: (140% - 100%) / 20% is 2."""
    x = np.asarray(x, dtype=np.float64)
    near = np.isfinite(x) & (np.abs(x - np.rint(x)) < 1e-12 * np.maximum(1.0, np.abs(x)))
    if not near.any():
        return x
    out = np.array(x, ndmin=1)
    for i in np.flatnonzero(np.broadcast_to(near, out.shape)):
        out.flat[i] = trusted(float(out.flat[i]))
    return out.reshape(x.shape)


def floor_column(x: Any) -> Any:
    return np.floor(_snap(numeric(x)))


def ceil_column(x: Any) -> Any:
    return np.ceil(_snap(numeric(x)))


def floor_divide(a: Any, b: Any) -> Any:
    """a // b: the whole number of times b goes into a, rounded down (-7 // 2 is -4); over 0, no value."""
    a, b = numeric(a), numeric(b)
    with np.errstate(all="ignore"):
        q = np.true_divide(a, b)
    return np.where(np.asarray(b) == 0, np.nan, np.floor(_snap(np.where(np.isinf(q), np.nan, q))))


def modulo(a: Any, b: Any) -> Any:
    """mod(a, b) = a - b * (a // b): the sign follows b, as Excel's MOD (mod(-7, 3) is 2)."""
    a, b = numeric(a), numeric(b)
    r = a - b * floor_divide(a, b)
    return np.where(np.abs(r) < 1e-12 * np.maximum(np.abs(a), np.abs(b)), 0.0, r)


def _as_float(x: Any) -> Any:
    return float(x) if isinstance(x, int) else x


def _abs(x: Any) -> Any:
    return np.abs(numeric(x))


def _min(*args: Any) -> Any:
    if len(args) == 1:
        return _extreme(args[0], np.nanmin)
    return _reduce(np.minimum, [numeric(a) for a in args])


def _max(*args: Any) -> Any:
    if len(args) == 1:
        return _extreme(args[0], np.nanmax)
    return _reduce(np.maximum, [numeric(a) for a in args])


def _extreme(column: Any, pick: Any) -> Any:
    """The smallest or largest value of a column, blanks skipped; of a date column, a date (as
    rules/kinds.py says: read as a number it could not stand beside the dates it is compared with)."""
    dates = np.asarray(column)
    if dates.dtype.kind == "M":  # a date column, or one date (a fact)
        known = dates[~np.isnat(dates)]
        return pick(known) if known.size else np.datetime64("NaT")
    values = np.asarray(numeric(column), dtype=float)
    return float(pick(values)) if np.any(~np.isnan(values)) else float("nan")


def _reduce(ufunc: Any, args: Iterable[Any]) -> Any:
    args = list(args)
    out = args[0]
    for arg in args[1:]:
        out = ufunc(out, arg)
    return out


def _sum(x: Any) -> float:
    values = np.asarray(x, dtype=float)
    total = values.sum()  # np.nansum copies the column to zero its NaNs: only a NaN total needs that
    return float(np.nansum(values) if np.isnan(total) else total)


def _mean(x: Any) -> float:
    values = np.asarray(x, dtype=float)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def _count(cond: Any = None) -> int:
    raise AssertionError("replaced per evaluation")  # needs the row count


def _missing(x: Any) -> Any:
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":  # a condition or a whole number always has a value
        return np.zeros(arr.shape, dtype=bool)
    if arr.dtype.kind == "f":
        return np.isnan(arr)
    if arr.dtype.kind == "M":
        return np.isnat(arr)
    return arr == ""


def _fill(x: Any, value: Any) -> Any:
    return np.where(_missing(x), value, x)


def _text_test(method: str) -> Callable[[Any, str], Any]:
    def test(text: Any, part: str) -> Any:
        arr = np.asarray(text, dtype=object)
        return np.array([getattr(str(t), method)(part) for t in arr.ravel()], dtype=bool).reshape(arr.shape)
    return test


def _days(start: Any, end: Any) -> Any:
    delta = np.asarray(end, dtype="datetime64[D]") - np.asarray(start, dtype="datetime64[D]")
    out = delta.astype("float64")
    return np.where(np.isnat(delta), np.nan, out)


BASE_FUNCTIONS: dict[str, Function] = {
    "abs": Function(_abs, 1, 1),
    "min": Function(_min, 1, None),
    "max": Function(_max, 1, None),
    "round": Function(round_column, 1, 2),
    "floor": Function(floor_column, 1, 1),
    "ceil": Function(ceil_column, 1, 1),
    "mod": Function(modulo, 2, 2),
    "sum": Function(_sum, 1, 1),
    "mean": Function(_mean, 1, 1),
    "count": Function(_count, 0, 1),
    "missing": Function(_missing, 1, 1),
    "fill": Function(_fill, 2, 2),
    "contains": Function(_text_test("__contains__"), 2, 2, (1,)),
    "startswith": Function(_text_test("startswith"), 2, 2, (1,)),
    "endswith": Function(_text_test("endswith"), 2, 2, (1,)),
    "days": Function(_days, 2, 2),
    "na": Function(lambda: float("nan"), 0, 0),  # "no value": e.g. a vetoed site is not scored
    "in_band": Function(lambda *a: None, 2, None, (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)),
    "workdays": Function(lambda *a: None, 2, 2),
    "is_workday": Function(lambda *a: None, 1, 1),
    "missed_days": Function(lambda *a: None, 3, 3),
    "missed_workdays": Function(lambda *a: None, 3, 3),
    "short_weeks": Function(lambda *a: None, 4, 4),
    **{name: Function(impl, 1, 1) for name, impl in DATE_PARTS.items()},  # year() … weekday(): rules/datefunctions.py
    "workday_of_month": Function(lambda *a: None, 1, 1),
    "year_to_date": Function(lambda *a: None, 1, 1),  # earlier periods' saved values: data/yeartodate.py
}
"""The documented function list (docs/rulesets.md, 函数). ``count`` and
``in_band`` need the table being evaluated, and the date functions need the
ruleset's calendar (rules/datefunctions.py), so each evaluation binds them."""


# ---------------------------------------------------------------- parsing

BY_NAME = frozenset({"year_to_date"})
"""Functions given the name written as their argument, not its values: they read it in earlier periods."""

_ALLOWED = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
    ast.Name, ast.Load, ast.Constant, ast.Tuple, ast.List,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow, ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or,
    ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq, ast.In, ast.NotIn,
)

_NODE_WORDS = {
    "Attribute": "属性访问（.）", "Subscript": "下标（[]）", "Lambda": "lambda", "Dict": "字典",
    "ListComp": "推导式", "GeneratorExp": "推导式", "JoinedStr": "f 字符串", "Mod": "取余 %（请用 mod(a, b)）",
    "NamedExpr": "赋值 :=", "Starred": "星号参数", "Set": "集合",
}


def rewrite_percents(text: str) -> str:
    """Turn ``90%`` into ``(0.9)`` outside quoted text: rates are fractions inside."""
    return _rewrite(text)[0]


def _rewrite(text: str) -> tuple[str, frozenset[tuple[int, int]]]:
    """The rewritten text, and where each percent constant landed (line, UTF-8 column, as ast counts)."""
    out: list[str] = []
    spots: set[tuple[int, int]] = set()
    pos = 0
    for m in _PERCENT.finditer(text):
        out.append(text[pos:m.start()])
        if m.group(1):
            out.append(m.group(1))
        else:
            done = "".join(out) + "("
            spots.add((done.count("\n") + 1, len(done.rsplit("\n", 1)[-1].encode())))
            out.append("(" + str(Decimal(m.group(2)) / 100) + ")")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), frozenset(spots)


def compile_expression(text: Any, known: Iterable[str], functions: dict[str, Function] | None = None) -> Expression:
    """Parse and check one expression; raise ExpressionError with a fix."""
    functions = BASE_FUNCTIONS if functions is None else functions
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ExpressionError(f"表达式应为文字或数字，这里是 {text!r}。")
    source = str(text).strip()
    if not source:
        raise ExpressionError("表达式为空。请写出计算式，例如 activated / registered。")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"表达式超过 {MAX_LENGTH} 个字符。请拆成几个指标。")
    rewritten, spots = _rewrite(source)
    try:
        tree = ast.parse(rewritten, mode="eval")
    except SyntaxError as exc:
        col = f"第 {exc.offset} 个字符附近" if exc.offset else ""
        raise ExpressionError(f"表达式语法错误{col}：{source!r}。请检查括号、引号和运算符。") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("表达式嵌套过深。请拆成几个指标。") from None
    checker = _Checker(set(known), functions)
    checker.visit(tree, 0)
    return Expression(source, tree.body, frozenset(checker.names), tuple(checker.calls), spots)


class _Checker:
    def __init__(self, known: set[str], functions: dict[str, Function]) -> None:
        self.known = known
        self.functions = functions
        self.names: set[str] = set()
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.count = 0

    def visit(self, node: ast.AST, depth: int) -> None:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise ExpressionError(f"表达式过长或嵌套过深（上限 {MAX_NODES} 个元素、{MAX_DEPTH} 层）。请拆成几个指标。")
        if not isinstance(node, _ALLOWED):
            kind = type(node).__name__
            raise ExpressionError(f"表达式里不能使用{_NODE_WORDS.get(kind, kind)}。可用的写法见 docs/rulesets.md 的“表达式”一节。")
        handler = getattr(self, f"_{type(node).__name__}", None)
        if handler is not None and handler(node, depth) is False:
            return
        for child in ast.iter_child_nodes(node):
            self.visit(child, depth + 1)

    def _Name(self, node: ast.Name, depth: int) -> None:
        if node.id not in self.known:
            raise ExpressionError(unknown_message("名称", node.id, self.known))
        self.names.add(node.id)

    def _Constant(self, node: ast.Constant, depth: int) -> None:
        value = node.value
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise ExpressionError(f"文字常量超过 {MAX_STRING} 个字符。")
        if not isinstance(value, (str, int, float, bool)) or isinstance(value, complex):
            raise ExpressionError(f"不支持的常量 {value!r}。")
        _check_number(value)

    def _BinOp(self, node: ast.BinOp, depth: int) -> None:
        if isinstance(node.op, ast.Pow):
            exp = node.right
            if isinstance(exp, ast.UnaryOp) and isinstance(exp.op, (ast.USub, ast.UAdd)):
                exp = exp.operand  # x ** -1 is a constant exponent too
            ok = isinstance(exp, ast.Constant) and isinstance(exp.value, (int, float)) and abs(exp.value) <= MAX_POWER
            if not ok:
                raise ExpressionError(f"乘方 ** 的指数必须是不超过 {MAX_POWER} 的数字常量。")
        for side in (node.left, node.right):
            if isinstance(side, ast.Constant) and isinstance(side.value, str):
                raise ExpressionError(f"文字 {side.value[:20]!r} 不能参与算术运算（+ - * / ** //）。")
        _check_number(_constant_value(node))  # constant parts are exact or refused, never wrapped

    def _Call(self, node: ast.Call, depth: int) -> bool:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("只能调用文档列出的函数，例如 min(a, b)。")
        name = node.func.id
        fn = self.functions.get(name)
        if fn is None:
            raise ExpressionError(unknown_message("函数", name, self.functions))
        if node.keywords:
            raise ExpressionError(f"函数 {name} 不接受“名称=值”形式的参数。")
        n = len(node.args)
        if n < fn.min_args or (fn.max_args is not None and n > fn.max_args):
            if fn.max_args is None:
                want = f"至少 {fn.min_args} 个"
            elif fn.min_args == fn.max_args:
                want = f" {fn.min_args} 个"
            else:
                want = f" {fn.min_args} 到 {fn.max_args} 个"
            raise ExpressionError(f"函数 {name} 需要{want}参数，这里给了 {n} 个。")
        consts = []
        for i, arg in enumerate(node.args):
            if i in fn.text_args and not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise ExpressionError(f"函数 {name} 的第 {i + 1} 个参数必须是带引号的文字。")
            consts.append(arg.value if isinstance(arg, ast.Constant) else None)
            self.visit(arg, depth + 1)
        if name == "round" and n == 2:
            digits = consts[1]
            if not (isinstance(digits, int) and not isinstance(digits, bool) and abs(digits) <= MAX_ROUND):
                raise ExpressionError(f"round 的第 2 个参数（保留几位小数）应是 -{MAX_ROUND} 到 {MAX_ROUND} 之间的整数常量，这里是 {ast.unparse(node.args[1])[:20]}。")
        self.calls.append((name, tuple(consts)))
        return False


def _constant_value(node: ast.expr) -> Any:
    """The value of a sub-expression made only of numbers, computed in Python (exact integers); else None."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _constant_value(node.operand)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow)):
        a, b = _constant_value(node.left), _constant_value(node.right)
        if a is None or b is None or abs(b) > MAX_POWER and isinstance(node.op, ast.Pow):
            return None
        for v in (a, b):
            if isinstance(v, int) and abs(v) > MAX_EXACT:
                return v  # already refused: never raise it to a power (that could take forever)
        ops: dict[type, Callable[[Any, Any], Any]] = {ast.Add: lambda x, y: x + y, ast.Sub: lambda x, y: x - y,
                                                      ast.Mult: lambda x, y: x * y, ast.Div: lambda x, y: x / y,
                                                      ast.FloorDiv: lambda x, y: x // y, ast.Pow: lambda x, y: x ** y}
        try:
            return ops[type(node.op)](a, b)
        except (ZeroDivisionError, OverflowError):
            return float("inf") if not isinstance(node.op, (ast.Div, ast.FloorDiv)) else None
    return None


def _check_number(value: Any) -> None:
    """A number in an expression must be finite, and a whole number exact as the float64 columns hold it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, complex)):
        return
    if isinstance(value, complex) or (isinstance(value, float) and not np.isfinite(value)):
        raise ExpressionError("数字常量或常量运算的结果超出数值范围（无穷大）。请检查数字是否写错。")
    if isinstance(value, int) and abs(value) > MAX_EXACT:
        raise ExpressionError(f"整数常量或常量运算的结果超过 {MAX_EXACT}（约 9×10¹⁵），无法精确计算。请检查数字是否写错。")


def unknown_message(kind: str, name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    import difflib  # only for a misspelt name's suggestion

    near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"是否想写“{near[0]}”？" if near else ""
    listing = "、".join(known[:20]) + ("……" if len(known) > 20 else "")
    return f"未知的{kind}“{name}”。{hint}可用的{kind}有：{listing}。"


# ---------------------------------------------------------------- evaluation

def _compare_op(op: ast.cmpop) -> Callable[[Any, Any], Any]:
    table: dict[type, Callable[[Any, Any], Any]] = {
        ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
        ast.Eq: np.equal, ast.NotEq: np.not_equal,
        ast.In: _member,
        ast.NotIn: lambda a, b: np.logical_not(_member(a, b)),
    }
    return table[type(op)]


def _member(a: Any, b: Any) -> Any:
    """``a in (x, y)``: ``a`` equals one of the items, as ``==`` compares them.

    ("县委办") is one text in parentheses, not a tuple: whole texts are compared, never characters.
    An item may be a column (``n in (target, 0)``): then each unit is compared with its own value,
    which one ``isin`` over the list cannot do."""
    items = [b] if isinstance(b, str) else list(b)
    if any(np.ndim(x) for x in items):
        return _reduce(np.logical_or, [np.equal(a, x) for x in items])
    return np.isin(a, items)


_OPERATORS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide, ast.FloorDiv: floor_divide,
    ast.Pow: np.power, ast.USub: np.negative, ast.UAdd: np.positive, ast.Not: np.logical_not,
}


_IN_PLACE = (ast.Add, ast.Sub, ast.Mult, ast.Div)  # element-wise ufuncs: an operand may be overwritten by the result


def _own_result(node: ast.AST, value: Any, other: Any) -> np.ndarray | None:
    """``value`` when it is an array this evaluation made for a sub-expression (an arithmetic result, which
    nothing else holds) and the result fits in it: at a million units each fresh array costs as much as the sum."""
    if not isinstance(node, ast.BinOp) or not isinstance(value, np.ndarray) or value.dtype != np.float64:
        return None
    if not value.flags.writeable or value.base is not None or value.ndim != 1:
        return None
    fits = np.ndim(other) == 0 or (isinstance(other, np.ndarray) and other.shape == value.shape)
    return value if fits and np.result_type(value, other) == np.float64 else None


class ColumnEvaluator(SimpleEval):
    """simpleeval over numpy columns: every operator acts element-wise.

    Names are bound to read-only arrays so no expression can change the table.
    """

    def __init__(self, names: dict[str, Any], functions: dict[str, Callable[..., Any]]) -> None:
        super().__init__(operators=dict(_OPERATORS), functions=functions, names=names, allowed_attrs={})
        self.nodes[ast.Compare] = self._compare
        self.nodes[ast.BoolOp] = self._boolop
        self.nodes[ast.IfExp] = self._ifexp
        self.nodes[ast.BinOp] = self._binop
        self.nodes[ast.UnaryOp] = self._unaryop
        self.nodes[ast.Tuple] = self._sequence
        self.nodes[ast.List] = self._sequence
        self.nodes[ast.Call] = self._call

    def run(self, expr: Expression) -> Any:
        return self.eval(expr.text, previously_parsed=expr.node)

    def _binop(self, node: ast.BinOp) -> Any:
        # Whole-number constants as float64 (exact: checked at load), so numpy never does int64 arithmetic that wraps.
        left, right = _as_float(numeric(self._eval(node.left))), numeric(self._eval(node.right))
        if not isinstance(node.op, ast.Pow):  # an exponent stays whole: x ** 3 multiplies, as a row-by-row ** does
            right = _as_float(right)
        op = self.operators[type(node.op)]
        own = _own_result(node.left, left, right) if type(node.op) in _IN_PLACE else None
        own = _own_result(node.right, right, left) if own is None and type(node.op) in _IN_PLACE else own
        out = op(left, right) if own is None else op(left, right, out=own)
        if isinstance(node.op, ast.Div):  # a rate over zero is "not computable", not infinity
            if isinstance(out, np.ndarray) and out.ndim and out.flags.writeable and out.base is None:
                np.copyto(out, np.nan, where=np.isinf(out))  # a fresh array: in place
            else:
                out = np.where(np.isinf(out), np.nan, out)
        return out

    def _unaryop(self, node: ast.UnaryOp) -> Any:
        operand = self._eval(node.operand)
        return self.operators[type(node.op)](operand if isinstance(node.op, ast.Not) else numeric(operand))

    def _compare(self, node: ast.Compare) -> Any:
        left = self._eval(node.left)
        out: Any = True
        for op, right_node in zip(node.ops, node.comparators):
            right = self._eval(right_node)
            out = np.logical_and(out, _compare_op(op)(left, right))
            left = right
        return out

    def _boolop(self, node: ast.BoolOp) -> Any:
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        values = [self._eval(v) for v in node.values]
        return _reduce(combine, values)

    def _ifexp(self, node: ast.IfExp) -> Any:
        return np.where(self._eval(node.test), self._eval(node.body), self._eval(node.orelse))

    def _call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id in BY_NAME and isinstance(node.args[0], ast.Name):
            return self.functions[node.func.id](node.args[0].id)
        return self._eval_call(node)

    def _sequence(self, node: ast.Tuple | ast.List) -> tuple[Any, ...]:
        return tuple(self._eval(e) for e in node.elts)


# ---------------------------------------------------------------- units

_UNIT_KEEPING = {"min": None, "max": None, "abs": None, "round": 1, "fill": 1, "floor": None, "ceil": None}


def percent_mistakes(expr: Expression, percent: set[str] | frozenset[str]) -> list[str]:
    """Bare numbers ≥ 1 set against a percent (0–1 inside): ``rate < 100`` means 10000%, never what was meant.

    Checked where a percent is compared with, added to or listed against a number; the fix is
    to write the number with % ("100%"), which the expression reads as 1.
    """
    out: list[str] = []

    def is_percent(node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in percent
        if isinstance(node, ast.Constant):
            return (node.lineno, node.col_offset) in expr.percents
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            return is_percent(node.left) or is_percent(node.right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return is_percent(node.operand)
        if isinstance(node, ast.IfExp):
            return is_percent(node.body) or is_percent(node.orelse)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _UNIT_KEEPING:
            upto = _UNIT_KEEPING[node.func.id]
            return any(is_percent(a) for a in node.args[:upto])
        return False

    def bare(node: ast.expr) -> float | None:
        sign = 1
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            sign, node = (-1 if isinstance(node.op, ast.USub) else 1), node.operand
        if (isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
                and (node.lineno, node.col_offset) not in expr.percents and abs(node.value) >= 1):
            return sign * node.value
        return None

    def pair(a: ast.expr, b: ast.expr, verb: str) -> None:
        for one, other in ((a, b), (b, a)):
            number = bare(other)
            if number is not None and is_percent(one):
                out.append(f"“{ast.unparse(one)}”是百分数（按 0–1 存放，100% 即 1），却与不带 % 的数字 {number:g} {verb}："
                           f"按原样它表示 {number * 100:g}%。请写成 {number:g}%。")
                return

    for node in ast.walk(expr.node):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, operands, operands[1:]):
                if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List)):
                    for item in right.elts:
                        pair(left, item, "并列")
                else:
                    pair(left, right, "比较")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            pair(node.left, node.right, "相加减")
    return out
