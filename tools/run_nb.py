#!/usr/bin/env python
"""Execute notebooks in place and keep their outputs (for experiments, which `nbdev-test` skips, and the index, whose outputs make the README).

Usage: python tools/run_nb.py [--skip FLAG[,FLAG]] nbs/experiments/fmnist_lt.ipynb [more.ipynb ...]
Cells run in the notebook's folder, stopping at the first error. With --skip, code cells marked with one of the flags
(`#| slow`, say) are not run and keep the outputs they had. `nbdev-clean` afterwards tidies the metadata, and
`python tools/clean_outputs.py FILE` removes progress-bar redraws and machine paths from the outputs.
"""
import os, re, sys, time
from pathlib import Path
from execnb.shell import CaptureShell
from nbdev.process import read_nb, write_nb

args = sys.argv[1:]
skip = set()
if args[:1] == ['--skip']: skip,args = set(args[1].split(',')),args[2:]
def flagged(cell): return any(re.match(rf'#\|\s*{re.escape(f)}\s*$', l.strip()) for f in skip for l in cell.source.splitlines())

for fn in args:
    fn = Path(fn).resolve()
    t = time.time()
    os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')
    cwd = os.getcwd(); os.chdir(fn.parent)
    try:
        if not skip: CaptureShell(fn).execute(fn, fn, exc_stop=True)
        else:
            nb,sh = read_nb(fn),CaptureShell(fn)
            for c in nb.cells:
                if c.cell_type != 'code' or flagged(c): continue
                sh.cell(c)
                if sh.exc: raise RuntimeError(f'{fn.name}: a cell failed:\n{c.source}') from sh.exc
            write_nb(nb, fn)
    finally: os.chdir(cwd)
    print(f'executed {fn} in {time.time()-t:.0f}s')
