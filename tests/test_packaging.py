"""pyproject.toml lists its packages by hand (engine/ is mapped to the name tongbao, which automatic
discovery cannot do), so a new subpackage that is not listed would be missing from the wheel."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_engine_subpackage_ships() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {"tongbao." + ".".join(p.parent.relative_to(ROOT / "engine").parts) if p.parent != ROOT / "engine" else "tongbao"
             for p in (ROOT / "engine").rglob("__init__.py") if "__pycache__" not in p.parts}
    assert found - listed == set(), f"add these to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
    assert config["package-dir"]["tongbao.rulesets"] == "rulesets"
    assert "tongbao.rulesets" in listed
