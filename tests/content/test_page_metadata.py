"""Each page's dates, its "Cite this page" box, downloads and metadata say the same thing."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote

import bibtexparser
import markdown
import pytest
import rispy
from alliance_site import page_dates
from alliance_site.page_dates import (
    PageDateError,
    add_months,
    page_review_dates,
    run_overdue,
)
from bs4 import BeautifulSoup
from citation_engine.engine_pages import EngineSetting

from tests.conftest import SUBPATH_URL, built_pages, run_engine
from tests.peer_rendering import STYLE, pandoc_path

ROOT = Path(__file__).resolve().parents[2]
VERSION = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
SITE_URL = "http://127.0.0.1:8000/"


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        ("2026-11-23", 12, "2027-11-23"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-08-31", 6, "2027-02-28"),
        ("2026-12-15", 1, "2027-01-15"),
    ],
)
def test_next_review_is_months_later_clamped_to_the_month(
    start: str, months: int, due: str
) -> None:
    assert add_months(dt.date.fromisoformat(start), months) == dt.date.fromisoformat(due)


def _docs(tmp_path: Path, front_matter: str) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text(f"---\n{front_matter}---\n\n# A page\n\nText.\n", "utf-8")
    return docs


def _render(docs: Path, today: str) -> str:
    extension = {"docs_dir": str(docs), "review_months": 12, "today": today, "page": "page.md"}
    body = (docs / "page.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    return markdown.markdown(
        body,
        extensions=["alliance_site.page_dates"],
        extension_configs={"alliance_site.page_dates": extension},
    )


def test_dates_line_sits_under_the_title(tmp_path: Path) -> None:
    docs = _docs(tmp_path, "title: A page\nreviewed: 2026-11-23\n")
    html = _render(docs, "2026-12-01")
    assert html.startswith(
        '<h1>A page</h1>\n<p class="page-dates" data-search-exclude="">Reviewed '
        '<time datetime="2026-11-23">23 November 2026</time> · next review due '
        '<time datetime="2027-11-23">23 November 2027</time></p>'
    )


def test_under_an_engine_the_engines_docs_folder_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # mkdocs.yml says docs_dir: content; the extension's own option is left at its default.
    content = tmp_path / "content"
    content.mkdir()
    (content / "page.md").write_text("---\nreviewed: 2026-11-23\n---\n\n# A page\n", "utf-8")
    setting = EngineSetting(tmp_path, "page.md", docs_dir=Path("content"))
    monkeypatch.setattr(page_dates, "engine_setting", lambda md: setting)
    html = markdown.markdown(
        "# A page\n",
        extensions=["alliance_site.page_dates"],
        extension_configs={"alliance_site.page_dates": {"today": "2026-12-01"}},
    )
    assert 'class="page-dates"' in html


def test_the_overdue_command_reads_the_docs_folder_the_engine_reads(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    _docs(tmp_path / "project", "reviewed: 2026-11-23\n")
    config = tmp_path / "project" / "mkdocs.yml"
    config.write_text("docs_dir: docs\nmarkdown_extensions:\n  - alliance_site.page_dates\n")
    status, lines = run_overdue(config, "2027-11-25")
    assert status == 0
    assert lines == [
        f"{config.parent / 'docs' / 'page.md'}: review overdue by 2 days "
        "(reviewed 2026-11-23, due 2027-11-23)",
        "1 page(s) overdue for review on 2027-11-25",
    ]


def test_overdue_page_warns_without_failing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    docs = _docs(tmp_path, "reviewed: 2025-01-10\n")
    with caplog.at_level(logging.WARNING, logger="alliance_site.page_dates"):
        _render(docs, "2026-01-12")
    assert caplog.messages == [
        f"{docs / 'page.md'}: review overdue by 2 days (reviewed 2025-01-10, due 2026-01-10)"
    ]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alliance_site.page_dates"):
        _render(docs, "2026-01-10")  # due today: not overdue yet
    assert caplog.messages == []


def test_a_reviewed_field_that_is_not_a_date_names_file_and_line(tmp_path: Path) -> None:
    docs = _docs(tmp_path, "title: A page\nreviewed: last spring\n")
    with pytest.raises(PageDateError) as error:
        page_review_dates(docs, "page.md", 12)
    assert str(error.value) == (
        f"{docs / 'page.md'}:3: reviewed: 'last spring' is not a date (write YYYY-MM-DD)"
    )


def test_overdue_command_lists_pages_and_never_fails(tmp_path: Path) -> None:
    docs = _docs(tmp_path, "reviewed: 2026-11-23\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_url: !ENV [SITE_URL, x]\nmarkdown_extensions:\n  - alliance_site.page_dates:\n"
        f"      docs_dir: {docs}\n      review_months: 12\n",
        encoding="utf-8",
    )
    assert run_overdue(config, "2027-11-23") == (0, ["0 page(s) overdue for review on 2027-11-23"])
    status, lines = run_overdue(config, "2027-11-25")
    assert status == 0
    assert lines == [
        f"{docs / 'page.md'}: review overdue by 2 days (reviewed 2026-11-23, due 2027-11-23)",
        "1 page(s) overdue for review on 2027-11-25",
    ]


def test_every_real_page_is_dated(tmp_path: Path) -> None:
    for path in sorted((ROOT / "docs").rglob("*.md")):
        page = path.relative_to(ROOT / "docs").as_posix()
        if page.startswith("downloads/"):
            continue
        assert page_review_dates(ROOT / "docs", page, 12) is not None, page


# The built site: every content page, both engines.


def _data_uri(soup: BeautifulSoup, kind: str) -> str:
    link = soup.select_one(f'.page-cite a[href^="data:{kind};charset=utf-8,"]')
    assert link is not None
    return unquote(str(link["href"]).split(",", 1)[1])


def _check_page(site: Path, page: str) -> None:
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    h1 = soup.select_one("article h1")
    assert h1 is not None
    is_home = page == "index.html"
    visible = h1.get_text().replace("¶", "").strip()
    url = SITE_URL + page.removesuffix("index.html")
    dates = soup.select("p.page-dates time")
    reviewed = str(dates[0]["datetime"])
    assert dt.date.fromisoformat(str(dates[1]["datetime"])) == add_months(
        dt.date.fromisoformat(reviewed), 12
    )
    meta = {str(m["name"]): str(m["content"]) for m in soup.select('meta[name^="DC."]')}
    ld = json.loads(soup.select_one('script[type="application/ld+json"]').get_text())  # type: ignore[union-attr]
    title = meta["DC.title"]
    if not is_home:
        assert title == visible, page
        assert meta["DC.date"] == reviewed == ld["dateModified"]
    assert ld["name"] == title
    assert ld["url"] == meta["DC.identifier"] == url
    assert ld["version"] == VERSION == ld["isPartOf"]["version"]
    assert ld["author"]["name"] == meta["DC.creator"] == "Mindful Alliance editors"
    assert ld["license"] == "https://creativecommons.org/licenses/by/4.0/"
    apa = " ".join(soup.select_one("#page-cite-apa").get_text().split())  # type: ignore[union-attr]
    if is_home:
        assert apa.endswith(f"(Version {VERSION}). {url}")
    else:
        stop = "" if title[-1] in "?!." else "."
        assert apa.endswith(f"{title}{stop} Mindful Alliance. {url}"), page
    assert apa.startswith("Mindful Alliance editors. (")
    assert "Retrieved from" not in apa
    # The downloads parse, with the peers' own parsers, into the same record.
    library = bibtexparser.parse_string(  # type: ignore[attr-defined]
        _data_uri(soup, "application/x-bibtex")
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == ("misc" if is_home else "online")
    # Braced twice: one pair for the field, one that keeps importers from recasing it.
    assert entry.fields_dict["title"].value == "{" + title + "}"
    assert entry.fields_dict["author"].value == "{Mindful Alliance editors}"
    assert entry.fields_dict["version"].value == VERSION
    assert entry.fields_dict["url"].value == url
    (record,) = rispy.loads(_data_uri(soup, "application/x-research-info-systems"))
    assert record["title"] == title
    assert record["authors"] == ["Mindful Alliance editors,"]
    assert record["urls"] == [url]
    assert record["edition"] == VERSION
    # Who answers for the page, and the way to report a problem with it, in the footer and in
    # the citation box; with no contact configured, the report link leads to the page that
    # says how to reach the editors.
    for where in (".md-copyright .site-accountability", ".page-cite__accountability"):
        said = " ".join(soup.select_one(where).get_text().split())  # type: ignore[union-attr]
        assert said == (
            "Published by Mindful Alliance editors · Responsible editor: Mindful Alliance "
            "editors · Report a problem with this page"
        ), (page, where)
    report = soup.select_one(".md-copyright a.report-problem")
    assert report is not None
    target = (site / page).parent / str(report["href"]).split("#")[0]
    assert (target / "index.html").resolve() == (
        site / "about/responsibility/index.html"
    ).resolve(), page
    source = " ".join(soup.select_one(".print-source").get_text().split())  # type: ignore[union-attr]
    assert source.startswith(f"Mindful Alliance · {url} · Version {VERSION} · Reviewed ")
    assert "CC BY 4.0" in source


@pytest.mark.build
def test_every_page_cites_itself_consistently(mkdocs_site: Path) -> None:
    pages = sorted(built_pages(mkdocs_site) - {"404.html"})
    assert len(pages) > 30
    for page in pages:
        _check_page(mkdocs_site, page)


# Pages whose titles test the importers: commas (a name-splitter's trap), capitals that a
# sentence-casing reader would lower, a question mark (no second full stop).
PEER_PAGES = (
    "mindfulness/mindfulness-razzaque-study/index.html",
    "alliance/alliance-and-outcome/index.html",
    "about/how-to-cite/index.html",
)


def _pandoc_apa(source: str, reader: str) -> str:
    """The APA reference Pandoc's citeproc makes of a download, read with ``reader``."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / f"record.{'ris' if reader == 'ris' else 'bib'}"
        path.write_text(source, encoding="utf-8")
        done = subprocess.run(
            [
                pandoc_path(),
                "-f",
                "markdown",
                "-t",
                "plain",
                "--wrap=none",
                "--citeproc",
                "--bibliography",
                str(path),
                "--csl",
                str(STYLE),
            ],
            input="---\nnocite: '@*'\n---\n",
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "LANG": "C.UTF-8"},
        )
    return " ".join(done.stdout.split())


