"""Earlier periods' verdicts, and escalation: the same unit named period after period.

History is read from verdict JSON files the engine wrote before (oldest first), so
an office keeps its own record simply by keeping each month's ``verdict.json``.
A unit's streak counts this period and the earlier ones, most recent first, until
a period where the condition did not hold; the periods of the streak are cited.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..frozen import frozen
from ..errors import TongbaoError
from ..rules.model import Escalation


@frozen
class Period:
    """One earlier verdict: its period, its ruleset, and each part's units by name."""

    period: str
    ruleset_id: str
    ruleset_version: str
    file: str
    parts: dict[str, dict[str, dict[str, Any]]]


def read_history(paths: Sequence[str | Path]) -> list[Period]:
    return [period_of(read_verdict(Path(p), "以往的判定结果"), str(p)) for p in paths]


def read_verdict(path: Path, what: str = "判定结果") -> dict[str, Any]:
    """A verdict JSON saved by ``evaluate -f json``: read safely, parsed strictly, checked against
    schemas/verdict.schema.json before any of it is used (a damaged file is exit 1, not a crash)."""
    from .files import VERDICT_LIMIT, FileProblem, read_bytes

    how = "请用 tongbao evaluate … --format json -o 文件 保存每期结果。"
    try:
        raw = read_bytes(path, VERDICT_LIMIT, what)
    except FileProblem as exc:
        raise TongbaoError(f"{path}：{exc.reason}") from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise TongbaoError(f"{path}：不是 UTF-8 编码的 JSON（第 {exc.start} 字节）。{how}") from None
    except json.JSONDecodeError as exc:
        raise TongbaoError(f"{path}：第 {exc.lineno} 行第 {exc.colno} 列：不是 tongbao 的判定结果（JSON）：JSON 格式错误，{json_reason(exc.msg)}。{how}") from None
    except RecursionError:
        raise TongbaoError(f"{path}：JSON 嵌套层数过多，不是 tongbao 的判定结果。{how}") from None
    except ValueError as exc:  # NaN / Infinity, refused by _no_constant
        raise TongbaoError(f"{path}：{exc}。{how}") from None
    problem = verdict_problem(data)
    if problem:
        raise TongbaoError(f"{path}：不是有效的 tongbao 判定结果（{problem}）。{how}")
    verdict: dict[str, Any] = data
    return verdict


def _no_constant(token: str) -> Any:
    raise ValueError(f"JSON 中出现了 {token}，这不是合法的 JSON 数值")


_JSON_REASONS = {
    "Expecting value": "这里应有一个值",
    "Expecting property name enclosed in double quotes": "键名应放在英文双引号里",
    "Expecting ':' delimiter": "这里应有冒号",
    "Expecting ',' delimiter": "这里应有逗号",
    "Unterminated string starting at": "字符串没有结束引号",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
    "Extra data": "数据结束后还有多余内容",
}


def json_reason(msg: str) -> str:
    """json's English message in Chinese (the commonest ones; others are kept as they are)."""
    for english, chinese in _JSON_REASONS.items():
        if msg.startswith(english):
            return chinese
    return msg


def verdict_problem(data: Any) -> str | None:
    """The first way ``data`` differs from schemas/verdict.schema.json, in words; None if it fits."""
    from ..rules.schema import _validator

    if not isinstance(data, dict):
        return "最外层应是一个对象 {…}"
    try:
        error = next(iter(_validator("verdict").iter_errors(data)), None)
    except RecursionError:
        return "嵌套层数过多"
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "最外层"
    from ..escape import excerpt

    if error.validator == "required":
        return f"{where} 缺少必需的键：{excerpt(error.message.split(chr(39))[1] if chr(39) in error.message else error.message)}"
    if error.validator == "type":
        want = {"object": "对象 {…}", "array": "列表 […]", "string": "文字", "number": "数字", "integer": "整数",
                "boolean": "true/false", "null": "null"}
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"{where} 的类型不对，应为{'或'.join(want.get(k, str(k)) for k in kinds)}"
    return f"{where} 不符合判定结果的格式（{error.validator}）"


def period_of(verdict: dict[str, Any], source: str = "<verdict>") -> Period:
    """An earlier verdict as history: cited by the period it recorded, never by a guess."""
    recorded = verdict.get("period")
    if not isinstance(recorded, dict) or not recorded.get("id"):
        raise TongbaoError(f"{source}：这份判定结果没有记录考核期，无法按期引用。请给那一期的数据配上 period.yaml"
                           "（或用 --period 写明那一期）重新评定并保存结果，再用 --history 引用。")
    parts = {p["id"]: {u["name"]: u for u in p["units"]} for p in verdict["parts"]}
    r = verdict["ruleset"]
    return Period(str(recorded["id"]), r["id"], r["version"], source, parts)


