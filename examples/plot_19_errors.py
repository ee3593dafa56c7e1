"""
TensorRT 的报错：最小复现
=========================

每一节是一个最小的网络，TensorRT 8.6 拒绝构建它（构建没有产出引擎）；打印的是 TensorRT 日志中的原话。
错误的含义和改法见 :doc:`/troubleshooting`。

属性值超出范围（负的 ``padding_nd``、为 0 的 ``stride_nd`` 等）不在这里：TensorRT 在设置时记一条错误、
保留原来的值，引擎照样构建，见 :ref:`sphx_glr_gallery_plot_26_setter_errors.py`。
"""

# %%
import numpy as np

from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.example_support import quantize_dequantize, run_or_print_refusal
from trtdeconv_docs.session import Session, trt

data, weight, bias = seed_tensors()


def refused(label, x, num_output_maps, kernel_size_nd, kernel, kernel_bias, **attributes):
    """Add one deconvolution with ``attributes`` set in order, then run it; print TensorRT's refusal if any."""
    session = Session()
    inputT0 = session.add_input("inputT0", x)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, num_output_maps, kernel_size_nd, kernel, kernel_bias)
    deconvolutionLayer.name = "deconv"
    for name, value in attributes.items():
        setattr(deconvolutionLayer, name, value)
    return run_or_print_refusal(session, label, deconvolutionLayer)


# %%
# 卷积核个数不对：3×3 卷积核、1 个输入通道、1 个输出通道要 9 个数，这里给 8 个。
output = refused("kernel_count_mismatch", data, 1, (3, 3), weight[:8], bias)

# %%
# 偏置个数不对：2 个输出通道要 2 个偏置，这里给 1 个。
output = refused("bias_count_mismatch", data, 2, (3, 3), np.tile(weight, 2), bias)

# %%
# 裁剪超过完整输出：完整输出 5×5，``post_padding=(6, 0)`` 让 H 维变成负数。
output = refused("post_padding_past_output", data, 1, (3, 3), weight, bias, post_padding=(6, 0))

# %%
# CAFFE 模式在头尾都裁 ``pre_padding``：完整输出 5，``pre_padding=(3, 3)`` 让两维都成为 5 - 6 = -1。
if hasattr(trt.PaddingMode, "CAFFE_ROUND_DOWN"):  # removed in TensorRT 10.0
    output = refused("caffe_pre_padding_negative", data, 1, (3, 3), weight, bias, pre_padding=(3, 3),
                     padding_mode=trt.PaddingMode.CAFFE_ROUND_DOWN)

# %%
# 分组数不整除输入通道数：6 个输入通道、8 个输出通道、4 组。
output = refused("groups_do_not_divide_channels", np.ones((1, 6, 3, 3), np.float32), 8, (3, 3),
                 np.ones(6 * 2 * 9, np.float32), np.zeros(8, np.float32), num_groups=4)

# %%
# 输入维数不够：3×3 卷积核配三维输入 (1, 1, 9)。
output = refused("rank3_input", data.reshape(1, 1, 9), 1, (3, 3), weight, bias)

# %%
# “Could not find any implementation”：单组二维 INT8（Q/DQ）反卷积、``dilation_nd=(2, 2)``，
# TensorRT 8.6 没有这样的 INT8 内核。
session = Session(int8=True)
network = session.network
inputT0 = session.add_input("inputT0", np.ones((1, 4, 3, 3), np.float32))
scale = network.add_constant([], np.array([1], dtype=np.float32)).get_output(0)
kernelTensor = network.add_constant((4, 4, 3, 3), np.ones((4, 4, 3, 3), np.float32)).get_output(0)
deconvolutionLayer = network.add_deconvolution_nd(quantize_dequantize(network, inputT0, scale), 4, (3, 3), trt.Weights())
deconvolutionLayer.set_input(1, quantize_dequantize(network, kernelTensor, scale))
deconvolutionLayer.dilation_nd = (2, 2)
deconvolutionLayer.name = "deconv"
output = run_or_print_refusal(session, "int8_dilated_no_implementation", deconvolutionLayer)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
