"""citeproc-py's internals that ``foreign/citeproc_internals`` memoises still have its shape.

A citeproc-py upgrade fails here first. Each memo is sound only while citeproc-py's answer
depends on nothing but what the memo is keyed on; these tests read citeproc-py's code for
the inputs each method uses, so a change there fails with the method's name. Then follow
CONTRIBUTING's "When a pin moves" (and ``tests/engine/test_citeproc_internals.py``, which compares
the output with and without the memos).
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

import pytest
from citation_engine.foreign import citeproc_internals
from citeproc import model
from citeproc.source import CitationItem


def _source(function: object) -> str:
    return inspect.getsource(function)  # type: ignore[arg-type]


def test_the_pinned_version_is_installed() -> None:
    assert version("citeproc-py") == citeproc_internals.TARGET_VERSION, (
        "citeproc-py moved: re-check every memo in foreign/citeproc_internals.py against its "
        "code (CONTRIBUTING, 'When a pin moves'), then move TARGET_VERSION"
    )


@pytest.mark.parametrize(
    ("cls", "name", "parameters"),
    [
        (model.CitationStylesElement, "xpath_search", ["self", "expression"]),
        (model.CitationStylesElement, "get_root", ["self"]),
        (model.CitationStylesElement, "get_macro", ["self", "name"]),
        (model.CitationStylesElement, "get_locale_option", ["self", "name"]),
        (model.Locale, "get_term", ["self", "name", "form", "zero_padded"]),
        (model.Locale, "get_option", ["self", "name"]),
        (model.If, "_type", ["self", "item"]),
        *((cls, "calls_variable", ["self"]) for cls in citeproc_internals._CALLS_VARIABLE_CLASSES),
    ],
)
def test_each_memoised_method_keeps_its_signature(
    cls: type, name: str, parameters: list[str]
) -> None:
    method = cls.__dict__.get(name)
    assert method is not None, f"citeproc-py's {cls.__name__} no longer defines {name}"
    assert list(inspect.signature(method).parameters) == parameters


def test_the_reference_lookup_is_a_property_of_the_cited_item() -> None:
    assert isinstance(CitationItem.__dict__["reference"], property)


def test_if_type_reads_only_the_type_list_and_the_item_s_type() -> None:
    source = _source(model.If._type)
    assert "self.get('type')" in source
    assert "item.reference.type" in source
    assert source.count("item") == 2  # the parameter and its type: nothing else of the item


def test_calls_variable_reads_the_element_and_its_descendants_only() -> None:
    for cls in citeproc_internals._CALLS_VARIABLE_CLASSES:
        source = _source(cls.__dict__["calls_variable"])
        assert "item" not in source, f"{cls.__name__}.calls_variable reads the item now"
