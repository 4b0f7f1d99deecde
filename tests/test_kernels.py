"""The kernels package (one module per family) and the oracles' per-call path: the same bits and counts
whether a call goes through the kept per-call state or builds everything anew, exact counts on every way a
call can end, the block-draw protocol, and the batched path's decoder being the kernel's."""

import threading

import numba
import numpy as np
import pytest

import zeroopt as zo
from zeroopt import kernels
from zeroopt.kernels import coordinate, directions, inplace
from zeroopt.oracle import Draws


@numba.njit
def counted_quad(x, A, c, counts):
    counts[0] += 1
    d = x - c
    return 0.5 * (d @ (A @ d))


def problem(n=6, seed=0):
    q = zo.problems.quadratic(n, seed=seed)
    counts = np.zeros(1, dtype=np.int64)
    return zo.Problem(counted_quad, n, args=q.args + (counts,), L=q.L), counts


ORACLES = [lambda: zo.CoordinateFD(), lambda: zo.CoordinateFD(scheme="forward"), lambda: zo.CoordinateFD(eps=1e-3),
           lambda: zo.RandomCoordinate(seed=2), lambda: zo.TwoPoint(seed=2),
           lambda: zo.TwoPoint(dist="gaussian", seed=2), lambda: zo.TwoPoint(dist="rademacher", seed=2),
           lambda: zo.TwoPoint(scheme="forward", seed=2), lambda: zo.TwoPoint(orthogonal=True, seed=2),
           lambda: zo.TwoPoint(directions=3, seed=2)]


# --- the layout -------------------------------------------------------------------------------------------
def test_each_family_holds_its_kernels_params_and_decoder():
    for module, params in ((coordinate, (coordinate.CentralParams, coordinate.ForwardParams)),
                           (directions, (directions.Params,)), (inplace, (inplace.Params,))):
        assert callable(module.failure)
        for cls in params:
            assert issubclass(cls, tuple) and cls._fields
    assert zo.FastPath is kernels.FastPath is zo.oracle.FastPath
    assert kernels.KernelResult._fields == ("status", "where", "value", "value2", "fx", "gdotG", "g2")
    path = zo.TwoPoint().fast_path(zo.problems.rosenbrock(3))
    assert isinstance(path.params, directions.Params) and path.kernel is directions.differences


def test_a_params_namedtuple_and_the_plain_tuple_in_its_order_give_the_same_estimate():
    p, _ = problem()
    x = np.linspace(-1, 1, 6)
    for kernel, params, draw in ((kernels.coord_central, coordinate.CentralParams(0.0, 1e-5, 1.0), np.arange(6)),
                                 (kernels.coord_forward, coordinate.ForwardParams(1e-6, 0.0), np.arange(6)),
                                 (directions.differences, directions.Params(1e-4, False, 6.0, 1),
                                  np.random.default_rng(0).standard_normal((2, 6)))):
        out = []
        for prm in (params, tuple(params)):
            G = np.zeros(6)
            r = p.compiled.estimate(kernel, x, draw, prm, G, np.empty(2), zo._compiled.new_tally(1))
            out.append((G, r))
        assert np.array_equal(out[0][0], out[1][0]) and np.array_equal(out[0][1], out[1][1], equal_nan=True)


