"""The GPU-free parts of the conformance runner: grouping, narrowing failed networks, storage, precision."""

from __future__ import annotations

import numpy as np
import pytest

from trtdeconv_docs.cassette import store as recordings, publisher as recordings_writer
from trtdeconv_docs.conformance import compare, generate, plan, store

CASES = generate.draw_cases(0, 70) + generate.refusal_cases()


def test_groups_run_each_case_once_per_setting():
    groups = plan.groups(CASES, batch_size=16)
    seen = {}
    for setting, group in groups:
        assert 1 <= len(group) <= 16
        assert all(setting in plan.settings_for(c) for c in group)
        for case in group:
            seen.setdefault(case["id"], []).append(setting)
    assert {i: sorted(s) for i, s in seen.items()} == {c["id"]: sorted(plan.settings_for(c)) for c in CASES}
    fixed = [group for _, group in groups if "expected" in group[0]]
    assert all(len(group) == 1 for group in fixed)
    assert groups[-len(fixed):] == [g for g in groups if "expected" in g[1][0]]  # fixed cases last,
    assert [g[0]["kernel_count"] for g in fixed] == sorted(g[0]["kernel_count"] for g in fixed)  # largest last


def test_settings_per_kind():
    drawn_float = next(c for c in CASES if c["kind"] == "float" and "expected" not in c)
    drawn_int8 = next(c for c in CASES if c["kind"] == "int8" and "expected" not in c)
    fixed_float = next(c for c in CASES if c["kind"] == "float" and "expected" in c)
    assert plan.settings_for(drawn_float) == ("fp32", "tf32")
    assert plan.settings_for(drawn_int8) == ("int8",)
    assert plan.settings_for(fixed_float) == ("fp32",)


class FakeTensorRT:
    """An attempt function: refuses some cases while adding, fails networks holding others."""

    def __init__(self, refused_on_add=(), named=(), unnamed=()):
        self.refused_on_add, self.named, self.unnamed = set(refused_on_add), set(named), set(unnamed)
        self.networks = []

    def __call__(self, group):
        ids = [c["id"] for c in group]
        self.networks.append(ids)
        settled = {i: {"status": "refused", "stage": "add", "messages": [f"{i}_deconv: no"]}
                   for i in ids if i in self.refused_on_add}
        if settled:
            return plan.Outcome(settled=settled)
        bad = [i for i in ids if i in self.named | self.unnamed]
        if bad:
            messages = [f"[ERROR] {i}_deconv: refused" for i in bad if i in self.named] + ["[ERROR] something"]
            return plan.Outcome(failure={"stage": "build", "messages": messages})
        return plan.Outcome(settled={i: {"status": "built"} for i in ids})


def test_settle_narrows_failed_networks_down_to_their_culprits():
    group = CASES[:32]
    ids = [c["id"] for c in group]
    fake = FakeTensorRT(refused_on_add=ids[3:4], named=ids[5:7], unnamed=ids[20:21])
    results = plan.settle(group, fake)
    assert set(results) == set(ids)
    refused = {i for i, run in results.items() if run["status"] == "refused"}
    assert refused == {ids[3], ids[5], ids[6], ids[20]}
    assert results[ids[3]]["stage"] == "add"
    assert results[ids[5]]["messages"][0] == f"[ERROR] {ids[5]}_deconv: refused"
    assert results[ids[20]]["messages"] == ["[ERROR] something"]
    assert all(results[i] == {"status": "built"} for i in set(ids) - refused)
    assert len(fake.networks) < 16  # named culprits are split off at once, the unnamed one by halving


def test_settle_stops_building_when_out_of_time():
    fake = FakeTensorRT()
    results = plan.settle(CASES[:5], fake, out_of_time=lambda: True)
    assert results == {c["id"]: {"status": "not_run"} for c in CASES[:5]} and not fake.networks


def test_settle_refuses_an_attempt_that_settles_nothing():
    with pytest.raises(RuntimeError):
        plan.settle(CASES[:2], lambda group: plan.Outcome())


def test_store_round_trip(tmp_path):
    case = dict(CASES[0])
    arrays = generate.case_arrays(case)
    output = np.arange(6, dtype=np.float32).reshape(1, 1, 2, 3)
    runs = {"fp32": {"status": "built", "tactics": ["x"]}, "tf32": {"status": "refused", "messages": ["no"]}}
    store.save(tmp_path / "scratch", {"seed": 0, "provenance": {"tensorrt": "8.6.0"}}, [{**case, "runs": runs}],
               {case["id"]: {**arrays, "out_fp32": output}})
    recordings_writer.publish(tmp_path / "scratch", tmp_path / "published", {"tensorrt": "8.6.0"}, command="test")
    loaded = store.load(tmp_path / "published")
    assert loaded.header == {"seed": 0, "provenance": {"tensorrt": "8.6.0"}, "format": store.FORMAT}
    (recorded,) = loaded.cases
    assert recorded.case == case and recorded.runs == runs
    assert recorded.arrays.keys() == arrays.keys()
    for name, array in arrays.items():
        np.testing.assert_array_equal(recorded.arrays[name], array)
    assert recorded.outputs.keys() == {"fp32"}
    np.testing.assert_array_equal(recorded.outputs["fp32"], output)


def test_store_refuses_non_numeric_arrays_and_missing_outputs(tmp_path):
    case = dict(CASES[0])
    with pytest.raises(TypeError):
        store.save(tmp_path, {}, [], {case["id"]: {"input": np.array(["a"])}})
    store.save(tmp_path / "scratch", {}, [{**case, "runs": {"fp32": {"status": "built"}}}],
               {case["id"]: generate.case_arrays(case)})
    recordings_writer.publish(tmp_path / "scratch", tmp_path / "published", {}, command="test")
    with pytest.raises(recordings.RecordingError, match="out_fp32"):
        store.load(tmp_path / "published")


def test_store_reads_only_what_the_gpu_command_published(tmp_path):
    """An unpublished folder, or an arrays file changed after publishing, is refused naming the file."""
    case = dict(CASES[0])
    store.save(tmp_path / "scratch", {}, [{**case, "runs": {"fp32": {"status": "refused"}}}],
               {case["id"]: generate.case_arrays(case)})
    with pytest.raises(recordings.RecordingError, match="MANIFEST.json"):
        store.load(tmp_path / "scratch")
    recordings_writer.publish(tmp_path / "scratch", tmp_path / "published", {}, command="test")
    store.load(tmp_path / "published")
    arrays = tmp_path / "published" / store.ARRAYS_FILE
    arrays.write_bytes(arrays.read_bytes()[:-1] + b"x")
    with pytest.raises(recordings.RecordingError, match="arrays.npz: edited after the GPU run"):
        store.load(tmp_path / "published")


def test_precision_comes_from_the_deconvolution_tactic():
    reformat = {"Name": "Reformatting CopyNode for Input Tensor 0 to c0001_deconv", "TacticValue": "0x0"}
    fused = {"Name": "c0001_kernel + c0001_deconv", "TacticName": "sm80_xmma_deconv_indexed_tf32f32_tf32f32_f32"}
    other = {"Name": "c0010_deconv", "TacticName": "sm80_xmma_deconv_indexed_tf32f32_tf32f32_f32"}
    assert compare.precision("c0001", {"engine_layers": [reformat, fused]}) == "tf32"
    assert compare.precision("c0001", {"engine_layers": [reformat, other]}) == "fp32"
    assert compare.precision("c0001", {"engine_layers": [{**fused, "TacticName": "sm80_ffma_f32f32"}]}) == "fp32"
    assert compare.precision("c0001", {}) == "fp32"
