"""Message templates: "{unit}活跃率{activity}" filled from one unit's values.

Only plain ``{name}`` and ``{band.tier}`` placeholders exist; str.format is not
used because it would let a ruleset reach attributes of the values.
"""
from __future__ import annotations

import re
from typing import Callable

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def template_names(text: str) -> list[str]:
    """The placeholder names in order; raise ValueError on a stray brace."""
    stripped = _PLACEHOLDER.sub("", text)
    if "{" in stripped or "}" in stripped:
        raise ValueError("消息中的花括号不成对。占位写作 {名称}；要显示花括号本身，请改用全角｛｝。")
    return [name.strip() for name in _PLACEHOLDER.findall(text)]


def fill(text: str, lookup: Callable[[str], str]) -> str:
    return _PLACEHOLDER.sub(lambda m: lookup(m.group(1).strip()), text)
