"""The shape of the package (docs: /work/shared/architecture.md): no import circles, and each
folder imports only the folders below it. Read from the source with ast, so nothing is imported.

Counted: every import of a cramp_cli module, at module level or inside a function (the lazy
imports that keep start-up fast are still dependencies). Not counted: imports under
`if TYPE_CHECKING:`, which never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cramp_cli"

# Modules of the package itself that the lower folders may use: the contract's constants, the
# error types, __version__ (cramp_cli/__init__.py; part "__init__"). Not version.py: it loads
# the knowledge base for --version, so it sits above knowledge.
BASE = {"contract", "errors", "__init__"}

# What each folder may import besides itself, as parts (see part_of). console is the bottom
# layer for writing output, so the folders that print (diary, front ends) may use it.
ALLOWED = {
    "engine": BASE,
    "knowledge": BASE | {"engine"},
    "console": {"contract", "errors"},
    "diary": BASE | {"engine", "console"},
    "frontends": BASE | {"engine", "knowledge", "console"},
}

# render reads an assessment and computes nothing: it imports no front end, command, knowledge
# or diary module, except under TYPE_CHECKING (not counted) and except these, which the code
# truly needs: the diary report prints numbers the way the diary stores them.
RENDER_FORBIDDEN = {"frontends", "commands", "knowledge", "diary", "cli", "__main__"}
RENDER_EXCEPTIONS = {("cramp_cli.render.report_md", "cramp_cli.diary.values")}

MAX_TOP_LEVEL_MODULES = 10


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def part_of(module: str) -> str:
    """The folder a module belongs to (engine, render, ...), or its own name at the top."""
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Import statements under node, skipping the body of `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                found += _imports_of_statement(other)
            continue
        found += _imports_of_statement(child)
    return found


def _imports_of_statement(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [node]
    return _imports(node)


def build_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        package = module if is_package else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.split(".")[0] == "cramp_cli"}
                continue
            if node.level:
                base_parts = package.split(".")
                if node.level > 1:
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] != "cramp_cli":
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in files else base)
        unknown = {t for t in targets if t not in files}
        assert not unknown, f"{module} imports modules that do not exist: {sorted(unknown)}"
        targets.discard(module)
        graph[module] = targets
    return graph


GRAPH = build_graph()


def edges() -> list[tuple[str, str]]:
    return [(source, target) for source in sorted(GRAPH) for target in sorted(GRAPH[source])]


def test_the_graph_sees_the_package():
    assert "cramp_cli.engine.assess" in GRAPH
    assert "cramp_cli.engine.model" in GRAPH["cramp_cli.engine.assess"]
    # a lazy import counts; a TYPE_CHECKING one does not
    assert "cramp_cli.knowledge.loader" in GRAPH["cramp_cli.commands.common"]
    assert "cramp_cli.frontends.asking" in GRAPH["cramp_cli.commands.common"]
    assert "cramp_cli.engine.model" not in GRAPH["cramp_cli.knowledge.safety"]


def test_no_import_cycle():
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        if module in on_path:
            circle = [*path[path.index(module) :], module]
            pytest.fail("import circle: " + " -> ".join(circle))
        on_path.add(module)
        path.append(module)
        for target in sorted(GRAPH[module]):
            visit(target)
        path.pop()
        on_path.discard(module)
        done.add(module)

    for module in sorted(GRAPH):
        visit(module)


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_folder_imports_only_what_it_may(folder):
    allowed = ALLOWED[folder] | {folder}
    wrong = [
        f"{source} imports {target}"
        for source, target in edges()
        if part_of(source) == folder and part_of(target) not in allowed
    ]
    assert not wrong, "\n".join(wrong)


def test_render_reads_and_computes_nothing():
    wrong = [
        f"{source} imports {target}"
        for source, target in edges()
        if part_of(source) == "render"
        and part_of(target) in RENDER_FORBIDDEN
        and (source, target) not in RENDER_EXCEPTIONS
    ]
    assert not wrong, "\n".join(wrong)


def test_only_the_cli_imports_commands_and_cli():
    wrong = [
        f"{source} imports {target}"
        for source, target in edges()
        if part_of(target) in {"commands", "cli"}
        and part_of(source) not in {"commands", "cli", "__main__"}
    ]
    assert not wrong, "\n".join(wrong)


def test_shared_command_options_import_no_command():
    # The modules every command shares: the options and the one question-flag table.
    shared = {"cramp_cli.commands.common", "cramp_cli.commands.answer_flags"}
    commands = {m for m in GRAPH if part_of(m) == "commands"} - {"cramp_cli.commands"} - shared
    for module in sorted(shared):
        assert not GRAPH[module] & commands, module


def test_folder_init_files_import_nothing():
    """Start-up stays lean: importing cramp_cli.engine.model must not import all of engine."""
    for path in sorted(PACKAGE.glob("*/__init__.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not _imports(tree), f"{path.relative_to(PACKAGE.parent)} imports something"


def test_few_modules_at_the_top():
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