def check_history(history: list[Period], ruleset_id: str, period: str | None) -> None:
    if history and period is None:
        raise TongbaoError(f"给了以往各期的结果（--history {history[0].file} 等），但没有写明本期是哪一期，"
                           "无法按期引用。请在数据旁放 period.yaml（写 period: 2022-06），或用 --period 写明本期。")
    seen: dict[str, str] = {}
    for h in history:
        if h.ruleset_id != ruleset_id:
            raise TongbaoError(f"{h.file}：这是规则集“{h.ruleset_id}”的结果，而本次评定用的是“{ruleset_id}”。以往各期必须出自同一规则集（版本可以不同）。")
        if h.period == period:
            raise TongbaoError(f"{h.file}：考核期“{h.period}”与本期相同。请检查本期的 period.yaml 或 --period，或是否重复给了同一期的结果。")
        if period is not None and is_later(h.period, period):
            raise TongbaoError(f"{h.file}：考核期“{h.period}”晚于本期“{period}”。--history 只能给本期以前的各期（按时间先后）；"
                               "请检查本期的 period.yaml 或 --period，或是否给错了文件。")
        if h.period in seen:  # counted twice, a year-to-date sum or a streak would be wrong
            raise TongbaoError(f"{h.file}：考核期“{h.period}”与 {seen[h.period]} 相同，同一期给了两次。请去掉其中一份。")
        seen[h.period] = h.file
    _in_order(history)


def _in_order(history: list[Period]) -> None:
    """Streaks and the periods cited read the list oldest first: a later period given before an earlier one is refused,
    not sorted, because ids written differently (2022-06, 2022Q3) have no order the program could trust."""
    for before, after in zip(history, history[1:]):
        if is_later(before.period, after.period):
            raise TongbaoError(f"{after.file}：考核期“{after.period}”早于前面给出的 {before.file}（“{before.period}”）。"
                               "--history 要按时间先后给出（先早后晚）；请调换顺序。")


def is_later(one: str, other: str) -> bool:
    """Is period ``one`` after ``other``? Only said for ids written alike (2022-05 and 2022-11, 2022Q1 and 2022Q3):
    the numbers are compared in order, the rest must match; ids written differently are never called later."""
    a, b = re.findall(r"\d+|\D+", one), re.findall(r"\d+|\D+", other)
    if len(a) != len(b) or any(x.isdigit() != y.isdigit() or (not x.isdigit() and x != y) for x, y in zip(a, b)):
        return False
    return [int(x) for x in a if x.isdigit()] > [int(y) for y in b if y.isdigit()]


def held_before(esc: Escalation, unit: dict[str, Any] | None) -> bool:
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
    if esc.within and not period[:4].isdigit():
        raise TongbaoError(f"升级处理“{esc.id}”按年度累计（within: year），但本期的考核期“{period}”不以年份开头，"
                           "无法判断属于哪一年。请把考核期写成 2022-05 这样以四位年份开头的形式。")
    for i in np.flatnonzero(now):  # only units meeting the condition now need their past read
        run = _counted(esc, history, part_id, str(names[i]), period) if esc.within else _running(esc, history, part_id, str(names[i]), period)
        if len(run) >= esc.periods:
            hit[i] = True
            cited[int(i)] = list(reversed(run))
    return hit, cited


def _running(esc: Escalation, history: list[Period], part_id: str, name: str, period: str) -> list[str]:
    """This period and the earlier ones, most recent first, until one where the condition did not hold."""
    run = [period]
    for h in reversed(history):
        if not held_before(esc, h.parts.get(part_id, {}).get(name)):
            break
        run.append(h.period)
    return run


def _counted(esc: Escalation, history: list[Period], part_id: str, name: str, period: str) -> list[str]:
    """This period and every earlier one of the same year where the condition held, running or not, most recent first."""
    year = year_of(period)
    return [period] + [h.period for h in reversed(history)
                       if year_of(h.period) == year and held_before(esc, h.parts.get(part_id, {}).get(name))]


def year_of(period: str) -> str:
    """The year a period id belongs to: its first four characters (2022-05, 2022Q2, 2022-W19, 2022年5月 → 2022)."""
    return period[:4]


def summary(esc: Escalation, hit: np.ndarray, names: Any) -> dict[str, Any]:
    picked = [str(n) for n in np.asarray(names)[hit]]
    out = {"id": esc.id, "action": esc.action, "label": esc.label, "periods": esc.periods, "count": len(picked), "units": picked}
    if esc.within:
        out["within"] = esc.within
    return out
