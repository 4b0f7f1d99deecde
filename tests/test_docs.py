"""The documentation site and the repository's self-containment.

The site tests read the built HTML (docs/_build/html). `.ci/run` builds it before the test suite runs,
and under CI (the CI environment variable set) a missing site is a failure, never a skip. Locally,
build it first (docs/README.md) or the site tests are skipped with that instruction.
"""

import html
import inspect
import json
import os
import pathlib
import re
import shutil
import subprocess
import zlib

import pytest

import zeroopt
from docs import sitecheck
from docs._ext import api_names, math_links

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
BUILD = "python -m sphinx -W --keep-going -b html docs docs/_build/html"


@pytest.fixture(scope="module")
def site():
    if not (SITE / "index.html").is_file():
        message = f"the documentation site is not built: run `{BUILD}` (docs/README.md)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run builds it before the tests")
        pytest.skip(message)
    return SITE


def _inventory(site):
    """{(role, name): page file and anchor} from the site's objects.inv (Sphinx's format: four header
    lines, then zlib-compressed lines "name domain:role priority uri display-name")."""
    data = (site / "objects.inv").read_bytes()
    for _ in range(4):
        data = data[data.index(b"\n") + 1:]
    out = {}
    for line in zlib.decompress(data).decode("utf-8").splitlines():
        m = re.match(r"(.+?)\s+(\S+):(\S+)\s+(-?\d+)\s+(\S*)\s+(.*)", line)
        if m:
            name, domain, role, _, uri, _ = m.groups()
            out[(f"{domain}:{role}", name)] = uri.replace("$", name) if uri.endswith("$") else uri
    return out


def _py_page(inventory, name):
    """The page (path relative to the site) and anchor where the Python object ``name`` is documented."""
    for (role, n), uri in inventory.items():
        if n == name and role.startswith("py:"):
            page, _, anchor = uri.partition("#")
            return page, anchor
    return None


def test_every_public_name_has_a_page(site):
    inventory = _inventory(site)
    names = [f"zeroopt.{n}" for n in zeroopt.__all__] + list(api_names.documented()) + list(api_names.MODULES)
    missing = []
    for name in names:
        found = _py_page(inventory, name)
        if found is None or not (site / found[0]).is_file() or \
                f'id="{found[1]}"' not in (site / found[0]).read_text(encoding="utf-8"):
            missing.append(name)
    assert not missing, f"public names without an API page: {missing}"
    assert len(names) > 90


def test_the_api_reference_is_grouped_by_task(site):
    index = (site / "api" / "index.html").read_text(encoding="utf-8")
    groups = ["estimators", "ad", "optimize", "linesearch", "problems", "sweep", "theory"]
    for group in groups:
        assert f'href="{group}.html"' in index, f"the API index does not link the group page {group}"
    inventory = _inventory(site)
    where = {"zeroopt.TwoPoint": "estimators", "zeroopt.grad": "ad", "zeroopt.minimize": "optimize",
             "zeroopt.linesearch.wolfe": "linesearch", "zeroopt.problems.rosenbrock": "problems",
             "zeroopt.sweep.run": "sweep", "zeroopt.theory.contraction": "theory"}
    for name, group in where.items():
        page, _ = _py_page(inventory, name)
        text = (site / "api" / f"{group}.html").read_text(encoding="utf-8")
        assert pathlib.PurePosixPath(page).name in text, f"{name} is not listed on the {group} page"


def test_api_pages_link_to_their_source(site):
    page = site / "api" / "generated" / "zeroopt.minimize.html"
    links = re.findall(r'<a class="reference internal" href="([^"]+)"><span class="viewcode-link">', page.read_text(encoding="utf-8"))
    assert links, "the API page has no [source] link"
    target = (page.parent / links[0].split("#")[0]).resolve()
    assert target.is_file() and "_modules" in target.parts


def test_no_two_pages_differ_only_by_case(site):
    """On macOS and Windows file systems such pages overwrite each other (ad.graph and ad.Graph did)."""
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    sources = [p.relative_to(ROOT).as_posix() for p in (ROOT / "docs" / "api").rglob("*") if p.is_file()]
    assert not api_names.case_collisions(files), api_names.case_collisions(files)
    assert not api_names.case_collisions(sources), api_names.case_collisions(sources)
    # the names that made such pages are still public, and each has its own page
    inventory = _inventory(site)
    pages = {_py_page(inventory, n)[0] for n in ("zeroopt.ad.graph", "zeroopt.ad.Graph",
                                                  "zeroopt.linesearch.bracket", "zeroopt.linesearch.Bracket")}
    assert len({p.casefold() for p in pages}) == 4, pages


