"""A link to the same page in every other language of the site, on every page.

The site is built once per language (:mod:`trtdeconv_docs.site`), each into its own
folder named after the language code: ``<site>/zh_CN/...`` and ``<site>/en/...``. A page
``<site>/<language>/<page>.html`` therefore has its counterparts at
``<site>/<other>/<page>.html``; :func:`counterpart_href` computes the relative link and
the ``page.html`` template of this package shows the links at the top of every page
(and tells search engines about them with ``<link rel="alternate" hreflang>``, absolute
under the published root of :mod:`~trtdeconv_docs.sphinx_ext.hosting`). A small script
(:mod:`~trtdeconv_docs.sphinx_ext.scripts`) carries the anchor and the search query over.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List

from .. import pictures
from . import messages
from .messages import _

LANGUAGES: Dict[str, str] = {"zh_CN": "中文", "en": "English"}
"""Language code (also the folder name) -> the language's name in itself, original first."""

TEMPLATES = Path(__file__).with_name("templates")


def counterpart_href(target_uri: str, language: str) -> str:
    """Relative link from the page written at ``target_uri`` to the same page in ``language``."""
    depth = target_uri.count("/")
    return "../" * (depth + 1) + f"{language}/{target_uri}"


def language_links(language: str, target_uri: str, languages: Dict[str, str]) -> List[Dict[str, object]]:
    """One entry per language of the site: code, name, link, and whether it is this page's language."""
    if language not in languages:
        raise ValueError(f"language {language!r} is not one of the site's languages: {', '.join(languages)}")
    return [{"code": code, "name": name, "href": counterpart_href(target_uri, code), "current": code == language}
            for code, name in languages.items()]


def _add_links(app, pagename, _templatename, context, _doctree) -> None:
    target_uri = app.builder.get_target_uri(pagename)
    links = language_links(app.config.language, target_uri, app.config.trtdeconv_languages)
    for link in links:  # what search engines read: absolute, under the published root
        link["url"] = f"{app.config.trtdeconv_site_url}{link['code']}/{target_uri}"
    context["trtdeconv_language_links"] = links
    context["trtdeconv_language_label"] = _("语言")


def _tell_pictures_the_language(app, config) -> None:
    """The examples run during the build draw their labels in this edition's language."""
    os.environ[pictures.LANGUAGE_VARIABLE] = config.language


def _translate_titles(app, config) -> None:
    config.project = _(config.project)
    config.html_title = _(config.html_title)
    config.templates_path = [str(TEMPLATES)] + list(config.templates_path)


def setup(app):
    """Register the ``trtdeconv_languages`` conf value, the template and the page-context hook."""
    app.setup_extension(messages.__name__)
    app.add_config_value("trtdeconv_languages", LANGUAGES, "html", types=frozenset({dict}))
    app.connect("config-inited", _translate_titles)
    app.connect("config-inited", _tell_pictures_the_language)
    app.connect("html-page-context", _add_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
