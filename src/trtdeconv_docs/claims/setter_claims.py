"""Claims over the setter matrix (``plot_26_setter_errors``): what an out-of-range attribute value does.

Every run but ``unchanged`` sets one attribute of the seed layer to an invalid value with
``Session.set_checked``, which recorded the exception raised (if any), what TensorRT logged
during the set and the value read back right after it. Each run falls in one outcome:

* ``ignored``: no exception, an API Usage Error logged, the old value read back, the engine
  built and its output identical to ``unchanged``'s (the layer as if the set never happened);
* ``refused``: TensorRT built no engine (the recording holds a refusal);
* ``raised``: the setter raised an exception;
* ``accepted``: anything else (the value was taken, or the output moved).
"""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from . import claim, requirement, verdict
from .example_claims import output_of, run_name

EXAMPLE = "plot_26_setter_errors"
OUTCOMES = ("ignored", "refused", "raised", "accepted")


def _deconvolution(run: Dict[str, Any]) -> Dict[str, Any]:
    return next(layer for layer in run["network"]["layers"] if layer["type"] == "DECONVOLUTION")["attributes"]


def _value(value) -> str:
    return f"({', '.join(map(str, value))})" if isinstance(value, list) else str(value)


def outcome(run: Dict[str, Any], unchanged: Dict[str, Any]) -> str:
    """``ignored``, ``refused``, ``raised`` or ``accepted`` (module docstring) for one run of the matrix."""
    (setter,) = run["setters"]
    if setter["raised"] is not None:
        return "raised"
    if "refused" in run:
        return "refused"
    old = _deconvolution(unchanged).get(setter["attribute"])
    logged = any("API Usage Error" in message for message in setter["logged"])
    same_output = np.array_equal(output_of(run), output_of(unchanged))
    return "ignored" if logged and setter["read_back"] == old and same_output else "accepted"


def outcomes(evidence) -> Dict[str, List[Dict[str, Any]]]:
    """Outcome -> the runs that had it (``unchanged`` left out)."""
    unchanged = evidence.run(EXAMPLE, "unchanged")
    found: Dict[str, List[Dict[str, Any]]] = {name: [] for name in OUTCOMES}
    for run in evidence.runs(EXAMPLE):
        if run["label"] != "unchanged":
            found[outcome(run, unchanged)].append(run)
    return found


def _listed(runs: List[Dict[str, Any]]) -> str:
    return "; ".join(f"{run['setters'][0]['attribute']} = {_value(run['setters'][0]['value'])}" for run in runs)


@claim("setters.ignored_not_refused",
       "Every out-of-range value set on the deconvolution layer: the setter raises nothing, logs an API Usage "
       "Error and keeps the old value; the engine builds and computes the unchanged layer (facts: the attributes "
       "and values, and any run with another outcome).")
def ignored_not_refused(evidence):
    found = outcomes(evidence)
    ignored = found["ignored"]
    attributes = []
    for run in ignored:
        if run["setters"][0]["attribute"] not in attributes:
            attributes.append(run["setters"][0]["attribute"])
    facts = {"runs": sum(len(runs) for runs in found.values()), "ignored_count": len(ignored),
             "attributes": ", ".join(attributes), "ignored": _listed(ignored)}
    facts.update({name: _listed(found[name]) or "none" for name in OUTCOMES[1:]})
    names = [run_name(EXAMPLE, "unchanged")] + [run_name(EXAMPLE, run["label"]) for runs in found.values() for run in runs]
    return verdict(facts, names, requirement(ignored, "no run was ignored"),
                   *(requirement(not found[name], f"{name}: {_listed(found[name])}") for name in OUTCOMES[1:]))


@claim("setters.negative_padding_ignored",
       "padding_nd = (-1, -1): the setter logs an API Usage Error, raises nothing and keeps the old value (0, 0); the "
       "engine builds and computes the unchanged layer.")
def negative_padding_ignored(evidence):
    run, unchanged = evidence.run(EXAMPLE, "padding_nd_-1_-1"), evidence.run(EXAMPLE, "unchanged")
    logged = run.get("definition_errors", [])
    facts = {"built": "outputs" in run, "read_back": _value(run["setters"][0]["read_back"]),
             "message": logged[0].split("(Parameter check failed")[0].strip() if logged else ""}
    return verdict(facts, [run_name(EXAMPLE, run["label"]), run_name(EXAMPLE, "unchanged")],
                   requirement(outcome(run, unchanged) == "ignored", f"outcome {outcome(run, unchanged)}"),
                   requirement(_deconvolution(run)["padding_nd"] == [0, 0],
                               f"padding_nd described as {_deconvolution(run)['padding_nd']}"),
                   requirement(logged and all("setPaddingNd" in m and "API Usage Error" in m for m in logged),
                               f"logged {logged}"))
