"""Turn the LaTeX found in BibTeX fields into plain Unicode text, losing no text.

The only module that imports pylatexenc. Decoding every field with it made a large
bibliography load many times slower (the trap in bibtexparser's own LaTeX middleware), so
fields are sorted by what they hold: no LaTeX at all is returned as is; only braces and
dashes are handled by three replacements; anything with a backslash or math goes to
pylatexenc, with repeated values (author names, journal names) decoded once.

BibTeX keeps ``%``, ``#``, ``&`` and ``_`` inside a field as they stand, and people write
them meaning the character ("Reduced by 50% in six weeks"). LaTeX would read ``%`` as the
start of a comment and drop the rest of the field, so an unescaped one is escaped before
decoding: it shows as written. A ``$`` is math only when it pairs with another by Pandoc's
rule for TeX math (the opening ``$`` is followed by a non-space, the closing one follows a
non-space and is not followed by a digit); any other ``$`` is refused, because "$5 and $6"
would otherwise lose both signs and a space.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Final

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import (
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexWalker,
)
from pylatexenc.latexwalker import (
    get_default_latex_context_db as get_walker_context_db,
)
from pylatexenc.macrospec import MacroSpec

_LATEX_SIGNS_RE: Final = re.compile(r"[\\{}~$%]|--|``|''")
_NEEDS_DECODER_RE: Final = re.compile(r"[\\$%]")
_DASHES: Final = (
    ("---", "\u2014"),
    ("--", "\u2013"),
    ("~", " "),
    ("``", "\u201c"),
    ("''", "\u201d"),
)
# Characters BibTeX keeps as written and LaTeX would treat as markup outside math.
_LITERAL_SPECIALS: Final = frozenset("%#&_")
_ESCAPE_NEEDED_RE: Final = re.compile(r"[%#&_$]")
# An escape (kept as written) or a special character outside math (escaped).
_ESCAPABLE_RE: Final = re.compile(r"\\.|[%#&_]", re.DOTALL)
# Macros whose argument pylatexenc would drop or wrap, and names it would print as nothing.
_KEEP_ARGUMENT: Final = (
    "mbox",
    "text",
    "textnormal",
    "url",
    "path",
    "textsf",
    "texttt",
    "textrm",
    "textup",
    "textmd",
    "textsl",
    "textsc",
    "nolinkurl",
)
_QUOTING: Final = ("mkbibquote", "enquote", "textquote")
_NAMES: Final = (("LaTeX", "LaTeX"), ("TeX", "TeX"), ("BibTeX", "BibTeX"))


class LatexTextError(ValueError):
    """Field text whose LaTeX cannot be decoded without losing or inventing text."""


@cache
def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    macros = [MacroTextSpec(name, simplify_repl="%s") for name in _KEEP_ARGUMENT]
    macros += [MacroTextSpec(name, simplify_repl=text) for name, text in _NAMES]
    # biblatex's and csquotes' quotation commands print their argument in quotation marks.
    macros += [MacroTextSpec(name, simplify_repl="\u201c%s\u201d") for name in _QUOTING]
    # \href{url}{text} prints its text, as LaTeX and Pandoc do (pylatexenc's own rule for it
    # expects an argument its parser never reads, and crashed).
    macros.append(MacroTextSpec("href", simplify_repl=_href_text))
    context.add_context_category("citation-engine-keep-text", prepend=True, macros=macros)
    return LatexNodes2Text(latex_context=context)


@cache
def _walker_context() -> object:
    context = get_walker_context_db()
    context.add_context_category(
        "citation-engine-href",
        prepend=True,
        macros=[MacroSpec("href", "{{"), *(MacroSpec(name, "{") for name in _QUOTING)],
    )
    return context


def _href_text(node: object, l2tobj: LatexNodes2Text) -> str:
    arguments = getattr(getattr(node, "nodeargd", None), "argnlist", None) or []
    shown = [argument for argument in arguments[1:] if argument is not None]
    return str(l2tobj.nodelist_to_text(shown))


def _walk(value: str) -> list[object]:
    walker = LatexWalker(value, latex_context=_walker_context(), tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    return list(nodes)


def latex_to_text(value: str) -> str:
    r"""Decode accents, dashes, escapes, math and case-protecting braces into Unicode.

    Case-protecting braces are dropped: the citation style does not change the case of
    titles, so the protected words already keep the case the author wrote.

    Raises:
        LatexTextError: a ``$`` that opens or closes no math (write ``\$`` for the sign).
    """
    if not _LATEX_SIGNS_RE.search(value):
        return " ".join(value.split())
    if not _NEEDS_DECODER_RE.search(value):
        text = value.replace("{", "").replace("}", "")
        for latex, unicode in _DASHES:
            text = text.replace(latex, unicode)
        return " ".join(text.split())
    return _decode(escape_literal_specials(value))


def escape_literal_specials(value: str) -> str:
    """Escape each unescaped ``%``, ``#``, ``&`` and ``_`` outside math, so LaTeX shows it.

    The result means in LaTeX what the field means in BibTeX; ``$`` pairs are checked here.

    Raises:
        LatexTextError: an unpaired ``$``, or a pair that is not math by Pandoc's rule.
    """
    if not _ESCAPE_NEEDED_RE.search(value):
        return value
    if "$" not in value:
        return _ESCAPABLE_RE.sub(_escape_match, value)
    out: list[str] = []
    dollars: list[int] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            out.append(value[index : index + 2])
            index += 2
            continue
        if char == "$":
            dollars.append(index)
        elif char in _LITERAL_SPECIALS and len(dollars) % 2 == 0:
            out.append("\\")
        out.append(char)
        index += 1
    _check_math(value, dollars)
    return "".join(out)


def _escape_match(match: re.Match[str]) -> str:
    text = match.group()
    return text if text.startswith("\\") else "\\" + text


def _check_math(value: str, dollars: list[int]) -> None:
    hint = "write \\$ for a dollar sign, or $...$ around math"
    if len(dollars) % 2:
        raise LatexTextError(
            f"a '$' at character {dollars[-1] + 1} opens math it never closes; {hint}"
        )
    for start, end in zip(dollars[::2], dollars[1::2], strict=True):
        inner = value[start + 1 : end]
        after = value[end + 1 : end + 2]
        if not inner or inner[0].isspace() or inner[-1].isspace() or after.isdigit():
            raise LatexTextError(f"'{value[start : end + 1]}' is not math; {hint}")


@lru_cache(maxsize=65536)
def _decode(value: str) -> str:
    return _collapse("".join(text for text, _ in _node_texts(value)))


def _node_texts(value: str) -> list[tuple[str, bool]]:
    """Each top-level node's text, and whether it is protected from case changes.

    In math, "_" and "^" only raise or lower what follows ("H$_2$O"): the text keeps the
    characters, as Pandoc's plain text does ("H2O").
    """
    decoder = _decoder()
    texts = []
    for node in _walk(value):
        text = str(decoder.nodelist_to_text([node]))
        if isinstance(node, LatexMathNode):
            text = text.replace("_", "").replace("^", "")
        protected = isinstance(node, (LatexGroupNode, LatexMathNode)) or (
            isinstance(node, LatexMacroNode) and node.macroname in _PROTECTING_MACROS
        )
        texts.append((text, protected))
    return texts


# Around text a brace group protects from case changes (BibTeX's rule, which Pandoc and
# biblatex follow). Private-use characters: field text never holds them (``csl_json``).
NOCASE_OPEN: Final = "\ue010"
NOCASE_CLOSE: Final = "\ue011"
_PRIVATE_USE_RE: Final = re.compile("[\ue000-\uf8ff]")
_SPACE_INSIDE_OPEN_RE: Final = re.compile(f"({NOCASE_OPEN}+) ")
_SPACE_INSIDE_CLOSE_RE: Final = re.compile(f" ({NOCASE_CLOSE}+)")
# Commands whose text Pandoc keeps as written: code, small capitals, biblatex quotations.
_PROTECTING_MACROS: Final = frozenset({"texttt", "textsc", "mkbibquote"})


def latex_to_marked_text(value: str) -> str:
    r"""``latex_to_text``, with each top-level brace group's text between the NOCASE marks.

    A group is protected whatever it holds (``{ADHD}``, ``{\'E}cole``, ``{\em Words}``),
    as Pandoc protects it; a command's argument (``\emph{Words}``) is not, except code, small
    capitals and quotations (``\texttt``, ``\textsc``, ``\mkbibquote``). Math is protected.

    Raises:
        LatexTextError: as ``latex_to_text``.
    """
    value = _PRIVATE_USE_RE.sub("", value)
    if not _LATEX_SIGNS_RE.search(value):
        return " ".join(value.split())
    if not _NEEDS_DECODER_RE.search(value):
        return _collapse_marked(_mark_braces(value))
    return _marked_decode(escape_literal_specials(value))


def _mark_braces(value: str) -> str:
    out: list[str] = []
    depth = 0
    for char in value:
        if char == "{":
            out.append(NOCASE_OPEN if depth == 0 else "")
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
            out.append(NOCASE_CLOSE if depth == 0 else "")
        else:
            out.append(char)
    text = "".join(out)
    for latex, unicode in _DASHES:
        text = text.replace(latex, unicode)
    return text


@lru_cache(maxsize=8192)
def _marked_decode(value: str) -> str:
    parts = [
        NOCASE_OPEN + text + NOCASE_CLOSE if protected else text
        for text, protected in _node_texts(value)
    ]
    return _collapse_marked("".join(parts))


def _collapse(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _collapse_marked(text: str) -> str:
    """``_collapse``, with spaces moved out of the marks: the text reads as ``latex_to_text``."""
    text = _collapse(text).replace(NOCASE_OPEN + NOCASE_CLOSE, "")
    text = _SPACE_INSIDE_OPEN_RE.sub(r" \1", _SPACE_INSIDE_CLOSE_RE.sub(r"\1 ", text))
    return _collapse(text)
