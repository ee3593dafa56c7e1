"""
一维反卷积：TensorRT 不支持，改写成二维
=======================================

TensorRT 的反卷积只有二维和三维：一维的 ``kernel_size_nd`` 在创建层时就被拒绝
（``recordings/conformance`` 的 r19），二维卷积核配三维 (N, C, W) 的输入在构建时被拒绝，下面打印后者的原话。
办法是用 ``IShuffleLayer`` 给输入加一个长度为 1 的 H 维，做 1×K 的二维反卷积，再把 H 维去掉。
"""

# %%
import numpy as np

from trtdeconv_docs.example_support import run_or_print_refusal
from trtdeconv_docs.session import Session

data = np.arange(1, 6, dtype=np.float32).reshape(1, 1, 5)  # (N, C, W)
kernel = np.array([1, 10, 100], dtype=np.float32)
bias = np.zeros(1, dtype=np.float32)

# %%
# 1×3 的卷积核直接用在三维输入 (1, 1, 5) 上：
session = Session()
inputT0 = session.add_input("inputT0", data)
deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (1, 3), kernel, bias)
output = run_or_print_refusal(session, "2d_kernel_rank3_input", deconvolutionLayer)

# %%
# 改写成二维：(1, 1, 5) → (1, 1, 1, 5)，卷积核 1×3、步长 (1, 2)，再 (1, 1, 1, 11) → (1, 1, 11)。
# ``reshape_dims`` 中的 0 表示照搬输入该维的长度。
session = Session()
network = session.network
inputT0 = session.add_input("inputT0", data)
unsqueeze = network.add_shuffle(inputT0)
unsqueeze.reshape_dims = (0, 0, 1, -1)
deconvolutionLayer = network.add_deconvolution_nd(unsqueeze.get_output(0), 1, (1, 3), kernel, bias)
deconvolutionLayer.stride_nd = (1, 2)
squeeze = network.add_shuffle(deconvolutionLayer.get_output(0))
squeeze.reshape_dims = (0, 0, -1)
output = session.run("1d_as_2d_stride2", squeeze)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/stride.png"
