"""Elementwise rules: unary and binary ufuncs (broadcasting undone by ``unbroadcast``), where, clip.

Each rule is one derivative ``d(ans, x)`` used by both directions (VJP g * d, JVP t * d), written in
traced operations so that derivatives of derivatives work. Conventions at kinks: ``abs`` has derivative
0 at 0; ``maximum``/``minimum`` split the derivative equally between tied arguments; ``clip`` passes it
inside the bounds, bounds included. Roots at 0: where the derivative of ``sqrt``, ``cbrt`` or ``x ** p``
(0 < p < 1) is infinite, at x = 0, it is taken as 0, and so is that of ``hypot`` at (0, 0) - the same
convention as the norm's gradient at 0 (:func:`nonzero_or_inf`).
"""

from __future__ import annotations

import math

from .core import Primitive, Tracer, decide, nondiff, raw, shape_of, unbroadcast
from .numpy_names import np
from .tracer import UFUNCS, implements


def nonzero_or_inf(a):
    """``a`` with its zero entries replaced by +inf, so that ``c / nonzero_or_inf(a)`` is 0 where a is 0.

    The package's convention for a root at 0 (docs/math/ad_rules.md, "Roots at zero"): the derivative
    0.5 / sqrt(x) of sqrt, infinite at x = 0, is taken as 0 there; so are those of cbrt, x ** p with
    0 < p < 1, hypot at (0, 0), the 2-norm at 0 and std at zero spread (sqrt of a variance). Then
    sqrt(x @ x) and np.linalg.norm(x) agree everywhere, std of one number has the derivative 0 it has
    everywhere, and a derivative is never NaN from 0 * inf; every higher derivative there is 0 too.
    """
    zero = nondiff(is_zero, a)
    if type(zero) is Tracer or np.any(zero):      # (recorded for the compiler: no branch on the values)
        return where_p(zero, np.inf, a)
    return a


def is_zero(a):
    return a == 0


def any_zero(a):
    return bool(np.any(a == 0))


def _unary(ufunc, deriv, needs=("ans", 0)):
    """An elementwise primitive with derivative ``deriv(ans, x)``: VJP g * d, JVP t * d. ``needs``: what
    deriv reads ("ans" and/or 0 for x)."""
    p = Primitive(ufunc.__name__, ufunc, needs={0: needs})
    p.vjps[0] = lambda g, ans, x: g * deriv(ans, x)
    p.jvps[0] = lambda t, ans, x: t * deriv(ans, x)
    UFUNCS[ufunc] = p
    return p


def _binary(ufunc, dx, dy, needs=None):
    """A broadcasting elementwise primitive; ``dx(g, ans, x, y)`` is linear in g (g * df/dx)."""
    p = Primitive(ufunc.__name__, ufunc, needs=needs)
    p.vjps[0] = lambda g, ans, x, y: unbroadcast(dx(g, ans, x, y), shape_of(x))
    p.vjps[1] = lambda g, ans, x, y: unbroadcast(dy(g, ans, x, y), shape_of(y))
    p.jvps[0] = dx
    p.jvps[1] = dy
    UFUNCS[ufunc] = p
    return p


