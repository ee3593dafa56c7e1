"""cuda-python's runtime API under both of its import paths, with errors raised.

cuda-python 12.x offers ``cuda.bindings.runtime`` (new) and ``cuda.cudart`` (old,
deprecated); 13.x only the new one. Every call returns ``(status, *values)``;
:func:`call` checks the status and returns the values.
"""

from __future__ import annotations


def runtime_module():
    """The cuda-python runtime module: ``cuda.bindings.runtime``, else ``cuda.cudart``."""
    try:
        from cuda.bindings import runtime
    except ImportError:  # cuda-python < 12.6
        from cuda import cudart as runtime
    return runtime


def call(function, *args):
    """Call a cuda-python runtime function; raise ``RuntimeError`` unless it succeeded."""
    runtime = runtime_module()
    status, *values = function(*args)
    if status != runtime.cudaError_t.cudaSuccess:
        raise RuntimeError(f"{function.__name__} failed: {status!r}")
    if not values:
        return None
    return values[0] if len(values) == 1 else tuple(values)
