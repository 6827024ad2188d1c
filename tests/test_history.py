"""Escalation over periods: a unit named in two periods running is summoned, with the periods cited."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import tongbao
from tongbao.data.history import period_of

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rulesets/tonggu-ganzhengtong.yaml"


@pytest.fixture(scope="module")
def april() -> dict:
    return tongbao.evaluate(tongbao.load_ruleset(RULES), ROOT / "examples/tonggu-ganzhengtong-2022-04", period="2022-04").to_dict()


def _may(history: list[dict]) -> dict:
    rules = tongbao.load_ruleset(RULES)
    periods = [period_of(h) for h in history]
    return tongbao.evaluate(rules, ROOT / "examples/tonggu-ganzhengtong", period="2022-05", history=periods).to_dict()


def test_named_twice_is_summoned_with_both_periods_cited(april: dict) -> None:
    may = _may([april])
    esc = {e["id"]: e for e in may["parts"][0]["summary"]["escalations"]}
    assert esc["summon_repeat_low"]["units"] == ["林业局", "人民医院"]  # 法院 was at 85% in April
    assert esc["accountable_long_low"]["units"] == []  # three months are needed
    unit = next(u for u in may["parts"][0]["units"] if u["name"] == "林业局")
    assert unit["escalations"] == [{"id": "summon_repeat_low", "action": "约谈", "periods": ["2022-04", "2022-05"],
                                    "message": "林业局连续2期活跃率低于80%（2022-04、2022-05），本期79.56%，约谈有关负责人。"}]
    assert may["history"] == [{"period": "2022-04", "ruleset_version": "2022.05", "file": "<verdict>"}]


def test_three_periods_running_lead_to_accountability(april: dict) -> None:
    march = json.loads(json.dumps(april))
    march["period"]["id"] = "2022-03"
    may = _may([march, april])
    esc = {e["id"]: e for e in may["parts"][0]["summary"]["escalations"]}
    assert esc["accountable_long_low"]["units"] == ["林业局", "人民医院"]
    unit = next(u for u in may["parts"][0]["units"] if u["name"] == "人民医院")
    assert [e["periods"] for e in unit["escalations"]] == [["2022-03", "2022-04", "2022-05"]] * 2


def test_a_break_in_the_streak_resets_it(april: dict) -> None:
    march = json.loads(json.dumps(april))
    march["period"]["id"] = "2022-03"
    clean = json.loads(json.dumps(april))
    for u in clean["parts"][0]["units"]:
        u["bands"]["activity_band"] = "ok"
    may = _may([march, clean])  # March low, a clean April just before May
    esc = {e["id"]: e for e in may["parts"][0]["summary"]["escalations"]}
    assert esc["summon_repeat_low"]["units"] == []


def test_history_out_of_period_order_is_refused_not_sorted(april: dict) -> None:
    """A streak reads the periods oldest first; April given before March is a mistake to say, not to guess at."""
    march = json.loads(json.dumps(april))
    march["period"]["id"] = "2022-03"
    with pytest.raises(tongbao.TongbaoError) as err:
        _may([april, march])
    assert str(err.value) == ("<verdict>：考核期“2022-03”早于前面给出的 <verdict>（“2022-04”）。"
                              "--history 要按时间先后给出（先早后晚）；请调换顺序。")


def test_history_from_another_ruleset_is_refused(april: dict) -> None:
    other = json.loads(json.dumps(april))
    other["ruleset"]["id"] = "someone-else"
    with pytest.raises(tongbao.TongbaoError) as err:
        _may([other])
    assert "这是规则集“someone-else”的结果" in str(err.value)


def test_cli_history_round_trip(tmp_path: Path) -> None:
    saved = tmp_path / "2022-04.json"
    base = [sys.executable, "-m", "tongbao", "evaluate", "rulesets/tonggu-ganzhengtong.yaml"]
    subprocess.run(base + ["examples/tonggu-ganzhengtong-2022-04/", "--period", "2022-04", "-f", "json", "-o", str(saved)],
                   cwd=ROOT, check=True, capture_output=True)
    out = subprocess.run(base + ["examples/tonggu-ganzhengtong/", "--period", "2022-05", "--history", str(saved)],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True).stdout
    assert "约谈：连续两期活跃率低于80%的单位（2个）：林业局、人民医院" in out
    assert "林业局连续2期活跃率低于80%（2022-04、2022-05），本期79.56%" in out  # the sentence, periods cited


def test_cli_bad_history_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{not json", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "tongbao", "evaluate", "rulesets/tonggu-ganzhengtong.yaml", "examples/tonggu-ganzhengtong/",
                          "--history", str(bad)], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 1 and "不是 tongbao 的判定结果（JSON）" in out.stderr and "Traceback" not in out.stderr
