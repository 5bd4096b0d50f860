"""``mkdocs serve`` whose rebuilds report a broken configuration as a message, not a traceback.

MkDocs' live-reload loop prints only the message of an error that is also a ``SystemExit``
(its ``Abort``, which is how a page or bibliography problem arrives), but the whole traceback
of any other: a ``mkdocs.yml`` saved half-edited printed forty lines of PyYAML internals.
Here each rebuild turns MkDocs' own errors (``ClickException``: configuration, plugins) into
an ``Abort`` with the same message, so the loop prints the message and waits for the fix.
Anything else (a bug) keeps its traceback. The first build is unchanged: the command line
already reports its errors as messages. The wrapping is put in place by
``mkdocs_internals.install_quiet_rebuilds`` when this module runs as the command.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from click import ClickException
from mkdocs.exceptions import Abort

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


if __name__ == "__main__":  # spawned formatting workers import this module again: guard it
    from mkdocs.__main__ import cli

    from alliance_site.mkdocs_internals import install_quiet_rebuilds

    install_quiet_rebuilds(quiet_rebuilds)
    cli(["serve", *sys.argv[1:]])
