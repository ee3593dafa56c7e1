"""
num_groups：分组反卷积
======================

输入的 C 维和输出通道都被均分为 ``num_groups`` 组，各组分别做反卷积再拼接。
输入通道数和 ``num_output_maps`` 都必须能被 ``num_groups`` 整除；
卷积核布局为 ``(C_in, num_output_maps / num_groups, kH, kW)``。

这里输入 2 个通道都是 1..9，第 1 组用原卷积核、第 2 组用它的相反数，
所以第 2 个输出通道恰好是第 1 个的相反数。（原页面的代码用 ``np.concatenate`` 把输入
拼成了 (2,2,3,3)，实际送进网络的第 2 个通道是 10..18，与它给出的矩阵不符。）
"""

# %%
import numpy as np

from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, _ = seed_tensors(channels=2)  # both channels hold 1..9
weight = np.concatenate([weight[:9], -weight[:9]])  # group 1: +kernel, group 2: -kernel
bias = np.zeros(2, dtype=np.float32)

session = Session()
inputT0 = session.add_input("inputT0", data)
deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 2, (3, 3), weight, bias)
deconvolutionLayer.num_groups = 2
output = session.run("num_groups=2", deconvolutionLayer)

# %%
# 每组的输入通道数与输出通道数不同时，才看得出卷积核的布局：2 个输入通道、4 个输出通道、2 组，
# 每组 1 个输入通道、2 个输出通道，卷积核形状 (C_in, num_output_maps / num_groups, kH, kW) = (2, 2, 3, 3)。
# 第 c 个输入通道对第 m 个组内输出通道的卷积核全是 10c + m + 1，所以输出的 4 个通道
# 分别是输入 3×3 窗口和的 1、2、11、12 倍。按原页面 ``[cOut, cIn, ...]`` 的顺序排卷积核，结果会不同。
layout = np.array([[10 * c + m + 1 for m in range(2)] for c in range(2)], dtype=np.float32)
weight4 = np.repeat(layout.reshape(2, 2, 1), 9, axis=2).reshape(-1)  # (C_in=2, C_out/g=2, 3×3)
session = Session()
inputT0 = session.add_input("inputT0", data)
deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 4, (3, 3), weight4, np.zeros(4, dtype=np.float32))
deconvolutionLayer.num_groups = 2
output = session.run("num_groups=2,C_in/g=1,C_out/g=2", deconvolutionLayer)

# sphinx_gallery_thumbnail_path = "_static/thumbnails/num_groups.png"
