"""Headless Chromium on the built site: the page as a reader's browser leaves it, and screenshots.

The site's search runs in the browser (Sphinx's ``searchtools.js`` over ``searchindex.js``),
so only a browser shows whether it works. :func:`rendered_dom` opens a page of the built
site from disk, lets its scripts run, and returns the resulting HTML; :func:`screenshot`
saves a PNG at a given width in the light or dark theme. Both need a Chromium binary
(:func:`chromium`, Debian's ``chromium`` package); ``tools/screenshots.py`` takes the
screenshots that the project looks at, ``tests/test_site.py`` runs the real search page.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import List, Optional
from urllib.parse import quote

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SCHEMES = ("light", "dark")
SCRIPT_TIME_MS = 10000
"""Virtual time the page's scripts get (the search loads its index and renders results well within it)."""


def chromium() -> Optional[str]:
    """The path of a Chromium (or Chrome) binary on this machine, or None."""
    return next(filter(None, (shutil.which(name) for name in BINARIES)), None)


def page_url(path: Path, query: str = "", anchor: str = "") -> str:
    """``file://`` URL of a built page with an optional search query (``?q=``) and anchor."""
    url = path.resolve().as_uri()
    if query:
        url += "?q=" + quote(query)
    return url + ("#" + anchor if anchor else "")


def _command(binary: str, scheme: str, width: int, height: int) -> List[str]:
    if scheme not in SCHEMES:
        raise ValueError(f"colour scheme {scheme!r}: use one of {', '.join(SCHEMES)}")
    # Blink's preferredColorScheme: 0 dark, 1 light (what prefers-color-scheme reports to the page)
    return [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--blink-settings=preferredColorScheme={0 if scheme == 'dark' else 1}",
            f"--window-size={width},{height}", f"--virtual-time-budget={SCRIPT_TIME_MS}"]


def rendered_dom(url: str, binary: Optional[str] = None, timeout: float = 120, language: str = "") -> str:
    """The page's HTML after its scripts ran (``chromium --dump-dom``); ``language``: the browser's (``zh-CN``)."""
    command = _command(binary or chromium(), "light", 1400, 900) + ["--dump-dom", url]
    if language:
        command[1:1] = [f"--lang={language}", f"--accept-lang={language}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True).stdout


def screenshot(url: str, target: Path, width: int, height: int, scheme: str = "light",
               binary: Optional[str] = None, timeout: float = 120) -> Path:
    """Save a PNG of the page at ``width`` x ``height`` CSS pixels in the ``scheme`` colour scheme."""
    target.parent.mkdir(parents=True, exist_ok=True)
    command = _command(binary or chromium(), scheme, width, height) + [f"--screenshot={target}", url]
    subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    if not target.is_file():
        raise RuntimeError(f"chromium wrote no screenshot for {url}")
    return target
