"""Stochastic objectives fun(x, xi, *args) (issue 19 §1): the draw of xi (zeroopt.Xi), the Problem's own
stream, its noiseless f in histories, the oracles that refuse it, and the sample-mean problem."""

import math
import pickle
import warnings

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.history import History, checkpoints


def sampled(x, xi, A):
    d = x - A[int(xi[0])]
    return 0.5 * np.sum(d * d)


def mean_of(x, A):
    return 0.5 * np.mean(np.sum((x - A) ** 2, axis=1))


def small(seed=0, noiseless=mean_of, M=7, n=3):
    A = np.random.default_rng(123).standard_normal((M, n))
    return zo.Problem(sampled, n, args=(A,), xi=zo.Xi("index", count=M), noiseless=noiseless, seed=seed)


# --- Xi --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, count", [("normal", None), ("uniform", None), ("index", 13)])
def test_a_block_of_xi_equals_the_single_draws_bit_for_bit(kind, count):
    size = 1 if kind == "index" else 4
    xi = zo.Xi(kind, size=size, count=count)
    block = xi.draw(np.random.default_rng(5), 6)
    rng = np.random.default_rng(5)
    singles = np.stack([xi.draw(rng) for _ in range(6)])
    assert block.shape == (6, size) and block.dtype == np.float64
    np.testing.assert_array_equal(block, singles)
    # every kind is made from the standard normal numbers of the same stream
    z = np.random.default_rng(5).standard_normal((6, size))
    np.testing.assert_array_equal(xi.from_normals(z), block)


def test_xi_has_the_distribution_it_says():
    """Means within 4 standard errors of 20000 draws: uniform 1/2 (sd 1/sqrt(12)); index (M - 1)/2 (sd
    sqrt((M^2 - 1)/12)), every index drawn, none outside 0..M-1; normal 0 (sd 1)."""
    rng, k = np.random.default_rng(0), 20000
    u = zo.Xi("uniform", size=2).draw(rng, k)
    assert np.all((0 <= u) & (u <= 1)) and abs(u.mean() - 0.5) < 4 / math.sqrt(12 * 2 * k)
    M = 9
    i = zo.Xi("index", count=M).draw(rng, k).ravel()
    assert set(np.unique(i)) == set(map(float, range(M)))
    assert abs(i.mean() - (M - 1) / 2) < 4 * math.sqrt((M * M - 1) / 12 / k)
    z = zo.Xi("normal", size=3).draw(rng, k)
    assert abs(z.mean()) < 4 / math.sqrt(3 * k)


def test_bad_xi_is_refused_with_its_name():
    with pytest.raises(ValueError, match="kind"):
        zo.Xi("poisson")
    with pytest.raises(ValueError, match="count"):
        zo.Xi("index")
    with pytest.raises(ValueError, match="size must be 1"):
        zo.Xi("index", size=2, count=3)
    with pytest.raises(ValueError, match="count"):
        zo.Xi("normal", count=3)
    with pytest.raises(TypeError, match="common"):
        zo.Xi("normal", common="yes")


# --- the Problem -------------------------------------------------------------------------------------------
def test_value_draws_a_fresh_xi_from_the_problems_own_stream_and_counts_it():
    p, q = small(seed=4), small(seed=4)
    x = np.array([0.5, -1.0, 2.0])
    A = p.args[0]
    values = [p.value(x) for _ in range(5)]
    assert p.nfev == 5 and len(set(values)) > 1                     # fresh xi each time
    assert values == [q.value(x) for _ in range(5)]                  # the same stream from the same seed
    rng, xi = np.random.default_rng(4), zo.Xi("index", count=7)
    assert values == [sampled(x, xi.draw(rng), A) for _ in range(5)]
    assert p.value(x, rng=np.random.default_rng(4)) == values[0]    # rng= replaces the own stream
    assert p.value(x, count=False) == mean_of(x, A) and p.nfev == 6  # a measurement: the noiseless f


def test_the_objective_runs_compiled_and_in_python_alike():
    p = small()
    assert p.mode == "jit" and p.stochastic
    A = p.args[0]
    py = zo.Problem(sampled, 3, args=(A,), xi=zo.Xi("index", count=7), jit=False, seed=0)
    x = np.array([1.0, 2.0, 3.0])
    assert [p.value(x) for _ in range(4)] == [py.value(x) for _ in range(4)]


