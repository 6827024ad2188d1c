"""What ``tongbao evaluate`` does, and the output every command shares, without the command-line library.

Typer and Click cost ~50 ms of a seed evaluate's start-up (issue 10.3), a third of ``import numpy``.
console/launch.py runs a plain ``tongbao evaluate …`` straight through ``evaluate`` here; every other
call goes through cli.py's Typer app, whose commands call these same functions. Only these two
modules print and choose exit codes: 0 done, 1 the input is wrong, 3 a bug in tongbao (``guarded``).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional

JSON, TABLE, XLSX = "json", "table", "xlsx"  # the values of evaluate's --format (cli.EvaluateFormat)


def evaluate(ruleset: Path, data: Path, format: str = TABLE, output: Optional[str] = None, encoding: Optional[str] = None,
             explain: bool = False, history: Optional[list[Path]] = None, period: Optional[str] = None,
             period_file: Optional[Path] = None, everything: bool = False) -> None:
    """``tongbao evaluate``: the options as cli.evaluate documents them; ``format`` is table, json or xlsx."""
    import tongbao
    from tongbao.console.progress import step
    from tongbao.data.history import read_history

    if output is not None:
        refuse_overwriting_inputs(output, ruleset, data, [*(history or []), *([period_file] if period_file else [])])
    rules = tongbao.load_ruleset(ruleset)
    earlier = read_history(history or [])
    xlsx = format == XLSX or (output or "").lower().endswith(".xlsx")
    if xlsx:
        _check_xlsx_target(output)  # before the evaluation: a wrong target is told at once
    with step("读取数据并评定"):
        result = tongbao.evaluate(rules, data, encoding=encoding, period=period, history=earlier, period_file=period_file)
    if xlsx:
        with step("写出附件工作簿"):
            _write_xlsx(result.to_dict(), output)
        return
    if format == JSON and not explain:  # streamed: a million-unit verdict is ~1 GB of text
        with step("写出 JSON"):
            _write_chunks(result, output)
        return
    with step("整理判定结果"):
        if explain:
            from tongbao.tools.explain import with_explanations

            verdict = with_explanations(result)
        else:
            verdict = result.to_dict()
    emit(verdict, format, output, lambda console: terminal().render(verdict, console, everything),
         lambda width: plain_report(verdict, width, everything))


def guarded(command: Callable[[], Any]) -> int:
    """Run ``command``; the exit code, after telling the user what went wrong (one line, or where the
    traceback of a bug was written). A reader closing the pipe (``| head``) ends quietly with 0."""
    try:
        command()
        sys.stdout.flush()
    except KeyboardInterrupt:
        return 1
    except Exception as exc:
        return failure_code(exc)
    return 0


def failure_code(exc: Exception) -> int:
    """The exit code for ``exc``, which ended a command, once the user is told (call it while handling ``exc``):
    1 for the user's input, 0 for a reader that went away, 3 for a bug in tongbao. cli.py's commands use it too."""
    from tongbao.errors import TongbaoError

    if isinstance(exc, TongbaoError):
        return user_error(exc)
    if isinstance(exc, BrokenPipeError):  # the reader went away: not a bug, nothing left to say
        silence_stdout()
        return 0
    return crash()  # a bug in tongbao, not in the user's input


def user_error(exc: Exception) -> int:
    print(f"错误：{safe(str(exc))}", file=sys.stderr)
    return 1


def crash() -> int:
    """Write the current exception's traceback to a file and apologise; exit code 3."""
    import tempfile
    import traceback

    fd, path = tempfile.mkstemp(prefix="tongbao-crash-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        traceback.print_exc(file=handle)
    print(f"抱歉，tongbao 内部出错了（这不是你的输入的问题）。详细信息已写入 {path}，请把它附在问题报告里。", file=sys.stderr)
    return 3


def silence_stdout() -> None:
    """Point stdout at the null device so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _check_xlsx_target(output: Optional[str]) -> None:
    from tongbao.errors import TongbaoError

    if output is None or output == "-" or not output.lower().endswith(".xlsx"):
        raise TongbaoError("附件工作簿（xlsx）要写到文件：请加 -o 附件.xlsx（文件名以 .xlsx 结尾）。")


def _write_xlsx(verdict: Mapping[str, Any], output: Optional[str]) -> None:
    """The annex workbook: one sheet per part, a summary and the warnings (report/annex.py)."""
    from tongbao.report.annex import to_xlsx
    from tongbao.report.atomic import write_atomic

    assert output is not None
    write_atomic(output, to_xlsx(verdict))


def _write_chunks(result: Any, output: Optional[str]) -> None:
    """The verdict's JSON, made and written a batch of units at a time: to stdout, or atomically to -o."""
    from tongbao.report.atomic import write_atomic_chunks
    from tongbao.report.jsonout import verdict_chunks

    chunks: Iterable[Any] = verdict_chunks(result)  # bytes-like pieces
    if output is None or output == "-":
        if sum(len(p.table) for p in result.parts) <= 200_000:
            chunks = [b"".join(chunks)]  # all or nothing on the screen too, unless that would be gigabytes
        sys.stdout.flush()
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
    else:
        write_atomic_chunks(output, chunks)


def _plain_or_drawn(plain: Optional[Callable[[int], Optional[str]]], draw: Callable[[Any], None], width: int) -> str:
    """The report for a file ``width`` columns wide: plain text where it can be, else what Rich draws."""
    import io

    text = plain(width) if plain else None
    if text is not None:
        return text
    buffer = io.StringIO()
    draw(terminal().make_console(file=buffer, width=width))
    return buffer.getvalue()


def plain_report(verdict: Mapping[str, Any], width: int, everything: bool) -> Optional[str]:
    """The report as plain text, without importing Rich (report/plaintext.py), or None."""
    from tongbao.report.plaintext import plain_report

    return plain_report(verdict, width, everything)


def terminal() -> Any:
    """The terminal report module, imported only when drawing it: Rich costs ~15 ms of start-up that JSON output never needs."""
    from tongbao.report import terminal

    return terminal


def emit_text(text: str, output: Optional[str]) -> None:
    from tongbao.report.atomic import write_atomic

    if output is None:
        sys.stdout.write(safe(text))
    else:
        write_atomic(output, text)


def safe(text: str) -> str:
    """The one filter for text from files on its way to a terminal: controls, bidi and undecodable bytes escaped."""
    from tongbao.escape import visible

    return visible(text)


def refuse_overwriting_inputs(output: str, ruleset: Path, data: Path, history: Optional[list[Path]] = None) -> None:
    from tongbao.errors import TongbaoError

    if output == "-":  # stdout
        return
    target = Path(output).resolve()
    inputs = {ruleset.resolve(), data.resolve(), *(p.resolve() for p in (history or []))}
    if data.is_dir():
        inputs |= {p.resolve() for p in data.iterdir()}
    if target in inputs:
        raise TongbaoError(f"{output}：输出文件不能是输入文件，否则会覆盖原始数据。请换一个输出文件名。")


def render_json(verdict: Mapping[str, Any]) -> str:
    from tongbao.verdict import dumps

    return dumps(verdict)


def emit(data: Mapping[str, Any], format: str, output: Optional[str], draw: Callable[[Any], None],
         plain: Optional[Callable[[int], Optional[str]]] = None) -> None:
    """JSON (``format`` "json") or the terminal report, to stdout or atomically to a file: one path for
    every command. ``-o -`` is stdout; what else -o may name is settled in report/atomic.py. ``plain``,
    where given, writes the report for a pipe or a file at a width without Rich (None: it cannot)."""
    import shutil

    from tongbao.console.progress import step
    from tongbao.report.atomic import write_atomic

    output = None if output == "-" else output
    if format == JSON:
        with step("写出 JSON"):
            text = render_json(data)
    elif output is None and sys.stdout.isatty():
        with step("生成报告"):
            draw(terminal().make_console())  # straight to the terminal: colours and its width
        return
    else:  # a pipe or a file: COLUMNS if set (as for a terminal), else 80
        width = shutil.get_terminal_size((80, 24)).columns
        with step("生成报告"):
            text = _plain_or_drawn(plain, draw, width)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
