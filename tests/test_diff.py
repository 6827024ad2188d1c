"""``tongbao.diff``: two rulesets on one table (what-if), one ruleset on two periods, and the 80-column report."""
from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

import tongbao
from tongbao.tools.diff import diff_periods, diff_rules, render_diff
from tongbao.data.history import period_of

ROOT = Path(__file__).resolve().parent.parent
TONGGU = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
TONGGU_UNITS = ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv"
SEEDS = ["demo-county-websites-2024", "ganzhou-gongkai-2022-07", "ganzhou-jiance-2023-08",
         "jiujiang-wangzhan-2022q2", "tonggu-ganzhengtong", "yanjiang-xinxi-2020q3"]

# Between 85% and 90% in the annex, in table order: the units an 85% line no longer names.
MOVED_AT_85 = ["税务局", "卫健委", "城管局", "宣传部", "烟草公司", "带溪卫生院"]


def _what_if(folder: Path, ruleset: Path, old: str, new: str, version: str) -> Path:
    """A copy of ``ruleset`` with one line moved and its own version, written beside nothing else."""
    text = ruleset.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {ruleset.name}: the what-if would test nothing"
    text = text.replace(old, new)
    version_line = next(line for line in text.splitlines() if line.startswith("version:"))
    text = text.replace(version_line, f'version: "{version}"')
    out = folder / ruleset.name
    out.write_text(text, encoding="utf-8")
    return out


def _verdict(ruleset: Path, data: object, **options: object) -> dict:
    return tongbao.evaluate(tongbao.load_ruleset(ruleset), data, **options).to_dict()


def _render(diff: dict) -> str:
    buffer = io.StringIO()
    render_diff(diff, Console(file=buffer, width=80))
    return buffer.getvalue()


def _assert_fits_80(text: str) -> None:
    wide = [line for line in text.splitlines() if cell_len(line) > 80]
    assert not wide, "lines wider than 80 cells:\n" + "\n".join(wide)


# ====================================================================== (a) what-if: the 90% line at 85%

@pytest.fixture(scope="module")
def tonggu() -> dict:
    return _verdict(TONGGU, TONGGU_UNITS)


@pytest.fixture(scope="module")
def what_if(tmp_path_factory: pytest.TempPathFactory, tonggu: dict) -> dict:
    folder = tmp_path_factory.mktemp("what-if")
    copy_ = _what_if(folder, TONGGU, 'below: "90%"', 'below: "85%"', "2022.05-what-if")
    return diff_rules(tonggu, _verdict(copy_, TONGGU_UNITS))


def _part(diff: dict) -> dict:
    return diff["parts"][0]


def test_what_if_moves_exactly_the_six_units_between_85_and_90_percent(what_if: dict) -> None:
    units = _part(what_if)["units"]
    moved = [u["name"] for u in units if u["bands"]]
    assert moved == MOVED_AT_85
    assert [u["name"] for u in units] == MOVED_AT_85  # and nothing else about any other unit changed
    for unit in units:
        (move,) = unit["bands"]
        assert (move["tier"], move["from"], move["to"]) == ("activity_band", "below_90", "ok")
        assert (move["from_label"], move["to_label"]) == ("活跃率低于90%的单位", "活跃率达到90%及以上的单位")
        assert (move["from_severity"], move["to_severity"]) == (1, 0)
        assert unit["flags"] == {"gained": [], "lost": []}
        assert unit["values"] == [] and unit["rank"] is None


def test_what_if_values_are_the_annexs(what_if: dict) -> None:
    values = {u["name"]: u["bands"][0]["value_after"] for u in _part(what_if)["units"]}
    assert values == {"税务局": "88.62%", "卫健委": "86.90%", "城管局": "86.81%", "宣传部": "86.36%",
                      "烟草公司": "85.71%", "带溪卫生院": "85.71%"}


def test_what_if_band_counts_below_90_15_to_9_and_ok_83_to_89(what_if: dict) -> None:
    (tier,) = _part(what_if)["tiers"]
    counts = {b["id"]: (b["before"], b["after"]) for b in tier["bands"]}
    assert counts == {"below_20": (1, 1), "below_50": (6, 6), "below_80": (12, 12), "below_90": (15, 9), "ok": (83, 89)}
    rules = {b["id"]: (b["rule_before"], b["rule_after"]) for b in tier["bands"]}
    assert rules["below_90"] == ("< 90%", "< 85%")
    assert tier["unbanded"] == {"before": 0, "after": 0}


