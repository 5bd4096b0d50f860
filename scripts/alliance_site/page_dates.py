"""When each page was reviewed and when its next review is due; warn when one is overdue.

The date a page was last checked against its sources is the ``reviewed:`` field of its front
matter; the next review falls a fixed number of months later (``extra.review_months`` in
mkdocs.yml, stated on the editorial policy page). This module is the one place that
arithmetic is done. It serves two callers:

* a Python-Markdown extension (``markdown_extensions: - alliance_site.page_dates``) that puts
  "Reviewed DATE · next review due DATE" under each page's title, and logs a warning when
  the page is overdue. The warning goes to this module's own logger, never to MkDocs's, so
  ``--strict`` never fails a build because of the calendar;
* ``python -m alliance_site overdue`` (``make overdue``), which lists the overdue pages.

"Today" is always a parameter, so tests choose it. It never edits a page or a date.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import logging
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from citation_engine.engine_pages import engine_setting
from citation_engine.front_matter import split_front_matter
from markdown import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from alliance_site.config_file import read_config

if TYPE_CHECKING:
    from markdown import Markdown

LOGGER: Final = logging.getLogger("alliance_site.page_dates")
DEFAULT_REVIEW_MONTHS: Final = 12


class PageDateError(ValueError):
    """A page's ``reviewed:`` field is not a date; the message names the file and line."""


@dataclass(frozen=True)
class ReviewDates:
    """One page's last review and the date its next review is due."""

    page: str
    reviewed: dt.date
    due: dt.date

    def overdue(self, today: dt.date) -> bool:
        """True once the due date has passed."""
        return today > self.due


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, or that month's last day if it is shorter."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def human_date(day: dt.date) -> str:
    """``23 November 2026``: unambiguous to readers on both sides of the Atlantic."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def page_review_dates(docs_dir: Path, page: str, months: int) -> ReviewDates | None:
    """Read one page's ``reviewed:`` field; ``None`` when the page has none.

    Raises:
        PageDateError: the field is there but is not a calendar date.
    """
    path = docs_dir / page
    text = path.read_text(encoding="utf-8")
    split = split_front_matter(text)
    if split.fenced:
        raise PageDateError(f"{path}:1: front matter is not valid YAML (a mapping of fields)")
    meta = split.meta
    if "reviewed" not in meta:
        return None
    reviewed = meta["reviewed"]
    if isinstance(reviewed, str):
        with contextlib.suppress(ValueError):
            reviewed = dt.date.fromisoformat(reviewed)
    if not isinstance(reviewed, dt.date) or isinstance(reviewed, dt.datetime):
        before = text[: text.find("\nreviewed:")]
        line = before.count("\n") + 2
        raise PageDateError(
            f"{path}:{line}: reviewed: {meta['reviewed']!r} is not a date (write YYYY-MM-DD)"
        )
    return ReviewDates(page, reviewed, add_months(reviewed, months))


def all_review_dates(docs_dir: Path, months: int) -> list[ReviewDates]:
    """Every page's review dates, in path order; pages without ``reviewed:`` are skipped."""
    found = []
    for path in sorted(docs_dir.rglob("*.md")):
        if not path.is_file():
            continue  # a named pipe would block; the build refuses it by name
        dates = page_review_dates(docs_dir, path.relative_to(docs_dir).as_posix(), months)
        if dates is not None:
            found.append(dates)
    return found


def overdue_pages(docs_dir: Path, months: int, today: dt.date) -> list[ReviewDates]:
    """The pages whose next review date has passed on ``today``."""
    return [dates for dates in all_review_dates(docs_dir, months) if dates.overdue(today)]


def overdue_message(dates: ReviewDates, docs_dir: Path, today: dt.date) -> str:
    """One line naming the page, its last review and how long it is overdue."""
    days = (today - dates.due).days
    return (
        f"{docs_dir / dates.page}: review overdue by {days} day{'s' if days != 1 else ''} "
        f"(reviewed {dates.reviewed.isoformat()}, due {dates.due.isoformat()})"
    )


