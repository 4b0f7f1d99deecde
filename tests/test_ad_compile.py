"""zeroopt.ad.compiled: the compiled derivative against the traced one and an extended-precision reference,
within the rounding bound of the recorded program (zeroopt.ad.compiler.bound); guards and retraces; the
fallback and its one warning; keys and arguments; ExactAD(compiled=True).

Every program compiled here is small (n <= 8); numba compiles each in ~0.2-1 s, so tests that compile
several are marked slow.
"""

import threading
import warnings

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.ad import api
from zeroopt.ad import compiler as cp
from zeroopt.ad.compiler import CompileWarning, bound, record

LD = np.longdouble


def _sources(args, first):
    return {0: "x", **({1: "v"} if first == 2 else {}),
            **{first + k: ("arg", k) for k, a in enumerate(args) if isinstance(a, np.ndarray) and a.dtype.kind == "f"}}


def recorded(fun, kind, x, v, args):
    """The recording of the value_and_grad (or hvp) program at x, as the compiler makes it."""
    if kind == "grad":
        return record.record(lambda x, *a: api.value_and_grad(fun)(x, *a), (x,) + args, _sources(args, 1))
    return record.record(lambda x, v, *a: (api.hvp(fun)(x, v, *a),), (x, v) + args, _sources(args, 2))


def within(got, ref, B):
    """|got - ref| <= 2 B (+ the reference's own rounding, 2^-63 |ref|)."""
    err = np.abs(np.asarray(got, dtype=LD) - np.asarray(ref, dtype=LD))
    tol = 2 * np.asarray(B, dtype=LD) + LD(2.0) ** -63 * np.abs(np.asarray(ref, dtype=LD))
    return bool(np.all(err <= tol)), float(np.max(err - tol))


def assert_grad_agrees(fun, x, *args, compiled=None):
    """Compiled and traced value_and_grad both within 2 B of the recorded program's value (replayed in
    extended precision); returns the compiled derivative."""
    c = compiled or zo.ad.compiled(fun)
    fc, gc = c(x, *args)
    assert c.stats["traced"] == 0, c.stats
    ft, gt = zo.value_and_grad(fun)(x, *args)
    rec = recorded(fun, "grad", x, None, args)
    fr, gr = bound.replay(rec)
    Bf, Bg = bound.rounding_bound(rec, 0), bound.rounding_bound(rec, 1)
    for name, got, ref, B in (("f compiled", fc, fr, Bf), ("f traced", ft, fr, Bf), ("g compiled", gc, gr, Bg),
                              ("g traced", gt, gr, Bg)):
        ok, excess = within(got, ref, B)
        assert ok, (name, got, ref, B, excess)
    return c


def assert_hvp_column_agrees(fun, x, v, args, got):
    """``got`` (a compiled HVP, or a Hessian column with v = e_j) within 2 B of the replayed program."""
    rec = recorded(fun, "hvp", x, v, args)
    ok, excess = within(got, bound.replay(rec)[0], bound.rounding_bound(rec, 0))
    assert ok, (fun, v, excess)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def quadratic(x, A, c):
    d = x - c
    return 0.5 * (d @ (A @ d))


def logistic(x, A, y, reg):
    return np.mean(np.logaddexp(0.0, -y * (A @ x))) + 0.5 * reg * (x @ x)


def _data(n=6, seed=0):
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((n, n))
    A = rng.standard_normal((40, n))
    return dict(x=rng.standard_normal(n), quad=(B + B.T, rng.standard_normal(n)),
                logistic=(A, np.sign(rng.standard_normal(40)), 0.01))


# --- agreement within the bound ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["rosenbrock", "quadratic", "logistic"])
def test_gradient_agrees_with_the_reference_within_the_bound(name):
    d = _data()
    fun, args = {"rosenbrock": (rosenbrock, ()), "quadratic": (quadratic, d["quad"]),
                 "logistic": (logistic, d["logistic"])}[name]
    assert_grad_agrees(fun, d["x"], *args)


