"""In-text citations: check a page's keys, then render each citation as links to its list.

The preprocessor sees the whole page first, so an unknown key stops the build naming its
line; the inline processors then turn each citation into a ``span`` of links.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from citation_engine.citation_labels import narrative, parenthetical
from citation_engine.citation_syntax import (
    BRACKETED_RE,
    NARRATIVE_RE,
    Citation,
    find_citations,
    parse_bracketed,
    parse_narrative,
)
from citation_engine.errors import CitationError, Problem, SourceLocation
from citation_engine.html_building import TextBuilder, anchor_for
from citation_engine.site_bibliography import SiteBibliography, unknown_key_message

if TYPE_CHECKING:
    import re

    from markdown import Markdown

    from citation_engine.markdown_extension import CitationExtension

LINK_CLASS = "citation__link"


class CitationCheckPreprocessor(Preprocessor):
    """Stop the page with every unknown key, naming the file, the line and the nearest keys."""

    def __init__(self, md: Markdown, extension: CitationExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        """Return the lines unchanged, or raise ``CitationError``."""
        site = self.extension.site()
        found = list(find_citations("\n".join(lines)))
        cited = tuple(dict.fromkeys(key for item in found for key in item.citation.keys))
        page_path = self.extension.page()
        page = site.index.pages.get(page_path)
        # Only a page an engine named can be compared with the scan; elsewhere (unit tests,
        # other tools) there is no file to have changed.
        if self.extension.under_engine() and page is not None and page.keys != cited:
            # The page changed since the scan (a live-reload edit): scan again.
            site = self.extension.refresh_site()
            page = site.index.pages.get(page_path)
        offset = page.body_offset if page else 0
        path = self.extension.page_display_path()
        problems = [
            Problem(
                SourceLocation(path, item.line + offset),
                unknown_key_message(key, site.references),
            )
            for item in found
            for key in item.citation.keys
            if key not in site.references
        ]
        if problems:
            raise CitationError(problems)
        return lines


class _CitationProcessor(InlineProcessor):
    def __init__(self, pattern: str, extension: CitationExtension) -> None:
        super().__init__(pattern)
        self.extension = extension

    def render(self, citation: Citation) -> etree.Element:
        site = self.extension.site()
        for key in citation.keys:
            if key not in site.references:
                # The preprocessor names the line; this guards text it never saw.
                location = SourceLocation(self.extension.page_display_path(), 0)
                raise CitationError([Problem(location, unknown_key_message(key, site.references))])
            self.extension.cited.setdefault(key)
        return build_citation(citation, site)


class BracketedCitationProcessor(_CitationProcessor):
    """``[see @a, p. 3; @b]``: a parenthetical citation of one or more works."""

    def __init__(self, extension: CitationExtension) -> None:
        super().__init__(BRACKETED_RE.pattern, extension)

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        """Render the citation, or decline so the brackets stay ordinary text."""
        citation = parse_bracketed(m["body"])
        if citation is None:
            return None, None, None
        return self.render(citation), m.start(0), m.end(0)


class NarrativeCitationProcessor(_CitationProcessor):
    """``@key`` in running text: "Razzaque et al. (2015)"."""

    def __init__(self, extension: CitationExtension) -> None:
        super().__init__(NARRATIVE_RE.pattern, extension)

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        """Render the citation for the matched key."""
        return self.render(parse_narrative(m["key"])), m.start(0), m.end(0)


def build_citation(citation: Citation, site: SiteBibliography) -> etree.Element:
    """Build the in-text citation: one link per work to its entry in the page's list.

    The text comes from ``citation_labels``: works in reference-list order, one author's
    works collapsed, and labels that tell every work on the site apart.
    """
    span = etree.Element("span", {"class": "citation"})
    builder = TextBuilder(span)
    styled = site.styled
    if citation.narrative:
        segments = narrative(citation.works[0], styled.labels)
    else:
        segments = parenthetical(citation.works, styled.labels, styled.position, styled.options)
    for segment in segments:
        if segment.key:
            builder.link(segment.text, "#" + anchor_for(segment.key), LINK_CLASS)
        else:
            builder.text(segment.text)
    return span
