"""
棋盘格伪影：k3 s2 与 k4 s2 对常数输入的输出
===========================================

步长 :math:`S = 2` 的反卷积把每个输入元素乘以整个卷积核，写到相隔 2 的位置上。卷积核大小 :math:`K = 3`
不能被 :math:`S` 整除时，相邻输出位置上叠加的乘积个数不同（1、2、4 个交替），即使输入和卷积核都是常数，
输出也呈棋盘状；:math:`K = 4` 时内部每个位置都叠加 4 个乘积，输出是平的（只有边缘不同）。
下面是 TensorRT 对 8×8 的全 1 输入、全 1 卷积核、零偏置的实际输出。

最后一张图是“最近邻放大 2 倍再做 3×3 卷积”（resize + convolution），常被用来避免棋盘格；
它是**另一种算子**，输出与任何反卷积都不同，这里只用来对比，不是等价写法。
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from trtdeconv_docs.session import Session, trt

data = np.ones((1, 1, 8, 8), dtype=np.float32)
bias = np.zeros(1, dtype=np.float32)

# %%
# 卷积核 3×3，步长 2，无填充：输出 17×17。
session = Session()
x = session.add_input("x", data)
k3 = session.network.add_deconvolution_nd(x, 1, (3, 3), np.ones((1, 1, 3, 3), dtype=np.float32), bias)
k3.stride_nd = (2, 2)
(k3_output,) = session.run("k3_s2", k3, show=False).values()

# %%
# 卷积核 4×4，步长 2，``padding_nd=(1, 1)``：输出 16×16。
session = Session()
x = session.add_input("x", data)
k4 = session.network.add_deconvolution_nd(x, 1, (4, 4), np.ones((1, 1, 4, 4), dtype=np.float32), bias)
k4.stride_nd = (2, 2)
k4.padding_nd = (1, 1)
(k4_output,) = session.run("k4_s2_p1", k4, show=False).values()

# %%
# 对比：最近邻放大 2 倍（16×16），再做 3×3、``padding_nd=(1, 1)`` 的卷积（不是反卷积）。
session = Session()
x = session.add_input("x", data)
resize = session.network.add_resize(x)
resize.scales = [1.0, 1.0, 2.0, 2.0]
resize.resize_mode = trt.InterpolationMode.NEAREST  # trt.ResizeMode is an 8.6-only alias
convolution = session.network.add_convolution_nd(resize.get_output(0), 1, (3, 3),
                                                 np.ones((1, 1, 3, 3), dtype=np.float32), bias)
convolution.padding_nd = (1, 1)
(resize_output,) = session.run("resize_conv", convolution, show=False).values()

# %%
# TensorRT 输出的中间一行（k3 的 1、2、4 交替；k4 内部全是 4）：
with np.printoptions(linewidth=200, suppress=True):
    for name, output in (("k3 s2", k3_output), ("k4 s2 p1", k4_output), ("resize + conv", resize_output)):
        print(f"{name:14s} row {output.shape[2] // 2}: {output[0, 0, output.shape[2] // 2]}")

# %%
# 三个输出画成图（颜色表示数值，每张图有自己的色标）：
figure, axes = plt.subplots(1, 3, figsize=(11, 3.8))
titles = ("deconvolution k3 s2", "deconvolution k4 s2 p1", "resize x2 (nearest) + conv k3 p1\n(a different operator)")
for axis, output, title in zip(axes, (k3_output, k4_output, resize_output), titles):
    image = axis.imshow(output[0, 0], cmap="viridis", interpolation="nearest")
    axis.set_title(title, fontsize=10)
    axis.set_xticks([])
    axis.set_yticks([])
    figure.colorbar(image, ax=axis, shrink=0.8)
figure.tight_layout()
plt.show()
