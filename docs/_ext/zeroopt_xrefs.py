"""Sphinx extension: cross-references Sphinx leaves unresolved, resolved, and constants documented.

With ``nitpicky = True`` every reference must resolve. Three kinds that Sphinx's Python domain does not
resolve by itself are handled here:

* **an inherited member**, ``:meth:`__call__``` in a docstring of ``TwoPoint``, whose method is
  documented on the base class (``zeroopt.Oracle.__call__``): the classes of the method resolution
  order are tried in turn;
* **a name of Python, numpy or scipy** (``enum.IntEnum``, ``scipy.optimize.minimize``): a link to its
  page in that project's documentation, built from the name (the site is built offline, so there is no
  intersphinx inventory to ask; a private module in the path, ``scipy.optimize._optimize``, is dropped);
* **a constant's documentation**: a module-level float or int has no docstring of its own, so autodoc
  shows the docstring of ``float``. The ``#:`` comment above its assignment is used instead, looked up
  in the module that defines it (``INVPHI`` of ``zeroopt.linesearch`` is assigned in
  ``zeroopt/linesearch/_core.py``); a constant without one is a build warning.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys

from docutils import nodes
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging

logger = logging.getLogger(__name__)

EXTERNAL = {
    "numpy": "https://numpy.org/doc/stable/reference/generated/{name}.html",
    "scipy": "https://docs.scipy.org/doc/scipy/reference/generated/{name}.html",
}
PYTHON = "https://docs.python.org/3/library/{module}.html#{name}"


def _external_url(target):
    parts = [p for p in target.split(".") if not p.startswith("_") or p.startswith("__")]
    name = ".".join(parts)
    if parts[0] in EXTERNAL:
        return EXTERNAL[parts[0]].format(name=name)
    if parts[0] in getattr(sys, "stdlib_module_names", ()) and len(parts) > 1:
        return PYTHON.format(module=parts[0], name=name)
    return None


def _inherited(app, env, node, contnode):
    """The reference to a member documented on a base class of the class the reference was made in."""
    cls_name, mod_name = node.get("py:class"), node.get("py:module")
    target = node["reftarget"]
    if not cls_name or not mod_name or "." in target:
        return None
    try:
        cls = importlib.import_module(mod_name)
        for part in cls_name.split("."):
            cls = getattr(cls, part)
    except (ImportError, AttributeError):
        return None
    if not inspect.isclass(cls):
        return None
    py = env.get_domain("py")
    classes = _documented_classes(app, env)
    for base in cls.__mro__[1:]:
        for name in (n for n, obj in classes.items() if obj is base):
            if f"{name}.{target}" in py.objects:
                return py.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], f"{name}.{target}",
                                       node, contnode)
    return None


def _documented_classes(app, env):
    """{documented full name: class} of every class the Python domain knows (once per build: references
    are resolved after every page was read)."""
    if getattr(app, "_zeroopt_classes", None) is None:
        out = {}
        for name, entry in env.get_domain("py").objects.items():
            if entry.objtype != "class":
                continue
            mod, _, attr = name.rpartition(".")
            try:
                out[name] = getattr(importlib.import_module(mod), attr)
            except (ImportError, AttributeError):
                continue
        app._zeroopt_classes = out
    return app._zeroopt_classes


def _missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    found = _inherited(app, env, node, contnode)
    if found is not None:
        return found
    url = _external_url(node["reftarget"].lstrip("~."))
    if url is None:
        return None
    ref = nodes.reference("", "", internal=False, refuri=url, reftitle=node["reftarget"])
    ref += contnode
    return ref


def _comment_docs(modname, name, obj):
    """The ``#:`` comment above ``name = ...`` in ``modname`` or, for a package, in the submodule that
    holds the very object."""
    mods = [modname]
    mod = importlib.import_module(modname)
    if hasattr(mod, "__path__"):
        mods += [m.name for m in pkgutil.iter_modules(mod.__path__, modname + ".")]
    for m in mods:
        try:
            if getattr(importlib.import_module(m), name, None) is not obj:
                continue
            docs = ModuleAnalyzer.for_module(m).find_attr_docs()
        except Exception:  # a module that fails to import or parse has no comment to give
            continue
        if ("", name) in docs:
            return list(docs[("", name)])
    return None


def _constant_docstring(app, what, name, obj, options, lines):
    if what not in ("data", "attribute") or callable(obj) or inspect.getdoc(obj) != inspect.getdoc(type(obj)):
        return
    if "\n".join(lines).strip() != (inspect.getdoc(type(obj)) or "").strip():
        return  # autodoc found the documentation itself
    modname, _, attr = name.rpartition(".")
    found = _comment_docs(modname, attr, obj)
    lines[:] = found or []
    if not found:
        logger.warning(f"zeroopt_xrefs: {name} has no documentation: add a '#:' comment above its assignment")


def setup(app):
    app.connect("missing-reference", _missing_reference)
    # before numpydoc's handler (priority 500), which reformats the lines
    app.connect("autodoc-process-docstring", _constant_docstring, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
