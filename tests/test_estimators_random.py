"""Random oracles: moments against the estimators' table (zeroopt.estimators), reproducibility, paths, counts, errors."""

import numba
import numpy as np
import pytest
import scipy.optimize
from conftest import counting_problem, exact_grad, nan_beyond

import zeroopt as zo
from zeroopt.problems import quadratic_fun

N_MC = 20000


def unbatched(p):
    """The same quadratic without batch_fun, so multi-point calls go through the numba kernels."""
    return zo.Problem(quadratic_fun, p.dim, args=p.args, name="unbatched")


def samples(oracle, p, x, N=N_MC):
    return np.array([oracle(p, x) for _ in range(N)])


def within_4se(sample, expected):
    """|mean - expected| <= 4 standard errors (estimated from the sample), per column."""
    sample = np.asarray(sample, dtype=float)
    mean = sample.mean(axis=0)
    se = sample.std(axis=0, ddof=1) / np.sqrt(sample.shape[0])
    return np.abs(mean - expected) <= 4 * se + 1e-12 * (1 + np.abs(expected)), mean, se


ORACLES = [
    ("sphere", lambda: zo.TwoPoint(dist="sphere", seed=11)),
    ("gaussian", lambda: zo.TwoPoint(dist="gaussian", seed=12)),
    ("rademacher", lambda: zo.TwoPoint(dist="rademacher", seed=13)),
    ("sphere-q4", lambda: zo.TwoPoint(dist="sphere", directions=4, seed=14)),
    ("gaussian-q3", lambda: zo.TwoPoint(dist="gaussian", directions=3, seed=15)),
    ("rademacher-q2", lambda: zo.TwoPoint(dist="rademacher", directions=2, seed=16)),
    ("orthogonal-q2", lambda: zo.TwoPoint(directions=2, orthogonal=True, seed=17)),
    ("coordinate", lambda: zo.RandomCoordinate(seed=18)),
    ("forward-sphere", lambda: zo.TwoPoint(dist="sphere", scheme="forward", seed=19)),
    ("forward-gaussian", lambda: zo.TwoPoint(dist="gaussian", scheme="forward", seed=20)),
    ("forward-orthogonal-q3", lambda: zo.TwoPoint(directions=3, orthogonal=True, scheme="forward", seed=21)),
]


@pytest.mark.parametrize("name, make", ORACLES, ids=[o[0] for o in ORACLES])
@pytest.mark.slow
def test_unbiased_with_the_tables_second_moment(name, make, quad):
    """E G = g and E||G - g||^2 = (m - 1) ||g||^2 on a quadratic, each within 4 standard errors."""
    p = unbatched(quad)
    n = p.dim
    x = np.random.default_rng(5).standard_normal(n)
    g = exact_grad(p, x)
    oracle = make()
    G = samples(oracle, p, x)
    ok, mean, se = within_4se(G, g)
    assert ok.all(), (mean, g, se)
    m = oracle.second_moment_factor(n)
    sq = np.sum((G - g) ** 2, axis=1)
    ok, mean_sq, se_sq = within_4se(sq, (m - 1) * (g @ g))
    assert ok, (mean_sq, (m - 1) * (g @ g), se_sq)
    assert p.nfev == N_MC * oracle.evals_per_call(n)


def test_table_values_of_m_and_evaluations():
    n = 10
    cases = [
        (zo.TwoPoint(dist="sphere"), n, 2), (zo.TwoPoint(dist="rademacher"), n, 2),
        (zo.TwoPoint(dist="gaussian"), n + 2, 2), (zo.RandomCoordinate(), n, 2),
        (zo.TwoPoint(directions=4), 1 + (n - 1) / 4, 8), (zo.TwoPoint(dist="gaussian", directions=4), 1 + (n + 1) / 4, 8),
        (zo.TwoPoint(directions=4, orthogonal=True), n / 4, 8), (zo.TwoPoint(directions=4, scheme="forward"), 1 + (n - 1) / 4, 5),
        (zo.TwoPoint(directions=n, orthogonal=True), 1.0, 2 * n),
    ]
    for oracle, m, evals in cases:
        assert oracle.second_moment_factor(n) == pytest.approx(m) and oracle.evals_per_call(n) == evals


@pytest.mark.slow
def test_averaged_variance_falls_as_one_over_q(quad):
    p = unbatched(quad)
    n = p.dim
    x = np.random.default_rng(6).standard_normal(n)
    g = exact_grad(p, x)
    for q in (1, 4, 16):
        G = samples(zo.TwoPoint(directions=q, seed=100 + q), p, x, N=8000)
        sq = np.sum((G - g) ** 2, axis=1)
        ok, mean, se = within_4se(sq, (n - 1) * (g @ g) / q)
        assert ok, (q, mean, (n - 1) * (g @ g) / q)


