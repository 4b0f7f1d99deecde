"""The test-problem library: each function returns a :class:`zeroopt.Problem` with what is known about it.

* :mod:`zeroopt.problems.classic`: a strongly convex quadratic, Rosenbrock, logistic regression,
  Nesterov's worst-case function and distance-matrix recovery (mds), with their known constants.

Objectives are plain numpy functions, jitted with ``cache=True`` so that their compiled code is reused
across sessions; :mod:`zeroopt.ad` differentiates their ``py_func``.
"""

from .classic import (logistic, logistic_fun, mds, mds_fun, mds_hessian, nesterov, nesterov_fun, quadratic,
                      quadratic_batch, quadratic_fun, random_rotation, rosenbrock, rosenbrock_fun)

__all__ = [
    "quadratic", "quadratic_fun", "quadratic_batch", "random_rotation", "rosenbrock", "rosenbrock_fun",
    "logistic", "logistic_fun", "nesterov", "nesterov_fun", "mds", "mds_fun", "mds_hessian",
]
