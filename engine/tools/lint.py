"""``tongbao lint``: problems in a loaded ruleset that a schema cannot see.

Loading already refuses what is wrong (unknown names, bands in an order where one
can never match). Lint reports what is legal but probably not meant: values that
fall in no band, names nobody reads, a circular's 90% written as 90. Each check
is a generator of findings; a finding has a stable code, a dotted name, a place
and a message with a fix, in Chinese for the administrators who write rulesets.

========  =================================  =======  ============================================
code      name                               level    what it finds
========  =================================  =======  ============================================
TB-L001   bands.gap                          warning  values no band catches: no ``otherwise`` and
                                                      the last line stops short of what the metric
                                                      can be (load refuses mixed directions, so a
                                                      gap sits at the far end)
TB-L002   bands.shadowed                     warning  a band whose every value an earlier band
                                                      takes: load refuses the plain case, left are
                                                      a fact's line and whole numbers
                                                      (``at_most: 0`` then ``below: 1``)
TB-L003   bands.unreachable                  warning  a band outside what the metric can be (a
                                                      field's min/max; a count is ≥ 0)
TB-L004   unused.fact                        warning  a fact nothing reads; facts inherited from a
                                                      base are its shared library: not reported
TB-L005   unused.field                       warning  a field nothing reads: its column is still
                                                      required and checked
TB-L006   unused.metric                      warning  a metric or per-unit figure nothing reads
TB-L007   notifications.never                warning  a notification whose bands are all dead and
                                                      whose flags are all constant-false
TB-L008   bands.not_notified                 info     a band of severity ≥ 2 no notification or
                                                      escalation names
TB-L009   facts.groups_unexplained           warning  a fact with per-group values but no source or
                                                      description saying why
TB-L010   percent.threshold_not_percent      warning  a line over 1 written without % on a rate
TB-L011   percent.bound_not_percent          warning  a percent field's min/max over 1 without %
TB-L012   bands.text_contradicts             warning  a band's label or short names a line that is
                                                      not its own (tools/bandtext.py)
========  =================================  =======  ============================================

Not reported: a missing value (a blank read as missing, a rate over zero) lands
in no band even past ``otherwise``. That is the engine's meaning of "no value",
and the report lists such units as unbanded.

Places: a finding points at the exact key when the ruleset's files on disk are
still the ones loaded (their sha256 match); otherwise at the nearest compiled
item that keeps its ``where`` (a band's tier), or at the file alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import chain
from typing import Any, Callable, Iterable, Iterator, cast

import numpy as np
from rich.console import Console
from rich.text import Text

from ..errors import TongbaoError
from ..rules.expressions import ColumnEvaluator, Expression
from ..rules.layers import read_layers
from ..rules.model import Aggregate, Band, Fact, FieldSpec, Metric, Notification, Part, Ruleset, Tier, Where
from ..rules.templates import template_names
from ..rules.yamlfile import YamlDoc, dotted

WARNING, INFO = "warning", "info"

CODES: dict[str, tuple[str, str]] = {
    "TB-L001": ("bands.gap", WARNING),
    "TB-L002": ("bands.shadowed", WARNING),
    "TB-L003": ("bands.unreachable", WARNING),
    "TB-L004": ("unused.fact", WARNING),
    "TB-L005": ("unused.field", WARNING),
    "TB-L006": ("unused.metric", WARNING),
    "TB-L007": ("notifications.never", WARNING),
    "TB-L008": ("bands.not_notified", INFO),
    "TB-L009": ("facts.groups_unexplained", WARNING),
    "TB-L010": ("percent.threshold_not_percent", WARNING),
    "TB-L011": ("percent.bound_not_percent", WARNING),
    "TB-L012": ("bands.text_contradicts", WARNING),
}

NOTIFY_FROM_SEVERITY = 2  # bands this severe are named in circulars; lower ones are "fine" or "watch"
NUMERIC = ("integer", "number", "percent")
_OP_SYMBOL = {"below": "<", "at_most": "≤", "at_least": "≥", "above": ">"}


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    fix: str

    @property
    def level(self) -> str:
        return CODES[self.code][1]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "level": self.level, "file": self.file, "line": self.line,
                "column": self.column, "path": self.path, "message": self.message, "fix": self.fix}


def lint(ruleset: Ruleset) -> list[Finding]:
    """Every check's findings, the ruleset's own file first, then by line."""
    ctx = _Context(ruleset)
    found = chain.from_iterable(check(ctx) for check in CHECKS)
    return sorted(found, key=lambda f: (f.file != ruleset.file, f.file, f.line or 0, f.column or 0, f.code))


# ---------------------------------------------------------------- context

class _Context:
    """The ruleset, where its keys sit, and the band analysis several checks share."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.doc = _source(ruleset)
        self._scans: dict[tuple[int, str], _TierScan | None] = {}

    def parts(self) -> Iterator[tuple[Part, tuple[Any, ...]]]:
        for i, part in enumerate(self.ruleset.parts):
            yield part, (() if self.ruleset.single else ("parts", i))

    def tiers(self) -> Iterator[tuple[int, Part, tuple[Any, ...], Tier]]:
        for index, (part, prefix) in enumerate(self.parts()):
            for tier in part.tiers:
                yield index, part, prefix, tier

    def field_tables(self) -> Iterator[tuple[tuple[Any, ...], tuple[FieldSpec, ...], bool]]:
        """(key path, fields, is the unit table) for every table a ruleset reads."""
        for part, prefix in self.parts():
            yield prefix + ("units", "fields"), part.units.fields, True
            for f in part.findings:
                yield prefix + ("findings", f.name, "fields"), f.fields, False

    def finding(self, code: str, path: tuple[Any, ...], near: Where | None, message: str, fix: str) -> Finding:
        file, line, column = self.place(path, near)
        return Finding(code, CODES[code][0], file, line, column, dotted(path), message, fix)

    def place(self, path: tuple[Any, ...], near: Where | None) -> tuple[str, int | None, int | None]:
        if self.doc is not None:
            return self.doc.locate(path)
        if near is not None:
            return near.file, near.line, near.column
        return self.ruleset.file, None, None

    def raw(self, path: tuple[Any, ...]) -> Any:
        """The value as written, or None when the source is not at hand."""
        data = self.doc.data if self.doc is not None else None
        for key in path:
            data = data.get(key) if isinstance(data, dict) else None
        return data

    def scan(self, index: int, part: Part, tier: Tier) -> "_TierScan | None":
        key = (index, tier.name)
        if key not in self._scans:
            self._scans[key] = _scan_tier(part, tier, self.ruleset.facts)
        return self._scans[key]