@pytest.mark.parametrize("scheme", ["central", "forward"])
def test_orthogonal_full_frame_is_exact_on_quadratics(scheme, quad):
    p = unbatched(quad)
    n = p.dim
    x = np.random.default_rng(7).standard_normal(n)
    g = exact_grad(p, x)
    for seed in range(5):
        G = zo.TwoPoint(eps=1e-3, directions=n, orthogonal=True, scheme=scheme, seed=seed)(p, x)
        # central: exact up to rounding; forward: bias (eps/2) sum_j (v_j'Av_j) v_j, of order eps * L * n
        tol = 1e-9 if scheme == "central" else 1e-3 * 10 * n
        assert np.linalg.norm(G - g) <= tol * max(1.0, np.linalg.norm(g))


def test_orthogonal_frames_are_orthonormal():
    V = zo.TwoPoint(directions=4, orthogonal=True).draw(np.random.default_rng(0), 9)
    np.testing.assert_allclose(V @ V.T, np.eye(4), atol=1e-14)


# --- reproducibility ---------------------------------------------------------------------------
RANDOM = [
    lambda: zo.TwoPoint(dist="sphere", seed=3), lambda: zo.TwoPoint(dist="gaussian", directions=3, seed=3),
    lambda: zo.TwoPoint(dist="rademacher", directions=2, seed=3),
    lambda: zo.TwoPoint(directions=3, orthogonal=True, seed=3), lambda: zo.RandomCoordinate(seed=3),
]


@pytest.mark.parametrize("make", RANDOM)
def test_same_seed_same_bits_and_reseed(make, quad):
    x = np.linspace(-1, 1, quad.dim)
    a, b = make(), make()
    seq_a = [a(quad, x) for _ in range(4)]
    seq_b = [b(quad, x) for _ in range(4)]
    assert all(np.array_equal(u, v) for u, v in zip(seq_a, seq_b))
    assert not np.array_equal(seq_a[0], seq_a[1])        # the stream advances
    a.reseed()
    assert np.array_equal(a(quad, x), seq_a[0])          # reseed restarts it
    c = make()
    ext = c(quad, x, rng=np.random.default_rng(99))      # rng= replaces the stream for one call ...
    assert np.array_equal(c(quad, x), seq_a[0])          # ... and leaves the oracle's own untouched
    assert np.array_equal(ext, make()(quad, x, rng=99))  # an integer seed works too


@pytest.mark.parametrize("make", RANDOM)
def test_block_draw_equals_single_draws(make):
    o = make()
    n, B = 7, 5
    block = o.draw(np.random.default_rng(42), n, steps=B)
    rng = np.random.default_rng(42)
    singles = np.stack([o.draw(rng, n) for _ in range(B)])
    assert block.shape[0] == B and np.array_equal(block, singles)


def test_estimates_from_a_block_equal_successive_calls(quad):
    o = zo.TwoPoint(directions=2, seed=8)
    p = unbatched(quad)
    x = np.ones(p.dim)
    calls = [o(p, x) for _ in range(3)]
    block = zo.TwoPoint(directions=2).draw(np.random.default_rng(8), p.dim, steps=3)
    along = [zo.TwoPoint(directions=2).estimate_along(p, x, V).grad for V in block]
    assert all(np.array_equal(u, v) for u, v in zip(calls, along))


# --- paths: parallel, batched, python mode -------------------------------------------------------
@pytest.mark.parametrize("scheme", ["central", "forward"])
@pytest.mark.slow
def test_parallel_equals_serial_bit_for_bit(scheme, quad):
    p = unbatched(quad)
    x = np.random.default_rng(9).standard_normal(p.dim)
    for dist, orth in (("sphere", False), ("gaussian", False), ("sphere", True)):
        kw = dict(directions=5, dist=dist, orthogonal=orth, scheme=scheme, seed=4)
        ser = zo.TwoPoint(parallel=False, **kw)
        par = zo.TwoPoint(parallel=True, **kw)
        for _ in range(3):
            assert np.array_equal(ser(p, x), par(p, x))


@numba.njit
def slow_quadratic(x, A, c):
    """The quadratic plus a loop that takes ~tens of microseconds and adds exactly 0."""
    s = 0.0
    for k in range(20000):
        s += np.sin(k * 1e-3) * 0.0
    d = x - c
    return 0.5 * (d @ (A @ d)) + s


