"""Turn schema-checked YAML data into a typed Ruleset, checking what a schema cannot.

What is checked here: names unique across fields, metrics, facts, flags and
tiers; every expression parsed with exactly the names visible at its place;
bands in an order where each can match; references between sections.
"""
from __future__ import annotations

import keyword
from decimal import Decimal
from typing import Any, Callable

from .errors import Problem, RulesetError
from .expressions import BASE_FUNCTIONS, Expression, ExpressionError, compile_expression
from .formatting import Format, Published
from .ruleset import (Band, Fact, FieldSpec, Figure, Flag, Metric, Notification, Ranking, Ruleset, Tier,
                      UnitTable, Where)
from .templates import template_names
from .yamlfile import YamlDoc

RESERVED = frozenset(keyword.kwlist) | frozenset(BASE_FUNCTIONS) | {"unit", "group", "rank", "band"}
DEFAULT_FORMATS = {"integer": "integer", "number": "number:2", "percent": "percent:2", "text": "text", "date": "date"}


def threshold(raw: Any) -> float | None:
    """ "90%" → 0.9; numbers stay as written."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return float(Decimal(raw.strip().rstrip("%")) / 100)
    return float(raw)


class _Builder:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.owner: dict[str, tuple] = {}  # name -> path where it was defined

    def where(self, path: tuple) -> Where:
        line, col = self.doc.where(path)
        return Where(self.doc.file, line, col, ".".join(str(p) for p in path))

    def fail(self, path: tuple, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def claim(self, name: str, path: tuple) -> None:
        """Names share one namespace because expressions see them all alike."""
        if name in RESERVED:
            self.fail(path, f"名称“{name}”是保留字或函数名，请换一个名称。")
        elif name in self.owner:
            first = ".".join(map(str, self.owner[name]))
            self.fail(path, f"名称“{name}”重复：{first} 已经用过。名称在字段、指标、事实、标记和分档之间都不能重复。")
        else:
            self.owner[name] = path

    def expr(self, raw: Any, path: tuple, known: set[str], check: Callable[[Expression, tuple], None] | None = None) -> Expression | None:
        try:
            compiled = compile_expression(raw, known)
        except ExpressionError as exc:
            self.fail(path, str(exc))
            return None
        if check:
            check(compiled, path)
        return compiled


def build_ruleset(doc: YamlDoc, sha256: str) -> Ruleset:
    """Build and cross-check; raise RulesetError with every problem found."""
    b = _Builder(doc)
    data = doc.data
    facts = _facts(b, data.get("facts", {}))
    units = _units(b, data["units"])
    known = {f.name for f in facts} | {f.name for f in units.fields}
    metrics = _metrics(b, data.get("metrics", {}), known)
    known |= {m.name for m in metrics}
    tiers = _tiers(b, data.get("tiers", {}), known)
    flags = _flags(b, data.get("flags", {}), known, tiers)
    known |= {f.name for f in flags}
    notifications = _notifications(b, data.get("notifications", []), tiers, flags, known)
    summary = _summary(b, data.get("summary", []), known, tiers)
    ranking = _ranking(b, data.get("ranking"), known)
    columns = tuple(data.get("report", {}).get("columns", ()))
    for i, name in enumerate(columns):
        if name not in {f.name for f in units.fields} | {m.name for m in metrics}:
            b.fail(("report", "columns", i), f"“{name}”不是字段或指标的名称。")
    if b.problems:
        raise RulesetError(b.problems)
    return Ruleset(
        id=data["id"], version=str(data["version"]), title=data["title"], issuer=data["issuer"],
        region=data["region"], period=str(data["period"]), description=data.get("description", ""),
        file=doc.file, sha256=sha256, facts=facts, units=units, metrics=metrics, tiers=tiers, flags=flags,
        notifications=notifications, summary=summary, ranking=ranking, report_columns=columns,
    )


def _facts(b: _Builder, raw: dict) -> tuple[Fact, ...]:
    out = []
    for name, spec in raw.items():
        b.claim(name, ("facts", name))
        out.append(Fact(name, spec["label"], float(spec["value"]), spec.get("source")))
    return tuple(out)


def _units(b: _Builder, raw: dict) -> UnitTable:
    fields = []
    columns: dict[str, str] = {}
    for name, spec in raw["fields"].items():
        path = ("units", "fields", name)
        b.claim(name, path)
        if spec["column"] in columns:
            b.fail(path + ("column",), f"列“{spec['column']}”已由字段 {columns[spec['column']]} 读取。一列只读一次。")
        columns[spec["column"]] = name
        kind = spec["type"]
        if kind in ("text", "date") and ("min" in spec or "max" in spec):
            b.fail(path, f"{kind} 类型的字段不能设 min/max。")
        fields.append(FieldSpec(
            name=name, column=spec["column"], type=kind, label=spec.get("label", spec["column"]),
            blank=spec.get("blank", "error"), not_applicable=tuple(spec.get("not_applicable", ())),
            min=threshold(spec.get("min")), max=threshold(spec.get("max")),
            format=Format.parse(spec.get("format", DEFAULT_FORMATS[kind])), where=b.where(path),
        ))
    return UnitTable(raw["file"], raw["key"], raw.get("label", "单位"), tuple(fields))


def _metrics(b: _Builder, raw: dict, known: set[str]) -> tuple[Metric, ...]:
    out = []
    visible = set(known)
    for name, spec in raw.items():
        path = ("metrics", name)
        b.claim(name, path)
        compiled = b.expr(spec["expr"], path + ("expr",), visible)
        visible.add(name)  # a metric sees the ones above it, never below
        if compiled is not None:
            out.append(Metric(name, spec["label"], compiled, Format.parse(spec.get("format", "number:2")), b.where(path)))
    return tuple(out)


def _tiers(b: _Builder, raw: dict, known: set[str]) -> tuple[Tier, ...]:
    out = []
    for name, spec in raw.items():
        path = ("tiers", name)
        b.claim(name, path)
        if spec["metric"] not in known:
            from .expressions import unknown_message
            b.fail(path + ("metric",), unknown_message("名称", spec["metric"], known))
        bands = tuple(_band(raw_band) for raw_band in spec["bands"])
        _check_bands(b, path + ("bands",), bands)
        out.append(Tier(name, spec["label"], spec["metric"], bands))
    return tuple(out)


_SYMBOLS = {"below": "<", "at_most": "≤", "at_least": "≥", "above": ">"}


def _band(raw: dict) -> Band:
    for op in ("below", "at_most", "at_least", "above"):
        if op in raw:
            text = raw[op] if isinstance(raw[op], str) else None
            short = raw.get("short", f"{_SYMBOLS[op]} {raw[op]}")
            return Band(raw["id"], raw["label"], raw["severity"], op, threshold(raw[op]), text, short)
    return Band(raw["id"], raw["label"], raw["severity"], "otherwise", None, None, raw.get("short", "其余"))


_ASCENDING = {"below": 0, "at_most": 1}
_DESCENDING = {"above": 0, "at_least": 1}


def _check_bands(b: _Builder, path: tuple, bands: tuple[Band, ...]) -> None:
    """First match wins, so each band must admit a value no earlier band took."""
    seen: set[str] = set()
    previous: tuple[Band, tuple] | None = None
    direction = None
    for i, band in enumerate(bands):
        if band.id in seen:
            b.fail(path + (i, "id"), f"档的 id“{band.id}”重复。每一档的 id 必须不同。")
        seen.add(band.id)
        if band.op == "otherwise":
            if i != len(bands) - 1:
                b.fail(path + (i,), "otherwise 档只能是最后一档：它之后的档永远不会生效。")
            continue
        kind = "up" if band.op in _ASCENDING else "down"
        direction = direction or kind
        if kind != direction:
            b.fail(path + (i,), "同一分档里不能混用 below/at_most（从低往高）与 at_least/above（从高往低）。请拆成两个分档或统一方向。")
            continue
        key = (band.threshold, _ASCENDING[band.op]) if kind == "up" else (-band.threshold, _DESCENDING[band.op])
        if previous is not None and key <= previous[1]:
            prev = previous[0]
            order = "从小到大" if kind == "up" else "从大到小"
            b.fail(path + (i,), f"档“{band.id}”永远不会生效：前面的档“{prev.id}”（{prev.op} {prev.threshold_text or prev.threshold}）已包含它的全部取值。各档界限应{order}排列。")
        previous = (band, key)


def _flags(b: _Builder, raw: dict, known: set[str], tiers: tuple[Tier, ...]) -> tuple[Flag, ...]:
    out = []
    visible = set(known)
    for name, spec in raw.items():
        path = ("flags", name)
        b.claim(name, path)
        compiled = b.expr(spec["when"], path + ("when",), visible, _band_check(b, tiers))
        visible.add(name)
        if compiled is not None:
            out.append(Flag(name, spec["label"], compiled, spec.get("severity", 1), b.where(path)))
    return tuple(out)


def _band_check(b: _Builder, tiers: tuple[Tier, ...]) -> Callable[[Expression, tuple], None]:
    """``in_band("tier", "band", …)`` names must exist; checked at load, not at run."""
    def check(compiled: Expression, path: tuple) -> None:
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


def _notifications(b: _Builder, raw: list, tiers: tuple[Tier, ...], flags: tuple[Flag, ...], known: set[str]) -> tuple[Notification, ...]:
    out = []
    ids: set[str] = set()
    flag_names = {f.name for f in flags}
    for i, spec in enumerate(raw):
        path = ("notifications", i)
        if spec["id"] in ids:
            b.fail(path + ("id",), f"通报措施的 id“{spec['id']}”重复。")
        ids.add(spec["id"])
        bands = []
        for tier_name, band_ids in spec["when"].get("bands", {}).items():
            tier = next((t for t in tiers if t.name == tier_name), None)
            if tier is None:
                b.fail(path + ("when", "bands", tier_name), f"分档“{tier_name}”不存在。")
                continue
            for j, band_id in enumerate(band_ids):
                if tier.band(band_id) is None:
                    b.fail(path + ("when", "bands", tier_name, j), f"分档“{tier_name}”里没有“{band_id}”这一档。已有：{'、'.join(x.id for x in tier.bands)}。")
            bands.append((tier_name, tuple(band_ids)))
        for j, flag in enumerate(spec["when"].get("flags", [])):
            if flag not in flag_names:
                b.fail(path + ("when", "flags", j), f"标记“{flag}”不存在。已有：{'、'.join(sorted(flag_names)) or '无'}。")
        _check_template(b, path + ("message",), spec["message"], known, tiers)
        out.append(Notification(spec["id"], spec["action"], spec.get("label", spec["action"]), tuple(bands),
                                tuple(spec["when"].get("flags", [])), spec["message"]))
    return tuple(out)


def _check_template(b: _Builder, path: tuple, message: str, known: set[str], tiers: tuple[Tier, ...]) -> None:
    allowed = known | {"unit", "rank"} | {f"band.{t.name}" for t in tiers}
    try:
        names = template_names(message)
    except ValueError as exc:
        b.fail(path, str(exc))
        return
    for name in names:
        if name not in allowed:
            from .expressions import unknown_message
            b.fail(path, unknown_message("占位名称", name, allowed))


def _summary(b: _Builder, raw: list, known: set[str], tiers: tuple[Tier, ...]) -> tuple[Figure, ...]:
    out = []
    visible = set(known)
    for i, spec in enumerate(raw):
        path = ("summary", i)
        b.claim(spec["id"], path + ("id",))
        compiled = b.expr(spec["expr"], path + ("expr",), visible, _band_check(b, tiers))
        visible.add(spec["id"])
        published = None
        if "published" in spec:
            published = Published.parse(spec["published"])
            if published is None:
                b.fail(path + ("published",), f"无法读出公布的数字 {spec['published']!r}。请写成 4919、99.19% 或 609.08万 这样的形式。")
        if compiled is not None:
            out.append(Figure(spec["id"], spec["label"], compiled, Format.parse(spec.get("format", "number:2")), published, b.where(path)))
    return tuple(out)


def _ranking(b: _Builder, raw: dict | None, known: set[str]) -> Ranking | None:
    if raw is None:
        return None
    compiled = b.expr(raw["by"], ("ranking", "by"), known)
    if compiled is None:
        return None
    return Ranking(compiled, raw.get("label", "排名"), raw.get("order", "descending"), raw.get("ties", "shared"), b.where(("ranking",)))
