"""``{trt-api}`` role: cite the line of NVIDIA's binding sources that settles an API claim.

Usage in a MyST page (the claim is checked against :mod:`trtdeconv_docs.trt.api` when the
page is built; a claim the stored lists contradict is a build error)::

    {trt-api}`v8.6.0 IDeconvolutionLayer.kernel_size`        bound at that tag
    {trt-api}`v10.0.0 !IDeconvolutionLayer.kernel_size`      not bound (cites the class's line)
    {trt-api}`v8.6.0 INetworkDefinition.add_quantize/2`      an overload takes 2 positional arguments
    {trt-api}`v11.0 !INetworkDefinition.add_quantize/2`      no overload does
    {trt-api}`v8.6.0 IBuilderConfig.max_workspace_size~`     bound, and marked deprecated
    {trt-api}`v10.16 BuilderFlag.INT8~10.12`                 its docstring says "Deprecated in TensorRT 10.12"

It renders the tag as a link to that line on GitHub (at the tag's commit), whose title (shown on
hover) is ``tag path:line``; for an absence, the line that binds the class or enum (or the method,
for a missing overload), and the title adds "(X has no m)" or "(no overload of X.m takes N arguments)".
The tag alone keeps a table of citations readable (issue 22: a source path in every cell).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Tuple

from docutils import nodes

from ..trt.api import load
from . import messages
from .messages import _

_SPEC = re.compile(r"^(?P<tag>v[\d.]+)\s+(?P<absent>!)?(?P<owner>[A-Za-z_][\w.]*)\.(?P<member>\w+)"
                   r"(?:/(?P<arity>\d+))?(?P<deprecated>~(?P<since>[\d.]*))?$")


class CitationError(ValueError):
    """A citation that is malformed or that the stored API list contradicts."""


@dataclass(frozen=True)
class Citation:
    """Where a claim is settled: ``tag path:line``, the link, and for an absence what is absent."""

    tag: str
    path: str
    line: int
    url: str
    absent: Optional[Tuple[str, str, Optional[int]]] = None  # (owner, member, arity) of a cited absence

    @property
    def text(self) -> str:
        """``v8.6.0 python/src/infer/pyGraph.cpp:456``."""
        return f"{self.tag} {self.path}:{self.line}"


def cite(spec: str) -> Citation:
    """Check the claim ``spec`` (see the module docstring) and return where it is settled."""
    match = _SPEC.match(spec.strip())
    if not match:
        raise CitationError(f"trt-api: cannot read {spec!r}; expected 'TAG [!]Class.member[/N][~[since]]'")
    tag, owner, member = match["tag"], match["owner"], match["member"]
    try:
        api = load(tag)
    except ValueError as error:
        raise CitationError(f"trt-api: {error}") from None
    if owner not in api.classes and owner not in api.enums:
        raise CitationError(f"trt-api: {tag} has no class or enum {owner}")
    arity = None if match["arity"] is None else int(match["arity"])
    present = api.has(owner, member) and (arity is None or api.accepts(owner, member, arity))
    claim = f"{owner}.{member}" + (f" with {arity} positional arguments" if arity is not None else "")
    if present and match["absent"]:
        raise CitationError(f"trt-api: {tag} has {claim}, but {spec!r} says it does not")
    if not present and not match["absent"]:
        raise CitationError(f"trt-api: {tag} does not have {claim}, but {spec!r} says it does")
    if match["absent"]:
        if api.has(owner, member):  # the method is there, without that overload
            path, line = api.where(owner, member)
        else:
            path, line = api.where(owner)
        return _citation(api, path, line, absent=(owner, member, arity))
    entry = api.entry(owner, member)
    if arity is not None:
        entry = next(o for o in entry["overloads"] if o["args"] is not None and len(o["args"]) == arity)
    path, line = entry["path"], entry["line"]
    if match["deprecated"]:
        deprecation = api.deprecation(owner, member)
        if not deprecation or (match["since"] and deprecation.get("deprecated_since") != match["since"]):
            raise CitationError(f"trt-api: {tag} does not mark {owner}.{member} deprecated"
                                f"{' since ' + match['since'] if match['since'] else ''} ({deprecation or 'no mark'})")
        if match["since"]:  # cite the docstring that says so
            documented = next(c for c in [entry] + entry.get("overloads", [])
                              if c.get("deprecated_since") == match["since"] and "doc" in c)
            path, line = documented["doc"]["path"], documented["doc"]["line"]
    return _citation(api, path, line)


def _citation(api, path: str, line: int, absent: Optional[Tuple[str, str, Optional[int]]] = None) -> Citation:
    url = f"https://github.com/NVIDIA/TensorRT/blob/{api.commit}/{path}#L{line}"
    return Citation(api.tag, path, line, url, absent)


def role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """The docutils role: a link to the cited line, or an error where the claim does not hold."""
    try:
        citation = cite(text)
    except CitationError as error:
        message = inliner.reporter.error(str(error), line=lineno)
        problem = inliner.problematic(rawtext, rawtext, message)
        return [problem], [message]
    title = citation.text
    if citation.absent:
        owner, member, arity = citation.absent
        if arity is None:
            note = _("{owner} 中没有 {member}").format(owner=owner, member=member)
        else:
            note = _("{owner}.{member} 没有 {arity} 个参数的重载").format(owner=owner, member=member, arity=arity)
        title += f" ({note})"
    # the tag alone in the text (a table of citations reads as a table); the file, line and note in the title
    result = [nodes.reference(rawtext, citation.tag, refuri=citation.url, reftitle=title,
                              classes=["trtdeconv-api-citation"])]
    return result, []


def setup(app):
    """Register the ``trt-api`` role."""
    app.setup_extension(messages.__name__)
    app.add_role("trt-api", role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
