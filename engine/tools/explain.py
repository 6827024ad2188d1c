"""Why a unit got its verdict: every rule it met, with the values it read, in plain Chinese.

The trace is data first (``explain_unit`` returns a dict, which ``--explain`` puts in the
JSON verdict through ``with_explanations``) and its ``lines`` are the same facts written as sentences for the terminal.
Sub-expressions are evaluated over the whole table, column-wise like everything else,
and then read at the unit's row.
"""
from __future__ import annotations

import ast
import math
from typing import Any

import numpy as np

from ..evaluate import Context
from ..rules.fieldtypes import rewritten_not
from ..rules.formatting import Format, format_value
from ..rules.model import Band, Tier
from ..verdict import Verdict
from ..verdict_types import VerdictDict
from .explainfields import field_read, read_words
from .explainyear import year_to_date_trace, year_to_date_words


def find_units(verdict: Any, name: str, part: str | None = None) -> list[tuple[Any, int]]:
    """Each part result and row holding a unit of this name (as the table writes it); a clear error if none."""
    import difflib

    from ..errors import TongbaoError

    import unicodedata

    name = unicodedata.normalize("NFKC", name).strip()  # names are read NFKC-normalised: （一） is (一)
    results = [r for r in verdict.parts if part is None or r.part.id == part]
    if part is not None and not results:
        raise TongbaoError(f"没有 id 为“{part}”的部分。可用的部分：{'、'.join(r.part.id for r in verdict.parts)}。")
    found = [(r, r.table.names.tolist().index(name)) for r in results if name in r.table.names.tolist()]
    if found:
        return found
    every = [n for r in results for n in r.table.names.tolist()]
    near = difflib.get_close_matches(name, every, n=3, cutoff=0.4)
    hint = f"是否是：{'、'.join(near)}？" if near else "请按数据表中的写法输入单位名称。"
    raise TongbaoError(f"数据中没有单位“{name}”。{hint}")


def with_explanations(verdict: Verdict) -> VerdictDict:
    """``verdict.to_dict()`` with each unit's trace under ``explain`` (evaluate --explain).

    The trace re-reads the evaluation's columns, so it is computed here, beside the evaluation,
    and the verdict module never imports the explainer.
    """
    data = verdict.to_dict()
    for part, result in zip(data["parts"], verdict.parts):
        for i, unit in enumerate(part["units"]):
            unit["explain"] = explain_unit(result, i)
    return data


def explain_unit(result: Any, i: int) -> dict[str, Any]:
    """The trace of unit ``i`` of one part's result (a verdict.PartResult)."""
    ex = _Explainer(result, i)
    trace = {
        "unit": str(result.table.names[i]), "part": result.part.id, "line": int(result.table.lines[i]),
        "group": None if result.groups is None else result.groups[i],
        "fields": [field_read(result, f, i) for f in result.part.units.fields],
        "aggregates": _aggregates(result, i),
        "metrics": [ex.metric(m) for m in result.part.metrics],
        "vetoes": [ex.condition(v) for v in result.part.vetoes],
        "tiers": [ex.tier(t) for t in result.part.tiers],
        "flags": [ex.condition(f) for f in result.part.flags],
        "notifications": ex.notifications(),
        "rank": ex.rank(),
        "escalations": ex.escalations(),
    }
    trace["lines"] = _lines(trace, result)
    return trace