def _source(ruleset: Ruleset) -> YamlDoc | None:
    """The merged document again, for exact lines and values as written; None if the files changed since loading."""
    if not ruleset.layers:
        return None
    try:
        doc, layers = read_layers(ruleset.file)
    except (TongbaoError, OSError):
        return None
    return doc if tuple(layers) == tuple(ruleset.layers) else None


def _band_path(prefix: tuple[Any, ...], tier: Tier, i: int) -> tuple[Any, ...]:
    return prefix + ("tiers", tier.name, "bands", i)


# ---------------------------------------------------------------- value sets

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


# ---------------------------------------------------------------- checks 1 and 2: bands

def check_gaps(ctx: _Context) -> Iterator[Finding]:
    """TB-L001: with no ``otherwise``, values between or beyond the lines land in no band."""
    for index, part, prefix, tier in ctx.tiers():
        scan = ctx.scan(index, part, tier)
        reading = scan.gap() if scan else None
        if scan is None or reading is None:
            continue
        values = "；".join(_span_text(s, scan.metric.rate) for s in reading.gaps)
        yield ctx.finding(
            "TB-L001", prefix + ("tiers", tier.name, "bands"), tier.where,
            f"分档“{tier.name}”中，“{tier.metric}”取值 {values} 的单位不落入任何一档{_reading_text(part, reading)}："
            f"它们只会列为“未落入任何一档”，也不会被按分档的通报措施点到。",
            "在最后加一档 otherwise: true 收容其余的值，或调整界限使各档首尾相接。")


