"""A measured performance guide for TensorRT's deconvolution.

* :mod:`.workloads`: the benchmarked layers, as data;
* :mod:`.formulations`: the deconvolution and the networks proven equal to it (sub-pixel);
* :mod:`.tensorrt`: the TensorRT runner (GPU, ``python-trt``);
* :mod:`.pytorch`: the PyTorch runner and the measured ceilings (GPU, ``python3`` with torch);
* :mod:`.merge`: writes ``recordings/benchmark/`` from both runs (CPU);
* :mod:`.analysis`: rows, ratios and the roofline, computed from the recording (CPU).
"""

tensorrt_file = "tensorrt.json"
"""What the TensorRT runner writes and the recording keeps."""
pytorch_file = "pytorch.json"
"""What the PyTorch runner writes and the recording keeps."""
