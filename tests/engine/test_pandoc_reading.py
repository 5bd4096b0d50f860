"""BibTeX and biblatex are read into CSL data as Pandoc 3.9 reads them, and the exports round-trip.

Pandoc is the oracle: each test runs it on the same file (``pandoc --citeproc`` with the
site's ``apa.csl``, or ``-t csljson``) and compares. The deliberate differences from Pandoc
(CONTRIBUTING, "Deliberate differences from Pandoc") each have their own test here.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import TYPE_CHECKING, Any

import pytest
from bs4 import BeautifulSoup
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.bibtex_names import parse_people
from citation_engine.citation_labels import title_case, title_label
from citation_engine.csl_json import to_csl_json
from citation_engine.entry_types import BIBLATEX_TYPES
from citation_engine.latex_text import latex_to_marked_text, latex_to_text
from citation_engine.reference_exports import to_bibtex, to_csl_json_text
from citation_engine.reference_styles import expand_page_ranges, style_references
from citation_engine.references import Person
from citation_engine.sentence_case import nocase_markup, sentence_case, strip_marks

from tests.conftest import FIXTURES
from tests.peer_rendering import STYLE, normalise, pandoc_path

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from citation_engine.references import Reference

READING_BIB = FIXTURES / "bib" / "pandoc_reading.bib"


def pandoc_entries(bibliography: Path) -> dict[str, str]:
    """Every entry of a bibliography file as Pandoc's citeproc prints it with apa.csl."""
    arguments = ["--citeproc", "--csl", str(STYLE), "--bibliography", str(bibliography)]
    result = subprocess.run(
        [
            pandoc_path(),
            "-f",
            "markdown",
            "-t",
            "html",
            *arguments,
            "-M",
            "lang=en-US",
            "--wrap=none",
        ],
        input="---\nnocite: '@*'\n---\n",
        capture_output=True,
        text=True,
        check=True,
    )
    soup = BeautifulSoup(result.stdout, "html.parser")
    return {
        str(div["id"]).removeprefix("ref-"): normalise(div.get_text())
        for div in soup.select("div.csl-entry")
    }


def pandoc_csl(bibliography: Path, reader: str = "biblatex") -> dict[str, dict[str, Any]]:
    """Pandoc's CSL data for each entry (``-t csljson``)."""
    result = subprocess.run(
        [pandoc_path(), "-f", reader, "-t", "csljson", str(bibliography)],
        capture_output=True,
        text=True,
        check=True,
    )
    return {item["id"]: item for item in json.loads(result.stdout)}


def site_entries(references: dict[str, Reference]) -> dict[str, str]:
    styled = style_references(references, workers=1)
    return {entry.key: normalise(entry.text) for entry in styled.entries}


def _load(path: Path) -> dict[str, Reference]:
    loaded = load_bibliography(path, path.name)
    assert [str(problem) for problem in loaded.problems] == []
    return loaded.references


@pytest.mark.oracle
def test_every_entry_renders_as_pandoc_renders_it() -> None:
    references = _load(READING_BIB)
    assert site_entries(references) == pandoc_entries(READING_BIB)


@pytest.mark.oracle
def test_pandoc_renders_the_bibtex_and_csl_json_exports_as_the_original(tmp_path: Path) -> None:
    references = _load(READING_BIB)
    original = pandoc_entries(READING_BIB)
    bibtex = tmp_path / "export.bib"
    bibtex.write_text(to_bibtex(references.values()), encoding="utf-8")
    csl_json = tmp_path / "export.json"
    csl_json.write_text(to_csl_json_text(references.values()), encoding="utf-8")
    assert pandoc_entries(bibtex) == original
    assert pandoc_entries(csl_json) == original


def test_the_bibtex_export_writes_a_month_as_its_macro() -> None:
    references = _load(READING_BIB)
    exported = to_bibtex([references["title2015case"], references["misc2010url"]])
    assert "  month   = mar,\n" in exported
    assert "  month        = apr,\n" in exported


