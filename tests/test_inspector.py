"""The engine inspector's JSON as TensorRT 8.6 writes it: control characters raw inside strings.

The traceback that TensorRT 8.6 on an H100 produced for ONNX case ``modelopt_source_2d`` (2026-12-08,
``json.decoder.JSONDecodeError: Invalid control character``) is the evidence; the strict parse is the control."""

import json

import pytest

from trtdeconv_docs.trt import inspector

RAW_NEWLINE = '{"Layers": [{"Name": "conv\n(ONNX metadata)", "TacticName": "sm90_xmma"}, "x"]}'


def test_a_raw_control_character_in_a_string_is_read():
    assert inspector.engine_layers(RAW_NEWLINE) == [{"Name": "conv\n(ONNX metadata)", "TacticName": "sm90_xmma"}]
    assert inspector.tactic_names(RAW_NEWLINE) == {"conv\n(ONNX metadata)": "sm90_xmma"}


def test_control_strict_json_refuses_it():
    with pytest.raises(json.JSONDecodeError, match="control character"):
        json.loads(RAW_NEWLINE)


def test_nothing_recorded_reads_as_nothing():
    assert inspector.information("") == {}
    assert inspector.engine_layers("") == []
