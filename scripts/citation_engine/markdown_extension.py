"""Python-Markdown extension: Pandoc-style citations, per-page reference lists, the bibliography.

It runs unchanged under MkDocs and Zensical, which both run Python-Markdown extensions but
only MkDocs runs hooks. The work is split by job: ``engine_pages`` learns which page is
rendered and the configuration the engine builds with, ``inline_citations`` checks and
renders citations, ``reference_lists`` closes each page with its list, and
``bibliography_page`` builds the full bibliography. This module is the glue: it holds the
options, builds each page's ``PageContext`` (a value the renderers read, never call back
through), registers the processors, and makes the scan that renders pages in collect mode,
which it hands to the citation index as a function. Every option a site might want to change
(every string a reader sees, headings, classes, names, the cache folder) is defined here,
once, with an English default.

Python-Markdown finds it by its entry point name: ``markdown_extensions: - citation_engine``.
Relative paths in the options resolve against the project folder (the folder of
``mkdocs.yml``) when an engine names it, else against the working directory, so a build
started from any folder reads the same files.
"""

from __future__ import annotations

import json
import posixpath
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from citation_engine import styling_cache
from citation_engine.citation_index import file_stamp, page_files
from citation_engine.engine_failures import guard_conversion
from citation_engine.engine_pages import EngineSetting, engine_setting
from citation_engine.html_building import EngineLinks
from citation_engine.inline_citations import (
    CitationCheckTreeprocessor,
    CitationInlineProcessor,
    PlacedWork,
    SourceCapturePreprocessor,
    place_citations,
)
from citation_engine.page_context import PageContext, PageRecord
from citation_engine.reference_lists import ReferenceListTreeprocessor
from citation_engine.reference_styles import check_site_style
from citation_engine.site_bibliography import SiteBibliography, forget_site, load_site_bibliography
from citation_engine.styling_cache import DEFAULT_CACHE_DIR

if TYPE_CHECKING:
    from collections.abc import Mapping

# Option name: (default, description). The contributing docs list these in a table.
OPTIONS: dict[str, tuple[str, str]] = {
    "bibliography": ("bib/references.bib", "BibTeX file, relative to the project folder."),
    "docs_dir": (
        "docs",
        "Folder of the Markdown pages, relative to the project folder, when no engine says "
        "(MkDocs' and Zensical's own `docs_dir` wins).",
    ),
    "style": (
        "apa",
        "Citation style of the site: `apa` (APA 7), the one style its labels are built for.",
    ),
    "bibliography_page": ("references/index.md", "Docs-relative page with the full list."),
    "downloads": ("downloads", "Docs-relative folder of the exported reference files."),
    "download_basename": ("references", "File name, without suffix, of the whole-library files."),
    "marker": ("[[bibliography]]", "Paragraph replaced by the full bibliography."),
    "references_heading": ("References", "Heading of each page's reference list."),
    "entry_link_label": ("Bibliography entry", "Label of the link from a list to the full entry."),
    "whole_library_label": (
        "Download the whole bibliography: ",
        "Text before the whole-library download links.",
    ),
    "download_separator": (" · ", "Text between the whole-library download links."),
    "whole_library_end": (".", "Text after the whole-library download links."),
    "other_initial_heading": (
        "#",
        "Heading of the bibliography's group of entries that begin with no letter.",
    ),
    "cited_on_label": ("Cited on: ", "Text before the links to the pages citing an entry."),
    "incomplete_label": (
        "Incomplete record: ",
        "Text before the reason an entry is incomplete (its `unverified` field).",
    ),
    "copy_label": ("Copy {name}", "Copy button; `{name}` is the format (APA 7, BibTeX, ...)."),
    "download_label": (
        "Download {name}",
        "Per-entry download link; `{name}` is the format (BibTeX, RIS).",
    ),
    "copied_label": ("Copied", "A copy button's text for a moment after it copied (site script)."),
    "copy_failed_label": (
        "Copy failed",
        "A copy button's text for a moment after copying failed (site script).",
    ),
    "copied_message": (
        "{name} reference copied to the clipboard",
        "Announced after a copy (site script); `{name}` is the format (APA 7, BibTeX, ...).",
    ),
    "copy_failed_message": (
        "Copying failed: select the text and copy it by hand",
        "Announced after copying failed (site script).",
    ),
    "bibtex_summary": ("BibTeX", "Summary of each entry's folded BibTeX source."),
    "filter_label": (
        "Filter by author, year, title or topic",
        "Label of the bibliography's filter box.",
    ),
    "filter_empty_text": (
        "No entry matches this filter. Try part of an author's family name, a year, "
        "a word from the title, or the name of a page.",
        "Shown when the filter matches no entry.",
    ),
    "filter_count_text": (
        "{shown} of {total} entries match",
        "The filter's count of matches (site script); `{shown}` and `{total}` are numbers.",
    ),
    "filter_total_text": (
        "{total} entries",
        "The filter's count while its box is empty (site script); `{total}` is a number.",
    ),
    "back_to_citation_label": (
        "Back to the citation in the text",
        "Accessible name of a list entry's link back to its one citation (site script).",
    ),
    "back_to_citations_label": (
        "Back to citation {number} of {count} in the text",
        "Accessible name of each link back to one of several citations (site script).",
    ),
    "nav": (
        "",
        "Pages in reading order, comma-separated, for cited-on links when no engine gives its nav.",
    ),
    "extensions": (
        "",
        "Markdown extensions of the pages, comma-separated, for the scan when no engine says.",
    ),
    "button_class": ("md-button", "Theme class of the copy and download buttons."),
    "cache_dir": (
        "",
        f"Folder of the formatting and page-scan caches, two files (empty: `{DEFAULT_CACHE_DIR}`).",
    ),
    "page": ("index.md", "The page being rendered when no engine (MkDocs, Zensical) says."),
}
# The module a configuration names this extension by, in any spelling (``citation_engine``,
# ``citation_engine.markdown_extension``, ``...:CitationExtension``): the scan leaves it out,
# or the scan would scan itself. It leaves out the engine's own extensions too
# (``zensical.extensions.*``, which Zensical adds, autorefs for one): they need the engine's
# page, which the scan has not, and add nothing a citation is read from.
OWN_PACKAGE = "citation_engine"
ENGINE_EXTENSION_PREFIXES = ("zensical.extensions.",)


