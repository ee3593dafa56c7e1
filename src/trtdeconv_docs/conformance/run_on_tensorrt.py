"""Run the conformance cases on TensorRT and a GPU; record verdicts, outputs and tactics.

Usage, from the repository root of a machine with TensorRT, cuda-python and a GPU::

    python -m trtdeconv_docs.conformance.run_on_tensorrt --count 320 --seed 0 --out recordings/conformance
    python -m trtdeconv_docs.conformance.run_on_tensorrt --smoke --out /tmp/conformance-smoke
    python -m trtdeconv_docs.conformance.run_on_tensorrt --fixed-only --out /tmp/conformance-fixed
    python -m trtdeconv_docs.conformance.run_on_tensorrt --cases r21,r33,p0700 --out /tmp/conformance-some

``--fixed-only`` runs the fixed list and the limit probes (:mod:`.probes`) without the
drawn layers; ``--cases`` runs the named cases only. Such a partial recording is for a
quick look: ``tests/test_conformance.py`` accepts only the full run in ``recordings/``.

Drawn layers go many to a network (``--batch-size``), built once with TF32 cleared and
once with TF32 allowed; INT8 layers (input and kernel through quantize/dequantize, the
kernel given by ``set_input(1)``) go into INT8 networks; each fixed-list layer gets a
network of its own. A layer that TensorRT refuses while it is added (an exception,
``None``, or an error logged) is recorded as refused with the messages; a network that
fails to build or run is narrowed down to the layers at fault (:mod:`.plan`). For every
built layer the engine inspector's entries are kept, with the chosen tactic's name, and
the attributes TensorRT reports back. Limit probes are added to one network that is never
built ("add" probes), or built without being run ("build" probes, last). Results are saved
as the run goes on into a scratch folder beside ``--out``; at the end
:func:`trtdeconv_docs.cassette.publisher.publish` replaces ``--out`` with it and writes its
manifest, and a summary is printed (:mod:`.compare`). After ``--time-budget`` seconds the
remaining networks are recorded as ``not_run``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import tensorrt as trt

from ..cassette import publisher as recordings_writer
from ..layer import reference, shapes
from ..trt import engine as tensorrt_engine
from ..trt.versions import quantize_dequantize
from ..layer.attributes import LAYER_ATTRIBUTES, DeconvolutionError
from ..trt.network_description import describe_network
from . import compare, generate, model, plan, probes, store

SMOKE_DRAWN = 10
SMOKE_FIXED = (
    "negative padding_nd",
    "kernel one value short",
    "post_padding crops the whole output (size 0)",
    "2-D kernel on a rank-5 input",
    "INT8, 2 input channels per group",
    "num_output_maps 8193",
)
"""The fixed-list cases a ``--smoke`` run includes, with the first drawn ones."""

HUGE_KERNEL = 100_000
"""Before a case with more kernel values than this, the recording is saved (in case TensorRT crashes)."""

REPORTED = tuple(LAYER_ATTRIBUTES)


def _messages(logged, since: int = 0) -> List[str]:
    """Errors among a capturing logger's ``(severity, message)`` pairs, from index ``since``."""
    return [f"[{severity}] {message}" for severity, message in logged[since:] if severity != "WARNING"]


def _kernel_dims(case: Dict[str, Any]):
    """The kernel constant's shape (C_in, M / groups, *kernel_size_nd); flat if the reference refuses the layer."""
    try:
        layer = model.layer(case)
        return reference.kernel_shape(layer, case["input_shape"][shapes.channel_axis(case["input_shape"], layer)])
    except DeconvolutionError:
        return (case["kernel_count"],)


def _case_arrays(case: Dict[str, Any]) -> Dict[str, np.ndarray]:
    """A case's arrays; probes have none (their inputs would be huge, and they are never run)."""
    return {} if "probe" in case else generate.case_arrays(case)


def _setter_value(name: str, value):
    if name == "padding_mode":
        return getattr(trt.PaddingMode, value)
    return int(value) if name == "num_groups" else tuple(int(v) for v in value)