negative_p = _unary(np.negative, lambda ans, x: -1.0, ())
reciprocal_p = _unary(np.reciprocal, lambda ans, x: -(ans * ans), ("ans",))
square_p = _unary(np.square, lambda ans, x: 2.0 * x, (0,))
sqrt_p = _unary(np.sqrt, lambda ans, x: 0.5 / nonzero_or_inf(ans), ("ans",))
cbrt_p = _unary(np.cbrt, lambda ans, x: (lambda r: r * r / 3.0)(1.0 / nonzero_or_inf(ans)), ("ans",))
exp_p = _unary(np.exp, lambda ans, x: ans, ("ans",))
exp2_p = _unary(np.exp2, lambda ans, x: np.log(2.0) * ans, ("ans",))
expm1_p = _unary(np.expm1, lambda ans, x: ans + 1.0, ("ans",))
log_p = _unary(np.log, lambda ans, x: 1.0 / x, (0,))
log2_p = _unary(np.log2, lambda ans, x: 1.0 / (np.log(2.0) * x))
log10_p = _unary(np.log10, lambda ans, x: 1.0 / (np.log(10.0) * x))
log1p_p = _unary(np.log1p, lambda ans, x: 1.0 / (1.0 + x), (0,))
abs_p = _unary(np.absolute, lambda ans, x: nondiff(np.sign, x), (0,))
UFUNCS[np.fabs] = abs_p
sin_p = _unary(np.sin, lambda ans, x: cos_p(x), (0,))
cos_p = _unary(np.cos, lambda ans, x: -sin_p(x), (0,))
tan_p = _unary(np.tan, lambda ans, x: 1.0 + ans * ans)
tanh_p = _unary(np.tanh, lambda ans, x: 1.0 - ans * ans, ("ans",))
sinh_p = _unary(np.sinh, lambda ans, x: cosh_p(x))
cosh_p = _unary(np.cosh, lambda ans, x: sinh_p(x))
arctan_p = _unary(np.arctan, lambda ans, x: 1.0 / (1.0 + x * x))
arcsin_p = _unary(np.arcsin, lambda ans, x: 1.0 / sqrt_p(1.0 - x * x))
arccos_p = _unary(np.arccos, lambda ans, x: -1.0 / sqrt_p(1.0 - x * x))
arcsinh_p = _unary(np.arcsinh, lambda ans, x: 1.0 / sqrt_p(x * x + 1.0))
arctanh_p = _unary(np.arctanh, lambda ans, x: 1.0 / (1.0 - x * x))
arccosh_p = _unary(np.arccosh, lambda ans, x: 1.0 / sqrt_p(x * x - 1.0), (0,))
deg2rad_p = _unary(np.deg2rad, lambda ans, x: np.pi / 180.0, ())
rad2deg_p = _unary(np.rad2deg, lambda ans, x: 180.0 / np.pi, ())
UFUNCS[np.radians], UFUNCS[np.degrees] = deg2rad_p, rad2deg_p
for _identity in (np.positive, np.conjugate):
    UFUNCS[_identity] = lambda x: x

add_p = _binary(np.add, lambda g, ans, x, y: g, lambda g, ans, x, y: g, needs={0: (), 1: ()})
subtract_p = _binary(np.subtract, lambda g, ans, x, y: g, lambda g, ans, x, y: -g, needs={0: (), 1: ()})
multiply_p = _binary(np.multiply, lambda g, ans, x, y: g * y, lambda g, ans, x, y: x * g, needs={0: (1,), 1: (0,)})
divide_p = _binary(np.divide, lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * ans / y,
                   needs={0: (1,), 1: ("ans", 1)})


def trunc_quotient(x, y):
    return np.trunc(x / y)


remainder_p = _binary(np.remainder, lambda g, ans, x, y: g,        # x - floor(x / y) y
                      lambda g, ans, x, y: -g * nondiff(np.floor_divide, x, y), needs={0: (), 1: (0, 1)})
fmod_p = _binary(np.fmod, lambda g, ans, x, y: g,                  # x - trunc(x / y) y
                 lambda g, ans, x, y: -g * nondiff(trunc_quotient, x, y), needs={0: (), 1: (0, 1)})


def root_at_zero(x, y):
    """Where x ** y has a root at 0 (x = 0 and 0 < y < 1): its infinite derivative is taken as 0."""
    return (x == 0) & (y > 0) & (y < 1)


def positive_finite(x):
    return (x > 0) & (x < np.inf)


def _dpow_dx(g, ans, x, y):
    if not isinstance(y, Tracer) and np.ndim(y) == 0:
        if y == 0:
            return g * 0.0
        if not 0 < y < 1:
            return g * y * power_p(x, y - 1.0)
    root = nondiff(root_at_zero, x, y)               # a root at 0: its infinite derivative taken as 0
    if type(root) is Tracer or np.any(root):
        x = where_p(root, np.inf, x)
    return g * y * power_p(x, y - 1.0)


def _dpow_dy(g, ans, x, y):
    return g * ans * log_p(where_p(nondiff(positive_finite, x), x, 1.0))  # d/dy x^y = x^y log x (x > 0)


