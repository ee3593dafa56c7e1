"""The command line against TensorRT on the conformance recording: it refuses what TensorRT refused.

Every recorded layer TensorRT refused (the fixed list and the limit probes) is given to
``trtdeconv-docs shape`` and, where its tensors fit in memory, to ``trtdeconv-docs
reference``: each must refuse it with one line and exit status 2. Every layer TensorRT built
must get TensorRT's output shape from ``shape``; the fixed-list FP32 ones also go through
``reference``, whose output must be within tolerance of TensorRT's. An "add" probe TensorRT
accepted was only added, never built, so it says nothing about a whole layer and is left out.
"""

from __future__ import annotations

import numpy as np
import pytest

from trtdeconv_docs import cli
from trtdeconv_docs.layer import limits, reference, shapes, tolerance
from trtdeconv_docs.layer.attributes import DeconvolutionError
from trtdeconv_docs.conformance import compare, model

from .support.recorded import CONFORMANCE_CASES as CASES

LARGEST_WRITTEN = 1 << 20
"""Largest input (elements) written to a .npy file for ``reference``; larger ones go to ``shape`` only."""


def _status(recorded) -> str:
    statuses = {run["status"] for run in recorded.runs.values()}
    assert len(statuses) == 1, f"{recorded.case['id']}: TensorRT's settings disagree: {statuses}"
    return statuses.pop()


def _weights_refusal(recorded) -> bool:
    """Whether TensorRT refused the weights' counts: ``shape`` takes no weights, so only ``reference`` can."""
    messages = "\n".join(m for run in recorded.runs.values() for m in run.get("messages", []))
    return any(limits.pattern(reason).search(messages) for reason in ("kernel_count", "bias_count"))


def _layer_options(case) -> list:
    """The case's layer as command-line options, after its setters (:func:`model.attributes`)."""
    options = []
    for name, value in model.attributes(case).items():
        text = value if isinstance(value, (int, str)) else ",".join(str(v) for v in value)
        options.append(f"--{name.replace('_', '-')}={text}")
    return options


def _shape_argv(case) -> list:
    return ["shape", "--input-shape=" + ",".join(str(v) for v in case["input_shape"]), *_layer_options(case)]


def _reference_argv(recorded, directory) -> list:
    """``reference`` on the recorded tensors (a probe's: zeros of its input shape, its one-value kernel)."""
    case, arrays = recorded.case, recorded.arrays
    tensors = {"input": arrays.get("input", np.zeros(case["input_shape"], np.float32)),
               "kernel": arrays.get("kernel", np.zeros(case["kernel_count"], np.float32))}
    if arrays.get("bias") is not None and arrays["bias"].size:
        tensors["bias"] = arrays["bias"]
    for name, array in tensors.items():
        np.save(directory / f"{name}.npy", array)
    argv = ["reference", str(directory / "input.npy"), "--kernel", str(directory / "kernel.npy"),
            "--output", str(directory / "out.npy"), *_layer_options(case)]
    return argv + (["--bias", str(directory / "bias.npy")] if "bias" in tensors else [])


def _refuses_for_tensorrts_reason(argv, recorded, capsys) -> None:
    """``main`` refuses in one line with status 2, and the refusal's reason matches TensorRT's messages."""
    status = cli.main(argv)
    out, err = capsys.readouterr()
    assert status == cli.USAGE_ERROR and out == "", f"exit status {status}, printed {out!r}"
    assert err.startswith(f"{cli.PROG}: error: ") and err.count("\n") == 1, err
    with pytest.raises(DeconvolutionError) as refusal:
        cli.run(argv)
    messages = "\n".join(m for run in recorded.runs.values() for m in run.get("messages", []))
    assert limits.pattern(refusal.value.reason).search(messages), (
        f"{argv[0]} refused it for another reason than TensorRT's ({refusal.value.reason}: {err.strip()}); "
        f"TensorRT said: {messages[:600]}")


LIMIT_CASES = [r for r in CASES if "expected" in r.case]
REFUSED = [pytest.param(r, id=model.label(r.case)) for r in LIMIT_CASES if _status(r) == "refused"]
BUILT = [pytest.param(r, id=model.label(r.case)) for r in CASES if _status(r) == "built"]


def test_the_recording_has_refused_and_built_limit_cases():
    assert len(REFUSED) > 300 and len(BUILT) > 300, (len(REFUSED), len(BUILT))


@pytest.mark.parametrize("recorded", REFUSED)
def test_the_command_line_refuses_what_tensorrt_refused(recorded, capsys, tmp_path):
    if not _weights_refusal(recorded):
        _refuses_for_tensorrts_reason(_shape_argv(recorded.case), recorded, capsys)
    if shapes.volume(recorded.case["input_shape"]) <= LARGEST_WRITTEN:
        _refuses_for_tensorrts_reason(_reference_argv(recorded, tmp_path), recorded, capsys)
        assert not (tmp_path / "out.npy").exists()


@pytest.mark.parametrize("recorded", BUILT)
def test_the_command_line_prints_the_shape_tensorrt_built(recorded, capsys):
    assert cli.main(_shape_argv(recorded.case)) == 0
    printed = capsys.readouterr().out
    shapes_built = {tuple(run["output_shape"]) for run in recorded.runs.values() if "output_shape" in run}
    shapes_built |= {output.shape for output in recorded.outputs.values()}
    assert len(shapes_built) == 1, shapes_built
    assert printed == f"{shapes_built.pop()}\n"


FIXED_FP32_BUILT = [p for p in BUILT if "expected" in p.values[0].case and "probe" not in p.values[0].case
                    and p.values[0].case["kind"] == "float"]


@pytest.mark.parametrize("recorded", FIXED_FP32_BUILT)
def test_the_command_lines_reference_agrees_with_tensorrt(recorded, tmp_path):
    assert cli.main(_reference_argv(recorded, tmp_path)) == 0
    computed = np.load(tmp_path / "out.npy")
    layer = model.layer(recorded.case)
    x, kernel, bias = recorded.arrays["input"], recorded.arrays["kernel"], recorded.arrays.get("bias")
    for setting, output in recorded.outputs.items():
        ratio = tolerance.worst_ratio(output, computed, reference.absolute_terms(x, kernel, bias, layer),
                                      reference.term_counts(x.shape, layer),
                                      compare.precision(recorded.case["id"], recorded.runs[setting]))
        assert ratio <= 1.0, f"{setting}: {ratio:.3g} x the bound"
