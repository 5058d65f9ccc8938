"""The layout's rules, checked on the source: no import cycle, and each layer imports only down.

A developer who knows one domain should know where every file of another is; these tests keep
the rules that make that true from eroding one convenient import at a time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("auth", "cli", "events", "models", "planner", "resolvers", "schema", "web")
TOP_MODULES = ("server", "config", "db", "db_recovery", "ids")
# Methods that read or write rows when called on a model class or a queryset.
ORM_METHODS = frozenset(
    {
        "all", "annotate", "bulk_create", "bulk_update", "count", "create", "delete", "exclude",
        "exists", "fetch_related", "filter", "first", "get", "get_or_create", "get_or_none",
        "prefetch_related", "raw", "save", "select_for_update", "select_related", "update",
        "update_or_create", "values", "values_list",
    }
)  # fmt: skip


def _modules() -> dict[str, Path]:
    found = {name: ROOT / f"{name}.py" for name in TOP_MODULES}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return {name: path for name, path in found.items() if path.exists()}


MODULES = _modules()


def _without_type_checking(tree: ast.Module) -> ast.Module:
    """Imports under `if TYPE_CHECKING:` serve the type checker only: they are not edges."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = [ast.Pass()]
    return tree


def _imported(name: str, path: Path) -> Iterator[str]:
    """Every project module `name` imports, at any depth of the file (inside functions too)."""
    tree = _without_type_checking(ast.parse(path.read_text()))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                kept = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*kept, base] if base else kept)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


GRAPH = {name: set(_imported(name, path)) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in GRAPH:
        if start in index:
            continue
        work = [(start, iter(sorted(GRAPH[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(GRAPH[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_checker_sees_the_project() -> None:
    assert "schema.tasks.types" in MODULES and "resolvers.tasks.reads" in MODULES
    assert "schema.core.relay" in GRAPH["schema.tasks.types"]


def test_no_module_takes_part_in_an_import_cycle() -> None:
    assert _cycles() == []


def _layer(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("models", {"auth", "cli", "events", "planner", "resolvers", "schema", "server", "web"}),
        ("resolvers", {"cli", "planner", "schema", "server", "web"}),
        ("auth", {"cli", "planner", "resolvers", "schema", "server"}),
        ("events", {"cli", "planner", "schema", "server", "web"}),
    ],
)
def test_each_layer_imports_only_downwards(layer: str, forbidden: set[str]) -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _layer(module) == layer
        for target in targets
        if _layer(target) in forbidden
    )
    assert wrong == []


def _third_party_imports(path: Path) -> Iterator[str]:
    """What a module imports when it runs (imports for the type checker only do not count)."""
    for node in ast.walk(_without_type_checking(ast.parse(path.read_text()))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module


def test_resolvers_and_auth_import_nothing_from_strawberry() -> None:
    wrong = sorted(
        f"{name} imports {imported}"
        for name, path in MODULES.items()
        if _layer(name) in {"resolvers", "auth", "models", "events"}
        for imported in _third_party_imports(path)
        if imported.split(".")[0] in {"strawberry", "graphql"}
    )
    assert wrong == []


def _orm_queries(path: Path) -> Iterator[str]:
    """Calls such as `Task.filter(...)` or `em.Employee.get(...)` on names imported from models/."""
    tree = ast.parse(path.read_text())
    model_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "models":
            model_names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            model_names.update(a.asname or a.name for a in node.names if a.name.split(".")[0] == "models")
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ORM_METHODS:
            continue
        root = node.func.value
        while isinstance(root, ast.Attribute | ast.Call):
            root = root.func if isinstance(root, ast.Call) else root.value
        if isinstance(root, ast.Name) and root.id in model_names:
            yield f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node.func)}(...)"


def test_schema_runs_no_orm_query() -> None:
    """`schema/` declares and wires; the rows come from `resolvers/`."""
    found = [hit for name, path in MODULES.items() if _layer(name) == "schema" for hit in _orm_queries(path)]
    assert found == []
    tortoise = sorted(
        name
        for name, path in MODULES.items()
        if _layer(name) == "schema"
        for imported in _third_party_imports(path)
        if imported.split(".")[0] == "tortoise"
    )
    assert tortoise == []


def test_the_orm_query_check_would_catch_one(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from models import tasks as m\nasync def f():\n    return await m.Task.filter(id=1).first()\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert sorted(_orm_queries(sample)) == [
            "sample.py:3 m.Task.filter(...)",
            "sample.py:3 m.Task.filter(id=1).first(...)",
        ]
    finally:
        ROOT = saved