_FAST_POWERS = {2.0: np.square, 1.0: np.positive, 0.5: np.sqrt, -1.0: np.reciprocal, 0.0: np.ones_like}


def _power_raw(x, y):
    """np.power with numpy's own fast paths for constant scalar exponents (the `**` operator takes them,
    the ufunc does not: x ** 2 is a square, not a libm pow per entry)."""
    if np.ndim(y) == 0 and not isinstance(y, np.ndarray) and float(y) in _FAST_POWERS:
        return _FAST_POWERS[float(y)](np.asarray(x, dtype=np.result_type(x, float)))
    return np.power(x, y)


power_p = _binary(np.power, _dpow_dx, _dpow_dy, needs={0: (0, 1), 1: ("ans", 0)})
power_p.raw = _power_raw
hypot_p = _binary(np.hypot, lambda g, ans, x, y: g * x / nonzero_or_inf(ans),
                  lambda g, ans, x, y: g * y / nonzero_or_inf(ans), needs={0: ("ans", 0), 1: ("ans", 1)})
logaddexp_p = _binary(np.logaddexp, lambda g, ans, x, y: g * exp_p(x - ans), lambda g, ans, x, y: g * exp_p(y - ans))
logaddexp2_p = _binary(np.logaddexp2, lambda g, ans, x, y: g * exp2_p(x - ans), lambda g, ans, x, y: g * exp2_p(y - ans))


def share(a, b, op):
    """Weights of a max/min between two arrays: 1 where ``a`` wins, 1/2 on ties."""
    return op(a, b) + 0.5 * (a == b)


def _share(first, second, op):
    return nondiff(share, first, second, op=op)


maximum_p = _binary(np.maximum, lambda g, ans, x, y: g * _share(x, y, np.greater),
                    lambda g, ans, x, y: g * _share(y, x, np.greater))
minimum_p = _binary(np.minimum, lambda g, ans, x, y: g * _share(x, y, np.less),
                    lambda g, ans, x, y: g * _share(y, x, np.less))


def fshare(a, b, op):
    """As share, for fmax/fmin, which ignore a NaN: all to ``a`` where only ``b`` is NaN."""
    return op(a, b) + 0.5 * (a == b) + (np.isnan(b) & ~np.isnan(a))


def _fshare(first, second, op):
    return nondiff(fshare, first, second, op=op)


fmax_p = _binary(np.fmax, lambda g, ans, x, y: g * _fshare(x, y, np.greater),
                 lambda g, ans, x, y: g * _fshare(y, x, np.greater))
fmin_p = _binary(np.fmin, lambda g, ans, x, y: g * _fshare(x, y, np.less),
                 lambda g, ans, x, y: g * _fshare(y, x, np.less))


