#!/usr/bin/env python
"""Offline check of the documentation, for a machine without Quarto.

Run after `nbdev-proc-nbs`, which writes the processed pages to `_proc/`. Renders every page to HTML with nbconvert and
checks that each relative link, each link into the docs site (`Documentation` in pyproject.toml) or into the repository
on GitHub, and each `#anchor` in the pages and in README.md resolves; and that the sidebar lists every page and nothing
else. Anchors are matched against the ids Quarto (pandoc) gives headings, and GitHub's for README.md. External links are
not fetched. Prints each broken link and exits 1 if there is any.

Usage: python .ci/check_docs.py
"""
import posixpath, re, sys, time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat, yaml
from nbconvert import HTMLExporter
from nbdev.config import get_config, nbpath2html

cfg = get_config()
root,nbs,proc = cfg.config_path,cfg.nbs_path,cfg.config_path/'_proc'
doc_url = (cfg.doc_host + cfg.doc_baseurl).rstrip('/')
gh_file = re.compile(re.escape(cfg.git_url) + rf'/(?:blob|tree|raw)/{re.escape(cfg.branch)}/([^#?]*)')
skip_schemes = re.compile(r'^(?:[a-z][a-z0-9+.-]*:|//)', re.I) # http:, mailto:, data:, ... and protocol-relative

def pandoc_id(text):
    "The id pandoc's `auto_identifiers` (and so Quarto) gives a heading with `text`"
    s = '-'.join(''.join(c for c in text.lower() if c.isalnum() or c in '_-.' or c.isspace()).split())
    return re.sub(r'^[^a-zA-Z]+', '', s) or 'section'

def github_id(text):
    "The id GitHub gives a heading with `text` in a README"
    return ''.join(c for c in text.lower().strip() if c.isalnum() or c in '-_ ').replace(' ', '-')

class Page(HTMLParser):
    "Links, heading ids and element ids of one HTML page"
    def __init__(self, html, ident):
        super().__init__(convert_charrefs=True)
        self.ident,self.links,self.ids,self.used = ident,[],set(),set()
        self.heading,self.skip = None,0
        self.feed(html); self.close()

    def _unique(self, i):
        j,n = i,0
        while j in self.used: n += 1; j = f'{i}-{n}'
        self.used.add(j); return j

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'a' and 'anchor-link' in (a.get('class') or ''): self.skip += 1; return # nbconvert's own ¶ links
        if tag in ('a', 'area', 'link') and a.get('href') is not None: self.links.append(a['href'])
        if tag in ('img', 'source', 'script', 'iframe') and a.get('src') and not a['src'].startswith('data:'): self.links.append(a['src'])
        if re.fullmatch(r'h[1-6]', tag): self.heading = []; return # nbconvert's heading ids are not Quarto's: computed below
        for k in ('id', 'name' if tag == 'a' else None):
            if k and a.get(k): self.ids.add(a[k]); self.used.add(a[k])

    def handle_endtag(self, tag):
        if tag == 'a' and self.skip: self.skip -= 1; return
        if re.fullmatch(r'h[1-6]', tag) and self.heading is not None:
            text = ''.join(self.heading).strip()
            if m := re.search(r'\{([^}]*)\}\s*$', text): # pandoc attributes: `## Title {#id .class}`
                ids = re.findall(r'#([\w.:-]+)', m.group(1))
                if ids: self.ids.add(ids[0]); self.used.add(ids[0]); self.heading = None; return
                text = text[:m.start()]
            self.ids.add(self._unique(self.ident(text)))
            self.heading = None

    def handle_data(self, data):
        if self.heading is not None and not self.skip: self.heading.append(data)

def md_html(md):
    "Markdown to HTML with nbconvert's own markdown renderer"
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    return markdown2html_mistune(md)

def load_pages():
    "{site path: Page} for every page in _proc, and {source path: site path}"
    exporter = HTMLExporter(template_name='basic', exclude_input=True)
    pages,srcs = {},{}
    for f in sorted(proc.rglob('*.ipynb')):
        rel = f.relative_to(proc)
        if any(p.startswith(('.', '_')) for p in rel.parts): continue
        nb = nbformat.read(f, as_version=4)
        fm = yaml.safe_load(nb.cells[0].source.strip().strip('-')) if nb.cells and nb.cells[0].cell_type == 'raw' and nb.cells[0].source.startswith('---') else {}
        site = (rel.parent/((fm or {}).get('output-file') or nbpath2html(rel).name)).as_posix()
        for c in nb.cells: c.metadata.pop('execution', None) # nbdev's timings, not in the nbformat schema
        pages[site],srcs[rel.as_posix()] = Page(exporter.from_notebook_node(nb)[0], pandoc_id),site
    for f in sorted(proc.rglob('*.md')) + sorted(proc.rglob('*.qmd')): # pages that are not notebooks
        rel = f.relative_to(proc)
        if any(p.startswith(('.', '_')) for p in rel.parts): continue
        site = rel.with_suffix('.html').as_posix()
        pages[site],srcs[rel.as_posix()] = Page(md_html(f.read_text()), pandoc_id),site
    return pages,srcs

