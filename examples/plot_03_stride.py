"""
stride_nd：步长
===============

``stride_nd`` 是输入元素在输出中的间隔（默认全 1）。每维输出长度为
:math:`(I-1)\\times S + K`，所以 3×3 输入、3×3 卷积核、步长 2 时输出 7×7。
``stride_nd`` 的两个数依次作用于 H 维和 W 维。

.. note:: TensorRT 8 旧名称

   ``stride`` (DimsHW) 已在 TensorRT 10 中移除，请用 ``stride_nd``。
"""
# sphinx_gallery_thumbnail_path = "_static/thumbnails/stride.png"

# %%
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()

# %%
# 依次试 (2,2)（H、W 维步长均为 2）、(2,1)（仅 H 维）和 (1,2)（仅 W 维）。
for stride in [(2, 2), (2, 1), (1, 2)]:
    session = Session()
    inputT0 = session.add_input("inputT0", data)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
    deconvolutionLayer.stride_nd = stride
    output = session.run(f"stride_nd=({stride[0]},{stride[1]})", deconvolutionLayer)
