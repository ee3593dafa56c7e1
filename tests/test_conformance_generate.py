"""The conformance generator: deterministic, valid, small, and covering every attribute and mode."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from trtdeconv_docs.layer import reference, shapes
from trtdeconv_docs.layer.attributes import CAFFE_MODES, PADDING_MODES, SAME_MODES
from trtdeconv_docs.conformance import generate, model, plan, probes

COUNT = 320
CASES = generate.draw_cases(0, COUNT)
FLOAT = [c for c in CASES if c["kind"] == "float"]
INT8 = [c for c in CASES if c["kind"] == "int8"]
PADDING_SETTERS = ("padding_nd", "pre_padding", "post_padding")


def setter_names(case):
    return [name for name, _ in case["set"]]


def test_draws_are_deterministic_and_a_shorter_draw_is_a_prefix():
    assert generate.draw_cases(0, 40) == CASES[:40]
    assert generate.draw_cases(1, 40) != CASES[:40]
    for case in CASES[:20] + generate.refusal_cases():
        first, second = generate.case_arrays(case), generate.case_arrays(case)
        assert first.keys() == second.keys()
        for name in first:
            np.testing.assert_array_equal(first[name], second[name])


def test_ids_are_unique_and_name_prefixes_cannot_collide():
    ids = [c["id"] for c in CASES + generate.refusal_cases() + probes.probe_cases()]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"c\d{4}|r\d{2}|p\d{4}", i) for i in ids)


def test_drawn_layers_are_accepted_or_refused_for_a_measured_reason():
    """Non-CAFFE layers have non-empty outputs; the two measured TensorRT refusals are the only refusals."""
    for case in CASES:
        verdict = model.verdict(case, generate.case_arrays(case))
        resolved = model.layer(case)
        if resolved.padding_mode in CAFFE_MODES:  # sized as EXPLICIT, cropped as CAFFE
            assert verdict is None or verdict.reason in ("int8_dilated", "output_negative"), case["id"]
            continue
        assert verdict is None or verdict.reason == "int8_dilated", case["id"]
        assert min(shapes.output_shape(case["input_shape"], resolved)[2:]) >= 1, case["id"]


def test_arrays_have_the_case_shapes_and_value_ranges():
    for case in CASES:
        arrays = generate.case_arrays(case)
        assert all(a.dtype == np.float32 for a in arrays.values())
        assert arrays["input"].shape == tuple(case["input_shape"])
        assert arrays["kernel"].shape == (case["kernel_count"],)
        assert arrays.get("bias", np.zeros(0)).size == case["bias_count"]
        if case["kind"] == "float":
            assert all(np.abs(a).max() <= 1.0 for a in arrays.values())
        layer = model.layer(case)
        assert case["kernel_count"] == np.prod(reference.kernel_shape(layer, case["input_shape"][1]))


def test_setters_cover_every_padding_mode_with_and_without_explicit_padding():
    for kind_cases, modes in ((FLOAT, PADDING_MODES), (INT8, PADDING_MODES)):
        seen = {(model.attributes(c).get("padding_mode", "EXPLICIT_ROUND_DOWN"),
                 any(n in PADDING_SETTERS for n in setter_names(c))) for c in kind_cases}
        assert seen == {(mode, explicit) for mode in modes for explicit in (False, True)}


def test_setters_cover_every_padding_pattern_and_order():
    patterns = Counter(tuple(n for n in setter_names(c) if n in PADDING_SETTERS) for c in CASES)
    assert set(generate.PADDING_PATTERNS) <= set(patterns)
    for case in CASES:  # setters overwrite each other: padding_nd always comes first
        names = [n for n in setter_names(case) if n in PADDING_SETTERS]
        assert "padding_nd" not in names[1:], case["id"]
    positions = Counter()
    for case in CASES:
        names = setter_names(case)
        padding = [i for i, n in enumerate(names) if n in PADDING_SETTERS]
        if "padding_mode" in names and padding:
            positions[names.index("padding_mode") < padding[0]] += 1
    assert positions[True] and positions[False]  # the mode is set both before and after the padding
    default_mode_set = [c for c in CASES if ["padding_mode", "EXPLICIT_ROUND_DOWN"] in c["set"]]
    default_mode_unset = [c for c in CASES if "padding_mode" not in setter_names(c)]
    assert default_mode_set and default_mode_unset


def test_padding_is_asymmetric_and_overridden_in_every_kind_of_mode():
    layers = [(c, model.layer(c)) for c in CASES]
    for same in (False, True):
        chosen = [(c, layer) for c, layer in layers if (layer.padding_mode in SAME_MODES) == same]
        assert any(layer.pre_padding != layer.post_padding for _, layer in chosen)
        assert any("padding_nd" in setter_names(c) and {"pre_padding", "post_padding"} & set(setter_names(c))
                   for c, _ in chosen)  # padding_nd, then overridden on one side or both


def test_shapes_and_attributes_cover_the_ranges():
    attributes = [model.attributes(c) for c in CASES]
    assert {len(c["kernel_size_nd"]) for c in FLOAT} == {len(c["kernel_size_nd"]) for c in INT8} == {2, 3}
    assert {c["input_shape"][0] for c in CASES} == {1, 2, 3}
    channels = [c["input_shape"][1] for c in CASES]
    assert min(channels) == 1 and max(channels) == 64
    assert {k for c in CASES for k in c["kernel_size_nd"]} == {1, 2, 3, 4, 5}
    assert any(len(set(c["kernel_size_nd"])) > 1 for c in CASES)
    assert {s for a in attributes for s in a.get("stride_nd", [1])} == {1, 2, 3, 4}
    assert {d for a in attributes for d in a.get("dilation_nd", [1])} == {1, 2, 3}
    assert {v for c in CASES for v in c["input_shape"][2:]} == set(range(1, 8))
    assert {c["bias_count"] > 0 for c in FLOAT} == {c["bias_count"] > 0 for c in INT8} == {False, True}


def test_groups_cover_dense_grouped_and_depthwise():
    groups = [(c["input_shape"][1], model.layer(c).num_groups, c["num_output_maps"]) for c in CASES]
    assert any(g == 1 for _, g, _ in groups)
    assert any(1 < g < channels for channels, g, _ in groups)
    assert any(g == channels == maps > 1 for channels, g, maps in groups)
    assert any(g == channels > 1 and maps > channels for channels, g, maps in groups)
    assert all(channels % g == 0 and maps % g == 0 for channels, g, maps in groups)


def test_int8_cases_follow_tensorrt_int8_rules_and_exercise_rounding_and_clamping():
    assert len(INT8) == COUNT // generate.INT8_EVERY
    assert {c["int8"]["ties"] for c in INT8} == {c["int8"]["clamp_input"] for c in INT8} == {False, True}
    assert {c["int8"]["clamp_kernel"] for c in INT8} == {False, True}
    ties = clamped = 0
    for case in INT8:
        layer = model.layer(case)
        channels = case["input_shape"][1]
        assert (channels // layer.num_groups) % 4 == 0 and (layer.num_output_maps // layer.num_groups) % 4 == 0
        scale = case["int8"]["kernel_scale"]
        assert np.log2(scale) == round(np.log2(scale))  # exact rescale: see generate's docstring
        assert channels // layer.num_groups * np.prod(layer.kernel_size_nd) * 128 * 128 < 2 ** 24
        arrays = generate.case_arrays(case)
        steps = arrays["input"].astype(np.float64) / case["int8"]["input_scale"]
        ties += int(np.sum(np.abs(steps - np.trunc(steps)) == 0.5))
        clamped += int(np.sum(np.abs(steps) > 127.5))
        if not case["int8"]["ties"]:  # no value within 0.05 steps of a rounding tie
            assert np.all(np.abs(np.abs(steps - np.floor(steps)) - 0.5) > 0.05)
        if not case["int8"]["clamp_input"]:
            assert np.abs(steps).max() < 126.5
    assert ties and clamped


def test_recording_stays_small(tmp_path):
    """Inputs and outputs (reference values as stand-ins) of the full run fit in well under 10 MB."""
    arrays = {}
    for case in CASES + generate.refusal_cases():
        named = generate.case_arrays(case)
        if model.verdict(case, named) is None:
            out = model.expected(case, named).values.astype(np.float32)
            named.update({f"out_{s}": out for s in plan.settings_for(case)})
        arrays.update({f"{case['id']}_{name}": a for name, a in named.items()})
    np.savez_compressed(tmp_path / "arrays.npz", **arrays)
    assert (tmp_path / "arrays.npz").stat().st_size < 7e6


REFUSALS = generate.refusal_cases()


@pytest.mark.parametrize("case", REFUSALS, ids=model.label)
def test_fixed_case_gets_the_listed_reference_verdict(case):
    refusal = model.verdict(case, generate.case_arrays(case))
    assert (refusal is None) == (case["expected"] == "accept"), refusal


def test_fixed_list_covers_the_edges():
    notes = " | ".join(c["note"] for c in REFUSALS)
    for probe in ("negative padding_nd", "negative pre_padding", "negative post_padding", "kernel one value",
                  "channels in 4 groups", "output maps in 4 groups", "crops past", "size 0",
                  "num_output_maps 8193", "num_output_maps 65536", "num_output_maps 1 << 20",
                  "rank-3 input", "rank-6 input", "kernel_size_nd 0", "stride_nd 0", "dilation_nd 0",
                  "INT8, 2 input channels per group"):
        assert probe in notes
    assert {c["expected"] for c in REFUSALS} == {"accept", "refuse"}


def test_setters_apply_in_order():
    case = {"num_output_maps": 1, "kernel_size_nd": [3, 3], "set": [
        ["pre_padding", [2, 2]], ["padding_nd", [1, 1]], ["post_padding", [0, 2]]]}
    layer = model.layer(case)
    assert (layer.pre_padding, layer.post_padding) == ((1, 1), (0, 2))


def test_labels_name_rank_mode_and_groups():
    case = {"id": "c0042", "kind": "float", "num_output_maps": 8, "kernel_size_nd": [3, 3, 3],
            "set": [["num_groups", 4], ["padding_mode", "SAME_LOWER"]]}
    assert model.label(case) == "c0042-3d-SAME_LOWER-g4"
    assert model.label({**case, "kind": "int8", "set": []}) == "c0042-3d-EXPLICIT_ROUND_DOWN-g1-int8"
    assert model.label(REFUSALS[0]) == "r00-negative-padding_nd"