class _Explainer:
    def __init__(self, result: Any, i: int) -> None:
        self.r, self.i = result, i
        self.ctx = Context(result.names, len(result.table), result.bands, result.part.tiers, result.functions)

    def value(self, node: ast.expr) -> Any:
        """A sub-expression, evaluated over the table like any other, read at this unit's row."""
        with np.errstate(all="ignore"):
            arr = np.asarray(self.ctx.evaluator._eval(node))
        if arr.ndim:
            arr = np.broadcast_to(arr, (len(self.r.table),))[self.i]
        return arr.item() if isinstance(arr, np.ndarray | np.generic) and arr.dtype.kind != "O" else arr

    def show(self, name: str) -> str:
        """A name's value for this unit, formatted as the ruleset formats it."""
        if name in {t.name for t in self.r.part.tiers}:
            return str(self.r.names[name][self.i]) or "—"
        known = {*self.r.table.columns, *self.r.metrics, *self.r.aggregates, *self.r.flags, *self.r.vetoes,
                 *(f.name for f in self.r.facts)}
        if name in known:
            return str(self.r.display(name, self.i))
        return _plain(self.value(ast.Name(id=name, ctx=ast.Load())))

    def inputs(self, names: frozenset[str]) -> list[dict[str, Any]]:
        return [{"name": n, "label": _label(self.r, n), "display": self.show(n)} for n in sorted(names)]

    def metric(self, m: Any) -> dict[str, Any]:
        value = self.r.metrics[m.name][self.i]
        entry = {"id": m.name, "label": m.label, "expr": m.expr.text, "inputs": self.inputs(m.expr.names),
                 "display": self.r.display(m.name, self.i)}
        terms = self.terms(m.expr.node)
        if len(terms) > 1:
            entry["terms"] = terms
        entry["value"] = None if isinstance(value, float) and math.isnan(value) else _num(value)
        set_by = [e for e in self.escalations() if m.name in e["sets"]]
        if set_by:  # the expression's own value was replaced: say by which escalation and which periods
            entry["set_by"] = [{"id": e["id"], "label": e["label"], "periods": e["periods"]} for e in set_by]
        entry.update(year_to_date_trace(self.r, m, self.i))
        return entry

    def escalations(self) -> list[dict[str, Any]]:
        """Escalations this unit met: the periods that caused each, and the metrics it set."""
        out = []
        for e in self.r.part.escalations:
            if self.r.escalations and self.r.escalations[e.id][0][self.i]:
                periods = self.r.escalations[e.id][1].get(self.i, [])
                out.append({"id": e.id, "action": e.action, "label": e.label, "periods": periods,
                            "sets": {name: self.r.display(name, self.i) for name, _ in e.sets}})
        return out

    def terms(self, node: ast.expr) -> list[dict[str, Any]]:
        """A sum's non-zero terms, products shown as "a × b": how points add up (5 × 5 + 6 × 3 …)."""
        parts: list[ast.expr] = []
        _flatten_sum(node, parts)
        out = []
        for term in parts:
            total = self.value(term)
            if not isinstance(total, (int, float)) or total == 0 or (isinstance(total, float) and math.isnan(total)):
                continue
            if isinstance(total, bool) or self.yes_no(term):  # a condition counts 1 in a sum, as in a spreadsheet: say both
                out.append({"expr": _written(term), "shown": "1（是）", "value": 1})
                continue
            shown = _plain(total)
            if isinstance(term, ast.BinOp) and isinstance(term.op, ast.Mult):
                shown = f"{_plain(self.value(term.left))} × {_plain(self.value(term.right))}"
            out.append({"expr": ast.unparse(term), "shown": shown, "value": _num(total)})
        return out

    def yes_no(self, term: ast.expr) -> bool:
        """A yes/no that may hold no value is a float 1/0/NaN column, yet still a condition: ``not x``, or ``x`` itself."""
        if rewritten_not(term) is not None:
            return True
        return isinstance(term, ast.Name) and any(f.name == term.id and f.type == "yesno" for f in self.r.part.units.fields)

    def condition(self, item: Any) -> dict[str, Any]:
        hit = bool((self.r.flags.get(item.name) if item.name in self.r.flags else self.r.vetoes[item.name])[self.i])
        return {"id": item.name, "label": item.label, "when": item.when.text, "inputs": self.inputs(item.when.names), "result": hit}

    def tier(self, tier: Tier) -> dict[str, Any]:
        values = np.broadcast_to(np.asarray(self.r.names[tier.metric], dtype=float), (len(self.r.table),))
        v = float(values[self.i])
        k = int(self.r.bands[tier.name][self.i])
        fmt = self.r.part.format_of(tier.metric)
        tests = []
        for j, band in enumerate(tier.bands):
            tests.append({"band": band.id, "label": band.label, "rule": _rule_text(band, fmt, self.line(band)), "matched": j == k})
            if j == k:
                break
        out: dict[str, Any] = {"id": tier.name, "label": tier.label, "metric": tier.metric, "metric_label": _label(self.r, tier.metric),
               "display": format_value(v, fmt), "tests": tests, "band": tier.bands[k].id if k >= 0 else None,
               "vetoed": bool(self.r.vetoed[self.i]) and k >= 0 and tier.bands[k].op == "vetoed"}
        better = _next_better(tier, k, v, self.line)
        if better is not None:
            out["next_better"] = self.distance(tier, better, v, fmt)
        return out

    def line(self, band: Band) -> float | None:
        if band.threshold_fact:
            return float(np.broadcast_to(np.asarray(self.r.names[band.threshold_fact], dtype=float), (len(self.r.table),))[self.i])
        return band.threshold

    def distance(self, tier: Tier, target: tuple[Band, float], v: float, fmt: Format) -> dict[str, Any]:
        band, line = target
        gap = line - v
        shown = f"{format_value(gap * 100, Format('number', 2))} 个百分点" if fmt.kind == "percent" else format_value(gap, Format("number", 2))
        out = {"band": band.id, "label": band.label, "line": line, "line_display": format_value(line, fmt),
               "shortfall": _num(gap), "shortfall_display": shown}
        if tier.gap_in:
            base = float(np.broadcast_to(np.asarray(self.r.names[tier.gap_in[0]], dtype=float), (len(self.r.table),))[self.i])
            if not math.isnan(base):  # "about N people": the whole people it takes to close the gap
                out["in_units"] = {"count": int(math.ceil(gap * base - 1e-9)), "unit": tier.gap_in[1]}
                out["shortfall_display"] += f"，约 {out['in_units']['count']} {tier.gap_in[1]}"
        return out

    def notifications(self) -> list[dict[str, Any]]:
        out = []
        for n in self.r.part.notifications:
            if not self.r.notifications[n.id][self.i]:
                continue
            because = [self.r.part.tiers[[t.name for t in self.r.part.tiers].index(tier)].bands[int(self.r.bands[tier][self.i])].label
                       for tier, ids in n.bands if int(self.r.bands[tier][self.i]) >= 0
                       and self.r.part.tiers[[t.name for t in self.r.part.tiers].index(tier)].bands[int(self.r.bands[tier][self.i])].id in ids]
            because += [_label(self.r, f) for f in n.flags if ({**self.r.flags, **self.r.vetoes}[f])[self.i]]
            out.append({"id": n.id, "action": n.action, "label": n.label, "because": because, "message": self.r.message(n, self.i)})
        return out

    def rank(self) -> dict[str, Any] | None:
        spec, ranks = self.r.part.ranking, self.r.rank
        if spec is None or ranks is None or math.isnan(ranks[self.i]):
            return None
        from ..ranking import TIE_WORDS

        pool = np.arange(len(ranks)) if spec.within == "all" or self.r.groups is None else np.flatnonzero(self.r.groups == self.r.groups[self.i])
        keys = spec.keys
        columns = [np.broadcast_to(np.asarray(self.ctx.evaluator._eval(k.expr.node)), (len(ranks),)) for k in keys]
        order = sorted((int(u) for u in pool if not math.isnan(ranks[u])), key=lambda u: (ranks[u], u))
        at = order.index(self.i)

        def shown(u: int) -> str:
            return "，".join(self._key_value(k.expr.text, col[u]) for k, col in zip(keys, columns))

        def who(u: int | None) -> dict[str, Any] | None:
            return None if u is None else {"unit": str(self.r.table.names[u]), "rank": int(ranks[u]), "value": shown(u)}
        tied = [str(self.r.table.names[u]) for u in order if u != self.i and ranks[u] == ranks[self.i]]
        out: dict[str, Any] = {
            "label": spec.label, "rank": int(ranks[self.i]), "of": len(order), "value": shown(self.i),
            "from_bottom": int(self.r.names["rank_from_bottom"][self.i]), "by": spec.text, "ties": spec.ties,
            "tie_rule": TIE_WORDS[spec.ties], "tied_with": tied,
            "above": who(order[at - 1] if at > 0 else None), "below": who(order[at + 1] if at + 1 < len(order) else None)}
        out["rosters"] = self._rosters(spec, pool)
        return out

    def _rosters(self, spec: Any, pool: np.ndarray) -> list[dict[str, Any]]:
        """The top/bottom lists this unit is on, with what the tie rule did at the cut in its own pool."""
        from ..ranking import cut_note, roster

        out = []
        for end, (count, label) in (("rank", spec.roster("top")), ("rank_from_bottom", spec.roster("bottom"))):
            if count is None:
                continue
            places = np.full(len(self.r.table), np.nan)
            places[pool] = np.asarray(self.r.names[end])[pool]
            chosen = roster(places, count)
            if self.i in chosen:
                out.append({"label": label, "note": cut_note(spec, places, count, chosen, "top" if end == "rank" else "bottom")})
        return out

    def _key_value(self, text: str, value: Any) -> str:
        value = value.item() if isinstance(value, np.generic) else value
        if isinstance(value, str):
            return value
        if text in self.r.names and not isinstance(value, bool):
            return format_value(float(value), self.r.part.format_of(text))
        return _plain(value + 0.0 if isinstance(value, float) else value)  # + 0.0: no "-0" for -late_count


