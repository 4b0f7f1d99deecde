"""Open the built site in headless Chromium and check what a reader sees.

    python docs/check_browser.py [--site docs/_build/html] [--out docs/_build/browser] [--pages ...]
                                 [--shots ...] [--widths 1280 1024 390]

Serves the site from a local ``http.server`` and opens every page (or the ``--pages`` given) in an
iframe of a small harness page, one Chromium per width: desktop (1280 and 1024 px, the two widths where
the theme shows the full header and the section navigation) and phone (390 px). For each page it waits
for MathJax to finish typesetting, then checks:

* **formulas**: every formula (``.math`` element) rendered (``mjx-container``), no MathJax error
  (``mjx-merror``);
* **nothing from the network**: no script, style or image loaded from another host;
* **nothing too wide**: no element wider than the viewport outside a horizontally scrollable box (those
  make the whole page scroll sideways on a phone), and no box that scrolls sideways at desktop width
  (on a phone a wide table or code block may scroll, a formula may not). Code shown as written on the
  API pages - docstring examples, source listings - may scroll: a line too long there is printed as a
  warning, for the docstring to be shortened, and does not fail the check;
* **the header is one row**: the logo, the top navigation's links, the search button and the colour
  switch sit on one line (the header wrapped to two rows at 1024-1280 px);
* **no name broken inside a word**: in the section navigation, the page title, the breadcrumbs, the
  page's table of contents and the previous/next links, every line break falls at a space or after a
  ``.``, ``-``, ``/``, ``,``, ``(`` or ``_`` (``linesearch.dic|hotomy`` and ``LineSearchRe|sult`` are
  what this catches);
* **previous/next not clipped**: the titles of the previous and next pages fit their boxes;
* **copy buttons**: every code block has one, and what it copies has no ``>>>`` or ``$`` prompt left.

It then takes a screenshot of the ``--shots`` pages (default: a sample of each kind of page) at each
width, ``<out>/<page>-<width>.png``, to look at.

Exits 1 if any page fails a check. Needs Debian's ``chromium`` (``apt-get install chromium``); `.ci/run`
runs it when chromium is installed.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

DOCS = pathlib.Path(__file__).resolve().parent
#: the pages screenshotted by default: one or more of each kind
SHOTS = ["index", "getting_started", "user_guide/oracles", "user_guide/ad", "math/estimators",
         "math/rates", "math/linesearch", "math/ad_rules", "contract", "figures", "api/index",
         "api/generated/zeroopt.TwoPoint", "api/generated/zeroopt.minimize",
         "api/generated/zeroopt.linesearch.dichotomy", "api/generated/zeroopt.linesearch.LineSearchResult"]
WIDTHS = (1280, 1024, 390)
#: the widths at which the theme shows the full header and the section navigation
DESKTOP = 960

HARNESS = r"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body>
<iframe id="f" style="width:WIDTHpx;height:900px;border:0"></iframe>
<script>
const PAGES = PAGELIST;
const frame = document.getElementById("f");
const sleep = ms => new Promise(r => setTimeout(r, ms));
const describe = el => el.tagName.toLowerCase() + "." + String(el.className).trim().split(/\s+/).join(".");
const visible = (w, el) => { const r = el.getBoundingClientRect(); const s = w.getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };

function headerRows(w, d) {
  // the visible items of the header: logo, top-level links, the "More" button, search, colour switch
  const header = d.querySelector(".bd-header");
  if (!header) return {rows: 0, height: 0, items: []};
  const items = [...header.querySelectorAll(".navbar-brand, .navbar-nav > li, .search-button, .search-button-field, .theme-switch-button, .sidebar-toggle")]
    .filter(el => visible(w, el) && !el.closest(".dropdown-menu"));
  const centers = items.map(el => { const r = el.getBoundingClientRect(); return [(r.top + r.bottom) / 2, el]; })
    .sort((a, b) => a[0] - b[0]);
  let rows = 0, last = -1e9;
  const firstOfRow = [];
  for (const [c, el] of centers) { if (c - last > 12) { rows++; firstOfRow.push(((el.querySelector(":scope > a, :scope > button") || el).textContent || "").replace(/\s+/g, " ").trim().slice(0, 30) || el.getAttribute("aria-label") || describe(el)); last = c; } }
  return {rows: rows, height: Math.round(header.getBoundingClientRect().height), items: firstOfRow};
}

function brokenWords(w, d) {
  // a line break inside a name: between two characters with no space between them, the first not a
  // character after which a name may break
  const selectors = [".bd-sidebar-primary a", ".bd-sidebar-primary .caption-text", "h1",
                     ".bd-breadcrumbs li", ".bd-toc a", ".prev-next-area .prev-next-title"];
  const out = [];
  for (const el of d.querySelectorAll(selectors.join(", "))) {
    if (!visible(w, el)) continue;
    const walker = d.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let prev = null, gap = false, text = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        const ch = node.data[i];
        if (/\s/.test(ch)) { gap = true; text += " "; continue; }
        const range = d.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (!rects.length) continue;
        const r = rects[0];
        if (prev && r.top >= prev.bottom - 0.3 * (prev.bottom - prev.top) && !gap && !/[.\-\/,(_]/.test(prev.ch)) {
          out.push({where: describe(el), at: text.replace(/\s+/g, " ").trim() + "|" + ch});
        }
        text += ch;
        prev = {ch: ch, top: r.top, bottom: r.bottom};
        gap = false;
      }
    }
  }
  // one line per element: the text up to the break
  return out.map(b => b.where + " '" + b.at.slice(-40) + "'");
}

function clippedPrevNext(w, d) {
  const out = [];
  for (const a of d.querySelectorAll(".prev-next-area a")) {
    if (!visible(w, a)) continue;
    const title = a.querySelector(".prev-next-title");
    if (!title) continue;
    const box = a.getBoundingClientRect(), t = title.getBoundingClientRect();
    if (a.scrollWidth > a.clientWidth + 1 || title.scrollWidth > title.clientWidth + 1 || t.right > box.right + 1 || t.left < box.left - 1)
      out.push((title.textContent || "").trim());
  }
  return out;
}

function copyButtons(w, d) {
  // every code block has a copy button, and what it copies has no prompt left in it
  const blocks = [...d.querySelectorAll("div.highlight")];
  const missing = blocks.filter(b => !b.querySelector("button.zo-copy")).length;
  const copy = w.zeroopt && w.zeroopt.codeToCopy;
  const text = b => { const t = b.querySelector("pre").textContent; return copy ? copy(t) : t; };
  const prompted = blocks.filter(b => /^(>>>|\$) /m.test(text(b))).length;
  return {blocks: blocks.length, missing: missing, prompted: prompted};
}

async function checkPage(page) {
  await new Promise(resolve => { frame.onload = resolve; frame.src = "site/" + page + ".html"; });
  const w = frame.contentWindow, d = frame.contentDocument;
  const mathjax = [...d.scripts].some(s => /mathjax/i.test(s.src || ""));
  for (let i = 0; mathjax && i < 200 && !(w.MathJax && w.MathJax.startup && w.MathJax.startup.promise); i++) await sleep(50);
  if (w.MathJax && w.MathJax.startup) await w.MathJax.startup.promise;
  if (d.fonts && d.fonts.ready) await d.fonts.ready;
  await sleep(100);
  const width = d.documentElement.clientWidth;
  const scrollable = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = w.getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; }
    return false; };
  const wide = [];
  for (const el of d.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && !scrollable(el) && w.getComputedStyle(el).position !== "fixed")
      wide.push(describe(el) + " right=" + Math.round(r.right));
  }
  const scrolls = [];
  for (const el of d.body.querySelectorAll("*")) {
    const o = w.getComputedStyle(el).overflowX;
    if ((o === "auto" || o === "scroll") && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      const kind = el.matches(".math, mjx-container") || el.querySelector(":scope > mjx-container[display]") ? "formula"
        : el.querySelector("table") || el.matches("table") ? "table" : el.querySelector("pre") || el.matches("pre") ? "code" : "other";
      scrolls.push({kind: kind, what: describe(el), text: (el.textContent || "").trim().slice(0, 50), excess: el.scrollWidth - el.clientWidth});
    }
  }
  const remote = [...d.querySelectorAll("script[src], link[href][rel~=stylesheet], img[src]")]
    .map(e => e.src || e.href).filter(u => u && !u.startsWith(location.origin) && !u.startsWith("data:"));
  return {page: page, math: d.querySelectorAll(".math").length, rendered: d.querySelectorAll("mjx-container").length,
          errors: d.querySelectorAll("mjx-merror").length, pageWidth: d.documentElement.scrollWidth,
          viewport: width, wide: wide.slice(0, 8), nwide: wide.length, remote: remote, scrolls: scrolls,
          header: headerRows(w, d), broken: brokenWords(w, d), clipped: clippedPrevNext(w, d),
          copy: copyButtons(w, d)};
}

(async () => {
  const results = [];
  for (const page of PAGES) {
    try { results.push(await checkPage(page)); }
    catch (e) { results.push({page: page, error: String(e)}); }
  }
  await fetch("/result-WIDTH", {method: "POST", body: JSON.stringify(results)});
})();
</script></body></html>"""


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("check_browser: no chromium on PATH (Debian: apt-get install chromium)")