@pytest.mark.oracle
@pytest.mark.build
@pytest.mark.parametrize("page", PEER_PAGES)
def test_pandoc_imports_the_page_citation_as_the_page_shows_it(
    mkdocs_site: Path, page: str
) -> None:
    soup = BeautifulSoup((mkdocs_site / page).read_text(encoding="utf-8"), "html.parser")
    apa = " ".join(soup.select_one("#page-cite-apa").get_text().split())  # type: ignore[union-attr]
    bibtex = _data_uri(soup, "application/x-bibtex")
    # Pandoc reads the file the same way as BibTeX and as biblatex (no sentence-casing of a
    # braced title, the corporate author kept whole).
    assert _pandoc_apa(bibtex, "biblatex") == apa
    assert _pandoc_apa(bibtex, "bibtex") == apa
    # Pandoc's RIS reader takes the year from PY and not the day from DA, reads ELEC (a web
    # page, as Zotero writes it) as a part of a container, "In Mindful Alliance", and prints
    # ET (the version) as an edition. All three are the reader's: the author, title, site
    # and address come through whole.
    ris = _pandoc_apa(_data_uri(soup, "application/x-research-info-systems"), "ris")
    year = apa.split("(", 1)[1][:4]
    expected = re.sub(r"\(\d{4}, [A-Z][a-z]+ \d+\)", f"({year})", apa)
    assert ris == expected.replace(
        " Mindful Alliance. http", f" In Mindful Alliance ({VERSION}). http"
    )


