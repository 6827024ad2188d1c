"""Where a ruleset may read: its data folder, its own folder, and the shipped rulesets.

A ruleset is shared between offices and may be hostile. It names table files (``units.file``,
``units.files``, ``findings.*.file``) and a base (``extends``); neither may reach outside:

* a table name is a relative path inside the data folder, checked when the ruleset is loaded
  (no absolute path, no "..", no NUL) and again after symbolic links are resolved when read;
* ``extends`` is looked up in the ruleset's own folder, then in the shipped rulesets (the
  ``rulesets/`` folder tongbao comes with) — the search path in docs/security.md — and the file
  found, links resolved, must lie inside the folder it was found in.

Nothing outside is opened, so no message can echo an outside file's content.
"""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

MAX_NAME = 255  # characters in a table or base name (a longer one is not a file name anywhere)


def name_problem(name: str, what: str) -> str | None:
    """Why ``name`` cannot name a file inside the folder, or None when it can."""
    if "\x00" in name:
        return f"{what}名中有空字符（NUL）。请只写文件名，例如 units.csv。"
    if len(name) > MAX_NAME:
        return f"{what}名太长（{len(name)} 个字符，上限 {MAX_NAME}）。"
    if not name.strip():
        return f"{what}名是空的。"
    win, posix = PureWindowsPath(name), PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or win.is_absolute() or win.drive:
        return f"{what}不能写绝对路径，只能写所在文件夹中的文件名（可带子文件夹），例如 units.csv。"
    if ".." in posix.parts:
        return f"{what}不能用“..”跳出所在文件夹，只能写文件夹中的文件名（可带子文件夹）。"
    return None


def inside(path: Path, folder: Path) -> bool:
    """Does ``path``, with every symbolic link resolved, lie inside ``folder`` (also resolved)?"""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except (OSError, ValueError):
        return False


def shipped_rulesets() -> Path | None:
    """The rulesets tongbao comes with: inside the installed package (pyproject.toml ships
    rulesets/ as tongbao/rulesets), or beside engine/ in a source checkout or editable install."""
    here = Path(__file__).resolve()
    for folder in (here.parents[1] / "rulesets", here.parents[2] / "rulesets"):
        if folder.is_dir():
            return folder
    return None


def search_path(ruleset_folder: Path) -> list[Path]:
    """Where ``extends`` is looked up, in order."""
    shipped = shipped_rulesets()
    return [ruleset_folder] + ([shipped] if shipped is not None and shipped.resolve() != ruleset_folder.resolve() else [])


def find_base(name: str, ruleset_folder: Path) -> tuple[Path | None, str | None]:
    """The base ruleset ``name`` names, resolved, or None with the reason it cannot be used."""
    problem = name_problem(name, "基础规则集的文件")
    if problem:
        return None, problem
    outside = None
    for folder in search_path(ruleset_folder):
        candidate = folder / name
        if not candidate.exists():
            continue
        if not inside(candidate, folder):
            outside = f"“{name}”经符号链接指向了文件夹 {folder} 之外。extends 只能用本文件所在文件夹或 tongbao 自带规则集中的文件。"
            continue
        return Path(os.path.realpath(candidate)), None
    return None, outside
