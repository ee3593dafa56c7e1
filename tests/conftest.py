"""What the test modules share: the repository's paths, Sphinx's test roots, and hypothesis strategies.

Sphinx projects are built with Sphinx's own pytest fixtures (``app``, ``make_app``; the plugin is
loaded by the top-level ``conftest.py``): a test marks itself
``@pytest.mark.sphinx("html", testroot="trt-output", srcdir="...")`` and gets a copy of
``tests/roots/test-trt-output/`` (under its own ``srcdir`` name, so what a test writes there
stays its own). Only :mod:`tests.test_site` runs the real multi-language site builder, as a
subprocess per language like ``tox -e docs`` (Sphinx keeps one language per process).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict

import pytest

from trtdeconv_docs.attributes import PADDING_MODES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
RECORDINGS = ROOT / "recordings"
TENSORS = RECORDINGS / "tensors"
CONFORMANCE = RECORDINGS / "conformance"
DATA = Path(__file__).resolve().parent / "data"
ROOTS = Path(__file__).resolve().parent / "roots"


STARTED_FIRST = ("test_site.py", "test_reader.py", "test_translations.py", "test_examples_api_versions.py")
"""Test modules whose fixtures build the whole site, extract every message, or run every example:
collected first, so that under ``pytest -n`` their long setup overlaps the many short tests."""


def pytest_collection_modifyitems(items) -> None:
    """Put the tests of :data:`STARTED_FIRST` first, in that order (the rest keep theirs)."""
    rank = {name: index for index, name in enumerate(STARTED_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def environment_with_src(**variables: str) -> Dict[str, str]:
    """This process's environment, with the checkout's ``src/`` first on ``PYTHONPATH`` and ``variables`` set:
    for the subprocesses that tests start, which import the package without its being installed."""
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    return dict(os.environ, PYTHONPATH=path, **variables)


REQUIRE_CHROMIUM = "TRTDECONV_REQUIRE_CHROMIUM"
"""Set (``.ci/run`` sets it after installing Chromium): a browser test fails instead of skipping without Chromium."""


def chromium_or_skip(what: str) -> str:
    """The Chromium binary for a browser test; skips saying ``what`` needs it, or fails if :data:`REQUIRE_CHROMIUM` is set."""
    from trtdeconv_docs import headless

    binary = headless.chromium()
    if binary is None:
        message = f"no Chromium on this machine (apt-get install chromium) to {what}"
        if os.environ.get(REQUIRE_CHROMIUM):
            pytest.fail(f"{message}, and {REQUIRE_CHROMIUM} is set")
        pytest.skip(message)
    return binary


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole site, built once per test process as ``tox -e docs`` builds it (``tests/test_site.py`` and
    ``tests/test_reader.py`` read it); ``TRTDECONV_TEST_SITE=build/html`` reads a site built already instead."""
    from trtdeconv_docs import site

    given = os.environ.get("TRTDECONV_TEST_SITE")
    if given:
        return Path(given).resolve()
    out = tmp_path_factory.mktemp("site")
    assert site.build(out / "html", out / "doctrees", DOCS) == 0
    return out / "html"


@pytest.fixture
def built(built_site) -> Path:
    """The built site (see :func:`built_site`)."""
    return built_site


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where Sphinx's ``app`` fixture finds ``test-<testroot>`` folders."""
    return ROOTS


def layers(*, modes=PADDING_MODES, ranks=(2, 3), kernel=5, stride=4, dilation=3, spatial=6, padding=None,
           groups=None, per_group=3, batch=3):
    """A strategy for ``(resolve() keyword arguments, input shape)``: a valid layer whose output has no
    negative dimension, with every size drawn from 1 up to the given largest value.

    ``padding`` caps ``pre_padding`` and ``post_padding`` (else only the output's size does);
    ``groups`` is a strategy for ``num_groups`` (default 1 to 3); channels and output maps are
    ``num_groups`` times 1 to ``per_group``. hypothesis is imported here, when a test asks for
    the strategy, so that this conftest also loads where hypothesis is not installed (the GPU machine).
    """
    from hypothesis import strategies as st

    @st.composite
    def draw_layer(draw):
        rank = draw(st.sampled_from(ranks))
        kernel_size = tuple(draw(st.integers(1, kernel)) for _ in range(rank))
        strides = tuple(draw(st.integers(1, stride)) for _ in range(rank))
        dilations = tuple(draw(st.integers(1, dilation)) for _ in range(rank))
        sizes = tuple(draw(st.integers(1, spatial)) for _ in range(rank))
        mode = draw(st.sampled_from(modes))
        full = [(i - 1) * s + 1 + d * (k - 1) for i, s, k, d in zip(sizes, strides, kernel_size, dilations)]
        cap = (lambda limit: limit) if padding is None else (lambda limit: min(padding, limit))
        # the CAFFE modes crop pre_padding at both ends, the others pre_padding + post_padding
        pre = tuple(draw(st.integers(0, cap(f // 2 if mode.startswith("CAFFE") else f))) for f in full)
        post = tuple(draw(st.integers(0, cap(f - b))) for f, b in zip(full, pre))
        g = draw(st.integers(1, 3) if groups is None else groups)
        attributes = dict(num_output_maps=g * draw(st.integers(1, per_group)), kernel_size_nd=kernel_size,
                          stride_nd=strides, pre_padding=pre, post_padding=post, padding_mode=mode,
                          dilation_nd=dilations, num_groups=g)
        return attributes, (draw(st.integers(1, batch)), g * draw(st.integers(1, per_group))) + sizes

    return draw_layer()
