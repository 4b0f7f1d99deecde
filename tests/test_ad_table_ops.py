"""The operations of the systematic AD table (tests/test_ad_table.py): each with its input shapes, keyword
variants and input domain. No tests here: the data the table runs over.

An ``Op`` is f(*inputs, **kwargs) written in plain numpy; the table differentiates it with respect to all
its inputs at once. Domains keep every case away from kinks, ties and jumps (sort and max away from
ties: continuous random draws; remainder away from its jumps; abs away from 0).
"""

import warnings
from dataclasses import dataclass, field

import numpy as np


def uniform(low=-1.5, high=1.5):
    return lambda rng, shape: rng.uniform(low, high, size=shape)


POS, UNIT = uniform(0.5, 2.0), uniform(-0.8, 0.8)


def away_from_zero(rng, shape):
    x = rng.uniform(0.3, 1.5, size=shape)
    return x * rng.choice([-1.0, 1.0], size=shape)


def with_zeros(rng, shape):
    x = rng.uniform(-1.5, 1.5, size=shape)
    x.flat[:: 3] = 0.0
    return x


def spd(rng, shape):
    B = rng.standard_normal(shape)
    return B @ np.swapaxes(B, -1, -2) + shape[-1] * np.eye(shape[-1]) + np.triu(rng.uniform(-1, 1, shape), 1)


def well_conditioned(rng, shape):
    return rng.uniform(-1, 1, shape) + 3 * np.eye(shape[-1]) if shape[-1] == shape[-2] else rng.uniform(-1, 1, shape)


def separated_spectrum(rng, shape):
    """Random matrices with singular values (or a real spectrum) 1, 2, 3, ... (well separated)."""
    m, n = shape[-2:]
    k = min(m, n)
    U = np.linalg.qr(rng.standard_normal(shape[:-2] + (m, m)))[0][..., :k]
    V = np.linalg.qr(rng.standard_normal(shape[:-2] + (n, n)))[0][..., :k]
    return (U * np.arange(1.0, k + 1)) @ np.swapaxes(V, -1, -2)


def real_spectrum(rng, shape):
    n = shape[-1]
    V = rng.standard_normal(shape) + 2 * np.eye(n)
    return V @ (np.arange(1.0, n + 1)[:, None] * np.linalg.inv(V))


@dataclass
class Op:
    name: str
    f: object
    shapes: list
    kws: list = field(default_factory=lambda: [{}])
    dom: object = None          # one domain for all inputs, or a list with one per input
    order3: bool = False        # products: checked to third order too
    paired: bool = False        # kws[i] goes with shapes[i] (instead of every kws with every shapes)
    lists: bool = False         # gives numpy lists of traced values: differentiated with zeroopt.ad.accept_lists

    def variants(self):
        return list(zip(self.shapes, self.kws)) if self.paired else [(s, k) for s in self.shapes for k in self.kws]

    def inputs(self, rng, shapes):
        doms = self.dom if isinstance(self.dom, list) else [self.dom] * len(shapes)
        return [(d or uniform())(rng, s) for d, s in zip(doms, shapes)]


def call(f, *xs, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)   # numpy's 2-vector cross
        return f(*xs, **kw)


UN = [(), (4,), (2, 3, 4)]
BIN = [((), ()), ((4,), ()), ((), (4,)), ((3, 4), (4,)), ((2, 1), (1, 3)), ((2, 3, 4), (3, 4))]
R3 = [(2, 3, 4)]
AXES = [dict(axis=a, keepdims=k) for a in (None, 0, -1, (0, 2)) for k in (False, True)]


def unary(ufunc, dom=None):
    return Op(ufunc.__name__, ufunc, [(s,) for s in UN], dom=dom)


def binary(ufunc, dom=None, order3=False):
    return Op(ufunc.__name__, ufunc, BIN, dom=dom, order3=order3)


