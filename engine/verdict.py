"""The Verdict: what an evaluation found, and its one ``to_dict()``.

The JSON output and the terminal report both start from ``to_dict()``, so they
cannot disagree. Results keep whole columns; per-unit dicts are built only when
asked for, which keeps ``evaluate`` itself column-wise and fast.
"""
from __future__ import annotations

import functools
import itertools
import json
import re
import math
from dataclasses import field
from typing import TYPE_CHECKING, Any, Mapping, Sequence, TypeGuard, cast

import numpy as np

from ._version import __version__
from .errors import DataWarning, basename
from .frozen import frozen
from .rules.formatting import Format, format_value
from .data.history import summary as escalation_summary
from .rules.model import RANK_NAMES, Figure, Part, Ruleset, Tier
from .data.tables import Table
from .unitgroups import UnitGroups
from .unitrows import UNITS_MARK, NameList, json_value as _json_value, name_list, py_value as _py, unit_dicts

if TYPE_CHECKING:  # TypedDicts for type checkers only: building them costs ~2 ms of every start-up
    from .verdict_types import VerdictDict

VERDICT_FORMAT = 1
UNIT_SEPARATORS = (",", ":")  # a unit's line written compact: whitespace only, so verdict_format stays 1 (docs/verdict.md)


@frozen(eq=False)
class PartResult:
    """One part's evaluation, column by column."""

    part: Part
    table: Table
    unit_groups: UnitGroups | None  # each unit's group: read ``groups`` for their ids
    metrics: dict[str, np.ndarray]
    aggregates: dict[str, np.ndarray]
    vetoes: dict[str, np.ndarray]
    vetoed: np.ndarray
    bands: dict[str, np.ndarray]  # tier -> band index per unit, -1 for none
    flags: dict[str, np.ndarray]
    rank: np.ndarray | None
    notifications: dict[str, np.ndarray]
    figures: dict[str, dict[str, Any]]  # figure -> {"all" or group id: value}
    warnings: Sequence[DataWarning]  # audit.LaterWarnings: the audit's made when first read
    names: dict[str, Any]  # every column an expression could read, for explaining one unit
    functions: dict[str, Any]  # the date functions bound to the ruleset's calendar
    facts: tuple[Any, ...] = ()  # the ruleset's facts, for their labels when explaining
    escalations: dict[str, Any] = field(default_factory=dict[str, Any])  # id -> (units escalated, periods cited per unit)
    published: dict[str, Any] = field(default_factory=dict[str, Any])  # figure id -> ((scope, Published), ...), from the period file
    to_date: Any = None  # data.yeartodate.YearToDate: earlier periods of the year, and the capped metrics
    lists: dict[str, np.ndarray] = field(default_factory=dict[str, np.ndarray])  # findings id -> each unit's rows as written (row_text)

    @functools.cached_property
    def groups(self) -> np.ndarray | None:
        """Each unit's group id (None: the part has no groups), made when first read (UnitGroups.labels)."""
        return None if self.unit_groups is None else self.unit_groups.labels()

    def to_dict(self, units: bool = True) -> dict[str, Any]:
        """This part as the verdict lists it; ``units=False`` leaves a mark where the unit list goes and
        a NameList where the summary lists units (report.jsonout writes both, column-wise when big)."""
        p, t = self.part, self.table
        return {
            "id": p.id, "label": p.label,
            "tables": t.sources,
            "columns": self._columns(),
            "report": {"unit_label": p.units.label, "key": p.units.key, "columns": list(p.report_columns)},
            "groups": [{"id": g.id, "label": g.label, "units": int(np.count_nonzero(self.groups == g.id))} for g in p.groups],
            "summary": self._summary(lazy=not units),
            "totals_rows": t.totals,
            "ranking": None if p.ranking is None else {
                "label": p.ranking.label, "by": p.ranking.text, "order": p.ranking.order, "ties": p.ranking.ties,
                "within": p.ranking.within},
            "units": unit_dicts(self, 0, len(t)) if units else UNITS_MARK,
        }

    # ------------------------------------------------------------ summary

    def _columns(self) -> list[dict[str, Any]]:
        p = self.part
        out = [{"id": f.name, "label": f.label, "kind": "field", "column": f.column, "format": str(f.format)} for f in p.units.fields]
        out += [{"id": a.name, "label": a.label, "kind": "aggregate", "how": a.how, "format": str(a.format)}
                for a in p.aggregates() if a.how != "dates"]
        out += [{"id": m.name, "label": m.label, "kind": "metric", "expr": m.expr.text, "format": str(m.format)} for m in p.metrics]
        return out

    def _summary(self, lazy: bool = False) -> dict[str, Any]:
        p, members = self.part, functools.partial(self._members, lazy=lazy)
        return {
            "units": len(self.table),
            "figures": [self._figure(fig) for fig in p.summary],
            "vetoes": [{"id": v.name, "label": v.label, **members(self.vetoes[v.name])} for v in p.vetoes],
            "tiers": [self._tier(tier, lazy) for tier in p.tiers],
            "flags": [{"id": f.name, "label": f.label, "severity": f.severity, **members(self.flags[f.name])} for f in p.flags],
            "notifications": [{"id": n.id, "action": n.action, "label": n.label, **members(self.notifications[n.id])}
                              for n in p.notifications],
            "top": self._top(),
            "bottom": self._top("bottom"),
            "escalations": [escalation_summary(e, self.escalations[e.id][0], self.table.names) for e in p.escalations],
        }

    def _members(self, mask: np.ndarray, lazy: bool = False) -> dict[str, Any]:
        """Count and names in table order, overall and (when there are groups) per group."""
        mask = np.asarray(mask, dtype=bool)
        out: dict[str, Any] = _members(self.table.names, mask, lazy)
        if self.groups is not None:
            out["groups"] = {g.id: _members(self.table.names, mask & (self.groups == g.id), lazy) for g in self.part.groups}
        return out

    def _figure(self, fig: Figure) -> dict[str, Any]:
        values = self.figures[fig.id]
        published = self.published.get(fig.id, ())
        out = figure_dict(fig, values["all"], published=published)
        if self.groups is not None:
            out["groups"] = {g.id: figure_dict(fig, values[g.id], scope=g.id, published=published) for g in self.part.groups}
        return out

    def _tier(self, tier: Tier, lazy: bool = False) -> dict[str, Any]:
        index = self.bands[tier.name]
        bands = []
        for i, band in enumerate(tier.bands):
            entry = {"id": band.id, "label": band.label, "short": band.short, "severity": band.severity, "rule": _rule(band)}
            bands.append({**entry, **self._members(index == i, lazy)})
        return {"id": tier.name, "label": tier.label, "metric": tier.metric, "bands": bands,
                "unbanded": self._members(index == -1, lazy)}

    def _top(self, end: str = "top") -> dict[str, Any] | None:
        """The top-N (or bottom-N) roster: places within N by the ranking's tie rule, and what that rule did at the cut."""
        from .ranking import cut_note, roster

        spec = self.part.ranking
        if spec is None:
            return None
        count, label = spec.roster(end)
        if count is None:
            return None
        places = np.asarray(self.names["rank" if end == "top" else "rank_from_bottom"])
        ranked = roster(places, count)
        out: dict[str, Any] = {"label": label, "count": count, "units": [str(self.table.names[i]) for i in ranked]}
        if self.groups is not None and spec.within == "group":
            out["groups"] = {g.id: [str(self.table.names[i]) for i in ranked if self.groups[i] == g.id] for g in self.part.groups}
            out["note"] = "".join(f"{g.label}：{cut_note(spec, places, count, [i for i in ranked if self.groups[i] == g.id], end)}"
                                  for g in self.part.groups)
        else:
            out["note"] = cut_note(spec, places, count, ranked, end)
        return out

    # ------------------------------------------------------------ units

    def _unit(self, i: int) -> dict[str, Any]:
        return unit_dicts(self, i, i + 1)[0]

    def _escalated(self, esc: Any, i: int) -> dict[str, Any]:
        cited = self.escalations[esc.id][1].get(i, [])
        extra = {"periods": str(len(cited)), "cited": "、".join(cited)}
        out = {"id": esc.id, "action": esc.action, "periods": cited, "message": self.message(esc, i, extra)}
        if esc.sets:  # the values the escalation gave, as the unit's metrics now show them
            out["sets"] = {name: _json_value(self.metrics[name][i], self.part.format_of(name)) for name, _ in esc.sets}
        return out

    def message(self, notification: Any, i: int, extra: dict[str, str] | None = None) -> str:
        """Fill a notification's template from unit ``i``'s values, formatted as the ruleset says."""
        from .messages import messages

        return messages(self, notification.message, np.array([i]), extra)[0]

    def message_piece(self, name: str, i: int, extra: dict[str, str] | None = None) -> str:
        """What placeholder ``{name}`` of a message reads for unit ``i``."""
        if extra and name in extra:
            return extra[name]
        if name == "unit":
            return str(self.table.names[i])
        if name == "group":
            return next((g.label for g in self.part.groups if self.groups is not None and g.id == self.groups[i]), "")
        if name in RANK_NAMES:
            value = self.names.get(name)
            return "—" if value is None or math.isnan(value[i]) else str(int(value[i]))
        if name.startswith("band."):
            tier = next(x for x in self.part.tiers if x.name == name[5:])
            k = self.bands[tier.name][i]
            return tier.bands[k].label if k >= 0 else "—"
        return self.display(name, i)

    def display(self, name: str, i: int) -> str:
        """One unit's value of a field, metric or flag, written for people."""
        t = self.table
        if name in t.columns:
            return format_value(_py(t.columns[name][i]), self.part.format_of(name), bool(t.not_applicable[name][i]))
        for values in (self.metrics, self.aggregates):
            if name in values:
                value = values[name][i]
                if isinstance(value, np.ndarray):  # a `dates` aggregate holds each unit's list of dates
                    return _dates_text(value)
                return format_value(_py(value), self.part.format_of(name))
        if name in self.flags or name in self.vetoes:
            return "是" if {**self.flags, **self.vetoes}[name][i] else "否"
        if name in RANK_NAMES and name in self.names:
            return format_value(_py(self.names[name][i]), Format("integer"))
        fact = next((f for f in self.facts if f.name == name), None)
        if fact is not None:  # a per-group fact is an array of the unit's group values
            value = self.names.get(name, fact.value)
            value = value[i] if isinstance(value, np.ndarray) and value.ndim else value
            return fact.date or format_value(_py(value), Format("number", 2)).rstrip("0").rstrip(".")
        return name


