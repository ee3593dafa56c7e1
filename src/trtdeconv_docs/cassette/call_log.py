"""The network-building calls an example makes, logged the same way on a GPU and on CPU.

:class:`Proxy` stands between an example and a TensorRT object (the real one on a GPU,
the stand-in of :mod:`trtdeconv_docs.trt.stand_in` on CPU): every method call and
every attribute set goes through it, is written to the session's :class:`CallLog` as
plain JSON-able data, and is forwarded to the object behind it. Objects the call
returns come back wrapped too, named by the order they appeared (``network``, ``t1``,
``l2``...). Arrays and weights are logged by dtype, shape and sha256, enums by name, so
the log of an example is the same whichever TensorRT answers it. TensorRT holds ``Weights``
(and arrays passed as weights) by reference until the engine is built, so their sha256 is
taken again when the session builds (:meth:`CallLog.at_build`): ``weight[:] = 0`` after
``add_deconvolution_nd`` changes the run's key, as it changes what TensorRT computes. The log, the builder
settings and the input bytes are what a recorded run is matched by.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .tensors import digest as array_digest
from ..errors import ReplayError


def encode_value(value, held: Optional[List[Tuple[Dict[str, Any], str, Any]]] = None) -> Any:
    """A call argument as JSON-able data that does not depend on which TensorRT is behind the proxy.

    Arrays and weights are appended to ``held`` with their entry, to be hashed again at build time.
    """
    if isinstance(value, Proxy):
        return {"ref": object.__getattribute__(value, "_name")}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        entry = {"array": array_digest(value)}
        if held is not None:
            held.append((entry, "array", value))
        return entry
    if isinstance(value, (tuple, list)):
        return [encode_value(item, held) for item in value]
    if type(value).__name__ == "Weights":  # tensorrt.Weights or the stand-in's
        entry = {"weights": array_digest(value.numpy()) if value.size else None}
        if held is not None and value.size:
            held.append((entry, "weights", value.numpy()))
        return entry
    name = getattr(value, "name", None)
    if isinstance(name, str) and hasattr(type(value), "__members__"):  # a pybind11 enum or the stand-in's
        return {"enum": f"{type(value).__name__}.{name}"}
    raise ReplayError(f"cannot log an argument of type {type(value).__name__}: pass arrays, tuples, numbers, "
                      "enums, trt.Weights or TensorRT objects")


def unwrap(value):
    """The object behind a proxy (recursively in tuples and lists); other values as they are."""
    if isinstance(value, Proxy):
        return object.__getattribute__(value, "_target")
    if isinstance(value, (tuple, list)):
        return type(value)(unwrap(item) for item in value)
    return value


class CallLog:
    """The calls of one session, in order, as JSON-able entries."""

    def __init__(self):
        self.entries: List[Dict[str, Any]] = []
        self.held: List[Tuple[Dict[str, Any], str, Any]] = []
        """Arrays and weights TensorRT holds by reference, with the logged entry each one's digest sits in."""
        self._counts: Dict[str, int] = {}

    def at_build(self) -> List[Dict[str, Any]]:
        """The entries with every held array hashed again now, as TensorRT reads them when it builds.

        The engine keeps what it read: after this, later changes to the arrays change nothing.
        """
        for entry, key, array in self.held:
            entry[key] = array_digest(array)
        self.held = []
        return self.entries

    def name_for(self, kind: str) -> str:
        """A fresh name for an object of ``kind`` (``t`` tensor, ``l`` layer, ``o`` other)."""
        self._counts[kind] = self._counts.get(kind, 0) + 1
        return f"{kind}{self._counts[kind]}"

    def add(self, entry: Dict[str, Any]) -> None:
        """Append one entry."""
        self.entries.append(entry)


def _kind(value) -> str:
    name = type(value).__name__
    if name.endswith("Tensor"):
        return "t"
    if name.endswith("Layer"):
        return "l"
    return "o"


def _is_plain(value) -> bool:
    if isinstance(value, (bool, int, float, str, bytes)) or value is None or isinstance(value, (np.ndarray, np.generic)):
        return True
    if isinstance(value, (tuple, list)):
        return all(_is_plain(item) for item in value)
    return hasattr(type(value), "__members__")  # enums


class Proxy:
    """Forwards to a TensorRT object and logs every call and attribute set in a :class:`CallLog`."""

    __slots__ = ("_target", "_log", "_name")

    def __init__(self, target, log: CallLog, name: str):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_log", log)
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attribute: str):
        target = object.__getattribute__(self, "_target")
        value = getattr(target, attribute)
        if not callable(value) or hasattr(type(value), "__members__"):
            return value
        log, name = object.__getattribute__(self, "_log"), object.__getattribute__(self, "_name")

        def logged(*args, **kwargs):
            entry = {"on": name, "call": attribute, "args": encode_value(list(args), log.held),
                     "kwargs": {key: encode_value(item, log.held) for key, item in sorted(kwargs.items())}}
            result = value(*unwrap(args), **{key: unwrap(item) for key, item in kwargs.items()})
            if result is not None and not _is_plain(result):
                entry["returns"] = log.name_for(_kind(result))
                log.add(entry)
                return Proxy(result, log, entry["returns"])
            log.add(entry)
            return result

        return logged

    def __setattr__(self, attribute: str, value) -> None:
        log, name = object.__getattribute__(self, "_log"), object.__getattribute__(self, "_name")
        log.add({"on": name, "set": attribute, "value": encode_value(value, log.held)})
        setattr(object.__getattribute__(self, "_target"), attribute, unwrap(value))

    def __repr__(self) -> str:
        return f"<{object.__getattribute__(self, '_name')}: {object.__getattribute__(self, '_target')!r}>"
