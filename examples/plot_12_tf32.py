"""
TF32：FP32 层不一定按 FP32 计算
===============================

在 Ampere 及更新的 GPU 上，TensorRT 默认允许 FP32 层使用 TF32（尾数只有 10 位）。
本站其余示例都清除了 ``BuilderFlag.TF32``，输出是 FP32 精度；这里把初始示例分别在
清除和保留（TensorRT 默认）TF32 时各运行一次，比较两者。
"""

# %%
import numpy as np

from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()

outputs = {}
for tf32 in [False, True]:
    session = Session(tf32=tf32)
    inputT0 = session.add_input("inputT0", data)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
    (outputs[tf32],) = session.run("tf32_allowed" if tf32 else "tf32_cleared", deconvolutionLayer).values()

# %%
# 两次输出之差：
with np.printoptions(precision=8, linewidth=200, suppress=True):
    print(outputs[True] - outputs[False])
# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
