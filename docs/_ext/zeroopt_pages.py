"""Sphinx extension: the parts of pages that are generated from the repository at build time.

A page holds a marker comment on a line of its own; when Sphinx reads the page, the marker is replaced
by Markdown made from what the repository holds at that moment, so these parts cannot go stale:

``<!-- zeroopt:gallery -->``
    every ``paper_figs/*.png``, as a grid of figures (caption: the first paragraph of ``<name>.txt``
    next to the figure if there is one, else the figure's name), each linking to its PDF if present;
``<!-- zeroopt:figures PATTERN -->``
    the ``paper_figs/PATTERN.png`` figures (a glob, e.g. ``profiles_plain_*``) in the same grid, for a
    page that shows the figures of one experiment next to its text;
``<!-- zeroopt:paper-figs-index -->``
    ``paper_figs/README.md`` (the figure index) when it exists, its headings moved two levels down, its
    image paths made relative to the page, and its links to repository files (which are not part of the
    site) turned into plain text; a short note while it does not exist yet;
``<!-- zeroopt:public-names -->``
    the names of ``zeroopt.__all__``, each linked to its page in the API reference;
``<!-- zeroopt:ad-operations -->``
    the numpy operations :mod:`zeroopt.ad` has derivative rules for, read from its rule registry
    (every ``UFUNCS``/``FUNCTIONS``/``NONDIFF_UFUNCS`` table in the modules of ``zeroopt.ad``) and the
    public methods of ``zeroopt.ad.Tracer``;
``<!-- zeroopt:license -->``
    the text of ``LICENSE`` at the repository root (while a checkout has none, the license that
    ``pyproject.toml`` declares);
``<!-- zeroopt:citation -->``
    a BibTeX entry for the version being documented (``zeroopt.__version__``; the title, authors and
    release date of ``CITATION.cff`` where it gives them).

Three more rewrites make links: ``[KEY]`` (a key of ``math/references.md``) becomes a link to the
reference, ``lecture notes 00N`` a link to that lecture on the lectures page, and each math section
listed in ``math_links.SECTIONS`` gets a label before its heading and, under it, a line naming its
public functions, linked to their API pages (the API pages link back: ``_templates/autosummary/``).

After every page is read, a public name (``api_names.documented``) without an API page is a build
warning: a name added to a module must be listed in its group's page, ``docs/api/*.md``.
"""

from __future__ import annotations

import importlib
import pathlib
import pkgutil
import re

from sphinx.util import logging

import api_names
import math_links

logger = logging.getLogger(__name__)

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIGS = ROOT / "paper_figs"
MARKERS = {}


def marker(name):
    def register(fn):
        MARKERS[f"<!-- zeroopt:{name} -->"] = fn
        return fn
    return register


def _rel(docname, path):
    """``path`` (absolute) relative to the directory of the page ``docname``, POSIX style."""
    depth = docname.count("/")
    return "../" * (depth + 1) + path.relative_to(ROOT).as_posix()


def _caption(png):
    txt = png.with_suffix(".txt")
    if txt.is_file():
        text = txt.read_text(encoding="utf-8").strip().split("\n\n")[0]
        return " ".join(text.split())
    return png.stem.replace("_", " ")


@marker("gallery")
def gallery(docname):
    pngs = sorted(FIGS.glob("*.png"))
    if not pngs:
        logger.warning("zeroopt_pages: paper_figs/ holds no PNG figure; the gallery is empty")
        return "*No figure has been generated yet.*\n"
    return _grid(docname, pngs, named=True)


def _grid(docname, pngs, named):
    """The figures ``pngs`` as a grid, each captioned (:func:`_caption`) and linked to its PDF; ``named``:
    each gets the label ``fig-<name>`` (the gallery's; a figure shown twice is labelled once)."""
    out = ["::::{container} zo-gallery", ""]
    for png in pngs:
        pdf = png.with_suffix(".pdf")
        caption = _caption(png)
        if pdf.is_file():
            caption += f" ({{download}}`PDF <{_rel(docname, pdf)}>`)"
        out += [f":::{{figure}} {_rel(docname, png)}", ":width: 100%", f":alt: {png.stem}"]
        out += [f":name: fig-{png.stem.replace('_', '-')}"] if named else []
        out += ["", caption, ":::", ""]
    out += ["::::", ""]
    return "\n".join(out)


_FIGURES = re.compile(r"<!-- zeroopt:figures ([A-Za-z0-9_*?\[\]-]+) -->")


def figures(docname, text):
    """Each ``<!-- zeroopt:figures PATTERN -->`` replaced by the grid of ``paper_figs/PATTERN.png``; a
    pattern that matches no figure is a build warning (the figures were not drawn or were renamed)."""
    def grid(match):
        pngs = sorted(FIGS.glob(match[1] + ".png"))
        if not pngs:
            logger.warning(f"zeroopt_pages: {docname}: no paper_figs/{match[1]}.png (draw the figures, or "
                           f"fix the marker)")
            return f"*No figure paper_figs/{match[1]}.png has been drawn yet.*\n"
        return _grid(docname, pngs, named=False)
    return _FIGURES.sub(grid, text)


