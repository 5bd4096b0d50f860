"""Real BibTeX files from public repositories, built by the engine and compared with Pandoc 3.9.

``tests/real_world/compare.py`` does the work (run it as a module for the table and every
difference). Here it runs once over the whole corpus and must never crash; the agreement
with Pandoc may only rise: the floors are ``tests/real_world/baseline.toml``, today's
figures, which are raised as the engine improves (``compare --write-baseline``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from typing import TYPE_CHECKING, Any

import pytest

from tests import peer_rendering as peers
from tests.real_world import compare

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.oracle

FILES = [path.name for path in compare.corpus_files()]


@pytest.fixture(scope="module")
def results() -> dict[str, compare.FileResult]:
    return {result.name: result for result in compare.compare_corpus()}


@pytest.fixture(scope="module")
def baseline() -> dict[str, Any]:
    return tomllib.loads(compare.BASELINE.read_text(encoding="utf-8"))


def test_the_oracle_is_pandoc_3_9() -> None:
    version = subprocess.run(
        [peers.PANDOC, "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert version.splitlines()[0] == "pandoc 3.9"


def test_the_corpus_is_twenty_files_or_more_each_with_its_source() -> None:
    sources = (compare.CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([^`]+\.bib)` \|", sources, flags=re.MULTILINE)
    assert len(FILES) >= 20
    assert listed == FILES  # every file listed once, in name order, and nothing else


def test_no_file_crashes_the_engine_but_the_known_ones_and_pandoc_reads_every_file(
    results: dict[str, compare.FileResult], baseline: dict[str, Any]
) -> None:
    # The known crashes (issue 23: "\\href" ends the LaTeX decoder in an IndexError) are
    # listed in the baseline so that the corpus holds them; the list only shrinks.
    known = set(baseline["total"]["crashing"])
    crashed = {name: result.crashes for name, result in results.items() if result.crashes}
    assert {name: crashes for name, crashes in crashed.items() if name not in known} == {}
    assert set(crashed) == known, "a known crash is gone: remove it from baseline.toml"
    assert all("IndexError" in result.crashes[0] for result in results.values() if result.crashes)
    assert {name: r.pandoc_error for name, r in results.items() if r.pandoc_error} == {}
    assert all(result.pandoc_entries > 0 for result in results.values())


def test_every_entry_pandoc_prints_is_compared_or_counted_as_refused(
    results: dict[str, compare.FileResult],
) -> None:
    for result in results.values():
        keys = [item.what for item in result.entries] + result.refused
        keys += result.refused_deliberately
        assert len(keys) == len(set(keys)) == result.pandoc_entries, result.name


@pytest.mark.parametrize("name", FILES)
def test_agreement_with_pandoc_is_not_below_its_floor(
    results: dict[str, compare.FileResult], baseline: dict[str, Any], name: str
) -> None:
    floor = baseline["files"][name]
    row = compare.summary(results[name])
    assert row["builds"] >= floor["builds"], name
    assert row["of all %"] >= floor["entries"], name
    assert row["in-text of all %"] >= floor["in_text"], name


def test_total_agreement_with_pandoc_is_not_below_its_floor(
    results: dict[str, compare.FileResult], baseline: dict[str, Any]
) -> None:
    row = compare.total(list(results.values()))
    floor = baseline["total"]
    assert row["builds"] >= floor["builds"]
    assert row["of all %"] >= floor["entries"]
    assert row["in-text of all %"] >= floor["in_text"]
    assert set(baseline["files"]) == set(FILES)


# -- the harness itself ---------------------------------------------------------------------


def test_keys_pandoc_cannot_read_bare_are_cited_in_braces() -> None:
    assert compare.cite_key("doe2020") == "@doe2020"
    assert compare.cite_key("Doe:2020.a-b") == "@Doe:2020.a-b"
    assert compare.cite_key("9.8:1") == "@9.8:1"
    assert compare.cite_key("ISI:000445987100063") == "@ISI:000445987100063"
    assert compare.cite_key("doe2020.") == "@{doe2020.}"  # trailing punctuation ends a key
    assert compare.cite_key(".hidden") == "@{.hidden}"
    assert compare.cite_key("a b") == "@{a b}"


def test_a_file_both_print_alike_is_identical_in_list_and_text(tmp_path: Path) -> None:
    bib = tmp_path / "alike.bib"
    bib.write_text(
        "@article{roe2019,\n  author = {Roe, Jane and Doe, John},\n"
        "  title = {A study of alliance},\n  journal = {Journal of Tests},\n"
        "  year = {2019},\n  volume = {3},\n  pages = {1--9},\n  doi = {10.1000/xyz1}\n}\n",
        encoding="utf-8",
    )
    result = compare.compare_file(bib, tmp_path / "cache")
    assert (result.builds, result.problems, result.crashes, result.refused) == (True, [], [], [])
    assert [(item.what, item.identical) for item in result.entries] == [("roe2019", True)]
    assert result.entries[0].engine == (
        "Roe, J., & Doe, J. (2019). A study of alliance. Journal of Tests, 3, 1–9. "
        "https://doi.org/10.1000/xyz1"
    )
    assert [(c.what, c.engine, c.identical) for c in result.citations] == [
        ("[@roe2019]", "(Roe & Doe, 2019)", True),
        ("@roe2019", "Roe and Doe (2019)", True),  # "and" in running text, APA 7 §8.17
    ]
    assert [c.deliberate for c in result.citations] == ["", "narrative-and"]


def test_a_refused_entry_is_recorded_with_its_message_and_the_rest_compared(
    tmp_path: Path,
) -> None:
    bib = tmp_path / "refused.bib"
    bib.write_text(
        "@article{roe2019,\n  author = {Roe, Jane},\n  title = {Kept},\n"
        "  journal = {Journal of Tests},\n  year = {2019}\n}\n\n"
        "@article{doe2020,\n  author = {Doe, John},\n  title = {Refused},\n"
        "  journal = {Journal of Tests},\n  date = {2020-02-31}\n}\n",
        encoding="utf-8",
    )
    result = compare.compare_file(bib, tmp_path / "cache")
    assert result.builds is False
    assert result.problems == [
        "refused.bib:12: entry 'doe2020': date '2020-02-31' is not a day of the calendar: "
        "check the month and the day"
    ]
    assert result.refused == ["doe2020"]
    assert [item.what for item in result.entries] == ["roe2019"]
    assert "[@doe2020]: refused doe2020" in result.citations_refused


def test_deliberate_cited_conflicting_key(tmp_path: Path) -> None:
    """A cited key defined twice differently stops the build on purpose; the rest compares."""
    bib = tmp_path / "twice.bib"
    entry = (
        "@article{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n"
        "  journal = {{J}},\n  year = {{2019}}\n}}\n\n"
    )
    bib.write_text(
        entry.format(key="roe2019", author="Roe, Jane", title="First")
        + entry.format(key="doe2020", author="Doe, John", title="Other")
        + entry.format(key="roe2019", author="Roe, Jane", title="Second"),
        encoding="utf-8",
    )
    result = compare.compare_file(bib, tmp_path / "cache")
    message = (
        "twice.bib:15: key 'roe2019' is cited, but lines 1 and 15 define it differently "
        "(BibTeX prints the first, Pandoc the last); keep one"
    )
    assert (result.builds, result.problems, result.excused) == (True, [], [message])
    assert (result.refused, result.refused_deliberately) == ([], ["roe2019"])
    assert [item.what for item in result.entries] == ["doe2020"]
    assert compare.summary(result)["of all %"] == 100.0
    assert all("roe2019" not in item.what for item in result.citations)
    assert result.citations_refused == []
    # any other problem still counts against the engine
    assert compare._deliberate_refusal(message) == "cited-conflicting-key"
    assert compare._deliberate_refusal(message.replace("keep one", "")) == ""


def test_deliberate_particle_before_family(tmp_path: Path) -> None:
    """Pandoc's "Paz, 2013" and its place in a group are excused as "de Paz"; nothing else."""
    bib = tmp_path / "particles.bib"
    bib.write_text(
        "@article{paz2013,\n  author = {Paz, Ana de and d' Jones, John},\n  title = {T},\n"
        "  journal = {J},\n  year = {2013}\n}\n\n"
        "@article{cole2013,\n  author = {Cole, Ann},\n  title = {U},\n"
        "  journal = {J},\n  year = {2013}\n}\n",
        encoding="utf-8",
    )
    result = compare.compare_file(bib, tmp_path / "cache")
    texts = {item.what: (item.engine, item.pandoc, item.deliberate) for item in result.entries}
    assert texts["paz2013"] == (
        "de Paz, A., & d’Jones, J. (2013). T. J.",
        "Paz, A. de, & Jones, J. d’. (2013). T. J.",
        "particle-before-family",
    )
    assert texts["cole2013"] == ("Cole, A. (2013). U. J.", "Cole, A. (2013). U. J.", "")
    cited = {item.what: (item.engine, item.pandoc, item.deliberate) for item in result.citations}
    assert cited["[@paz2013; @cole2013]"] == (
        "(Cole, 2013; de Paz & d’Jones, 2013)",
        "(Cole, 2013; Paz & Jones, 2013)",
        "particle-before-family",
    )
    assert all(item.identical for item in (*result.entries, *result.citations))
    # the reading excuses the particle only: any other difference still counts
    read = ("Paz, A. de, & Jones, J. d’. (2013). T. J.", "particle-before-family")
    assert not compare._compared("k", "de Paz, A. (2013). T. J.", read[0], "entry", read).identical


