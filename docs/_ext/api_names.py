"""The public modules of zeroopt and their names: what the API reference must document.

Public (docs/contract.md, "Public names"): ``zeroopt.__all__`` and the submodules listed in
:data:`MODULES`. A module's public names are its ``__all__``, or else the functions and classes it
defines whose names do not start with an underscore. A submodule's name that is the very object of
``zeroopt.<name>`` is documented once, at the top level.
"""

from __future__ import annotations

import importlib
import inspect
import types

#: the public modules (``zeroopt.ad``, ``zeroopt.linesearch`` and ``zeroopt.problems`` are also
#: attributes of ``zeroopt``; ``zeroopt.sweep`` and ``zeroopt.theory`` are imported by name)
MODULES = ("zeroopt", "zeroopt.ad", "zeroopt.linesearch", "zeroopt.noise", "zeroopt.problems", "zeroopt.sweep",
           "zeroopt.theory")


def public(modname):
    """The public names of one module, in its order."""
    mod = importlib.import_module(modname)
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n, v in vars(mod).items()
                 if not n.startswith("_") and (inspect.isfunction(v) or inspect.isclass(v))
                 and getattr(v, "__module__", None) == modname]
    return list(names)


def documented():
    """{full name: object} of every public object that gets an API page (modules get their group page)."""
    top = importlib.import_module("zeroopt")
    out = {}
    for modname in MODULES:
        mod = importlib.import_module(modname)
        for name in public(modname):
            obj = getattr(mod, name)
            if isinstance(obj, types.ModuleType):
                continue
            if modname != "zeroopt" and name in top.__all__ and getattr(top, name) is obj:
                continue  # documented at the top level
            out[f"{modname}.{name}"] = obj
    return out


def _kind(obj):
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "data"


def case_collisions(names):
    """Groups (sorted lists) of the names that differ only by case."""
    groups = {}
    for name in names:
        groups.setdefault(name.casefold(), []).append(name)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def page_names(objects=None):
    """{full name: page file name} for the names whose pages would otherwise differ only by case: each
    of them gets a suffix saying what it is, ``zeroopt.ad.graph-function`` and ``zeroopt.ad.Graph-class``
    (a ``-`` cannot occur in a Python name, so no suffixed name is another name's page)."""
    objects = documented() if objects is None else objects
    out = {}
    for group in case_collisions(objects):
        for name in group:
            out[name] = f"{name}-{_kind(objects[name])}"
        if len({v.casefold() for k, v in out.items() if k in group}) < len(group):
            raise ValueError(f"names that differ only by case and are of the same kind: {group}")
    return out
