"""Shared checks of the theory's constants."""

from __future__ import annotations

import numpy as np

from .. import _checks

def _factor(m):
    m = _checks.positive_float(m, "m")
    if m < 1:
        raise ValueError(f"m = E||G||^2 / ||grad f||^2 is at least 1 for an unbiased estimate, got {m}")
    return m


def _constants(mu, L, m):
    mu = _checks.positive_float(mu, "mu")
    L = _checks.positive_float(L, "L")
    if mu > L:
        raise ValueError(f"mu must not exceed L; got mu={mu}, L={L}")
    return mu, L, _factor(m)


def _over_k(k, c):
    k = np.asarray(k, dtype=float)
    if np.any(~np.isfinite(k)) or np.any(k < 1):
        raise ValueError("k must be iteration numbers >= 1")
    return c / k
