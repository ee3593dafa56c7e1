"""
图解：分组与各填充模式下的输出尺寸
==================================================

本页的图由 :mod:`trtdeconv_docs.layer.shapes` 和 :mod:`trtdeconv_docs.pictures` 中的几何公式画出
（:func:`~trtdeconv_docs.pictures.contributing_channels` 已用参考模型测试过），**不是**
TensorRT 的输出。
"""

# %%
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.pictures import groups_figure, output_size_figure
# sphinx_gallery_multi_image = "single"

# %%
# ``num_groups``：卷积核布局为 ``(C_in, num_output_maps / num_groups, kH, kW)``。
# 6 个输入通道、4 个输出通道、2 组时，输出通道 3 属于第 1 组，只由输入通道 3..5
# 与卷积核 ``w[3:6, 1]`` 算出；其余块（灰色）在这一层中不存在。
groups = resolve(num_output_maps=4, kernel_size_nd=(3, 3), num_groups=2)
groups_figure(groups, 6, 3)

# %%
# 输出尺寸：每维先算完整输出 :math:`(I-1) \cdot S + DK`，再按填充模式在开头裁掉
# :math:`B`、末尾裁掉 :math:`A` 个元素。这里 3×3 输入、3×3 卷积核、步长 2、
# ``padding_nd=(1,1)``：两种 EXPLICIT 模式裁掉 pre/post；SAME 模式忽略显式填充，
# 共裁 :math:`P = \max(DK - S, 0) = 1` 个，SAME_UPPER 裁在末尾、SAME_LOWER 裁在开头。
output_size_figure(resolve(num_output_maps=1, kernel_size_nd=(3, 3), stride_nd=(2, 2), padding_nd=(1, 1)), (3, 3))

# %%
# 当膨胀后的卷积核比步长短（:math:`DK < S`）时，SAME 模式什么也不裁：
# 输出是 :math:`(I-1) \cdot S + DK`，小于 :math:`I \cdot S`。
output_size_figure(resolve(num_output_maps=1, kernel_size_nd=(1, 2), stride_nd=(2, 3)), (3, 3))
