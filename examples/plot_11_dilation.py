"""
dilation_nd：空洞反卷积
=======================

``dilation_nd`` （原页面未介绍）让卷积核各元素在输出中相隔 ``D`` 个位置，
等效卷积核长度为 :math:`1 + D\\times(K-1)`，每维输出长度为 :math:`(I-1)\\times S + 1 + D\\times(K-1)`。
"""
# sphinx_gallery_thumbnail_path = "_static/thumbnails/dilation.png"

# %%
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()

for dilation in [(2, 2), (1, 2)]:
    session = Session()
    inputT0 = session.add_input("inputT0", data)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
    deconvolutionLayer.dilation_nd = dilation
    output = session.run(f"dilation_nd=({dilation[0]},{dilation[1]})", deconvolutionLayer)
