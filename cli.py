"""The ``tongbao`` command: evaluate and validate rulesets from the terminal.

Only this module and console/runner.py (what evaluate does, and the output every command shares) print
and choose exit codes; console/launch.py, where ``tongbao`` starts, runs a plain ``evaluate`` call without
loading Typer and hands every other call to ``main`` here. Exit codes: 0 done, 1 the input is wrong
(ruleset or data; the message says where and what to do), 2 the command line
is wrong, 3 a bug in tongbao (the traceback goes to a file, not the screen).
A reader that closes the pipe early (``tongbao evaluate … | head``) is not an error: tongbao
stops writing and exits 0 without a message (as a closed pipe is the reader's choice; 141-style
death by SIGPIPE would fail ``set -o pipefail`` scripts and does not exist on Windows).
"""
from __future__ import annotations

import functools
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

import typer

from tongbao.console import runner
from tongbao.console.help import ChineseCommand, ChineseGroup

# Help pages: -h as well as --help, laid out in display columns with Chinese headings (ChineseGroup).
# Completion: `tongbao --install-completion` for bash, zsh, fish and PowerShell (Typer's own).
CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    cls=ChineseGroup, context_settings=CONTEXT, no_args_is_help=True, pretty_exceptions_enable=False,
    rich_markup_mode=None, help="tongbao：用 YAML 规则集评定各单位，生成判定结果（JSON）和终端报告。",
)
command = functools.partial(app.command, cls=ChineseCommand)
RULESET = "规则集"
DATA = "数据"
FILE = "文件"
ENCODING_HELP = "数据文件的编码；默认自动判断 UTF-8 或 GBK"


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


class EvaluateFormat(str, Enum):
    """evaluate alone also writes the annex workbook."""
    table = "table"
    json = "json"
    xlsx = "xlsx"


def _guard(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's user errors into one message and exit 1; bugs into exit 3 (console/runner.py says them)."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):  # Click's own endings (Exception subclasses): they carry their code
            raise
        except Exception as exc:
            raise typer.Exit(runner.failure_code(exc)) from None
    return wrapper


@command()
@_guard
def evaluate(
    ruleset: Path = typer.Argument(..., help="规则集 YAML 文件", metavar=RULESET),
    data: Path = typer.Argument(..., help="CSV 文件，或放着规则集所需表格的文件夹", metavar=DATA),
    format: EvaluateFormat = typer.Option(EvaluateFormat.table, "--format", "-f", metavar="格式", help="table 终端报告；json 判定结果；xlsx 附件工作簿（-o 以 .xlsx 结尾时自动选用）"),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar=FILE, help="写入此文件（整份写成后才替换），而不是屏幕"),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="编码", help=ENCODING_HELP),
    explain: bool = typer.Option(False, "--explain", help="JSON 中为每个单位附上评定过程（同 tongbao explain）"),
    history: Optional[list[Path]] = typer.Option(None, "--history", metavar=FILE, help="以往各期的判定结果（JSON），按时间先后给出，可重复；用于升级处理和本年累计"),
    period: Optional[str] = typer.Option(None, "--period", metavar="期别", help="本期的名称（例如 2022-05）；默认用数据旁 period.yaml 的 period"),
    period_file: Optional[Path] = typer.Option(None, "--period-file", metavar=FILE, help="期别文件（考核期、文号、公布的数字）；默认用数据旁的 period.yaml"),
    everything: bool = typer.Option(False, "--all", help="终端报告列出全部单位、名单和通报语句（大表默认只列被点名的单位）"),
) -> None:
    """按规则集评定数据表中的各单位。"""
    runner.evaluate(ruleset, data, format.value, output, encoding, explain, history, period, period_file, everything)


