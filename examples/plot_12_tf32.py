"""
TF32：FP32 层不一定按 FP32 计算
===============================

在 Ampere 及更新的 GPU 上，TensorRT 默认允许 FP32 层使用 TF32（尾数只有 10 位）。
本站其余示例都清除了 ``BuilderFlag.TF32``，输出是 FP32 精度；这里把初始示例分别在
清除和保留（TensorRT 默认）TF32 时各运行一次，比较两者。这样小的层，TensorRT 并不选 TF32 内核，
两次输出相同；第二部分换成通道数大的层（256 → 128，16×16），TensorRT 才选用 TF32 内核。
"""

# %%
import numpy as np

from trtdeconv_docs.layer import reference, tolerance
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.example_data import seed_tensors
from trtdeconv_docs.question_data import UPSAMPLING, upsampling_tensors
from trtdeconv_docs.session import Session

data, weight, bias = seed_tensors()

outputs = {}
for tf32 in [False, True]:
    session = Session(tf32=tf32)
    inputT0 = session.add_input("inputT0", data)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)
    (outputs[tf32],) = session.run("tf32_allowed" if tf32 else "tf32_cleared", deconvolutionLayer).values()

# %%
# 两次输出之差：
with np.printoptions(precision=8, linewidth=200, suppress=True):
    print(outputs[True] - outputs[False])

# %%
# 通道数大的层：输入 (1, 256, 16, 16)、128 个输出通道、3×3 卷积核，数据是随机数。
# 这两次构建用 TensorRT 默认的构建优化级别 3（本站其余示例用 0，构建更快但试的内核更少）。
# 打印两次构建各自选用的内核（名字含 ``tf32`` 即 TF32 内核）、两次输出之差，
# 以及每次输出与 float64 参考模型之差相对于 :mod:`trtdeconv_docs.layer.tolerance` 误差界的比值（不超过 1 即在界内）。
big_data, big_weight, big_bias = upsampling_tensors()
layer = resolve(num_output_maps=UPSAMPLING["num_output_maps"], kernel_size_nd=UPSAMPLING["kernel_size_nd"])
exact = reference.deconvolve(big_data, big_weight, big_bias, layer)
terms = reference.absolute_terms(big_data, big_weight, big_bias, layer)
counts = reference.term_counts(big_data.shape, layer)

big = {}
for tf32 in [False, True]:
    session = Session(tf32=tf32, optimization_level=3)  # TensorRT's default level: it tries more kernels
    inputT0 = session.add_input("inputT0", big_data)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, UPSAMPLING["num_output_maps"],
                                                              UPSAMPLING["kernel_size_nd"], big_weight, big_bias)
    deconvolutionLayer.name = "deconv"
    label = "tf32_allowed_256to128" if tf32 else "tf32_cleared_256to128"
    (big[tf32],) = session.run(label, deconvolutionLayer, show=False).values()
    tactic_names = session.tactics()
    chosen = "tf32" if any("tf32" in name.lower() for name in tactic_names.values()) else "fp32"
    print(f"{label}: output {big[tf32].shape}")
    for name, tactic in tactic_names.items():
        print(f"  tactic: {name}: {tactic}")
    ratio = tolerance.worst_ratio(big[tf32], exact, terms, counts, chosen)
    print(f"  max |TensorRT - reference| / {chosen} bound = {ratio:.3g}")

print(f"max |TF32 allowed - TF32 cleared| = {np.abs(big[True] - big[False]).max():.3g}")
print(f"max |output| = {np.abs(big[False]).max():.3g}")
print(f"largest TF32 bound = {tolerance.bound(terms, counts, 'tf32').max():.3g}, "
      f"largest FP32 bound = {tolerance.bound(terms, counts, 'fp32').max():.3g}")

# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
