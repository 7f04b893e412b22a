"""The package's imports run one way: commands → answers → query, output, inspection, publishing, ingestion →
engine and stores → shared modules. Read from the source with `ast`, at any depth (imports inside functions and
under TYPE_CHECKING count: the old circles ran through exactly those).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kg"

# Layer of each top-level package of kg (the root module `kg` holds constants only). A module may import its
# own package and any package of a lower or equal layer, never a higher one; and no import cycle at all.
LAYERS: dict[str, int] = {
    "kg": 0, "kg.shared": 0,
    "kg.engine": 1,
    "kg.stores": 2,
    "kg.output": 3,
    "kg.query": 4, "kg.inspection": 4,
    "kg.publish": 5, "kg.ingest": 5,
    "kg.answers": 6,
    "kg.cli": 7, "kg.serve": 7,
}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """kg modules a file imports, anywhere in it. `from kg.x import y` is module kg.x.y when y is a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or node.level):
            base = node.module or ""
            if node.level:  # `from . import x`, `from ..engine import y`: resolved against the file's package
                here = module_name(path).split(".") if path.is_relative_to(PACKAGE) else ["kg", "_"]
                if path.name != "__init__.py":
                    here = here[:-1]
                here = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                base = ".".join([*here, base] if base else here)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for name in names:
            if name == "kg" or name.startswith("kg."):
                while name not in known and "." in name:
                    name = name.rsplit(".", 1)[0]
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    return {name: imported_modules(path, known) - {name} for name, path in modules.items()}


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else "kg"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_reader_sees_imports_inside_functions(tmp_path: Path) -> None:
    """The check would be worthless if it missed the imports the old circles ran through."""
    source = tmp_path / "mod.py"
    source.write_text("def f():\n    from kg.shared.paths import layout\n    import kg.engine.graph\n"
                      "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from kg.query import catalog\n")
    known = {"kg", "kg.shared", "kg.shared.paths", "kg.engine", "kg.engine.graph", "kg.query", "kg.query.catalog"}
    assert imported_modules(source, known) == {"kg.shared.paths", "kg.engine.graph", "kg.query.catalog"}


def test_the_reader_sees_relative_imports() -> None:
    """A relative import is an import too: `from ..cli import main` inside kg/engine would go up two layers."""
    source = PACKAGE / "engine" / "_probe_relative.py"
    known = {"kg", "kg.engine", "kg.engine.graph", "kg.engine._probe_relative", "kg.cli", "kg.cli.main"}
    try:
        source.write_text("from . import graph\nfrom ..cli import main\nfrom .graph import open_graph\n")
        assert imported_modules(source, known) == {"kg.engine.graph", "kg.cli.main"}
    finally:
        source.unlink()


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_every_package_has_a_layer() -> None:
    packages = {package_of(m) for m in all_modules()}
    assert packages <= set(LAYERS), f"give these packages a layer in LAYERS: {sorted(packages - set(LAYERS))}"


def test_imports_run_one_way() -> None:
    upward = []
    for module, targets in import_graph().items():
        here = package_of(module)
        for target in targets:
            there = package_of(target)
            if there != here and LAYERS[there] > LAYERS[here]:
                upward.append(f"{module} → {target}")
    assert not upward, "imports pointing up a layer: " + ", ".join(sorted(upward))


@pytest.mark.parametrize("init", sorted(p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("__init__.py")))
def test_package_inits_import_nothing(init: str) -> None:
    """Start-up time: importing a package must not import its modules; each says what it owns instead."""
    tree = ast.parse((PACKAGE.parent / init).read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
               and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    assert not imports, f"{init} imports {[ast.unparse(n) for n in imports]}"
    assert ast.get_docstring(tree), f"{init} has no docstring saying what the package owns"


def test_no_module_left_at_the_top_of_kg() -> None:
    """The top of kg/ holds the version and the regimes only; every module lives in the package of its job."""
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py"], top


def _package_modules(package_dir: Path) -> list[str]:
    """The modules and subpackages a package holds, by the names its docstring should use."""
    names = [p.stem for p in package_dir.glob("*.py") if p.name != "__init__.py"]
    names += [p.name for p in package_dir.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    return sorted(names)


@pytest.mark.parametrize("package", sorted(p.parent.relative_to(PACKAGE.parent).as_posix()
                                           for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE))
def test_package_docstring_names_every_module(package: str) -> None:
    """A newcomer reads the package's docstring to find where things are: it names every module it holds."""
    package_dir = PACKAGE.parent / package
    doc = ast.get_docstring(ast.parse((package_dir / "__init__.py").read_text(encoding="utf-8"))) or ""
    missing = [name for name in _package_modules(package_dir) if f"`{name}`" not in doc]
    assert not missing, f"{package}/__init__.py: name these modules in the docstring (as `name`): {missing}"