def test_a_stochastic_problem_pickles_with_its_xi_noiseless_and_seed():
    p = small(seed=9)
    q = pickle.loads(pickle.dumps(p))
    assert q.xi == p.xi and q.noiseless is p.noiseless and q.stochastic
    x = np.ones(3)
    assert [p.value(x) for _ in range(3)] == [q.value(x) for _ in range(3)]


def test_bad_stochastic_arguments_are_refused():
    A = np.ones((2, 3))
    with pytest.raises(TypeError, match="xi must be a zeroopt.Xi"):
        zo.Problem(sampled, 3, args=(A,), xi="index")
    with pytest.raises(ValueError, match="noiseless"):
        zo.Problem(mean_of, 3, args=(A,), noiseless=mean_of)
    with pytest.raises(ValueError, match="batch_fun"):
        zo.Problem(sampled, 3, args=(A,), xi=zo.Xi("index", count=2), batch_fun=lambda X, A: X[:, 0])


@pytest.mark.parametrize("oracle", [zo.CoordinateFD(), zo.RandomCoordinate(), zo.ExactAD()],
                         ids=["CoordinateFD", "RandomCoordinate", "ExactAD"])
def test_oracles_without_a_draw_for_xi_refuse_a_stochastic_problem(oracle):
    p = small()
    with pytest.raises(TypeError, match=f"{type(oracle).__name__} cannot estimate on the stochastic problem"):
        oracle(p, np.zeros(3))
    assert p.nfev == 0


# --- the history -------------------------------------------------------------------------------------------
def test_the_history_measures_the_noiseless_f_and_its_gradient():
    p = small()
    x0 = np.array([1.0, -1.0, 0.5])
    h = History(p, checkpoints(2, "all"), ("f", "grad_norm2"))
    h.record(0, x0, 0)
    A = p.args[0]
    g = x0 - A.mean(axis=0)
    assert h.rows[0][2] == mean_of(x0, A) and h.rows[0][3] == pytest.approx(g @ g, rel=1e-12)
    assert p.nfev == 0


def test_without_a_noiseless_f_the_history_says_it_measures_one_draw():
    p = small(noiseless=None)
    x0 = np.array([1.0, -1.0, 0.5])
    with pytest.warns(RuntimeWarning, match="no noiseless f, so the history measures F\\(x, xi\\) at one draw"):
        h = History(p, checkpoints(2, "all"), ("f", "grad_norm2"))
    h.record(0, x0, 0)
    A, rng = p.args[0], np.random.default_rng(0)                    # the history's own stream, seeded 0
    assert h.rows[0][2] == sampled(x0, zo.Xi("index", count=7).draw(rng), A)
    assert math.isnan(h.rows[0][3]) and p.nfev == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        History(p, checkpoints(2, "none"), ("f",))                  # measures nothing: says nothing


def test_line_searches_refuse_a_stochastic_problem_by_name():
    p = small()
    with pytest.raises(TypeError, match="a line search cannot serve the stochastic problem 'sampled'"):
        zo.minimize(p, np.ones(3), method="random_pursuit", maxiter=2, seed=0)


# --- the sample-mean problem ---------------------------------------------------------------------------------
def test_the_sample_mean_problem_has_the_constants_it_states():
    p = zo.problems.sample_mean(5, samples=50, s=2.0, seed=3)
    A, a_bar, s2 = p.args
    assert s2 == pytest.approx(4.0, rel=1e-12) and np.allclose(a_bar, A.mean(axis=0), rtol=0, atol=1e-14)
    assert p.f_star == 0.5 * s2 and np.array_equal(p.x_star, a_bar) and (p.mu, p.L) == (1.0, 1.0)
    x = np.arange(5.0)
    exact = np.mean([zo.problems.sample_mean_fun(x, np.array([float(i)]), *p.args) for i in range(50)])
    assert p.value(x, count=False) == pytest.approx(exact, rel=1e-13)
    # the gradient noise E||grad F - grad f||^2 = s^2 (sigma = s)
    assert np.mean(np.sum((A - a_bar) ** 2, axis=1)) == pytest.approx(s2, rel=1e-14)
    with pytest.raises(ValueError, match="samples"):
        zo.problems.sample_mean(3, samples=1)


