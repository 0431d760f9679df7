#!/usr/bin/env python
"""Run one `bkd-train` configuration for several seeds and merge the results into one JSON for the experiment notebooks.

Usage:
    python tools/experiment.py --imb 100 --seeds 0,1,2 --json nbs/experiments/results/fmnist_lt_if100.json

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
    a = p.parse_args(argv)
    import torch
    from bkd_fastai.train import run_bkd, merge_runs, save_json, describe_device, results_table
    imb = int(a.imb) if a.imb == int(a.imb) else a.imb
    runs, cmds = [], []
    for s in [int(o) for o in a.seeds.split(',')]:
        out = Path(a.runs)/f'{a.dataset}_if{imb}_s{s}'
        cmds.append(f'bkd-train --dataset {a.dataset} --imb {imb} --arch {a.arch} --epochs {a.epochs} --methods {a.methods} --seed {s} --out {out} --resume')
        t = time.time()
        r = run_bkd(a.dataset, imb=imb, arch=a.arch, epochs=a.epochs, methods=a.methods, seed=s, out=out, resume=True, quiet=True)
        print(f"{a.dataset} IF={imb} seed {s}: {time.time()-t:.0f}s; per method: {r['wall_s']}", flush=True)
        runs.append(r)
    res = merge_runs(runs)
    dev = res['config']['device']
    res.update(command='python ' + ' '.join(shlex.quote(o) for o in ['tools/experiment.py'] + (argv if argv is not None else sys.argv[1:])),
               seed_commands=cmds, date=time.strftime('%Y-%m-%d'), torch=torch.__version__, python=platform.python_version(),
               device=dev, note=('wall_s are per method and seed, in seconds, as each results.json records them: the time of the call that trained the method '
                     '(resuming keeps it; runs resumed by versions before 2026-11-27 recorded the time of their evaluation instead)'))
    save_json(res, a.json)
    print(results_table(res['methods']) + f'\nwritten {a.json}')

if __name__ == '__main__': main()