# a Markdown link or image; its text may hold one image or link itself ([![alt](a.png)](a.png))
_LINK = re.compile(r"(!?)\[((?:[^\[\]]|!?\[[^\[\]]*\]\([^)]*\))*)\]\(([^)\s]+)\)")


def _index_link(match, docname):
    bang, text, target = match.groups()
    text = _LINK.sub(lambda m: _index_link(m, docname), text)   # an image inside a link
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return match.group(0)                           # a URL or an anchor: as it is
    path = (FIGS / target.split("#")[0]).resolve()
    if bang:
        return f"![{text}]({_rel(docname, path)})"      # an image: relative to this page
    if path.suffix == ".png" and path.is_file():
        return f"[{text}]({_rel(docname, path)})"       # a figure: copied into the site
    return f"{text}" if text.startswith("`") else f"`{text}`"  # a repository file: not in the site


@marker("paper-figs-index")
def paper_figs_index(docname):
    index = FIGS / "README.md"
    if not index.is_file():
        return ("*The figure index (`paper_figs/README.md`: per figure, its lecture and figure number, what "
                "it shows, the command and its run time) is being written; it appears here once it exists.*\n")
    lines = []
    fence = False
    for line in index.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        elif not fence:
            if line.startswith("#"):
                line = "##" + line                      # below the page's "## The figure index"
            line = _LINK.sub(lambda m: _index_link(m, docname), line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def _ad_registry():
    """(differentiable ufuncs, value-only ufuncs, functions) from every zeroopt.ad module's tables."""
    import zeroopt.ad as ad

    diff, nondiff, funcs = set(), set(), set()
    mods = [ad] + [importlib.import_module(m.name)
                   for m in pkgutil.walk_packages(ad.__path__, ad.__name__ + ".")]
    for mod in mods:
        diff |= set(getattr(mod, "UFUNCS", {}))
        nondiff |= set(getattr(mod, "NONDIFF_UFUNCS", ()))
        funcs |= set(getattr(mod, "FUNCTIONS", {}))
    return diff - nondiff, nondiff, funcs


def _names(objs, prefix=""):
    return ", ".join(f"`{prefix}{n}`" for n in sorted(objs))


@marker("ad-operations")
def ad_operations(docname):
    from zeroopt.ad import Tracer

    diff, nondiff, funcs = _ad_registry()
    if not (diff and funcs):
        logger.warning("zeroopt_pages: found no AD rule registry (UFUNCS / FUNCTIONS tables) in the modules "
                       "of zeroopt.ad; update _ad_registry in docs/_ext/zeroopt_pages.py")
        return "*The list of operations could not be generated.*\n"
    linalg = {f for f in funcs if "linalg" in (getattr(f, "__module__", "") or "")}
    plain = funcs - linalg
    methods = sorted(m for m in vars(Tracer) if not m.startswith("_"))
    rows = [
        ("Elementwise (ufuncs, with derivative)", _names({u.__name__ for u in diff}, "np.")),
        ("Elementwise, evaluated on values (piecewise constant or boolean: derivative zero)",
         _names({u.__name__ for u in nondiff}, "np.")),
        ("numpy functions", _names({f.__name__ for f in plain}, "np.")),
        ("numpy.linalg", _names({f.__name__ for f in linalg}, "np.linalg.")),
        ("Methods and attributes of a traced array", _names(methods, ".")),
    ]
    out = []
    for title, names in rows:
        out += [f"{title}", f": {names}", ""]
    out.append(f"({len(diff) + len(nondiff) + len(funcs)} numpy operations, read from the rule registry of "
               f"this build.)")
    return "\n".join(out) + "\n"


@marker("public-names")
def public_names(docname):
    import types

    import zeroopt

    items = []
    for name in zeroopt.__all__:
        role = "mod" if isinstance(getattr(zeroopt, name), types.ModuleType) else "obj"
        items.append(f"{{py:{role}}}`zeroopt.{name}`")
    return ", ".join(items) + ".\n"


def _pyproject_license():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r'^license\s*=\s*(?:\{\s*text\s*=\s*)?"([^"]+)"', text, flags=re.M)
    return m.group(1) if m else None


@marker("license")
def license_text(docname):
    path = ROOT / "LICENSE"
    if path.is_file():
        return "```text\n" + path.read_text(encoding="utf-8").strip() + "\n```\n"
    declared = _pyproject_license()
    if declared is None:
        logger.warning("zeroopt_pages: no LICENSE file and no license in pyproject.toml")
        return "*The license could not be found.*\n"
    logger.info(f"zeroopt_pages: no LICENSE file at the repository root; the page names the license "
                f"pyproject.toml declares ({declared})")
    return (f"zeroopt is released under the **{declared} License**, as `pyproject.toml` declares. "
            f"(This checkout has no `LICENSE` file with its full text.)\n")


def _cff(key):
    """A top-level scalar of CITATION.cff (no YAML parser needed for these), or None."""
    path = ROOT / "CITATION.cff"
    if not path.is_file():
        return None
    m = re.search(rf"^{re.escape(key)}:\s*['\"]?(.*?)['\"]?\s*$", path.read_text(encoding="utf-8"), flags=re.M)
    return m.group(1) if m and m.group(1) else None


