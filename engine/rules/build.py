"""Turn schema-checked YAML data into a typed Ruleset, checking what a schema cannot.

Over 400 lines because the sections cross-check one another in one pass (tools in builder.py, records in records.py).

Checked here: names unique within their scope; every expression parsed with
exactly the names visible at its place; bands in an order where each can match;
references between sections (bands, flags, groups, facts, fields) resolved.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

from ..errors import RulesetError
from .builder import RESERVED, Builder as _Builder, Scope, fields as _fields, table_name as _table_name, threshold
from .expressions import Expression, unknown_message
from .formatting import Format
from .model import (RANK_NAMES, Records, Aggregate, Band, Fact, Figure, Findings, Flag, Group, Metric, Notification,
                    Part, RankKey, Ranking, Ruleset, Tier, UnitTable)
from .messagecheck import fact_line, message_kinds, template_problems
from .calendar import Calendar
from .datefunctions import is_date
from .kinds import WORDS, kind_of
from .yamlfile import YamlDoc

PART_KEYS = ("units", "groups", "findings", "records", "metrics", "vetoes", "tiers", "flags", "notifications", "escalations",
             "summary", "ranking", "report")


def build_ruleset(doc: YamlDoc, sha256: str, layers: tuple[Any, ...] = ()) -> Ruleset:
    """Build and cross-check; raise RulesetError with every problem found."""
    b = _Builder(doc)
    data = doc.data
    base = Scope()
    facts = _facts(b, data.get("facts", {}), base)
    calendar = _calendar(b, data.get("calendar", {}))
    if "parts" in data:
        parts = tuple(_part(b, raw, ("parts", i), base, facts) for i, raw in enumerate(data["parts"]))
        _unique_part_ids(b, data["parts"])
        overall = _summary(b, data.get("summary", []), ("summary",), Scope(base), [], (), overall=True)
    else:
        single = {k: data[k] for k in PART_KEYS if k in data} | {"id": "main", "label": data["title"]}
        parts = (_part(b, single, (), base, facts),)
        overall = ()
    _check_fact_groups(b, facts, parts)
    if b.problems:
        raise RulesetError(b.problems)
    return Ruleset(
        id=data["id"], version=str(data["version"]), title=data["title"], issuer=data["issuer"],
        region=data["region"], description=data.get("description", ""),
        file=doc.file, sha256=sha256, facts=facts, calendar=calendar, parts=parts, summary=overall,
        single="parts" not in data, layers=layers,
    )


def _unique_part_ids(b: _Builder, raw_parts: list[Any]) -> None:
    seen: set[str] = set()
    for i, raw in enumerate(raw_parts):
        if raw["id"] in seen:
            b.fail(("parts", i, "id"), f"部分的 id“{raw['id']}”重复。")
        seen.add(raw["id"])


def _facts(b: _Builder, raw: dict[str, Any], scope: Scope) -> tuple[Fact, ...]:
    out = []
    for name, spec in raw.items():
        b.claim(scope, name, ("facts", name))
        groups = tuple((g, float(v)) for g, v in spec.get("groups", {}).items())
        value = float(spec["value"]) if "value" in spec else None
        if "date" in spec:
            _iso_date(b, spec["date"], ("facts", name, "date"))
            scope.dates.add(name)
        scope.values[name] = ("date", f"日期事实 {name}（{spec['label']}）") if "date" in spec else ("number", f"事实 {name}（{spec['label']}）")
        fmt = Format.parse(spec["format"]) if "format" in spec else None
        out.append(Fact(name, spec["label"], value, spec.get("date"), groups, spec.get("source"),
                        bool(spec.get("placeholder")) and value is None, b.where(("facts", name)), fmt))
    return tuple(out)


def _check_fact_groups(b: _Builder, facts: tuple[Fact, ...], parts: tuple[Part, ...]) -> None:
    known = {g.id for p in parts for g in p.groups}
    for fact in facts:
        for group, _ in fact.groups:
            if not known:
                b.fail(("facts", fact.name, "groups"), "规则集没有定义分组（groups），事实不能按组给值。请先定义 groups，或删去这里的 groups。")
            elif group not in known:
                b.fail(("facts", fact.name, "groups", group), unknown_message("组", group, known))


def _calendar(b: _Builder, raw: dict[str, Any]) -> Calendar:
    def dates(key: str) -> frozenset[Any]:
        found = (_iso_date(b, d, ("calendar", key, i)) for i, d in enumerate(raw.get(key, ())))
        return frozenset(d for d in found if d is not None)
    return Calendar(dates("extra_workdays"), dates("extra_holidays"))


def _iso_date(b: _Builder, text: Any, path: tuple[Any, ...]) -> Any:
    """A date as written (2022-05-13), or a problem: 2022-02-30 and 2022-13-01 match the schema's pattern only."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        b.fail(path, f"“{str(text)[:20]}”不是有效的日期。请写成 年-月-日，例如 2022-05-13，并确认这一天存在。")
        return None


