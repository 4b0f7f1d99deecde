"""The difference step from the noise level (Moré & Wild 2012): formulas, the derivative scale, the whole rule."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import _checks
from .ecnoise import NoiseLevel, as_problem, noise_level, values_on_points

#: Moré & Wild's acceptance test of a derivative estimate: the difference is at least TAU1 noise levels...
TAU1 = 100.0
#: ... and the values differ by at most TAU2 of their magnitude.
TAU2 = 0.1


def forward_step(noise, d2):
    r"""The forward-difference step that minimises the error bound for noise ``noise`` and :math:`|f''| = ` ``d2``.

    Parameters
    ----------
    noise : float >= 0
        The standard deviation :math:`\varepsilon_f` of the noise in f.
    d2 : float > 0
        The size :math:`\mu_2` of the second derivative along the difference's direction.

    Returns
    -------
    float
        :math:`h_{FD} = 8^{1/4} (\varepsilon_f / \mu_2)^{1/2}`.

    Raises
    ------
    ValueError
        A negative or non-finite noise, a non-positive ``d2``.

    See Also
    --------
    central_step : The central-difference step.
    zeroopt.noise_level : Estimates the noise.

    Notes
    -----
    The forward difference :math:`(f(x + h) - f(x))/h` of a noisy f has mean-square error
    :math:`(\mu_2 h / 2)^2 + 2\varepsilon_f^2/h^2` (truncation and noise at both points); its minimiser is

    .. math::

        h_{FD} = 8^{1/4} \sqrt{\varepsilon_f / \mu_2},
        \qquad \text{error} = \sqrt{2}\,(\mu_2 \varepsilon_f)^{1/2},

    Moré & Wild 2012, eq. (2.6) [MW12]_.

    References
    ----------
    .. [MW12] J. J. Moré, S. M. Wild. Estimating derivatives of noisy simulations. *ACM Transactions on
       Mathematical Software* 38(3):19:1–19:21, 2012.

    Examples
    --------
    >>> import zeroopt as zo
    >>> round(zo.noise.forward_step(1e-8, 2.0), 10)
    0.0001189207
    """
    noise = _nonneg(noise, "noise")
    d2 = _checks.positive_float(d2, "d2")
    return 8.0 ** 0.25 * math.sqrt(noise / d2)


def central_step(noise, d3):
    r"""The central-difference step that minimises the error bound for noise ``noise`` and :math:`|f'''| = ` ``d3``.

    Parameters
    ----------
    noise : float >= 0
        The standard deviation :math:`\varepsilon_f` of the noise in f.
    d3 : float > 0
        The size :math:`\mu_3` of the third derivative along the difference's direction.

    Returns
    -------
    float
        :math:`h_{CD} = (3 \varepsilon_f / \mu_3)^{1/3}`.

    Raises
    ------
    ValueError
        A negative or non-finite noise, a non-positive ``d3``.

    See Also
    --------
    forward_step : The forward-difference step.

    Notes
    -----
    The central difference :math:`(f(x + h) - f(x - h))/(2h)` has mean-square error
    :math:`(\mu_3 h^2 / 6)^2 + \varepsilon_f^2/(2h^2)`; its minimiser is

    .. math::

        h_{CD} = (3 \varepsilon_f / \mu_3)^{1/3},

    Moré & Wild 2012, section 2 [MW12]_.

    References
    ----------
    .. [MW12] J. J. Moré, S. M. Wild. Estimating derivatives of noisy simulations. *ACM Transactions on
       Mathematical Software* 38(3):19:1–19:21, 2012.

    Examples
    --------
    >>> import zeroopt as zo
    >>> round(zo.noise.central_step(1e-9, 3.0), 6)
    0.001
    """
    noise = _nonneg(noise, "noise")
    d3 = _checks.positive_float(d3, "d3")
    return (3.0 * noise / d3) ** (1.0 / 3.0)


def _nonneg(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number >= 0, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


class AutoStep(NamedTuple):
    """The step :func:`auto_step` chose, and how.

    Parameters
    ----------
    h : float
        The step along a unit direction (absolute).
    scheme : str
        ``"forward"`` or ``"central"``.
    noise : NoiseLevel
        The noise estimate it came from.
    derivative : float
        The root mean square over the coordinates of the second (forward) or third (central)
        derivatives' estimates: the one value the step is computed from.
    derivatives : numpy.ndarray
        The estimates along each coordinate, :math:`|\\partial^k f / \\partial x_i^k|`.
    passed : numpy.ndarray of bool
        Which passed Moré & Wild's test (the others are the bound the failed test implies).
    nfev : int
        Evaluations spent: the noise's and the derivative's.
    message : str
        How h was chosen, in words.

    See Also
    --------
    auto_step : Computes it.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> rng = np.random.default_rng(0)
    >>> def f(x):
    ...     return float(np.sum(np.exp(x))) * (1 + 1e-8 * rng.standard_normal())
    >>> s = zo.noise.auto_step(f, np.zeros(2), "forward")
    >>> s.scheme, s.passed.tolist(), s.nfev
    ('forward', [True, True], 19)
    """

    #: float: the step (absolute).
    h: float
    #: str: "forward" or "central".
    scheme: str
    #: NoiseLevel: the noise estimate the step comes from.
    noise: NoiseLevel
    #: float: the root mean square of the derivative estimates, from which the step is computed.
    derivative: float
    #: ndarray: the derivative estimate along each coordinate.
    derivatives: np.ndarray
    #: ndarray of bool: which estimates passed Moré & Wild's test.
    passed: np.ndarray
    #: int: evaluations spent (noise and derivatives), all counted in problem.nfev.
    nfev: int
    #: str: how the step was chosen, in words.
    message: str


def _differences(problem, x, fx, h, order):
    """Second (order 2: f(x + h_i e_i) - 2 f(x) + f(x - h_i e_i)) or third (order 3: (f(x + 2h_i e_i)
    - 2 f(x + h_i e_i) + 2 f(x - h_i e_i) - f(x - 2h_i e_i)) / 2) differences along the coordinates
    listed in h (a dict i -> h_i), and the largest relative spread of the values each one used."""
    idx = np.fromiter(h, dtype=np.int64)
    hs = np.array([h[i] for i in idx])
    ts = (-1.0, 1.0) if order == 2 else (-2.0, -1.0, 1.0, 2.0)
    X = np.repeat(x[None, :], len(ts) * idx.size, axis=0)
    for j, t in enumerate(ts):
        X[j * idx.size + np.arange(idx.size), idx] += t * hs
    vals = values_on_points(problem, X).reshape(len(ts), idx.size)
    if order == 2:
        delta = vals[0] - 2.0 * fx + vals[1]
    else:
        delta = (vals[3] - 2.0 * vals[2] + 2.0 * vals[1] - vals[0]) / 2.0
    allv = np.vstack([vals, np.full(idx.size, fx)])
    top = np.max(np.abs(allv), axis=0)
    spread = (np.max(allv, axis=0) - np.min(allv, axis=0)) / np.where(top > 0, top, 1.0)
    return idx, hs, delta, spread


def _derivative(problem, x, fx, noise, order):
    """Moré & Wild's estimate of |d^k f/dx_i^k| (k = order) along every coordinate: (values, passed)."""
    n = x.shape[0]
    rel = noise / abs(fx) if fx != 0.0 else noise
    base = max(rel, np.finfo(float).eps) ** (1.0 / (order + 2))
    mu = np.zeros(n)
    ok = np.zeros(n, dtype=bool)
    first = {}
    todo = {i: base * max(1.0, abs(x[i])) for i in range(n)}
    for attempt in range(2):
        idx, hs, delta, spread = _differences(problem, x, fx, todo, order)
        est = np.abs(delta) / hs ** order
        passed = (np.abs(delta) >= TAU1 * noise) & (spread <= TAU2)
        nxt = {}
        for i, h, m, good in zip(idx, hs, est, passed):
            if attempt == 1 and abs(first[i] - m) <= 0.5 * m:
                good = True
            if good:
                mu[i], ok[i] = m, True
            else:
                mu[i] = TAU1 * noise / h ** order          # the bound the failed test implies
                if attempt == 0 and m > 0.0 and math.isfinite(m):
                    first[i] = m
                    nxt[i] = (noise / m) ** (1.0 / (order + 2))
        if not nxt:
            break
        todo = nxt
    return mu, ok


