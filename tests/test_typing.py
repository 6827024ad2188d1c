"""mypy --strict is clean on the package and on the README's embedding example, and that example runs."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMBED = ROOT / "docs" / "examples" / "embed.py"


def test_mypy_strict_is_clean() -> None:
    done = subprocess.run([sys.executable, str(ROOT / ".ci" / "typecheck")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_readme_embedding_example_is_the_checked_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert EMBED.read_text(encoding="utf-8") in blocks


def test_embedding_example_runs() -> None:
    done = subprocess.run([sys.executable, str(EMBED)], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "['人民医院']\n"
