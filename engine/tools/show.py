"""``tongbao show --resolved``: the effective ruleset, each value with the layer that set it.

The output is YAML an administrator can read (and could save as a flat ruleset);
each line ends with a comment naming the file and line its value came from.
"""
from __future__ import annotations

from typing import Any

import yaml

from ..rules.yamlfile import YamlDoc


def resolved_yaml(doc: YamlDoc) -> str:
    lines: list[str] = [f"# 合并后的规则集（{doc.file}）：每行末尾注明这个值来自哪个文件、第几行。"]
    _emit(doc, doc.data, (), 0, lines)
    return "\n".join(lines) + "\n"


def _emit(doc: YamlDoc, value: Any, path: tuple[Any, ...], indent: int, lines: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        for key, child in value.items():
            head = f"{pad}{_scalar(key)}:"
            if _is_leaf(child):
                lines.append(f"{head} {_scalar(child)}{_origin(doc, path + (key,))}")
            else:
                lines.append(f"{head}{_origin(doc, path + (key,))}")
                _emit(doc, child, path + (key,), indent + 1, lines)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            if _is_leaf(child):
                lines.append(f"{pad}- {_scalar(child)}{_origin(doc, path + (i,))}")
            else:
                lines.append(f"{pad}-{_origin(doc, path + (i,))}")
                _emit(doc, child, path + (i,), indent + 1, lines)


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, (dict, list)) or not value


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).strip()
    return text[:-4].strip() if text.endswith("\n...") or text.endswith(" ...") else text.removesuffix("...").strip()


def _origin(doc: YamlDoc, path: tuple[Any, ...]) -> str:
    file, line, _ = doc.locate(path)
    return f"  # {file}:{line}" if line else ""
