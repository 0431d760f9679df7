#!/usr/bin/env python
"""Run one `bkd-train` configuration for several seeds and merge the results into one JSON for the experiment notebooks.

Usage:
    python tools/experiment.py --imb 100 --seeds 0,1,2 --json my_if100.json

Each seed is exactly `bkd-train --dataset D --imb IF --arch A --epochs E --methods M --seed S --out runs/D_ifIF_sS --resume`:
it resumes, so an interrupted experiment is continued by running the same command again. The JSON holds the mean and
std over seeds (`merge_runs`), every seed's results, the exact commands, the device and the date.
"""
import argparse, json, platform, shlex, sys, time
from pathlib import Path

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='fmnist')
    p.add_argument('--imb', type=float, default=100)
    p.add_argument('--arch', default='resnet8')
    p.add_argument('--epochs', type=int, default=16)
    p.add_argument('--methods', default='ce,kd,kd_drw,bkd,ce_drw,ldam_drw,la,bs,focal')
    p.add_argument('--seeds', default='0')
    p.add_argument('--runs', default='runs', help='folder of the per-seed bkd-train output folders')
    p.add_argument('--json', required=True, help='the merged results file to write')
    p.add_argument('--opts', default=None, help="settings of bkd_la, bkd_tau and la_kd, as bkd-train's --opts")
    p.add_argument('--opts-from', default=None, help="the settings tools/sweep.py chose, from its JSON (instead of --opts)")
    p.add_argument('--data', default=None, help="the dataset folder, as bkd-train's --data")
    p.add_argument('--bs', type=int, default=None, help="batch size, as bkd-train's --bs")
    p.add_argument('--holdout', type=int, default=None, help="held-out images per class, as bkd-train's --holdout")
    p.add_argument('--time-limit', type=float, default=None, help='minutes for the whole call; a later call with the same arguments resumes')
    p.add_argument('--report-only', action='store_true', help='train nothing: merge the methods that every seed folder has finished')
    a = p.parse_args(argv)
    import torch
    from bkd_fastai.cli import run_bkd
    from bkd_fastai.runs import merge_runs, save_json
    from bkd_fastai.metrics import results_table
    from bkd_fastai.train import parse_opts, method_opts, METHODS
    from bkd_fastai.models import bkd_model_meta
    imb = int(a.imb) if a.imb == int(a.imb) else a.imb
    t_start = time.time()
    if a.opts_from: a.opts = json.loads(Path(a.opts_from).read_text())['opts'] or None
    runs, cmds = [], []
    for s in [int(o) for o in a.seeds.split(',')]:
        out = Path(a.runs)/f'{a.dataset}_if{imb}_s{s}'
        extra = (f' --opts {a.opts}' if a.opts else '') + (f' --holdout {a.holdout}' if a.holdout is not None else '') + (f' --data {a.data}' if a.data else '') + (f' --bs {a.bs}' if a.bs else '')
        cmds.append(f'bkd-train --dataset {a.dataset} --imb {imb} --arch {a.arch} --epochs {a.epochs} --methods {a.methods} --seed {s} --out {out} --resume' + extra)
        t = time.time()
        left = None if a.time_limit is None else a.time_limit - (time.time() - t_start)/60
        if left is not None and left <= 0: sys.exit(f'--time-limit {a.time_limit:g} min: stopped before seed {s}; run the same command again to go on')
        if a.report_only:
            runs.append(json.loads((out/'results.json').read_text())); continue
        r = run_bkd(a.dataset, imb=imb, arch=a.arch, epochs=a.epochs, methods=a.methods, seed=s, out=out, resume=True, quiet=True,
                    opts=a.opts, holdout=a.holdout, time_limit=left, data=a.data, bs=a.bs)
        if 'stopped' in r: sys.exit(r['stopped'])
        print(f"{a.dataset} IF={imb} seed {s}: {time.time()-t:.0f}s; per method: {r['wall_s']}", flush=True)
        runs.append(r)
    # the methods every seed has finished, in the order asked for (a resumed folder also reports the methods it trained before)
    done = [m for m in a.methods.split(',') if all(m in r['methods'] for r in runs)]
    want = parse_opts(a.opts) if a.opts else None
    for r in runs: # the JSON names the settings: every method reported must have been trained with them, as its model file records
        for m in (m for m in done if METHODS[m].opts):
            had = bkd_model_meta(Path(r['config']['out'])/'models'/f'{m}.pth').get('fingerprint', {}).get('opts')
            if had != method_opts(m, want):
                sys.exit(f"{r['config']['out']}: {m} was trained with {had}, not {method_opts(m, want)}: train it with these settings (without --report-only), or report it with its own")
    for r in runs: r['methods'],r['wall_s'] = {m: r['methods'][m] for m in done},{m: r['wall_s'][m] for m in done}
    if a.report_only: print(f"finished in every seed: {', '.join(done)}; not yet: {', '.join(m for m in a.methods.split(',') if m not in done) or 'none'}")
    res = merge_runs(runs)
    dev = res['config']['device']
    res.update(command='python ' + ' '.join(shlex.quote(o) for o in ['tools/experiment.py'] + (argv if argv is not None else sys.argv[1:])),
               seed_commands=cmds, date=time.strftime('%Y-%m-%d'), torch=torch.__version__, python=platform.python_version(),
               device=dev, note=('wall_s are per method and seed, in seconds, as each results.json records them: the time of the call that finished training the method '
                     '(a later call that only evaluates it keeps that time; a method stopped by --time-limit and resumed records only its last call, '
                     'which may have trained its last epochs only; runs resumed by versions before 2026-11-27 recorded the time of their evaluation instead)'))
    save_json(res, a.json)
    print(results_table(res['methods']) + f'\nwritten {a.json}')

if __name__ == '__main__': main()
