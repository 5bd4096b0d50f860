"""The site tooling's one module that changes another library's internals: MkDocs' live reload.

``install_quiet_rebuilds`` wraps the builder MkDocs hands ``mkdocs.livereload.LiveReloadServer``
(its ``__init__`` takes the builder as its first argument after the server), so each rebuild
goes through ``mkdocs_serve.quiet_rebuilds``. It is called by ``python -m
alliance_site.mkdocs_serve`` before MkDocs' command line starts, never on import.
``tests/engine/test_pin_mkdocs.py`` checks the signature it relies on; CONTRIBUTING's "When a
pin moves" says what else to re-check when MkDocs moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.livereload import LiveReloadServer

if TYPE_CHECKING:
    from collections.abc import Callable


def install_quiet_rebuilds(wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Make every ``LiveReloadServer`` created from now on rebuild through ``wrap(builder)``."""
    original = LiveReloadServer.__init__

    def init(
        server: LiveReloadServer, builder: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> None:
        original(server, wrap(builder), *args, **kwargs)

    LiveReloadServer.__init__ = init  # type: ignore[method-assign,assignment]  # same call, wrapped