def auto_step(problem, x, scheme="forward", args=(), seed=0, noise=None):
    r"""The finite-difference step for a noisy f at x, chosen as Moré & Wild 2012 do.

    First the noise level (:func:`~zeroopt.noise_level`, 15 values), then the second (forward) or
    third (central) derivative along each coordinate, then the step that minimises the error bound
    (:func:`forward_step`, :func:`central_step`) with their root mean square over the coordinates: one
    step for all coordinates, the one that minimises the summed error bound of coordinate differences.

    Parameters
    ----------
    problem : Problem or callable
        The objective (a callable is wrapped as in :func:`~zeroopt.noise_level`).
    x : array_like, shape (n,)
        The point.
    scheme : "forward" or "central"
    args : tuple
        Extra arguments of a plain callable.
    seed : int >= 0, SeedSequence or Generator
        The seed of the direction.
    noise : NoiseLevel, optional
        A noise estimate at x to reuse (else one is made and counted).

    Returns
    -------
    AutoStep
        The step ``h``, the noise estimate, the derivative estimate and ``nfev`` (all counted in
        ``problem.nfev``).

    Raises
    ------
    TypeError, ValueError
        As :func:`~zeroopt.noise_level`; an unknown ``scheme``.
    FloatingPointError
        A non-finite value on the way (the message names the point).

    See Also
    --------
    forward_step, central_step : The formulas.

    Notes
    -----
    The derivative estimate is Moré & Wild's [MW12]_ (section 5), along each coordinate :math:`e_i`:
    with :math:`\varepsilon_f` the noise and :math:`\varepsilon_r = \varepsilon_f / |f(x)|`, the second
    difference :math:`\Delta_i = f(x + h e_i) - 2 f(x) + f(x - h e_i)` at
    :math:`h_a = \varepsilon_r^{1/4} \max(1, |x_i|)` (the paper's :math:`\varepsilon_f^{1/4}` for f and
    x of size 1) is accepted as :math:`\mu_i = |\Delta_i| / h^2` if :math:`|\Delta_i| \ge 100\,
    \varepsilon_f` and the three values differ by at most 10% of their size; else it is tried again
    at :math:`h_b = (\varepsilon_f / \mu_i(h_a))^{1/4}` and accepted by the same test or if the two
    estimates agree within half of the second. The third derivative (central) is our analogue on
    :math:`(f(x + 2he_i) - 2f(x + he_i) + 2f(x - he_i) - f(x - 2he_i))/2`, with exponent 1/5. A
    coordinate whose test never passes counts with the bound :math:`\mu_i \le 100\,\varepsilon_f /
    h^k` the failed test implies (a smaller step than the optimal one, never a larger). The step uses
    :math:`\mu = (\frac1n \sum_i \mu_i^2)^{1/2}`: the error bound of coordinate differences summed over
    the coordinates, e.g. :math:`\sum_i (\mu_i h/2)^2 + 2n\varepsilon_f^2/h^2` (forward), is minimal there.

    Cost: the noise's evaluations (15 if found at the first h) plus 2n (forward) or 4n (central), and
    as many again for the coordinates tried a second time.

    If the noise is not detected (its estimate is NaN), the noise is taken as
    :math:`\epsilon |f(x)|` (:math:`\epsilon` the machine epsilon): rounding only.

    References
    ----------
    .. [MW12] J. J. Moré, S. M. Wild. Estimating derivatives of noisy simulations. *ACM Transactions on
       Mathematical Software* 38(3):19:1–19:21, 2012.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> def f(x):
    ...     return float(np.sum(np.exp(x)))
    >>> s = zo.noise.auto_step(f, np.zeros(2), "central")
    >>> s.scheme, s.noise.status
    ('central', 'detected')
    """
    scheme = _checks.choice(scheme, "scheme", ("forward", "central"))
    problem, x = as_problem(problem, x, args)
    with problem.counting() as counts:
        if noise is None:
            noise = noise_level(problem, x, seed=seed)
        elif not isinstance(noise, NoiseLevel):
            raise TypeError(f"noise must be a NoiseLevel (from zo.noise_level) or None, got {type(noise).__name__}")
        fx = noise.fx if math.isfinite(noise.fx) else problem.value(x)
        eps_f = noise.noise if noise.detected else np.finfo(float).eps * max(abs(fx), np.finfo(float).tiny)
        order = 2 if scheme == "forward" else 3
        mus, oks = _derivative(problem, x, fx, eps_f, order)
        nfev = counts.nfev
    mu = float(np.sqrt(np.mean(mus ** 2)))
    h = forward_step(eps_f, mu) if scheme == "forward" else central_step(eps_f, mu)
    name = "second" if order == 2 else "third"
    msg = (f"h = {h:.3g} from the noise {eps_f:.3g} "
           f"({'estimated' if noise.detected else 'not detected: rounding assumed'}) and the root mean square "
           f"{mu:.3g} of the {name} derivatives along the coordinates ({int(oks.sum())} of {oks.size} passed the "
           f"test; the others count with the bound the test implies)")
    return AutoStep(h, scheme, noise, mu, mus, oks, nfev, msg)
