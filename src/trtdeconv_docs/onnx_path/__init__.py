"""ONNX ``ConvTranspose`` through TensorRT's ONNX parser (issue 20).

:mod:`.cases` defines the case matrix and writes its models (``onnx_models/``);
:mod:`.recorder` parses, builds and runs each on TensorRT on a GPU and records what TensorRT
said; :mod:`.pytorch_peer` records PyTorch's ``conv_transpose`` for the cases PyTorch can
express (the GPU machine's ``python3``); :mod:`.recorded` reads those recordings back on
any machine, matched by the model's bytes, the builder settings and the inputs;
:mod:`.onnx_runtime` computes ONNX Runtime's output on the CPU.
"""