def _column(ex: _Explainer, node: ast.expr) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(ex.ctx.evaluator._eval(node), dtype=float)


def _written(term: ast.expr) -> str:
    """A term as the ruleset wrote it: ``not x`` again where ``as_conditions`` made it ``1 - x``."""
    operand = rewritten_not(term)
    return ast.unparse(term) if operand is None else f"not {ast.unparse(operand)}"


def _flatten_sum(node: ast.expr, out: list[ast.expr]) -> None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        _flatten_sum(node.left, out)
        _flatten_sum(node.right, out)
    else:
        out.append(node)


def _next_better(tier: Tier, k: int, v: float, line: Any) -> tuple[Band, float] | None:
    """The nearest band with a lower severity, and the value where it begins."""
    if k < 0 or math.isnan(v) or tier.bands[k].op in ("vetoed",):
        return None
    current = tier.bands[k]
    ascending = any(b.op in ("below", "at_most") for b in tier.bands)
    candidates = range(k + 1, len(tier.bands)) if ascending else range(k - 1, -1, -1)
    for j in candidates:
        band = tier.bands[j]
        if band.severity >= current.severity or band.op == "vetoed":
            continue
        start = line(tier.bands[j - 1]) if ascending else line(band)
        return (band, start) if start is not None else None
    return None


