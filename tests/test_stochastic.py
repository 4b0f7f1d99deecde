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
