"""What every page depends on besides its own source: the package's code and catalogs, and the recordings.

Sphinx reads a page again when the page changed, and a page's directives note the
recordings they show; it cannot know that a page's generated text (the tables, the
provenance notes, the extension's translated messages) also comes from the package's
code, nor sphinx-gallery that an example's output does. :func:`fingerprint` digests all of
it, and this part makes the digest a setting that every page depends on
(``trtdeconv_package_inputs``, rebuild ``"env"``): when the package or the recordings change,
the next build reads every page again, and the gallery (:func:`.gallery.forget_stale_runs`)
and the thumbnails (:mod:`.thumbnails`) are made again. An edit to a page alone keeps the
build incremental.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..cassette import store as recordings

CONFIG = "trtdeconv_package_inputs"
"""The setting that holds :func:`fingerprint` for this build."""


def fingerprint() -> str:
    """sha256 over the package's code (``.py``), catalogs (``.po``) and API lists (``.json``), and the recordings' manifests."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    files = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".po", ".json") and p.is_file())
    files += sorted(recordings.root().glob(f"*/{recordings.MANIFEST}"))
    for path in files:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _compute(app, config) -> None:
    setattr(config, CONFIG, fingerprint())


def setup(app):
    """Register the setting, computed once per build when the configuration is read."""
    app.add_config_value(CONFIG, "", "env", types=frozenset({str}))
    app.connect("config-inited", _compute)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