# --- sinc and its derivatives of every order (exact through x = 0) ---------------------------------
def _sinc_derivative(x, k):
    """d^k/dx^k sinc(x), sinc(x) = sin(pi x) / (pi x) as numpy defines it: pi^k s_k(pi x) with s_k the
    k-th derivative of sin(z) / z, from its Taylor series sum_m (-1)^m z^(2m) / (2m + 1)! for |z| < 2
    and from Leibniz's rule on sin(z) * z^-1 elsewhere."""
    if k == 0:
        return np.sinc(x)
    z = np.pi * np.asarray(x, dtype=np.float64)
    out = np.empty_like(z)
    small = np.abs(z) < 2.0
    zs, zl = z[small], z[~small]
    acc = np.zeros_like(zs)
    for m in range((k + 1) // 2, (k + 1) // 2 + 30):
        acc += (-1) ** m * (math.factorial(2 * m) / math.factorial(2 * m - k)) / math.factorial(2 * m + 1) * zs ** (2 * m - k)
    out[small] = acc
    out[~small] = sum(math.comb(k, j) * np.sin(zl + j * np.pi / 2) * (-1) ** (k - j) * math.factorial(k - j)
                      / zl ** (k - j + 1) for j in range(k + 1))
    return out * np.pi ** k if out.ndim else (out * np.pi ** k)[()]


sinc_p = Primitive("sinc", _sinc_derivative, needs={0: (0, 1)})
sinc_p.vjps[0] = lambda g, ans, x, k: g * sinc_p(x, k + 1)
sinc_p.jvps[0] = lambda t, ans, x, k: t * sinc_p(x, k + 1)
implements(np.sinc)(lambda x: sinc_p(x, 0))


def _nan_to_num_raw(x, nan, posinf, neginf):
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


nan_to_num_p = Primitive("nan_to_num", _nan_to_num_raw, needs={0: (0,)})     # replaced entries are constants
nan_to_num_p.vjps[0] = lambda g, ans, x, *a: g * nondiff(np.isfinite, x)
nan_to_num_p.jvps[0] = lambda t, ans, x, *a: t * nondiff(np.isfinite, x)


@implements(np.nan_to_num)
def _nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    return nan_to_num_p(x, nan, posinf, neginf)


# --- real input: real parts are the identity, imaginary parts and angles constants ------------------
implements(np.real, np.real_if_close)(lambda val, *args, **kwargs: val)
implements(np.imag)(lambda val: np.zeros(shape_of(val)))
implements(np.angle)(lambda z, deg=False: decide(np.angle, z, deg=deg))
# rounding is piecewise constant: its value, with derivative zero (as np.floor)
implements(np.round, np.around)(lambda a, decimals=0, out=None: decide(np.round, a, decimals=decimals) if out is None
                                else np.round(raw(a), decimals, out))
implements(np.fix)(lambda x, out=None: decide(np.fix, x) if out is None else np.fix(raw(x), out))


def _where_raw(c, x, y):
    return np.where(c, x, y)


where_p = Primitive("where", _where_raw, needs={1: (0,), 2: (0,)})
where_p.vjps[1] = lambda g, ans, c, x, y: unbroadcast(where_p(c, g, 0.0), shape_of(x))
where_p.vjps[2] = lambda g, ans, c, x, y: unbroadcast(where_p(c, 0.0, g), shape_of(y))
where_p.jvps[1] = lambda t, ans, c, x, y: where_p(c, t, 0.0)
where_p.jvps[2] = lambda t, ans, c, x, y: where_p(c, 0.0, t)


@implements(np.where)
def _where(condition, x=None, y=None):
    if x is None and y is None:
        return decide(np.where, condition)
    if type(condition) is Tracer:                   # truth values of a traced array: a decision
        condition = decide(truth, condition)
    return where_p(np.asarray(condition, dtype=bool), x, y)


def truth(a):
    return np.asarray(a, dtype=bool)


def _clip_raw(x, lo, hi):
    return np.clip(x, lo, hi)


def inside(x, lo, hi):
    """Where lo <= x <= hi (a bound None is no bound)."""
    m = np.ones(np.shape(x), dtype=bool)
    if lo is not None:
        m &= x >= lo
    if hi is not None:
        m &= x <= hi
    return m


def _inside(x, lo, hi):
    return nondiff(inside, x, lo, hi)


clip_p = Primitive("clip", _clip_raw)
clip_p.vjps[0] = lambda g, ans, x, lo, hi: unbroadcast(g * _inside(x, lo, hi), shape_of(x))
clip_p.vjps[1] = lambda g, ans, x, lo, hi: unbroadcast(g * nondiff(np.less, x, lo), shape_of(lo))
clip_p.vjps[2] = lambda g, ans, x, lo, hi: unbroadcast(g * nondiff(np.greater, x, hi), shape_of(hi))
clip_p.jvps[0] = lambda t, ans, x, lo, hi: t * _inside(x, lo, hi)
clip_p.jvps[1] = lambda t, ans, x, lo, hi: t * nondiff(np.less, x, lo)
clip_p.jvps[2] = lambda t, ans, x, lo, hi: t * nondiff(np.greater, x, hi)


@implements(np.clip)
def _clip(a, a_min=np._NoValue, a_max=np._NoValue, out=None, *, min=np._NoValue, max=np._NoValue, **kw):
    if out is not None or kw:
        raise TypeError("zeroopt.ad: numpy.clip is differentiable only as np.clip(a, a_min, a_max)")
    lo = a_min if a_min is not np._NoValue else (None if min is np._NoValue else min)
    hi = a_max if a_max is not np._NoValue else (None if max is np._NoValue else max)
    return clip_p(a, lo, hi)


