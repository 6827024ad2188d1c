"""The bad-input corpus: hostile and mistaken inputs, generated from a seed (issue 11).

Each case is a folder of files and one command line. Classes: hand-written reproductions of
every hazard in issue 11 (YAML tags, NaN, huge constants, confinement, damaged verdicts, special
files…), then seeded mutation fuzzing of rulesets, CSV tables and verdict JSON (line deletion,
duplication, byte flips, truncation, splices of hostile snippets), random bytes, and workbooks
(flipped bytes, cut short, or a mutated table saved as .xlsx). The same seed
always yields the same cases, so a failure reproduces by its case name.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TONGGU = (ROOT / "rulesets" / "tonggu-ganzhengtong.yaml").read_bytes()
UNITS = (ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv").read_bytes()


@dataclass
class Case:
    """Files to write into a fresh folder, and the arguments (relative names resolve inside it)."""

    name: str
    files: dict[str, bytes]
    argv: list[str]
    specials: dict[str, str] = field(default_factory=dict)  # name -> "fifo" | "dir"


def _evaluate(name: str, ruleset: bytes, units: bytes, *extra: str, fmt: str = "json") -> Case:
    return Case(name, {"r.yaml": ruleset, "data/units.csv": units}, ["evaluate", "r.yaml", "data", "-f", fmt, "-o", "out.txt", *extra])


# ------------------------------------------------------------------ hand-written classes

_RULESET_SNIPPETS = {
    "tag-python": b"title: !!python/name:os.system x",
    "tag-custom": b"title: !foo 1",
    "tag-seq": b"title: !foo [1, 2]",
    "tag-binary": b"title: !!binary aGVsbG8=",
    "nan-title": b"title: .nan",
    "anchor-bomb": b"x1: &a [1,1,1,1,1,1,1,1,1]\nx2: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx3: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nx4: [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    "deep": b"deep: " + b"[" * 5000 + b"]" * 5000,
    "deep-map": b"deep: " + b"{a: " * 300 + b"1" + b"}" * 300,
    "unclosed-bracket": b"title: [a, b",
    "unclosed-quote": b'title: "abc',
    "tab": b"units:\n\tfile: x",
    "merge": b"<<: {a: 1}",
    "dup-key": b"title: a\ntitle: b",
    "extends-passwd": b"extends: /etc/passwd",
    "extends-nul": b'extends: "a\\0b.yaml"',
    "extends-long": b"extends: " + b"x" * 5000 + b".yaml",
    "extends-up": b"extends: ../../../../etc/hostname",
    "control-char": b"title: a\x1bb",
    "bidi": "title: \u202e反转".encode(),
    "big-int": b"version: 99999999999999999999999999999",
    "long-string": b"title: " + b"a" * 200_000,
}

_EXPRESSIONS = [
    "3037000500*3037000500 + registered", "(10**10)**10 + registered", "round(registered, 400)", "'a'*10**9",
    "registered ** 1000", "registered.tofile('x')", "registered.__class__", "__import__('os')", "1/0 + registered",
    "registered * 1e200 * 1e200", "+".join(["registered"] * 600), "(" * 200 + "registered" + ")" * 200,
    "registered if activity else", "lambda: 1", "[x for x in registered]", "registered; 1", "x = 1",
    "days(registered, activity)", "contains(registered, registered)", "missing()", "min()", "'a' in registered",
    "registered < 100", "4000000**4000000 > 1", "1e400", "-9007199254740993 + registered", "f'{registered}'",
]

_FIELD_VALUES = [b".nan", b".inf", b"-.inf", b'"nan%"', b'"1e999"', b"1e999", b"99999999999999999999", b'"abc"', b"[]", b"{}",
                 b"null", b"true", b'"2022-02-30"', b"0x10", b"0777", b"1:30"]


def _hand_written() -> list[Case]:
    cases: list[Case] = []
    for key, snippet in _RULESET_SNIPPETS.items():
        cases.append(_evaluate(f"ruleset-{key}", TONGGU + b"\n" + snippet + b"\n", UNITS))
        cases.append(Case(f"validate-{key}", {"r.yaml": snippet + b"\n"}, ["validate", "r.yaml"]))
    for i, expr in enumerate(_EXPRESSIONS):
        text = TONGGU.replace(b"expr: round(registered * activity)", b"expr: " + json.dumps(expr).encode())
        cases.append(_evaluate(f"expr-{i:02d}", text, UNITS))
    for i, value in enumerate(_FIELD_VALUES):
        for where, old in (("below", b'below: "20%"'), ("min", b"min: 0}"), ("severity", b"severity: 4}")):
            new = old.split(b":")[0] + b": " + value + (b"}" if old.endswith(b"}") else b"")
            cases.append(_evaluate(f"value-{where}-{i:02d}", TONGGU.replace(old, new, 1), UNITS))
    for i, date in enumerate([b'"2022-02-30"', b'"2022-13-01"', b'"x"', b"2022-02-30", b"[]"]):
        cal = b"\ncalendar:\n  extra_workdays: [" + date + b"]\n  extra_holidays: [" + date + b"]\n"
        cases.append(_evaluate(f"calendar-{i}", TONGGU + cal, UNITS))
        cases.append(_evaluate(f"fact-date-{i}", TONGGU + b"\nfacts:\n  d: {label: d, date: " + date + b"}\n", UNITS))
    for i, name in enumerate(["../secret.csv", "/etc/hostname", "../../../../etc/hostname", "sub/../../x.csv", "a\\0b.csv", "x" * 300]):
        text = TONGGU.replace(b"file: units.csv", b"file: " + json.dumps(name).encode())
        cases.append(Case(f"confine-{i}", {"r.yaml": text, "data/units.csv": UNITS, "secret.csv": UNITS},
                          ["evaluate", "r.yaml", "data", "-f", "json", "-o", "out.txt"]))
    cases += _csv_classes() + _output_classes() + _special_files()
    return cases


def _csv_classes() -> list[Case]:
    lines = UNITS.split(b"\n")
    body = {
        "empty": b"", "header-only": lines[0] + b"\n", "bom": b"\xef\xbb\xbf" + UNITS, "utf16": UNITS.decode().encode("utf-16"),
        "xlsx": b"PK\x03\x04" + bytes(200), "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "pdf": b"%PDF-1.7\n",
        "gbk": UNITS.decode().encode("gbk"), "latin": bytes(range(128, 256)) * 10, "nul": UNITS.replace(b"\n", b"\x00\n", 3),
        "long-cell": UNITS.replace("政府办".encode(), b'"' + "长".encode() * 200_000 + b'"', 1),
        "long-number": UNITS.replace(b",48,", b"," + b"9" * 200_000 + b",", 1),
        "unclosed-quote": UNITS.replace("政府办".encode(), "\"政府办".encode(), 1),
        "dup-header": lines[0] + b",\xe5\x8d\x95\xe4\xbd\x8d\n" + b"\n".join(lines[1:]),
        "extra-cells": b"\n".join([lines[0]] + [l + b",x,y" for l in lines[1:]]),
        "escape-name": UNITS.replace("县委办".encode(), b"\x1b]0;pwned\x07\x1b[2J", 1),
        "bidi-name": UNITS.replace("县委办".encode(), "\u202e县委办".encode(), 1),
        "huge-float": UNITS.replace(b",48,", b",1e308,", 1), "negative": UNITS.replace(b",48,", b",-48,", 1),
        "percent-junk": UNITS.replace(b"100.00%", b"abc%", 1), "crlf": UNITS.replace(b"\n", b"\r\n"),
        "cr-only": UNITS.replace(b"\n", b"\r"), "no-newline": UNITS.rstrip(b"\n"), "one-row": b"\n".join(lines[:2]),
        "formula": UNITS.replace("县委办".encode(), b"=HYPERLINK(\"http://x\")", 1),
    }
    return [_evaluate(f"csv-{k}", TONGGU, v) for k, v in body.items()] + \
           [_evaluate(f"csv-table-{k}", TONGGU, v, fmt="table") for k, v in body.items()]


def _output_classes() -> list[Case]:
    base = {"r.yaml": TONGGU, "data/units.csv": UNITS}
    return [
        Case("out-dir", dict(base), ["evaluate", "r.yaml", "data", "-o", "outdir"], {"outdir": "dir"}),
        Case("out-slash", dict(base), ["evaluate", "r.yaml", "data", "-o", "newdir/"]),
        Case("out-fifo", dict(base), ["evaluate", "r.yaml", "data", "-o", "pipe"], {"pipe": "fifo"}),
        Case("out-dash", dict(base), ["evaluate", "r.yaml", "data", "-f", "json", "-o", "-"]),
        Case("out-missing-folder", dict(base), ["evaluate", "r.yaml", "data", "-o", "nowhere/x.json"]),
        Case("out-long-name", dict(base), ["evaluate", "r.yaml", "data", "-o", "v" * 300]),
        Case("out-over-input", dict(base), ["evaluate", "r.yaml", "data", "-o", "data/units.csv"]),
        Case("out-over-ruleset", dict(base), ["evaluate", "r.yaml", "data", "-o", "r.yaml"]),
    ]


def _special_files() -> list[Case]:
    base = {"r.yaml": TONGGU, "data/units.csv": UNITS}
    return [
        Case("fifo-data", {"r.yaml": TONGGU}, ["evaluate", "r.yaml", "pipe.csv"], {"pipe.csv": "fifo"}),
        Case("fifo-ruleset", {"data/units.csv": UNITS}, ["evaluate", "pipe.yaml", "data"], {"pipe.yaml": "fifo"}),
        Case("fifo-history", dict(base), ["evaluate", "r.yaml", "data", "--history", "h.json"], {"h.json": "fifo"}),
        Case("fifo-diff", {"v.json": b"{}"}, ["diff", "periods", "h.json", "v.json"], {"h.json": "fifo"}),
        Case("dev-zero-data", {"r.yaml": TONGGU}, ["evaluate", "r.yaml", "/dev/zero"]),
        Case("dev-urandom-ruleset", {"data/units.csv": UNITS}, ["evaluate", "/dev/urandom", "data"]),
        Case("dir-ruleset", dict(base), ["validate", "data"]),
        Case("dir-history", dict(base), ["evaluate", "r.yaml", "data", "--history", "hd.json"], {"hd.json": "dir"}),
        Case("missing-ruleset", dict(base), ["evaluate", "nope.yaml", "data"]),
        Case("usage-bad-format", dict(base), ["evaluate", "r.yaml", "data", "-f", "xml"]),
        Case("usage-no-args", {}, ["evaluate"]),
    ]


# ------------------------------------------------------------------ mutation fuzzing

_SPLICES = [b".nan", b"!!python/object:os.system", b"*x", b"&x", b"[", b"{", b'"', b"'", b"\t", b"\x00", b"\x1b[2J",
            b"\xff\xfe", b": ", b"- ", b"99999999999999999999", b"1e999", b"\xe2\x80\xae", b"%", b",", b"\n  - ", b"? "]


def _mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three random edits: delete, duplicate or swap lines, flip or insert bytes, truncate, splice."""
    for _ in range(rng.randint(1, 3)):
        lines = data.split(b"\n")
        kind = rng.randrange(7)
        i = rng.randrange(len(lines))
        if kind == 0 and len(lines) > 1:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif kind == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 3 and data:
            b = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            data = bytes(b)
            continue
        elif kind == 4:
            data = data[: rng.randrange(len(data) + 1)]
            continue
        else:
            at = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:at] + rng.choice(_SPLICES) + lines[i][at:]
        data = b"\n".join(lines)
    return data


