#!/usr/bin/env bash
# Issue 18 (plot_00 replayable) on a GPU machine with TensorRT 8.6 (python-trt, see README), from a checkout whose
# plot_00 logs its runtime and CUDA calls (`session.runtime_calls`, committed since its H100 run of 2026-12-08).
# From a private copy of the checkout (recordings/ of the checkout stays as committed):
#   1. records EVERY example into OUTDIR/tensors (MANIFEST.json by the project's publisher: one GPU run, one
#      provenance; a partial re-record cannot share recordings/tensors' manifest after a day or on another GPU);
#   2. checks plot_00, and plot_12 and plot_27 (issue 19: their printing changed after their last live check), live
#      against replayed output (tests/test_live_tensorrt.py; LIVE="pytest -k expression" to choose)
#      -> OUTDIR/live_vs_replay.log;
#   3. runs the re-verification routine (tools/gpu/reverify.sh) into OUTDIR/reverify: a second, independent
#      recording of every example and the conformance layers (the new tensors/ must be reproduced to be shown).
# About 7 minutes on an H100/H200 (1: about 1.5 min, 2: about 1 min, 3: about 5 min). SKIP_REVERIFY=1 leaves step 3 out;
# EXAMPLES="plot_00_full_plumbing.py ..." records only those (the CPU test on the fakes). Then, in the checkout:
#   rm -rf recordings/tensors && cp -r OUTDIR/tensors recordings/tensors
#   python -c "from trtdeconv_docs.cassette.publisher import write_root; write_root('recordings')"
#   python -m trtdeconv_docs.conformance.reverification OUTDIR/reverify
#   commit recordings/ (the build refuses re-recorded tensors until the re-verification reproduced them)
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: bash tools/gpu/plot00.sh OUTDIR" >&2; exit 2; }
grep -q "runtime_calls(" examples/plot_00_full_plumbing.py || {
  echo "examples/plot_00_full_plumbing.py does not log its calls (session.runtime_calls)" >&2
  exit 2; }
mkdir -p "$1"; out=$(cd "$1" && pwd)
PY=${PYTHON_TRT:-python-trt}
here=$(pwd)
copy=$(mktemp -d)
tar --exclude=./.git --exclude=./.gpu --exclude=./build --exclude=./.tox -cf - . | tar -xf - -C "$copy"
cd "$copy"
export PYTHONPATH="$copy/src"
echo "== recording: ${EXAMPLES:-every example}"
# shellcheck disable=SC2086
"$PY" -m trtdeconv_docs.gpu_gallery --root "$copy" ${EXAMPLES:+--only $EXAMPLES} 2>&1 | tee "$out/gallery.log"
status=${PIPESTATUS[0]}
rm -rf "$out/tensors" && cp -r recordings/tensors "$out/tensors"
live=${LIVE:-plot_00 or plot_12 or plot_27}
echo "== live against replayed output: $live"
"$PY" -m pytest -p no:cacheprovider -q tests/test_live_tensorrt.py -k "$live" 2>&1 | tail -20 | tee "$out/live_vs_replay.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
cd "$here" && rm -rf "$copy"
if [ -z "${SKIP_REVERIFY:-}" ]; then
  echo "== re-verification"
  bash tools/gpu/reverify.sh "$out/reverify" || status=1
fi
ls -la "$out" "$out/tensors"
exit "$status"
