"""What the lecture-figure modules share: the figure registration, the on-disk data cache, and small
helpers (probe recording, optimizer paths, contour plots).

A figure is a function ``fn(quick=False) -> (fig, caption)`` registered with :func:`figure` (the one
registry, :mod:`experiments._registry`, which ``python -m paper_figs.make_all`` discovers). It gets its
data from :func:`cached`, which runs a compute function once per parameter set and code version (the
figure's compute function, the objectives it names and the zeroopt package's source) and keeps the result under ``results/paper_figs/cache/``, so a rerun that changes only the drawing takes
seconds. make_all calls every registered figure and saves it with its caption.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import time

import numpy as np

from experiments._figures import legend_outside, pyplot, save_figure, style  # noqa: F401
from experiments._registry import REGISTRY as _REGISTRY
from experiments._registry import Figure  # noqa: F401

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: where computed data is kept (make_all's --cache and the tests change it)
CACHE_DIR = os.path.join(ROOT, "results", "paper_figs", "cache")
#: seconds spent computing (not loading) data in this process, for make_all's timings
COMPUTE_SECONDS = [0.0]
#: the cache files read or written in this process, in order (make_all keeps a figure's list, to tell
#: whether a rerun would draw it from the same data)
USED: list = []
#: the lecture figures: name -> Figure (the registry's, shared with the experiments)
REGISTRY = _REGISTRY.figures
figure = _REGISTRY.figure
#: ``figures_of(__name__)``: the figures a module registered, in order (its command line and tests use them)
figures_of = _REGISTRY.of_module


def sized(quick, full, quick_kw, tiny):
    """The keyword arguments of a figure's computation for its size: ``quick`` is False (the full figure),
    True (make_all --quick) or "tiny" (the tests: a few seconds, Python mode)."""
    return {False: full, True: quick_kw, "tiny": tiny}[quick]


def _jsonable(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (np.integer, np.floating)):
        return v.item()
    if isinstance(v, (list, tuple)):
        return [_jsonable(u) for u in v]
    return v


_LIBRARY = []


def library_digest():
    """A digest of the zeroopt package's source (every ``.py`` file), computed once per process: data
    computed with another version of the library is never reused."""
    if not _LIBRARY:
        import zeroopt

        from experiments._figures import code_digest
        _LIBRARY.append(code_digest(os.path.dirname(zeroopt.__file__)))
    return _LIBRARY[0]


def cache_key(compute, params, deps=()):
    """A key that changes with the parameters, with the source of ``compute`` and of ``deps``, and with
    the zeroopt package's source (:func:`library_digest`)."""
    text = json.dumps({k: _jsonable(v) for k, v in sorted(params.items())}, sort_keys=True)
    src = "".join(inspect.getsource(f) for f in (compute, *deps))
    return hashlib.sha1((text + src + library_digest()).encode()).hexdigest()[:12]


def cached(name, compute, deps=(), **params):
    """The data of a figure: ``compute(**params)``, computed once and kept under :data:`CACHE_DIR`.

    Parameters
    ----------
    name : str
        The cache file's prefix (``<name>-<key>.npz``).
    compute : callable
        ``compute(**params) -> dict`` of arrays and numbers (strings and ragged lists are not kept).
    deps : tuple of callables
        Functions whose source also keys the cache (the objectives ``compute`` evaluates).
    **params
        JSON-serialisable arguments of ``compute``; they key the cache with the sources.

    Returns
    -------
    dict
        The arrays (0-d arrays as Python scalars), plus ``"_seconds"``, the seconds the computation took
        when it ran.

    Examples
    --------
    >>> d = cached("demo", lambda n: {"x": list(range(n))}, n=3)  # doctest: +SKIP
    >>> d["x"]  # doctest: +SKIP
    array([0, 1, 2])
    """
    path = os.path.join(CACHE_DIR, f"{name}-{cache_key(compute, params, deps)}.npz")
    USED.append(path)
    if os.path.exists(path):
        with np.load(path, allow_pickle=False) as z:
            return {k: (z[k].item() if z[k].ndim == 0 else z[k]) for k in z.files}
    t0 = time.perf_counter()
    data = dict(compute(**params))
    data["_seconds"] = time.perf_counter() - t0
    COMPUTE_SECONDS[0] += data["_seconds"]
    os.makedirs(CACHE_DIR, exist_ok=True)
    tmp = path + f".{os.getpid()}.tmp.npz"
    np.savez(tmp, **{k: np.asarray(v) for k, v in data.items()})
    os.replace(tmp, path)
    return data


