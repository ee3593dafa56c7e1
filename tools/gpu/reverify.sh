#!/usr/bin/env bash
# On a GPU machine with TensorRT (python-trt, see README): record every example and every conformance layer
# (drawn and fixed; not the limit probes) again into OUTDIR/tensors and OUTDIR/conformance, from a private
# copy of the checkout, so recordings/ stays as committed. Then, on any machine:
#   python -m trtdeconv_docs.conformance.reverification OUTDIR     # classifies every run, publishes recordings/reverification
# About 4 minutes on an H200 (CONFORMANCE_BUDGET seconds for the conformance layers, default 240).
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
rm -rf "$copy"
