"""``{doc-or}`text <wanted|fallback>```: a link to a page that may not exist yet, else to another.

Pages written on other branches (``onnx``) can be linked before they land, and the build stays free
of warnings: the role links ``wanted`` where the project has that page, and ``fallback`` otherwise,
as ``{doc}`` would (a missing fallback still warns).
"""

from __future__ import annotations

import re

from sphinx.roles import XRefRole
from sphinx.util.docutils import SphinxRole

_DOC = XRefRole(warn_dangling=True)
_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<wanted>[^|<>]+)\|(?P<fallback>[^|<>]+)>$", re.DOTALL)


class OptionalDoc(SphinxRole):
    """``text <wanted|fallback>``: a ``doc`` reference to ``wanted`` if it is a page of the project."""

    def run(self):
        """Delegate to Sphinx's ``doc`` role with the target that exists."""
        match = _TARGET.match(self.text)
        if not match:
            message = self.inliner.reporter.error(f"doc-or needs 'text <wanted|fallback>', got {self.text!r}",
                                                  line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        wanted = match["wanted"].strip()
        absolute = wanted if wanted.startswith("/") else "/" + wanted
        target = wanted if absolute.lstrip("/") in self.env.found_docs else match["fallback"].strip()
        return _DOC("std:doc", self.rawtext, f"{match['title']} <{target}>", self.lineno, self.inliner,
                    self.options, self.content)


def setup(app):
    """Register ``doc-or``."""
    app.add_role("doc-or", OptionalDoc())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