# ---------------------------------------------------------------- a part

def _part(b: _Builder, raw: dict[str, Any], at: tuple[Any, ...], base: Scope, facts: tuple[Fact, ...]) -> Part:
    scope = Scope(base)
    units = _units(b, raw["units"], at + ("units",), scope)
    groups = _groups(b, raw, at, units, scope)
    if groups:
        scope.owner["group"] = at + ("groups",)
    findings = tuple(_findings(b, name, spec, at + ("findings", name), base, scope, units, bool(groups), facts)
                     for name, spec in raw.get("findings", {}).items())
    records = _records(b, raw, at, base, scope, facts)
    for name in RANK_NAMES:  # seen everywhere; _check_rank_users asks that the sort keys come first
        scope.owner[name] = at + ("ranking",)
    # Vetoes come before metrics: a vetoed unit is "not scored further", which a metric may need to say.
    vetoes = _flag_list(b, raw.get("vetoes", {}), at + ("vetoes",), scope, (), severity=3)
    if vetoes:
        scope.owner["vetoed"] = at + ("vetoes",)
    before_metrics = scope.names()  # what an escalation's ``sets`` may read besides the metrics up to its target
    metrics = _metrics(b, raw.get("metrics", {}), at + ("metrics",), scope, {f.name for f in units.fields})
    text_fields = frozenset(f.name for f in units.fields if f.type in ("text", "date", "enum"))
    tiers = _tiers(b, raw.get("tiers", {}), at + ("tiers",), scope, facts, bool(vetoes), text_fields, {g.id: g.label for g in groups})
    flags = _flag_list(b, raw.get("flags", {}), at + ("flags",), scope, tiers)
    # Names, not compiled flags: a flag whose expression is wrong still exists, so one typo gives one error.
    flag_names = set(raw.get("vetoes", {})) | set(raw.get("flags", {}))
    kinds = message_kinds((*units.fields, *metrics, *(a for f in findings for a in f.per_unit),
                           *(a for r in records for a in r.per_unit)), flag_names, facts, tiers, findings)
    notifications = _notifications(b, raw.get("notifications", []), at + ("notifications",), tiers, flag_names, (scope, kinds))
    ranking = _ranking(b, raw.get("ranking"), at + ("ranking",), scope, groups, tiers)  # before summary: ranks are per unit
    summary = _summary(b, raw.get("summary", []), at + ("summary",), scope, tiers, groups)
    users = [(m.name, m.expr, at + ("metrics", m.name, "expr")) for m in metrics]
    users += [(f.name, f.when, at + (kind, f.name, "when")) for kind, items in (("vetoes", vetoes), ("flags", flags)) for f in items]
    users += [(f.id, f.expr, at + ("summary", i, "expr")) for i, f in enumerate(summary)]
    _check_rank_users(b, scope, ranking, users)
    columns = tuple(raw.get("report", {}).get("columns", ()))
    shown = {f.name for f in units.fields} | {m.name for m in metrics} | {a.name for f in findings for a in f.per_unit} | {a.name for r in records for a in r.per_unit}
    for i, name in enumerate(columns):
        if name not in shown:
            b.fail(at + ("report", "columns", i), unknown_message("字段或指标", name, shown))
    escalations = _escalations(b, raw.get("escalations", []), at + ("escalations",), tiers, flag_names,
                               {n.id for n in notifications}, (scope, kinds), (before_metrics, metrics))
    return Part(raw["id"], raw["label"], units, groups, findings, metrics, vetoes, tiers, flags, notifications,
                summary, ranking, columns, escalations, records)


