"""
pre_padding 与 post_padding：只裁掉输出的头部或尾部
===================================================

``pre_padding`` 只从每维的开头裁掉元素，``post_padding`` 只从末尾裁掉（默认都为全 0）。
每维输出长度为 :math:`(I-1)\\times S + K - B - A`，``B``、``A`` 分别是 pre 和 post 的值。
``padding_nd`` 相当于把两者设为同一个值；后设置的覆盖先设置的。
"""
# sphinx_gallery_thumbnail_path = "_static/thumbnails/pre_post_padding.png"

# %%
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()

# %%
# (1,1)：H、W 两维都裁 1；(1,0)：只裁 H 维；(0,1)：只裁 W 维。
for attribute in ["pre_padding", "post_padding"]:
    for value in [(1, 1), (1, 0), (0, 1)]:
        session = Session()
        inputT0 = session.add_input("inputT0", data)
        deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
        setattr(deconvolutionLayer, attribute, value)
        output = session.run(f"{attribute}=({value[0]},{value[1]})", deconvolutionLayer)
