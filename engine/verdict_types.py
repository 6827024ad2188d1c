"""The verdict as typed dicts: what ``Verdict.to_dict()`` returns, key for key.

schemas/verdict.schema.json is the contract for the JSON; these TypedDicts say the same for
Python callers so ``mypy --strict`` checks code that reads a verdict. tests/test_verdict_types.py
walks the schema and these classes together and fails on any key or type one has and the other
lacks: change both in the same commit. NotRequired marks the keys the schema leaves optional.
No ``from __future__ import annotations`` here: Python 3.11 only sees NotRequired in real annotations.
"""
from typing import Any, Literal, NotRequired, TypedDict

Value = float | bool | str | None
"""A computed value: a number (rates as fractions), true/false, text, or None when not computable."""


class MembersDict(TypedDict):
    """A set of units: how many, and their names in table order."""

    count: int
    units: list[str]


class EngineDict(TypedDict):
    """Which program and which verdict format produced this document."""

    verdict_format: Literal[1]
    engine: str


class LayerDict(TypedDict):
    """One ruleset file read: the named file first, then the base it extends."""

    file: str
    sha256: str


class RulesetInfoDict(TypedDict):
    """The ruleset that was applied, identified by its metadata and by the hash of its file."""

    id: str
    version: str
    title: str
    issuer: str
    region: str
    sha256: str
    layers: list[LayerDict]


class HeaderDict(TypedDict):
    """The document's masthead (版头)."""

    organ: NotRequired[str]
    red: NotRequired[bool]


class PeriodDict(TypedDict):
    """This evaluation's period, from period.yaml beside the data, --period-file or --period."""

    id: str
    start: NotRequired[str]
    end: NotRequired[str]
    number: NotRequired[str]
    date: NotRequired[str]
    issuer: NotRequired[str]
    recipients: NotRequired[str]
    header: NotRequired[HeaderDict]
    file: NotRequired[str]
    sha256: NotRequired[str]


class SourceDict(TypedDict):
    """One data file read."""

    file: str
    sha256: str
    encoding: str | None
    rows: int


class InputDict(TypedDict):
    """All the data files the evaluation read."""

    sha256: str
    tables: list[SourceDict]


class FactDict(TypedDict):
    """One of the ruleset's facts (a known figure not in the tables)."""

    id: str
    label: str
    value: float | str | None
    groups: NotRequired[dict[str, float]]
    source: NotRequired[str]


class HistoryDict(TypedDict):
    """An earlier period's verdict this evaluation looked back on."""

    period: str
    ruleset_version: str
    file: str


class GroupFigureDict(TypedDict):
    """A summary figure over one group's units."""

    id: str
    value: Value
    display: str
    published: NotRequired[str]
    agrees: NotRequired[bool]


class FigureDict(TypedDict):
    """A summary figure over all units of its scope."""

    id: str
    label: str
    expr: str
    value: Value
    display: str
    published: NotRequired[str]
    agrees: NotRequired[bool]
    groups: NotRequired[dict[str, GroupFigureDict]]


class FieldColumnDict(TypedDict):
    """A field: a column read from the unit table."""

    id: str
    label: str
    kind: Literal['field']
    column: str
    format: str


class AggregateColumnDict(TypedDict):
    """A per-unit figure gathered from the rows of a findings table (per_unit)."""

    id: str
    label: str
    kind: Literal['aggregate']
    how: Literal['count', 'sum', 'min', 'max', 'mean', 'rate', 'distinct']
    format: str


class MetricColumnDict(TypedDict):
    """A metric: an expression computed per unit."""

    id: str
    label: str
    kind: Literal['metric']
    expr: str
    format: str


class ReportDict(TypedDict):
    """Settings for presenting the unit table."""

    unit_label: str
    key: str
    columns: list[str]


class GroupDict(TypedDict):
    """One group of units in a part, with how many units it has."""

    id: str
    label: str
    units: int


class VetoSummaryDict(TypedDict):
    """A single-item veto and the units it hit."""

    id: str
    label: str
    count: int
    units: list[str]
    groups: NotRequired[dict[str, MembersDict]]


class BandSummaryDict(TypedDict):
    """One band of a tier and the units in it."""

    id: str
    label: str
    short: str
    severity: int
    rule: str
    count: int
    units: list[str]
    groups: NotRequired[dict[str, MembersDict]]


class UnbandedDict(TypedDict):
    """Units in no band: their value is missing or not computable, or no band matched."""

    count: int
    units: list[str]
    groups: NotRequired[dict[str, MembersDict]]


