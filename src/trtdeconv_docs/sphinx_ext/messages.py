"""The extension's own translatable text: the gettext catalog ``trtdeconv_docs``.

Text that the pages' authors write is translated by Sphinx's project catalogs
(``docs/locale/<language>/LC_MESSAGES/<page>.po``). Text that this extension generates
(captions of recorded tensors, table headers, the mapping table's rows, the provenance
note, the site's title, the picture labels) is not in any page, so it lives in the
package's catalog (:mod:`trtdeconv_docs.translations`), which this module registers the
conventional way for a Sphinx extension (:func:`sphinx.locale.get_translation`);
:func:`setup` compiles its ``.po`` files for the build.
The catalog is updated apart, by :mod:`.catalog_update`.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx.locale import get_translation

from ..translations import CATALOG, LOCALE_DIR, catalog_paths

_translation = get_translation(CATALOG)


def _(message: str) -> str:
    """``message`` in the build's language; itself when no catalog is loaded (outside Sphinx, or Chinese)."""
    return str(_translation(message))


def compile_catalogs(source: Path, target: Path) -> None:
    """Write a ``.mo`` under ``target`` for every ``.po`` of this catalog under ``source``."""
    for po_path in catalog_paths(source):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def setup(app):
    """Compile this catalog into the doctree folder and register it with Sphinx."""
    compiled = Path(app.doctreedir) / "trtdeconv_locale"
    compile_catalogs(LOCALE_DIR, compiled)
    app.add_message_catalog(CATALOG, str(compiled))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
