"""
output_padding 大于 padding 时：先反卷积、再补零、最后加偏置
============================================================

PyTorch 的 ``ConvTranspose2d(padding=p, output_padding=op)`` 在 ``op <= p`` 时对应
``pre_padding = p``、``post_padding = p - op`` （见 :doc:`/maps/pytorch_onnx`）。``op > p`` 时
``post_padding`` 为负，TensorRT 拒绝；多出的末尾元素落在完整输出之外，PyTorch 在那里只放偏置。
做法（``trtdeconv_docs.layer.mappings.output_padding_recipe``）：

1. 反卷积**不带偏置**，``pre_padding = p``、``post_padding = max(p - op, 0)``；
2. 用 ``IPaddingLayer`` 在每维末尾补 ``max(op - p, 0)`` 个零；
3. 用 ``IElementWiseLayer`` 加上形状 (1, C, 1, 1) 的偏置常量（按 C 维广播）。

这里 ``stride=3, padding=(0, 2), output_padding=(2, 1)``：H 维 ``op > p``，W 维 ``op < p``。
测试 ``tests/test_output_padding_recipe.py`` 把 TensorRT 的输出与按 PyTorch 定义（卷积的伴随）
算出的结果逐元素比对。
"""

# %%
import numpy as np

from trtdeconv_docs.layer.mappings import output_padding_recipe
from trtdeconv_docs.question_data import OUTPUT_PADDING_CASE, output_padding_tensors
from trtdeconv_docs.session import Session, trt

x, weight, bias = output_padding_tensors()
attributes, trailing = output_padding_recipe(2, **OUTPUT_PADDING_CASE)
print(f"deconvolution: {attributes}; zeros appended: {trailing}")

session = Session()
network = session.network
inputT0 = session.add_input("x", x)
deconvolutionLayer = network.add_deconvolution_nd(inputT0, attributes["num_output_maps"], attributes["kernel_size_nd"],
                                                  weight.reshape(-1), trt.Weights())  # 不带偏置
deconvolutionLayer.stride_nd = attributes["stride_nd"]
deconvolutionLayer.pre_padding = attributes["pre_padding"]
deconvolutionLayer.post_padding = attributes["post_padding"]
paddingLayer = network.add_padding_nd(deconvolutionLayer.get_output(0), (0, 0), trailing)
biasTensor = network.add_constant((1, bias.size, 1, 1), bias).get_output(0)
biasLayer = network.add_elementwise(paddingLayer.get_output(0), biasTensor, trt.ElementWiseOperation.SUM)
output = session.run("output_padding_recipe", biasLayer)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/padding_mode.png"
