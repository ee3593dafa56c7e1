"""The page's output-shape calculator agrees with the Python rule, in headless Chromium, offline.

The calculator's script (``trtdeconv-calculator.js``) and the rules generated from
:data:`trtdeconv_docs.layer.shapes.FORMULAS` (:mod:`trtdeconv_docs.sphinx_ext.shape_rules_js`) are loaded into an
empty page with the network cut off; every layer below goes through the script's ``compute`` and
through :func:`trtdeconv_docs.layer.attributes.resolve` + :func:`trtdeconv_docs.layer.shapes.output_shape`: the
same output shape, or a refusal for the same reason (:data:`trtdeconv_docs.layer.limits.REASONS`). The
layers: every case and limit probe of the conformance recording (what TensorRT built or refused on
the GPU), and 1,500 drawn at random around the limits, in all six padding modes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from trtdeconv_docs import pictures
from trtdeconv_docs.conformance import model
from trtdeconv_docs.layer import limits
from trtdeconv_docs.layer.attributes import PADDING_MODES, DeconvolutionError, resolve
from trtdeconv_docs.layer.shapes import output_shape
from trtdeconv_docs.sphinx_ext import calculator, shape_rules_js

from .support.browser import browser_or_skip
from .support.recorded import CONFORMANCE_CASES as CASES

STATIC = Path(calculator.__file__).with_name("static")
KEYS = ("num_output_maps", "kernel_size_nd", "stride_nd", "padding_nd", "pre_padding", "post_padding",
        "padding_mode", "dilation_nd", "num_groups")
RULE_REASONS = {"int32", "kernel_rank", "kernel_size", "kernel_volume", "output_maps", "groups", "stride", "dilation",
                "padding", "dimension_count", "padding_mode", "input_rank", "input_size", "groups_divide_channels",
                "groups_divide_maps", "output_negative", "tensor_volume"}
"""Every reason of :data:`trtdeconv_docs.layer.limits.REASONS` that the output-size rule itself can give."""


def python_rule(case: dict) -> dict:
    """The Python rule's answer: ``{"shape": [...]}`` or ``{"reason": ...}``."""
    try:
        layer = resolve(**{key: case[key] for key in KEYS if case.get(key) is not None})
        return {"shape": list(output_shape(case["input_shape"], layer))}
    except DeconvolutionError as error:
        return {"reason": error.reason}


def recorded_cases() -> list:
    """Every conformance case and probe, as the calculator's input (the setters applied in order)."""
    cases = []
    for recorded in CASES:
        kwargs = model.attributes(recorded.case)
        cases.append({"id": recorded.case["id"], "input_shape": list(recorded.case["input_shape"]), **kwargs})
    return cases