def scanned_extension(name: str) -> bool:
    """Whether the scan renders with this extension name (see above)."""
    module = name.split(":", 1)[0]
    if module.split(".", 1)[0] == OWN_PACKAGE:
        return False
    return not module.startswith(ENGINE_EXTENSION_PREFIXES)


class CitationExtension(Extension):
    """Render ``[@key]`` citations with links and previews, and the lists they point to."""

    def __init__(self, *, collect: bool = False, **kwargs: Any) -> None:
        self.config = {name: [default, help] for name, (default, help) in OPTIONS.items()}
        super().__init__(**kwargs)
        # Collect mode only records what the inline processor sees (keys, modes, prefixes,
        # suffixes, lines), with no bibliography: the citation index and `cites` use it.
        self.collect = collect
        check_site_style(self.getConfig("style"))  # refuse a style it cannot render, at start
        self.record = PageRecord()
        self._collect_context: PageContext | None = None

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors; each priority is chosen relative to the built-ins."""
        md.registerExtension(self)
        self.reset()
        guard_conversion(md)  # input problems end an engine's build without a traceback
        if "@" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("@")  # "\@key" stays a literal "@key"
        # First of all preprocessors: the page's context is built once every extension, and
        # the engine's own processors, are registered, and before any renderer reads it.
        md.preprocessors.register(_ContextPreprocessor(md, self), "citation_context", 1000)
        # After snippets (32) have appended shared text, before whitespace is normalised (30):
        # the Markdown each citation's line is looked up in.
        md.preprocessors.register(SourceCapturePreprocessor(md, self.record), "citation_source", 31)
        # Below raw inline HTML (90), as pymdown-extensions' magiclink (79.7) sits: code spans
        # (190), escapes (180), links (160), autolinks (120) and raw HTML, comments included,
        # are stashed first, so a citation is never read inside them. Link text is still read
        # (Pandoc reads citations there too), with the label as text: a link holds no link.
        # Above entities (80) and emphasis (60), which then render prefixes and suffixes.
        md.inlinePatterns.register(CitationInlineProcessor(md, self.record), "citation", 85)
        if self.collect:
            return
        # After inline processing (20), before the reference lists (15): unknown keys stop
        # the page here, each at the line the inline processor's citation came from.
        md.treeprocessors.register(
            CitationCheckTreeprocessor(md, self.record), "citation_check", 16
        )
        # After inline processing (20) so the page's keys are known; before toc (5) so the
        # References heading gets an id and a TOC entry; before both engines' link rewriting (0).
        md.treeprocessors.register(
            ReferenceListTreeprocessor(md, self.record), "citation_lists", 15
        )

    def reset(self) -> None:
        """Forget the previous page's citations, as Python-Markdown's footnotes do."""
        # The processors hold this record: clear it in place rather than replace it.
        self.record.context = None
        self.record.source = ""
        self.record.seen.clear()
        self.record.cited.clear()

    def options(self) -> dict[str, str]:
        """Every option as a string, defaults filled in."""
        return {name: str(value) for name, value in self.getConfigs().items()}

    def page_context(self, md: Markdown) -> PageContext:
        """The page's context: from the engine's page and configuration, or from the options.

        In collect mode the engine is never asked (the scan renders outside it, whatever
        extensions it copied from the engine), and one context serves every page: the
        inline processor reads nothing from it but the absent bibliography.
        """
        if self.collect:
            if self._collect_context is None:
                options = self.options()
                self._collect_context = PageContext(
                    page=options["page"],
                    display_path=options["page"],
                    options=options,
                    site=None,
                    links=EngineLinks(md),
                )
            return self._collect_context
        options = self.options()
        setting = engine_setting(md)
        # Only an engine renders a whole site, build after build; elsewhere (plain
        # Python-Markdown, unit tests) a page rendered twice is no sign of a new build.
        under_engine = setting is not None
        if setting is None:
            setting = EngineSetting(
                None,
                options["page"],
                _names(options["nav"]),
                _names(options["extensions"]),
            )
        project = setting.project_dir or Path.cwd()
        docs_dir = project / (setting.docs_dir or options["docs_dir"])
        site = self._site(options, setting, docs_dir, under_engine=under_engine)
        return PageContext(
            page=setting.page,
            display_path=posixpath.join(_shown(docs_dir, project), setting.page),
            options=options,
            site=site,
            links=EngineLinks(md),
            nav=setting.nav,
        )

    def _site(
        self, options: dict[str, str], setting: EngineSetting, docs_dir: Path, *, under_engine: bool
    ) -> SiteBibliography:
        """The build's bibliography: cached across the pages of one build, while current.

        The scan is made again when a new build starts (``_starts_a_build``), when this
        page's file changed since the scan, and, on the bibliography page, when any page
        file changed, came or went: engines that render only changed pages (Zensical's
        serve, ``mkdocs serve --dirty``) start no recognisable build, and the bibliography
        page must show the pages as they are when it is rendered.
        """
        # Relative options point from the engine's project folder, else the working directory.
        project = setting.project_dir or Path.cwd()
        bibliography = project / options["bibliography"]
        # Read at call time: tests move the default to a folder of their own.
        cache_dir = options["cache_dir"] or styling_cache.DEFAULT_CACHE_DIR
        scan = MarkdownScanner.of(setting.extensions, setting.configs)

        def load() -> SiteBibliography:
            return load_site_bibliography(
                bibliography, docs_dir, options["style"], root=project,
                cache_dir=project / cache_dir, scan=scan,
            )  # fmt: skip

        # Engines may render pages in threads: deciding whether to scan again and scanning
        # are one step, so two pages never start two scans, nor see half-updated records
        # (``_rendered``, the session's memos, ``scan_digest``'s cache, the scanner's one
        # Markdown are all touched under this lock). Uncontended, it costs next to nothing.
        with _SCAN_LOCK:
            if under_engine and _starts_a_build((bibliography, docs_dir), setting):
                forget_site()
            site = load()
            whole = setting.page == options["bibliography_page"]
            if _changed_since(site, docs_dir, setting.page, whole=whole):
                forget_site()
                site = load()
        return site


class _ContextPreprocessor(Preprocessor):
    """Build the page's context before anything reads it; leave the lines alone."""

    def __init__(self, md: Markdown, extension: CitationExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        """Return the lines unchanged."""
        self.extension.record.context = self.extension.page_context(self.md)
        return lines


# One scan at a time, in every thread (see ``_site``).
_SCAN_LOCK = threading.Lock()
# The pages each site (its bibliography and docs folder) has rendered in the current build.
_rendered: dict[tuple[Path, Path], set[str]] = {}


def _changed_since(site: SiteBibliography, docs_dir: Path, page: str, *, whole: bool) -> bool:
    """Whether the page's file (``whole``: any page file) differs from what the scan saw.

    One stat per page; on the bibliography page one walk of the docs folder, once a build.
    """
    if whole:
        return page_files(docs_dir) != site.index.files
    return file_stamp(docs_dir / page) != site.index.files.get(page)


def _shown(docs_dir: Path, project: Path) -> str:
    """The docs folder as messages name it: relative to the project when inside it."""
    try:
        return docs_dir.relative_to(project).as_posix()
    except ValueError:
        pass
    try:  # a symbolic link on one of the two paths
        return docs_dir.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return docs_dir.as_posix()


def _starts_a_build(site: tuple[Path, Path], setting: EngineSetting) -> bool:
    """Whether this page starts a new build: it was rendered already in the current one.

    An engine renders each page once per build, and ``serve`` renders them again for the
    next; so the second rendering of a page is the first of a new build, whose pages,
    titles and snippets may all have changed. The scan is then made again (its cache makes
    an unchanged page cheap). It is the one sign of a snippet edit; a page that is rendered
    alone (an engine that renders only changed pages) is caught by its file's stamp
    instead (``_changed_since``).
    """
    pages = _rendered.setdefault(site, set())
    if setting.page in pages:
        pages.clear()
        pages.add(setting.page)
        return True
    pages.add(setting.page)
    return False


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


@dataclass(frozen=True)
class MarkdownScanner:
    """Render a page as its engine does, with the citation extension in collect mode.

    The page's own extensions are used, with their options (snippets included, so a
    citation added by a snippet is indexed), and this extension is replaced by its collect
    mode. Two scanners with the same ``settings`` are the same scan.
    """

    extensions: tuple[str, ...]
    settings: str
    configs: Mapping[str, Mapping[str, Any]] = field(compare=False, hash=False, repr=False)

    @classmethod
    def of(
        cls, extensions: tuple[str, ...], configs: Mapping[str, Mapping[str, Any]] | None = None
    ) -> MarkdownScanner:
        """A scanner for pages written with these extensions and options."""
        kept = tuple(name for name in extensions if scanned_extension(name))
        given = configs or {}
        used = {name: dict(given[name]) for name in kept if name in given}
        settings = json.dumps([kept, used], sort_keys=True, default=_stable_name)
        return cls(kept, settings, used)

    def __call__(self, markdown_text: str) -> list[tuple[str, int]]:
        """Each citation of the body as its key and 1-based line."""
        md, extension = self._preprocessing
        md.reset()
        md.convert(markdown_text)
        return [
            (placed.work.key, placed.line)
            for placed in place_citations(extension.record.source, extension.record.seen)
        ]

    def source(self, markdown_text: str) -> str:
        """The body once the preprocessors before the citations' own have run (snippets)."""
        md, extension = self._preprocessing
        md.reset()
        lines = markdown_text.split("\n")
        for preprocessor in md.preprocessors:
            lines = preprocessor.run(lines)
            if isinstance(preprocessor, SourceCapturePreprocessor):
                break
        return extension.record.source

    @cached_property
    def _preprocessing(self) -> tuple[Markdown, CitationExtension]:
        # One Markdown for every page, its source and its citations, reset in between, as an
        # engine resets its own: making one loads every extension again, which costs more
        # than the text. A scanner is used by one scan at a time (the extension's lock).
        extension = CitationExtension(collect=True)
        return _markdown(self.extensions, self.configs, extension), extension


def _stable_name(value: object) -> str:
    """A name for an option value JSON cannot hold (a function, a class): the same each run."""
    named = getattr(value, "__qualname__", type(value).__qualname__)
    return f"{getattr(value, '__module__', type(value).__module__)}.{named}"


def collect_citations(
    markdown_text: str,
    extensions: tuple[str, ...] = (),
    configs: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[PlacedWork]:
    """Every citation Python-Markdown's inline processor sees in a page, with its line.

    The page is rendered with the citation extension in collect mode: no bibliography is
    needed, and unknown keys are listed rather than refused.
    """
    extension = CitationExtension(collect=True)
    _markdown(extensions, configs, extension).convert(markdown_text)
    return place_citations(extension.record.source, extension.record.seen)


def _markdown(
    extensions: tuple[str, ...],
    configs: Mapping[str, Mapping[str, Any]] | None,
    extension: CitationExtension,
) -> Markdown:
    return Markdown(
        extensions=[*extensions, extension],
        extension_configs={name: dict(value) for name, value in (configs or {}).items()},
    )


def makeExtension(**kwargs: Any) -> CitationExtension:
    """Entry point used by ``markdown_extensions: - citation_engine.markdown_extension``."""
    return CitationExtension(**kwargs)