def test_deliberate_list_order(tmp_path: Path) -> None:
    """APA 7 §8.12: a citation's works in reference-list order; apa.csl sorts "et al." first."""
    bib = tmp_path / "order.bib"
    bib.write_text(
        "@article{fryer1990,\n  author = {Fryer, Ann and Mason, Bo and Cole, Cy},\n"
        "  title = {T},\n  journal = {J},\n  year = {1990}\n}\n\n"
        "@article{fryer1996,\n  author = {Fryer, Ann and Lannan, Di},\n  title = {U},\n"
        "  journal = {J},\n  year = {1996}\n}\n",
        encoding="utf-8",
    )
    result = compare.compare_file(bib, tmp_path / "cache")
    cited = {item.what: (item.engine, item.pandoc, item.deliberate) for item in result.citations}
    assert cited["[@fryer1990; @fryer1996]"] == (
        "(Fryer & Lannan, 1996; Fryer et al., 1990)",
        "(Fryer et al., 1990; Fryer & Lannan, 1996)",
        "list-order",
    )
    assert all(item.identical for item in result.citations)
    assert compare.in_list_order(["[@a; @b]", "@a", "[@b; @{c d}]"], {"a": 1, "b": 0, "c d": 2}) == [
        "[@b; @a]", "@a", "[@b; @{c d}]",
    ]  # fmt: skip
    # only the citation's sort goes; the reference list keeps apa.csl's
    style = peers.STYLE.read_text(encoding="utf-8")
    unsorted = compare._without_citation_sort(style)
    assert unsorted.count("<sort>") == style.count("<sort>") - 1
    citation = unsorted[unsorted.index("<citation") : unsorted.index("</citation>")]
    assert "<layout" in citation
    assert "<sort>" not in citation
    assert "<sort>" in unsorted[unsorted.index("<bibliography") :]