# --- TwoPoint on a stochastic problem: xi joins the draw ---------------------------------------------------
def by_hand(p, x, o, raw):
    """The estimate from the raw standard normal draw of one call, written out: directions first (as the
    oracle's draw makes them), then each evaluation's xi."""
    n, q, forward = p.dim, o.q, o.scheme == "forward"
    V = o._finish(raw[:q * n].reshape(1, q, n).copy())[0]
    evals = q + 1 if forward else 2 * q
    xis = p.xi.from_normals(raw[q * n:].reshape(-1, p.xi.size))
    assert len(xis) == (1 if p.xi.common else evals)

    def xi(e):
        return xis[0] if p.xi.common else xis[e]

    F = p.py_fun
    A = p.args
    if forward:
        f0 = F(x, xi(0), *A)
        D = [(F(x + o.eps * V[j], xi(1 + j), *A) - f0) / o.eps for j in range(q)]
    else:
        D = [(F(x + o.eps * V[j], xi(2 * j), *A) - F(x - o.eps * V[j], xi(2 * j + 1), *A)) / (2 * o.eps)
             for j in range(q)]
    return o.coef(n) * sum(d * v for d, v in zip(D, V))


@pytest.mark.parametrize("common", [True, False])
@pytest.mark.parametrize("dist, scheme, q", [("gaussian", "forward", 1), ("sphere", "central", 2),
                                             ("rademacher", "forward", 3)])
def test_the_estimate_is_the_formula_with_xi_from_the_oracles_draw(dist, scheme, q, common):
    A = np.random.default_rng(123).standard_normal((7, 3))
    p = zo.Problem(sampled, 3, args=(A,), xi=zo.Xi("index", count=7, common=common), noiseless=mean_of)
    o = zo.TwoPoint(eps=1e-3, dist=dist, scheme=scheme, directions=q, seed=11)
    x = np.array([0.3, -0.2, 1.0])
    G = o(p, x)
    width = q * 3 + (1 if common else (q + 1 if scheme == "forward" else 2 * q))
    raw = np.random.default_rng(11).standard_normal(width)      # one call's draw: one normal vector
    np.testing.assert_allclose(G, by_hand(p, x, o, raw), rtol=1e-12, atol=1e-14)
    assert p.nfev == o.evals_per_call(3)                         # every evaluation counted, as the table says
    # a block of draws equals the single draws, bit for bit (the oracles' block-draw protocol)
    block = o.draw_xi(np.random.default_rng(5), 3, p.xi, steps=4)
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(block, np.stack([o.draw_xi(rng, 3, p.xi) for _ in range(4)]))


def shifted(x, xi):
    return 0.5 * np.sum(x * x) + 10.0 * xi[0]


@pytest.mark.slow
def test_common_random_numbers_cancel_a_noise_that_does_not_depend_on_x():
    """F(x, xi) = f(x) + 10 xi: at common xi the estimate is the deterministic one along the same
    direction (to rounding: 10 xi ~ 10 costs ~1e-15 * 10 / eps); at independent xi it carries
    10 (xi' - xi)/eps, about 1e5 for eps = 1e-4."""
    n, x = 4, np.array([1.0, 2.0, -1.0, 0.5])
    crn = zo.Problem(shifted, n, xi=zo.Xi("normal"))
    apart = zo.Problem(shifted, n, xi=zo.Xi("normal", common=False))
    det = zo.Problem(lambda x: 0.5 * np.sum(x * x), n)
    o = zo.TwoPoint(dist="gaussian", scheme="forward", seed=2)
    G = o(crn, x)
    V = np.random.default_rng(2).standard_normal(n + 1)[:n]
    np.testing.assert_allclose(G, o.estimate_along(det, x, V[None]).grad, rtol=0, atol=1e-9)
    assert np.linalg.norm(o.reseed()(apart, x) - G) > 1e3


@pytest.mark.slow
def test_a_run_is_a_function_of_its_seed_and_leaves_the_problems_stream_alone():
    p, q = zo.problems.sample_mean(4, samples=50, seed=1), zo.problems.sample_mean(4, samples=50, seed=1)
    x0 = p.x_star + 0.5
    a = zo.minimize(p, x0, method="zo_sgd", maxiter=200, seed=7, record="all")
    b = zo.minimize(q, x0, method="zo_sgd", maxiter=200, seed=7, record="all")
    np.testing.assert_array_equal(a.history["f"], b.history["f"])
    assert a.nfev == b.nfev == 400 == p.nfev
    assert np.array_equal(a.x, b.x) and a.fun == b.fun
    assert a.history["f"][0] == p.value(x0, count=False)          # the history measures the noiseless f
    fresh = zo.problems.sample_mean(4, samples=50, seed=1)
    assert p.value(x0) == fresh.value(x0)                        # the run drew nothing from the problem's stream


