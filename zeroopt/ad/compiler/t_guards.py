"""Templates of the guards: each decision a recording took on traced values, checked again.

A decision (zeroopt.ad.tracer.decide) - ``bool(x[0] > 0)``, ``int(x[0])``, a comparison used as a mask,
``argmax``, ``argsort`` - was taken on the recorded values. The compiled program computes it again from
the values of the call and returns the guard's number (1, 2, ...) instead of a result when it differs;
the caller then records the program again (a retrace). A decision without a template here makes the
trace uncompilable (the caller falls back to the traced path and says which decision).
"""

from __future__ import annotations

import operator

from .. import elementwise as ew
from .. import tracer as tr
from ..numpy_names import np
from .emit import Const, Unsupported, literal

_COMPARE = {np.less: "<", np.less_equal: "<=", np.greater: ">", np.greater_equal: ">=", np.equal: "==",
            np.not_equal: "!="}
_LOGICAL = {np.logical_and: "and", np.logical_or: "or"}
_UNARY = {np.isfinite: "np.isfinite({0})", np.isnan: "np.isnan({0})", np.isinf: "np.isinf({0})",
          np.signbit: "np.signbit({0})", np.sign: "np.sign({0})", np.floor: "np.floor({0})", np.ceil: "np.ceil({0})",
          np.trunc: "np.trunc({0})", np.rint: "np.rint({0})", np.logical_not: "(not {0})", ew.truth: "({0} != 0)",
          np.fix: "np.trunc({0})"}


def _elementwise_expr(fn, static, args):
    if fn in _COMPARE:
        return f"({args[0]} {_COMPARE[fn]} {args[1]})"
    if fn in _LOGICAL:
        return f"(({args[0]} != 0) {_LOGICAL[fn]} ({args[1]} != 0))"
    if fn is np.logical_xor:
        return f"(({args[0]} != 0) != ({args[1]} != 0))"
    if fn is np.floor_divide:
        return f"np.floor_divide({args[0]}, {args[1]})"
    if fn in _UNARY and not static:
        return _UNARY[fn].format(*args)
    if fn in (np.asarray, tr.astype) and set(static) == {"dtype"}:
        kind = np.dtype(static["dtype"]).kind
        if kind == "b":
            return f"({args[0]} != 0)"
        if kind in "iu":
            return f"np.trunc({args[0]})"
    return None


def _fail(em, status):
    em.line(f"return {status}, np.nan, np.nan")


def _differs(got, expected, dtype):
    """Code that is True when ``got`` differs from ``expected`` (NaN equal to NaN for floats)."""
    if np.dtype(dtype).kind == "f":
        return f"not ({got} == {expected} or ({got} != {got} and {expected} != {expected}))"
    return f"{got} != {expected}"


def elementwise(em, guard, items, status):
    expected = np.asarray(guard.expected)
    shape = expected.shape
    with em.loops(shape, "g") as names:
        expr = _elementwise_expr(guard.fn, guard.static, [em.at(it, shape, names) for it in items])
        if shape:
            want = Const(expected).uniform()
            want = literal(want, expected.dtype) if want is not None else f"{em.const_array(expected)}[{', '.join(names)}]"
        else:
            want = literal(expected[()], expected.dtype)
        got = em.fresh("q")
        em.line(f"{got} = {expr}")
        with em.block(f"if {_differs(got, want, expected.dtype if expected.dtype.kind != 'i' else 'f')}:"):
            _fail(em, status)


def _single(em, it):
    """The one entry of a value of size 1 (bool(x), int(x))."""
    if not it.shape:
        return em.scalar(it)
    return f"{em.array(it)}[{', '.join('0' * len(it.shape))}]"


def truth(em, guard, items, status):
    with em.block(f"if ({_single(em, items[0])} != 0) != {literal(bool(guard.expected))}:"):
        _fail(em, status)


def integer(em, guard, items, status):
    with em.block(f"if not (np.trunc({_single(em, items[0])}) == {float(guard.expected)!r}):"):
        _fail(em, status)


