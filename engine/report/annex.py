"""The annex workbook (附件.xlsx) from ``Verdict.to_dict()``, written with XlsxWriter.

One sheet per part (序号, the unit, its group, the table's columns as the annex prints them, then the
computed metrics, each tier's band, the flags, the rank and the notifications), a 汇总 sheet (each
figure, computed beside published) and a 提示 sheet (the warnings). Frozen header, autofilter,
widths that fit Chinese, number formats from the ruleset (percent:2 → 0.00%), band cells filled
by severity.

Cell text from the data is never a formula: strings_to_formulas and strings_to_urls are off, every
text is written with write_string, and text that a spreadsheet would take as the start of a formula
(= + - @, tab, CR, LF) gets the quote-prefix style, so even editing the cell keeps it text. NUL and
other characters XML cannot hold are replaced by U+FFFD.
"""
from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from ..console.width import cell_width

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SEVERITY_FILL = {1: "#FFF2CC", 2: "#FCE4D6", 3: "#F8CBAD", 4: "#F4B084"}  # light yellow … deep orange
MAX_WIDTH = 60


def clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def number_format(fmt: str) -> str:
    kind, _, digits = fmt.partition(":")
    places = int(digits) if digits else (2 if kind in ("percent", "number") else 0)
    zeros = "0" + ("." + "0" * places if places else "")
    return {"percent": zeros + "%", "number": zeros, "integer": "0"}.get(kind, "@")


class _Sheet:
    """One worksheet being filled: remembers the widest text per column."""

    def __init__(self, book: "_Book", name: str, header: list[str]) -> None:
        self.book, self.ws, self.rows = book, book.wb.add_worksheet(name), 0
        self.widths = [cell_width(h) for h in header]
        for c, h in enumerate(header):
            self.ws.write_string(0, c, clean(h), book.style("header"))
        self.ws.freeze_panes(1, min(2, len(header)))

    def text(self, r: int, c: int, value: str, fill: str | None = None) -> None:
        value = clean(value)
        risky = value.startswith(FORMULA_START)
        self.ws.write_string(r, c, value, self.book.style("text", fill=fill, quote=risky))
        self.widths[c] = max(self.widths[c], max((cell_width(x) for x in value.splitlines()), default=0))

    def value(self, r: int, c: int, value: Any, fmt: str, shown: str | None = None) -> None:
        if isinstance(value, bool) or value is None or isinstance(value, str) or shown is not None:
            self.text(r, c, shown if shown is not None else ("" if value is None else str(value)))
            return
        self.ws.write_number(r, c, value, self.book.style("number", num=number_format(fmt)))
        self.widths[c] = max(self.widths[c], len(f"{value:.4g}") + 2)

    def finish(self) -> None:
        for c, w in enumerate(self.widths):
            self.ws.set_column(c, c, min(MAX_WIDTH, w + 2))
        if self.rows:
            self.ws.autofilter(0, 0, self.rows, len(self.widths) - 1)


class _Book:
    def __init__(self, buffer: io.BytesIO) -> None:
        import xlsxwriter  # type: ignore[import-untyped]  # XlsxWriter ships no type information

        self.wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False})
        self.styles: dict[tuple[Any, ...], Any] = {}
        self.names: set[str] = set()

    def style(self, kind: str, fill: str | None = None, quote: bool = False, num: str | None = None) -> Any:
        key = (kind, fill, quote, num)
        if key not in self.styles:
            spec: dict[str, Any] = {"font_name": "宋体", "font_size": 11, "valign": "top"}
            if kind == "header":
                spec.update(bold=True, bg_color="#D9E1F2", text_wrap=True, border=1)
            if fill:
                spec["bg_color"] = fill
            if quote:
                spec["quote_prefix"] = True
            if num:
                spec["num_format"] = num
            self.styles[key] = self.wb.add_format(spec)
        return self.styles[key]

    def sheet_name(self, wanted: str) -> str:
        """Excel's rules: at most 31 characters, none of []:*?/\\, unique (case-blind)."""
        base = re.sub(r"[\[\]:*?/\\]", "_", wanted).strip("'") or "表"
        name, k = base[:31], 2
        while name.lower() in self.names:
            suffix = f"({k})"
            name, k = base[: 31 - len(suffix)] + suffix, k + 1
        self.names.add(name.lower())
        return name


