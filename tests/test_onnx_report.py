"""How the ONNX case table words a recorded build (``onnx_path.report``); TensorRT's defaults from ``layer.attributes``."""


def test_a_row_lists_only_the_attributes_that_differ_from_tensorrts_defaults():
    from trtdeconv_docs.onnx_path.report import non_default

    read_back = {"stride_nd": [2, 2], "pre_padding": [0, 0], "post_padding": [1, 1], "num_groups": 1,
                 "dilation_nd": [1, 1], "padding_mode": "EXPLICIT_ROUND_DOWN"}
    assert non_default(read_back) == {"stride_nd": [2, 2], "post_padding": [1, 1]}
    three_d = {"stride_nd": [1, 1, 1], "dilation_nd": [1, 2, 1], "padding_mode": "SAME_UPPER", "num_groups": 4}
    assert non_default(three_d) == {"dilation_nd": [1, 2, 1], "padding_mode": "SAME_UPPER", "num_groups": 4}
