"""Learn which page is being rendered from the engine that renders it: MkDocs or Zensical.

Python-Markdown knows nothing of pages, so each engine keeps the page, and the configuration
it builds with, on one of its own processors, which are internals. When an engine is
recognised but its internals have moved, this module stops the build naming the engine and
its version; it never guesses a page, because a wrong page would give wrong relative links
on every page. Outside an engine (plain
Python-Markdown, other tools, unit tests) the page is the extension's ``page`` option.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citation_engine.errors import EngineError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from markdown import Markdown
    from markdown.util import Registry


@dataclass(frozen=True)
class EngineSetting:
    """What the engine rendering a page says about it, read from the configuration it built.

    ``nav`` is the docs-relative pages in navigation order; ``extensions`` the names of the
    page's Markdown extensions, and ``configs`` their options, as the engine passes them to
    Python-Markdown; ``docs_dir`` the engine's docs folder (absolute, or relative to
    ``project_dir``), ``None`` when it does not say. Nothing here is read from a file: the
    engine has already read it.
    """

    project_dir: Path | None
    page: str
    nav: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    configs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    docs_dir: Path | None = None


def engine_setting(md: Markdown) -> EngineSetting | None:
    """The engine's page and configuration, or ``None`` outside an engine.

    Raises:
        EngineError: an engine runs, but the internal that names its page is missing.
    """
    engine = detect_engine(md)
    if engine is None:
        return None
    page = _mkdocs_page(md) if engine == "mkdocs" else _zensical_page(md)
    # One look-up of the engine and of its configuration per page: everything below is
    # read from that one object.
    config = _engine_config(md, engine)
    if isinstance(config, dict):
        nav, extensions, configs, docs_dir = (config.get(name) for name in _CONFIG_KEYS)
    else:
        nav, extensions, configs, docs_dir = (getattr(config, name, None) for name in _CONFIG_KEYS)
    return EngineSetting(
        _project_dir(config, engine),
        page,
        tuple(dict.fromkeys(nav_pages(nav))),
        tuple(name for name in extensions or () if isinstance(name, str)),
        dict(configs) if isinstance(configs, dict) else {},
        # MkDocs holds it absolute; Zensical as written, relative to its root_dir.
        Path(docs_dir) if isinstance(docs_dir, str) and docs_dir else None,
    )


_CONFIG_KEYS = ("nav", "markdown_extensions", "mdx_configs", "docs_dir")


def _engine_config(md: Markdown, engine: str) -> object:
    # MkDocs keeps its config object on the "relpath" treeprocessor, Zensical its config dict
    # on the "rendering_context" preprocessor; both hold nav, markdown_extensions, mdx_configs.
    if engine == "mkdocs":
        return getattr(_registered(md.treeprocessors, "relpath"), "config", None)
    return getattr(_registered(md.preprocessors, "rendering_context"), "config", None)


def nav_pages(item: object) -> Iterator[str]:
    """The Markdown pages a navigation names, in order, in MkDocs' or Zensical's shape.

    MkDocs keeps the nav as written (``- Title: page.md``); Zensical turns each item into a
    dict with a ``url`` and ``children``. Both come down to strings ending in ``.md``.
    """
    if isinstance(item, str):
        if item.endswith(".md") and "://" not in item:
            yield item.strip()
    elif isinstance(item, list):
        for child in item:
            yield from nav_pages(child)
    elif isinstance(item, dict):
        for child in item.values():
            yield from nav_pages(child)


def detect_engine(md: Markdown) -> str | None:
    """``"mkdocs"`` or ``"zensical"`` when one of them registered processors, else ``None``."""
    registries = (md.preprocessors, md.treeprocessors, md.postprocessors, md.inlinePatterns)
    for registry in registries:
        for processor in registry:
            module = type(processor).__module__.split(".", 1)[0]
            if module in ("mkdocs", "zensical"):
                return module
    return None


def engine_page(md: Markdown) -> str | None:
    """The docs-relative path of the page being rendered, or ``None`` outside an engine.

    Raises:
        EngineError: an engine runs, but the internal that names its page is missing.
    """
    engine = detect_engine(md)
    if engine == "mkdocs":
        return _mkdocs_page(md)
    if engine == "zensical":
        return _zensical_page(md)
    return None


def engine_project_dir(md: Markdown) -> Path | None:
    """The folder of the engine's configuration file, against which relative options resolve.

    ``None`` outside an engine, or when the engine does not say: options then resolve
    against the working directory, as documented.
    """
    engine = detect_engine(md)
    if engine is None:
        return None
    return _project_dir(_engine_config(md, engine), engine)


def _project_dir(config: object, engine: str) -> Path | None:
    if engine == "mkdocs":
        config_file = getattr(config, "config_file_path", None)
        return Path(config_file).resolve().parent if isinstance(config_file, str) else None
    root = config.get("root_dir") if isinstance(config, dict) else None
    return Path(root).resolve() if isinstance(root, str) else None


def _mkdocs_page(md: Markdown) -> str:
    # MkDocs 1.x keeps the page's File on its "relpath" treeprocessor (mkdocs.structure.pages).
    processor = _registered(md.treeprocessors, "relpath")
    src_uri = getattr(getattr(processor, "file", None), "src_uri", None)
    if not isinstance(src_uri, str):
        raise EngineError(_missing("mkdocs", "the 'relpath' treeprocessor's file.src_uri"))
    return src_uri


def _zensical_page(md: Markdown) -> str:
    # Zensical keeps its Page on the "rendering_context" preprocessor (zensical.extensions).
    processor = _registered(md.preprocessors, "rendering_context")
    path = getattr(getattr(processor, "page", None), "path", None)
    if not isinstance(path, str):
        raise EngineError(_missing("zensical", "the 'rendering_context' preprocessor's page.path"))
    return path.replace("\\", "/")


def _registered(registry: Registry[Any], name: str) -> object | None:
    # Python-Markdown's Registry has no get().
    return registry[name] if name in registry else None  # noqa: SIM401


def _missing(engine: str, internal: str) -> str:
    try:
        version = metadata.version(engine)
    except metadata.PackageNotFoundError:
        version = "unknown version"
    return (
        f"citation_engine cannot tell which page {engine} {version} is rendering: "
        f"{internal} is missing. This engine version is not supported yet; pin the last "
        "supported version (see requirements/build.in) or update engine_pages.py."
    )


def relative_link(from_page: str, to_page: str) -> str:
    """Return a link from one docs-relative page to another, relative to the first.

    Never "/"-rooted: such links escape a sub-path and Zensical does not rewrite them.
    """
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_page, start)