def _records(b: _Builder, raw: dict[str, Any], at: tuple[Any, ...], base: Scope, scope: Scope,
             facts: tuple[Fact, ...]) -> tuple[Records, ...]:
    """Raw-records tables (rules/records.py); ``units.from`` must name one of them."""
    if not raw.get("records") and raw["units"].get("from") is None:
        return ()  # most rulesets: no records, and no import of the records builder
    from .records import records_section

    records = records_section(b, raw.get("records", {}), at + ("records",), base, scope, facts)
    source = raw["units"].get("from")
    table = next((r for r in records if r.name == source), None)
    if source is not None and table is None:
        b.fail(at + ("units", "from"), unknown_message("明细记录表", source, {r.name for r in records}))
    for name, spec in raw["units"].get("fields", {}).items() if table is not None else ():
        assert table is not None
        if spec["column"] not in table.key or spec["type"] != "text":
            b.fail(at + ("units", "fields", name), f"单位取自明细记录表时，单位的字段只能是 key 中的列（{'、'.join(table.key)}），"
                                                   f"类型为 text。其余数字请在 records 的 per_unit 里汇总。")
    return records


def _escalations(b: _Builder, raw: list[Any], at: tuple[Any, ...], tiers: tuple[Tier, ...], flag_names: set[str],
                 notice_ids: set[str], names: tuple[Scope, dict[str, str]], before: tuple[set[str], tuple[Metric, ...]]) -> tuple[Any, ...]:
    from .model import Escalation

    scope, kinds = names

    out = []
    for path, spec in _with_unique_ids(b, raw, at, "升级处理"):
        when = spec["when"]
        bands = _band_refs(b, when.get("bands", {}), path + ("when", "bands"), tiers)
        _flag_refs(b, when.get("flags", []), path + ("when", "flags"), flag_names)
        for j, notice in enumerate(when.get("notifications", [])):
            if notice not in notice_ids:
                b.fail(path + ("when", "notifications", j), unknown_message("通报措施", notice, notice_ids))
        _check_template(b, path + ("message",), spec["message"], scope.names() | {"periods", "cited"}, tiers,
                        {**kinds, "periods": "number", "cited": "text"})
        sets = _escalation_sets(b, spec.get("sets", {}), path + ("sets",), scope, before)
        out.append(Escalation(spec["id"], spec["action"], spec.get("label", spec["action"]), bands,
                              tuple(when.get("flags", [])), tuple(when.get("notifications", [])), spec["periods"], spec["message"],
                              spec.get("within"), sets))
    return tuple(out)


def _escalation_sets(b: _Builder, raw: dict[str, Any], at: tuple[Any, ...], scope: Scope,
                     before: tuple[set[str], tuple[Metric, ...]]) -> tuple[tuple[str, Expression], ...]:
    """metric -> new value: read where the metric is computed, so it sees the fields and the metrics up to it."""
    names, metrics = before
    order = [m.name for m in metrics]
    out = []
    for name, value in raw.items():
        if name not in order:
            b.fail(at + (name,), unknown_message("指标", name, set(order)))
            continue
        visible = names | set(order[: order.index(name) + 1])
        compiled = b.expr(value, at + (name,), visible, percent=scope.percent, dates=scope.dates, scope=scope)
        if compiled is not None:
            out.append((name, compiled))
    return tuple(out)


def _band_refs(b: _Builder, raw: dict[str, Any], at: tuple[Any, ...], tiers: tuple[Tier, ...]) -> tuple[Any, ...]:
    out = []
    for tier_name, band_ids in raw.items():
        tier = next((t for t in tiers if t.name == tier_name), None)
        if tier is None:
            b.fail(at + (tier_name,), unknown_message("分档", tier_name, {t.name for t in tiers}))
            continue
        for j, band_id in enumerate(band_ids):
            if tier.band(band_id) is None:
                b.fail(at + (tier_name, j), f"分档“{tier_name}”里没有“{band_id}”这一档。已有：{'、'.join(x.id for x in tier.bands)}。")
        out.append((tier_name, tuple(band_ids)))
    return tuple(out)


def _units(b: _Builder, raw: dict[str, Any], at: tuple[Any, ...], scope: Scope) -> UnitTable:
    fields = _fields(b, raw.get("fields", {}), at + ("fields",), scope, units=True)
    if "from" in raw:  # the units are the records table's distinct keys: no file of their own
        for key in ("file", "files", "totals_row"):
            if key in raw:
                b.fail(at + (key,), f"units 写了 from（单位取自明细记录表），就不能再写 {key}。")
        # fields here name parts of the records key (平台 of 账号 + 平台), for groups and the report
        return UnitTable((), raw.get("key", ""), raw.get("label", "单位"), fields, None, raw["from"])
    files = tuple(raw["files"].items()) if "files" in raw else ((None, raw["file"]),)
    for gid, name in files:
        _table_name(b, name, at + (("files", gid) if gid is not None else ("file",)))
    return UnitTable(files, raw["key"], raw.get("label", "单位"), fields, raw.get("totals_row"), sheet=raw.get("sheet"))


