"""What ``-o`` may write (issue 11, "Writing output"): a regular file or a new name, never a device,
FIFO, socket or folder; symlinks written through; modes from the umask; every OSError exit 1."""
from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tongbao.errors import TongbaoError
from tongbao.report.atomic import write_atomic

ROOT = Path(__file__).resolve().parent.parent
RULESET = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
UNITS = ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv"
EVAL = ("evaluate", RULESET, UNITS, "-f", "json")


def _root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(not _root(), reason="mknod needs root")
def test_a_null_device_stays_a_device(tmp_path: Path, cli) -> None:
    """The reproduction: as root, -o /dev/null replaced the device with a regular file."""
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    cli.fail(*EVAL, "-o", node, contains=("设备", "> /dev/null"))
    assert stat.S_ISCHR(os.lstat(node).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["_tmpdir", "null"]


def test_real_dev_null_and_full_are_refused(cli) -> None:
    for dev in ("/dev/null", "/dev/full"):
        cli.fail(*EVAL, "-o", dev, contains=("设备",))
        assert stat.S_ISCHR(os.lstat(dev).st_mode)


def test_dev_stdout_is_refused_and_stays_a_link(cli) -> None:
    cli.fail(*EVAL, "-o", "/dev/stdout")
    assert os.path.islink("/dev/stdout")


def test_fifo_socket_and_folder_targets_are_refused(tmp_path: Path, cli) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    cli.fail(*EVAL, "-o", fifo, contains=("命名管道",))
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    sock = tmp_path / "s.json"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock))
        cli.fail(*EVAL, "-o", sock, contains=("套接字",))
    folder = tmp_path / "out"
    folder.mkdir()
    cli.fail(*EVAL, "-o", folder, contains=("文件夹",))
    assert list(folder.iterdir()) == []


def test_trailing_slash_means_a_folder_and_is_refused(tmp_path: Path, cli) -> None:
    """The reproduction: -o newdir/ wrote a file named newdir."""
    cli.fail(*EVAL, "-o", f"{tmp_path}/newdir/", contains=("以“/”结尾的是文件夹",))
    assert not (tmp_path / "newdir").exists()


def test_dash_is_stdout(cli) -> None:
    res = cli.run(*EVAL, "-o", "-")
    assert res.returncode == 0 and json.loads(res.stdout)["ruleset"]["id"]
    assert not Path(ROOT / "-").exists()


def test_a_symlink_is_written_through_and_kept(tmp_path: Path, cli) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    os.chmod(real, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to("real.json")
    res = cli.run(*EVAL, "-o", link)
    assert res.returncode == 0, res.stderr
    assert os.path.islink(link) and os.readlink(link) == "real.json"
    assert json.loads(real.read_text(encoding="utf-8"))["ruleset"]["id"]
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_tmpdir", "link.json", "real.json"]


def test_a_symlink_to_a_device_is_refused(tmp_path: Path, cli) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("/dev/null")
    cli.fail(*EVAL, "-o", link, contains=("设备",))
    assert os.readlink(link) == "/dev/null"


@pytest.mark.parametrize("umask, mode", [(0o077, 0o600), (0o002, 0o664), (0o022, 0o644)])
def test_new_file_mode_follows_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "v.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "v.json").stat().st_mode) == mode


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    f = tmp_path / "v.json"
    f.write_text("old", encoding="utf-8")
    os.chmod(f, 0o600)
    write_atomic(f, "new")
    assert f.read_text(encoding="utf-8") == "new" and stat.S_IMODE(f.stat().st_mode) == 0o600


def test_a_legal_250_character_name_works(tmp_path: Path, cli) -> None:
    name = tmp_path / ("v" * 245 + ".json")
    res = cli.run(*EVAL, "-o", name)
    assert res.returncode == 0, res.stderr
    assert json.loads(name.read_text(encoding="utf-8"))["ruleset"]["id"]


def test_a_name_too_long_is_exit_1(tmp_path: Path, cli) -> None:
    cli.fail(*EVAL, "-o", tmp_path / ("v" * 300 + ".json"), out=tmp_path / "x", contains=("文件名太长",))


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "磁盘已满"), (errno.EROFS, "只读文件系统"),
                                         (errno.EFBIG, "文件太大"), (errno.EACCES, "没有权限"), (errno.EIO, "输入输出错误")])
