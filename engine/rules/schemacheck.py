"""A yes/no check of a document against a shipped JSON Schema, without importing jsonschema.

Importing jsonschema (with referencing and attrs) costs ~50 ms, a quarter of a seed
``tongbao evaluate``. Almost every ruleset is valid, so ``is_valid`` answers that case alone
and ``schema.schema_problems`` asks jsonschema only when the answer is no: every message still
comes from jsonschema, this module only ever says "no problems". It knows the Draft 7
keywords the shipped schemas use and gives up (``Unsupported``) on any other, so a schema that
grows a new keyword falls back to jsonschema instead of being checked loosely.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

_ANNOTATIONS = frozenset({"description", "title", "$schema", "$id", "default", "examples", "$comment",
                          "markdownDescription", "deprecated", "definitions", "readOnly", "writeOnly",
                          "then", "else"})  # then/else are read by "if"


class Unsupported(Exception):
    """The schema uses something this checker does not know: ask jsonschema."""


def is_valid(schema: dict[str, Any], instance: Any) -> bool:
    """True only if Draft 7 validation of ``instance`` finds no error; raises Unsupported when unsure."""
    return _Checker(schema).check(schema, instance)


def _is_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if kind == "number":
        return isinstance(value, (int, float))
    if kind == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    raise Unsupported(kind)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: true and 1 differ (Python's == says they are equal)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


@lru_cache(maxsize=64)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


# The name pattern's class holds 20,992 CJK characters: compiling it costs ~2.5 ms per pattern on each
# start (re fills a table one character at a time). The two patterns that use it are checked by hand;
# tests/test_schemacheck.py proves each predicate gives re.search's answer.
_NAME = "[A-Za-z_一-鿿][A-Za-z0-9_一-鿿]{0,63}"
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_DIGITS = frozenset("0123456789")


def _name_char(ch: str, digits: bool = True) -> bool:
    return ch in _WORD or (digits and ch in _DIGITS) or "\u4e00" <= ch <= "\u9fff"


def _is_name(text: str) -> bool:
    text = text[:-1] if text.endswith("\n") else text  # `$` also matches before a final newline
    return 0 < len(text) <= 64 and _name_char(text[0], digits=False) and all(map(_name_char, text[1:]))


def _is_percent_or_name(text: str) -> bool:
    bare = text[:-1] if text.endswith("\n") else text
    number, sign, rest = bare.partition("%")
    if sign and not rest:
        whole, dot, decimals = number.removeprefix("-").partition(".")
        if whole and set(whole) <= _DIGITS and (not dot or (decimals and set(decimals) <= _DIGITS)):
            return True
    return _is_name(text)


FAST_PATTERNS: dict[str, Callable[[str], bool]] = {
    f"^{_NAME}$": _is_name, f"^(-?[0-9]+(\\.[0-9]+)?%|{_NAME})$": _is_percent_or_name,
}


def _matches(pattern: str, text: str) -> bool:
    fast = FAST_PATTERNS.get(pattern)
    return fast(text) if fast is not None else _pattern(pattern).search(text) is not None


class _Checker:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.keywords: dict[str, Callable[[Any, Any, dict[str, Any]], bool]] = {
            "type": self._type, "enum": lambda v, x, s: any(_equal(x, e) for e in v),
            "const": lambda v, x, s: _equal(x, v), "$ref": self._ref,
            "properties": self._properties, "additionalProperties": self._additional,
            "required": lambda v, x, s: not isinstance(x, dict) or all(k in x for k in v),
            "propertyNames": lambda v, x, s: not isinstance(x, dict) or all(self.check(v, k) for k in x),
            "minProperties": lambda v, x, s: not isinstance(x, dict) or len(x) >= v,
            "items": self._items, "minItems": lambda v, x, s: not isinstance(x, list) or len(x) >= v,
            "minLength": lambda v, x, s: not isinstance(x, str) or len(x) >= v,
            "maxLength": lambda v, x, s: not isinstance(x, str) or len(x) <= v,
            "if": self._if, "then": lambda v, x, s: True, "else": lambda v, x, s: True,  # both read by "if"
            "dependencies": self._dependencies,
            "pattern": lambda v, x, s: not isinstance(x, str) or _matches(v, x),
            "minimum": lambda v, x, s: not _is_type(x, "number") or x >= v,
            "maximum": lambda v, x, s: not _is_type(x, "number") or x <= v,
            "not": lambda v, x, s: not self.check(v, x),
            "anyOf": lambda v, x, s: any(self.check(b, x) for b in v),
            "oneOf": lambda v, x, s: sum(self.check(b, x) for b in v) == 1,
            "allOf": lambda v, x, s: all(self.check(b, x) for b in v),
            "if": lambda v, x, s: self.check(s.get("then", True) if self.check(v, x) else s.get("else", True), x),
        }

    def check(self, schema: Any, instance: Any) -> bool:
        if schema is True or schema == {}:
            return True
        if schema is False:
            return False
        if "$ref" in schema:  # Draft 7: a $ref replaces its siblings
            return self._ref(schema["$ref"], instance, schema)
        for key, value in schema.items():
            if key in _ANNOTATIONS:
                continue
            test = self.keywords.get(key)
            if test is None:
                raise Unsupported(key)
            if not test(value, instance, schema):
                return False
        return True

    def _type(self, kinds: Any, instance: Any, schema: dict[str, Any]) -> bool:
        return any(_is_type(instance, k) for k in (kinds if isinstance(kinds, list) else [kinds]))

    def _if(self, test: Any, instance: Any, schema: dict[str, Any]) -> bool:
        branch = "then" if self.check(test, instance) else "else"
        return branch not in schema or self.check(schema[branch], instance)

    def _dependencies(self, deps: dict[str, Any], instance: Any, schema: dict[str, Any]) -> bool:
        if not isinstance(instance, dict):
            return True
        for key, need in deps.items():
            if key in instance and not (all(k in instance for k in need) if isinstance(need, list) else self.check(need, instance)):
                return False
        return True

    def _ref(self, ref: str, instance: Any, schema: dict[str, Any]) -> bool:
        if not ref.startswith("#/"):
            raise Unsupported(ref)
        target: Any = self.root
        for step in ref[2:].split("/"):
            target = target[step.replace("~1", "/").replace("~0", "~")]
        return self.check(target, instance)

    def _properties(self, props: dict[str, Any], instance: Any, schema: dict[str, Any]) -> bool:
        return not isinstance(instance, dict) or all(self.check(props[k], v) for k, v in instance.items() if k in props)

    def _additional(self, extra: Any, instance: Any, schema: dict[str, Any]) -> bool:
        if not isinstance(instance, dict):
            return True
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        known = schema.get("properties", {})
        return all(self.check(extra, v) for k, v in instance.items() if k not in known)

    def _items(self, items: Any, instance: Any, schema: dict[str, Any]) -> bool:
        if not isinstance(instance, list):
            return True
        if isinstance(items, list):
            raise Unsupported("items as a list")
        return all(self.check(items, x) for x in instance)
