"""The modules of ``scripts/`` form no cycle, and the renderers never import the extension.

Values go down: the extension (the glue) imports the renderers and hands them a page
context; a renderer that imported the extension back, even for a type, would tie every
module to every other again. Imports made only for type checking count.
"""

from __future__ import annotations

import subprocess
import sys

import grimp
import pytest

RENDERERS = ("inline_citations", "reference_lists", "bibliography_page")
ENGINE = "citation_engine"


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(ENGINE, "alliance_site", cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return components


def test_scripts_have_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_renderer_never_imports_the_extension(renderer: str) -> None:
    graph = _graph()
    chain = graph.find_shortest_chain(
        importer=f"{ENGINE}.{renderer}", imported=f"{ENGINE}.markdown_extension"
    )
    assert chain is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="a")
    graph.add_import(importer="b", imported="c")
    assert _cycles(graph) == [["a", "b"]]


def test_the_inline_renderer_loads_neither_the_loader_nor_the_caches() -> None:
    """It needs only the unknown-key message (``errors``), not the build's bibliography."""
    code = (
        "import sys, citation_engine.inline_citations\n"
        "print(sorted(m for m in sys.modules if m.startswith('citation_engine.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = result.stdout
    for module in ("site_bibliography", "bibtex_loading", "styling_cache", "citation_index"):
        assert f"citation_engine.{module}'" not in loaded, module