# --- the per-call path ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", ORACLES)
def test_the_kept_per_call_state_gives_the_bits_and_counts_of_a_fresh_call(make):
    """Calls 2, 3, ... of an oracle run through its kept per-call state; a fresh oracle (made anew for each
    call, with the stream where the kept one's is) builds the path every time: same G, Estimate, count."""
    p, counts = problem()
    kept, x = make(), np.linspace(-1.0, 1.0, 6)
    for i in range(4):
        fresh = make()
        if kept.random:
            fresh.rng.bit_generator.state = kept.rng.bit_generator.state
        before = p.nfev
        a = kept.estimate(p, x + i) if i % 2 else kept(p, x + i)
        b = fresh.estimate(p, x + i) if i % 2 else fresh(p, x + i)
        assert p.nfev - before == 2 * kept.evals_per_call(6) and p.nfev == counts[0]
        if i % 2:
            assert np.array_equal(a.grad, b.grad) and (a.gdotG, a.nev, a.g2) == (b.gdotG, b.nev, b.g2)
            assert np.array_equal(np.isnan(a.fx), np.isnan(b.fx))
        else:
            assert np.array_equal(a, b)
        if kept.random:
            assert kept.rng.bit_generator.state == fresh.rng.bit_generator.state
    assert (kept._bound is not None) == (getattr(kept, "directions", 1) == 1)  # (q > 1: built per call)


def test_the_per_call_state_follows_the_oracles_settings_and_the_problems_args():
    p, _ = problem()
    x = np.ones(6)
    o = zo.CoordinateFD()
    g1 = o(p, x)
    o.eps = 1e-2                        # a setting changed: the next call builds its path anew
    assert o._bound is None
    np.testing.assert_array_equal(o(p, x), zo.CoordinateFD(eps=1e-2)(p, x))
    assert not np.array_equal(g1, o(p, x))
    A, c, counts = p.args
    p.args = (2.0 * A, c, counts)       # new args: the kernel is typed (and evaluated) with them
    doubled = zo.Problem(counted_quad, 6, args=(A, c, counts))
    np.testing.assert_allclose(o(p, x), 2 * zo.CoordinateFD(eps=1e-2)(doubled, x), rtol=1e-9)
    t = zo.TwoPoint(seed=1)
    first = t(p, x)
    t.reseed()                          # reseed: the stream restarts, through the per-call path too
    np.testing.assert_array_equal(t(p, x), first)


@pytest.mark.parametrize("x, err", [(np.array([1.0, np.nan, 0, 0, 0, 0]), "x must be finite; x\\[1\\] = nan"),
                                    (np.zeros(5), "shape")])
@pytest.mark.parametrize("make", [lambda: zo.TwoPoint(), lambda: zo.CoordinateFD(), lambda: zo.RandomCoordinate()])
def test_bad_points_are_refused_on_the_per_call_path(make, x, err):
    p, counts = problem()
    o = make()
    o(p, np.ones(6))
    o(p, np.ones(6))
    assert o._bound is not None
    before = p.nfev
    with pytest.raises(ValueError, match=err):
        o(p, x)
    assert p.nfev == before == counts[0]


def test_other_arrays_are_converted_on_the_per_call_path():
    p, _ = problem()
    o = zo.TwoPoint(seed=0)
    o(p, np.ones(6))
    ref = zo.TwoPoint(seed=0)
    ref(p, np.ones(6))
    base = np.arange(12.0)
    for x in (base[::2], base[:6].astype(np.float32), list(base[:6]), np.asfortranarray(base[:6])):
        np.testing.assert_array_equal(o(p, x), ref(p, np.array(x, dtype=np.float64)))
    ro = base[:6].copy()
    ro.flags.writeable = False
    np.testing.assert_array_equal(o(p, ro), ref(p, base[:6].copy()))


@numba.njit
def raise_at(x, A, c, counts, limit):
    counts[0] += 1
    if counts[0] == limit[0]:
        raise ValueError("the objective gave up")
    d = x - c
    return 0.5 * (d @ (A @ d))


@pytest.mark.parametrize("make", [lambda: zo.CoordinateFD(), lambda: zo.TwoPoint(), lambda: zo.RandomCoordinate()])
def test_counts_are_exact_when_the_objective_raises_on_the_per_call_path(make):
    q = zo.problems.quadratic(5, seed=0)
    counts, limit = np.zeros(1, dtype=np.int64), np.array([10**9])
    p = zo.Problem(raise_at, 5, args=q.args + (counts, limit))
    o = make()
    o(p, np.ones(5))
    o(p, np.ones(5))
    limit[0] = counts[0] + 2 if o.evals_per_call(5) > 2 else counts[0] + 1
    with pytest.raises(ValueError, match="gave up"):
        o(p, np.ones(5))
    assert p.nfev == counts[0] == limit[0]
    limit[0] = 10**9
    o(p, np.ones(5))                   # the state survives: the spare tally's count was taken by difference
    assert p.nfev == counts[0]