ELEMENTWISE = [unary(u) for u in (np.negative, np.square, np.exp, np.exp2, np.expm1, np.sin, np.cos, np.tanh, np.sinh,
                                  np.cosh, np.arctan, np.arcsinh, np.deg2rad, np.rad2deg, np.radians, np.degrees,
                                  np.positive, np.conjugate)] + [
    unary(u, POS) for u in (np.reciprocal, np.sqrt, np.cbrt, np.log, np.log2, np.log10, np.log1p)] + [
    unary(u, UNIT) for u in (np.tan, np.arcsin, np.arccos, np.arctanh)] + [
    unary(np.arccosh, uniform(1.2, 3.0)), unary(np.abs, away_from_zero), unary(np.fabs, away_from_zero),
    Op("sinc (through 0)", np.sinc, [((5,),)], dom=lambda rng, s: np.array([-2.3, -0.4, 0.0, 0.7, 3.1])),
    Op("nan_to_num", lambda x, **k: np.nan_to_num(x, **k), [((5,),)],   # (finite replacements: the default
       [dict(posinf=9.0, neginf=-9.0), dict(nan=2.0, posinf=9.0, neginf=-4.0)],  # 1.8e308 would swamp the check)
       dom=lambda rng, s: np.array([0.3, np.nan, -1.2, np.inf, -np.inf])),
    Op("real, imag, angle, real_if_close", lambda x: np.real(x) * 2 + np.imag(x) + np.angle(x) + np.real_if_close(x),
       [((4,),)], dom=away_from_zero),
    Op("round, fix, floor (zero derivative)", lambda x: x * np.round(x, 1) + np.fix(x) + np.floor(x) * x,
       [((4,),)], dom=lambda rng, s: np.array([-1.43, -0.27, 0.62, 1.38])),
    Op("operators", lambda x, y: x ** 2 + 2.0 ** x - 3 / y + x * 4 - (1 - y) + (-x) + abs(x) + x / 2 + x % 1.7
       + (x // 0.5) * y, [((4,), (4,)), ((3, 4), (4,))], dom=[away_from_zero, POS]),
] + [binary(u) for u in (np.add, np.subtract, np.logaddexp, np.logaddexp2, np.maximum, np.minimum, np.fmax, np.fmin,
                          np.hypot)] + [
    binary(np.multiply, order3=True), binary(np.divide, [None, POS]), binary(np.power, [POS, uniform(0.5, 2.5)]),
    binary(np.remainder, [uniform(2.1, 2.6), uniform(0.9, 1.0)]), binary(np.fmod, [uniform(-2.6, -2.1), uniform(0.9, 1.0)]),
    Op("where", lambda x, y: np.where(x > 0, x * y, y - x), BIN[3:]),
    Op("clip", lambda x, lo, hi: np.clip(x, lo, hi), [((6,), (), ()), ((2, 3), (3,), (2, 1))],
       dom=[uniform(-3, 3), uniform(-2.2, -0.2), uniform(0.2, 2.2)]),
    Op("clip (method)", lambda x, **k: x.clip(**k), [((6,),)], [dict(min=-0.5), dict(min=-1.0, max=0.7)], dom=uniform(-3, 3)),
]

REDUCTIONS = [
    Op(n, lambda x, f=f, **k: f(x, **k), [(s,) for s in R3], AXES, dom=POS if n == "prod" else None, order3=n == "prod")
    for n, f in (("sum", np.sum), ("mean", np.mean), ("prod", np.prod), ("max", np.max), ("min", np.min),
                 ("var", np.var), ("std", np.std))
] + [
    Op("reductions of a scalar and a vector", lambda x: np.sum(x) * np.prod(x) + np.mean(x) + np.var(x) + np.max(x),
       [((),), ((4,),)]),
    Op("var/std ddof", lambda x, **k: np.var(x, **k) + np.std(x, **k), [((3, 4),)],
       [dict(ddof=1), dict(ddof=2, axis=1), dict(correction=1, axis=0, keepdims=True)]),
    Op("methods sum/mean/prod/max/min/var/std", lambda x, **k: x.sum(**k) + x.mean(**k) + x.prod(**k) + x.max(**k)
       + x.min(**k) + x.var(**k) + x.std(**k), [((3, 4),)], [{}, dict(axis=0), dict(axis=1, keepdims=True)], dom=POS),
    Op("ufunc reduce", lambda x: np.add.reduce(x, axis=1) + np.multiply.reduce(x, axis=0)[0], [((2, 2),)]),
    Op("prod with zeros", lambda x, **k: np.prod(x, **k), [((2, 3),)], [{}, dict(axis=1)], dom=with_zeros),
    # zero spread everywhere (one number; one number per row): var and std are constant 0, derivative 0
    Op("std/var of one number", lambda x, **k: np.std(x, **k) + 2.0 * np.var(x, **k) + x.std(**k), [((),), ((3, 1),)],
       [{}, dict(axis=-1)], paired=True),
]

SCANS = [
    Op("cumsum", lambda x, **k: np.cumsum(x, **k), [((4,),), ((2, 3, 4),)], [{}, dict(axis=0), dict(axis=-1)]),
    Op("cumprod", lambda x, **k: np.cumprod(x, **k), [((2, 3, 4),)], [{}, dict(axis=1)], order3=True),
    Op("cumprod with zeros", lambda x, **k: np.cumprod(x, **k), [((2, 4),)], [{}, dict(axis=1)], dom=with_zeros),
    Op("accumulate", lambda x: np.add.accumulate(x) * np.multiply.accumulate(x, axis=1), [((3, 4),)]),
    Op("cumsum/cumprod methods", lambda x: x.cumsum(axis=0) + x.cumprod(axis=1), [((2, 3),)]),
    Op("sort", lambda x, **k: np.sort(x, **k), [((5,),), ((2, 3, 4),)], [{}, dict(axis=0), dict(axis=None)]),
    Op("sort (in-place method)", lambda x: _sorted_in_place(x * 1.0), [((3, 4),)]),
    Op("partition", lambda x, **k: np.partition(x, **k), [((6,),), ((3, 5),)], [dict(kth=2), dict(kth=(0, 3)),
                                                                               dict(kth=1, axis=0)]),
    Op("diff", lambda x, **k: np.diff(x, **k), [((5,),), ((3, 4),)], [{}, dict(n=2), dict(axis=0), dict(prepend=0.5),
                                                                        dict(append=np.ones(1)[0], n=2)]),
    Op("diff with traced prepend/append", lambda x, p: np.diff(x, prepend=p, append=p[::-1]), [((4, 5), (4, 1))]),
    Op("gradient", lambda x, **k: np.gradient(x, **k)[0] if x.ndim > 1 and k.get("axis") is None else np.gradient(x, **k),
       [((6,),), ((4, 5),)], [{}, dict(edge_order=2), dict(axis=-1, edge_order=2)]),
    Op("gradient with spacings", lambda x: np.gradient(x, 0.5, [0.0, 1.0, 1.5, 3.0, 3.2], edge_order=2)[1]
       + np.gradient(x, [0.0, 0.3, 1.0, 1.1], 2.0)[0], [((4, 5),)]),
]


def _sorted_in_place(y):
    y.sort(axis=0)
    return y


SHAPES = [
    Op("reshape", lambda x: np.reshape(x, (4, 3)) + x.reshape(2, -1).reshape((4, 3)), [((3, 4),)]),
    Op("ravel/flatten", lambda x: np.ravel(x) * x.flatten() + x.ravel(), [((2, 3),)]),
    Op("transpose", lambda x, **k: np.transpose(x, **k), [((2, 3, 4),)], [{}, dict(axes=(1, 2, 0))]),
    Op("T and method transpose", lambda x: x.T[0] + x.transpose(1, 0, 2)[0].T, [((3, 3, 3),)]),
    Op("swapaxes", lambda x: np.swapaxes(x, 0, 2) + x.swapaxes(-1, 0), [((3, 2, 3),)]),
    Op("squeeze/expand_dims", lambda x: np.squeeze(x) + np.squeeze(x, axis=0)[..., 0] + np.expand_dims(x[0, :, 0], (0, -1))[0],
       [((1, 3, 1),)]),
    Op("broadcast_to", lambda x, **k: np.broadcast_to(x, **k), [((2, 3),)], [dict(shape=(4, 2, 3))]),
    Op("atleast_1d/2d/3d", lambda x: np.atleast_1d(x) * np.atleast_2d(x) + np.atleast_3d(x)[..., 0], [((),), ((3,),)]),
    Op("moveaxis", lambda x, **k: np.moveaxis(x, **k), [((2, 3, 4),)],
       [dict(source=0, destination=-1), dict(source=(0, 2), destination=(2, 0))]),
    Op("rollaxis", lambda x, **k: np.rollaxis(x, **k), [((2, 3, 4),)], [dict(axis=2), dict(axis=0, start=3)]),
    Op("copy/astype", lambda x: np.copy(x) * x.copy() + x.astype(float), [((3,),)]),
]

INDEXING = [
    Op("basic and fancy indexing", lambda x, **k: x[k["i"]] * x[k["i"]], [((4, 3),)],
       [dict(i=i) for i in (1, -1, slice(1, None), slice(None, None, -1), (1, slice(None)), (Ellipsis, 0), (None, 1),
                            np.array([0, 2, 2, 1]), [0, 0, 3], (np.array([0, 1]), np.array([2, 2])),
                            np.array([True, False, True, True]), (slice(None), np.array([1, 1])))]),
    Op("index from a traced value (primal)", lambda x: x[int(x[0] > 0)] * x[np.floor(x * 2).astype(int) % 3]
       + x[x.argmax()] + x[(x * 2).astype(int) % 3] * (x[1] if x[0] else x[2]) + x[int(x[2] * 2) % 3], [((3,),)]),
    Op("take", lambda x, **k: np.take(x, **k), [((3, 4),)],
       [dict(indices=[0, 5, 5, 11]), dict(indices=[2, 0, 2], axis=1), dict(indices=[-1, 7], axis=0, mode="clip"),
        dict(indices=[4, 5], axis=1, mode="wrap")]),
    Op("take method", lambda x: x.take([1, 2, 1]), [((4,),)]),
    Op("take_along_axis", lambda x: np.take_along_axis(x, np.array([[0, 2], [1, 1], [3, 0]]), axis=1), [((3, 4),)]),
    Op("repeat", lambda x, **k: np.repeat(x, **k) + 0.0, [((2, 3),)],
       [dict(repeats=2), dict(repeats=[1, 0, 3], axis=1), dict(repeats=3, axis=0)]),
    Op("repeat method", lambda x: x.repeat(2, axis=0), [((2, 3),)]),
    Op("tile", lambda x, **k: np.tile(x, **k), [((2, 3),)], [dict(reps=2), dict(reps=(2, 1, 3))]),
    Op("roll", lambda x, **k: np.roll(x, **k), [((3, 4),)], [dict(shift=2), dict(shift=(1, -1), axis=(0, 1)),
                                                               dict(shift=-5, axis=1)]),
    Op("flip/flipud/fliplr", lambda x: np.flip(x) + np.flip(x, 1) + np.flipud(x) * np.fliplr(x), [((3, 3),)]),
    Op("rot90", lambda x, **k: np.rot90(x, **k), [((2, 3, 4),)], [dict(k=1), dict(k=2), dict(k=3, axes=(2, 0))]),
    Op("diagonal", lambda x, **k: np.diagonal(x, **k), [((3, 4),)], [{}, dict(offset=1), dict(offset=-2)]),
    Op("diagonal 3-D axes", lambda x, **k: np.diagonal(x, **k) + 0.0, [((3, 2, 3),)],
       [dict(axis1=0, axis2=2), dict(offset=-1, axis1=2, axis2=0)]),
    Op("diag", lambda x, **k: np.diag(x, **k), [((4,),), ((3, 4),)], [{}, dict(k=1), dict(k=-2)]),
    Op("trace", lambda x, **k: np.trace(x, **k), [((3, 4),), ((3, 2, 3),)], [{}, dict(offset=1), dict(axis1=-1, axis2=0)]),
    Op("trace/diagonal methods", lambda x: x.trace() + x.diagonal(1)[0], [((3, 3),)]),
    Op("tril/triu", lambda x: np.tril(x) + np.triu(x, 1) * np.swapaxes(np.tril(x, -1), -1, -2), [((3, 3),), ((2, 3, 3),)]),
    Op("select", lambda x, y: np.select([x > 0.5, x < -0.5], [x * y, y ** 2], default=x), [((6,), (6,)), ((2, 3), (3,))]),
    Op("primal-valued methods", lambda x: x * (x.any() + x.all() + x.argmin() + x.argsort()[0] + len(x.nonzero()[0])),
       [((4,),)], dom=away_from_zero),
]