def to_xlsx(verdict: Mapping[str, Any]) -> bytes:
    """The annex workbook as bytes (the caller writes it atomically)."""
    buffer = io.BytesIO()
    book = _Book(buffer)
    for part in verdict["parts"]:
        _part_sheet(book, part)
    _summary_sheet(book, verdict)
    _warnings_sheet(book, verdict)
    book.wb.close()
    return buffer.getvalue()


def _part_sheet(book: _Book, part: Mapping[str, Any]) -> None:
    from .annex_table import cell

    s = part["summary"]
    groups = {g["id"]: g["label"] for g in part["groups"]}
    columns = [c for c in part["columns"] if c["kind"] == "field"] + [c for c in part["columns"] if c["kind"] != "field"]
    tiers = {t["id"]: {b["id"]: b for b in t["bands"]} for t in s["tiers"]}
    labels = {f["id"]: f["label"] for f in s["flags"] + s["vetoes"]}
    header = ["序号", part["report"]["key"]] + (["分组"] if groups else []) + [c["label"] for c in columns]
    header += [t["label"] for t in s["tiers"]] + ["标记"] + (["排名"] if part.get("ranking") else []) + ["通报"]
    sheet = _Sheet(book, book.sheet_name(part["label"] or part["id"]), header)
    for r, unit in enumerate(part["units"], start=1):
        row = [str(r), str(unit["name"])] + ([groups.get(unit.get("group", ""), "")] if groups else [])
        for c, text in enumerate(row):
            sheet.text(r, c, text)
        c = len(row)
        for col in columns:
            raw = unit["fields"].get(col["id"]) if col["kind"] == "field" else unit["metrics"].get(col["id"])
            na = col["id"] in unit.get("not_applicable", [])
            sheet.value(r, c, raw, col["format"], cell(unit, col) if na or col["format"] in ("text", "date") else None)
            c += 1
        for tier_id, bands in tiers.items():
            band = bands.get(unit["bands"].get(tier_id) or "")
            sheet.text(r, c, band["label"] if band else "—", SEVERITY_FILL.get(band["severity"]) if band else None)
            c += 1
        sheet.text(r, c, "、".join(labels.get(f, f) for f in unit.get("vetoes", []) + unit["flags"]))
        c += 1
        if part.get("ranking"):
            sheet.value(r, c, unit.get("rank"), "integer")
            c += 1
        sheet.text(r, c, "\n".join(f"{n['action']}：{n['message']}" for n in unit["notifications"]))
    sheet.rows = len(part["units"])
    sheet.finish()


def _summary_sheet(book: _Book, verdict: Mapping[str, Any]) -> None:
    sheet = _Sheet(book, book.sheet_name("汇总"), ["部分", "数字", "范围", "按表格计算", "通报公布", "是否一致"])
    r = 0
    scopes = [(None, verdict.get("figures", []), {})] + [(p, p["summary"]["figures"], {g["id"]: g["label"] for g in p["groups"]})
                                                       for p in verdict["parts"]]
    for part, figures, groups in scopes:
        for fig in figures:
            for scope, item in [("全部", fig)] + [(groups.get(g, g), v) for g, v in fig.get("groups", {}).items()]:
                r += 1
                agrees = "" if "published" not in item else ("一致" if item["agrees"] else "不一致")
                for c, text in enumerate([part["label"] if part else "全部", fig["label"], scope, item["display"],
                                          item.get("published", ""), agrees]):
                    sheet.text(r, c, str(text), SEVERITY_FILL[3] if agrees == "不一致" else None)
    sheet.rows = r
    sheet.finish()


def _warnings_sheet(book: _Book, verdict: Mapping[str, Any]) -> None:
    sheet = _Sheet(book, book.sheet_name("提示"), ["代码", "提示"])
    for r, w in enumerate(verdict.get("warnings", []), start=1):
        sheet.text(r, 0, str(w.get("code", "")))
        sheet.text(r, 1, str(w.get("message", "")))
    sheet.rows = len(verdict.get("warnings", []))
    sheet.finish()
