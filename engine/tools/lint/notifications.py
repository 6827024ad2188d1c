"""Notification checks: one that can never fire, a severe band nobody names (TB-L007, TB-L008)."""
from __future__ import annotations

from typing import Iterator

import numpy as np

from ...rules.expressions import ColumnEvaluator, Expression
from ...rules.model import Escalation, Notification, Part
from .findings import _band_path, _Context, Finding


NOTIFY_FROM_SEVERITY = 2  # bands this severe are named in circulars; lower ones are "fine" or "watch"


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
    notes: list[Notification | Escalation] = [*part.notifications, *part.escalations]
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
