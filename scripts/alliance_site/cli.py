"""Command-line entry points: ``python -m alliance_site <command>``.

Each command returns an exit status instead of raising, so it works the same from make, a
pre-commit hook or a test: 0 when all is well, 1 when a check failed, 2 for bad usage.

``check`` tells errors from warnings. An error is what stops a build: a file or an entry
that cannot be read, a cited key the file defines twice differently, a citation of a key the
file lacks. A warning is what renders (as Pandoc renders it) but deserves a look: an
incomplete record, an unknown type, a repeated identical entry, a DOI written as a link, and
the site's house style. Its exit status: 0 with no errors (warnings are printed), 1 with any
error, or with any warning under ``--strict``; 2 for bad usage; 3 if the check itself failed
(a bug, reported in one line, never a traceback).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from citation_engine.errors import BibliographyError
from citation_engine.site_bibliography import check_site, forget_site, load_site_bibliography

from alliance_site.site_pages import site_scanner

if TYPE_CHECKING:
    from collections.abc import Sequence

    from citation_engine.site_bibliography import SiteBibliography

DEFAULT_BIB = Path("bib/references.bib")
DEFAULT_DOCS = Path("docs")


RELEASE_COMMANDS = ("build", "dist", "serve")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and run one command."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] and arguments[0] in RELEASE_COMMANDS:
        from alliance_site.release import main as release_main

        return release_main(arguments)
    parser = _parser()
    args = parser.parse_args(argv)
    # Every command starts from a forgotten session: in one process (a test, a hook), a page
    # edited in place since the last command keeps its folder's time, which the memo keys on.
    forget_site()
    status: int = args.run(args)
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m alliance_site", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="command")
    # Handled by alliance_site.release (listed here for --help): see its own --help.
    commands.add_parser("build", help="build the site from a snapshot, under the build lock")
    commands.add_parser("dist", help="build and pack a checked, reproducible release zip")
    commands.add_parser("serve", help="mkdocs serve, rewriting the downloads when the bib changes")

    check = commands.add_parser(
        "check",
        help="validate the bibliography and every citation, and lint the house style",
        description=__doc__.split("\n\n")[2],
    )
    _bibliography_options(check)
    check.add_argument(
        "--strict", action="store_true", help="fail on warnings too (house style included)"
    )
    check.set_defaults(run=_check)

    export = commands.add_parser("export", help="write BibTeX, RIS and CSL-JSON downloads")
    _bibliography_options(export)
    export.add_argument("--out", type=Path, default=DEFAULT_DOCS / "downloads")
    export.set_defaults(run=_export)

    figures = commands.add_parser("figures", help="draw the SVG figures from data/")
    figures.add_argument("--data", type=Path, default=Path("data/relationship-effects.csv"))
    figures.add_argument("--out", type=Path, default=DEFAULT_DOCS / "assets/figures")
    figures.set_defaults(run=_figures)

    links = commands.add_parser("check-links", help="check a built site's links offline")
    links.add_argument("site", type=Path)
    links.add_argument("--bib", type=Path, default=None, help="also check every DOI is linked")
    links.add_argument("--base-path", default="/", help="sub-path the site was built for")
    links.add_argument(
        "--config-file",
        type=Path,
        default=Path("mkdocs.yml"),
        help="configuration whose citation_engine options name the bibliography page",
    )
    links.set_defaults(run=_check_links)

    csp = commands.add_parser("csp", help="print the Content-Security-Policy built sites need")
    csp.add_argument("sites", type=Path, nargs="+")
    csp.set_defaults(run=_csp)

    external = commands.add_parser("check-external", help="check external links (network)")
    external.add_argument("--bib", type=Path, default=DEFAULT_BIB)
    external.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    external.add_argument(
        "--cache", type=Path, default=Path(".linkcheck-cache/external-links.json")
    )
    external.add_argument("--report", type=Path, default=Path("external-links-report.md"))
    external.set_defaults(run=_check_external)

    from alliance_site.cites_command import add_parser as add_cites

    add_cites(commands)
    overdue = commands.add_parser("overdue", help="list the pages whose review is overdue")
    overdue.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    overdue.add_argument("--today", default="", help="ISO date to treat as today")
    overdue.set_defaults(run=_overdue)
    return parser


def _bibliography_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bib", type=Path, default=DEFAULT_BIB)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--style", default="apa")


def _check(args: argparse.Namespace) -> int:
    try:
        return _run_check(args)
    except Exception as error:  # noqa: BLE001 - the lint never ends in a traceback
        print(
            f"{args.bib}: the check itself failed ({type(error).__name__}: {error}); "
            "this is a bug in the site's tooling, please report it with the file",
            file=sys.stderr,
        )
        return 3


def _run_check(args: argparse.Namespace) -> int:
    from alliance_site.house_style import house_style_problems

    started = time.perf_counter()
    problems = check_site(args.bib, args.docs, args.style, scan=site_scanner())
    site: SiteBibliography | None = None
    try:
        site = load_site_bibliography(args.bib, args.docs, args.style, scan=site_scanner())
    except BibliographyError:
        pass  # its problems are in the list already; house style needs a loaded file
    else:
        house = house_style_problems(site.references, site.index.cited_keys())
        problems += [dataclasses.replace(problem, warning=True) for problem in house]
    elapsed = time.perf_counter() - started
    errors = sum(1 for problem in problems if not problem.warning)
    warnings = len(problems) - errors
    for problem in sorted(problems, key=lambda problem: (problem.warning, problem)):
        print(problem, file=sys.stderr)
    if site is None or errors or (args.strict and warnings):
        print(
            f"{errors} error(s) and {warnings} warning(s) found in {elapsed:.2f} s",
            file=sys.stderr,
        )
        return 1
    cited = len(site.index.cited_keys())
    citations = sum(1 for _ in site.index.places())
    state = f"{warnings} warning(s), no errors" if warnings else "all valid"
    print(
        f"{args.bib}: {len(site.references)} entries, {state}; "
        f"{citations} citations of {cited} keys on {len(site.index.pages)} pages; "
        f"checked in {elapsed:.2f} s"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from alliance_site.site_downloads import write_site_downloads

    try:
        written = write_site_downloads(args.bib, args.docs, args.out, style=args.style, root=Path())
    except BibliographyError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:  # a read-only folder, a file where the folder should be, a full disk
        print(f"{args.out}: the downloads could not be written: {_reason(error)}", file=sys.stderr)
        return 1
    print(f"{len(written)} files written to {args.out}")
    return 0


def _reason(error: OSError) -> str:
    """The system's reason and the file it names, without the exception's repr."""
    where = f" ({error.filename})" if error.filename else ""
    return f"{error.strerror or error}{where}"


def _figures(args: argparse.Namespace) -> int:
    from alliance_site.figures import write_figures

    try:
        written = write_figures(args.data, args.out)
    except ValueError as error:  # a malformed data row: report it with its file and line
        print(error, file=sys.stderr)
        return 1
    print(f"{len(written)} figure(s) written to {args.out}")
    return 0


def _check_links(args: argparse.Namespace) -> int:
    from citation_engine.markdown_extension import OPTIONS

    from alliance_site.link_checking import check_built_site
    from alliance_site.page_dates import extension_options

    config = args.config_file
    options = extension_options(config, "citation_engine") if config.is_file() else {}
    page = str(options.get("bibliography_page") or OPTIONS["bibliography_page"][0])
    problems = check_built_site(args.site, args.bib, args.base_path, page)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} link problem(s) in {args.site}", file=sys.stderr)
        return 1
    print(f"{args.site}: all internal links, anchors and external link forms are valid")
    return 0


def _csp(args: argparse.Namespace) -> int:
    from alliance_site.csp import content_security_policy

    print(content_security_policy(*args.sites))
    return 0


def _overdue(args: argparse.Namespace) -> int:
    from alliance_site.page_dates import run_overdue

    status, lines = run_overdue(args.config, args.today)
    print("\n".join(lines))
    return status


def _check_external(args: argparse.Namespace) -> int:
    from alliance_site.external_links import run_external_check

    status: int = run_external_check(args.bib, args.docs, args.cache, args.report)
    return status