@numba.njit
def nan_at(x, limit):
    return np.nan if x[0] > limit else x @ x


def test_counts_are_exact_for_a_failed_estimate_on_the_per_call_path():
    p = zo.Problem(nan_at, 3, args=(1.0,))
    o = zo.CoordinateFD()
    o(p, np.zeros(3))
    o(p, np.zeros(3))
    before = p.nfev
    with pytest.raises(FloatingPointError, match="x \\+ h e_0"):
        o(p, np.array([1.0, 0.0, 0.0]))
    assert p.nfev == before + 1        # stopped at the first non-finite value
    o(p, np.zeros(3))
    assert p.nfev == before + 7


def test_one_oracle_shared_by_threads_counts_exactly():
    p, counts = problem()
    o = zo.CoordinateFD()
    o(p, np.ones(6))
    p.reset_counts()
    counts[0] = 0
    scope_counts = [None] * 4

    def work(t):
        with p.counting() as c:
            for _ in range(200):
                o(p, np.full(6, float(t)))
        scope_counts[t] = c.nfev

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert scope_counts == [200 * 12] * 4 and p.nfev == counts[0] == 4 * 200 * 12


# --- the block-draw protocol --------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: zo.TwoPoint(directions=2), lambda: zo.RandomCoordinate(),
                                  lambda: zo.TwoPoint(orthogonal=True, directions=2)])
def test_blocks_of_draws_equal_single_draws_and_rewind_exactly(make):
    o = make()
    rng, ref = np.random.default_rng(5), np.random.default_rng(5)
    d = o.draws(rng, 4)
    assert isinstance(d, Draws)
    got = []
    for want in (3, 40, 7):
        block, start, k = d.take(want)
        assert 1 <= k <= want
        got.extend(block[start:start + k])
        d.used(k)
    block, start, k = d.take(5)
    d.used(2)
    got.extend(block[start:start + 2])
    d.rewind()
    singles = [o.draw(ref, 4) for _ in range(len(got))]
    assert all(np.array_equal(a, b) for a, b in zip(got, singles))
    assert rng.bit_generator.state == ref.bit_generator.state


# --- the batched path ends in the kernel's arithmetic and decoder ----------------------------------------------
def batch_of(fun):
    def batch(X, *args):
        return np.array([fun(row, *args) for row in X])
    return batch


@numba.njit
def nan_far(x, limit):
    return np.nan if abs(x[0]) > limit else x @ x


@pytest.mark.parametrize("scheme", ["central", "forward"])
def test_batched_and_kernel_estimates_agree_and_fail_alike(scheme):
    V = np.random.default_rng(1).standard_normal((3, 4))
    x = np.full(4, 0.3)
    for limit in (10.0, 0.3 + 1e-5):   # the second: some points leave the domain
        kernel_p = zo.Problem(nan_far, 4, args=(limit,))
        batch_p = zo.Problem(nan_far, 4, args=(limit,), batch_fun=batch_of(nan_far.py_func))
        o = zo.TwoPoint(directions=3, scheme=scheme, dist="gaussian")
        results = []
        for p in (kernel_p, batch_p):
            try:
                results.append(o.estimate_along(p, x, V))
            except FloatingPointError as exc:
                results.append(str(exc))
        if isinstance(results[0], str):
            assert results[0] == results[1]
        else:
            a, b = results
            assert np.array_equal(a.grad, b.grad) and a.gdotG == b.gdotG and a.g2 == b.g2
