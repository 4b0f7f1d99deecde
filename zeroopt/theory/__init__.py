"""Rate theory of gradient descent with exact and zero-order gradients: contraction factors, predicted
slowdowns, and exact expectations on quadratics.

The rates of lecture notes 000 (the table "GD vs zero-order GD"), for an oracle whose second-moment
factor is m = E||G||^2 / ||grad f||^2 (``oracle.second_moment_factor(n)``) and the step 1/(m L):

=================  =========================================  ==========================================
setting            gradient descent, step 1/L                 zero-order GD, step 1/(m L)
=================  =========================================  ==========================================
smooth nonconvex   min_{i<=k} ||grad f(x_i)||^2 <= 2L(f0-f*)/k  m times that
smooth convex      f(x_k) - f* <= L ||x_0 - x*||^2 / (2k)     O(m L ||x_0 - x*||^2 / k)
strongly convex    ||x_k - x*||^2, f(x_k) - f* ~ (1 - mu/L)^k   ~ (1 - mu/(m L))^k
=================  =========================================  ==========================================

So zero-order GD needs about m times the iterations (m = n for one random direction, n/q for q
orthogonal ones). Nesterov & Spokoiny (2017, Theorems 4 and 8) give, for forward Gaussian differences,
the step 1/(4(n+4)L) and the rate 1 - mu/(8(n+4)L): worst-case bounds, which :func:`forward_gaussian_moments`
replaces on quadratics by the exact expected recursion.

Modules, one per family (a method's theory joins as a module of its own): :mod:`.gd` (gradient
descent with any oracle), :mod:`.forward_gaussian` (Nesterov & Spokoiny's forward Gaussian differences),
:mod:`.worst_case` (Nesterov's worst-case function), :mod:`.accelerated` (FGM and the accelerated random
method), :mod:`.random_pursuit` (Random Pursuit's bound and slowdown ratio), :mod:`.adaptive` (the sign
and adaptive-moment methods' defaults), :mod:`.heavy_ball` (Polyak's heavy-ball parameters). Every name is also here, ``zeroopt.theory.<name>``.
"""

from .adaptive import sign_step
from .accelerated import accelerated_bound, accelerated_slowdown, fgm_constants, zo_accelerated_constants
from .forward_gaussian import (forward_gaussian_floor, forward_gaussian_moments, forward_gaussian_rate,
                               ns_forward_contraction, ns_forward_step)
from .gd import contraction, gd_convex_bound, gd_nonconvex_bound, linear_slowdown
from .heavy_ball import polyak_parameters
from .random_pursuit import random_pursuit_iterations, random_pursuit_rate
from .worst_case import nesterov_eigenvalues, nesterov_linear_after

__all__ = ["contraction", "linear_slowdown", "gd_convex_bound", "gd_nonconvex_bound", "ns_forward_step",
           "ns_forward_contraction", "forward_gaussian_moments", "forward_gaussian_floor", "forward_gaussian_rate",
           "nesterov_eigenvalues", "nesterov_linear_after", "fgm_constants", "zo_accelerated_constants",
           "accelerated_slowdown", "accelerated_bound", "random_pursuit_rate", "random_pursuit_iterations",
           "sign_step", "polyak_parameters"]
