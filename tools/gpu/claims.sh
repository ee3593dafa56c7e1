#!/usr/bin/env bash
# Issue 19 on a GPU machine with TensorRT 8.6 (python-trt, see README): record the claim examples and the examples
# whose calls changed (plot_19 lost a run; plot_00, which cannot be replayed, had its comments translated),
# from a private copy of the checkout (recordings/ of the checkout stays as committed), then
# check live against replayed output for each of them. Writes into OUTDIR:
#   recordings/tensors/<example>.json and MANIFEST.json  (published by trtdeconv_docs.gpu_gallery, with provenance)
#   gallery.log          what gpu_gallery printed (added/changed recordings, wall time, failures)
#   live_vs_replay.log   tests/test_live_tensorrt.py for the same examples (byte-identical live and replayed output)
# Then, in the checkout: cp OUTDIR/recordings/tensors/* recordings/tensors/  (the manifest lists every file).
# About 2 minutes on an H100/H200 (LIVE_BUDGET seconds for the live-vs-replay check, default 70).
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: bash tools/gpu/claims.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1"; out=$(cd "$1" && pwd)
PY=${PYTHON_TRT:-python-trt}
EXAMPLES="plot_00_full_plumbing.py plot_19_errors.py plot_25_int8_per_channel_axis.py plot_26_setter_errors.py plot_27_autotuner.py"
copy=$(mktemp -d)
tar --exclude=./.git --exclude=./.gpu --exclude=./build --exclude=./.tox -cf - . | tar -xf - -C "$copy"
cd "$copy"
export PYTHONPATH="$copy/src"
echo "== recording: $EXAMPLES"
# shellcheck disable=SC2086
"$PY" -m trtdeconv_docs.gpu_gallery --root "$copy" --only $EXAMPLES 2>&1 | tee "$out/gallery.log"
status=${PIPESTATUS[0]}
mkdir -p "$out/recordings/tensors"
cp recordings/tensors/MANIFEST.json "$out/recordings/tensors/"
for example in $EXAMPLES; do
  [ -f "recordings/tensors/${example%.py}.json" ] && cp "recordings/tensors/${example%.py}.json" "$out/recordings/tensors/"
done
echo "== live against replayed output"
selection=$(echo "$EXAMPLES" | sed 's/\.py//g; s/ / or /g')
timeout "${LIVE_BUDGET:-70}" "$PY" -m pytest -p no:cacheprovider -q tests/test_live_tensorrt.py -k "$selection" \
  2>&1 | tail -40 | tee "$out/live_vs_replay.log"
cd / && rm -rf "$copy"
ls -la "$out" "$out/recordings/tensors"
exit "$status"
