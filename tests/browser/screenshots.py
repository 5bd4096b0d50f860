"""Write screenshots of key pages (light and dark, desktop and mobile): ``make screenshots``.

Builds the site into a temporary folder, serves it on 127.0.0.1 and drives Debian's
chromium, so what the images show is what a reader sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

PAGES = {
    "home": "",
    "findings": "mindfulness/mindfulness-razzaque-study/",
    "bibliography": "references/",
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "mobile": {"width": 375, "height": 740}}
SCHEMES = ("light", "dark")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def main(out_dir: Path = Path("screenshots")) -> int:
    """Build, serve and photograph; return 0 when every screenshot was written."""
    out_dir.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
        subprocess.run(build, check=True, env=env, capture_output=True)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for (name, path), (device, viewport), scheme in (
                (p, v, s) for p in PAGES.items() for v in VIEWPORTS.items() for s in SCHEMES
            ):
                context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
                page = context.new_page()
                page.goto(base + path, wait_until="networkidle")
                target = out_dir / f"{name}-{device}-{scheme}.png"
                page.screenshot(path=str(target))
                context.close()
            browser.close()
        httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
