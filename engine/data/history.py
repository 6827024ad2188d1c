"""Earlier periods' verdicts, and escalation: the same unit named period after period.

History is read from verdict JSON files the engine wrote before (oldest first), so
an office keeps its own record simply by keeping each month's ``verdict.json``.
A unit's streak counts this period and the earlier ones, most recent first, until
a period where the condition did not hold; the periods of the streak are cited.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import TongbaoError
from ..rules.model import Escalation


@dataclass(frozen=True)
class Period:
    """One earlier verdict: its period, its ruleset, and each part's units by name."""

    period: str
    ruleset_id: str
    ruleset_version: str
    file: str
    parts: dict[str, dict[str, dict]]


def read_history(paths: list[str | Path]) -> list[Period]:
    return [period_of(_read(Path(p)), str(p)) for p in paths]


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TongbaoError(f"{path}：找不到以往的判定结果文件。") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TongbaoError(f"{path}：不是 tongbao 的判定结果（JSON）：{exc}。请用 tongbao evaluate … --format json -o 文件 保存每期结果。") from None
    if not isinstance(data, dict) or "parts" not in data or "ruleset" not in data:
        raise TongbaoError(f"{path}：不是 tongbao 的判定结果（缺少 ruleset 或 parts）。")
    return data


def period_of(verdict: dict, source: str = "<verdict>") -> Period:
    parts = {p["id"]: {u["name"]: u for u in p["units"]} for p in verdict["parts"]}
    r = verdict["ruleset"]
    return Period(r["period"], r["id"], r["version"], source, parts)


def check_history(history: list[Period], ruleset_id: str, period: str) -> None:
    for h in history:
        if h.ruleset_id != ruleset_id:
            raise TongbaoError(f"{h.file}：这是规则集“{h.ruleset_id}”的结果，而本次评定用的是“{ruleset_id}”。以往各期必须出自同一规则集（版本可以不同）。")
        if h.period == period:
            raise TongbaoError(f"{h.file}：考核期“{h.period}”与本期相同。请用 --period 写明本期，或检查是否重复给了同一期的结果。")


def held_before(esc: Escalation, unit: dict | None) -> bool:
    """Did the condition hold for this unit in an earlier verdict?"""
    if unit is None:
        return False
    if any(unit.get("bands", {}).get(tier) in ids for tier, ids in esc.bands):
        return True
    if set(esc.flags) & (set(unit.get("flags", [])) | set(unit.get("vetoes", []))):
        return True
    return bool(set(esc.notifications) & {n["id"] for n in unit.get("notifications", [])})


def streaks(esc: Escalation, now: np.ndarray, names: np.ndarray, part_id: str,
            history: list[Period], period: str) -> tuple[np.ndarray, dict[int, list[str]]]:
    """Which units escalate, and for each the periods cited (oldest first), keyed by row."""
    hit = np.zeros(len(names), dtype=bool)
    cited: dict[int, list[str]] = {}
    if len(history) + 1 < esc.periods:  # not enough periods on record: nobody can have the streak
        return hit, cited
    for i in np.flatnonzero(now):  # only units meeting the condition now need their past read
        run = [period]
        for h in reversed(history):
            if not held_before(esc, h.parts.get(part_id, {}).get(str(names[i]))):
                break
            run.append(h.period)
        if len(run) >= esc.periods:
            hit[i] = True
            cited[int(i)] = list(reversed(run))
    return hit, cited


def summary(esc: Escalation, hit: np.ndarray, names: Any) -> dict:
    picked = [str(n) for n in np.asarray(names)[hit]]
    return {"id": esc.id, "action": esc.action, "label": esc.label, "periods": esc.periods, "count": len(picked), "units": picked}
