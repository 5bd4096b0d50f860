"""The extension's options table in CONTRIBUTING.md is the one the code defines."""

from __future__ import annotations

import re

from citation_engine.markdown_extension import OPTIONS, CitationExtension

from tests.conftest import ROOT

ROW_RE = re.compile(r"^\| `(?P<name>[a-z_]+)` \| string \| (?P<default>.*?) \| (?P<help>.*) \|$")


def _documented() -> dict[str, tuple[str, str]]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        if match := ROW_RE.match(line):
            default = match["default"]
            default = "" if default == "*(empty)*" else default.strip("`")
            rows[match["name"]] = (default, match["help"])
    return rows


def test_every_option_is_documented_with_its_default_and_description() -> None:
    assert _documented() == OPTIONS


def test_the_extension_offers_exactly_the_documented_options() -> None:
    assert set(CitationExtension().getConfigs()) == set(OPTIONS)
