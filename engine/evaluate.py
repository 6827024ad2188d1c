"""Evaluate a ruleset over its tables, one expression at a time, column-wise.

Over 400 lines because one part's run (metrics, vetoes, bands, flags, ranks, figures) shares one Context.

Each expression was parsed when the ruleset loaded; here each runs once over the
whole table (and once more per group for summary figures). Nothing is global:
every call builds its own evaluators.
"""
from __future__ import annotations

import ast
from functools import partial
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .data import aggregation, dates as datefuncs, groupfiles
from .errors import CellProblem, DataError, DataWarning, RulesetError
from .rules.expressions import BASE_FUNCTIONS, ColumnEvaluator, Expression
from .audit import LaterWarnings, audit_later
from .bands import assign_bands, band_id_column, in_bands
from .figures import Scope, part_figures
from .data.history import Period, check_history, streaks
from .data.yeartodate import YearToDate
from .data.period import PeriodInfo, resolve_period
from .data.inputs import Inputs, TableInput
from .ranking import pools_of, rank_columns, rank_keys
from .rules.model import RANK_NAMES, Fact, Findings, Part, Ruleset, Tier, Where
from .rules.readiness import not_bandable, not_one_number, not_rankable, not_yes_no, placeholder_problems
from .data.tables import Layout, Table
from .lazynames import Names
from .unitgroups import Members, UnitGroups
from .verdict import PartResult, Verdict


def evaluate(ruleset: Ruleset, data: TableInput, *, encoding: str | None = None, period: "str | PeriodInfo | None" = None,
             history: list[Period] | None = None, period_file: str | Path | None = None) -> Verdict:
    """Evaluate ``ruleset`` over ``data`` (a folder, a CSV or workbook path, records or columns) and return the Verdict.

    The period comes with the data: ``period.yaml`` beside it (or ``period_file``) gives its id, 发文字号,
    date and the figures the circular published; ``period`` alone names it. ``history`` holds earlier
    periods' verdicts, oldest first, for escalations, and needs this period named.
    """
    info = resolve_period(ruleset, data, period, period_file)
    history = list(history or [])
    check_history(history, ruleset.id, info.id if info else None)
    problems = placeholder_problems(ruleset)
    if problems:
        raise RulesetError(problems)
    inputs = Inputs(ruleset, data, encoding)
    tables = [(part, load_part_table(part, inputs, ruleset)) for part in ruleset.parts]
    this = info.id if info else ""
    with np.errstate(all="ignore"):  # rates over zero become NaN, reported as "not computable"
        results = [_PartRun(ruleset, part, table, inputs, history, this).result(info.published if info else {})
                   for part, table in tables]
        overall = _overall(ruleset, results)
    return Verdict(ruleset, tuple(results), overall, tuple(history), info)


def load_table(ruleset: Ruleset, data: TableInput, encoding: str | None = None) -> Table:
    """The first part's unit table, typed: for tools that want the columns without a verdict."""
    return load_part_table(ruleset.parts[0], Inputs(ruleset, data, encoding), ruleset)


def load_part_table(part: Part, inputs: Inputs, ruleset: Ruleset | None = None) -> Table:
    if part.records:  # raw records are aggregated once here; the unit table may itself come from them
        from .data import records

        assert ruleset is not None, "records need the ruleset's facts and calendar"
        aggregated = records.part_records(part, ruleset.facts, ruleset.calendar, inputs)
        table = records.units_table(part, aggregated) if part.units.from_records else _unit_table(part, inputs)
        inputs.aggregated[part.id] = records.unit_values(part, aggregated, table, ruleset.facts)
        return table
    return _unit_table(part, inputs)


def _unit_table(part: Part, inputs: Inputs) -> Table:
    return groupfiles.unit_table(part.units, inputs.table, frozenset(m.check for m in part.metrics if m.check))


