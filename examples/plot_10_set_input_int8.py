"""
set_input：用张量提供卷积核（INT8 量化）
========================================

``set_input(1, tensor)`` 用网络中的张量代替卷积核权重（创建层时传空权重 ``trt.Weights()``），
``set_input(2, tensor)`` 代替偏置。这里输入和卷积核都经过 scale 为 1 的
``IQuantizeLayer`` / ``IDequantizeLayer`` 做显式量化，反卷积以 INT8 计算；
卷积核中大于 127 的 :math:`10^4`、:math:`10^3` 被截断为 127，小于 0.5 的元素量化为 0。

.. note:: TensorRT 版本差异

   TensorRT 8.6 构建显式量化网络需要 ``BuilderFlag.INT8``（``Session(int8=True)`` 会设置它）；
   TensorRT 10.12 起该标志已弃用，TensorRT 11 移除了它，网络总是强类型的。
"""

# %%
import numpy as np
import tensorrt as trt

from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()

session = Session(int8=True)
network = session.network
inputT0 = session.add_input("inputT0", data)
scale = network.add_constant([], np.array([1], dtype=np.float32)).get_output(0)
kernelTensor = network.add_constant([1, 1, 3, 3], weight).get_output(0)  # (C_in, C_out, kH, kW)

quantizedInput = network.add_quantize(inputT0, scale).get_output(0)
dequantizedInput = network.add_dequantize(quantizedInput, scale).get_output(0)
quantizedKernel = network.add_quantize(kernelTensor, scale).get_output(0)
dequantizedKernel = network.add_dequantize(quantizedKernel, scale).get_output(0)

deconvolutionLayer = network.add_deconvolution_nd(dequantizedInput, 1, (3, 3), trt.Weights())  # 空权重
deconvolutionLayer.set_input(1, dequantizedKernel)
output = session.run("int8_qdq", deconvolutionLayer)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
