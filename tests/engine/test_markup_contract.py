"""The markup's contract (``citation_engine/MARKUP.md``) is true of the engine and of the site.

Every class and attribute the document names is in the engine's output, and every name of
the engine's that the site's script and stylesheet use is in the document, so a rename on
either side fails here rather than silently in a reader's browser.
"""

from __future__ import annotations

import re
from importlib import resources

import markdown
from bs4 import BeautifulSoup
from citation_engine.markdown_extension import OPTIONS, CitationExtension

from tests.conftest import ROOT
from tests.golden_rendering import GOLDEN, PAGES, render

SCRIPT = ROOT / "docs" / "assets" / "javascripts" / "site.js"
STYLESHEET = ROOT / "docs" / "assets" / "stylesheets" / "extra.css"
# The engine's names start so; the theme's (md-) and the site's other names do not.
ENGINE_NAME_RE = re.compile(r"^(?:citation|reference|bibliography|Z3988)")
_ROW_RE = re.compile(r"^\| `(?P<name>[A-Za-z0-9_-]+)` \|", re.MULTILINE)
_CLASS_SELECTOR_RE = re.compile(r"\.(?P<name>-?[A-Za-z_][\w-]*)")
_SCRIPT_STRING_RE = re.compile(r"\"([^\"\n]*)\"|'([^'\n]*)'")
_CREATED_RE = re.compile(r"className = \"(?P<name>[\w-]+)\"")


def _contract() -> str:
    return resources.files("citation_engine").joinpath("MARKUP.md").read_text(encoding="utf-8")


def _documented() -> set[str]:
    return {match["name"] for match in _ROW_RE.finditer(_contract())}


def _rendered() -> BeautifulSoup:
    pages = [render(page) for page in PAGES]
    extension = CitationExtension(
        bibliography=str(GOLDEN / "references.bib"), docs_dir=str(GOLDEN / "docs")
    )
    # A citation in link text: its label is text, since a link holds no link.
    pages.append(markdown.markdown("[see @smith2015book](other.md)", extensions=[extension]))
    return BeautifulSoup("\n".join(pages), "html.parser")


def _script_names() -> set[str]:
    """The class names site.js looks for, less those it makes itself."""
    text = SCRIPT.read_text(encoding="utf-8")
    created = {match["name"] for match in _CREATED_RE.finditer(text)}
    names = set()
    for match in _SCRIPT_STRING_RE.finditer(text):
        literal = match[1] if match[1] is not None else match[2]
        names |= {found["name"] for found in _CLASS_SELECTOR_RE.finditer(literal)}
    names |= set(re.findall(r"classList\.contains\(\"([\w-]+)\"\)", text))
    return {name for name in names - created if ENGINE_NAME_RE.match(name)}


def _stylesheet_names() -> set[str]:
    text = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.DOTALL)
    selectors = "".join(re.findall(r"([^{}]*)\{", text))
    return {
        match["name"]
        for match in _CLASS_SELECTOR_RE.finditer(selectors)
        if ENGINE_NAME_RE.match(match["name"])
    }


def _made_by_the_script() -> set[str]:
    text = SCRIPT.read_text(encoding="utf-8")
    return {match["name"] for match in _CREATED_RE.finditer(text)}


def test_the_contract_ships_with_the_engine() -> None:
    assert "citation__link" in _documented()


def test_every_documented_name_is_in_the_engine_output() -> None:
    soup = _rendered()
    classes = {name for element in soup.find_all(class_=True) for name in element["class"]}
    attributes = {name for element in soup.find_all(True) for name in element.attrs}
    assert sorted(_documented() - classes - attributes) == []


def test_every_engine_class_in_the_output_is_documented() -> None:
    soup = _rendered()
    classes = {name for element in soup.find_all(class_=True) for name in element["class"]}
    assert sorted(name for name in classes - _documented() if ENGINE_NAME_RE.match(name)) == []


def test_the_script_uses_only_documented_names() -> None:
    used = _script_names()
    assert "reference__text" in used  # the reader found the script's selectors
    assert sorted(used - _documented()) == []


def test_the_stylesheet_uses_only_documented_names_or_the_scripts() -> None:
    used = _stylesheet_names()
    assert "reference__cited-on" in used
    assert sorted(used - _documented() - _made_by_the_script()) == []


_TEXT_ROW_RE = re.compile(
    r"^\| `(?P<attribute>data-[a-z-]+)` \| `(?P<option>[a-z_]+)` \| `(?P<element>[^`]+)`",
    re.MULTILINE,
)
# How site.js reads an attribute the engine writes: engineText(element, "data-...", fallback)
# or element.getAttribute("data-...").
_SCRIPT_READS_RE = re.compile(r"(?:engineText\(\s*\w+,\s*|getAttribute\()\"(data-[a-z-]+)\"")


def _script_texts() -> dict[str, tuple[str, str]]:
    """The documented texts for a script: attribute -> (option, element selector)."""
    return {
        match["attribute"]: (match["option"], match["element"])
        for match in _TEXT_ROW_RE.finditer(_contract())
    }


def test_every_text_for_a_script_holds_its_option_on_its_element() -> None:
    texts = _script_texts()
    assert "data-copied-label" in texts  # the reader found the table
    soup = _rendered()
    for attribute, (option, element) in texts.items():
        found = soup.select(element)
        assert found, element
        assert {tag.get(attribute) for tag in found} == {OPTIONS[option][0]}, attribute


def test_the_script_reads_every_text_for_it_and_no_undocumented_attribute() -> None:
    found = _SCRIPT_READS_RE.findall(SCRIPT.read_text(encoding="utf-8"))
    read = {name for name in found if not name.startswith("data-md-")}  # the theme's own
    assert sorted(set(_script_texts()) - read) == []
    assert sorted(read - _documented()) == []
