"""pytest's hooks and shared fixtures of this suite: the order of collection, where Sphinx's test roots are, the built site (shared helpers: ``tests/support/``).

Sphinx projects are built with Sphinx's own pytest fixtures (``app``, ``make_app``; the plugin is
loaded by the top-level ``conftest.py``): a test marks itself
``@pytest.mark.sphinx("html", testroot="trt-output", srcdir="...")`` and gets a copy of
``tests/roots/test-trt-output/`` (under its own ``srcdir`` name, so what a test writes there
stays its own). Only the ``built`` fixture runs the real multi-language site builder, once per test
run (the xdist workers share it: :func:`tests.support.shared.once`), as a subprocess per language like
``tox -e docs`` (Sphinx keeps one language per process).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .support.paths import DOCS, ROOTS
from .support.shared import once


STARTED_FIRST = ("test_site.py", "test_reader.py", "test_translations.py", "test_examples_api_versions.py")
"""Test modules whose fixtures build the whole site, extract every message, or run every example:
collected first, so that under ``pytest -n`` their long setup overlaps the many short tests."""


def pytest_configure(config) -> None:
    """Refuse the API-check mode (it matches runs by label alone): the tests replay, or run TensorRT live."""
    from trtdeconv_docs.cassette.mode import refuse_api_check

    try:
        refuse_api_check("the test suite")
    except SystemExit as refusal:
        pytest.exit(str(refusal), returncode=2)


def pytest_collection_modifyitems(items) -> None:
    """Put the tests of :data:`STARTED_FIRST` first, in that order (the rest keep theirs)."""
    rank = {name: index for index, name in enumerate(STARTED_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The whole site, built once per test run as ``tox -e docs`` builds it (the site's and the reader's tests
    read it; the xdist workers share one build); ``TRTDECONV_TEST_SITE=build/html`` reads a site built already instead."""
    from trtdeconv_docs import site

    given = os.environ.get("TRTDECONV_TEST_SITE")
    if given:
        return Path(given).resolve()

    def build(out: Path) -> str:
        assert site.build(out / "html", out / "doctrees", DOCS) == 0
        return str(out / "html")

    return Path(once(tmp_path_factory, "site", build))


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where Sphinx's ``app`` fixture finds ``test-<testroot>`` folders."""
    return ROOTS
