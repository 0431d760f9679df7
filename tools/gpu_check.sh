#!/usr/bin/env bash
# tools/gpu_check.sh OUT_DIR [--smoke] [--minutes M] [--data DIR] [--resume-from DIR] [--jobs N] [--steps LIST] [--time-limit MIN]
#
# Check bkd_fastai on a GPU host that has PyTorch but no fastai, nbdev or IPython, no data set and no internet, in one command
# sized for one device call (10 minutes at most; a 15-minute slot also pays the machine's start, the transfers and the give-back).
# The working tree travels, with the wheels in .whl and the Fashion-MNIST .gz files in a carried folder. From the project root:
#   tools/gpu_check.sh OUT --data DIR
# Start: CUDA must be visible (not with --smoke). The wheels install with the host's own line,
#   python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
#   (fetch them with bash ../shared/device/wheels.sh accelerate 'huggingface_hub<1' safetensors timm psutil hf-xet tqdm),
#   unless fastai, nbdev, IPython and accelerate already import. The checkout goes on PYTHONPATH (bkd_fastai is not installed
#   there), and bkd-train, bkd-bench and nbdev-test become scripts on PATH, as pip writes them, run by this python3.
# Data: --data DIR, else $BKD_DATA, .fmnist, data/fashion-mnist, /usr/share/datasets/fashion-mnist or fastai's data folder: a
#   folder holding the four .gz files, or a fashion-mnist/ sub-folder holding them. It is exported as BKD_DATA, where every step
#   finds it (bkd_fastai's `fmnist_path`). Without it the script still runs its steps: test runs (its notebooks that read the data
#   fail, naming BKD_DATA, with no download tried), and bench and experiment each fail in a log line of their own.
# Steps (--steps: a comma-separated subset of test,bench,large,experiment; default all four). Each gets a floor and a share of the
# seconds left (less 30 s to pack up), never eating into the floors of the steps after it:
#   test        floor 60 s, 25 %: nbdev-test --flags cuda of nbs/00_data, 01_models, 03_losses and 04_callback;
#   bench       floor 45 s, 20 %: bkd-bench, whole epochs: fastai CE, KD and BKD against a hand-written PyTorch BKD loop, every side
#               in bkd-train's precision and memory format, peak GPU memory per variant from a clean slate;
#   large       floor 90 s, 35 %: on a generated fake ImageNet-LT of 320-pixel JPEGs, bkd-bench --loading (the loader alone against
#               a ResNet-50 step alone), then a short ResNet-50 bkd-train eager and with --compile (wall times in the log);
#   experiment  floor 150 s, the rest: Fashion-MNIST-LT IF=100, ResNet-32, 60 epochs, seed 0, ce then bkd (--jobs N: processes
#               for the methods after the teacher; with bkd alone after it, 1, the default), --deterministic, under --time-limit
#               (default: the step's seconds less 30 for start-up and the last epoch).
# --smoke: the CPU rehearsal (no CUDA check; nbdev-test of 00_data and 03_losses; bench --quick; large at 32 pixels; ResNet-8, 1 epoch), in a
# few minutes of two cores; tools/rehearse_gpu_host.sh runs it as the GPU host would (fresh venv, bare HOME, no apt data).
# Everything lands in OUT_DIR, 8 files at most: gpu_check.log (every step's output and status), summary.json (the device, each
# step's status and seconds, the benchmark's ratios), bench.json, results.json, results.md, per_class.png and, if the experiment
# did not finish, run.tar.part0 and part1 (its models and checkpoints: pass that folder back with --resume-from DIR and the run
# goes on from its last epoch, bit for bit with --deterministic).
# Exit status: 0 when every step passed; 3 when all passed but the experiment, which the time limit stopped (incomplete);
# 1 when a step failed, timed out or was skipped for want of time; 2 for a usage error.
set -uo pipefail
HERE=$PWD; cd "$(dirname "$0")/.."
abspath() { case $1 in /*) echo "$1";; *) echo "$HERE/$1";; esac; } # paths are given relative to where it was called
usage() { echo "usage: tools/gpu_check.sh OUT_DIR [--smoke] [--minutes M] [--data DIR] [--resume-from DIR] [--jobs N] [--steps LIST] [--time-limit MIN]" >&2; exit 2; }
[ $# -ge 1 ] || usage
OUT=$(abspath "$1"); shift
SMOKE=0; MINUTES=; DATA=""; FROM=""; JOBS=1; STEPS=test,bench,large,experiment; LIMIT=""
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
[[ -z "$MINUTES" || "$MINUTES" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "--minutes takes a number of minutes" >&2; exit 2; }
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || { echo "--jobs takes a whole number >= 1" >&2; exit 2; }
[ -n "$MINUTES" ] || MINUTES=$([ $SMOKE = 1 ] && echo 15 || echo 9.5) # one device call runs 10 minutes at most
SLOT=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m*60 }')
PY=$(python3 -c "import sys; print(sys.executable)") || { echo "gpu_check: no python3 on PATH" >&2; exit 1; } # the interpreter itself, not a shim
mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)
LOG=$OUT/gpu_check.log; : > "$LOG"
rm -f "$OUT"/run.tar.part* "$OUT"/summary.json "$OUT"/bench.json "$OUT"/results.json "$OUT"/results.md "$OUT"/per_class.png # an earlier call's
START=$(date +%s)
TMPD=$(mktemp -d); trap 'rm -rf "$TMPD"' EXIT # the console scripts, the steps' records, the figures for summary.json
left() { echo $(( SLOT - $(date +%s) + START )); } # seconds left of the slot
log() { echo "[gpu_check +$(( $(date +%s) - START ))s] $*" | tee -a "$LOG"; }
FAILED=(); INCOMPLETE=()
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$TMPD/steps.tsv"; } # name, status, seconds, exit status, limit
summary() { # summary.json: the device, each step's status and seconds, and what the benchmark measured
  "$PY" - "$TMPD" "$OUT" "$1" "$SMOKE" "$MINUTES" "$(( $(date +%s) - START ))" <<'PY' >> "$LOG" 2>&1
import json, sys
from pathlib import Path
tmp, out, status, smoke, minutes, secs = sys.argv[1:]
tmp, out = Path(tmp), Path(out)
def load(p):
    try: return json.loads(Path(p).read_text())
    except (OSError, ValueError): return None
env = load(tmp/'env.json') or {}
steps = {}
if (tmp/'steps.tsv').exists():
    for l in (tmp/'steps.tsv').read_text().splitlines():
        name, st, s, rc, lim = l.split('\t')
        steps[name] = dict(status=st, seconds=int(s), exit=None if rc == '-' else int(rc), limit=None if lim == '-' else int(lim))
res = dict(status=status, device=env.get('device', 'unknown (the environment check did not run)'), smoke=smoke == '1',
           minutes=float(minutes), seconds=int(secs), versions={k: env[k] for k in ('python', 'torch', 'fastai', 'bkd_fastai') if k in env}, steps=steps)
ratios = {}
b = load(out/'bench.json')
if b:
    ratios.update(fastai_epoch_over_hand_loop=b.get('fastai_over_torch'), bkd_over_ce_time=b.get('bkd_over_ce'),
                  bkd_over_ce_memory=b.get('bkd_mem_over_ce'), kd_over_ce_time=b.get('kd_over_ce'))
    res['bench'] = {k: b.get(k) for k in ('device_name', 'precision', 'channels_last', 'mode', 'rounds', 'mem_kind')}
l = load(tmp/'loading.json')
if l:
    ratios['loading_over_step'] = l.get('loading_over_step')
    res['loading'] = {k: l.get(k) for k in ('loading_img_per_s', 'step_img_per_s', 'num_workers', 'precision', 'bs', 'size')}
for c in ('eager', 'compile'):
    r = load(tmp/f'large-{c}.json')
    if r: res.setdefault('large', {})[c] = dict(wall_s=r.get('wall_s'), precision=r.get('config', {}).get('precision'))
if ratios: res['ratios'] = ratios
r = load(out/'results.json')
if r: res['experiment'] = dict(methods_done=list(r.get('methods', {})), overall={m: v.get('overall') for m,v in r.get('methods', {}).items()})
(out/'summary.json').write_text(json.dumps(res, indent=1) + '\n')
PY
}
finish() { # finish RC: summary.json, the last log line, and the exit status
  local rc=$1 st=pass
  [ $rc -eq 3 ] && st=incomplete; [ $rc -ne 0 ] && [ $rc -ne 3 ] && st=fail
  summary "$st"
  log "$([ $rc -eq 0 ] && echo OK || echo "$st"): $(ls "$OUT" | tr '\n' ' ')"
  exit $rc
}
step() { # step NAME SECONDS CMD...: run CMD with its output in the log, within SECONDS
  local name=$1 secs=$2; shift 2
  if [ "$secs" -lt 20 ]; then log "$name: SKIPPED, only ${secs}s left"; FAILED+=("$name"); record "$name" skipped 0 - "$secs"; return 1; fi
  log "$name: $* (limit ${secs}s)"
  local t0=$(date +%s) st
  timeout --signal=INT --kill-after=5 "$secs" "$@" >> "$LOG" 2>&1
  local rc=$? dt=$(( $(date +%s) - t0 ))
  if [ $rc -eq 0 ]; then st=pass
  elif [ "$name" = experiment ] && [ $rc -eq 3 ]; then st=incomplete; INCOMPLETE+=("$name") # the time limit stopped it: not a pass
  elif [ $rc -eq 124 ]; then st=timeout; FAILED+=("$name")
  else st=fail; FAILED+=("$name"); fi
  log "$name: $st (exit status $rc, ${dt}s)"
  record "$name" "$st" "$dt" "$rc" "$secs"
  return $rc
}
nodata() { log "$1: FAILED: no Fashion-MNIST data: pass --data DIR (a folder holding the four .gz files, or a fashion-mnist/ sub-folder holding them) or set BKD_DATA"; FAILED+=("$1"); record "$1" no-data 0 - -; }

log "start: $(date -u +%FT%TZ), smoke=$SMOKE, minutes=$MINUTES, steps=$STEPS, python3=$PY, $(git rev-parse --short HEAD 2>/dev/null || echo no-git)"
command -v nvidia-smi > /dev/null && timeout 20 nvidia-smi -L >> "$LOG" 2>&1
if [ $SMOKE = 0 ] && ! "$PY" -c 'import torch; assert torch.cuda.is_available()' >> "$LOG" 2>&1; then
  log "cuda: FAILED: $PY's torch sees no CUDA GPU (torch.cuda.is_available() is False); this check is for a GPU host, and --smoke is its CPU rehearsal"
  record cuda fail 0 - -; finish 1
fi

# the install: wheels onto PYTHONPATH, the checkout after them (it provides bkd_fastai)
t0=$(date +%s)
if "$PY" -c 'import fastai, nbdev, IPython, accelerate' 2> /dev/null; then log "install: fastai, nbdev and accelerate already importable"
elif ls .whl/*.whl > /dev/null 2>&1; then
  "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl >> "$LOG" 2>&1 \
    || { log "install: FAILED"; record install fail $(( $(date +%s) - t0 )) - -; finish 1; }
  export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}; log "install: wheels from .whl into /tmp/site"
else log "install: FAILED: fastai or accelerate is not importable and .whl holds no wheels (run bash ../shared/device/wheels.sh accelerate 'huggingface_hub<1' safetensors timm psutil hf-xet tqdm)"; record install fail 0 - -; finish 1; fi
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} MPLBACKEND=Agg BKD_GPU_CHECK=1 # the notebooks skip their own rehearsal of this script
"$PY" - "$TMPD/env.json" <<'PY' >> "$LOG" 2>&1 || { log "install: FAILED: torch, fastai or bkd_fastai does not import"; record install fail $(( $(date +%s) - t0 )) - -; finish 1; }
import json, platform, sys, torch, fastai, bkd_fastai
cuda = torch.cuda.is_available()
env = dict(python=sys.version.split()[0], torch=torch.__version__, fastai=fastai.__version__, bkd_fastai=bkd_fastai.__version__, cuda=cuda,
           device=torch.cuda.get_device_name(0) if cuda else f'{platform.machine()} CPU, {torch.get_num_threads()} threads')
json.dump(env, open(sys.argv[1], 'w')); print(env)
PY
record install pass $(( $(date +%s) - t0 )) 0 -
# the console commands, without installing the project: scripts (not shell functions, so that `timeout` runs them) on PATH
mkdir "$TMPD/bin"
mkcmd() { printf '#!%s\nimport sys\nfrom %s import %s\nif __name__ == "__main__": sys.exit(%s())\n' "$PY" "$2" "$3" "$3" > "$TMPD/bin/$1"; chmod +x "$TMPD/bin/$1"; } # as pip writes them
mkcmd bkd-train bkd_fastai.cli bkd_train; mkcmd bkd-bench bkd_fastai.bench bkd_bench; mkcmd nbdev-test nbdev.test nbdev_test
export PATH=$TMPD/bin:$PATH

# the data: one folder, exported as BKD_DATA for every step
fmdir() { # the folder that holds the four files: $1 itself or its fashion-mnist/ sub-folder
  local d f
  for d in "$1" "$1/fashion-mnist"; do
    for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do [ -f "$d/$f" ] || continue 2; done
    echo "$d"; return 0
  done; return 1
}
HAVE_DATA=0
if [ -n "$DATA" ]; then cands=("$DATA"); else cands=(${BKD_DATA:+"$BKD_DATA"} .fmnist data/fashion-mnist /usr/share/datasets/fashion-mnist "${FASTAI_HOME:-$HOME/.fastai}/data/fashion-mnist"); fi
for d in "${cands[@]}"; do if fm=$(fmdir "$d"); then DATA=$(cd "$d" && pwd); HAVE_DATA=1; break; fi; done
if [ $HAVE_DATA = 1 ]; then export BKD_DATA=$DATA; log "data: BKD_DATA=$DATA (Fashion-MNIST in $fm)"
else
  [ -n "$DATA" ] && export BKD_DATA=$DATA || { mkdir "$TMPD/no_data"; export BKD_DATA=$TMPD/no_data; } # an error naming it, never a download
  log "data: MISSING: no Fashion-MNIST in ${cands[*]}; the steps that need it fail (BKD_DATA=$BKD_DATA, so that nothing tries a download)"
fi

RUN=runs/gpu_check_fmnist_if100_s0
if [ $SMOKE = 1 ]; then
  TEST_ARGS=('nbs/0[03]_*.ipynb' --timing); BENCH_ARGS=(--quick --arch resnet8 --rounds 1 --n-batches 2)
  RUN=$OUT/.run; TRAIN_ARGS=(--arch resnet8 --epochs 1)
  LARGE_ARGS=(--arch resnet8 --size 32 --epochs 1 --bs 32); LOAD_ARGS=(--arch resnet8 --size 32 --bs 32 --n-batches 1); FAKE_ARGS="n_max=20, size=48"
  FLOORS=(30 30 60 60) # test bench large experiment, in seconds
else
  TEST_ARGS=('nbs/0[0134]_*.ipynb' --flags cuda --timing); BENCH_ARGS=(--rounds 3)
  TRAIN_ARGS=(--arch resnet32 --epochs 60)
  LARGE_ARGS=(--arch resnet50 --size 224 --epochs 3 --bs 128); LOAD_ARGS=(--bs 128); FAKE_ARGS="n_max=100, size=320"
  FLOORS=(60 45 90 150)
fi
SHARES=(25 20 35 100); NAMES=(test bench large experiment); PACK=30
want() { [[ ",$STEPS," == *",$1,"* ]]; }
budget() { # budget STEP: max(its floor, its share of what is left), leaving the floors of the wanted steps after it
  local i later=0 me=-1
  for i in 0 1 2 3; do
    [ "${NAMES[$i]}" = "$1" ] && me=$i && continue
    [ $me -ge 0 ] && want "${NAMES[$i]}" && later=$(( later + FLOORS[i] ))
  done
  local avail=$(( $(left) - PACK )) b
  b=$(( avail * SHARES[me] / 100 )); [ $b -lt ${FLOORS[$me]} ] && b=${FLOORS[$me]}
  [ $b -gt $(( avail - later )) ] && b=$(( avail - later ))
  echo $b
}
if [ -n "$FROM" ]; then
  rm -rf "$RUN"; mkdir -p "$RUN"
  cat "$FROM"/run.tar.part* | tar -C "$RUN" -xf - && log "resume: unpacked $(ls "$FROM"/run.tar.part* | wc -l) part(s) of $FROM into $RUN" \
    || { log "resume: FAILED to unpack $FROM/run.tar.part*"; record resume fail 0 - -; finish 1; }
fi

want test && step test "$(budget test)" nbdev-test "${TEST_ARGS[@]}"
if want bench; then
  if [ $HAVE_DATA = 1 ]; then step bench "$(budget bench)" bkd-bench "${BENCH_ARGS[@]}" --out "$OUT/bench.json"; else nodata bench; fi
fi
if want large; then # the loader against a step, and --compile against eager, on a fake ImageNet-LT; figures in the log
  group=$(budget large); gstart=$(date +%s)
  glef() { echo $(( group - $(date +%s) + gstart )); }
  FAKE=$TMPD/fake
  "$PY" -c "from bkd_fastai.test_utils import make_fake_imagenet_lt as f; f('$FAKE', $FAKE_ARGS)" >> "$LOG" 2>&1
  SPLITS=(--data "$FAKE" --train-file ImageNet_LT_train.txt --valid-file ImageNet_LT_test.txt)
  step loading $(( $(glef) * 25 / 100 )) bkd-bench --loading "${SPLITS[@]}" "${LOAD_ARGS[@]}" --out "$TMPD/loading.json"
  for c in eager compile; do
    step "large-$c" $(( $(glef) * $([ $c = compile ] && echo 100 || echo 40) / 100 )) bkd-train --dataset splits "${SPLITS[@]}" "${LARGE_ARGS[@]}" --methods ce --lr 0.05 \
      --out "$FAKE/$c" $([ $c = compile ] && echo --compile) \
      && cp "$FAKE/$c/results.json" "$TMPD/large-$c.json" \
      && "$PY" -c "import json; r = json.load(open('$FAKE/$c/results.json')); print('large-$c: wall_s', r['wall_s'], 'precision', r['config']['precision'])" >> "$LOG" 2>&1
  done
  rm -rf "$FAKE"
fi

# the experiment, stopping in time to pack what it leaves; --resume-from continues an earlier slot's run
if want experiment; then
  if [ $HAVE_DATA = 0 ]; then nodata experiment
  else
    secs=$(budget experiment)
    [ -n "$LIMIT" ] || LIMIT=$("$PY" -c "print(round(max($secs - 30, 1) / 60, 3))") # less bkd-train's start-up and an epoch that overruns
    step experiment "$secs" bkd-train --dataset fmnist --imb 100 --seed 0 --methods ce,bkd --jobs "$JOBS" --deterministic --out "$RUN" --resume \
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
fi
[ $SMOKE = 1 ] && rm -rf "$OUT/.run"
summary pending # so that it counts among the files
n=$(find "$OUT" -type f | wc -l)
[ "$n" -le 8 ] || { log "more than 8 files in $OUT ($n): the device call returns 8"; FAILED+=(files); }
[ ${#FAILED[@]} -gt 0 ] && { log "FAILED: ${FAILED[*]}"; finish 1; }
[ ${#INCOMPLETE[@]} -gt 0 ] && { log "INCOMPLETE: ${INCOMPLETE[*]} (stopped by the time limit; pass run.tar.part* back with --resume-from)"; finish 3; }
finish 0