def drawn_cases(count: int = 1500, seed: int = 22) -> list:
    """Layers drawn around every limit: mostly valid small ones, some past a limit or inconsistent."""
    rng = random.Random(seed)
    big = [limits.MAX_STRIDE, limits.MAX_STRIDE + 1, limits.INT32_MAX, limits.INT32_MAX + 1, -1, 0]

    def size(low=1, high=5, edge=0.04):
        return rng.choice(big) if rng.random() < edge else rng.randint(low, high)

    cases = []
    for index in range(count):
        rank = rng.choice((2, 3)) if rng.random() > 0.02 else rng.choice((1, 4))
        groups = rng.choice((1, 1, 2, 3, 4)) if rng.random() > 0.02 else rng.choice((0, limits.MAX_GROUPS + 1))
        maps = groups * rng.randint(1, 3) if rng.random() > 0.05 else rng.choice(
            (0, 5, limits.MAX_OUTPUT_MAPS, limits.MAX_OUTPUT_MAPS + 1))
        kernel = [size(1, 5) for _ in range(rank)]
        if rng.random() < 0.01:
            kernel = [400, 400] if rank == 2 else [400, 400, 400]
        case = {"id": f"d{index:04d}", "num_output_maps": maps, "kernel_size_nd": kernel,
                "padding_mode": rng.choice(PADDING_MODES) if rng.random() > 0.01 else "SAME"}
        for name, low, high in (("stride_nd", 1, 4), ("dilation_nd", 1, 3), ("padding_nd", 0, 3),
                                ("pre_padding", 0, 3), ("post_padding", 0, 3)):
            if rng.random() < 0.5:
                dims = rank if rng.random() > 0.03 else rng.choice((2, 3))
                case[name] = [size(low, high, 0.01) for _ in range(dims)]
        if rng.random() < 0.7:
            case["num_groups"] = groups
        channels = groups * rng.randint(1, 3) if rng.random() > 0.03 else groups * 2 + 1
        spatial = [size(1, 8, 0.01) for _ in range(rank)]
        batch = [rng.randint(1, 3)] if rng.random() > 0.05 else [rng.randint(1, 2) for _ in range(rng.choice((0, 2, 5)))]
        if rng.random() < 0.01:
            spatial = [65536, 65536]
        case["input_shape"] = batch + [channels] + spatial
        cases.append(case)
    return cases


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> Path:
    """An empty page that loads the generated rules and the calculator's script (no site build needed)."""
    folder = tmp_path_factory.mktemp("calculator")
    (folder / calculator.RULES_SCRIPT).write_text(shape_rules_js.javascript(), encoding="utf-8")
    (folder / calculator.SCRIPT).write_text((STATIC / calculator.SCRIPT).read_text(encoding="utf-8"), encoding="utf-8")
    page = folder / "index.html"
    page.write_text(f'<!doctype html><html><head><meta charset="utf-8"><script src="{calculator.RULES_SCRIPT}"></script>'
                    f'<script src="{calculator.SCRIPT}"></script></head><body></body></html>', encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, network off."""
    with browser_or_skip("run the calculator") as instance:
        yield instance


JS_RULE = """(cases) => cases.map((c) => {
  try { return {shape: TrtdeconvCalculator.compute(c).shape}; }
  catch (error) { if (error instanceof TrtdeconvCalculator.Refusal) return {reason: error.reason}; return {error: String(error)}; }
})"""


def in_browser(browser, page: Path, cases: list) -> list:
    """The calculator's answers for ``cases``, computed in the page."""
    browser.open(page.as_uri())
    return browser.evaluate(f"({JS_RULE})({json.dumps(cases)})")


def test_the_calculator_gives_the_python_rules_answer_for_every_layer(browser, harness):
    cases = recorded_cases() + drawn_cases()
    answers = in_browser(browser, harness, cases)
    expected = [python_rule(case) for case in cases]
    wrong = [(case, got, want) for case, got, want in zip(cases, answers, expected) if got != want]
    assert not wrong, f"{len(wrong)} of {len(cases)} differ, e.g. {wrong[:3]}"
    shapes_given = sum("shape" in answer for answer in expected)
    assert shapes_given >= 1000, shapes_given  # at least 1,000 layers with an output shape
    modes = {case.get("padding_mode") for case, answer in zip(cases, expected) if "shape" in answer}
    assert set(PADDING_MODES) <= modes
    reasons = {answer["reason"] for answer in expected if "reason" in answer}
    assert reasons == RULE_REASONS, sorted(RULE_REASONS ^ reasons)
    probes = [case for case in recorded_cases() if case["id"].startswith("p")]
    assert len(probes) > 600  # every limit probe that TensorRT answered on the GPU is among them


def test_the_calculators_gather_is_the_pictures_rule(browser, harness):
    rng = random.Random(7)
    cases = []
    while len(cases) < 300:
        case = {"input_shape": [1, 1, rng.randint(1, 5), rng.randint(1, 5)], "num_output_maps": 1,
                "kernel_size_nd": [rng.randint(1, 4), rng.randint(1, 4)], "stride_nd": [rng.randint(1, 3), rng.randint(1, 3)],
                "dilation_nd": [rng.randint(1, 2), rng.randint(1, 2)], "pre_padding": [rng.randint(0, 2), rng.randint(0, 2)],
                "post_padding": [rng.randint(0, 2), rng.randint(0, 2)], "padding_mode": rng.choice(PADDING_MODES)}
        answer = python_rule(case)
        if "shape" in answer and min(answer["shape"][2:]) > 0:
            case["index"] = [rng.randrange(answer["shape"][2]), rng.randrange(answer["shape"][3])]
            cases.append(case)
    browser.open(harness.as_uri())
    got = browser.evaluate(f"""({json.dumps(cases)}).map((c) =>
        TrtdeconvCalculator.contributingTaps(TrtdeconvCalculator.compute(c), c.index))""")
    for case, pairs in zip(cases, got):
        layer = resolve(**{key: case[key] for key in KEYS if key in case})
        want = pictures.contributing_taps(layer, case["input_shape"][2:], case["index"])
        assert [tuple(map(tuple, pair)) for pair in pairs] == want, case


def test_the_generated_rules_carry_every_padding_mode_and_limit():
    table = shape_rules_js.table()
    assert table["paddingModes"] == list(PADDING_MODES) and set(table["rules"]) == set(PADDING_MODES)
    assert table["limits"]["MAX_GROUPS"] == limits.MAX_GROUPS and table["limits"]["MAX_KERNEL_VOLUME"]["2"] == 99999
    with pytest.raises(ValueError, match="cannot translate"):
        shape_rules_js.formula_to_javascript("abs(P)")
