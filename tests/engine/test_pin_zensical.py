"""Zensical's internals the engine relies on still have the shape it uses.

A Zensical upgrade fails here first; CONTRIBUTING's "When a pin moves" says what to re-check
(``engine_pages.py``, ``foreign/zensical_internals.py``).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import markdown
from citation_engine.engine_pages import (
    detect_engine,
    engine_page,
    engine_project_dir,
    engine_setting,
)
from zensical import config as zensical_config
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


def test_the_setting_takes_the_docs_folder_as_zensical_keeps_it() -> None:
    # Zensical keeps docs_dir as written in the file, relative to root_dir (zensical.config).
    page = Page("index/", "index.md")
    config = {"root_dir": "/project", "docs_dir": "content", "markdown_extensions": ["toc"]}
    md = markdown.Markdown(extensions=[ContextExtension(page=page, config=config)])
    setting = engine_setting(md)
    assert setting is not None
    assert setting.docs_dir == Path("content")
    assert setting.project_dir == Path("/project")
    source = inspect.getsource(zensical_config)
    assert 'set_default(config, "docs_dir", "docs", str)' in source
    # Never replaced by the resolved path it checks.
    assert re.search(r'config\["docs_dir"\]\s*=(?!=)', source) is None


def test_the_preprocessor_keeps_page_and_config_as_attributes() -> None:
    parameters = list(inspect.signature(ContextPreprocessor.__init__).parameters)
    assert parameters == ["self", "md", "page", "config"], parameters
    assert ContextPreprocessor.name == "rendering_context"
