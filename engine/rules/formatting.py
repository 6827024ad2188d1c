"""Display formats: how a value is written in the terminal and in circular text.

Rounding is half away from zero, as offices round by hand; numpy and Python
round half to even, which would turn 0.125 into "0.12" where a clerk writes "0.13".
"""
from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from ..frozen import frozen

NOT_APPLICABLE = "/"
MISSING = "—"


@frozen
class Format:
    """How a value is shown: a kind (integer, number, percent, text, date, yesno) and its decimals."""

    kind: str  # integer | number | percent | text | date | yesno
    decimals: int = 0

    @classmethod
    def parse(cls, text: str) -> "Format":
        kind, _, digits = text.partition(":")
        default = {"number": 2, "percent": 2}.get(kind, 0)
        return cls(kind, int(digits) if digits else default)

    def __str__(self) -> str:
        return self.kind if self.kind in ("integer", "text", "date", "yesno") else f"{self.kind}:{self.decimals}"


TRUSTED_DIGITS = 15  # a double holds 15 significant decimal digits exactly (DBL_DIG); the rest is float noise


def decimal_of(value: float) -> Decimal:
    """The number a float stands for: its 15 trusted significant digits.

    0.285 * 100 is 28.499999999999996 in float and 28.5 here; 2.4999999995 stays itself.
    Whole numbers of 15 digits or more are exact in float and kept whole.
    """
    value = float(value)
    if not math.isfinite(value) or abs(value) >= 1e15:
        return Decimal(repr(value))
    return Decimal(f"{value:.{TRUSTED_DIGITS}g}")


def trusted(value: float) -> float:
    return float(decimal_of(value))


def round_half_up(value: float, decimals: int, scale: str = "1") -> Decimal:
    """Round half away from zero on the value's trusted digits: the one rounding rule.

    Display, published-figure checks and the expression function ``round`` all use it.
    ``scale`` (e.g. "100" for percent) is applied in decimal, not in float:
    0.000695 * 100 in float is 0.06949999…, which would round down.
    """
    quantum = Decimal(1).scaleb(-decimals)
    exact = decimal_of(value) * Decimal(scale)
    if not exact.is_finite():
        return exact
    with localcontext() as ctx:  # enough digits for any finite float, so quantize never overflows
        ctx.prec = 400
        return exact.quantize(quantum, rounding=ROUND_HALF_UP)


def format_value(value: Any, fmt: Format, not_applicable: bool = False) -> str:
    """Write one value for people: 0.7956 with percent:2 → "79.56%"."""
    if not_applicable:
        return NOT_APPLICABLE
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if fmt.kind in ("text", "date") or isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or fmt.kind == "yesno":  # a yes/no field that may be blank holds 1/0
        return "是" if value else "否"
    if fmt.kind == "percent":
        return f"{round_half_up(value, fmt.decimals, '100')}%"
    if fmt.kind == "integer":
        return str(round_half_up(float(value), 0))
    return str(round_half_up(float(value), fmt.decimals))


def written(value: float | None, decimals: int = 2) -> str:
    """A number as a ruleset writes it: 100, 0.9, 87.5 (at most ``decimals`` places, trailing zeros dropped)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = str(round_half_up(value, decimals))
    return text.rstrip("0").rstrip(".") if "." in text else text


_SCALE = {"": "1", "%": "100", "万": "0.0001"}
_PUBLISHED = re.compile(r"^\s*(-?\d+(?:\.(\d+))?)\s*(%|万)?\s*$")  # after removing thousands separators


@frozen
class Published:
    """A figure as a circular prints it: its value and the precision it was printed at."""

    text: str
    value: float
    decimals: int  # of the printed number, in the printed unit
    unit: str  # "", "%" or "万"

    @classmethod
    def parse(cls, raw: Any) -> "Published | None":
        text = str(raw)
        m = _PUBLISHED.match(unicodedata.normalize("NFKC", text).replace(",", ""))
        if not m or isinstance(raw, bool):
            return None
        decimals = len(m.group(2) or "")
        unit = m.group(3) or ""
        scale = {"": 1, "%": 0.01, "万": 10_000}[unit]
        return cls(text.strip(), float(Decimal(m.group(1)) * Decimal(str(scale))), decimals, unit)

    def agrees(self, computed: float | None) -> bool:
        """Does the computed value print as the published one, at its precision?"""
        if computed is None or math.isnan(computed):
            return False
        scale = _SCALE[self.unit]
        return round_half_up(computed, self.decimals, scale) == round_half_up(self.value, self.decimals, scale)

    def show(self, computed: float) -> str:
        """The computed value written the way the circular writes this figure."""
        return f"{round_half_up(computed, self.decimals, _SCALE[self.unit])}{self.unit}"
