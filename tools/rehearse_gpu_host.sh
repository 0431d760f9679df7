#!/usr/bin/env bash
# tools/rehearse_gpu_host.sh [OUT_DIR] [gpu_check options...]
#
# Run `tools/gpu_check.sh OUT_DIR --smoke` on this CPU machine the way the GPU host sees it, so that what would break there breaks
# here first. Run as root (it needs `unshare -m` and bind mounts), from anywhere; OUT_DIR defaults to /tmp/rehearse_out.
#   - Python from another prefix: a virtual environment, /tmp/rehearse_venv (made once, then reused), holding only what the host
#     has: torch==2.14.1 and torchvision==0.29.1 (from this machine's disk), and the packages that ../shared/device/wheels.sh says
#     such a host already has (pandas, matplotlib, seaborn, scikit-learn, scipy, pillow, rich, pyyaml, requests). No fastai,
#     nbdev or IPython, and bkd_fastai is not installed: gpu_check.sh must install the wheels and put the checkout on PYTHONPATH.
#   - The wheels that `bash ../shared/device/wheels.sh accelerate 'huggingface_hub<1' safetensors timm psutil hf-xet tqdm`
#     fetched into .whl (fetched here if .whl is missing). Those are Python 3.12 wheels and this machine's Python is 3.11: every
#     wheel that installs on the venv's Python is used as it is, and each one that does not (a cp312 build, such as plum_dispatch's)
#     is replaced by the same name and version downloaded for the venv's Python with `pip download` into /tmp/rehearse_whl_local.
#     gpu_check.sh installs them with the host's own line (pip install --no-index --no-deps ... --target /tmp/site).
#   - The working tree as it travels: tracked files and untracked ones git does not ignore, copied to /tmp/rehearse_tree, with
#     .whl and the carried data folder .carried_data (the four Fashion-MNIST .gz files, copied from $FMNIST_SRC, default
#     /usr/share/datasets/fashion-mnist) beside them; nothing else of this checkout (no .fmnist, no runs, no .git).
#   - In a mount namespace of its own: the apt folder /usr/share/datasets/fashion-mnist and /tmp/site are hidden under empty
#     folders; HOME is an empty folder (no ~/.fastai); the environment is emptied but for PATH (the venv first, no pyenv),
#     LANG, OMP_NUM_THREADS=1 and PYTHONUNBUFFERED.
# It passes when gpu_check.sh exits 0 having installed the wheels itself and found the data through --data/BKD_DATA. The last
# lines of the log and summary.json are printed; its own exit status is gpu_check's (or 1 when a condition above is not met).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/tmp/rehearse_out}; [ $# -gt 0 ] && shift
case $OUT in /*) ;; *) OUT=$PWD/$OUT;; esac
VENV=/tmp/rehearse_venv; TREE=/tmp/rehearse_tree; LOCALWHL=/tmp/rehearse_whl_local
FMNIST_SRC=${FMNIST_SRC:-/usr/share/datasets/fashion-mnist}
HOST_PKGS=(torch==2.14.1 torchvision==0.29.1 pandas matplotlib seaborn scikit-learn scipy pillow rich pyyaml requests)
say() { echo "[rehearse +$(( $(date +%s) - T0 ))s] $*"; }
T0=$(date +%s)
[ "$(id -u)" = 0 ] || { echo "rehearse: run as root (unshare -m and bind mounts)" >&2; exit 1; }

# 1. the host's Python: a venv with torch and the host's packages alone (a few GB the first time, then reused)
if [ ! -f "$VENV/.ready" ]; then
  say "venv: creating $VENV with ${HOST_PKGS[*]} (several GB, a few minutes)"
  rm -rf "$VENV"; python3 -m venv "$VENV" && "$VENV/bin/python" -m pip install -q "${HOST_PKGS[@]}" 2>&1 | { grep -v '^WARNING: Location' || true; } \
    && "$VENV/bin/python" -c 'import torch, torchvision' || { say "venv: FAILED"; exit 1; }
  printf '%s\n' "${HOST_PKGS[@]}" > "$VENV/.ready"
else say "venv: reusing $VENV ($("$VENV/bin/python" -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__)'))"; fi
if "$VENV/bin/python" -c 'import fastai' 2> /dev/null || "$VENV/bin/python" -c 'import nbdev' 2> /dev/null; then say "venv: FAILED: fastai or nbdev imports in $VENV; the host has neither (rm -rf $VENV)"; exit 1; fi

# 2. the wheels: those of .whl that install on the venv's Python, and the others again for it
cd "$ROOT"
if ! ls .whl/*.whl > /dev/null 2>&1; then say "wheels: .whl is empty, fetching"; bash ../shared/device/wheels.sh accelerate 'huggingface_hub<1' safetensors timm psutil hf-xet tqdm || exit 1; fi
rm -rf "$TREE"; mkdir -p "$TREE/.whl" "$LOCALWHL"
"$VENV/bin/python" - .whl "$TREE/.whl" "$LOCALWHL" <<'PY' || { say "wheels: FAILED"; exit 1; }
import shutil, subprocess, sys
from pathlib import Path
from pip._vendor.packaging.tags import sys_tags
from pip._vendor.packaging.utils import parse_wheel_filename
src, dst, local = map(Path, sys.argv[1:])
ok = set(sys_tags())
for w in sorted(src.glob('*.whl')):
    name, ver, _, tags = parse_wheel_filename(w.name)
    if ok & set(tags): shutil.copy(w, dst); continue
    have = [p for p in local.glob('*.whl') if parse_wheel_filename(p.name)[:2] == (name, ver) and ok & set(parse_wheel_filename(p.name)[3])]
    if not have:
        subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps', '--only-binary=:all:', '-d', str(local), f'{name}=={ver}'], check=True)
        have = [p for p in local.glob('*.whl') if parse_wheel_filename(p.name)[:2] == (name, ver)]
    print(f'wheels: {w.name} does not install on Python {sys.version.split()[0]}: using {have[0].name}')
    shutil.copy(have[0], dst)
PY
say "wheels: $(ls "$TREE/.whl" | wc -l) in $TREE/.whl"

# 3. the working tree as it travels, and the carried data
git ls-files -co --exclude-standard -z | tar --null --ignore-failed-read -T - -cf - 2> /dev/null | tar -C "$TREE" -xf - || { say "tree: FAILED to copy"; exit 1; } # a deleted tracked file does not travel
mkdir "$TREE/.carried_data" && cp "$FMNIST_SRC"/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz "$TREE/.carried_data/" || { say "data: FAILED to copy from $FMNIST_SRC"; exit 1; }
say "tree: $(du -sh "$TREE" | cut -f1) in $TREE, data in $TREE/.carried_data"

# 4. gpu_check.sh --smoke in the host's conditions
EMPTY=$(mktemp -d); HOMEDIR=$(mktemp -d); mkdir -p "$EMPTY/datasets" "$EMPTY/site" /tmp/site
rm -rf "$OUT"
say "run: tools/gpu_check.sh $OUT --smoke --data .carried_data $*"
unshare -m --propagation private bash -c '
  mount --bind "$1/datasets" /usr/share/datasets/fashion-mnist 2> /dev/null || true
  mount --bind "$1/site" /tmp/site || exit 1
  cd "$2" || exit 1; venv=$3 home=$4; shift 4
  exec env -i HOME="$home" PATH="$venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" LANG=C.UTF-8 \
    OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1 bash tools/gpu_check.sh "$@"
' _ "$EMPTY" "$TREE" "$VENV" "$HOMEDIR" "$OUT" --smoke --data .carried_data "$@"
rc=$?
rm -rf "$EMPTY" "$HOMEDIR"
LOG=$OUT/gpu_check.log
[ -f "$LOG" ] || { say "FAILED: no $LOG"; exit 1; }
grep -q 'install: wheels from .whl into /tmp/site' "$LOG" || { say "FAILED: gpu_check did not install the wheels itself (was fastai importable?)"; rc=1; }
grep -q "data: BKD_DATA=$TREE/.carried_data" "$LOG" || { say "FAILED: gpu_check did not take the data from --data"; rc=1; }
echo "--- the log's step lines"; grep '^\[gpu_check' "$LOG"
echo "--- summary.json"; cat "$OUT/summary.json" 2> /dev/null
say "$([ $rc -eq 0 ] && echo PASS || echo "FAIL (exit status $rc)"): gpu_check.sh --smoke in the GPU host's conditions, $(( $(date +%s) - T0 ))s in all"
exit $rc
