"""The state behind ``eps="auto"`` of the difference oracles: the step from the noise, per problem, and
when to estimate it again."""

from __future__ import annotations

import math
import weakref

from .step import auto_step

#: eps="auto" estimates again once ||G||^2 (averaged over a block of calls) has fallen below this fraction
#: of its value in the first block after the last estimate: ||G|| by a factor 10.
REESTIMATE_DROP = 1e-2
#: the seed of the noise estimate's direction (fixed: the oracle's own stream is left alone)
NOISE_SEED = 0


def parse_eps(eps, checker):
    """``"auto"`` or what ``checker(eps)`` returns (the oracle's own check of a number or None)."""
    if isinstance(eps, str):
        if eps != "auto":
            raise TypeError(f"eps must be a number > 0 or 'auto' (the step from the noise), got {eps!r} of type str")
        return eps
    return checker(eps)


class AutoEps:
    """One oracle's ``eps="auto"`` on the problem it was last called on.

    ``step(problem, x, scheme)`` returns the step, estimating it first (a counted phase,
    :func:`auto_step`) at the first call on a problem and when :meth:`observe` asked for it;
    ``observe(g2, block)`` takes each estimate's ||G||^2: the mean over ``block`` calls is compared with
    the first block's after the estimate, and a fall below :data:`REESTIMATE_DROP` of it asks for a new
    estimate at the next call.
    """

    def __init__(self):
        self._problem = None
        self.steps = []          # the AutoStep of each estimate on the current problem
        self._stale = True
        self._ref = None
        self._sum = 0.0
        self._count = 0

    def step(self, problem, x, scheme):
        if self.steps and self.steps[-1].scheme != scheme:
            self._stale = True
        if self._problem is None or self._problem() is not problem:
            self._problem = weakref.ref(problem)
            self.steps = []
            self._stale = True
        if self._stale:
            self.steps.append(auto_step(problem, x, scheme, seed=NOISE_SEED))
            self._stale = False
            self._ref = None
            self._sum, self._count = 0.0, 0
        return self.steps[-1].h

    def observe(self, g2, block=1):
        if not math.isfinite(g2):
            return
        self._sum += g2
        self._count += 1
        if self._count < block:
            return
        mean = self._sum / self._count
        self._sum, self._count = 0.0, 0
        if self._ref is None:
            self._ref = mean
        elif mean < REESTIMATE_DROP * self._ref:
            self._stale = True

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_problem"] = None
        state["_stale"] = True
        return state
