"""MkDocs' internals the engine and the site tooling rely on still have the shape they use.

An MkDocs upgrade fails here first; CONTRIBUTING's "When a pin moves" says what to re-check
(``foreign/markdown_internals.py``, ``engine_pages.py``, ``engine_failures.py``,
``alliance_site/mkdocs_internals.py``).
"""

from __future__ import annotations

import inspect
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

import markdown
from alliance_site import mkdocs_internals
from citation_engine import engine_pages
from citation_engine.engine_pages import (
    detect_engine,
    engine_page,
    engine_project_dir,
    engine_setting,
)
from citation_engine.foreign import markdown_internals
from click import ClickException
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure import pages

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest


def _page_markdown() -> tuple[markdown.Markdown, object]:
    """A Markdown instance with MkDocs' own per-page treeprocessors, as ``Page.render`` sets up."""
    md = markdown.Markdown()
    file = types.SimpleNamespace(src_uri="alliance/page.md")
    config = types.SimpleNamespace(
        config_file_path="/project/mkdocs.yml",
        docs_dir="/project/content",  # MkDocs makes it absolute when it loads mkdocs.yml
        nav=None,
        markdown_extensions=["toc"],
        mdx_configs={},
    )
    pages._ExtractAnchorsTreeprocessor(file, None, config)._register(md)  # type: ignore[arg-type]
    pages._RelativePathTreeprocessor(file, None, config)._register(md)  # type: ignore[arg-type]
    return md, file


def test_the_page_processors_carry_the_file_config_links_and_ids() -> None:
    md, file = _page_markdown()
    assert detect_engine(md) == "mkdocs"
    assert engine_page(md) == "alliance/page.md"
    assert str(engine_project_dir(md)) == "/project"
    assert md.treeprocessors["relpath"].file is file  # type: ignore[attr-defined]
    assert callable(markdown_internals.link_rewriter(md))
    assert markdown_internals.anchor_ids(md) == set()


def test_the_setting_names_the_docs_folder_and_looks_the_engine_up_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    md, _ = _page_markdown()
    looked_up: list[object] = []
    real = engine_pages.detect_engine

    def counting(md: markdown.Markdown) -> str | None:
        looked_up.append(md)
        return real(md)

    monkeypatch.setattr(engine_pages, "detect_engine", counting)
    setting = engine_setting(md)
    assert setting is not None
    assert setting.docs_dir == Path("/project/content")
    assert setting.project_dir == Path("/project")
    assert setting.extensions == ("toc",)
    assert len(looked_up) == 1


def test_mkdocs_config_holds_the_docs_folder_absolute(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("site_name: x\ndocs_dir: content\n", encoding="utf-8")
    config = load_config(str(config_file))
    assert config.docs_dir == str(tmp_path / "content")


def test_render_registers_them_under_the_names_the_engine_looks_up() -> None:
    source = inspect.getsource(pages)
    assert '"relpath"' in source
    assert '"mkdocs_extract_anchors"' in source
    assert "def path_to_url(self, url: str) -> str:" in source


def test_errors_the_engine_and_serve_raise_keep_their_kinds() -> None:
    assert issubclass(PluginError, BuildError)  # "Aborted with a BuildError!", no traceback
    assert issubclass(Abort, SystemExit)  # the live-reload loop prints only its message
    assert issubclass(Abort, ClickException)


def test_live_reload_server_takes_the_builder_first() -> None:
    parameters = list(inspect.signature(LiveReloadServer.__init__).parameters)
    assert parameters[:2] == ["self", "builder"], parameters


def test_quiet_rebuilds_wraps_the_builder_once_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[object] = []

    def stock_init(server: object, builder: object, *args: object, **kwargs: object) -> None:
        received.append(builder)

    monkeypatch.setattr(LiveReloadServer, "__init__", stock_init)
    wrapped: list[object] = []

    def wrap(builder: Callable[..., Any]) -> Callable[..., Any]:
        wrapped.append(builder)
        return len

    mkdocs_internals.install_quiet_rebuilds(wrap)
    LiveReloadServer.__init__(object(), print, "127.0.0.1", 0, "/site")  # type: ignore[arg-type]
    assert (wrapped, received) == ([print], [len])
