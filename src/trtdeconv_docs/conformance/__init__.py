"""Conformance suite: the reference model against real TensorRT on hundreds of random layers.

* :mod:`.generate` draws the layers (and a fixed list of invalid ones) with NumPy only;
* :mod:`.model` says what the reference model makes of a drawn layer;
* :mod:`.plan` groups layers into networks and narrows a failed build down to its culprits;
* :mod:`.run_on_tensorrt` builds and runs them on a GPU and records the results;
* :mod:`.store` writes and reads the recording (``cases.json`` and ``arrays.npz``);
* :mod:`.compare` measures every recorded output against the reference model.
"""
