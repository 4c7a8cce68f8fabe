"""The source tree is the pipeline: each stage imports only the stages before it, and no
two modules import each other (directly or round a circle)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPOSITORY

PACKAGE = REPOSITORY / "src" / "pressrun"

# What each stage (a top-level module or subpackage) may import, besides itself.
# `files` is the boundary every file read or written goes through (issue 12), so every
# stage that reads a file of the project may import it; it imports nothing but errors.
ALLOWED = {
    "errors": set(),
    "files": {"errors"},
    "config": {"errors", "files"},
    # The content stage writes the editor's YAML back in place (the yearly cycle, forms), atomically.
    "content": {"errors", "config", "files"},
    "i18n": {"errors", "config", "files", "content"},
    "render": {"errors", "files", "content", "i18n"},
    # The PDF stage knows HTML, book slices and layout jobs: no catalog, edition or template.
    "pdf": {"errors", "files", "content"},
    "epub": {"errors", "files", "content", "i18n", "render"},
    "outputs": {"errors", "config", "files", "content", "i18n", "render", "pdf", "epub"},
    # The digest covers the pinned font files: pdf.fonts, which loads no rendering stack.
    "incremental": {"errors", "config", "files", "pdf"},
    "build": {"errors", "config", "files", "content", "incremental", "pdf", "outputs"},
    # Proofs sit beside builds: they share the stages, never build's own modules. They lay
    # out the EPUB's documents too, to check its colours.
    "proof": {"errors", "config", "files", "content", "i18n", "render", "pdf", "epub"},
    # The organisations' forms: an entry out (its words from the layouts, in a language's
    # catalogs, like an edition's labels) and back into the content; nothing of the outputs.
    "intake": {"errors", "config", "files", "content", "i18n", "render"},
    # The preview sits beside builds too: it makes an edition's outputs in memory as build
    # does (outputs), through the same layout cache (pdf, keyed with incremental's digest),
    # and writes nothing but cache entries.
    "preview": {"errors", "config", "content", "i18n", "incremental", "outputs", "pdf"},
    # The preflight command checks any PDF it is given, with the PDF stage's preflight.
    "cli": {"errors", "config", "files", "content", "i18n", "build", "proof", "pdf", "intake", "preview"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The pressrun modules `path` imports (relative imports resolved), at any depth."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            target = ".".join([*base, *([node.module] if node.module else [])])
            found |= {f"{target}.{alias.name}".strip(".") for alias in node.names} if not node.module else {target}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pressrun."):
            found.add(node.module.removeprefix("pressrun."))
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    return {target for target in found if target in modules and target}


def stage(module: str) -> str:
    return module.split(".")[0]


def test_every_stage_imports_only_the_stages_before_it():
    graph = {module_name(path): imports(path) for path in PACKAGE.rglob("*.py") if module_name(path)}
    assert set(map(stage, graph)) == set(ALLOWED), "a new stage needs its line in ALLOWED"
    upward = [
        f"{module} imports {target}"
        for module, targets in sorted(graph.items())
        for target in sorted(targets)
        if stage(target) != stage(module) and stage(target) not in ALLOWED[stage(module)]
    ]
    assert upward == []


def test_no_import_circle():
    graph = {module_name(path): imports(path) for path in PACKAGE.rglob("*.py") if module_name(path)}
    visiting, done, circles = [], set(), []

    def visit(module: str) -> None:
        if module in visiting:
            circles.append(visiting[visiting.index(module) :] + [module])
            return
        if module in done:
            return
        visiting.append(module)
        for target in sorted(graph.get(module, ())):
            # A package's __init__ importing its own modules is how a package is made.
            if not module or target.startswith(module + "."):
                continue
            visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert circles == []
