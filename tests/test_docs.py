"""The documentation site and the repository's self-containment.

The site tests read the built HTML (docs/_build/html). `.ci/run` builds it before the test suite runs,
and under CI (the CI environment variable set) a missing site is a failure, never a skip. Locally,
build it first (docs/README.md) or the site tests are skipped with that instruction.
"""

import os
import pathlib
import re
import subprocess

import pytest

import zeroopt
from docs import sitecheck

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


def test_every_public_name_has_a_page(site):
    missing = []
    for name in zeroopt.__all__:
        page = site / "api" / "generated" / f"zeroopt.{name}.html"
        anchor = f"module-zeroopt.{name}" if name in ("ad", "linesearch", "problems") else f"zeroopt.{name}"
        if not page.is_file() or f'id="{anchor}"' not in page.read_text(encoding="utf-8"):
            missing.append(name)
    assert not missing, f"public names without an API page: {missing}"


def test_the_submodules_names_have_pages(site):
    for mod in (zeroopt.linesearch, zeroopt.problems, zeroopt.ad):
        names = getattr(mod, "__all__", None) or [n for n, v in vars(mod).items()
                                                  if not n.startswith("_") and callable(v)
                                                  and getattr(v, "__module__", None) == mod.__name__]
        for name in names:
            on_top = name in zeroopt.__all__ and getattr(zeroopt, name) is getattr(mod, name)
            page = site / "api" / "generated" / (f"zeroopt.{name}.html" if on_top else f"{mod.__name__}.{name}.html")
            assert page.is_file(), f"{mod.__name__}.{name} has no API page"


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
