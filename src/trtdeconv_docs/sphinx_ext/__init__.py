"""Sphinx glue: replayed gallery, recorded tensors in pages, claims checked against recordings, generated tables,
local MathJax, languages, search, hosting, the original's attribution, the check that no translation is missing and
that every number the reader sees has a source.

``extensions = ["trtdeconv_docs.sphinx_ext"]`` registers every part below; each part's own
``setup(app)`` also works alone (``extensions = ["trtdeconv_docs.sphinx_ext.recorded"]``),
as the tests' small Sphinx projects use them. Each part that translates registers the
message catalog (:mod:`.messages`) itself.
"""

from . import (api_citation, benchmark, calculator, chinese_lines, claims, digests, gallery, hosting, language_switch, mathjax_local,
               onnx_cases, optional_doc, original, recorded, rendered_literals, repository, reproduced, scripts, search_chinese,
               tables, thumbnails, translation_gate)


def setup(app):
    """Register every part of the extension."""
    for part in (digests, thumbnails, gallery, recorded, tables, calculator, api_citation, mathjax_local, optional_doc,
                 language_switch, repository, benchmark, hosting, search_chinese, original, translation_gate, scripts,
                 claims, rendered_literals, onnx_cases, chinese_lines, reproduced):
        app.setup_extension(part.__name__)  # once each, whoever asks first
    return {"parallel_read_safe": True, "parallel_write_safe": True}
