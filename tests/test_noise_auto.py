"""eps="auto" on CoordinateFD, RandomCoordinate and TwoPoint: the step from the noise in a separate
counted phase, every other call at the table's cost, the step against the grid, and when it estimates
again."""

import math

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.noise import auto as nauto

X0 = np.array([-1.2, 1.0, -1.2, 1.0])
ROSEN = zo.problems.rosenbrock(4)


def hashed(rel):
    """Rosenbrock times 1 + rel phi(x), phi a deterministic hash of x (unit variance)."""
    from experiments.noise_runs import deterministic_noise, rosen
    return deterministic_noise(rosen, rel)


def random_noise(rel, seed):
    rng = np.random.default_rng(seed)

    def f(x):
        return ROSEN.value(x, count=False) * (1 + rel * rng.standard_normal())
    return f


@pytest.mark.parametrize("scheme, per_call", [("forward", 5), ("central", 8)])
def test_coordinate_fd_auto_counts_the_phase_once_and_uses_auto_step_s_h(scheme, per_call):
    p = zo.Problem(hashed(1e-6), 4, jit=False)
    o = zo.CoordinateFD(eps="auto", scheme=scheme)
    G = o(p, X0)
    [s] = o.auto_steps
    assert p.nfev == s.nfev + per_call
    ref = zo.noise.auto_step(zo.Problem(hashed(1e-6), 4, jit=False), X0, scheme, seed=nauto.NOISE_SEED)
    assert s.h == ref.h and s.nfev == ref.nfev
    fixed = zo.CoordinateFD(eps=s.h, scheme=scheme)(zo.Problem(hashed(1e-6), 4, jit=False), X0)
    assert np.array_equal(G, fixed)
    before = p.nfev
    for _ in range(3):
        o(p, X0 + 1e-3)
    assert p.nfev - before == 3 * per_call and len(o.auto_steps) == 1


@pytest.mark.parametrize("scheme", ["forward", "central"])
def test_coordinate_fd_auto_is_within_2x_of_the_best_fixed_step(scheme):
    """Random relative noise 1e-6 on Rosenbrock (n = 4): the RMS error over 20 draws of
    CoordinateFD(eps="auto") (a new oracle per draw: its own phase) is at most twice the best of the
    41 fixed steps 1e-12..1e-1 (times 1.2) on the same draws' distribution."""
    g = zo.ExactAD()(ROSEN, X0)
    grid = np.logspace(-12, -1, 41) * 1.2
    sq, sq_auto = np.zeros(grid.size), 0.0
    for d in range(20):
        p = zo.Problem(random_noise(1e-6, [d, 5]), 4, jit=False)
        for j, h in enumerate(grid):
            sq[j] += np.sum((zo.CoordinateFD(eps=h, scheme=scheme)(p, X0) - g) ** 2)
        sq_auto += np.sum((zo.CoordinateFD(eps="auto", scheme=scheme)(p, X0) - g) ** 2)
    assert math.sqrt(sq_auto / 20) <= 2 * math.sqrt(sq.min() / 20)


def test_it_estimates_again_when_the_gradient_has_fallen_tenfold():
    """Relative noise near Rosenbrock's zero-residual minimum: at x0 the step fits |f| = 24; at a point
    where ||grad f|| is 100 times smaller the next call estimates again (counted), and the step shrinks."""
    p = zo.Problem(hashed(1e-6), 4, jit=False)
    o = zo.CoordinateFD(eps="auto", scheme="forward")
    o(p, X0)                                   # the phase at x0, then the reference block
    o(p, X0)
    near = np.ones(4) + 1e-4
    assert np.linalg.norm(zo.ExactAD()(ROSEN, near)) < 1e-2 * np.linalg.norm(zo.ExactAD()(ROSEN, X0))
    o(p, near)                                 # its ||G|| asks for a new estimate
    assert len(o.auto_steps) == 1
    before = p.nfev
    o(p, near)
    assert len(o.auto_steps) == 2 and p.nfev - before == o.auto_steps[1].nfev + 5
    assert o.auto_steps[1].h < 0.1 * o.auto_steps[0].h


def test_a_new_problem_gets_its_own_estimate():
    o = zo.CoordinateFD(eps="auto")
    o(zo.Problem(hashed(1e-6), 4, jit=False), X0)
    q = zo.Problem(hashed(1e-3), 4, jit=False)
    o(q, X0)
    assert len(o.auto_steps) == 1 and o.auto_steps[0].noise.relative > 1e-4


@pytest.mark.parametrize("make, per_call, scale", [
    (lambda eps: zo.RandomCoordinate(eps=eps, seed=3), 2, 1.0),
    (lambda eps: zo.TwoPoint(eps=eps, seed=3), 2, 1.0),
    (lambda eps: zo.TwoPoint(eps=eps, dist="gaussian", scheme="forward", directions=2, seed=3), 3, 0.5),
])
def test_random_oracles_count_the_phase_once_and_draw_the_oracle_s_stream(make, per_call, scale):
    """The phase draws nothing from the oracle's stream: the estimates equal those of the same oracle
    with the fixed eps the phase chose (h, or h / sqrt(n) = h / 2 for Gaussian directions)."""
    p = zo.Problem(hashed(1e-6), 4, jit=False)
    o = make("auto")
    Gs = [o(p, X0) for _ in range(4)]
    [s] = o.auto_steps
    assert p.nfev == s.nfev + 4 * per_call
    fixed = make(s.h * scale)
    q = zo.Problem(hashed(1e-6), 4, jit=False)
    assert all(np.array_equal(a, fixed(q, X0)) for a in Gs)


def test_auto_runs_inside_minimize_with_exact_counts():
    p = zo.Problem(hashed(1e-8), 4, jit=False)
    r = zo.minimize(p, X0, zo.CoordinateFD(eps="auto", scheme="forward"), step=1e-4, maxiter=30)
    assert r.nfev == p.nfev and r.nit == 30


def test_bad_eps_is_named():
    with pytest.raises(TypeError, match="eps"):
        zo.CoordinateFD(eps="automatic")
    with pytest.raises(TypeError, match="eps"):
        zo.TwoPoint(eps="Auto")
    assert "auto" in repr(zo.RandomCoordinate(eps="auto"))
