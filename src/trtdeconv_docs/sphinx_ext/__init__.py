"""Sphinx glue: recorded gallery output, recorded tensors in pages, generated tables, local MathJax, languages.

``extensions = ["trtdeconv_docs.sphinx_ext"]`` registers every part below; each part's own
``setup(app)`` also works alone (``extensions = ["trtdeconv_docs.sphinx_ext.trt_output"]``),
as the tests' small Sphinx projects use them. Each part that translates registers the
message catalog (:mod:`.messages`) itself.
"""

from . import formula_table, gallery, language_switch, mapping_table, mathjax_local, trt_output


def setup(app):
    """Register every part of the extension."""
    gallery.setup(app)
    trt_output.setup(app)
    formula_table.setup(app)
    mapping_table.setup(app)
    mathjax_local.setup(app)
    language_switch.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