class Context:
    """The names one evaluation sees, and the functions bound to its rows."""

    def __init__(self, names: dict[str, Any], n: int, bands: dict[str, np.ndarray], tiers: tuple[Tier, ...],
                 extra: dict[str, Any]) -> None:
        self.names, self.n, self.bands, self.tiers = names, n, bands, tiers
        functions = {name: fn.impl for name, fn in BASE_FUNCTIONS.items()}
        functions.update(extra)
        functions["count"] = self._count
        functions["in_band"] = self.in_band
        self.evaluator = ColumnEvaluator(names, functions)

    def run(self, expr: Expression, where: Where, node: ast.expr | None = None) -> Any:
        """``expr``'s value (or its part ``node``'s: figures.py), a mistake told as the ruleset's, naming ``expr``."""
        return self._told(expr, where, lambda: self.evaluator.run(expr) if node is None else self.evaluator.eval(expr.text, node))

    def reduced(self, function: str, argument: Any, expr: Expression, where: Where) -> Any:
        """``expr``, a call of ``function`` on one column, given that column (figures.py): as ``scalar`` gives it."""
        return self._one(self._told(expr, where, lambda: self.evaluator.functions[function](argument)), expr, where)

    @staticmethod
    def _told(expr: Expression, where: Where, compute: Callable[[], Any]) -> Any:
        try:
            return compute()
        except (TypeError, ValueError) as exc:
            # A reason already told in Chinese (a date function's argument) is kept; Python's own English words are not
            # shown, and what is left is most likely kinds mixed in a way rules/kinds.py could not see at load.
            told = str(exc) if any("\u4e00" <= c <= "\u9fff" for c in str(exc)) else (
                "其中可能把文字或日期和数字混在一起运算或比较了。请检查每个字段的 type，文字只能用 ==、in 与带引号的文字比较。")
            raise RulesetError([where.problem(f"表达式 {expr.text!r} 无法计算：{told}")]) from None

    def column(self, expr: Expression, where: Where) -> np.ndarray:
        arr = np.asarray(self.run(expr, where))
        if arr.dtype.kind in "iuf":
            arr = arr.astype(np.float64, copy=False)  # a float column as it is: a million-value copy per rule otherwise
        out = np.broadcast_to(arr, (self.n,)) if arr.ndim == 0 else arr
        if out.shape != (self.n,):
            raise RulesetError([where.problem("结果不是每个单位一个值。")])
        _finite(out, expr, where)
        return out

    def scalar(self, expr: Expression, where: Where) -> Any:
        return self._one(self.run(expr, where), expr, where)

    def _one(self, result: Any, expr: Expression, where: Where) -> Any:
        arr = np.asarray(result)
        if arr.ndim != 0:
            raise RulesetError([where.problem(not_one_number(expr.text))])
        _finite(arr, expr, where)
        value = arr.item()
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    def _count(self, cond: Any = None) -> float:
        if cond is None:
            return float(self.n)
        return float(np.count_nonzero(np.broadcast_to(np.asarray(cond, dtype=bool), (self.n,))))

    def in_band(self, tier: str, *band_ids: str) -> np.ndarray:
        return in_bands(self.bands[tier], next(t for t in self.tiers if t.name == tier), band_ids)  # np.isin would sort them

    def subset(self, members: Members, size: int, group_facts: dict[str, float | None] | None = None) -> "Context":
        """The same names restricted to some units (one group's ``size`` units), for per-group summaries.

        Within one group a per-group fact is a single number again (``group_facts`` gives it, even
        for a group with no units this period), so (units_checked - count(vetoed)) / units_checked reads naturally.
        """
        names = Names({k: (v[members] if isinstance(v, np.ndarray) and v.shape[:1] == (self.n,) else v) for k, v in self.names.items()})
        for k in (self.names.deferred() if isinstance(self.names, Names) else ()):  # still unread: restricted when read
            names.defer(k, partial(_restricted, self.names, k, members))
        names.update(group_facts or {})
        bands = {k: v[members] for k, v in self.bands.items()}
        extra = {k: v for k, v in self.evaluator.functions.items() if k not in ("count", "in_band")}
        return Context(names, size, bands, self.tiers, extra)