def test_the_csl_json_export_carries_protected_words_in_nocase_spans() -> None:
    item = to_csl_json(_load(READING_BIB)["title2015case"], export=True)
    assert item["title"] == (
        'The effects of <span class="nocase">Mindfulness</span> on '
        '<span class="nocase">ADHD</span>: A meta-analysis of <span class="nocase">McDonald'
        '</span>\u2019s iPhone study. <span class="nocase">T</span>he next step'
    )
    assert to_csl_json(_load(READING_BIB)["title2015case"])["title"] == (
        "The effects of Mindfulness on ADHD: A meta-analysis of McDonald\u2019s iPhone study. "
        "The next step"
    )


# Titles as people write them in BibTeX, each with a rule of Pandoc's sentence case.
TITLES = (
    "McDonald and the iPhone Meet ADHD in the U.S. With COVID-19",
    "Meta-Analysis of Mindfulness-Based Stress Reduction",
    "A Question? Yes It Is. And! Another One",
    "The Title: The Subtitle \u2014 Dash Words -- En Dash",
    "{\\'E}cole and \\'Ecole and {\\\"O}sterreich and \\\"Osterreich",
    "{\\em Emph Words} and \\emph{Emph Words} and {\\textit{Braced Italic}}",
    "Word {With Braces} and {\\textbf{Bold}} Here",
    "Effects Of X On Y (A Study With Parens) [In Brackets]",
    "Talking With O'Brien and I Think So",
    "A E-Health Xy-Ray MP3s Covid-19 Non-English",
    "An \u00c9COLE and \u00c9norme Title \u00dcber Alles",
    "Title. lower? lower! lower",
    "Title: {lower} and: \\emph{lower} and: ``lower'' and: 2nd Edition",
    "title starts lower",
    "{title} starts braced",
    "Title.) Paren And: (Paren Start",
    "Number 1. Two And 1.5 Things",
    "The Title:the subtitle And Other",
    "An \\href{https://example.org}{Linked Title} with \\textsf{R} and \\texttt{Code}",
    "Fed to {A}tlantic Salmon {(Salmo} salar {L.}) in Seawater",
    "Lice on {A}tlantic Salmon ({S}almo salar {L}.) Farms in {N}orway",
    "The Effects of {ADHD}: A Study, {USA}, and {T}he Rest",
    "Aristotle's \\mkbibquote{De Motu Animalium} and \\enquote{Other Words} Here",
)


@pytest.mark.oracle
def test_titles_are_in_sentence_case_as_pandoc_writes_them(tmp_path: Path) -> None:
    bib = tmp_path / "titles.bib"
    bib.write_text(
        "".join(
            f"@article{{t{index},\n  title = {{{title}}},\n  journal = {{J}},\n  year = 2000,\n}}\n"
            for index, title in enumerate(TITLES)
        ),
        encoding="utf-8",
    )
    pandoc = pandoc_csl(bib)
    for index, title in enumerate(TITLES):
        expected = re.sub(r"<[^>]+>", "", pandoc[f"t{index}"]["title"])
        expected = expected.replace("\u201c", '"').replace("\u201d", '"')
        ours = strip_marks(sentence_case(latex_to_marked_text(title)))
        ours = ours.replace("\u201c", '"').replace("\u201d", '"')
        assert ours == expected, title


@pytest.mark.oracle
@pytest.mark.parametrize(
    ("langid", "title"),
    [
        ("", "The title"),
        ("english", "The title"),
        ("british", "The title"),
        ("en-US", "The title"),
        ("german", "The Title"),
        ("french", "The Title"),
    ],
)
def test_only_english_titles_change_case(langid: str, title: str, tmp_path: Path) -> None:
    bib = tmp_path / "lang.bib"
    langid_field = f"  langid = {{{langid}}},\n" if langid else ""
    bib.write_text(
        f"@article{{k,\n  title = {{The Title}},\n{langid_field}  journal = {{J}},\n"
        "  year = 2000,\n}\n",
        encoding="utf-8",
    )
    assert to_csl_json(_load(bib)["k"])["title"] == title
    assert pandoc_csl(bib)["k"]["title"] == title


def test_nocase_markup_and_title_case() -> None:
    marked = latex_to_marked_text("The {ADHD} Study")
    assert nocase_markup(sentence_case(marked)) == 'The <span class="nocase">ADHD</span> study'
    # apa.csl's title case, for a title in the author position of an in-text citation.
    assert title_case("User manual of the test scale: a guide") == (
        "User Manual of the Test Scale: A Guide"
    )


