"""docs/api.md runs: every ``>>>`` example is a doctest (from the repository root), and its
type-checking example passes ``mypy --strict`` while a misspelt key fails it."""
from __future__ import annotations

import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "docs" / "api.md"


def test_every_example_in_api_md_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples name rulesets/ and examples/ as seen from the root
    result = doctest.testfile(str(API), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
    assert result.attempted >= 30  # the page's examples, not an empty run


def _typed_example() -> str:
    section = API.read_text(encoding="utf-8").split("## Type checking", 1)[1]
    return re.findall(r"```python\n(.*?)```", section, re.S)[0]


def _mypy(source: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "embedding.py"
    script.write_text(source, encoding="utf-8")
    return subprocess.run([sys.executable, str(ROOT / ".ci" / "typecheck"), str(script)], cwd=ROOT,
                          capture_output=True, text=True)


def test_the_typed_example_passes_mypy_strict(tmp_path: Path) -> None:
    done = _mypy(_typed_example(), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_misspelt_verdict_key_fails_mypy(tmp_path: Path) -> None:
    source = _typed_example().replace('data["parts"]', 'data["part"]')
    done = _mypy(source, tmp_path)
    assert done.returncode == 1
    assert 'TypedDict "VerdictDict" has no key "part"' in done.stdout


def test_the_package_docstring_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import tongbao

    monkeypatch.chdir(ROOT)
    result = doctest.testmod(tongbao, verbose=False)
    assert result.failed == 0
    assert result.attempted == 4
