"""
同一个层构建多次：自动调优选的内核与输出的变化
===============================================

构建引擎时，TensorRT 的自动调优（autotuner）给每一层试若干个内核（tactic），按实测时间选最快的。
时间相近的两个内核，两次构建可能各选一个，输出在末几位不同。这里把同一个层构建多次，记录每次选的内核、
每次输出与 float64 参考模型之差相对于误差界（:mod:`trtdeconv_docs.layer.tolerance`）的比值，以及各次输出之间的最大差；
然后看什么能固定内核：复用同一个计时缓存（timing cache），或用算法选择器（``IAlgorithmSelector``）。

每次构建都用新的 builder；“新计时缓存”表示这次构建有自己的空计时缓存，每个内核都重新计时。
下面的结论不依赖自动调优选了哪个内核：比值不超过 1 说明输出在所选精度的误差界内。
"""

# %%
import numpy as np

from trtdeconv_docs.layer import reference, tolerance
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.example_support import run_or_print_refusal
from trtdeconv_docs.question_data import (DYNAMIC_UPSAMPLING, UPSAMPLING, dynamic_upsampling_tensors,
                                          upsampling_tensors)
from trtdeconv_docs.session import Session


def build_and_run(label, data, layer, weight, bias, settings, profile=None, stride=None):
    """One fresh builder: build the layer, run it, print its tactic and error/bound ratio; returns output, tactic.

    ``None`` if TensorRT refused to build (its messages are printed).
    """
    session = Session(optimization_level=3, **settings)
    inputT0 = session.add_input("inputT0", data, profile=profile)
    deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, layer.num_output_maps, layer.kernel_size_nd,
                                                              weight, bias)
    if stride is not None:
        deconvolutionLayer.stride_nd = stride
    deconvolutionLayer.name = "deconv"
    outputs = run_or_print_refusal(session, label, deconvolutionLayer, show=False)
    if outputs is None:
        return None
    (output,) = outputs.values()
    tactic = "; ".join(f"{name}: {kernel}" for name, kernel in session.kernels().items())
    precision = session.precision("deconv")  # a kernel named tf32, or one unnamed with TF32 allowed: the TF32 bound
    exact = reference.deconvolve(data, weight, bias, layer)
    terms = reference.absolute_terms(data, weight, bias, layer)
    counts = reference.term_counts(data.shape, layer)
    ratio = tolerance.worst_ratio(output, exact, terms, counts, precision)
    print(f"{label}: tactic {tactic}")
    print(f"  max |TensorRT - reference| / {precision} bound = {ratio:.3g}")
    if precision != "fp32":  # how far from FP32 accuracy the kernel actually was
        print(f"  max |TensorRT - reference| / fp32 bound = "
              f"{tolerance.worst_ratio(output, exact, terms, counts, 'fp32'):.3g}")
    return output, tactic


def compare(outputs):
    """Print which builds chose the same tactic and the largest difference between any two outputs."""
    labels = [label for label, result in outputs.items() if result is not None]
    if not labels:
        print("no build to compare")
        return
    tactics = {outputs[label][1] for label in labels}
    largest = max(float(np.abs(outputs[a][0] - outputs[b][0]).max()) for a in labels for b in labels)
    print(f"{len(labels)} builds, {len(tactics)} different tactic(s); "
          f"max |output difference| between any two builds = {largest:.3g}")


# %%
# 256 → 128 的层（:ref:`sphx_glr_gallery_plot_12_tf32.py` 的第二部分），TF32 允许（TensorRT 的默认）。
# 三次构建，每次用新的计时缓存：
data, weight, bias = upsampling_tensors()
layer = resolve(num_output_maps=UPSAMPLING["num_output_maps"], kernel_size_nd=UPSAMPLING["kernel_size_nd"])
fresh = {f"fresh_{i}": build_and_run(f"fresh_{i}", data, layer, weight, bias, {"tf32": True, "timing_cache": "fresh"})
         for i in range(1, 4)}
compare(fresh)

# %%
# 复用计时缓存：第一次构建把计时结果写进名为 ``autotuner`` 的缓存，第二次构建读它，不再计时。
cached = {f"cached_{i}": build_and_run(f"cached_{i}", data, layer, weight, bias,
                                       {"tf32": True, "timing_cache": "autotuner"}) for i in (1, 2)}
compare(cached)

# %%
# 算法选择器：每一层都选（实现, tactic）编号最小的候选内核，与计时无关（:mod:`trtdeconv_docs.trt.tactic_selector`）。
# 两次构建各用新的计时缓存：
selected = {f"selector_{i}": build_and_run(f"selector_{i}", data, layer, weight, bias,
                                           {"tf32": True, "timing_cache": "fresh", "algorithm_selector": True})
            for i in (1, 2)}
compare(selected)

# %%
# 所有构建放在一起：不同内核之间输出相差多少。
compare({**fresh, **cached, **selected})

# %%
# 动态形状的层：输入 (1, 64, -1, -1)，H、W 在 4 到 16 之间，64 → 32 个通道，3×3 卷积核，步长 2；
# 运行 8×8 的输入。三次构建各用新的计时缓存，再两次复用同一个计时缓存：
dynamicData, dynamicWeight, dynamicBias = dynamic_upsampling_tensors()
dynamicLayer = resolve(**{k: DYNAMIC_UPSAMPLING[k] for k in ("num_output_maps", "kernel_size_nd", "stride_nd")})
profile = ((1, 64, 4, 4), (1, 64, 8, 8), (1, 64, 16, 16))
dynamic = {}
for label, cache in [("dynamic_fresh_1", "fresh"), ("dynamic_fresh_2", "fresh"), ("dynamic_fresh_3", "fresh"),
                     ("dynamic_cached_1", "autotuner_dynamic"), ("dynamic_cached_2", "autotuner_dynamic")]:
    dynamic[label] = build_and_run(label, dynamicData, dynamicLayer, dynamicWeight, dynamicBias,
                                   {"tf32": True, "timing_cache": cache}, profile=profile,
                                   stride=DYNAMIC_UPSAMPLING["stride_nd"])
compare({label: value for label, value in dynamic.items() if "fresh" in label})
compare({label: value for label, value in dynamic.items() if "cached" in label})

# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