@command()
@_guard
def circular(
    ruleset: Path = typer.Argument(..., help="规则集 YAML 文件（含 circular: 部分）", metavar=RULESET),
    data: Path = typer.Argument(..., help="CSV 文件，或放着规则集所需表格的文件夹", metavar=DATA),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar=FILE, help="写入此文件：.docx 公文格式，.md 文本；不写（或 -o -）则把 Markdown 输出到屏幕"),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="编码", help=ENCODING_HELP),
    history: Optional[list[Path]] = typer.Option(None, "--history", metavar=FILE, help="以往各期的判定结果（JSON），按时间先后给出，可重复"),
    period: Optional[str] = typer.Option(None, "--period", metavar="期别", help="本期的名称（例如 2022-05）"),
    period_file: Optional[Path] = typer.Option(None, "--period-file", metavar=FILE, help="期别文件（文号、日期、公布的数字）；默认用数据旁的 period.yaml"),
) -> None:
    """写出通报：正文来自规则集的 circular: 部分，数字和名单来自本期数据；.docx 按党政机关公文格式排版。"""
    import tongbao
    from tongbao.data.history import read_history
    from tongbao.errors import TongbaoError
    from tongbao.report.circular import build_circular, load_circular, period_of

    output = None if output == "-" else output
    kind = "md" if output is None else Path(output).suffix.lower().lstrip(".")
    if kind not in ("md", "docx"):
        raise TongbaoError(f"{output}：通报只能写成 .docx（公文）或 .md（文本）。请把输出文件名改成 通报.docx 或 通报.md。")
    if output is not None:
        runner.refuse_overwriting_inputs(output, ruleset, data, [*(history or []), *([period_file] if period_file else [])])
    rules = tongbao.load_ruleset(ruleset)
    spec = load_circular(ruleset)
    verdict = tongbao.evaluate(rules, data, encoding=encoding, period=period, history=read_history(history or []),
                               period_file=period_file).to_dict()
    doc = build_circular(spec, verdict, period_of(verdict, period))
    if kind == "docx":
        from tongbao.report.docx import to_docx
        from tongbao.report.atomic import write_atomic

        assert output is not None
        write_atomic(output, to_docx(doc))
        return
    from tongbao.report.markdown import to_markdown

    runner.emit_text(to_markdown(doc), output)


@command()
@_guard
def explain(
    ruleset: Path = typer.Argument(..., help="规则集 YAML 文件", metavar=RULESET),
    data: Path = typer.Argument(..., help="CSV 文件，或放着规则集所需表格的文件夹", metavar=DATA),
    unit: str = typer.Argument(..., help="单位名称（按表格中的写法）", metavar="单位"),
    part: Optional[str] = typer.Option(None, "--part", metavar="部分", help="多部分的规则集中，在哪一部分查找（部分的 id）"),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", metavar="格式", help="table 文字说明；json 评定过程数据"),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="编码", help=ENCODING_HELP),
    history: Optional[list[Path]] = typer.Option(None, "--history", metavar=FILE, help="以往各期的判定结果（JSON），按时间先后给出，可重复（同 evaluate）"),
    period: Optional[str] = typer.Option(None, "--period", metavar="期别", help="本期的名称（例如 2022-05）；默认用数据旁 period.yaml 的 period"),
    period_file: Optional[Path] = typer.Option(None, "--period-file", metavar=FILE, help="期别文件；默认用数据旁的 period.yaml"),
) -> None:
    """说明一个单位为什么得到这样的评定：读了哪些数、每条规则怎么算、离更好的一档还差多少。"""
    import tongbao
    from tongbao.data.history import read_history
    from tongbao.tools.explain import explain_unit, find_units

    rules = tongbao.load_ruleset(ruleset)
    verdict = tongbao.evaluate(rules, data, encoding=encoding, period=period, history=read_history(history or []),
                               period_file=period_file)
    traces = [explain_unit(result, i) for result, i in find_units(verdict, unit, part)]
    if format is OutputFormat.json:
        sys.stdout.write(runner.render_json({"unit": unit, "traces": traces}))
    else:
        sys.stdout.write(runner.safe("\n\n".join("\n".join(t["lines"]) for t in traces) + "\n"))


@command()
@_guard
def validate(ruleset: Path = typer.Argument(..., help="规则集 YAML 文件", metavar=RULESET)) -> None:
    """检查规则集：语法、键、类型、表达式中的名称和函数、分档顺序。"""
    import tongbao

    from tongbao.errors import RulesetError
    from tongbao.rules.readiness import placeholder_problems

    rules = tongbao.load_ruleset(ruleset)
    if placeholder_problems(rules):  # evaluate refuses them: say so here, at the same places
        raise RulesetError(placeholder_problems(rules))
    parts = rules.parts
    counts = (f"{sum(len(p.units.fields) for p in parts)} 个字段、{sum(len(p.metrics) for p in parts)} 个指标、"
              f"{sum(len(p.tiers) for p in parts)} 个分档、{sum(len(p.flags) for p in parts)} 个标记、"
              f"{sum(len(p.notifications) for p in parts)} 项通报措施")
    shape = "" if rules.single else f"{len(parts)} 个部分，"
    print(runner.safe(f"{ruleset}：规则集 {rules.id} 版本 {rules.version} 没有问题（{shape}{counts}）。"))


