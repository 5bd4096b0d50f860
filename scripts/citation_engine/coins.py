"""COinS: each reference as an OpenURL 1.0 ContextObject in a span, for reference managers.

Zotero's "COinS" web translator finds every ``span.Z3988[title]`` on a page and parses its
title with ``Zotero.Utilities.parseContextObject``, which types the item by ``rft_val_fmt``
(``journal``, ``book``, ``dissertation``) and, for ``book``, by the literal pair
``rft.genre=bookitem`` / ``report`` / ``proceeding`` / ``document``. The pairs written here
are the ones that parser and the Z39.88-2004 KEV formats read; every value is
percent-encoded, so no field can end a pair, and the attribute is escaped.

The data come from ``to_csl_json``, the one mapping behind the style and the CSL-JSON
download, so the span says what the formatted entry says. This module builds no HTML but
the one empty span, as an element or as HTML text (the reference lists are HTML text).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

from citation_engine.csl_json import to_csl_json
from citation_engine.html_building import element_html

if TYPE_CHECKING:
    from citation_engine.references import Reference

COINS_CLASS: Final = "Z3988"
NO_TOOLTIP: Final = "data-preview"
_FORMAT: Final = "info:ofi/fmt:kev:mtx:"
# CSL type -> (KEV metadata format, rft.genre).
_KINDS: Final = {
    "article-journal": ("journal", "article"),
    "book": ("book", "book"),
    "chapter": ("book", "bookitem"),
    "paper-conference": ("book", "proceeding"),
    "report": ("book", "report"),
    "thesis": ("dissertation", ""),
}
_DEFAULT_KIND: Final = ("book", "document")
# Reference id -> (the reference, its ContextObject). Each page lists its works again, so a
# build would encode an entry once per citing page: the identity check makes a reused id safe.
_ENCODED: dict[int, tuple[Reference, str]] = {}
_ENCODED_LIMIT: Final = 20_000  # a few bibliographies: serve reloads leave old ones here


def kev_pairs(reference: Reference) -> list[tuple[str, str]]:
    """The ContextObject's key-value pairs, in order, before encoding."""
    item = to_csl_json(reference)
    fmt, genre = _KINDS.get(item["type"], _DEFAULT_KIND)
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", _FORMAT + fmt)]
    if genre:
        pairs.append(("rft.genre", genre))
    title = item.get("title", "")
    container = item.get("container-title", "")
    if fmt == "journal":
        pairs += [("rft.atitle", title), ("rft.jtitle", container)]
    elif genre in ("bookitem", "proceeding"):
        pairs += [("rft.atitle", title), ("rft.btitle", container)]
    elif fmt == "dissertation":
        pairs += [("rft.title", title), ("rft.inst", item.get("publisher", ""))]
    else:
        pairs.append(("rft.btitle", title))
    pairs += _authors(item.get("author", []))
    pairs.append(("rft.date", _year(item)))
    pairs += [("rft.volume", item.get("volume", "")), ("rft.issue", item.get("issue", ""))]
    pairs += _pages(item.get("page", ""))
    if fmt != "journal" and fmt != "dissertation":
        pairs += [
            ("rft.pub", item.get("publisher", "")),
            ("rft.place", item.get("publisher-place", "")),
        ]
        pairs += [("rft.edition", item.get("edition", "")), ("rft.isbn", item.get("ISBN", ""))]
    if doi := item.get("DOI"):
        pairs.append(("rft_id", f"info:doi/{doi}"))
    if url := item.get("URL"):
        pairs.append(("rft_id", url))
    return [(key, value) for key, value in pairs if value]


def context_object(reference: Reference) -> str:
    """The encoded ContextObject: ``key=value`` pairs joined by ``&``, values percent-encoded."""
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in kev_pairs(reference))


def coins_span(reference: Reference) -> etree.Element:
    """The empty ``<span class="Z3988" title="…">``: nothing to hover, nothing to read aloud."""
    return etree.Element("span", _attributes(reference))


def coins_html(reference: Reference) -> str:
    """The same span as HTML text, its title escaped."""
    return element_html("span", _attributes(reference))


def _attributes(reference: Reference) -> dict[str, str]:
    """The span's attributes, with ``data-preview`` to keep the theme's hands off it.

    Material's ``content.tooltips`` sets up a tooltip component on page load for every
    element in the content with a ``title``, except those marked ``data-preview`` (the mark
    of its link previews, which act on links only). Set up for every COinS span, that blocked
    the bibliography page's main thread on a phone, for spans that are empty and can never be
    hovered (``tests/browser/test_print.py``).
    """
    return {"class": COINS_CLASS, "title": _encoded(reference), NO_TOOLTIP: ""}


def _encoded(reference: Reference) -> str:
    cached = _ENCODED.get(id(reference))
    if cached is not None and cached[0] is reference:
        return cached[1]
    if len(_ENCODED) >= _ENCODED_LIMIT:
        _ENCODED.clear()
    encoded = context_object(reference)
    _ENCODED[id(reference)] = (reference, encoded)
    return encoded


def _authors(people: list[dict[str, str]]) -> list[tuple[str, str]]:
    # The first author as aulast/aufirst (or aucorp), the rest as "Family, Given" in rft.au:
    # the form Zotero's parser and Wikipedia's citation templates share.
    pairs: list[tuple[str, str]] = []
    for index, person in enumerate(people):
        if index == 0:
            if "literal" in person:
                pairs.append(("rft.aucorp", person["literal"]))
            else:
                pairs += [("rft.aulast", person["family"]), ("rft.aufirst", _given(person))]
        else:
            pairs.append(("rft.au", _display(person)))
    return pairs


def _given(person: dict[str, str]) -> str:
    return person.get("given", "")


def _display(person: dict[str, str]) -> str:
    if "literal" in person:
        return person["literal"]
    given = _given(person)
    return f"{person['family']}, {given}" if given else person["family"]


def _year(item: dict[str, Any]) -> str:
    issued = item.get("issued") or {}
    if parts := issued.get("date-parts"):
        return str(parts[0][0])
    return str(issued.get("literal", ""))


def _pages(pages: str) -> list[tuple[str, str]]:
    if not pages:
        return []
    first, _, last = pages.partition("–")
    return [("rft.pages", pages.replace("–", "-")), ("rft.spage", first), ("rft.epage", last)]