def test_latex_commands_keep_their_text() -> None:
    assert latex_to_text(r"An \href{https://example.org}{Linked Title}") == "An Linked Title"
    assert latex_to_text(r"Programming with \textsf{R}: \texttt{code}") == (
        "Programming with R: code"
    )
    assert latex_to_text("``Quoted'' words") == "\u201cQuoted\u201d words"


def test_names_follow_bibtex_grammar_as_pandoc_reads_it() -> None:
    people = parse_people(
        "Roe, Li-wei H. and Kim, Jae-Hyun and Smith, Jr., John and {World Health Organization}"
        " and others"
    )
    assert people == (
        Person(family="Roe", given="Li-wei H."),
        Person(family="Kim", given="Jae-Hyun"),
        Person(family="Smith", given="John", suffix="Jr."),
        Person(family="", literal="World Health Organization"),
        Person(family="", literal="others"),
    )


@pytest.mark.oracle
def test_deliberate_particle_stays_before_the_family_name(tmp_path: Path) -> None:
    """APA 7 and the person's usage write "van de Doe, J."; Pandoc writes "Doe, J. van de"."""
    bib = tmp_path / "particles.bib"
    bib.write_text(
        "@article{k,\n  author = {Doe, Jan van de and van der Berg, Anna},\n  title = {T},\n"
        "  journal = {J},\n  year = 2000,\n}\n",
        encoding="utf-8",
    )
    assert parse_people("Doe, Jan van de") == (Person(family="van de Doe", given="Jan"),)
    # biblatex's extended format too, whatever its useprefix says
    extended = "family=Heuvel, given=Charles, prefix=van den, useprefix=false"
    assert parse_people(extended) == (Person(family="van den Heuvel", given="Charles"),)
    assert site_entries(_load(bib))["k"] == "van de Doe, J., & van der Berg, A. (2000). T. J."
    assert pandoc_entries(bib)["k"] == "Doe, J. van de, & Berg, A. van der. (2000). T. J."


@pytest.mark.oracle
def test_deliberate_doctoral_dissertation(tmp_path: Path) -> None:
    """APA 7 (§10.6) names a PhD thesis "Doctoral dissertation"; Pandoc prints "PhD thesis"."""
    bib = tmp_path / "thesis.bib"
    bib.write_text(
        "@phdthesis{k,\n  author = {Doe, Jane},\n  title = {A Thesis},\n"
        "  school = {U},\n  year = 2000,\n}\n",
        encoding="utf-8",
    )
    assert site_entries(_load(bib))["k"] == "Doe, J. (2000). A thesis [Doctoral dissertation]. U."
    assert pandoc_entries(bib)["k"] == "Doe, J. (2000). A thesis [PhD thesis]. U."


@pytest.mark.oracle
def test_deliberate_month_written_as_a_name_is_read(tmp_path: Path) -> None:
    """``month = {March}`` is a month: BibTeX styles print it; Pandoc and biber drop it."""
    bib = tmp_path / "month.bib"
    bib.write_text(
        "@online{k,\n  author = {Doe, Jane},\n  title = {A Post},\n  url = {https://e.org},\n"
        "  year = 2015,\n  month = {March},\n}\n",
        encoding="utf-8",
    )
    assert site_entries(_load(bib))["k"] == "Doe, J. (2015, March). A post. https://e.org"
    assert pandoc_entries(bib)["k"] == "Doe, J. (2015). A post. https://e.org"


@pytest.mark.oracle
def test_biblatex_types_map_as_pandoc_maps_them(tmp_path: Path) -> None:
    bib = tmp_path / "types.bib"
    bib.write_text(
        "".join(
            f"@{name}{{{name},\n  title = {{T}},\n  year = 2000,\n}}\n" for name in BIBLATEX_TYPES
        ),
        encoding="utf-8",
    )
    references = _load(bib)
    pandoc = pandoc_csl(bib)
    ours = {key: to_csl_json(reference)["type"] for key, reference in references.items()}
    theirs = {key: item["type"] or "document" for key, item in pandoc.items()}
    # Pandoc gives @set no type at all; a CSL item must have one, and "document" is CSL's.
    assert ours == theirs


