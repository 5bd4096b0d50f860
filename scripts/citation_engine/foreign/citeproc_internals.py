"""Memoise citeproc-py 0.11.1's answers about a style tree, without changing its output.

The only module that touches citeproc-py's internals, and it touches nothing on import:
``installed()`` puts the memos in place around one formatting run (``reference_styles``
calls it) and takes them out afterwards, so another caller of citeproc-py in the process
sees citeproc-py's own methods. citeproc-py walks the CSL style tree again for every
entry: XPath searches for macros, terms, the enclosing layout, bibliography and name
options; a recursive walk to learn whether a group calls a variable; a fresh root lookup
for the output formatter. Those answers depend only on the style (and locale) tree, which
never changes once ``reference_styles`` has parsed (and, for copy formats, trimmed) it, so
each is asked of citeproc-py once per element and remembered:

- ``CitationStylesElement.xpath_search``: one result list per (element, expression); a
  copy is handed out, so a caller that changed the list could not change the memo.
- ``CitationStylesElement.get_root``: one root per element.
- ``CitationStylesElement.get_macro``, ``Locale.get_term`` and ``Locale.get_option``: one
  lookup per name (a missing term or a locale without style options stays missing).
- ``calls_variable`` of every element class: the answer comes from the element's
  attributes and descendants only (never from the item being formatted).
- ``CitationStylesElement.get_locale_option``: one answer per (root, option name); the
  root's locale list is fixed when the style is loaded.
- ``If._type``: one answer per (element, CSL type of the item): citeproc-py compares the
  element's type list with the item's type and nothing else.
- ``CitationItem.reference``: looked up in the bibliography's source once per cited item;
  the source maps each key to one fixed ``Reference``.

Every patch calls citeproc-py's own method for an answer it has not seen, so a change in
citeproc-py's behaviour shows through; what a citeproc-py upgrade must be checked for is
that each answer still depends only on what its memo is keyed on
(``tests/engine/test_pin_citeproc.py`` and CONTRIBUTING, "When a pin moves").

Memos hold the elements they are keyed by while installed, so an element's Python proxy
(and with it its id and attributes such as ``Layout.repressed``) lives as long as the memo.

The memos target citeproc-py ``TARGET_VERSION`` only: with any other version ``install``
leaves citeproc-py alone and warns, and the tests fail until the memos are checked against
the new code. ``stock()`` switches them off for a block, which the tests use to compare
output with and without them.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, Final

from citeproc import model
from citeproc.source import CitationItem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

TARGET_VERSION: Final = "0.11.1"

# (class, attribute) -> the stock attribute, filled by install() and emptied by uninstall().
_STOCK: dict[tuple[type, str], Any] = {}
# Non-empty inside stock(): install() then leaves citeproc-py alone.
_HELD_OFF: list[bool] = []

# Classes that define their own structural calls_variable in citeproc-py 0.11.1.
_CALLS_VARIABLE_CLASSES: Final = (
    model.Parent,
    model.Text,
    model.Date,
    model.Number,
    model.Names,
    model.Label,
    model.Group,
)


def installed_version() -> str:
    """The citeproc-py version in this environment."""
    return version("citeproc-py")


def active() -> bool:
    """Whether the memos are in place."""
    return bool(_STOCK)


def install() -> bool:
    """Put the memos in place (once); return whether they are active.

    With a citeproc-py other than ``TARGET_VERSION`` nothing is patched and a warning says
    so: formatting stays correct, only slower.
    """
    if _STOCK:
        return True
    if _HELD_OFF:
        return False
    found = installed_version()
    if found != TARGET_VERSION:
        warnings.warn(
            f"citeproc-py {found} is installed but citation_engine.foreign.citeproc_internals "
            f"targets {TARGET_VERSION}; formatting runs unpatched (slower) until the memos are "
            "checked against the new version",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    element = model.CitationStylesElement
    _patch(element, "xpath_search", _memoised_xpath_search(element.xpath_search))
    _patch(element, "get_root", _memoised_per_element(element.get_root))
    _patch(element, "get_macro", _memoised_per_root(element.get_macro))
    _patch(model.Locale, "get_term", _memoised_with_misses(model.Locale.get_term))
    _patch(model.Locale, "get_option", _memoised_with_misses(model.Locale.get_option))
    for cls in _CALLS_VARIABLE_CLASSES:
        _patch(cls, "calls_variable", _memoised_per_element(cls.__dict__["calls_variable"]))
    _patch(model.If, "_type", _memoised_type(model.If._type))
    _patch(element, "get_locale_option", _memoised_per_root(element.get_locale_option))
    _patch(CitationItem, "reference", property(_memoised_reference(CitationItem.reference)))
    return True


@contextmanager
def installed() -> Iterator[bool]:
    """Run a block with the memos in place, then restore citeproc-py if they were not before.

    Yields whether the memos are active (not with another citeproc-py version).
    """
    was_active = active()
    try:
        yield install()
    finally:
        if not was_active:
            uninstall()


def uninstall() -> None:
    """Restore citeproc-py's own methods."""
    for (cls, name), original in reversed(list(_STOCK.items())):
        setattr(cls, name, original)
    _STOCK.clear()