def chromium_command(profile):
    # the flags headless Chromium needs on a machine without a network (no background connections)
    return [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", f"--user-data-dir={profile}"]


def run_chromium(args, timeout=120, budget_ms=20000):
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        cmd = chromium_command(profile) + [f"--virtual-time-budget={budget_ms}"] + args
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


@contextlib.contextmanager
def serve(root):
    """Serve ``root`` on a free local port; a harness POSTs its findings to ``/result-<width>``, which
    land in the ``results`` dict the context yields (with an Event per arrival)."""
    results, arrived = {}, threading.Condition()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with arrived:
                results[self.path.strip("/")] = body.decode("utf-8")
                arrived.notify_all()
            self.send_response(204)
            self.end_headers()

    handler = functools.partial(Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", results, arrived
    finally:
        server.shutdown()
        server.server_close()


def _stop(proc):
    """Stop the Chromium this script started, and the processes it started (its process group)."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 30)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def check_pages(server, root, pages, width, timeout):
    """The harness's findings for every page at one width (one Chromium for all of them)."""
    base, results, arrived = server
    harness = root / f"harness-{width}.html"
    harness.write_text(HARNESS.replace("PAGELIST", json.dumps(pages)).replace("WIDTH", str(width)))
    key = f"result-{width}"
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        # its own process group, so that stopping it stops its renderer and helper processes too
        proc = subprocess.Popen(chromium_command(profile) + [f"--window-size={width + 40},1000", f"{base}/{harness.name}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            with arrived:
                arrived.wait_for(lambda: key in results or proc.poll() is not None, timeout=timeout)
        finally:
            _stop(proc)
    if key not in results:
        return [{"page": p, "width": width, "error": f"the harness did not finish within {timeout} s"} for p in pages]
    found = json.loads(results.pop(key))
    for r in found:
        r["width"] = width
    return found


def screenshot(base, page, width, out):
    shot = out / f"{page.replace('/', '_')}-{width}.png"
    height = 2400 if width > 600 else 2000
    run_chromium([f"--screenshot={shot}", f"--window-size={width},{height}", f"{base}/site/{page}.html"])
    return shot


def problems_of(r):
    """(problems, warnings) of one page at one width: a problem fails the check, a warning is printed."""
    if "error" in r:
        return [r["error"]], []
    out, warn = [], []
    if r["rendered"] < r["math"]:
        out.append(f"{r['math'] - r['rendered']} of {r['math']} formulas not rendered")
    if r["errors"]:
        out.append(f"{r['errors']} MathJax errors")
    if r["remote"]:
        out.append(f"loads from another host: {r['remote']}")
    allowed = () if r["width"] > 600 else ("table", "code")
    # code the API pages show as it is written - docstring examples, source listings - may scroll: a long
    # line there is the docstring's to shorten (reported as a warning), not the layout's
    as_written = r["page"].startswith(("api/", "_modules/"))
    for s in r["scrolls"]:
        line = f"a {s['kind']} scrolls sideways by {s['excess']} px: {s['what']} {s['text']!r}"
        if s["kind"] in allowed:
            continue
        (warn if s["kind"] == "code" and as_written else out).append(line)
    if r["nwide"]:
        out.append(f"{r['nwide']} elements overflow the {r['viewport']} px viewport: {r['wide']}")
    if r["header"]["rows"] > 1:
        out.append(f"the header wraps to {r['header']['rows']} rows ({r['header']['height']} px; rows start at "
                   f"{r['header']['items']})")
    if r["broken"]:
        out.append(f"{len(r['broken'])} names broken inside a word: {r['broken'][:4]}")
    if r["clipped"]:
        out.append(f"previous/next titles clipped: {r['clipped']}")
    if r["copy"]["missing"]:
        out.append(f"{r['copy']['missing']} of {r['copy']['blocks']} code blocks have no copy button")
    if r["copy"]["prompted"]:
        out.append(f"the copy button of {r['copy']['prompted']} code blocks copies prompts")
    return out, warn


def all_pages(site):
    """Every page of the site, without .html (the search page included)."""
    return sorted(str(p.relative_to(site).with_suffix("")) for p in site.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=pathlib.Path, default=DOCS / "_build" / "html", help="the built site")
    ap.add_argument("--out", type=pathlib.Path, default=DOCS / "_build" / "browser", help="screenshots go here")
    ap.add_argument("--pages", nargs="+", help="pages to check, without .html (default: every page)")
    ap.add_argument("--shots", nargs="*", default=SHOTS, help="pages to screenshot (default: a sample of each kind)")
    ap.add_argument("--widths", nargs="+", type=int, default=WIDTHS, help="viewport widths in px")
    ap.add_argument("--timeout", type=float, default=900, help="seconds one width may take for all pages")
    a = ap.parse_args(argv)
    if not (a.site / "index.html").is_file():
        ap.error(f"no built site at {a.site}: build it first (see docs/README.md)")
    a.out.mkdir(parents=True, exist_ok=True)
    pages = a.pages or all_pages(a.site)
    failed = warned = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        os.symlink(a.site.resolve(), root / "site")
        with serve(root) as server:
            base = server[0]
            for width in a.widths:
                for r in check_pages(server, root, pages, width, a.timeout):
                    issues, warnings = problems_of(r)
                    failed += bool(issues)
                    warned += bool(warnings)
                    status = "; ".join(issues + [f"warning: {w}" for w in warnings]) or "ok"
                    rendered = f"{r.get('rendered', '?')}/{r.get('math', '?')} formulas"
                    print(f"{r['page']:55s} {width:5d} px  {rendered:16s} {status}", flush=True)
                for page in a.shots:
                    if (a.site / f"{page}.html").is_file():
                        screenshot(base, page, width, a.out)
    print(f"check_browser: {len(pages)} pages at {', '.join(map(str, a.widths))} px, "
          f"{failed} page-widths with problems, {warned} with warnings only; screenshots in {a.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
