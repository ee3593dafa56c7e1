"""A FAKE cuda-python runtime (``cuda.bindings.runtime``) for the runtime-call log's tests, beside the FAKE tensorrt.

"Device" memory is host memory at real addresses (the fake engine reads and writes it with
ctypes); copies happen at once. The calls return ``(cudaError_t, *values)`` as cuda-python's do,
streams are objects that ``int()`` turns into a number. Nothing here says anything about CUDA.
"""

import ctypes
import enum


class cudaError_t(enum.IntEnum):
    cudaSuccess = 0


class cudaMemcpyKind(enum.IntEnum):  # the values of CUDA's driver_types.h
    cudaMemcpyHostToDevice = 1
    cudaMemcpyDeviceToHost = 2


class cudaStream_t:
    def __init__(self):
        self._address = id(self)

    def __int__(self):
        return self._address


_allocations = {}
_streams = []


def cudaMalloc(size):
    buffer = ctypes.create_string_buffer(int(size))
    _allocations[ctypes.addressof(buffer)] = buffer
    return cudaError_t.cudaSuccess, ctypes.addressof(buffer)


def cudaFree(pointer):
    del _allocations[int(pointer)]
    return (cudaError_t.cudaSuccess,)


def cudaStreamCreate():
    _streams.append(cudaStream_t())
    return cudaError_t.cudaSuccess, _streams[-1]


def cudaStreamDestroy(stream):
    _streams.remove(stream)
    return (cudaError_t.cudaSuccess,)


def cudaMemcpy(dst, src, count, kind):
    ctypes.memmove(int(dst), int(src), int(count))
    return (cudaError_t.cudaSuccess,)


def cudaMemcpyAsync(dst, src, count, kind, stream):
    return cudaMemcpy(dst, src, count, kind)


def cudaStreamSynchronize(stream):
    return (cudaError_t.cudaSuccess,)
