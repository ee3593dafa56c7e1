"""
图解：哪些输入元素和卷积核元素组成一个输出元素
==========================================================

反卷积的输出元素 :math:`y[o]` 是所有满足 :math:`i \\cdot S + k \\cdot D - B = o` 的乘积
:math:`x[i] \\cdot w[k]` 之和（:math:`S` 步长、:math:`D` 膨胀、:math:`B` 输出开头被裁掉的元素数）。
把它看成“收集”：在输入的元素之间插入 :math:`S-1` 个零、四周各补 :math:`DK-1` 个零
（:math:`DK = 1 + D(K-1)`），再让旋转 180° 的卷积核在上面滑动，窗口落在
:math:`o + B` 处时盖住的非零元素，就是组成 :math:`y[o]` 的那些乘积。

下面的图都由 :mod:`trtdeconv_docs.layer.shapes` 和 :mod:`trtdeconv_docs.pictures` 中的几何公式画出
（其中 :func:`~trtdeconv_docs.pictures.contributing_taps` 已用参考模型测试过），
**不是** TensorRT 的输出；TensorRT 实际算出的矩阵见前面各示例。图中橙色是参与的元素，
蓝色是落在零上的卷积核元素，灰色是被裁掉的输出。数据沿用前面示例：输入 1..9，
卷积核 :math:`10^4` .. :math:`10^{-4}`。
"""

# %%
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.pictures import gather_figure
# sphinx_gallery_multi_image = "single"

data, weight, _ = seed_tensors()
x, w = data[0, 0], weight.reshape(3, 3)

# %%
# 初始示例（步长 1，无填充）：输出 5×5，:math:`y[1,1]` 由 4 个乘积组成。
gather_figure(resolve(num_output_maps=1, kernel_size_nd=(3, 3)), (3, 3), (1, 1), x, w)

# %%
# ``stride_nd=(2,2)``：输入元素之间插入 1 个零，输出 7×7。奇数位置的 :math:`y[1,1]`
# 只由输入元素 1 乘卷积核中心 :math:`w[1,1]` 得到；偶数位置的 :math:`y[2,2]` 则由 4 个乘积组成。
stride = resolve(num_output_maps=1, kernel_size_nd=(3, 3), stride_nd=(2, 2))
gather_figure(stride, (3, 3), (1, 1), x, w)
gather_figure(stride, (3, 3), (2, 2), x, w)

# %%
# ``padding_nd=(1,1)``：完整输出 5×5 的四周各裁掉 1 个元素，输出 3×3；
# 输出 :math:`y[0,0]` 是完整输出的 :math:`(1,1)` 元素。
gather_figure(resolve(num_output_maps=1, kernel_size_nd=(3, 3), padding_nd=(1, 1)), (3, 3), (0, 0), x, w)

# %%
# ``pre_padding=(1,0)``、``post_padding=(0,2)``：H 维开头裁 1 个，W 维末尾裁 2 个，输出 4×3。
prepost = resolve(num_output_maps=1, kernel_size_nd=(3, 3), pre_padding=(1, 0), post_padding=(0, 2))
gather_figure(prepost, (3, 3), (0, 2), x, w)

# %%
# ``dilation_nd=(2,2)``：卷积核元素之间相隔 1 个位置，:math:`DK = 5`，输出 7×7；
# 窗口里只有 2 个卷积核元素落在输入元素上。
dilation = resolve(num_output_maps=1, kernel_size_nd=(3, 3), dilation_nd=(2, 2))
gather_figure(dilation, (3, 3), (2, 3), x, w)
