"""Checking derivatives against central differences, by dot-product tests (as autograd's check_grads).

For a random input direction v and output direction u, central differences give J v up to O(h^2);
the JVP must match it, and the VJP must satisfy <J' u, v> = <u, J v>. With both modes, the two rules
must also satisfy that identity between themselves, exactly up to rounding (no difference quotient in
it): a check of a hand-written pair of rules (zeroopt.ad.defvjp / defjvp). ``order=2`` repeats the checks
on the derivative functions themselves (x -> J(x)' u and x -> J(x) v), which covers reverse-over-reverse,
forward-over-reverse, reverse-over-forward and forward-over-forward.
"""

from __future__ import annotations

import numpy as np

from .api import jvp, vjp

#: the adjoint identity <u, J v> = <J' u, v> holds to this many ulps of its Cauchy-Schwarz bound
ADJOINT_ULPS = 1024


def _close(a, b, allowed, what):
    if not abs(a - b) <= allowed:
        raise AssertionError(f"{what}: {a!r} != {b!r} (difference {abs(a - b):.3g}, allowed {allowed:.3g})")


def check_grads(fun, x, *args, order=2, modes=("fwd", "rev"), eps=1e-6, rtol=1e-6, atol=1e-9, seed=0):
    """Raise AssertionError unless ``fun``'s JVP and VJP at ``x`` agree with central differences.

    The dot-product tests: for random directions v (of x's shape) and u (of the output's shape),
    ``<u, J v>`` from the JVP and ``<J' u, v>`` from the VJP must each equal ``<u, (f(x + eps v) -
    f(x - eps v)) / (2 eps)>``, and, when both modes are checked, each other (the adjoint identity,
    exact up to rounding). This is how to test a rule of your own (:func:`zeroopt.ad.defvjp`).

    Parameters
    ----------
    fun : callable
        ``fun(x, *args)`` returning an array or a scalar; differentiated in ``x``.
    x : array_like
        The point.
    *args
        Constants passed to ``fun``.
    order : int, optional
        1 checks the first derivatives; k > 1 also checks the derivatives of order k - 1 of the
        derivative functions (default 2; a rule that is not itself written in differentiable numpy
        needs ``order=1``).
    modes : sequence of {"fwd", "rev"}, optional
        Which modes to check (default both).
    eps : float, optional
        The central-difference step (default 1e-6).
    rtol, atol : float, optional
        The tolerances, relative to ``||u|| ||J v||`` and absolute (defaults 1e-6 and 1e-9).
    seed : int, optional
        Seed of the random directions.

    Returns
    -------
    None
        Silent when every check holds.

    Raises
    ------
    AssertionError
        A check failed; the message names it (JVP, VJP or the adjoint identity, and the order of the
        derivative checked: 1 for the first derivatives, 2 for the derivatives of the derivative
        functions, ...) with the two numbers, their difference and the allowed difference.
    ValueError
        ``modes`` is empty or names anything but "fwd" and "rev" (a check that checks nothing is never
        silent), or ``order`` is not an integer >= 1.

    See Also
    --------
    zeroopt.ad.defvjp : Give a function rules of your own.
    zeroopt.ad.defjvp : Forward-mode rules of your own.

    Notes
    -----
    The two sides may differ by :math:`\\mathrm{atol} + \\mathrm{rtol}\\,(\\|u\\| + 1)\\|D\\| + \\nu`, with
    :math:`D` the central difference and :math:`\\nu = 4\\epsilon_{mach}\\|u\\|\\max|f(x \\pm
    \\mathrm{eps}\\,v)|/\\mathrm{eps}` its rounding bound; its truncation error, of order
    :math:`\\mathrm{eps}^2` times the third derivative, is ~1e-12 relative for eps = 1e-6 and a well-scaled
    f. The adjoint identity :math:`\\langle u, Jv\\rangle = \\langle J^\\top u, v\\rangle` may differ by
    1024 ulps of :math:`\\|u\\|\\|Jv\\| + \\|J^\\top u\\|\\|v\\|` plus atol. autograd's ``check_grads``
    does the same dot-product tests [M15]_.

    References
    ----------
    .. [M15] D. Maclaurin, D. Duvenaud and M. Johnson, autograd (2015), ``autograd.test_util.check_grads``.

    Examples
    --------
    Silent when the derivatives are right:

    >>> import numpy as np, zeroopt as zo
    >>> x = np.array([0.3, -1.2])
    >>> zo.ad.check_grads(lambda x: np.sin(x) * x, x)

    A wrong rule (:math:`\\sin`, not :math:`\\cos`) is caught, and named:

    >>> def my_sin(x):
    ...     return np.sin(x)
    >>> wrong = zo.ad.defvjp(my_sin, lambda g, ans, x: g * np.sin(x))
    >>> try:
    ...     zo.ad.check_grads(wrong, x, modes=("rev",), order=1)
    ... except AssertionError as exc:
    ...     print(str(exc).split(":")[0])
    VJP of my_sin (order 1)
    """
    if isinstance(modes, str):
        modes = (modes,)
    try:
        modes = tuple(modes)
    except TypeError:
        raise TypeError(f"modes must be a sequence of 'fwd' and 'rev', got {modes!r}") from None
    if not modes or any(not isinstance(m, str) or m not in ("fwd", "rev") for m in modes):
        raise ValueError(f"modes must be a non-empty sequence of 'fwd' and 'rev', got {modes!r}")
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"order must be an integer >= 1, got {order!r}")
    _check(fun, x, args, int(order), modes, eps, rtol, atol, seed, getattr(fun, "__name__", "fun"), 1)