class _Network(tensorrt_engine.Builder):
    """A builder that also keeps the arrays its network's inputs are fed."""

    def __init__(self, **options):
        super().__init__(**options)
        self.inputs: Dict[str, np.ndarray] = {}

    def add_input(self, name: str, array):
        """Add a float32 input shaped like ``array``; :func:`tensorrt_engine.execute` feeds it."""
        self.inputs[name] = np.ascontiguousarray(array, dtype=np.float32)
        return self.network.add_input(name, trt.float32, self.inputs[name].shape)


def add_case(session, case: Dict[str, Any], arrays: Dict[str, np.ndarray], keep: list) -> None:
    """Add the case's input, (Q/DQ,) deconvolution and marked output to ``session.network``.

    ``keep`` receives the NumPy arrays behind ``trt.Weights``, which must outlive the build.
    """
    network, case_id = session.network, case["id"]
    x = session.add_input(f"{case_id}_in", arrays["input"])
    kernel = np.ascontiguousarray(arrays["kernel"], dtype=np.float32)
    keep.append(kernel)
    if case["kind"] == "int8":
        scales = case["int8"]
        x = quantize_dequantize(trt, network, x, scales["input_scale"], name=f"{case_id}_input", keep=keep)
        constant = network.add_constant(_kernel_dims(case), trt.Weights(kernel))
        constant.name = f"{case_id}_kernel"
        kernel_tensor = quantize_dequantize(trt, network, constant.get_output(0), scales["kernel_scale"],
                                            name=f"{case_id}_kernel", keep=keep)
        kernel_weights = trt.Weights()
    else:
        kernel_weights = trt.Weights(kernel)
    arguments = [x, int(case["num_output_maps"]), tuple(case["kernel_size_nd"]), kernel_weights]
    if "bias" in arrays:
        bias = np.ascontiguousarray(arrays["bias"], dtype=np.float32)
        keep.append(bias)
        arguments.append(trt.Weights(bias))
    layer = network.add_deconvolution_nd(*arguments)
    if layer is None:
        raise RuntimeError("add_deconvolution_nd returned None")
    layer.name = compare.deconvolution_name(case_id)
    if case["kind"] == "int8":
        layer.set_input(1, kernel_tensor)
    for name, value in case["set"]:
        setattr(layer, name, _setter_value(name, value))
    output = layer.get_output(0)
    output.name = f"{case_id}_out"
    network.mark_output(output)


def _engine_layers(engine) -> List[Any]:
    """The engine inspector's layer entries (JSON, DETAILED verbosity)."""
    text = tensorrt_engine.layer_information(engine)
    return json.loads(text).get("Layers", []) if text else []


def _entry_name(entry) -> str:
    return entry.get("Name", "") if isinstance(entry, dict) else str(entry)


def _tactic(entry) -> str:
    """An engine layer's tactic name, or what identifies it where the inspector gives no name."""
    if not isinstance(entry, dict):
        return str(entry)
    return entry.get("TacticName") or f"({entry.get('LayerType', '?')}, TacticValue {entry.get('TacticValue', '?')})"


def _reported(network, cases: List[Dict[str, Any]], arrays: Dict[str, Dict[str, np.ndarray]]) -> Dict[str, Any]:
    """Per case: the deconvolution's attributes as TensorRT reports them, and whether its kernel and bias read back equal."""
    layers = {layer["name"]: layer["attributes"] for layer in describe_network(network)["layers"]
              if layer["type"] == "DECONVOLUTION"}
    result = {}
    for case in cases:
        attributes = layers[compare.deconvolution_name(case["id"])]
        reported = {name: attributes[name] for name in REPORTED}
        kernel, bias = attributes["kernel"], attributes["bias"]
        given = arrays[case["id"]]
        reported["kernel_values"] = int(kernel.size)
        reported["kernel_equal"] = bool(np.array_equal(kernel, given["kernel"])) if kernel.size else None
        reported["bias_equal"] = bool(np.array_equal(bias, given.get("bias", np.zeros(0, np.float32))))
        result[case["id"]] = reported
    return result


