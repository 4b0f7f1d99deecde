"""Checking derivatives against central differences, by dot-product tests (as autograd's check_grads).

For a random input direction v and output direction u, central differences give J v up to O(h^2);
the JVP must match it, and the VJP must satisfy <J' u, v> = <u, J v>. ``order=2`` repeats both checks
on the derivative functions themselves (x -> J(x)' u and x -> J(x) v), which covers
reverse-over-reverse, forward-over-reverse, reverse-over-forward and forward-over-forward.
"""

from __future__ import annotations

import numpy as np

from .api import jvp, vjp


def _close(a, b, allowed, what):
    if not abs(a - b) <= allowed:
        raise AssertionError(f"{what}: {a!r} != {b!r} (difference {abs(a - b):.3g}, allowed {allowed:.3g})")


def check_grads(fun, x, *args, order=2, modes=("fwd", "rev"), eps=1e-6, rtol=1e-6, atol=1e-9, seed=0):
    """Raise AssertionError unless fun's JVP and VJP at ``x`` agree with central differences.

    The two sides may differ by ``atol + rtol * scale + noise``: scale = ||u|| ||J v|| is the
    Cauchy-Schwarz bound of the compared numbers, noise = 4 machine-eps ||u|| max|f(x +- eps v)| / eps the
    rounding bound of the central difference itself. Its truncation error, of order eps^2 times the
    third derivative, is ~1e-12 relative for eps = 1e-6 and a well-scaled f, far below rtol = 1e-6.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float64)
    v = rng.standard_normal(x.shape)
    name = getattr(fun, "__name__", "fun")

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
    if "fwd" in modes:
        _, Jv = jvp(fun, x, v, *args)
        if np.shape(Jv) != y.shape:
            raise AssertionError(f"JVP has shape {np.shape(Jv)}, the output has {y.shape}")
        _close(float(np.sum(u * Jv)), reference, allowed, f"JVP of {name} (order {order})")
    if "rev" in modes:
        _, vjp_fn = vjp(fun, x, *args)
        JTu = vjp_fn(u)
        if np.shape(JTu) != x.shape:
            raise AssertionError(f"VJP has shape {np.shape(JTu)}, the input has {x.shape}")
        _close(float(np.sum(JTu * v)), reference, allowed, f"VJP of {name} (order {order})")
    if order > 1:
        if "rev" in modes:
            def vjp_of(z, *a):
                return vjp(fun, z, *a)[1](u)
            check_grads(vjp_of, x, *args, order=order - 1, modes=modes, eps=eps, rtol=rtol, atol=atol, seed=seed + 1)
        if "fwd" in modes:
            def jvp_of(z, *a):
                return jvp(fun, z, v, *a)[1]
            check_grads(jvp_of, x, *args, order=order - 1, modes=modes, eps=eps, rtol=rtol, atol=atol, seed=seed + 2)
