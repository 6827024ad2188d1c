"""CLI conventions: --version, -h everywhere, Chinese placeholders and usage errors, help that
fits 80 display columns, shell completion, and a closed pipe that ends quietly."""
from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import typer
from hypothesis import given, strategies as st
from rich.cells import cell_len

from tongbao._version import __version__
from tongbao.command.cli import app
from tongbao.console.width import cell_width, wrap

ROOT = Path(__file__).resolve().parent.parent
TONGGU = ("rulesets/tonggu-ganzhengtong.yaml", "examples/tonggu-ganzhengtong/")


def run(*args: str, columns: int = 80, tmpdir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS=str(columns), PYTHONIOENCODING="utf-8")
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    return subprocess.run([sys.executable, "-m", "tongbao", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def command_paths() -> list[list[str]]:
    """Every command and sub-command of the app, as argument lists (the top level is [])."""
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(group: object, prefix: list[str]) -> None:
        for name, cmd in getattr(group, "commands", {}).items():
            paths.append(prefix + [name])
            walk(cmd, prefix + [name])
    walk(root, [])
    return paths


def all_params() -> list[tuple[str, object]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, object]] = [("tongbao", p) for p in root.params]

    def walk(group: object, prefix: str) -> None:
        for name, cmd in getattr(group, "commands", {}).items():
            found.extend((f"{prefix} {name}", p) for p in cmd.params)
            walk(cmd, f"{prefix} {name}")
    walk(root, "tongbao")
    return found


def test_version_everywhere() -> None:
    for args in (["--version"], ["-V"], ["version"]):
        res = run(*args)
        assert (res.returncode, res.stdout.strip()) == (0, f"tongbao {__version__}"), args


def test_every_command_has_dash_h_within_80_display_columns() -> None:
    paths = command_paths()
    assert ["evaluate"] in paths and ["diff", "rules"] in paths and len(paths) >= 12
    for path in paths:
        res = run(*path, "-h")
        assert res.returncode == 0, (path, res.stderr)
        assert res.stdout.startswith(f"用法：tongbao {' '.join(path)}".replace("  ", " ").rstrip()), res.stdout
        wide = [line for line in res.stdout.splitlines() if cell_len(line) > 80]
        assert not wide, f"tongbao {' '.join(path)} -h: {wide}"
        for english in ("Usage:", "Options:", "Arguments:", "Show this message", "[required]", "<path>",
                        "<list[", "<str>", "{"):
            assert english not in res.stdout, (path, english)


def test_long_help_is_wrapped_not_cut() -> None:
    res = run("-h")
    listing = res.stdout.split("命令：", 1)[1]
    assert "离更\n" in listing or "离更好" in listing  # explain's help is all there …
    assert "第几行。" in listing and "..." not in listing  # … wrapped, not cut with an ellipsis


def test_every_option_and_argument_has_help_and_a_chinese_placeholder() -> None:
    for where, param in all_params():
        name = getattr(param, "name", "")
        if name in {"help", "install_completion", "show_completion"}:
            continue
        assert getattr(param, "help", None), f"{where}: {name} has no help"
        if getattr(param, "is_flag", False):
            continue
        metavar = getattr(param, "metavar", None)
        assert metavar and all(cell_width(ch) == 2 for ch in metavar), f"{where}: {name} metavar {metavar!r}"


@pytest.mark.parametrize(("args", "message"), [
    (["evaluate", TONGGU[0]], "错误：缺少参数“数据”。"),
    (["evaluate", *TONGGU, "--bogus"], "错误：没有“--bogus”这个选项。"),
    (["evaluate", *TONGGU, "-f", "xml"], "错误：“--format/-f”的值不对：xml 不是可选的值（table、json、xlsx）之一。"),
    (["evaluat"], "错误：没有“evaluat”这个命令。是不是要用 evaluate、validate？"),
    (["validate", TONGGU[0], "extra"], "错误：多出了参数：extra。"),
    (["evaluate", *TONGGU, "-o"], "错误：选项“-o”后面要跟一个值。"),
    (["diff"], "用法：tongbao diff"),
])
def test_usage_errors_in_chinese_exit_2(args: list[str], message: str) -> None:
    res = run(*args)
    assert res.returncode == 2, res
    assert message in res.stderr
    assert "Error" not in res.stderr and "Usage" not in res.stderr and "Traceback" not in res.stderr


def test_usage_error_shows_chinese_usage_and_where_help_is() -> None:
    res = run("evaluate", TONGGU[0])
    assert res.stderr.splitlines() == ["用法：tongbao evaluate [选项] 规则集 数据", "错误：缺少参数“数据”。",
                                       "运行“tongbao evaluate -h”查看帮助。"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_scripts_for_each_shell(shell: str) -> None:
    from typer._completion_shared import get_completion_script

    script = get_completion_script(prog_name="tongbao", complete_var="_TONGBAO_COMPLETE", shell=shell)
    assert "_TONGBAO_COMPLETE" in script and "tongbao" in script
    assert "--install-completion" in run("-h").stdout


def test_completion_answers_with_the_commands() -> None:
    env = dict(os.environ, _TONGBAO_COMPLETE="complete_bash", COMP_WORDS="tongbao ev", COMP_CWORD="1")
    res = subprocess.run([sys.executable, "-c", "from tongbao.command.cli import main; main()"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert res.stdout.split() == ["evaluate"], res


def test_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    """`tongbao evaluate … -f json | head -c 10`: exit 0, nothing on stderr, no crash file. The
    explained verdict (~800 KB) is far larger than a pipe's buffer, so the write does meet the
    closed end."""
    env = dict(os.environ, TMPDIR=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "tongbao", "evaluate", *TONGGU, "-f", "json", "--explain"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    head = proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0
    assert head == b'{\n  "tongb' and err == b""
    assert list(tmp_path.iterdir()) == []


def test_help_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    proc = subprocess.run(f"{sys.executable} -m tongbao evaluate -h | head -c 1", shell=True, cwd=ROOT,
                          capture_output=True, env=dict(os.environ, TMPDIR=str(tmp_path)), timeout=60)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("一二三四五，六七八", 12, ["一二三四五，", "六七八"]),   # ， never starts a line …
    ("一二三四五，六七八", 10, ["一二三四", "五，六七八"]),   # … it takes its character along
    ("一二三四“五六”七", 8, ["一二三四", "“五六”七"]),       # “ never ends one
    ("用 --resolved 显示合并", 12, ["用", "--resolved", "显示合并"]),
    ("abc", 10, ["abc"]),
])
def test_wrap_measures_display_width(text: str, width: int, lines: list[str]) -> None:
    assert wrap(text, width) == lines
    assert all(cell_width(line) <= width for line in lines)


@pytest.mark.parametrize("text, width", [
    ("", 0), ("abc", 3), ("a\tb\x7f", 4),               # ASCII: one column a character, control ones too
    ("单位A", 5), ("ＡＢ", 4), ("e\u0301", 1),          # wide and full-width count two, a combining mark none
])
def test_cell_width_by_hand(text: str, width: int) -> None:
    assert cell_width(text) == width


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_cell_width_of_ascii_is_its_length(text: str) -> None:
    # the ASCII shortcut in cell_width must agree with the per-character rule it skips
    slow = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)
    assert cell_width(text) == slow == len(text)
