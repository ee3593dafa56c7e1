"""Refuse to ship a half-translated edition: a warning (an error under ``-W``) per untranslated message.

Sphinx shows the original text wherever a translation is missing or fuzzy (it never
compiles fuzzy entries), so an edited Chinese paragraph would silently appear in Chinese
on the English site. In every build whose language is not the original one, this part

* checks each page after Sphinx's ``Locale`` transform: every translatable paragraph,
  title or raw block that holds Chinese (:func:`~trtdeconv_docs.translation_check.needs_translation`)
  and was left untranslated, or whose page has no catalog at all, gets a warning at its source line;
* checks the package's own catalog (text the extension and the pictures generate), and every
  page catalog's faithfulness (code, formulas, placeholders, numbers with units), with
  :func:`~trtdeconv_docs.translation_check.catalog_problems` once per build: the gate and
  ``tox -e translation-check`` apply the same rules.

Every warning names the commands that fix it (:data:`FIX`). ``python -m trtdeconv_docs.site``
builds with ``-W``, so ``tox -e docs`` fails on an untranslated edit.
"""

from __future__ import annotations

from pathlib import Path

from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from ..translation_check import catalog_problems, needs_translation
from ..translations import CATALOG, LOCALE_DIR

ORIGINAL_LANGUAGE = "zh_CN"
FIX = ("run `tox -e translations`, translate the entry in {catalog}, then check with "
       "`python -m trtdeconv_docs.translation_check docs/locale src/trtdeconv_docs/locale`")
"""What the reader of a warning has to do; ``{catalog}`` is the ``.po`` file to edit."""

logger = logging.getLogger(__name__)


def _shown(message: str, limit: int = 60) -> str:
    one_line = " ".join(message.split())
    return one_line if len(one_line) <= limit else one_line[:limit] + "…"


def _translated(node) -> bool:
    """Whether Sphinx's ``Locale`` transform replaced the node's message (a toctree keeps its caption apart).

    ``Locale`` marks every message of a page that has a catalog; a page without one (a new
    page or example whose ``.po`` was never made) leaves them unmarked: untranslated too.
    """
    if isinstance(node, addnodes.toctree):
        return node.get("caption") != node.get("rawcaption")
    return bool(node.get("translated", False))


class UntranslatedMessages(SphinxTransform):
    """Warn about every Chinese message of the page that the build's language left untranslated."""

    default_priority = 26  # right after Sphinx's Locale (20) and translation totaliser (25)

    def apply(self, **kwargs) -> None:
        """Walk the page's messages; warn for each one still marked untranslated."""
        from sphinx.builders.gettext import MessageCatalogBuilder

        # the build's builder class: env._builder_cls since Sphinx 8.1, app.builder before (7.4, the GPU machine's)
        builder = getattr(self.env, "_builder_cls", None) or type(self.app.builder)
        if self.config.language == ORIGINAL_LANGUAGE or issubclass(builder, MessageCatalogBuilder):
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        catalog = f"docs/locale/{self.config.language}/LC_MESSAGES/{domain}.po"
        for node, message in extract_messages(self.document):
            if not _translated(node) and needs_translation(message):
                logger.warning("untranslated or fuzzy message «%s»: %s", _shown(message),
                               FIX.format(catalog=catalog), location=node,
                               type="trtdeconv", subtype="untranslated")


def check_package_catalog(app) -> None:
    """Warn about every unfinished entry of the package's catalog for the build's language."""
    from .catalog_update import template

    language = app.config.language
    if language == ORIGINAL_LANGUAGE or app.builder.name == "gettext":
        return
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{CATALOG}.po"
    if not path.is_file():
        logger.warning("no %s catalog for %s (%s): %s", CATALOG, language, path,
                       FIX.format(catalog=path), type="trtdeconv", subtype="untranslated")
        return
    shown = f"src/trtdeconv_docs/locale/{language}/LC_MESSAGES/{CATALOG}.po"
    for msgid, problem in catalog_problems(path, (message.id for message in template(Path(app.srcdir)) if message.id)):
        logger.warning("%s: «%s» %s: %s", shown, _shown(msgid), problem, FIX.format(catalog=shown),
                       type="trtdeconv", subtype="untranslated")
    check_page_catalogs(app)


def check_page_catalogs(app) -> None:
    """Warn about every unfaithful entry of the pages' catalogs (the same check as ``translation-check``).

    Untranslated and fuzzy entries are left to :class:`UntranslatedMessages`, which warns at their page's line.
    """
    language = app.config.language
    for folder in app.config.locale_dirs:
        messages = Path(app.srcdir, folder, language, "LC_MESSAGES")
        for path in sorted(messages.rglob("*.po")) if messages.is_dir() else ():
            shown = f"docs/locale/{language}/LC_MESSAGES/{path.relative_to(messages).as_posix()}"
            for msgid, problem in catalog_problems(path):
                if problem != "not translated" and not problem.startswith("marked fuzzy"):
                    logger.warning("%s: «%s» %s: %s", shown, _shown(msgid), problem, FIX.format(catalog=shown),
                                   type="trtdeconv", subtype="untranslated")


def setup(app):
    """Register the page transform and the package catalog's check."""
    app.add_transform(UntranslatedMessages)
    app.connect("builder-inited", check_package_catalog)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
