"""Zensical's internals the engine relies on still have the shape it uses.

A Zensical upgrade fails here first; CONTRIBUTING's "When a pin moves" says what to re-check
(``engine_pages.py``, ``foreign/zensical_internals.py``).
"""

from __future__ import annotations

import inspect

import markdown
from citation_engine.engine_pages import detect_engine, engine_page, engine_project_dir
from zensical.extensions.context import ContextExtension, ContextPreprocessor, Page


def test_the_rendering_context_names_the_page_and_the_project() -> None:
    page = Page("alliance/page/", "alliance\\page.md")
    md = markdown.Markdown(
        extensions=[ContextExtension(page=page, config={"root_dir": "/project"})]
    )
    assert isinstance(md.preprocessors["rendering_context"], ContextPreprocessor)
    assert detect_engine(md) == "zensical"
    assert engine_page(md) == "alliance/page.md"
    assert str(engine_project_dir(md)) == "/project"


def test_the_preprocessor_keeps_page_and_config_as_attributes() -> None:
    parameters = list(inspect.signature(ContextPreprocessor.__init__).parameters)
    assert parameters == ["self", "md", "page", "config"], parameters
    assert ContextPreprocessor.name == "rendering_context"
