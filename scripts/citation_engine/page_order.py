"""The order in which a site lists its pages: the ``nav`` of an MkDocs-style configuration.

"Cited on" links read best in the order a reader meets the pages. This module only reads
that order; it never checks the configuration (the engines do) and never renders anything.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads tags it does not know (``!ENV``, ``!!python/name``) as null."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(config: Path) -> dict[str, Any]:
    """An MkDocs-style configuration as data, its ``!ENV`` and ``!!python`` tags read as null.

    For reading names and options only (nav, extension options, ``extra``): the engines
    resolve the tags themselves when they build.
    """
    loaded = yaml.load(config.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    return loaded if isinstance(loaded, dict) else {}


def nav_order(config: Path) -> tuple[str, ...]:
    """Docs-relative page paths in navigation order; empty when there is no file or no nav."""
    try:
        stamp = config.stat().st_mtime_ns
    except OSError:
        return ()
    return _nav_order(config.resolve(), stamp)


def site_order_key(order: tuple[str, ...]) -> Callable[[str], tuple[int, str]]:
    """A sort key for page paths: navigation order first, then pages outside the nav by path."""
    position = {path: index for index, path in enumerate(order)}
    return lambda path: (position.get(path, len(order)), path)


@lru_cache(maxsize=4)
def _nav_order(config: Path, stamp: int) -> tuple[str, ...]:
    del stamp  # part of the cache key only: an edited configuration is read again
    nav = read_config(config).get("nav")
    return tuple(dict.fromkeys(_pages(nav)))


def _pages(item: Any) -> Iterator[str]:
    if isinstance(item, str):
        if item.endswith(".md") and "://" not in item:
            yield item
    elif isinstance(item, list):
        for child in item:
            yield from _pages(child)
    elif isinstance(item, dict):
        for child in item.values():
            yield from _pages(child)
