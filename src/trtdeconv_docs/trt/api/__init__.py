"""The Python API of TensorRT 8.6, 10 and 11, as NVIDIA's binding sources declare it.

Each ``<tag>.json`` next to this module was written by ``trt.api.extract`` from the pybind11
sources of https://github.com/NVIDIA/TensorRT at that release tag. :func:`load` reads one::

    >>> api = load("8.6")
    >>> api.tag, api.has("IDeconvolutionLayer", "kernel_size"), load("11").has("IDeconvolutionLayer", "kernel_size")
    ('v8.6.0', True, False)
    >>> api.accepts("INetworkDefinition", "add_quantize", 2), load("11").accepts("INetworkDefinition", "add_quantize", 2)
    (True, False)

Names are the Python names: classes (``"INetworkDefinition"``, nested ones dotted:
``"ILogger.Severity"``), enums (``"PaddingMode"``) and members as written after the dot.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

VERSIONS = {"8.6": "v8.6.0", "10": "v10.16", "11": "v11.1"}
"""Version -> the release tag that stands for it: 8.6.0 (the runtime the recordings come from),
the newest 10.x tag and the newest 11.x tag of NVIDIA/TensorRT when the lists were extracted."""

def version_of(tensorrt_version: str) -> str:
    """The key of :data:`VERSIONS` that stands for a full version string: ``"8.6.0"`` -> ``"8.6"``, ``"10.3.0"`` -> ``"10"``."""
    major, minor = (tensorrt_version.split(".") + ["0"])[:2]
    key = f"{major}.{minor}" if f"{major}.{minor}" in VERSIONS else major
    if key not in VERSIONS:
        raise KeyError(f"no TensorRT API list stands for version {tensorrt_version}; stored: {sorted(VERSIONS)}")
    return key


TAGS = ("v8.6.0", "v9.3.0", "v10.0.0", "v10.16", "v11.0", "v11.1")
"""Every tag whose API list is stored here."""

ENUM_BUILTINS = frozenset({"name", "value", "__members__", "__int__", "__index__", "__eq__", "__ne__",
                           "__hash__", "__repr__", "__str__", "__getstate__", "__setstate__"})
"""What pybind11 gives every ``py::enum_`` besides its values."""

_FOLDER = Path(__file__).parent


class TensorRTApi:
    """One tag's API list, with look-ups that follow base classes (see :func:`load`)."""

    def __init__(self, document: Dict[str, Any], version: str):
        self.version = version
        self.tag: str = document["tag"]
        self.commit: str = document["commit"]
        self.document = document
        self._classes: Dict[str, Dict[str, Any]] = document["classes"]
        self._enums: Dict[str, Dict[str, Any]] = document["enums"]
        self._module: Dict[str, Dict[str, Any]] = document["module"]
        self._classes_with: Dict[str, Set[str]] = {}

    # --- names ---------------------------------------------------------------------------

    @property
    def classes(self) -> Set[str]:
        """Every bound class (nested ones dotted, ``"ILogger.Severity"`` is an enum, not here)."""
        return set(self._classes)

    @property
    def enums(self) -> Set[str]:
        """Every bound enum (``"PaddingMode"``, ``"ILogger.Severity"``)."""
        return set(self._enums)

    @property
    def module_names(self) -> Set[str]:
        """Every name of the ``tensorrt`` module: classes, enums, functions, attributes, ``__version__``."""
        return set(self._module)

    def enum_members(self, enum: str) -> Set[str]:
        """The values of ``enum`` (``{"SAME_UPPER", ...}`` for ``"PaddingMode"``); KeyError if no such enum."""
        return set(self._enums[enum]["members"])

    def mro(self, class_name: str) -> List[str]:
        """``class_name`` and its bound base classes, nearest first (empty if no such class)."""
        order: List[str] = []
        pending = [class_name] if class_name in self._classes else []
        while pending:
            current = pending.pop(0)
            if current not in order:
                order.append(current)
                pending.extend(self._classes[current]["bases"])
        return order

    def members(self, class_name: str) -> Set[str]:
        """Every attribute name of a class (bases included) or of an enum (values, attributes, builtins)."""
        if class_name in self._enums:
            enum = self._enums[class_name]
            return set(enum["members"]) | set(enum["attributes"]) | ENUM_BUILTINS
        names: Set[str] = set()
        for name in self.mro(class_name):
            names |= set(self._classes[name]["members"])
        return names

    def has(self, class_name: str, member: str) -> bool:
        """Whether ``tensorrt.<class_name>`` has ``member`` (following base classes; enums too)."""
        return member in self.members(class_name)

    def classes_with(self, member: str) -> Set[str]:
        """The classes (not enums) that have ``member``, own or inherited."""
        if member not in self._classes_with:
            self._classes_with[member] = {name for name in self._classes if self.has(name, member)}
        return set(self._classes_with[member])

    @functools.cached_property
    def member_names(self) -> FrozenSet[str]:
        """Every member name of every class and enum (what ``x.<name>`` can mean on a TensorRT object)."""
        names = set()
        for entry in self._classes.values():
            names |= set(entry["members"])
        for entry in self._enums.values():
            names |= set(entry["members"]) | set(entry["attributes"])
        return frozenset(names)

    def resolve(self, dotted: Iterable[str]) -> bool:
        """Whether a chain of names after ``tensorrt.`` exists: ``["PaddingMode", "SAME_UPPER"]``.

        The first name must be a module name; each next one a member of the class or enum
        named so far (nested classes and enums are followed: ``["ILogger", "Severity", "WARNING"]``).
        A chain that goes on past a member that is neither (an attribute, a method) is not judged
        beyond it and counts as existing.
        """
        names = list(dotted)
        if not names or names[0] not in self._module:
            return False
        current = names[0]
        for name in names[1:]:
            if current not in self._classes and current not in self._enums:
                return True
            if not self.has(current, name):
                return False
            current = f"{current}.{name}"
        return True

    # --- where ---------------------------------------------------------------------------

    def entry(self, class_name: Optional[str], member: Optional[str]) -> Dict[str, Any]:
        """The stored entry: of a module name (``class_name=None``), a class or enum (``member=None``),
        or a member (the nearest class in the MRO that binds it; enum values too). KeyError if absent."""
        if class_name is None:
            return self._module[member]
        if member is None:
            return self._classes.get(class_name) or self._enums[class_name]
        if class_name in self._enums:
            enum = self._enums[class_name]
            return enum["members"].get(member) or enum["attributes"][member]
        for name in self.mro(class_name):
            if member in self._classes[name]["members"]:
                return self._classes[name]["members"][member]
        raise KeyError(f"{class_name}.{member} is not in TensorRT {self.tag}")

    def where(self, class_name: Optional[str], member: Optional[str] = None) -> Tuple[str, int]:
        """``(path, line)`` in NVIDIA/TensorRT at ``tag`` that binds it (arguments as :meth:`entry`).

        For a method with several overloads: the first overload's line.
        """
        entry = self.entry(class_name, member)
        return entry["path"], entry["line"]

    def cite(self, class_name: Optional[str], member: Optional[str] = None) -> str:
        """``"v8.6.0 python/src/infer/pyGraph.cpp:456"``: tag, path and line of :meth:`where`."""
        path, line = self.where(class_name, member)
        return f"{self.tag} {path}:{line}"

    def deprecation(self, class_name: Optional[str], member: Optional[str] = None) -> Dict[str, Any]:
        """What the sources say of deprecation: ``wrapper_deprecated`` (a warning wrapper, with the
        replacement), ``deprecated_since`` and ``deprecated_text`` (from the docstring); {} if nothing.
        For a method: of its first overload that says something."""
        entry = self.entry(class_name, member)
        keys = ("wrapper_deprecated", "deprecated_since", "deprecated_text")
        for candidate in [entry] + entry.get("overloads", []):
            found = {key: candidate[key] for key in keys if key in candidate}
            if found:
                return found
        return {}

    # --- calls ---------------------------------------------------------------------------

    def _overload_entries(self, class_name: Optional[str], method: str) -> List[Dict[str, Any]]:
        entry = self.entry(class_name, method)
        return entry.get("overloads", [])

    def overloads(self, class_name: Optional[str], method: str) -> List[Optional[List[str]]]:
        """The argument names of each overload (``self`` not counted), None where the arity is unknown.

        ``class_name=None`` for a module-level function. ``[]`` if the member is not callable
        as bound (a property). KeyError if absent.
        """
        return [None if o["args"] is None else [a["name"] for a in o["args"]]
                for o in self._overload_entries(class_name, method)]

    def accepts(self, class_name: Optional[str], method: str, n_positional: int,
                keywords: Iterable[str] = ()) -> bool:
        """Whether some overload takes ``n_positional`` positional arguments plus ``keywords``.

        pybind11's rule: positionals fill the first arguments; each keyword must name a later
        argument; every argument not given must have a default. An overload whose arguments are
        unknown accepts any call (it cannot be refused from the sources); a member that is absent,
        or bound as a property, accepts none.
        """
        keywords = list(keywords)
        try:
            entries = self._overload_entries(class_name, method)
        except KeyError:
            return False
        for overload in entries:
            arguments = overload["args"]
            if arguments is None:
                return True
            if n_positional > len(arguments):
                continue
            later = {a["name"]: a for a in arguments[n_positional:]}
            if len(set(keywords)) != len(keywords) or not set(keywords) <= later.keys():
                continue
            if all(a["default"] or a["name"] in keywords for a in later.values()):
                return True
        return False


@functools.lru_cache(maxsize=None)
def load(version: str) -> TensorRTApi:
    """The API list of ``version``: ``"8.6"``, ``"10"``, ``"11"`` (see :data:`VERSIONS`) or a stored tag
    (:data:`TAGS`). ValueError for anything else."""
    tag = VERSIONS.get(version, version)
    if tag not in TAGS:
        raise ValueError(f"no TensorRT API list for {version!r}; known: {sorted(VERSIONS)} and tags {list(TAGS)}")
    with open(_FOLDER / f"{tag}.json", encoding="utf-8") as handle:
        return TensorRTApi(json.load(handle), version)
