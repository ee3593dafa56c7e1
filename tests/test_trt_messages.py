"""The ``trt-messages`` directive: a recorded refusal shown verbatim, and its errors (test root ``test-trt-messages``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from trtdeconv_docs.cassette.publisher import publish
from trtdeconv_docs.cassette.tensors import encode

from .support.recorded import PROVENANCE

REFUSAL = ["[ERROR] 3: demo_deconv:kernel weights has count 8 but 9 was expected",
           "[ERROR] 4: [network.cpp::validate::3005] Error Code 4: Internal Error (Layer demo_deconv failed validation)"]


def built(app) -> str:
    """Build the test root with a recording of a refused run ``refused`` and a built run ``built`` (made-up)."""
    scratch = Path(app.srcdir) / "scratch"
    scratch.mkdir(exist_ok=True)
    x = encode(np.ones((1, 1, 1, 1), np.float32))
    document = {"format": 2, "example": "plot_demo.py", "provenance": PROVENANCE, "runs": [
        {"label": "refused", "inputs": {"x": x}, "refused": REFUSAL, "settings": {}},
        {"label": "built", "inputs": {"x": x}, "outputs": {"y": x}, "settings": {}}]}
    (scratch / "plot_demo.json").write_text(json.dumps(document), encoding="utf-8")
    publish(scratch, Path(app.srcdir) / "recordings", PROVENANCE, command="tests/test_trt_messages.py (made-up)")
    app.build()
    return (Path(app.outdir) / "index.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="trt-messages", srcdir="trt-messages-zh", freshenv=True)
def test_a_refusal_is_shown_verbatim_with_its_provenance(app):
    html = built(app)
    assert app.warning.getvalue() == ""
    assert "kernel weights has count 8 but 9 was expected" in html
    assert "Error Code 4: Internal Error (Layer demo_deconv failed validation)" in html
    assert "TensorRT 9.9.9 在 Test GPU 上拒绝构建时的日志（2026-01-02）；示例 plot_demo.py，运行 refused。" in html


@pytest.mark.sphinx("html", testroot="trt-messages", srcdir="trt-messages-errors", freshenv=True,
                    confoverrides={"exclude_patterns": ["_build"]})
def test_a_built_run_or_a_missing_run_fails_the_build(app):
    built(app)
    warnings = app.warning.getvalue()
    for label, problem in (("built", "TensorRT built this run"), ("other", "no run labelled 'other'")):
        assert f"trt-messages in page 'errors/{label}', example 'plot_demo', run '{label}'" in warnings
        assert problem in warnings
    assert "Traceback" not in warnings
