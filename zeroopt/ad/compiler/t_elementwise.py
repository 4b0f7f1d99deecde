"""Templates of the elementwise rules (zeroopt.ad.elementwise): a scalar expression per operation.

Each template takes the scalar expressions of the operation's inputs at one index and returns the
expression of its result there; the emitter puts a run of them into one loop (see
:meth:`zeroopt.ad.compiler.schedule`). numba evaluates ``np.exp(a)`` and the like on scalars with the C
math library, numpy on arrays with its own vectorized kernels: the two may differ in the last bit, which
the rounding bound covers (docs/math/ad_rules.md, "The compiled gradient").
"""

from __future__ import annotations

from .. import elementwise as ew
from ..core import broadcast_to_p
from ..numpy_names import np
from .emit import Unsupported

_UNARY = {
    ew.negative_p: "(-{0})", ew.reciprocal_p: "(1.0 / {0})", ew.square_p: "({0} * {0})", ew.sqrt_p: "np.sqrt({0})",
    ew.cbrt_p: "np.cbrt({0})", ew.exp_p: "np.exp({0})", ew.exp2_p: "np.exp2({0})", ew.expm1_p: "np.expm1({0})",
    ew.log_p: "np.log({0})", ew.log2_p: "np.log2({0})", ew.log10_p: "np.log10({0})", ew.log1p_p: "np.log1p({0})",
    ew.abs_p: "np.abs({0})", ew.sin_p: "np.sin({0})", ew.cos_p: "np.cos({0})", ew.tan_p: "np.tan({0})",
    ew.tanh_p: "np.tanh({0})", ew.sinh_p: "np.sinh({0})", ew.cosh_p: "np.cosh({0})", ew.arctan_p: "np.arctan({0})",
    ew.arcsin_p: "np.arcsin({0})", ew.arccos_p: "np.arccos({0})", ew.arcsinh_p: "np.arcsinh({0})",
    ew.arctanh_p: "np.arctanh({0})", ew.arccosh_p: "np.arccosh({0})", ew.deg2rad_p: "np.deg2rad({0})",
    ew.rad2deg_p: "np.rad2deg({0})",
}
_BINARY = {
    ew.add_p: "({0} + {1})", ew.subtract_p: "({0} - {1})", ew.multiply_p: "({0} * {1})", ew.divide_p: "({0} / {1})",
    ew.remainder_p: "np.remainder({0}, {1})", ew.fmod_p: "np.fmod({0}, {1})", ew.hypot_p: "np.hypot({0}, {1})",
    ew.logaddexp_p: "np.logaddexp({0}, {1})", ew.logaddexp2_p: "np.logaddexp2({0}, {1})",
    ew.maximum_p: "np.maximum({0}, {1})", ew.minimum_p: "np.minimum({0}, {1})", ew.fmax_p: "np.fmax({0}, {1})",
    ew.fmin_p: "np.fmin({0}, {1})",
}
#: x ** y for a constant scalar y: numpy's fast paths (zeroopt.ad.elementwise._power_raw), then pow
_POWERS = {2.0: "({0} * {0})", 1.0: "(+{0})", 0.5: "np.sqrt({0})", -1.0: "(1.0 / {0})", 0.0: "1.0"}


def _power(node, args):
    y = node.args[1]
    if 1 not in node.argnums and np.ndim(y) == 0 and not isinstance(y, np.ndarray) and float(y) in _POWERS:
        return _POWERS[float(y)].format(args[0])
    return f"np.power({args[0]}, {args[1]})"


def _clip(node, args):
    x, lo, hi = args
    out = x if lo == "None" else f"np.maximum({x}, {lo})"
    return out if hi == "None" else f"np.minimum({out}, {hi})"


def _nan_to_num(node, args):
    x = args[0]
    nan, posinf, neginf = node.args[1:]
    big = float(np.finfo(node.ans.dtype if hasattr(node.ans, "dtype") else np.float64).max)
    posinf = big if posinf is None else float(posinf)
    neginf = -big if neginf is None else float(neginf)
    return (f"({float(nan)!r} if np.isnan({x}) else ({posinf!r} if {x} == np.inf else "
            f"({neginf!r} if {x} == -np.inf else {x})))")


def expression(node, args):
    """The scalar expression of an elementwise node (``node.prim``) from its inputs' ``args``."""
    p = node.prim
    if p in _UNARY:
        return _UNARY[p].format(*args)
    if p in _BINARY:
        return _BINARY[p].format(*args)
    if p is ew.power_p:
        return _power(node, args)
    if p is ew.where_p:
        return f"({args[1]} if {args[0]} else {args[2]})"
    if p is ew.clip_p:
        return _clip(node, args)
    if p is ew.nan_to_num_p:
        return _nan_to_num(node, args)
    if p is broadcast_to_p:
        return args[0]
    fn = getattr(p, "fn", None)
    if fn in NONDIFF:
        return NONDIFF[fn](args, p.static)
    raise Unsupported(p.name)


def _share(args, static, nan=False):
    a, b = args
    op = {np.greater: ">", np.less: "<"}.get(static["op"])
    if op is None:
        raise Unsupported(f"tie weights with {static['op']}")
    out = f"((1.0 if {a} {op} {b} else 0.0) + (0.5 if {a} == {b} else 0.0)"
    return out + (f" + (1.0 if (np.isnan({b}) and not np.isnan({a})) else 0.0))" if nan else ")")


def _inside(args, static):
    x, lo, hi = args
    parts = [f"({x} >= {lo})" if lo != "None" else None, f"({x} <= {hi})" if hi != "None" else None]
    parts = [p for p in parts if p]
    return "(" + " and ".join(parts) + ")" if parts else "True"


#: elementwise functions without derivative (zeroopt.ad.tracer.nondiff) -> expression
NONDIFF = {
    np.sign: lambda a, s: f"np.sign({a[0]})",
    ew.is_zero: lambda a, s: f"({a[0]} == 0)",
    ew.root_at_zero: lambda a, s: f"(({a[0]} == 0) and ({a[1]} > 0) and ({a[1]} < 1))",
    ew.positive_finite: lambda a, s: f"(({a[0]} > 0) and ({a[0]} < np.inf))",
    ew.share: _share,
    ew.fshare: lambda a, s: _share(a, s, nan=True),
    np.isfinite: lambda a, s: f"np.isfinite({a[0]})",
    np.less: lambda a, s: f"({a[0]} < {a[1]})",
    np.greater: lambda a, s: f"({a[0]} > {a[1]})",
    ew.inside: _inside,
    np.floor_divide: lambda a, s: f"np.floor_divide({a[0]}, {a[1]})",
    ew.trunc_quotient: lambda a, s: f"np.trunc({a[0]} / {a[1]})",
}


def value_positions(node):
    """How many of the node's leading arguments are values (the rest are static: a shape, fill values)."""
    p = node.prim
    if p in _UNARY or p is broadcast_to_p or p is ew.nan_to_num_p:
        return 1
    if p in _BINARY or p is ew.power_p:
        return 2
    if p in (ew.where_p, ew.clip_p):
        return 3
    return len(node.args)


def is_elementwise(node):
    p = node.prim
    if p in _UNARY or p in _BINARY or p in (ew.power_p, ew.where_p, ew.clip_p, ew.nan_to_num_p, broadcast_to_p):
        return True
    return getattr(p, "fn", None) in NONDIFF
