"""Draw the site's data figures as static, self-contained SVG from small CSV files.

The numbers live once, in ``data/``; a test compares them with the pages' text. No plotting
library is needed for a dot-and-whisker chart, and the output has no script, no web font and
no external reference, so it works offline and under a strict Content-Security-Policy.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

WIDTH: Final = 780
ROW_HEIGHT: Final = 44
LEFT: Final = 290
RIGHT: Final = 60
TOP: Final = 56
AXIS_MAX: Final = 0.6
INK: Final = "#1f2933"
ACCENT: Final = "#00796b"
GRID: Final = "#c7ced6"


@dataclass(frozen=True)
class Effect:
    """One meta-analytic estimate: a correlation with its 95% confidence interval.

    ``ci_low`` and ``ci_high`` are both empty when no record of the cited work confirms an
    interval; the chart then draws the estimate alone rather than an unconfirmed whisker.
    """

    element: str
    statistic: str
    estimate: str
    ci_low: str
    ci_high: str
    studies: str
    participants: str
    key: str


def read_effects(path: Path) -> list[Effect]:
    """Read the effect-size table; every row must be a correlation (r).

    An interval must be given whole or not at all: one bound without the other is refused.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        effects = [Effect(**row) for row in csv.DictReader(handle)]
    for line, effect in enumerate(effects, start=2):
        if effect.statistic != "r":
            raise ValueError(f"{path}:{line}: row '{effect.element}' is not a correlation (r)")
        if bool(effect.ci_low) != bool(effect.ci_high):
            raise ValueError(
                f"{path}:{line}: row '{effect.element}' gives one bound of its interval; "
                "give both or neither"
            )
    return effects


def draw_effects_chart(effects: list[Effect]) -> etree.Element:
    """Return the SVG element of a dot-and-whisker chart of correlations with their CIs."""
    height = TOP + ROW_HEIGHT * len(effects) + 50
    svg = etree.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "role": "img",
            "aria-labelledby": "chart-title chart-desc",
            "font-family": "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif",
        },
    )
    _text_child(svg, "title", "Relationship elements and therapy outcome", id="chart-title")
    _text_child(svg, "desc", _description(effects), id="chart-desc")
    etree.SubElement(svg, "rect", {"width": str(WIDTH), "height": str(height), "fill": "#ffffff"})
    _axis(svg, len(effects))
    for row, effect in enumerate(effects):
        _row(svg, row, effect)
    return svg


def _description(effects: list[Effect]) -> str:
    parts = [
        f"{e.element}: r = {e.estimate}, "
        + (f"95% CI {e.ci_low} to {e.ci_high}" if e.ci_low else "no confirmed 95% CI")
        + f", k = {e.studies} studies or samples, N = {e.participants}"
        for e in effects
    ]
    return (
        "Correlation with outcome from the third APA task force's meta-analyses. "
        + "; ".join(parts)
        + "."
    )


def _x(value: float) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * value / AXIS_MAX


def _axis(svg: etree.Element, rows: int) -> None:
    bottom = TOP + ROW_HEIGHT * rows
    for tick in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
        x = f"{_x(tick):.1f}"
        etree.SubElement(
            svg, "line", {"x1": x, "x2": x, "y1": str(TOP - 16), "y2": str(bottom), "stroke": GRID}
        )
        label = f"{tick:.1f}".lstrip("0") if tick else "0"
        _text_child(
            svg,
            "text",
            label,
            x=x,
            y=str(bottom + 20),
            fill=INK,
            **{"font-size": "14", "text-anchor": "middle"},
        )
    _text_child(
        svg,
        "text",
        "Correlation with outcome (r), with 95% confidence interval",
        x=f"{_x(AXIS_MAX / 2):.1f}",
        y=str(bottom + 42),
        fill=INK,
        **{"font-size": "14", "text-anchor": "middle"},
    )
    _text_child(
        svg,
        "text",
        "Element (studies)",
        x="12",
        y=str(TOP - 24),
        fill=INK,
        **{"font-size": "14", "font-weight": "bold"},
    )


def _row(svg: etree.Element, row: int, effect: Effect) -> None:
    y = TOP + ROW_HEIGHT * row + ROW_HEIGHT / 2
    estimate = float(effect.estimate)
    # Without a confirmed interval no whisker is drawn, so the chart shows nothing that the
    # cited work does not report; the label says so instead.
    has_interval = bool(effect.ci_low)
    low = float(effect.ci_low) if has_interval else estimate
    high = float(effect.ci_high) if has_interval else estimate
    _text_child(
        svg,
        "text",
        f"{effect.element} (k = {effect.studies})",
        x="12",
        y=f"{y + 5:.1f}",
        fill=INK,
        **{"font-size": "15"},
    )
    if has_interval:
        etree.SubElement(
            svg,
            "line",
            {
                "x1": f"{_x(low):.1f}",
                "x2": f"{_x(high):.1f}",
                "y1": f"{y:.1f}",
                "y2": f"{y:.1f}",
                "stroke": ACCENT,
                "stroke-width": "3",
            },
        )
    etree.SubElement(
        svg, "circle", {"cx": f"{_x(estimate):.1f}", "cy": f"{y:.1f}", "r": "7", "fill": ACCENT}
    )
    _text_child(
        svg,
        "text",
        effect.estimate if has_interval else f"{effect.estimate} (no confirmed CI)",
        # Clear the whisker's end, or the dot itself (radius 7) when there is no whisker.
        x=f"{_x(high) + (8 if has_interval else 12):.1f}",
        y=f"{y + 5:.1f}",
        fill=INK,
        **{"font-size": "14"},
    )


def _text_child(parent: etree.Element, tag: str, text: str, **attributes: str) -> etree.Element:
    child = etree.SubElement(parent, tag, attributes)
    child.text = text
    return child


def write_figures(data: Path, out_dir: Path) -> list[Path]:
    """Write every generated figure into ``out_dir``; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "relationship-effects.svg"
    tree = etree.ElementTree(draw_effects_chart(read_effects(data)))
    etree.indent(tree)
    tree.write(target, encoding="unicode", xml_declaration=False)
    return [target]
