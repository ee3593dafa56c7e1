"""Sphinx glue: recorded gallery output, recorded tensors in pages, generated tables, local MathJax."""

from . import formula_table, gallery, mapping_table, mathjax_local, trt_output


def setup(app):
    """Register every part of the extension."""
    for part in (gallery, trt_output, formula_table, mapping_table, mathjax_local):
        part.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
