"""Citation previews of hostile BibTeX entries run, navigate and restyle nothing.

The site is served by a plain server that sends no security policy (as GitHub Pages,
`make serve` or any intranet server would), so only the previews' own construction stands
between a BibTeX field and the reader. Both engines' builds are tried.
"""

from __future__ import annotations

import shutil
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.conftest import Server, Tabs, _QuietHandler
from tests.conftest import FIXTURES, ROOT, run_engine

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PROJECT = FIXTURES / "projects" / "hostile_previews"
# Each key, and the literal text its preview must show.
HOSTILE = {
    "script2020title": '<script>window.__pwned = "script"</script>',
    "handler2020title": "<img src=x onerror=\"window.__pwned = 'onerror'\">",
    "refresh2020title": '<meta http-equiv="refresh" content="0;url=about:blank">',
    # Sentence case capitalises the first word after a colon, as Pandoc prints this title too.
    "style2020title": "<style>body { background: Rgb(255, 0, 0) !important; }</style>",
    "link2020title": '<a href="javascript:window.__pwned = \'link\'" id="hostile-link">',
}


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def hostile_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    engine: str = request.param
    work = tmp_path_factory.mktemp(f"hostile-{engine}")
    project = work / "project"
    shutil.copytree(PROJECT, project)
    for folder in ("javascripts", "stylesheets"):
        shutil.copytree(ROOT / "docs" / "assets" / folder, project / "docs" / "assets" / folder)
    site: Path = work / "site"
    result = run_engine(engine, site, cwd=project)
    assert result.returncode == 0, f"{engine} build failed:\n{result.stdout}\n{result.stderr}"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield Server(f"http://127.0.0.1:{httpd.server_address[1]}/", engine)
    httpd.shutdown()
    httpd.server_close()


def _straight_quotes(text: str) -> str:
    return text.translate(str.maketrans("“”‘’", "\"\"''"))


def _assert_nothing_happened(page: Page, url: str, dialogs: list[str]) -> None:
    page.wait_for_timeout(300)  # a refresh of 0 s or a loaded image acts well within this
    assert page.url == url
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 0, 0)"
    assert page.locator("#hostile-link").count() == 0


@pytest.mark.parametrize(("key", "shown"), list(HOSTILE.items()), ids=list(HOSTILE))
@pytest.mark.parametrize("how", ["hover", "focus"])
def test_a_hostile_entry_previews_as_text(
    tabs: Tabs, hostile_server: Server, key: str, shown: str, how: str
) -> None:
    # One tab per build: each visit is a new document, and what a payload could change
    # (the page, its script's globals, its address) is checked before the next test.
    tab = tabs.open(hostile_server)
    page = tab.page
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    try:
        tab.visit(hostile_server.base_url)
        url = page.url
        link = page.locator(f'a.citation__link[href="#ref-{key}"]')
        link.hover() if how == "hover" else link.focus()
        preview = page.locator("#citation-preview[role=tooltip]")
        expect(preview).to_be_visible()
        # APA output sets typographic quotation marks; the markup must still arrive as text.
        assert shown in _straight_quotes(preview.inner_text())
        assert preview.evaluate("element => element.children.length") == 0
        assert link.get_attribute("aria-describedby") == "citation-preview"
        _assert_nothing_happened(page, url, dialogs)
        page.keyboard.press("Escape")
        expect(preview).to_be_hidden()
    finally:
        page.remove_listener("dialog", refuse)
    assert tab.log.blocked == []
    assert tab.log.console_errors == []
