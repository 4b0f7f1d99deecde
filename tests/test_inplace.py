"""method="inplace": the stream against numpy's Philox bit for bit, disjoint counter ranges, independence
from the thread count, x restored after an exception, exact counts, the status contract, and the rounding
drift against the out-of-place step along the same directions (the bounds of docs/math/estimators.md)."""

import math

import numba
import numpy as np
import pytest

import zeroopt as zo
from zeroopt.kernels import inplace as ip

U = np.finfo(np.float64).eps / 2  # the unit roundoff


@numba.njit
def diag_quad(x, a, c, counts):
    """0.5 sum a_i (x_i - c_i)^2 by a sequential loop (allocation-free), counting its calls."""
    counts[0] += 1
    s = 0.0
    for i in range(x.shape[0]):
        d = x[i] - c[i]
        s += a[i] * d * d
    return 0.5 * s


def diag_problem(n, seed=0):
    a = np.linspace(1.0, 10.0, n)
    c = np.random.default_rng(seed).standard_normal(n)
    counts = np.zeros(1, dtype=np.int64)
    return zo.Problem(diag_quad, n, args=(a, c, counts), L=10.0, mu=1.0, x_star=c, f_star=0.0), counts


# --- the stream -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["gaussian", "rademacher", "sphere"])
def test_the_passes_draw_numpys_philox_stream_bit_for_bit(kind):
    """One pass x += v from x = 0 gives v; v is numpy's Generator(Philox(key, counter=[0, 0, c, k])) per
    chunk, made a direction as documented - here with three chunks, the last one short."""
    n = 2 * ip.CHUNK + 123
    key = ip.stream_key(np.random.default_rng(4))
    stream = ip.Stream(key, n)
    axpy, norm2 = ip.passes(n, None)
    sq, bad, where = np.empty(3), np.empty(3, dtype=np.int64), np.zeros(1, dtype=np.int64)
    k = 11
    z = np.concatenate([np.random.Generator(np.random.Philox(key=key, counter=[0, 0, c, k]))
                        .standard_normal(min(ip.CHUNK, n - c * ip.CHUNK)) for c in range(3)])
    params = ip.Params(ip.KINDS[kind], 1.0 / math.sqrt(n) if kind == "rademacher" else 1.0, ip.CHUNK)
    if kind == "sphere":  # the norm pass: sequential sums per chunk, added in chunk order
        norm2(n, stream.rewind(k), params, sq)
        sums = [_seq_sq(z[c * ip.CHUNK:(c + 1) * ip.CHUNK]) for c in range(3)]
        assert sq.tolist() == sums and ip.total(sq) == (sums[0] + sums[1]) + sums[2]
        params = params._replace(scale=math.sqrt(ip.total(sq)))
    expected = {"gaussian": z, "rademacher": np.copysign(1.0 / math.sqrt(n), z),
                "sphere": z / math.sqrt(ip.total(sq))}[kind]
    x = np.zeros(n)
    axpy(x, stream.rewind(k), params, 1.0, sq, bad, where, ip.AT_PLUS)
    assert np.array_equal(x, expected) and np.array_equal(x, ip.direction(key, k, n, kind))
    assert where[0] == ip.AT_PLUS and bad.max() == -1
    # the pass regenerates: x - v is 0 again, exactly (x = v + (-v))
    axpy(x, stream.rewind(k), params, -1.0, sq, bad, where, ip.AT_X)
    assert not np.any(x)


def _seq_sq(z):
    s = 0.0
    for value in z.tolist():
        s += value * value
    return s


def test_no_two_chunks_counter_ranges_overlap():
    """Chunk (k, c) starts at counter [0, 0, c, k] and uses [1, 0, c, k], [2, 0, c, k], ...: after a whole
    chunk the high words still hold (c, k) and word 1 is still 0, so its range lies inside (c, k)'s own
    block of 2^128 counters, which no other chunk enters."""
    key = ip.stream_key(np.random.default_rng(0))
    seen = {}
    for k in (0, 1, 2, 2**40, 2**64 - 1):
        for c in (0, 1, 5, 1525):
            g = ip.chunk_generator(key, k, c)
            assert list(g.bit_generator.state["state"]["counter"]) == [0, 0, c, k]
            g.standard_normal(ip.CHUNK)
            w0, w1, w2, w3 = (int(w) for w in g.bit_generator.state["state"]["counter"])
            assert (w1, w2, w3) == (0, c, k) and ip.CHUNK // 4 <= w0 < 2 * ip.CHUNK  # ~1 word per normal
            seen[(c, k)] = (w0, g)
    ranges = sorted((w3 * 2**192 + w2 * 2**128 + 1, w3 * 2**192 + w2 * 2**128 + w0)
                    for (w2, w3), (w0, _) in seen.items())
    assert all(hi < lo2 for (_, hi), (lo2, _) in zip(ranges, ranges[1:]))