def _check(fun, x, args, order, modes, eps, rtol, atol, seed, name, level):
    """check_grads at derivative ``level`` (1: fun's first derivatives), ``order - 1`` levels to go."""
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float64)
    v = rng.standard_normal(x.shape)
    label = name if level == 1 else f"{name}'s derivative functions"

    def f(z):
        return np.asarray(fun(z, *args), dtype=np.float64)

    y = f(x)
    u = rng.standard_normal(y.shape)
    fp, fm = f(x + eps * v), f(x - eps * v)
    fd = (fp - fm) / (2 * eps)
    unorm = np.linalg.norm(u)
    noise = 4 * np.finfo(float).eps * unorm * max(np.max(np.abs(fp), initial=0.0), np.max(np.abs(fm), initial=0.0)) / eps
    allowed = atol + rtol * (unorm * np.linalg.norm(fd) + np.linalg.norm(fd)) + noise
    reference = float(np.sum(u * fd))
    Jv = JTu = None
    if "fwd" in modes:
        _, Jv = jvp(fun, x, v, *args)
        if np.shape(Jv) != y.shape:
            raise AssertionError(f"JVP has shape {np.shape(Jv)}, the output has {y.shape}")
        _close(float(np.sum(u * Jv)), reference, allowed, f"JVP of {label} (order {level})")
    if "rev" in modes:
        _, vjp_fn = vjp(fun, x, *args)
        JTu = vjp_fn(u)
        if np.shape(JTu) != x.shape:
            raise AssertionError(f"VJP has shape {np.shape(JTu)}, the input has {x.shape}")
        _close(float(np.sum(JTu * v)), reference, allowed, f"VJP of {label} (order {level})")
    if Jv is not None and JTu is not None:
        scale = unorm * np.linalg.norm(Jv) + np.linalg.norm(JTu) * np.linalg.norm(v)
        _close(float(np.sum(u * Jv)), float(np.sum(JTu * v)), atol + ADJOINT_ULPS * np.finfo(float).eps * scale,
               f"the adjoint identity <u, J v> = <J' u, v> between the JVP and the VJP of {label} (order {level})")
    if order > 1:
        if "rev" in modes:
            def vjp_of(z, *a):
                return vjp(fun, z, *a)[1](u)
            _check(vjp_of, x, args, order - 1, modes, eps, rtol, atol, seed + 1, name, level + 1)
        if "fwd" in modes:
            def jvp_of(z, *a):
                return jvp(fun, z, v, *a)[1]
            _check(jvp_of, x, args, order - 1, modes, eps, rtol, atol, seed + 2, name, level + 1)
