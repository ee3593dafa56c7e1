"""A FAKE ``cuda`` (cuda-python) package for the tests' subprocesses: only ``cuda.bindings.runtime``, on host memory."""
