"""The ONNX ConvTranspose cases (issue 20): committed models, ONNX Runtime on CPU, recorder, replay."""

from __future__ import annotations

import hashlib
import json
import types

import numpy as np
import onnx
import pytest

from trtdeconv_docs.cassette import store
from trtdeconv_docs.cassette.publisher import write_json
from trtdeconv_docs.onnx_path import cases, onnx_runtime, recorded, recorder
from trtdeconv_docs.errors import ReplayMiss

from .support import onnx_fake

ROOT = onnx_fake.ROOT


def test_committed_models_are_what_the_generator_writes():
    assert cases.main(["--check", str(ROOT / cases.MODELS)]) == 0


def test_a_changed_committed_model_is_named_by_the_generator_check(tmp_path, capsys):
    folder = tmp_path / cases.MODELS
    assert cases.main([str(folder)]) == 0
    model = onnx.load(folder / "dilations_2d.onnx")
    next(a for a in model.graph.node[0].attribute if a.name == "dilations").ints[:] = [1, 1]
    onnx.save(model, folder / "dilations_2d.onnx")
    assert cases.main(["--check", str(folder)]) == 1
    assert "dilations_2d.onnx: not what trtdeconv_docs.onnx_path.cases writes" in capsys.readouterr().err


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_every_model_is_valid_onnx_at_the_stated_opset(case):
    model = onnx.load(cases.model_path(ROOT, case))
    onnx.checker.check_model(model, full_check=True)
    if case.quantized_by:  # nvidia-modelopt writes its own opset (the recording shows what TensorRT 8.6 makes of it)
        assert [n.op_type for n in model.graph.node].count("ConvTranspose") == 1
    else:
        assert (model.ir_version, [(o.domain, o.version) for o in model.opset_import]) == (cases.IR_VERSION, [("", cases.OPSET)])
        assert [n.name for n in model.graph.node if n.op_type == "ConvTranspose"] == [cases.NODE_NAME]


@pytest.mark.parametrize("case", [c for c in cases.CASES if c.qdq], ids=lambda c: c.name)
def test_qdq_weights_dequantize_exactly_to_the_float_weights(case):
    scales = cases.weight_scales(case)
    if scales.ndim:
        axis = {"axis0": 0, "axis1": 1}[case.qdq]
        scales = scales.reshape([-1 if a == axis else 1 for a in range(len(case.weight_shape))])
    np.testing.assert_array_equal(cases.quantized_weights(case) * scales, cases.weights(case))


def test_onnx_runtime_runs_the_float_models_like_a_float64_oracle():
    """ONNX Runtime (CPU) on the plain models agrees with ONNX's reference implementation (onnx.reference).

    Not the Q/DQ models, not ``output_shape`` (onnx.reference's ConvTranspose cannot compute it: its Col2Im
    raises "expected size of input's dimension 2 to match the calculated number of sliding blocks") and not
    ``group`` > 1 (onnx.reference's ConvTranspose reshapes the weights without the groups).
    """
    from onnx.reference import ReferenceEvaluator

    for case in cases.CASES:
        if case.qdq or case.quantized_by or "output_shape" in case.attributes or case.group > 1:
            continue
        path = cases.model_path(ROOT, case)
        for shape in case.shapes:
            values = cases.inputs(case, shape)
            expected = ReferenceEvaluator(str(path)).run(None, values)[0]
            np.testing.assert_allclose(onnx_runtime.run(path, values)["y"], expected, rtol=0, atol=1e-5,
                                       err_msg=case.name)


@pytest.fixture
def fake_copy(fake_checkout, tmp_path, monkeypatch):
    """A copy of the fake checkout that a test may change."""
    import shutil

    copy = tmp_path / "checkout"
    shutil.copytree(fake_checkout, copy)
    monkeypatch.setenv(store.ROOT_VARIABLE, str(copy / "recordings"))
    return copy


