"""APA 7 in-text disambiguation, case by case, as the site writes it and as the peers do.

Each case is a small library of CSL-JSON items and the parenthetical citations of one page.
The site's labels come from ``citation_labels`` (through ``build_citation``); citeproc-js
(``tests/peer_citeproc.js``) and Pandoc's citeproc get the same items with the site's
``apa.csl``. Where a peer writes a case differently, the difference is listed in the case
with one of the reasons below, so that any other difference fails.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import pytest
from bs4 import BeautifulSoup
from citation_engine.citation_labels import assign_labels, sort_items
from citation_engine.citation_syntax import find_citations
from citation_engine.inline_citations import build_citation
from citation_engine.reference_styles import StyledBibliography, StyledReference, load_style

from tests import peer_rendering as peers

if TYPE_CHECKING:
    from citation_engine.site_bibliography import SiteBibliography

# Reasons a peer writes a case differently from the site (CONTRIBUTING.md lists them too):
# APA 7 §8.12 orders the works of a citation as the reference list does; where apa.csl's
# citation sort key ties ("Doe et al., 2015" twice), a peer keeps the order they were cited in.
TIE_ORDER = "tie order"
# citeproc-js collapses works whose author parts read alike though their authors differ;
# APA 7 §8.12 groups "works by the same authors (in the same order)", as Pandoc does.
ONE_READING = "one reading, two teams"
# CSL-JSON has no "and others": Pandoc reads BibTeX's as a literal name "others" and prints
# "et al."; citeproc-js prints a person called "others".
OTHERS = "and others"
# Pandoc adds names until the shown names differ, even when "et al." alone already tells a
# longer team from a shorter one; citeproc-js stops when the labels differ, as CSL says.
PANDOC_NAMES = "Pandoc adds a name"
# citeproc-js orders first authors who share a surname and initials by title, Pandoc (and
# the site) by their full given names; the year letters follow each one's order.
INITIALS_ORDER = "initials order"
# citeproc-js keeps more words lowercase in title case ("without") than the CSL 1.0.2 list
# that Pandoc and the site use.
STOP_WORDS = "stop words"
# citeproc-js repeats no author before a status ("in press") that follows another date of
# the same author, but does not collapse them either: "(Patel, n.d.; in press-a)".
STATUS_GROUP = "status in a group"


def _person(family: str, given: str = "A.") -> dict[str, str]:
    return {"family": family, "given": given}


def _item(
    key: str,
    year: int | None,
    *names: str | dict[str, str],
    title: str = "",
    original: int | None = None,
    kind: str = "article-journal",
) -> dict[str, Any]:
    item: dict[str, Any] = {"id": key, "type": kind, "title": title or key}
    if kind == "article-journal":
        item["container-title"] = "Journal of Testing"
    if names:
        item["author"] = [_person(name) if isinstance(name, str) else name for name in names]
    if year is not None:
        item["issued"] = {"date-parts": [[year]]}
    if original is not None:
        item["original-date"] = {"date-parts": [[original]]}
    return item


@dataclass(frozen=True)
class Case:
    """A library, the citations of a page, what the site writes, and where peers differ."""

    items: list[dict[str, Any]]
    citations: list[list[str]]
    expected: list[str]
    # peer -> {citation index: (what the peer writes, reason)}
    differences: dict[str, dict[int, tuple[str, str]]] = field(default_factory=dict)


CASES = [
    pytest.param(
        Case(
            [_item("kim", 2017, _person("Lee", "Kim")), _item("max", 2016, _person("Lee", "Max"))],
            [["kim"], ["max"], ["kim", "max"]],
            ["(K. Lee, 2017)", "(M. Lee, 2016)", "(K. Lee, 2017; M. Lee, 2016)"],
        ),
        id="same_family_different_initials",
    ),
    pytest.param(
        Case(
            [
                _item("kim", 2017, _person("Lee", "Kim"), title="Alpha"),
                _item("karl", 2017, _person("Lee", "Karl"), title="Zeta"),
            ],
            [["kim"], ["karl"], ["kim", "karl"]],
            ["(Lee, 2017b)", "(Lee, 2017a)", "(Lee, 2017a; Lee, 2017b)"],
            {
                "citeproc-js": {
                    0: ("(Lee, 2017a)", INITIALS_ORDER),
                    1: ("(Lee, 2017b)", INITIALS_ORDER),
                    2: ("(Lee, 2017a, 2017b)", ONE_READING),
                }
            },
        ),
        id="same_family_same_initials",
    ),
    pytest.param(
        Case(
            [
                _item("a", 2001, "Doe", "Roe", "Poe"),
                _item("b", 2001, "Doe", "Smith", "Poe"),
                _item("c", 2001, "Doe", "Roe", "Zed"),
            ],
            [["a"], ["b"], ["c"], ["a", "b", "c"]],
            [
                "(Doe, Roe, & Poe, 2001)",
                "(Doe, Smith, et al., 2001)",
                "(Doe, Roe, & Zed, 2001)",
                "(Doe, Roe, & Poe, 2001; Doe, Roe, & Zed, 2001; Doe, Smith, et al., 2001)",
            ],
            {
                "pandoc": {
                    3: (
                        "(Doe, Roe, & Poe, 2001; Doe, Smith, et al., 2001; Doe, Roe, & Zed, 2001)",
                        TIE_ORDER,
                    )
                }
            },
        ),
        id="same_first_author_teams_of_three_each_as_many_names_as_it_needs",
    ),
    pytest.param(
        Case(
            [
                _item("a", 2001, "Doe", "Roe", "Poe", title="First"),
                _item("b", 2001, "Doe", "Roe", "Poe", title="Second"),
                _item("c", 2001, "Doe", "Smith", "Poe"),
            ],
            [["a"], ["b"], ["c"], ["a", "b", "c"]],
            [
                "(Doe, Roe, et al., 2001a)",
                "(Doe, Roe, et al., 2001b)",
                "(Doe, Smith, et al., 2001)",
                "(Doe, Roe, et al., 2001a, 2001b; Doe, Smith, et al., 2001)",
            ],
        ),
        id="names_first_then_year_letters_for_one_team",
    ),
    pytest.param(
        Case(
            [
                _item("a", 2001, "Doe", "Roe", "Poe", title="First"),
                _item("b", 2001, "Doe", "Roe", "Poe", title="Second"),
                _item("c", 2001, "Doe", "Roe", "Zed"),
            ],
            [["a"], ["b"], ["c"]],
            ["(Doe, Roe, & Poe, 2001a)", "(Doe, Roe, & Poe, 2001b)", "(Doe, Roe, & Zed, 2001)"],
        ),
        id="all_names_then_year_letters_for_one_team",
    ),
    pytest.param(
        Case(
            [_item("a", 2015, "Doe", "Roe", "Poe"), _item("b", 2016, "Doe", "Smith", "Poe")],
            [["a"], ["b"], ["a", "b"]],
            ["(Doe et al., 2015)", "(Doe et al., 2016)", "(Doe et al., 2015; Doe et al., 2016)"],
            {"citeproc-js": {2: ("(Doe et al., 2015, 2016)", ONE_READING)}},
        ),
        id="two_teams_one_reading_different_years_never_grouped",
    ),
    pytest.param(
        Case(
            [
                _item("a", 2001, _person("Doe", "J."), "Roe", "Poe"),
                _item("b", 2002, _person("Doe", "Jane"), "Roe", "Poe"),
            ],
            [["a", "b"]],
            ["(Doe et al., 2001; Doe et al., 2002)"],
            {"citeproc-js": {0: ("(Doe et al., 2001, 2002)", ONE_READING)}},
        ),
        id="names_written_differently_are_different_people",
    ),
    pytest.param(
        Case(
            [_item("a", 2015, "Doe", "Roe", "Poe"), _item("b", 2016, "Doe", "Roe", "Poe")],
            [["b", "a"]],
            ["(Doe et al., 2015, 2016)"],
        ),
        id="same_team_different_years",
    ),
    pytest.param(
        Case(
            [
                _item("a", 2015, "Doe", "Roe", "Poe", title="Zeta"),
                _item("b", 2015, "Doe", "Roe", "Poe", title="Alpha"),
            ],
            [["a"], ["b"], ["a", "b"]],
            ["(Doe et al., 2015b)", "(Doe et al., 2015a)", "(Doe et al., 2015a, 2015b)"],
            {
                "citeproc-js": {2: ("(Doe et al., 2015b, 2015a)", TIE_ORDER)},
                "pandoc": {2: ("(Doe et al., 2015b, 2015a)", TIE_ORDER)},
            },
        ),
        id="same_team_same_year",
    ),
    pytest.param(
        Case(
            [_item("a", 2001, "Doe", "Roe", "Poe"), _item("b", 2001, "Doe", "Roe", "Poe", "Zed")],
            [["a"], ["b"]],
            ["(Doe, Roe, & Poe, 2001)", "(Doe, Roe, Poe, et al., 2001)"],
            {"pandoc": {1: ("(Doe, Roe, Poe, & Zed, 2001)", PANDOC_NAMES)}},
        ),
        id="et_al_tells_a_longer_team_apart",
    ),
    pytest.param(
        Case(
            [
                _item("who", 2013, {"literal": "World Health Organization"}, title="Report"),
                _item("who2", 2013, {"literal": "World Health Organization"}, title="Atlas"),
                _item("wha", 2013, {"literal": "World Health Assembly"}),
            ],
            [["who"], ["who2"], ["who", "who2", "wha"]],
            [
                "(World Health Organization, 2013b)",
                "(World Health Organization, 2013a)",
                "(World Health Assembly, 2013; World Health Organization, 2013a, 2013b)",
            ],
            {
                "citeproc-js": {
                    2: (
                        "(World Health Assembly, 2013; World Health Organization, 2013b, 2013a)",
                        TIE_ORDER,
                    )
                },
                "pandoc": {
                    2: (
                        "(World Health Assembly, 2013; World Health Organization, 2013b, 2013a)",
                        TIE_ORDER,
                    )
                },
            },
        ),
        id="corporate_authors",
    ),
    pytest.param(
        Case(
            [
                _item("a", 2001, _person("Doe", "Jane"), {"literal": "others"}),
                _item("b", 2001, _person("Doe", "Jane"), "Roe", {"literal": "others"}),
                _item("c", 2002, _person("Doe", "Jane"), {"literal": "others"}),
            ],
            [["a"], ["b"], ["a", "c"]],
            ["(Doe et al., 2001)", "(Doe, Roe, et al., 2001)", "(Doe et al., 2001, 2002)"],
            {
                "citeproc-js": {
                    0: ("(Doe & others, 2001)", OTHERS),
                    1: ("(Doe et al., 2001)", OTHERS),
                    2: ("(Doe & others, 2001, 2002)", OTHERS),
                }
            },
        ),
        id="and_others",
    ),
    pytest.param(
        Case(
            [
                _item("a", 1990, "Freud", title="A", original=1914, kind="book"),
                _item("b", 1990, "Freud", title="B", original=1914, kind="book"),
                _item("c", 1990, "Freud", title="C", kind="book"),
            ],
            [["a"], ["c"], ["a", "b", "c"]],
            [
                "(Freud, 1914/1990a)",
                "(Freud, 1990)",
                "(Freud, 1914/1990a, 1914/1990b, 1990)",
            ],
        ),
        id="original_date",
    ),
    pytest.param(
        Case(
            [_item("a", None, "Doe", "Roe", "Poe"), _item("b", None, "Doe", "Smith", "Poe")],
            [["a"], ["b"]],
            ["(Doe, Roe, et al., n.d.)", "(Doe, Smith, et al., n.d.)"],
        ),
        id="undated_teams",
    ),
    pytest.param(
        Case(
            [
                _item("t1", 2010, title="what is mindfulness? an overview of self-help"),
                _item("t2", 2011, title="a report of the task force", kind="report"),
                _item("t3", 2012, title="a book without an author", kind="book"),
                _item("t4", 2013, title="a book without an author", kind="book"),
            ],
            [["t1"], ["t2"], ["t3"], ["t1", "t2"]],
            [
                "(\u201cWhat Is Mindfulness? An Overview of Self-Help,\u201d 2010)",
                "(A Report of the Task Force, 2011)",
                "(A Book Without an Author, 2012)",
                "(A Report of the Task Force, 2011; "
                "\u201cWhat Is Mindfulness? An Overview of Self-Help,\u201d 2010)",
            ],
            {"citeproc-js": {2: ("(A Book without an Author, 2012)", STOP_WORDS)}},
        ),
        id="no_author_title_in_title_case",
    ),
    pytest.param(
        Case(
            [
                _item("haas", 4, "Haas"),
                _item("plato", -300, "Plato", kind="book"),
                {
                    **_item("anon", None, "Anon", kind="book"),
                    "issued": {"circa": True, "date-parts": [[1850]]},
                },
                {**_item("press1", None, "Patel", kind="book"), "status": "in press"},
                {**_item("press2", None, "Patel", kind="book"), "status": "in press"},
                _item("undated", None, "Patel", kind="book"),
                {**_item("song", None, "Vedantam"), "issued": {"date-parts": [[2015], [0]]}},
            ],
            [["haas"], ["plato"], ["anon"], ["press2"], ["song"], ["press1", "press2", "undated"]],
            [
                "(Haas, 4 C.E.)",
                "(Plato, 300 B.C.E.)",
                "(Anon, ca. 1850)",
                "(Patel, in press-b)",
                "(Vedantam, 2015\u2013)",
                "(Patel, n.d., in press-a, in press-b)",
            ],
            {"citeproc-js": {5: ("(Patel, n.d.; in press-a; in press-b)", STATUS_GROUP)}},
        ),
        id="dates_eras_circa_status_and_open_ranges",
    ),
    pytest.param(
        Case(
            [
                {
                    **_item("assen", 2023),
                    "author": [
                        {"family": "Assen", "given": "M.", "non-dropping-particle": "van"},
                        _person("Roe"),
                        _person("Poe"),
                    ],
                },
                {
                    **_item("aubignac", 1657, kind="book"),
                    "author": [
                        {"family": "Aubignac", "given": "F.", "non-dropping-particle": "d\u2019"}
                    ],
                },
                {**_item("web", 2013, kind="webpage"), "publisher": "FORCE11"},
                {
                    **_item("film", 2014, kind="motion_picture"),
                    "director": [{"literal": "Research Data Netherlands"}],
                },
                {**_item("mac2", None), "author": [{**_person("MacCallum", "T."), "suffix": "II"}]},
                {
                    **_item("mac3", None),
                    "author": [{**_person("MacCallum", "T."), "suffix": "III"}],
                },
            ],
            [["assen"], ["aubignac"], ["web"], ["film"], ["mac2", "mac3"]],
            [
                "(van Assen et al., 2023)",
                "(d\u2019Aubignac, 1657)",
                "(FORCE11, 2013)",
                "(Research Data Netherlands, 2014)",
                "(MacCallum, n.d.-a; MacCallum, n.d.-b)",
            ],
            {"citeproc-js": {4: ("(MacCallum, n.d.-a, n.d.-b)", ONE_READING)}},
        ),
        id="particles_substitutes_and_suffixes",
    ),
    pytest.param(
        Case(
            [
                {
                    "id": "bill",
                    "type": "bill",
                    "genre": "resolution",
                    "issued": {"date-parts": [[2016]]},
                },
                {
                    "id": "page",
                    "type": "document",
                    "genre": "web page",
                    "issued": {"date-parts": [[2014]]},
                },
                {"id": "none", "type": "article-journal", "issued": {"date-parts": [[1984]]}},
                {
                    **_item("senior", None, kind="book"),
                    "author": [{**_person("Santiago", "J."), "suffix": "Sr."}],
                },
                {
                    **_item("junior", None, kind="book"),
                    "author": [{**_person("Santiago", "J."), "suffix": "Jr."}],
                },
            ],
            [["bill"], ["page"], ["none"], ["senior"], ["junior"]],
            [
                "(resolution, 2016)",
                "([Web page], 2014)",
                "(1984)",
                "(Santiago, n.d.-b)",
                "(Santiago, n.d.-a)",
            ],
        ),
        id="without_title_and_namesakes_by_suffix",
    ),
]


def _site(items: list[dict[str, Any]]) -> SiteBibliography:
    """What ``build_citation`` reads of a site: the keys, and the labels in list order."""
    options = load_style("apa").options
    ordered = sort_items(json.loads(json.dumps(items)))
    labels = assign_labels(ordered, options)
    entries = tuple(
        StyledReference(
            item["id"],
            (),
            labels[item["id"]].author,
            labels[item["id"]].date,
            labels[item["id"]].narrative_author,
            team=labels[item["id"]].team,
        )
        for item in ordered
    )
    site = SimpleNamespace(
        references={item["id"]: item for item in items},
        styled=StyledBibliography(entries, options),
    )
    return cast("SiteBibliography", site)


def _source(keys: list[str]) -> str:
    return "[" + "; ".join(f"@{key}" for key in keys) + "]"


def site_citations(case: Case) -> list[str]:
    site = _site(case.items)
    return [
        peers.normalise("".join(build_citation(find_citations(_source(keys))[0], site).itertext()))
        for keys in case.citations
    ]


def _citeproc_js_job(case: Case) -> dict[str, Any]:
    return {
        "style": str(peers.STYLE),
        "locale": str(peers.LOCALE),
        "items": case.items,
        "clusters": [[{"id": key} for key in keys] for keys in case.citations],
        "bibliography": False,
    }


@cache
def _citeproc_js_answers() -> dict[int, list[str]]:
    """citeproc-js's citations for every case, from one Node.js process: by ``id`` of the case."""
    cases = [cast("Case", param.values[0]) for param in CASES]
    answers = peers.run_node_batch([_citeproc_js_job(case) for case in cases])
    return {
        id(case): [peers.normalise(text) for text in answer["clusters"]]
        for case, answer in zip(cases, answers, strict=True)
    }


def pandoc_citations(case: Case) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "references.json"
        data.write_text(json.dumps(case.items), encoding="utf-8")
        source = "\n\n".join(_source(keys) for keys in case.citations) + "\n"
        output = peers.run_pandoc(source, data, "markdown", "html")
    paragraphs = BeautifulSoup(output, "html.parser").find_all("p", recursive=False)
    return [peers.normalise(paragraph.get_text()) for paragraph in paragraphs]


@pytest.mark.parametrize("case", CASES)
def test_the_site_writes_each_case_as_apa_7_does(case: Case) -> None:
    assert site_citations(case) == case.expected


@pytest.mark.oracle
@pytest.mark.parametrize("peer", ["citeproc-js", "pandoc"])
@pytest.mark.parametrize("case", CASES)
def test_each_peer_writes_each_case_so_apart_from_the_listed_differences(
    case: Case, peer: str
) -> None:
    theirs = _citeproc_js_answers()[id(case)] if peer == "citeproc-js" else pandoc_citations(case)
    differences = case.differences.get(peer, {})
    expected = [
        differences[index][0] if index in differences else ours
        for index, ours in enumerate(case.expected)
    ]
    assert theirs == expected
