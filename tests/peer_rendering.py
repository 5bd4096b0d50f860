"""Render the site's bibliography and in-text citations with the reference implementations.

citeproc-js (through ``tests/peer_citeproc.js``) and Pandoc's citeproc get the same CSL style
and locale files the site uses and the site's own CSL-JSON export; their output is compared
with the site's after one normalisation (``normalise``). Run as a script to print the counts:

    .venv/bin/python -m tests.peer_rendering
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import citeproc
from bs4 import BeautifulSoup
from citation_engine.citation_syntax import Citation, find_citations
from citation_engine.csl_json import to_csl_json
from citation_engine.inline_citations import build_citation
from citation_engine.reference_styles import resolve_style
from citation_engine.site_bibliography import SiteBibliography, load_site_bibliography

from tests.conftest import SITE_SCAN

ROOT: Final = Path(__file__).resolve().parent.parent
STYLE: Final = resolve_style("apa")
LOCALE: Final = Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"
_LOCATOR_RE: Final = re.compile(r"^(?P<label>pp?\.|chap\.|para\.|sec\.)\s*(?P<value>.+)$")
_LABELS: Final = {
    "p.": "page",
    "pp.": "page",
    "chap.": "chapter",
    "para.": "paragraph",
    "sec.": "section",
}


@cache
def pandoc_path() -> str:
    """Pandoc's binary (pypandoc-binary's), found when an oracle first runs it.

    Looked up lazily, so that importing this module needs neither pypandoc nor Pandoc: the
    fast layer (``make test-fast``) imports it and runs without them.
    """
    import pypandoc  # type: ignore[import-untyped]

    path: str = pypandoc.get_pandoc_path()
    return path


def __getattr__(name: str) -> str:
    """``PANDOC``: the path of Pandoc's binary, looked up on first use (``pandoc_path``)."""
    if name == "PANDOC":
        return pandoc_path()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def normalise(text: str) -> str:
    """The one normalisation: entities decoded, any run of white space one plain space."""
    return " ".join(html.unescape(text).replace("\u00a0", " ").split())


@dataclass(frozen=True)
class CitedAt:
    """One citation in the docs, where it is, and how the site prints it."""

    where: str
    citation: Citation
    site: str


@dataclass(frozen=True)
class Rendering:
    """What one implementation made of the bibliography and of every citation."""

    bibliography: list[tuple[str, str]]  # (key, text) in list order
    citations: list[str]


def site_citations(site: SiteBibliography, docs: Path) -> list[CitedAt]:
    """Every citation on every page, rendered by the site's own code."""
    found = []
    for page in sorted(docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        # The pages hold no citation in code or raw HTML, so a scan of the text finds the
        # same citations as the build (tests/engine/test_citation_index_agreement.py holds that).
        for citation in find_citations(text):
            span = build_citation(citation, site)
            line = text.count("\n", 0, citation.start) + 1
            where = f"{page.relative_to(docs.parent).as_posix()}:{line}"
            found.append(CitedAt(where, citation, normalise("".join(span.itertext()))))
    return found


def load_site(bib: Path, docs: Path, cache_dir: Path) -> SiteBibliography:
    """The site's bibliography, formatted into a cache folder of the caller's."""
    return load_site_bibliography(bib, docs, "apa", cache_dir=cache_dir, scan=SITE_SCAN)


def csl_items(site: SiteBibliography) -> list[dict[str, Any]]:
    """The CSL-JSON export of every entry (what readers download)."""
    return [to_csl_json(reference) for reference in site.references.values()]


def _peer_item(work: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"id": work.key}
    if work.prefix:
        item["prefix"] = f"{work.prefix} "
    if work.suppress_author:
        item["suppress-author"] = True
    if work.locator:
        match = _LOCATOR_RE.match(work.locator)
        if match:
            item["label"] = _LABELS[match["label"]]
            item["locator"] = match["value"]
        else:
            item["suffix"] = f", {work.locator}"
    return item


def render_citeproc_js(items: list[dict[str, Any]], cited: list[CitedAt]) -> Rendering:
    """citeproc-js: narrative citations as an author-only and a suppress-author cluster."""
    clusters: list[list[dict[str, Any]]] = []
    for cite in cited:
        works = [_peer_item(work) for work in cite.citation.works]
        if cite.citation.narrative:
            clusters += [
                [{**works[0], "author-only": True}],
                [{**works[0], "suppress-author": True}],
            ]
        else:
            clusters.append(works)
    job = {"style": str(STYLE), "locale": str(LOCALE), "items": items, "clusters": clusters}
    out = json.loads(run_node(job))
    texts = iter(normalise(text) for text in out["clusters"])
    citations = [
        f"{next(texts)} {next(texts)}" if cite.citation.narrative else next(texts) for cite in cited
    ]
    bibliography = [(entry["id"], normalise(entry["text"])) for entry in out["bibliography"]]
    return Rendering(bibliography, citations)


def citeproc_js_items(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The items as citeproc-js read them from the CSL-JSON."""
    job = {"style": str(STYLE), "locale": str(LOCALE), "items": items, "clusters": []}
    read: dict[str, dict[str, Any]] = json.loads(run_node(job))["items"]
    return read


def run_node_batch(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """citeproc-js's answers to many jobs from one Node.js process (each on its own engines)."""
    answers: list[dict[str, Any]] = json.loads(run_node({"jobs": jobs}))["answers"]
    return answers


def run_node(job: dict[str, Any]) -> str:
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "peer_citeproc.js")],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout


