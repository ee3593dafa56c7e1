"""The ONNX directives (``onnx-case-table``, ``onnx-messages``, ``onnx-polygraphy``) on a fake recording (test root ``test-onnx``)."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pytest

from .support import onnx_fake


@pytest.mark.sphinx("html", testroot="onnx", srcdir="onnx-zh", freshenv=True)
@pytest.mark.usefixtures("fake_recordings")
def test_the_table_messages_and_polygraphy_come_from_the_recordings(app):
    app.build()
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    text = html_module.unescape(re.sub(r"<[^>]+>", "", html))
    assert app.warning.getvalue() == ""
    assert html.count("<tr") == 1 + sum(1 for c in onnx_fake.cases.CASES if c.topic in ("output_padding", "output_shape"))
    table = re.sub(r"<[^>]+>", "", html.split("onnx-case-table")[1].split("</table>")[0])  # code has <wbr> after "_"
    assert "output_padding_gt_pads_3d" in table and "base_2d" not in table
    assert "解析器拒绝" in html
    assert "0.25" in html  # the fake engine's offset from ONNX Runtime, computed during the build
    assert "In node 0 (fake): UNSUPPORTED_NODE" in html
    assert "$ polygraphy run onnx_models/output_padding_gt_pads_2d.onnx --trt --onnxrt" in text
    assert f"TensorRT {onnx_fake.FAKE}" in html


@pytest.mark.sphinx("html", testroot="onnx", srcdir="onnx-errors", freshenv=True,
                    confoverrides={"exclude_patterns": ["_build"]})
@pytest.mark.usefixtures("fake_recordings")
def test_a_built_case_an_unprinted_message_or_an_unknown_topic_fails_the_build(app):
    app.build()
    warnings = app.warning.getvalue()
    assert "onnx-messages in page 'errors/built', case 'base_2d': TensorRT built and ran this case" in warnings
    assert ("onnx-messages in page 'errors/unexpected', case 'output_shape_too_large_2d': the :expect: text "
            "'could not find any implementation' is not in what TensorRT printed") in warnings
    assert "onnx-case-table in page 'errors/topic': unknown topic(s) no_such_topic" in warnings
    assert ("onnx-polygraphy in page 'errors/polygraphy', case 'output_padding_gt_pads_2d': the :expect: text "
            "'no such polygraphy line' is not in what polygraphy printed") in warnings
    assert "Traceback" not in warnings
