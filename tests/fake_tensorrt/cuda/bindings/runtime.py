"""A FAKE cuda-python runtime (``cuda.bindings.runtime``) for the tests' subprocesses, beside the FAKE tensorrt.

Every name is the FAKE GPU's of ``tensorrt.py`` (:data:`tensorrt.CUDA`, host memory), so that the fake engine
reads and writes the memory these calls allocate and copy. Nothing here says anything about CUDA.
"""

import tensorrt


def __getattr__(name):
    return getattr(tensorrt.CUDA, name)