@command()
@_guard
def show(
    ruleset: Path = typer.Argument(..., help="规则集 YAML 文件", metavar=RULESET),
    resolved: bool = typer.Option(False, "--resolved", help="显示继承（extends）合并后的完整规则集，并注明每个值的来源"),
) -> None:
    """显示规则集；--resolved 显示合并各层后的结果及每个值来自哪个文件、第几行。"""
    from tongbao.rules.loader import resolve
    from tongbao.tools.show import resolved_yaml

    doc, layers = resolve(ruleset)
    if not resolved:
        from tongbao.data.files import RULESET_LIMIT, read_bytes

        sys.stdout.write(runner.safe(read_bytes(ruleset, RULESET_LIMIT, "规则集").decode("utf-8-sig")))
        return
    chain = " → ".join(f for f, _ in layers)
    sys.stdout.write(runner.safe(f"# 继承链：{chain}\n" + resolved_yaml(doc)))


@command()
@_guard
def lint(
    ruleset: Path = typer.Argument(..., help="规则集 YAML 文件", metavar=RULESET),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", metavar="格式", help="table 逐条列出；json 供其他软件使用"),
) -> None:
    """找出规则集里语法检查看不出的问题：分档有空隙或到不了、没用到的字段、通报不到的档、百分比写成 90 ……"""
    import tongbao
    from tongbao.tools.lint import lint as find, render_lint

    rules = tongbao.load_ruleset(ruleset)
    findings = [f.to_dict() for f in find(rules)]
    runner.emit({"ruleset": rules.id, "file": str(ruleset), "findings": findings}, format, None,
          lambda console: render_lint(findings, console, str(ruleset)))
    if any(f["level"] == "warning" for f in findings):
        raise typer.Exit(1)


@command(name="test")
@_guard
def test_(
    path: Path = typer.Argument(Path("rulesets"), metavar="测试", help="规则集测试文件（*.test.yaml），或放着它们的文件夹"),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", metavar="格式", help="table 摘要与差异；json 全部结果"),
) -> None:
    """运行规则集旁边的测试（*.test.yaml）：几个单位进去，核对分档、标记、得分和通报；列出覆盖情况。"""
    from tongbao.tools.ruletest import discover, exit_code, render_tests, run_tests

    files = discover(path)
    result = run_tests(files)
    runner.emit(result, format, None, lambda console: render_tests(result, console))
    raise typer.Exit(exit_code(result))


class SchemaName(str, Enum):
    ruleset = "ruleset"
    test = "test"
    verdict = "verdict"
    period = "period"


@command()
@_guard
def schema(
    name: SchemaName = typer.Argument(SchemaName.ruleset, metavar="种类",
                                      help="ruleset 规则集；test 规则测试（*.test.yaml）；verdict 判定结果；period 期别文件"),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar=FILE, help="写入此文件，而不是屏幕"),
) -> None:
    """输出 JSON Schema，供编辑器补全和检查：在 YAML 第一行写 # yaml-language-server: $schema=文件路径。"""
    from tongbao.errors import TongbaoError
    from tongbao.rules.schema import schema_text
    from tongbao.tools.starter import SCHEMA_FILES

    try:
        text = schema_text(SCHEMA_FILES[name.value].removesuffix(".schema.json"))
    except OSError:
        raise TongbaoError(f"这个版本的 tongbao 没有“{name.value}”的 schema。") from None
    runner.emit_text(text, None if output == "-" else output)


@command()
@_guard
def init(
    ruleset_id: str = typer.Argument(..., metavar="标识", help="新规则集的 id：小写字母、数字和连字符，例如 my-county-2024"),
    folder: Path = typer.Argument(Path("."), metavar="文件夹", help="写在哪个文件夹（默认当前文件夹）"),
) -> None:
    """新建规则集：写出起步的规则集、测试文件、示例数据和编辑器用的 schema，随即可运行 tongbao test。"""
    from tongbao.tools.starter import write_starter

    written = write_starter(ruleset_id, folder)
    print("已写出：\n" + "\n".join(f"  {p}" for p in written))
    print(f"下一步：tongbao test {folder / (ruleset_id + '.test.yaml')}")


diff_app = typer.Typer(cls=ChineseGroup, help="比较：两个规则集在同一数据上（rules），或同一规则集在两期数据上（periods）。", no_args_is_help=True)
app.add_typer(diff_app, name="diff")