def _verdict_bytes() -> bytes:
    import tongbao

    verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"),
                               ROOT / "examples" / "tonggu-ganzhengtong-2022-04").to_dict()
    return json.dumps(verdict, ensure_ascii=False, indent=1).encode()


def workbook_of(csv_bytes: bytes) -> bytes:
    """The table as an .xlsx an office would save (numbers as numbers), the same bytes every time."""
    import csv
    import datetime as dt
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": dt.datetime(2026, 1, 1)})  # else the time of writing is in docProps/core.xml
    sheet = book.add_worksheet("附件")
    text = csv_bytes.decode("utf-8", "replace").replace("\r", "").replace("\0", "")
    for r, row in enumerate(csv.reader(io.StringIO(text))):
        for c, cell in enumerate(row):
            number = r > 0 and cell.replace(".", "", 1).isdigit()
            sheet.write_number(r, c, float(cell)) if number else sheet.write_string(r, c, cell)
    book.close()
    return buffer.getvalue()


def _fuzzed_workbooks(rng: random.Random, count: int) -> list[Case]:
    """Workbooks saved as the data file (a units.csv that is an .xlsx is read as one): bytes flipped, the
    file cut short, or a mutated table saved as a workbook."""
    base, cases = workbook_of(UNITS), []
    for i in range(count):
        if i % 3 == 0:
            book = bytearray(base)
            for _ in range(rng.randint(1, 8)):
                book[rng.randrange(len(book))] = rng.randrange(256)
            data = bytes(book)
        elif i % 3 == 1:
            data = base[: rng.randrange(len(base))]
        else:
            data = workbook_of(_mutate(UNITS, rng))
        cases.append(_evaluate(f"fuzz-xlsx-{i:04d}", TONGGU, data, fmt=rng.choice(["json", "table"])))
    return cases