def test_the_recorder_records_every_case_with_its_model_hash(fake_checkout):
    folder = fake_checkout / "recordings" / recorder.FOLDER
    assert store.verify_folder(folder) == []
    summary = store.read_json(folder / "summary.json")
    assert summary == {"recorded": [c.name for c in cases.CASES], "skipped": [], "failed": []}
    for case in cases.CASES:
        document = store.read_json(folder / "cases" / f"{case.name}.json")
        assert document["model_sha256"] == hashlib.sha256(cases.model_path(ROOT, case).read_bytes()).hexdigest()
        assert [b["settings"]["precision"] for b in document["builds"]] == list(case.precisions)


@pytest.mark.usefixtures("fake_recordings")
def test_parser_errors_and_builder_refusals_are_kept_verbatim():
    refused = recorded.build(cases.BY_NAME[onnx_fake.REFUSED])
    assert not refused.parsed and refused.layers == []
    assert refused.parser_errors[0]["text"] == str(onnx_fake._Error(0))
    assert refused.parser_errors[0]["code"] == "UNSUPPORTED_NODE"
    build_refused = recorded.build(cases.BY_NAME[onnx_fake.BUILD_REFUSED])
    assert build_refused.build_error == [f"[ERROR] {onnx_fake.FAKE}: no engine"]


@pytest.mark.usefixtures("fake_recordings")
def test_dynamic_cases_record_every_shape_with_their_profile():
    case = cases.BY_NAME["dynamic_hw_2d"]
    entry = recorded.build(case)
    assert [r.tensor("x")[2].shape for r in entry.runs] == list(case.shapes)
    assert entry.settings["profile"] == {"x": [list(s) for s in case.profile]}


@pytest.mark.usefixtures("fake_recordings")
def test_the_replay_compares_with_onnx_runtime_computed_now():
    case = cases.BY_NAME["output_padding_gt_pads_2d"]
    run = recorded.build(case).runs[0]
    compared = onnx_runtime.compare(cases.model_path(recorded.models_root(), case), run)
    assert compared["tensorrt_shape"] == compared["onnxruntime_shape"] == [1, 3, 12, 12]
    assert compared["max_abs_difference"] == pytest.approx(onnx_fake.OFFSET)


def test_changing_one_attribute_of_one_committed_model_fails_the_replay_naming_it(fake_copy):
    path = fake_copy / cases.MODELS / "output_padding_eq_pads_2d.onnx"
    model = onnx.load(path)
    next(a for a in model.graph.node[0].attribute if a.name == "output_padding").ints[:] = [0, 0]
    onnx.save(model, path)
    with pytest.raises(ReplayMiss, match=r"ONNX case output_padding_eq_pads_2d: onnx_models/output_padding_eq_pads_2d"
                                         r"\.onnx differs from the model recorded on a GPU .*tools/gpu/onnx\.sh"):
        recorded.build(cases.BY_NAME["output_padding_eq_pads_2d"])
    recorded.build(cases.BY_NAME["output_padding_lt_pads_2d"])  # the others still replay


@pytest.mark.usefixtures("fake_recordings")
def test_other_builder_settings_or_inputs_are_never_answered(monkeypatch):
    with pytest.raises(ReplayMiss, match=r"base_2d: builder settings .*'int8'.* never recorded"):
        recorded.build(cases.BY_NAME["base_2d"], "int8")
    monkeypatch.setattr(cases, "_sixteenths", lambda rng, shape: np.zeros(shape, np.float32))
    with pytest.raises(ReplayMiss, match=r"group_2d, fp32: input bytes of x .*differ from the recording"):
        recorded.build(cases.BY_NAME["group_2d"])


def test_a_recording_edited_by_hand_is_refused(fake_copy):
    path = fake_copy / "recordings" / recorder.FOLDER / "cases" / "base_2d.json"
    path.write_text(path.read_text().replace('"parsed": true', '"parsed": false'))
    with pytest.raises(ReplayMiss, match=r"base_2d\.json: edited after the GPU run"):
        recorded.build(cases.BY_NAME["base_2d"])


