"""Run the build and reader benchmarks and write benchmarks/RESULTS.md: ``make bench``.

Not part of ``make test``: it takes minutes and its numbers are for people, not a gate. It
prints each target as PASS or FAIL. ``BENCH_ROUNDS`` (default 5) sets the rounds per size and
``BENCH_SIZES`` (e.g. "10:100,100:1000") the sizes, ``BENCH_SERVE_ROUNDS`` (default 5) the
save-to-reload rounds; ``BENCH_LIGHTHOUSE=0`` skips Lighthouse.
"""

from __future__ import annotations

import cProfile
import datetime
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as etree
from importlib.metadata import version
from io import StringIO
from pathlib import Path
from typing import Final

from benchmarks import reader, serve
from benchmarks.build import (
    COLD,
    REPO,
    VARIANTS,
    WORK,
    Timing,
    ensure_bibtex_venv,
    run_size,
    time_check_command,
)
from benchmarks.generate import SiteSpec, bibliography

RESULTS: Final = REPO / "benchmarks" / "RESULTS.md"
PLOT: Final = REPO / "benchmarks" / "build-times.svg"
LABELS: Final = {
    "ours": "(a) ours, with citations",
    "plain": "(b) plain Material, no citations",
    "bibtex": "(c) mkdocs-bibtex 4.4.0",
    "zensical": "(d) ours on Zensical 0.0.73",
}


def _sizes() -> list[SiteSpec]:
    raw = os.environ.get("BENCH_SIZES", "10:100,100:1000,1000:5000")
    return [
        SiteSpec(int(pages), int(entries))
        for pages, entries in (item.split(":") for item in raw.split(","))
    ]


def profile_bibliography_step(entries: int = 5000) -> str:
    """Profile loading, checking and formatting a synthetic bibliography (cold cache)."""
    from citation_engine.bibtex_loading import load_bibliography
    from citation_engine.reference_checks import check_references
    from citation_engine.reference_styles import style_references

    text, _ = bibliography(entries)
    path = Path(tempfile.mkdtemp()) / "refs.bib"
    path.write_text(text, encoding="utf-8")
    profiler = cProfile.Profile()
    profiler.enable()
    loaded = load_bibliography(path)
    check_references(loaded.references)
    style_references(loaded.references, workers=1)
    profiler.disable()
    out = StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(12)
    return out.getvalue()


def _plot(results: dict[int, dict[str, Timing]]) -> None:
    width, height, left, bottom, top, right = 640, 380, 70, 50, 20, 200
    pages = sorted(results)
    highest = max(t.median for r in results.values() for t in r.values())
    svg = etree.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-label": "Median build time against pages for four builds",
            "font-family": "system-ui, 'DejaVu Sans', sans-serif",
            "font-size": "12",
        },
    )
    etree.SubElement(svg, "rect", {"width": str(width), "height": str(height), "fill": "#fff"})
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(index: int) -> float:
        return left + plot_w * index / max(len(pages) - 1, 1)

    def y(seconds: float) -> float:
        return top + plot_h * (1 - seconds / highest)

    colours = {"ours": "#00695c", "plain": "#555", "bibtex": "#c62828", "zensical": "#4527a0"}
    for index, count in enumerate(pages):
        etree.SubElement(
            svg, "text", {"x": f"{x(index):.0f}", "y": str(height - 25), "text-anchor": "middle"}
        ).text = f"{count} pages"
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        value = highest * fraction
        etree.SubElement(
            svg,
            "line",
            {
                "x1": str(left),
                "x2": str(left + plot_w),
                "y1": f"{y(value):.0f}",
                "y2": f"{y(value):.0f}",
                "stroke": "#ddd",
            },
        )
        etree.SubElement(
            svg, "text", {"x": str(left - 8), "y": f"{y(value) + 4:.0f}", "text-anchor": "end"}
        ).text = f"{value:.0f} s"
    for row, variant in enumerate(VARIANTS):
        points = " ".join(
            f"{x(i):.0f},{y(results[count][variant].median):.0f}" for i, count in enumerate(pages)
        )
        etree.SubElement(
            svg,
            "polyline",
            {"points": points, "fill": "none", "stroke": colours[variant], "stroke-width": "2.5"},
        )
        etree.SubElement(
            svg,
            "text",
            {"x": str(width - right + 12), "y": str(top + 20 + row * 20), "fill": colours[variant]},
        ).text = LABELS[variant]
    tree = etree.ElementTree(svg)
    etree.indent(tree)
    tree.write(PLOT, encoding="unicode")


