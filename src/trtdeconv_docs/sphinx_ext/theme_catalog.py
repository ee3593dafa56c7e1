"""A change to the theme's catalog rewrites every page.

The theme's text ("On this page", "Skip to content", ...) is translated by a catalog of
Sphinx's ``sphinx`` domain under ``locale_dirs`` (``docs/locale/zh_CN/LC_MESSAGES/sphinx.po``
for the Chinese original). Sphinx recompiles that catalog when it changes, but an
incremental build rewrites only the pages whose sources changed, so every other page kept
the old text. This part makes the catalog's digest a setting of the HTML output
(``trtdeconv_theme_catalog``, rebuild ``"html"``): when the catalog changes, the HTML
builder writes every page again, without reading any source again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..cassette import store as recordings

CONFIG = "trtdeconv_theme_catalog"
"""The setting that holds the digest of the build language's theme catalog."""


def theme_catalog(srcdir: Path, locale_dirs, language: str) -> Optional[Path]:
    """The first ``<locale_dir>/<language>/LC_MESSAGES/sphinx.po`` that exists, else None."""
    for folder in locale_dirs:
        path = Path(srcdir) / folder / language / "LC_MESSAGES" / "sphinx.po"
        if path.is_file():
            return path
    return None


def _digest(app, config) -> None:
    path = theme_catalog(Path(app.srcdir), config.locale_dirs, config.language or "")
    setattr(config, CONFIG, recordings.sha256(path) if path else "")


def setup(app):
    """Register the setting and compute it once the build's language is known."""
    app.add_config_value(CONFIG, "", "html", types=frozenset({str}))
    app.connect("config-inited", _digest)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
