"""Command-line mistakes told in Chinese, like every other message tongbao prints.

Click (vendored by Typer) raises its usage errors with English text; this module turns each
kind into a Chinese sentence that names the argument by its Chinese placeholder (规则集, 数据 …).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from typer._click import exceptions as click_errors

Translation = tuple["re.Pattern[str]", "str | Callable[[re.Match[str]], str]"]
MESSAGES: list[Translation] = [
    (re.compile(r"^No such command '(.*)'\. Did you mean (.*)\?$"),
     lambda m: f"没有“{m[1]}”这个命令。是不是要用 {_choices(m[2])}？"),
    (re.compile(r"^No such command '(.*)'\.$"), r"没有“\1”这个命令。"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"), r"多出了参数：\1。"),
    (re.compile(r"^Missing command\.$"), "缺少命令。"),
    (re.compile(r"^Option '(.*)' requires an argument\.$"), r"选项“\1”后面要跟一个值。"),
    (re.compile(r"^Option '(.*)' requires (\d+) arguments\.$"), r"选项“\1”后面要跟 \2 个值。"),
    (re.compile(r"^Option '(.*)' does not take a value\.$"), r"选项“\1”不带值。"),
    (re.compile(r"^Argument '(.*)' takes (\d+) values\.$"), r"参数“\1”要 \2 个值。"),
    (re.compile(r"^No such option: (.*)$"), r"没有“\1”这个选项。"),
]
VALUE_PROBLEMS: list[Translation] = [
    (re.compile(r"^'?(.*?)'? is not one of (.*)\.$"), lambda m: f"{m[1]} 不是可选的值（{_choices(m[2])}）之一。"),
    (re.compile(r"^\w+ '(.*)' does not exist\.$"), r"“\1”不存在。"),
    (re.compile(r"^\w+ '(.*)' is a directory\.$"), r"“\1”是文件夹，这里要的是文件。"),
    (re.compile(r"^\w+ '(.*)' is a file\.$"), r"“\1”是文件，这里要的是文件夹。"),
]


def _choices(listed: str) -> str:
    return "、".join(choice.strip().strip("'") for choice in listed.split(","))


def _translate(text: str, table: list[Translation]) -> str:
    text = text.removeprefix("Value error, ")  # Pydantic's prefix on the messages Typer passes on
    for pattern, replacement in table:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text


def param_label(param: object) -> str:
    """How help shows a parameter: an argument by its placeholder, an option by its switches."""
    if getattr(param, "param_type_name", "") == "argument":
        return str(getattr(param, "metavar", None) or getattr(param, "name", ""))
    opts = getattr(param, "opts", None) or [str(getattr(param, "name", ""))]
    return "/".join(opts)


def describe(error: click_errors.ClickException) -> str:
    """One Chinese sentence for a usage error."""
    if isinstance(error, click_errors.MissingParameter):
        kind = "参数" if getattr(error.param, "param_type_name", "") == "argument" else "选项"
        return f"缺少{kind}“{param_label(error.param)}”。"
    if isinstance(error, click_errors.NoSuchOption):
        text = f"没有“{error.option_name}”这个选项。"
        if error.possibilities:
            text += f"是不是要用 {'、'.join(sorted(error.possibilities))}？"
        return text
    if isinstance(error, click_errors.BadParameter):
        problem = _translate(error.message, VALUE_PROBLEMS)
        return f"“{param_label(error.param)}”的值不对：{problem}" if error.param is not None else f"值不对：{problem}"
    return _translate(error.message, MESSAGES)


def report(error: click_errors.UsageError) -> str:
    """The usage line, the problem in Chinese and where to find help: what goes to stderr."""
    lines = []
    ctx = error.ctx
    if ctx is not None:
        lines.append(ctx.get_usage())
    lines.append(f"错误：{describe(error)}")
    if ctx is not None:
        lines.append(f"运行“{ctx.command_path} -h”查看帮助。")
    return "\n".join(lines)
