"""``tongbao init ID``: a starter ruleset, its test file and an example table, ready to edit.

The files are written beside the shipped schemas they name (copied into ``schemas/``), so an
editor gives completion and checking with no clone of tongbao and nothing in site-packages to
find. The starter passes ``tongbao test`` and ``tongbao lint`` as written.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import TongbaoError
from ..rules.schema import schema_text

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # as the ruleset schema's id
SCHEMA_FILES = {"ruleset": "ruleset.schema.json", "test": "ruletest.schema.json", "verdict": "verdict.schema.json",
                "period": "period.schema.json"}

RULESET = """\
# yaml-language-server: $schema=schemas/ruleset.schema.json
# 新规则集的起点：改成你们通报的标题、单位表的列、分档和通报措施。写法见 docs/rulesets.md。
# 检查：tongbao validate {id}.yaml；评定示例数据：tongbao evaluate {id}.yaml examples/{id}/
tongbao: 1
id: {id}
version: "1"
title: 关于××工作完成情况的通报
issuer: ××人民政府办公室
region: ××县

units:
  file: units.csv
  key: 单位
  fields:
    tasks: {{column: 任务数, type: integer, min: 0}}
    done: {{column: 完成数, type: integer, min: 0}}

metrics:
  rate:
    label: 完成率
    expr: done / tasks if tasks > 0 else 1
    format: percent:2

tiers:
  rate_band:
    label: 完成率分档
    metric: rate
    bands:
      - {{id: below_60, label: 完成率低于60%的单位, below: "60%", severity: 3}}
      - {{id: below_90, label: 完成率低于90%的单位, below: "90%", severity: 1}}
      - {{id: ok, label: 完成率达到90%及以上的单位, short: "≥ 90%", otherwise: true, severity: 0}}

notifications:
  - id: name_low
    action: 点名
    label: 完成率较低的单位
    when: {{bands: {{rate_band: [below_60, below_90]}}}}
    message: "{{unit}}完成率{{rate}}，列入“{{band.rate_band}}”。"

summary:
  - {{id: tasks_total, label: 任务总数, expr: sum(tasks), format: integer}}
  - {{id: done_total, label: 完成总数, expr: sum(done), format: integer}}
  - {{id: rate_all, label: 总体完成率, expr: done_total / tasks_total, format: percent:2}}
"""

TEST = """\
# yaml-language-server: $schema=schemas/ruletest.schema.json
# 规则集的测试：tongbao test {id}.test.yaml。每条用例几行数据，写明期望的分档和通报。
ruleset: {id}.yaml
cases:
  - name: 60%、90%两条线上与线下
    units:
      - {{单位: 恰90, 任务数: 100, 完成数: 90}}
      - {{单位: 差一点90, 任务数: 100, 完成数: 89}}
      - {{单位: 恰60, 任务数: 100, 完成数: 60}}
      - {{单位: 差一点60, 任务数: 100, 完成数: 59}}
    expect:
      恰90: {{bands: {{rate_band: ok}}, notifications: []}}
      差一点90: {{bands: {{rate_band: below_90}}, notifications: [name_low]}}
      恰60: {{bands: {{rate_band: below_90}}, metrics: {{rate: "60%"}}}}
      差一点60: {{bands: {{rate_band: below_60}}, notifications: [name_low]}}
    expect_summary:
      figures: {{tasks_total: 400, done_total: 298}}
      units: 4
"""

PERIOD = """\
# yaml-language-server: $schema=../../schemas/period.schema.json
# 本期的事实（每期一份，放在数据旁边）：考核期、文号、日期，以及通报正文公布的数字（用于核对）。
period: "2024-01"
"""

UNITS = """\
单位,任务数,完成数
甲乡,20,20
乙镇,30,25
丙局,10,5
"""


def starter_files(ruleset_id: str) -> dict[str, str]:
    """Relative path → text of every file ``tongbao init`` writes."""
    if not ID_PATTERN.match(ruleset_id):
        raise TongbaoError(f"规则集 id “{ruleset_id}”不合规：只能用小写字母、数字和连字符，以字母或数字开头，"
                           "最长 64 个字符，例如 tonggu-ganzhengtong。")
    return {
        f"{ruleset_id}.yaml": RULESET.format(id=ruleset_id),
        f"{ruleset_id}.test.yaml": TEST.format(id=ruleset_id),
        f"examples/{ruleset_id}/units.csv": UNITS,
        f"examples/{ruleset_id}/period.yaml": PERIOD,
        "schemas/ruleset.schema.json": schema_text("ruleset"),
        "schemas/ruletest.schema.json": schema_text("ruletest"),
        "schemas/period.schema.json": schema_text("period"),
    }


def write_starter(ruleset_id: str, folder: Path) -> list[Path]:
    """Write the starter into ``folder``; refuse (writing nothing) if its ruleset, test or table exists.
    Schema files already there (from an earlier ``init``) are kept: a second ruleset shares them."""
    files = {folder / rel: text for rel, text in starter_files(ruleset_id).items()
             if not (rel.startswith("schemas/") and (folder / rel).exists())}
    taken = [str(p) for p in files if p.exists()]
    if taken:
        raise TongbaoError(f"这些文件已经存在：{'、'.join(taken)}。tongbao init 不会覆盖文件；请换一个 id 或文件夹。")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def schema_names() -> list[str]:
    """The schemas ``tongbao schema`` can write: those shipped with this installation."""
    out = []
    for name, file in SCHEMA_FILES.items():
        try:
            schema_text(file.removesuffix(".schema.json"))
        except (OSError, ValueError):
            continue
        out.append(name)
    return out
