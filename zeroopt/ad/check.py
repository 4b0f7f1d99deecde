"""Checking derivatives against central differences, by dot-product tests (as autograd's check_grads).

For a random input direction v and output direction u, central differences give J v up to O(h^2);
the JVP must match it, and the VJP must satisfy <J' u, v> = <u, J v>. ``order=2`` repeats both checks
on the derivative functions themselves (x -> J(x)' u and x -> J(x) v), which covers
reverse-over-reverse, forward-over-reverse, reverse-over-forward and forward-over-forward.
"""

from __future__ import annotations

import numpy as np

from .api import jvp, vjp


def _close(a, b, scale, rtol, atol, what):
    if not abs(a - b) <= atol + rtol * scale:
        raise AssertionError(f"{what}: {a!r} != {b!r} (difference {abs(a - b):.3g}, allowed "
                             f"{atol + rtol * scale:.3g})")


def check_grads(fun, x, *args, order=2, modes=("fwd", "rev"), eps=1e-6, rtol=1e-6, atol=1e-9, seed=0):
    """Raise AssertionError unless fun's JVP and VJP at ``x`` agree with central differences.

    Tolerances: the two sides may differ by ``atol + rtol * scale`` with scale = ||u|| ||J v||
    (the Cauchy-Schwarz bound of the compared numbers); central differences with step ``eps`` are off
    by O(eps^2 f''') + O(machine eps |f| / eps), ~1e-10 relative for eps = 1e-6 and well-scaled f.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float64)
    v = rng.standard_normal(x.shape)
    f = lambda z: np.asarray(fun(z, *args), dtype=np.float64)  # noqa: E731
    y = f(x)
    u = rng.standard_normal(y.shape)
    fd = (f(x + eps * v) - f(x - eps * v)) / (2 * eps)
    scale = np.linalg.norm(u) * np.linalg.norm(fd) + np.linalg.norm(fd)
    if "fwd" in modes:
        _, Jv = jvp(fun, x, v, *args)
        _close(float(np.sum(u * Jv)), float(np.sum(u * fd)), scale, rtol, atol,
               f"JVP of {getattr(fun, '__name__', 'fun')} (order {order})")
        if np.shape(Jv) != y.shape:
            raise AssertionError(f"JVP has shape {np.shape(Jv)}, the output has {y.shape}")
    if "rev" in modes:
        _, vjp_fn = vjp(fun, x, *args)
        JTu = vjp_fn(u)
        if np.shape(JTu) != x.shape:
            raise AssertionError(f"VJP has shape {np.shape(JTu)}, the input has {x.shape}")
        _close(float(np.sum(JTu * v)), float(np.sum(u * fd)), scale, rtol, atol,
               f"VJP of {getattr(fun, '__name__', 'fun')} (order {order})")
    if order > 1:
        if "rev" in modes:
            def vjp_of(z, *a):
                return vjp(fun, z, *a)[1](u)
            check_grads(vjp_of, x, *args, order=order - 1, modes=modes, eps=eps, rtol=rtol, atol=atol, seed=seed + 1)
        if "fwd" in modes:
            def jvp_of(z, *a):
                return jvp(fun, z, v, *a)[1]
            check_grads(jvp_of, x, *args, order=order - 1, modes=modes, eps=eps, rtol=rtol, atol=atol, seed=seed + 2)
