"""A measured performance guide for TensorRT's deconvolution.

* :mod:`.workloads`: the benchmarked layers, as data;
* :mod:`.formulations`: the deconvolution and the networks proven equal to it (sub-pixel);
  :mod:`.upsampling`: the depthwise alternatives (zero insertion, resize, resize + 3x3 convolution);
  :mod:`.blocks`: the fused blocks after the layer (bias/BN + ReLU, Add, Concat);
* :mod:`.plan`: the runs, in the issue's priority order;
* :mod:`.tensorrt`: the TensorRT runner (GPU, ``python-trt``), timed by the engine module's
  :class:`~trtdeconv_docs.trt.engine.Timer`; :mod:`.trt_ceilings` (ceilings and GPU launch
  overhead in the same process), :mod:`.trt_layers` (a formulation's TensorRT layers);
* :mod:`.pytorch`: the PyTorch runner and its ceilings (GPU, ``python3`` with torch);
* :mod:`.nvml`: clocks, power and temperature around runs; :mod:`.check`: outputs vs the reference;
* :mod:`.merge`: writes ``recordings/benchmark/`` from both runs (CPU);
* :mod:`.analysis`: rows, ratios, floors and verdicts, computed from the recording (CPU), with
  :mod:`.roofline`, :mod:`.specs` (spec sheets) and :mod:`.kernels` (what a kernel ran in);
* :mod:`.rewrite`: replaces a deconvolution in a user's network by the measured-fastest formulation;
  :mod:`.onnx_rewrite`: the same for an ONNX ``ConvTranspose`` (onnx-graphsurgeon);
* :mod:`.reproduce`: every row's ONNX model, ``polygraphy run`` command and ``trtexec`` line (no runner needed).
"""

tensorrt_file = "tensorrt.json"
"""What the TensorRT runner writes and the recording keeps."""
pytorch_file = "pytorch.json"
"""What the PyTorch runner writes and the recording keeps."""
