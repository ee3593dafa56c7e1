"""
set_input：用张量提供卷积核（INT8 量化）
========================================

``set_input(1, tensor)`` 用网络中的张量代替卷积核权重（创建层时传空权重 ``trt.Weights()``），
``set_input(2, tensor)`` 代替偏置。这里输入和卷积核都经过 scale 为 1 的
``IQuantizeLayer`` / ``IDequantizeLayer`` 做显式量化，反卷积以 INT8 计算；
卷积核中大于 127 的 :math:`10^4`、:math:`10^3` 被截断为 127，小于 0.5 的元素量化为 0。

.. note:: TensorRT 版本差异

   TensorRT 8.6 构建显式量化网络需要 ``BuilderFlag.INT8`` （``Session(int8=True)`` 会设置它）；
   TensorRT 10.12 起该标志已弃用，TensorRT 11 移除了它，网络总是强类型的。
   TensorRT 8.6 的 ``add_quantize`` / ``add_dequantize`` 只有 ``(input, scale)`` 两个参数；
   9.1 起可以用第三个参数给出输出类型，TensorRT 11 只剩这种三个参数的写法。
   下面的代码按安装的版本选择写法，在 8.6 上建出的网络与两个参数的写法完全相同。
"""

# %%
import numpy as np

from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session, trt

data, weight, bias = seed_tensors()

session = Session(int8=True)
network = session.network
inputT0 = session.add_input("inputT0", data)
scale = network.add_constant([], np.array([1], dtype=np.float32)).get_output(0)
kernelTensor = network.add_constant([1, 1, 3, 3], weight).get_output(0)  # (C_in, C_out, kH, kW)

# TensorRT 8.6: add_quantize(input, scale); from 9.1 on a third argument gives the output type (required in 11).
takesOutputType = int(trt.__version__.split(".")[0]) >= 9


def quantizeDequantize(tensor):
    """tensor -> IQuantizeLayer (INT8) -> IDequantizeLayer (FP32), both with ``scale``."""
    if takesOutputType:
        quantized = network.add_quantize(tensor, scale, trt.int8).get_output(0)
        dequantized = network.add_dequantize(quantized, scale, trt.float32)
    else:  # TensorRT 8.6
        quantized = network.add_quantize(tensor, scale).get_output(0)
        dequantized = network.add_dequantize(quantized, scale)
    return dequantized.get_output(0)


dequantizedInput = quantizeDequantize(inputT0)
dequantizedKernel = quantizeDequantize(kernelTensor)

deconvolutionLayer = network.add_deconvolution_nd(dequantizedInput, 1, (3, 3), trt.Weights())  # empty weights
deconvolutionLayer.set_input(1, dequantizedKernel)
output = session.run("int8_qdq", deconvolutionLayer)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
