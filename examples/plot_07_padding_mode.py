"""
padding_mode：由填充模式决定裁剪
================================

``padding_mode`` 优先于显式的 ``padding_nd`` / ``pre_padding`` / ``post_padding``。
为了看清差别，这里步长设为 (2,2)。本页运行安装的 TensorRT 中存在的每一种模式：
TensorRT 8.6 有 6 种，TensorRT 10 起 ``CAFFE_ROUND_DOWN`` 和 ``CAFFE_ROUND_UP`` 已被移除。
"""

# %%
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import Session, trt

data, weight, bias = seed_tensors()


def run_with_padding_mode(mode, kernel_size_nd=(3, 3), kernel=weight, **explicit_padding):
    """Build, run and print one deconvolution with stride (2,2), ``padding_mode=mode`` set last."""
    session = Session()
    inputT0 = session.add_input("inputT0", data)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, kernel_size_nd, kernel, bias)
    deconvolutionLayer.stride_nd = (2, 2)
    for name, value in explicit_padding.items():
        setattr(deconvolutionLayer, name, value)
    deconvolutionLayer.padding_mode = getattr(trt.PaddingMode, mode)
    settings = dict(explicit_padding, **({} if kernel_size_nd == (3, 3) else {"kernel_size_nd": kernel_size_nd}))
    label = f"padding_mode={mode}" + "".join(f",{name}={value}".replace(" ", "") for name, value in settings.items())
    return session.run(label, deconvolutionLayer)


for mode in ["SAME_UPPER", "SAME_LOWER", "EXPLICIT_ROUND_UP", "EXPLICIT_ROUND_DOWN", "CAFFE_ROUND_UP", "CAFFE_ROUND_DOWN"]:
    if hasattr(trt.PaddingMode, mode):
        output = run_with_padding_mode(mode)
    else:
        print(f"TensorRT {trt.__version__} has no PaddingMode.{mode}")

# %%
# 显式填充与填充模式同时设置时，看看谁生效：先设 ``pre_padding=(1,1)``、
# ``post_padding=(1,1)``，再设 ``SAME_UPPER``。
output = run_with_padding_mode("SAME_UPPER", pre_padding=(1, 1), post_padding=(1, 1))

# %%
# CAFFE 模式如何对待显式填充（NVIDIA 文档未说明，这里实测）：同样设
# ``pre_padding=(1,1)``、``post_padding=(0,0)``，EXPLICIT_ROUND_DOWN 只裁头部一行/列，
# CAFFE_ROUND_DOWN 则在头尾都裁 ``pre_padding``，忽略 ``post_padding``。
for mode in ["EXPLICIT_ROUND_DOWN", "CAFFE_ROUND_DOWN"]:
    if hasattr(trt.PaddingMode, mode):
        output = run_with_padding_mode(mode, pre_padding=(1, 1), post_padding=(0, 0))

# %%
# 当等效卷积核短于步长（这里 1×1 卷积核、步长 2）时，SAME 模式的输出是
# :math:`(I-1)\\times S + DK` 而不是 :math:`I\\times S` （ONNX 的 ``auto_pad`` 给出后者）。
output = run_with_padding_mode("SAME_UPPER", kernel_size_nd=(1, 1), kernel=weight[:1])
# sphinx_gallery_thumbnail_path = "_static/thumbnails/padding_mode.png"
