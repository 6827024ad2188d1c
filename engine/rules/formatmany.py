"""formatting.py's rounding and writing over whole columns, exact where it matters.

``round_half_up`` goes through ``Decimal(repr(x))``: exact, and ~3 µs a value. Over a million
values that is seconds, so here the rounding is done in float64 for the whole column, and only
the values whose scaled fraction lies within 1e-13 (relative) of one half but not on it (where
float error or the 15-digit reading could tip the result), or that are too large or not finite, take the exact Decimal path. Every function returns what
the one-value function returns for each value; tests check that on edge values and at random.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .formatting import MISSING, NOT_APPLICABLE, Format, format_value, round_half_up

_SCALES = {"1": 1.0, "100": 100.0, "0.0001": 0.0001}
_SAFE = 2.0**40  # scaled values below this round exactly in float (floor(y + 0.5) has no error)
_GUARD = 1e-3
# The decimal rule reads a value at 15 significant digits: that moves the scaled value by at most
# ~5.5e-15 of itself (with the float products' own error), so further than this from a half both agree.
_NEAR = 1e-13


def rounded_units(values: np.ndarray, decimals: int, scale: str = "1") -> tuple[np.ndarray, np.ndarray]:
    """(q, exact): q = value·scale·10^decimals rounded half away from zero, as int64, where
    ``exact`` is True; elsewhere (near a half, too large, NaN) the caller uses the Decimal path."""
    q, exact = _rounded(values, decimals, scale)
    return q.astype(np.int64), exact


def _rounded(values: np.ndarray, decimals: int, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """rounded_units with q left as whole floats (below 2^40, exact), for comparisons that need no ints.

    near_half's test and the rounding, in place: on a million values each fresh array costs
    about as much as the arithmetic done in it.
    """
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        y = np.abs(v)
        y *= _SCALES[scale]
        y *= 10.0**decimals
        off = np.floor(y)
        off -= y
        off += 0.5
        np.abs(off, out=off)  # |frac(y) - 0.5|, as near_half computes it (negation is exact)
        work = np.maximum(y, 1.0)
        work *= _NEAR
        exact = off > work  # not near a half (False for NaN)
        if scale != "0.0001":  # exactly on a half is read right when the scale is exact (near_half)
            exact |= off == 0
        exact &= y < _SAFE  # False for infinity and NaN too
        np.add(y, 0.5, out=work)
        np.floor(work, out=work)
        work[~exact] = 0
    np.negative(work, out=work, where=np.signbit(v))  # -0.0 == 0.0, as -0 == 0 in ints
    return work, exact


def near_half(scaled: np.ndarray, exact_scale: bool) -> np.ndarray:
    """Where float rounding of ``scaled`` may differ from the decimal rule's (within 1e-13 of a half):
    the values round_column and rounded_units send down the exact Decimal path.

    The decimal rule rounds x at its 15 significant digits, which moves the scaled value by at
    most ~5.5e-15 of itself (with the products' own rounding), so further from a half both agree.
    A scaled value exactly on a half (3 × 0.5) agrees too when the scale (10^d, ×100) is exact
    (``exact_scale``): x is then within 1.2e-16 of the half, which has at most 15 digits below
    1e8, so the rule sees the half.
    """
    with np.errstate(invalid="ignore"):
        off = np.abs(scaled - np.floor(scaled) - 0.5)
        near: np.ndarray = off <= _NEAR * np.maximum(scaled, 1.0)
    return near & (off != 0) if exact_scale else near


def same_rounding(a: np.ndarray, b: np.ndarray, decimals: int, scale: str) -> np.ndarray:
    """Element-wise round_half_up(a) == round_half_up(b), at ``decimals`` in ``scale``."""
    qa, ea = _rounded(a, decimals, scale)
    qb, eb = _rounded(b, decimals, scale)
    out: np.ndarray = (qa == qb) | ((qa == 0) & (qb == 0))  # Decimal("-0.00") == Decimal("0.00")
    for i in np.flatnonzero(~(ea & eb)):
        x, y = float(a[i]), float(b[i])
        out[i] = not (np.isnan(x) or np.isnan(y)) and round_half_up(x, decimals, scale) == round_half_up(y, decimals, scale)
    return out


_PRINTED_MAX = 2.0**31  # printed figures (in units of their last digit) below this take agrees_printed's float path
_EXACT_POWERS = {"1": 0, "100": 2}  # scales whose 10^(decimals + power) is exact in float; 万 (0.0001) is not


def agrees_printed(computed: np.ndarray, printed: np.ndarray, decimals: int, scale: str) -> np.ndarray:
    """same_rounding(computed, printed, decimals, scale), when ``printed`` holds figures as printed at
    ``decimals`` (a typed plain-figure column): the printed side is no rounding at all.

    Why it is exact. With S = scale·10^decimals (exact in float), a printed figure's b·S lies within
    a few ulps of the integer K it was written as: K = rint(b·S) is round_half_up(b) whenever b·S is
    within 1/4 of K (checked; the 15-digit reading moves it by < 1e-5 below 2^31). round_half_up(c)
    is then K exactly when c·S lies within 1/2 of K, which float decides wherever |c·S − K| is not
    within tol = 1e-13·(max|K| + 1) of 1/2: the 15-digit reading and the product move c·S by at most
    5.2e-15·|c·S| (near_half's bound), and near 1/2 both sides are ≤ max|K| + 1 (the subtraction is
    exact there, Sterbenz). Exactly on a half (c·S − K = ±1/2 in float), c is within 1.1e-16 of the
    half's ≤ 12-digit decimal, which the 15-digit reading therefore sees: half away from zero, so
    it agrees iff c·S − K has the opposite sign of c. The rest of the near-half band, Decimal.
    """
    if scale not in _EXACT_POWERS or decimals + _EXACT_POWERS[scale] > 22:
        return same_rounding(computed, printed, decimals, scale)
    s = 10.0 ** (decimals + _EXACT_POWERS[scale])
    c, b = np.asarray(computed, dtype=np.float64), np.asarray(printed, dtype=np.float64)
    t = b * s  # the one float work array: each fresh million-value array costs about as much as a pass over it
    whole = np.rint(t)
    t -= whole
    biggest = max(float(whole.max(initial=0.0)), -float(whole.min(initial=0.0)))  # NaN fails the test below
    if not (float(t.max(initial=0.0)) <= 0.25 and float(t.min(initial=0.0)) >= -0.25 and biggest < _PRINTED_MAX):
        return same_rounding(c, b, decimals, scale)  # not printed figures after all, or too large
    with np.errstate(over="ignore", invalid="ignore"):  # infinity and NaN fall out below
        np.multiply(c, s, out=t)
        t -= whole
    np.abs(t, out=t)
    tol = 2e-13 * (biggest + 1.0)  # twice the bound above: the band's ends 0.5 ± tol are themselves rounded
    out: np.ndarray = t < 0.5 - tol  # False for NaN and infinity, as the Decimal path says
    rest = np.flatnonzero(~out)  # the few that disagree or lie near a half: only they are looked at again
    unsure = rest[t[rest] <= 0.5 + tol]
    r = c[unsure] * s - whole[unsure]
    half = np.abs(r) == 0.5
    out[unsure[half]] = (r[half] < 0) == (c[unsure[half]] > 0)
    for i in unsure[~half].tolist():
        out[i] = round_half_up(float(c[i]), decimals, scale) == round_half_up(float(b[i]), decimals, scale)
    return out


def format_many(values: np.ndarray, fmt: Format, not_applicable: np.ndarray | None = None) -> list[str]:
    """[format_value(v, fmt, na) for each value], for a float (or bool) column."""
    v = np.asarray(values)
    if v.dtype.kind not in "fiu" or fmt.kind not in ("percent", "integer", "number"):
        na = not_applicable if not_applicable is not None else np.zeros(len(v), dtype=bool)
        return [format_value(x, fmt, bool(n)) for x, n in zip(v.tolist(), na.tolist())]
    v = v.astype(np.float64)
    decimals = 0 if fmt.kind == "integer" else fmt.decimals
    scale = "100" if fmt.kind == "percent" else "1"
    q, exact = rounded_units(v, decimals, scale)
    neg = np.signbit(v).tolist()
    whole, part = np.divmod(np.abs(q), 10**decimals)
    suffix = "%" if fmt.kind == "percent" else ""
    if decimals:
        out = [f"{'-' if s else ''}{w}.{p:0{decimals}d}{suffix}" for s, w, p in zip(neg, whole.tolist(), part.tolist())]
    else:
        out = [f"{'-' if s else ''}{w}{suffix}" for s, w in zip(neg, whole.tolist())]
    for i in np.flatnonzero(~exact):
        out[i] = format_value(float(v[i]), fmt)  # NaN gives "—", as the one-value path
    if not_applicable is not None:
        for i in np.flatnonzero(not_applicable):
            out[i] = NOT_APPLICABLE
    return out


def format_series(values: np.ndarray, fmt: Format, not_applicable: np.ndarray | None = None) -> Any:
    """format_many as a polars String Series, for a float (or int, bool) column under a percent,
    integer or number format: the same rounding (rounded_units), the text put together by polars
    rather than one f-string a value (the column-wise JSON writer fills a million messages)."""
    import polars as pl

    v = np.asarray(values).astype(np.float64)
    decimals = 0 if fmt.kind == "integer" else fmt.decimals
    q, exact = rounded_units(v, decimals, "100" if fmt.kind == "percent" else "1")
    whole, part = np.divmod(np.abs(q), 10**decimals)
    pieces, text = [pl.lit(pl.Series(whole).cast(pl.String))], "{}"
    if decimals:
        pieces.append(pl.lit(_decimal_digits(part, decimals)))
        text += ".{}"
    neg = np.signbit(v)
    if neg.any():
        pieces.insert(0, pl.when(pl.lit(pl.Series(neg))).then(pl.lit("-")).otherwise(pl.lit("")))
        text = "{}" + text
    out = pl.select(pl.format(text + ("%" if fmt.kind == "percent" else ""), *pieces)).to_series()  # str_format: no column per literal
    odd = np.flatnonzero(~exact)
    if odd.size:
        out = out.scatter(odd, [format_value(float(v[i]), fmt) for i in odd.tolist()])  # NaN gives "—"
    if not_applicable is not None and np.any(not_applicable):
        out = out.scatter(np.flatnonzero(not_applicable), NOT_APPLICABLE)
    return out


def _decimal_digits(part: np.ndarray, decimals: int) -> Any:
    """The digits after the point, zero-padded (0 ≤ part < 10**decimals): up to four decimals gathered
    from a table of every text, else 10**decimals + part written with its leading 1 dropped."""
    import polars as pl

    if decimals <= 4:
        return _digit_table(decimals).gather(part)
    return pl.Series(part + 10**decimals).cast(pl.String).str.slice(1)


@functools.lru_cache(maxsize=4)
def _digit_table(decimals: int) -> Any:
    import polars as pl

    return pl.Series([f"{k:0{decimals}d}" for k in range(10**decimals)], dtype=pl.String)


def json_numbers(values: np.ndarray, fmt: Format) -> list[Any]:
    """[unitrows.json_value(v, fmt) for each value] for a numeric column: NaN → None, whole numbers
    as int under an integer format, other floats to 12 significant digits (float(f"{x:.12g}"))."""
    v = np.asarray(values)
    if v.dtype.kind in "biu":
        return list(v.tolist())
    v = v.astype(np.float64)
    short, whole, finite = json_number_arrays(v, fmt)
    out = np.empty(len(v), dtype=object)
    out[:] = short.tolist()
    if whole.any():
        out[whole] = v[whole].astype(np.int64).tolist() if np.abs(v[whole]).max() < 2**62 else [int(x) for x in v[whole].tolist()]
    out[~finite] = None
    return list(out.tolist())


def json_number_arrays(values: np.ndarray, fmt: Format) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(short, whole, finite) for a float column, the one rule behind json_numbers and the JSON text
    writer (report.unittext): where ``whole`` the value is written as the integer ``int(v)``, else
    (where ``finite``) as the float ``short`` (12 significant digits); elsewhere as null."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    with np.errstate(all="ignore"):
        short = _twelve_digits(v, finite)
    whole = finite & (v == np.floor(v)) if fmt.kind == "integer" else np.zeros(len(v), dtype=bool)
    return short, whole, finite


def _twelve_digits(v: np.ndarray, finite: np.ndarray) -> np.ndarray:
    """float(f"{x:.12g}") for each x: scale to 12 digits, round, scale back (both steps exact or
    correctly rounded); values near a half or out of the exact range go through the string."""
    a = np.abs(v)
    e = np.floor(np.log10(np.where(finite & (a > 0), a, 1.0))).astype(np.int64)
    k = 11 - e  # digits to the right of the point that keep 12 significant digits
    ok = finite & (a > 0) & (k >= -22) & (k <= 22)
    kk = np.clip(k, -22, 22)
    pow_k = 10.0 ** np.abs(kk)
    scaled = np.where(kk >= 0, a * pow_k, a / pow_k)
    frac = scaled - np.floor(scaled)
    r = np.floor(scaled + 0.5)
    ok &= (np.abs(frac - 0.5) > _GUARD) & (r >= 1e11) & (r < 1e12)
    if (kk < 0).any():  # r / 10^k with k < 0 is r * 10^-k; exact only while the product is
        ok &= (kk >= 0) | (r * pow_k < 2.0**53)
    out = np.where(kk >= 0, r / pow_k, r * pow_k)
    out = np.where(np.signbit(v), -out, out)
    out = np.where(a == 0, v, out)
    for i in np.flatnonzero(finite & (a > 0) & ~ok):
        out[i] = float(f"{v[i]:.12g}")
    return out


def agrees_as_printed(printed: np.ndarray, computed: np.ndarray) -> np.ndarray:
    """Element-wise ``Published.parse(printed[i]).agrees(computed[i])`` (False where the text is not
    a figure): each distinct text is parsed once, then rounding is compared per precision."""
    from .formatting import Published

    codes: dict[str, int] = {}
    index = np.fromiter((codes.setdefault(t, len(codes)) for t in printed.tolist()), dtype=np.int64, count=len(printed))
    figures = [Published.parse(t) for t in codes]  # each distinct text once
    parsed = np.array([p is not None for p in figures], dtype=bool)[index] if figures else np.zeros(0, dtype=bool)
    values = np.array([p.value if p else np.nan for p in figures])[index] if figures else np.zeros(0)
    out = np.zeros(len(printed), dtype=bool)
    computed = np.asarray(computed, dtype=np.float64)
    kind = [(p.decimals, p.unit) if p else (-1, "") for p in figures]
    for decimals, unit in {(p.decimals, p.unit) for p in figures if p is not None}:
        own = np.array([k == (decimals, unit) for k in kind], dtype=bool)[index] & parsed
        at = np.flatnonzero(own)
        out[at] = agrees_printed(computed[at], values[at], decimals, {"": "1", "%": "100", "万": "0.0001"}[unit])
    return out


def agrees_as_typed(unparsed: np.ndarray, decimals: np.ndarray, values: np.ndarray, computed: np.ndarray,
                    percent: bool) -> np.ndarray:
    """``agrees_as_printed(printed, computed)``, with no text read where the cell is a plain figure:
    its value is the typed column's (the same number the text parses to) and its precision is
    ``decimals`` (data.textcells.figure_decimals); the cells with -1 there are parsed as text,
    ``unparsed`` holding them as printed, in table order (only those: a joined table's text is read by position)."""
    out = np.zeros(len(decimals), dtype=bool)
    computed = np.asarray(computed, dtype=np.float64)
    first = int(decimals[0]) if len(decimals) else -1
    if first >= 0 and not (decimals != first).any():  # the usual column, all at one precision: no gathering
        return agrees_printed(computed, values, first, "100" if percent else "1")
    for places in np.flatnonzero(np.bincount(decimals[decimals >= 0], minlength=1)).tolist():
        at = np.flatnonzero(decimals == places)
        out[at] = agrees_printed(computed[at], values[at], places, "100" if percent else "1")
    rest = np.flatnonzero(decimals < 0)
    if rest.size:
        out[rest] = agrees_as_printed(unparsed, computed[rest])
    return out
