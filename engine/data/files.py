"""Reading an input file safely: once, only if it is a regular file, and never more than a limit.

Every reader (rulesets, tables, workbooks, history, saved verdicts) goes through ``read_bytes``.
A path is opened once and the *descriptor* is checked with ``fstat``: a FIFO would block forever,
``/dev/zero`` has size 0 yet never ends, and a path checked before opening may be swapped after.
The FIFO case is why the open is non-blocking: a plain open of a FIFO waits for a writer.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import TongbaoError

#: Limits per kind of input, in bytes (documented in docs/security.md).
RULESET_LIMIT = 5_000_000
TABLE_LIMIT = 500_000_000
VERDICT_LIMIT = 200_000_000

_KIND = {
    stat.S_IFDIR: "这是一个文件夹，不是文件",
    stat.S_IFIFO: "这是一个命名管道（FIFO），不是普通文件；从管道读取会一直等下去",
    stat.S_IFCHR: "这是一个设备（字符设备），不是普通文件",
    stat.S_IFBLK: "这是一个设备（块设备），不是普通文件",
    stat.S_IFSOCK: "这是一个套接字（socket），不是普通文件",
}


class FileProblem(TongbaoError):
    """An input file that cannot be read as one; ``reason`` is the Chinese cause, without the name."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name}：{reason}")  # escaped where it is printed (cli.py)


def read_bytes(path: str | Path, limit: int, what: str) -> bytes:
    """The whole content of the regular file at ``path``, at most ``limit`` bytes.

    ``what`` names the input for the message ("规则集", "数据文件", "判定结果"). Raises FileProblem
    for a missing, unreadable, special or oversized file.
    """
    name = os.fsdecode(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise FileProblem(name, open_reason(exc, what)) from None
    try:
        info = os.fstat(fd)
        kind = stat.S_IFMT(info.st_mode)
        if kind != stat.S_IFREG:
            raise FileProblem(name, f"{_KIND.get(kind, '这不是普通文件')}。请给出{what}文件本身。")
        if info.st_size > limit:
            raise FileProblem(name, _too_big(what, limit))
        _blocking(fd)
        chunks: list[bytes] = []
        left = limit + 1  # a file that grows (or lies about its size, like /proc) is still capped
        size = info.st_size + 1  # the whole file in one read (no join) when it is as big as it says
        while left > 0:
            chunk = os.read(fd, min(left, size))
            size = 1 << 20
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise FileProblem(name, _too_big(what, limit))
        return data
    except OSError as exc:
        raise FileProblem(name, f"无法读取（{os_reason(exc)}）。") from None
    finally:
        os.close(fd)


def _blocking(fd: int) -> None:
    try:
        os.set_blocking(fd, True)
    except (AttributeError, OSError):  # pragma: no cover - platforms without fcntl
        pass


def _too_big(what: str, limit: int) -> str:
    return f"文件超过 {_size(limit)}，不像是{what}。请检查是否选错了文件。"


def _size(n: int) -> str:
    return f"{n // 1_000_000} MB" if n >= 1_000_000 else f"{n // 1000} KB"


def open_reason(exc: OSError, what: str) -> str:
    if exc.errno == errno.ENOENT:
        return f"找不到{what}文件。请检查路径是否写对。"
    if exc.errno == errno.EISDIR:
        return f"这是一个文件夹，不是文件。请给出{what}文件本身。"
    return f"无法打开（{os_reason(exc)}）。"


_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "操作不被允许",
    errno.EROFS: "只读文件系统",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件太大，超出文件系统允许的大小",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ELOOP: "符号链接层数过多（可能成环）",
    errno.EIO: "输入输出错误（磁盘或网络盘故障）",
    errno.ETXTBSY: "文件正被占用",
    errno.EBUSY: "文件正被占用",
    errno.EEXIST: "文件已存在",
    errno.EXDEV: "不能跨文件系统改名",
    errno.EINVAL: "参数无效",
}


def os_reason(exc: OSError) -> str:
    """The cause of an OSError in Chinese (the English strerror only as a fallback)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return f"系统错误 {exc.errno}：{exc.strerror}" if exc.errno else "系统错误"
