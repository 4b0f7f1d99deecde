"""Rules of your own: :func:`defvjp` and :func:`defjvp` give any function derivative rules.

``f = defvjp(fun, vjp_0, vjp_1, ...)`` makes ``fun`` one primitive of zeroopt.ad with the
vector-Jacobian rule ``vjp_i(g, ans, *args, **kwargs)`` for its positional argument i, and returns the
differentiable function ``f`` (call it where you called ``fun``). A numpy function or ufunc that zeroopt.ad
has no rule for (``np.convolve``, ``np.fft.fft``, ...) is differentiable under its own name from then
on. ``defjvp`` adds Jacobian-vector rules ``jvp_i(t, ans, *args, **kwargs)`` in the same way. Either kind
is enough: the missing one is its transpose (a JVP rule from a VJP rule, J t = grad_g <VJP(g), t>, and
back), computed by differentiating the given rule, which must therefore be written in numpy operations
(it is also what makes Hessians of the new function work). :func:`zeroopt.ad.check_grads` tests a rule.
"""

from __future__ import annotations

import functools

from . import arraylike
from .core import Primitive, broadcast_to, shape_of, transpose, unbroadcast
from .numpy_names import np
from .tracer import FUNCTIONS, UFUNCS

class Defined:
    """A function given rules by defvjp/defjvp: its primitive, the rules given (by argument position)
    and the differentiable function returned."""

    def __init__(self, fun):
        self.fun, self.vjps, self.jvps = fun, {}, {}
        self.primitive = Primitive(getattr(fun, "__name__", type(fun).__name__), fun)

        @functools.wraps(fun)
        def differentiable(*args, **kwargs):
            return self.primitive(*args, **kwargs)
        differentiable.primitive = self.primitive
        differentiable.__zeroopt_original__ = fun
        self.function = differentiable

    def vjp(self, i):
        def vjp(g, ans, *args, **kwargs):
            shape = shape_of(args[i])
            own = self.vjps.get(i)
            if own is None:
                return transpose(lambda t: self.jvps[i](t, ans, *args, **kwargs), shape, g)
            return _fit(own(g, ans, *args, **kwargs), shape)
        return vjp

    def jvp(self, i):
        def jvp(t, ans, *args, **kwargs):
            own = self.jvps.get(i)
            if own is None:
                return transpose(lambda g: self.vjps[i](g, ans, *args, **kwargs), shape_of(ans), t)
            return own(t, ans, *args, **kwargs)
        return jvp


#: the functions given rules by defvjp/defjvp: original -> Defined
DEFINED = {}


def _fit(value, shape):
    """A cotangent of the shape of its argument: summed over broadcast axes, broadcast over missing ones."""
    value = unbroadcast(value, shape) if len(shape_of(value)) >= len(shape) else value
    return value if shape_of(value) == tuple(shape) else broadcast_to(value, shape)


def _defined(fun):
    """The record of ``fun`` (or of the function defvjp returned for it), made on first use."""
    fun = getattr(fun, "__zeroopt_original__", fun)
    if not callable(fun):
        raise TypeError(f"defvjp/defjvp need a function, got {type(fun).__name__}")
    try:
        known = DEFINED.get(fun)
        builtin = fun in FUNCTIONS or fun in UFUNCS
    except TypeError:
        raise TypeError(f"defvjp/defjvp need a hashable function, got {fun!r}") from None
    if known is not None:
        return known
    if builtin:
        raise ValueError(f"zeroopt.ad already has a derivative rule for {getattr(fun, '__name__', fun)}; "
                         f"give a function of your own that calls it a rule instead")
    record = DEFINED[fun] = Defined(fun)
    if isinstance(fun, np.ufunc):
        UFUNCS[fun] = record.function
    elif (getattr(fun, "__module__", None) or "").split(".")[0] == "numpy":
        FUNCTIONS[fun] = record.function        # numpy hands its calls on traced values to zeroopt.ad
        arraylike.rebuild()
    return record


def _positions(argnums, count):
    """argnums as a tuple of ints: None (0..count-1), an int, or a sequence of ints (not floats, not bools)."""
    if argnums is None:
        return tuple(range(count))
    items = (argnums,) if isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool) else argnums
    try:
        items = tuple(items)
    except TypeError:
        raise TypeError(f"argnums must be an int or a sequence of ints, got {argnums!r}") from None
    if any(isinstance(i, bool) or not isinstance(i, (int, np.integer)) for i in items):
        raise TypeError(f"argnums must be an int or a sequence of ints, got {argnums!r}")
    return tuple(int(i) for i in items)


def _define(fun, rules, argnums, kind):
    argnums = _positions(argnums, len(rules))
    if len(argnums) != len(rules):
        raise ValueError(f"{len(rules)} rules for the argument positions {argnums}: give one rule per position")
    if any(i < 0 for i in argnums) or len(set(argnums)) != len(argnums):
        raise ValueError(f"argnums must be distinct non-negative positions, got {argnums}")
    if any(rule is not None and not callable(rule) for rule in rules):
        raise TypeError("a rule must be a function (or None for no rule)")
    record = _defined(fun)
    own = record.vjps if kind == "vjp" else record.jvps
    for i, rule in zip(argnums, rules):
        if rule is None:
            own.pop(i, None)
        else:
            own[i] = rule
    prim = record.primitive
    prim.vjps.clear()
    prim.jvps.clear()
    for i in set(record.vjps) | set(record.jvps):
        prim.vjps[i], prim.jvps[i] = record.vjp(i), record.jvp(i)
    return record.function


