#!/usr/bin/env bash
# The performance guide's GPU recording (issue 21): the TensorRT runner under python-trt, then the PyTorch
# runner under the machine's python3, with time budgets that keep the whole script under 9 minutes.
#
#   bash tools/gpu/perf.sh OUTDIR          (from the repository root of the GPU machine)
#
# Writes OUTDIR/tensorrt/tensorrt.json (rewritten after every run, so a cut run keeps what it measured),
# OUTDIR/tensorrt/timing.cache (TensorRT's timing cache: pass it back with TIMING_CACHE=... to a later run so
# that its builds start warm), OUTDIR/pytorch/pytorch.json, OUTDIR/nvidia-smi-{before,after}.txt and
# OUTDIR/perf.log. Budgets (seconds, env): TRT_BUDGET=330 (no engine is built after it; the ceilings come first),
# TORCH_BUDGET=110; RESUME=an earlier OUTDIR/tensorrt/tensorrt.json continues where that run stopped (its measured
# runs kept, each with its session's ceilings); each runner is also killed by `timeout` 40 s past its budget. Provenance (TensorRT, CUDA
# runtime and driver, GPU, date) is in each JSON file. Then, on any machine:
#   python -m trtdeconv_docs.benchmark.merge --tensorrt OUTDIR/tensorrt --pytorch OUTDIR/pytorch
# (add --earlier recordings/benchmark to keep the committed recording's runs this run did not reach, marked as
# timed by the earlier method and kept out of every comparison, chart and verdict)
set -uo pipefail
OUT=${1:?usage: bash tools/gpu/perf.sh OUTDIR}
TRT_BUDGET=${TRT_BUDGET:-330}
TORCH_BUDGET=${TORCH_BUDGET:-110}
mkdir -p "$OUT/tensorrt" "$OUT/pytorch"
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
exec > >(tee "$OUT/perf.log") 2>&1
start=$(date +%s)
echo "[perf.sh] $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
nvidia-smi -q > "$OUT/nvidia-smi-before.txt" 2>&1 || echo "[perf.sh] nvidia-smi -q failed"
cache="$OUT/tensorrt/timing.cache"
if [ -n "${TIMING_CACHE:-}" ] && [ -f "$TIMING_CACHE" ]; then cp "$TIMING_CACHE" "$cache"; echo "[perf.sh] warm timing cache from $TIMING_CACHE"; fi
echo "[perf.sh] TensorRT runner (python-trt), budget ${TRT_BUDGET} s"
timeout --signal=TERM --kill-after=5 $((TRT_BUDGET + 40)) \
  python-trt -W ignore::FutureWarning -W ignore::DeprecationWarning -m trtdeconv_docs.benchmark.tensorrt \
  --out "$OUT/tensorrt" --time-budget "$TRT_BUDGET" --timing-cache "$cache" ${RESUME:+--resume "$RESUME"}
echo "[perf.sh] TensorRT runner exit $? after $(( $(date +%s) - start )) s"
echo "[perf.sh] PyTorch runner (python3), budget ${TORCH_BUDGET} s"
timeout --signal=TERM --kill-after=5 $((TORCH_BUDGET + 40)) \
  python3 -m trtdeconv_docs.benchmark.pytorch --out "$OUT/pytorch" --time-budget "$TORCH_BUDGET"
echo "[perf.sh] PyTorch runner exit $? after $(( $(date +%s) - start )) s"
nvidia-smi -q > "$OUT/nvidia-smi-after.txt" 2>&1 || true
ls -la "$OUT" "$OUT/tensorrt" "$OUT/pytorch"
echo "[perf.sh] done in $(( $(date +%s) - start )) s"
