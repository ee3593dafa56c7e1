"""
超出范围的属性值：TensorRT 忽略这次设置，而不是拒绝构建
=======================================================

TensorRT 8.6 的 ``IDeconvolutionLayer`` 对 ``stride_nd``、``padding_nd``、``pre_padding``、``post_padding``、
``dilation_nd``、``kernel_size_nd``、``num_groups``、``num_output_maps`` 的设置做范围检查。
值超出范围时，设置函数只在日志里记一条错误（API Usage Error），不抛异常，属性保留原来的值，引擎照样构建。
这和“TensorRT 拒绝构建”（构建没有产出引擎，见 :ref:`sphx_glr_gallery_plot_19_errors.py`）是两回事：
用户拿到的是一个和代码所写不同的层，而且没有任何异常提醒。

每一节从初始示例的层（3×3 输入、3×3 卷积核）出发，设置一个非法值，打印：是否抛出异常、
TensorRT 日志中的原话、设置之后 TensorRT 读回的值、引擎是否构建，以及输出是否与不做这次设置的层相同。
"""

# %%
import numpy as np

from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.session import EngineBuildError, Session

data, weight, bias = seed_tensors()


def seed_layer(label, attribute=None, value=None):
    """The seed layer with ``attribute`` set to ``value`` (``Session.set_checked``): the session and the output.

    The output is ``None`` when TensorRT refused to build; its messages are printed.
    """
    session = Session()
    inputT0 = session.add_input("inputT0", data)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
    deconvolutionLayer.name = "deconv"
    if attribute is not None:
        session.set_checked(deconvolutionLayer, attribute, value)
    try:
        (output,) = session.run(label, deconvolutionLayer, show=False).values()
    except EngineBuildError as error:
        for message in error.messages:
            print(f"  build: {message.rstrip()}")
        return session, None
    return session, output


# %%
# 不做设置的层：后面每一节的输出都和它比较。
_, unchanged = seed_layer("unchanged")
print(f"unchanged: output {unchanged.shape}")
print(unchanged)

# %%
# 每个属性一两个非法值（负数、0、超过 TensorRT 的上限 100000、维数不对）：
INVALID = [
    ("stride_nd", (0, 0)), ("stride_nd", (100001, 1)),
    ("padding_nd", (-1, -1)), ("padding_nd", (100001, 0)),
    ("pre_padding", (-1, 0)), ("post_padding", (0, -1)),
    ("dilation_nd", (0, 1)), ("dilation_nd", (100001, 1)),
    ("kernel_size_nd", (0, 3)), ("kernel_size_nd", (1000, 1000)), ("kernel_size_nd", (3, 3, 3, 3)),
    ("num_groups", 0), ("num_groups", 100000),
    ("num_output_maps", 0), ("num_output_maps", 2 ** 28),
]

for attribute, value in INVALID:
    label = f"{attribute}_{'_'.join(str(v) for v in np.ravel(value))}"
    print(f"{attribute} = {value}:")
    session, output = seed_layer(label, attribute, value)
    (checked,) = session.setters
    print(f"  exception: {checked['raised'] or 'none'}")
    for message in checked["logged"] or ["(nothing)"]:
        print(f"  logged: {message.rstrip()}")
    print(f"  read back: {checked['read_back']}")
    if output is None:
        print("  engine: not built (TensorRT refused to build)")
    elif output.shape == unchanged.shape and np.array_equal(output, unchanged):
        print(f"  engine: built; output {output.shape}, identical to the layer without this setter")
    else:
        print(f"  engine: built; output {output.shape}, differs from the layer without this setter")

# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
