"""Open the built site in headless Chromium and check what a reader sees (not run in CI).

    python docs/check_browser.py [--site docs/_build/html] [--out docs/_build/browser] [--pages ...]

Serves the site from a local ``http.server`` and, for each page at desktop (1280 px) and phone (390 px)
width:

* loads it in an iframe of a small harness page, waits for MathJax to finish typesetting, and reports
  the number of formulas in the page (``.math`` elements), the number MathJax rendered
  (``mjx-container``), MathJax errors (``mjx-merror``), scripts or styles loaded from another host, and
  every element wider than the viewport that is not inside a horizontally scrollable box (those make
  the whole page scroll sideways on a phone);
* takes a screenshot, ``<out>/<page>-<width>.png``, to look at.

Exits 1 if a page has an unrendered formula, a MathJax error, a load from another host or an
overflowing element. Needs Debian's ``chromium`` (``apt-get install chromium``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading

DOCS = pathlib.Path(__file__).resolve().parent
PAGES = ["index", "getting_started", "user_guide/oracles", "user_guide/ad", "math/estimators",
         "math/rates", "math/linesearch", "math/ad_rules", "contract", "figures", "api/generated/zeroopt.TwoPoint",
         "api/generated/zeroopt.minimize"]
WIDTHS = (1280, 390)

HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body>
<iframe id="f" src="site/PAGE.html" style="width:WIDTHpx;height:900px;border:0"></iframe>
<pre id="result">pending</pre>
<script>
const frame = document.getElementById("f");
frame.addEventListener("load", async () => {
  const w = frame.contentWindow, d = frame.contentDocument;
  for (let i = 0; i < 200 && !(w.MathJax && w.MathJax.startup && w.MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 50));
  if (w.MathJax && w.MathJax.startup) await w.MathJax.startup.promise;
  const width = d.documentElement.clientWidth;
  const scrollable = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = w.getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; }
    return false; };
  const wide = [];
  for (const el of d.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && !scrollable(el) && w.getComputedStyle(el).position !== "fixed")
      wide.push(el.tagName.toLowerCase() + "." + String(el.className).trim().split(/\\s+/).join(".") + " right=" + Math.round(r.right));
  }
  const scrolls = [];
  for (const el of d.body.querySelectorAll("*")) {
    const o = w.getComputedStyle(el).overflowX;
    if ((o === "auto" || o === "scroll") && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      const kind = el.matches(".math, mjx-container") || el.querySelector(":scope > mjx-container[display]") ? "formula"
        : el.querySelector("table") || el.matches("table") ? "table" : el.querySelector("pre") || el.matches("pre") ? "code" : "other";
      scrolls.push({kind: kind, what: el.tagName.toLowerCase() + "." + String(el.className).trim().split(/\s+/).join("."),
                    text: (el.textContent || "").trim().slice(0, 50), excess: el.scrollWidth - el.clientWidth});
    }
  }
  const remote = [...d.querySelectorAll("script[src], link[href][rel~=stylesheet], img[src]")]
    .map(e => e.src || e.href).filter(u => u && !u.startsWith(location.origin) && !u.startsWith("data:"));
  document.getElementById("result").textContent = JSON.stringify({
    math: d.querySelectorAll(".math").length, rendered: d.querySelectorAll("mjx-container").length,
    errors: d.querySelectorAll("mjx-merror").length, pageWidth: d.documentElement.scrollWidth,
    viewport: width, wide: wide.slice(0, 8), nwide: wide.length, remote: remote, scrolls: scrolls });
});
</script></body></html>"""


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("check_browser: no chromium on PATH (Debian: apt-get install chromium)")


def run_chromium(args, timeout=120):
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", f"--user-data-dir={profile}", "--virtual-time-budget=20000"] + args
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


@contextlib.contextmanager
def serve(root):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def check_page(base, root, page, width, out):
    harness = root / f"harness-{page.replace('/', '_')}-{width}.html"
    harness.write_text(HARNESS.replace("PAGE", page).replace("WIDTH", str(width)))
    dom = run_chromium(["--dump-dom", f"{base}/{harness.name}"]).stdout
    m = re.search(r'<pre id="result">(.*?)</pre>', dom, flags=re.S)
    if not m or m.group(1).strip() == "pending":
        return {"page": page, "width": width, "error": "the harness did not finish"}
    import html
    result = json.loads(html.unescape(m.group(1)))
    shot = out / f"{page.replace('/', '_')}-{width}.png"
    height = 2400 if width > 600 else 2000
    run_chromium([f"--screenshot={shot}", f"--window-size={width},{height}", f"{base}/site/{page}.html"])
    result.update(page=page, width=width, screenshot=str(shot))
    return result


def problems_of(r):
    if "error" in r:
        return [r["error"]]
    out = []
    if r["rendered"] < r["math"]:
        out.append(f"{r['math'] - r['rendered']} of {r['math']} formulas not rendered")
    if r["errors"]:
        out.append(f"{r['errors']} MathJax errors")
    if r["remote"]:
        out.append(f"loads from another host: {r['remote']}")
    # a box that scrolls sideways hides part of its content: never acceptable at desktop width; on a
    # phone a wide table or code block may scroll, a formula may not
    allowed = () if r["width"] > 600 else ("table", "code")
    for s in r["scrolls"]:
        if s["kind"] not in allowed:
            out.append(f"a {s['kind']} scrolls sideways by {s['excess']} px: {s['what']} {s['text']!r}")
    if r["nwide"]:
        out.append(f"{r['nwide']} elements overflow the {r['viewport']} px viewport: {r['wide']}")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=pathlib.Path, default=DOCS / "_build" / "html", help="the built site")
    ap.add_argument("--out", type=pathlib.Path, default=DOCS / "_build" / "browser", help="screenshots go here")
    ap.add_argument("--pages", nargs="+", default=PAGES, help="pages, without .html (default: a sample of each kind)")
    a = ap.parse_args(argv)
    if not (a.site / "index.html").is_file():
        ap.error(f"no built site at {a.site}: build it first (see docs/README.md)")
    a.out.mkdir(parents=True, exist_ok=True)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        os.symlink(a.site.resolve(), root / "site")
        with serve(root) as base:
            for page in a.pages:
                for width in WIDTHS:
                    r = check_page(base, root, page, width, a.out)
                    issues = problems_of(r)
                    failed |= bool(issues)
                    status = "; ".join(issues) if issues else "ok"
                    rendered = f"{r.get('rendered', '?')}/{r.get('math', '?')} formulas"
                    print(f"{page:40s} {width:5d} px  {rendered:16s} {status}")
    print(f"screenshots in {a.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
