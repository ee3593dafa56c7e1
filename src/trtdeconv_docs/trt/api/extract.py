"""Extract the Python API of TensorRT from NVIDIA's pybind11 sources at one release tag.

Usage (``DIR`` is a git directory of https://github.com/NVIDIA/TensorRT, bare or not)::

    python -m trtdeconv_docs.trt.api.extract --git-dir DIR --tag v8.6.0 --out FILE.json

What is read, all at ``TAG``:

- every ``python/src/**/*.cpp`` (the ``tensorrt`` module: ``pyTensorRT.cpp``, ``infer/py*.cpp``,
  ``parsers/py*.cpp``): ``py::class_<X, Base...>(scope, "Name")`` with its bases (the template
  arguments that are themselves bound classes; holders and trampolines are not bases),
  ``py::enum_<X>(scope, "Name")`` with its ``.value("M", ...)`` members and ``.export_values()``,
  and on each of them the chained ``.def`` / ``.def_static`` (with the argument names of every
  overload: ``"x"_a`` and ``py::arg("x")``, ``= default`` noted), ``.def_property``,
  ``.def_property_readonly``, ``.def_readwrite``, ``.def_readonly`` (and their ``_static``
  forms); module-level ``m.def``, ``m.attr("x") = ...`` and ``m.add_object("x", ...)``.
  A member bound through ``utils::deprecate`` / ``utils::deprecateMember`` (which warn when
  called) is marked ``"wrapper_deprecated"`` with the replacement that the wrapper names;
  a name bound twice in one class keeps its last binding (as pybind11 does);
- the docstrings (``python/docstrings/**/*.h``) that a binding refers to (``XDoc::member``):
  their path and line go into ``"doc"``; the docstring's lines that mention deprecation go into
  ``"deprecated_text"`` (they may speak of something else: read them), and the N.M of a
  ``Deprecated in TensorRT N.M`` among them into ``"deprecated_since"`` (None if there is none);
- the Python package's ``tensorrt/__init__.py`` (``python/packaging/...``): the functions and
  names it defines (``__version__``, ``nptype``, ``volume``), the attributes it adds to classes
  (``Logger.Severity``, ``DataType.itemsize``) and the enum members it copies onto a class.

Preprocessor branches are evaluated for the full ``tensorrt`` module on Linux (:data:`MACROS`):
code under ``#if ENABLE_INETWORK_SERIALIZE`` (an internal build option) is left out, code under
``#if EXPORT_ALL_BINDINGS`` is kept. Other conditions are kept and written into the entry.

Every class, member, enum value and module name carries ``path`` and ``line`` (1-based) of the
source line that binds it, so that a claim can cite ``tag path:line``.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

FORMAT = 1
"""Version of the JSON layout written by :func:`extract`."""

MACROS = {"EXPORT_ALL_BINDINGS": True, "ENABLE_INETWORK_SERIALIZE": False, "_WIN32": False,
          "WIN32_LEAN_AND_MEAN": False, "tensorrt_EXPORTS": True}
"""Preprocessor macros as they are when the ``tensorrt`` module is built on Linux."""

PACKAGE_INIT_PATHS = ("python/packaging/bindings_wheel/tensorrt/__init__.py", "python/packaging/tensorrt/__init__.py")
"""Where the Python package's ``__init__.py`` lives (10.x and later first, then 8.x)."""

PROPERTY_KINDS = {
    "def_property": "property", "def_property_readonly": "readonly_property",
    "def_readwrite": "property", "def_readonly": "readonly_property",
    "def_property_static": "static_property", "def_property_readonly_static": "static_property",
    "def_readwrite_static": "static_property", "def_readonly_static": "static_property",
}
METHOD_KINDS = {"def": "method", "def_static": "static_method"}

_DEPRECATED_SINCE = re.compile(r"Deprecated in TensorRT\s+(\d+(?:\.\d+)*)")
_STRING = re.compile(r'^"((?:[^"\\]|\\.)*)"$')
_ARG = re.compile(r'^(?:"(\w+)"_a|py::arg\(\s*"(\w+)"\s*\))\s*(=)?')
_DOC_REF = re.compile(r"\b(\w+Doc)::(\w+)\b")
_BINDING = re.compile(r"\bpy::(class_|enum_|bind_vector)\s*<")


