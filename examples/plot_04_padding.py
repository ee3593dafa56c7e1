"""
padding_nd：裁掉输出的边缘
==========================

反卷积的 ``padding_nd`` 与卷积相反：它不是给输入补 0，而是从完整输出的两端各裁掉
``padding_nd`` 个元素（默认全 0）。每维输出长度为 :math:`(I-1)\\times S + K - 2P`。

.. note:: TensorRT 8 旧名称

   ``padding`` (DimsHW) 已在 TensorRT 10 中移除，请用 ``padding_nd``。
"""
# sphinx_gallery_thumbnail_path = "_static/thumbnails/padding.png"

# %%
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()

# %%
# (1,1)：H、W 两维都裁掉首尾各 1 行/列；(1,0)：只裁 H 维；(0,1)：只裁 W 维；
# (2,2)：两维各裁首尾 2 个，只剩中心元素。
for padding in [(1, 1), (1, 0), (0, 1), (2, 2)]:
    session = Session()
    inputT0 = session.add_input("inputT0", data)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
    deconvolutionLayer.padding_nd = padding
    output = session.run(f"padding_nd=({padding[0]},{padding[1]})", deconvolutionLayer)