def dates_paragraph(dates: ReviewDates) -> etree.Element:
    """``<p class="page-dates">Reviewed <time>…</time> · next review due <time>…</time></p>``."""
    paragraph = etree.Element("p", {"class": "page-dates", "data-search-exclude": ""})
    paragraph.text = AtomicString("Reviewed ")
    reviewed = etree.SubElement(paragraph, "time", {"datetime": dates.reviewed.isoformat()})
    reviewed.text = AtomicString(human_date(dates.reviewed))
    reviewed.tail = AtomicString(" · next review due ")
    due = etree.SubElement(paragraph, "time", {"datetime": dates.due.isoformat()})
    due.text = AtomicString(human_date(dates.due))
    return paragraph


class PageDatesTreeprocessor(Treeprocessor):
    """Insert the dates line after the page's first ``h1`` (or at its top)."""

    def __init__(self, md: Markdown, extension: PageDatesExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        """Modify the page tree in place."""
        setting = engine_setting(self.md)
        if setting is None:  # no engine: the options say, relative to the working folder
            page = self.extension.getConfig("page")
            docs_dir = Path(self.extension.getConfig("docs_dir"))
        else:  # the engine's own docs folder, relative to the configuration's folder
            page = setting.page
            project = setting.project_dir or Path()
            docs_dir = project / (setting.docs_dir or self.extension.getConfig("docs_dir"))
        if not (docs_dir / page).is_file():
            return  # a page the engine made up (404) or a snippet: nothing to date
        months = int(self.extension.getConfig("review_months"))
        dates = page_review_dates(docs_dir, page, months)
        if dates is None:
            return
        today = _today(self.extension.getConfig("today"))
        if dates.overdue(today):
            LOGGER.warning(overdue_message(dates, docs_dir, today))
        position = 0
        for index, child in enumerate(root):
            if child.tag == "h1":
                position = index + 1
                break
        root.insert(position, dates_paragraph(dates))


def extension_options(config: Path, name: str = "alliance_site.page_dates") -> dict[str, Any]:
    """This extension's options as mkdocs.yml sets them, so the command and the build agree.

    The file's ``!ENV`` and other tags are read as empty values: only the options matter here.
    """
    for item in read_config(config).get("markdown_extensions") or []:
        if isinstance(item, dict) and name in item:
            return dict(item[name] or {})
    return {}


def run_overdue(config: Path, today: str = "") -> tuple[int, list[str]]:
    """``make overdue``: list the overdue pages; always status 0 (a date is not a failure)."""
    options = extension_options(config)
    # The engine's docs folder, as the build reads it (relative to the configuration's
    # folder); the extension's option only where the file names none.
    docs_dir = Path(options.get("docs_dir", "docs"))
    engine_docs = read_config(config).get("docs_dir")
    if isinstance(engine_docs, str) and engine_docs:
        docs_dir = config.parent / engine_docs
    months = int(options.get("review_months", DEFAULT_REVIEW_MONTHS))
    day = _today(today)
    pages = overdue_pages(docs_dir, months, day)
    lines = [overdue_message(dates, docs_dir, day) for dates in pages]
    lines.append(f"{len(pages)} page(s) overdue for review on {day.isoformat()}")
    return 0, lines


def _today(value: str) -> dt.date:
    return dt.date.fromisoformat(value) if value else dt.datetime.now(dt.UTC).date()


class PageDatesExtension(Extension):
    """Show each page's review dates under its title and warn when a review is overdue."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "docs_dir": [
                "docs",
                "Folder of the Markdown pages, relative to the working folder, when no engine "
                "(MkDocs, Zensical) says; an engine's own docs_dir wins.",
            ],
            "review_months": [
                DEFAULT_REVIEW_MONTHS,
                "Months from a page's review to its next; say the same on the editorial policy.",
            ],
            "today": ["", "ISO date to treat as today (tests); empty means the real date."],
            "page": ["index.md", "The page being rendered when no engine says."],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        """Register the treeprocessor."""
        # Priority 6: after Python-Markdown's inline processor (20) and the citation engine's
        # reference lists (15), so the tree is final; before ``toc`` (5), which only reads it.
        md.treeprocessors.register(PageDatesTreeprocessor(md, self), "page_dates", 6)


def makeExtension(**kwargs: Any) -> PageDatesExtension:  # noqa: N802 (Python-Markdown's API)
    """Python-Markdown's hook for ``markdown_extensions: - alliance_site.page_dates``."""
    return PageDatesExtension(**kwargs)
