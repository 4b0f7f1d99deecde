"""Code written once and run twice: as plain Python, and compiled by numba.

The kernels, the scalar searches and the optimizers' inner loops are plain Python functions that take
the objective as an argument (``fun(x, *args)``). A :class:`Twice` holds such a function and its numba
compilation: the compiled version runs for a jitted objective, the Python version for a Python-mode
objective (simulators, callables numba cannot compile,
``NUMBA_DISABLE_JIT=1``). Both run the same source, so they give the same results.

Results cross into Python as plain tuples, which :meth:`Twice.named` turns into the function's named
result (a namedtuple). Compiled code does not return the namedtuple itself: numba builds it by calling
the namedtuple class, i.e. Python code, and if a Ctrl-C lands at that moment its boxing code crashes the
interpreter (a segmentation fault, measured with numba 0.68 - see tests/test_trust.py). Inside compiled
code the named results are used freely.
"""

from __future__ import annotations

import numba


class Twice:
    """A function and its numba compilation.

    Parameters
    ----------
    py : callable
        The plain Python function (numba-compilable: no Python objects inside).
    result : namedtuple class, optional
        The named result that :meth:`named` makes of the tuple the function returns.
    **options
        Options of ``numba.njit`` (``parallel=True``, ``cache=True``, ...). ``cache=True`` only for
        functions that take no objective: numba keys its on-disk cache on argument types, and an
        objective's dispatcher type differs per process.

    Attributes
    ----------
    py : callable
        The Python version.
    jit : numba dispatcher
        The compiled version (compiled on first call, per argument types).
    """

    __slots__ = ("py", "jit", "name", "options", "result")

    def __init__(self, py, result=None, **options):
        self.py = py
        self.options = options
        self.result = result
        self.jit = numba.njit(**options)(py)
        self.name = py.__name__

    def named(self, out):
        """The plain tuple ``out`` as this function's named result (itself if it has none)."""
        return out if self.result is None else self.result._make(out)

    def variant(self, **options):
        """The same Python source compiled with other numba options (e.g. ``parallel=True``)."""
        return Twice(self.py, self.result, **{**self.options, **options})

    def __repr__(self):
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"<Twice {self.name}{' (' + opts + ')' if opts else ''}>"


def twice(py=None, result=None, **options):
    """Decorator form of :class:`Twice`: ``@twice``, ``@twice(result=SomeNamedTuple, parallel=True)``."""
    if py is None:
        return lambda f: Twice(f, result, **options)
    return Twice(py, result, **options)
