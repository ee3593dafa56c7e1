"""Sphinx glue: replayed gallery, recorded tensors in pages, generated tables, local MathJax, languages,
search, hosting, the original's attribution, and the check that no translation is missing.

``extensions = ["trtdeconv_docs.sphinx_ext"]`` registers every part below; each part's own
``setup(app)`` also works alone (``extensions = ["trtdeconv_docs.sphinx_ext.trt_output"]``),
as the tests' small Sphinx projects use them. Each part that translates registers the
message catalog (:mod:`.messages`) itself.
"""

from . import (api_citation, benchmark, formula_table, gallery, hosting, language_switch, mapping_table,
               mathjax_local, onnx_cases, original, scripts, search_chinese, theme_catalog, thumbnails,
               translation_gate, trt_messages, trt_output)


def setup(app):
    """Register every part of the extension."""
    for part in (thumbnails, gallery, trt_output, trt_messages, formula_table, mapping_table, api_citation,
                 mathjax_local, language_switch, benchmark, hosting, search_chinese, theme_catalog, original,
                 translation_gate, scripts, onnx_cases):
        part.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
