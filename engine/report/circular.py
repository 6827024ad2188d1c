"""The circular (通报) as a text model: read the ruleset's ``circular:`` section, fill it from a verdict.

``load_circular`` compiles every template once, at load, and reports every
problem with its file, line and key; ``build_circular`` renders them from
``Verdict.to_dict()`` into a ``Circular`` (title, 文号, 主送, numbered sections,
附件 list, 落款, annex tables), which markdown.py and docx.py then write out.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, RulesetError
from .annex_table import AnnexTable, annex_table
from .context import template_context
from .templating import Budget, chinese_number, make_environment

HEADINGS = ("一、", "【】", "none")
ITEMS = ("（一）", "1.", "none")
DEFAULTS = {
    "title": "{{ ruleset.title }}",
    "number": "{{ period.number | default('') }}",
    "recipients": "{{ period.recipients | default('') }}",
    "signature": "{{ period.issuer | default(ruleset.issuer) }}",
    "date": "{{ period.date | default('') | date }}",
}


@dataclass
class Paragraph:
    """One paragraph: runs of (text, style), style body | h1 (黑体) | h2 (楷体) | h3 (仿宋, numbered)."""

    runs: list[tuple[str, str]]
    role: str = "body"  # body | heading (a level-1 heading line, no first-line indent)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


@dataclass
class Circular:
    title: str
    number: str
    recipients: str
    body: list[Paragraph]
    attachments: list[str]
    signature: str
    date: str
    distribution: str = ""
    header: Mapping[str, Any] | None = None  # the red 版头 from the period: {organ, red}
    annexes: list[AnnexTable] = field(default_factory=list)

    def text(self) -> str:
        """All the words of the circular, in reading order (for tests and search)."""
        lines = [str((self.header or {}).get("organ", "")), self.number, self.title, self.recipients]
        lines += [p.text for p in self.body] + self.attachments + [self.signature, self.date, self.distribution]
        for a in self.annexes:
            lines += [a.title, "\t".join(a.header)] + ["\t".join(r) for r in a.rows]
        return "\n".join(x for x in lines if x)


@dataclass
class _Template:
    compiled: Any
    where: Problem  # the ruleset location, with an empty message

    def render(self, context: Mapping[str, Any], budget: Budget) -> str:
        from jinja2 import TemplateError

        try:
            return budget.render(self.compiled, context).strip()
        except (TemplateError, TypeError, ValueError, OverflowError, ArithmeticError) as exc:
            raise RulesetError([_at(self.where, f"通报模板无法生成：{_explain(exc)}。请检查这里用到的名称（见 docs/rulesets.md “通报正文”）。")]) from None


@dataclass
class CircularSpec:
    """The compiled ``circular:`` section: templates by key and the layout choices."""

    templates: dict[str, _Template]
    sections: list[dict[str, Any]]
    annexes: list[dict[str, Any]]
    headings: str = "一、"


def _at(where: Problem, message: str) -> Problem:
    return Problem(where.file, where.line, where.column, where.path, message)


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "is undefined" in text or "has no attribute" in text:
        return f"名称不存在（{text}）"
    return text


def load_circular(ruleset_path: str | Path) -> CircularSpec:
    """Compile the ruleset's ``circular:`` section; raise RulesetError listing every problem."""
    from ..rules.loader import resolve

    doc, _ = resolve(ruleset_path)
    section = doc.data.get("circular")
    if section is None:
        raise RulesetError([doc.problem(("circular",), "规则集没有 circular: 部分，无法生成通报。请按 docs/rulesets.md “通报正文”添加。")])
    return _Compiler(doc).spec(section)