def git_show(git_dir: Path, tag: str, path: str) -> Optional[str]:
    """The text of ``path`` at ``tag``, or None if the tag has no such file."""
    result = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{tag}:{path}"],
                            capture_output=True)
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


def git_files(git_dir: Path, tag: str, folder: str) -> List[str]:
    """Every file path below ``folder`` at ``tag``."""
    out = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", tag, folder],
                         capture_output=True, text=True, check=True).stdout
    return sorted(out.split())


def git_commit(git_dir: Path, tag: str) -> str:
    """The commit sha that ``tag`` points to."""
    return subprocess.run(["git", "--git-dir", str(git_dir), "rev-list", "-n", "1", tag],
                          capture_output=True, text=True, check=True).stdout.strip()


# --- C++ text -------------------------------------------------------------------------------

def blank_comments(text: str) -> str:
    """``text`` with comments replaced by spaces (newlines kept), string literals left alone."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out[i:j] = [ch if ch == "\n" else " " for ch in text[i:j]]
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            open_paren = text.find("(", i + 2)
            delimiter = text[i + 2:open_paren]
            j = text.find(")" + delimiter + '"', open_paren)
            i = n if j < 0 else j + len(delimiter) + 2
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        else:
            i += 1
    return "".join(out)


def _condition_value(directive: str, argument: str) -> Optional[bool]:
    """The value of one ``#if``-like line under :data:`MACROS`, or None if it cannot be decided."""
    argument = argument.strip()
    if directive in ("ifdef", "ifndef"):
        if argument not in MACROS:
            return None
        return MACROS[argument] if directive == "ifdef" else not MACROS[argument]
    match = re.fullmatch(r"(!)?\s*(?:defined\s*\(\s*(\w+)\s*\)|(\w+))", argument)
    if not match or (match.group(2) or match.group(3)) not in MACROS:
        return None
    value = MACROS[match.group(2) or match.group(3)]
    return not value if match.group(1) else value


def apply_preprocessor(text: str) -> Tuple[str, Dict[int, str]]:
    """Blank directive lines and inactive branches; return the text and, per line, undecided conditions.

    The map gives, for each 1-based line inside a branch whose condition is not in :data:`MACROS`,
    that condition's text (``"!X"`` for an ``#else`` branch).
    """
    lines = text.split("\n")
    stack: List[Tuple[Optional[bool], str]] = []  # (value, text) of each open #if
    conditions: Dict[int, str] = {}
    for index, line in enumerate(lines):
        match = re.match(r"\s*#\s*(\w+)\s*(.*)", line)
        if match and match.group(1) in ("if", "ifdef", "ifndef", "elif", "else", "endif"):
            directive, argument = match.group(1), match.group(2)
            if directive in ("if", "ifdef", "ifndef"):
                stack.append((_condition_value(directive, argument), argument.strip()))
            elif directive == "elif" and stack:
                stack[-1] = (_condition_value("if", argument), argument.strip())
            elif directive == "else" and stack:
                value, condition = stack[-1]
                stack[-1] = (None if value is None else not value, f"!({condition})")
            elif directive == "endif" and stack:
                stack.pop()
            lines[index] = ""
            continue
        if match and match.group(1) in ("include", "define", "undef", "pragma", "error"):
            lines[index] = ""
            continue
        if any(value is False for value, _ in stack):
            lines[index] = ""
            continue
        undecided = [condition for value, condition in stack if value is None]
        if undecided:
            conditions[index + 1] = " && ".join(undecided)
    return "\n".join(lines), conditions


