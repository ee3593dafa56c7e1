"""The ``trt-messages`` directive: a recorded refusal shown verbatim, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from test_pages import PROVENANCE, build

from trtdeconv_docs.tensors import encode

REFUSAL = ["[ERROR] 3: demo_deconv:kernel weights has count 8 but 9 was expected",
           "[ERROR] 4: [network.cpp::validate::3005] Error Code 4: Internal Error (Layer demo_deconv failed validation)"]


def write_recording(folder: Path) -> None:
    """A recording with a refused run ``refused`` and a built run ``built`` (made-up messages)."""
    folder.mkdir(exist_ok=True)
    x = encode(np.ones((1, 1, 1, 1), np.float32))
    document = {"example": "plot_demo.py", "source": {}, "provenance": PROVENANCE, "runs": [
        {"label": "refused", "inputs": {"x": x}, "refused": REFUSAL, "settings": {}},
        {"label": "built", "inputs": {"x": x}, "outputs": {"y": x}, "settings": {}}]}
    (folder / "plot_demo.json").write_text(json.dumps(document), encoding="utf-8")


def test_a_refusal_is_shown_verbatim_with_its_provenance(tmp_path):
    write_recording(tmp_path / "recordings")
    html, warnings, code = build(tmp_path, "```{trt-messages} plot_demo\n:run: refused\n```", "-W",
                                 extension="trt_messages")
    assert (warnings, code) == ("", 0)
    assert "kernel weights has count 8 but 9 was expected" in html
    assert "Error Code 4: Internal Error (Layer demo_deconv failed validation)" in html
    assert "TensorRT 9.9.9 在 Test GPU 上拒绝构建时的日志（2026-01-02）；示例 plot_demo.py，运行 refused。" in html


def test_a_built_run_or_a_missing_run_fails_the_build(tmp_path):
    write_recording(tmp_path / "recordings")
    for label, problem in (("built", "TensorRT built this run"), ("other", "no run labelled 'other'")):
        _, warnings, code = build(tmp_path, f"```{{trt-messages}} plot_demo\n:run: {label}\n```", "-W",
                                  "--keep-going", extension="trt_messages")
        assert code != 0
        assert f"trt-messages in page 'index', example 'plot_demo', run '{label}'" in warnings
        assert problem in warnings
        assert "Traceback" not in warnings
