"""
动态形状：一个引擎，多种输入尺寸
================================

输入的 H、W 可以是动态的（-1）：``add_input`` 的 ``profile=(min, opt, max)`` 参数（最小、最优、最大形状）给出一个优化配置
（optimization profile），同一个引擎就能接受这个范围内的任何 H、W。这里用同一个引擎运行两种输入尺寸。
C 维不能是动态的：卷积核的形状取决于它，最后一节把 C 设成动态，看 TensorRT 怎样拒绝。
"""

# %%
import numpy as np

from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.example_support import run_or_print_refusal
from trtdeconv_docs.session import Session

_, weight, _ = seed_tensors(channels=2)  # (C_in=2, C_out=1, 3, 3): the same kernel for both input channels
bias = np.zeros(1, dtype=np.float32)
small = np.arange(1, 1 + 2 * 3 * 3, dtype=np.float32).reshape(1, 2, 3, 3)
large = np.arange(1, 1 + 2 * 4 * 5, dtype=np.float32).reshape(1, 2, 4, 5)

# %%
# 输入 (1, 2, -1, -1)，H、W 在 2 到 8 之间；步长 (2, 2)。第一次运行 3×3 的输入：
session = Session()
inputT0 = session.add_input("inputT0", small, profile=((1, 2, 2, 2), (1, 2, 4, 4), (1, 2, 8, 8)))
deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
deconvolutionLayer.stride_nd = (2, 2)
output = session.run("dynamic_hw_3x3", deconvolutionLayer)

# %%
# 同一个引擎，输入 4×5：
output = session.run("dynamic_hw_4x5", inputs={"inputT0": large})

# %%
# C 维动态（1 到 4）：
session = Session()
inputT0 = session.add_input("inputT0", small, profile=((1, 1, 3, 3), (1, 2, 3, 3), (1, 4, 3, 3)))
deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
output = run_or_print_refusal(session, "dynamic_channels", deconvolutionLayer)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/padding_mode.png"
