"""The method table of :func:`zeroopt.minimize`: name -> :class:`~zeroopt.optimize._spec.Method` spec.

A new method is a function and its spec in the module of its family, and one line here.
"""

from __future__ import annotations

from .accelerated import FGM, ZO_ACCELERATED
from .adaptive import ZO_ADAMM, ZO_SIGNSGD
from .gd import GD
from .inplace import INPLACE
from .newton import NEWTON
from .search import COORDINATE, RANDOM_PURSUIT, STEEPEST

#: method name -> Method spec (the function, its default oracle, whether it takes step, whether it has a
#: jitted path, its options with their defaults)
METHODS = {"gd": GD, "steepest": STEEPEST, "coordinate": COORDINATE, "newton": NEWTON, "fgm": FGM,
           "zo_accelerated": ZO_ACCELERATED, "random_pursuit": RANDOM_PURSUIT,
           "zo_signsgd": ZO_SIGNSGD, "zo_adamm": ZO_ADAMM, "inplace": INPLACE}
