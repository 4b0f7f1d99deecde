"""The test-problem library: each function returns a :class:`zeroopt.Problem` with what is known about it.

* ``zeroopt/problems/classic.py``: a strongly convex quadratic, Rosenbrock, logistic regression,
  Nesterov's worst-case function and distance-matrix recovery (mds), with their known constants;
* ``zeroopt/problems/more_wild.py``: the 53 problems of Moré & Wild's benchmark set (:func:`more_wild`,
  :func:`more_wild_table`) in four kinds (smooth, nondiff, wild3, noisy3), on the 22 least-squares
  functions of ``zeroopt/problems/mgh.py``.

Objectives are plain numpy functions, jitted with ``cache=True`` so that their compiled code is reused
across sessions; :mod:`zeroopt.ad` differentiates their ``py_func``.
"""

from .classic import (logistic, logistic_along, logistic_batch, logistic_fun, mds, mds_fun, mds_hessian, nesterov, nesterov_fun,
                      quadratic, quadratic_batch, quadratic_fun, random_rotation, rosenbrock, rosenbrock_fun)
from .mgh import (more_wild_noisy3_fun, more_wild_nondiff_fun, more_wild_residuals, more_wild_smooth_fun,
                  more_wild_wild3_fun, wild3_phi)
from .more_wild import MORE_WILD_KINDS, MoreWildRow, more_wild, more_wild_table

__all__ = [
    "quadratic", "quadratic_fun", "quadratic_batch", "random_rotation", "rosenbrock", "rosenbrock_fun",
    "logistic", "logistic_fun", "logistic_batch", "logistic_along", "nesterov", "nesterov_fun", "mds", "mds_fun", "mds_hessian",
    "more_wild", "more_wild_table", "MoreWildRow", "MORE_WILD_KINDS", "more_wild_residuals",
    "more_wild_smooth_fun", "more_wild_nondiff_fun", "more_wild_wild3_fun", "more_wild_noisy3_fun", "wild3_phi",
]
