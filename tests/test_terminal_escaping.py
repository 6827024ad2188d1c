"""Nothing from a file steers the terminal (issue 11, "Terminal injection")."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tongbao.escape import excerpt, visible

ROOT = Path(__file__).resolve().parent.parent
TONGGU = (ROOT / "rulesets" / "tonggu-ganzhengtong.yaml").read_text(encoding="utf-8")
UNITS = (ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv").read_text(encoding="utf-8")
CLEAR, TITLE, LINK = "\x1b[2J", "\x1b]0;pwned\x07", "\x1b]8;;http://evil.example/\x1b\\点这里\x1b]8;;\x1b\\"
BIDI, C1, DEL = "\u202e", "\x9b", "\x7f"
EVIL = (CLEAR, TITLE, LINK, BIDI, C1, DEL)


@pytest.mark.parametrize("raw, shown", [("a\x1bb", "a\\x1bb"), ("\u202eabc", "\\u202eabc"), ("x\x9by", "x\\x9by"),
                                        ("\x7f", "\\x7f"), ("a\udcffb", "a\\xffb"), ("a\ud800", "a\\ud800"),
                                        ("第一行\n第二行\t", "第一行\n第二行\t"), ("县委办", "县委办")])
def test_visible_escapes_controls_bidi_and_undecodable_bytes(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_excerpt_is_short_and_escaped() -> None:
    out = excerpt("\x1b" + "长" * 500)
    assert out.startswith("“\\x1b长") and "共 501 个字符" in out and len(out) < 80


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    lines = UNITS.splitlines()
    lines[1] = lines[1].replace("县委办", "县委办" + CLEAR + TITLE + LINK + BIDI + C1 + DEL)
    data = tmp_path / "data"
    data.mkdir()
    (data / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ruleset = tmp_path / "r.yaml"
    ruleset.write_text(TONGGU.replace("title: 关于全县赣政通使用情况的督查通报", 'title: "通报\\e[2J\\e]0;pwned\\a"'), encoding="utf-8")
    return ruleset, data


def _no_injection(text: str) -> None:
    for seq in EVIL:
        assert seq not in text, repr(seq)


def test_report_to_a_pipe_is_escaped(hostile: tuple[Path, Path], cli) -> None:
    res = cli.run("evaluate", *hostile)
    assert res.returncode == 0, res.stderr
    _no_injection(res.stdout)
    assert "通报\\x1b[2J\\x1b]0;pwned" in res.stdout  # the title, shown with its escapes


def test_report_on_a_real_terminal_is_escaped(hostile: tuple[Path, Path]) -> None:
    """Through a pty Rich adds its own colours; the file's sequences must still arrive escaped."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(ROOT)
        os.environ.update(COLUMNS="200", TERM="xterm-256color")
        os.execv(sys.executable, [sys.executable, "-m", "tongbao", "evaluate", *map(str, hostile)])
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, out[-2000:]
    _no_injection(out)
    assert "\\x1b]0;pwned" in out


def test_error_messages_escape_what_came_from_files(tmp_path: Path, cli) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text(TONGGU.replace("  by: activity", '  by: "activty\\e[2J"'), encoding="utf-8")
    res = cli.fail("validate", bad)
    _no_injection(res.stderr)
    assert "\\x1b[2J" in res.stderr


def test_a_header_with_escapes_in_a_data_error(tmp_path: Path, cli) -> None:
    data = tmp_path / "units.csv"
    data.write_text(UNITS.replace("活跃率", "活跃率" + TITLE, 1), encoding="utf-8")
    res = cli.fail("evaluate", ROOT / "rulesets" / "tonggu-ganzhengtong.yaml", data)
    _no_injection(res.stderr)


def test_json_escapes_c1_bidi_and_stays_valid(hostile: tuple[Path, Path], cli) -> None:
    res = cli.run("evaluate", *hostile, "-f", "json")
    assert res.returncode == 0, res.stderr
    _no_injection(res.stdout)
    units = json.loads(res.stdout)["parts"][0]["units"]
    assert any(u["name"].startswith("县委办" + CLEAR) and u["name"].endswith(BIDI + C1 + DEL) for u in units)