def check_unreachable_bands(ctx: _Context) -> Iterator[Finding]:
    """TB-L002, TB-L003: first match wins, so a band needs a value that no earlier band took."""
    for index, part, prefix, tier in ctx.tiers():
        scan = ctx.scan(index, part, tier)
        for i in range(len(tier.bands)):
            dead = scan.dead(i) if scan else None
            if scan is not None and dead is not None:
                yield _dead_band(ctx, part, prefix, tier, i, scan, dead)


def _dead_band(ctx: _Context, part: Part, prefix: tuple[Any, ...], tier: Tier, i: int, scan: _TierScan, dead: _Dead) -> Finding:
    band, metric = tier.bands[i], scan.metric
    head = f"档“{band.id}”（{_band_text(band)}）永远不会生效"
    when = _reading_text(part, scan.passes[0]) if len(scan.passes) == 1 else "（各组的事实取值下都如此）"
    path = _band_path(prefix, tier, i)
    if dead.why == "range":
        known = f"（{metric.bounded_by}）" if metric.bounded_by else ""
        domain = _span_text(metric.domain, metric.rate)
        return ctx.finding("TB-L003", path, tier.where, f"{head}{when}：“{metric.name}”只能取 {domain}{known}，没有值落在这一档。",
                           "删去这一档，或改正它的界限；若界限没错，检查字段的 min/max 是否写对。")
    earlier = "、".join(f"“{b}”" for b in dead.by) or "各档"
    return ctx.finding("TB-L002", path, tier.where,
                       f"{head}{when}：前面的档{earlier}已包含它能取到的全部值（第一个符合的档生效）。",
                       "调整界限或各档的先后顺序，使这一档能取到值；或删去它。")


# ---------------------------------------------------------------- check 3: names nobody reads

def _escalations(part: Part) -> tuple[Any, ...]:
    # Escalations (repeat offenders over several periods) are being added alongside lint; older Parts lack them.
    return getattr(part, "escalations", ())


def _unit_reads(part: Part) -> set[str]:
    """Every name read at the unit level of one part: expressions, tiers, templates, columns, audits."""
    exprs: list[Expression] = [m.expr for m in part.metrics] + [f.when for f in (*part.flags, *part.vetoes)]
    exprs += [g.when for g in part.groups if g.when] + [f.expr for f in part.summary]
    exprs += [part.ranking.by] if part.ranking else []
    names = {n for e in exprs for n in e.names}
    names |= {t.metric for t in part.tiers} | {b.threshold_fact for t in part.tiers for b in t.bands if b.threshold_fact}
    names |= {n for note in (*part.notifications, *_escalations(part)) for n in template_names(note.message)}
    names |= set(part.report_columns) | {m.check for m in part.metrics if m.check}
    return names


def _row_reads(part: Part) -> dict[str, set[str]]:
    """Names read within each findings table, by its rows' expressions and per-unit figures."""
    out = {}
    for f in part.findings:
        exprs = [m.expr for m in f.metrics] + [g.when for g in f.flags] + [a.expr for a in f.per_unit if a.expr]
        out[f.name] = {n for e in exprs for n in e.names} | {a.field for a in f.per_unit if a.field}
    return out


def check_unused(ctx: _Context) -> Iterator[Finding]:
    """TB-L004–6: facts, fields and metrics that nothing reads. Flags are outputs in themselves: never reported."""
    everything: set[str] = {n for f in ctx.ruleset.summary for n in f.expr.names}
    reads: dict[tuple[Any, ...], set[str]] = {}  # by the key path of each table's fields
    for part, prefix in ctx.parts():
        unit, rows = _unit_reads(part), _row_reads(part)
        everything |= unit | set().union(*rows.values())
        reads[prefix + ("units", "fields")] = unit
        reads |= {prefix + ("findings", name, "fields"): names for name, names in rows.items()}
        yield from _unused_metrics(ctx, prefix, part, unit, rows)
    for at, fields, unit_table in ctx.field_tables():
        yield from _unused_fields(ctx, at, fields, reads[at], unit_table)
    yield from _unused_facts(ctx, everything)


