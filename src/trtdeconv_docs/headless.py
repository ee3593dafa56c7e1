"""Headless Chromium on the built site, driven as a reader's browser: pages, clicks, values, screenshots.

The site's search runs in the browser (Sphinx's ``searchtools.js`` over ``searchindex.js``), the
calculator computes in the page, and the layout depends on the window: only a browser shows whether
they work. :class:`Browser` starts one Chromium (Debian's ``chromium`` package; :func:`chromium`
finds it) and speaks the Chrome DevTools Protocol to it over a pipe (``--remote-debugging-pipe``:
JSON messages ending in a NUL byte on file descriptors 3 and 4), with the standard library alone::

    with Browser() as browser:
        browser.open(url, width=400, scheme="dark")
        browser.evaluate("document.documentElement.scrollWidth")
        browser.screenshot(Path("page.png"))

Network access is cut off (``Network.emulateNetworkConditions`` offline) unless asked for: the
site must work from disk. Pages may read other files of the site (``--allow-file-access-from-files``),
as the search page reads the pages it quotes: what a reader's browser does on the hosted site.
``tools/screenshots.py`` takes the screenshots the project looks at; ``tests/test_site.py``,
``tests/test_reader.py`` and ``tests/test_calculator.py`` check the site with it.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import quote

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SCHEMES = ("light", "dark")
SEARCH_FINISHED = "(document.querySelector('#search-results p.search-summary') || {}).innerText"
"""A condition for :meth:`Browser.open`'s ``settle``: true once Sphinx's search page has said how many pages it found."""


def chromium() -> Optional[str]:
    """The path of a Chromium (or Chrome) binary on this machine, or None."""
    return next(filter(None, (shutil.which(name) for name in BINARIES)), None)


def page_url(path: Path, query: str = "", anchor: str = "") -> str:
    """``file://`` URL of a built page with an optional search query (``?q=``) and anchor."""
    url = path.resolve().as_uri()
    if query:
        url += "?q=" + quote(query)
    return url + ("#" + anchor if anchor else "")


class BrowserError(RuntimeError):
    """Chromium failed to start, a command failed, or a page did not load in time."""


class Browser:
    """One headless Chromium with one tab, driven over the DevTools protocol.

    ``language``: the reader's preferred language (``zh-CN``), as ``navigator.languages`` reports it.
    """

    def __init__(self, binary: Optional[str] = None, timeout: float = 60, offline: bool = True, language: str = ""):
        self.binary = binary or chromium()
        if self.binary is None:
            raise BrowserError("no Chromium on this machine (apt-get install chromium)")
        self.timeout = timeout
        self.offline = offline
        self.language = language
        self._next_id = 0
        self._events: list = []
        self._buffer = b""
        self.session = ""

    def __enter__(self) -> "Browser":
        to_browser_read, to_browser_write = os.pipe()
        from_browser_read, from_browser_write = os.pipe()

        def wire_fds():  # in the child: the protocol's file descriptors 3 (commands) and 4 (answers)
            commands, answers = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser_read, from_browser_write))
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        languages = [f"--lang={self.language}", f"--accept-lang={self.language}"] if self.language else []
        self.process = subprocess.Popen(
            [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *languages,
             "--remote-debugging-pipe", "--allow-file-access-from-files", "--no-first-run", "--disable-extensions",
             "--mute-audio", "about:blank"],
            preexec_fn=wire_fds, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._write = os.fdopen(to_browser_write, "wb", buffering=0)
        self._read = from_browser_read
        target = self.command("Target.createTarget", url="about:blank", session=False)["targetId"]
        self.session = self.command("Target.attachToTarget", targetId=target, flatten=True, session=False)["sessionId"]
        self.command("Page.enable")
        self.command("Runtime.enable")
        self.command("Network.enable")
        if self.offline:
            self.command("Network.emulateNetworkConditions", offline=True, latency=0,
                         downloadThroughput=-1, uploadThroughput=-1)
        return self

    def __exit__(self, *_exc) -> None:
        try:
            self.command("Browser.close", session=False)
        except (BrowserError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._write.close()
        os.close(self._read)

    def _message(self, deadline: float) -> Dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def command(self, method: str, session: bool = True, **params) -> Dict[str, Any]:
        """Send one DevTools command and return its result; a protocol error raises :class:`BrowserError`."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self._write.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            self._events.append(answer)

    def _wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            for index, message in enumerate(self._events):
                if message.get("method") == event:
                    del self._events[:index + 1]
                    return
            self._events.append(self._message(deadline))

    def open(self, url: str, width: int = 1400, height: int = 900, scheme: str = "light", settle: str = "") -> None:
        """Load ``url`` in a window ``width`` x ``height`` CSS pixels wide, in the light or dark scheme.

        ``settle``: a JavaScript condition to wait for after the load (e.g. search results shown).
        """
        self.resize(width, height)
        self.scheme(scheme)
        self._events.clear()
        self.command("Page.navigate", url=url)
        self._wait_for("Page.loadEventFired")
        if settle:
            self.wait_until(settle)

    def click(self, selector: str, settle: str = "") -> str:
        """Click the first element matching ``selector`` as a reader would, wait for the page it opens; its URL."""
        return self.navigate_by(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                                f"if (!e) return false; e.click(); return true; }})()", selector, settle)

    def submit(self, selector: str, settle: str = "") -> str:
        """Submit the form matching ``selector`` (the reader pressing Enter), wait for the page it opens; its URL."""
        return self.navigate_by(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                                f"if (!e) return false; e.requestSubmit(); return true; }})()", selector, settle)

    def navigate_by(self, action: str, what: str, settle: str = "") -> str:
        """Run ``action`` (JavaScript that returns whether it found its element and navigates), wait for the load."""
        self._events.clear()
        if not self.evaluate(action):
            raise BrowserError(f"not found: {what} on {self.evaluate('location.href')}")
        self._wait_for("Page.loadEventFired")
        if settle:
            self.wait_until(settle)
        return self.evaluate("location.href")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited; JSON-serialisable values)."""
        result = self.command("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"{expression[:80]}: {details.get('exception', {}).get('description', details)}")
        return result["result"].get("value")

    def wait_until(self, condition: str, timeout: Optional[float] = None) -> None:
        """Poll a JavaScript condition until it is true; :class:`BrowserError` after ``timeout`` seconds."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.evaluate(f"Boolean({condition})"):
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {condition}")
            time.sleep(0.05)

    def resize(self, width: int, height: int = 900) -> None:
        """Change the window size without reloading (media queries and layout follow)."""
        self.command("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                     mobile=False)

    def scheme(self, scheme: str) -> None:
        """Switch to the light or dark colour scheme without reloading (``prefers-color-scheme`` media queries follow)."""
        if scheme not in SCHEMES:
            raise ValueError(f"colour scheme {scheme!r}: use one of {', '.join(SCHEMES)}")
        self.command("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}])

    def screenshot(self, target: Path) -> Path:
        """Save a PNG of the window as it shows the page now."""
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(self.command("Page.captureScreenshot", format="png")["data"]))
        return target
