"""
FP16：半精度下的反卷积
======================

``BuilderFlag.FP16`` （``Session(fp16=True)``）允许 TensorRT 为层选用 FP16 内核。FP16 的尾数只有
10 位，最大有限值是 65504。先把初始示例（输入 1..9，卷积核 :math:`10^4` 到 :math:`10^{-4}`）在
FP32 与 FP16 下各运行一次：TensorRT 是否真的选用 FP16 内核，看 ``session.tactics()``。
再用一个通道数大的层（256 → 128，16×16，随机数据）量出 FP16 相对 FP32 的误差。
"""

# %%
import numpy as np

from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.question_data import UPSAMPLING, upsampling_tensors
from trtdeconv_docs.session import Session, tensorrt_major, trt

data, weight, bias = seed_tensors()


def run_deconvolution(label, x, kernel, kernel_bias, num_output_maps, kernel_size_nd, fp16, show=True):
    """Build and run one deconvolution, FP16 allowed or not; print the chosen tactics; return the output."""
    session = Session(fp16=fp16)
    inputT0 = session.add_input("inputT0", x)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, num_output_maps, kernel_size_nd, kernel, kernel_bias)
    deconvolutionLayer.name = "deconv"
    (result,) = session.run(label, deconvolutionLayer, show=show).values()
    for name, tactic in session.tactics().items():
        print(f"tactic: {name}: {tactic}")
    return result


# %%
# 初始示例，FP32：
seed32 = run_deconvolution("seed_fp32", data, weight, bias, 1, (3, 3), fp16=False)

# %%
# 初始示例，允许 FP16：
seed16 = run_deconvolution("seed_fp16", data, weight, bias, 1, (3, 3), fp16=True)

# %%
# 两次输出之差（FP16 - FP32）：
with np.printoptions(precision=8, linewidth=200, suppress=True):
    print(seed16 - seed32)

# %%
# 允许 FP16 只是让 FP16 内核参与计时选择；要让这一层确实以 FP16 计算，把层的精度设为 FP16，
# 并打开 ``BuilderFlag.OBEY_PRECISION_CONSTRAINTS`` （``Session(obey_precision=True)``）。
# TensorRT 11 没有 ``ILayer.precision`` （网络总是强类型的，要用 FP16 的输入和权重），这里只在 8.6 与 10 上这样做。
def run_forced_fp16(label, x, kernel, kernel_bias, num_output_maps, kernel_size_nd, show=True):
    """The same deconvolution held to FP16: layer precision FP16 and OBEY_PRECISION_CONSTRAINTS."""
    session = Session(fp16=True, obey_precision=True)
    inputT0 = session.add_input("inputT0", x)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, num_output_maps, kernel_size_nd, kernel, kernel_bias)
    deconvolutionLayer.name = "deconv"
    if tensorrt_major() < 11:  # the callers below run this only there: TensorRT 11 has no ILayer.precision
        deconvolutionLayer.precision = trt.float16
    (result,) = session.run(label, deconvolutionLayer, show=show).values()
    for name, tactic in session.tactics().items():
        print(f"tactic: {name}: {tactic}")
    return result


if tensorrt_major() < 11:
    seedForced = run_forced_fp16("seed_fp16_forced", data, weight, bias, 1, (3, 3))
    with np.printoptions(precision=8, linewidth=200, suppress=True):
        print(seedForced - seed32)  # computed in FP16 (layer precision FP16) minus FP32

# %%
# 通道数大的层：打印两次构建的内核、FP16 输出与 FP32 输出之差的最大值、
# 它相对 FP32 输出最大绝对值的比例，以及差的中位数。
big_data, big_weight, big_bias = upsampling_tensors()
big = {fp16: run_deconvolution("upsampling_fp16" if fp16 else "upsampling_fp32", big_data, big_weight, big_bias,
                               UPSAMPLING["num_output_maps"], UPSAMPLING["kernel_size_nd"], fp16=fp16, show=False)
       for fp16 in (False, True)}
difference = np.abs(big[True].astype(np.float64) - big[False])
print(f"output {big[False].shape}; max |FP32 output| = {np.abs(big[False]).max():.4g}")
print(f"max |FP16 - FP32| = {difference.max():.3g} ({difference.max() / np.abs(big[False]).max():.2%} of max |FP32 output|)")
print(f"median |FP16 - FP32| = {np.median(difference):.3g}")

# %%
# 同一层以 FP16 计算（层精度 FP16）时与 FP32 输出之差：
if tensorrt_major() < 11:
    forced = run_forced_fp16("upsampling_fp16_forced", big_data, big_weight, big_bias, UPSAMPLING["num_output_maps"],
                             UPSAMPLING["kernel_size_nd"], show=False)
    difference = np.abs(forced.astype(np.float64) - big[False])
    print(f"max |FP16 computed - FP32| = {difference.max():.3g} "
          f"({difference.max() / np.abs(big[False]).max():.2%} of max |FP32 output|); median = {np.median(difference):.3g}")

# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