_TYPE_WORDS = {"integer": "整数", "number": "数字", "percent": "百分数", "date": "日期"}


def _unused_fields(ctx: _Context, at: tuple[Any, ...], fields: tuple[FieldSpec, ...], reads: set[str], unit_table: bool) -> Iterator[Finding]:
    also = "，或把它加入 report.columns 在报告中显示" if unit_table else ""
    for f in fields:
        if f.name in reads:
            continue
        cells = f"，且每格都必须是{_TYPE_WORDS[f.type]}" if f.type in _TYPE_WORDS else ""
        yield ctx.finding("TB-L005", at + (f.name,), f.where,
                          f"字段“{f.name}”（列“{f.column}”）没有被任何表达式、分档、通报文字、报告列或核对（check）读取，"
                          f"但数据表仍必须有这一列{cells}。",
                          f"删去这个字段（数据表里的这一列会被忽略）{also}。")


def _unused_metrics(ctx: _Context, prefix: tuple[Any, ...], part: Part, unit: set[str], rows: dict[str, set[str]]) -> Iterator[Finding]:
    items: list[tuple[Metric | Aggregate, tuple[Any, ...], set[str], str]]
    items = [(m, prefix + ("metrics", m.name), unit, "指标") for m in part.metrics]
    for f in part.findings:
        items += [(m, prefix + ("findings", f.name, "metrics", m.name), rows[f.name], "明细指标") for m in f.metrics]
        items += [(a, prefix + ("findings", f.name, "per_unit", a.name), unit, "按单位汇总的数字") for a in f.per_unit]
    for item, path, reads, kind in items:
        if item.name not in reads and not getattr(item, "check", None):  # an audited metric is read by its audit
            yield ctx.finding("TB-L006", path, item.where, f"{kind}“{item.name}”（{item.label}）算出后没有被任何表达式、分档、通报文字或报告列用到。",
                              "删去它，或把它加入 report.columns 在报告中显示；也请检查本该用到它的表达式是否写错了名称。")


def _unused_facts(ctx: _Context, reads: set[str]) -> Iterator[Finding]:
    for fact in ctx.ruleset.facts:
        inherited = fact.where is not None and fact.where.file != ctx.ruleset.file
        if fact.name not in reads and not inherited:
            yield ctx.finding("TB-L004", ("facts", fact.name), fact.where,
                              f"事实“{fact.name}”（{fact.label}）没有被任何表达式、分档界限或通报文字用到。",
                              "删去这个事实；或检查本该用到它的表达式是否写错了名称。")


# ---------------------------------------------------------------- check 4: notifications

def _constant_false(expr: Expression) -> bool:
    """True only for an expression that reads nothing and is false, such as ``1 > 2``."""
    if expr.names or expr.calls:
        return False
    try:
        with np.errstate(all="ignore"):
            return not bool(np.any(np.asarray(ColumnEvaluator({}, {}).run(expr), dtype=bool)))
    except (TypeError, ValueError, ArithmeticError):
        return False


def _dead_bands(ctx: _Context, index: int, part: Part) -> set[tuple[str, str]]:
    out = set()
    for tier in part.tiers:
        scan = ctx.scan(index, part, tier)
        out |= {(tier.name, b.id) for i, b in enumerate(tier.bands) if scan and scan.dead(i)}
    return out


def check_dead_notifications(ctx: _Context) -> Iterator[Finding]:
    """TB-L007: a notification whose every band is unreachable and every flag constant-false names no one."""
    for index, (part, prefix) in enumerate(ctx.parts()):
        dead = _dead_bands(ctx, index, part)
        conditions = {f.name: f.when for f in (*part.flags, *part.vetoes)}
        for i, note in enumerate(part.notifications):
            bands = [(t, b) for t, ids in note.bands for b in ids]
            if any(x not in dead for x in bands) or any(not _constant_false(conditions[f]) for f in note.flags):
                continue
            yield ctx.finding("TB-L007", prefix + ("notifications", i), None,
                              f"通报措施“{note.id}”（{_action_text(note)}）不会点到任何单位：{_never_why(bands, note.flags, conditions)}。",
                              "改正所列档的界限或标记的条件，或删去这条通报措施。")