@frozen(eq=False)
class Verdict:
    """The result of one evaluation: every part's result, the overall figures, history and period."""

    ruleset: Ruleset
    parts: tuple[PartResult, ...]
    overall: dict[str, Any]  # figures across parts
    history: tuple[Any, ...] = ()  # earlier periods (history.Period) this evaluation looked back on
    period: Any = None  # period.PeriodInfo: this period's id, 发文字号, date, published figures; None when unnamed

    @property
    def published(self) -> dict[str, Any]:
        return self.period.published if self.period is not None else {}

    def to_dict(self, units: bool = True) -> VerdictDict:
        """The verdict as JSON-ready data (tools.explain.with_explanations adds each unit's trace).

        Typed by :class:`~tongbao.verdict_types.VerdictDict`, which mirrors schemas/verdict.schema.json.
        ``units=False`` is for report.jsonout, which writes the unit lists itself.
        """
        r = self.ruleset
        sources = list({(s["file"], s["sha256"]): s for p in self.parts for s in p.table.sources}.values())
        return cast("VerdictDict", {
            "tongbao": {"verdict_format": VERDICT_FORMAT, "engine": __version__},
            "ruleset": {"id": r.id, "version": r.version, "title": r.title, "issuer": r.issuer,
                        "region": r.region, "sha256": r.sha256,
                        "layers": [{"file": basename(f), "sha256": sha} for f, sha in r.layers]},
            **({"period": self.period.to_dict()} if self.period is not None else {}),
            "input": {"sha256": _combined(sources), "tables": [{**s, "file": basename(s["file"])} for s in sources]},
            "facts": [{"id": f.name, "label": f.label, "value": f.date if f.date else _json_value(f.value, Format("number", 6)),
                       **({"groups": dict(f.groups)} if f.groups else {}), **({"source": f.source} if f.source else {})}
                      for f in r.facts],
            "history": [{"period": h.period, "ruleset_version": h.ruleset_version, "file": basename(h.file)} for h in self.history],
            "figures": [figure_dict(fig, self.overall[fig.id], published=self.published.get(fig.id, ())) for fig in r.summary],
            "parts": [p.to_dict(units) for p in self.parts],
            "warnings": [w.to_dict() for w in self.warnings()],
        })

    def warnings(self) -> list[DataWarning]:
        out: list[DataWarning] = []
        for p in self.parts:
            out += [*p.table.warnings, *p.warnings]
            for fig in p.part.summary:
                out += published_warnings(fig, p.figures[fig.id], p.part, self.published.get(fig.id, ()))
        for fig in self.ruleset.summary:
            out += published_warnings(fig, {"all": self.overall[fig.id]}, None, self.published.get(fig.id, ()))
        return out

    def to_json(self) -> str:
        return dumps(self.to_dict())


