"""Small named pieces: no module in engine/ over 400 lines, unless its docstring says why.

The reason goes in the docstring's first lines as one line starting ``Over 400 lines because``,
so a reader opening the file sees it before the code. A module being split may be listed in
BEING_SPLIT meanwhile; the list fails as soon as an entry is no longer needed.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
REASON = re.compile(r"^Over 400 lines because \S.*$")
BEING_SPLIT: set[str] = set()


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def has_reason(path: Path) -> bool:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return any(REASON.match(line.strip()) for line in doc.splitlines()[:5])


def test_no_module_over_400_lines_without_a_reason() -> None:
    over = {str(p.relative_to(ROOT)): lines_of(p) for p in sorted((ROOT / "engine").rglob("*.py")) if lines_of(p) > LIMIT}
    unexplained = [f"{name} ({n} lines)" for name, n in over.items() if name not in BEING_SPLIT and not has_reason(ROOT / name)]
    assert unexplained == [], "split these, or add 'Over 400 lines because …' to the docstring's first lines: " + ", ".join(unexplained)


def test_the_being_split_list_holds_only_what_still_needs_it() -> None:
    stale = [name for name in BEING_SPLIT if not (ROOT / name).exists() or lines_of(ROOT / name) <= LIMIT]
    assert stale == [], f"remove from BEING_SPLIT: {stale}"


def test_the_reason_is_read_from_the_docstring(tmp_path: Path) -> None:
    with_reason = tmp_path / "a.py"
    with_reason.write_text('"""Title.\n\nOver 400 lines because it must.\n"""\nx = 1\n', encoding="utf-8")
    in_a_comment = tmp_path / "b.py"
    in_a_comment.write_text('"""Title."""\n# Over 400 lines because it must.\nx = 1\n', encoding="utf-8")
    assert has_reason(with_reason) and not has_reason(in_a_comment)