def _groups(b: _Builder, raw: dict[str, Any], at: tuple[Any, ...], units: UnitTable, scope: Scope) -> tuple[Any, ...]:
    spec = raw.get("groups", {})
    by_file = [g for g, _ in units.files if g is not None]
    out = []
    for gid, g in spec.items():
        path = at + ("groups", gid)
        if gid in RESERVED:
            b.fail(path, f"组 id“{gid}”是保留字，请换一个。")
        when = None
        if "when" in g:
            if by_file:
                b.fail(path + ("when",), "分组已由 units.files 按文件确定，不能再写 when。")
            when = b.expr(g["when"], path + ("when",), scope.names(), percent=scope.percent, dates=scope.dates, scope=scope,
                          condition=True)
        out.append(Group(gid, g["label"], when, b.where(path)))
    ids = [g.id for g in out]
    for gid in by_file:
        if gid not in ids:
            b.fail(at + ("units", "files", gid), f"组“{gid}”没有在 groups 中定义。请在 groups 下写 {gid}: {{label: 组的中文名称}}。")
    if by_file and set(ids) - set(by_file):
        b.fail(at + ("groups",), f"这些组在 units.files 中没有对应文件：{'、'.join(sorted(set(ids) - set(by_file)))}。")
    rest = [g for g in out if g.when is None]
    if not by_file and out and (len(rest) > 1 or (rest and rest[0] is not out[-1])):
        b.fail(at + ("groups",), "按条件分组时，只有最后一组可以不写 when（收容其余单位）。")
    _field_groups(b, at + ("units", "fields"), units, by_file)
    return tuple(out)


def _field_groups(b: _Builder, at: tuple[Any, ...], units: UnitTable, by_file: list[Any]) -> None:
    """A field's ``groups`` name groups that have a file of their own (units.files), and only those."""
    for f in units.fields:
        if f.groups and not by_file:
            b.fail(at + (f.name, "groups"), "单位表只有一个文件，各单位的列都相同，字段不能写 groups。"
                                            "各组的列不同时，请按组分开文件：units.files: {组id: 文件名, …}。")
            continue
        for i, gid in enumerate(f.groups):
            if gid not in by_file:
                b.fail(at + (f.name, "groups", i), unknown_message("组", gid, by_file) + "groups 写的是 units.files 中的组 id。")


def _findings(b: _Builder, name: str, spec: dict[str, Any], at: tuple[Any, ...], base: Scope, unit_scope: Scope,
              units: UnitTable | None = None, grouped: bool = False, facts: tuple[Fact, ...] = ()) -> Findings:
    row_scope = Scope(base)
    fields = _fields(b, spec["fields"], at + ("fields",), row_scope)
    _unit_names_for_rows(row_scope, unit_scope, spec, units, grouped)
    metrics = _metrics(b, spec.get("metrics", {}), at + ("metrics",), row_scope, {f.name for f in fields})
    flags = _flag_list(b, spec.get("flags", {}), at + ("flags",), row_scope, ())
    aggregates = []
    date_fields = {f.name for f in fields if f.type == "date"}
    for agg_name, agg in spec.get("per_unit", {}).items():
        path = at + ("per_unit", agg_name)
        b.claim(unit_scope, agg_name, path)
        how = next(k for k in ("count", "sum", "min", "max", "dates") if k in agg)
        expr, field = None, None
        if how == "dates":
            field = agg["dates"]
            if field not in date_fields:
                b.fail(path + ("dates",), unknown_message("日期字段", field, date_fields))
        elif not (how == "count" and agg["count"] is True):
            expr = b.expr(agg[how], path + (how,), row_scope.names(), percent=row_scope.percent, dates=row_scope.dates,
                          scope=row_scope, condition=how == "count")
        fmt = agg.get("format", "integer" if how == "count" else "number:2")
        if fmt.startswith("percent"):
            unit_scope.percent.add(agg_name)
        aggregates.append(Aggregate(agg_name, agg["label"], how, expr, field, Format.parse(fmt), b.where(path)))
        if how != "dates":
            b.saved.add(agg_name)
    _table_name(b, spec["file"], at + ("file",))
    rows = [(at + ("metrics", m.name, "expr"), m.expr) for m in metrics] + [(at + ("flags", f.name, "when"), f.when) for f in flags]
    rows += [(at + ("per_unit", a.name, a.how), a.expr) for a in aggregates if a.expr is not None]
    for path, expr in rows:  # a row has no earlier periods: year_to_date is for the unit's metrics
        if any(fn == "year_to_date" for fn, _ in expr.calls):
            b.fail(path, "明细表的行上不能用 year_to_date：以往各期只按单位保存。请在单位的指标里写 year_to_date(汇总数)。")
    row_text = spec.get("row_text")
    if row_text is not None:  # a row's own values, its unit's fields and the facts; no lists inside a list
        kinds = message_kinds((*(units.fields if units else ()), *fields, *metrics), [f.name for f in flags], facts, (), ())
        for problem, _ in template_problems(row_text, row_scope.names(), kinds):
            b.fail(at + ("row_text",), problem)
    return Findings(name, spec["label"], spec["file"], spec["unit"], fields, metrics, flags, tuple(aggregates), row_text)