def _rule_text(band: Band, fmt: Format, line: float | None) -> str:
    if band.op == "otherwise":
        return "其余"
    if band.op == "vetoed":
        return "单项否决"
    words = {"below": "<", "at_most": "≤", "at_least": "≥", "above": ">"}[band.op]
    return f"{words} {format_value(line, fmt) if line is not None else band.threshold_fact}"


def _label(result: Any, name: str) -> str:
    for item in (*result.part.units.fields, *result.part.metrics, *result.part.aggregates(), *result.part.flags,
                 *result.part.vetoes, *result.facts):
        if item.name == name:
            return str(item.label)
    return name


def _plain(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if isinstance(value, (int, float, np.floating, np.integer)):
        x = float(value)
        if math.isnan(x):
            return "—"
        return str(int(x)) if x.is_integer() else f"{x:.4g}"
    return str(value)


def _num(value: Any) -> Any:
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.12g}")
    return value


_HOW = {"count": "行数", "sum": "求和", "mean": "平均", "min": "最小", "max": "最大", "rate": "比例", "distinct": "不同值个数"}
_PER = {"week": "周", "month": "月", "quarter": "季度"}


def _aggregates(result: Any, i: int) -> list[dict[str, Any]]:
    """Each per-unit figure gathered from a findings or records table: its value and how it was counted."""
    out = []
    for table in (*result.part.findings, *result.part.records):
        where = getattr(table, "where", None)  # records tables may keep only some rows (the period)
        source = f"{table.label}（{table.file}{'，只计 ' + where.text + ' 的行' if where is not None else ''}）"
        for a in table.per_unit:
            if a.how == "dates":
                continue
            what = "全部行" if a.expr is None else a.expr.text
            rule = f"{_HOW[a.how]}：{what}"
            if a.per is not None:
                rule = f"考核期内按{_PER[a.per]}计{_HOW[a.how]}（{what}），低于 {a.below:g} 的{_PER[a.per]}数"
            out.append({"id": a.name, "label": a.label, "source": source, "rule": rule,
                        "display": result.display(a.name, i), "value": _num(result.aggregates[a.name][i])})
    return out


