"""Sphinx extension: serve MathJax from the built site itself, never from a CDN.

Sphinx loads MathJax from a CDN by default, which neither CI nor a reader offline can reach. This
extension fetches the npm ``mathjax`` package, pinned to one version and checked against its pinned
sha512, once into a cache under the build directory (``docs/_build/_mathjax``), copies the browser
build (``es5/``, without the combined builds the site does not load) into ``_static/mathjax/`` of the
HTML output, and points ``mathjax_path`` at it. Nothing is vendored in the repository.

The tarball is fetched with ``npm pack`` (npm's own client and cache). Without npm, set
``ZEROOPT_MATHJAX_TGZ`` to a copy of ``mathjax-<version>.tgz`` (it is checked against the same
digest). ``ZEROOPT_MATHJAX_CACHE`` moves the cache directory.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pathlib
import shutil
import subprocess
import tarfile
import tempfile

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

VERSION = "3.2.2"
#: the npm ``integrity`` field of mathjax@3.2.2: base64 of the sha512 of the tarball
INTEGRITY = "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
#: the file the pages load, relative to ``_static``
ENTRY = "mathjax/tex-chtml.js"
#: combined builds of es5/ that the site never loads (it loads tex-chtml.js, which lazy-loads the rest:
#: TeX extensions, fonts, the menu, accessibility and speech components from its own directory)
UNUSED = {"tex-chtml-full.js", "tex-chtml-full-speech.js", "tex-mml-chtml.js", "tex-mml-svg.js", "tex-svg.js",
          "tex-svg-full.js", "mml-chtml.js", "mml-svg.js", "node-main.js", "latest.js"}


def integrity_of(path):
    """npm's integrity string of a file: ``sha512-`` and the base64 of its sha512."""
    digest = hashlib.sha512(pathlib.Path(path).read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def _fetch_tarball(dest):
    """``mathjax-<VERSION>.tgz`` in ``dest``: from ZEROOPT_MATHJAX_TGZ, or by ``npm pack``."""
    given = os.environ.get("ZEROOPT_MATHJAX_TGZ")
    tgz = dest / f"mathjax-{VERSION}.tgz"
    if given:
        shutil.copyfile(given, tgz)
        return tgz
    npm = shutil.which("npm")
    if npm is None:
        raise ExtensionError(
            f"local_mathjax: the site ships its own MathJax {VERSION}, fetched with npm, and npm is not on "
            f"PATH. Install Node.js and npm (Debian: apt-get install npm), or set ZEROOPT_MATHJAX_TGZ to a "
            f"copy of mathjax-{VERSION}.tgz.")
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        proc = subprocess.run([npm, "pack", f"mathjax@{VERSION}", "--silent"], cwd=tmp, capture_output=True,
                              text=True, timeout=600)
        packed = pathlib.Path(tmp) / f"mathjax-{VERSION}.tgz"
        if proc.returncode != 0 or not packed.exists():
            raise ExtensionError(f"local_mathjax: `npm pack mathjax@{VERSION}` failed (exit {proc.returncode}): "
                                 f"{(proc.stderr or proc.stdout).strip()[-800:]}")
        packed.replace(tgz)
    return tgz


def _extract(tgz, static_root):
    """Copy ``package/es5/`` (less UNUSED) of the tarball to ``static_root/mathjax/``."""
    target = static_root / "mathjax"
    tmp_target = static_root / "mathjax.partial"
    shutil.rmtree(tmp_target, ignore_errors=True)
    prefix = "package/es5/"
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            if not (member.isfile() and member.name.startswith(prefix)):
                continue
            rel = pathlib.PurePosixPath(member.name[len(prefix):])
            if rel.is_absolute() or ".." in rel.parts or str(rel) in UNUSED:
                continue
            out = tmp_target.joinpath(*rel.parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)
    if not (tmp_target / "tex-chtml.js").is_file():
        raise ExtensionError(f"local_mathjax: {tgz} has no package/es5/tex-chtml.js")
    shutil.rmtree(target, ignore_errors=True)
    tmp_target.replace(target)


def ensure_mathjax(cache):
    """The directory whose ``mathjax/`` subdirectory holds the pinned MathJax (fetched if missing)."""
    cache = pathlib.Path(cache)
    static_root = cache / f"static-{VERSION}"
    stamp = static_root / "mathjax" / ".integrity"
    if stamp.is_file() and stamp.read_text().strip() == INTEGRITY:
        return static_root
    cache.mkdir(parents=True, exist_ok=True)
    tgz = cache / f"mathjax-{VERSION}.tgz"
    if not (tgz.is_file() and integrity_of(tgz) == INTEGRITY):
        logger.info(f"local_mathjax: fetching mathjax@{VERSION} into {cache}")
        tgz = _fetch_tarball(cache)
    got = integrity_of(tgz)
    if got != INTEGRITY:
        tgz.unlink()
        raise ExtensionError(f"local_mathjax: mathjax-{VERSION}.tgz has integrity {got}, expected {INTEGRITY}")
    static_root.mkdir(parents=True, exist_ok=True)
    _extract(tgz, static_root)
    stamp.write_text(INTEGRITY + "\n")
    return static_root


def _builder_inited(app):
    if app.builder.format != "html":
        return
    if app.config.mathjax_path != ENTRY:
        raise ExtensionError(f"local_mathjax: set mathjax_path = {ENTRY!r} in conf.py (the local copy); "
                             f"it is {app.config.mathjax_path!r}")
    cache = os.environ.get("ZEROOPT_MATHJAX_CACHE") or os.path.join(app.confdir, "_build", "_mathjax")
    static_root = ensure_mathjax(cache)
    # html_static_path is read when the builder copies static files (after the build): adding the
    # directory now puts its mathjax/ into _static/mathjax/ of the output
    if str(static_root) not in app.config.html_static_path:
        app.config.html_static_path.append(str(static_root))


def setup(app):
    app.connect("builder-inited", _builder_inited)
    return {"version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
