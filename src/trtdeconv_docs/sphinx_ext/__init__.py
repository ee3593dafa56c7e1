"""Sphinx glue: recorded gallery output, recorded tensors in pages, generated tables, local MathJax, languages."""

import importlib

PARTS = ("gallery", "trt_output", "trt_messages", "formula_table", "mapping_table", "api_citation", "mathjax_local",
         "language_switch", "benchmark")


def setup(app):
    """Register every part of the extension (each part that translates registers the message catalog)."""
    for part in PARTS:
        importlib.import_module(f"{__name__}.{part}").setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
