"""The reader benchmark's request-by-request table (benchmarks/reader.py)."""

from __future__ import annotations

from benchmarks.reader import PageCost, Transfer, breakdown_lines


def _cost(name: str, *transfers: Transfer) -> PageCost:
    total = sum(item.body_bytes + item.header_bytes for item in transfers)
    failed = sum(item.failed for item in transfers)
    return PageCost(name, len(transfers), failed, total, {}, transfers)


def test_the_table_pairs_each_resource_of_both_builds() -> None:
    ours = _cost(
        "home",
        Transfer("", 10240, 1024, False),
        Transfer("assets/stylesheets/main.57a0d79d.min.css", 2048, 0, False),
        Transfer("assets/images/favicon.svg", 200, 824, False),
        Transfer("assets/images/favicon.svg", 0, 1024, False),
    )
    default = _cost(
        "home",
        Transfer("", 5120, 0, False),
        Transfer("assets/stylesheets/main.57a0d79d.min.css", 2048, 0, False),
        Transfer("https://fonts.googleapis.com/css", 0, 0, True),
    )
    assert breakdown_lines([ours], [default]) == [
        "| Page | Resource | Ours (KiB) | Default Material (KiB) |",
        "| --- | --- | --- | --- |",
        "| home | page HTML | 11.0 | 5.0 |",
        "| home | assets/stylesheets/main.min.css | 2.0 | 2.0 |",
        "| home | assets/images/favicon.svg | 1.0 + 1.0 | - |",
        "| home | fonts.googleapis.com | - | failed |",
    ]
