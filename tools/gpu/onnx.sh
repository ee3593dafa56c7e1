#!/usr/bin/env bash
# Issue 20: ONNX ConvTranspose through TensorRT 8.6's ONNX parser, recorded (trtdeconv_docs.onnx_path).
# Run from the repository root on the GPU machine:  bash tools/gpu/onnx.sh OUTDIR
# Needs: python-trt (CPython 3.9, tensorrt 8.6.0, numpy 2.0.2, cuda-python) with the wheels of
# requirements/gpu-py39-extra.txt (onnx, onnxruntime, polygraphy) for the polygraphy runs, and python3 with
# PyTorch (CUDA). Wall time: about 2 minutes on an H100/H200 (hard limit 4 minutes: TensorRT cases stop starting after 110 s,
# polygraphy runs after 140 s, each at most 40 s; PyTorch at most 40 s). Writes:
#   OUTDIR/recordings/onnx/          cases/<case>.json, polygraphy/<case>.json, summary.json, MANIFEST.json
#   OUTDIR/recordings/onnx-pytorch/  <case>.json, MANIFEST.json (PyTorch's conv_transpose, clearly separate)
#   OUTDIR/onnx.log, OUTDIR/onnx-pytorch.log
set -uo pipefail
OUT=${1:?usage: bash tools/gpu/onnx.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export PYTHONPATH=$PWD/src
PYTRT=${PYTHON_TRT:-python-trt}
status=0
echo "== TensorRT: every ONNX case through trt.OnnxParser, with polygraphy run --trt --onnxrt"
if ! $PYTRT -c "import polygraphy, onnx, onnxruntime" 2>/dev/null; then
    echo "polygraphy/onnx/onnxruntime missing under $PYTRT: install requirements/gpu-py39-extra.txt; recording without polygraphy"
    POLY=
else
    POLY=--polygraphy
fi
timeout 200 $PYTRT -m trtdeconv_docs.onnx_path.recorder --out "$OUT" --time-budget 110 $POLY 2>&1 | tee "$OUT/onnx.log"
status=$(( status | ${PIPESTATUS[0]} ))
echo "== PyTorch: conv_transpose on the cases it can express (python3)"
timeout 40 python3 -m trtdeconv_docs.onnx_path.pytorch_peer --out "$OUT" 2>&1 | tee "$OUT/onnx-pytorch.log"
status=$(( status | ${PIPESTATUS[0]} ))
echo "== done (exit status $status); copy OUTDIR/recordings/onnx and OUTDIR/recordings/onnx-pytorch to recordings/"
exit $status