def _unit_names_for_rows(row_scope: Scope, unit_scope: Scope, spec: dict[str, Any], units: UnitTable | None, grouped: bool) -> None:
    """A findings row also sees its unit's fields and group (a deduction that depends on the unit's class).

    The row's own fields, metrics and flags win where a name is the same, so older rulesets mean what they meant.
    """
    own = set(spec["fields"]) | set(spec.get("metrics", {})) | set(spec.get("flags", {}))
    for name in [f.name for f in units.fields] if units else []:
        if name not in own and name in unit_scope.owner:
            row_scope.owner[name] = unit_scope.owner[name]
            if name in unit_scope.percent:
                row_scope.percent.add(name)
            if name in unit_scope.dates:
                row_scope.dates.add(name)
            if name in unit_scope.kinds:
                row_scope.kinds[name] = unit_scope.kinds[name]
            if name in unit_scope.values:
                row_scope.values[name] = unit_scope.values[name]
    if grouped and "group" not in own and "group" in unit_scope.owner:
        row_scope.owner["group"] = unit_scope.owner["group"]


def _metrics(b: _Builder, raw: dict[str, Any], at: tuple[Any, ...], scope: Scope, field_names: set[str]) -> tuple[Metric, ...]:
    out = []
    for name, spec in raw.items():
        path = at + (name,)
        compiled = b.expr(spec["expr"], path + ("expr",), scope.names(), percent=scope.percent, dates=scope.dates, scope=scope)
        b.claim(scope, name, path)  # after compiling: a metric sees the ones above it, never itself
        b.saved.add(name)  # kept per unit in the verdict: year_to_date may read it in later metrics
        if compiled is not None and is_date(compiled.node, scope.dates):
            scope.dates.add(name)
        if compiled is not None:
            _metric_kind(b, scope, name, spec, compiled, path)
        if str(spec.get("format", "")).startswith("percent"):
            scope.percent.add(name)
        check = spec.get("check")
        if check is not None and check not in field_names:
            b.fail(path + ("check",), unknown_message("字段", check, field_names))
        cap = _year_cap(b, spec.get("year_cap"), path + ("year_cap",), scope)
        if compiled is not None:
            out.append(Metric(name, spec["label"], compiled, Format.parse(spec.get("format", "number:2")), check, b.where(path),
                              cap))
    return tuple(out)


def _metric_kind(b: _Builder, scope: Scope, name: str, spec: dict[str, Any], compiled: Expression, path: tuple[Any, ...]) -> None:
    """Later expressions see the metric's kind; a text metric says format: text, so bands and rankings see it is text."""
    kind = kind_of(compiled.node, scope.values)
    if kind in WORDS:
        scope.values[name] = (kind, f"{WORDS[kind]}指标 {name}（{spec['label']}）")
    fmt = Format.parse(spec.get("format", "number:2"))
    if kind in ("text", "enum") and fmt.kind != "text":
        b.fail(path + ("format",) if "format" in spec else path,
               f"指标 {name} 的结果是文字（{compiled.text!r}），却按数字格式 {fmt} 显示，也会被当作数字分档、排名。"
               "请写 format: text；若要的是数字，请让表达式算出数字。")


def _year_cap(b: _Builder, raw: Any, path: tuple[Any, ...], scope: Scope) -> float | str | None:
    """A metric's 全年上限: a number, or the name of a numeric fact (which may differ by group)."""
    if raw is None or isinstance(raw, (int, float)):
        return None if raw is None else float(raw)
    facts = {n for n, where in scope.owner.items() if where[:1] == ("facts",) and n not in scope.dates}
    if raw not in facts:
        b.fail(path, unknown_message("数值事实", str(raw), facts) + " year_cap 写数字（如 40）或数值事实的名称。")
    return str(raw)