@pytest.mark.parametrize(
    ("pages", "style_format", "expected"),
    [
        ("826\u201332", "expanded", "826\u2013832"),
        ("1234\u201399", "expanded", "1234\u20131299"),
        ("98\u2013102", "expanded", "98\u2013102"),
        ("e1\u2013e5", "expanded", "e1\u2013e5"),
        ("321\u2013328", "minimal", "321\u20138"),
        ("321\u2013328", "minimal-two", "321\u201328"),
        ("826\u201332", "chicago", "826\u201332"),
    ],
)
def test_page_ranges_as_the_style_asks(pages: str, style_format: str, expected: str) -> None:
    assert expand_page_ranges(pages, style_format) == expected


@pytest.mark.oracle
def test_a_title_ending_in_a_full_stop_gets_no_second(write_bib: Callable[[str], Path]) -> None:
    bib = write_bib(
        "@article{k,\n  author = {Doe, Jane},\n  title = {It Ends Here.},\n  journal = {J},\n"
        "  year = 2000,\n}\n"
    )
    assert site_entries(_load(bib))["k"] == "Doe, J. (2000). It ends here. J."
    assert pandoc_entries(bib)["k"] == "Doe, J. (2000). It ends here. J."


@pytest.mark.oracle
def test_a_misc_entry_is_dated_by_its_year_as_pandoc_dates_it(
    write_bib: Callable[[str], Path],
) -> None:
    bib = write_bib(
        "@misc{k,\n  author = {Doe, Jane},\n  title = {A Note},\n  date = {2018-09-15},\n}\n"
        "@misc{m,\n  author = {Roe, Jim},\n  title = {A Memo},\n  year = 2018,\n  month = sep,\n}\n"
    )
    assert (
        site_entries(_load(bib))
        == pandoc_entries(bib)
        == {
            "k": "Doe, J. (2018). A note.",
            "m": "Roe, J. (2018). A memo.",
        }
    )


