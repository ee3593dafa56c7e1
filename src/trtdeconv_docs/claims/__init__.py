"""Behavioural claims of the pages, each a named check that reads the GPU recordings.

A page states what TensorRT does ("this layer runs an FP32 kernel", "the setter keeps its
old value", "N of M layers failed to build") next to a check registered here by name
(:func:`claim`). The check reads the recordings through :class:`~.evidence.Evidence` and
returns a :class:`Verdict`: whether the statement holds, the facts that the page's prose
prints (counts and lists come from here, never typed), and the runs it read. The Sphinx
directive and role of ``trtdeconv_docs.sphinx_ext.claims`` evaluate the checks at build
time; a re-recording that makes a claim false fails the build, naming the page, the claim
and the runs. ``python -m trtdeconv_docs.claims`` lists every claim and its verdict.

The checks live in the topic modules of this package (``TOPICS``); importing the
package registers them all. Nothing here imports Sphinx or TensorRT.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List

from ..errors import RecordingError
from .evidence import Evidence

TOPICS = ("conformance_claims", "example_claims", "matrix_claims", "setter_claims", "autotuner_claims",
          "onnx_claims")
"""The modules of this package that register checks."""


@dataclass
class Verdict:
    """What a check found: ``holds``, the ``facts`` the prose prints, the ``runs`` read, and why it fails."""

    holds: bool
    facts: Dict[str, Any] = field(default_factory=dict)
    runs: List[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class Claim:
    """A registered check: its name, what it asserts (one English sentence) and the function."""

    name: str
    statement: str
    check: Callable[[Evidence], Verdict]


_REGISTRY: Dict[str, Claim] = {}


def claim(name: str, statement: str):
    """Register ``function(evidence) -> Verdict`` as the check of claim ``name``."""
    def register(function: Callable[[Evidence], Verdict]):
        if name in _REGISTRY:
            raise ValueError(f"claim {name!r} is registered twice")
        _REGISTRY[name] = Claim(name, statement, function)
        return function
    return register


def registry() -> Dict[str, Claim]:
    """Every claim by name (the topic modules imported)."""
    for topic in TOPICS:
        importlib.import_module(f"{__name__}.{topic}")
    return dict(_REGISTRY)


class UnknownClaim(KeyError):
    """A page names a claim that no check registers."""


def evaluate(name: str, evidence: Evidence) -> Verdict:
    """Run claim ``name``'s check; a check that cannot read what it needs does not hold, with the reason."""
    claims = registry()
    if name not in claims:
        raise UnknownClaim(f"no claim named {name!r}; known: {', '.join(sorted(claims))}")
    try:
        return claims[name].check(evidence)
    except (LookupError, ValueError, OSError, RecordingError) as error:  # a missing or untrusted recording
        # or run: the claim is not shown to hold
        return Verdict(False, reason=f"{type(error).__name__}: {error}")


def requirement(condition: bool, failure: str) -> str:
    """``failure`` if ``condition`` is false, else '': checks build their reason from these."""
    return "" if condition else failure


def verdict(facts: Dict[str, Any], runs: List[str], *failures: str) -> Verdict:
    """A verdict that holds when every ``failures`` entry is empty; the non-empty ones are the reason."""
    reasons = [text for text in failures if text]
    return Verdict(not reasons, facts, runs, "; ".join(reasons))
