"""The typed, immutable ruleset that everything after loading works on.

Nothing here reads files; ``build.py`` makes these objects from checked YAML.
Each compiled piece keeps its ``where`` (file, line, column, key) so an error
found while evaluating still points at the ruleset line that caused it.

A ruleset has one or more parts; each part is one unit table with its own
metrics, tiers, flags and summary. A one-table ruleset is a single part.
"""
from __future__ import annotations

from ..frozen import frozen

from ..errors import Problem
from .expressions import Expression
from .formatting import Format
from .calendar import Calendar


@frozen
class Where:
    """Where a compiled piece was written: file, line, column and key path, for messages."""

    file: str
    line: int | None
    column: int | None
    path: str

    def problem(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.column, self.path, message)


@frozen
class Fact:
    """A named figure the rules read (a threshold, a date, a national figure), per group if it differs."""

    name: str
    label: str
    value: float | None
    date: str | None  # ISO date for date facts
    groups: tuple[tuple[str, float], ...]  # per-group values overriding ``value``
    source: str | None
    placeholder: bool = False  # value not yet known (a national figure not checked): cannot evaluate
    where: "Where | None" = None
    format: "Format | None" = None  # how messages and band lines write it; None: as written (100, 0.9, 87.5)


@frozen
class FieldSpec:
    """One column of a table: its header, type, what a blank cell means and how it is shown."""

    name: str
    column: str
    type: str  # integer | number | percent | text | date | yesno | enum
    label: str
    blank: str  # error | zero | missing
    not_applicable: tuple[str, ...]
    min: float | None
    max: float | None
    format: Format
    total: str  # sum | none: how a totals row is checked
    where: Where
    yes: tuple[str, ...] = ()  # yesno: the tokens read as 是, as the ruleset writes them (matched by rules/fieldtypes.token_key)
    no: tuple[str, ...] = ()  # yesno: the cell texts read as 否
    values: tuple[str, ...] = ()  # enum: the allowed values, as the ruleset spells them
    groups: tuple[str, ...] = ()  # the groups whose files carry this column; () every group's (data/groupfiles.py)
    absent: str = "not_applicable"  # units of the other groups: not_applicable (不适用) | zero

    @property
    def nullable_yesno(self) -> bool:
        """A yes/no field whose cells may hold no value (blank: missing, not-applicable tokens, a group without it)."""
        return self.type == "yesno" and (self.blank == "missing" or bool(self.not_applicable)
                                         or (bool(self.groups) and self.absent != "zero"))


@frozen
class UnitTable:
    """The unit table: its file(s) (per group), the key column naming each unit, and its fields."""

    files: tuple[tuple[str | None, str], ...]  # (group id or None, file name)
    key: str
    label: str
    fields: tuple[FieldSpec, ...]
    totals_row: str | None
    from_records: str | None = None  # no unit table: the units are the distinct keys of this records table
    sheet: str | None = None  # the workbook sheet to read (default: the first whose rows hold the header)

    def fields_in(self, group: str | None) -> tuple[FieldSpec, ...]:
        """The fields whose column ``group``'s file carries (a field naming no groups: every file)."""
        return tuple(f for f in self.fields if not f.groups or group in f.groups)


@frozen
class Group:
    """A class of units (乡镇, 部门) with its own lists and figures; ``when`` picks its units."""

    id: str
    label: str
    when: Expression | None
    where: Where


@frozen
class Metric:
    """A per-unit figure computed from fields and earlier metrics, audited against ``check`` if given."""

    name: str
    label: str
    expr: Expression
    format: Format
    check: str | None  # the field publishing this metric, to audit against
    where: Where
    year_cap: float | str | None = None  # 全年上限: a number or a numeric fact's name (data/yeartodate.py)


@frozen
class Flag:
    """A yes/no condition per unit (a flag, or a veto when it removes the unit from scoring)."""

    name: str
    label: str
    when: Expression
    severity: int
    where: Where


@frozen
class Aggregate:
    """One per-unit figure gathered from a findings table's rows."""

    name: str
    label: str
    how: str  # count | sum | min | max | dates; records also: mean | rate | distinct
    expr: Expression | None  # None: count every row
    field: str | None  # for dates
    format: Format
    where: Where
    per: str | None = None  # records: week | month | quarter: count the buckets whose value is below ``below``
    date: str | None = None  # the date field that puts a row in its bucket
    below: float | None = None


@frozen
class Records:
    """A raw-records table (many rows per unit, up to 10^8), aggregated per unit by SQL (DuckDB or Spark)."""

    name: str
    label: str
    file: str
    key: tuple[str, ...]  # the columns naming the unit; several make a composite key (账号 + 平台)
    fields: tuple[FieldSpec, ...]
    where: Expression | None  # rows kept, e.g. inside the period
    window: tuple[str, str] | None  # date facts bounding the buckets (period start, end)
    per_unit: tuple[Aggregate, ...]
    at: Where


@frozen
class Findings:
    """A findings table: many rows per unit, with row metrics and flags, gathered per unit by ``per_unit``."""

    name: str
    label: str
    file: str
    unit_column: str
    fields: tuple[FieldSpec, ...]
    metrics: tuple[Metric, ...]
    flags: tuple[Flag, ...]
    per_unit: tuple[Aggregate, ...]
    row_text: str | None = None  # how one row is written when its unit's message lists its rows


