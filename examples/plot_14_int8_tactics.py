"""
INT8：TensorRT 8.6 实际怎样计算反卷积
=====================================

输入和卷积核都经过 Q/DQ（scale 为 1）时，按 Q/DQ 的语义，反卷积应当用量化后的输入和
量化后的卷积核计算。这里的卷积核不在量化网格上（1.25、2.5、-3.75……），量化后变成整数，
所以两种算法一眼可辨：用了量化后的卷积核，输出全是整数；用了原卷积核，输出带 .25、.75 这样的小数。

同一种 Q/DQ 写法放在三种层上：单组二维、两组二维、三维。``session.tactics()`` 列出引擎中
每一层选用的内核（tactic）：名字里的 ``i8`` 表示 INT8 内核，``f32f32`` 表示 FP32 内核。
随后把 Q/DQ 放在不同位置，看哪种写法让反卷积真正以 INT8 运行；最后试逐通道（per-channel）的卷积核 scale。
"""

# %%
import numpy as np

from trtdeconv_docs.layer import reference
from trtdeconv_docs.example_support import quantize_dequantize, run_or_print_refusal
from trtdeconv_docs.session import Session, trt

data = np.arange(1, 10, dtype=np.float32).reshape(1, 1, 3, 3)
kernel = np.array([1.25, 2.5, -3.75, 0.5, 4.25, -1.5, 2.75, 0.25, -0.5], dtype=np.float32)


def print_tactics(session):
    """Every engine layer of the session's engine with the tactic TensorRT chose for it."""
    for layer, tactic in session.tactics().items():
        print(f"tactic: {layer}: {tactic}")


def int8_deconvolution(label, x, weight, num_output_maps, kernel_size_nd, num_groups=1,
                       quantize_input=True, quantize_kernel=True):
    """Build, run and print one deconvolution with Q/DQ (scale 1) on its input and/or its kernel."""
    session = Session(int8=True)
    network = session.network
    inputT0 = session.add_input("inputT0", x)
    scale = network.add_constant([], np.array([1], dtype=np.float32)).get_output(0)
    kernel_shape = (x.shape[1], num_output_maps // num_groups) + tuple(kernel_size_nd)  # (C_in, C_out/g, k...)
    kernelTensor = network.add_constant(kernel_shape, weight).get_output(0)
    deconvolutionInput = quantize_dequantize(network, inputT0, scale) if quantize_input else inputT0
    deconvolutionKernel = quantize_dequantize(network, kernelTensor, scale) if quantize_kernel else kernelTensor
    deconvolutionLayer = network.add_deconvolution_nd(deconvolutionInput, num_output_maps, kernel_size_nd, trt.Weights())
    deconvolutionLayer.set_input(1, deconvolutionKernel)
    deconvolutionLayer.num_groups = num_groups
    deconvolutionLayer.name = "deconv"
    output = session.run(label, deconvolutionLayer)
    print_tactics(session)
    return output


# %%
# 单组二维：若输出全是整数，就是量化后的卷积核 (1, 2, -4, 0, 4, -2, 3, 0, -0) 的结果。
output = int8_deconvolution("int8_2d_one_group", data, kernel, 1, (3, 3))

# %%
# 两组二维：两个输入通道都是 1..9，第 2 组用卷积核的相反数。
output = int8_deconvolution("int8_2d_two_groups", np.concatenate([data, data], axis=1),
                            np.concatenate([kernel, -kernel]), 2, (3, 3), num_groups=2)

# %%
# 三维：输入 D 维两层都是 1..9，卷积核 (1, 1, 2, 3, 3) 的第 2 层是第 1 层的相反数。
output = int8_deconvolution("int8_3d", np.stack([data, data], axis=2), np.concatenate([kernel, -kernel]),
                            1, (2, 3, 3))

# %%
# Q/DQ 放在哪里：单组二维层只量化卷积核、只量化输入时，各选用什么内核。
output = int8_deconvolution("int8_2d_kernel_qdq_only", data, kernel, 1, (3, 3), quantize_input=False)
output = int8_deconvolution("int8_2d_input_qdq_only", data, kernel, 1, (3, 3), quantize_kernel=False)

# %%
# 逐通道的卷积核 scale：卷积核布局是 (C_in, C_out/g, kH, kW)，轴 0 是输入通道，轴 1 是输出通道。
# 这里 C_in = 4、C_out = 8，两个轴的 scale 个数不同；输入用一个 scale（1/16，输入恰在网格上）。
# 构建成功时，把 TensorRT 的输出与参考模型的两种算法比较：按该轴量化的卷积核、未量化的卷积核。
rng = np.random.default_rng(14)
channelData = (rng.integers(-64, 65, (1, 4, 3, 3)) / 16).astype(np.float32)
channelKernel = rng.uniform(-1, 1, (4, 8, 2, 2)).astype(np.float32)
channelScales = {0: 2.0 ** -np.arange(5, 9, dtype=np.float32), 1: 2.0 ** -np.arange(4, 12, dtype=np.float32)}

for axis in (0, 1):
    session = Session(int8=True)
    network = session.network
    inputT0 = session.add_input("inputT0", channelData)
    inputScale = network.add_constant([], np.array([1 / 16], dtype=np.float32)).get_output(0)
    kernelScale = network.add_constant([channelScales[axis].size], channelScales[axis]).get_output(0)
    kernelTensor = network.add_constant(channelKernel.shape, channelKernel).get_output(0)
    deconvolutionLayer = network.add_deconvolution_nd(quantize_dequantize(network, inputT0, inputScale), 8, (2, 2),
                                                      trt.Weights())
    deconvolutionLayer.set_input(1, quantize_dequantize(network, kernelTensor, kernelScale, axis=axis))
    deconvolutionLayer.name = "deconv"
    output = run_or_print_refusal(session, f"int8_per_channel_axis{axis}", deconvolutionLayer, show=False)
    if output is not None:
        (result,) = output.values()
        step = np.expand_dims(channelScales[axis], [a for a in range(4) if a != axis])
        models = {"kernel quantized on this axis": np.clip(np.rint(channelKernel / step), *reference.INT8_RANGE) * step,
                  "kernel not quantized": channelKernel}
        for name, model_kernel in models.items():
            expected = reference.deconvolution(channelData, model_kernel, None, num_output_maps=8, kernel_size_nd=(2, 2))
            print(f"axis {axis}: max |TensorRT - reference model ({name})| = {np.abs(result - expected).max():.3g}")
        print_tactics(session)
# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
