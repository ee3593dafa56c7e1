"""
INT8 逐通道卷积核 scale：轴 0 还是轴 1
=======================================

反卷积卷积核的布局是 (C_in, C_out/g, kH, kW)：轴 0 是输入通道，轴 1 是（组内的）输出通道。
Q/DQ 的语义是：卷积核的每个元素用它在 ``axis`` 上的下标对应的 scale 量化（四舍六入五成双，截断到 [-128, 127]）再乘回去。
NVIDIA 的建议与此处的测量不一致（NVIDIA/TensorRT#2380、#1694；pytorch-quantization 默认在轴 0 上量化
ConvTranspose 的权重），所以这里把两个轴放在一组层上逐一测量：C_in = C_out、C_in < C_out、C_in > C_out
（含互质的通道数），1 组和 2 组，有偏置和无偏置；scale 不是 2 的幂，部分卷积核元素超出 127 被截断。

每个层打印 TensorRT 选用的内核，以及 TensorRT 的输出与几种候选算法（float64 参考模型，
:mod:`trtdeconv_docs.layer.int8_axis`）之差（相对于输出的最大绝对值）：

* ``declared``：Q/DQ 的语义，沿声明的轴量化、反量化卷积核；
* ``unquantized``：直接用原卷积核（丢掉卷积核的 Q/DQ，TensorRT 8.6 选用 FP32 内核时就是这样）；
* ``rescale_first``：沿声明的轴量化卷积核，但输出通道 c 的整数和乘以 s[c]（c < n），超出时乘以 s[0]；
* ``rescale_clamped``：同上，乘以 s[min(c, n-1)]；
* ``rescale_modulo``：同上，乘以 s[c mod n]。

最后一列是从数据反推出的每个输出通道所乘的 scale 下标（``-`` 表示没有唯一的 scale 能解释该通道）。
"""

# %%
import numpy as np

from trtdeconv_docs.layer import int8_axis
from trtdeconv_docs.example_support import quantize_dequantize, run_or_print_refusal
from trtdeconv_docs.session import Session, trt


def per_channel_run(case):
    """Build and run one layer of the matrix; print its tactic, the rules' errors and the inferred scale indices."""
    x, kernel, bias, scales = int8_axis.tensors(case)
    session = Session(int8=True)
    network = session.network
    inputT0 = session.add_input("inputT0", x)
    inputScale = network.add_constant([], np.array([int8_axis.INPUT_SCALE], dtype=np.float32)).get_output(0)
    kernelScale = network.add_constant([scales.size], scales).get_output(0)
    kernelTensor = network.add_constant(kernel.shape, kernel).get_output(0)
    biasWeights = (bias,) if bias is not None else ()
    deconvolutionLayer = network.add_deconvolution_nd(quantize_dequantize(network, inputT0, inputScale),
                                                      case.out_channels, int8_axis.KERNEL_SIZE, trt.Weights(),
                                                      *biasWeights)
    deconvolutionLayer.set_input(1, quantize_dequantize(network, kernelTensor, kernelScale, axis=case.axis))
    deconvolutionLayer.num_groups = case.groups
    deconvolutionLayer.name = "deconv"
    output = run_or_print_refusal(session, case.label, deconvolutionLayer, show=False)
    if output is None:
        return
    (result,) = output.values()
    errors = int8_axis.rule_errors(case, result, x, kernel, bias, scales)
    indices = int8_axis.inferred_scale_indices(case, result, x, kernel, bias, scales)
    tactic = "; ".join(f"{layer}: {name}" for layer, name in session.tactics().items())
    print(f"{case.label}: {case.scale_count} scales; tactic {tactic}")
    print("  " + "  ".join(f"{name} {error:.2e}" for name, error in errors.items()))
    print(f"  matches: {', '.join(int8_axis.matching_rules(errors)) or 'none'}; "
          f"scale index per output channel: {' '.join('-' if i is None else str(i) for i in indices)}")


# %%
# 一组的层（C_in, C_out）= (4, 4)、(4, 8)、(8, 4)、(3, 5)、(5, 3)，每种都试无偏置、有偏置，轴 0、轴 1：
for case in int8_axis.CASES:
    if case.groups == 1:
        per_channel_run(case)

# %%
# 两组的层（C_in, C_out）= (4, 4)、(4, 8)、(8, 4)、(6, 10)：
for case in int8_axis.CASES:
    if case.groups == 2:
        per_channel_run(case)

# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
