"""Help pages in Chinese, laid out by display width so every line fits the terminal.

Typer (through the Click it vendors) wraps help by ``len`` and writes English headings and
boilerplate; this formatter measures with :func:`cell_width`, breaks between Chinese
characters, and says 用法/参数/选项/命令. Help text stays where it is written, on the
commands in cli.py.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import typer
from typer._click import core as click_core
from typer._click.formatting import HelpFormatter  # Typer 0.28 vendors Click here

from .width import cell_width, wrap

HEADINGS = {"Arguments": "参数", "Options": "选项", "Commands": "命令"}
BOILERPLATE = [  # Click's and Typer's English phrases in help records, and what we say instead
    (re.compile(r"Show this message and exit\."), "显示本帮助并退出。"),
    (re.compile(r"Install completion for the current shell\."), "为当前的 shell 安装命令补全。"),
    (re.compile(r"Show completion for the current shell, to copy it or customize the installation\."),
     "显示当前 shell 的补全脚本，可复制或自行安装。"),
    (re.compile(r"\[default: ([^;\]]*); required\]"), r"[默认：\1；必填]"),
    (re.compile(r"\[default: ([^\]]*)\]"), r"[默认：\1]"),
    (re.compile(r"\[required\]"), "[必填]"),
]
USAGE_WORDS = [("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."), ("[ARGS]...", "[参数]...")]
LABEL_SUFFIX = re.compile(r" <[^>]*>$")  # Typer's "<path>" after an argument's own name
COLUMN_CAP = 30


def chinese(text: str) -> str:
    """Click's and Typer's English boilerplate in a help line, said in Chinese."""
    for pattern, replacement in BOILERPLATE:
        text = pattern.sub(replacement, text)
    return text


def usage_words(args: str) -> str:
    """The usage line's placeholders in Chinese; Typer's {braces} round required arguments dropped."""
    for english, zh in USAGE_WORDS:
        args = args.replace(english, zh)
    return re.sub(r"\{([^{}]*)\}", r"\1", args)


class ChineseHelpFormatter(HelpFormatter):
    """Click's help layout, measured in display columns and headed in Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        head = f"{' ' * self.current_indent}用法：{prog} "
        lines = wrap(usage_words(args), max(self.width - cell_width(head), 20))
        pad = " " * cell_width(head)
        self.write(head + lines[0] + "\n" + "".join(f"{pad}{line}\n" for line in lines[1:]))

    def write_heading(self, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        blocks = ["\n".join(indent + line for line in wrap(p, self.width - self.current_indent)) for p in paragraphs]
        self.write("\n\n".join(blocks) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = COLUMN_CAP, col_spacing: int = 2) -> None:
        rows = [(LABEL_SUFFIX.sub("", first), chinese(second)) for first, second in rows]
        first_col = min(max((cell_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        text_width = max(self.width - self.current_indent - first_col, 20)
        for first, second in rows:
            lines = wrap(second, text_width) if second else []
            gap = first_col - cell_width(first)
            if gap < col_spacing or not lines:
                self.write(f"{indent}{first}\n")
            else:
                self.write(f"{indent}{first}{' ' * gap}{lines.pop(0)}\n")
            self.write("".join(f"{indent}{' ' * first_col}{line}\n" for line in lines))


class ChineseContext(typer.Context):
    """A context whose help pages use :class:`ChineseHelpFormatter`."""

    formatter_class = ChineseHelpFormatter


class ChineseGroup(typer.core.TyperGroup):
    context_class = ChineseContext

    def format_commands(self, ctx: click_core.Context, formatter: HelpFormatter) -> None:
        """Each command with its whole first paragraph, wrapped: Click would cut it at a length
        counted in characters (half the columns Chinese takes) and append "..."."""
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.short_help or (cmd.help or "").strip().split("\n\n")[0]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class ChineseCommand(typer.core.TyperCommand):
    context_class = ChineseContext
