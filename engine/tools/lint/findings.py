"""What a lint finding is, the codes, and the context every check reads (the ruleset, where its keys sit)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ...errors import TongbaoError
from ...rules.layers import read_layers
from ...rules.model import FieldSpec, Part, Ruleset, Tier, Where
from ...rules.yamlfile import dotted, YamlDoc
from .spans import _scan_tier, _TierScan


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
    "TB-L013": ("groups.field_not_in_file", WARNING),
}


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
            for r in part.records:
                yield prefix + ("records", r.name, "fields"), r.fields, False

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