@frozen
class Band:
    """One band of a tier: its bound (or otherwise / vetoed) and how the report shows it."""

    id: str
    label: str
    severity: int
    op: str  # below | at_most | at_least | above | otherwise | vetoed
    threshold: float | None
    threshold_text: str | None  # as written, e.g. "80%"
    threshold_fact: str | None  # a fact's name, when the line differs by group
    short: str  # what the unit table shows, e.g. "< 80%"
    fact_shown: str | None = None  # a fact's line written by its value ("100", "90%（乡镇 85%）")


@frozen
class Tier:
    """A banding of one metric into bands, best first; a vetoed unit lands in ``vetoed_band``."""

    name: str
    label: str
    metric: str
    bands: tuple[Band, ...]
    vetoed_band: str | None  # the band a vetoed unit lands in, whatever its value
    where: Where
    gap_in: tuple[str, str] | None = None  # (field or metric, unit word): a shortfall in people, for explain

    def band(self, band_id: str) -> Band | None:
        return next((b for b in self.bands if b.id == band_id), None)


@frozen
class Notification:
    """A measure the circular takes (通报批评, 点名) against the units in some bands or flags."""

    id: str
    action: str
    label: str
    bands: tuple[tuple[str, tuple[str, ...]], ...]  # (tier, band ids)
    flags: tuple[str, ...]
    message: str


@frozen
class Escalation:
    """A heavier action when a unit meets a condition in several periods running,
    or (``within``) a number of times in the same year, not necessarily running."""

    id: str
    action: str
    label: str
    bands: tuple[tuple[str, tuple[str, ...]], ...]
    flags: tuple[str, ...]
    notifications: tuple[str, ...]
    periods: int  # periods running; with ``within``, the number of periods (times) counted
    message: str
    within: str | None = None  # "year": count the periods of this period's year, running or not
    sets: tuple[tuple[str, Expression], ...] = ()  # metric -> new value for the escalated units


@frozen
class Figure:
    """A summary figure (a count, a total, a rate) over all units, per group, or both."""

    id: str
    label: str
    expr: Expression
    format: Format
    scope: str  # both | all | groups
    where: Where


RANK_NAMES = frozenset({"rank", "rank_from_bottom", "ranked"})
"""Names a ranking gives expressions: the unit's place, its place counted from the bottom, and how many were ranked."""


@frozen
class RankKey:
    """One sort key of a ranking and its order."""

    expr: Expression
    order: str  # descending | ascending; text keys default to ascending (A before B)


@frozen
class Ranking:
    """How units are ranked (keys, ties, within groups) and the top and bottom rosters."""

    label: str
    order: str  # descending | ascending: the direction of a key that states none
    ties: str  # shared (1,1,3) | dense (1,1,2) | table_order
    within: str  # all | group
    top: int | None
    top_label: str | None
    where: Where
    keys: tuple[RankKey, ...]  # every sort key, at least one (the schema's minItems); later keys break ties
    bottom: int | None = None
    bottom_label: str | None = None

    @property
    def by(self) -> Expression:
        """The first key, which decides who is ranked at all (a unit without its value is not)."""
        return self.keys[0].expr

    def roster(self, end: str) -> tuple[int | None, str | None]:
        """(count, label) of the top (``end`` "top") or bottom roster; count None when the ranking has none."""
        return (self.top, self.top_label) if end == "top" else (self.bottom, self.bottom_label)

    @property
    def text(self) -> str:
        """The keys as written, for the verdict: "score, -late_count, name"."""
        return ", ".join(k.expr.text for k in self.keys)


@frozen
class Part:
    """One unit table with everything evaluated over it; a one-table ruleset has one part."""

    id: str
    label: str
    units: UnitTable
    groups: tuple[Group, ...]
    findings: tuple[Findings, ...]
    metrics: tuple[Metric, ...]
    vetoes: tuple[Flag, ...]
    tiers: tuple[Tier, ...]
    flags: tuple[Flag, ...]
    notifications: tuple[Notification, ...]
    summary: tuple[Figure, ...]
    ranking: Ranking | None
    report_columns: tuple[str, ...]
    escalations: tuple[Escalation, ...] = ()
    records: tuple[Records, ...] = ()

    def format_of(self, name: str) -> Format:
        items: tuple[FieldSpec | Metric | Aggregate, ...] = (*self.units.fields, *self.metrics, *self.aggregates())
        for item in items:
            if item.name == name:
                return item.format
        return Format("number", 2)

    def aggregates(self) -> tuple[Aggregate, ...]:
        return tuple(a for f in self.findings for a in f.per_unit) + tuple(a for r in self.records for a in r.per_unit)


@frozen
class Ruleset:
    """A loaded ruleset: every expression already parsed and checked."""

    id: str
    version: str
    title: str
    issuer: str
    region: str
    description: str
    file: str
    sha256: str
    facts: tuple[Fact, ...]
    calendar: Calendar
    parts: tuple[Part, ...]
    summary: tuple[Figure, ...]  # across parts; empty for a one-table ruleset
    single: bool  # written as one table (no ``parts:``)
    layers: tuple[tuple[str, str], ...] = ()  # (file, sha256), this file first, then what it extends
