"""Layered rulesets: ``extends:`` a base ruleset and override it by id.

A region's ruleset names its base (a province's, or the national baseline) and
writes only what differs. Merging is by key for mappings and by ``id`` for lists
of items (bands, notifications, summary figures, parts); anything else in the
child replaces the base's value. Every merged value keeps the file, line and
column it came from, so errors and ``tongbao show --resolved`` point at the
layer that set it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..errors import RulesetError
from .confine import find_base, search_path
from .yamlfile import Path_, YamlDoc, read_yaml

MAX_LAYERS = 8


def read_layers(path: str | Path) -> tuple[YamlDoc, list[tuple[str, str]]]:
    """The merged document and its layers as (file, sha256), the named file first."""
    return _read(Path(path), ())


def _read(path: Path, seen: tuple[Path, ...]) -> tuple[YamlDoc, list[tuple[str, str]]]:
    doc, raw = read_yaml(path, display=_shown(path))
    layers = [(_shown(path), hashlib.sha256(raw).hexdigest())]
    base_name = doc.data.get("extends") if isinstance(doc.data, dict) else None
    if base_name is None:
        return doc, layers
    if not isinstance(base_name, str) or not base_name.strip():
        raise RulesetError([doc.problem(("extends",), "extends 应写基础规则集的文件路径（相对于本文件），例如 national-2019-websites.yaml。")])
    base_path, problem = find_base(base_name, path.parent)
    if problem:
        raise RulesetError([doc.problem(("extends",), problem)])
    if base_path is None:
        where = "、".join(str(f) for f in search_path(path.parent))
        raise RulesetError([doc.problem(("extends",), f"找不到基础规则集“{base_name}”（在这些文件夹中查找过：{where}）。")])
    if base_path in seen or base_path == path.resolve():
        chain = " → ".join(str(p) for p in (*seen, path.resolve(), base_path))
        raise RulesetError([doc.problem(("extends",), f"extends 形成了循环：{chain}。请去掉其中一处继承。")])
    if len(seen) >= MAX_LAYERS:
        raise RulesetError([doc.problem(("extends",), f"继承层数超过 {MAX_LAYERS} 层。")])
    base, base_layers = _read(base_path, seen + (path.resolve(),))
    if not isinstance(base.data, dict) or base.data.get("tongbao") != 1:
        raise RulesetError([doc.problem(("extends",), f"基础规则集“{base_name}”不是 tongbao 规则集：它应是一个映射（键: 值），并以 tongbao: 1 开头。")])
    return merge(base, doc), layers + base_layers


def merge(base: YamlDoc, child: YamlDoc) -> YamlDoc:
    """The child's values over the base's; marks and origins follow each value."""
    out = _Merged()
    data = out.merge(base, child, (), ())
    data.pop("extends", None)
    return YamlDoc(child.file, data, out.marks, out.origins)


class _Merged:
    def __init__(self) -> None:
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.origins: dict[Path_, str] = {}

    def merge(self, base: YamlDoc, child: YamlDoc, bpath: Path_, cpath: Path_, at: Path_ = ()) -> Any:
        b, c = _get(base.data, bpath), _get(child.data, cpath)
        self._mark(child, cpath, at)
        if isinstance(b, dict) and isinstance(c, dict):
            out = {}
            for key in b:
                if key in c and c[key] is None:  # "key: null" in the child removes the base's entry
                    continue
                out[key] = self.merge(base, child, bpath + (key,), cpath + (key,), at + (key,)) if key in c \
                    else self.copy(base, bpath + (key,), at + (key,))
            for key in c:
                if key not in b and c[key] is not None:
                    out[key] = self.copy(child, cpath + (key,), at + (key,))
            return out
        if _by_id(b) and _by_id(c):
            return self._merge_items(base, child, bpath, cpath, at)
        return self.copy(child, cpath, at)

    def _merge_items(self, base: YamlDoc, child: YamlDoc, bpath: Path_, cpath: Path_, at: Path_) -> list[Any]:
        b, c = _get(base.data, bpath), _get(child.data, cpath)
        child_index = {item["id"]: i for i, item in enumerate(c)}
        out: list[Any] = []
        for i, item in enumerate(b):
            j = child_index.get(item["id"])
            out.append(self.merge(base, child, bpath + (i,), cpath + (j,), at + (len(out),)) if j is not None
                       else self.copy(base, bpath + (i,), at + (len(out),)))
        known = {item["id"] for item in b}
        for j, item in enumerate(c):
            if item["id"] not in known:
                out.append(self.copy(child, cpath + (j,), at + (len(out),)))
        return out

    def copy(self, doc: YamlDoc, path: Path_, at: Path_) -> Any:
        value = _get(doc.data, path)
        self._mark(doc, path, at)
        if isinstance(value, dict):
            return {k: self.copy(doc, path + (k,), at + (k,)) for k in value}
        if isinstance(value, list):
            return [self.copy(doc, path + (i,), at + (i,)) for i in range(len(value))]
        return value

    def _mark(self, doc: YamlDoc, path: Path_, at: Path_) -> None:
        if path in doc.marks:
            self.marks[at] = doc.marks[path]
            self.origins[at] = (doc.origins or {}).get(path, doc.file)


def _shown(path: Path) -> str:
    """A base found through extends is shown relative to where the user stands, when it can be."""
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def _get(data: Any, path: Path_) -> Any:
    for key in path:
        data = data[key]
    return data


def _by_id(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in value)