def _never_why(bands: list[tuple[str, str]], flags: tuple[str, ...], conditions: dict[str, Expression]) -> str:
    why = [f"所列的档 {'、'.join(f'{t}.{b}' for t, b in bands)} 都永远不会生效"] if bands else []
    why += [f"所列标记的条件恒为假（{'、'.join(f'{f}: {conditions[f].text}' for f in flags)}）"] if flags else []
    return "；".join(why) or "没有列出任何档或标记"


def _action_text(note: Notification) -> str:
    return note.action if note.label == note.action else f"{note.action}：{note.label}"


def _notified(part: Part) -> set[tuple[str, str]]:
    """Bands some notification or escalation names: directly, through a listed flag's in_band(), or (vetoed) by listing every veto."""
    notes = (*part.notifications, *_escalations(part))
    out = {(t, b) for note in notes for t, ids in note.bands for b in ids}
    listed = {f for note in notes for f in note.flags}
    for flag in (*part.flags, *part.vetoes):
        if flag.name in listed:
            out |= {(args[0], b) for fn, args in flag.when.calls if fn == "in_band" for b in args[1:]}
    if part.vetoes and {v.name for v in part.vetoes} <= listed:
        out |= {(t.name, t.vetoed_band) for t in part.tiers if t.vetoed_band}
    return out


def check_unnotified_bands(ctx: _Context) -> Iterator[Finding]:
    """TB-L008 (a hint): a severe band no notification names. A circular may only count it; then ignore this."""
    for index, part, prefix, tier in ctx.tiers():
        quiet = _notified(part) | _dead_bands(ctx, index, part)
        for i, band in enumerate(tier.bands):
            if band.severity < NOTIFY_FROM_SEVERITY or (tier.name, band.id) in quiet:
                continue
            yield ctx.finding("TB-L008", _band_path(prefix, tier, i), tier.where,
                              f"档“{band.id}”（{band.label}，严重程度 {band.severity}）没有出现在任何通报措施中：这一档的单位不会被通报。",
                              f"若通报原文点名这些单位，在 notifications 中加一条 when: {{bands: {{{tier.name}: [{band.id}]}}}}；"
                              f"若原文只计数不点名，可以忽略这条提示。")


# ---------------------------------------------------------------- check 5: per-group facts

def check_group_facts(ctx: _Context) -> Iterator[Finding]:
    """TB-L009: a value that differs by group is a departure from the circular's rule; say where it comes from."""
    for fact in ctx.ruleset.facts:
        described = ctx.raw(("facts", fact.name, "description"))
        if not fact.groups or fact.source or described:
            continue
        values = "、".join(f"{g} 为 {v:g}" for g, v in fact.groups)
        base = "" if fact.value is None else f"，其余为 {fact.value:g}"
        yield ctx.finding("TB-L009", ("facts", fact.name, "groups"), fact.where,
                          f"事实“{fact.name}”（{fact.label}）按组取不同的值（{values}{base}），"
                          f"但没有写 source 或 description 说明为什么各组不同。",
                          "加上 source: 出处（例如 附件2脚注），或 description: 为什么这几组与其余不同。")


# ---------------------------------------------------------------- check 6: 90 written for 90%

def check_percent_thresholds(ctx: _Context) -> Iterator[Finding]:
    """TB-L010: a rate is stored 0–1, so a line of 90 means 9000%, never reached."""
    facts = {f.name: f for f in ctx.ruleset.facts}
    for _, part, prefix, tier in ctx.tiers():
        if not _metric(part, tier.metric).rate:
            continue
        for i, band in enumerate(tier.bands):
            path = _band_path(prefix, tier, i) + (band.op,)
            if band.threshold is not None and band.threshold_text is None and band.threshold > 1:
                yield _percent_line(ctx, path, tier, band, band.threshold, None)
            fact = facts.get(band.threshold_fact or "")
            over = [v for v in (fact.value, *dict(fact.groups).values()) if v is not None and v > 1] if fact else []
            if over:
                yield _percent_line(ctx, path, tier, band, over[0], fact)