@pytest.mark.oracle
def test_and_others_is_et_al_in_the_list_and_in_the_text(
    write_bib: Callable[[str], Path],
) -> None:
    bib = write_bib(
        "@article{k,\n  author = {Doe, Jane and others},\n  title = {T},\n  journal = {J},\n"
        "  year = 2000,\n}\n"
    )
    styled = style_references(_load(bib), workers=1)
    assert normalise(styled["k"].text) == pandoc_entries(bib)["k"] == "Doe, J. et al. (2000). T. J."
    assert (styled["k"].label.author, styled["k"].label.narrative_author) == (
        "Doe et al.",
        "Doe et al.",
    )
    result = subprocess.run(
        [
            pandoc_path(),
            "-f",
            "markdown",
            "-t",
            "plain",
            "--citeproc",
            "--csl",
            str(STYLE),
            "--bibliography",
            str(bib),
            "-M",
            "lang=en-US",
        ],
        input="[@k]\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[0] == "(Doe et al., 2000)"


@pytest.mark.oracle
def test_langid_is_the_language_pandoc_writes(tmp_path: Path) -> None:
    names = ["english", "british", "canadian", "german", "austrian", "french", "brazilian"]
    names += ["norsk", "norwegian", "catalan", "klingon", "en-US"]
    bib = tmp_path / "languages.bib"
    bib.write_text(
        "".join(
            f"@article{{k{index},\n  langid = {{{name}}},\n  title = {{T}},\n  journal = {{J}},\n"
            "  year = 2000,\n}\n"
            for index, name in enumerate(names)
        ),
        encoding="utf-8",
    )
    ours = {key: to_csl_json(reference)["language"] for key, reference in _load(bib).items()}
    assert ours == {key: item["language"] for key, item in pandoc_csl(bib).items()}


@pytest.mark.oracle
def test_a_german_journal_title_is_not_title_cased(write_bib: Callable[[str], Path]) -> None:
    bib = write_bib(
        "@article{k,\n  author = {Doe, Jane},\n  title = {Eine Studie},\n"
        "  journal = {Recht der Wirtschaft},\n  langid = {german},\n  year = 2000,\n}\n"
    )
    assert (
        site_entries(_load(bib))["k"]
        == pandoc_entries(bib)["k"]
        == ("Doe, J. (2000). Eine Studie. Recht der Wirtschaft.")
    )


@pytest.mark.oracle
def test_an_edited_book_names_its_editors_once(write_bib: Callable[[str], Path]) -> None:
    bib = write_bib(
        "@book{k,\n  editor = {Hooker, Cliff and {National Research Council (U.S.)}},\n"
        "  title = {Philosophy of Complex Systems},\n  volume = {10},\n"
        "  publisher = {Elsevier},\n  year = 2011,\n}\n"
    )
    assert site_entries(_load(bib))["k"] == pandoc_entries(bib)["k"]


@pytest.mark.oracle
def test_short_titles_status_and_access_dates_are_read_as_pandoc_reads_them(
    write_bib: Callable[[str], Path],
) -> None:
    """``title-short`` labels a work without author; ``pubstate`` and ``urldate`` print too."""
    bib = write_bib(
        "@online{colon,\n  title = {CTAN: The Comprehensive Archive},\n"
        "  url = {https://x.org},\n  urldate = {2016-09-09},\n}\n\n"
        "@book{subtitled,\n  author = {Roe, Ann},\n  title = {Main},\n  subtitle = {Sub Title},\n"
        "  year = 2012,\n  pubstate = {inpress},\n  publisher = {P},\n}\n\n"
        "@book{braced,\n  author = {Poe, Bob},\n  title = {Main {Colon: In} Braces},\n"
        "  year = 2012,\n  publisher = {P},\n}\n\n"
        "@book{short,\n  author = {Zoe, Cy},\n  title = {A {ADHD} Study: Of X},\n"
        "  shorttitle = {The {ADHD} Study},\n  year = 2012,\n  publisher = {P},\n}\n\n"
        "@book{addon,\n  author = {Doe, Jane},\n  title = {Main},\n  titleaddon = {Addon},\n"
        "  pubstate = {forthcoming},\n  publisher = {P},\n}\n"
    )
    pandoc = pandoc_csl(bib)
    ours = {key: to_csl_json(reference) for key, reference in _load(bib).items()}
    for key, item in pandoc.items():
        for variable in ("title-short", "status", "accessed"):
            assert ours[key].get(variable) == item.get(variable), (key, variable)
    assert ours["colon"]["title-short"] == "CTAN"
    assert title_label(ours["colon"]) == "CTAN"  # "(CTAN, n.d.)", as Pandoc cites it
    assert ours["colon"]["accessed"] == {"date-parts": [[2016, 9, 9]]}
    assert ours["subtitled"]["status"] == "in press"
    assert "title-short" not in ours["braced"]
    entries = site_entries(_load(bib))
    assert entries == pandoc_entries(bib)
    assert entries["colon"] == (
        "CTAN: The comprehensive archive. (n.d.). Retrieved September 9, 2016, from https://x.org"
    )


@pytest.mark.oracle
def test_a_range_within_one_year_prints_the_year(write_bib: Callable[[str], Path]) -> None:
    """citeproc-py drops the shared year of a range; the site prints the part both ends share."""
    bib = write_bib(
        "@article{journal,\n  author = {Aoe, Jo},\n  title = {T},\n  journal = {J},\n"
        "  date = {2012-03/2012-04},\n}\n\n"
        "@article{season,\n  author = {Boe, Jo},\n  title = {T},\n  journal = {J},\n"
        "  date = {2012-22/2012-23},\n}\n\n"
        "@article{magazine,\n  author = {Coe, Jo},\n  title = {T},\n  journal = {J},\n"
        "  date = {2012-03/2012-04},\n  entrysubtype = {magazine},\n}\n\n"
        "@article{years,\n  author = {Doe, Jo},\n  title = {T},\n  journal = {J},\n"
        "  date = {2011/2012},\n}\n"
    )
    ours, pandoc = site_entries(_load(bib)), pandoc_entries(bib)
    for key in ("journal", "season", "years"):
        assert ours[key] == pandoc[key], key
    assert ours["years"] == "Doe, J. (2011–2012). T. J."
    # Pandoc prints the months too; the site the year both ends share, never no year
    assert ours["magazine"] == "Coe, J. (2012). T. J."
    assert pandoc["magazine"] == "Coe, J. (2012, March–April). T. J."
    export = to_csl_json(_load(bib)["magazine"], export=True)
    assert export["issued"] == {"date-parts": [[2012, 3], [2012, 4]]}  # the download keeps it
