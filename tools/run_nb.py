#!/usr/bin/env python
"""Execute notebooks in place and keep their outputs (for experiments, which `nbdev-test` skips).

Usage: python tools/run_nb.py nbs/experiments/fmnist_lt.ipynb [more.ipynb ...]
Cells run in the notebook's folder, stopping at the first error; `nbdev-clean` afterwards tidies the metadata.
"""
import os, sys, time
from pathlib import Path
from execnb.shell import CaptureShell

for fn in sys.argv[1:]:
    fn = Path(fn).resolve()
    t = time.time()
    os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')
    cwd = os.getcwd(); os.chdir(fn.parent)
    try: CaptureShell(fn).execute(fn, fn, exc_stop=True)
    finally: os.chdir(cwd)
    print(f'executed {fn} in {time.time()-t:.0f}s')