def test_the_bound_is_not_vacuous():
    """B is a few hundred units of roundoff of the gradient here, not a loose multiple of its size, and the
    errors of both paths are measurably inside it."""
    x = _data(8, seed=1)["x"]
    rec = recorded(rosenbrock, "grad", x, None, ())
    Bg = bound.rounding_bound(rec, 1)
    g = zo.grad(rosenbrock)(x)
    assert np.all(Bg <= 1e-13 * np.maximum(np.abs(g), 1.0))
    assert np.all(np.abs(zo.ad.compiled(rosenbrock, "grad")(x) - bound.replay(rec)[1]) <= Bg)


@pytest.mark.slow
def test_hvp_and_hessian_agree_within_the_bound():
    d = _data(5, seed=2)
    x, rng = d["x"], np.random.default_rng(3)
    for fun, args in ((rosenbrock, ()), (logistic, d["logistic"])):
        v = rng.standard_normal(x.size)
        assert_hvp_column_agrees(fun, x, v, args, zo.ad.compiled(fun, "hvp")(x, v, *args))
        H = zo.ad.compiled(fun, "hessian")
        Hc = H(x, *args)
        assert H.stats["compiled"] == 1
        for j in range(x.size):                      # column j is the HVP along e_j
            assert_hvp_column_agrees(fun, x, np.eye(x.size)[j], args, Hc[:, j])


def test_hessian_hoists_what_does_not_depend_on_the_direction():
    """The column loop of the compiled Hessian recomputes only the tangent part: rosenbrock's forward
    pass (x[1:] - x[:-1]**2) sits before the loop."""
    H = zo.ad.compiled(rosenbrock, "hessian")
    x = _data(4)["x"][:4]
    np.testing.assert_allclose(H(x), zo.hessian(rosenbrock)(x), rtol=1e-13, atol=1e-12)
    source = H._versions[next(iter(H._versions))][0].built.source
    before_loop = source.split("for col in range")[0]
    assert "x[1:]" in before_loop and "x[:-1]" in before_loop


def test_float32_point_gets_a_float32_gradient():
    x = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    f, g = zo.ad.compiled(rosenbrock)(x)
    ft, gt = zo.value_and_grad(rosenbrock)(x)
    assert g.dtype == gt.dtype == np.float32
    np.testing.assert_allclose(g, gt, rtol=1e-6)


# --- guards and retraces ---------------------------------------------------------------------------------
def branch(x):
    if x[0] > 0:
        return np.sum(x ** 2)
    return np.sum(np.sin(x))


def test_both_sides_of_a_branch():
    c = zo.ad.compiled(branch)
    up, down = np.array([1.0, 2.0, -0.5]), np.array([-1.0, 2.0, -0.5])
    for x in (up, down, up, down):
        f, g = c(x)
        ft, gt = zo.value_and_grad(branch)(x)
        assert f == pytest.approx(ft, rel=1e-15) and np.allclose(g, gt, rtol=1e-15, atol=0)
    # one recording per side, then both are reused (the first side's guard fails on the other side)
    assert c.stats == dict(calls=4, compiled=4, traced=0, retraces=1, guard_failures=2)
    assert [v["guards"] for v in c.versions()] == [1, 1]


def masked(x):
    return np.sum(np.where(x > 0, x ** 2, 0.1 * x))


def test_a_mask_that_changes():
    c = zo.ad.compiled(masked, "grad")
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_array_equal(c(x), [2.0, 0.1, 6.0])
    x2 = np.array([1.0, 2.0, 3.0])                  # the second entry crosses 0: the mask guard fails
    np.testing.assert_array_equal(c(x2), [2.0, 4.0, 6.0])
    assert c.stats["retraces"] == 1 and c.stats["traced"] == 0


def sorted_weights(x):
    return np.sum(np.sort(x) * np.arange(1.0, x.size + 1))


