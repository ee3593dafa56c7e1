"""Where the site is published: canonical URLs, sitemap, 404 page and OpenGraph, per language.

The site is one folder per language (:mod:`trtdeconv_docs.site`), published under one
root URL, :data:`SITE_URL` (on Read the Docs: ``READTHEDOCS_CANONICAL_URL``, which the
build sets). At ``config-inited``, once the build's language is known (``-D language=...``
comes after ``conf.py``), this part points every hosting extension at
``<root>/<language>/``: ``html_baseurl`` (the theme's ``<link rel="canonical">``),
sphinx-sitemap's ``sitemap.xml`` (with ``hreflang`` alternates for every language),
sphinx-notfound-page's ``404.html`` (absolute links to this language's pages) and
sphinxext-opengraph's ``og:url``.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

DEFAULT_SITE_URL = "https://trtdeconv-docs.readthedocs.io/zh-cn/latest/"
"""The published site's root when the build does not say (Read the Docs sets ``READTHEDOCS_CANONICAL_URL``)."""


def site_url(environ=os.environ) -> str:
    """The published root of the site, ending in ``/``."""
    url = environ.get("READTHEDOCS_CANONICAL_URL") or DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


def language_root(root: str, language: str) -> str:
    """The published folder of one language: ``<root><language>/``."""
    return f"{root}{language}/"


def _configure(app, config) -> None:
    root = config.trtdeconv_site_url
    here = language_root(root, config.language)
    config.html_baseurl = here
    config.site_url = root
    config.sitemap_url_scheme = "{lang}{link}"
    config.sitemap_locales = list(config.trtdeconv_languages)
    config.notfound_urls_prefix = urlsplit(here).path
    config.ogp_site_url = here


def setup(app):
    """Register ``trtdeconv_site_url`` and derive the hosting extensions' settings from it."""
    for extension in ("sphinx_sitemap", "notfound.extension", "sphinxext.opengraph"):
        app.setup_extension(extension)
    app.add_config_value("trtdeconv_site_url", site_url(), "html", types=frozenset({str}))
    app.connect("config-inited", _configure, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
