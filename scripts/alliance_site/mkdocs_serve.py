"""``mkdocs serve`` whose rebuilds report a broken configuration as a message, not a traceback.

MkDocs' live-reload loop prints only the message of an error that is also a ``SystemExit``
(its ``Abort``, which is how a page or bibliography problem arrives), but the whole traceback
of any other: a ``mkdocs.yml`` saved half-edited printed forty lines of PyYAML internals.
Here each rebuild turns MkDocs' own errors (``ClickException``: configuration, plugins) into
an ``Abort`` with the same message, so the loop prints the message and waits for the fix.
Anything else (a bug) keeps its traceback. The first build is unchanged: the command line
already reports its errors as messages.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from click import ClickException
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer

if TYPE_CHECKING:
    from collections.abc import Callable


def quiet_rebuilds(builder: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a rebuild so MkDocs' own errors reach the loop as an ``Abort`` with their message."""

    def rebuild(*args: Any, **kwargs: Any) -> Any:
        try:
            return builder(*args, **kwargs)
        except ClickException as error:
            if isinstance(error, SystemExit):
                raise
            raise Abort(f"Aborted: {error.format_message()}") from None

    return rebuild


def _install() -> None:
    original = LiveReloadServer.__init__

    def init(
        server: LiveReloadServer, builder: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> None:
        original(server, quiet_rebuilds(builder), *args, **kwargs)

    LiveReloadServer.__init__ = init  # type: ignore[method-assign,assignment]  # same call, wrapped


if __name__ == "__main__":  # spawned formatting workers import this module again: guard it
    from mkdocs.__main__ import cli

    _install()
    cli(["serve", *sys.argv[1:]])