@pytest.mark.parametrize("code", [types.SimpleNamespace(name="UNSUPPORTED_NODE"), onnx_fake._ErrorCode()],
                         ids=["name property", "name method (TensorRT 8.6)"])
def test_a_parser_error_code_is_recorded_by_its_name_however_pybind11_exposes_it(code, monkeypatch):
    error = onnx_fake._Error(3)
    monkeypatch.setattr(error, "code", lambda: code)
    described = recorder.parser_error(error)
    assert described["code"] == "UNSUPPORTED_NODE" and described["node"] == 3
    assert json.loads(json.dumps(described)) == described


def test_a_case_the_recorder_cannot_write_is_a_recorder_failure_and_the_run_goes_on(tmp_path):
    """The GPU run of 2026-12-07 ended on the first case whose document held a non-JSON value; now it is kept."""
    backend = onnx_fake.tensorrt()
    describe = backend.describe_network
    backend.describe_network = lambda network: ({"odd": object()} if network["case"] == "base_2d" else describe(network))
    summary = recorder.record(backend, ROOT, tmp_path, {}, only=["base_2d", "group_2d"], time_budget=1e9,
                              polygraphy=False, write_json=write_json)
    assert summary == {"recorded": ["group_2d"], "skipped": [], "failed": ["base_2d"]}
    failed = json.loads((tmp_path / "cases" / "base_2d.json").read_text())
    assert "TypeError" in failed["builds"][0]["recorder_failure"]


def test_the_recorder_refuses_unknown_case_names(tmp_path):
    with pytest.raises(SystemExit, match="unknown case"):
        recorder.record(onnx_fake.tensorrt(), ROOT, tmp_path, {}, only=["no_such_case"], time_budget=1,
                        polygraphy=False, write_json=lambda *a: None)


def test_the_time_budget_skips_cases_and_says_so(tmp_path):
    summary = recorder.record(onnx_fake.tensorrt(), ROOT, tmp_path, {}, only=["base_2d", "group_2d"], time_budget=-1,
                              polygraphy=False, write_json=write_json)
    assert summary == {"recorded": [], "skipped": ["base_2d", "group_2d"], "failed": []}


def test_polygraphy_is_recorded_as_its_command_line(tmp_path):
    """Where polygraphy is not installed the command still runs and its failure is what is recorded."""
    result = recorder.record_polygraphy(ROOT, cases.BY_NAME["base_2d"], ("--int8",))
    assert result["command"] == "polygraphy run onnx_models/base_2d.onnx --trt --onnxrt --int8"
    assert isinstance(result["returncode"], int) and set(result) >= {"stdout", "stderr", "seconds"}


def test_pytorch_can_express_exactly_the_symmetric_plain_cases():
    from trtdeconv_docs.onnx_path import pytorch_peer

    plain = {c.name for c in cases.CASES if pytorch_peer.expressible(c) is None}
    assert "output_padding_gt_pads_3d" not in plain and "pads_asymmetric_2d" not in plain
    assert {"base_2d", "group_2d", "one_d", "dilations_2d", "dynamic_hw_2d", "modelopt_source_2d"} <= plain
    assert pytorch_peer.arguments(cases.BY_NAME["output_padding_eq_pads_2d"]) == {
        "stride": [2, 2], "padding": [1, 1], "output_padding": [1, 1], "groups": 1, "dilation": [1, 1]}


