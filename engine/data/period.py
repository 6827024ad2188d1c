"""One period's own facts: its id, 发文字号, date, issuer, recipients, 版头 and published figures.

A ruleset holds rules only, so the same file serves month after month; what changes
each period comes with the data, in ``period.yaml`` beside the table (or a file named
with ``--period-file``), or as just an id on the command line (``--period``). The
published figures are checked against the ruleset's summary figures here, so a
typo in a figure id is reported with the period file's line, not silently ignored.
"""
from __future__ import annotations

import hashlib
from dataclasses import field
from pathlib import Path
from typing import Any

from ..errors import PeriodError, Problem, RulesetError, basename
from ..frozen import frozen
from ..rules.formatting import Published
from ..rules.model import Ruleset
from ..rules.schema import schema_problems
from ..rules.yamlfile import read_yaml

PERIOD_FILE = "period.yaml"
MAX_PERIOD_BYTES = 1_000_000  # a period file is a dozen lines; anything bigger is the wrong file


@frozen
class PeriodInfo:
    """What the period file (or --period) says about this period. Only ``id`` is always there."""

    id: str
    start: str | None = None  # the period's first and last day, YYYY-MM-DD, when the file gives them
    end: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    recipients: str | None = None
    header: dict[str, Any] | None = None
    published: dict[str, tuple[tuple[str, Published], ...]] = field(default_factory=dict)  # figure id -> (scope, value)
    file: str | None = None
    sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The verdict's top-level ``period``; keys the period did not give are left out."""
        out: dict[str, Any] = {"id": self.id}
        for key in ("start", "end", "number", "date", "issuer", "recipients", "header"):
            value = getattr(self, key)
            if value is not None:
                out[key] = dict(value) if isinstance(value, dict) else value
        if self.file is not None:
            out["file"], out["sha256"] = basename(self.file), self.sha256
        return out


def beside(data: Any) -> Path | None:
    """The period file beside a data folder or a data file, if there is one."""
    if not isinstance(data, (str, Path)):
        return None
    path = Path(data)
    folder = path if path.is_dir() else path.parent
    candidate = folder / PERIOD_FILE
    return candidate if candidate.is_file() else None


def resolve_period(ruleset: Ruleset, data: Any, period: str | PeriodInfo | None,
                   period_file: str | Path | None) -> PeriodInfo | None:
    """This evaluation's period: the file named, else the one beside the data, with --period checked against it."""
    if isinstance(period, PeriodInfo):
        return period
    path = Path(period_file) if period_file is not None else beside(data)
    if path is None:
        return None if period is None else PeriodInfo(_checked_id(period))
    info = read_period(path, ruleset)
    if period is not None and period != info.id:
        raise PeriodError([Problem(str(path), None, None, "period",
                                   f"命令行给的考核期“{period}”与期别文件写的“{info.id}”不一致。"
                                   f"请改正其中一个；若这份数据属于“{period}”，把期别文件里的 period 改成它。")])
    return info


def _checked_id(period: str) -> str:
    if not period.strip() or len(period) > 64:
        raise PeriodError([Problem("--period", None, None, "", "考核期的名称不能为空，也不能超过 64 个字，例如 2022-05。")])
    return period.strip()


def read_period(path: str | Path, ruleset: Ruleset) -> PeriodInfo:
    """Read, schema-check and cross-check one period file against the ruleset's figures."""
    name = str(path)
    try:
        if Path(path).stat().st_size > MAX_PERIOD_BYTES:
            raise PeriodError([Problem(name, None, None, "", f"期别文件超过 {MAX_PERIOD_BYTES // 1_000_000} MB，不像是 period.yaml。")])
    except FileNotFoundError:
        raise PeriodError([Problem(name, None, None, "", "找不到期别文件。请检查 --period-file 的路径。")]) from None
    try:
        doc, raw = read_yaml(path)
    except RulesetError as exc:  # the YAML reader's problems are placed right; they are the period file's
        raise PeriodError(exc.problems) from None
    if not isinstance(doc.data, dict):
        raise PeriodError([doc.problem((), "期别文件应是一个映射（键: 值），至少写 period: 2022-05。参见 docs/rulesets.md。")])
    problems = schema_problems(doc, "period")
    if problems:
        raise PeriodError(problems)
    data = doc.data
    published = _published(doc, data.get("published", {}), ruleset)
    return PeriodInfo(str(data["period"]).strip(), data.get("start"), data.get("end"), data.get("number"), data.get("date"), data.get("issuer"),
                      data.get("recipients"), data.get("header"), published, name, hashlib.sha256(raw).hexdigest())


def _published(doc: Any, raw: dict[str, Any], ruleset: Ruleset) -> dict[str, tuple[tuple[str, Published], ...]]:
    """Each published figure, checked: the figure exists, its groups exist, its value reads as a number."""
    groups_of = {fig.id: ({g.id for g in part.groups} | {"all"}) for part in ruleset.parts for fig in part.summary}
    groups_of.update({fig.id: {"all"} for fig in ruleset.summary})
    problems: list[Problem] = []
    out: dict[str, tuple[tuple[str, Published], ...]] = {}
    for fig_id, value in raw.items():
        path = ("published", fig_id)
        if fig_id not in groups_of:
            known = "、".join(groups_of) or "（规则集没有 summary）"
            problems.append(doc.problem(path, f"规则集“{ruleset.id}”的 summary 中没有 id 为“{fig_id}”的汇总数字。可写的有：{known}。"))
            continue
        items = value.items() if isinstance(value, dict) else [("all", value)]
        parsed = []
        for scope, text in items:
            number = Published.parse(text)
            if scope not in groups_of[fig_id]:
                problems.append(doc.problem(path + (scope,), f"没有组“{scope}”。这里可写：{'、'.join(sorted(groups_of[fig_id]))}。"))
            elif number is None:
                problems.append(doc.problem(path, f"无法读出公布的数字 {text!r}。请写成 4919、99.19% 或 609.08万 这样的形式。"))
            else:
                parsed.append((scope, number))
        out[fig_id] = tuple(parsed)
    if problems:
        raise PeriodError(problems)
    return out
