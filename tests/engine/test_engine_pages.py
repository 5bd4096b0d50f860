"""Which page is rendered, under each engine, from fakes of the engines' internals."""

from __future__ import annotations

import types
from typing import Any

import markdown
import pytest
from citation_engine.engine_pages import detect_engine, engine_page
from citation_engine.errors import EngineError
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor


def _fake_class(base: type[Any], module: str, name: str) -> type[Any]:
    """A processor class that claims to come from an engine's module, as the real ones do."""
    return types.new_class(name, (base,), exec_body=lambda ns: ns.update({"__module__": module}))


def _mkdocs_markdown(file: object | None) -> markdown.Markdown:
    md = markdown.Markdown()
    relpath = _fake_class(Treeprocessor, "mkdocs.structure.pages", "_RelativePathTreeprocessor")
    processor = relpath(md)
    if file is not None:
        processor.file = file
    md.treeprocessors.register(processor, "relpath", 0)
    return md


def _zensical_markdown(page: object | None) -> markdown.Markdown:
    md = markdown.Markdown()
    context = _fake_class(Preprocessor, "zensical.extensions.context", "ContextPreprocessor")
    processor = context(md)
    processor.page = page
    md.preprocessors.register(processor, "rendering_context", 0)
    return md


def test_plain_python_markdown_is_no_engine() -> None:
    md = markdown.Markdown(extensions=["toc", "footnotes"])
    assert detect_engine(md) is None
    assert engine_page(md) is None


def test_mkdocs_names_the_page_by_its_source_uri() -> None:
    md = _mkdocs_markdown(types.SimpleNamespace(src_uri="alliance/page.md"))
    assert detect_engine(md) == "mkdocs"
    assert engine_page(md) == "alliance/page.md"


def test_zensical_names_the_page_by_its_path_with_forward_slashes() -> None:
    md = _zensical_markdown(types.SimpleNamespace(path="alliance\\page.md"))
    assert detect_engine(md) == "zensical"
    assert engine_page(md) == "alliance/page.md"


def test_mkdocs_without_the_internal_stops_the_build_naming_engine_and_version() -> None:
    md = _mkdocs_markdown(None)
    with pytest.raises(EngineError) as raised:
        engine_page(md)
    assert str(raised.value).startswith(
        "citation_engine cannot tell which page mkdocs 1.6.1 is rendering: "
        "the 'relpath' treeprocessor's file.src_uri is missing."
    )


def test_zensical_without_the_internal_stops_the_build_naming_engine_and_version() -> None:
    md = _zensical_markdown(types.SimpleNamespace())
    with pytest.raises(EngineError) as raised:
        engine_page(md)
    assert str(raised.value).startswith(
        "citation_engine cannot tell which page zensical 0.0.73 is rendering: "
        "the 'rendering_context' preprocessor's page.path is missing."
    )