def test_the_stream_key_comes_from_the_runs_seed():
    p, _ = diag_problem(50)
    runs = []
    for seed in (3, 3, 4):
        x0 = np.zeros(50)
        zo.minimize(p, x0, zo.TwoPoint(dist="gaussian"), method="inplace", maxiter=5, record="none", seed=seed)
        runs.append(x0)
    assert np.array_equal(runs[0], runs[1]) and not np.array_equal(runs[0], runs[2])
    # seed=None: the oracle's own stream, advanced by the key's draw
    o = zo.TwoPoint(dist="gaussian", seed=3)
    x0 = np.zeros(50)
    zo.minimize(p, x0, o, method="inplace", maxiter=5, record="none")
    assert np.array_equal(x0, runs[0])
    rng = np.random.default_rng(3)
    ip.stream_key(rng)
    assert o.rng.random() == rng.random()


@pytest.mark.parametrize("kind", ["gaussian", "sphere"])
def test_the_result_does_not_depend_on_the_number_of_threads(kind):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has one thread on this machine: nothing to compare")
    n = 2 * ip.CHUNK + 5
    out = []
    before = numba.get_num_threads()
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            p, counts = diag_problem(n)
            x0 = np.zeros(n)
            r = zo.minimize(p, x0, zo.TwoPoint(dist=kind), method="inplace", maxiter=12, record="none", seed=1)
            out.append((x0.copy(), r.nfev, int(counts[0]), r.fun))
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(out[0][0], out[1][0]) and out[0][1:] == out[1][1:]


def test_python_passes_give_the_same_bits_as_compiled_ones():
    p, _ = diag_problem(40)
    xs = []
    for jit in (None, False):
        x0 = np.zeros(40)
        zo.minimize(p, x0, zo.TwoPoint(dist="rademacher"), method="inplace", maxiter=30, record="none", seed=2,
                    jit=jit)
        xs.append(x0)
    assert np.array_equal(xs[0], xs[1])


# --- the method's contract ----------------------------------------------------------------------------------
def test_x0_is_updated_in_place_and_is_the_result():
    p, counts = diag_problem(30)
    x0 = np.zeros(30)
    r = zo.minimize(p, x0, zo.TwoPoint(dist="gaussian", seed=0), method="inplace", maxiter=3000, tol=1e-3,
                    record="none")
    assert r.x is x0 and r.status is zo.Status.CONVERGED and r.success
    assert counts[0] == r.nfev + 0 and r.nfev == 2 * r.nit + 1  # + the final counted f(x) (record="none")
    assert np.linalg.norm(x0 - p.x_star) < 0.1


@pytest.mark.parametrize("x0, err", [([0.0] * 6, TypeError), (np.zeros(6, dtype=np.float32), TypeError),
                                     (np.zeros(12)[::2], TypeError), (np.zeros(5), ValueError)])
def test_x0_must_be_an_array_it_can_update(x0, err):
    p, _ = diag_problem(6)
    with pytest.raises(err, match="x0"):
        zo.minimize(p, x0, method="inplace", maxiter=3)


@pytest.mark.parametrize("oracle, step, words", [
    (zo.TwoPoint(directions=2), None, "one central direction"), (zo.TwoPoint(orthogonal=True), None, "one central"),
    (zo.TwoPoint(scheme="forward"), None, "one central"), (zo.CoordinateFD(), None, "two-point oracle"),
    (zo.TwoPoint(), zo.linesearch.armijo, "not a step rule")])
def test_what_inplace_refuses(oracle, step, words):
    p, _ = diag_problem(6)
    with pytest.raises(ValueError, match=words):
        zo.minimize(p, np.zeros(6), oracle, method="inplace", step=step, maxiter=3)


def test_without_L_a_step_is_needed():
    p, _ = diag_problem(6)
    q = zo.Problem(p.fun, 6, args=p.args)
    with pytest.raises(ValueError, match="needs a step"):
        zo.minimize(q, np.zeros(6), method="inplace", maxiter=3)
    r = zo.minimize(q, np.zeros(6), method="inplace", step=lambda k: 1e-3 / (1 + k), maxiter=3)
    assert r.nit == 3 and r.status is zo.Status.MAXITER


def test_budget_ends():
    p, counts = diag_problem(20)
    r = zo.minimize(p, np.zeros(20), method="inplace", maxiter=10_000, max_nfev=51, record="none")
    assert r.status is zo.Status.MAXFEV and r.nfev <= 51 and counts[0] == r.nfev
    r = zo.minimize(p, np.zeros(20), method="inplace", maxiter=7, record="none")
    assert r.status is zo.Status.MAXITER and r.nit == 7 and r.nfev == 15


