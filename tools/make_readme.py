#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb without Quarto (nbdev-readme needs it).

Links to other notebooks become links to their pages on the docs site (`Documentation` in pyproject.toml), and links to
other files links to GitHub, so that they work on GitHub, on PyPI and in a wheel alike.

Usage: python tools/make_readme.py [--check]
With --check it writes nothing and exits 1 if README.md differs from what the notebook gives.
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
HEADER = '<!-- WARNING: generated from nbs/index.ipynb by `python tools/make_readme.py`; edit the notebook, not this file. -->\n\n'

def _cfg():
    from nbdev.config import get_config # offline: reads pyproject.toml
    cfg = get_config(root)
    return (cfg.doc_host + cfg.doc_baseurl).rstrip('/'), f'{cfg.git_url}/{{}}/{cfg.branch}/nbs/'

def _link(m):
    "A link relative to nbs/ as one that works wherever the README is read: a page on the docs site, else the file on GitHub"
    text,path,frag = m.group(1),m.group(2),m.group(3) or ''
    doc_url,gh = _cfg()
    if text.startswith('!'): return f"{text}({gh.format('raw')}{path}{frag})" # an image
    if not re.search(r'\.(?:ipynb|qmd)$', path): return f"{text}({gh.format('blob')}{path}{frag})"
    from nbdev.config import nbpath2html # how nbdev names pages: 13_bench.ipynb -> bench.html
    page = nbpath2html(path).as_posix()
    return f"{text}({doc_url}/{'' if page == 'index.html' else page}{frag})"

def _relink(md):
    "Links in nbs/index.ipynb are relative to nbs/ (so they work on the docs site); in the README they point to the docs site or to GitHub"
    return re.sub(r'(!?\[[^\]]*\])\((?!https?://|#|/|mailto:)([^)\s#]+)(#[^)\s]*)?\)', _link, md)

def _src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def _directives(src):
    return {m.group(1).strip(): m.group(2).strip() for m in re.finditer(r'^#\|\s*([\w-]+):?\s*(.*)$', src, re.M)}

def _outputs(cell):
    res = []
    for o in cell.get('outputs', []):
        if o['output_type'] == 'stream' and o.get('name') == 'stdout':
            txt = ''.join(o['text'])
            if '█' not in txt: res.append(('text', txt)) # console progress bars are noise in a README
        elif o['output_type'] in ('execute_result', 'display_data'):
            d = o['data']
            if 'text/markdown' in d: res.append(('md', ''.join(d['text/markdown'])))
            elif 'text/plain' in d and 'image/png' not in d and 'text/html' not in d: res.append(('text', ''.join(d['text/plain'])))
    return res

def render(nb_path=root/'nbs'/'index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for cell in nb['cells']:
        src = _src(cell)
        if cell['cell_type'] == 'markdown': parts.append(_relink(src.strip())); continue
        if cell['cell_type'] != 'code': continue
        d = _directives(src)
        if 'hide' in d or 'include' in d and d['include'] == 'false': continue
        code = '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()
        if code and d.get('echo') != 'false': parts.append(f'```python\n{code}\n```')
        for kind,txt in _outputs(cell):
            parts.append(_relink(txt.strip()) if kind == 'md' else '    ' + txt.rstrip().replace('\n', '\n    '))
    return HEADER + '\n\n'.join(p for p in parts if p) + '\n'

if __name__ == '__main__':
    txt,readme = render(),root/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != txt:
            sys.exit('README.md is out of step with nbs/index.ipynb: run `python tools/make_readme.py` and commit it')
        print('README.md matches nbs/index.ipynb')
    else:
        readme.write_text(txt); print(f'wrote {readme}')
