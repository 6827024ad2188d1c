"""Evaluate a ruleset over a whole table, one expression at a time, column-wise.

Each expression was parsed when the ruleset loaded; here each runs once over
the table's columns. Nothing is global: every call builds its own evaluator.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from .csvfile import read_csv
from .errors import RulesetError
from .expressions import BASE_FUNCTIONS, ColumnEvaluator, Expression
from .ruleset import Ruleset, Tier, Where
from .tables import Table, table_from_columns, table_from_records, table_from_rows
from .verdict import Verdict

TableInput = str | Path | Table | Sequence[Mapping[str, Any]] | Mapping[str, Any]


def load_table(ruleset: Ruleset, data: TableInput, encoding: str | None = None) -> Table:
    """Read the unit table from a CSV path, a folder holding it, records or columns."""
    if isinstance(data, Table):
        return data
    if isinstance(data, (str, Path)):
        path = Path(data)
        if path.is_dir():
            path = path / ruleset.units.file
        raw = read_csv(path, encoding)
        return table_from_rows(ruleset.units, raw.file, raw.header, raw.rows, raw.sha256, raw.encoding)
    if isinstance(data, Mapping):
        return table_from_columns(ruleset.units, dict(data))
    return table_from_records(ruleset.units, data)


def evaluate(ruleset: Ruleset, data: TableInput, *, encoding: str | None = None) -> Verdict:
    """Evaluate ``ruleset`` over ``data`` and return the Verdict."""
    table = load_table(ruleset, data, encoding)
    with np.errstate(all="ignore"):  # rates over zero become NaN, reported as "not computable"
        return _Run(ruleset, table).verdict()


class _Run:
    def __init__(self, ruleset: Ruleset, table: Table) -> None:
        self.ruleset = ruleset
        self.table = table
        self.n = len(table)
        self.names: dict[str, Any] = {f.name: f.value for f in ruleset.facts}
        self.names.update(table.columns)
        self.bands: dict[str, np.ndarray] = {}
        functions = {name: fn.impl for name, fn in BASE_FUNCTIONS.items()}
        functions["count"] = self._count
        functions["in_band"] = self._in_band
        self.evaluator = ColumnEvaluator(self.names, functions)

    def verdict(self) -> Verdict:
        metrics = {m.name: self._column(m.expr, m.where) for m in self.ruleset.metrics}
        self.names.update(metrics)
        self.bands = {t.name: assign_bands(t, self.names[t.metric]) for t in self.ruleset.tiers}
        flags = {}
        for flag in self.ruleset.flags:
            flags[flag.name] = np.asarray(self._column(flag.when, flag.where), dtype=bool)
            self.names[flag.name] = flags[flag.name]
        rank = self._rank()
        notices = {n.id: self._notice(n.bands, n.flags, flags) for n in self.ruleset.notifications}
        figures = {}
        for fig in self.ruleset.summary:
            figures[fig.id] = self._scalar(fig.expr, fig.where)
            self.names[fig.id] = figures[fig.id]
        return Verdict(self.ruleset, self.table, metrics, self.bands, flags, rank, notices, figures)

    def _run(self, expr: Expression, where: Where) -> Any:
        try:
            return self.evaluator.run(expr)
        except (TypeError, ValueError) as exc:
            raise RulesetError([where.problem(f"表达式 {expr.text!r} 无法计算：{exc}。多半是把文字和数字混在一起运算了。")]) from None

    def _column(self, expr: Expression, where: Where) -> np.ndarray:
        arr = np.asarray(self._run(expr, where))
        if arr.dtype.kind in "iuf":
            arr = arr.astype(np.float64)
        out = np.broadcast_to(arr, (self.n,)) if arr.ndim == 0 else arr
        if out.shape != (self.n,):
            raise RulesetError([where.problem("结果不是每个单位一个值。")])
        return out

    def _scalar(self, expr: Expression, where: Where) -> Any:
        arr = np.asarray(self._run(expr, where))
        if arr.ndim != 0:
            raise RulesetError([where.problem(f"汇总 {expr.text!r} 的结果是每个单位一个值，而不是一个数。请用 sum()、count()、mean() 等汇总函数。")])
        value = arr.item()
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    def _count(self, cond: Any = None) -> float:
        if cond is None:
            return float(self.n)
        return float(np.count_nonzero(np.broadcast_to(np.asarray(cond, dtype=bool), (self.n,))))

    def _in_band(self, tier: str, *band_ids: str) -> np.ndarray:
        spec = next(t for t in self.ruleset.tiers if t.name == tier)
        wanted = [i for i, b in enumerate(spec.bands) if b.id in band_ids]
        return np.isin(self.bands[tier], wanted)

    def _notice(self, bands: tuple, flag_names: tuple, flags: dict[str, np.ndarray]) -> np.ndarray:
        hit = np.zeros(self.n, dtype=bool)
        for tier, band_ids in bands:
            hit |= self._in_band(tier, *band_ids)
        for name in flag_names:
            hit |= flags[name]
        return hit

    def _rank(self) -> np.ndarray | None:
        spec = self.ruleset.ranking
        if spec is None:
            return None
        values = np.asarray(self._column(spec.by, spec.where), dtype=np.float64)
        return rank_values(values, spec.order == "descending", spec.ties)


def assign_bands(tier: Tier, values: Any) -> np.ndarray:
    """Index of the first band each value falls in; -1 where none (or no value)."""
    v = np.asarray(values, dtype=np.float64)
    present = ~np.isnan(v)
    conditions = []
    for band in tier.bands:
        if band.op == "otherwise":
            conditions.append(present)
        else:
            test = {"below": np.less, "at_most": np.less_equal, "at_least": np.greater_equal, "above": np.greater}[band.op]
            conditions.append(test(v, band.threshold))
    return np.select(conditions, list(range(len(tier.bands))), default=-1).astype(np.int64)


def rank_values(values: np.ndarray, descending: bool, ties: str) -> np.ndarray:
    """1-based ranks; NaN gets no rank. "shared": equal values share the best rank (1,2,2,4)."""
    key = -values if descending else values
    ranks = np.full(len(values), np.nan)
    valid = ~np.isnan(key)
    k = key[valid]
    if ties == "shared":
        ordered = np.sort(k)
        ranks[valid] = np.searchsorted(ordered, k, side="left") + 1
    else:
        order = np.argsort(k, kind="stable")  # stable: equal values keep table order
        r = np.empty(len(k))
        r[order] = np.arange(1, len(k) + 1)
        ranks[valid] = r
    return ranks
