"""zeroopt: zero-order optimization - gradient estimators, exact AD, optimizers, line searches and sweeps.

Quick start::

    import numpy as np, zeroopt as zo
    p = zo.problems.quadratic(50, mu=1, L=10, seed=0)
    G = zo.TwoPoint(dist="sphere", seed=1)(p, np.zeros(50))   # two evaluations
    p.nfev                                                   # -> 2
"""

from . import ad, linesearch, noise, problems
from .ad import grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from .estimators import CoordinateFD, ExactAD, RandomCoordinate, TwoPoint, as_jac
from .noise import NoiseLevel, noise_level
from .optimize import Result, minimize
from .oracle import Estimate, FastPath, Oracle, RandomOracle
from .problem import GlobalArrayWarning, Problem, PythonModeWarning
from .status import Status
from .xi import Xi

__version__ = "0.2.0.dev0"

__all__ = [
    "Problem", "PythonModeWarning", "GlobalArrayWarning", "problems", "Status", "Xi",
    "Oracle", "RandomOracle", "Estimate", "FastPath", "CoordinateFD", "RandomCoordinate", "TwoPoint", "ExactAD", "as_jac",
    "ad", "grad", "value_and_grad", "vjp", "jvp", "jacobian", "hvp", "hessian",
    "minimize", "Result", "linesearch", "noise", "noise_level", "NoiseLevel",
]
