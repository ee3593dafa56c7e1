"""
num_output_maps、kernel_size_nd、kernel 和 bias
===============================================

先用占位参数创建层，再逐个重设属性；结果与初始示例相同。

.. note:: TensorRT 8 旧名称

   ``kernel_size`` (DimsHW) 是 TensorRT 8 的旧名称，TensorRT 10 已移除，请用 ``kernel_size_nd``。
"""

# %%
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()  # input 1..9, kernel 10^4..10^-4, bias 0

session = Session()
inputT0 = session.add_input("inputT0", data)
placeHolder = weight[:1]  # a 1x1 placeholder kernel
deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (1, 1), placeHolder)  # the bias may be left out
deconvolutionLayer.num_output_maps = 1  # set the number of output maps again
deconvolutionLayer.kernel_size_nd = (3, 3)  # set the kernel size again
deconvolutionLayer.kernel = weight  # set the kernel again
deconvolutionLayer.bias = bias  # set the bias again
output = session.run("attributes", deconvolutionLayer)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