def _versions() -> str:
    names = (
        "mkdocs",
        "mkdocs-material",
        "zensical",
        "bibtexparser",
        "citeproc-py",
        "pymdown-extensions",
        "playwright",
    )
    return ", ".join(f"{name} {version(name)}" for name in names)


def main() -> int:
    """Run everything and write the report; exit 1 if a target fails."""
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    bibtex_python = ensure_bibtex_venv()
    results: dict[int, dict[str, Timing]] = {}
    specs = _sizes()
    load_before = os.getloadavg()
    for spec in specs:
        print(f"size: {spec.pages} pages, {spec.entries} entries", flush=True)
        results[spec.pages] = run_size(spec, rounds, bibtex_python)
    check_seconds = time_check_command()
    profile = profile_bibliography_step(max(spec.entries for spec in specs))
    _plot(results)
    reader_lines = _reader_benchmark()
    serve_lines = _serve_benchmark(int(os.environ.get("BENCH_SERVE_ROUNDS", "5")))
    load = (load_before, os.getloadavg())
    lines = _report(specs, results, check_seconds, profile, rounds, load)
    lines += [*reader_lines, "", *serve_lines]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO)} and {PLOT.relative_to(REPO)}")
    return 1 if any("FAIL" in line for line in lines if line.startswith("| Target")) else 0


def _default_material_project() -> Path:
    """The site's own pages under Material's defaults: no extension, no font or colour changes."""
    project = WORK / "material-default-project"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(REPO / "docs", project / "docs", ignore=shutil.ignore_patterns("downloads"))
    (project / "mkdocs.yml").write_text(
        "site_name: Mindful Alliance\nsite_url: !ENV SITE_URL\ntheme:\n  name: material\n"
        "markdown_extensions:\n  - abbr\n  - admonition\n  - attr_list\n  - def_list\n"
        "  - footnotes\n  - md_in_html\n  - tables\n  - toc\n  - pymdownx.details\n  - pymdownx.superfences\n",
        encoding="utf-8",
    )
    return project


def _reader_benchmark() -> list[str]:
    site = WORK / "reader-site"
    material = WORK / "reader-material"
    binary = reader.ensure_lighthouse() if os.environ.get("BENCH_LIGHTHOUSE", "1") == "1" else None
    lines = ["## Reader benchmark", ""]
    with reader.nginx(_built(site)) as base:
        ours = reader.measure_site(base, reader.PAGES, binary)
        first_result = reader.time_to_first_result(base)
    with reader.nginx(_built(material, _default_material_project())) as base:
        default = reader.measure_site(base, reader.PAGES, binary)
    raw, compressed = reader.search_index_size(site)
    lines += [
        "Served by nginx with `deploy/nginx.conf` (gzip level 1, as shipped) and loaded in Debian's chromium. "
        "The comparison is the same pages built with Material's defaults (no citation extension, Google Fonts, "
        "default colours): offline, its font requests fail and transfer nothing, so its true online weight is higher "
        "than shown.",
        "",
    ]
    header = (
        "| Page | Build | Requests (failed) | Transferred | "
        + " | ".join(f"{c} (desktop / mobile)" for c in reader.CATEGORIES)
        + " |"
    )
    lines += [header, "|" + " --- |" * (4 + len(reader.CATEGORIES))]
    for build, costs in (("ours", ours), ("default Material", default)):
        for cost in costs:
            scores = " | ".join(
                f"{cost.lighthouse['desktop'][c]} / {cost.lighthouse['mobile'][c]}"
                if cost.lighthouse
                else "not run"
                for c in reader.CATEGORIES
            )
            lines.append(
                f"| {cost.name} | {build} | {cost.requests} ({cost.failed}) | {cost.transferred_bytes / 1024:.1f} KiB | {scores} |"
            )
    lines += [
        "",
        "Each first view, request by request (compressed body and headers; a failed request "
        "transfers nothing):",
        "",
        *reader.breakdown_lines(ours, default),
    ]
    lines += [
        "",
        f"Search index: {raw / 1024:.0f} KiB raw, {compressed / 1024:.0f} KiB gzip-compressed; "
        f"from navigation to first search result in Chromium: {first_result:.2f} s.",
        "",
        "| Target | What | Result |",
        "| --- | --- | --- |",
    ]
    for mine, theirs in zip(ours, default, strict=True):
        verdict = "PASS" if mine.transferred_bytes <= theirs.transferred_bytes else "FAIL"
        lines.append(
            f"| Target | {mine.name}: no more bytes than the default Material page "
            f"({mine.transferred_bytes / 1024:.1f} against {theirs.transferred_bytes / 1024:.1f} KiB) "
            f"| {verdict} |"
        )
        for form in ("desktop", "mobile"):
            if mine.lighthouse:
                perfect = all(score == 100 for score in mine.lighthouse[form].values())
                lines.append(
                    f"| Target | {mine.name}: 100 in every Lighthouse category ({form}) | {'PASS' if perfect else 'FAIL'} |"
                )
    return lines


