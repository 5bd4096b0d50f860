"""Turn the LaTeX found in BibTeX fields into plain Unicode text.

The only module that imports pylatexenc. Most fields hold no LaTeX at all, so a cheap test
skips the decoder for them: decoding every field made a large bibliography parse many times
slower (bibtexparser's own LaTeX middleware does exactly that).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from pylatexenc.latex2text import LatexNodes2Text

# Characters that can change meaning in LaTeX; a field without any of them is already text.
_LATEX_SIGNS_RE: Final = re.compile(r"[\\{}~$%]|--")


@cache
def _decoder() -> LatexNodes2Text:
    return LatexNodes2Text()


def latex_to_text(value: str) -> str:
    """Decode accents, dashes, escapes and case-protecting braces into Unicode.

    Case-protecting braces are dropped: the citation style does not change the case of
    titles, so the protected words already keep the case the author wrote.
    """
    if not _LATEX_SIGNS_RE.search(value):
        return " ".join(value.split())
    decoded: str = _decoder().latex_to_text(value)
    return " ".join(decoded.replace("\xa0", " ").split())
