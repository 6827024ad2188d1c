"""The value sets behind the band checks: what a tier's metric can be, and what each band takes, first match wins."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, cast

from ...rules.model import Band, Fact, Part, Tier


NUMERIC = ("integer", "number", "percent")
_OP_SYMBOL = {"below": "<", "at_most": "≤", "at_least": "≥", "above": ">"}


@dataclass(frozen=True)
class _Span:
    """An interval of values, each end open or closed; ±inf for no end."""

    lo: float
    hi: float
    lo_in: bool = False
    hi_in: bool = False

    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_in and self.hi_in))

    def has_integer(self) -> bool:
        if self.lo == -math.inf:
            return not self.empty()
        first = math.ceil(self.lo)
        if first == self.lo and not self.lo_in:
            first += 1
        return first < self.hi or (first == self.hi and self.hi_in)


ALL = _Span(-math.inf, math.inf)


def _meet(spans: Iterable[_Span], other: _Span) -> tuple[_Span, ...]:
    out = []
    for s in spans:
        lo, lo_open = max((s.lo, not s.lo_in), (other.lo, not other.lo_in))  # on a tie the open end is the tighter
        hi, hi_in = min((s.hi, s.hi_in), (other.hi, other.hi_in))
        cut = _Span(lo, hi, not lo_open, hi_in)
        if not cut.empty():
            out.append(cut)
    return tuple(out)


def _minus(spans: Iterable[_Span], other: _Span) -> tuple[_Span, ...]:
    below = _Span(-math.inf, other.lo, False, not other.lo_in)
    above = _Span(other.hi, math.inf, not other.hi_in, False)
    spans = tuple(spans)
    return tuple(sorted(_meet(spans, below) + _meet(spans, above), key=lambda s: (s.lo, not s.lo_in)))


def _none_in(spans: Iterable[_Span], whole: bool) -> bool:
    """No value in these spans: none at all, or for a whole-number metric no integer."""
    return not any(s.has_integer() if whole else not s.empty() for s in spans)


def _band_span(band: Band, line: float) -> _Span:
    return {
        "below": _Span(-math.inf, line, False, False),
        "at_most": _Span(-math.inf, line, False, True),
        "at_least": _Span(line, math.inf, True, False),
        "above": _Span(line, math.inf, False, False),
    }[band.op]


# ---------------------------------------------------------------- what a tier's metric can be

@dataclass(frozen=True)
class _Metric:
    name: str
    domain: _Span
    whole: bool  # only whole numbers: integer fields, counts
    rate: bool  # stored 0–1 and shown as a percent
    bounded_by: str | None  # how the domain is known, for messages


def _metric(part: Part, name: str) -> _Metric:
    field = next((f for f in part.units.fields if f.name == name), None)
    if field is not None and field.type in NUMERIC:
        lo = -math.inf if field.min is None else field.min
        hi = math.inf if field.max is None else field.max
        known = "字段的 min/max" if field.min is not None or field.max is not None else None
        return _Metric(name, _Span(lo, hi, field.min is not None, field.max is not None), field.type == "integer",
                       field.type == "percent", known)
    rate = part.format_of(name).kind == "percent"
    count = next((a for a in part.aggregates() if a.name == name and a.how == "count"), None)
    if count is not None:
        return _Metric(name, _Span(0, math.inf, True, False), True, rate, "明细行数")
    return _Metric(name, ALL, False, rate, None)


# ---------------------------------------------------------------- scanning a tier, first match wins

@dataclass(frozen=True)
class _Dead:
    why: str  # "range": outside what the metric can be; "shadowed": earlier bands take it all
    by: tuple[str, ...]  # the earlier bands, when shadowed


@dataclass(frozen=True)
class _Pass:
    """One reading of a tier: all units, or one group when a fact's line differs by group."""

    group: str | None
    lines: dict[str, float]  # fact name → value used
    dead: dict[int, _Dead]
    gaps: tuple[_Span, ...]