def _serve_benchmark(rounds: int) -> list[str]:
    """Save-to-reload times under ``mkdocs serve``, ours against plain Material."""
    times = serve.measure(REPO, WORK, rounds)
    plain = times["plain: page"].median
    lines = [
        "## Editor benchmark (`mkdocs serve`)",
        "",
        "From saving a file to the open page showing the change after MkDocs' live reload, on a copy "
        "of the real site (ours, as `make serve` runs it) and plain: the same pages and mkdocs.yml with the "
        f"citation extension taken out. Medians of {rounds} interleaved rounds. The bib edit changes one entry's title, so "
        "that entry's formatting is no longer cached.",
        "",
        "| Edit | Median | Rounds | Against plain page edit |",
        "| --- | --- | --- | --- |",
    ]
    for name, timing in times.items():
        rounds_text = ", ".join(f"{value:.2f}" for value in timing.seconds)
        lines.append(
            f"| {name} | {timing.median:.2f} s | {rounds_text} | {timing.median / plain:.2f}× |"
        )
    lines += ["", "| Target | What | Result |", "| --- | --- | --- |"]
    for name in ("ours: page", "ours: bib"):
        ratio = times[name].median / plain
        lines.append(
            f"| Target | {name} edit to reloaded page at most 1.2× plain Material's page edit "
            f"(measured {ratio:.2f}×) | {'PASS' if ratio <= 1.2 else 'FAIL'} |"
        )
    return lines


