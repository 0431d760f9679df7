#!/usr/bin/env python
"""Tidy executed notebooks' outputs for the docs: no progress-bar redraws, no build machine's paths.

Usage: python tools/clean_outputs.py [--check] [NOTEBOOK_OR_FOLDER ...]   (default: every notebook in nbs/)

fastprogress redraws its bars with '\\r' when it thinks it writes to a terminal; a notebook executed in a pipe keeps every
redraw (`Epoch 3/16 : |███---| 7.76% [9/116 ...]`). Each line of a stream output is cut to what a terminal would show
last, and bar fragments go, so the epoch table stays, one line per epoch; an output left empty goes. Absolute paths
of the build machine (`/root/...`, `/work/...`, `/tmp/...`, `/home/USER/...`, anything up to `site-packages/`) become
paths relative to the package or to the repository. With --check nothing is written: each output that needs cleaning is
printed, and the exit status is 1 if there is any.
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]

_bar = re.compile(r'\s*█?\s*(?:Epoch \d+/\d+ :)?\s*(?:\|[█-]*\|\s+\d+(?:\.\d+)?% \[.*)?\s*') # a whole redraw segment
_bar_in = re.compile(r'\|[█-]*\|\s+\d+(?:\.\d+)?% \[\d+/\d+') # a bar anywhere in a text
_pkgs = re.compile(r'(?<![\w.~-])/[^\s\'"<>:,;()\[\]{}]*?/(?:site|dist)-packages/')
_machine = re.compile(r'(?<![\w.~-])/(?:root|work|tmp|home/[^/\s]+)(?=/)[^\s\'"<>:,;()\[\]{}]*')
_machine_chk = re.compile(r'(?<![\w.~-])/(?:root|work|tmp)/|(?:site|dist)-packages/')
_repo_dirs = ('bkd_fastai', 'nbs', 'tools', 'bkd_runs')

def _txt(x): return ''.join(x) if isinstance(x, list) else x
def _lines(s): return s.splitlines(keepends=True)

def clean_stream(text:str)->str:
    "What a terminal would show last on each line of `text`, without progress-bar fragments"
    if '\r' not in text and not _bar_in.search(text): return text
    *lines,tail = text.split('\n')
    res = []
    for i,l in enumerate(lines + [tail]):
        keep = [s for s in l.split('\r') if s.strip() and not _bar.fullmatch(s)]
        if keep: res.append(keep[-1] + ('\n' if i < len(lines) else ''))
    return ''.join(res)

def _neutral_path(m):
    parts = m.group(0).split('/')
    i = max((i for i,p in enumerate(parts) if p in _repo_dirs), default=None)
    return '/'.join(parts[i:]) if i is not None else '…/' + parts[-1]

def neutral_paths(text:str)->str:
    "`text` with the machine's absolute paths made relative to their package or the repository"
    return _machine.sub(_neutral_path, _pkgs.sub('', text))

def _texts(o):
    "(getter, setter) of every text in output `o`"
    if o['output_type'] == 'stream': yield o, 'text'
    for k in (o.get('data') or {}):
        if k.startswith('text/') or k.endswith('json'): yield o['data'], k
    if o['output_type'] == 'error': yield o, 'traceback'; yield o, 'evalue'

def problems(nb):
    "(cell index, what) for each output that has bar redraws or machine paths"
    for i,c in enumerate(nb['cells']):
        for o in c.get('outputs', []):
            for d,k in _texts(o):
                t = _txt(d[k]) if k != 'traceback' else '\n'.join(d[k])
                if not isinstance(t, str): t = json.dumps(t)
                if o['output_type'] == 'stream' and ('\r' in t or _bar_in.search(t)): yield i, f'progress-bar redraws in {o["name"]}'
                if m := _machine_chk.search(t): yield i, f'machine path in {k}: ...{t[max(0, m.start()-20):m.end()+40]!r}...'

def clean_nb(nb):
    "Clean the outputs of `nb` in place"
    for c in nb['cells']:
        outs = []
        for o in c.get('outputs', []):
            if o['output_type'] == 'stream':
                o['text'] = _lines(clean_stream(_txt(o['text'])))
                if not o['text']: continue
            for d,k in _texts(o):
                v = d[k]
                if k == 'traceback': d[k] = [neutral_paths(l) for l in v]
                elif isinstance(v, str): d[k] = neutral_paths(v)
                elif isinstance(v, list) and all(isinstance(l, str) for l in v): d[k] = _lines(neutral_paths(''.join(v)))
            outs.append(o)
        if 'outputs' in c: c['outputs'] = outs
    return nb

def _dumps(nb): return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + '\n' # as nbdev-clean writes

def _rel(p): return p.resolve().relative_to(root) if p.resolve().is_relative_to(root) else p

def notebooks(args):
    paths = [Path(a) for a in args] or [root/'nbs']
    for p in paths:
        yield from (sorted(q for q in p.rglob('*.ipynb') if not any(s.startswith(('.', '_')) for s in q.relative_to(p).parts))
                    if p.is_dir() else [p])

def main(args):
    check = '--check' in args
    bad = 0
    for p in notebooks([a for a in args if a != '--check']):
        nb = json.loads(p.read_text())
        if check:
            for i,what in problems(nb): print(f'{_rel(p)}: cell {i}: {what}'); bad += 1
            continue
        clean_nb(nb)
        if left := list(problems(nb)): print(f'{_rel(p)}: could not clean everything: {left}'); bad += 1
        before,after = p.read_text(),_dumps(nb)
        if after != before: p.write_text(after); print(f'{_rel(p)}: {len(before.encode()):,} -> {len(after.encode()):,} bytes')
    if check: print(f'outputs: {bad} with progress-bar redraws or machine paths' if bad else 'outputs: no progress-bar redraws, no machine paths')
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