class _Compiler:
    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.env = make_environment()
        self.problems: list[Problem] = []

    def template(self, text: Any, path: tuple[Any, ...]) -> _Template:
        from jinja2 import TemplateSyntaxError

        where = self.doc.problem(path, "")
        try:
            return _Template(self.env.from_string(str(text if text is not None else "")), where)
        except TemplateSyntaxError as exc:
            self.problems.append(_at(where, f"模板写法有误（第 {exc.lineno} 行：{exc.message}）。变量写作 {{{{ 名称 }}}}，判断写作 {{% if … %}}…{{% endif %}}。"))
            return _Template(self.env.from_string(""), where)

    def spec(self, section: Mapping[str, Any]) -> CircularSpec:
        base = ("circular",)
        templates = {key: self.template(section.get(key, DEFAULTS.get(key, "")), base + (key,))
                     for key in ("title", "number", "recipients", "opening", "closing", "signature", "date", "distribution")}
        sections = [self._section(s, base + ("sections", i)) for i, s in enumerate(section.get("sections", []))]
        annexes = [self._annex(a, base + ("annexes", i)) for i, a in enumerate(section.get("annexes", []))]
        if self.problems:
            raise RulesetError(self.problems)
        return CircularSpec(templates, sections, annexes, section.get("headings", "一、"))

    def _section(self, s: Mapping[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
        paragraphs = []
        for j, p in enumerate(s.get("paragraphs", [])):
            if isinstance(p, Mapping):
                paragraphs.append({"heading": self.template(p.get("heading", ""), path + ("paragraphs", j, "heading")),
                                   "text": self.template(p.get("text", ""), path + ("paragraphs", j, "text"))})
            else:
                paragraphs.append({"text": self.template(p, path + ("paragraphs", j))})
        return {"heading": self.template(s.get("heading", ""), path + ("heading",)),
                "items": s.get("items", "（一）"), "paragraphs": paragraphs}

    def _annex(self, a: Mapping[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
        return {"title": self.template(a.get("title", ""), path + ("title",)), "part": a.get("part"),
                "group": a.get("group"), "columns": a.get("columns"), "where": self.doc.problem(path, "")}


def build_circular(spec: CircularSpec, verdict: Mapping[str, Any], period: Mapping[str, Any] | None = None) -> Circular:
    """Render the circular from the verdict dict and the period's facts (文号, date, issuer, …).

    ``period`` None takes the verdict's own ``period``; a mapping (even empty) replaces it.
    """
    period = period_of(verdict) if period is None else dict(period)
    context = template_context(verdict, period)
    budget = Budget()

    def say(key: str) -> str:
        return spec.templates[key].render(context, budget)

    body = [Paragraph([(line, "body")]) for line in _lines(say("opening"))]
    for i, section in enumerate(spec.sections, start=1):
        body += _section(section, i, spec.headings, context, budget)
    body += [Paragraph([(line, "body")]) for line in _lines(say("closing"))]
    annexes = [_annex(a, verdict, context, budget) for a in spec.annexes]
    attachments = _attachment_list([a.title for a in annexes])
    for k, a in enumerate(annexes, start=1):
        a.number = k if len(annexes) > 1 else None
    return Circular(say("title"), say("number"), say("recipients"), body, attachments, say("signature"),
                    say("date"), say("distribution"), period.get("header"), annexes)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _section(section: Mapping[str, Any], i: int, style: str, context: Mapping[str, Any], budget: Budget) -> list[Paragraph]:
    heading = section["heading"].render(context, budget)
    out = []
    if heading:
        label = {"一、": f"{chinese_number(i)}、{heading}", "【】": f"【{heading}】"}.get(style, heading)
        out.append(Paragraph([(label, "h1")], role="heading"))
    k = 0
    for p in section["paragraphs"]:
        lines = _lines(p["text"].render(context, budget))
        if "heading" in p:
            lead = p["heading"].render(context, budget)
            if not lead and not lines:
                continue
            k += 1
            number = {"（一）": f"（{chinese_number(k)}）", "1.": f"{k}. "}.get(section["items"], "")
            level = "h2" if section["items"] == "（一）" else "h3"
            runs = [(f"{number}{lead}", level)] if lead else []
            first = lines.pop(0) if lines else ""
            out.append(Paragraph(runs + ([(first, "body")] if first else [])))
        out += [Paragraph([(line, "body")]) for line in lines]
    return out


def _annex(a: Mapping[str, Any], verdict: Mapping[str, Any], context: Mapping[str, Any], budget: Budget) -> AnnexTable:
    parts = {p["id"]: p for p in verdict["parts"]}
    part_id = a["part"] or verdict["parts"][0]["id"]
    if part_id not in parts:
        raise RulesetError([_at(a["where"], f"附件所指的部分“{part_id}”不存在；可用的有：{'、'.join(parts)}。")])
    try:
        return annex_table(a["title"].render(context, budget), parts[part_id], a["group"], a["columns"])
    except KeyError as exc:
        raise RulesetError([_at(a["where"], f"附件的列“{exc.args[0]}”不是这一部分的字段或指标。")]) from None


def _attachment_list(titles: list[str]) -> list[str]:
    if not titles:
        return []
    if len(titles) == 1:
        return [f"附件：{titles[0]}"]
    return [f"附件：1. {titles[0]}"] + [f"{k}. {t}" for k, t in enumerate(titles[1:], start=2)]



def period_of(verdict: Mapping[str, Any], period_id: str | None = None) -> dict[str, Any]:
    """The period's facts as the verdict recorded them (period.yaml beside the data, or --period-file)."""
    found = dict(verdict.get("period") or {})
    if period_id and not found.get("id"):
        found["id"] = period_id
    return found
