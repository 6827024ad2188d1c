"""Earlier periods in a rule test: a case lists them as unit rows, so escalations are tested by ``tongbao test``.

A case writes ``period:`` (this period's id) and ``history:``, the earlier periods oldest first, each
``{period: 2022-05, units: [...]}`` (or ``tables:``). Each earlier period is evaluated with the same
ruleset and its verdict is used as history, exactly as ``evaluate --history`` uses a saved verdict.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..data.history import Period, period_of
from ..evaluate import evaluate
from ..rules.model import Part, Ruleset

if TYPE_CHECKING:
    from .ruletest import Case, Rows, _Reader

HISTORY_KEYS = ("period", "units", "tables")


def case_history(reader: "_Reader", raw: dict[str, Any], where: tuple[Any, ...], part: Part, shared: dict[str, "Rows"],
                 defaults: dict[str, Any]) -> tuple[str | None, tuple[tuple[str, dict[str, "Rows"]], ...]]:
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
    out = []
    for j, item in enumerate(items):
        at = where + ("history", j)
        if not isinstance(item, dict):
            reader.fail(at, "以往的每一期应写成 {period: 2022-05, units: [行, …]}。")
            continue
        reader._keys(item, at, HISTORY_KEYS, "以往一期")
        earlier = _period(reader, item.get("period"), at + ("period",))
        tables = {**shared, **reader._case_tables(item, at, part, defaults)}
        missing = [f for f in reader.files if f not in tables]
        if missing:
            reader.fail(at, f"这一期没有给出“{'、'.join(missing)}”的行。请写 units 或 tables（文件顶层的 tables 也可共用）。")
        if earlier is not None and earlier == period:
            reader.fail(at + ("period",), f"以往一期的考核期“{earlier}”与本期相同。请写更早的一期。")
        if earlier is not None and not missing:
            out.append((earlier, tables))
    return period, tuple(out)


def _period(reader: "_Reader", value: Any, where: tuple[Any, ...]) -> str | None:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    reader.fail(where, "考核期应写成文字，例如 period: \"2022-05\"。")
    return None


def earlier_verdicts(case: "Case") -> list[Period]:
    """Each earlier period evaluated with the case's ruleset, oldest first, as ``--history`` would read it."""
    ruleset: Ruleset | None = case.ruleset
    if ruleset is None:
        return []
    out = []
    for period, tables in case.history:
        verdict: dict[str, Any] = dict(evaluate(ruleset, {f: list(rows.records) for f, rows in tables.items()}, period=period).to_dict())
        out.append(period_of(verdict, f"{case.name}：以往一期 {period}"))
    return out
