"""Sentence case for English titles, with brace-protected words kept, as Pandoc's BibTeX reader.

BibTeX files hold titles in Title Case ("The Effects of Mindfulness on Stress") because
BibTeX styles lower-case them; APA 7 writes titles in sentence case. Pandoc's reader (for
``bibtex`` and ``biblatex`` alike) converts the titles of English entries, and the site
follows it word for word so both print the same reference:

- a word is lower-cased when it is capitalised: a first capital and no other (``The``,
  ``Meta`` and ``Analysis`` in ``Meta-Analysis``, ``O`` and ``Brien`` in ``O'Brien``); a
  word with another capital (``ADHD``, ``McDonald``, ``iPhone``) keeps its case;
- the first word of the title, and a word after ". ", "? " or ": ", gets a capital first
  letter; a word after "! " keeps its case;
- text a brace group protects (``{Freud}``) is never changed.

An entry is English when its ``langid`` (else ``hyphenation``) names English or is absent.
"""

from __future__ import annotations

import re
from typing import Final

from citation_engine.latex_text import NOCASE_CLOSE, NOCASE_OPEN

# langid and hyphenation values that name English (babel's and polyglossia's names).
_ENGLISH: Final = frozenset(
    {
        "english",
        "american",
        "british",
        "usenglish",
        "ukenglish",
        "canadian",
        "australian",
        "newzealand",
        "canadianenglish",
        "australianenglish",
        "newzealandenglish",
        "americanenglish",
        "britishenglish",
    }
)
_TOKEN_RE: Final = re.compile(rf"[^\W_]+|{NOCASE_OPEN}|{NOCASE_CLOSE}|\s+|.", re.DOTALL)
# What the last non-space text before a space sets for the next word.
_CAPITALISE, _KEEP, _LOWER = "capitalise", "keep", "lower"
_AFTER: Final = {".": _CAPITALISE, "?": _CAPITALISE, ":": _CAPITALISE, "!": _KEEP}


def is_english(langid: str) -> bool:
    """Whether Pandoc converts the titles of an entry with this ``langid`` (empty: absent)."""
    name = langid.strip().lower()
    return not name or name in _ENGLISH or name == "en" or name.startswith("en-")


def sentence_case(marked: str) -> str:
    """The title in sentence case; ``marked`` holds protected text between the NOCASE marks."""
    out: list[str] = []
    mode = _CAPITALISE
    protected = 0
    last = ""
    # A bracket or comma right after a protected group ("{L.})") leaves the group's last
    # character in charge, as Pandoc reads the group as one piece: "{L.}) in" gives "In".
    after_group = False
    run = ""  # the punctuation since the group closed
    for token in _TOKEN_RE.findall(marked):
        if token == NOCASE_OPEN:
            protected += 1
        elif token == NOCASE_CLOSE:
            protected = max(protected - 1, 0)
            after_group, run = not protected, ""
        elif token.isspace():
            mode = _AFTER.get(last, _LOWER) if last else mode
            after_group = False
        elif token[0].isalnum() or token[0] == "_":
            if not protected and not token[0].isdigit():
                token = _recase(token, mode)
            mode = _LOWER
            after_group = False
        out.append(token)
        if token.isspace() or token in (NOCASE_OPEN, NOCASE_CLOSE):
            continue
        run = run + token if after_group else ""
        if not after_group or any(char in _AFTER for char in run):
            last = token[-1]
    return "".join(out)


def _recase(word: str, mode: str) -> str:
    if mode == _CAPITALISE:
        return word[0].upper() + word[1:]
    if mode == _KEEP:
        return word
    if word[0].isupper() and not any(char.isupper() for char in word[1:]):
        return word.lower()
    return word


def strip_marks(marked: str) -> str:
    """The text alone, as the site prints it."""
    return marked.replace(NOCASE_OPEN, "").replace(NOCASE_CLOSE, "")


def nocase_markup(marked: str) -> str:
    """The text with protected words in ``<span class="nocase">``, as CSL-JSON carries them."""
    return marked.replace(NOCASE_OPEN, '<span class="nocase">').replace(NOCASE_CLOSE, "</span>")


# CSL 1.0.2's stop words: lower case in title case, except first, last and after a colon.
_STOP_WORDS: Final = frozenset(
    (
        "a", "an", "and", "as", "at", "but", "by", "down", "for", "from", "in", "into", "nor",
        "of", "on", "onto", "or", "over", "so", "the", "till", "to", "up", "via", "with", "yet",
    )
)  # fmt: skip
_WORD_RE: Final = re.compile(r"[^\W\d_][^\W_]*")


def title_case(text: str) -> str:
    """CSL's ``text-case="title"``: a capital for each lower-case word but the stop words.

    A word with a capital already (``iPhone``, ``ADHD``) is kept; the first and last words
    and the word after a colon are capitalised even when they are stop words. Used where
    the style title-cases a title that the engine prints itself (an in-text title label).
    """
    words = list(_WORD_RE.finditer(text))
    out = []
    index = 0
    for number, match in enumerate(words):
        word = match.group()
        before = text[index : match.start()]
        out.append(before)
        index = match.end()
        edge = number in (0, len(words) - 1) or before.rstrip().endswith(":")
        hyphened = before.endswith("-")
        if word.islower() and (edge or word not in _STOP_WORDS or hyphened):
            word = word[0].upper() + word[1:]
        out.append(word)
    out.append(text[index:])
    return "".join(out)
