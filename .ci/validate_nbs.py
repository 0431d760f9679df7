#!/usr/bin/env python
"Validate every notebook in nbs/ against the nbformat schema; print each invalid one and exit 1 if there is any."
import sys
from pathlib import Path
import nbformat

root = Path(__file__).resolve().parents[1]
nbs = sorted(p for p in (root/'nbs').rglob('*.ipynb') if not any(s.startswith(('.', '_')) for s in p.relative_to(root/'nbs').parts))
bad = 0
for p in nbs:
    try: nbformat.validate(nbformat.read(p, as_version=nbformat.NO_CONVERT))
    except Exception as e: bad += 1; print(f'{p.relative_to(root)}: {type(e).__name__}: {str(e).splitlines()[0]}')
print(f'{len(nbs)} notebooks: {bad} invalid' if bad else f'{len(nbs)} notebooks, all valid nbformat')
sys.exit(1 if bad else 0)
