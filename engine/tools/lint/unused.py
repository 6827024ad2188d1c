"""Names nobody reads: facts, fields, metrics (TB-L004–006)."""
from __future__ import annotations

from typing import Any, Iterator

from ...rules.model import Aggregate, Escalation, FieldSpec, Metric, Notification, Part
from ...rules.readiness import row_expressions, unit_reads
from ...rules.templates import template_names
from .findings import _Context, Finding


def _unit_reads(part: Part) -> set[str]:
    """Every name read at the unit level of one part: rules (readiness.unit_reads), templates, columns, audits."""
    names = unit_reads(part)
    notes: list[Notification | Escalation] = [*part.notifications, *part.escalations]
    names |= {n for note in notes for n in template_names(note.message)}
    return names | set(part.report_columns) | {m.check for m in part.metrics if m.check}


def _row_reads(part: Part) -> dict[str, set[str]]:
    """Names read within each findings table, by its rows' expressions and per-unit figures."""
    out = {}
    for f in part.findings:
        out[f.name] = {n for e in row_expressions(f) for n in e.names} | {a.field for a in f.per_unit if a.field}
        out[f.name] |= set(template_names(f.row_text)) if f.row_text else set()  # a row as its unit's message lists it
    for r in part.records:  # records tables: the row filter, the aggregates, the bucket dates and window facts
        out[r.name] = {n for e in row_expressions(r) for n in e.names} | {a.date for a in r.per_unit if a.date} | set(r.window or ())
    return out


def check_unused(ctx: _Context) -> Iterator[Finding]:
    """TB-L004–6: facts, fields and metrics that nothing reads. Flags are outputs in themselves: never reported."""
    everything: set[str] = {n for f in ctx.ruleset.summary for n in f.expr.names}
    reads: dict[tuple[Any, ...], set[str]] = {}  # by the key path of each table's fields
    for part, prefix in ctx.parts():
        unit, rows = _unit_reads(part), _row_reads(part)
        everything |= unit | set().union(*rows.values())
        # a findings row may read its unit's fields (where it has no field of that name itself)
        reads[prefix + ("units", "fields")] = unit.union(*(rows[f.name] - {x.name for x in f.fields} for f in part.findings))
        reads |= {prefix + ("findings", name, "fields"): names for name, names in rows.items()}
        reads |= {prefix + ("records", r.name, "fields"): rows[r.name] for r in part.records}
        yield from _unused_metrics(ctx, prefix, part, unit, rows)
    for at, fields, unit_table in ctx.field_tables():
        yield from _unused_fields(ctx, at, fields, reads[at], unit_table)
    yield from _unused_facts(ctx, everything)


_TYPE_WORDS = {"integer": "整数", "number": "数字", "percent": "百分数", "date": "日期"}


def _unused_fields(ctx: _Context, at: tuple[Any, ...], fields: tuple[FieldSpec, ...], reads: set[str], unit_table: bool) -> Iterator[Finding]:
    also = "，或把它加入 report.columns 在报告中显示" if unit_table else ""
    for f in fields:
        if f.name in reads:
            continue
        cells = f"，且每格都必须是{_TYPE_WORDS[f.type]}" if f.type in _TYPE_WORDS else ""
        yield ctx.finding("TB-L005", at + (f.name,), f.where,
                          f"字段“{f.name}”（列“{f.column}”）没有被任何表达式、分档、通报文字、报告列或核对（check）读取，"
                          f"但数据表仍必须有这一列{cells}。",
                          f"删去这个字段（数据表里的这一列会被忽略）{also}。")


def _unused_metrics(ctx: _Context, prefix: tuple[Any, ...], part: Part, unit: set[str], rows: dict[str, set[str]]) -> Iterator[Finding]:
    items: list[tuple[Metric | Aggregate, tuple[Any, ...], set[str], str]]
    items = [(m, prefix + ("metrics", m.name), unit, "指标") for m in part.metrics]
    for f in part.findings:
        items += [(m, prefix + ("findings", f.name, "metrics", m.name), rows[f.name], "明细指标") for m in f.metrics]
        items += [(a, prefix + ("findings", f.name, "per_unit", a.name), unit, "按单位汇总的数字") for a in f.per_unit]
    for r in part.records:
        items += [(a, prefix + ("records", r.name, "per_unit", a.name), unit, "按单位汇总的数字") for a in r.per_unit]
    for item, path, reads, kind in items:
        if item.name not in reads and not getattr(item, "check", None):  # an audited metric is read by its audit
            yield ctx.finding("TB-L006", path, item.where, f"{kind}“{item.name}”（{item.label}）算出后没有被任何表达式、分档、通报文字或报告列用到。",
                              "删去它，或把它加入 report.columns 在报告中显示；也请检查本该用到它的表达式是否写错了名称。")


def _unused_facts(ctx: _Context, reads: set[str]) -> Iterator[Finding]:
    for fact in ctx.ruleset.facts:
        inherited = fact.where is not None and fact.where.file != ctx.ruleset.file
        if fact.name not in reads and not inherited:
            yield ctx.finding("TB-L004", ("facts", fact.name), fact.where,
                              f"事实“{fact.name}”（{fact.label}）没有被任何表达式、分档界限或通报文字用到。",
                              "删去这个事实；或检查本该用到它的表达式是否写错了名称。")
