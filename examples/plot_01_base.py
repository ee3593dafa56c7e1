"""
初始示例：一个 3×3 反卷积
=========================

对 1×1×3×3 的输入做 3×3 反卷积（步长 1，无填充），输出 1×1×5×5。卷积核元素从
:math:`10^4` 递减到 :math:`10^{-4}`，输出中每一位数字对应一次“输入元素 × 核元素”。
"""

# %%
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()  # input 1..9, kernel 10^4..10^-4, bias 0

session = Session()
inputT0 = session.add_input("inputT0", data)
deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
output = session.run("base", deconvolutionLayer)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"

# %%
# 受 float32 精度所限，例如中心元素的精确值 :claim-value:`base.centre_float32:exact`
# 打印为 :claim-code:`base.centre_float32:printed`：数值本身有
# :claim-value:`base.centre_float32:digits` 位有效数字，而 float32 只有约 7 位，TensorRT
# 输出的正是离精确值最近的 float32 数。