def _flag_list(b: _Builder, raw: dict[str, Any], at: tuple[Any, ...], scope: Scope, tiers: tuple[Any, ...], severity: int = 1) -> tuple[Flag, ...]:
    out = []
    for name, spec in raw.items():
        path = at + (name,)
        compiled = b.expr(spec["when"], path + ("when",), scope.names(), _band_check(b, tiers), scope.percent, scope.dates,
                          scope, True)
        b.claim(scope, name, path)
        if compiled is not None:
            out.append(Flag(name, spec["label"], compiled, spec.get("severity", severity), b.where(path)))
    return tuple(out)


def _tiers(b: _Builder, raw: dict[str, Any], at: tuple[Any, ...], scope: Scope, facts: tuple[Fact, ...], has_vetoes: bool,
           text_fields: frozenset[str] = frozenset(), labels: dict[str, str] | None = None) -> tuple[Tier, ...]:
    out = []
    numeric_facts = {f.name: f for f in facts if f.date is None}
    date_facts = {f.name for f in facts if f.date is not None}
    for name, spec in raw.items():
        path = at + (name,)
        metric = spec["metric"]
        if metric not in scope.owner or metric in ("group", "vetoed"):
            b.fail(path + ("metric",), unknown_message("名称", metric, scope.names() - {"group", "vetoed"}))
        elif metric in text_fields or metric in date_facts or scope.owner[metric][-2:-1] in (("tiers",), ("flags",), ("vetoes",)):
            b.fail(path + ("metric",), f"“{metric}”不是数值（文字、日期、标记或分档），不能按界限分档。请改为数字字段或指标。")
        b.claim(scope, name, path)
        lines = {n: fact_line(f, metric in scope.percent, labels) for n, f in numeric_facts.items()}
        bands = tuple(_band(b, raw_band, path + ("bands", i), lines) for i, raw_band in enumerate(spec["bands"]))
        if metric in scope.percent:
            _check_percent_lines(b, path + ("bands",), metric, bands)
        _check_bands(b, path + ("bands",), bands)
        vetoed = next((x.id for x in bands if x.op == "vetoed"), None)
        if vetoed is not None and not has_vetoes:
            b.fail(path + ("bands",), "有一档写了 vetoed: true，但这一部分没有 vetoes（单项否决）。")
        gap = spec.get("gap_in")
        if gap and gap["of"] not in scope.owner:
            b.fail(path + ("gap_in", "of"), unknown_message("名称", gap["of"], scope.names()))
        out.append(Tier(name, spec["label"], spec["metric"], bands, vetoed, b.where(path),
                        (gap["of"], gap["unit"]) if gap else None))
    return tuple(out)


_SYMBOLS = {"below": "<", "at_most": "≤", "at_least": "≥", "above": ">"}


def _band(b: _Builder, raw: dict[str, Any], path: tuple[Any, ...], numeric_facts: dict[str, str]) -> Band:
    """One band; a fact's line is shown by the fact's value (``numeric_facts``: name → value as shown)."""
    for op in ("below", "at_most", "at_least", "above"):
        if op not in raw:
            continue
        value = raw[op]
        fact = value if isinstance(value, str) and not value.strip().endswith("%") else None
        if fact is not None and fact not in numeric_facts:
            b.fail(path + (op,), unknown_message("事实", fact, numeric_facts) + " 界限应为数字、百分数或事实的名称。")
        text = value if isinstance(value, str) else None
        shown = numeric_facts.get(fact, fact) if fact is not None else None
        short = raw.get("short", f"{_SYMBOLS[op]} {shown or value}")
        return Band(raw["id"], raw["label"], raw["severity"], op, threshold(value), text, fact, short, shown)
    if raw.get("vetoed"):
        return Band(raw["id"], raw["label"], raw["severity"], "vetoed", None, None, None, raw.get("short", "否决"))
    return Band(raw["id"], raw["label"], raw["severity"], "otherwise", None, None, None, raw.get("short", "其余"))


