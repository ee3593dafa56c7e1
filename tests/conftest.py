"""pytest's hooks for this suite: the order of collection, and where Sphinx's test roots are (shared helpers: ``tests/support/``).

Sphinx projects are built with Sphinx's own pytest fixtures (``app``, ``make_app``; the plugin is
loaded by the top-level ``conftest.py``): a test marks itself
``@pytest.mark.sphinx("html", testroot="trt-output", srcdir="...")`` and gets a copy of
``tests/roots/test-trt-output/`` (under its own ``srcdir`` name, so what a test writes there
stays its own). Only :mod:`tests.test_site` runs the real multi-language site builder, as a
subprocess per language like ``tox -e docs`` (Sphinx keeps one language per process).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .support.paths import ROOTS


STARTED_FIRST = ("test_site.py", "test_translations.py", "test_examples_api_versions.py")
"""Test modules whose fixtures build the whole site, extract every message, or run every example:
collected first, so that under ``pytest -n`` their long setup overlaps the many short tests."""


def pytest_collection_modifyitems(items) -> None:
    """Put the tests of :data:`STARTED_FIRST` first, in that order (the rest keep theirs)."""
    rank = {name: index for index, name in enumerate(STARTED_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where Sphinx's ``app`` fixture finds ``test-<testroot>`` folders."""
    return ROOTS
