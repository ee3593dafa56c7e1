"""Sphinx glue: recorded gallery output, recorded tensors in pages, generated tables, local MathJax, languages.

``extensions = ["trtdeconv_docs.sphinx_ext"]`` registers every part below; each part's own
``setup(app)`` also works alone (``extensions = ["trtdeconv_docs.sphinx_ext.trt_output"]``),
as the tests' small Sphinx projects use them. Each part that translates registers the
message catalog (:mod:`.messages`) itself.
"""

from . import (api_citation, benchmark, formula_table, gallery, language_switch, mapping_table, mathjax_local,
               trt_messages, trt_output)


def setup(app):
    """Register every part of the extension."""
    for part in (gallery, trt_output, trt_messages, formula_table, mapping_table, api_citation, mathjax_local,
                 language_switch, benchmark):
        part.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
