"""No import circle in engine/: the package reads as a pipeline, each module importing only what comes before it.

Every ``import``/``from … import`` in every module counts, at module level and inside functions
(a late import still ties the two modules together); only imports under ``if TYPE_CHECKING:``
are left out, since they never run. Importing a package's submodule is not counted as importing
the package's ``__init__`` (that is how Python packages work, not a design choice).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
PACKAGE = "tongbao"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ENGINE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ENGINE.rglob("*.py"))}


def _runtime_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Import statements that can run: everything except the body of ``if TYPE_CHECKING:``."""
    out: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The engine modules ``name`` imports, resolved from relative and absolute forms."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = here[: len(here) - node.level + 1] if node.level else []
            stem = ".".join([*base, *(node.module.split(".") if node.module else [])])
            # "from .x import y": y may be a submodule of x, else a name defined in x
            targets = [f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in known else stem for alias in node.names]
        found |= {t for t in targets if t in known and t != name}
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as a closed path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(_closed_path(sorted(group), edges))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return groups


def _closed_path(group: list[str], edges: dict[str, set[str]]) -> list[str]:
    """One circle through the group's first module, to name in the failure (a → b → … → a)."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges[v] & members):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return group


def test_engine_has_no_import_circle() -> None:
    found = cycles(graph())
    assert found == [], "import circles: " + "; ".join(" → ".join(c) for c in found)


def test_the_walk_resolves_imports_and_finds_circles() -> None:
    """The walk is not vacuous: it sees late and relative imports, and reports a planted circle."""
    edges = graph()
    assert "tongbao.verdict" in edges["tongbao.evaluate"]  # from .verdict import …
    assert "tongbao.errors" in edges["tongbao.rules.build"]  # from ..errors import …
    assert len(edges) == len(modules()) > 30
    planted = {k: set(v) for k, v in edges.items()}
    planted["tongbao.errors"].add("tongbao.evaluate")
    assert any(c[0] == c[-1] and "tongbao.errors" in c and "tongbao.evaluate" in c for c in cycles(planted))


def test_late_imports_count(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from .b import g\n\nif TYPE_CHECKING:\n    from .c import h\n", encoding="utf-8")
    assert imports_of("tongbao.m", source, {"tongbao.m", "tongbao.b", "tongbao.c"}) == {"tongbao.b"}