class Runner:
    """Runs the cases' networks, keeps every run record, output and build count, and saves the recording."""

    def __init__(self, cases: List[Dict[str, Any]], header: Dict[str, Any]):
        self.cases = cases
        self.header = header
        self.arrays = {c["id"]: _case_arrays(c) for c in cases}
        self.runs: Dict[str, Dict[str, Any]] = {c["id"]: {} for c in cases}
        self.outputs: Dict[str, Dict[str, np.ndarray]] = {}
        self.networks: List[Dict[str, Any]] = []
        self.builds = 0
        self.failed_builds = 0
        self.build_seconds = 0.0
        self.started = time.perf_counter()

    def elapsed(self) -> float:
        """Seconds since the runner was created."""
        return time.perf_counter() - self.started

    def run_group(self, setting: str, group: List[Dict[str, Any]], time_budget: float) -> None:
        """Settle ``group`` under ``setting`` (networks not started after ``time_budget`` s are not run)."""
        settled = plan.settle(group, lambda cases: self.attempt(setting, cases),
                              out_of_time=lambda: self.elapsed() > time_budget)
        for case_id, run in settled.items():
            self.runs[case_id][setting] = run
        statuses = [run["status"] for run in settled.values()]
        print(f"[{self.elapsed():6.1f} s] {setting:4s} {len(group):2d} layers: {statuses.count('built')} built, "
              f"{statuses.count('refused')} refused, {statuses.count('not_run')} not run; "
              f"{self.builds} builds, {self.build_seconds:.1f} s building", flush=True)

    def save(self, directory: Path, finished: bool) -> None:
        """Write the recording as it stands; runs not done yet are ``not_run``."""
        timings = {"total_seconds": round(self.elapsed(), 2), "builds": self.builds,
                   "failed_builds": self.failed_builds, "build_seconds": round(self.build_seconds, 2),
                   "finished": finished}
        entries = [{**c, "runs": {s: self.runs[c["id"]].get(s, {"status": "not_run"}) for s in plan.settings_for(c)}}
                   for c in self.cases]
        arrays = {cid: {**named, **self.outputs.get(cid, {})} for cid, named in self.arrays.items()}
        store.save(directory, {**self.header, "timings": timings, "networks": self.networks}, entries, arrays)

    def attempt(self, setting: str, cases: List[Dict[str, Any]]) -> plan.Outcome:
        """Add ``cases`` to one network; unless one is refused while added, build it, run it, record it."""
        log: Dict[str, Any] = {"setting": setting, "cases": [c["id"] for c in cases]}
        self.networks.append(log)
        started = time.perf_counter()
        try:
            outcome = self._attempt(setting, cases, log, len(self.networks) - 1)
        except Exception:  # a fault of this harness, not a verdict of TensorRT's: keep going, keep the trace
            outcome = plan.Outcome(failure={"stage": "harness", "messages": [traceback.format_exc()]})
        log["seconds"] = round(time.perf_counter() - started, 3)
        if outcome.failure:
            log.update(outcome.failure)
        return outcome

    def _attempt(self, setting, cases, log, index) -> plan.Outcome:
        session = _Network(**plan.SESSION_OPTIONS[setting])
        keep: list = []
        outcome = plan.Outcome()
        for case in cases:
            seen = len(session.logger.messages)
            try:
                add_case(session, case, self.arrays[case["id"]], keep)
                problems = _messages(session.logger.messages, seen)
            except Exception as error:
                problems = _messages(session.logger.messages, seen) + [f"{type(error).__name__}: {error}"]
            if problems:
                outcome.settled[case["id"]] = {"status": "refused", "stage": "add", "messages": problems}
        if outcome.settled:
            log["stage"] = "add"
            return outcome  # the others are tried again in a network without these
        started = time.perf_counter()
        self.builds += 1
        try:
            engine = session.build()
        except Exception as error:
            self.failed_builds += 1
            messages = getattr(error, "messages", None) or [f"{type(error).__name__}: {error}"]
            return plan.Outcome(failure={"stage": "build", "messages": messages})
        finally:
            seconds = time.perf_counter() - started
            self.build_seconds += seconds
            log["build_seconds"] = round(seconds, 3)
        try:
            outputs = tensorrt_engine.execute(engine, session.inputs)
        except Exception as error:
            messages = _messages(session.logger.messages) + [f"{type(error).__name__}: {error}"]
            return plan.Outcome(failure={"stage": "execute", "messages": messages})
        log["stage"] = "built"
        log["warnings"] = [m for severity, m in session.logger.messages if severity == "WARNING"][:20]
        extras: Dict[str, Any] = {}
        try:
            entries = _engine_layers(engine)
        except Exception:
            entries, extras["engine_layers_error"] = [], traceback.format_exc()
        try:
            reported = _reported(session.network, cases, self.arrays)
        except Exception:
            reported, extras["reported_error"] = {}, traceback.format_exc()
        for case in cases:
            case_id = case["id"]
            mine = [e for e in entries if f"{case_id}_" in _entry_name(e)]
            run = {
                "status": "built",
                "network": index,
                "network_layers": len(cases),
                "engine_layers": mine,
                "tactics": [_tactic(e) for e in mine
                            if compare.deconvolution_name(case_id) in _entry_name(e).split(" + ")],
                "reported": reported.get(case_id),
                **extras,
            }
            run["tf32"] = compare.precision(case_id, run) == "tf32"
            outcome.settled[case_id] = run
            self.outputs.setdefault(case_id, {})[store.output_name(setting)] = np.asarray(outputs[f"{case_id}_out"])
        return outcome


    def run_add_probes(self, cases: List[Dict[str, Any]]) -> None:
        """Add every "add" probe to one network (never built): ``added``, or ``refused`` with TensorRT's messages."""
        session = _Network()
        network, one_value = session.network, np.ones(1, dtype=np.float32)
        for case in cases:
            seen = len(session.logger.messages)
            try:
                x = network.add_input(f"{case['id']}_in", trt.float32, tuple(case["input_shape"]))
                if x is None:
                    raise RuntimeError("add_input returned None")
                layer = network.add_deconvolution_nd(x, case["num_output_maps"], tuple(case["kernel_size_nd"]),
                                                     trt.Weights(one_value))
                if layer is None:
                    raise RuntimeError("add_deconvolution_nd returned None")
                layer.name = compare.deconvolution_name(case["id"])
                for name, value in case["set"]:
                    setattr(layer, name, _setter_value(name, value))
                problems = _messages(session.logger.messages, seen)
            except Exception as error:
                problems = _messages(session.logger.messages, seen) + [f"{type(error).__name__}: {error}"]
            self.runs[case["id"]]["fp32"] = ({"status": "refused", "stage": "add", "messages": problems} if problems
                                             else {"status": "added"})
        statuses = [self.runs[c["id"]]["fp32"]["status"] for c in cases]
        print(f"[{self.elapsed():6.1f} s] {len(cases)} add probes: {statuses.count('added')} added, "
              f"{statuses.count('refused')} refused", flush=True)

    def run_build_probe(self, case: Dict[str, Any]) -> None:
        """Build (never run) a "build" probe's network: ``built`` with the engine's output shape, or ``refused``."""
        session = _Network()
        network = session.network
        started = time.perf_counter()
        try:
            kernel = probes.kernel_values(case)
            x = network.add_input(f"{case['id']}_in", trt.float32, tuple(case["input_shape"]))
            layer = network.add_deconvolution_nd(x, case["num_output_maps"], tuple(case["kernel_size_nd"]),
                                                 trt.Weights(kernel))
            layer.name = compare.deconvolution_name(case["id"])
            for name, value in case["set"]:
                setattr(layer, name, _setter_value(name, value))
            output = layer.get_output(0)
            output.name = f"{case['id']}_out"
            network.mark_output(output)
            self.builds += 1
            engine = session.build()
            run = {"status": "built", "output_shape": [int(v) for v in engine.get_tensor_shape(output.name)]}
        except Exception as error:
            self.failed_builds += 1
            messages = getattr(error, "messages", None) or (_messages(session.logger.messages)
                                                             + [f"{type(error).__name__}: {error}"])
            run = {"status": "refused", "stage": "build", "messages": messages}
        seconds = time.perf_counter() - started
        self.build_seconds += seconds
        run["seconds"] = round(seconds, 3)
        self.runs[case["id"]]["fp32"] = run
        print(f"[{self.elapsed():6.1f} s] build probe {case['id']} ({case['note']}): {run['status']} "
              f"in {seconds:.1f} s", flush=True)


