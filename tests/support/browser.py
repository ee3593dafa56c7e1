"""Headless Chromium for the browser tests: one that runs, or a skip that says why (a failure where CI requires it)."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

import pytest

from trtdeconv_docs import headless

REQUIRE_CHROMIUM = "TRTDECONV_REQUIRE_CHROMIUM"
"""Set (``.ci/run`` sets it after installing Chromium): a browser test fails instead of skipping without Chromium."""


def chromium_or_skip(what: str) -> str:
    """The Chromium binary for a browser test; skips saying ``what`` needs it, or fails if :data:`REQUIRE_CHROMIUM` is set."""
    binary = headless.chromium()
    if binary is None:
        message = f"no Chromium on this machine (apt-get install chromium) to {what}"
        if os.environ.get(REQUIRE_CHROMIUM):
            pytest.fail(f"{message}, and {REQUIRE_CHROMIUM} is set")
        pytest.skip(message)
    return binary


@contextlib.contextmanager
def browser_or_skip(what: str, language: str = "") -> Iterator[headless.Browser]:
    """A :class:`~trtdeconv_docs.headless.Browser` with the network off (the site must work from disk), or a skip."""
    with headless.Browser(chromium_or_skip(what), offline=True, language=language) as browser:
        yield browser
