"""The typed, immutable ruleset that everything after loading works on.

Nothing here reads files; ``loader.py`` builds these objects from checked YAML.
Each compiled piece keeps its ``where`` (file, line, column, key) so an error
found while evaluating can still point at the ruleset line that caused it.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import Problem
from .expressions import Expression
from .formatting import Format, Published


@dataclass(frozen=True)
class Where:
    file: str
    line: int | None
    column: int | None
    path: str

    def problem(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.column, self.path, message)


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    value: float
    source: str | None


@dataclass(frozen=True)
class FieldSpec:
    name: str
    column: str
    type: str  # integer | number | percent | text | date
    label: str
    blank: str  # error | zero | missing
    not_applicable: tuple[str, ...]
    min: float | None
    max: float | None
    format: Format
    where: Where


@dataclass(frozen=True)
class UnitTable:
    file: str
    key: str
    label: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    expr: Expression
    format: Format
    where: Where


@dataclass(frozen=True)
class Band:
    id: str
    label: str
    severity: int
    op: str  # below | at_most | at_least | above | otherwise
    threshold: float | None
    threshold_text: str | None  # as written, e.g. "80%"
    short: str  # what the unit table shows, e.g. "< 80%"


@dataclass(frozen=True)
class Tier:
    name: str
    label: str
    metric: str
    bands: tuple[Band, ...]

    def band(self, band_id: str) -> Band | None:
        return next((b for b in self.bands if b.id == band_id), None)


@dataclass(frozen=True)
class Flag:
    name: str
    label: str
    when: Expression
    severity: int
    where: Where


@dataclass(frozen=True)
class Notification:
    id: str
    action: str
    label: str
    bands: tuple[tuple[str, tuple[str, ...]], ...]  # (tier, band ids)
    flags: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    expr: Expression
    format: Format
    published: Published | None
    where: Where


@dataclass(frozen=True)
class Ranking:
    by: Expression
    label: str
    order: str  # descending | ascending
    ties: str  # shared | table_order
    where: Where


@dataclass(frozen=True)
class Ruleset:
    """A loaded ruleset: every expression already parsed and checked."""

    id: str
    version: str
    title: str
    issuer: str
    region: str
    period: str
    description: str
    file: str
    sha256: str
    facts: tuple[Fact, ...]
    units: UnitTable
    metrics: tuple[Metric, ...]
    tiers: tuple[Tier, ...]
    flags: tuple[Flag, ...]
    notifications: tuple[Notification, ...]
    summary: tuple[Figure, ...]
    ranking: Ranking | None
    report_columns: tuple[str, ...]

    def format_of(self, name: str) -> Format:
        for item in (*self.units.fields, *self.metrics):
            if item.name == name:
                return item.format
        return Format("number", 2)

    def label_of(self, name: str) -> str:
        for item in (*self.units.fields, *self.metrics, *self.flags, *self.facts):
            if item.name == name:
                return item.label
        return name
