"""Print an input problem's message, not a traceback, when Zensical ends its run with it.

Zensical wraps every Python error of a page in a ``RuntimeError`` that carries the
traceback as text, and that error ends the command. This module's one job is the
``sys.excepthook`` that recognises such an error by the message it holds and prints only
the message. Nothing is set on import: ``report_at_exit`` sets the hook the first time a
problem is raised under Zensical, and any other error reaches the previous hook unchanged.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType

_messages: list[str] = []


def report_at_exit(message: str) -> None:
    """Print ``message`` alone if the error that ends the process carries it."""
    if not _messages:
        previous = sys.excepthook

        def excepthook(
            kind: type[BaseException], value: BaseException, trace: TracebackType | None
        ) -> None:
            found = next((text for text in _messages if text in str(value)), None)
            if found is None:
                previous(kind, value, trace)
                return
            sys.stderr.write(f"Error: {found}\n")

        sys.excepthook = excepthook
    _messages.append(message)
