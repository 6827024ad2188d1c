"""Yes/no and enumeration fields of a records table, typed in SQL as the unit table types them.

A cell's token key is computed in SQL: full-width ASCII (Ｙ, ｙｅｓ) and the ideographic space
translated to half-width, trimmed, lower-cased; the tokens' keys are computed here in Python
(rules/fieldtypes.token_key) and bound as parameters. For the tokens that are ASCII or CJK
this is the same NFKC + case folding the unit table applies; a cell that matches no token is
a bad cell, listed with its row like any other.
"""
from __future__ import annotations

from typing import Any, Protocol

from ..rules.fieldtypes import token_key
from ..rules.model import FieldSpec

FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "


class Binder(Protocol):
    def bind(self, value: Any) -> str: ...


def typed_choice(t: Binder, f: FieldSpec, raw: str) -> tuple[str, str | None]:
    """(the field's SQL value, when its cell is wrong) for a yesno or enum field."""
    key = f"LOWER(TRIM(TRANSLATE(CAST({raw} AS STRING), {t.bind(FULL_WIDTH)}, {t.bind(HALF_WIDTH)})))"
    empty = f"({raw} IS NULL OR {key} = '')"
    na = f"({key} IN ({_listed(t, f.not_applicable)}))" if f.not_applicable else "FALSE"
    if f.type == "enum":
        cases = " ".join(f"WHEN {key} = {t.bind(token_key(v))} THEN {t.bind(v)}" for v in f.values)
    else:
        cases = f"WHEN {key} IN ({_listed(t, f.yes)}) THEN TRUE WHEN {key} IN ({_listed(t, f.no)}) THEN FALSE"
    value = f"(CASE {cases} END)"
    wrong = f"(NOT {empty} AND NOT {na} AND {value} IS NULL)"
    if f.blank == "zero" and f.type == "yesno":
        value = f"(CASE WHEN {empty} THEN FALSE ELSE {value} END)"
    if f.blank == "error":
        wrong = f"({empty} OR {wrong})"
    return value, wrong


def _listed(t: Binder, tokens: tuple[str, ...]) -> str:
    return ", ".join(t.bind(token_key(x)) for x in tokens)
