"""
三维反卷积
==========

卷积核 ``kernel_size_nd`` 有 3 个数时做三维反卷积，输入须为 5 维 (N, C, D, H, W)。
这里输入形状 (1, 1, 2, 3, 3)：D 维的两层都是 1..9；卷积核形状 (2, 3, 3)，
D 维第 0 层是原卷积核、第 1 层是它的相反数。输出 (1, 1, 3, 5, 5) 在 **D 维**
（原页面误写为 C 维）的中间层是两项相互抵消的结果。
"""

# %%
import numpy as np

from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

plane, kernel, bias = seed_tensors()
data = np.stack([plane, plane], axis=2)  # (1, 1, 2, 3, 3): two layers along D
weight = np.concatenate([kernel, -kernel])  # a (2, 3, 3) kernel, flattened in D, H, W order

session = Session()
inputT0 = session.add_input("inputT0", data)
deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (2, 3, 3), weight, bias)
output = session.run("3d", deconvolutionLayer)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
