"""Which functions give numpy lists of traced values: a look at their bytecode (zeroopt.ad.arraylike).

A function whose code builds a list (a list display, ``out = []`` and ``append``, a comprehension,
``list(...)``), or calls, by a global name, a function that does, may hand numpy a list holding traced
values: numba's way to make an array of numbers is ``np.array([f1, f2])``. Those get numpy's wrappers
while they are differentiated; the others run without them, at no cost. The look follows global names
(``helper(x)``, ``module.helper(x)``), numba dispatchers (their ``py_func``), partials, methods and
closures, not into numpy, scipy, numba or zeroopt.ad, up to 8 calls deep.
"""

from __future__ import annotations

import dis
import functools
import types

_LIST_OPS = {"BUILD_LIST", "LIST_APPEND", "LIST_EXTEND"}
_NOT_FOLLOWED = ("numpy", "scipy", "numba", "zeroopt.ad")


@functools.lru_cache(maxsize=4096)
def _summary(code):
    """(whether ``code`` builds a list, the global names it loads, (global, attribute) pairs it loads),
    nested functions and comprehensions included."""
    builds, names, attributes, previous = "list" in code.co_names, set(), set(), None
    for ins in dis.get_instructions(code):
        if ins.opname in _LIST_OPS:
            builds = True
        elif ins.opname == "LOAD_GLOBAL":
            names.add(ins.argval)
        elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD") and previous is not None and previous.opname == "LOAD_GLOBAL":
            attributes.add((previous.argval, ins.argval))
        previous = ins
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            b, n, a = _summary(const)
            builds, names, attributes = builds or b, names | n, attributes | a
    return builds, frozenset(names), frozenset(attributes)


def _python_function(obj):
    """The plain Python function behind ``obj`` (a numba dispatcher, a partial, a method), or None."""
    for _ in range(4):
        if isinstance(obj, functools.partial):
            obj = obj.func
        elif isinstance(obj, types.MethodType):
            obj = obj.__func__
        elif type(obj).__module__.startswith("numba"):
            obj = getattr(obj, "py_func", None)
    if not isinstance(obj, types.FunctionType):
        return None
    module = obj.__module__ or ""
    return None if module.startswith(_NOT_FOLLOWED) else obj


def builds_lists(fun, seen=None, depth=0):
    """True if the code of ``fun``, or of a function it calls by a global name (``helper(x)``,
    ``module.helper(x)``, a numba dispatcher's ``py_func``), closes over or defines, builds a list:
    then numpy may be given lists of traced values while it is differentiated (a static look at its
    bytecode, once per function)."""
    f = _python_function(fun)
    seen = set() if seen is None else seen
    if f is None or id(f) in seen or depth > 8:
        return False
    seen.add(id(f))
    builds, names, attributes = _summary(f.__code__)
    if builds:
        return True
    scope = f.__globals__
    callees = [scope.get(n) for n in names] + [c.cell_contents for c in f.__closure__ or () if _filled(c)]
    callees += [getattr(scope[m], a, None) for m, a in attributes if isinstance(scope.get(m), types.ModuleType)
                and not scope[m].__name__.startswith(_NOT_FOLLOWED)]
    return any(builds_lists(c, seen, depth + 1) for c in callees if c is not None and callable(c))


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True
