"""``python -m trtdeconv_docs.claims [RECORDINGS]``: every claim, whether it holds, its facts and runs; status 1 if one fails."""

from __future__ import annotations

import sys

from . import evaluate, registry
from .evidence import Evidence


def main(argv=None) -> int:
    """Print one block per claim; returns 1 if any claim does not hold against the recordings."""
    arguments = sys.argv[1:] if argv is None else argv
    evidence = Evidence(arguments[0] if arguments else None)
    failing = 0
    for name, claim in sorted(registry().items()):
        verdict = evaluate(name, evidence)
        failing += not verdict.holds
        print(f"{'holds' if verdict.holds else 'FAILS'}  {name}: {claim.statement}")
        print(f"       runs: {', '.join(verdict.runs) or '-'}")
        if verdict.facts:
            print(f"       facts: {', '.join(f'{key}={value}' for key, value in verdict.facts.items())}")
        if not verdict.holds:
            print(f"       why: {verdict.reason}")
    print(f"{len(registry()) - failing} of {len(registry())} claims hold")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
