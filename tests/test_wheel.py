"""The wheel as a user gets it: built, installed into a fresh venv, used from a folder of their own.

The folder holds its own ``engine/`` package and ``cli.py`` (common names) that fail loudly if
imported, so tongbao using either would show. Dependencies install the ordinary way, from pip's
configured index and cache (in CI the earlier ``pip install ".[test]"`` has them cached).
Skipped only when this Python cannot create a venv with pip (no ensurepip); nothing else skips it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.search(r'__version__ = "([^"]+)"', (ROOT / "engine" / "_version.py").read_text(encoding="utf-8"))[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("tongbao-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and its dependencies; returns its bin (Scripts) folder."""
    home = tmp_path_factory.mktemp("venv")
    try:
        venv.create(home, with_pip=True)
    except Exception as exc:  # no ensurepip (e.g. Debian's python3 without python3-venv)
        pytest.skip(f"cannot create a venv with pip here: {exc}")
    bin_dir = home / ("Scripts" if os.name == "nt" else "bin")
    done = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return bin_dir


@pytest.fixture(scope="module")
def user_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's folder with its own engine/ and cli.py, and a ruleset with its data beside them."""
    folder = tmp_path_factory.mktemp("user")
    (folder / "engine").mkdir()
    (folder / "engine" / "__init__.py").write_text('raise ImportError("the user\'s own engine/ was imported")\n', encoding="utf-8")
    (folder / "cli.py").write_text('raise SystemExit("the user\'s own cli.py was run")\n', encoding="utf-8")
    shutil.copy(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml", folder / "rules.yaml")
    shutil.copytree(ROOT / "examples" / "tonggu-ganzhengtong", folder / "data")
    return folder


def run(bin_dir: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(bin_dir / args[0])] + args[1:]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, encoding="utf-8", env=env)


def test_the_wheel_holds_tongbao_and_nothing_else_at_the_top(wheel: Path) -> None:
    tops = {name.split("/", 1)[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert tops == {"tongbao", f"tongbao-{VERSION}.dist-info"}
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"tongbao/py.typed", "tongbao/command/cli.py", "tongbao/schemas/verdict.schema.json"} <= names


def test_every_engine_folder_is_a_listed_package() -> None:
    """setuptools ships only the packages pyproject.toml lists: a new subpackage must be added there."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {"tongbao" + "".join("." + part for part in p.parent.relative_to(ROOT / "engine").parts)
             for p in (ROOT / "engine").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_api_from_a_folder_with_its_own_engine_and_cli(installed: Path, user_folder: Path) -> None:
    code = ("import tongbao; r = tongbao.load_ruleset('rules.yaml'); "
            "v = tongbao.evaluate(r, 'data/units.csv').to_dict(); print(r.id, v['parts'][0]['summary']['units'])")
    done = run(installed, ["python", "-c", code], user_folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "tonggu-ganzhengtong 117\n"


def test_nothing_but_tongbao_is_importable_at_top_level(installed: Path, tmp_path: Path) -> None:
    code = ("import importlib.util as u, tongbao; "
            "print(u.find_spec('engine'), u.find_spec('cli'), u.find_spec('tongbao.command.cli') is not None)")
    done = run(installed, ["python", "-c", code], tmp_path)  # an empty folder: only the venv is on the path
    assert done.returncode == 0, done.stderr
    assert done.stdout == "None None True\n"


@pytest.mark.parametrize("args", [["tongbao", "--version"], ["python", "-m", "tongbao", "--version"]])
def test_version_from_the_command_and_python_m(installed: Path, user_folder: Path, args: list[str]) -> None:
    done = run(installed, args, user_folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"tongbao {VERSION}"


def test_commands_run_from_the_users_folder(installed: Path, user_folder: Path) -> None:
    helped = run(installed, ["tongbao", "evaluate", "-h"], user_folder)
    assert helped.returncode == 0, helped.stderr
    assert "evaluate" in helped.stdout
    done = run(installed, ["tongbao", "evaluate", "rules.yaml", "data", "-f", "json"], user_folder)
    assert done.returncode == 0, done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["tongbao"]["engine"] == VERSION
    assert verdict["parts"][0]["summary"]["tiers"][0]["bands"][0]["units"] == ["人民医院"]
