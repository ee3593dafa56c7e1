"""Chinese search that works: jieba word segmentation and a JavaScript stemmer that exists.

Sphinx segments Chinese text with ``jieba`` (a dependency of the ``docs`` extra; without it
every Chinese sentence would be one unsearchable "word"). ``docs/search_dict.txt`` adds
the layer's terms (反卷积, 卷积核, 步长, ...) to jieba's dictionary through
``html_search_options = {"dict": ...}`` in ``docs/conf.py``.

Sphinx 9.0 (up to 9.0.4) writes ``window.Stemmer = ChineseStemmer;`` into
``_static/language_data.js`` although Chinese search ships the *English* stemmer, so the
search page stops with "ChineseStemmer is not defined" and never shows a result
(https://github.com/sphinx-doc/sphinx/issues/14229, fixed by
https://github.com/sphinx-doc/sphinx/pull/14416, which names the JavaScript class after the
stemmer file). :class:`SearchChinese` applies the same fix to the affected releases: it
names the class after ``js_stemmer_rawcode`` (``english-stemmer.js`` -> ``English``).
Remove this module once the project requires a Sphinx release with that fix.
"""

from __future__ import annotations

import logging

import sphinx
from sphinx.search.zh import SearchChinese as SphinxSearchChinese

AFFECTED = ((9, 0), (9, 1))
"""Sphinx releases ``[first, end)`` that write ``ChineseStemmer`` (the fix is not in 9.0.4)."""


def stemmer_class(rawcode: str) -> str:
    """The JavaScript stemmer class a stemmer file defines: ``english-stemmer.js`` -> ``English``."""
    return rawcode.split("-")[0].capitalize()


class SearchChinese(SphinxSearchChinese):
    """Sphinx's Chinese search, with the JavaScript stemmer named after the file that defines it."""

    language_name = stemmer_class(SphinxSearchChinese.js_stemmer_rawcode)


def affected(version=sphinx.version_info) -> bool:
    """Whether this Sphinx release writes the undefined ``ChineseStemmer``."""
    first, end = AFFECTED
    return first <= tuple(version[:2]) < end


def setup(app):
    """Use the fixed Chinese search on affected Sphinx releases; keep jieba's loading messages quiet."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    if affected():
        app.add_search_language(SearchChinese)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