# --- exceptions, interrupts, non-finite values ----------------------------------------------------------------
@numba.njit
def raises_at(x, a, c, counts, limit):
    counts[0] += 1
    if counts[0] == limit[0]:
        raise ValueError("the objective gave up")
    s = 0.0
    for i in range(x.shape[0]):
        d = x[i] - c[i]
        s += a[i] * d * d
    return 0.5 * s


def interrupting(limit):
    """A Python-mode objective that raises KeyboardInterrupt at its limit-th call (Ctrl-C mid-step)."""
    calls = [0]

    def f(x, a, c):
        calls[0] += 1
        if calls[0] == limit:
            raise KeyboardInterrupt
        return 0.5 * float(np.sum(a * (x - c) ** 2))

    return f, calls


def _restore_tolerance(x_before, key, k, n, kind, eps):
    """|restored - x_before| <= u (|x| + 3 eps |v|) entrywise: a pass +-eps v, another -+eps v (and the pass
    -2 eps v between them when f- was reached) - a few roundings of entries of size |x| + 2 eps |v|."""
    v = ip.direction(key, k, n, kind)
    return 4 * U * (np.abs(x_before) + 3 * eps * np.abs(v))


@pytest.mark.parametrize("kind", ["gaussian", "sphere"])
@pytest.mark.parametrize("at", ["f+", "f-"])
def test_x_is_restored_when_the_objective_raises(kind, at):
    """The objective raises at the first (f+) or second (f-) evaluation of step 4: x0 is x_4 again (to a few
    roundings), every evaluation is counted, and the run's stream is where the raising run left it."""
    n, step = 40, 4
    p, counts = diag_problem(n)
    a, c, _ = p.args
    limit = np.array([2 * step + (1 if at == "f+" else 2)])
    q_counts = np.zeros(1, dtype=np.int64)
    q = zo.Problem(raises_at, n, args=(a, c, q_counts, limit), L=10.0)
    x0 = np.zeros(n)
    with pytest.raises(ValueError, match="gave up"):
        zo.minimize(q, x0, zo.TwoPoint(dist=kind), method="inplace", maxiter=100, record="none", seed=7)
    assert q.nfev == q_counts[0] == limit[0]
    x4 = np.zeros(n)
    zo.minimize(p, x4, zo.TwoPoint(dist=kind), method="inplace", maxiter=step, record="none", seed=7)
    key = ip.stream_key(np.random.default_rng(7))
    assert np.all(np.abs(x0 - x4) <= _restore_tolerance(x4, key, step, n, kind, 1e-4))
    assert np.any(x0 != 0)


@pytest.mark.parametrize("at", [1, 2])
def test_x_is_restored_after_ctrl_c(at):
    n = 30
    p, _ = diag_problem(n)
    a, c, _ = p.args
    f, calls = interrupting(2 * 3 + at)
    q = zo.Problem(f, n, args=(a, c), L=10.0, jit=False)
    x0 = np.zeros(n)
    with pytest.raises(KeyboardInterrupt):
        zo.minimize(q, x0, zo.TwoPoint(dist="rademacher"), method="inplace", maxiter=100, record="none", seed=2)
    assert q.nfev == calls[0] == 2 * 3 + at
    x3 = np.zeros(n)
    zo.minimize(p, x3, zo.TwoPoint(dist="rademacher"), method="inplace", maxiter=3, record="none", seed=2)
    key = ip.stream_key(np.random.default_rng(2))
    assert np.all(np.abs(x0 - x3) <= _restore_tolerance(x3, key, 3, n, "rademacher", 1e-4))


@numba.njit
def nan_beyond(x, limit):
    return math.nan if x[0] > limit else 0.5 * (x @ x)


def test_a_nonfinite_value_is_reported_with_x_restored():
    p = zo.Problem(nan_beyond, 5, args=(0.5,), L=1.0)
    x0 = np.full(5, 0.5 - 1e-9)
    r = zo.minimize(p, x0, zo.TwoPoint(dist="gaussian", eps=1e-3), method="inplace", step=1e-6, maxiter=50,
                    record="none", seed=0)
    assert r.status is zo.Status.NONFINITE and not r.success
    assert "f = nan at x" in r.message and "eps v" in r.message and "x restored" in r.message
    assert np.all(np.abs(x0 - (0.5 - 1e-9)) < 1e-8)   # restored: no step was taken along a NaN