def test_what_if_loses_name_low_activity_for_exactly_those_six(what_if: dict) -> None:
    units = _part(what_if)["units"]
    lost = [u["name"] for u in units for n in u["notifications"]["lost"] if n["id"] == "name_low_activity"]
    assert lost == MOVED_AT_85
    assert all(u["notifications"]["gained"] == [] and u["notifications"]["reworded"] == [] for u in units)
    rows = {n["id"]: (n["before"], n["after"]) for n in _part(what_if)["notifications"]}
    assert rows["name_low_activity"] == (34, 28)
    assert rows["criticise_activation"][0] == rows["criticise_activation"][1]


def test_what_if_leaves_flags_figures_and_ranks_alone(what_if: dict) -> None:
    part = _part(what_if)
    assert all(f["before"] == f["after"] for f in part["flags"])
    assert not any(f["changed"] for f in part["figures"])
    figure = next(f for f in part["figures"] if f["id"] == "activity_rate")
    assert figure["before"] == figure["after"] == {"value": 0.864627074585, "display": "86.46%"}


def test_what_if_names_both_sides_and_says_it_changed(what_if: dict, tonggu: dict) -> None:
    assert what_if["kind"] == "rules" and what_if["changed"] is True
    before, after = what_if["before"], what_if["after"]
    assert (before["ruleset"]["id"], after["ruleset"]["id"]) == ("tonggu-ganzhengtong", "tonggu-ganzhengtong")
    assert (before["ruleset"]["version"], after["ruleset"]["version"]) == ("2022.05", "2022.05-what-if")
    assert before["ruleset"]["sha256"] == tonggu["ruleset"]["sha256"] != after["ruleset"]["sha256"]
    assert before["input"]["sha256"] == after["input"]["sha256"] == tonggu["input"]["sha256"]
    assert what_if["notes"] == []
    json.dumps(what_if, ensure_ascii=False, allow_nan=False)  # the CLI writes it as JSON


def test_saved_json_verdicts_diff_the_same_as_fresh_ones(tmp_path: Path, tonggu: dict, what_if: dict) -> None:
    copy_ = _what_if(tmp_path, TONGGU, 'below: "90%"', 'below: "85%"', "2022.05-what-if")
    saved = tongbao.evaluate(tongbao.load_ruleset(copy_), TONGGU_UNITS).to_json()
    assert diff_rules(json.loads(json.dumps(tonggu)), json.loads(saved)) == what_if


@pytest.mark.parametrize("seed", SEEDS)
def test_a_verdict_against_itself_has_no_changes(seed: str) -> None:
    v = _verdict(ROOT / "rulesets" / f"{seed}.yaml", ROOT / "examples" / seed)
    for diff in (diff_rules(v, copy.deepcopy(v)), diff_periods(v, copy.deepcopy(v))):
        assert diff["changed"] is False
        assert all(p["units"] == [] or diff["kind"] == "periods" for p in diff["parts"])
    out = _render(diff_rules(v, v))
    assert "两份判定结果没有差别。" in out
    assert "两份判定结果所用的规则集内容完全相同。" in out


def test_different_data_in_a_rules_diff_is_pointed_out() -> None:
    rows = [{"单位": "甲", "累计注册人数": 10, "累计激活率": "100%", "活跃率": "95%", "活跃工作群数": 1}]
    other = [{**rows[0], "活跃率": "85%"}]
    diff = diff_rules(_verdict(TONGGU, rows), _verdict(TONGGU, other))
    assert any("所用的数据不同" in note for note in diff["notes"])
    assert [u["name"] for u in _part(diff)["units"]] == ["甲"]


# ====================================================================== (b) periods

def _row(name: str, activity: str, activation: str = "100%") -> dict:
    return {"单位": name, "累计注册人数": 20, "累计激活率": activation, "活跃率": activity, "活跃工作群数": 1}


EARLIER = [_row("甲", "70%"), _row("乙", "95%"), _row("丙", "85%"), _row("丁", "40%"), _row("戊", "96%")]
LATER = [_row("己", "100%"), _row("甲", "95%"), _row("乙", "45%"), _row("丙", "86%"), _row("戊", "96%", activation="90%")]


@pytest.fixture(scope="module")
def periods() -> dict:
    return diff_periods(_verdict(TONGGU, EARLIER, period="2022-04"), _verdict(TONGGU, LATER, period="2022-05"))


