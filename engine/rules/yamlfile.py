"""The only place that reads YAML.

PyYAML's constructors lose line numbers and silently keep the last of two
duplicate keys, so we compose the node tree ourselves and build plain data
beside a map from key path to (line, column). Aliases and nesting are bounded
because a ruleset is untrusted (see docs/hazards in the shared notes).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from ..frozen import frozen
from ..errors import Problem, RulesetError

try:  # the C composer is ~10x faster and keeps marks just the same
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_ALIASES = 100
MAX_DEPTH = 64
MAX_NODES = 200_000
MAX_BYTES = 5_000_000
MAX_KEYS = 2_000  # keys in one mapping; checked on the composed node, before any schema work

_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge"))

Path_ = tuple[Any, ...]  # a key path such as ("tiers", "activity", "bands", 0, "below")


@frozen
class YamlDoc:
    """Plain data read from one YAML file, and where each key path sits in it."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]]  # 1-based line and column of each key path
    origins: dict[Path_, str] | None = None  # Path_ -> file, when layers (extends) were merged

    def where(self, path: Path_) -> tuple[int | None, int | None]:
        """Line and column of the longest known prefix of ``path``."""
        return self.locate(path)[1:]

    def locate(self, path: Path_) -> tuple[str, int | None, int | None]:
        """File, line and column of the longest known prefix of ``path``."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        line, col = self.marks.get(path, (None, None))
        return (self.origins or {}).get(path, self.file), line, col

    def problem(self, path: Path_, message: str) -> Problem:
        file, line, col = self.locate(path)
        return Problem(file, line, col, dotted(path), message)


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_yaml(path: str | Path, display: str | None = None) -> tuple[YamlDoc, bytes]:
    """Read a YAML file into a YamlDoc; return it with the file's bytes (for hashing)."""
    from ..data.files import FileProblem, read_bytes

    name = display or str(path)
    try:
        raw = read_bytes(path, MAX_BYTES, "规则集")
    except FileProblem as exc:
        raise RulesetError([Problem(name, None, None, "", exc.reason)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulesetError([Problem(name, None, None, "", f"不是 UTF-8 编码（第 {exc.start} 字节）。请用 UTF-8 保存规则集。")]) from None
    return parse_yaml(text, name), raw


def parse_yaml(text: str, name: str) -> YamlDoc:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise RulesetError([syntax_problem(exc, name)]) from None
    except yaml.reader.ReaderError as exc:  # a control character or a byte that is not text
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        pos = text.find(chr(code))  # the C reader counts bytes, not characters: find the character itself
        pos = pos if pos >= 0 else exc.position
        line, col = text[:pos].count("\n") + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise RulesetError([Problem(name, line, col, "", f"文件中有不允许的控制字符（#x{code:04x}）。"
                                    "规则集只能是普通文字；若需要这个字符，请在双引号中用转义写法。")]) from None
    except yaml.YAMLError as exc:
        raise RulesetError([Problem(name, None, None, "", f"YAML 语法错误（{str(exc)[:200]}）。请检查缩进、冒号和引号。")]) from None
    builder = _Builder(name)
    data = builder.build(node, (), 0) if node is not None else None
    if builder.problems:
        raise RulesetError(builder.problems)
    return YamlDoc(name, data, builder.marks)


# PyYAML's commonest complaints, in Chinese. Keys are the start of its English text.
_PROBLEMS = {
    "did not find expected ',' or ']'": "方括号“[”没有闭合，或列表中少了逗号",
    "did not find expected ',' or '}'": "花括号“{”没有闭合，或映射中少了逗号",
    "found unexpected end of stream": "文件在引号闭合之前就结束了：引号没有闭合",
    "mapping values are not allowed": "这里不能出现“: ”（值里有冒号加空格时，请给整个值加引号）",
    "found character that cannot start any token": "这里的字符不能开始一个值（常见原因：用了 Tab 缩进，请改用空格；或值以 @、` 开头，请加引号）",
    "did not find expected key": "缩进不对齐，或这里缺少“键: 值”",
    "did not find expected '-' indicator": "列表项的缩进不对齐",
    "found undefined alias": "引用（*名称）了没有定义的锚点（&名称）",
    "could not find expected ':'": "缺少冒号“:”（或多行文字没有加引号）",
    "expected <block end>": "缩进不一致：这一行比上一层多缩进或少缩进了",
    "found unknown escape character": "双引号里有无效的转义（\\ 后只能跟 n、t、\\、\"、u 等）",
    "expected alphabetic or numeric character": "锚点或引用的名称不对",
    "found a tab character": "不能用 Tab 缩进，请改用空格",
    "expected a single document": "文件里有不止一个文档（---）。规则集只写一个",
    "found duplicate anchor": "同名的锚点（&名称）定义了两次",
}
_OPENED = {
    "while parsing a flow sequence": "“[”",
    "while parsing a flow mapping": "“{”",
    "while scanning a quoted scalar": "引号",
    "while parsing a block mapping": "这一层映射",
    "while parsing a block collection": "这一层列表",
}


def syntax_problem(exc: yaml.MarkedYAMLError, name: str) -> Problem:
    """A PyYAML syntax error told in Chinese, at where the construct opened and where it failed."""
    english = exc.problem or exc.context or ""
    what = next((zh for en, zh in _PROBLEMS.items() if english.startswith(en)), f"无法解析（{english}）")
    failed, opened = exc.problem_mark, exc.context_mark
    hint = "请检查缩进、冒号和引号。"
    if english.startswith("did not find expected ',' or '}'"):  # the commonest cause: days(a, b) inside {…}
        hint = "在 {…} 写法中，表达式里的逗号会把它截断：请给表达式加引号，例如 when: 'contains(problem, \"首页\")'，或改用多行写法。"
    where = ""
    mark: Any = failed or opened
    if opened is not None and failed is not None and (opened.line, opened.column) != (failed.line, failed.column):
        thing = _OPENED.get(exc.context or "", "这一结构")
        where = f"{thing}从第 {opened.line + 1} 行第 {opened.column + 1} 列开始，到第 {failed.line + 1} 行第 {failed.column + 1} 列出错。"
        mark = opened
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return Problem(name, line, col, "", f"YAML 语法错误：{what}。{where}{hint}")


class _Builder:
    """Turn composed nodes into dicts, lists and scalars, recording marks."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self.visited: set[int] = set()
        self.revisits = 0
        self.constructor = yaml.SafeLoader("")  # only its scalar resolution is used

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            self._fail(node, path, f"嵌套过深或内容过多（上限 {MAX_DEPTH} 层、{MAX_NODES} 个节点）。")
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        self._count_alias(node, path)
        if node.tag not in _PLAIN_TAGS:
            self._fail(node, path, f"不支持 YAML 标签“{node.tag.replace('tag:yaml.org,2002:', '!!')[:40]}”（以 ! 开头的写法）。规则集只用普通的文字、数字、列表和映射；"
                                   "若这是文字的一部分，请给整个值加上引号。")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        return self._scalar(node, path)

    def _count_alias(self, node: yaml.Node, path: Path_) -> None:
        # A node met twice was reached through an alias; bound how often that happens.
        if id(node) in self.visited:
            self.revisits += 1
            if self.revisits > MAX_ALIASES:
                self._fail(node, path, f"锚点引用（&/*）超过 {MAX_ALIASES} 处。请直接写出内容。")
        self.visited.add(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        if len(node.value) > MAX_KEYS:
            self._fail(node, path, f"一个映射里有 {len(node.value)} 个键，超过上限 {MAX_KEYS}。这不像是规则集，请检查是否选错了文件。")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._fail(key_node, path, "不支持合并键“<<”。请直接写出各项，或用 extends 继承另一个规则集。")
            key = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                self._fail(key_node, path, f"键必须是文字，这里读到 {key_node.value!r}。请给它加上引号。")
            key = str(key)
            if key in out:
                line = key_node.start_mark.line + 1
                first = self.marks.get(path + (key,), (None, None))[0]
                self.problems.append(Problem(self.name, line, key_node.start_mark.column + 1, dotted(path + (key,)),
                                             f"重复的键“{key}”（第 {first} 行已出现过）。YAML 只会保留后一个，请删掉或合并其中一个。"))
                continue
            self.marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, path + (key,), depth + 1)
        return out

    def _scalar(self, node: yaml.Node, path: Path_) -> Any:
        # Dates and times stay as written: "2022-05-13" is text to an administrator.
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):  # e.g. a malformed !!int that matched no pattern
            self._fail(node, path, f"无法读取这个值：{node.value[:40]!r}。请给它加上引号当作文字，或改正写法。")
        if isinstance(value, float) and not math.isfinite(value):  # .nan / .inf: a band or range nobody can meet
            self._fail(node, path, f"“{node.value}”不是一个可用的数：规则集中的数值不能是 NaN 或无穷大。请写出具体的数。")
        return value

    def _fail(self, node: yaml.Node, path: Path_, message: str) -> None:
        raise RulesetError([Problem(self.name, node.start_mark.line + 1, node.start_mark.column + 1, dotted(path), message)])