def test_every_deliberate_difference_has_its_own_test() -> None:
    names = {name for name in globals() if name.startswith("test_deliberate_")}
    expected = {f"test_deliberate_{item.name.replace('-', '_')}" for item in compare.DELIBERATE}
    assert expected <= names
    assert all(item.reason for item in compare.DELIBERATE)


def test_deliberate_narrative_and(tmp_path: Path) -> None:
    result = compare.compare_file(_bib(tmp_path, _THESIS), tmp_path / "cache")
    narrative = [item for item in result.citations if item.what == "@kim2012"]
    assert [(item.engine, item.pandoc) for item in narrative] == [
        ("Kim and Park (2012)", "Kim & Park (2012)")
    ]
    assert (narrative[0].identical, narrative[0].deliberate) == (True, "narrative-and")
    group = [item for item in result.citations if item.what == "[@kim2012]"]
    assert [(item.engine, item.identical, item.deliberate) for item in group] == [
        ("(Kim & Park, 2012)", True, "")  # "&" stays inside parentheses
    ]


def test_deliberate_doctoral_dissertation(tmp_path: Path) -> None:
    result = compare.compare_file(_bib(tmp_path, _THESIS), tmp_path / "cache")
    [entry] = result.entries
    assert (
        entry.pandoc
        == "Kim, M., & Park, J. (2012). A thesis on alliance [PhD thesis]. Test University."
    )
    assert entry.engine == (
        "Kim, M., & Park, J. (2012). A thesis on alliance [Doctoral dissertation]. Test University."
    )
    assert (entry.identical, entry.deliberate) == (True, "doctoral-dissertation")


def test_deliberate_tie_order(tmp_path: Path) -> None:
    bib = _bib(
        tmp_path,
        "@book{doe2020beta,\n  author = {Doe, Jane},\n  title = {Beta},\n"
        "  publisher = {Test Press},\n  year = {2020}\n}\n\n"
        "@book{doe2020alpha,\n  author = {Doe, Jane},\n  title = {Alpha},\n"
        "  publisher = {Test Press},\n  year = {2020}\n}\n",
    )
    # Pandoc keeps the written order of works whose sort keys tie: file order is not APA's.
    written = compare.render_pandoc(bib, ["[@doe2020beta; @doe2020alpha]"])[1]
    assert written == ["(Doe, 2020b, 2020a)"]
    result = compare.compare_file(bib, tmp_path / "cache")
    group = [item for item in result.citations if item.what == "[@doe2020beta; @doe2020alpha]"]
    assert group  # the engine is given the file order, and orders the group itself
    assert {(item.engine, item.pandoc, item.identical) for item in group} == {
        ("(Doe, 2020a, 2020b)", "(Doe, 2020a, 2020b)", True)
    }


_THESIS = (
    "@phdthesis{kim2012,\n  author = {Kim, Min and Park, Jun},\n"
    "  title = {A thesis on alliance},\n  school = {Test University},\n  year = {2012}\n}\n"
)


def _bib(folder: Path, text: str) -> Path:
    path = folder / "case.bib"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_module_prints_the_table() -> None:
    one = str(compare.CORPUS / "papaja-r-references.bib")
    table = subprocess.run(
        [sys.executable, "-m", "tests.real_world.compare", one],
        capture_output=True,
        text=True,
        check=True,
        cwd=peers.ROOT,
    ).stdout
    assert table.splitlines()[2].startswith("papaja-r-references.bib")
    assert table.splitlines()[-1].startswith("total")
