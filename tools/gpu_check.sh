#!/usr/bin/env bash
# tools/gpu_check.sh OUT_DIR [--smoke] [--minutes M] [--data DIR] [--resume-from DIR] [--jobs N] [--steps LIST] [--time-limit MIN]
#
# Check bkd_fastai on a GPU machine that has only PyTorch, in one command that fits a short GPU slot. From the project root:
#   1. install fastai, nbdev, Accelerate, timm and the rest from the wheels in .whl, unless importable; fetch them with
#      bash ../shared/device/wheels.sh accelerate 'huggingface_hub<1' safetensors timm psutil hf-xet tqdm
#   2. nbdev-test --flags cuda (every notebook, the #| cuda cells included);
#   3. bkd-bench in full mode (whole epochs): fastai CE, KD and BKD against a hand-written PyTorch BKD loop;
#   4. (large) on a generated fake ImageNet-LT of 320-pixel JPEGs: bkd-bench --loading (the loader alone against a ResNet-50
#      training step alone, in the default mixed precision), and the same short bkd-train run eager and with --compile (wall
#      times and fastai's per-epoch times in the log: compare the epochs after the first, which compiles);
#   5. the Fashion-MNIST-LT IF=100 experiment at ResNet-32, 60 epochs, seed 0: the teacher, then the other methods with
#      --jobs, under --time-limit so that the whole script ends within --minutes (default 9).
# Everything lands in OUT_DIR, 8 files at most: gpu_check.log (every step's output and status), bench.json, results.json,
# results.md, per_class.png, and, if the run did not finish, run.tar.part* (its models and checkpoints, to pass back with
# --resume-from DIR next time; the run then continues bit for bit).
# --steps: a comma-separated subset of test,bench,large,experiment (default: all four); --time-limit: the experiment's, in minutes
# (default: what is left of the slot, less 40 s to pack up and 15 s of start-up).
# --smoke: the CPU rehearsal (ResNet-8, 1 epoch, ce and bkd; nbdev-test of one notebook; bench --quick; large at 32 pixels): a few minutes
# (its default --minutes is 15).
# Exit status: 0 when every step ran (the experiment may have stopped at the time limit: see the log), 1 otherwise.
set -uo pipefail
HERE=$PWD; cd "$(dirname "$0")/.."
abspath() { case $1 in /*) echo "$1";; *) echo "$HERE/$1";; esac; } # paths are given relative to where it was called
usage() { echo "usage: tools/gpu_check.sh OUT_DIR [--smoke] [--minutes M] [--data DIR] [--resume-from DIR] [--jobs N] [--steps LIST] [--time-limit MIN]" >&2; exit 2; }
[ $# -ge 1 ] || usage
OUT=$(abspath "$1"); shift
SMOKE=0; MINUTES=; DATA=""; FROM=""; JOBS=6; STEPS=test,bench,large,experiment; LIMIT=""
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) SMOKE=1;;
    --minutes) MINUTES=${2:?}; shift;;
    --data) DATA=$(abspath "${2:?}"); shift;;
    --resume-from) FROM=$(abspath "${2:?}"); shift;;
    --jobs) JOBS=${2:?}; shift;;
    --steps) STEPS=${2:?}; shift;;
    --time-limit) LIMIT=${2:?}; shift;;
    *) usage;;
  esac; shift
done
for s in ${STEPS//,/ }; do case $s in test|bench|large|experiment) ;; *) echo "--steps: unknown step $s (test, bench, large, experiment)" >&2; exit 2;; esac; done
[[ -z "$MINUTES" || "$MINUTES" =~ ^[0-9]+$ ]] || { echo "--minutes takes a whole number" >&2; exit 2; }
[ -n "$MINUTES" ] || MINUTES=$([ $SMOKE = 1 ] && echo 15 || echo 9) # the CPU rehearsal is slower
mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)
LOG=$OUT/gpu_check.log; : > "$LOG"
START=$(date +%s)
left() { echo $(( MINUTES*60 - $(date +%s) + START )); } # seconds left of the slot
log() { echo "[gpu_check +$(( $(date +%s) - START ))s] $*" | tee -a "$LOG"; }
FAILED=()
step() { # step NAME SECONDS CMD...: run CMD with its output in the log, within SECONDS
  local name=$1 secs=$2; shift 2
  if [ "$secs" -lt 20 ]; then log "$name: SKIPPED, only ${secs}s left"; FAILED+=("$name"); return 1; fi
  log "$name: $* (limit ${secs}s)"
  timeout --signal=INT --kill-after=5 "$secs" "$@" >> "$LOG" 2>&1
  local rc=$?; log "$name: exit status $rc"
  [ $rc -eq 0 ] || [ "$name" = experiment -a $rc -eq 3 ] || FAILED+=("$name")
  return $rc
}

log "start: $(date -u +%FT%TZ), smoke=$SMOKE, minutes=$MINUTES, $(git rev-parse --short HEAD 2>/dev/null || echo no-git)"
command -v nvidia-smi > /dev/null && timeout 20 nvidia-smi -L >> "$LOG" 2>&1

# 1. the install: wheels onto PYTHONPATH (the checkout itself provides bkd_fastai)
if python3 -c 'import fastai, nbdev, IPython, accelerate' 2> /dev/null; then log "install: fastai, nbdev and accelerate already importable"
elif ls .whl/*.whl > /dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl >> "$LOG" 2>&1 \
    || { log "install: FAILED"; exit 1; }
  export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}; log "install: wheels from .whl into /tmp/site"
else log "install: FAILED: fastai or accelerate is not importable and .whl holds no wheels (run bash ../shared/device/wheels.sh accelerate 'huggingface_hub<1' safetensors timm psutil hf-xet tqdm)"; exit 1; fi
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} MPLBACKEND=Agg BKD_GPU_CHECK=1 # the notebooks skip their own rehearsal of this script
python3 -c 'import torch, fastai, bkd_fastai; print("python", __import__("sys").version.split()[0], "torch", torch.__version__, "fastai", fastai.__version__, "bkd_fastai", bkd_fastai.__version__, "cuda", torch.cuda.is_available())' >> "$LOG" 2>&1
# the console commands, without installing the project (scripts, not shell functions, so that `timeout` can run them)
BIN=$(mktemp -d); trap 'rm -rf "$BIN"' EXIT
mkcmd() { printf '#!/usr/bin/env python3\nimport sys\nfrom %s import %s\nif __name__ == "__main__": sys.exit(%s())\n' "$2" "$3" "$3" > "$BIN/$1"; chmod +x "$BIN/$1"; } # as pip writes them
mkcmd bkd-train bkd_fastai.train bkd_train; mkcmd bkd-bench bkd_fastai.bench bkd_bench; mkcmd nbdev-test nbdev.test nbdev_test
export PATH=$BIN:$PATH

if [ -z "$DATA" ]; then for d in .fmnist data/fashion-mnist /usr/share/datasets/fashion-mnist; do [ -d "$d" ] && DATA=$d && break; done; fi
[ -n "$DATA" ] || { log "data: FAILED: no Fashion-MNIST folder (.fmnist, data/fashion-mnist or --data DIR)"; exit 1; }
ln -sfn "$(cd "$DATA" && pwd)" /tmp/bkd_gpu_check_data; DATA=/tmp/bkd_gpu_check_data # one path in every slot: a run records it
RUN=runs/gpu_check_fmnist_if100_s0
if [ $SMOKE = 1 ]; then
  TEST_ARGS=(nbs/01_losses.ipynb); BENCH_ARGS=(--quick --arch resnet8 --rounds 1 --n-batches 2)
  RUN=$OUT/.run; TRAIN_ARGS=(--arch resnet8 --epochs 1 --methods ce,bkd --jobs 2)
  LARGE_ARGS=(--arch resnet8 --size 32 --epochs 1 --bs 32); LOAD_ARGS=(--arch resnet8 --size 32 --bs 32 --n-batches 1); FAKE_ARGS="n_max=20, size=48"
else
  TEST_ARGS=(--flags cuda --n-workers 8); BENCH_ARGS=()
  TRAIN_ARGS=(--arch resnet32 --epochs 60 --methods ce,kd,kd_drw,bkd,ce_drw,ldam_drw,la --jobs "$JOBS")
  LARGE_ARGS=(--arch resnet50 --size 224 --epochs 3 --bs 128); LOAD_ARGS=(--bs 128); FAKE_ARGS="n_max=100, size=320"
fi
if [ -n "$FROM" ]; then
  rm -rf "$RUN"; mkdir -p "$RUN"
  cat "$FROM"/run.tar.part* | tar -C "$RUN" -xf - && log "resume: unpacked $(ls "$FROM"/run.tar.part* | wc -l) part(s) of $FROM into $RUN" \
    || { log "resume: FAILED to unpack $FROM/run.tar.part*"; exit 1; }
fi
rm -f "$OUT"/run.tar.part* "$OUT"/bench.json "$OUT"/results.json "$OUT"/results.md "$OUT"/per_class.png # an earlier call's

# 2. the notebooks' tests; 3. the benchmark: each within its share of the slot
want() { [[ ",$STEPS," == *",$1,"* ]]; }
want test && step nbdev-test $(( $(left) * 30 / 100 )) nbdev-test "${TEST_ARGS[@]}"
want bench && step bench $(( $(left) * 30 / 100 )) bkd-bench "${BENCH_ARGS[@]}" --out "$OUT/bench.json"
if want large; then # the loader against a step, and --compile against eager, on a fake ImageNet-LT; figures in the log
  FAKE=$(mktemp -d)
  python3 -c "from bkd_fastai.test_utils import make_fake_imagenet_lt as f; f('$FAKE', $FAKE_ARGS)" >> "$LOG" 2>&1
  SPLITS=(--data "$FAKE" --train-file ImageNet_LT_train.txt --valid-file ImageNet_LT_test.txt)
  step loading $(( $(left) * 10 / 100 )) bkd-bench --loading "${SPLITS[@]}" "${LOAD_ARGS[@]}"
  for c in eager compile; do
    step "large-$c" $(( $(left) * $([ $c = compile ] && echo 20 || echo 10) / 100 )) bkd-train --dataset splits "${SPLITS[@]}" "${LARGE_ARGS[@]}" --methods ce --lr 0.05 \
      --out "$FAKE/$c" $([ $c = compile ] && echo --compile) \
      && python3 -c "import json; r = json.load(open('$FAKE/$c/results.json')); print('large-$c: wall_s', r['wall_s'], 'precision', r['config']['precision'])" >> "$LOG" 2>&1
  done
  rm -rf "$FAKE"
fi

# 4. the experiment, stopping in time to pack what it leaves; --resume continues an earlier slot's run
if want experiment; then
budget=$(( $(left) - 40 )) # to pack up, and for a first epoch that overruns
[ -n "$LIMIT" ] || LIMIT=$(python3 -c "print(max($budget - 15, 1) / 60)") # less the start-up before bkd-train's clock starts
step experiment $(( budget + 10 )) bkd-train --dataset fmnist --data "$DATA" --imb 100 --seed 0 --out "$RUN" --resume \
  --time-limit "$LIMIT" "${TRAIN_ARGS[@]}"
exp=$?
for f in results.json results.md per_class.png; do [ -f "$RUN/$f" ] && cp "$RUN/$f" "$OUT/"; done
if [ $exp -ne 0 ]; then # unfinished: pass its state back (the models, and the checkpoints of what is not finished)
  keep=(run.json); [ -f "$RUN/results.json" ] && keep+=(results.json); [ -d "$RUN/models" ] && keep+=(models)
  for c in "$RUN"/checkpoints/*.pth; do
    [ -f "$c" ] && [ ! -f "$RUN/models/$(basename "$c")" ] && keep+=("checkpoints/$(basename "$c")")
  done
  if [ -f "$RUN/run.json" ]; then
    tar -C "$RUN" -cf - "${keep[@]}" | split -b 15M -d -a 1 - "$OUT/run.tar.part"
    log "experiment: unfinished; its state is in $(ls "$OUT"/run.tar.part* | wc -l) part(s) of $OUT/run.tar.part*: rerun with --resume-from DIR_HOLDING_THEM"
  else log "experiment: unfinished, with nothing to pass back"; fi
fi
fi
[ $SMOKE = 1 ] && rm -rf "$OUT/.run"
n=$(find "$OUT" -type f | wc -l)
log "end: $(ls "$OUT" | tr '\n' ' ')($n files)"
[ "$n" -le 8 ] || { log "more than 8 files in $OUT"; FAILED+=(files); }
if [ ${#FAILED[@]} -gt 0 ]; then log "FAILED: ${FAILED[*]}"; exit 1; fi
log "OK"