@pytest.mark.build
def test_a_clinic_names_itself_and_its_contact(tmp_path: Path) -> None:
    settings = {
        "SITE_PUBLISHER": "Example Clinic <b>NHS</b>",
        "SITE_EDITOR": "Clinical Psychology Team",
        "SITE_CONTACT": "library@clinic.example",
    }
    result = run_engine("mkdocs", tmp_path / "site", settings=settings)
    assert result.returncode == 0, result.stderr
    page = "alliance/alliance-and-outcome/index.html"
    soup = BeautifulSoup((tmp_path / "site" / page).read_text(encoding="utf-8"), "html.parser")
    said = " ".join(soup.select_one(".site-accountability").get_text().split())  # type: ignore[union-attr]
    assert said == (
        "Published by Example Clinic <b>NHS</b> · Responsible editor: Clinical Psychology Team"
        " · Report a problem with this page"
    )
    assert soup.select_one(".site-accountability b") is None
    meta = soup.select_one('meta[name="DC.publisher"]')
    assert meta is not None
    assert meta["content"] == "Example Clinic <b>NHS</b>"
    href = str(soup.select_one("a.report-problem")["href"])  # type: ignore[index]
    address, query = href.split("?", 1)
    assert unquote(address) == "mailto:library@clinic.example"
    fields = dict(part.split("=", 1) for part in query.split("&"))
    title = " ".join(soup.select_one("article h1").get_text().replace("¶", "").split())  # type: ignore[union-attr]
    assert unquote(fields["subject"]) == f"Problem with: {title}"
    assert unquote(fields["body"]).startswith(f"Page: {SITE_URL}alliance/alliance-and-outcome/\n")