def _percent_line(ctx: _Context, path: tuple[Any, ...], tier: Tier, band: Band, value: float, fact: Fact | None) -> Finding:
    written = f"取自事实“{fact.name}”，其值为 {value:g}" if fact else f"写作 {value:g}"
    fix = (f"若指 {value:g}%，把事实“{fact.name}”的 value 改为 {value / 100:g}。" if fact
           else f"若指 {value:g}%，请写 \"{value:g}%\" 或 {value / 100:g}。")
    return ctx.finding("TB-L010", path, tier.where,
                       f"分档“{tier.name}”依据的“{tier.metric}”是比率（按 0–1 存放，90% 即 0.9），"
                       f"档“{band.id}”的界限却{written}：按原样它表示 {value * 100:g}%。", fix)


def check_percent_bounds(ctx: _Context) -> Iterator[Finding]:
    """TB-L011: min/max on a percent field read as fractions too. Needs the value as written, so only with the source."""
    for at, fields, _ in ctx.field_tables():
        for f, key in ((f, key) for f in fields if f.type == "percent" for key in ("min", "max")):
            raw = ctx.raw(at + (f.name, key))
            if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw > 1:
                yield ctx.finding("TB-L011", at + (f.name, key), f.where,
                                  f"字段“{f.name}”是百分数字段（按 0–1 存放，90% 即 0.9），{key} 却写作 {raw:g}：按原样它表示 {raw * 100:g}%。",
                                  f"请写 {key}: \"{raw:g}%\" 或 {raw / 100:g}。")


def check_band_texts(ctx: _Context) -> Iterator[Finding]:
    """TB-L012: a label or short still naming an old line (a default short is the line itself, so always agrees)."""
    from .bandtext import contradictions, describe

    for _, part, prefix, tier in ctx.tiers():
        for c in contradictions(tier, _metric(part, tier.metric).rate):
            message, fix = describe(tier, c)
            yield ctx.finding("TB-L012", _band_path(prefix, tier, c.band_index) + (c.key,), tier.where, message, fix)


CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    check_gaps, check_unreachable_bands, check_unused, check_dead_notifications, check_unnotified_bands,
    check_group_facts, check_percent_thresholds, check_percent_bounds, check_band_texts,
)


# ---------------------------------------------------------------- terminal

_STYLE = {WARNING: "yellow", INFO: "cyan"}


def render_lint(findings: list[dict[str, Any]], console: Console, ruleset_file: str) -> None:
    """One line per finding, ``file:line:col: code name message — fix``, then a one-line summary."""
    for f in findings:
        console.print(_finding_line(f), soft_wrap=True, highlight=False)
    console.print(_summary_line(findings, ruleset_file), soft_wrap=True, highlight=False)


def _finding_line(f: dict[str, Any]) -> Text:
    place = f["file"] + (f":{f['line']}:{f['column']}" if f.get("line") is not None else "")
    line = Text(f"{place}: ")
    line.append(f["code"], style=f"bold {_STYLE.get(f.get('level', WARNING), '')}")
    line.append(f" {f['name']} {f['message']} — {f['fix']}")
    return line


def _summary_line(findings: list[dict[str, Any]], ruleset_file: str) -> Text:
    if not findings:
        return Text(f"{ruleset_file}：没有发现问题。", style="green")
    hints = sum(1 for f in findings if f.get("level") == INFO)
    counts = [f"{len(findings) - hints} 处问题" if len(findings) > hints else "", f"{hints} 条提示" if hints else ""]
    return Text(f"{ruleset_file}：发现 {'、'.join(c for c in counts if c)}。", style="bold")