def _closing(text: str, start: int) -> int:
    """Index just past the bracket that closes the one at ``start`` ( ``(``, ``{`` or ``[``)."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    depth, i, n = 0, start, len(text)
    while i < n:
        c = text[i]
        if c in pairs:
            depth += 1
        elif c in ")}]":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "'" and not text[i - 1].isalnum():
            i += 1
            while i < n and text[i] != "'":
                i += 2 if text[i] == "\\" else 1
        i += 1
    raise ValueError(f"unbalanced bracket at offset {start}")


def _template_end(text: str, start: int) -> int:
    """Index just past the ``>`` that closes the template argument list whose ``<`` is at ``start``."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c in "({[":
            i = _closing(text, i) - 1
        i += 1
    raise ValueError(f"unbalanced template at offset {start}")


def split_arguments(inner: str) -> List[str]:
    """Split an argument list at its top-level commas (brackets and template angles respected)."""
    parts, angle, start, i, n = [], 0, 0, 0, len(inner)
    while i < n:
        c = inner[i]
        if c in "({[":
            i = _closing(inner, i)
            continue
        if c == '"':
            i = _skip_string(inner, i)
            continue
        if inner.startswith("<<", i) or inner.startswith("->", i):
            i += 2
            continue
        if c == "<" and re.search(r"[A-Za-z_]\w*$", inner[max(0, i - 60):i]):
            angle += 1
        elif c == ">" and angle:
            angle -= 1
        elif c == "," and not angle:
            parts.append(inner[start:i].strip())
            start = i + 1
        i += 1
    tail = inner[start:].strip()
    if tail or parts:
        parts.append(tail)
    return parts


def _skip_string(text: str, i: int) -> int:
    """Index just past the string literal that starts at ``i``."""
    j = i + 1
    while j < len(text) and text[j] != '"':
        j += 2 if text[j] == "\\" else 1
    return j + 1


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _string(argument: str) -> Optional[str]:
    match = _STRING.match(argument.strip())
    return match.group(1) if match else None


# --- docstrings -----------------------------------------------------------------------------

def read_docstrings(sources: Dict[str, str]) -> Dict[str, Dict[str, Any]]:
    """``"XDoc::member"`` -> deprecation facts of that docstring (``path``, ``line``, ``deprecated_since``)."""
    found: Dict[str, Dict[str, Any]] = {}
    pattern = re.compile(r'namespace\s+(\w+)\s*\{|constexpr\s+(?:char\s+const|const\s+char)\s*\*\s*(\w+)\s*'
                         r'=\s*R"(\w*)\((.*?)\)\3"', re.S)
    for path, text in sources.items():
        namespace = None
        for match in pattern.finditer(text):
            if match.group(1):
                namespace = match.group(1)
                continue
            entry = {"path": path, "line": _line(text, match.start(2))}
            notes = [" ".join(line.split()) for line in match.group(4).split("\n") if "eprecat" in line.lower()]
            if notes:
                since = _DEPRECATED_SINCE.search(" ".join(notes))
                entry["deprecated_since"] = since.group(1) if since else None
                entry["deprecated_text"] = " ".join(notes)[:300]
            found[f"{namespace}::{match.group(2)}"] = entry
    return found


# --- bindings -------------------------------------------------------------------------------

class Bindings:
    """What the pybind11 sources of one tag bind, as it is collected file by file."""

    def __init__(self, docstrings: Dict[str, Dict[str, Any]], headers: Dict[str, str]):
        self.docstrings = docstrings
        self.header_parameter_counts = header_parameter_counts(headers)
        self.current_text = ""
        self.classes: Dict[str, Dict[str, Any]] = {}
        self.enums: Dict[str, Dict[str, Any]] = {}
        self.module: Dict[str, Dict[str, Any]] = {}
        self.cpp_names: Dict[str, str] = {}  # C++ type -> Python name
        self.pending_bases: Dict[str, List[str]] = {}

    def _where(self, path: str, text: str, offset: int, conditions: Dict[int, str]) -> Dict[str, Any]:
        line = _line(text, offset)
        where: Dict[str, Any] = {"path": path, "line": line}
        if line in conditions:
            where["condition"] = conditions[line]
        return where

    def _deprecation(self, arguments: List[str]) -> Dict[str, Any]:
        """Deprecation facts of one binding call: its wrapper and its docstring."""
        facts: Dict[str, Any] = {}
        for argument in arguments[1:]:
            wrapper = re.match(r"(?:utils::)?deprecate(?:Member)?\s*\((.*)\)\s*$", argument, re.S)
            if wrapper:
                inner = split_arguments(wrapper.group(1))
                facts["wrapper_deprecated"] = _string(inner[-1]) if len(inner) > 1 and _string(inner[-1]) else True
            if "deprecate" in argument and "wrapper_deprecated" not in facts and argument.startswith("py::cpp_function"):
                facts["wrapper_deprecated"] = True
            doc = _DOC_REF.fullmatch(argument.strip())
            if doc and doc.group(0) in self.docstrings:
                docstring = self.docstrings[doc.group(0)]
                facts["doc"] = {"path": docstring["path"], "line": docstring["line"]}
                if "deprecated_text" in docstring:
                    facts["deprecated_since"] = docstring["deprecated_since"]
                    facts["deprecated_text"] = docstring["deprecated_text"]
        return facts

    def read(self, path: str, raw: str) -> None:
        """Collect the bindings of one C++ source file."""
        text, conditions = apply_preprocessor(blank_comments(raw))
        self.current_text = text
        variables: Dict[str, Tuple[str, str]] = {}  # C++ variable -> (kind, Python qualified name)
        for match in _BINDING.finditer(text):
            kind = match.group(1)
            template_end = _template_end(text, match.end() - 1)
            template = split_arguments(text[match.end():template_end - 1])
            rest = re.match(r"\s*(\w+)?\s*([({])", text[template_end:])
            if not rest:
                continue
            open_at = template_end + rest.start(2)
            close_at = _closing(text, open_at)
            arguments = split_arguments(text[open_at + 1:close_at - 1])
            if len(arguments) < 2 or _string(arguments[1]) is None:
                continue
            scope = arguments[0]
            parent = variables.get(scope, (None, None))[1]
            name = _string(arguments[1])
            qualified = f"{parent}.{name}" if parent else name
            where = self._where(path, text, match.start(), conditions)
            if kind == "enum_":
                self.enums[qualified] = {**where, "cpp": template[0], "members": {}, "attributes": {}}
            else:
                self.classes[qualified] = {**where, "cpp": template[0], "bases": [], "members": {}}
                self.pending_bases[qualified] = template[1:]
            self.cpp_names.setdefault(template[0], qualified)
            if parent:
                self.classes[parent]["members"][name] = {**where, "kind": "enum" if kind == "enum_" else "class"}
            elif scope == "m":
                self.module[name] = {**where, "kind": "enum" if kind == "enum_" else "class"}
            if rest.group(1):
                variables[rest.group(1)] = (kind, qualified)
            self._chain(path, text, close_at, kind, qualified, conditions)
        for variable, (kind, qualified) in variables.items():
            for use in re.finditer(rf"\b{re.escape(variable)}\s*(?=\.\s*\w+\s*\()", text):
                self._chain(path, text, use.end(), kind, qualified, conditions)
        self._module_level(path, text, conditions)

    def _chain(self, path, text, offset, kind, qualified, conditions) -> None:
        """Record the ``.def...(...)`` / ``.value(...)`` calls chained from ``offset``."""
        link = re.compile(r"\s*\.\s*(\w+)\s*\(")
        while True:
            match = link.match(text, offset)
            if not match:
                return
            close_at = _closing(text, match.end() - 1)
            arguments = split_arguments(text[match.end():close_at - 1])
            self._member(match.group(1), arguments, kind, qualified, self._where(path, text, match.start(1), conditions))
            offset = close_at

    def _member(self, call: str, arguments: List[str], kind: str, qualified: str, where: Dict[str, Any]) -> None:
        name = _string(arguments[0]) if arguments else None
        if kind == "enum_":
            enum = self.enums[qualified]
            if call == "value" and name is not None:
                enum["members"][name] = {**where, **self._deprecation(arguments)}
            elif call == "export_values":
                enum["export_values"] = True
            elif (call in PROPERTY_KINDS or call in METHOD_KINDS) and name is not None:
                enum["attributes"][name] = {**where, "kind": PROPERTY_KINDS.get(call) or METHOD_KINDS[call]}
            return
        members = self.classes[qualified]["members"]
        if call in PROPERTY_KINDS and name is not None:
            members[name] = {**where, "kind": PROPERTY_KINDS[call], **self._deprecation(arguments)}
        elif call in METHOD_KINDS and arguments:
            if name is None:
                if re.match(r"py::init(?:_alias)?\b", arguments[0]):
                    name, arguments = "__init__", ["\"__init__\""] + arguments
                else:
                    return
            overload = {**where, **self._arguments(arguments, drop_self=call == "def" and name != "__init__"),
                        **self._deprecation(arguments)}
            if overload["args"] is None and re.match(r"py::init(?:_alias)?<", arguments[1]):
                overload["args"], overload["args_from"] = _init_template_arguments(arguments[1]), "signature"
            entry = members.setdefault(name, {"kind": METHOD_KINDS[call], "overloads": [], **where})
            entry["overloads"].append(overload)

    def _arguments(self, arguments: List[str], drop_self: bool) -> Dict[str, Any]:
        """``args`` of one overload and ``args_from``: how they were found (None: arity unknown).

        pybind11 takes the names from the ``"x"_a`` annotations ("annotations"). Without them
        it accepts positional arguments only, as many as the bound C++ function has, named
        ``arg0``, ``arg1``...: that count is read from a lambda's parameter list ("lambda"),
        a ``static_cast`` / ``py::overload_cast`` signature ("signature"), or else from the one
        declaration of that method name in the TensorRT headers at the tag ("header").
        """
        annotated = _argument_names(arguments[2:])
        if annotated is not None:
            return {"args": annotated, "args_from": "annotations"}
        if len(arguments) < 2:
            return {"args": [], "args_from": "annotations"}
        count, source = self._parameter_count(arguments[1])
        if count is None:
            return {"args": None, "args_from": None}
        count -= 1 if drop_self and source != "signature_member" and source != "header" else 0
        return {"args": [{"name": f"arg{i}", "default": False} for i in range(max(count, 0))],
                "args_from": source.replace("_member", "")}

    def _parameter_count(self, function: str) -> Tuple[Optional[int], str]:
        """Parameters of the bound C++ function (see :meth:`_arguments`), and where the count came from."""
        function = function.strip()
        wrapper = re.match(r"(?:utils::deprecate(?:Member)?|py::cpp_function)\s*\((.*)\)\s*$", function, re.S)
        if wrapper:
            return self._parameter_count(split_arguments(wrapper.group(1))[0])
        lambda_ = re.match(r"\[[^\]]*\]\s*\(", function)
        if lambda_:
            return _count_parameters(function, lambda_.end() - 1), "lambda"
        cast = re.match(r"static_cast\s*<[^(]*\(\s*([\w:]*::)?\*\s*\)\s*\(", function)
        if cast:
            return _count_parameters(function, cast.end() - 1), "signature_member" if cast.group(1) else "signature"
        overload = re.match(r"py::overload_cast\s*<(.*?)>\s*\(", function, re.S)
        if overload:
            return len(split_arguments(overload.group(1))), "signature_member"
        named = re.fullmatch(r"(?:\w+::)*(\w+)", function)
        if named:
            found = re.search(rf"\b{named.group(1)}\s*=\s*\[[^\]]*\]\s*\(", self.current_text)
            if found:
                return _count_parameters(self.current_text, found.end() - 1), "lambda"
        pointer = re.fullmatch(r"&\s*(?:[\w]+::)*(\w+)", function)
        if pointer and function.count("::"):
            counts = self.header_parameter_counts.get(pointer.group(1), set())
            if len(counts) == 1:
                return next(iter(counts)), "header"
        return None, ""

    def _module_level(self, path: str, text: str, conditions: Dict[int, str]) -> None:
        for match in re.finditer(r"\bm\s*\.\s*(def|attr|add_object)\s*\(", text):
            close_at = _closing(text, match.end() - 1)
            arguments = split_arguments(text[match.end():close_at - 1])
            name = _string(arguments[0]) if arguments else None
            if name is None:
                continue
            where = self._where(path, text, match.start(), conditions)
            if match.group(1) == "def":
                entry = self.module.setdefault(name, {**where, "kind": "function", "overloads": []})
                entry["overloads"].append({**where, **self._arguments(arguments, drop_self=False),
                                           **self._deprecation(arguments)})
            elif match.group(1) == "add_object" or re.match(r"\s*=(?!=)", text[close_at:]):
                self.module.setdefault(name, {**where, "kind": "attribute"})

    def resolve_bases(self) -> None:
        """Turn each class's template arguments into the Python names of its bound base classes."""
        short = {cpp.split("::")[-1]: name for cpp, name in self.cpp_names.items()}
        for qualified, template in self.pending_bases.items():
            for argument in template:
                if "<" in argument:
                    continue  # a holder (std::unique_ptr<...>) or a templated trampoline
                base = self.cpp_names.get(argument) or short.get(argument.split("::")[-1])
                if base and base != qualified and base in self.classes:
                    self.classes[qualified]["bases"].append(base)


def _count_parameters(text: str, open_at: int) -> int:
    """How many parameters the list whose ``(`` is at ``open_at`` declares."""
    inner = text[open_at + 1:_closing(text, open_at) - 1].strip()
    return 0 if inner in ("", "void") else len(split_arguments(inner))


def header_parameter_counts(headers: Dict[str, str]) -> Dict[str, set]:
    """Method name -> the parameter counts of its declarations in TensorRT's public headers."""
    counts: Dict[str, set] = {}
    for text in headers.values():
        text = blank_comments(text)
        for match in re.finditer(r"\b(\w+)\s*\(([^()]*)\)\s*(?:const\s*)?noexcept", text):
            inner = match.group(2).strip()
            counts.setdefault(match.group(1), set()).add(0 if inner in ("", "void") else len(split_arguments(inner)))
    return counts


def _argument_names(arguments: List[str]) -> Optional[List[Dict[str, Any]]]:
    """The ``"x"_a`` / ``py::arg("x")`` annotations among a ``def``'s extra arguments, or None if it has none."""
    names = []
    for argument in arguments:
        match = _ARG.match(argument.strip())
        if match:
            names.append({"name": match.group(1) or match.group(2), "default": bool(match.group(3))})
    return names or None


def _init_template_arguments(argument: str) -> List[Dict[str, Any]]:
    """Positional arguments of ``py::init<A, B>()`` (pybind11 names them arg0, arg1, ...)."""
    inner = argument[argument.index("<") + 1:argument.rindex(">")]
    return [{"name": f"arg{i}", "default": False} for i, _ in enumerate(split_arguments(inner))]


# --- the Python package ---------------------------------------------------------------------

def read_package_init(path: str, text: str, bindings: Bindings) -> None:
    """Add what ``tensorrt/__init__.py`` defines: module names, class attributes, copied enum members."""
    # The file is a template: ##TENSORRT_MODULE## and other build-time placeholders.
    tree = ast.parse(re.sub(r"##(\w+)##", r"\1", text.replace("##TENSORRT_MODULE##", "tensorrt")))
    deleted = set()

    def where(node) -> Dict[str, Any]:
        return {"path": path, "line": node.lineno}

    def visit(statements) -> None:
        for node in statements:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                bindings.module[node.name] = {**where(node), "kind": "function",
                                              "overloads": [{**where(node), "args": _python_arguments(node)}]}
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and (not target.id.startswith("_") or target.id == "__version__"):
                        if target.id.isupper() or target.id == "CURDIR":
                            continue  # loader internals (LIBRARIES, CURDIR)
                        bindings.module[target.id] = {**where(node), "kind": "attribute"}
                    elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                        owner = bindings.classes.get(target.value.id, {}).get("members")
                        if owner is None:
                            owner = bindings.enums.get(target.value.id, {}).get("attributes")
                        if owner is not None:
                            owner[target.attr] = {**where(node), "kind": "python_attribute"}
            elif isinstance(node, ast.For):
                _copied_enum_members(node, bindings, where(node))
            elif isinstance(node, ast.If) and _constant_truth(node.test):
                visit(node.body)
            elif isinstance(node, ast.Delete):
                deleted.update(t.id for t in node.targets if isinstance(t, ast.Name))

    visit(tree.body)
    for name in deleted:
        bindings.module.pop(name, None)


def _constant_truth(test: ast.expr) -> bool:
    """Whether an ``if`` test made only of constants (the filled-in template) is true; False otherwise.

    A test that reads anything at run time (``sys.platform``) is taken as false: its branch
    (Windows DLL loading) defines nothing of the API.
    """
    allowed = (ast.Expression, ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.cmpop, ast.boolop, ast.unaryop)
    expression = ast.Expression(test)
    if not all(isinstance(node, allowed) for node in ast.walk(expression)):
        return False
    return bool(eval(compile(expression, "<test>", "eval"), {"__builtins__": {}}))


def _python_arguments(node: ast.FunctionDef) -> List[Dict[str, Any]]:
    positional = node.args.args
    defaults = len(node.args.defaults)
    return [{"name": a.arg, "default": i >= len(positional) - defaults} for i, a in enumerate(positional)]


def _copied_enum_members(node: ast.For, bindings: Bindings, where: Dict[str, Any]) -> None:
    """``for attr, value in E.__members__.items(): setattr(C, attr, value)`` gives class C E's members."""
    source = ast.unparse(node.iter)
    match = re.fullmatch(r"([\w.]+)\.__members__\.items\(\)", source)
    if not match or match.group(1) not in bindings.enums:
        return
    for statement in node.body:
        call = getattr(statement, "value", None)
        if (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "setattr"
                and isinstance(call.args[0], ast.Name) and call.args[0].id in bindings.classes):
            members = bindings.classes[call.args[0].id]["members"]
            for member in bindings.enums[match.group(1)]["members"]:
                members.setdefault(member, {**where, "kind": "python_attribute"})


# --- one tag --------------------------------------------------------------------------------

def extract(git_dir: Path, tag: str) -> Dict[str, Any]:
    """The API of the ``tensorrt`` Python module at ``tag`` (see the module docstring)."""
    cpp = [p for p in git_files(git_dir, tag, "python/src") if p.endswith(".cpp")]
    doc_paths = [p for p in git_files(git_dir, tag, "python/docstrings") if p.endswith(".h")]
    docstrings = read_docstrings({p: git_show(git_dir, tag, p) or "" for p in doc_paths})
    header_paths = [p for p in git_files(git_dir, tag, "include") + git_files(git_dir, tag, "parsers/onnx")
                    if p.endswith(".h") and "Impl" not in p]
    bindings = Bindings(docstrings, {p: git_show(git_dir, tag, p) or "" for p in header_paths})
    for path in cpp:
        bindings.read(path, git_show(git_dir, tag, path) or "")
    bindings.resolve_bases()
    init_path = next(p for p in PACKAGE_INIT_PATHS if git_show(git_dir, tag, p) is not None)
    read_package_init(init_path, git_show(git_dir, tag, init_path) or "", bindings)
    for name, enum in bindings.enums.items():
        if enum.get("export_values") and "." in name:
            parent = bindings.classes[name.rsplit(".", 1)[0]]["members"]
            for member, where in enum["members"].items():
                parent.setdefault(member, {**where, "kind": "exported_enum_value"})
    return {
        "format": FORMAT,
        "repository": "https://github.com/NVIDIA/TensorRT",
        "tag": tag,
        "commit": git_commit(git_dir, tag),
        "macros": MACROS,
        "sources": cpp + [init_path],
        "docstring_sources": doc_paths,
        "header_sources": header_paths,
        "module": dict(sorted(bindings.module.items())),
        "classes": dict(sorted(bindings.classes.items())),
        "enums": dict(sorted(bindings.enums.items())),
    }


def main(argv: Optional[List[str]] = None) -> int:
    """Command line: extract one tag into one JSON file."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.trt.api.extract",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--git-dir", type=Path, required=True, help="git directory of NVIDIA/TensorRT")
    parser.add_argument("--tag", required=True, help="release tag, e.g. v8.6.0")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args(argv)
    try:
        document = extract(args.git_dir, args.tag)
    except subprocess.CalledProcessError as error:
        print(f"error: git could not read tag {args.tag!r} in {args.git_dir}: {error.stderr.strip()}", file=sys.stderr)
        return 2
    args.out.write_text(json.dumps(document, indent=0, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(document['classes'])} classes, {len(document['enums'])} enums, "
          f"{len(document['module'])} module names at {args.tag} ({document['commit'][:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
