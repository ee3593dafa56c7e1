"""Record every ONNX case through TensorRT's ONNX parser on a GPU (TensorRT 8.6 under ``python-trt``).

Usage, from the repository root of the GPU machine::

    PYTHONPATH=$PWD/src python-trt -m trtdeconv_docs.onnx_path.recorder --out OUTDIR [--time-budget 110]
        [--only CASE ...] [--polygraphy]

For each case of :data:`~trtdeconv_docs.onnx_path.cases.CASES` and each builder precision it asks for, the
committed model (``onnx_models/<case>.onnx``) is parsed by ``trt.OnnxParser`` into a network
of the project's builder (``trtdeconv_docs.trt.engine.Builder``: TF32 cleared,
optimization level 0, DETAILED profiling); the recording holds the parser's errors
verbatim, or the network as TensorRT describes it
(:func:`trtdeconv_docs.trt.network_description.describe_network`, its weights encoded), then the builder's
refusal or the engine inspector's layers and each run's inputs and outputs. With
``--polygraphy`` it also runs ``polygraphy run <model> --trt --onnxrt`` on
:data:`POLYGRAPHY_CASES` and records the command, its exit status and its output.

Everything is published to ``OUTDIR/recordings/onnx`` with its manifest and provenance
(:func:`trtdeconv_docs.cassette.publisher.publish`); copy that folder to ``recordings/onnx``.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from ..cassette.recorder import encode_arrays
from ..cassette.store import FORMAT
from ..cassette.tensors import encode
from ..trt import inspector
from . import cases

FOLDER = "onnx"
"""The folder of ``recordings/`` this command writes."""
COMMAND = "PYTHONPATH=$PWD/src python-trt -m trtdeconv_docs.onnx_path.recorder --out OUTDIR --polygraphy"


def command_for(*names: str) -> str:
    """The command that records only the named cases (a case this package's recorder failed on, once fixed)."""
    return COMMAND.replace("--polygraphy", "--only " + " ".join(names))


POLYGRAPHY_CASES = {
    "base_2d": (),
    "output_padding_gt_pads_2d": (),
    "output_shape_2d": (),
    "auto_pad_same_upper_2d": (),
    "auto_pad_same_lower_2d": (),
    "qdq_per_channel_axis1_2d": ("--int8",),
    "modelopt_int8_2d": ("--int8",),
}
"""The cases shown with ``polygraphy run``, and the options each needs beyond ``--trt --onnxrt``."""
POLYGRAPHY_SECONDS = 40
"""The most one ``polygraphy run`` may take; none starts later than 30 s after the time budget."""


def settings(case: cases.Case, precision: str) -> Dict[str, Any]:
    """The builder settings a build of ``case`` is recorded and matched by."""
    return {"precision": precision, "tf32": False, "optimization_level": 0,
            "profile": {"x": [list(s) for s in case.profile]} if case.profile else None}


@dataclass
class TensorRT:
    """What the recorder needs of TensorRT: the module and the project's builder, runner and readers.

    A test passes fakes; :func:`real` gives the GPU machine's.
    """

    trt: Any
    builder: Callable[..., Any]
    run_engine: Callable[..., Dict[str, Any]]
    layer_information: Callable[[Any], str]
    describe_network: Callable[[Any], Dict[str, Any]]
    build_error: type


def real() -> TensorRT:
    """The installed TensorRT with ``trtdeconv_docs.trt.engine``'s builder and runner."""
    import tensorrt as trt

    from ..errors import EngineBuildError
    from ..trt import engine
    from ..trt.network_description import describe_network

    return TensorRT(trt, engine.Builder, engine.execute, engine.layer_information, describe_network,
                    EngineBuildError)


def parser_error(error) -> Dict[str, Any]:
    """One ``IParserError`` as TensorRT reports it (its text verbatim, and each field)."""
    described = {"text": str(error)}
    for field in ("code", "desc", "node", "file", "line", "func"):
        try:
            value = getattr(error, field)()
        except Exception as failure:  # a field this TensorRT version lacks
            value = f"<{failure.__class__.__name__}>"
        if not isinstance(value, (int, str)):  # an enum: its name (a method in some pybind11 enums), else its text
            name = getattr(value, "name", None)
            value = name() if callable(name) else name if isinstance(name, str) else str(value)
        described[field] = value
    return described


def record_build(backend: TensorRT, case: cases.Case, model: bytes, precision: str) -> Dict[str, Any]:
    """Parse, describe, build and run ``case`` at ``precision``; what TensorRT said, as JSON-able data."""
    builder = backend.builder(int8=precision == "int8")
    parser = backend.trt.OnnxParser(builder.network, builder.logger)
    parsed = bool(parser.parse(model))
    entry: Dict[str, Any] = {"settings": settings(case, precision), "parsed": parsed,
                             "parser_errors": [parser_error(parser.get_error(i)) for i in range(parser.num_errors)]}
    if parsed:
        try:
            entry["network"] = encode_arrays(backend.describe_network(builder.network))
        except Exception:  # this package's reader, not TensorRT: keep the build, say what failed
            entry["network_error"] = traceback.format_exc()
        if case.profile:
            builder.add_profile({"x": case.profile})
        try:
            engine = builder.build()
        except backend.build_error as refusal:
            entry["build_error"] = list(refusal.messages)
        else:
            entry["build_seconds"] = builder.build_seconds
            information = backend.layer_information(engine)
            entry["engine_layers"] = inspector.information(information) or None
            entry["runs"] = [record_run(backend, engine, case, shape) for shape in case.shapes]
    entry["log"] = [f"[{severity}] {message}" for severity, message in builder.logger.messages]
    return entry


def record_run(backend: TensorRT, engine, case: cases.Case, shape) -> Dict[str, Any]:
    """One execution of ``engine`` on the case's inputs of ``shape`` (TensorRT's exception kept as text)."""
    values = cases.inputs(case, tuple(shape))
    run: Dict[str, Any] = {"inputs": {name: encode(array) for name, array in values.items()}}
    try:
        run["outputs"] = {name: encode(array) for name, array in backend.run_engine(engine, values).items()}
    except Exception as error:  # recorded: what TensorRT refused at run time
        run["error"] = f"{error.__class__.__name__}: {error}"
    return run


def record_case(backend: TensorRT, root: Path, case: cases.Case, provenance: Dict[str, Any]) -> Dict[str, Any]:
    """The recording of one case: its model's identity and one entry per builder precision."""
    path = cases.model_path(root, case)
    model = path.read_bytes()
    builds = []
    for precision in case.precisions:
        try:
            builds.append(record_build(backend, case, model, precision))
        except Exception:  # a crash of this script, not TensorRT's answer: kept, and reported as a failure
            builds.append({"settings": settings(case, precision), "recorder_failure": traceback.format_exc()})
    return {"format": FORMAT, "case": case.name, "model": path.relative_to(root).as_posix(),
            "model_sha256": hashlib.sha256(model).hexdigest(), "provenance": provenance, "builds": builds}


def polygraphy_argv(model: str, options: Sequence[str]) -> List[str]:
    """``polygraphy run <model> --trt --onnxrt [options]`` as shown on the page."""
    return ["polygraphy", "run", model, "--trt", "--onnxrt", *options]


def record_polygraphy(root: Path, case: cases.Case, options: Sequence[str], python: str = sys.executable) -> Dict[str, Any]:
    """Run polygraphy's command line on the case's committed model (from ``root``); command, status, output."""
    shown = polygraphy_argv(cases.model_path(root, case).relative_to(root).as_posix(), options)
    launcher = "import sys; from polygraphy.tools import main; sys.argv[0] = 'polygraphy'; sys.exit(main())"
    start = time.perf_counter()
    try:
        done = subprocess.run([python, "-c", launcher, *shown[1:]], cwd=root, capture_output=True, text=True,
                              timeout=POLYGRAPHY_SECONDS)
        status, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        status, stdout, stderr = None, expired.stdout or "", f"timed out after {POLYGRAPHY_SECONDS} s"
        stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
    return {"format": FORMAT, "case": case.name, "command": " ".join(shown), "returncode": status,
            "seconds": round(time.perf_counter() - start, 1), "stdout": stdout, "stderr": stderr}


def record(backend: TensorRT, root: Path, scratch: Path, provenance: Dict[str, Any], *, only: Optional[Sequence[str]],
           time_budget: float, polygraphy: bool, write_json: Callable[[Path, Any], Any]) -> Dict[str, List[str]]:
    """Record the cases (and polygraphy runs) into ``scratch``; returns (and writes as ``summary.json``) the
    names recorded, skipped and failed."""
    chosen = [c for c in cases.CASES if not only or c.name in only]
    unknown = sorted(set(only or ()) - {c.name for c in cases.CASES})
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(cases.BY_NAME)}")
    start = time.perf_counter()
    summary: Dict[str, List[str]] = {"recorded": [], "skipped": [], "failed": []}
    for case in chosen:
        if time.perf_counter() - start > time_budget:
            summary["skipped"].append(case.name)
            print(f"skipped  {case.name} (time budget of {time_budget:.0f} s spent)", flush=True)
            continue
        document = record_case(backend, root, case, provenance)
        try:
            write_json(scratch / "cases" / f"{case.name}.json", document)
        except TypeError:  # a value this recorder failed to make JSON-able: keep the case, as a failure
            document = {**document, "builds": [{"settings": b.get("settings"), "recorder_failure": traceback.format_exc()}
                                               for b in document["builds"]]}
            write_json(scratch / "cases" / f"{case.name}.json", document)
        failed = any("recorder_failure" in b for b in document["builds"])
        summary["failed" if failed else "recorded"].append(case.name)
        outcome = "; ".join(_outcome(b) for b in document["builds"])
        print(f"{'FAILED' if failed else 'recorded'} {case.name}: {outcome} ({time.perf_counter() - start:.0f} s)",
              flush=True)
    if polygraphy:
        for name, options in POLYGRAPHY_CASES.items():
            if only and name not in only:
                continue
            if time.perf_counter() - start > time_budget + 30:
                summary["skipped"].append(f"polygraphy {name}")
                continue
            result = record_polygraphy(root, cases.BY_NAME[name], options)
            write_json(scratch / "polygraphy" / f"{name}.json", result)
            print(f"polygraphy {name}: exit status {result['returncode']} ({result['seconds']} s)", flush=True)
    write_json(scratch / "summary.json", summary)
    return summary


