"""The house's layout, read from the code's own imports (ast, every import of every file,
including those inside functions): what the application package may import."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "clas_local"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_names(module: str) -> set[str]:
    """Every dotted name `module` imports (`from a.b import c` gives a.b.c when that is a module, else a.b)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                names.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return names


def test_the_application_never_imports_test_or_benchmark_code():
    offenders = {
        module: sorted(name for name in imported_names(module) if name.split(".")[0] in ("tests", "bench"))
        for module in MODULES
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def _domain(module: str) -> str | None:
    """The domain folder a module belongs to (clas_local.meetings.queries → meetings), None for a base module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or MODULES[module].name == "__init__.py" and len(parts) == 2 else None


def test_the_school_year_module_imports_no_domain():
    imported = {name for name in imported_names("clas_local.school_year") if name in MODULES}
    assert imported and {name: _domain(name) for name in imported if _domain(name)} == {}


def _place(module: str) -> str:
    """A domain folder (`meetings`), or a base module of the package (`permissions`)."""
    return _domain(module) or module.rpartition(".")[2]


def _is_models(module: str) -> bool:
    return module.rpartition(".")[2] == "models"


def test_no_import_cycle_between_domain_folders_outside_models():
    """Models may name each other (relationships); every other import goes one way only."""
    edges: dict[str, dict[str, str]] = {}
    for module in MODULES:
        for name in imported_names(module):
            if name in MODULES and not _is_models(name) and _place(name) != _place(module):
                edges.setdefault(_place(module), {}).setdefault(_place(name), f"{module} imports {name}")
    # Depth-first search; a back edge closes a cycle, which the message spells out file by file.
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(place: str) -> list[str] | None:
        state[place] = "open"
        path.append(place)
        for target in sorted(edges.get(place, {})):
            if state.get(target) == "open":
                cycle = path[path.index(target):] + [target]
                return [edges[a][b] for a, b in zip(cycle, cycle[1:])]
            if target not in state and (found := visit(target)):
                return found
        state[place] = "done"
        path.pop()
        return None

    for place in sorted(edges):
        if place not in state:
            cycle = visit(place)
            assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_invitation_rows_are_added_and_removed_in_one_place():
    """meetings/services.py keeps the guest list; the demo seeds its history as plain rows."""
    writers = set()
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            creates = isinstance(node.func, ast.Name) and node.func.id == "Invitation"
            deletes = (isinstance(node.func, ast.Name) and node.func.id in ("insert", "delete")
                       and any(isinstance(arg, ast.Name) and arg.id == "Invitation" for arg in node.args))
            if creates or deletes:
                writers.add(module)
    assert {module for module in writers if not module.startswith("clas_local.demo.")} == {"clas_local.meetings.services"}


def test_only_the_htmx_module_names_htmx_headers():
    named = {
        module
        for module, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("HX-")
    }
    assert named == {"clas_local.htmx"}


def test_base_modules_read_only_the_models_of_the_domains():
    """Below the domains: what assembles the app (create_app, the clas group) and the refusal log aside."""
    assemblers = {"clas_local", "clas_local.cli", "clas_local.errors"}
    reaching_up = {
        module: sorted(name for name in imported_names(module) if name in MODULES and _domain(name) and not _is_models(name))
        for module in MODULES
        if _domain(module) is None and module not in assemblers
    }
    assert {module: names for module, names in reaching_up.items() if names} == {}
