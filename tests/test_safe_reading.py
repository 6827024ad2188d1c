"""Inputs are opened once and checked on the descriptor: FIFOs, devices, folders and oversized files
are refused before any read (issue 11, "Hangs and memory")."""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from tongbao.data.files import FileProblem, read_bytes

ROOT = Path(__file__).resolve().parent.parent
RULESET = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
UNITS = ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv"


def test_regular_file_is_read_whole(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"abc" * 1000)
    assert read_bytes(f, 3000, "数据") == b"abc" * 1000


@pytest.mark.parametrize("limit", [2999, 10])
def test_over_the_limit_is_refused(tmp_path: Path, limit: int) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"abc" * 1000)
    with pytest.raises(FileProblem, match="文件超过"):
        read_bytes(f, limit, "数据")


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FileProblem, match="命名管道"):
        read_bytes(fifo, 100, "数据")


def test_devices_folders_and_sockets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match="字符设备"):
        read_bytes("/dev/zero", 100, "数据")
    with pytest.raises(FileProblem, match="文件夹"):
        read_bytes(tmp_path, 100, "数据")
    sock_path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_path))
        with pytest.raises(FileProblem, match="不是普通文件|无法打开"):
            read_bytes(sock_path, 100, "数据")


def test_a_proc_file_that_claims_size_zero_is_still_capped() -> None:
    with pytest.raises(FileProblem, match="文件超过"):
        read_bytes("/proc/self/maps", 10, "数据")


def test_missing_file_is_named() -> None:
    with pytest.raises(FileProblem, match="找不到"):
        read_bytes("/nonexistent/x.yaml", 10, "规则集")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    p = tmp_path / "fifo"
    os.mkfifo(p)
    return p


@pytest.mark.parametrize("where", ["data", "ruleset", "history", "diff-periods", "show"])
def test_cli_refuses_a_fifo_everywhere(where: str, fifo: Path, cli) -> None:
    args = {
        "data": ("evaluate", RULESET, fifo),
        "ruleset": ("evaluate", fifo, UNITS),
        "history": ("evaluate", RULESET, UNITS.parent, "--history", fifo),
        "diff-periods": ("diff", "periods", fifo.with_suffix(".json") if False else _json_fifo(fifo), UNITS),
        "show": ("show", fifo),
    }[where]
    res = cli.fail(*args, contains=("命名管道",))
    assert "错误" in res.stderr


def _json_fifo(fifo: Path) -> Path:
    p = fifo.parent / "earlier.json"
    if not p.exists():
        os.mkfifo(p)
    return p


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_cli_refuses_endless_devices(device: str, cli) -> None:
    cli.fail("evaluate", RULESET, device, contains=("设备",))
    cli.fail("evaluate", device, UNITS, contains=("设备",))


def test_cli_refuses_a_folder_as_ruleset(tmp_path: Path, cli) -> None:
    cli.fail("validate", tmp_path, contains=("文件夹",))


def test_data_folder_holding_a_fifo_named_like_the_table(tmp_path: Path, cli) -> None:
    os.mkfifo(tmp_path / "units.csv")
    cli.fail("evaluate", RULESET, tmp_path, contains=("命名管道",))


def test_many_unknown_keys_are_counted_not_listed(tmp_path: Path, cli) -> None:
    f = tmp_path / "r.yaml"
    f.write_text("tongbao: 1\n" + "".join(f"k{i}: 1\n" for i in range(1500)), encoding="utf-8")
    res = cli.fail("validate", f, contains=("未知的键“k0”", "还有 1495 个未知的键"))
    assert "k5”" not in res.stderr and len(res.stderr) < 5000


def test_a_mapping_with_too_many_keys_is_refused_before_schema_work(tmp_path: Path) -> None:
    from tongbao import load_ruleset
    from tongbao.errors import RulesetError

    f = tmp_path / "r.yaml"
    f.write_text("tongbao: 1\n" + "".join(f"k{i}: 1\n" for i in range(180_000)), encoding="utf-8")
    with pytest.raises(RulesetError, match="180001 个键，超过上限 2000"):
        load_ruleset(f)