class _PartRun:
    def __init__(self, ruleset: Ruleset, part: Part, table: Table, inputs: Inputs, history: list[Period],
                 period: str) -> None:
        self.ruleset, self.part, self.table, self.inputs = ruleset, part, table, inputs
        self.history, self.period = history, period
        self.n = len(table)
        self.lists: dict[str, np.ndarray] = {}  # findings id -> each unit's rows as written, for messages that list them
        self.dates = datefuncs.bind(ruleset.calendar)
        self.warnings: list[DataWarning] = []
        self.names = names = Names(table.columns)  # self.ctx.names
        names.update(_fact_values(ruleset))
        self.to_date = YearToDate(history, part.id, period, table)
        self.dates["year_to_date"] = self.to_date.function(names)
        self.ctx = Context(names, self.n, {}, part.tiers, self.dates)
        self.unit_groups = self._assign_groups()
        for fact in ruleset.facts:  # per-group facts need the groups first: a column each, made when read
            if fact.groups and fact.date is None and self.unit_groups is not None:
                names.defer(fact.name, partial(_group_fact, fact, self.unit_groups))
        if self.unit_groups is not None:
            names.defer("group", self.unit_groups.labels)  # made if an expression reads it (the verdict's too: PartResult.groups)

    def result(self, published: dict[str, Any]) -> PartResult:
        names = self.ctx.names
        aggregates = dict(self.inputs.aggregated.get(self.part.id, {}))
        for findings in self.part.findings:
            aggregates.update(self._findings(findings))
        names.update(aggregates)
        vetoes = self._booleans(self.part.vetoes)
        vetoed = np.logical_or.reduce([*vetoes.values(), np.zeros(self.n, dtype=bool)])
        if vetoes:
            names["vetoed"] = vetoed
        metrics, flags, rank, notices, figures = self._scored(vetoes, vetoed, {})
        escalations = self._escalations(flags, vetoes, notices)
        overrides = self._overrides(escalations)
        if overrides:  # an escalation set metrics: everything after them is computed again (the conditions stay as they were)
            metrics, flags, rank, notices, figures = self._scored(vetoes, vetoed, overrides)
        warnings = LaterWarnings(self.warnings, audit_later(self.part, self.table, metrics))  # the published columns' audit
        return PartResult(self.part, self.table, self.unit_groups, metrics, aggregates, vetoes, vetoed, dict(self.ctx.bands),
                          flags, rank, notices, figures, warnings, names, self.dates, self.ruleset.facts, escalations,
                          {f.id: published[f.id] for f in self.part.summary if f.id in published}, self.to_date, self.lists)

    def _scored(self, vetoes: dict[str, np.ndarray], vetoed: np.ndarray,
                overrides: dict[str, list[tuple[np.ndarray, Expression]]]) -> tuple[Any, ...]:
        """Metrics, bands, flags, rank, notifications and figures; ``overrides`` set some metrics for some units."""
        names = self.ctx.names
        for name in RANK_NAMES:  # a second pass (escalations set metrics) ranks afresh
            names.pop(name, None)
        metrics = {}
        for m in self.part.metrics:
            if m.expr.names & RANK_NAMES:
                self._rank()
            metrics[m.name] = names[m.name] = self.ctx.column(m.expr, m.where)
            for mask, expr in overrides.get(m.name, ()):  # the new value may read the metric as first computed
                metrics[m.name] = names[m.name] = np.where(mask, self.ctx.column(expr, m.where), metrics[m.name])
            if m.year_cap is not None:  # last: no escalation lifts the year past its cap
                cap = names[m.year_cap] if isinstance(m.year_cap, str) else m.year_cap
                metrics[m.name] = names[m.name] = self.to_date.cap(m.name, np.asarray(metrics[m.name], dtype=np.float64), cap)
        for tier in self.part.tiers:
            values = np.asarray(names[tier.metric])
            if values.dtype.kind not in "iuf":  # a yes/no condition banded as 0/1 would be a silent mistake
                raise RulesetError([tier.where.problem(not_bandable(tier.metric))])
            values = np.broadcast_to(values.astype(np.float64, copy=False), (self.n,))
            self.ctx.bands[tier.name] = assign_bands(tier, values, names, vetoed)
            self.names.defer(tier.name, partial(band_id_column, tier, self.ctx.bands[tier.name]))  # made if an expression reads it
        flags = self._booleans(self.part.flags)
        rank = self._rank()
        notices = {n.id: self._notice(n.bands, n.flags, {**vetoes, **flags}) for n in self.part.notifications}
        return metrics, flags, rank, notices, self._figures()

    def _overrides(self, escalations: dict[str, tuple[np.ndarray, Any]]) -> dict[str, list[tuple[np.ndarray, Expression]]]:
        out: dict[str, list[tuple[np.ndarray, Expression]]] = {}
        for esc in self.part.escalations:
            hit = escalations[esc.id][0]
            if hit.any():
                for metric, expr in esc.sets:
                    out.setdefault(metric, []).append((hit, expr))
        return out

    def _escalations(self, flags: dict[str, Any], vetoes: dict[str, Any], notices: dict[str, Any]) -> dict[str, tuple[np.ndarray, dict[int, list[str]]]]:
        out = {}
        for esc in self.part.escalations:
            now = self._notice(esc.bands, esc.flags, {**vetoes, **flags})
            for notice in esc.notifications:
                now = now | notices[notice]
            out[esc.id] = streaks(esc, now, self.table.names, self.part.id, self.history, self.period)
        return out

    # ------------------------------------------------------------ groups and facts

    def _assign_groups(self) -> UnitGroups | None:
        if not self.part.groups:
            return None
        ids = [g.id for g in self.part.groups]
        if self.table.group_runs:
            return UnitGroups.from_runs(ids, self.table.group_runs)
        codes = np.full(self.n, -1, dtype=np.int32)
        for k, group in enumerate(self.part.groups):
            hit = np.ones(self.n, dtype=bool) if group.when is None else np.asarray(self.ctx.column(group.when, group.where), dtype=bool)
            codes[(codes < 0) & hit] = k  # the first group whose condition holds
        lost = np.flatnonzero(codes < 0)
        if lost.size:
            raise DataError([CellProblem(self.table.file_of(i), int(self.table.lines[i]), None, str(self.table.names[i]),
                                         "这个单位不属于任何组。请检查 groups 的 when 条件，或加一个不写 when 的组收容其余单位。")
                             for i in lost[:20]])
        return UnitGroups.from_codes(ids, codes)

    # ------------------------------------------------------------ findings

    def _findings(self, spec: Findings) -> dict[str, np.ndarray]:
        layout = Layout(spec.unit_column, spec.fields, unique=False)
        rows = self.inputs.table(spec.file, layout)
        index = _unit_index(self.table, rows, spec)
        self.warnings.extend(rows.warnings)
        names: dict[str, Any] = dict(rows.columns)
        names.update(self._unit_values_per_row(spec, rows, index))
        facts = {f.name: self.names[f.name] for f in self.ruleset.facts}
        names.update({k: (v[index] if isinstance(v, np.ndarray) and v.shape == (self.n,) else v) for k, v in facts.items()})
        ctx = Context(names, len(rows), {}, (), self.dates)
        for m in spec.metrics:
            names[m.name] = ctx.column(m.expr, m.where)
        for f in spec.flags:
            names[f.name] = condition(ctx.column(f.when, f.where), f)
        if spec.row_text is not None:
            from .messages import listed_rows

            self.lists[spec.name] = listed_rows(spec, rows, names, index, self.n, self.part.format_of, self.ruleset.facts)
        values = [aggregation.row_values(a, ctx.column, names) for a in spec.per_unit]
        return aggregation.per_unit(spec.per_unit, values, index, self.n)  # the records tables' SQL, or numpy if short

    def _unit_values_per_row(self, spec: Findings, rows: Table, index: np.ndarray) -> dict[str, Any]:
        """Each row's unit's fields and group, so a row's rule can depend on its unit's class; the row's own names win."""
        own = set(rows.columns) | {m.name for m in spec.metrics} | {f.name for f in spec.flags}
        out = {f.name: self.table.columns[f.name][index] for f in self.part.units.fields
               if f.name not in own and f.name in self.table.columns}
        if self.unit_groups is not None and "group" not in own:
            out["group"] = self.unit_groups.labels()[index]
        return out

    # ------------------------------------------------------------ checks and verdicts

    def _booleans(self, items: tuple[Any, ...]) -> dict[str, np.ndarray]:
        out = {}
        for item in items:
            if item.when.names & RANK_NAMES:
                self._rank()
            out[item.name] = self.ctx.names[item.name] = condition(self.ctx.column(item.when, item.where), item)
        return out

    def _notice(self, bands: tuple[Any, ...], flag_names: tuple[Any, ...], flags: dict[str, np.ndarray]) -> np.ndarray:
        hit = np.zeros(self.n, dtype=bool)
        for tier, band_ids in bands:
            hit |= self.ctx.in_band(tier, *band_ids)
        for name in flag_names:
            hit |= flags[name]
        return hit

    def _rank(self) -> np.ndarray | None:
        """Places once the sort keys are known; a metric or flag that reads ``rank`` asks for them early."""
        spec = self.part.ranking
        if spec is None:
            return None
        if "rank" not in self.ctx.names:
            values = [self.ctx.column(k.expr, spec.where) for k in spec.keys]
            if values[0].dtype.kind not in "iufb":  # text and dates may break ties, never lead
                raise RulesetError([spec.where.problem(not_rankable(spec.by.text))])
            pools = pools_of(self.n, self.unit_groups, spec.within)
            self.ctx.names.update(rank_columns(spec, values, pools, self.n))
        return np.asarray(self.ctx.names["rank"])

    def _figures(self) -> dict[str, dict[str, Any]]:
        scopes: list[Scope] = [("all", self.ctx, slice(None))]
        facts = [f for f in self.ruleset.facts if f.groups]
        if self.unit_groups is not None:
            ug = self.unit_groups
            scopes += [(g, self.ctx.subset(ug.members[k], ug.size(k), {f.name: dict(f.groups).get(g, f.value) for f in facts}),
                        ug.members[k]) for k, g in enumerate(ug.ids)]
        return part_figures(self.part, scopes, frozenset([*(f.id for f in self.part.summary), *(f.name for f in facts)]))


