"""The ruleset JSON Schema: where it lives, and its errors told in plain words.

jsonschema reports paths; the YAML reader kept a line and column for each path,
so every schema error points at the key the administrator has to change.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Iterator

from ..errors import Problem
from .yamlfile import YamlDoc


# Keys that belong to one period, not to the rules: the same ruleset file serves every period.
MOVED_TO_PERIOD = {
    "period": "考核期不再写在规则集里：写在数据旁的 period.yaml（period: 2022-05），或用 --period 给出。请删掉这一行。",
    "published": "通报公布的数字不再写在规则集里：写在数据旁的 period.yaml 的 published 下（published: {汇总数字 id: 值}）。请把它移过去。",
}


def schema_text(name: str) -> str:
    """The JSON text of a shipped schema (``ruleset``, ``period`` or ``verdict``)."""
    filename = f"{name}.schema.json"
    spec = find_spec("tongbao.schemas")  # the installed folder (not importlib.resources: ~5 ms of start-up for a path)
    folders: list[str | Path] = list(spec.submodule_search_locations or []) if spec else []
    for folder in [*folders, Path(__file__).resolve().parents[2] / "schemas"]:  # then a source checkout
        if (Path(folder) / filename).is_file():
            return (Path(folder) / filename).read_text(encoding="utf-8")
    raise FileNotFoundError(filename)


@lru_cache(maxsize=4)
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema


@lru_cache(maxsize=4)
def _validator(name: str) -> Any:
    import jsonschema  # imported late: it costs ~0.1 s and only validation needs it

    return jsonschema.Draft7Validator(load_schema(name))


SHOWN_UNKNOWN = 5  # unknown keys named one by one; the rest are counted


def schema_problems(doc: YamlDoc, name: str = "ruleset") -> list[Problem]:
    """Every schema error in the document (a ruleset, or a ``period`` file), each placed at its key."""
    from .schemacheck import Unsupported, is_valid

    try:
        if is_valid(load_schema(name), doc.data):
            return []  # the usual case, answered without importing jsonschema
    except Unsupported:
        pass
    problems: list[Problem] = []
    for error in sorted(_validator(name).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        for path, message in _explain(error):
            problems.append(doc.problem(path, message))
    return problems


def _explain(error: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    import difflib  # an invalid ruleset's suggestions only: not on every start-up

    path = tuple(error.absolute_path)
    kind = error.validator
    schema = error.schema
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        unknown = [k for k in error.instance if k not in allowed]  # in file order
        for key in unknown[:SHOWN_UNKNOWN]:
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"是否想写“{near[0]}”？" if near else ""
            if key in MOVED_TO_PERIOD:  # rulesets written before period files: say where the key went
                hint = MOVED_TO_PERIOD[key]
            elif "(" in key or ")" in key:  # a comma inside {…} ends the value: days(a, b) became two keys
                hint = "在 {…} 写法中，表达式里的逗号会把它截断。请给表达式加引号，例如 expr: \"days(a, b)\"，或改用多行写法。"
            yield path + (key,), f"未知的键“{key}”。{hint}这里可用的键有：{'、'.join(allowed)}。"
        if len(unknown) > SHOWN_UNKNOWN:  # a pasted table or a generated file: name a few, count the rest
            yield path, f"还有 {len(unknown) - SHOWN_UNKNOWN} 个未知的键未列出。"
        return
    if kind == "required":  # jsonschema reports each missing key as its own error: name just that one
        key = next((k for k in schema.get("required", []) if repr(k) in error.message), None)
        desc = schema.get("properties", {}).get(key, {}).get("description", "")
        yield path, f"缺少必填的键“{key}”。{desc}"
        return
    if kind == "oneOf" and isinstance(error.instance, dict):
        yield path, _one_of(schema["oneOf"], path)
        return
    yield path, _plain(error)


def _one_of(branches: list[dict[str, Any]], path: tuple[Any, ...]) -> str:
    if not path:
        return "规则集要么写 units（一张单位表），要么写 parts（分几部分、各有数据表），不能两者都写，也不能都不写。"
    keys = [b["required"][0] for b in branches if b.get("required")]
    if not keys:  # a period file's published figure: one value, or one value per group
        return "应为通报印出的一个数字（如 4919、99.19%、609.08万），或按组写成 {组 id: 值}。"
    if "otherwise" in keys:
        return "每一档必须且只能写一个界限：below、at_most、at_least、above 之一；或写 vetoed: true（单项否决档）；或最后一档写 otherwise: true。"
    if "placeholder" in keys:
        return "事实必须且只能写 value（数值）、date（日期）之一；数值未核实时写 placeholder: true 且不写 value。"
    return f"必须且只能写以下键之一：{'、'.join(keys)}。"


def _plain(error: Any) -> str:
    value = error.instance
    desc = error.schema.get("description", "")
    shown = repr(value) if not isinstance(value, (dict, list)) else ("一个映射" if isinstance(value, dict) else "一个列表")
    kind = error.validator
    if kind == "type":
        want = {"string": "文字", "number": "数字", "integer": "整数", "object": "映射（键: 值）",
                "array": "列表", "boolean": "true 或 false"}
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"应为{'或'.join(want.get(t, str(t)) for t in types)}，这里是 {shown}。{desc}"
    if kind == "enum":
        return f"应为 {'、'.join(map(str, error.validator_value))} 之一，这里是 {shown}。"
    if kind == "const":
        return f"只能是 {error.validator_value!r}，这里是 {shown}。{desc}"
    if kind == "pattern":
        return f"写法不对：{shown}。{desc}"
    if kind in ("minLength", "minItems", "minProperties"):
        return f"不能为空。{desc}"
    if kind in ("minimum", "maximum"):
        return f"超出允许范围：{shown}。{desc}"
    return f"{error.message}。{desc}"
