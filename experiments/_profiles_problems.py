"""The Moré–Wild set as an OptiProfiler problem library (its custom problem-library hook).

OptiProfiler finds a local library through ``custom_problem_libs_path``: a folder ``<name>/`` holding
``<name>_tools.py`` with ``<name>_select``, ``<name>_load`` and, for a library with options,
``<name>_get_default_options`` and ``<name>_validate_options``. :data:`LIBRARY_PATH` is that folder for
the library ``more_wild``; its tools file only forwards to the functions here, which live in an importable
module so that what they build pickles the same way in OptiProfiler's worker processes.

The library's one option is ``kind``: the objective built on the residuals of each row, ``"smooth"``
(default), ``"nondiff"`` or ``"wild3"`` (:func:`zeroopt.problems.more_wild`). ``"noisy3"`` is random at
every evaluation, so it is not a library kind but a feature of the run (:func:`noisy3_feature`): its
noise is drawn from the generator OptiProfiler derives for each evaluation of each run, so that every
run (and every solver in it) sees its own reproducible noise.
"""

from __future__ import annotations

import math
import os

import numpy as np

from zeroopt.problems import mgh, more_wild, more_wild_table

#: the library's name in OptiProfiler's ``plibs``
LIBRARY = "more_wild"
#: the folder passed as OptiProfiler's ``custom_problem_libs_path``
LIBRARY_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_profiles_plib")
#: the library kinds (deterministic objectives); noisy3 is a feature (:func:`noisy3_feature`)
KINDS = ("smooth", "nondiff", "wild3")
_FUNS = {"smooth": mgh.more_wild_smooth_fun, "nondiff": mgh.more_wild_nondiff_fun,
         "wild3": mgh.more_wild_wild3_fun}


class Objective:
    """f(x) of row ``row`` of the Moré–Wild set, of a deterministic ``kind``: a picklable callable that
    calls zeroopt's jitted objective (:mod:`zeroopt.problems.mgh`) with the row's data.

    Examples
    --------
    >>> f = Objective(7)                       # Rosenbrock at x_s = (-1.2, 1)
    >>> f(np.array([-1.2, 1.0]))
    24.199999999999996
    """

    def __init__(self, row, kind="smooth"):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        self.row, self.kind = int(row), kind
        self._args = more_wild(self.row, kind)[0].args

    def __call__(self, x):
        return float(_FUNS[self.kind](np.asarray(x, dtype=np.float64), *self._args))

    def __getstate__(self):
        return {"row": self.row, "kind": self.kind}

    def __setstate__(self, state):
        self.__init__(state["row"], state["kind"])

    def __repr__(self):
        return f"Objective({self.row}, {self.kind!r})"


def row_of(name):
    """The row (1..53) of a problem name of the set, e.g. ``"mw15_bard_n3_m15_s0"`` -> 15."""
    if not (isinstance(name, str) and name.startswith("mw") and name[2:4].isdigit()):
        raise ValueError(f"not a Moré–Wild problem name: {name!r}")
    row = int(name[2:4])
    if not 1 <= row <= 53 or more_wild_table()[row - 1].name != name:
        raise ValueError(f"not a Moré–Wild problem name: {name!r}")
    return row


def get_default_options():
    """The library's options and their defaults: ``{"kind": "smooth"}``."""
    return {"kind": "smooth"}


def validate_options(options):
    """The options, checked: ``kind`` one of :data:`KINDS`; no other option."""
    unknown = sorted(set(options) - {"kind"})
    if unknown:
        raise ValueError(f"unknown option(s) {unknown} of the {LIBRARY} library; its one option is kind")
    kind = options.get("kind", "smooth")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (noisy3 is a feature), got {kind!r}")
    return {"kind": kind}


def select(problem_options, library_options=None):
    """The names of the rows that pass OptiProfiler's common selection options (all 53 are unconstrained:
    ``ptype`` "u", no bounds or constraints), in the order of the data file."""
    o = dict(problem_options)
    ptype = o.get("ptype", "u")
    if "u" not in ptype:
        return []
    low, high = o.get("mindim", 1), o.get("maxdim", math.inf)
    if o.get("minb", 0) > 0 or o.get("minlcon", 0) > 0 or o.get("minnlcon", 0) > 0 or o.get("mincon", 0) > 0:
        return []
    exclude = set(o.get("excludelist", ()) or ())
    return [r.name for r in more_wild_table() if low <= r.n <= high and r.name not in exclude]


def load(name, library_options=None):
    """OptiProfiler's Problem for row ``name``: its objective of the library's ``kind`` and its start."""
    from optiprofiler import Problem

    kind = validate_options(dict(library_options or {}))["kind"]
    row = row_of(name)
    x0 = more_wild(row, kind)[1]
    return Problem(Objective(row, kind), x0, name=name)


def noisy3_mod_fun(x, rng, problem):
    """Moré & Wild's noisy3 value at ``x``: sum_i (F_i(x) (1 + u_i))^2, u_i ~ U[-1e-3, 1e-3] drawn from
    ``rng``, the generator OptiProfiler's custom feature derives for this evaluation of this run
    (a ``mod_fun``: it replaces the problem's smooth value)."""
    row = row_of(problem.name)
    args = more_wild(row)[0].args
    return float(mgh.more_wild_noisy3_fun(np.asarray(x, dtype=np.float64), *args, rng))


def noisy3_feature():
    """The keyword arguments of ``optiprofiler.benchmark`` for the noisy3 feature."""
    return {"feature_name": "custom", "mod_fun": noisy3_mod_fun}