def test_periods_sort_units_onto_the_right_lists(periods: dict) -> None:
    part = _part(periods)
    assert part["improved"] == ["甲"]  # below_80 → ok
    assert part["worsened"] == ["乙"]  # ok → below_50
    assert part["mixed"] == []
    assert part["newly_named"] == ["乙", "戊"]  # 戊 by a notification only: its activation fell to 90%
    assert part["named_again"] == ["丙"]  # below_90 both times
    assert part["no_longer_named"] == ["甲"]
    assert part["appeared"] == ["己"]
    assert part["disappeared"] == ["丁"]  # named before, but gone is not "no longer named"
    assert part["counts"] == periods["counts"] == {
        "worsened": 1, "improved": 1, "mixed": 0, "newly_named": 2, "named_again": 1, "no_longer_named": 1,
        "appeared": 1, "disappeared": 1}


def test_periods_keep_the_later_tables_order(periods: dict) -> None:
    assert [u["name"] for u in _part(periods)["units"]] == ["己", "甲", "乙", "丙", "戊", "丁"]


def test_periods_moves_carry_severity_and_values(periods: dict) -> None:
    unit = next(u for u in _part(periods)["units"] if u["name"] == "乙")
    (move,) = unit["tiers"]
    assert (move["from"], move["to"], move["from_severity"], move["to_severity"]) == ("ok", "below_50", 0, 3)
    assert (move["value_before"], move["value_after"]) == ("95.00%", "45.00%")
    assert (unit["named_before"], unit["named_after"], unit["actions_after"]) == (False, True, ["点名"])


def test_periods_counts_and_sides(periods: dict) -> None:
    assert periods["kind"] == "periods" and periods["changed"] is True
    assert periods["before"]["ruleset"] == periods["after"]["ruleset"]
    assert (periods["before"]["period"], periods["after"]["period"]) == ("2022-04", "2022-05")
    assert periods["notes"] == []
    assert periods["before"]["input"]["sha256"] != periods["after"]["input"]["sha256"]
    (tier,) = _part(periods)["tiers"]
    counts = {b["id"]: (b["before"], b["after"]) for b in tier["bands"]}
    assert counts == {"below_20": (0, 0), "below_50": (1, 1), "below_80": (1, 0), "below_90": (1, 1), "ok": (2, 3)}


def test_periods_refuse_two_rulesets(tmp_path: Path) -> None:
    text = TONGGU.read_text(encoding="utf-8").replace("id: tonggu-ganzhengtong", "id: tonggu-other", 1)
    other = tmp_path / "other.yaml"
    other.write_text(text, encoding="utf-8")
    with pytest.raises(tongbao.TongbaoError) as caught:
        diff_periods(_verdict(TONGGU, EARLIER), _verdict(other, LATER))
    assert str(caught.value) == (
        "两份判定结果来自不同的规则集：上期为“tonggu-ganzhengtong”，本期为“tonggu-other”。按期比较只能比较同一规则集的结果。"
        "请用同一规则集分别评定两期数据后再比较；若想看换一套规则的影响，请改用规则比较。")


def test_periods_note_a_changed_ruleset_version(tmp_path: Path) -> None:
    changed = _what_if(tmp_path, TONGGU, 'below: "90%"', 'below: "85%"', "2022.06")
    diff = diff_periods(_verdict(TONGGU, EARLIER, period="2022-04"), _verdict(changed, LATER, period="2022-05"))
    assert diff["notes"] == ["两期所用规则集的内容不同（上期版本 2022.05，本期版本 2022.06），下列变化可能部分来自规则的改动。"]


def test_periods_note_two_verdicts_with_the_same_period() -> None:
    diff = diff_periods(_verdict(TONGGU, EARLIER), _verdict(TONGGU, LATER))
    assert diff["notes"] == ["两份结果的考核期都没有记录。评定各期数据时请在数据旁放 period.yaml 或用 --period 写明考核期，以免混淆。"]


