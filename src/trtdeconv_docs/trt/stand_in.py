"""What answers ``import tensorrt`` on a machine without TensorRT: names only, no computing.

The stand-in knows TensorRT's Python API surface (``trtdeconv_docs.trt.api``,
extracted from NVIDIA's binding sources at a release tag) and nothing else: it accepts
a method call only if that class has the method with that many arguments, an attribute
set only if the class has the attribute, an enum member only if the enum has it, and
``hasattr`` answers as TensorRT would. It computes nothing: reading an attribute that
TensorRT would compute is a :class:`~trtdeconv_docs.errors.ReplayError`, and what a
network outputs comes from a GPU recording (:mod:`trtdeconv_docs.cassette.player`). Objects come
back with TensorRT's class names (``ITensor``, ``IDeconvolutionLayer``...), so that
:class:`~trtdeconv_docs.cassette.call_log.Proxy` logs the same calls on both sides.
"""

from __future__ import annotations

import types
from functools import lru_cache
from typing import Any, Dict

import numpy as np

from ..errors import ReplayError
from . import binding_types

RETURNS = {
    "add_input": "ITensor", "get_input": "ITensor", "get_output": "ITensor",
    "add_deconvolution_nd": "IDeconvolutionLayer", "add_convolution_nd": "IConvolutionLayer",
    "add_constant": "IConstantLayer", "add_quantize": "IQuantizeLayer", "add_dequantize": "IDequantizeLayer",
    "add_shuffle": "IShuffleLayer", "add_elementwise": "IElementWiseLayer", "add_padding_nd": "IPaddingLayer",
    "add_slice": "ISliceLayer", "add_resize": "IResizeLayer", "add_identity": "IIdentityLayer",
    "add_concatenation": "IConcatenationLayer", "add_activation": "IActivationLayer",
    "mark_output": None, "set_input": None,
}
"""What each method the examples call returns: a TensorRT class name, or ``None``. One list, on purpose short."""
ENUM_ALIASES = {"ResizeMode": "InterpolationMode"}
"""Module attributes that TensorRT binds as another name of an enum (``m.attr("ResizeMode") = InterpolationMode``)."""
DATA_TYPES = {"float32": "FLOAT", "float16": "HALF", "int8": "INT8", "int32": "INT32", "bool": "BOOL"}
"""``tensorrt.float32`` and friends: module-level aliases of ``DataType`` members."""


class StandInEnum:
    """Base of the stand-in enum classes; members carry ``name`` and ``value`` like pybind11's."""

    __members__: Dict[str, "StandInEnum"] = {}

    def __init__(self, name: str, value: int):
        self.name, self.value = name, value

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self.name}: {self.value}>"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.name == self.name

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.name))

    def __int__(self) -> int:
        return self.value


class _EnumMeta(type):
    def __getattr__(cls, member: str):
        try:
            return cls.__dict__["__members__"][member]
        except KeyError:
            raise AttributeError(f"type object '{cls.__name__}' has no attribute '{member}'") from None


def _enum(name: str, members) -> type:
    cls = _EnumMeta(name, (StandInEnum,), {})
    cls.__members__ = {member: cls(member, value) for value, member in enumerate(sorted(members))}
    return cls


class Weights:
    """``tensorrt.Weights``: empty, or an array's values held by reference, as TensorRT holds them until it builds.

    TensorRT's ``Weights`` points at the array's memory; what the engine computes with is what
    the array holds when the engine is built (the call log hashes it then, not at the call).
    """

    def __init__(self, array=None):
        self._array = np.array([], dtype=np.float32) if array is None else np.asarray(array).reshape(-1)

    @property
    def size(self) -> int:
        """Number of values."""
        return int(self._array.size)

    def numpy(self) -> np.ndarray:
        """The values as a 1-D array."""
        return self._array


