#!/usr/bin/env bash
# The performance guide's GPU recording (issue 21): the TensorRT runner under python-trt, then (optionally) the
# PyTorch runner under the machine's python3, each under a time budget; one call stays under 9 minutes, and the
# sweeps are spread over several calls of the same command, each resuming where the last one stopped.
#
#   bash tools/gpu/perf.sh OUTDIR          (from the repository root of the GPU machine; run it again until it
#                                           prints "plan complete")
#
# The TensorRT runner makes the runs of benchmark/plan.py in the priority order, phase by phase (the plan
# and each phase's builds and estimated time are printed first: `python -m trtdeconv_docs.benchmark.plan`). It
# resumes from OUTDIR/tensorrt/tensorrt.json when an earlier call wrote one, else from RESUME (default: the
# committed recordings/benchmark/tensorrt.json), keeping every run measured there; the runner refuses to resume
# a file measured on another GPU (the committed one is an H100 80GB HBM3's). One timing cache is shared by every
# build: OUTDIR/tensorrt/timing.cache, seeded from TIMING_CACHE when given and kept between calls.
#
# Writes OUTDIR/tensorrt/tensorrt.json (rewritten after every run, so a cut run keeps what it measured),
# OUTDIR/tensorrt/timing.cache, OUTDIR/pytorch/pytorch.json (when TORCH_BUDGET > 0), OUTDIR/plan.txt,
# OUTDIR/nvidia-smi-{before,after}.txt and OUTDIR/perf.log (appended by every call). Budgets (seconds, env):
# TRT_BUDGET=420 (no engine is built after it; the ceilings come first, about 30 s), TORCH_BUDGET=0 (the
# committed PyTorch recording already holds the guide's workloads; 110 records them again with the new ones);
# each runner is also killed by `timeout` 40 s past its budget. ONLY=workload,... and PRECISIONS=... narrow
# the plan (the runner's --only and --precisions). Then, on any machine:
#   python -m trtdeconv_docs.benchmark.merge --tensorrt OUTDIR/tensorrt --pytorch OUTDIR/pytorch-or-recordings/benchmark \
#     --earlier recordings/benchmark
# (--earlier keeps the committed recording's runs this run did not reach, marked as timed by the earlier method
# and kept out of every comparison, chart and verdict).
set -uo pipefail
OUT=${1:?usage: bash tools/gpu/perf.sh OUTDIR}
TRT_BUDGET=${TRT_BUDGET:-420}
TORCH_BUDGET=${TORCH_BUDGET:-0}
PYTHON_TRT=${PYTHON_TRT:-python-trt}
PYTHON_TORCH=${PYTHON_TORCH:-python3}
mkdir -p "$OUT/tensorrt" "$OUT/pytorch"
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
exec > >(tee -a "$OUT/perf.log") 2>&1
start=$(date +%s)
echo "[perf.sh] $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
nvidia-smi -q > "$OUT/nvidia-smi-before.txt" 2>&1 || echo "[perf.sh] nvidia-smi -q failed"
narrow=(${ONLY:+--only "$ONLY"} ${PRECISIONS:+--precisions "$PRECISIONS"})
"$PYTHON_TRT" -m trtdeconv_docs.benchmark.plan ${narrow[@]+"${narrow[@]}"} > "$OUT/plan.txt"
grep -E '^phase |engine builds, about' "$OUT/plan.txt"
result="$OUT/tensorrt/tensorrt.json"
resume=${RESUME:-recordings/benchmark/tensorrt.json}
if [ -f "$result" ]; then
  cp "$result" "$OUT/tensorrt/resumed.json"; resume="$OUT/tensorrt/resumed.json"
fi
echo "[perf.sh] resuming from $resume"
cache="$OUT/tensorrt/timing.cache"
if [ -n "${TIMING_CACHE:-}" ] && [ -f "$TIMING_CACHE" ] && [ ! -f "$cache" ]; then
  cp "$TIMING_CACHE" "$cache"; echo "[perf.sh] timing cache seeded from $TIMING_CACHE"
fi
echo "[perf.sh] TensorRT runner ($PYTHON_TRT), budget ${TRT_BUDGET} s"
timeout --signal=TERM --kill-after=5 $((TRT_BUDGET + 40)) \
  "$PYTHON_TRT" -W ignore::FutureWarning -W ignore::DeprecationWarning -m trtdeconv_docs.benchmark.tensorrt \
  --out "$OUT/tensorrt" --time-budget "$TRT_BUDGET" --timing-cache "$cache" --resume "$resume" ${narrow[@]+"${narrow[@]}"}
status=$?
echo "[perf.sh] TensorRT runner exit $status after $(( $(date +%s) - start )) s"
[ -f "$result" ] && "$PYTHON_TRT" -m trtdeconv_docs.benchmark.plan ${narrow[@]+"${narrow[@]}"} --progress "$result"
if [ "$TORCH_BUDGET" -gt 0 ]; then
  echo "[perf.sh] PyTorch runner ($PYTHON_TORCH), budget ${TORCH_BUDGET} s"
  timeout --signal=TERM --kill-after=5 $((TORCH_BUDGET + 40)) \
    "$PYTHON_TORCH" -m trtdeconv_docs.benchmark.pytorch --out "$OUT/pytorch" --time-budget "$TORCH_BUDGET" \
    ${ONLY:+--only "$ONLY"}
  echo "[perf.sh] PyTorch runner exit $? after $(( $(date +%s) - start )) s"
fi
nvidia-smi -q > "$OUT/nvidia-smi-after.txt" 2>&1 || true
ls -la "$OUT" "$OUT/tensorrt"
echo "[perf.sh] done in $(( $(date +%s) - start )) s"
exit "$status"