def test_a_permutation_that_changes():
    c = zo.ad.compiled(sorted_weights, "grad")
    x = np.array([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(c(x), [3.0, 1.0, 2.0])
    np.testing.assert_array_equal(c(x + 0.5), [3.0, 1.0, 2.0])      # the same order: no retrace
    assert c.stats["retraces"] == 0
    np.testing.assert_array_equal(c(np.array([1.0, 3.0, 2.0])), [1.0, 3.0, 2.0])
    assert c.stats["retraces"] == 1


def test_argmax_and_int_decisions_are_guarded():
    def f(x):
        k = int(np.argmax(x))
        return x[k] ** 2 + x[int(x[0]) % 3] * 3.0
    c = zo.ad.compiled(f, "grad")
    for x in ([1.5, 0.0, 0.2], [1.5, 2.0, 0.2], [2.5, 0.0, 3.0], [0.5, 0.0, 3.0]):
        x = np.array(x)
        np.testing.assert_array_equal(c(x), zo.grad(f)(x))
    assert c.stats["traced"] == 0 and c.stats["retraces"] >= 2


def test_masks_inside_the_rules_are_computed_not_guarded():
    """abs, maximum, sqrt at 0: their masks and signs are values of the program, so a sign that changes
    needs no retrace, and the roots at 0 take the derivative 0 as on the traced path."""
    def f(x):
        return np.sum(np.abs(x)) + np.sum(np.maximum(x, 0.0) ** 2) + np.sqrt(x @ x) + np.linalg.norm(x)
    c = zo.ad.compiled(f, "grad")
    for x in ([1.0, -2.0, 0.5], [-1.0, 2.0, 0.0], [0.0, 0.0, 0.0], [0.3, 0.3, -0.3]):
        x = np.array(x)
        np.testing.assert_allclose(c(x), zo.grad(f)(x), rtol=1e-15, atol=1e-15)
    assert c.stats["retraces"] == 0 and c.versions()[0]["guards"] == 0


# --- the fallback and its one warning ---------------------------------------------------------------------
def _calls(c, points, *args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = [c(np.array(x), *args) for x in points]
    return out, [w for w in caught if w.category is CompileWarning]


def test_an_operation_without_a_template_falls_back_with_one_warning():
    def f(x):
        return np.sum(np.linalg.solve(np.eye(3) * 2.0 + np.outer(x, x), x))
    c = zo.ad.compiled(f, "grad")
    out, warned = _calls(c, [[1.0, 2.0, 3.0], [0.5, 0.1, 0.2], [1.0, 1.0, 1.0]])
    assert len(warned) == 1 and "solve" in str(warned[0].message) and "traced path" in str(warned[0].message)
    for x, g in zip([[1.0, 2.0, 3.0], [0.5, 0.1, 0.2], [1.0, 1.0, 1.0]], out):
        np.testing.assert_array_equal(g, zo.grad(f)(np.array(x)))
    assert c.stats["traced"] == 3


def test_an_unchecked_read_refuses_and_names_it():
    def f(x):
        return np.sum(np.roll(x, x[0]) * np.arange(3.0))         # the shift is read from x: not checkable
    c = zo.ad.compiled(f, "grad")
    out, warned = _calls(c, [[1.0, 2.0, 3.0], [2.0, 2.0, 3.0]])
    assert len(warned) == 1 and "_roll" in str(warned[0].message)
    np.testing.assert_array_equal(out[1], zo.grad(f)(np.array([2.0, 2.0, 3.0])))


def test_a_decision_without_a_check_refuses_and_names_it():
    def f(x):
        return np.sum(x[np.nonzero(x > 0)] ** 2)             # nonzero of a mask is plain; of x itself: refused
    def g(x):
        return np.sum(x[np.nonzero(x)] ** 2)
    assert _calls(zo.ad.compiled(f, "grad"), [[1.0, -2.0, 3.0]])[1] == []
    _, warned = _calls(zo.ad.compiled(g, "grad"), [[1.0, 0.0, 3.0]])
    assert len(warned) == 1 and "numpy.nonzero" in str(warned[0].message)


def test_the_node_limit():
    def chain(x):
        for _ in range(30):
            x = np.sin(x) * 0.9
        return np.sum(x)
    c = zo.ad.compiled(chain, "grad", node_limit=50)
    out, warned = _calls(c, [[1.0, 2.0], [0.1, 0.2]])
    assert len(warned) == 1 and "node limit 50" in str(warned[0].message)
    np.testing.assert_array_equal(out[0], zo.grad(chain)(np.array([1.0, 2.0])))


def test_too_many_retraces_fall_back_with_one_warning(monkeypatch):
    monkeypatch.setattr(cp.function, "MAX_RETRACES", 2)
    monkeypatch.setattr(cp.function, "MAX_VERSIONS", 1)
    c = zo.ad.compiled(branch, "grad")
    points = [[1.0, 0.0], [-1.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [1.0, 0.0]]
    out, warned = _calls(c, points)
    assert len(warned) == 1 and "guards failed at 2 points" in str(warned[0].message)
    for x, g in zip(points, out):
        np.testing.assert_array_equal(g, zo.grad(branch)(np.array(x)))


def test_an_error_of_the_function_is_the_traced_paths_error_without_a_warning():
    c = zo.ad.compiled(lambda x: x * 2.0, "grad")            # not a scalar
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        with pytest.raises(TypeError, match="grad needs fun to return a scalar"):
            c(np.ones(3))


def test_bad_arguments():
    with pytest.raises(ValueError, match="kind must be one of"):
        zo.ad.compiled(rosenbrock, "jacobian")
    with pytest.raises(TypeError, match="fun must be callable"):
        zo.ad.compiled(3.0)
    with pytest.raises(ValueError, match="the tangent v must have the shape of x"):
        zo.ad.compiled(rosenbrock, "hvp")(np.ones(3), np.ones(2))


# --- keys and arguments ------------------------------------------------------------------------------------
def test_each_function_has_its_own_programs():
    """Two functions of the same structure never share a program, nor two values of a number argument."""
    def twice(x):
        return np.sum(x ** 2) * 2.0

    def thrice(x):
        return np.sum(x ** 2) * 3.0
    x = np.array([1.0, 2.0])
    np.testing.assert_array_equal(zo.ad.compiled(twice, "grad")(x), [4.0, 8.0])
    np.testing.assert_array_equal(zo.ad.compiled(thrice, "grad")(x), [6.0, 12.0])

    def scaled(x, s):
        return np.sum(x ** 2) * s
    c = zo.ad.compiled(scaled, "grad")
    np.testing.assert_array_equal(c(x, 2.0), [4.0, 8.0])
    np.testing.assert_array_equal(c(x, 3.0), [6.0, 12.0])
    assert len(c.versions()) == 2


def test_array_arguments_are_read_at_every_call():
    """Float arrays are inputs of the program (an in-place change is used); integer arrays are checked
    by content (a change retraces); a shape change is another key."""
    def f(x, w, idx):
        return np.sum(w * x[idx] ** 2)
    c = zo.ad.compiled(f, "grad")
    x, w, idx = np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0]), np.array([0, 2])
    np.testing.assert_array_equal(c(x, w, idx), [2.0, 0.0, 6.0])
    w[1] = 10.0
    np.testing.assert_array_equal(c(x, w, idx), [2.0, 0.0, 60.0])
    idx[1] = 1
    np.testing.assert_array_equal(c(x, w, idx), [2.0, 40.0, 0.0])
    np.testing.assert_array_equal(c(x, np.ones(3), np.arange(3)), [2.0, 4.0, 6.0])
    assert c.stats["traced"] == 0 and len(c.versions()) == 3


def test_an_argument_that_cannot_be_keyed_falls_back():
    c = zo.ad.compiled(lambda x, opts: np.sum(x ** opts["p"]), "grad")
    _, warned = _calls(c, [[1.0, 2.0]], {"p": 2.0})
    assert len(warned) == 1 and "argument of type dict" in str(warned[0].message)


def test_a_recording_does_not_leak_into_another_thread():
    """While one thread records (the tracer's hook is set), another runs the traced path on a function
    that reads raw values: its results are the traced path's and the recording's are unaffected."""
    def reads(x):
        return np.sum(np.roll(x, x[0]) ** 2)
    ref = zo.grad(reads)(np.array([1.0, 2.0, 3.0]))
    stop, errors = threading.Event(), []

    def other():
        while not stop.is_set():
            g = zo.grad(reads)(np.array([1.0, 2.0, 3.0]))
            if not np.array_equal(g, ref):
                errors.append(g)
    t = threading.Thread(target=other)
    t.start()
    try:
        for k in range(20):
            x = np.array([1.0 + k, 2.0, 3.0])
            rec = record.record(lambda x: api.value_and_grad(rosenbrock)(x), (x,), {0: "x"})
            assert rec.reads == [] and rec.guards == []
    finally:
        stop.set()
        t.join()
    assert errors == []
    from zeroopt.ad import tracer
    assert tracer.RECORDER is None


# --- ExactAD(compiled=True) ---------------------------------------------------------------------------------
def test_exact_ad_compiled_counts_and_values():
    p = zo.problems.logistic(60, 5, seed=1)
    x = np.linspace(-1.0, 1.0, 5)
    o = zo.ExactAD(compiled=True)
    est = o.estimate(p, x)
    ref = zo.ExactAD().estimate(p, x)
    assert (p.nfev, p.ngev) == (0, 2)
    np.testing.assert_allclose(est.grad, ref.grad, rtol=1e-14, atol=1e-16)
    assert est.fx == pytest.approx(ref.fx, rel=1e-15) and est.g2 == pytest.approx(float(est.grad @ est.grad))
    assert repr(o) == "ExactAD(compiled=True)" and repr(zo.ExactAD()) == "ExactAD()"
    with pytest.raises(TypeError, match="compiled must be True or False"):
        zo.ExactAD(compiled="yes")


def test_exact_ad_compiled_reports_a_non_finite_value_with_its_point():
    p = zo.Problem(lambda x: np.sum(np.log(x)), 2, jit=False)
    with pytest.raises(FloatingPointError, match="non-finite|f = nan|-inf"):
        zo.ExactAD(compiled=True)(p, np.array([1.0, -1.0]))


def test_minimize_with_the_compiled_gradient_matches_the_traced_one():
    p = zo.problems.quadratic(5, seed=4)
    x0 = np.ones(5)
    a = zo.minimize(p, x0, zo.ExactAD(compiled=True), maxiter=60)
    b = zo.minimize(zo.problems.quadratic(5, seed=4), x0, zo.ExactAD(), maxiter=60)
    assert a.status == b.status and (a.nit, a.ngev, a.nfev) == (b.nit, b.ngev, b.nfev) == (60, 60, 0)
    np.testing.assert_allclose(a.x, b.x, rtol=0, atol=1e-13)


def test_the_shared_derivative_of_a_function_is_one_and_lets_it_go():
    import gc

    def make():
        return lambda x: np.sum(x ** 2)
    f = make()
    assert cp.shared(f) is cp.shared(f) and cp.shared(f, "hvp") is not cp.shared(f)
    p, q = zo.Problem(f, 2, jit=False), zo.Problem(f, 2, jit=False)
    zo.ExactAD(compiled=True)(p, np.ones(2))
    zo.ExactAD(compiled=True)(q, np.ones(2))
    assert cp.shared(f).stats["compiled"] == 2 and len(cp.shared(f).versions()) == 1
    before = len(cp._SHARED)
    del f, p, q
    gc.collect()
    assert len(cp._SHARED) == before - 1


def test_the_user_guide_states_the_limits_of_this_build():
    import pathlib
    text = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "user_guide" / "ad.md").read_text()
    assert f"up to {cp.MAX_VERSIONS} per shape" in text
    assert f"more than {cp.MAX_RETRACES} retraces" in text
    assert f"(default {cp.NODE_LIMIT}," in text


def test_the_disk_cache_is_private_and_checked(tmp_path, monkeypatch):
    """Generated sources are imported only from a directory of this user that no one else can write,
    and only when the file holds exactly the generated text."""
    import os

    from zeroopt.ad.compiler import build
    src = "def zo_prog(x, v, args, consts, out):\n    return 0, 1.0, 0.0\n"
    text = "import numpy as np\n\n\n" + src
    private = tmp_path / "private"
    monkeypatch.setattr(build, "CACHE_DIR", str(private))
    key = "k" * 24
    path = build._cached_source(key, text)
    assert path is not None and open(path).read() == text and (os.stat(private).st_mode & 0o077) == 0
    with open(path, "w") as fh:                                    # another content: rewritten
        fh.write("import os\n")
    assert build._cached_source(key, text) == path and open(path).read() == text
    shared_dir = tmp_path / "shared"
    shared_dir.mkdir(mode=0o777)
    os.chmod(shared_dir, 0o777)
    monkeypatch.setattr(build, "CACHE_DIR", str(shared_dir))
    assert build._cached_source(key, text) is None and os.listdir(shared_dir) == []
    assert build.compile_source(src) is build.compile_source(src)     # one dispatcher per source
