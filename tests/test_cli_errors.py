"""`-o` never destroys an input, never leaves half a file, and says clearly what is wrong."""
from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def files(tonggu_ruleset_text: str, tonggu_units_text: str, tmp_path: Path) -> tuple[Path, Path]:
    ruleset = tmp_path / "rules" / "ruleset.yaml"
    data = tmp_path / "data" / "units.csv"
    for path, text in ((ruleset, tonggu_ruleset_text), (data, tonggu_units_text)):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    return ruleset, data


def test_control_good_run_writes_only_the_output(files: tuple[Path, Path], tmp_path: Path, cli, snapshot) -> None:
    """Control: the same command with good inputs succeeds, so the failures below are real."""
    ruleset, data = files
    out = tmp_path / "out" / "verdict.json"
    out.parent.mkdir()
    snap = snapshot(ruleset, data)
    res = cli.run("evaluate", ruleset, data, "-f", "json", "-o", out)
    assert res.returncode == 0, res.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["input"]["tables"][0]["rows"] == 117
    assert [p.name for p in out.parent.iterdir()] == ["verdict.json"]
    snap.assert_unchanged()


@pytest.mark.parametrize("spelling", ["same", "dotdot", "folder-input", "ruleset"])
def test_output_over_an_input_is_refused(spelling: str, files: tuple[Path, Path], cli) -> None:
    ruleset, data = files
    data_arg = data.parent if spelling == "folder-input" else data
    out = {
        "same": data,
        "dotdot": data.parent / ".." / data.parent.name / data.name,
        "folder-input": data,
        "ruleset": ruleset,
    }[spelling]
    for fmt in ("json", "table"):
        cli.fail("evaluate", ruleset, data_arg, "-f", fmt, "-o", out, inputs=(ruleset, data), out=out,
                 contains=(str(out), "输出文件不能是输入文件"))


def test_output_into_missing_folder(files: tuple[Path, Path], tmp_path: Path, cli) -> None:
    ruleset, data = files
    out = tmp_path / "no-such-folder" / "verdict.json"
    cli.fail("evaluate", ruleset, data, "-o", out, inputs=(ruleset, data), out=out,
             contains=(str(out.parent), "不存在"))
    assert not out.parent.exists()


def test_output_is_an_existing_folder(files: tuple[Path, Path], tmp_path: Path, cli) -> None:
    """`-o some/folder` must be a clear input error (exit 1), not a crash report (exit 3)."""
    ruleset, data = files
    folder = tmp_path / "out"
    folder.mkdir()
    cli.fail("evaluate", ruleset, data, "-o", folder, inputs=(ruleset, data), out=folder, contains=(str(folder),))
    assert list(folder.iterdir()) == []


def _break_ruleset(ruleset: Path, data: Path) -> tuple[str, ...]:
    text = ruleset.read_text(encoding="utf-8")
    ruleset.write_text(text.replace("\nmetrics:\n", "\nmetircs:\n"), encoding="utf-8")
    return ("metircs",)


def _break_data(ruleset: Path, data: Path) -> tuple[str, ...]:
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("4,编委办,6,", "4,编委办,abc,"), encoding="utf-8")
    return ("abc",)


def _remove_data(ruleset: Path, data: Path) -> tuple[str, ...]:
    data.unlink()
    return (str(data), "找不到")


def _remove_ruleset(ruleset: Path, data: Path) -> tuple[str, ...]:
    ruleset.unlink()
    return (str(ruleset), "找不到")


BREAKS = {"bad-ruleset": _break_ruleset, "bad-data": _break_data, "missing-data": _remove_data,
          "missing-ruleset": _remove_ruleset}


@pytest.mark.parametrize("existing", [False, True], ids=["new-output", "existing-output"])
@pytest.mark.parametrize("fmt", ["json", "table"])
@pytest.mark.parametrize("kind", list(BREAKS))
def test_error_leaves_output_path_alone(kind: str, fmt: str, existing: bool, files: tuple[Path, Path],
                                        tmp_path: Path, cli) -> None:
    """On any error nothing appears at -o, and a file already there keeps its bytes."""
    ruleset, data = files
    parts = BREAKS[kind](ruleset, data)
    out = tmp_path / "out" / "verdict.json"
    out.parent.mkdir()
    if existing:
        out.write_text('{"previous": "verdict"}\n', encoding="utf-8")
    cli.fail("evaluate", ruleset, data, "-f", fmt, "-o", out, inputs=(ruleset, data), out=out, contains=parts)
    if existing:
        assert out.read_text(encoding="utf-8") == '{"previous": "verdict"}\n'
    else:
        assert not out.exists()
