"""Earlier periods in a rule test: a case lists them as unit rows or saved verdicts, so escalations and
year-to-date sums are tested by ``tongbao test``.

A case writes ``period:`` (this period's id) and ``history:``, the earlier periods oldest first, each
``{period: 2022-05, units: [...]}`` (or ``tables:``), or ``{verdict: 2022-05.json}``, a verdict saved by
``evaluate -f json -o`` (path from the test file). Each period given as rows is evaluated with the same
ruleset, with the periods before it as its own history (so a year's cap carries from month to month),
and its verdict is used as history, exactly as ``evaluate --history`` uses a saved verdict.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pathlib import Path

from ..data.history import Period, is_later, period_of, read_verdict
from ..errors import TongbaoError
from ..evaluate import evaluate
from ..rules.model import Part, Ruleset

if TYPE_CHECKING:
    from .ruletest import Case, Rows, _Reader

HISTORY_KEYS = ("period", "units", "tables", "verdict")


def case_history(reader: "_Reader", raw: dict[str, Any], where: tuple[Any, ...], part: Part, shared: dict[str, "Rows"],
                 defaults: dict[str, Any]) -> tuple[str | None, tuple[Any, ...]]:
    """This period's id and the earlier periods' rows, checked; problems go to the reader."""
    period = _period(reader, raw.get("period"), where + ("period",)) if "period" in raw else None
    items = raw.get("history")
    if items is None:
        return period, ()
    if not isinstance(items, list) or not items:
        reader.fail(where + ("history",), "history 应是以往各期的列表（按时间先后），每期写 {period: 2022-05, units: [行, …]}。")
        return period, ()
    if period is None:
        reader.fail(where + ("history",), "写了 history（以往各期），就要写本期是哪一期：在用例中加 period: 2022-06。")
    out: list[Any] = []
    for j, item in enumerate(items):
        at = where + ("history", j)
        if not isinstance(item, dict):
            reader.fail(at, "以往的每一期应写成 {period: 2022-05, units: [行, …]} 或 {verdict: 2022-05.json}。")
            continue
        reader._keys(item, at, HISTORY_KEYS, "以往一期")
        found = _saved(reader, item, at, period) if "verdict" in item else _rows(reader, item, at, period, part, shared, defaults)
        if found is not None:
            _in_order(reader, at, out, found.period if isinstance(found, Period) else found[0])
            out.append(found)
    return period, tuple(out)


def _rows(reader: "_Reader", item: dict[str, Any], at: tuple[Any, ...], period: str | None, part: Part,
          shared: dict[str, "Rows"], defaults: dict[str, Any]) -> tuple[str, dict[str, "Rows"]] | None:
    """An earlier period written as rows: its id and every file's rows, or None after a problem."""
    earlier = _period(reader, item.get("period"), at + ("period",))
    tables = {**shared, **reader._case_tables(item, at, part, defaults)}
    missing = [f for f in reader.files if f not in tables]
    if missing:
        reader.fail(at, f"这一期没有给出“{'、'.join(missing)}”的行。请写 units 或 tables（文件顶层的 tables 也可共用）。")
    if earlier is not None and period is not None and (earlier == period or is_later(earlier, period)):
        reader.fail(at + ("period",), f"以往一期的考核期“{earlier}”{'与本期相同' if earlier == period else '晚于本期'}。请写更早的一期。")
        return None
    return (earlier, tables) if earlier is not None and not missing else None


def _saved(reader: "_Reader", item: dict[str, Any], at: tuple[Any, ...], period: str | None) -> Period | None:
    """A verdict file as an earlier period: read and checked now, so a wrong file is the test file's error."""
    extra = [k for k in ("period", "units", "tables") if k in item]
    if extra:
        reader.fail(at, f"写了 verdict（保存的判定结果）的一期不能再写 {'、'.join(extra)}：考核期和单位都取自那份结果。")
        return None
    value = item["verdict"]
    if not isinstance(value, str) or not value.strip():
        reader.fail(at + ("verdict",), "verdict 应写保存的判定结果文件名（路径相对于本测试文件），例如 verdict: 2022-05.json。")
        return None
    try:
        saved = period_of(read_verdict(Path(reader.path).parent / value, "以往的判定结果"), value)
    except TongbaoError as exc:
        reader.fail(at + ("verdict",), str(exc))
        return None
    ruleset = reader.ruleset.id if reader.ruleset is not None else saved.ruleset_id
    if saved.ruleset_id != ruleset:
        reader.fail(at + ("verdict",), f"“{value}”是规则集“{saved.ruleset_id}”的结果，本测试的规则集是“{ruleset}”。以往各期必须出自同一规则集。")
        return None
    if period is not None and (saved.period == period or is_later(saved.period, period)):
        reader.fail(at + ("verdict",), f"“{value}”的考核期“{saved.period}”{'与本期相同' if saved.period == period else '晚于本期'}"
                                       f"“{period}”。history 只能写本期以前的各期。")
        return None
    return saved


def _in_order(reader: "_Reader", at: tuple[Any, ...], earlier: list[Any], period: str) -> None:
    last = next((p.period if isinstance(p, Period) else p[0] for p in reversed(earlier)), None)
    if last is not None and (last == period or is_later(last, period)):
        reader.fail(at, f"以往各期应按时间先后排列且不重复：“{period}”写在了“{last}”之后。")


def _period(reader: "_Reader", value: Any, where: tuple[Any, ...]) -> str | None:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    reader.fail(where, "考核期应写成文字，例如 period: \"2022-05\"。")
    return None


def earlier_verdicts(case: "Case") -> list[Period]:
    """Each earlier period as ``--history`` would read it, oldest first: saved verdicts as they are, periods given
    as rows evaluated with the case's ruleset and the periods before them (as each month was evaluated in its time)."""
    ruleset: Ruleset | None = case.ruleset
    if ruleset is None:
        return []
    out: list[Period] = []
    for item in case.history:
        if isinstance(item, Period):
            out.append(item)
            continue
        period, tables = item
        rows = {f: list(r.records) for f, r in tables.items()}
        verdict: dict[str, Any] = dict(evaluate(ruleset, rows, period=period, history=list(out)).to_dict())
        out.append(period_of(verdict, f"{case.name}：以往一期 {period}"))
    return out