@pytest.mark.slow
def test_parallel_none_rule_measures_before_using_threads(quad):
    o = zo.TwoPoint(directions=4)
    cheap = unbatched(quad)
    costly = zo.Problem(slow_quadratic, quad.dim, args=quad.args)
    assert not o._use_threads(costly)            # cost unknown before the first call: serial
    for _ in range(2):                           # (the first call may compile and is not timed)
        o(costly, np.zeros(quad.dim))            # measured serial: ~8 x 0.1 ms, above the threshold
        o(cheap, np.zeros(quad.dim))             # measured serial: microseconds, below it
    threads = numba.get_num_threads() > 1
    assert o._use_threads(costly) == threads     # so threads are tried once ...
    assert not o._use_threads(cheap)
    assert not zo.TwoPoint(directions=1)._use_threads(costly)
    if threads:                                  # ... and then the faster mode per evaluation is kept
        for parallel, faster in ((2e-3, False), (5e-4, True)):
            measured = zo.Problem(slow_quadratic, quad.dim, args=quad.args)
            measured.compiled.record_cost("serial", 1e-3, 1)
            measured.compiled.record_cost("parallel", parallel, 1)
            assert o._use_threads(measured) == faster
    assert zo.TwoPoint(directions=4, parallel=True)._use_threads(cheap)
    assert not zo.TwoPoint(directions=4, parallel=False)._use_threads(costly)


@pytest.mark.parametrize("scheme", ["central", "forward"])
def test_batched_matches_serial_and_counts_points(scheme, quad):
    x = np.random.default_rng(10).standard_normal(quad.dim)
    q = 4
    batched = zo.TwoPoint(directions=q, scheme=scheme, seed=2)(quad, x)
    assert quad.nfev == (q + 1 if scheme == "forward" else 2 * q)
    serial = zo.TwoPoint(directions=q, scheme=scheme, seed=2)(unbatched(quad), x)
    # D_j from a matrix product vs matrix-vector products: the values differ by rounding only,
    # ~ gamma F / eps per difference with F ~ 10 here; coef * q * |D error| bounds the gap.
    assert np.max(np.abs(batched - serial)) <= quad.dim * 4 * 1e-15 * 100 / 1e-4


def test_python_mode_matches_jit(quad):
    x = np.random.default_rng(11).standard_normal(quad.dim)
    A, c = quad.args
    py = zo.Problem(quadratic_fun.py_func, quad.dim, args=(A, c), jit=False)
    for make in (lambda: zo.TwoPoint(directions=3, seed=1), lambda: zo.RandomCoordinate(seed=1),
                 lambda: zo.CoordinateFD(), lambda: zo.CoordinateFD(scheme="forward")):
        np.testing.assert_allclose(make()(py, x), make()(unbatched(quad), x), rtol=1e-7, atol=1e-9)
    assert py.nfev == 2 * 3 + 2 + 2 * 6 + 7


# --- exact counts --------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: zo.CoordinateFD(), lambda: zo.CoordinateFD(scheme="forward"), lambda: zo.RandomCoordinate(),
    lambda: zo.TwoPoint(), lambda: zo.TwoPoint(directions=3, scheme="forward"),
    lambda: zo.TwoPoint(directions=4, parallel=True), lambda: zo.TwoPoint(directions=5, scheme="forward", parallel=True),
])
@pytest.mark.slow
def test_nfev_equals_calls_made(make, quad):
    p, counts = counting_problem(quad)
    o = make()
    x = np.zeros(p.dim)
    for _ in range(3):
        o(p, x)
    assert p.nfev == counts.sum() == 3 * o.evals_per_call(p.dim)


def hole_problem(quad, limit):
    A, c = quad.args
    return zo.Problem(nan_beyond, quad.dim, args=(A, c, limit), name="hole")


@pytest.mark.parametrize("make, what", [
    (lambda: zo.CoordinateFD(eps=0.1), "coordinate 0"),
    (lambda: zo.CoordinateFD(eps=0.1, scheme="forward"), "coordinate 0"),
    (lambda: zo.TwoPoint(eps=1.0, directions=3, orthogonal=True), "direction"),
    (lambda: zo.TwoPoint(eps=1.0, directions=3, orthogonal=True, parallel=True), "direction"),
    (lambda: zo.TwoPoint(eps=1.0, directions=3, orthogonal=True, scheme="forward"), "direction"),
])
@pytest.mark.slow
def test_non_finite_value_raises_naming_the_point(make, what, quad):
    p = hole_problem(quad, 0.25)
    x = np.zeros(p.dim)
    x[0] = 0.2
    before = x.copy()
    o = make()
    with pytest.raises(FloatingPointError, match=rf"hole: f = nan at x .*{what}.*point is"):
        o(p, x)
    assert np.array_equal(x, before)
    assert 1 <= p.nfev <= o.evals_per_call(p.dim)
    if isinstance(o, zo.CoordinateFD):
        assert p.nfev == (1 if o.scheme == "central" else 2)  # stops at the first failing point