def select_cases(seed: int, count: int, smoke: bool, fixed_only: bool = False,
                 names: Optional[List[str]] = None) -> List[Dict[str, Any]]:
    """The drawn cases, the fixed list and the limit probes (a few for ``--smoke``; a subset if asked)."""
    fixed = generate.refusal_cases()
    if smoke:
        return generate.draw_cases(seed, SMOKE_DRAWN) + [c for c in fixed if c["note"] in SMOKE_FIXED]
    cases = ([] if fixed_only else generate.draw_cases(seed, count)) + fixed + probes.probe_cases()
    if names:
        unknown = sorted(set(names) - {c["id"] for c in cases})
        if unknown:
            raise SystemExit(f"run_on_tensorrt: error: no such case: {', '.join(unknown)}")
        cases = [c for c in cases if c["id"] in names]
    return cases


def _provenance() -> Dict[str, Any]:
    try:
        return recordings_writer.gpu_provenance()
    except Exception as error:  # the recording is still worth keeping
        return {"tensorrt": trt.__version__, "error": f"{type(error).__name__}: {error}"}


def main(argv: Optional[List[str]] = None) -> int:
    """Run the cases, publish the recording, print a summary; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.conformance.run_on_tensorrt",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=320, help="number of drawn layers (default 320)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="folder for cases.json and arrays.npz")
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_DRAWN} drawn and {len(SMOKE_FIXED)} fixed cases only")
    parser.add_argument("--fixed-only", action="store_true", help="the fixed list and the limit probes, no drawn layers")
    parser.add_argument("--cases", default="", help="comma-separated case ids: run only these")
    parser.add_argument("--batch-size", type=int, default=32, help="drawn layers per network (default 32)")
    parser.add_argument("--time-budget", type=float, default=400.0,
                        help="seconds after which remaining networks are not built (default 400)")
    parser.add_argument("--skip", default="", help="comma-separated case ids to record as not run "
                                                   "(for a case that crashes TensorRT)")
    args = parser.parse_args(argv)
    skipped = set(filter(None, args.skip.split(",")))
    names = [n for n in args.cases.split(",") if n] or None
    cases = select_cases(args.seed, args.count, args.smoke, args.fixed_only, names)
    header = {"seed": args.seed, "count": args.count, "smoke": args.smoke, "batch_size": args.batch_size,
              "time_budget_seconds": args.time_budget, "provenance": _provenance()}
    if args.fixed_only or names:
        header["subset"] = {"fixed_only": args.fixed_only, "cases": names}
    scratch = args.out.parent / f".{args.out.name}.scratch"
    runner = Runner(cases, header)
    print(f"TensorRT {trt.__version__} on {header['provenance'].get('gpu', '?')}: {len(cases)} cases; "
          f"saving into {scratch} as it goes", flush=True)
    for case in cases:
        if case["id"] in skipped:
            runner.runs[case["id"]] = {s: {"status": "not_run", "reason": "--skip"} for s in plan.settings_for(case)}
    todo = [c for c in cases if c["id"] not in skipped]
    last_save, fixed_started = runner.elapsed(), False
    for setting, group in plan.groups(todo, args.batch_size):
        if "expected" in group[0]:  # fixed-list cases probe TensorRT's edges: save first, and say which runs
            if group[0]["kernel_count"] > HUGE_KERNEL or not fixed_started:
                runner.save(scratch, finished=False)
                last_save, fixed_started = runner.elapsed(), True
            print(f"[{runner.elapsed():6.1f} s] {setting:4s} {group[0]['id']}: {group[0]['note']}", flush=True)
        runner.run_group(setting, group, args.time_budget)
        if runner.elapsed() - last_save > 60:
            runner.save(scratch, finished=False)
            last_save = runner.elapsed()
    runner.run_add_probes([c for c in todo if c.get("probe") == "add"])
    for case in (c for c in todo if c.get("probe") == "build"):
        runner.save(scratch, finished=False)  # they allocate gigabytes: keep what came before
        if runner.elapsed() > args.time_budget:
            runner.runs[case["id"]]["fp32"] = {"status": "not_run", "reason": "time budget"}
            continue
        runner.run_build_probe(case)
    runner.save(scratch, finished=True)
    command = "python -m trtdeconv_docs.conformance.run_on_tensorrt " + " ".join(sys.argv[1:] if argv is None else argv)
    recordings_writer.publish(scratch, args.out, header["provenance"], command=command)
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"done in {runner.elapsed():.1f} s: {runner.builds} engine builds ({runner.failed_builds} failed) "
          f"took {runner.build_seconds:.1f} s; wrote {args.out}", flush=True)
    print(compare.summary(store.load(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
