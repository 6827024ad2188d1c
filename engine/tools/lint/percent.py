"""A circular's 90% written as 90: lines and bounds on rates (TB-L010, TB-L011)."""
from __future__ import annotations

from typing import Any, Iterator

from ...rules.model import Band, Fact, Tier
from .findings import _band_path, _Context, Finding
from .spans import _metric


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
