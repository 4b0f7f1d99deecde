"""Property tests: gradients of random expression trees over the smooth primitives vs central differences."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import zeroopt as zo

UNARY = [
    ("sin", np.sin), ("cos", np.cos), ("tanh", np.tanh), ("arctan", np.arctan), ("neg", np.negative),
    ("log1p_sq", lambda z: np.log1p(z * z)), ("sqrt1", lambda z: np.sqrt(1.0 + z * z)),
    ("exp_tanh", lambda z: np.exp(np.tanh(z))), ("square", np.square), ("inv1", lambda z: 1.0 / (1.0 + z * z)),
    ("sinh_tanh", lambda z: np.sinh(np.tanh(z))), ("expm1_sin", lambda z: np.expm1(np.sin(z))),
    ("rev", lambda z: z[::-1] if np.ndim(z) else z), ("cumsum_like", lambda z: np.concatenate([z[:1], z[1:] + z[:-1]]) if np.ndim(z) else z),
]
BINARY = [
    ("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("div", lambda a, b: a / (1.0 + b * b)),
    ("logaddexp", np.logaddexp), ("pow", lambda a, b: (1.0 + a * a) ** np.tanh(b)),
]
# (the norm enters as sqrt(||z||^2 + 1): smooth at z = 0, where ||z|| itself has a kink)
REDUCE = [("sum", np.sum), ("mean", np.mean), ("prod", lambda z: np.prod(np.tanh(z) + 1.5)),
          ("norm", lambda z: np.sqrt(np.linalg.norm(z) ** 2 + 1.0)), ("dot", lambda z: z @ np.linspace(-1, 1, np.size(z)) if np.ndim(z) else z)]


def leaves():
    return st.one_of(st.just(("x",)), st.integers(0, 2).map(lambda i: ("xi", i)),
                     st.floats(-2, 2, allow_nan=False).map(lambda c: ("const", c)))


def trees():
    return st.recursive(
        leaves(),
        lambda sub: st.one_of(
            st.tuples(st.just("un"), st.integers(0, len(UNARY) - 1), sub),
            st.tuples(st.just("bin"), st.integers(0, len(BINARY) - 1), sub, sub),
            st.tuples(st.just("red"), st.integers(0, len(REDUCE) - 1), sub),
        ),
        max_leaves=8,
    )


def build(tree):
    kind = tree[0]
    if kind == "x":
        return lambda x: x
    if kind == "xi":
        return lambda x: x[tree[1]]
    if kind == "const":
        return lambda x: tree[1]
    if kind == "un":
        f, a = UNARY[tree[1]][1], build(tree[2])
        return lambda x: f(a(x))
    if kind == "bin":
        f, a, b = BINARY[tree[1]][1], build(tree[2]), build(tree[3])
        return lambda x: f(a(x), b(x))
    f, a = REDUCE[tree[1]][1], build(tree[2])
    return lambda x: f(a(x))


@settings(derandomize=True, database=None, max_examples=300, deadline=None)
@given(trees(), st.lists(st.floats(-1.5, 1.5, allow_nan=False), min_size=3, max_size=3))
def test_random_expression_gradients_match_central_differences(tree, xs):
    expr = build(tree)

    def f(x):
        return np.sum(expr(x)) + 0.0 * x[0]

    x = np.array(xs)
    val, g = zo.value_and_grad(f)(x)
    h = 1e-6
    fd = np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(3)])
    # central differences: O(h^2) truncation, ~ eps |f| / h rounding
    tol = 1e-5 * (1.0 + abs(val) + np.abs(fd))
    assert np.all(np.abs(g - fd) <= tol), (tree, g, fd)
    v = np.array([0.3, -0.7, 1.1])
    assert abs(zo.jvp(f, x, v)[1] - g @ v) <= 1e-10 * (1 + np.abs(g) @ np.abs(v))