def site_target(path, pages, srcs):
    "The page (site path) or resource that `path`, relative to the site root, names; None if nothing"
    if path in ('', '.'): path = 'index.html'
    if path.endswith('/'): path += 'index.html'
    if path in pages: return path
    if path in srcs: return srcs[path]
    if (proc/path).is_file(): return path # a file Quarto copies as it is
    if (proc/path).is_dir() and f'{path}/index.html' in pages: return f'{path}/index.html'

def check_link(href, base, pages, srcs, here=None):
    "What is wrong with `href` in a page at site folder `base` (None if nothing), or in README.md (`base` None)"
    url = urlsplit(href)
    frag = unquote(url.fragment)
    if href.startswith(doc_url + '/') or href == doc_url: path = href[len(doc_url):].split('#')[0].lstrip('/')
    elif m := gh_file.match(href):
        p = unquote(m.group(1)).rstrip('/')
        return None if (root/p).exists() else f'{p} is not in the repository'
    elif skip_schemes.match(href): return None # external: not fetched
    elif base is None: # README.md
        if not url.path: return None if frag in here.ids else f'no heading or id "{frag}" in README.md'
        return 'relative link: it breaks outside the repository (on PyPI, in a wheel); link to the docs or to GitHub'
    elif href.startswith('/'): return 'absolute path: write it relative to the page'
    elif not url.path: return None if frag in here.ids else f'no heading or id "{frag}" in this page'
    else:
        path = posixpath.normpath(posixpath.join(base, unquote(url.path)))
        if path.startswith('..'): return 'points outside the docs site'
    tgt = site_target(path, pages, srcs)
    if tgt is None: return f'no page or file {path} in the docs site'
    if frag and tgt in pages and frag not in pages[tgt].ids: return f'no heading or id "{frag}" in {tgt}'

def sidebar_entries():
    "Every href in the navbar and sidebar of _quarto.yml and its metadata files"
    ymls = [nbs/'_quarto.yml']
    ymls += [nbs/f for f in (yaml.safe_load(ymls[0].read_text()).get('metadata-files') or [])]
    hrefs,side = [],[]
    def walk(o, acc):
        if isinstance(o, str): acc.append(o)
        elif isinstance(o, list): [walk(x, acc) for x in o]
        elif isinstance(o, dict):
            if 'href' in o: acc.append(o['href'])
            for k in ('contents', 'left', 'right'):
                if k in o: walk(o[k], acc)
    for y in ymls:
        if not y.exists(): continue
        site = (yaml.safe_load(y.read_text()) or {}).get('website') or {}
        walk(site.get('navbar') or {}, hrefs)
        sb = site.get('sidebar') or {}
        for s in (sb if isinstance(sb, list) else [sb]): walk(s.get('contents') or [], side)
    return [h for h in hrefs if not skip_schemes.match(h)],[h for h in side if not skip_schemes.match(h)]

def main():
    t = time.time()
    if not proc.exists(): sys.exit(f'{proc} not found: run nbdev-proc-nbs first')
    pages,srcs = load_pages()
    bad = []
    for site,page in pages.items():
        for href in page.links:
            if err := check_link(href.strip(), posixpath.dirname(site), pages, srcs, page): bad.append(f'{site} (nbs/{next(s for s,p in srcs.items() if p == site)}): {href}: {err}')
    readme = root/'README.md'
    rp = Page(md_html(readme.read_text()), github_id)
    for href in rp.links:
        if err := check_link(href.strip(), None, pages, srcs, rp): bad.append(f'README.md: {href}: {err}')
    nav,side = sidebar_entries()
    for h in nav + side:
        if site_target(h, pages, srcs) not in pages: bad.append(f'nbs/_quarto.yml or sidebar.yml: {h}: no such page')
    listed = {site_target(h, pages, srcs) for h in side}
    for site in pages:
        if site not in listed: bad.append(f'sidebar: page {site} (nbs/{next(s for s,p in srcs.items() if p == site)}) is not in the sidebar')
    n = sum(len(p.links) for p in pages.values()) + len(rp.links)
    for b in bad: print(b)
    print(f'{len(pages)} pages and README.md, {n} links: {len(bad)} broken ({time.time()-t:.0f}s)')
    sys.exit(1 if bad else 0)

if __name__ == '__main__': main()
