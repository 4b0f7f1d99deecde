"""Checks of the built site that Sphinx does not make: internal links and what the pages load.

    python docs/sitecheck.py [docs/_build/html]

* **Internal links**: every relative ``href`` and ``src`` of every page must name a file of the site, and
  every ``#fragment`` an ``id`` in the page it points to (Sphinx's ``linkcheck`` builder is for external
  links; ``-W`` catches unresolved cross-references, not raw links in the generated HTML).
* **Nothing from the network**: no page may load a script, a stylesheet, an image or a font from
  another host (links *to* other sites are fine: they are not loaded).

Prints one line per problem and exits 1 if there is any. ``tests/test_docs.py`` runs the same checks.
"""

from __future__ import annotations

import html.parser
import pathlib
import sys
import urllib.parse

#: (tag, attribute) pairs whose URL the browser loads when it shows the page
LOADED = {("script", "src"), ("img", "src"), ("link", "href"), ("source", "src"), ("iframe", "src")}
#: link relations of <link> that do not load anything while the page is shown
NOT_LOADED_RELS = {"index", "search", "next", "prev", "canonical", "author", "license", "help", "alternate"}


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.urls = []  # (tag, attribute, url, loaded)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key) and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        for attr in ("href", "src"):
            url = a.get(attr)
            if url is None:
                continue
            loaded = (tag, attr) in LOADED
            if tag == "link" and not (set((a.get("rel") or "").split()) - NOT_LOADED_RELS):
                loaded = False
            self.urls.append((tag, attr, url, loaded))


def parse(path):
    page = _Page()
    page.feed(pathlib.Path(path).read_text(encoding="utf-8", errors="replace"))
    return page


def pages(site):
    """Every HTML page of the site (the search page's template included)."""
    return sorted(p for p in pathlib.Path(site).rglob("*.html") if "_static" not in p.parts)


def _is_remote(url):
    parts = urllib.parse.urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("file",)) or url.startswith("//")


def check(site):
    """(broken internal links, loads from the network): lists of "page: message" strings."""
    site = pathlib.Path(site).resolve()
    parsed = {p: parse(p) for p in pages(site)}
    broken, remote = [], []
    for page, doc in parsed.items():
        rel = page.relative_to(site)
        for tag, attr, url, loaded in doc.urls:
            if _is_remote(url):
                if loaded and not url.startswith("data:"):
                    remote.append(f"{rel}: <{tag} {attr}={url!r}> loads from another host")
                continue
            if url.startswith(("data:", "mailto:", "javascript:")):
                continue
            parts = urllib.parse.urlsplit(url)
            target = page if not parts.path else (page.parent / urllib.parse.unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{rel}: <{tag} {attr}={url!r}> points to a missing file")
                continue
            if parts.fragment and target.suffix == ".html":
                doc_t = parsed.get(target) or parse(target)
                if urllib.parse.unquote(parts.fragment) not in doc_t.ids:
                    broken.append(f"{rel}: <{tag} {attr}={url!r}> points to a missing anchor")
    return broken, remote


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    site = pathlib.Path(argv[0] if argv else pathlib.Path(__file__).resolve().parent / "_build" / "html")
    if not (site / "index.html").is_file():
        print(f"sitecheck: no built site at {site}", file=sys.stderr)
        return 2
    broken, remote = check(site)
    for line in broken + remote:
        print(line)
    n = len(pages(site))
    print(f"sitecheck: {n} pages, {len(broken)} broken internal links, {len(remote)} loads from the network")
    return 1 if broken or remote else 0


if __name__ == "__main__":
    sys.exit(main())
