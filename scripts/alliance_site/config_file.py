"""Read this site's ``mkdocs.yml`` as data, for commands that run outside a build.

A build never reads the file here: MkDocs and Zensical read it, and hand the engine what it
needs. Commands such as ``overdue`` run without an engine, and read the file for their
options. The engines resolve the tags themselves when they build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from pathlib import Path


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads tags it does not know (``!ENV``, ``!!python/name``) as null."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(config: Path) -> dict[str, Any]:
    """An MkDocs-style configuration as data, its ``!ENV`` and ``!!python`` tags read as null."""
    loaded = yaml.load(config.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    return loaded if isinstance(loaded, dict) else {}
