#!/usr/bin/env python
"""Choose the settings of bkd_la, bkd_tau and la_kd on the held-out set: train each variant once, from the teachers of one run.

Usage:
    python tools/sweep.py --imb 100 --seed 0 --grid 'bkd_tau.tau=0.5;bkd_tau.tau=1.5;la_kd.a=0.2' --json nbs/experiments/results/fmnist_lt_if100_sweep.json

The run `runs/fmnist_if{IMB}_s{SEED}` (what `tools/experiment.py` trains) must hold the CE and LA models and each method at its
default settings. Each variant `METHOD.NAME=VALUE[,METHOD.NAME=VALUE]` is exactly
`bkd-train --methods METHOD --teacher ce=RUN/models/ce.pth,la=RUN/models/la.pth --opts VARIANT --seed SEED --out runs/sweep_.../VARIANT --resume`,
so it trains with the same data, seed and teachers as the run. Only held-out accuracy is read and written: the test set plays no
part in the choice. The JSON holds every variant's held-out accuracy, the chosen settings (the best held-out accuracy; ties go to
the default), the commands, the device and the date. Interrupted, it resumes when run again with the same arguments.
"""
import argparse, json, platform, shlex, sys, time
from pathlib import Path

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='fmnist')
    p.add_argument('--imb', type=float, default=100)
    p.add_argument('--arch', default='resnet8')
    p.add_argument('--epochs', type=int, default=16)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--grid', required=True, help="variants separated by ';', each METHOD.NAME=VALUE[,METHOD.NAME=VALUE]")
    p.add_argument('--runs', default='runs')
    p.add_argument('--data', default=None, help="the dataset folder, as bkd-train's --data")
    p.add_argument('--bs', type=int, default=None, help="batch size, as bkd-train's --bs")
    p.add_argument('--holdout', type=int, default=None, help="held-out images per class, as bkd-train's --holdout (as the run was trained)")
    p.add_argument('--json', required=True)
    p.add_argument('--time-limit', type=float, default=None, help='minutes; a later call with the same arguments resumes')
    a = p.parse_args(argv)
    import torch
    from bkd_fastai.cli import run_bkd
    from bkd_fastai.runs import save_json
    from bkd_fastai.train import parse_opts, method_opts, METHODS
    from bkd_fastai.models import bkd_model_meta
    t_start = time.time()
    imb = int(a.imb) if a.imb == int(a.imb) else a.imb
    base = Path(a.runs)/f'{a.dataset}_if{imb}_s{a.seed}'
    res0 = json.loads((base/'results.json').read_text())
    teachers = f"ce={base}/models/ce.pth,la={base}/models/la.pth"
    variants = [v.strip() for v in a.grid.split(';') if v.strip()]
    rows, cmds = [], []
    for m in dict.fromkeys(list(parse_opts(v))[0] for v in variants): # each method's default, from the run
        if m not in res0['methods']: sys.exit(f'{base} has no {m}: train it there at its defaults first (tools/experiment.py without --opts)')
        had = bkd_model_meta(base/'models'/f'{m}.pth').get('fingerprint', {}).get('opts') # as its model file records
        if had != method_opts(m):
            sys.exit(f"{base} holds {m} trained with {had}, not its defaults {method_opts(m)}: "
                     'the sweep compares each variant with the default; train the defaults into another --runs folder')
        r = res0['methods'][m]
        rows.append(dict(method=m, variant='default', opts=method_opts(m), holdout=r['holdout'], posthoc_delta=r['posthoc']['delta'], posthoc_holdout=r['posthoc']['holdout']))
    for v in variants:
        opts = parse_opts(v)
        if len(opts) != 1: sys.exit(f'a variant sets one method: {v!r}')
        m = list(opts)[0]
        out = Path(a.runs)/f'sweep_{a.dataset}_if{imb}_s{a.seed}'/v.replace(',', '_')
        cmds.append(f'bkd-train --dataset {a.dataset} --imb {imb} --arch {a.arch} --epochs {a.epochs} --methods {m} --teacher {teachers} --opts {v} --seed {a.seed} --out {out} --resume' + (f' --data {a.data}' if a.data else '') + (f' --bs {a.bs}' if a.bs else '') + (f' --holdout {a.holdout}' if a.holdout is not None else ''))
        left = None if a.time_limit is None else a.time_limit - (time.time() - t_start)/60
        if left is not None and left <= 0: sys.exit(f'--time-limit {a.time_limit:g} min: stopped before {v}; run the same command again to go on')
        t = time.time()
        r = run_bkd(a.dataset, imb=imb, arch=a.arch, epochs=a.epochs, methods=m, teacher=teachers, opts=v, seed=a.seed, out=out, resume=True, quiet=True, time_limit=left, data=a.data, bs=a.bs, holdout=a.holdout)
        if 'stopped' in r: sys.exit(r['stopped'])
        if r['config'].get('n_holdout') != res0['config'].get('n_holdout'): sys.exit(f"{out} has {r['config']['n_holdout']} held-out images, {base} {res0['config']['n_holdout']}: pass the run's --holdout")
        r = r['methods'][m]
        print(f'{v}: held-out {r["holdout"]:.2f} ({time.time()-t:.0f} s)', flush=True)
        rows.append(dict(method=m, variant=v, opts=method_opts(m, opts), holdout=r['holdout'], posthoc_delta=r['posthoc']['delta'], posthoc_holdout=r['posthoc']['holdout']))
    chosen = {}
    for m in dict.fromkeys(r['method'] for r in rows):
        best = max((r for r in rows if r['method'] == m), key=lambda r: (round(r['holdout'], 6), r['variant'] == 'default'))
        chosen[m] = best['opts']
    res = dict(dataset=a.dataset, imb=imb, seed=a.seed, arch=a.arch, epochs=a.epochs, base=str(base), rows=rows, chosen=chosen,
               opts=','.join(f'{m}.{k}={v:g}' for m,o in chosen.items() for k,v in o.items() if METHODS[m].opts[k] != v),
               command='python ' + ' '.join(shlex.quote(o) for o in ['tools/sweep.py'] + (argv if argv is not None else sys.argv[1:])),
               variant_commands=cmds, device=res0['config']['device'], date=time.strftime('%Y-%m-%d'), torch=torch.__version__, python=platform.python_version())
    save_json(res, a.json)
    for r in rows: print(f"{r['method']:8s} {r['variant']:24s} held-out {r['holdout']:.2f}  post-hoc δ={r['posthoc_delta']:+.1f}: {r['posthoc_holdout']:.2f}")
    print(f'chosen: {chosen}\nbkd-train --opts {res["opts"] or "(the defaults)"}\nwritten {a.json}')

if __name__ == '__main__': main()
