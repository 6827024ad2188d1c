"""The documentation names what the schemas and the code accept (house rule 6: one source of truth).

Every key a schema declares is explained on the page its reader opens: the ruleset's and the rule
test's keys in docs/rulesets.md, the period file's in that page's 期别文件 section, the verdict's in
docs/verdict.md. Every key the admin guide's key tables list is one a schema declares. The 函数
table lists exactly the functions expressions may call, and says how many. (Keys the code reads
but no schema declares cannot occur: the schemas' objects are closed and checked before the code
reads a ruleset, tests/test_schemas.py.) Each check is shown to fail on a gap made on purpose.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable

import pytest

from test_schemas import subschemas
from tongbao.rules.expressions import BASE_FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
RULESETS_MD = (ROOT / "docs" / "rulesets.md").read_text(encoding="utf-8")
VERDICT_MD = (ROOT / "docs" / "verdict.md").read_text(encoding="utf-8")


def declared(name: str, lenient_twins: bool = False) -> set[str]:
    """Every property name declared anywhere in ``schemas/<name>.schema.json``."""
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    if not lenient_twins:  # the layer_* twins are generated from the strict definitions
        schema = {**schema, "definitions": {k: v for k, v in schema.get("definitions", {}).items() if not k.startswith("layer_")}}
    return {p for _, sub in subschemas(schema) if isinstance(sub, dict) for p in sub.get("properties", {})}


def undocumented(keys: Iterable[str], text: str) -> list[str]:
    """Keys the text never writes as code (`key`, `{key, …}`) nor as a YAML key (``key:``)."""
    def written(key: str) -> bool:
        word = rf"(?<![\w.]){re.escape(key)}(?!\w)"
        return bool(re.search(rf"`[^`\n]*{word}[^`\n]*`", text) or re.search(rf"(^\s*-?\s*|[{{,]\s*){re.escape(key)}\s*:", text, re.M))
    return sorted(k for k in keys if not written(k))


def section(text: str, heading: str) -> str:
    """One ``## heading`` section of a page, up to the next ``##`` heading."""
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def key_table_keys(text: str) -> set[str]:
    """The keys listed in the first column of the guide's ``| 键 | …`` tables."""
    keys: set[str] = set()
    for table in re.findall(r"^\|\s*键\s*\|.*\n((?:\|.*\n)+)", text, re.M):
        for row in table.splitlines()[1:]:  # below the |---| line
            for code in re.findall(r"`([^`]+)`", row.split("|")[1]):
                keys |= {part.split(":")[0] for part in re.split(r"[.、，,\s]+", code) if re.fullmatch(r"[a-z_]+(:.*)?", part)}
    return keys


def function_rows(text: str) -> list[str]:
    """Function names in the first column of the 函数 table."""
    table = section(text, "函数")
    return [m for row in re.findall(r"^\| `(.*?)` \|", table, re.M) for m in re.findall(r"(\w+)\(", row)]


def test_every_ruleset_and_rule_test_key_is_in_the_admin_guide() -> None:
    assert undocumented(declared("ruleset") | declared("ruletest"), RULESETS_MD) == []


def test_every_period_file_key_is_in_its_section() -> None:
    assert undocumented(declared("period"), section(RULESETS_MD, "期别文件")) == []


def test_every_verdict_key_is_in_verdict_md() -> None:
    assert undocumented(declared("verdict"), VERDICT_MD) == []


def test_every_key_the_guides_tables_list_is_declared() -> None:
    known = declared("ruleset") | declared("ruletest") | declared("period")
    listed = key_table_keys(RULESETS_MD)
    assert len(listed) > 40  # the tables were found
    assert sorted(listed - known) == []


def test_the_function_table_is_the_function_list() -> None:
    rows = function_rows(RULESETS_MD)
    assert set(rows) == set(BASE_FUNCTIONS)
    count = re.search(r"表达式里只能用下面 (\d+) 个函数", RULESETS_MD)
    assert count is not None and int(count.group(1)) == len(BASE_FUNCTIONS) == 31


@pytest.mark.parametrize(("keys", "text", "missing"), [
    ({"year_cap", "row_text"}, "写 `year_cap: 40` 即可。", ["row_text"]),
    ({"start"}, "window: {start: period_start}", []),                       # a YAML key counts
    ({"start"}, "考核期的第一天 start 写在这里", ["start"]),                   # a bare word does not
    ({"bottom"}, "`{label, count, units}`", ["bottom"]),
    ({"note"}, "`{label, count, units, note}`", []),
])
def test_the_documentation_check_sees_a_gap(keys: set[str], text: str, missing: list[str]) -> None:
    assert undocumented(keys, text) == missing


def test_the_section_and_table_readers_read_what_they_say() -> None:
    page = "\n## 甲\n| 键 | 必填 |\n|---|---|\n| `alpha`、`beta.gamma` | 是 |\n\n## 函数\n| `f(x)`、`g(x, n)` | … |\n## 乙\n| `h(x)` | |\n"
    assert key_table_keys(page) == {"alpha", "beta", "gamma"}
    assert function_rows(page) == ["f", "g"]
    assert "alpha" in section(page, "甲") and "f(x)" not in section(page, "甲") and "h(x)" not in section(page, "函数")


def test_lenient_twins_add_no_key_of_their_own() -> None:
    assert declared("ruleset", lenient_twins=True) == declared("ruleset")



def layout_table(readme: str) -> str:
    """The README's Layout table: the rows from its header to the blank line after it."""
    start = readme.index("| folder | step | holds |")
    return readme[start: readme.index("\n\n", start)]


def unlisted_modules(table: str) -> list[str]:
    """engine/ modules (not packages' __init__) the table does not name as `module`."""
    modules = sorted(p for p in (ROOT / "engine").glob("*/*.py") if p.name != "__init__.py")
    return [str(p.relative_to(ROOT)) for p in modules if f"`{p.stem}`" not in table]


def test_the_readme_layout_names_every_module() -> None:
    table = layout_table((ROOT / "README.md").read_text(encoding="utf-8"))
    assert unlisted_modules(table) == []
    assert unlisted_modules(table.replace("`groupfiles`", "groupfiles")) == ["engine/data/groupfiles.py"]
