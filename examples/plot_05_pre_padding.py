"""
pre_padding：只裁掉输出的头部
============================

``pre_padding`` 只从每维的开头裁掉元素（默认全 0），输出长度为 :math:`(I-1)\\times S + K - B`。
"""

# %%
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()

for pre in [(1, 1), (1, 0), (0, 1)]:
    session = Session()
    inputT0 = session.add_input("inputT0", data)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
    deconvolutionLayer.pre_padding = pre
    output = session.run(f"pre_padding=({pre[0]},{pre[1]})", deconvolutionLayer)