def figure_dict(fig: Figure, value: Any, scope: str = "all", published: tuple[Any, ...] = ()) -> dict[str, Any]:
    """One summary figure in one scope; ``value`` is None where the figure's scope leaves it out.

    ``published`` holds the period file's ((scope, Published), ...) for this figure."""
    out = {"id": fig.id, "label": fig.label, "expr": fig.expr.text, "value": _json_value(value, fig.format),
           "display": format_value(value, fig.format)}
    printed = dict(published).get(scope)
    if printed is not None:
        out["published"] = printed.text
        out["agrees"] = printed.agrees(value)
    if scope != "all":
        del out["expr"], out["label"]
    return out


def published_warnings(fig: Figure, values: dict[str, Any], part: Part | None, published: tuple[Any, ...] = ()) -> list[DataWarning]:
    out = []
    labels = {g.id: g.label for g in part.groups} if part else {}
    for scope, printed in published:
        value = values.get(scope)
        if printed.agrees(value):
            continue
        who = "" if scope == "all" else f"（{labels.get(scope, scope)}）"
        computed = f"按表格计算为 {printed.show(value)}" if _finite(value) else "按表格无法计算"
        out.append(DataWarning("TB-P001", f"通报公布的“{fig.label}”{who}为 {printed.text}，{computed}。",
                               extra={"figure": fig.id, "scope": scope, "published": printed.text,
                                      "computed": _json_value(value, fig.format)}))
    return out


