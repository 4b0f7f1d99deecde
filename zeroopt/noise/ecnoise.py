"""ECnoise (Moré & Wild 2011): the standard deviation of the noise in f, from a few values on a line."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import _checks
from ..problem import Problem

#: Outcomes of :func:`noise_level` (``NoiseLevel.status``).
DETECTED, H_TOO_SMALL, H_TOO_LARGE = "detected", "h too small", "h too large"
#: The first half-width of the sampling segment, relative to max(1, ||x||_inf).
FIRST_H = 1e-10
#: Factor by which h grows (h too small) or shrinks (h too large) between two tries, as Moré & Wild advise.
H_FACTOR = 100.0


class NoiseLevel(NamedTuple):
    """What :func:`noise_level` measured: the noise estimate, its outcome and what it cost.

    Parameters
    ----------
    noise : float
        The estimate of the standard deviation of the noise in f (absolute); NaN if not detected.
    relative : float
        ``noise / |f(x)|`` (NaN if f(x) = 0 or the noise was not detected).
    status : str
        ``"detected"``, ``"h too small"`` (at least half of the first differences are exactly zero: the
        values do not change in floating point) or ``"h too large"`` (the values vary by more than 10%,
        or the differences keep shrinking with their order: the smooth part of f dominates). The last
        try's outcome.
    message : str
        The outcome in words, with the figures that decided it.
    h : float
        The half-width of the last sampling segment: the points are x + t h p, t in [-1, 1].
    order : int
        The order k of the differences the estimate comes from (0 if not detected).
    levels : numpy.ndarray
        The last try's estimates from the differences of order 1, 2, ..., points - 1.
    fx : float
        f(x), the value at the middle point of the last try.
    direction : numpy.ndarray
        The unit direction p of the segment.
    nfev : int
        Function evaluations spent (``points`` per try), all counted in ``problem.nfev``.
    tries : int
        Segments sampled.

    See Also
    --------
    noise_level : Computes it.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> r = zo.noise_level(lambda x: float(np.sum(x ** 2)), np.ones(3))
    >>> r.detected, r.status
    (True, 'detected')
    """

    #: float: the estimate of the noise's standard deviation (absolute); NaN if not detected.
    noise: float
    #: float: the noise relative to the size of f(x): noise / abs(f(x)).
    relative: float
    #: str: "detected", "h too small" or "h too large" (the last try's outcome).
    status: str
    #: str: the outcome in words, with the figures that decided it.
    message: str
    #: float: the last segment's half-width.
    h: float
    #: int: the order of the differences the estimate comes from (0: not detected).
    order: int
    #: ndarray: the last try's estimates from each order of differences.
    levels: np.ndarray
    #: float: f(x), the middle value of the last try.
    fx: float
    #: ndarray: the unit direction p of the segment.
    direction: np.ndarray
    #: int: function evaluations spent, all counted in problem.nfev.
    nfev: int
    #: int: segments sampled.
    tries: int

    @property
    def detected(self):
        """True if the noise was detected (``status == "detected"``).

        Returns
        -------
        bool
            Whether the last try's status is ``"detected"``; then ``noise`` is a finite estimate, else
            NaN.

        See Also
        --------
        noise_level : The measurement.
        status : The outcome, also when not detected.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> r = zo.noise_level(lambda x: float(np.sum(x ** 2)), np.ones(3))
        >>> r.detected, bool(np.isfinite(r.noise))
        (True, True)
        """
        return self.status == DETECTED


def difference_table(fval):
    r"""ECnoise's test on values at equally spaced points: ``(status, estimate, order, levels, why)``.

    ``levels[k - 1]`` is :math:`\sigma_k = (\gamma_k \operatorname{mean}_i (\Delta^k f_i)^2)^{1/2}`,
    :math:`\gamma_k = (k!)^2/(2k)!`. The first k with :math:`\sigma_k, \sigma_{k+1}, \sigma_{k+2}` within a
    factor 4 of each other and differences of order k of both signs gives the estimate
    :math:`\sigma_k`. Not detected: "h too large" if the values vary by more than 10% or no k passes,
    "h too small" if at least half of the first differences are exactly 0.
    """
    f = np.array(fval, dtype=np.float64)
    nf = f.shape[0]
    levels = np.full(nf - 1, np.nan)
    top = np.max(np.abs(f))
    spread = float(np.max(f) - np.min(f))
    if top > 0 and spread > 0.1 * top:
        return H_TOO_LARGE, math.nan, 0, levels, (f"the values vary by {spread / top:.2g} of their largest "
                                                  f"magnitude, more than 10%")
    signs = np.zeros(nf - 1, dtype=bool)
    gamma = 1.0
    for j in range(1, nf):
        f = f[1:] - f[:-1]
        if j == 1 and np.count_nonzero(f == 0.0) >= nf / 2:
            return H_TOO_SMALL, math.nan, 0, levels, (f"{np.count_nonzero(f == 0.0)} of the {nf - 1} first "
                                                      f"differences are exactly 0")
        gamma *= 0.5 * j / (2 * j - 1)
        levels[j - 1] = math.sqrt(gamma * float(np.mean(f * f)))
        signs[j - 1] = float(np.min(f)) * float(np.max(f)) < 0.0
    for k in range(nf - 3):
        window = levels[k:k + 3]
        if np.max(window) <= 4.0 * np.min(window) and signs[k]:
            return DETECTED, float(levels[k]), k + 1, levels, ""
    return H_TOO_LARGE, math.nan, 0, levels, ("no three consecutive orders of differences agree within a "
                                              "factor 4 with a sign change: the smooth part of f dominates")


def as_problem(problem, x, args=()):
    """``problem`` as a :class:`~zeroopt.Problem` (a plain callable is wrapped, in Python mode) and x checked."""
    if isinstance(problem, Problem):
        if args:
            raise ValueError("args: a Problem carries its own args; pass args only with a plain callable")
        return problem, _checks.point(x, problem.dim)
    if not callable(problem):
        raise TypeError(f"problem must be a zeroopt.Problem or a callable fun(x, *args), got "
                        f"{type(problem).__name__}")
    xa = np.asarray(x, dtype=np.float64) if not np.iscomplexobj(x) else x
    dim = xa.shape[0] if getattr(xa, "ndim", 0) == 1 else None
    if dim is None or dim < 1:
        raise ValueError(f"x must be a 1-D array with at least one entry, got shape {np.shape(x)}")
    if isinstance(args, list):
        args = tuple(args)
    return Problem(problem, dim, args=args, jit=False, name=getattr(problem, "__name__", "fun")), \
        _checks.point(x, dim)


def segment(points):
    """t_i = 2 (i - mid) / (points - 1), i = 0..points-1: equally spaced in [-1, 1], t_mid = 0."""
    return (2.0 * (np.arange(points) - (points - 1) // 2)) / (points - 1)


def values_on_line(problem, x, h, p, t):
    """The values at x + t_i h p, counted; a non-finite one raises naming its point."""
    return values_on_points(problem, x + np.outer(t * h, p))


def values_on_points(problem, X):
    """The values at the rows of X, counted; a non-finite one raises naming its point."""
    vals = problem.batch_value(X)
    bad = np.flatnonzero(~np.isfinite(vals))
    if bad.size:
        i = int(bad[0])
        raise FloatingPointError(f"{problem.name}: f = {vals[i]} at the point {_checks.describe_point(X[i])}: the "
                                 f"noise and the step cannot be estimated from a non-finite value; check the "
                                 f"objective's domain near x")
    return vals


def noise_level(problem, x, args=(), points=15, h=None, seed=0, tries=6):
    r"""Estimate the standard deviation of the noise in f near x with ECnoise (Moré & Wild 2011).

    f is evaluated at ``points`` equally spaced points :math:`x + t_i h p`, :math:`t_i` from -1 to 1, on
    a segment along a random unit direction p; the noise is read off the differences of those values
    (Notes). The problem's own description of its noise, if it has one, is never read: the estimate
    comes from the values alone.

    Parameters
    ----------
    problem : Problem or callable
        The objective; a plain callable ``fun(x, *args) -> float`` is wrapped in a
        :class:`~zeroopt.Problem` in Python mode (``jit=False``).
    x : array_like, shape (n,)
        The point.
    args : tuple
        Extra arguments of a plain callable (a Problem carries its own).
    points : int >= 4
        Values per segment (default 15: ECnoise's default is 7; with 15 the estimate is within a factor
        2 of the truth far more often; see Notes).
    h : float > 0, optional
        The first half-width of the segment. Default :math:`10^{-10} \max(1, \|x\|_\infty)`, small
        enough that for relative noise down to about :math:`10^{-9}` the first differences are noise,
        not slope.
    seed : int >= 0, SeedSequence or Generator
        The seed of the direction p (uniform on the unit sphere).
    tries : int >= 1
        Segments at most: after "h too small" h grows by 100, after "h too large" it shrinks by 100, as
        Moré & Wild advise; after a change of direction (too small, then too large, or back) the next h
        is the geometric mean of the last two.

    Returns
    -------
    NoiseLevel
        The estimate (``noise``, and ``relative`` to :math:`|f(x)|`), the outcome (``status``,
        ``message``), the last ``h``, the order of differences used, and ``nfev`` (``points`` per try,
        counted in ``problem.nfev``).

    Raises
    ------
    TypeError
        ``problem`` is neither a Problem nor callable; a bad argument type.
    ValueError
        ``x`` misshapen or not finite; ``points < 4``; ``args`` with a Problem.
    FloatingPointError
        f is not finite at a point of the segment (the message names it).

    See Also
    --------
    zeroopt.noise.forward_step : The forward-difference step from the noise.
    zeroopt.noise.central_step : The central-difference step from the noise.

    Notes
    -----
    With :math:`f_i = f(x + t_i h p)` and the differences
    :math:`\Delta^{k} f_i = \Delta^{k-1} f_{i+1} - \Delta^{k-1} f_i`, noise of standard deviation
    :math:`\sigma`, independent between points, gives
    :math:`E[(\Delta^k f_i)^2] = \binom{2k}{k} \sigma^2` plus the smooth part's
    :math:`(\delta^k f^{(k)})^2`, :math:`\delta = 2h/(\text{points} - 1)`. So

    .. math::

        \sigma_k = \Big(\frac{\gamma_k}{N - k} \sum_i (\Delta^k f_i)^2\Big)^{1/2},

    .. math::

        \gamma_k = \frac{(k!)^2}{(2k)!},

    with N the number of points, estimates :math:`\sigma` once the smooth part is negligible. ECnoise
    takes the first order k at which :math:`\sigma_k, \sigma_{k+1}, \sigma_{k+2}` agree within a
    factor 4 and the differences of order k have both signs [MW11]_. It reports "h too large" when the values differ by more than 10%
    or no order passes, and "h too small" when at least half of the first differences are exactly 0.

    The rule for h: the first segment is tiny (:math:`h = 10^{-10} \max(1, \|x\|_\infty)`), so that for
    relative noise of :math:`10^{-9}` and above the first differences are noise and
    :math:`\sigma_1`, the estimate with the most differences, is used; h then moves by factors of 100
    until the noise is detected. Below about :math:`10^{-9}` relative (rounding) the slope dominates
    the first differences and a higher order is used. Deterministic noise that is smooth on the scale
    of h (e.g. Moré–Wild's wild3 noise below about :math:`10^{-2}`) is part of the smooth f there:
    what is measured is the noise at that scale (for wild3, rounding). A kink of f at x along p,
    :math:`a|s|` (wild3 where a coordinate of x is 0 or two tie for the largest magnitude), is no
    noise but is read as one: at order 2 its one nonzero second difference :math:`2a\delta` gives
    :math:`\sigma_2 = a\delta\,(2/(3(N - 2)))^{1/2}`, :math:`0.032\,a h` with 15 points, a figure set by
    the points' spacing, not by any noise.

    With 15 points and noise independent between points (Gaussian), :math:`\sigma_1` is within a
    factor 2 of :math:`\sigma` in 99.2% of 20000 simulated segments (97.7% with 11 points, 96.0% with 9).

    References
    ----------
    .. [MW11] J. J. Moré, S. M. Wild. Estimating computational noise. *SIAM Journal on Scientific
       Computing* 33(3):1292–1314, 2011.

    Examples
    --------
    Relative noise of :math:`10^{-6}` on a function of size 3 (true standard deviation
    :math:`3 \cdot 10^{-6}`):

    >>> import numpy as np, zeroopt as zo
    >>> rng = np.random.default_rng(0)
    >>> def f(x):
    ...     return float(np.sum(x ** 2)) * (1 + 1e-6 * rng.standard_normal())
    >>> r = zo.noise_level(f, np.ones(3))
    >>> r.status, r.nfev, bool(1.5e-6 < r.noise < 6e-6)
    ('detected', 15, True)
    """
    problem, x = as_problem(problem, x, args)
    points = _checks.positive_int(points, "points")
    if points < 4:
        raise ValueError(f"points must be at least 4 (ECnoise compares three orders of differences), got {points}")
    tries = _checks.positive_int(tries, "tries")
    scale = max(1.0, float(np.max(np.abs(x))))
    h = FIRST_H * scale if h is None else _checks.positive_float(h, "h")
    rng = _checks.generator(seed, "seed")
    p = rng.standard_normal(x.shape[0])
    p /= np.linalg.norm(p)
    nfev = 0
    tried = []
    last = None
    with problem.counting() as counts:
        for attempt in range(tries):
            vals = values_on_line(problem, x, h, p, segment(points))
            status, est, order, levels, why = difference_table(vals)
            fx = float(vals[(points - 1) // 2])
            tried.append((h, status))
            last = (status, est, order, levels, why, fx, h)
            if status == DETECTED or attempt == tries - 1:
                break
            h = _next_h(tried)
        nfev = counts.nfev
    status, est, order, levels, why, fx, h = last
    rel = est / abs(fx) if (status == DETECTED and fx != 0.0) else math.nan
    path = ", ".join(f"{hh:.3g} ({st})" for hh, st in tried)
    if status == DETECTED:
        msg = (f"noise detected: sigma = {est:.3g}" + (f" ({rel:.2g} of |f(x)| = {abs(fx):.4g})" if fx else "")
               + f", from the differences of order {order} of {points} values on [x - h p, x + h p], h = {h:.3g}")
    else:
        msg = (f"noise not detected after {len(tried)} tries: {why} at h = {h:.3g}, so h is "
               f"{'too small' if status == H_TOO_SMALL else 'too large'}")
    if len(tried) > 1:
        msg += f" (h tried: {path})"
    return NoiseLevel(est, rel, status, msg, h, order, levels, fx, p, nfev, len(tried))


def _next_h(tried):
    h, status = tried[-1]
    grow = status == H_TOO_SMALL
    if len(tried) > 1 and tried[-2][1] != status and tried[-2][1] != DETECTED:
        return math.sqrt(h * tried[-2][0])
    return h * H_FACTOR if grow else h / H_FACTOR
