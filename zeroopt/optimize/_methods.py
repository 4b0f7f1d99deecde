"""The method table of :func:`zeroopt.minimize`: name -> :class:`~zeroopt.optimize._spec.Method` spec.

A new method is a function and its spec in the module of its family, and one line here.
"""

from __future__ import annotations

from .gd import GD
from .inplace import INPLACE
from .newton import NEWTON
from .search import COORDINATE, STEEPEST

#: method name -> Method spec (the function, its default oracle, whether it takes step, whether it has a
#: jitted path, its options with their defaults)
METHODS = {"gd": GD, "steepest": STEEPEST, "coordinate": COORDINATE, "newton": NEWTON, "inplace": INPLACE}