class StandInObject:
    """An instance of a TensorRT class, by name: attribute sets kept, method calls checked."""

    def __init__(self, surface, values: Dict[str, Any] = None):
        object.__setattr__(self, "_surface", surface)
        object.__setattr__(self, "_values", dict(values or {}))

    def __getattr__(self, name: str):
        cls, surface = type(self).__name__, object.__getattribute__(self, "_surface")
        if name.startswith("__") or not surface.has(cls, name):
            raise AttributeError(f"'{cls}' object has no attribute '{name}'")
        if surface.overloads(cls, name):
            return _Method(self, name)
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise ReplayError(f"the replay cannot read {cls}.{name}: TensorRT computes it, and only what a "
                          f"network outputs is recorded; read it from what session.run returns")

    def __setattr__(self, name: str, value) -> None:
        cls, surface = type(self).__name__, object.__getattribute__(self, "_surface")
        if not surface.has(cls, name) or surface.overloads(cls, name):
            raise AttributeError(f"'{cls}' object has no attribute '{name}' to set")
        binding_types.check(name, value, f"{cls}.{name}")
        object.__getattribute__(self, "_values")[name] = value


class _Method:
    """A bound method of a stand-in object: checks the arguments against TensorRT's overloads."""

    def __init__(self, owner: StandInObject, name: str):
        self.owner, self.name = owner, name

    def __call__(self, *args, **kwargs):
        cls, surface = type(self.owner).__name__, object.__getattribute__(self.owner, "_surface")
        if not surface.accepts(cls, self.name, len(args), sorted(kwargs)):
            raise TypeError(f"{self.name}(): TensorRT {surface.version} has no overload of {cls}.{self.name} "
                            f"taking {len(args)} positional argument(s) and keywords {sorted(kwargs)}; "
                            f"it takes {surface.overloads(cls, self.name)}")
        names = _argument_names(surface, cls, self.name, len(args))
        for argument, value in list(zip(names, args)) + sorted(kwargs.items()):
            binding_types.check(argument, value, f"{cls}.{self.name}() argument {argument!r}")
        if self.name not in RETURNS:
            raise ReplayError(f"the replay does not know what {cls}.{self.name} returns; "
                              f"add it to trtdeconv_docs.trt.stand_in.RETURNS")
        returned = RETURNS[self.name]
        return None if returned is None else object_of(returned, surface)


def _argument_names(surface, cls: str, method: str, count: int):
    """The argument names of the first overload of ``cls.method`` taking ``count`` positionals (empty if unknown)."""
    for names in surface.overloads(cls, method):
        if names is not None and len(names) >= count:
            return names
    return []


@lru_cache(maxsize=None)
def _class(name: str) -> type:
    return type(name, (StandInObject,), {})


def object_of(class_name: str, surface, **values) -> StandInObject:
    """A stand-in instance of TensorRT class ``class_name``."""
    if class_name not in surface.classes:
        raise ReplayError(f"TensorRT {surface.version} has no class {class_name}")
    return _class(class_name)(surface, values)


def module(surface, version: str) -> types.ModuleType:
    """A ``tensorrt`` stand-in module for ``surface``, reporting ``__version__ = version``."""
    stand_in = types.ModuleType("tensorrt", f"stand-in for TensorRT {version} (names only; outputs are replayed)")
    stand_in.__version__ = version
    stand_in.__surface__ = surface
    stand_in.Weights = Weights
    enums = {}

    def getattr_(name: str):
        if name in DATA_TYPES and name in surface.module_names:
            return getattr(getattr_("DataType"), DATA_TYPES[name])
        if name in ENUM_ALIASES and name in surface.module_names:
            return getattr_(ENUM_ALIASES[name])
        if name in surface.enums:
            if name not in enums:
                enums[name] = _enum(name, surface.enum_members(name))
            return enums[name]
        if name in surface.module_names or name in surface.classes:
            raise ReplayError(f"the replay does not provide tensorrt.{name}: examples run on CPU may use "
                              f"TensorRT's network API, enums and Weights only")
        raise AttributeError(f"module 'tensorrt' ({surface.version}) has no attribute '{name}'")

    stand_in.__getattr__ = getattr_
    return stand_in