@pytest.fixture
def undecodable(tmp_path: Path) -> tuple[bytes, bytes]:
    folder = os.fsencode(tmp_path)
    ruleset = folder + b"/r\xff.yaml"
    data = folder + b"/u\xfe.csv"
    with open(ruleset, "wb") as f:
        f.write(TONGGU.encode())
    with open(data, "wb") as f:
        f.write(UNITS.encode())
    return ruleset, data


def _run_bytes(*args: bytes | str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([os.fsencode(sys.executable), b"-m", b"tongbao", *(os.fsencode(a) for a in args)], cwd=ROOT,
                          capture_output=True, timeout=120, env=dict(os.environ, PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8"))


def test_file_names_that_are_not_utf8(undecodable: tuple[bytes, bytes], tmp_path: Path) -> None:
    ruleset, data = undecodable
    res = _run_bytes("evaluate", ruleset, data, "-f", "json")
    assert res.returncode == 0, res.stderr
    text = res.stdout.decode("utf-8")  # valid UTF-8
    assert json.loads(text)["input"]["tables"][0]["file"] == "u\udcfe.csv"
    table = _run_bytes("evaluate", ruleset, data)
    assert table.returncode == 0 and table.stdout.decode("utf-8")
    out = os.fsencode(tmp_path) + b"/v\xfd.json"
    res = _run_bytes("evaluate", ruleset, data, "-f", "json", "-o", out)
    assert res.returncode == 0, res.stderr
    assert json.loads(open(out, "rb").read().decode("utf-8"))["ruleset"]["id"] == "tonggu-ganzhengtong"
    missing = _run_bytes("validate", os.fsencode(tmp_path) + b"/nope\xff.yaml")
    assert missing.returncode == 1 and "nope\\xff.yaml".encode() in missing.stderr


def test_a_saved_verdict_with_a_lone_surrogate_diffs(tmp_path: Path, cli) -> None:
    res = cli.run("evaluate", ROOT / "rulesets" / "tonggu-ganzhengtong.yaml", ROOT / "examples" / "tonggu-ganzhengtong", "-f", "json")
    verdict = json.loads(res.stdout)
    verdict["parts"][0]["units"][0]["name"] = "县委办\ud800"
    earlier = tmp_path / "earlier.json"
    earlier.write_text(json.dumps(verdict, ensure_ascii=True), encoding="utf-8")
    later = tmp_path / "later.json"
    later.write_text(res.stdout, encoding="utf-8")
    for fmt in ("json", "table"):
        out = cli.run("diff", "periods", earlier, later, "-f", fmt)
        assert out.returncode == 0, out.stderr
        assert "\ud800" not in out.stdout and "Traceback" not in out.stderr


@pytest.mark.parametrize("shape", ["arrays", "lists", "records"])
def test_a_unit_name_with_a_lone_surrogate_given_in_memory(shape: str) -> None:
    """A name holding undecodable bytes (an embedding tool's os.fsdecode of a file name) is kept as the
    CSV path keeps such a file name: the JSON verdict writes json's escape, the terminal shows the byte."""
    import io

    import numpy as np

    import tongbao
    from tongbao.report import jsonout
    from tongbao.report.terminal import make_console, render

    columns: dict[str, Any] = {"单位": ["甲\udcff", "乙", "丙"], "累计注册人数": np.array([10.0, 20, 30]),
                               "累计激活率": np.array([0.5, 1, 0.2]), "活跃率": np.array([0.1, 0.95, 0.3]),
                               "活跃工作群数": np.arange(3.0)}
    data: Any = columns
    if shape != "arrays":
        data = {k: list(v) for k, v in columns.items()}
    if shape == "records":
        data = [dict(zip(data, row)) for row in zip(*data.values())]
    verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"), data)
    text = b"".join(jsonout.verdict_chunks(verdict)).decode("utf-8")  # valid UTF-8
    assert '"name":"甲\\udcff"' in text
    assert "甲\udcff" in [u["name"] for u in json.loads(text)["parts"][0]["units"]]
    shown = io.StringIO()
    render(verdict.to_dict(), make_console(file=shown, width=200), everything=True)
    assert "甲\\xff" in shown.getvalue() and "\udcff" not in shown.getvalue()
