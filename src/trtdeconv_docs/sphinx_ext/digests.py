"""The settings that force a rebuild: digests of what pages depend on besides their own sources.

``trtdeconv_package_inputs`` (rebuild ``"env"``): Sphinx reads a page again when the page
changed, and a page's directives note the recordings they show; it cannot know that a page's
generated text (the tables, the provenance notes, the extension's translated messages) also
comes from the package's code, nor sphinx-gallery that an example's output does.
:func:`fingerprint` digests the package's code and catalogs and the recordings' manifests:
when they change, the next build reads every page again, and the gallery
(:func:`.gallery.forget_stale_runs`) and the thumbnails (:mod:`.thumbnails`) are made again.
An edit to a page alone keeps the build incremental.

``trtdeconv_theme_catalog`` (rebuild ``"html"``): the theme's text ("On this page", "Skip to
content", ...) is translated by a catalog of Sphinx's ``sphinx`` domain under ``locale_dirs``
(``docs/locale/zh_CN/LC_MESSAGES/sphinx.po`` for the Chinese original). Sphinx recompiles
that catalog when it changes, but an incremental build rewrites only the pages whose sources
changed; with the catalog's digest as a setting of the HTML output, the HTML builder writes
every page again, without reading any source again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from ..cassette import store

CONFIG = "trtdeconv_package_inputs"
"""The setting that holds :func:`fingerprint` for this build."""
THEME_CONFIG = "trtdeconv_theme_catalog"
"""The setting that holds the digest of the build language's theme catalog."""


def fingerprint() -> str:
    """sha256 over the package's code (``.py``), catalogs (``.po``) and API lists (``.json``), and the recordings' manifests."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    files = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".po", ".json") and p.is_file())
    files += sorted(store.root().glob(f"*/{store.MANIFEST}"))
    for path in files:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def theme_catalog(srcdir: Path, locale_dirs, language: str) -> Optional[Path]:
    """The first ``<locale_dir>/<language>/LC_MESSAGES/sphinx.po`` that exists, else None."""
    for folder in locale_dirs:
        path = Path(srcdir) / folder / language / "LC_MESSAGES" / "sphinx.po"
        if path.is_file():
            return path
    return None


def _compute(app, config) -> None:
    setattr(config, CONFIG, fingerprint())
    path = theme_catalog(Path(app.srcdir), config.locale_dirs, config.language or "")
    setattr(config, THEME_CONFIG, store.sha256(path) if path else "")


def setup(app):
    """Register both settings, computed once per build when the configuration is read."""
    app.add_config_value(CONFIG, "", "env", types=frozenset({str}))
    app.add_config_value(THEME_CONFIG, "", "html", types=frozenset({str}))
    app.connect("config-inited", _compute)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
