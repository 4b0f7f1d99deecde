"""Sphinx configuration of the zeroopt documentation (build: see docs/README.md)."""

import os
import pathlib
import sys

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))          # zeroopt, experiments, paper_figs from this checkout
sys.path.insert(0, str(DOCS / "_ext"))  # the local extensions

import zeroopt  # noqa: E402

project = "zeroopt"
author = "the zeroopt developers"
copyright = "the zeroopt developers"
release = zeroopt.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "local_mathjax",   # MathJax served from the site (docs/_ext/local_mathjax.py)
    "zeroopt_pages",   # gallery, figure index and AD operation list from the repository
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

# --- MyST (pages are Markdown) ----------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
myst_dmath_double_inline = True

# --- math: the local MathJax (local_mathjax fetches it into the build and serves it from _static) -----
mathjax_path = "mathjax/tex-chtml.js"

# --- API reference: one page per public name -------------------------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False   # a module's __all__ is its list of public names
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"              # the numpydoc sections carry the types
numpydoc_show_class_members = False     # the class template lists the members (no duplicate tables)
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False


def _same_as_top():
    """Names a submodule exports that are the very objects of ``zeroopt.<name>``: documented once, at
    the top level, and linked from the submodule's page."""
    out = {}
    for mod in (zeroopt.ad, zeroopt.linesearch, zeroopt.problems):
        names = getattr(mod, "__all__", [n for n in vars(mod) if not n.startswith("_")])
        out[mod.__name__] = sorted(n for n in names
                                   if n in zeroopt.__all__ and getattr(zeroopt, n) is getattr(mod, n, None))
    return out


def _constants():
    """Public data (not classes, functions or modules) a module exports in ``__all__``: autosummary lists
    only the module-level assignments of the module's own source, not names it imports."""
    import types

    out = {}
    for mod in (zeroopt, zeroopt.ad, zeroopt.linesearch, zeroopt.problems):
        out[mod.__name__] = [n for n in getattr(mod, "__all__", [])
                             if not callable(getattr(mod, n)) and not isinstance(getattr(mod, n), types.ModuleType)]
    return out


autosummary_context = {"same_as_top": _same_as_top(), "constants": _constants()}

# --- HTML ------------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"zeroopt {release}"
html_static_path = ["_static"]
html_css_files = ["zeroopt.css"]
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 5,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc"],
}
# the section navigation only where a section has pages; elsewhere the article takes the width
html_sidebars = {"**": ["sidebar-nav-bs"],
                 **{page: [] for page in ("index", "getting_started", "contract", "figures", "lectures", "changelog")}}

# ZEROOPT_DOCS_VALIDATE=1 turns on numpydoc's docstring validation (Parameters, Returns, Raises and
# Examples sections of every documented name) - the check the docstring work is measured by.
if os.environ.get("ZEROOPT_DOCS_VALIDATE"):
    numpydoc_validation_checks = {"PR01", "PR02", "RT01", "EX01", "SS03", "GL08"}
