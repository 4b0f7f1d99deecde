r"""Rate theory of gradient descent with exact and zero-order gradients: contraction factors, predicted
slowdowns, and exact expectations on quadratics.

The rates of lecture notes 000 (the table "GD vs zero-order GD"), for an oracle whose second-moment
factor is :math:`m = \mathbb E\|G\|^2 / \|\nabla f\|^2` (``oracle.second_moment_factor(n)``) and the
step :math:`1/(mL)`:

.. list-table::
   :header-rows: 1

   * - setting
     - gradient descent, step :math:`1/L`
     - zero-order GD, step :math:`1/(mL)`
   * - smooth nonconvex
     - :math:`\min_{i<k} \|\nabla f(x_i)\|^2 \le 2L(f(x_0) - f^*)/k`
     - :math:`m` times that
   * - smooth convex
     - :math:`f(x_k) - f^* \le L\|x_0 - x^*\|^2/(2k)`
     - :math:`O(mL\|x_0 - x^*\|^2/k)`
   * - strongly convex
     - :math:`f(x_k) - f^*` and :math:`\|x_k - x^*\|^2` like :math:`(1 - \mu/L)^k`
     - like :math:`(1 - \mu/(mL))^k`

So zero-order GD needs about :math:`m` times the iterations (:math:`m = n` for one random direction,
:math:`n/q` for :math:`q` orthogonal ones). Nesterov & Spokoiny (2017, Theorems 4 and 8) give, for
forward Gaussian differences, the step :math:`1/(4(n+4)L)` and the rate :math:`1 - \mu/(8(n+4)L)`:
worst-case bounds, which :func:`forward_gaussian_moments` replaces on quadratics by the exact expected
recursion.

The functions live in one module per family (a method's theory joins as a module of its own):
``zeroopt/theory/gd.py`` (gradient descent with any oracle), ``forward_gaussian.py`` (Nesterov &
Spokoiny's forward Gaussian differences), ``worst_case.py`` (Nesterov's worst-case function),
``accelerated.py`` (FGM and the accelerated random method), ``random_pursuit.py`` (Random Pursuit's
bound and slowdown ratio), ``adaptive.py`` (the sign and adaptive-moment methods' defaults) and
``heavy_ball.py`` (Polyak's heavy-ball parameters), ``zo_sgd.py`` (ZO-SGD's step, radius, bound and exact
error on the sample-mean problem); every name is imported here,
``zeroopt.theory.<name>``.
"""

from .adaptive import sign_step
from .accelerated import accelerated_bound, accelerated_slowdown, fgm_constants, zo_accelerated_constants
from .forward_gaussian import (forward_gaussian_floor, forward_gaussian_moments, forward_gaussian_rate,
                               ns_forward_contraction, ns_forward_step)
from .gd import contraction, gd_convex_bound, gd_nonconvex_bound, linear_slowdown
from .heavy_ball import polyak_parameters
from .random_pursuit import random_pursuit_iterations, random_pursuit_rate
from .worst_case import nesterov_eigenvalues, nesterov_linear_after
from .zo_sgd import zo_sgd_bound, zo_sgd_radius, zo_sgd_sample_mean, zo_sgd_step

__all__ = ["contraction", "linear_slowdown", "gd_convex_bound", "gd_nonconvex_bound", "ns_forward_step",
           "ns_forward_contraction", "forward_gaussian_moments", "forward_gaussian_floor", "forward_gaussian_rate",
           "nesterov_eigenvalues", "nesterov_linear_after", "fgm_constants", "zo_accelerated_constants",
           "accelerated_slowdown", "accelerated_bound", "random_pursuit_rate", "random_pursuit_iterations",
           "sign_step", "polyak_parameters", "zo_sgd_step", "zo_sgd_radius", "zo_sgd_bound", "zo_sgd_sample_mean"]