def _outcome(build: Dict[str, Any]) -> str:
    precision = build["settings"]["precision"]
    if "recorder_failure" in build:
        return f"{precision} recorder failure"
    if not build["parsed"]:
        return f"{precision} parser refused"
    if "build_error" in build:
        return f"{precision} builder refused"
    errors = sum("error" in r for r in build["runs"])
    return f"{precision} {len(build['runs'])} run(s)" + (f", {errors} failed" if errors else "")


def main(argv=None) -> int:
    """Record the ONNX cases on this machine's TensorRT and publish them with their manifest."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.onnx_path.recorder", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="OUTDIR: writes OUTDIR/recordings/onnx")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: current folder)")
    parser.add_argument("--only", nargs="*", default=None, help="case names to record (default: all)")
    parser.add_argument("--time-budget", type=float, default=110.0,
                        help="seconds after which no further case is started (default 110)")
    parser.add_argument("--polygraphy", action="store_true", help="also record `polygraphy run --trt --onnxrt`")
    args = parser.parse_args(argv)
    from ..cassette.publisher import gpu_provenance, publish, write_json

    root = args.root.resolve()
    if not (root / cases.MODELS).is_dir():
        parser.error(f"no {cases.MODELS}/ under {root}: run from the repository root or pass --root")
    backend = real()
    provenance = gpu_provenance()
    print(f"TensorRT {provenance['tensorrt']} on {provenance['gpu']}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        summary = record(backend, root, Path(scratch), provenance, only=args.only, time_budget=args.time_budget,
                         polygraphy=args.polygraphy, write_json=write_json)
        publish(scratch, args.out / "recordings" / FOLDER, provenance, command=COMMAND)
    print(f"{len(summary['recorded'])} recorded, {len(summary['skipped'])} skipped, {len(summary['failed'])} failed")
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