def _pandoc_source(citation: Citation) -> str:
    if citation.narrative:
        return f"@{citation.works[0].key}"
    parts = []
    for work in citation.works:
        prefix = f"{work.prefix} " if work.prefix else ""
        dash = "-" if work.suppress_author else ""
        locator = f", {work.locator}" if work.locator else ""
        parts.append(f"{prefix}{dash}@{work.key}{locator}")
    return f"[{'; '.join(parts)}]"


def render_pandoc(items: list[dict[str, Any]], cited: list[CitedAt]) -> Rendering:
    """Pandoc's citeproc: one document holding every citation, one paragraph each."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "references.json"
        data.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        source = "\n\n".join(_pandoc_source(cite.citation) for cite in cited) + "\n"
        output = run_pandoc(source, data, "markdown", "html")
    soup = BeautifulSoup(output, "html.parser")
    citations = [normalise(p.get_text()) for p in soup.find_all("p", recursive=False)]
    bibliography = [
        (str(div["id"]).removeprefix("ref-"), normalise(div.get_text()))
        for div in soup.select("div.csl-entry")
    ]
    return Rendering(bibliography, citations)


def run_pandoc(source: str, bibliography: Path, reader: str, writer: str) -> str:
    """Run Pandoc's citeproc with the site's style and locale."""
    result = subprocess.run(
        [
            pandoc_path(),
            "-f",
            reader,
            "-t",
            writer,
            "--citeproc",
            "--csl",
            str(STYLE),
            "--bibliography",
            str(bibliography),
            "--wrap=none",
            "-M",
            "lang=en-US",
        ],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def site_rendering(site: SiteBibliography, cited: list[CitedAt]) -> Rendering:
    """The site's own bibliography and citations, for the same comparison."""
    bibliography = [(entry.key, normalise(entry.text)) for entry in site.styled.entries]
    return Rendering(bibliography, [cite.site for cite in cited])


def narrative_as_site_writes_it(cited: list[CitedAt], peer: Rendering) -> Rendering:
    """Apply the one deliberate difference: "and" in running text (APA 7 §8.17).

    CSL has no narrative form, so neither peer can print it.
    """
    citations = [
        text.replace(" & ", " and ") if cite.citation.narrative else text
        for cite, text in zip(cited, peer.citations, strict=True)
    ]
    return Rendering(peer.bibliography, citations)


def counts(site: Rendering, peer: Rendering) -> dict[str, int]:
    """How many entries, in place and in text, and how many citations are identical."""
    peer_text = dict(peer.bibliography)
    return {
        "entries": len(site.bibliography),
        "entries identical": sum(text == peer_text.get(key) for key, text in site.bibliography),
        "entries in the same place": sum(
            a[0] == b[0] for a, b in zip(site.bibliography, peer.bibliography, strict=False)
        ),
        "citations": len(site.citations),
        "citations identical": sum(
            a == b for a, b in zip(site.citations, peer.citations, strict=True)
        ),
    }


def main() -> int:
    """Print the agreement of the site with each peer, and every difference."""
    lines = []
    docs = ROOT / "docs"
    with tempfile.TemporaryDirectory() as cache:
        site = load_site(ROOT / "bib" / "references.bib", docs, Path(cache))
        cited = site_citations(site, docs)
        ours = site_rendering(site, cited)
        items = csl_items(site)
        for name, peer in (
            ("citeproc-js", render_citeproc_js(items, cited)),
            ("pandoc", render_pandoc(items, cited)),
        ):
            adjusted = narrative_as_site_writes_it(cited, peer)
            lines.append(f"{name} {counts(ours, adjusted)}")
            for cite, a, b in zip(cited, ours.citations, adjusted.citations, strict=True):
                if a != b:
                    lines.append(f"  {cite.where}: site {a!r} / {name} {b!r}")
            for (key, _), (other, _) in zip(ours.bibliography, peer.bibliography, strict=True):
                if key != other:
                    lines.append(f"  list order: site {key} / {name} {other}")
            peer_text = dict(peer.bibliography)
            for key, text in ours.bibliography:
                if text != peer_text.get(key):
                    lines.append(f"  {key}: site {text!r} / {name} {peer_text.get(key)!r}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