def test_gd_s_jitted_loop_draws_xi_in_blocks_as_the_python_path_draws_it_per_call():
    """The block-draw protocol with xi: the jitted loop (blocks of draw_xi, rewound at the end) gives the
    Python path's iterates, counts and final stream state, bit for bit."""
    p = zo.problems.sample_mean(6, samples=50, seed=0)
    o = zo.TwoPoint(dist="gaussian", scheme="forward", seed=1)
    x0 = p.x_star + 0.3
    rngs = [np.random.default_rng(5), np.random.default_rng(5)]
    a, b = (zo.minimize(p, x0, o, step=0.02, maxiter=300, seed=rng, jit=jit, record="all")
            for rng, jit in zip(rngs, (False, True)))
    np.testing.assert_array_equal(a.history["f"], b.history["f"])
    assert np.array_equal(a.x, b.x) and a.nfev == b.nfev == 600
    assert rngs[0].random() == rngs[1].random()                 # the unused draws were put back


def infinite_at_sample_3(x, xi):
    return np.inf if int(xi[0]) == 3 else 0.5 * np.sum(x * x)


@pytest.mark.slow
def test_a_non_finite_sample_is_reported_with_its_point_on_both_paths():
    p = zo.Problem(infinite_at_sample_3, 2, xi=zo.Xi("index", count=4))
    o = zo.TwoPoint(dist="gaussian", scheme="forward", seed=0)
    for jit in (False, True):
        r = zo.minimize(p, np.ones(2), o, step=0.1, maxiter=50, seed=1, jit=jit, record="none")
        assert r.status is zo.Status.NONFINITE and "f = inf at x itself" in r.message, r.message
        assert r.nfev == 2 * r.nit + 1 + 1   # the failed estimate's evaluation, and record="none"'s final f(x)
    with pytest.raises(TypeError, match="method='inplace' .* cannot serve the stochastic problem"):
        zo.minimize(p, np.ones(2), zo.TwoPoint(), method="inplace", maxiter=3, record="none")


@pytest.mark.slow
def test_noisy3_runs_through_twopoint_with_its_draws_counted():
    p, x0 = zo.problems.more_wild(7, "noisy3", seed=1)
    o = zo.TwoPoint(eps=1e-6, dist="gaussian", scheme="forward", seed=0)
    G = o(p, x0)
    g = zo.ExactAD()(zo.problems.more_wild(7)[0], x0)
    assert p.nfev == 2 and np.all(np.isfinite(G))
    # one forward Gaussian difference at common xi: G = (u'g_xi + O(eps)) u with g_xi the gradient at that xi,
    # which is within 2e-3 (relative, per residual factor) of g
    u = np.random.default_rng(0).standard_normal(2 + 2)[:2]
    assert np.allclose(G, (u @ g) * u, rtol=5e-3, atol=1e-3 * np.linalg.norm(g) * np.linalg.norm(u) ** 2)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["threading", "loky", "multiprocessing", "dask"])
def test_zo_sgd_runs_are_bit_identical_on_every_backend(tmp_path, backend, request):
    """The experiment's own task (a ZO-SGD run on the sample-mean problem, xi drawn with the directions) gives
    the same rows with jobs = 1 and on every backend with 2 jobs."""
    import contextlib

    from experiments import zo_sgd
    from zeroopt import sweep

    configs = zo_sgd.tasks([4, 8], [100], 3)

    def rows(out):
        found = sweep.collect(out, configs)
        assert not found.missing
        return [{k: v for k, v in row.items() if k != "seconds"} for rec in found.records for row in rec["rows"]]

    sweep.run(zo_sgd.run_one, configs, str(tmp_path / "j1"), jobs=1)
    ctx = contextlib.nullcontext()
    if backend == "dask":
        import distributed

        ctx = distributed.Client(request.getfixturevalue("dask_cluster"))
    with ctx:
        status = sweep.run(zo_sgd.run_one, configs, str(tmp_path / backend), jobs=2, backend=backend)
    assert status["ran"] == len(configs) and not status["failed"]
    assert rows(str(tmp_path / backend)) == rows(str(tmp_path / "j1"))