def _fuzzed(seed: int, rulesets: int, tables: int, verdicts: int, randoms: int) -> list[Case]:
    rng = random.Random(seed)
    cases = [_evaluate(f"fuzz-ruleset-{i:04d}", _mutate(TONGGU, rng), UNITS) for i in range(rulesets)]
    cases += [_evaluate(f"fuzz-csv-{i:04d}", TONGGU, _mutate(UNITS, rng), fmt=rng.choice(["json", "table"])) for i in range(tables)]
    verdict = _verdict_bytes()
    for i in range(verdicts):
        bad = _mutate(verdict, rng)
        if i % 2:
            cases.append(Case(f"fuzz-history-{i:04d}", {"r.yaml": TONGGU, "data/units.csv": UNITS, "h.json": bad},
                              ["evaluate", "r.yaml", "data", "-f", "json", "-o", "out.txt", "--history", "h.json"]))
        else:
            cases.append(Case(f"fuzz-diff-{i:04d}", {"h.json": bad, "v.json": verdict},
                              ["diff", "periods", "h.json", "v.json", "-f", rng.choice(["json", "table"]), "-o", "out.txt"]))
    for i in range(randoms):
        blob = rng.randbytes(rng.choice([0, 1, 16, 300, 5000]))
        where = rng.choice(["ruleset", "csv", "history"])
        if where == "ruleset":
            cases.append(_evaluate(f"random-ruleset-{i:03d}", blob, UNITS))
        elif where == "csv":
            cases.append(_evaluate(f"random-csv-{i:03d}", TONGGU, blob))
        else:
            cases.append(Case(f"random-history-{i:03d}", {"r.yaml": TONGGU, "data/units.csv": UNITS, "h.json": blob},
                              ["evaluate", "r.yaml", "data", "--history", "h.json"]))
    return cases


def corpus(seed: int = 11, rulesets: int = 420, tables: int = 260, verdicts: int = 160, randoms: int = 60,
           workbooks: int = 90) -> list[Case]:
    """Every case, hand-written first; the defaults give a little under 1,200."""
    return _hand_written() + _fuzzed(seed, rulesets, tables, verdicts, randoms) + _fuzzed_workbooks(random.Random(seed + 1), workbooks)
