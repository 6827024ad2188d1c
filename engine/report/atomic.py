"""Write an output file whole or not at all: temp file beside it, fsync, rename."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import TongbaoError


def write_atomic(path: str | Path, text: str) -> None:
    target = Path(path)
    if target.is_dir():
        raise TongbaoError(f"{target}：这是一个文件夹。-o 要写文件名，例如 -o {target / 'verdict.json'}。")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TongbaoError(f"{target}：输出文件夹“{folder}”不存在。请先建好文件夹，或换一个输出路径。")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; an output file should read like any other
        os.replace(tmp, target)
    except PermissionError:
        _discard(tmp)
        raise TongbaoError(f"{target}：无法写入（没有权限，或文件正被 Excel/WPS 等程序打开）。请关闭占用它的程序后重试。") from None
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
