"""What kind of value an expression gives — number, yes/no, text, enumeration, date — read from its leaves at load.

A text cell is a Python string inside an object column: numpy adds it to a number by raising
TypeError on the first unit, and compares it with a number as never equal. Either way the
mistake depends on the ruleset alone, so it is refused when the ruleset loads, where `validate`
says it too, with the operand named and the fix. The kind of a name comes from its field type,
fact, or the metric defined above it (``Scope.values``); an unknown kind is never refused.
``is_date`` (rules/datefunctions.py) is this walker asking for dates.
"""
from __future__ import annotations

import ast
from typing import Mapping

Kinds = Mapping[str, tuple[str, str]]
"""name → (kind, how a message names it: 文字字段 note（备注）)."""

FIELD_KINDS = {"integer": "number", "number": "number", "percent": "number", "yesno": "yesno", "enum": "enum",
               "text": "text", "date": "date"}
WORDS = {"number": "数字", "yesno": "是/否", "enum": "枚举", "text": "文字", "date": "日期"}
_YESNO_RESULTS = frozenset({"missing", "contains", "startswith", "endswith", "in_band", "is_workday"})
_NUMERIC = frozenset({"abs", "min", "max", "round", "floor", "ceil", "mod", "sum", "mean"})
_NOT_NUMBERS = ("text", "enum", "date")
_VERBS = {ast.Add: "相加", ast.Sub: "相减", ast.Mult: "相乘", ast.Div: "相除", ast.FloorDiv: "整除", ast.Pow: "乘方"}


def kind_of(node: ast.expr, kinds: Kinds) -> str | None:
    """The kind of value ``node`` gives; None when a leaf's kind is unknown; "mixed" for if … else of two kinds."""
    if isinstance(node, ast.Constant):
        value = node.value
        return "text" if isinstance(value, str) else "yesno" if isinstance(value, bool) else "number"
    if isinstance(node, ast.Name):
        return kinds[node.id][0] if node.id in kinds else None
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return "yesno" if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) else "number"
    if isinstance(node, (ast.BoolOp, ast.Compare)):
        return "yesno"
    if isinstance(node, ast.IfExp):
        return _either(kind_of(node.body, kinds), kind_of(node.orelse, kinds))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name == "fill":
            return kind_of(node.args[0], kinds) if node.args else None
        if name in ("min", "max") and node.args and all(kind_of(a, kinds) == "date" for a in node.args):
            return "date"  # the earlier or later of dates, as numpy compares them
        return "yesno" if name in _YESNO_RESULTS else "number"
    return None


def _either(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return None
    if a == b:
        return a
    pair = {a, b}
    if pair == {"number", "yesno"}:  # yes/no counts as 1/0
        return "number"
    if pair == {"text", "enum"}:
        return "text"
    return "mixed"


def _shown(node: ast.expr, kinds: Kinds) -> str:
    if isinstance(node, ast.Name) and node.id in kinds:
        return kinds[node.id][1]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return f"文字 \"{node.value[:20]}\""
    kind = kind_of(node, kinds)
    return f"{WORDS.get(kind or '', '')}“{ast.unparse(node)[:40]}”" if kind != "number" else "数字"


def _cannot(kind: str) -> str:
    if kind == "date":
        return "日期不能参与运算。两个日期相隔几天请用 days(开始, 结束)，取年、月请用 year()、month()。"
    return f"{WORDS[kind]}不能参与运算。"


def kind_mistakes(text: str, node: ast.expr, kinds: Kinds) -> list[str]:
    """Arithmetic, numeric functions, comparisons and if … else that mix text, enumerations or dates with numbers."""
    out: list[str] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.BinOp):
            out += _arithmetic(text, sub, kinds)
        elif isinstance(sub, ast.UnaryOp) and isinstance(sub.op, (ast.USub, ast.UAdd)):
            kind = kind_of(sub.operand, kinds)
            if kind in _NOT_NUMBERS:
                out.append(f"表达式 {text!r} 给{_shown(sub.operand, kinds)}加正负号；{_cannot(kind)}")
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in _NUMERIC:
            out += _numeric_call(text, sub, kinds)
        elif isinstance(sub, ast.Compare):
            out += _comparison(text, sub, kinds)
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "fill" and len(sub.args) == 2:
            if _either(kind_of(sub.args[0], kinds), kind_of(sub.args[1], kinds)) == "mixed":
                out.append(f"表达式 {text!r} 用{_shown(sub.args[1], kinds)}填补{_shown(sub.args[0], kinds)}的空缺，两者不是一类。"
                           "请用同一类的值填补：数字填数字，文字填带引号的文字，日期填日期型的事实。")
        for cond in _conditions(sub):
            kind = kind_of(cond, kinds)
            if kind in _NOT_NUMBERS:
                shown = ast.unparse(cond)[:40]
                example = f"{shown} <= 某个日期事实" if kind == "date" else f"{shown} == \"……\""
                out.append(f"表达式 {text!r} 把{_shown(cond, kinds)}当作条件（是/否）；{WORDS[kind]}本身没有是否。"
                           f"请写成比较（例如 {example}），或用 missing(…) 判断是否空缺。")
        if isinstance(sub, ast.IfExp) and kind_of(sub, kinds) == "mixed":
            body, orelse = _shown(sub.body, kinds), _shown(sub.orelse, kinds)
            out.append(f"表达式 {text!r} 的 if … else 两个分支一个是{body}、一个是{orelse}，结果不成一类。"
                       "请让两个分支同为一类：都是数字（例如 … else 0）、都是文字或都是日期。")
    return list(dict.fromkeys(out))


def _conditions(node: ast.AST) -> list[ast.expr]:
    """The sub-expressions whose truth ``node`` takes: not x, x and y, x if c else y, count(x)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return [node.operand]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.IfExp):
        return [node.test]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "count":
        return list(node.args)
    return []


def _arithmetic(text: str, node: ast.BinOp, kinds: Kinds) -> list[str]:
    for side in (node.left, node.right):
        kind = kind_of(side, kinds)
        if kind in _NOT_NUMBERS and not (isinstance(side, ast.Constant)):  # a quoted text: expressions.py says it
            other = node.right if side is node.left else node.left
            verb = _VERBS.get(type(node.op), "运算")
            hint = ""
            if kind in ("text", "enum") and isinstance(side, ast.Name):
                hint = f"若要按文字判断，写成 {ast.unparse(other)[:40]} if {side.id} == \"……\" else 0（引号里写要找的文字）。"
            return [f"表达式 {text!r} 把{_shown(node.left, kinds)}和{_shown(node.right, kinds)}{verb}；{_cannot(kind)}{hint}"]
    return []


def _numeric_call(text: str, node: ast.Call, kinds: Kinds) -> list[str]:
    name = node.func.id if isinstance(node.func, ast.Name) else ""
    for arg in node.args:
        kind = kind_of(arg, kinds)
        dates_only = name in ("min", "max") and kind_of(node, kinds) == "date"
        if kind in ("text", "enum") or (kind == "date" and not dates_only):
            return [f"表达式 {text!r} 把{_shown(arg, kinds)}交给 {name}；{name} 只算数字，{_cannot(kind)}"]
    return []


def _comparison(text: str, node: ast.Compare, kinds: Kinds) -> list[str]:
    operands = [node.left, *node.comparators]
    for op, left, right in zip(node.ops, operands, operands[1:]):
        items = right.elts if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List)) else [right]
        for item in items:
            message = _pair(text, op, left, item, kinds)
            if message:
                return [message]
    return []


def _pair(text: str, op: ast.cmpop, left: ast.expr, right: ast.expr, kinds: Kinds) -> str | None:
    a, b = kind_of(left, kinds), kind_of(right, kinds)
    ordering = isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE))
    for x, y, word, num in ((a, b, left, right), (b, a, right, left)):
        if ordering and x in ("text", "enum") and y in ("number", "yesno"):
            return (f"表达式 {text!r} 拿{_shown(word, kinds)}和{_shown(num, kinds)}比较大小；文字没有大小，不能与数字比较。"
                    f"若这一列写的是数字，请把字段改为 type: number（或 integer）。")
        if x == "date" and y in ("number", "yesno", "text", "enum"):
            return (f"表达式 {text!r} 拿{_shown(word, kinds)}和{_shown(num, kinds)}比较；日期只能与日期比较。请与日期型的事实比较"
                    "（facts 里写 due: {label: 截止日, date: \"2024-03-31\"}），或用 days(开始, 结束) 算出天数再与数字比较。")
        if not ordering and (x == "text" or x == "enum" and not isinstance(num, ast.Constant)) and y in ("number", "yesno"):
            if y == "yesno":
                fix = f"是/否请直接写 {ast.unparse(num)[:40]}（是）或 not {ast.unparse(num)[:40]}（否）。"
            elif isinstance(word, ast.Constant) and isinstance(word.value, str):  # n == "3": the number written in quotes
                fix = f"数字请不加引号书写，例如 {ast.unparse(num)[:40]} == {word.value!s}。"
            elif isinstance(num, ast.Constant):
                fix = (f"若要找写着 {ast.unparse(num)[:40]} 的单位，请把数字加上引号（\"{ast.unparse(num)[:40]}\"）；"
                       "若这一列是数字，请把字段改为 type: number（或 integer）。")
            else:
                fix = f"若“{ast.unparse(word)[:40]}”写的是数字，请把字段改为 type: number（或 integer）。"
            return (f"表达式 {text!r} 拿{_shown(word, kinds)}和{_shown(num, kinds)}比较是否相等；"
                    f"文字永远不等于{WORDS[y]}，这个比较总是不成立。{fix}")
    return None
