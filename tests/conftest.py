"""Shared fixtures for the bad-input tests: pristine copies of the Tonggu files, the CLI, snapshots."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on fixed examples (the same ones every run, so a red CI is the code's
# doing, not the dice's); locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)  # no deadline: CI machines are shared
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TONGGU_RULESET = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
TONGGU_UNITS = ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv"


@pytest.fixture
def tonggu_ruleset_text() -> str:
    return TONGGU_RULESET.read_text(encoding="utf-8")


@pytest.fixture
def tonggu_units_text() -> str:
    return TONGGU_UNITS.read_text(encoding="utf-8")


class Snapshot:
    """Bytes and mtime of some files (absent files too), to prove nobody touched them."""

    def __init__(self, *paths: Path) -> None:
        self.state = {Path(p): self._read(Path(p)) for p in paths}

    @staticmethod
    def _read(p: Path):
        if not p.exists():
            return None
        st = p.stat()
        return (p.read_bytes() if p.is_file() else None, st.st_mtime_ns)

    def assert_unchanged(self) -> None:
        for p, before in self.state.items():
            assert self._read(p) == before, f"{p} was touched"


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


class Cli:
    """Runs ``python cli.py …`` from the repo root, with its own TMPDIR so crash files are visible."""

    def __init__(self, tmpdir: Path) -> None:
        self.tmpdir = tmpdir
        tmpdir.mkdir(parents=True, exist_ok=True)

    def run(self, *args: object) -> CliResult:
        env = dict(os.environ, TMPDIR=str(self.tmpdir), PYTHONIOENCODING="utf-8", COLUMNS="200")
        proc = subprocess.run([sys.executable, "-m", "tongbao", *map(str, args)], cwd=ROOT, env=env,
                              capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=120)
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    def fail(self, *args: object, out: Path | None = None, inputs: tuple[Path, ...] = (), contains: tuple[str, ...] = ()) -> CliResult:
        """Run, and check the house rule: exit 1, one message on stderr naming ``contains``, no
        traceback, nothing written at ``out`` nor beside it, inputs byte-for-byte untouched."""
        watched = Snapshot(*inputs, *([out] if out is not None else []))
        folder = out.parent if out is not None else None
        before = listing(folder) if folder is not None else set()
        res = self.run(*args)
        assert res.returncode == 1, f"exit {res.returncode}\nstdout: {res.stdout}\nstderr: {res.stderr}"
        assert "Traceback" not in res.stderr + res.stdout
        assert res.stderr.strip(), "no message on stderr"
        for part in contains:
            assert part in res.stderr, f"{part!r} not in stderr:\n{res.stderr}"
        watched.assert_unchanged()
        if out is not None:
            assert listing(folder) == before, f"stray files in {folder}: {listing(folder) - before}"
        assert not list(self.tmpdir.glob("tongbao-crash-*")), "tongbao wrote a crash report"
        return res


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "_tmpdir")


@pytest.fixture
def snapshot() -> type[Snapshot]:
    """``snap = snapshot(path, …)`` … ``snap.assert_unchanged()``."""
    return Snapshot