def test_case_collisions_get_distinct_page_names():
    """Negative control of the renaming: colliding names get suffixes by kind, others keep their name."""
    def graph():
        pass

    class Graph:
        pass

    objects = {"m.graph": graph, "m.Graph": Graph, "m.other": graph}
    assert api_names.case_collisions(objects) == [["m.Graph", "m.graph"]]
    names = api_names.page_names(objects)
    assert names == {"m.graph": "m.graph-function", "m.Graph": "m.Graph-class"}
    with pytest.raises(ValueError, match="same kind"):
        api_names.page_names({"m.f": graph, "m.F": graph})


def test_no_page_shows_a_borrowed_docstring(site):
    """Constants showed float's docstring and NamedTuple fields "Alias for field number N"."""
    borrowed = [inspect.getdoc(float).splitlines()[0], "Alias for field number"]
    found = [f"{p.relative_to(site)}: {b!r}" for p in sitecheck.pages(site)
             for b in borrowed if b in p.read_text(encoding="utf-8")]
    assert not found, found
    invphi = (site / "api" / "generated" / "zeroopt.linesearch.INVPHI.html").read_text(encoding="utf-8")
    assert "golden ratio" in invphi and "0.6180339887498949" in invphi
    for name, fields in [("zeroopt.linesearch.LineSearchResult", ("x", "nfev", "status")),
                         ("zeroopt.Estimate", ("grad", "gdotG", "nev")),
                         ("zeroopt.FastPath", ("kernel", "scratch", "failure")),
                         ("zeroopt.sweep.Collected", ("records", "missing"))]:
        page, _ = _py_page(_inventory(site), name)
        text = (site / page).read_text(encoding="utf-8")
        for field in fields:
            m = re.search(rf'id="{re.escape(name)}\.{field}".*?<dd><p>(.*?)</p>', text, flags=re.S)
            assert m and len(re.sub("<[^>]+>", "", m.group(1)).split()) >= 2, f"{name}.{field} has no documentation"


def test_math_sections_and_api_pages_link_each_other(site):
    inventory = _inventory(site)
    for (math_page, heading), names in math_links.SECTIONS.items():
        label = math_links.label(math_page, heading)
        math_html = (site / f"{math_page}.html").read_text(encoding="utf-8")
        assert f'id="{label}"' in math_html, f"{math_page}: no anchor {label} for {heading!r}"
        for name in names:
            page, anchor = _py_page(inventory, name)
            assert f'{pathlib.PurePosixPath(page).name}#{anchor}"' in math_html, \
                f"{math_page} ({heading}) does not link {name}"
            api_html = (site / page).read_text(encoding="utf-8")
            back = os.path.relpath(site / f"{math_page}.html", (site / page).parent).replace(os.sep, "/")
            assert f'href="{back}#{label}"' in api_html, f"the page of {name} does not link {math_page}#{label}"


def test_the_top_navigation_shows_the_figures_page(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    nav = text[text.index('class="bd-navbar-elements navbar-nav"'):]
    nav = nav[:nav.index("dropdown")]     # the links before "More"
    for page in ("getting_started.html", "api/index.html", "math/index.html", "figures.html"):
        assert f'href="{page}"' in nav, f"{page} is not in the top navigation"


def test_the_copy_button_leaves_out_prompts_and_output(site):
    node = shutil.which("node")
    if node is None:
        message = "node is not on PATH (the docs build needs it too: docs/README.md)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cases = {
        ">>> import numpy as np\n>>> f = lambda x: (\n...     x ** 2)\n>>> f(3)\n9\n": "import numpy as np\nf = lambda x: (\n    x ** 2)\nf(3)",
        "$ pip install zeroopt\nSuccessfully installed\n$ python -m pytest\n": "pip install zeroopt\npython -m pytest",
        "import zeroopt as zo\nx = 1 > 0\n": "import zeroopt as zo\nx = 1 > 0",
        ">>> def f():\n...\n...     return 1\n": "def f():\n\n    return 1",
    }
    script = ("const {codeToCopy} = require(process.argv[1]); const cases = JSON.parse(process.argv[2]);"
              "console.log(JSON.stringify(cases.map(codeToCopy)));")
    js = ROOT / "docs" / "_static" / "copybutton.js"
    out = subprocess.run([node, "-e", script, str(js), json.dumps(list(cases))], capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out) == list(cases.values())
    assert "copybutton.js" in (site / "getting_started.html").read_text(encoding="utf-8")