def _lines(t: dict[str, Any], result: Any) -> list[str]:
    """The trace as sentences, in the order a reader of the circular would ask."""
    group = next((g.label for g in result.part.groups if g.id == t["group"]), None)
    out = [f"{t['unit']}（{result.part.label}，第 {t['line']} 行" + (f"，{group}" if group else "") + "）"]
    if t["fields"]:
        out.append("读取：" + "；".join(read_words(f, group) for f in t["fields"]))
    for source in dict.fromkeys(a["source"] for a in t["aggregates"]):
        items = [a for a in t["aggregates"] if a["source"] == source]
        out.append(f"汇总自{source}：" + "；".join(f"{a['label']} {a['display']}（{a['rule']}）" for a in items))
    for m in t["metrics"]:
        inputs = "，".join(f"{x['label']} {x['display']}" for x in m["inputs"])
        line = f"指标 {m['label']} = {m['expr']} = {m['display']}（{inputs}）"
        if "terms" in m:
            line += "；各项：" + " + ".join(x["shown"] for x in m["terms"]) + f" = {m['display']}"
        for e in m.get("set_by", []):
            line += f"；因升级处理“{e['label']}”（{'、'.join(e['periods'])}）改写为 {m['display']}"
        out.append(line + year_to_date_words(m, result.part.format_of(m["id"])))
    for v in t["vetoes"]:
        out.append(f"否决项 {v['label']}：{v['when']} → {'是，单项否决' if v['result'] else '否'}")
    for tier in t["tiers"]:
        out += _tier_lines(tier)
    for f in t["flags"]:
        out.append(f"标记 {f['label']}：{f['when']} → {'是' if f['result'] else '否'}")
    for n in t["notifications"]:
        out.append(f"通报 {n['action']}（{n['label']}）：因{'、'.join(n['because'])}。{n['message']}")
    for e in t["escalations"]:
        sets = "，".join(f"{_label(result, k)} 改为 {v}" for k, v in e["sets"].items())
        out.append(f"升级 {e['action']}（{e['label']}）：因 {'、'.join(e['periods'])} 各期" + (f"；{sets}" if sets else ""))
    if t["rank"]:
        r = t["rank"]
        near = "；".join(f"{word} {x['unit']}（第 {x['rank']} 名，{x['value']}）" for word, x in (("前一名", r["above"]), ("后一名", r["below"])) if x)
        line = f"{r['label']}：第 {r['rank']} 名，倒数第 {r['from_bottom']} 名，共 {r['of']} 个（按 {r['by']}：{r['value']}）"
        if r["tied_with"]:
            line += f"；与{'、'.join(r['tied_with'])}并列，{r['tie_rule']}"
        out.append(line + (f"；{near}" if near else ""))
        out += [f"  列入“{x['label']}”：{x['note']}" for x in r["rosters"]]
    return out


def _tier_lines(tier: dict[str, Any]) -> list[str]:
    out = [f"分档 {tier['label']}：按 {tier['metric_label']} {tier['display']}，自上而下第一个符合的档生效"]
    if tier["vetoed"]:
        out.append("  单项否决：不论数值，直接落入“" + tier["tests"][-1]["label"] + "”")
    for test in tier["tests"]:
        out.append(f"  {'✓' if test['matched'] else '✗'} {test['label']}（{test['rule']}）" + (" → 落入此档" if test["matched"] else ""))
    if tier["band"] is None:
        out.append("  未落入任何一档")
    nb = tier.get("next_better")
    if nb:
        out.append(f"  距“{nb['label']}”还差 {nb['shortfall_display']}（需达到 {nb['line_display']}）")
    return out