@diff_app.command("rules", cls=ChineseCommand)
@_guard
def diff_rules(
    before: Path = typer.Argument(..., help="原规则集 YAML", metavar="原规则集"),
    after: Path = typer.Argument(..., help="修改后的规则集 YAML", metavar="新规则集"),
    data: Path = typer.Argument(..., help="CSV 文件，或放着规则集所需表格的文件夹", metavar=DATA),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", metavar="格式", help="table 终端报告；json 比较结果"),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar=FILE, help="写入此文件"),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="编码", help=ENCODING_HELP),
) -> None:
    """假如规则这样改：哪些单位换了档、得失标记、分数、名次或通报，各档人数前后对比。"""
    import tongbao
    from tongbao.tools.diff import diff_rules as compare, render_diff

    if output is not None:
        runner.refuse_overwriting_inputs(output, before, data, [after])
    old = tongbao.evaluate(tongbao.load_ruleset(before), data, encoding=encoding).to_dict()
    new = tongbao.evaluate(tongbao.load_ruleset(after), data, encoding=encoding).to_dict()
    result = compare(old, new)
    runner.emit(result, format, output, lambda console: render_diff(result, console))


@diff_app.command("periods", cls=ChineseCommand)
@_guard
def diff_periods(
    earlier: Path = typer.Argument(..., metavar="上一期", help="上一期：判定结果 JSON，或数据（与 --ruleset 一起）"),
    later: Path = typer.Argument(..., metavar="本期", help="本期：判定结果 JSON，或数据（与 --ruleset 一起）"),
    ruleset: Optional[Path] = typer.Option(None, "--ruleset", "-r", metavar=RULESET, help="两期数据都按这个规则集评定"),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", metavar="格式", help="table 终端报告；json 比较结果"),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar=FILE, help="写入此文件"),
) -> None:
    """同一规则集的两期：哪些单位好转、变差、首次被点名、再次被点名。"""
    from tongbao.tools.diff import diff_periods as compare, render_diff

    if output is not None:
        runner.refuse_overwriting_inputs(output, ruleset or earlier, earlier, [later])
    result = compare(_verdict_of(earlier, ruleset, "earlier"), _verdict_of(later, ruleset, "later"))
    runner.emit(result, format, output, lambda console: render_diff(result, console))


def _verdict_of(path: Path, ruleset: Optional[Path], side: str) -> Mapping[str, Any]:
    """A saved verdict (.json), or data evaluated now by ``--ruleset``."""
    import tongbao
    from tongbao.errors import TongbaoError

    if path.suffix.lower() == ".json":
        from tongbao.data.history import read_verdict

        return read_verdict(path)
    if ruleset is None:
        raise TongbaoError(f"{path}：这是数据而不是判定结果（.json）。请加 --ruleset 规则集.yaml，用它评定两期数据。")
    from tongbao.data.period import beside

    # The period file beside the data names the period; without one, the folder's name does.
    return tongbao.evaluate(tongbao.load_ruleset(ruleset), path, period=None if beside(path) else path.name).to_dict()


@command()
def version() -> None:
    """显示 tongbao 的版本（同 tongbao --version）。"""
    _print_version(True)


def _print_version(wanted: bool) -> None:
    if wanted:
        from tongbao._version import __version__

        print(f"tongbao {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", is_eager=True, callback=_print_version,
                                 help="显示 tongbao 的版本并退出"),
) -> None:
    """tongbao：用 YAML 规则集评定各单位，生成判定结果（JSON）和终端报告。"""


def main(argv: Optional[list[str]] = None) -> None:
    """Run the command line; usage errors are told in Chinese (exit 2), a closed pipe ends quietly (exit 0)."""
    from typer._click import exceptions as click_errors

    try:
        status = typer.main.get_command(app).main(argv, prog_name="tongbao", standalone_mode=False)
        sys.stdout.flush()
    except click_errors.NoArgsIsHelpError as exc:
        print(exc.format_message(), file=sys.stderr)
        status = 2
    except click_errors.UsageError as exc:
        from tongbao.console.usage import report

        print(report(exc), file=sys.stderr)
        status = 2
    except click_errors.ClickException as exc:  # not a usage error (none today): still Chinese framing
        print(f"错误：{exc.format_message()}", file=sys.stderr)
        status = 1
    except typer.Abort:
        status = 1
    except BrokenPipeError:  # help or output into `| head`: the reader chose to stop; not an error
        runner.silence_stdout()
        status = 0
    sys.exit(status if isinstance(status, int) else 0)


if __name__ == "__main__":
    main()