def _built(site: Path, project: Path = REPO) -> Path:
    if project == REPO:
        subprocess.run(
            [sys.executable, "-m", "alliance_site", "export"],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
    reader.build(project, site, "http://127.0.0.1/alliance/")
    return site


def _report(
    specs: list[SiteSpec],
    results: dict[int, dict[str, Timing]],
    check_seconds: float,
    profile: str,
    rounds: int,
    load: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> list[str]:
    today = datetime.date.today().isoformat()
    before, after = (" / ".join(f"{value:.1f}" for value in averages) for averages in load)
    lines = [
        "# Benchmarks",
        "",
        f"Run on {today} on {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        f"Versions: {_versions()}.",
        f"Load averages (1 / 5 / 15 min) at the start: {before}; at the end: {after}. "
        "The machine is shared: wall times are noisy, so CPU times (build process and its workers) are listed too.",
        "",
        "Reproduce with `make bench` (writes this file and `build-times.svg`).",
        "",
        "## Build benchmark",
        "",
        f"Synthetic sites from `benchmarks/generate.py` (seeded): about 800 words a page with headings, lists, "
        f"an admonition and a table; each page cites five keys. Medians of {rounds} interleaved rounds. "
        "All four builds use the same theme settings (Material, `font: false`, `navigation.prune`, search plugin). "
        "(a) and (d) also render a full-bibliography page; (c) uses mkdocs-bibtex's default mode as its README "
        "sets it up (pybtex formatting, footnotes), with no full bibliography; (b) has the citations stripped "
        "and no extension. Builds of (a) reuse the cache folder (formatting and page scans) of the round before; "
        "each round also builds (a) cold, with the cache folder emptied first, as after cloning.",
        "",
        "| Pages | Entries | (a) ours | (b) plain | (c) mkdocs-bibtex | (d) Zensical | a/b | a/c | (a) cold | cold/b | CPU a / b / cold | (a) ms per page | peak MB a / b / c / d / cold |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for spec in specs:
        t = results[spec.pages]
        a, b, c, d = (t[v].median for v in VARIANTS)
        cold = t[COLD].median
        cpu = " / ".join(f"{t[v].cpu:.1f}" for v in ("ours", "plain", COLD))
        peaks = " / ".join(f"{t[v].peak:.0f}" for v in (*VARIANTS, COLD))
        lines.append(
            f"| {spec.pages} | {spec.entries} | {a:.2f} s | {b:.2f} s | {c:.2f} s | {d:.2f} s | {a / b:.2f} | {a / c:.2f} "
            f"| {cold:.2f} s | {cold / b:.2f} | {cpu} s | {1000 * a / spec.pages:.1f} | {peaks} |"
        )
    lines += [
        "",
        "![Median build time against pages](build-times.svg)",
        "",
        "## Targets",
        "",
        "| Target | What | Result |",
        "| --- | --- | --- |",
    ]
    largest = specs[-1]
    big = results[largest.pages]
    where = f"at {largest.pages} pages and {largest.entries} entries"
    ratio = big["ours"].median / big["plain"].median
    cpu_ratio = big["ours"].cpu / big["plain"].cpu
    lines.append(
        f"| Target | warm build {where} at most 1.10× plain (measured {ratio:.2f}×; CPU {cpu_ratio:.2f}×) | {'PASS' if ratio <= 1.10 else 'FAIL'} |"
    )
    cold_ratio = big[COLD].median / big["plain"].median
    cold_cpu = big[COLD].cpu / big["plain"].cpu
    lines.append(
        f"| Target | cold build {where} at most 1.5× plain (measured {cold_ratio:.2f}×; CPU {cold_cpu:.2f}×) | {'PASS' if cold_ratio <= 1.5 else 'FAIL'} |"
    )
    for name, variant in (("warm", "ours"), ("cold", COLD)):
        memory = big[variant].peak / big["plain"].peak
        lines.append(
            f"| Target | peak memory of the {name} build {where} at most 1.5× plain (measured {memory:.2f}×) | {'PASS' if memory <= 1.5 else 'FAIL'} |"
        )
    for spec in specs:
        faster = results[spec.pages]["ours"].median < results[spec.pages]["bibtex"].median
        lines.append(
            f"| Target | faster than mkdocs-bibtex at {spec.pages} pages | {'PASS' if faster else 'FAIL'} |"
        )
    per_page = {s.pages: results[s.pages]["ours"].median / s.pages for s in specs}
    if 100 in per_page and 1000 in per_page:
        change = per_page[1000] / per_page[100] - 1
        lines.append(
            f"| Target | per-page cost flat within 20 % from 100 to 1,000 pages (measured {100 * change:+.1f} %) | {'PASS' if abs(change) <= 0.20 else 'FAIL'} |"
        )
    lines.append(
        f"| Target | `python -m alliance_site check` under one second on the real bibliography (median {check_seconds:.2f} s) | {'PASS' if check_seconds < 1 else 'FAIL'} |"
    )
    lines += [
        "",
        "## Profile of the bibliography step (cold, synthetic bibliography, one process)",
        "",
        "```text",
        profile.strip(),
        "```",
        "",
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
