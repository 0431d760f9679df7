"Print 'N passed, N failed' for the notebooks that nbdev-test executed, from its log."
import sys, re
from pathlib import Path
from nbdev.config import get_config
from nbdev.frontmatter import FrontmatterProc
from nbdev.process import NBProcessor

cfg = get_config()
nbs = sorted(p for p in cfg.nbs_path.rglob('*.ipynb') if not any(q.startswith(('.', '_')) for q in p.relative_to(cfg.nbs_path).parts))
def executed(p):
    if (p.parent/'.notest').exists(): return False
    proc = NBProcessor(p, procs=FrontmatterProc, process=True)
    return str(proc.nb.frontmatter_.get('skip_exec', False)).lower() not in ('true', '1', 'yes')
tested = [p for p in nbs if executed(p)]
log = Path(sys.argv[1]).read_text() if len(sys.argv) > 1 else ''
failed = set()
if 'Failed On The Following Notebooks' in log:
    failed = {l.strip() for l in log.split('Failed On The Following Notebooks')[1].splitlines()[2:] if l.strip().endswith('.ipynb')}
n_failed = sum(p.name in failed for p in tested)
print(f"notebooks tested: {', '.join(str(p.relative_to(cfg.nbs_path)) for p in tested)}")
print(f"{len(tested)-n_failed} passed, {n_failed} failed")
