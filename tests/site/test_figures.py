"""The effect-size chart: it draws only the intervals its data give, and bad rows fail loudly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_site.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

HEADER = "element,statistic,estimate,ci_low,ci_high,studies,participants,key\n"


def _draw(tmp_path: Path, rows: str) -> int:
    data = tmp_path / "effects.csv"
    data.write_text(HEADER + rows, encoding="utf-8")
    return main(["figures", "--data", str(data), "--out", str(tmp_path / "out")])


def test_a_row_with_an_interval_gets_a_whisker(tmp_path: Path) -> None:
    assert _draw(tmp_path, 'Empathy,r,.28,.23,.33,82,"6,138",elliott2018therapist\n') == 0
    svg = (tmp_path / "out" / "relationship-effects.svg").read_text(encoding="utf-8")
    assert svg.count("<line") == 8  # seven grid lines and one whisker
    assert "Empathy: r = .28, 95% CI .23 to .33" in svg


def test_a_row_without_a_confirmed_interval_gets_no_whisker(tmp_path: Path) -> None:
    assert _draw(tmp_path, 'Rupture repair,r,.29,,,11,"1,314",eubanks2018alliance\n') == 0
    svg = (tmp_path / "out" / "relationship-effects.svg").read_text(encoding="utf-8")
    assert svg.count("<line") == 7  # the grid only
    assert "Rupture repair: r = .29, no confirmed 95% CI" in svg
    assert ".29 (no confirmed CI)" in svg


def test_one_bound_alone_is_refused_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = 'Empathy,r,.28,.23,.33,82,"6,138",elliott2018therapist\nCongruence,r,.23,.13,,21,9,k\n'
    assert _draw(tmp_path, rows) == 1
    assert capsys.readouterr().err == (
        f"{tmp_path / 'effects.csv'}:3: row 'Congruence' gives one bound of its interval; "
        "give both or neither\n"
    )


def test_a_statistic_other_than_r_is_refused_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _draw(tmp_path, "Positive regard,g,.36,.28,.44,64,3,farber2018positive\n") == 1
    assert capsys.readouterr().err == (
        f"{tmp_path / 'effects.csv'}:2: row 'Positive regard' is not a correlation (r)\n"
    )