@dataclass(frozen=True)
class _TierScan:
    metric: _Metric
    passes: tuple[_Pass, ...]

    def dead(self, i: int) -> _Dead | None:
        """Dead in every reading: a line that differs by group may serve only some groups."""
        found = [p.dead.get(i) for p in self.passes]
        return found[0] if found and all(found) else None

    def gap(self) -> _Pass | None:
        return next((p for p in self.passes if p.gaps), None)


def _scan_tier(part: Part, tier: Tier, facts: tuple[Fact, ...]) -> _TierScan | None:
    readings = _fact_readings(part, tier, facts)
    if readings is None:
        return None
    metric = _metric(part, tier.metric)
    passes = tuple(_scan_once(tier, metric, group, lines) for group, lines in readings)
    return _TierScan(metric, passes)


def _fact_readings(part: Part, tier: Tier, facts: tuple[Fact, ...]) -> list[tuple[str | None, dict[str, float]]] | None:
    """The distinct sets of fact lines the tier meets: one per group whose values differ; None if one is a placeholder."""
    names = {b.threshold_fact for b in tier.bands if b.threshold_fact}
    by_name = {f.name: f for f in facts}
    out: dict[tuple[Any, ...], tuple[str | None, dict[str, float]]] = {}
    groups: list[str | None] = [g.id for g in part.groups]
    for group in groups or [None]:
        lines = {n: cast(dict[Any, float | None], dict(by_name[n].groups)).get(group, by_name[n].value) for n in names}
        if any(v is None for v in lines.values()):
            return None
        out.setdefault(tuple(sorted(lines.items())), (group if names else None, cast(dict[str, float], lines)))
    return list(out.values())


def _scan_once(tier: Tier, metric: _Metric, group: str | None, lines: dict[str, float]) -> _Pass:
    left: tuple[_Span, ...] = (metric.domain,)
    taken: list[tuple[Band, _Span]] = []
    dead: dict[int, _Dead] = {}
    for i, band in enumerate(tier.bands):
        if band.op == "vetoed":  # reached by a veto, whatever the value
            continue
        span = ALL if band.op == "otherwise" else _band_span(band, cast(float, lines.get(cast(str, band.threshold_fact), band.threshold)))
        own = _meet((metric.domain,), span)
        if _none_in(own, metric.whole):
            dead[i] = _Dead("range", ())
        elif _none_in(_meet(left, span), metric.whole):
            dead[i] = _Dead("shadowed", tuple(b.id for b, s in taken if not _none_in(_meet(own, s), metric.whole)))
        left = _minus(left, span)
        taken.append((band, span))
    return _Pass(group, lines, dead, tuple(s for s in left if not _none_in((s,), metric.whole)))


# ---------------------------------------------------------------- words for values

def _show(value: float, rate: bool) -> str:
    return f"{round(value * 100, 8):g}%" if rate else f"{value:g}"


def _span_text(span: _Span, rate: bool) -> str:
    if span.lo == span.hi:
        return f"= {_show(span.lo, rate)}"
    ends = []
    if span.lo > -math.inf:
        ends.append(f"{'≥' if span.lo_in else '>'} {_show(span.lo, rate)}")
    if span.hi < math.inf:
        ends.append(f"{'≤' if span.hi_in else '<'} {_show(span.hi, rate)}")
    return " 且 ".join(ends) or "任何值"


def _band_text(band: Band) -> str:
    if band.op in ("otherwise", "vetoed"):
        return band.short
    line = band.threshold_text or band.threshold_fact or _show(cast(float, band.threshold), False)
    return f"{_OP_SYMBOL[band.op]} {line}"


def _reading_text(part: Part, reading: _Pass) -> str:
    """"（按 fail_below = 60，组“镇、街道”）" when fact lines were used."""
    if not reading.lines:
        return ""
    values = "、".join(f"{n} = {v:g}" for n, v in sorted(reading.lines.items()))
    label = next((g.label for g in part.groups if g.id == reading.group), None)
    return f"（按 {values}" + (f"，组“{label}”" if label else "") + "）"