def defvjp(fun, *vjps, argnums=None):
    """Give ``fun`` vector-Jacobian (reverse-mode) rules; returns the differentiable function.

    ``fun`` becomes one primitive of zeroopt.ad: its values come from ``fun`` itself, called on plain
    arrays, and its derivatives from the rules, in reverse mode, in forward mode (the rules'
    transpose, unless :func:`defjvp` gives JVP rules too) and to higher orders.

    Parameters
    ----------
    fun : callable
        The function, ``fun(*args, **kwargs) -> one array or scalar``: any Python function (a library's,
        e.g. ``scipy.special.logsumexp``), or a numpy function or ufunc that zeroopt.ad has no rule for
        (``np.convolve``, ``np.fft.fft``, ...; those then differentiate under their own name). It is
        called on plain values only. Calling defvjp again for the same function replaces its rules.
    *vjps : callable or None
        One rule per differentiated positional argument: ``vjp_i(g, ans, *args, **kwargs)`` returns
        the cotangent of argument i (of its shape, or broadcastable to it: it is summed back) for the
        cotangent ``g`` of the output ``ans``. Linear in ``g``, written in numpy operations (it is
        itself differentiated for the JVP and for second derivatives). None: no rule for that argument.
    argnums : int or sequence of int, optional
        The argument positions the rules are for (default 0, 1, ...).

    Returns
    -------
    callable
        ``f(*args, **kwargs)``: ``fun``'s values, differentiable in its positional arguments (keyword
        arguments are constants). ``f.primitive`` is its primitive (``zeroopt.ad.core.Primitive``).

    Raises
    ------
    ValueError
        zeroopt.ad already has a rule for ``fun``, or ``argnums`` does not match the rules.
    TypeError
        ``fun`` or a rule is not callable.

    See Also
    --------
    defjvp : Forward-mode rules for the same function.
    check_grads : Test a rule against central differences.

    Notes
    -----
    The VJP of :math:`y = f(x)` at cotangent :math:`\\bar y` is :math:`\\bar x = J(x)^\\top \\bar y`. Without a
    JVP rule (:func:`defjvp`), forward mode uses the transpose of the VJP: :math:`J t = \\nabla_g
    \\langle \\mathrm{vjp}(g), t\\rangle`, one reverse pass through the rule [GW08]_.

    References
    ----------
    .. [GW08] A. Griewank and A. Walther, *Evaluating Derivatives*, 2nd ed., SIAM, 2008.

    Examples
    --------
    scipy's log-sum-exp, whose derivative is the softmax:

    >>> import numpy as np, scipy.special, zeroopt as zo
    >>> softmax_rule = lambda g, ans, x: g * np.exp(x - ans)
    >>> lse = zo.ad.defvjp(scipy.special.logsumexp, softmax_rule)
    >>> x = np.array([0.0, 1.0, 2.0])
    >>> g = zo.grad(lambda x: lse(x) + x @ x)(x)
    >>> bool(np.allclose(g, np.exp(x) / np.exp(x).sum() + 2 * x))
    True

    The rule agrees with central differences (silent):

    >>> zo.ad.check_grads(lse, x)
    """
    return _define(fun, vjps, argnums, "vjp")


def defjvp(fun, *jvps, argnums=None):
    """Give ``fun`` Jacobian-vector (forward-mode) rules; returns the differentiable function.

    The counterpart of :func:`defvjp`: with JVP rules alone, reverse mode uses their transpose; with
    both kinds, each mode uses its own and :func:`check_grads` checks that they agree.

    Parameters
    ----------
    fun : callable
        As in :func:`defvjp` (or the function defvjp returned): both kinds of rule then belong to one
        primitive.
    *jvps : callable or None
        One rule per differentiated positional argument: ``jvp_i(t, ans, *args, **kwargs)`` returns the
        tangent of the output (of its shape, or broadcastable to it) for the tangent ``t`` of argument i.
        Linear in ``t``, written in numpy operations. Without a VJP rule, reverse mode uses its transpose.
    argnums : int or sequence of int, optional
        The argument positions the rules are for (default 0, 1, ...).

    Returns
    -------
    callable
        The differentiable function, as :func:`defvjp` returns it.

    Raises
    ------
    ValueError, TypeError
        As :func:`defvjp`.

    See Also
    --------
    defvjp : Reverse-mode rules for the same function.
    check_grads : Test a pair of rules against central differences and each other.

    Notes
    -----
    The JVP of :math:`y = f(x)` along :math:`t` is :math:`J(x)\\,t`; without a VJP rule, reverse mode uses
    :math:`J^\\top \\bar y = \\nabla_t \\langle \\bar y, \\mathrm{jvp}(t)\\rangle` [GW08]_.

    References
    ----------
    .. [GW08] A. Griewank and A. Walther, *Evaluating Derivatives*, 2nd ed., SIAM, 2008.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> def softplus(x):
    ...     return np.logaddexp(0.0, x)
    >>> sp = zo.ad.defjvp(softplus, lambda t, ans, x: t / (1.0 + np.exp(-x)))
    >>> zo.grad(lambda x: np.sum(sp(x)))(np.zeros(2))    # reverse mode, from it
    array([0.5, 0.5])
    """
    return _define(fun, jvps, argnums, "jvp")