def _finite(arr: np.ndarray, expr: Expression, where: Where) -> None:
    """Infinity is no answer (JSON cannot hold it): a result beyond float64 is the ruleset's or data's problem."""
    if arr.dtype.kind == "f" and np.isinf(arr).any():
        row = int(np.flatnonzero(np.isinf(np.atleast_1d(arr)))[0]) + 1
        raise RulesetError([where.problem(f"表达式 {expr.text[:60]!r} 的结果超出数值范围（无穷大，第 {row} 个单位）。"
                                          "请检查数据中是否有过大的数，或改写表达式。")])


def condition(values: np.ndarray, item: Any) -> np.ndarray:
    """A flag or veto answers yes or no; a number or text there is a ruleset mistake, not "true"."""
    if values.dtype.kind != "b":
        raise RulesetError([item.where.problem(not_yes_no(item.when.text))])
    return values


def _fact_values(ruleset: Ruleset) -> dict[str, Any]:
    """Facts as expression values: a number or a date (a per-group fact's own value; see _group_fact)."""
    return {fact.name: np.datetime64(fact.date, "D") if fact.date is not None else fact.value for fact in ruleset.facts}


def _group_fact(fact: Fact, groups: UnitGroups) -> np.ndarray:
    """A per-group fact per unit: its group's value, else the fact's own (a fact may name another part's groups).
    Each group's units written once (a run is a slice): no fill of the whole column first when the groups cover it."""
    n, own = len(groups.codes), dict(fact.groups)
    covered = sum(groups.size(k) for k in range(len(groups.ids))) == n
    values = np.empty(n) if covered else np.full(n, fact.value, dtype=np.float64)
    for k, group in enumerate(groups.ids):
        values[groups.members[k]] = own.get(group, fact.value)
    values.flags.writeable = False
    return values


