"""Optimizers that take any gradient oracle: gradient descent (first- or zero-order), steepest descent
with an exact line search, coordinate minimisation and damped Newton - with a jitted fast path.

``zo.minimize(problem, x0, oracle, method, ..., options=...)`` validates its arguments and dispatches to
one function per method, as scipy's ``_minimize_<method>``, found in the method table :data:`METHODS`.
Each entry is a :class:`Method` spec: the function, its default oracle, whether it takes ``step``,
whether it has a jitted path, its own options (:class:`Option`) with their defaults. The methods run
over the shared state of :class:`zeroopt.optimize._run.Run` (budgets, tests, history, callback, counts),
which they read and never write. The run's status is a :class:`zeroopt.Status`; ``success`` is True
only when a stated convergence test held.

Layout: :mod:`._minimize` (``minimize``, its checks, ``Result``), :mod:`._spec` (the spec types),
:mod:`._methods` (the table), :mod:`._run` (the run's state and its tests), and one module per family:
:mod:`.gd` (gradient descent and its jitted loop), :mod:`.search` (steepest descent, coordinate
minimisation), :mod:`.newton`. The line-search drivers they use are in :mod:`zeroopt.linesearch.drivers`.
"""

from ..history import checkpoints
from ..status import Status
from ._methods import METHODS
from ._minimize import Result, minimize
from ._spec import Method, Option
from .gd import theory_step

__all__ = ["minimize", "Result", "theory_step", "checkpoints", "METHODS", "Status", "Method", "Option"]
