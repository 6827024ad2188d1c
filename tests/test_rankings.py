"""Rankings (issue 9 §1): several keys, tie rules, rank in expressions, rosters, explain; fixture in tests/fixtures/language."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tongbao
from tongbao.errors import RulesetError
from tongbao.ranking import rank_keys
from tongbao.tools.explain import explain_unit

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "language"


def _brute(keys: list[list[float]], ties: str) -> list[float]:
    """Places by counting, one unit at a time: the meaning of each tie rule."""
    n = len(keys[0])
    rows = [tuple(k[i] for k in keys) for i in range(n)]
    valid = [i for i in range(n) if not math.isnan(rows[i][0])]
    out = [math.nan] * n
    for i in valid:
        if ties == "shared":
            out[i] = 1 + sum(1 for j in valid if rows[j] < rows[i])
        elif ties == "dense":
            out[i] = 1 + len({rows[j] for j in valid if rows[j] < rows[i]})
        else:
            out[i] = 1 + sum(1 for j in valid if rows[j] < rows[i] or (rows[j] == rows[i] and j < i))
    return out


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from([1.0, 2.0, 3.0, math.nan]), min_size=n, max_size=n),
    st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=n, max_size=n))), st.sampled_from(["shared", "dense", "table_order"]))
def test_two_key_places_are_the_counted_ones(keys: tuple[list[float], list[float]], ties: str) -> None:
    got = rank_keys([np.array(keys[0]), np.array(keys[1])], ties).tolist()
    want = _brute([keys[0], keys[1]], ties)
    assert all((math.isnan(g) and math.isnan(w)) or g == w for g, w in zip(got, want)), (keys, got, want)


def _verdict(tmp_path: Path, old: str = "", new: str = "") -> tongbao.Verdict:
    text = (FIXTURE / "ranking.yaml").read_text(encoding="utf-8").replace(old, new)
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    return tongbao.evaluate(tongbao.load_ruleset(tmp_path / "r.yaml"), FIXTURE / "ranking")


def _places(verdict: tongbao.Verdict, name: str = "rank") -> dict[str, int]:
    part = verdict.parts[0]
    return {str(u): int(v) for u, v in zip(part.table.names, part.names[name])}


def test_shared_places_from_the_top_and_the_bottom(tmp_path: Path) -> None:
    v = _verdict(tmp_path)
    assert _places(v) == {"甲镇": 1, "乙镇": 2, "丙镇": 3, "丁镇": 3, "戊镇": 5, "A局": 1, "B局": 1, "C局": 3}
    assert _places(v, "rank_from_bottom") == {"甲镇": 5, "乙镇": 4, "丙镇": 2, "丁镇": 2, "戊镇": 1, "A局": 2, "B局": 2, "C局": 1}
    assert _places(v, "ranked") == {"甲镇": 5, "乙镇": 5, "丙镇": 5, "丁镇": 5, "戊镇": 5, "A局": 3, "B局": 3, "C局": 3}
    summary = v.to_dict()["parts"][0]["summary"]
    assert summary["top"]["groups"] == {"towns": ["甲镇"], "departments": ["A局", "B局"]}
    assert summary["bottom"]["groups"] == {"towns": ["戊镇"], "departments": ["C局"]}
    assert "县直部门：取前 1 名；并列第 1 名的 2 个单位一并列入，共 2 个。" in summary["top"]["note"]
    # The bottom roster counts from the bottom and says so (it once said 取前).
    assert summary["bottom"]["note"] == "乡镇：取后 1 名。县直部门：取后 1 名。"


def test_dense_places(tmp_path: Path) -> None:
    v = _verdict(tmp_path, "ties: shared", "ties: dense")
    assert _places(v) == {"甲镇": 1, "乙镇": 2, "丙镇": 3, "丁镇": 3, "戊镇": 4, "A局": 1, "B局": 1, "C局": 2}
    assert _places(v, "rank_from_bottom") == {"甲镇": 4, "乙镇": 3, "丙镇": 2, "丁镇": 2, "戊镇": 1, "A局": 2, "B局": 2, "C局": 1}


def test_table_order_places_and_an_exact_roster(tmp_path: Path) -> None:
    v = _verdict(tmp_path, "ties: shared", "ties: table_order")
    assert _places(v) == {"甲镇": 1, "乙镇": 2, "丙镇": 3, "丁镇": 4, "戊镇": 5, "A局": 1, "B局": 2, "C局": 3}
    assert _places(v, "rank_from_bottom") == {"甲镇": 5, "乙镇": 4, "丙镇": 3, "丁镇": 2, "戊镇": 1, "A局": 3, "B局": 2, "C局": 1}
    assert v.to_dict()["parts"][0]["summary"]["top"]["groups"] == {"towns": ["甲镇"], "departments": ["A局"]}


def test_the_next_key_breaks_what_the_first_leaves_tied(tmp_path: Path) -> None:
    one_key = _verdict(tmp_path, "by: [score, -late_count]", "by: score")
    assert _places(one_key)["甲镇"] == 1 and _places(one_key)["乙镇"] == 1  # 90 and 90: tied on score alone
    text_key = _verdict(tmp_path, "by: [score, -late_count]", "by: [score, {expr: late_count, order: ascending}, kind]")
    assert _places(text_key)["乙镇"] == 2


def test_explain_says_the_tie_the_rule_and_the_roster(tmp_path: Path) -> None:
    part = _verdict(tmp_path).parts[0]
    lines = explain_unit(part, 6)["lines"]  # B局
    rank_line = next(x for x in lines if x.startswith("综合排名"))
    assert "第 1 名，倒数第 2 名，共 3 个（按 score, -late_count：88.00，0）；与A局并列，并列的单位名次相同，下一名次顺延（1、1、3）" in rank_line
    assert "  列入“通报表扬的单位”：取前 1 名；并列第 1 名的 2 个单位一并列入，共 2 个。" in lines


def test_the_published_rank_is_audited(tmp_path: Path) -> None:
    warnings = [w for w in _verdict(tmp_path).parts[0].warnings if w.code == "TB-A001"]
    assert [(w.unit, w.message) for w in warnings] == [("丁镇", "附件“公布名次”为 4，按规则计算为 3。")]


def test_rank_before_its_keys_is_a_ruleset_error(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as caught:
        _verdict(tmp_path, "by: [score, -late_count]", "by: [place, -late_count]")
    assert any("名次还排不出来" in p.message and p.path == "metrics.place.expr" for p in caught.value.problems)


def test_rank_without_a_ranking_is_a_ruleset_error(tmp_path: Path) -> None:
    text = (FIXTURE / "ranking.yaml").read_text(encoding="utf-8")
    text = text[:text.index("ranking:")] + text[text.index("metrics:"):]
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        tongbao.load_ruleset(tmp_path / "r.yaml")
    assert "这一部分没有排名（ranking），不能用 rank。请先写 ranking。" in str(caught.value)


def test_the_rule_test_file_passes() -> None:
    from tongbao.tools.ruletest import run_tests

    report = run_tests([FIXTURE / "ranking.test.yaml"])
    assert report["passed"] == 1 and report["failed"] == 0, report
