"""The package's own message catalog: the text its code generates, in every language of the site.

Captions of recorded tensors, table headers, the mapping table, the provenance note and
the picture labels are written in Chinese in the code; their translations live in
``locale/<language>/LC_MESSAGES/trtdeconv_docs.po`` beside this module (gettext's layout).
The Sphinx extension loads that catalog through Sphinx
(:mod:`trtdeconv_docs.sphinx_ext.messages`); code that runs outside Sphinx, such as
:mod:`trtdeconv_docs.pictures`, reads it with :func:`translate`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List

CATALOG = "trtdeconv_docs"
LOCALE_DIR = Path(__file__).with_name("locale")


def catalog_paths(locale_dir: Path = LOCALE_DIR) -> List[Path]:
    """Every ``<language>/LC_MESSAGES/trtdeconv_docs.po`` under ``locale_dir``."""
    return sorted(locale_dir.glob(f"*/LC_MESSAGES/{CATALOG}.po"))


@functools.lru_cache(maxsize=None)
def messages(language: str) -> Dict[str, str]:
    """``{original: translation}`` of one language (finished entries only: not empty, not fuzzy)."""
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{CATALOG}.po"
    if not path.is_file():
        raise LookupError(f"no {CATALOG} catalog for language {language!r} ({path})")
    with path.open("rb") as po_file:
        return {message.id: message.string for message in read_po(po_file)
                if message.id and message.string and not message.fuzzy}


def translate(message: str, language: str) -> str:
    """``message`` in ``language``; a message without a finished translation is an error."""
    try:
        return messages(language)[message]
    except KeyError:
        raise LookupError(f"{message!r} has no {language} translation in {CATALOG}.po: "
                          "run `tox -e translations` and translate it") from None
