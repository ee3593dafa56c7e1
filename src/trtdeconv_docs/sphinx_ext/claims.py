"""``claim`` and ``claim-value``: a page's statement about TensorRT, checked against the recordings at build time.

Usage in a MyST page::

    ```{claim} int8.per_channel_axis0_rescaled
    放在轴 0 上，TensorRT 8.6 不报错，只是算错……
    ```

    全部 {claim-value}`conformance.int8_dilated_unbuildable:count` 个……，内核 {claim-code}`int8.one_group_int8_kernel:tactic`

The directive's argument names a check of :mod:`trtdeconv_docs.claims`; its content is the
page's statement, shown as written (translated like the rest of the page), followed by a
line naming the check and the recorded runs it read. The role prints one fact of a check
(``name:fact``; ``claim-code`` prints it as code), so counts, lists and values in prose come from the recordings
(classed ``trt-claim-*``: the rendered-literals check sees them as generated). When a check does
not hold, or a fact is missing, the build reports an error naming the page, the claim and
the runs (the site builds with warnings as errors, so it fails). The recordings a check
read are dependencies of the page. ``trtdeconv_claims_recordings`` (a conf value, relative
to the source folder) names another ``recordings/`` folder; the default is the checkout's.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Optional, Tuple

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .. import claims
from ..cassette import store as recordings
from ..claims.evidence import Evidence
from . import messages
from .messages import _


def _root(config, srcdir) -> Path:
    configured = config.trtdeconv_claims_recordings
    return Path(srcdir, configured).resolve() if configured else recordings.root()


def _stamp(root: Path) -> Tuple[int, ...]:
    return tuple(p.stat().st_mtime_ns for p in sorted(root.glob(f"*/{recordings.MANIFEST}")))


@lru_cache(maxsize=256)
def _checked(name: str, root: Path, _stamp: Tuple[int, ...]) -> Tuple[claims.Verdict, FrozenSet[Path]]:
    evidence = Evidence(root)
    return claims.evaluate(name, evidence), frozenset(evidence.read)


def checked(env, name: str) -> claims.Verdict:
    """The verdict of claim ``name`` for this build (cached per recordings state); notes the files it read."""
    root = _root(env.config, env.srcdir)
    verdict, read = _checked(name, root, _stamp(root))
    for path in read:
        env.note_dependency(str(path))
    return verdict


def problem(docname: str, name: str, verdict: Optional[claims.Verdict], detail: str = "") -> str:
    """The one-line build error: page, claim, runs, and why."""
    runs = ", ".join(verdict.runs) if verdict and verdict.runs else "no run"
    return (f"claim {name!r} on page {docname!r} does not hold against the recordings (runs: {runs}): "
            f"{detail or (verdict.reason if verdict else '')}")


class Claim(SphinxDirective):
    """The page's statement (the content) and the line naming the check and its runs."""

    required_arguments = 1
    has_content = True

    def run(self):
        """Evaluate the claim; a build error naming page, claim and runs if it does not hold."""
        name = self.arguments[0]
        try:
            verdict = checked(self.env, name)
        except claims.UnknownClaim as error:
            raise self.error(problem(self.env.docname, name, None, str(error))) from None
        if not verdict.holds:
            raise self.error(problem(self.env.docname, name, verdict))
        container = nodes.container(classes=["trt-claim"])
        self.set_source_info(container)
        self.state.nested_parse(self.content, self.content_offset, container)
        runs = _("，").join(verdict.runs)
        text = _("构建时已按 GPU 记录核对：检查 {name}，记录 {runs}。").format(name=name, runs=runs)
        caption = nodes.paragraph(text, text, classes=["trt-output-caption"], translatable=False)
        self.set_source_info(caption)
        container += caption
        return [container]


def claim_value(role, rawtext, text, lineno, inliner, options=None, content=None):
    """``{claim-value}`name:fact``` -> the fact's value as text (``claim-code``: as code); else an error naming page and claim."""
    env = inliner.document.settings.env
    name, _sep, fact = text.partition(":")
    verdict = None
    try:
        verdict = checked(env, name)
        if not verdict.holds:
            raise LookupError(verdict.reason)
        if fact not in verdict.facts:
            raise LookupError(f"no fact {fact!r}; the check gives {', '.join(verdict.facts) or 'none'}")
    except (LookupError, claims.UnknownClaim) as error:
        message = inliner.reporter.error(problem(env.docname, name, verdict, str(error)), line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    value = str(verdict.facts[fact])
    # a trt- class: the rendered-literals check takes the fact for what it is, generated from the recordings
    if role == "claim-code":
        return [nodes.literal(value, value, classes=["trt-claim-code"])], []
    return [nodes.inline(value, value, classes=["trt-claim-value"])], []


def setup(app):
    """Register ``claim``, ``claim-value`` and the ``trtdeconv_claims_recordings`` conf value."""
    app.setup_extension(messages.__name__)
    app.add_config_value("trtdeconv_claims_recordings", None, "env", types=frozenset({str, type(None)}))
    app.add_directive("claim", Claim)
    app.add_role("claim-value", claim_value)
    app.add_role("claim-code", claim_value)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
