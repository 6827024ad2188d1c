"""Does a band's display text still say its line? (lint TB-L012)

A band's ``label`` and ``short`` are written by hand beside its line. When the line moves
(90% → 85%) and the text stays ("≥ 90%"), the report states a rule the engine no longer
applies. Only numbers the text sets against something are read: with a %, or after a
comparison word, so "第3档" or "2022年" are not taken for lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ..rules.model import Band, Tier

_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_COMPARED = re.compile(r"(?:<|≤|≥|>|<=|>=|低于|高于|不足|少于|多于|超过|达到|不低于|不高于|未达|满)\s*(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Contradiction:
    band_index: int
    key: str  # label | short
    text: str
    line: float
    rate: bool


def _numbers(text: str, rate: bool) -> list[float]:
    if rate:
        return [float(n) / 100 for n in _PERCENT.findall(text)]
    return [float(n) for n in _COMPARED.findall(text) if not _PERCENT.search(text)]


def _line_of(tier: Tier, i: int) -> float | None:
    """The band's own line; for ``otherwise``, the last line above it (its values start there)."""
    band = tier.bands[i]
    if band.op in ("below", "at_most", "at_least", "above"):
        return band.threshold
    if band.op == "otherwise":
        before = [b for b in tier.bands[:i] if b.op not in ("otherwise", "vetoed")]
        return before[-1].threshold if before else None
    return None


def contradictions(tier: Tier, rate: bool) -> Iterator[Contradiction]:
    """Texts naming lines of which none is the band's own (within float noise)."""
    for i, band in enumerate(tier.bands):
        line = _line_of(tier, i)
        if line is None:  # a fact's line (may differ by group) or a veto: nothing fixed to compare
            continue
        for key, text in (("label", band.label), ("short", band.short)):
            found = _numbers(text, rate)
            if found and not any(abs(n - line) <= 1e-9 * max(1.0, abs(line)) for n in found):
                yield Contradiction(i, key, text, line, rate)


def describe(tier: Tier, c: Contradiction) -> tuple[str, str]:
    band: Band = tier.bands[c.band_index]
    shown = f"{c.line * 100:g}%" if c.rate else f"{c.line:g}"
    whose = "界限" if band.op != "otherwise" else "起点（上一档的界限）"
    return (f"档“{band.id}”的 {c.key}“{c.text}”与它的{whose} {shown} 不符：报告会写出引擎并不执行的规则。",
            f"把 {c.key} 改为与界限 {shown} 一致的说法，或核对界限是否改错。")
