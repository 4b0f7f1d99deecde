"""Fits of convergence curves: rates, iterations to a target, power laws, bootstrap intervals.

Curves are given at checkpoints ``k`` (increasing iteration numbers, starting at 0) with values ``v``
(f - f*, ||grad f||^2, ...), which must be positive where they are used.
"""

from __future__ import annotations

import math

import numpy as np


def log_rate(k, v, start=1e-1, stop=1e-10, floor_margin=100.0):
    """The log-contraction per iteration over the linear phase: the least-squares slope of ln v against
    k, over the checkpoints with stop v0 <= v <= start v0 (so the start, before the slowest mode
    dominates, is excluded) and v >= floor_margin * min(v) if the curve ends on a floor (its minimum
    is reached before its last checkpoint, i.e. it stopped decreasing: the floating-point or
    finite-difference floor is excluded too). Returns (slope, number of points used); slope is NaN
    with fewer than 3 points. A contraction v_k = C rho^k gives slope ln rho."""
    k = np.asarray(k, dtype=float)
    v = np.asarray(v, dtype=float)
    ok = np.isfinite(v) & (v > 0)
    if not ok[0]:
        return math.nan, 0
    v0 = v[0]
    window = ok & (v <= start * v0) & (v >= stop * v0)
    imin = int(np.nanargmin(np.where(ok, v, np.inf)))
    if imin < len(v) - 1:  # the curve stopped decreasing: a floor
        window &= v >= floor_margin * v[imin]
    if window.sum() < 3:
        return math.nan, int(window.sum())
    slope = np.polyfit(k[window], np.log(v[window]), 1)[0]
    return float(slope), int(window.sum())


def crossings(k, v, targets):
    """The first iteration at which the running minimum of v reaches ``target * v[0]``, for each
    target, interpolated linearly in (log k, log v) between the two checkpoints around the crossing
    (linearly in k on the first interval, where log k is undefined); NaN if never reached."""
    k = np.asarray(k, dtype=float)
    v = np.minimum.accumulate(np.where(np.isfinite(v), v, np.inf))
    out = []
    for t in targets:
        level = t * v[0]
        below = np.flatnonzero(v <= level)
        if below.size == 0:
            out.append(math.nan)
            continue
        i = int(below[0])
        if i == 0:
            out.append(0.0)
            continue
        k0, k1, v0, v1 = k[i - 1], k[i], v[i - 1], v[i]
        if v1 <= 0 or v0 <= 0 or v0 == v1:
            out.append(k1)
            continue
        s = (math.log(level) - math.log(v0)) / (math.log(v1) - math.log(v0))
        if k0 <= 0:
            out.append(k0 + s * (k1 - k0))
        else:
            out.append(math.exp(math.log(k0) + s * (math.log(k1) - math.log(k0))))
    return np.array(out)


def power_law(k, v, kmin=1):
    """Least-squares fit of v ~ C k^p on log-log axes over k >= kmin. Returns (C, p)."""
    k = np.asarray(k, dtype=float)
    v = np.asarray(v, dtype=float)
    use = (k >= kmin) & np.isfinite(v) & (v > 0)
    if use.sum() < 2:
        return math.nan, math.nan
    p, logc = np.polyfit(np.log(k[use]), np.log(v[use]), 1)
    return float(math.exp(logc)), float(p)


def geometric_mean(x):
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x) & (x > 0)]
    return float(np.exp(np.mean(np.log(x)))) if x.size else math.nan


def bootstrap(samples, statistic, n_boot=1000, level=0.95, seed=0):
    """A percentile bootstrap interval of ``statistic(resampled samples)``, resampling the first axis
    (the seeds) with replacement. Returns (low, high); (NaN, NaN) with fewer than 2 samples."""
    samples = list(samples)
    if len(samples) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    stats = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(samples), len(samples))
        s = statistic([samples[i] for i in idx])
        if np.isfinite(s):
            stats.append(s)
    if not stats:
        return math.nan, math.nan
    a = (1 - level) / 2
    return float(np.quantile(stats, a)), float(np.quantile(stats, 1 - a))