def _check_percent_lines(b: _Builder, path: tuple[Any, ...], metric: str, bands: tuple[Band, ...]) -> None:
    """A rate banded by a bare number ≥ 1 (below: 90) would mean 9000%: refuse it with the fix."""
    for i, band in enumerate(bands):
        if band.threshold is not None and band.threshold_text is None and abs(band.threshold) >= 1:
            b.fail(path + (i, band.op), f"“{metric}”是百分数（按 0–1 存放，100% 即 1），档“{band.id}”的界限却写作不带 % 的 "
                                        f"{band.threshold:g}：按原样它表示 {band.threshold * 100:g}%。请写成 \"{band.threshold:g}%\"。")


_ASCENDING = {"below": 0, "at_most": 1}
_DESCENDING = {"above": 0, "at_least": 1}


def _check_bands(b: _Builder, path: tuple[Any, ...], bands: tuple[Band, ...]) -> None:
    """First match wins, so each band must admit a value no earlier band took."""
    seen: set[str] = set()
    previous: tuple[Band, tuple[Any, ...]] | None = None
    direction = None
    for i, band in enumerate(bands):
        if band.id in seen:
            b.fail(path + (i, "id"), f"档的 id“{band.id}”重复。每一档的 id 必须不同。")
        seen.add(band.id)
        if band.op == "vetoed":  # reached by a veto, never by the value: no place in the order
            continue
        if band.op == "otherwise":
            if i != len(bands) - 1:
                b.fail(path + (i,), "otherwise 档只能是最后一档：它之后的档永远不会生效。")
            continue
        kind = "up" if band.op in _ASCENDING else "down"
        direction = direction or kind
        if kind != direction:
            b.fail(path + (i,), "同一分档里不能混用 below/at_most（从低往高）与 at_least/above（从高往低）。请拆成两个分档或统一方向。")
            continue
        if band.threshold is None:  # a fact's line: its value may differ by group, so order is lint's job (TB-L002)
            previous = None
            continue
        key = (band.threshold, _ASCENDING[band.op]) if kind == "up" else (-band.threshold, _DESCENDING[band.op])
        if previous is not None and key <= previous[1]:
            prev = previous[0]
            order = "从小到大" if kind == "up" else "从大到小"
            b.fail(path + (i,), f"档“{band.id}”永远不会生效：前面的档“{prev.id}”（{prev.op} {prev.threshold_text or prev.threshold}）已包含它的全部取值。各档界限应{order}排列。")
        previous = (band, key)


def _band_check(b: _Builder, tiers: tuple[Tier, ...]) -> Callable[[Expression, tuple[Any, ...]], None]:
    """``in_band("tier", "band", …)`` names must exist; checked at load, not at run."""
    def check(compiled: Expression, path: tuple[Any, ...]) -> None:
        for fn, args in compiled.calls:
            if fn != "in_band":
                continue
            tier = next((t for t in tiers if t.name == args[0]), None)
            if tier is None:
                b.fail(path, f"in_band 的分档“{args[0]}”不存在。已有的分档：{'、'.join(t.name for t in tiers) or '无'}。")
                continue
            for band_id in args[1:]:
                if tier.band(band_id) is None:
                    b.fail(path, f"分档“{tier.name}”里没有 id 为“{band_id}”的档。已有：{'、'.join(x.id for x in tier.bands)}。")
    return check


def _notifications(b: _Builder, raw: list[Any], at: tuple[Any, ...], tiers: tuple[Tier, ...], flag_names: set[str],
                   names: tuple[Scope, dict[str, str]]) -> tuple[Notification, ...]:
    scope, kinds = names
    out = []
    for path, spec in _with_unique_ids(b, raw, at, "通报措施"):
        bands = _band_refs(b, spec["when"].get("bands", {}), path + ("when", "bands"), tiers)
        _flag_refs(b, spec["when"].get("flags", []), path + ("when", "flags"), flag_names)
        _check_template(b, path + ("message",), spec["message"], scope.names(), tiers, kinds)
        out.append(Notification(spec["id"], spec["action"], spec.get("label", spec["action"]), bands,
                                tuple(spec["when"].get("flags", [])), spec["message"]))
    return tuple(out)