def test_every_write_error_is_a_user_error_old_file_intact_no_temp(tmp_path: Path, monkeypatch, code: int, words: str) -> None:
    f = tmp_path / "v.json"
    f.write_text("old", encoding="utf-8")

    def fail(fd: int, data: object) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "write", fail)
    with pytest.raises(TongbaoError, match=words):
        write_atomic(f, "new")
    monkeypatch.undo()
    assert f.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["v.json"]


def test_file_too_large_for_the_size_limit_is_exit_1(tmp_path: Path) -> None:
    """A real EFBIG: the file-size rlimit of the child (Python ignores SIGXFSZ, so write fails)."""
    import resource

    out = tmp_path / "v.json"
    out.write_text("old", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "tongbao", *map(str, EVAL), "-o", str(out)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000)))
    assert proc.returncode == 1, proc.stderr
    assert "文件太大" in proc.stderr and "Traceback" not in proc.stderr
    assert out.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["v.json"]


def _in_private_mount(tmp_path: Path, options: str, out: Path, prepare: str = "") -> subprocess.CompletedProcess:
    """Run the CLI with ``tmp_path/mnt`` a tmpfs in a private mount namespace (nothing leaks out)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir(exist_ok=True)
    script = (f"mount -t tmpfs -o {options} tmpfs {mnt} && {prepare} "
              f"{sys.executable} -m tongbao {' '.join(map(str, EVAL))} -o {out}; echo \"rc=$?\"; ls -A {mnt}; cat {out} 2>/dev/null")
    return subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def _can_unshare() -> bool:
    return _root() and shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs root and unshare for a private tmpfs")
def test_read_only_file_system_is_exit_1(tmp_path: Path) -> None:
    out = tmp_path / "mnt" / "v.json"
    proc = _in_private_mount(tmp_path, "ro,size=1m", out)
    assert "rc=1" in proc.stdout and "只读文件系统" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(not _can_unshare(), reason="needs root and unshare for a private tmpfs")
def test_disk_full_is_exit_1_old_file_intact(tmp_path: Path) -> None:
    out = tmp_path / "mnt" / "v.json"
    proc = _in_private_mount(tmp_path, "size=64k", out,
                             prepare=f"printf old > {out} && dd if=/dev/zero of={out.parent}/fill bs=4k 2>/dev/null; ")
    assert "rc=1" in proc.stdout and "磁盘已满" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout.split("rc=1")[1].split() == ["fill", "v.json", "old"]  # no temporary file; old content kept


def test_pieces_made_while_writing_arrive_in_order(tmp_path: Path) -> None:
    from tongbao.report.atomic import write_atomic_chunks

    f = tmp_path / "v.json"
    write_atomic_chunks(f, (f"{i}," .encode() for i in range(1000)))  # a generator: written by the second thread
    assert f.read_bytes() == b"".join(f"{i},".encode() for i in range(1000))


def test_an_error_making_a_piece_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    from tongbao.report.atomic import write_atomic_chunks

    f = tmp_path / "v.json"
    f.write_text("old", encoding="utf-8")

    def pieces():
        yield b"new, half"
        raise TongbaoError("数据有误")

    with pytest.raises(TongbaoError, match="数据有误"):
        write_atomic_chunks(f, pieces())
    assert f.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["v.json"]


def test_a_write_error_in_the_writing_thread_stops_the_making(tmp_path: Path, monkeypatch) -> None:
    from tongbao.report.atomic import QUEUED_PIECES, write_atomic_chunks

    f = tmp_path / "v.json"
    f.write_text("old", encoding="utf-8")
    made: list[int] = []

    def pieces():
        for i in range(1000):
            made.append(i)
            yield b"x"

    def fail(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", fail)
    with pytest.raises(TongbaoError, match="磁盘已满"):
        write_atomic_chunks(f, pieces())
    monkeypatch.undo()
    assert len(made) <= QUEUED_PIECES + 3  # told at its next piece: the failing one, the queue, the one in hand
    assert f.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["v.json"]


def test_any_error_in_the_writing_thread_is_raised_not_a_hang(tmp_path: Path) -> None:
    """A piece the writer cannot take (not bytes) killed the thread and left the maker waiting on a full queue forever."""
    import threading

    from tongbao.report.atomic import write_atomic_chunks

    f = tmp_path / "v.json"
    f.write_text("old", encoding="utf-8")
    caught: list[BaseException] = []

    def run() -> None:
        try:
            write_atomic_chunks(f, iter([b"a", "not bytes", *[b"x"] * 5]))  # type: ignore[list-item]
        except BaseException as exc:
            caught.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "write_atomic_chunks hung"
    assert [type(e) for e in caught] == [TypeError]
    assert f.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["v.json"]
