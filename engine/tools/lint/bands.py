"""Band checks: values no band catches, bands that can never match, labels naming another line (TB-L001–003, TB-L012)."""
from __future__ import annotations

from typing import Any, Iterator

from ...rules.model import Part, Tier
from .findings import _band_path, _Context, Finding
from .spans import _band_text, _Dead, _metric, _reading_text, _span_text, _TierScan


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


def check_band_texts(ctx: _Context) -> Iterator[Finding]:
    """TB-L012: a label or short still naming an old line (a default short is the line itself, so always agrees)."""
    from ..bandtext import contradictions, describe

    for _, part, prefix, tier in ctx.tiers():
        for c in contradictions(tier, _metric(part, tier.metric).rate):
            message, fix = describe(tier, c)
            yield ctx.finding("TB-L012", _band_path(prefix, tier, c.band_index) + (c.key,), tier.where, message, fix)