def _unit_index(units: Table, rows: Table, spec: Findings) -> np.ndarray:
    import difflib

    position = {name: i for i, name in enumerate(units.names.tolist())}
    index = np.array([position.get(name, -1) for name in rows.names.tolist()], dtype=np.int64)
    problems = []
    for i in np.flatnonzero(index < 0)[:20]:
        near = difflib.get_close_matches(str(rows.names[i]), list(position), n=1, cutoff=0.5)
        hint = f"是否是“{near[0]}”？" if near else ""
        problems.append(CellProblem(rows.file, int(rows.lines[i]), spec.unit_column, str(rows.names[i]),
                                    f"单位表中没有这个单位。{hint}明细表中的单位名称必须与单位表一致。"))
    if problems:
        raise DataError(problems)
    return index


def _overall(ruleset: Ruleset, results: list[PartResult]) -> dict[str, Any]:
    """Figures across parts, from each part's overall figures."""
    if not ruleset.summary:
        return {}
    names: dict[str, Any] = _fact_values(ruleset)
    for r in results:
        names.update({fid: values["all"] for fid, values in r.figures.items()})
    ctx = Context(names, 1, {}, (), {})
    out = {}
    for fig in ruleset.summary:
        out[fig.id] = names[fig.id] = ctx.scalar(fig.expr, fig.where)
    return out


def _restricted(names: dict[str, Any], name: str, members: Members) -> Any:
    return names[name][members]


def rank_values(values: np.ndarray, descending: bool, ties: str) -> np.ndarray:
    """1-based ranks by one key; NaN gets no rank. "shared": equal values share the best rank (1,2,2,4)."""
    return rank_keys([-values if descending else np.asarray(values, dtype=np.float64)], ties)
