"""Gradient checkpointing: a function whose inside is recomputed in the backward pass instead of stored.

Reverse mode keeps every intermediate value of the forward pass until the backward pass reads it, so
its memory grows with the length of the computation (lecture notes 001, reverse mode's memory). A
checkpointed function is one node on the tape: its inputs and output are kept, its intermediates are
not; the backward pass runs it again, under a trace of its own, and back-propagates through that
recording, which is freed when done. Checkpointing each of s segments of a chain of n layers keeps s
segment inputs plus one segment's n / s intermediates: with s = sqrt(n) the tape's peak is O(sqrt(n))
instead of O(n), for one more forward pass (Chen et al. 2016, "Training deep nets with sublinear memory
cost"; Griewank 1992 for the binomial schedules that go further).
"""

from __future__ import annotations

import functools

from .core import ACCEPTS_LISTS, Primitive, Variadic, make_jvp, make_vjp, shape_of
from .numpy_names import np


def checkpoint(fun):
    r"""``fun`` with its intermediate values recomputed in the backward pass instead of stored.

    Call the result as ``fun`` itself (positional arrays, keyword constants). Outside differentiation
    it is ``fun``. In reverse mode its call is one node on the tape holding only its inputs and its
    output; the backward pass runs ``fun`` once more and back-propagates through that recording
    (for all of its traced inputs at once). Forward mode and higher orders work as for any function.

    Parameters
    ----------
    fun : callable
        ``fun(*arrays, **constants)`` written in numpy, returning one array; it must compute the same
        values when run again (no randomness or state of its own).

    Returns
    -------
    callable
        The checkpointed function, with ``fun``'s name and docstring.

    Raises
    ------
    TypeError
        If ``fun`` returns something other than one array (when called on traced values).

    See Also
    --------
    zeroopt.grad : Reverse mode, whose tape it shortens.
    accept_lists : Mark a checkpointed function that builds lists of traced values.

    Notes
    -----
    A computation of :math:`T` steps cut into :math:`k` checkpointed segments keeps on the tape the
    :math:`k` segment inputs, and in the backward pass one segment's :math:`T/k` intermediates at a time,
    for one more forward run of each segment [GW08]_:

    .. math::

        \text{memory} \propto k + \frac{T}{k}, \qquad \text{smallest at } k = \sqrt{T}.

    References
    ----------
    .. [GW08] A. Griewank, A. Walther. *Evaluating Derivatives: Principles and Techniques of Algorithmic
       Differentiation*, 2nd ed. SIAM, 2008.

    Examples
    --------
    A chain of 100 tanh layers in 10 checkpointed segments of 10: the tape keeps 10 segment inputs
    and, in the backward pass, one segment's 10 intermediates at a time, instead of 100.

    >>> import numpy as np, zeroopt as zo
    >>> W = np.eye(3) * 0.9
    >>> def segment(x, W):
    ...     for _ in range(10):
    ...         x = np.tanh(W @ x)
    ...     return x
    >>> step = zo.ad.checkpoint(segment)
    >>> def f(x, W):
    ...     for _ in range(10):
    ...         x = step(x, W)
    ...     return np.sum(x)
    >>> def plain(x, W):                      # the same function, all on the tape
    ...     for _ in range(10):
    ...         x = segment(x, W)
    ...     return np.sum(x)
    >>> g = zo.grad(f)(np.ones(3), W)
    >>> bool(np.allclose(g, zo.grad(plain)(np.ones(3), W), rtol=1e-15))
    True
    """
    name = getattr(fun, "__name__", "fun")

    def raw(*args, **kwargs):
        out = fun(*args, **kwargs)
        if isinstance(out, (tuple, list, dict)):
            raise TypeError(f"zeroopt.ad.checkpoint: {name} must return one array, got a {type(out).__name__}")
        return out

    prim = Primitive(f"checkpoint({name})", raw)

    def bound(kwargs):
        if not kwargs:
            return fun
        f = functools.partial(fun, **kwargs)
        if getattr(fun, ACCEPTS_LISTS, None) is not None:                # zeroopt.ad.accept_lists
            setattr(f, ACCEPTS_LISTS, getattr(fun, ACCEPTS_LISTS))
        return f

    def vjp_all(argnums, g, ans, *args, **kwargs):
        tape = make_vjp(bound(kwargs), args, argnums)
        return [np.zeros(shape_of(args[i])) if c is None else c for i, c in zip(argnums, tape.vjp(g))]

    def jvp(i, t, ans, *args, **kwargs):
        tangent = make_jvp(bound(kwargs), args, (i,), (t,))[1]
        return np.zeros(shape_of(ans)) if tangent is None else tangent

    def no_single_vjp(i, *args, **kwargs):
        raise AssertionError("a checkpoint's cotangents all come from vjp_all")

    prim.vjp_all = vjp_all
    prim.vjps = Variadic(no_single_vjp, first=0)
    prim.jvps = Variadic(jvp, first=0)

    @functools.wraps(fun)
    def checkpointed(*args, **kwargs):
        return prim(*args, **kwargs)
    checkpointed.primitive = prim
    return checkpointed

