"""Sphinx glue: replayed gallery, recorded tensors in pages, generated tables, local MathJax, languages,
search, hosting, the original's attribution, and the check that no translation is missing.

``extensions = ["trtdeconv_docs.sphinx_ext"]`` registers every part below; each part's own
``setup(app)`` also works alone (``extensions = ["trtdeconv_docs.sphinx_ext.recorded"]``),
as the tests' small Sphinx projects use them. Each part that translates registers the
message catalog (:mod:`.messages`) itself.
"""

from . import (api_citation, benchmark, digests, gallery, hosting, language_switch, mathjax_local, original,
               recorded, scripts, search_chinese, tables, thumbnails, translation_gate)


def setup(app):
    """Register every part of the extension."""
    for part in (digests, thumbnails, gallery, recorded, tables, api_citation, mathjax_local, language_switch,
                 benchmark, hosting, search_chinese, original, translation_gate, scripts):
        app.setup_extension(part.__name__)  # once each, whoever asks first
    return {"parallel_read_safe": True, "parallel_write_safe": True}
