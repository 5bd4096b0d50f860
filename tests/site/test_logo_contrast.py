"""The header logo stands out from the header it is drawn on (WCAG 1.4.11: 3:1 for graphics)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_of_known_pairs() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#00897b", "#00695c"), 1) == 1.5  # the favicon's teal on the header


def test_every_stroke_of_the_header_logo_has_3_to_1_on_the_header() -> None:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    logo = (ROOT / "docs" / config["theme"]["logo"]).read_text(encoding="utf-8")
    css = (ROOT / "docs/assets/stylesheets/extra.css").read_text(encoding="utf-8")
    headers = set(re.findall(r"--md-primary-fg-color:\s*(#[0-9a-fA-F]{6})", css))
    strokes = set(re.findall(r'(?:stroke|fill)="(#[0-9a-fA-F]{6})"', logo))
    assert headers
    assert strokes
    for header in headers:
        for stroke in strokes:
            assert contrast(stroke, header) >= 3, (stroke, header)