def test_the_site_shows_the_license_and_how_to_cite(site):
    license_page = (site / "license.html").read_text(encoding="utf-8")
    license_file = ROOT / "LICENSE"
    if license_file.is_file():
        first, *rest = [line.strip() for line in license_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert html.escape(first, quote=False) in license_page and html.escape(rest[-1], quote=False) in license_page
    else:
        assert "MIT License" in license_page
    citing = html.unescape(re.sub("<[^>]+>", "", (site / "citing.html").read_text(encoding="utf-8")))
    assert "@software{zeroopt," in citing
    assert re.search(r"version\s*=\s*\{" + re.escape(zeroopt.__version__) + r"\}", citing), citing
    cff = ROOT / "CITATION.cff"
    if cff.is_file():
        version = re.search(r"^version:\s*['\"]?([^'\"\s]+)", cff.read_text(encoding="utf-8"), flags=re.M)
        assert version and version.group(1) == zeroopt.__version__, "CITATION.cff and zeroopt disagree on the version"
    for page in ("index.html", "api/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert "citing.html" in text and "license.html" in text, f"{page} does not link the citing and license pages"


def test_the_gallery_shows_every_paper_figure(site):
    page = site / "figures.html"
    srcs = re.findall(r'<img[^>]+src="([^"]+)"', page.read_text(encoding="utf-8"))
    for src in srcs:
        assert (page.parent / src).is_file(), f"the gallery's image {src} is missing from the site"
    shown = {pathlib.PurePosixPath(s).stem for s in srcs}
    figures = sorted(p.stem for p in (ROOT / "paper_figs").glob("*.png"))
    assert figures, "paper_figs/ has no figure"
    assert not [f for f in figures if f not in shown], "figures missing from the gallery"


def test_pages_load_mathjax_from_the_site_itself(site):
    with_math = 0
    for page in sitecheck.pages(site):
        text = page.read_text(encoding="utf-8")
        if 'class="math' not in text:
            continue
        with_math += 1
        srcs = [s for s in re.findall(r'<script[^>]+src="([^"]+)"', text) if "mathjax" in s.lower()]
        assert srcs, f"{page.relative_to(site)} has formulas but loads no MathJax"
        for src in srcs:
            assert not re.match(r"^([a-z]+:)?//", src), f"{page.relative_to(site)} loads MathJax from {src}"
            assert (page.parent / src.split("?")[0]).is_file(), f"{src} is not in the site"
    assert with_math >= 10, "the math pages have no formulas"
    fonts = site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert (fonts / "MathJax_Main-Regular.woff").is_file(), "MathJax's fonts are not in the site"


def test_internal_links_resolve_and_nothing_loads_from_the_network(site):
    broken, remote = sitecheck.check(site)
    assert not broken, "\n".join(broken[:20])
    assert not remote, "\n".join(remote[:20])


def test_the_site_check_finds_broken_links_and_remote_loads(tmp_path):
    """Negative control: the checker itself reports what it is meant to."""
    (tmp_path / "a.html").write_text('<html><body id="top"><a href="b.html#here">b</a>'
                                     '<a href="b.html#nowhere">b</a><a href="c.html">c</a>'
                                     '<a href="https://example.org/">out</a>'
                                     '<script src="https://cdn.example.org/mathjax.js"></script></body></html>')
    (tmp_path / "b.html").write_text('<html><body><h1 id="here">b</h1><a href="a.html#top">a</a></body></html>')
    broken, remote = sitecheck.check(tmp_path)
    assert len(broken) == 2 and "nowhere" in broken[0] + broken[1] and "c.html" in broken[0] + broken[1]
    assert len(remote) == 1 and "cdn.example.org" in remote[0]


def _tracked_files():
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return [ROOT / p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file but the generated ones
        skip = {".git", ".venv", "_build", "results", "__pycache__", "generated"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def test_no_tracked_file_points_outside_the_repository():
    # built from parts, so that this file does not contain what it looks for
    needles = ["shared" + "/", "DESIGN" + ".md"]
    found = []
    for path in _tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files (figures)
        for n, line in enumerate(text.splitlines(), 1):
            for needle in needles:
                if needle in line:
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not found, "files that point outside the repository:\n" + "\n".join(found)