def _scan(em, it, body):
    with em.loops(it.shape, "g") as names:
        body(em.at(it, it.shape, names), names)


def any_zero(em, guard, items, status):
    found = em.fresh("q")
    em.line(f"{found} = False")

    def body(v, names):
        with em.block(f"if {v} == 0:"):
            em.line(f"{found} = True")
    _scan(em, items[0], body)
    with em.block(f"if {found} != {literal(bool(guard.expected))}:"):
        _fail(em, status)


def any_all(em, guard, items, status):
    if guard.static or len(items) != 1:
        raise Unsupported(f"{guard.name} with arguments")
    found = em.fresh("q")
    is_any = guard.fn is np.any
    em.line(f"{found} = {not is_any}")

    def body(v, names):
        with em.block(f"if {v} {'!=' if is_any else '=='} 0:"):
            em.line(f"{found} = {is_any}")
    _scan(em, items[0], body)
    with em.block(f"if {found} != {literal(bool(guard.expected))}:"):
        _fail(em, status)


def arg_extreme(em, guard, items, status):
    """numpy's argmax/argmin over the flattened value: the first extreme entry, or the first NaN."""
    if guard.static or len(items) != 1 or not items[0].shape:
        raise Unsupported(f"{guard.name} with an axis")
    x = items[0]
    best, where, k = em.fresh("q"), em.fresh("q"), em.fresh("q")
    op = ">" if guard.fn is np.argmax else "<"
    first = ", ".join("0" * len(x.shape))
    em.line(f"{best} = {em.array(x)}[{first}]")
    em.line(f"{where} = 0")
    em.line(f"{k} = -1")

    def body(v, names):
        em.line(f"{k} += 1")
        with em.block(f"if not np.isnan({best}) and ({v} {op} {best} or np.isnan({v})):"):
            em.line(f"{best} = {v}")
            em.line(f"{where} = {k}")
    _scan(em, x, body)
    with em.block(f"if {where} != {int(guard.expected)}:"):
        _fail(em, status)


def argsort(em, guard, items, status):
    """The recorded permutation still sorts the values: increasing, ties (stable sort only) in index
    order, NaN last (numpy's order); a sort that is not stable must meet no tie."""
    x = items[0]
    stable = guard.static.get("kind") == "stable"
    if len(x.shape) != 1 or len(items) != 1 or guard.static.get("axis", -1) not in (-1, 0) \
            or set(guard.static) - {"axis", "kind"}:
        raise Unsupported(f"{guard.name} beyond one dimension")
    perm = em.const_array(np.asarray(guard.expected, dtype=np.int64))
    v = em.array(x)
    a, b = em.fresh("q"), em.fresh("q")
    with em.block(f"for g0 in range(1, {x.shape[0]}):"):
        em.line(f"{a} = {v}[{perm}[g0 - 1]]")
        em.line(f"{b} = {v}[{perm}[g0]]")
        ok = f"({a} < {b}) or (np.isnan({b}) and not np.isnan({a}))"
        if stable:
            ok += f" or (({a} == {b} or (np.isnan({a}) and np.isnan({b}))) and {perm}[g0 - 1] < {perm}[g0])"
        with em.block(f"if not ({ok}):"):
            _fail(em, status)


GUARDS = {bool: truth, int: integer, ew.any_zero: any_zero, np.any: any_all, np.all: any_all,
          np.argmax: arg_extreme, np.argmin: arg_extreme, np.argsort: argsort}


def emit_guard(em, guard, status):
    """The check of ``guard`` (returning ``status`` when it fails), or Unsupported naming the decision."""
    items = [em.vars[a._node] if type(a) is tr.Tracer else Const(a) for a in guard.items]
    template = GUARDS.get(guard.fn)
    if template is not None:
        return template(em, guard, items, status)
    if _elementwise_expr(guard.fn, guard.static, ["a", "b"]) is not None:
        return elementwise(em, guard, items, status)
    where = f" ({guard.where})" if guard.where else ""
    if guard.fn is operator.index:
        raise Unsupported(f"an index computed from a traced value{where}")
    raise Unsupported(f"a decision by {guard.name}{where}")