# --- the rounding drift -------------------------------------------------------------------------------------
def _reference_and_bounds(kind, n, steps, seed):
    """The out-of-place run along the same directions (TwoPoint.estimate_along + the dense update), and per
    step the terms of the two bounds (docs/math/estimators.md, "The in-place step")."""
    p, _ = diag_problem(n)
    a, c, _ = p.args
    o = zo.TwoPoint(dist=kind)
    alpha = 1.0 / (o.second_moment_factor(n) * p.L)
    coef, eps = o.coef(n), o.eps
    key = ip.stream_key(np.random.default_rng(seed))
    x = np.zeros(n)
    arithmetic, end_to_end, coefficients = 0.0, 0.0, []
    spare = np.zeros(1, dtype=np.int64)
    for k in range(steps):
        v = ip.direction(key, k, n, kind)
        est = o.estimate_along(p, x, v[None])
        fp = diag_quad(x + eps * v, a, c, spare)   # the kernel's two values, bit for bit (the same points
        fm = diag_quad(x - eps * v, a, c, spare)   # and the same compiled objective)
        ck = coef * ((fp - fm) / (2.0 * eps))
        assert np.array_equal(est.grad, 0.0 + ck * v)  # G = c v: c is the reference step's coefficient
        coefficients.append(ck)
        nx, nv = np.linalg.norm(x), np.linalg.norm(v)
        assert alpha * coef * (v @ (a * v)) <= 2.0  # the step map is non-expansive in the A-norm
        grad = max(np.linalg.norm(a * (x + eps * v - c)), np.linalg.norm(a * (x - eps * v - c)))
        gamma = (n + 2) * U * max(fp, fm)  # |fl(f) - f| for the sequential sum of n nonnegative terms
        arithmetic += U * (4 * nx + 9 * eps * nv + 7 * alpha * abs(ck) * nv)
        end_to_end += (U * (4 * nx + 9 * eps * nv + 13 * alpha * abs(ck) * nv)
                       + alpha * abs(coef) * nv / eps * (U * grad * (3 * nx + 7 * eps * nv) + 2 * gamma))
        zo.kernels.dense_update.jit(x, est.grad, alpha, x[:0])
    return x, key, alpha, coefficients, arithmetic, math.sqrt(p.L / p.mu) * end_to_end


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["gaussian", "rademacher", "sphere"])
def test_the_rounding_drift_stays_under_its_bounds(kind):
    """10^4 steps at n = 1000 against the out-of-place step along the same directions:

    - the passes' arithmetic (the in-place passes given the reference's coefficients c_k): the drift is at
      most u sum_k (4 ||x_k|| + (9 eps + 7 alpha |c_k|) ||v_k||), about 4 k u;
    - end to end (each run its own differences): at most sqrt(L/mu) sum_k l_k, where l_k adds to the
      arithmetic the finite difference's amplification of f's rounding error (1/eps)."""
    n, steps, seed = 1000, 10_000, 5
    x_out, key, alpha, coefficients, arithmetic, end_to_end = _reference_and_bounds(kind, n, steps, seed)
    # the passes alone, with the reference's coefficients
    stream, nch = ip.Stream(key, n), ip.chunks(n)
    axpy, norm2 = ip.passes(n, None)
    sq, bad, where = np.empty(nch), np.empty(nch, dtype=np.int64), np.zeros(1, dtype=np.int64)
    x = np.zeros(n)
    eps = 1e-4
    fixed = ip.Params(ip.KINDS[kind], 1.0 / math.sqrt(n) if kind == "rademacher" else 1.0, ip.CHUNK)
    for k, ck in enumerate(coefficients):
        params = fixed
        if kind == "sphere":
            norm2(n, stream.rewind(k), fixed, sq)
            params = fixed._replace(scale=math.sqrt(ip.total(sq)))
        axpy(x, stream.rewind(k), params, eps, sq, bad, where, ip.AT_PLUS)
        axpy(x, stream.rewind(k), params, -2.0 * eps, sq, bad, where, ip.AT_MINUS)
        axpy(x, stream.rewind(k), params, eps - alpha * ck, sq, bad, where, ip.AT_X)
    assert np.linalg.norm(x - x_out) <= arithmetic
    # end to end, through minimize
    p, _ = diag_problem(n)
    x_in = np.zeros(n)
    r = zo.minimize(p, x_in, zo.TwoPoint(dist=kind), method="inplace", step=alpha, maxiter=steps, record="none",
                    seed=seed)
    assert r.nit == steps
    drift = np.linalg.norm(x_in - x_out)
    assert 0 < drift <= end_to_end
    assert np.linalg.norm(x_out - p.x_star) < 0.5 * np.linalg.norm(p.x_star)  # the runs went somewhere
