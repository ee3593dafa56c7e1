#!/usr/bin/env bash
# On a GPU machine with TensorRT (python-trt, see README): record every example and every conformance layer
# (drawn and fixed; not the limit probes) again into OUTDIR/tensors and OUTDIR/conformance, and measure a
# sample of the committed benchmark rows again into OUTDIR/benchmark (6 TensorRT rows, same runner; run it on
# the GPU model the benchmark was recorded on, an H100 80GB HBM3), from a private copy of the checkout, so
# recordings/ stays as committed. Then, on any machine:
#   python -m trtdeconv_docs.conformance.reverification OUTDIR     # classifies every run, publishes recordings/reverification
# About 5 minutes (CONFORMANCE_BUDGET seconds for the conformance layers, default 240; the benchmark part
# about a minute: the ceilings, then 6 builds and timings; BENCHMARK_BUDGET, default 180; 0 leaves it out).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: bash tools/gpu/reverify.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1"; out=$(cd "$1" && pwd)
PY=${PYTHON_TRT:-python-trt}
copy=$(mktemp -d)
tar --exclude=./.git --exclude=./.gpu --exclude=./build --exclude=./.tox -cf - . | tar -xf - -C "$copy"
cd "$copy"
export PYTHONPATH="$copy/src"
echo "== examples"
"$PY" -m trtdeconv_docs.gpu_gallery --root "$copy"
cp -r recordings/tensors "$out/tensors"
echo "== conformance layers"
ids=$("$PY" -c "import json; print(','.join(c['id'] for c in json.load(open('recordings/conformance/cases.json'))['cases'] if c['id'][0] in 'cr'))")
"$PY" -m trtdeconv_docs.conformance.run_on_tensorrt --cases "$ids" --time-budget "${CONFORMANCE_BUDGET:-240}" --out "$out/conformance"
if [ "${BENCHMARK_BUDGET:-180}" -eq 0 ]; then
  echo "== benchmark: skipped (BENCHMARK_BUDGET=0; on another GPU model than the benchmark's every row is other_gpu)"
else
  echo "== benchmark: a sample of the committed TensorRT rows, measured again by the same runner"
  rows=$("$PY" -m trtdeconv_docs.benchmark.reverification --sample)
  "$PY" -m trtdeconv_docs.benchmark.tensorrt --ids "$rows" --time-budget "${BENCHMARK_BUDGET:-180}" --out "$out/benchmark"
fi
rm -rf "$copy"