@contextmanager
def stock() -> Iterator[None]:
    """Run a block with citeproc-py's own methods, ``installed()`` included; then restore."""
    was_active = active()
    uninstall()
    _HELD_OFF.append(True)
    try:
        yield
    finally:
        _HELD_OFF.pop()
        if was_active:
            install()


def _patch(cls: type, name: str, replacement: Any) -> None:
    _STOCK[(cls, name)] = cls.__dict__[name]
    setattr(cls, name, replacement)


def _memoised_xpath_search(original: Callable[[Any, str], list[Any]]) -> Any:
    found: dict[tuple[Any, str], list[Any]] = {}

    def xpath_search(self: Any, expression: str) -> list[Any]:
        key = (self, expression)
        result = found.get(key)
        if result is None:
            result = found[key] = original(self, expression)
        return list(result)

    return xpath_search


def _memoised_per_element(original: Callable[[Any], Any]) -> Any:
    found: dict[Any, Any] = {}

    def memoised(self: Any) -> Any:
        try:
            return found[self]
        except KeyError:
            result = found[self] = original(self)
            return result

    memoised.__name__ = original.__name__
    memoised.__doc__ = original.__doc__
    return memoised


def _memoised_per_root(original: Callable[[Any, str], Any]) -> Any:
    """A lookup by name that depends only on the style (or locale) tree the element is in."""
    found: dict[tuple[Any, str], Any] = {}

    def lookup(self: Any, name: str) -> Any:
        key = (self.get_root(), name)
        try:
            return found[key]
        except KeyError:
            value = found[key] = original(self, name)
            return value

    lookup.__name__ = original.__name__
    return lookup


def _memoised_with_misses(original: Callable[..., Any]) -> Any:
    """A locale lookup, its ``IndexError`` for an absent name remembered as well as its answers."""
    missing = object()
    found: dict[tuple[Any, ...], Any] = {}

    def lookup(self: Any, *args: Any, **kwargs: Any) -> Any:
        key = (self, args, tuple(sorted(kwargs.items())))
        try:
            value = found[key]
        except KeyError:
            try:
                value = original(self, *args, **kwargs)
            except IndexError:
                value = missing
            found[key] = value
        if value is missing:
            raise IndexError(args[0] if args else kwargs)
        return value

    lookup.__name__ = original.__name__
    return lookup


def _memoised_type(original: Callable[[Any, Any], list[bool]]) -> Any:
    found: dict[tuple[Any, str], list[bool]] = {}

    def _type(self: Any, item: Any) -> list[bool]:
        key = (self, item.reference.type)
        result = found.get(key)
        if result is None:
            result = found[key] = original(self, item)
        return list(result)

    return _type


def _memoised_reference(original: property) -> Callable[[Any], Any]:
    look_up = original.fget
    assert look_up is not None

    def reference(self: Any) -> Any:
        memo = self.__dict__
        try:
            return memo["_memoised_reference"]
        except KeyError:
            found = memo["_memoised_reference"] = look_up(self)
            return found

    return reference