# --- helpers for drawing what zeroopt did -------------------------------------------------------
class Recorder:
    """Wraps a scalar function and records every point it is called at, in order (the probes of a search).

    ``phi = Recorder(f); zo.linesearch.golden(phi, a, b)``; then ``phi.xs``, ``phi.fs``."""

    def __init__(self, f):
        self.f = f
        self.xs, self.fs = [], []

    def __call__(self, x):
        v = float(self.f(x))
        self.xs.append(float(x))
        self.fs.append(v)
        return v


def python_mode(problem, jit=True):
    """``problem`` itself, or a copy of it in Python mode.

    Parameters
    ----------
    problem : zeroopt.Problem
    jit : bool
        True: return ``problem``. False: a copy with the same objective, data, known constants (and the
        ``x0``/``planted`` attributes of ``zo.problems.mds``) evaluated by numpy instead of numba, so a
        short run pays no compilation. Iterates agree with the jitted problem's to rounding (numba and
        numpy may sum in different orders); the tests run the figures' computations this way.

    Returns
    -------
    zeroopt.Problem

    Examples
    --------
    >>> import zeroopt as zo
    >>> python_mode(zo.problems.nesterov(4), jit=False).mode
    'python'
    """
    if jit:
        return problem
    import zeroopt as zo

    q = zo.Problem(problem.py_fun, problem.dim, args=problem.args, x_star=problem.x_star, f_star=problem.f_star,
                   mu=problem.mu, L=problem.L, name=problem.name, jit=False)
    for attr in ("x0", "planted"):
        if hasattr(problem, attr):
            setattr(q, attr, getattr(problem, attr))
    return q


def path(problem, x0, oracle=None, **kw):
    """The iterates of ``zo.minimize`` (recorded by its callback, so the Python path runs).

    Parameters
    ----------
    problem : zeroopt.Problem
    x0 : array_like
    oracle : zeroopt oracle, optional
    **kw
        Passed to ``zo.minimize`` (method, step, maxiter, ...).

    Returns
    -------
    xs : ndarray, shape (k + 1, n)
        x_0, x_1, ..., x_k.
    result : zeroopt.Result

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> xs, r = path(zo.problems.nesterov(3), np.zeros(3), zo.ExactAD(), maxiter=5)
    >>> xs.shape
    (6, 3)
    """
    import zeroopt as zo

    xs = [np.array(x0, dtype=float)]
    res = zo.minimize(problem, x0, oracle, callback=lambda r: xs.append(np.array(r.x)), **kw)
    return np.array(xs), res


def grid_values(f, xlim, ylim, num=201, args=()):
    """X, Y, Z = f on a num x num grid over xlim x ylim (f takes a point (2,))."""
    xs, ys = np.linspace(*xlim, num), np.linspace(*ylim, num)
    X, Y = np.meshgrid(xs, ys)
    Z = np.array([f(np.array([x, y]), *args) for x, y in zip(X.ravel(), Y.ravel())]).reshape(X.shape)
    return X, Y, Z


def contours(ax, X, Y, Z, levels=14, log=False):
    """Contour lines of Z (log-spaced above its minimum if ``log``), equal axes, no colour bar."""
    if log:
        lo = Z.min()
        levels = lo + np.geomspace(1e-3, 1.0, levels) * (Z.max() - lo)
    ax.contour(X, Y, Z, levels=levels, colors="0.6", linewidths=0.6)
    ax.set_aspect("equal")
    ax.grid(False)


def fmt_float(v, digits=3):
    """A number for a caption or table: fixed below 1e4 and above 1e-3, scientific otherwise."""
    v = float(v)
    if v != 0 and (abs(v) >= 1e4 or abs(v) < 1e-3):
        return f"{v:.{digits - 1}e}"
    return f"{v:.{digits}g}"
