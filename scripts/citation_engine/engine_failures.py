"""End an engine's build with the input problem's message and no Python traceback.

Problems in the input (a bad ``.bib`` file, an unknown key) are raised inside the engine's
call to ``Markdown.convert``. Left alone, each engine prints them under a traceback, which
reads as a crash of the site's code. At this one edge they are handed to the engine in the
form it reports without one:

- MkDocs: ``mkdocs.exceptions.PluginError``, a ``BuildError``. ``mkdocs build`` logs it and
  aborts with "Aborted with a BuildError!". MkDocs is imported only when it is the engine.
- Zensical: it wraps every Python error of a page in a ``RuntimeError`` that carries the
  traceback as text, and that error ends the command. The problem is re-raised as it is,
  and ``foreign.zensical_internals`` prints only its message when that error ends the run.
- Anything else (plain Python-Markdown, tests): the original error, unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from citation_engine.engine_pages import detect_engine
from citation_engine.errors import EngineError, ProblemsError
from citation_engine.foreign.zensical_internals import report_at_exit

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown import Markdown

_MARK = "_citation_engine_guarded"


def guard_conversion(md: Markdown) -> None:
    """Wrap ``md.convert`` so input problems end the build the way its engine reports errors."""
    if getattr(md, _MARK, False):
        return
    convert: Callable[[str], str] = md.convert

    def guarded_convert(source: str) -> str:
        try:
            return convert(source)
        except (ProblemsError, EngineError) as error:
            engine = detect_engine(md)
            if engine == "mkdocs":
                from mkdocs.exceptions import PluginError  # imported only under MkDocs

                raise PluginError(str(error)) from None
            if engine == "zensical":
                report_at_exit(str(error))
            raise

    md.convert = guarded_convert  # type: ignore[method-assign]
    setattr(md, _MARK, True)