@pytest.mark.usefixtures("fake_recordings")
def test_the_report_reads_every_case_and_compares_with_onnx_runtime_and_pytorch():
    from trtdeconv_docs.onnx_path import report

    rows = report.summaries()
    assert [(s.case.name, s.precision) for s in rows] == [(c.name, p) for c in cases.CASES for p in c.precisions]
    by_name = {(s.case.name, s.precision): s for s in rows}
    refused = by_name[(onnx_fake.REFUSED, "fp32")]
    assert refused.outcome == "parser" and refused.messages == [str(onnx_fake._Error(0))]
    assert by_name[(onnx_fake.BUILD_REFUSED, "fp32")].outcome == "builder"
    built = by_name[("dynamic_hw_2d", "fp32")]
    assert [c.input_shape for c in built.onnxruntime] == [list(s) for s in cases.BY_NAME["dynamic_hw_2d"].shapes]
    assert all(c.max_abs_difference == pytest.approx(onnx_fake.OFFSET) for c in built.onnxruntime)
    assert all(c.max_abs_difference == pytest.approx(2 * onnx_fake.OFFSET) for c in built.pytorch)
    assert by_name[("auto_pad_valid_2d", "fp32")].pytorch_not_expressible == "auto_pad has no PyTorch argument"
    assert list(report.messages()) == [str(onnx_fake._Error(0)), f"[ERROR] {onnx_fake.FAKE}: no engine"]


@pytest.mark.parametrize("name", ["output_shape_2d", "output_shape_with_pads_2d", "output_shape_smaller_2d"])
def test_the_output_shape_fix_computes_what_onnx_runtime_computes_for_the_original(name, tmp_path):
    from trtdeconv_docs.onnx_path import graph_fixes

    case = cases.BY_NAME[name]
    fixed = graph_fixes.output_shape_to_pads(onnx.load(cases.model_path(ROOT, case)))
    node = next(n for n in fixed.graph.node if n.op_type == "ConvTranspose")
    assert {a.name for a in node.attribute} >= {"pads"} and "output_shape" not in {a.name for a in node.attribute}
    onnx.save(fixed, tmp_path / "fixed.onnx")
    values = cases.inputs(case, case.x_shape)
    np.testing.assert_array_equal(onnx_runtime.run(tmp_path / "fixed.onnx", values)["y"],
                                  onnx_runtime.run(cases.model_path(ROOT, case), values)["y"])


def test_the_output_shape_fix_refuses_an_output_larger_than_the_full_output():
    from trtdeconv_docs.onnx_path import graph_fixes

    with pytest.raises(ValueError, match=r"/up/ConvTranspose: output_shape \[13, 13\] is larger than the full output"):
        graph_fixes.output_shape_to_pads(onnx.load(cases.model_path(ROOT, cases.BY_NAME["output_shape_too_large_2d"])))


def test_the_axis_fix_requantizes_deconvolution_weights_per_output_channel():
    from trtdeconv_docs.onnx_path import graph_fixes

    case = cases.BY_NAME["qdq_per_channel_axis0_2d"]
    fixed = graph_fixes.weights_per_output_channel(onnx.load(cases.model_path(ROOT, case)))
    onnx.checker.check_model(fixed, full_check=True)
    dequantize = next(n for n in fixed.graph.node if n.output[0] == "W_dq")
    assert [(a.name, a.i) for a in dequantize.attribute] == [("axis", 1)]
    arrays = {t.name: onnx.numpy_helper.to_array(t) for t in fixed.graph.initializer}
    scale = arrays["W_scale"].reshape(1, -1, 1, 1)
    assert arrays["W_scale"].shape == (case.weight_shape[1],)
    assert np.all(np.abs(arrays["W_int8"] * scale - cases.weights(case)) <= scale / 2)


def test_the_recorder_command_line_needs_the_repository_root(tmp_path, capsys):
    """The options tools/gpu/onnx.sh passes parse; a folder without onnx_models/ is refused before TensorRT loads."""
    with pytest.raises(SystemExit) as stopped:
        recorder.main(["--out", str(tmp_path), "--root", str(tmp_path), "--time-budget", "110", "--polygraphy"])
    assert stopped.value.code == 2
    assert f"no onnx_models/ under {tmp_path}: run from the repository root" in capsys.readouterr().err
    script = (ROOT / "tools" / "gpu" / "onnx.sh").read_text(encoding="utf-8")
    assert "-m trtdeconv_docs.onnx_path.recorder --out \"$OUT\" --time-budget 110 $POLY" in script