@pytest.mark.build
def test_the_file_share_build_cites_the_web_address_of_each_page(tmp_path: Path) -> None:
    settings = {"USE_DIRECTORY_URLS": "false", "SEARCH_ENABLED": "false"}
    site = tmp_path / "site"
    result = run_engine("mkdocs", site, site_url=SUBPATH_URL, settings=settings)
    assert result.returncode == 0, result.stderr
    for page, web in [
        (
            "practice/practice-reset-between-clients.html",
            "practice/practice-reset-between-clients/",
        ),
        ("about/index.html", "about/"),
        ("index.html", ""),
    ]:
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        url = SUBPATH_URL + web
        identifier = soup.select_one('meta[name="DC.identifier"]')
        assert identifier is not None
        assert identifier["content"] == url, page
        apa = " ".join(soup.select_one("#page-cite-apa").get_text().split())  # type: ignore[union-attr]
        assert apa.endswith(f" {url}"), page
        assert f"  url = {{{url}}},\n" in _data_uri(soup, "application/x-bibtex"), page
        assert f"UR  - {url}\r\n" in _data_uri(soup, "application/x-research-info-systems")
        source = soup.select_one(".print-source")
        assert source is not None
        assert f" · {url} · " in " ".join(source.get_text().split()), page
        # The report link still names a file, which opens from disk.
        report = soup.select_one(".md-copyright a.report-problem")
        assert report is not None
        target = (site / page).parent / str(report["href"]).split("#")[0]
        assert target.resolve() == (site / "about/responsibility.html").resolve(), page


@pytest.mark.build
def test_zensical_renders_the_same_metadata(zensical_site: Path) -> None:
    for page in ("index.html", "alliance/alliance-and-outcome/index.html", "glossary/index.html"):
        _check_page(zensical_site, page)


@pytest.mark.build
def test_json_ld_cannot_close_its_script(mkdocs_site: Path) -> None:
    for page in sorted(built_pages(mkdocs_site)):
        html = (mkdocs_site / page).read_text(encoding="utf-8")
        for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            assert "<" not in script, page
