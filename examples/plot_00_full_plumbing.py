"""
完整流程：不借助辅助函数
========================

这是原页面“初始示例代码”的完整写法，改用 TensorRT 8.6 与 10/11 共有的 API：
命名的输入输出张量（``num_io_tensors`` / ``get_tensor_name`` / ``set_tensor_address``）、
``execute_async_v3`` 和 ``set_memory_pool_limit``。其余示例把这些样板代码交给
``trtdeconv_docs.session.Session``，只展示反卷积层本身。

.. note:: TensorRT 8 旧写法

   原页面用的 ``config.max_workspace_size``、``context.get_binding_shape``、
   ``engine.get_binding_dtype`` 和 ``execute_async_v2`` 在 TensorRT 10 中已被移除；
   ``NetworkDefinitionCreationFlag.EXPLICIT_BATCH`` 在 TensorRT 8 中必须给出，
   在 10 中被忽略，在 11 中已移除。
"""

# %%
# 准备数据：输入 1×1×3×3，卷积核 3×3 的 9 个元素从 :math:`10^4` 到 :math:`10^{-4}`，
# 这样输出中每一位数字都能看出是哪个输入元素与哪个核元素相乘得到的。
import numpy as np

from trtdeconv_docs.session import runtime_calls

# trt is `import tensorrt as trt`, cudart is cuda-python's `from cuda.bindings import runtime as cudart`,
# with every call logged: on a GPU they run and are recorded; elsewhere the recording answers each call
# and refuses any call it does not hold (see the note at the end)
trt, cudart = runtime_calls("base_full_plumbing")

np.set_printoptions(precision=8, linewidth=200, suppress=True)
nIn, cIn, hIn, wIn = 1, 1, 3, 3  # input tensor, NCHW
cOut, hW, wW = 1, 3, 3  # output channels, kernel height and width
data = np.arange(1, 1 + nIn * cIn * hIn * wIn, dtype=np.float32).reshape(nIn, cIn, hIn, wIn)
weight = np.power(10, range(4, -5, -1), dtype=np.float32)
bias = np.zeros(cOut, dtype=np.float32)

# %%
# 建网络并构建引擎。
logger = trt.Logger(trt.Logger.ERROR)
builder = trt.Builder(logger)
flag = getattr(trt.NetworkDefinitionCreationFlag, "EXPLICIT_BATCH", None)
explicit_batch = flag is not None and int(trt.__version__.split(".")[0]) < 10
network = builder.create_network(1 << int(flag) if explicit_batch else 0)
config = builder.create_builder_config()
config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, 1 << 30)
config.clear_flag(trt.BuilderFlag.TF32)  # compute in FP32: see the TF32 example
inputT0 = network.add_input("inputT0", trt.float32, (nIn, cIn, hIn, wIn))
deconvolutionLayer = network.add_deconvolution_nd(inputT0, cOut, (hW, wW), weight, bias)
network.mark_output(deconvolutionLayer.get_output(0))
engineString = builder.build_serialized_network(network, config)
engine = trt.Runtime(logger).deserialize_cuda_engine(engineString)
context = engine.create_execution_context()

# %%
# 按名字为每个输入输出张量分配显存，拷入输入，执行，拷回输出。
names = [engine.get_tensor_name(i) for i in range(engine.num_io_tensors)]
host = {}
for name in names:
    if engine.get_tensor_mode(name) == trt.TensorIOMode.INPUT:
        host[name] = np.ascontiguousarray(data)
    else:
        host[name] = np.empty(context.get_tensor_shape(name), dtype=trt.nptype(engine.get_tensor_dtype(name)))
_, stream = cudart.cudaStreamCreate()
device = {}
for name in names:
    _, device[name] = cudart.cudaMalloc(host[name].nbytes)
    context.set_tensor_address(name, int(device[name]))
H2D, D2H = cudart.cudaMemcpyKind.cudaMemcpyHostToDevice, cudart.cudaMemcpyKind.cudaMemcpyDeviceToHost
cudart.cudaMemcpyAsync(device["inputT0"], host["inputT0"].ctypes.data, host["inputT0"].nbytes, H2D, stream)
context.execute_async_v3(int(stream))
outputName = deconvolutionLayer.get_output(0).name
cudart.cudaMemcpyAsync(host[outputName].ctypes.data, device[outputName], host[outputName].nbytes, D2H, stream)
cudart.cudaStreamSynchronize(stream)

print("inputH0 :", data.shape)
print(data)
print("outputH0:", host[outputName].shape)
print(host[outputName])

for pointer in device.values():
    cudart.cudaFree(pointer)
cudart.cudaStreamDestroy(stream)

# %%
# 本站把这次运行的输入、输出、网络和上面每一次 TensorRT 与 CUDA 调用记录进 ``recordings/tensors``
# （只在 GPU 上录制时写入）。没有 GPU 时，构建本站照样运行本例：每次调用都与记录逐一核对，
# 显存指针只是记录里的编号，拷回主机的输出取自 GPU 上的记录；输入字节或任何一次调用对不上，
# 构建就失败，并说明如何在 GPU 上重新记录。
from trtdeconv_docs.session import record

record("base_full_plumbing", network, {"inputT0": data}, {outputName: host[outputName]})

# sphinx_gallery_thumbnail_path = "_static/thumbnails/base.png"
