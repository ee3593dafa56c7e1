"""The original page, named once: its repository, path, commit and licence, linked wherever the site cites it.

The site is a rewrite of one page of NVIDIA's TensorRT cookbook, :data:`ORIGINAL`
(the seed ``tests/data/seed_deconvolution_zh.md`` is that file, byte for byte, at that
commit). The cookbook is under the Apache License 2.0, which asks a derivative work to
carry the licence, keep the original's notices and say that it was changed: the
repository's ``LICENSE`` and ``NOTICE`` do the first two, and the footer of every page
(:func:`attribution`, shown by ``templates/page.html``) names the original and says that
this site changed it.

Pages refer to it in running text as "原页面" (English: "the original page", from the
package's catalog); :class:`LinkOriginal` turns every such mention in prose into a link to
:func:`url`, so the pages and their translations need no link of their own.
"""

from __future__ import annotations

import re
from typing import Dict
from urllib.parse import quote

from docutils import nodes
from markupsafe import Markup
from sphinx.transforms import SphinxTransform

from . import messages
from .messages import _

ORIGINAL: Dict[str, str] = {
    "repository": "NVIDIA/trt-samples-for-hackathon-cn",
    "path": "cookbook/02-API/Layer/DeconvolutionNd层（Deconvolution 层）.md",
    "commit": "d9b68f7b17b03850b00e3ad85196a64b4eb31e21",
    "license": "Apache-2.0",
}
"""Where the original page comes from (the commit whose file is byte-identical to the seed)."""

NOT_PROSE = (nodes.reference, nodes.literal, nodes.literal_block, nodes.title, nodes.raw, nodes.math,
             nodes.math_block, nodes.FixedTextElement)


def url(original: Dict[str, str] = ORIGINAL) -> str:
    """The original page at its commit on GitHub."""
    return (f"https://github.com/{original['repository']}/blob/{original['commit']}/"
            f"{quote(original['path'])}")


def attribution() -> Markup:
    """One sentence (HTML) naming the original: repository, path, short commit, licence; in the build's language."""
    return Markup(_("本站改编自 {repository} 仓库中的 {path}（提交 {commit}，{license} 许可），并作了修改。")).format(
        repository=ORIGINAL["repository"], path=Markup("<code>{}</code>").format(ORIGINAL["path"]),
        commit=ORIGINAL["commit"][:7], license=ORIGINAL["license"])


def _in_prose(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, NOT_PROSE):
            return False
        parent = parent.parent
    return True


class LinkOriginal(SphinxTransform):
    """Link every mention of the original page in the page's prose (after translation)."""

    default_priority = 800

    def apply(self, **kwargs) -> None:
        """Split each text node at the mentions and wrap them in references to :func:`url`."""
        mention = _("原页面")  # how the pages name the original in running text
        pattern = re.compile(re.escape(mention), re.IGNORECASE)
        for text in list(self.document.findall(nodes.Text)):
            if not pattern.search(text) or not _in_prose(text):
                continue
            parts, last = [], 0
            for found in pattern.finditer(text):
                parts.append(nodes.Text(text[last:found.start()]))
                parts.append(nodes.reference(found.group(0), found.group(0), refuri=url(),
                                             classes=["trtdeconv-original"]))
                last = found.end()
            parts.append(nodes.Text(text[last:]))
            text.parent.replace(text, [part for part in parts if not isinstance(part, nodes.Text) or part])


def _add_context(app, _pagename, _templatename, context, _doctree) -> None:
    context["trtdeconv_original_url"] = url()
    context["trtdeconv_attribution"] = attribution()


def setup(app):
    """Register the link transform and the footer's attribution."""
    app.setup_extension(messages.__name__)
    app.add_transform(LinkOriginal)
    app.connect("html-page-context", _add_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