def bibtex():
    """The BibTeX entry of the version being documented."""
    import zeroopt

    fields = [("author", "{the zeroopt developers}"), ("title", _cff("title") or "zeroopt"),
              ("version", zeroopt.__version__), ("license", _pyproject_license() or "MIT")]
    released = _cff("date-released")
    if released:
        fields += [("year", released[:4]), ("date", released)]
    url = _cff("repository-code") or _cff("url")
    if url:
        fields.append(("url", url))
    import textwrap

    width = max(len(k) for k, _ in fields)
    indent = " " * (width + 6)  # a long value continues under its first character (BibTeX allows it)
    body = ",\n".join(
        textwrap.fill(f"  {k.ljust(width)} = {{{v}}}", 72, subsequent_indent=indent,
                      break_long_words=False, break_on_hyphens=False)
        for k, v in fields)
    return "@software{zeroopt,\n" + body + "\n}"


@marker("citation")
def citation(docname):
    return "```bibtex\n" + bibtex() + "\n```\n"


def _link_math(docname, text):
    """Under each heading of ``math_links.SECTIONS`` on this page: a label before it, the API line after."""
    sections = math_links.by_page(docname)
    if not sections:
        return text
    lines = text.split("\n")
    for heading, label, names in sections:
        at = [i for i, line in enumerate(lines) if re.fullmatch(r"#{1,6} " + re.escape(heading) + r"\s*", line)]
        if not at:
            logger.warning(f"zeroopt_pages: math_links.SECTIONS names the heading {heading!r}, which is not on "
                           f"{docname}: update docs/_ext/math_links.py")
            continue
        i = at[0]
        api = ", ".join(f"{{py:obj}}`{name}`" for name in names)
        lines[i:i + 1] = [f"({label})=", lines[i], "", ":::{container} zo-api-links", f"**API:** {api}", ":::", ""]
    return "\n".join(lines)


REFERENCES = pathlib.Path(__file__).resolve().parents[1] / "math" / "references.md"
_FENCE = re.compile(r"^(```|~~~|:::)")
_LABEL = re.compile(r"^\(\S+\)=\s*$")


def _link_citations(docname, text):
    """[KEY] -> a link to the reference; "lecture notes 00N" -> a link to the lecture (not in code)."""
    keys = re.findall(r"^\(ref-([a-z0-9]+)\)=", REFERENCES.read_text(encoding="utf-8"), flags=re.M)
    cite = re.compile(r"(?<![\[`])\[(" + "|".join(k.upper() for k in keys) + r")\](?![(\]])")
    lecture = re.compile(r"(?<![\[`/])\blecture notes (00[0-4])\b(?![\]`])")
    out, fence = [], False
    for line in text.split("\n"):
        if _FENCE.match(line.lstrip()):
            fence = not fence if line.lstrip().startswith(("```", "~~~")) else fence
        elif not fence and not _LABEL.match(line):
            parts = re.split(r"(`[^`]*`|\$\$?[^$]*\$\$?)", line)  # leave code and math alone
            for i in range(0, len(parts), 2):
                if docname != "math/references":
                    parts[i] = cite.sub(lambda m: f"[[{m[1]}]](#ref-{m[1].lower()})", parts[i])
                if docname != "lectures":
                    parts[i] = lecture.sub(lambda m: f"[lecture notes {m[1]}](#lecture-{m[1]})",
                                           parts[i])
            line = "".join(parts)
        out.append(line)
    return "\n".join(out)


def _source_read(app, docname, source):
    text = source[0]
    for mark, fn in MARKERS.items():
        if mark in text:
            text = text.replace(mark, fn(docname))
            _generated(app.env).add(docname)
    if _FIGURES.search(text):
        text = figures(docname, text)
        _generated(app.env).add(docname)
    if math_links.by_page(docname):
        text = _link_math(docname, text)
        _generated(app.env).add(docname)   # re-read when the table changes
    if not docname.startswith("api/"):
        text = _link_citations(docname, text)
    source[0] = text


def _check_api_pages(app, env):
    """Every public name has an API page: a name missing from docs/api/*.md is a warning."""
    py = env.get_domain("py").objects
    missing = [name for name in api_names.documented() if name not in py]
    missing += [m for m in api_names.MODULES if m not in py]
    if missing:
        logger.warning(f"zeroopt_pages: public names without an API page: {missing}; list each in the "
                       f"autosummary of its group in docs/api/*.md")


def _generated(env):
    """The pages with generated parts (kept in the environment across incremental builds)."""
    if not hasattr(env, "zeroopt_generated"):
        env.zeroopt_generated = set()
    return env.zeroopt_generated


def _outdated(app, env, added, changed, removed):
    # what they are generated from (figures, captions, the index, the registry) is not a source file
    # Sphinx watches: re-read those pages on every build
    return sorted(_generated(env) - set(removed))


def setup(app):
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-check-consistency", _check_api_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