@pytest.mark.slow
def test_nfev_exact_when_a_thread_stops_early(quad):
    """Parallel kernel, failure in one direction: the count is what the threads really evaluated."""
    A, c = quad.args
    counts = np.zeros(max(64, numba.config.NUMBA_NUM_THREADS + 1), dtype=np.int64)

    @numba.njit
    def holey_counting(x, A, c, counts):
        counts[numba.get_thread_id()] += 1
        if x[0] > 0.5:
            return np.inf
        d = x - c
        return 0.5 * (d @ (A @ d))

    p = zo.Problem(holey_counting, quad.dim, args=(A, c, counts))
    V = np.eye(quad.dim)  # only direction 0 reaches x[0] > 0.5
    with pytest.raises(FloatingPointError, match="direction 0"):
        zo.TwoPoint(eps=1.0, directions=quad.dim, orthogonal=True, parallel=True).estimate_along(p, np.zeros(quad.dim), V)
    assert p.nfev == counts.sum()


def test_batched_non_finite_counts_all_points_and_names_the_first(quad):
    def hole_batch(X, A, c, limit):
        D = X - c
        v = 0.5 * np.einsum("ij,ij->i", D @ A, D)
        return np.where(X[:, 0] > limit, np.nan, v)

    A, c = quad.args
    p = zo.Problem(nan_beyond, quad.dim, args=(A, c, 0.5), batch_fun=hole_batch)
    V = np.eye(quad.dim)[:3]
    with pytest.raises(FloatingPointError, match="direction 0 of 3"):
        zo.TwoPoint(eps=1.0, directions=3, orthogonal=True).estimate_along(p, np.zeros(quad.dim), V)
    assert p.nfev == 6


def test_python_mode_exception_counts_and_leaves_x_alone():
    calls = []

    def flaky(x):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("simulator crashed")
        return float(np.sum(x ** 2))

    p = zo.Problem(flaky, 3, jit=False)
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="crashed"):
        zo.CoordinateFD()(p, x)
    assert p.nfev == 3 and np.array_equal(x, [1.0, 2.0, 3.0])


def test_x_is_never_modified(quad):
    x = np.random.default_rng(12).standard_normal(quad.dim)
    before = x.copy()
    for o in (zo.CoordinateFD(), zo.CoordinateFD(scheme="forward"), zo.RandomCoordinate(),
              zo.TwoPoint(), zo.TwoPoint(directions=3), zo.TwoPoint(directions=3, parallel=True),
              zo.TwoPoint(scheme="forward")):
        o(quad, x)
        o(unbatched(quad), x)
    assert np.array_equal(x, before)


# --- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("build, err, match", [
    (lambda: zo.TwoPoint(eps=0.0), ValueError, "eps"), (lambda: zo.TwoPoint(eps=-1e-3), ValueError, "eps"),
    (lambda: zo.TwoPoint(eps=float("nan")), ValueError, "eps"), (lambda: zo.TwoPoint(eps="1"), TypeError, "eps"),
    (lambda: zo.CoordinateFD(eps=0), ValueError, "eps"), (lambda: zo.RandomCoordinate(eps=-1), ValueError, "eps"),
    (lambda: zo.TwoPoint(directions=0), ValueError, "directions"), (lambda: zo.TwoPoint(directions=1.5), TypeError, "directions"),
    (lambda: zo.TwoPoint(dist="uniform"), ValueError, "dist"), (lambda: zo.TwoPoint(scheme="backward"), ValueError, "scheme"),
    (lambda: zo.CoordinateFD(scheme="backward"), ValueError, "scheme"),
    (lambda: zo.TwoPoint(dist="gaussian", orthogonal=True), ValueError, "orthogonal"),
    (lambda: zo.TwoPoint(parallel="yes"), TypeError, "parallel"),
])
def test_bad_constructor_arguments(build, err, match):
    with pytest.raises(err, match=match):
        build()