def test_april_to_may_shows_the_summons_of_units_low_twice() -> None:
    """The constructed April table (examples/SOURCES.md): 林业局 and 人民医院 low both months → 约谈 in May."""
    april = _verdict(TONGGU, ROOT / "examples" / "tonggu-ganzhengtong-2022-04" / "units.csv", period="2022-04")
    may = _verdict(TONGGU, TONGGU_UNITS, period="2022-05", history=[period_of(april)])
    part = _part(diff_periods(april, may))
    summoned = [u["name"] for u in part["units"] if "约谈" in u["actions_after"]]
    assert summoned == ["林业局", "人民医院"]
    assert set(summoned) <= set(part["named_again"])
    assert "法院" in part["worsened"] and "法院" in part["named_again"]  # < 90% in April, < 80% in May
    rows = {r["id"]: (r["before"], r["after"]) for r in part["escalations"]}
    assert rows["summon_repeat_low"] == (0, 2)


@pytest.mark.parametrize("bad, message", [
    ([], "上期判定结果不是 JSON 对象"),
    ({"ruleset": {}, "input": {}, "parts": []}, "上期判定结果缺少“tongbao”"),
    ({"tongbao": {"verdict_format": 9}, "ruleset": {}, "input": {}, "parts": []}, "上期判定结果的格式版本为 9"),
])
def test_what_is_not_a_verdict_is_refused(bad: object, message: str, tonggu: dict) -> None:
    with pytest.raises(tongbao.TongbaoError, match=message):
        diff_periods(bad, tonggu)  # type: ignore[arg-type]


# ====================================================================== the terminal report

def test_render_what_if_names_the_moved_units_within_80_columns(what_if: dict) -> None:
    out = _render(what_if)
    _assert_fits_80(out)
    for name in MOVED_AT_85:
        assert name in out
    assert "有变化的单位（6个）" in out
    assert "活跃率分档：< 90% → ≥ 90%（88.62%）" in out
    assert "不再点名：活跃率较低的单位" in out
    assert "< 90% → < 85%" in out


def test_render_periods_lists_each_category_within_80_columns(periods: dict) -> None:
    out = _render(periods)
    _assert_fits_80(out)
    for heading in ("变差（1个）", "好转（1个）", "新被点名（2个）", "连续被点名（1个）", "不再被点名（1个）",
                    "新出现（1个）", "已消失（1个）"):
        assert heading in out
    assert "（无此单位）" in out


def test_render_grouped_multi_part_what_if_fits_80_columns(tmp_path: Path) -> None:
    seed = "yanjiang-xinxi-2020q3"
    ruleset = ROOT / "rulesets" / f"{seed}.yaml"
    data = ROOT / "examples" / seed
    copy_ = _what_if(tmp_path, ruleset, 'at_least: "25%"', 'at_least: "50%"', "what-if")
    diff = diff_rules(_verdict(ruleset, data), _verdict(copy_, data))
    assert diff["changed"] and len(diff["parts"]) == 2
    adoption = next(p for p in diff["parts"] if p["id"] == "adoption")
    assert adoption["units"] and all(m["to"] == "behind" for u in adoption["units"] for m in u["bands"])
    out = _render(diff)
    _assert_fits_80(out)
    assert "━━" in out  # parts are titled when there are several


def test_render_does_not_read_brackets_in_names_as_markup() -> None:
    diff = diff_periods(_verdict(TONGGU, [_row("[bold]甲", "95%")]), _verdict(TONGGU, [_row("[bold]甲", "45%")]))
    assert "[bold]甲" in _render(diff)


def test_a_damaged_saved_verdict_is_refused_with_its_place(tonggu: dict) -> None:
    damaged = copy.deepcopy(tonggu)
    damaged["parts"][0]["units"][3]["bands"] = 5
    with pytest.raises(tongbao.TongbaoError, match=r"后一份判定结果不符合判定结果的格式：\$\.parts\[0\]\.units\[3\]\.bands"):
        diff_rules(tonggu, damaged)


def test_rules_diff_reports_escalations_gained() -> None:
    """May alone against May read with April's history: only the 约谈 of the two units low twice differ."""
    april = _verdict(TONGGU, ROOT / "examples" / "tonggu-ganzhengtong-2022-04" / "units.csv", period="2022-04")
    may = _verdict(TONGGU, TONGGU_UNITS, period="2022-05")
    diff = diff_rules(may, _verdict(TONGGU, TONGGU_UNITS, period="2022-05", history=[period_of(april)]))
    units = _part(diff)["units"]
    assert [u["name"] for u in units] == ["林业局", "人民医院"]
    assert all([e["id"] for e in u["escalations"]["gained"]] == ["summon_repeat_low"] for u in units)
    out = _render(diff)
    _assert_fits_80(out)
    assert "新增约谈：连续两期活跃率低于80%的单位" in out
