"""Sphinx configuration of the zeroopt documentation (build: see docs/README.md).

zeroopt itself is imported as installed (``pip install -e ".[docs]"``); only the local extensions in
``_ext/`` are put on ``sys.path``, the standard way for a project's own Sphinx extensions.
"""

import os
import pathlib
import sys

DOCS = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))  # the local extensions

import zeroopt  # noqa: E402
import api_names  # noqa: E402  (docs/_ext/api_names.py: the public modules and their names)
import math_links  # noqa: E402  (docs/_ext/math_links.py: which math section holds which name's formulas)

project = "zeroopt"
author = "the zeroopt developers"
copyright = "the zeroopt developers, MIT License"
release = zeroopt.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",  # [source] links: the highlighted code, served from the site (no network)
    "numpydoc",
    "myst_parser",
    "local_mathjax",   # MathJax served from the site (docs/_ext/local_mathjax.py)
    "zeroopt_pages",   # gallery, figure index, AD operation list, license, citation, math <-> API links
    "zeroopt_xrefs",   # inherited members and Python/numpy/scipy names as links; constants' #: comments
    "zeroopt_html",    # long dotted names break after their dots, never inside a word
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

# --- API reference: grouped by task (docs/api/*.md), one page per public name -------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"              # the numpydoc sections carry the types
numpydoc_show_class_members = False     # the class template lists the members (no duplicate tables)
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# names that differ only by case (ad.graph / ad.Graph) get pages whose file names do not: on macOS and
# Windows file systems one would overwrite the other (api_names.page_names; tests/test_docs.py checks)
autosummary_filename_map = api_names.page_names()
# the page's table of contents names a class's members without repeating the class ("x", not
# "LineSearchResult.x"): shorter lines in the narrow right-hand column
toc_object_entries_show_parents = "hide"
# each API page links to the math sections of its name (the templates' "The math:" line)
autosummary_context = {"math_links": math_links.by_name()}

# every cross-reference must resolve (-W turns a dangling one into an error). PENDING lists references in
# docstrings of modules being reworked elsewhere; each entry goes once its docstring is fixed.
nitpicky = True
PENDING = []
nitpick_ignore = list(PENDING)

# --- HTML ------------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"zeroopt {release}"
html_static_path = ["_static"]
html_css_files = ["zeroopt.css"]
html_js_files = ["copybutton.js"]       # a copy button on code blocks that leaves out prompts and output
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # the top navigation: Getting started, User guide, API, Math, Figures; the rest under "More"
    "header_links_before_dropdown": 5,
    # the search as an icon, not a wide field: the header stays one row down to 960 px
    "navbar_persistent": [],
    "navbar_end": ["search-button", "theme-switcher"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc"],
}
# the section navigation only where a section has pages; elsewhere the article takes the width
html_sidebars = {"**": ["sidebar-nav-bs"],
                 **{page: [] for page in ("index", "getting_started", "contract", "figures", "lectures",
                                          "changelog", "citing", "license")}}

# ZEROOPT_DOCS_VALIDATE=1 turns on numpydoc's docstring validation of every documented name and member
# (CI's docs step sets it, so under -W a short docstring fails the build). The checks: every parameter
# documented (PR01) and no unknown one (PR02), a Returns section (RT01), a See Also section (SA01), an
# Examples section (EX01), a summary ending with a period (SS03), a docstring at all (GL08). Notes and
# References cannot be checked by numpydoc: tests/test_docstrings.py checks that every docstring stating
# a formula has both. A NamedTuple's fields are checked only for having a docstring (their ``#:``
# comment, tests/test_docs.py): they are documented as the class's Parameters, whose docstring carries the
# See Also and Examples sections.
VALIDATION_CHECKS = {"PR01", "PR02", "RT01", "EX01", "SS03", "GL08", "SA01"}


def _namedtuple_fields():
    """Regular expressions matching the full names of the documented NamedTuples' fields."""
    import inspect
    import re
    out = []
    for name, obj in api_names.documented().items():
        if inspect.isclass(obj) and issubclass(obj, tuple) and hasattr(obj, "_fields"):
            out += [rf"^{re.escape(name)}\.{field}$" for field in obj._fields]
    return out


if os.environ.get("ZEROOPT_DOCS_VALIDATE"):
    numpydoc_validation_checks = VALIDATION_CHECKS
    numpydoc_validation_exclude = set(_namedtuple_fields())
