"""Group conformance cases into TensorRT networks, and narrow a failed network down to its culprits.

Building one engine per layer would take most of the run, so many independent layers go
into one network (:func:`groups`). When TensorRT refuses such a network, :func:`settle`
finds out which layers it refused: the cases named in TensorRT's error messages run on
their own and the rest again; where no case is named, the group is halved. A case that
fails alone is recorded as refused with TensorRT's messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

Case = Dict[str, Any]
Run = Dict[str, Any]

SESSION_OPTIONS = {"fp32": {"tf32": False}, "tf32": {"tf32": True}, "int8": {"int8": True}}
"""Builder settings by name: TF32 cleared, TF32 allowed (TensorRT's default), INT8 (TF32 cleared)."""


@dataclass
class Outcome:
    """What one attempt at a group's network settled.

    ``settled`` maps case ids to their run records (refused while being added, or built
    and run); ``failure`` (``{"stage", "messages"}``) is set when the network as a whole
    could not be built or run. Cases in neither are tried again without the settled ones.
    """

    settled: Dict[str, Run] = field(default_factory=dict)
    failure: Optional[Dict[str, Any]] = None


def settings_for(case: Case) -> Tuple[str, ...]:
    """The builder settings a case runs under: both FP32 settings for float layers, else one."""
    if case["kind"] == "int8":
        return ("int8",)
    return ("fp32",) if "expected" in case else ("fp32", "tf32")


def groups(cases: Sequence[Case], batch_size: int) -> List[Tuple[str, List[Case]]]:
    """(setting, cases) networks to build, in order: drawn layers by ``batch_size``, fixed ones alone.

    Drawn float layers run twice, TF32 cleared and allowed; fixed-list cases (refusals
    and edge cases) each get a network of their own so that TensorRT's messages are
    theirs, the largest last.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    drawn = [c for c in cases if "expected" not in c and "probe" not in c]
    result: List[Tuple[str, List[Case]]] = []
    for kind, settings in (("float", ("fp32", "tf32")), ("int8", ("int8",))):
        same_kind = [c for c in drawn if c["kind"] == kind]
        for start in range(0, len(same_kind), batch_size):
            for setting in settings:
                result.append((setting, same_kind[start:start + batch_size]))
    fixed = sorted((c for c in cases if "expected" in c and "probe" not in c), key=lambda c: c["kernel_count"])
    result.extend((settings_for(c)[0], [c]) for c in fixed)
    return result


def mentioned(cases: Sequence[Case], messages: Sequence[str]) -> List[Case]:
    """The cases whose id (as TensorRT names start, ``c0042_``) appears in ``messages``."""
    text = "\n".join(messages)
    return [c for c in cases if f"{c['id']}_" in text]


def settle(cases: Sequence[Case], attempt: Callable[[List[Case]], Outcome],
           out_of_time: Callable[[], bool] = lambda: False) -> Dict[str, Run]:
    """Run ``cases`` through ``attempt`` until each is settled; returns run records by case id.

    Once ``out_of_time()`` is true, the cases not yet run are recorded as ``not_run``.
    """
    results: Dict[str, Run] = {}
    pending = [list(cases)]
    while pending:
        group = pending.pop(0)
        if out_of_time():
            results.update((c["id"], {"status": "not_run"}) for c in group)
            continue
        outcome = attempt(group)
        results.update(outcome.settled)
        rest = [c for c in group if c["id"] not in outcome.settled]
        if not rest:
            continue
        if outcome.failure is None:
            if not outcome.settled:
                raise RuntimeError("an attempt settled no case and reported no failure")
            pending.insert(0, rest)
        elif len(rest) == 1:
            results[rest[0]["id"]] = {"status": "refused", **outcome.failure}
        else:
            culprits = mentioned(rest, outcome.failure["messages"])
            if 0 < len(culprits) < len(rest):
                named = {c["id"] for c in culprits}
                pending[:0] = [[c] for c in culprits] + [[c for c in rest if c["id"] not in named]]
            else:
                half = len(rest) // 2
                pending[:0] = [rest[:half], rest[half:]]
    return results
