"""Defects a review found, each pinned: wrong inputs are ruleset or data errors, never crashes or silent answers."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

import tongbao

ROOT = Path(__file__).resolve().parent.parent
TONGGU = (ROOT / "rulesets/tonggu-ganzhengtong.yaml").read_text(encoding="utf-8")


def _rules(tmp_path: Path, text: str) -> tongbao.Ruleset:
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    return tongbao.load_ruleset(path)


def _columns(folder: Path) -> dict:
    out = {}
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        out[path.name] = {h: [r[i] if i < len(r) else "" for r in rows[1:]] for i, h in enumerate(rows[0])}
    return out


@pytest.mark.parametrize("rid", ["yanjiang-xinxi-2020q3", "jiujiang-wangzhan-2022q2", "ganzhou-gongkai-2022-07"])
def test_columns_give_the_same_verdict_as_the_csv_files(rid: str) -> None:
    rules = tongbao.load_ruleset(ROOT / f"rulesets/{rid}.yaml")
    from_files = tongbao.evaluate(rules, ROOT / "examples" / rid).to_dict()
    # columns carry no period file: name the example's, so both sides audit the same published figures
    from_columns = tongbao.evaluate(rules, _columns(ROOT / "examples" / rid),
                                    period_file=ROOT / "examples" / rid / "period.yaml").to_dict()
    assert [p["summary"] for p in from_columns["parts"]] == [p["summary"] for p in from_files["parts"]]


def test_columns_of_different_lengths_are_a_data_error() -> None:
    rules = tongbao.load_ruleset(ROOT / "rulesets/tonggu-ganzhengtong.yaml")
    cols = {"单位": ["甲", "乙"], "累计注册人数": [1, 2], "累计激活率": [1.0], "活跃率": [1.0, 1.0], "活跃工作群数": [0, 0]}
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(rules, {"units.csv": cols})
    assert "各列的长度不一样" in str(err.value)


@pytest.mark.parametrize("metric", ["activity_band", "activation_short", "group"])
def test_a_tier_on_a_non_number_is_refused_at_load(tmp_path: Path, metric: str) -> None:
    with pytest.raises(tongbao.RulesetError) as err:
        _rules(tmp_path, TONGGU.replace("    metric: activity\n", f"    metric: {metric}\n"))
    assert "tiers.activity_band.metric" in str(err.value)


def test_a_tier_on_a_yes_no_metric_is_refused(tmp_path: Path) -> None:
    rules = _rules(tmp_path, TONGGU.replace("expr: round(registered * activity)", "expr: activity < 90%")
                   .replace("    metric: activity\n", "    metric: active\n"))
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.evaluate(rules, ROOT / "examples/tonggu-ganzhengtong")
    assert "不是数字，无法分档" in str(err.value)


def test_a_ranking_naming_a_missing_band_is_refused(tmp_path: Path) -> None:
    with pytest.raises(tongbao.RulesetError) as err:
        _rules(tmp_path, TONGGU.replace("  by: activity\n", '  by: in_band("activity_band", "nope")\n'))
    assert "没有 id 为“nope”的档" in str(err.value)


def test_a_condition_that_is_not_yes_or_no_is_refused(tmp_path: Path) -> None:
    # A bare number is wrong whatever the data: refused when the ruleset loads (validate says it, rules/readiness.py).
    with pytest.raises(tongbao.RulesetError) as err:
        _rules(tmp_path, TONGGU.replace("when: work_groups == 0", "when: work_groups"))
    assert "flags.no_work_group" in str(err.value) and "不是“是/否”" in str(err.value)
    # Arithmetic giving a number is still found by the evaluator, with the same message.
    rules = _rules(tmp_path, TONGGU.replace("when: work_groups == 0", "when: work_groups * 1"))
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.evaluate(rules, ROOT / "examples/tonggu-ganzhengtong")
    assert "flags.no_work_group" in str(err.value) and "不是“是/否”" in str(err.value)


def test_an_id_number_in_a_number_column_is_a_data_error(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    text = (ROOT / "examples/tonggu-ganzhengtong/units.csv").read_text(encoding="utf-8")
    (data / "units.csv").write_text(text.replace("1,县委办,28,", "1,县委办,360102199001011234567890123456,"), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "tongbao", "evaluate", "rulesets/tonggu-ganzhengtong.yaml", str(data)],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 1 and "数值过大" in out.stderr and "第 2 行" in out.stderr


def test_facts_and_bands_in_messages_print_their_values(tmp_path: Path) -> None:
    text = TONGGU.replace("tiers:\n", "facts:\n  target: {label: 目标, value: 0.9}\n\ntiers:\n", 1) \
        .replace('message: "{unit}活跃率{activity}，列入“{band.activity_band}”。"', 'message: "{unit}目标{target}，{band.activity_band}"')
    rules = _rules(tmp_path, text)
    unit = next(u for u in tongbao.evaluate(rules, ROOT / "examples/tonggu-ganzhengtong").to_dict()["parts"][0]["units"]
                if u["name"] == "林业局")
    assert unit["notifications"][0]["message"] == "林业局目标0.9，活跃率低于80%的单位"


def test_a_tier_name_alone_in_a_message_is_refused(tmp_path: Path) -> None:
    with pytest.raises(tongbao.RulesetError) as err:
        _rules(tmp_path, TONGGU.replace("列入“{band.activity_band}”", "列入“{activity_band}”"))
    assert "未知的占位名称“activity_band”" in str(err.value)


def test_full_width_not_applicable_tokens_match_the_cells(tmp_path: Path) -> None:
    rules = _rules(tmp_path, TONGGU.replace("work_groups: {column: 活跃工作群数, type: integer, min: 0, blank: zero}",
                                            'work_groups: {column: 活跃工作群数, type: integer, min: 0, blank: zero, not_applicable: ["－"]}'))
    rows = [{"单位": "甲", "累计注册人数": "1", "累计激活率": "100%", "活跃率": "100%", "活跃工作群数": "－"}]
    unit = tongbao.evaluate(rules, rows).to_dict()["parts"][0]["units"][0]
    assert unit["not_applicable"] == ["work_groups"]


def test_a_published_figure_may_keep_its_thousands_separator(tmp_path: Path) -> None:
    period = tmp_path / "period.yaml"
    period.write_text('period: "2022-05"\npublished: {registered_total: "5,001"}\n', encoding="utf-8")
    rules = _rules(tmp_path, TONGGU)
    verdict = tongbao.evaluate(rules, ROOT / "examples/tonggu-ganzhengtong", period_file=period).to_dict()
    figure = verdict["parts"][0]["summary"]["figures"][0]
    assert figure["agrees"] is True


def test_each_missing_key_is_named_once(tmp_path: Path) -> None:
    with pytest.raises(tongbao.RulesetError) as err:
        _rules(tmp_path, "tongbao: 1\nid: x\n")
    lines = [p.message for p in err.value.problems]
    assert len(lines) == len(set(lines)) and sum("缺少必填的键" in m for m in lines) == 4