def dumps(data: Mapping[str, Any]) -> str:
    """UTF-8 JSON, Chinese kept as characters, key order as built, no NaN, two-space indent; in a
    verdict each unit of ``parts[].units`` is one line (``unit_lines``: docs/verdict.md, Conventions)."""
    parts = data.get("parts") if "tongbao" in data else None
    if not isinstance(parts, list) or not parts or not all(isinstance(p, Mapping) and isinstance(p.get("units"), list) for p in parts):
        return json_safe(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)) + "\n"
    for k in itertools.count():  # a mark the data itself holds would be split on: take another
        mark = f"{UNITS_MARK}{k}"
        skeleton = {**data, "parts": [{**p, "units": mark} for p in parts]}
        pieces = json.dumps(skeleton, ensure_ascii=False, indent=2, allow_nan=False).split(json.dumps(mark))
        if len(pieces) == len(parts) + 1:
            break
    out = [pieces[0]]
    for part, rest in zip(parts, pieces[1:]):
        at = len(out[-1]) - out[-1].rfind("\n") - 1 - len('"units": ')  # the column of the "units" key
        units = part["units"]
        out += ["[" + unit_lines(units, at) + "\n" + " " * at + "]" if units else "[]", rest]
    return json_safe("".join(out)) + "\n"


def unit_lines(units: list[Any], at: int) -> str:
    """Units as a verdict's unit list holds them: each on its own line two spaces in from ``at`` (the
    column of the ``"units"`` key), written on that line as json.dumps writes it with UNIT_SEPARATORS
    (no space after ``,`` or ``:``: ~40 bytes a unit less to build and to write), a ``,`` after each
    but the last. The one definition of that layout: report.unittext writes the same bytes
    column-wise, and the tests compare the two."""
    head = "\n" + " " * (at + 2)
    return ",".join(head + json.dumps(u, ensure_ascii=False, allow_nan=False, separators=UNIT_SEPARATORS) for u in units)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def json_safe(text: str) -> str:
    """JSON text that is valid UTF-8 and harmless on a terminal: DEL, C1, bidi controls and lone
    surrogates (an undecodable file name, a damaged saved verdict) written as \\uXXXX escapes.
    They can occur only inside strings, where the escape means the same character."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# The same characters as UTF-8 bytes (each starts at a lead byte, so no match falls inside another character).
_JSON_UNSAFE_BYTES = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def json_safe_bytes(data: bytes) -> bytes:
    """``json_safe`` for UTF-8 JSON bytes (orjson's output): the same escapes, so both writers agree."""
    return _JSON_UNSAFE_BYTES.sub(lambda m: f"\\u{ord(m.group().decode('utf-8')):04x}".encode(), data)


def _combined(sources: list[dict[str, Any]]) -> str:
    import hashlib

    if len(sources) == 1:
        return str(sources[0]["sha256"])
    return hashlib.sha256("".join(f"{basename(s['file'])}\0{s['sha256']}\n" for s in sources).encode()).hexdigest()


def _members(names: np.ndarray, mask: np.ndarray, lazy: bool = False) -> dict[str, Any]:
    """``lazy``: the names left as a NameList for report.jsonout, which writes big lists column-wise."""
    mask = np.asarray(mask, dtype=bool)
    if lazy:
        return {"count": int(np.count_nonzero(mask)), "units": NameList(names, mask)}
    return {"count": int(np.count_nonzero(mask)), "units": name_list(names, mask)}


def _band_id(tier: Any, k: int) -> str | None:
    return tier.bands[k].id if k >= 0 else None


def _rule(band: Any) -> str:
    if band.op in ("otherwise", "vetoed"):
        return str(band.op)
    words = {"below": "<", "at_most": "<=", "at_least": ">=", "above": ">"}
    line = band.fact_shown or band.threshold_fact or band.threshold_text or f"{band.threshold:.12g}"
    return f"{words[band.op]} {line}"


def _finite(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _dates_text(dates: np.ndarray, shown: int = 10) -> str:
    """A unit's dates for people: 2022-09-26、2022-09-27…, the first ten and then 等N个日期."""
    if dates.size == 0:
        return "无"
    text = "、".join(str(d) for d in dates[:shown])
    return text if dates.size <= shown else f"{text}等{dates.size}个日期"
