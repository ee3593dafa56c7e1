"""Every example card has a meaningful thumbnail: a picture drawn from the layer's geometry, or its own figure.

That the site build draws each of them as a picture is checked on the built site (:mod:`tests.test_site`)."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx_gallery.py_source_parser import split_code_and_text_blocks

from trtdeconv_docs.sphinx_ext import thumbnails

ROOT = Path(__file__).resolve().parents[1]
CONFIG = re.compile(r'^# sphinx_gallery_thumbnail_path = "_static/thumbnails/(\w+)\.png"$', re.MULTILINE)


def test_every_example_without_a_figure_names_a_drawn_thumbnail():
    for example in sorted((ROOT / "examples").glob("plot_*.py")):
        source = example.read_text(encoding="utf-8")
        if "pictures import" in source or "plt.show()" in source:  # their first figure is the thumbnail
            continue
        names = CONFIG.findall(source)
        assert len(names) == 1 and names[0] in thumbnails.PICTURES, example.name


def test_each_thumbnail_setting_is_code_that_the_page_does_not_show():
    """In a text block the comment would be printed as prose (sphinx-gallery removes config comments from code only)."""
    for example in sorted((ROOT / "examples").glob("plot_*.py")):
        blocks = split_code_and_text_blocks(str(example))[1]  # (file config, blocks[, node])
        for label, content, line in blocks:
            if label == "text":
                assert "sphinx_gallery_" not in content, f"{example.name}:{line}"