def test_bad_call_arguments(quad):
    with pytest.raises(ValueError, match=r"directions=7 orthogonal .* n=6"):
        zo.TwoPoint(directions=7, orthogonal=True)(quad, np.zeros(6))
    with pytest.raises(ValueError, match="directions"):
        zo.TwoPoint(directions=7, orthogonal=True).second_moment_factor(6)
    with pytest.raises(ValueError, match=r"x must have shape \(6,\)"):
        zo.TwoPoint()(quad, np.zeros(5))
    with pytest.raises(ValueError, match="x must be finite"):
        zo.CoordinateFD()(quad, np.full(6, np.inf))
    with pytest.raises(TypeError, match="rng"):
        zo.TwoPoint()(quad, np.zeros(6), rng="seed")
    with pytest.raises(TypeError, match="problem"):
        zo.TwoPoint()(lambda x: 0.0, np.zeros(6))
    assert quad.nfev == 0


# --- scipy ----------------------------------------------------------------------------------------
def test_as_jac_drives_scipy_minimize_with_exact_counts(quad):
    jac = zo.as_jac(zo.CoordinateFD(), quad)
    res = scipy.optimize.minimize(quad.value, np.zeros(quad.dim), jac=jac, method="BFGS", options={"gtol": 1e-8})
    assert res.success and np.linalg.norm(res.x - quad.x_star) < 1e-6
    assert quad.nfev == res.nfev + res.njev * 2 * quad.dim


def test_as_jac_owns_one_stream(quad):
    o = zo.TwoPoint(directions=2, seed=5)
    x = np.ones(quad.dim)
    j1, j2 = zo.as_jac(o, quad, seed=3), zo.as_jac(o, quad, seed=3)
    a = [j1(x) for _ in range(3)]
    b = [j2(x) for _ in range(3)]
    assert all(np.array_equal(u, v) for u, v in zip(a, b)) and not np.array_equal(a[0], a[1])
    assert np.array_equal(o(quad, x), zo.TwoPoint(directions=2, seed=5)(quad, x))  # oracle's stream untouched
    with pytest.raises(TypeError, match="oracle"):
        zo.as_jac(lambda p, x: x, quad)


# --- what optimizers read from an estimate -------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: zo.CoordinateFD(), lambda: zo.RandomCoordinate(seed=1), lambda: zo.TwoPoint(seed=1),
    lambda: zo.TwoPoint(dist="gaussian", directions=3, seed=1), lambda: zo.TwoPoint(directions=4, orthogonal=True, seed=1),
])
def test_gdotG_is_the_directional_derivative_along_the_estimate(make, quad):
    """Central differences of a quadratic are exact directional derivatives, so the estimator's own
    gdotG = sum_j coef D_j^2 equals <grad f(x), G> up to rounding."""
    for p in (quad, unbatched(quad)):
        x = np.random.default_rng(13).standard_normal(p.dim)
        est = make().estimate(p, x)
        g = exact_grad(p, x)
        assert est.gdotG == pytest.approx(g @ est.grad, rel=1e-8, abs=1e-9)
        assert est.nev == make().evals_per_call(p.dim) and np.isnan(est.fx)


def test_forward_schemes_return_f_at_x(quad):
    x = np.ones(quad.dim)
    for o in (zo.CoordinateFD(scheme="forward"), zo.TwoPoint(scheme="forward"), zo.TwoPoint(directions=3, scheme="forward")):
        # (q = 3 goes through batch_fun, whose matrix product rounds differently in the last bits)
        assert o.estimate(quad, x).fx == pytest.approx(quad.value(x, count=False), rel=1e-14)


def test_replacing_problem_args_retypes_the_kernels(quad):
    """Kernels are called through a cached entry point typed for problem.args: new args of another
    type (here Fortran-ordered) must be re-typed, not fed to the old entry point."""
    p = unbatched(quad)
    A, c = p.args
    x = np.random.default_rng(14).standard_normal(p.dim)
    for o in (zo.CoordinateFD(), zo.TwoPoint(directions=2, seed=0)):
        before = o(p, x)
        p.args = (np.asfortranarray(2.0 * A), c)
        after = o(p, x) if not o.random else o.reseed()(p, x)
        np.testing.assert_allclose(after, 2.0 * before, rtol=1e-8)
        p.args = (A, c)


def test_estimate_along_checks_V(quad):
    o = zo.TwoPoint(directions=2)
    with pytest.raises(ValueError, match=r"V must have shape \(directions, n\) = \(2, 6\)"):
        o.estimate_along(quad, np.zeros(6), np.ones((3, 6)))
    G = o.estimate_along(quad, np.zeros(6), np.eye(6)[:2].T.T.tolist()).grad  # lists are converted
    assert G.shape == (6,)