class TierSummaryDict(TypedDict):
    """One tier: its bands in ruleset order, and the units in none."""

    id: str
    label: str
    metric: str
    bands: list[BandSummaryDict]
    unbanded: UnbandedDict


class FlagSummaryDict(TypedDict):
    """A flag and the units for which it is true."""

    id: str
    label: str
    severity: int
    count: int
    units: list[str]
    groups: NotRequired[dict[str, MembersDict]]


class NotificationSummaryDict(TypedDict):
    """A notification and the units it names."""

    id: str
    action: str
    label: str
    count: int
    units: list[str]
    groups: NotRequired[dict[str, MembersDict]]


class TopDict(TypedDict):
    """The units ranked first (the ruleset's top), per group too."""

    label: str
    count: int
    units: list[str]
    groups: NotRequired[dict[str, list[str]]]
    note: NotRequired[str]


class EscalationSummaryDict(TypedDict):
    """An escalation and the units it reached."""

    id: str
    action: str
    label: str
    periods: int
    count: int
    units: list[str]
    within: NotRequired[Literal["year"]]


class SummaryDict(TypedDict):
    """Results over all units of the part (and per group): figures, vetoes, tier memberships, flags,
    notifications and the top of the ranking."""

    units: int
    figures: list[FigureDict]
    vetoes: list[VetoSummaryDict]
    tiers: list[TierSummaryDict]
    flags: list[FlagSummaryDict]
    notifications: list[NotificationSummaryDict]
    top: TopDict | None
    bottom: NotRequired[TopDict | None]
    escalations: list[EscalationSummaryDict]


class TotalsRowDict(TypedDict):
    """A totals row's cell checked against the sum of the units."""

    file: str
    line: int
    field: str
    column: str
    published: str
    computed: float
    agrees: bool


class RankingDict(TypedDict):
    """How units were ranked."""

    label: str
    by: str
    order: Literal['descending', 'ascending']
    ties: Literal['shared', 'dense', 'table_order']
    within: Literal['all', 'group']


class UnitNotificationDict(TypedDict):
    """A notification that applies to one unit, with its message filled in."""

    id: str
    action: str
    message: str


class UnitEscalationDict(TypedDict):
    """An escalation one unit met, with the periods of its streak."""

    id: str
    action: str
    periods: list[str]
    message: str
    sets: NotRequired[dict[str, float | bool | str | None]]


class EarlierValueDict(TypedDict):
    """What one earlier period of the year counted for a capped metric."""

    period: str
    value: float


class YearToDateDict(TypedDict):
    """How a metric with an annual cap (year_cap) was capped this period."""

    cap: float | None
    earlier: list[EarlierValueDict]
    earlier_total: float
    computed: float | None
    value: float | None


class UnitDict(TypedDict):
    """One unit and everything found about it."""

    name: str
    file: str
    line: int
    group: NotRequired[str]
    fields: dict[str, float | str | None]
    metrics: dict[str, Value]
    vetoes: NotRequired[list[str]]
    bands: dict[str, str | None]
    flags: list[str]
    rank: int | None
    notifications: list[UnitNotificationDict]
    not_applicable: NotRequired[list[str]]
    escalations: NotRequired[list[UnitEscalationDict]]
    year_to_date: NotRequired[dict[str, YearToDateDict]]
    explain: NotRequired[dict[str, Any]]


class PartDict(TypedDict):
    """One part of the ruleset: one unit table with its own metrics, tiers, flags and summary."""

    id: str
    label: str
    tables: list[SourceDict]
    columns: list[FieldColumnDict | AggregateColumnDict | MetricColumnDict]
    report: ReportDict
    groups: list[GroupDict]
    summary: SummaryDict
    totals_rows: list[TotalsRowDict]
    ranking: RankingDict | None
    units: list[UnitDict]


class WarningDict(TypedDict):
    """One warning."""

    code: str
    message: str
    file: NotRequired[str]
    line: NotRequired[int]
    column: NotRequired[str]
    unit: NotRequired[str]
    figure: NotRequired[str]
    scope: NotRequired[str]
    metric: NotRequired[str]
    published: NotRequired[str]
    computed: NotRequired[Value]


class VerdictDict(TypedDict):
    """What one evaluation of a ruleset over its tables found: the output of `tongbao evaluate --format
    json`, i.e."""

    tongbao: EngineDict
    ruleset: RulesetInfoDict
    period: NotRequired[PeriodDict]
    input: InputDict
    facts: list[FactDict]
    history: list[HistoryDict]
    figures: list[FigureDict]
    parts: list[PartDict]
    warnings: list[WarningDict]

