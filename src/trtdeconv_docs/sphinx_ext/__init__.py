"""Sphinx glue: recorded gallery output, recorded tensors in pages, generated tables, local MathJax, languages,
search, hosting, the original's attribution, and the check that no translation is missing."""

import importlib

PARTS = ("thumbnails", "gallery", "trt_output", "formula_table", "mapping_table", "mathjax_local", "language_switch",
         "hosting", "search_chinese", "original", "translation_gate", "scripts")


def setup(app):
    """Register every part of the extension (each part that translates registers the message catalog)."""
    for part in PARTS:
        importlib.import_module(f"{__name__}.{part}").setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
