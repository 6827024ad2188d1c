"""Write an output file whole or not at all: temp file beside it, fsync, rename.

What ``-o`` may name (docs/security.md): a regular file or a new name. A folder, a device, a FIFO
or a socket is refused, and so is a name ending in "/" (that says "folder"); replacing
``/dev/null`` with a regular file as root would break the machine. A symbolic link is written
through: the link stays, and the file it points to is replaced atomically (as ``>`` in a shell
would write through it); the link's target must itself be a regular file or a new name.
A new file gets the mode the umask gives (0666 & ~umask), an existing file keeps its mode (and,
when we may, its owner). The temporary name is short, so any name legal for the target is legal
for it. Every OSError becomes a Chinese message naming the cause; the old file is left as it was
and the temporary file is removed.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Union

from ..data.files import os_reason
from ..errors import TongbaoError

Piece = Union[bytes, memoryview]  # bytes, or a view of memory another library owns (a verdict's unit lines)
_NOT_A_FILE = {
    stat.S_IFDIR: "这是一个文件夹",
    stat.S_IFCHR: "这是一个设备（字符设备）",
    stat.S_IFBLK: "这是一个设备（块设备）",
    stat.S_IFIFO: "这是一个命名管道（FIFO）",
    stat.S_IFSOCK: "这是一个套接字（socket）",
}


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Replace (or create) the file at ``path`` with ``text`` in UTF-8 (or ``bytes``: a .docx, an .xlsx), all at once."""
    write_atomic_chunks(path, [text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")])


def write_atomic_chunks(path: str | Path, chunks: Iterable[Piece]) -> None:
    """As write_atomic, for content made a piece at a time (a big verdict): the file appears
    only once every piece is written; an error while making them leaves the old file as it was."""
    shown = os.fsdecode(path)
    target = _target(shown)
    mode, owner = _mode_and_owner(shown)  # follows links: what would really be replaced
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise TongbaoError(f"{shown}：输出文件夹“{folder}”不存在。请先建好文件夹，或换一个输出路径。")
    _write(target, shown, folder, chunks, mode, owner)


def _target(shown: str) -> str:
    """The path to replace: the name itself, or through symbolic links the file they point to."""
    if shown.endswith(("/", os.sep)) or shown in (".", ".."):
        raise TongbaoError(f"{shown}：以“/”结尾的是文件夹。-o 要写文件名，例如 -o {shown.rstrip('/' + os.sep) or '.'}/verdict.json。")
    return os.path.realpath(shown) if os.path.islink(shown) else os.path.abspath(shown)


def _mode_and_owner(shown: str) -> tuple[int, tuple[int, int] | None]:
    try:
        info = os.stat(shown)
    except FileNotFoundError:
        return 0o666 & ~_umask(), None
    except OSError as exc:
        raise TongbaoError(f"{shown}：无法写入（{os_reason(exc)}）。") from None
    kind = stat.S_IFMT(info.st_mode)
    if kind != stat.S_IFREG:
        what = _NOT_A_FILE.get(kind, "这不是普通文件")
        hint = "；要丢弃输出，请不写 -o，改用 > /dev/null" if kind == stat.S_IFCHR else ""
        raise TongbaoError(f"{shown}：{what}，-o 只写普通文件{hint}。请换一个文件名，例如 -o verdict.json。")
    return stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid)


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def _write(target: str, shown: str, folder: str, chunks: Iterable[Piece], mode: int, owner: tuple[int, int] | None) -> None:
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tb", dir=folder)  # short: a 250-character target must still work
        try:
            _write_all(fd, chunks)
            os.fsync(fd)
            os.fchmod(fd, mode)  # mkstemp makes 0600
            if owner is not None and os.geteuid() == 0:
                os.fchown(fd, *owner)  # root rewriting a colleague's file leaves it theirs
        finally:
            os.close(fd)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise TongbaoError(_failure(shown, exc)) from None
    finally:
        if tmp is not None:
            _discard(tmp)


QUEUED_PIECES = 2  # pieces made but not yet written: bounds the memory the overlap costs


def _write_all(fd: int, chunks: Iterable[Piece]) -> None:
    """Write every piece in order. Pieces still being made (an iterator: a big verdict's JSON) are
    written by a second thread as they come: file writes release the GIL, so the next piece is
    built while this one goes to disk. An error making a piece stops the writing and is raised
    here (the caller then discards the temporary file); an OSError writing is raised likewise."""
    if isinstance(chunks, (list, tuple)):
        _write_pieces(fd, chunks)
        return
    import queue
    import threading

    pending: queue.Queue[Piece | None] = queue.Queue(maxsize=QUEUED_PIECES)
    failed: list[BaseException] = []

    def pieces() -> Iterator[Piece]:
        while (data := pending.get()) is not None:
            yield data

    def drain() -> None:
        try:
            _write_pieces(fd, pieces())
        except BaseException as exc:  # any error, not only OSError: a writer that died silently would leave the maker blocked on a full queue
            failed.append(exc)
            while pending.get() is not None:  # the maker is told at its next piece; until then, take what it gives
                pass

    writer = threading.Thread(target=drain, name="tongbao-write", daemon=True)
    writer.start()
    try:
        for data in chunks:
            if failed:
                break
            pending.put(data)
    finally:
        pending.put(None)
        _join(writer)
    if failed:
        raise failed[0]


def _join(writer: Any) -> None:
    """Wait for the writing thread even through Ctrl-C: the caller closes its file only after it stops."""
    try:
        writer.join()
    except BaseException:
        writer.join()
        raise


def _write_pieces(fd: int, chunks: Iterable[Piece]) -> None:
    advised = written = 0
    for data in chunks:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        written += len(data)
        if written - advised >= WRITEBACK_BYTES:
            _start_writeback(fd, advised, written - advised)
            advised = written


WRITEBACK_BYTES = 8_000_000


def _start_writeback(fd: int, start: int, size: int) -> None:
    """Once another WRITEBACK_BYTES are written, ask the kernel to write them to disk now (and not
    keep them cached), so the final fsync of a gigabyte verdict waits for the last few megabytes
    only, not for all of it. Advice only: where the call does not exist or fails, nothing changes."""
    if hasattr(os, "posix_fadvise"):
        try:
            os.posix_fadvise(fd, start, size, os.POSIX_FADV_DONTNEED)
        except OSError:
            pass


def _failure(shown: str, exc: OSError) -> str:
    import errno

    reason = os_reason(exc)
    hint = {
        errno.EACCES: "请换一个有写权限的文件夹；在 Windows 上也可能是文件正被 Excel/WPS 打开，请关闭后重试。",
        errno.EPERM: "请换一个有写权限的文件夹，或关闭占用该文件的程序后重试。",
        errno.EROFS: "请写到其他可写的位置。",
        errno.ENOSPC: "请清理磁盘空间，或写到其他磁盘。",
        errno.EDQUOT: "请清理空间，或写到其他位置。",
        errno.EFBIG: "请写到其他位置，或检查文件大小限制（ulimit -f）。",
        errno.ENAMETOOLONG: "请用短一些的文件名。",
    }.get(exc.errno or 0, "请检查输出路径后重试。")
    return f"{shown}：无法写入（{reason}）。原文件（如有）保持不变。{hint}"


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass
