"""The public API: what ``import tongbao`` exports, typed, and the one error family with ``.problems``."""
from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any, Callable

import pytest

import tongbao
from tongbao import CellProblem, DataError, Problem, RulesetError, TongbaoError

ROOT = Path(__file__).resolve().parent.parent
TONGGU = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
UNITS = ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv"
PUBLIC = {"load_ruleset", "evaluate", "load_table", "read_history", "Ruleset", "Verdict", "VerdictDict", "Period",
          "TongbaoError", "RulesetError", "DataError", "Problem", "CellProblem", "__version__"}


def test_all_lists_exactly_the_public_names() -> None:
    assert set(tongbao.__all__) == PUBLIC
    assert len(tongbao.__all__) == len(PUBLIC)
    namespace: dict[str, Any] = {}
    exec("from tongbao import *", namespace)
    assert set(namespace) - {"__builtins__"} == PUBLIC


def test_public_functions_are_fully_annotated() -> None:
    for name in ("load_ruleset", "evaluate", "load_table", "read_history"):
        sig = inspect.signature(getattr(tongbao, name))
        assert sig.return_annotation is not inspect.Signature.empty, name
        missing = [p.name for p in sig.parameters.values() if p.annotation is inspect.Parameter.empty]
        assert missing == [], (name, missing)


def test_error_classes_are_one_family() -> None:
    assert issubclass(RulesetError, TongbaoError) and issubclass(DataError, TongbaoError)
    assert tongbao.Verdict.to_dict.__annotations__["return"] == "VerdictDict"


def test_history_round_trip_through_the_public_names(tmp_path: Path) -> None:
    """read_history and Period are what ``evaluate(history=...)`` takes; a saved verdict reads back."""
    rules = tongbao.load_ruleset(TONGGU)
    units = tmp_path / "units.csv"  # a copy away from the example's period.yaml, so --period alone names the period
    units.write_bytes(UNITS.read_bytes())
    earlier = tmp_path / "2022-04.json"
    earlier.write_text(tongbao.evaluate(rules, units, period="2022-04").to_json(), encoding="utf-8")
    history = tongbao.read_history([earlier])
    assert [type(h) for h in history] == [tongbao.Period]
    assert (history[0].period, history[0].ruleset_id) == ("2022-04", "tonggu-ganzhengtong")
    verdict = tongbao.evaluate(rules, units, period="2022-05", history=history).to_dict()
    assert verdict["history"] == [{"period": "2022-04", "ruleset_version": "2022.05", "file": "2022-04.json"}]


# ---------------------------------------------------------------- every user error: TongbaoError, .problems a list

def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _bad_yaml(tmp: Path) -> None:
    tongbao.load_ruleset(_write(tmp, "bad.yaml", "tongbao: 1\nid: [unclosed\n"))


def _bad_key(tmp: Path) -> None:
    text = TONGGU.read_text(encoding="utf-8").replace("ranking:", "rankingg:")
    tongbao.load_ruleset(_write(tmp, "typo.yaml", text))


def _bad_cell(tmp: Path) -> None:
    text = UNITS.read_text(encoding="utf-8").replace("1,县委办,28,", "1,县委办,二十八,")
    tongbao.evaluate(tongbao.load_ruleset(TONGGU), _write(tmp, "units.csv", text))


def _other_ruleset_history(tmp: Path) -> None:
    verdict = json.loads(tongbao.evaluate(tongbao.load_ruleset(TONGGU), UNITS).to_json())
    verdict["ruleset"]["id"] = "another-ruleset"
    saved = _write(tmp, "other.json", json.dumps(verdict, ensure_ascii=False))
    tongbao.evaluate(tongbao.load_ruleset(TONGGU), UNITS, period="2022-05", history=tongbao.read_history([saved]))


CASES: dict[str, tuple[Callable[[Path], Any], type[TongbaoError]]] = {
    "missing ruleset": (lambda tmp: tongbao.load_ruleset(tmp / "nowhere.yaml"), TongbaoError),
    "ruleset is a folder": (lambda tmp: tongbao.load_ruleset(tmp), TongbaoError),
    "YAML syntax": (_bad_yaml, RulesetError),
    "unknown key": (_bad_key, RulesetError),
    "missing data file": (lambda tmp: tongbao.evaluate(tongbao.load_ruleset(TONGGU), tmp / "nowhere.csv"), TongbaoError),
    "bad cell": (_bad_cell, DataError),
    "no records": (lambda tmp: tongbao.evaluate(tongbao.load_ruleset(TONGGU), []), DataError),
    "records that are not mappings": (lambda tmp: tongbao.evaluate(tongbao.load_ruleset(TONGGU), ["县委办", "政府办"]), DataError),
    "records lack the columns": (lambda tmp: tongbao.evaluate(tongbao.load_ruleset(TONGGU), [{"单位": "县委办"}]), DataError),
    "missing history file": (lambda tmp: tongbao.read_history([tmp / "nowhere.json"]), TongbaoError),
    "history is not a verdict": (lambda tmp: tongbao.read_history([_write(tmp, "x.json", '{"a": 1}')]), TongbaoError),
    "history of another ruleset": (_other_ruleset_history, TongbaoError),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_user_errors_are_tongbao_errors_with_a_problem_list(case: str, tmp_path: Path) -> None:
    cause, kind = CASES[case]
    with pytest.raises(TongbaoError) as caught:
        cause(tmp_path)
    error = caught.value
    assert isinstance(error, kind)
    assert type(error.problems) is list and error.problems
    item = {RulesetError: Problem, DataError: CellProblem, TongbaoError: (Problem, CellProblem, str)}[kind]
    assert all(isinstance(p, item) for p in error.problems), error.problems
    assert all(str(p) and str(p) in str(error) for p in error.problems)


def test_a_plain_error_is_its_own_one_problem() -> None:
    error = TongbaoError("文件：找不到。")
    assert error.problems == ["文件：找不到。"] and str(error) == "文件：找不到。"


def test_every_problem_is_kept_not_only_the_first() -> None:
    problems = [Problem("a.yaml", 3, 1, "tiers", "一"), Problem("a.yaml", 9, 5, "flags", "二")]
    error = RulesetError(problems)
    assert error.problems == problems and error.problems is not problems
    assert str(error).splitlines()[:2] == ["a.yaml:3:1: tiers: 一", "a.yaml:9:5: flags: 二"]