def _with_unique_ids(b: _Builder, raw: list[Any], at: tuple[Any, ...], what: str) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Each item of a list keyed by id, with its path; a repeated id is reported where it repeats."""
    seen: set[str] = set()
    for i, spec in enumerate(raw):
        if spec["id"] in seen:
            b.fail(at + (i, "id"), f"{what}的 id“{spec['id']}”重复。")
        seen.add(spec["id"])
        yield at + (i,), spec


def _flag_refs(b: _Builder, names: list[Any], at: tuple[Any, ...], flag_names: set[str]) -> None:
    for j, flag in enumerate(names):
        if flag not in flag_names:
            b.fail(at + (j,), unknown_message("标记或否决项", flag, flag_names))


def _check_template(b: _Builder, path: tuple[Any, ...], message: str, known: set[str], tiers: tuple[Tier, ...],
                    kinds: dict[str, str]) -> None:
    # A tier's name alone would print its band id; {band.tier} prints the band's label.
    allowed = (known - {t.name for t in tiers} - {"vetoed"}) | {"unit", "rank"} | {f"band.{t.name}" for t in tiers}
    lists = {name for name, kind in kinds.items() if kind == "list"}
    for problem, _ in template_problems(message, allowed | lists, kinds):
        b.fail(path, problem)


def _summary(b: _Builder, raw: list[Any], at: tuple[Any, ...], scope: Scope, tiers: Any, groups: tuple[Any, ...], overall: bool = False) -> tuple[Figure, ...]:
    out = []
    visible = scope.names() | (set(b.figure_ids) if overall else set())
    for i, spec in enumerate(raw):
        path = at + (i,)
        compiled = b.expr(spec["expr"], path + ("expr",), visible, _band_check(b, tiers), scope.percent | b.percent_figures,
                          scope.dates, scope)
        b.claim(scope, spec["id"], path + ("id",))
        if str(spec.get("format", "")).startswith("percent"):
            scope.percent.add(spec["id"])
            b.percent_figures.add(spec["id"])
        if spec["id"] in b.figure_ids and not overall:
            b.fail(path + ("id",), f"汇总数字的 id“{spec['id']}”在另一部分已经用过；跨部分汇总要靠它区分。")
        b.figure_ids.setdefault(spec["id"], path)
        visible.add(spec["id"])
        if compiled is not None:
            reach = spec.get("scope", "both")
            if reach == "groups" and not groups:
                b.fail(path + ("scope",), "scope: groups 需要先在 groups 中定义分组。")
            out.append(Figure(spec["id"], spec["label"], compiled, Format.parse(spec.get("format", "number:2")),
                              reach, b.where(path)))
    return tuple(out)


def _ranking(b: _Builder, raw: dict[str, Any] | None, at: tuple[Any, ...], scope: Scope, groups: tuple[Any, ...], tiers: tuple[Any, ...] = ()) -> Ranking | None:
    if raw is None:
        return None
    order = raw.get("order", "descending")
    items = raw["by"] if isinstance(raw["by"], list) else [raw["by"]]
    keys = []
    for i, item in enumerate(items):
        path = at + ("by",) + ((i,) if isinstance(raw["by"], list) else ())
        text, key_order = (item["expr"], item.get("order")) if isinstance(item, dict) else (item, None)
        compiled = b.expr(text, path + (("expr",) if isinstance(item, dict) else ()), scope.names() - RANK_NAMES,
                          _band_check(b, tiers), scope.percent, scope.dates, scope)  # ranks come after bands
        if compiled is not None:
            keys.append(RankKey(compiled, key_order or order))
    within = raw.get("within", "all")
    if within == "group" and not groups:
        b.fail(at + ("within",), "within: group 需要先在 groups 中定义分组。")
    if len(keys) != len(items):
        return None
    top, bottom = raw.get("top", {}), raw.get("bottom", {})
    return Ranking(raw.get("label", "排名"), order, raw.get("ties", "shared"),
                   within, top.get("count"), top.get("label"), b.where(at), tuple(keys), bottom.get("count"), bottom.get("label"))


def _check_rank_users(b: _Builder, scope: Scope, ranking: Ranking | None,
                      users: Sequence[tuple[str, Expression | None, tuple[Any, ...]]]) -> None:
    """``rank`` in a metric, flag or figure needs every name the ranking sorts by to be worked out before it."""
    order = {name: i for i, name in enumerate(scope.owner)}
    for name, expr, path in users:
        if expr is None or not expr.names & RANK_NAMES:
            continue
        used = "、".join(sorted(expr.names & RANK_NAMES))
        if ranking is None:
            b.fail(path, f"这一部分没有排名（ranking），不能用 {used}。请先写 ranking。")
            continue
        later = sorted(n for k in ranking.keys for n in k.expr.names if order.get(n, -1) >= order.get(name, 0))
        if later:
            b.fail(path, f"“{name}”用到 {used}，而排名依据的 {'、'.join(later)} 写在它后面（或就是它自己），"
                         f"名次还排不出来。请把“{name}”移到 {'、'.join(later)} 之后，或把它写成标记、汇总数字。")
