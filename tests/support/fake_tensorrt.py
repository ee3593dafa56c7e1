"""A FAKE ``tensorrt`` and cuda-python runtime, just enough to run :mod:`trtdeconv_docs.trt.engine` on CPU.

The fake engine has one input ``x`` and one output ``y = 2 * x`` (float32, the input's shape);
device memory is host memory. It checks the engine module's plumbing (settings, refusals,
buffers, copies, timing loop), never what TensorRT computes.
"""

from __future__ import annotations

import ctypes
import enum
import types

import numpy as np


class Severity(enum.IntEnum):
    ERROR = 1
    WARNING = 2

    def __str__(self):  # as TensorRT's enums print
        return f"Severity.{self.name}"


class ILogger:
    Severity = Severity

    def __init__(self):
        pass


BuilderFlag = enum.Enum("BuilderFlag", "TF32 FP16 INT8 OBEY_PRECISION_CONSTRAINTS")
TensorIOMode = enum.Enum("TensorIOMode", "INPUT OUTPUT")
MemoryPoolType = enum.Enum("MemoryPoolType", "WORKSPACE")
ProfilingVerbosity = enum.Enum("ProfilingVerbosity", "DETAILED")
LayerInformationFormat = enum.Enum("LayerInformationFormat", "JSON")


class NetworkDefinitionCreationFlag(enum.IntEnum):
    EXPLICIT_BATCH = 0


class Config:
    def __init__(self):
        self.flags = {BuilderFlag.TF32}
        self.builder_optimization_level = 3  # TensorRT's default
        self.pool = None
        self.cache = None
        self.profiles = []

    def set_memory_pool_limit(self, pool, size):
        self.pool = (pool, size)

    def clear_flag(self, flag):
        self.flags.discard(flag)

    def set_flag(self, flag):
        self.flags.add(flag)

    def get_flag(self, flag):
        return flag in self.flags

    def create_timing_cache(self, data):
        return object()

    def set_timing_cache(self, cache, _ignore_mismatch):
        self.cache = cache

    def add_optimization_profile(self, profile):
        self.profiles.append(profile)


class Builder:
    behaviour = "build"
    """``build``, ``log_error`` (log an error, then build), ``refuse`` (return None) or ``raise``."""

    def __init__(self, logger):
        self.logger = logger

    def create_network(self, flags):
        return types.SimpleNamespace(flags=flags)

    def create_builder_config(self):
        return Config()

    def build_serialized_network(self, network, config):
        if Builder.behaviour == "raise":
            raise RuntimeError("the fake refuses by raising")
        if Builder.behaviour in ("log_error", "refuse"):
            self.logger.log(Severity.ERROR, "the fake logs an error")
        return None if Builder.behaviour == "refuse" else b"engine"


class Context:
    def __init__(self):
        self.addresses = {}

    def set_tensor_address(self, name, address):
        self.addresses[name] = address

    def set_input_shape(self, name, shape):
        raise AssertionError("the fake engine has static shapes")

    def get_tensor_shape(self, name):
        return Engine.shape

    def execute_async_v3(self, stream):
        size = int(np.prod(Engine.shape))
        x = np.ctypeslib.as_array((ctypes.c_float * size).from_address(self.addresses["x"]))
        y = np.ctypeslib.as_array((ctypes.c_float * size).from_address(self.addresses["y"]))
        y[:] = 2 * x
        return True


class Engine:
    shape = (1, 1, 2, 3)
    num_io_tensors = 2

    def get_tensor_name(self, index):
        return "xy"[index]

    def get_tensor_mode(self, name):
        return TensorIOMode.INPUT if name == "x" else TensorIOMode.OUTPUT

    def get_tensor_shape(self, name):
        return self.shape

    def get_tensor_dtype(self, name):
        return "float32"

    def create_execution_context(self):
        return Context()

    def create_engine_inspector(self):
        return types.SimpleNamespace(get_engine_information=lambda _format: '{"Layers": [{"Name": "fake"}]}')


class Runtime:
    def __init__(self, logger):
        pass

    def deserialize_cuda_engine(self, data):
        return Engine()


def nptype(dtype):
    return np.dtype(dtype).type


tensorrt = types.ModuleType("tensorrt")
tensorrt.__version__ = "8.6.0"
for _name, _value in dict(ILogger=ILogger, Builder=Builder, Runtime=Runtime, BuilderFlag=BuilderFlag,
                          TensorIOMode=TensorIOMode, MemoryPoolType=MemoryPoolType, nptype=nptype,
                          ProfilingVerbosity=ProfilingVerbosity, LayerInformationFormat=LayerInformationFormat,
                          NetworkDefinitionCreationFlag=NetworkDefinitionCreationFlag).items():
    setattr(tensorrt, _name, _value)

_buffers = {}
runtime = types.ModuleType("cuda.bindings.runtime")
runtime.cudaError_t = types.SimpleNamespace(cudaSuccess=0)
runtime.cudaMemcpyKind = types.SimpleNamespace(cudaMemcpyHostToDevice=1, cudaMemcpyDeviceToHost=2)


def _malloc(size):
    buffer = ctypes.create_string_buffer(size)
    _buffers[ctypes.addressof(buffer)] = buffer
    return 0, ctypes.addressof(buffer)


def _free(address):
    del _buffers[address]
    return (0,)


def _copy(destination, source, count, kind, stream):
    ctypes.memmove(destination, source, count)
    return (0,)


_clock = iter(range(1, 10 ** 9))
for _name, _function in dict(cudaStreamCreate=lambda: (0, 7), cudaStreamDestroy=lambda stream: (0,),
                             cudaStreamSynchronize=lambda stream: (0,), cudaMalloc=_malloc, cudaFree=_free,
                             cudaMemcpyAsync=_copy, cudaEventCreate=lambda: (0, object()),
                             cudaEventRecord=lambda _event, _stream: (0,),
                             cudaEventElapsedTime=lambda start, end: (0, 0.5)).items():
    _function.__name__ = _name
    setattr(runtime, _name, _function)


def modules():
    """``sys.modules`` entries that make ``import tensorrt`` and ``from cuda.bindings import runtime`` find the fakes."""
    cuda, bindings = types.ModuleType("cuda"), types.ModuleType("cuda.bindings")
    cuda.bindings, bindings.runtime = bindings, runtime
    return {"tensorrt": tensorrt, "cuda": cuda, "cuda.bindings": bindings, "cuda.bindings.runtime": runtime}


def live_buffers() -> int:
    """Fake device allocations not freed yet."""
    return len(_buffers)
