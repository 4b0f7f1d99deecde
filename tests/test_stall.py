"""Issue 18 §4, what a newcomer hit in the optimizers: steepest descent burning its budget on steps of 0,
runs that make no progress without saying so, no progress display, a callback without f."""

import math

import numba
import numpy as np
import pytest

import zeroopt as zo
from zeroopt.linesearch import Line
from zeroopt.linesearch.drivers import exact_step
from zeroopt.optimize._run import STALL_WINDOW
from zeroopt.problems import quadratic_fun

S = zo.Status


def quad(n=6, seed=0):
    p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=seed)
    return zo.Problem(quadratic_fun, n, args=p.args, x_star=p.x_star, f_star=0.0, mu=1.0, L=10.0)


# --- the trial step grows -------------------------------------------------------------------------------
@numba.njit
def lifted(x):
    return 1.0 + 0.5 * x[0] * x[0]


def test_a_trial_step_too_short_to_change_f_grows():
    """phi(a) = (1 - a)^2 / 2 along -1 from x = 1: a trial of 1e-20 leaves phi(alpha0) = phi(0) in floating
    point. The search used to backtrack from there and return a step of 0 (after 81 evaluations); it now
    grows the trial until phi changes and finds the minimum at 1."""
    p = zo.Problem(quadratic_fun, 1, args=(np.eye(1), np.zeros(1)))
    line = Line(p, np.array([1.0]), np.array([-1.0]), phi0=0.5)
    alpha, f = exact_step(line, 0.5, -1.0, 1e-20, budget=500)
    assert alpha == pytest.approx(1.0, abs=1e-7) and f < 1e-14


def test_backtracking_stops_when_no_shorter_step_can_show_a_decrease():
    """phi(a) = 1 + a^2 / 2 at its minimum a = 0, with a slope of -1e-8 from an estimate: every trial rises.
    Backtracking from 1 used to try 80 golden-ratio shrinks; it stops once the first-order decrease
    1e-8 alpha is below 16 ulps of phi(0) = 1 (3.6e-15), i.e. once 0.618^j < 3.6e-7: after 30 shrinks."""
    line = Line(zo.Problem(lifted, 1), np.array([0.0]), np.array([1.0]), phi0=1.0)
    alpha, f = exact_step(line, 1.0, -1e-8, 1.0, budget=500)
    assert alpha == 0.0 and f == 1.0 and line.nfev == 1 + 30

@pytest.mark.slow
def test_steepest_with_a_random_oracle_no_longer_freezes():
    """Issue 18's example: f froze from iteration 486 (f - f* = 3.2e-12), and each later iteration spent
    about 81 evaluations on a step of 0: 30,185 evaluations by iteration 700 (96,585 by 1500). Now f keeps
    decreasing to the rounding floor, and a step of 0 costs a few evaluations."""
    p = zo.problems.logistic(200, 20, seed=0)
    f_star = 0.5966362070219585  # BFGS with gtol 1e-12 from 0 (and every run below stays above it)
    r = zo.minimize(p, np.zeros(20), zo.TwoPoint(seed=3), method="steepest", maxiter=700, record="none")
    assert r.fun - f_star < 1e-13 and r.nfev < 20_000
    assert r.fun >= f_star - 1e-15


# --- a stall says so ----------------------------------------------------------------------------------------
def forward_fd_run(maxiter=20_000, **kw):
    """Forward differences along random directions on the sphere (eps = 1e-4): their second-order term
    (eps/2) u'Au keeps the estimates' root mean square far above 1e-10 at the minimum, so tol=1e-10
    cannot be reached; each estimate brings f(x) for free."""
    return zo.minimize(quad(), np.ones(6), zo.TwoPoint(scheme="forward", seed=2), maxiter=maxiter, record="none",
                       **kw)


@pytest.mark.parametrize("jit", [True, False])
def test_a_tol_out_of_reach_ends_as_stalled(jit):
    r = forward_fd_run(tol=1e-10, jit=jit)
    assert r.status == S.STALLED and not r.success and r.nit < 20_000
    window = STALL_WINDOW * 6  # m = n = 6 for one direction on the sphere
    assert f"has not decreased in the {window} iterations since" in r.message and "tol = 1e-10" in r.message
    assert r.message == S.STALLED.message(what=S.STALLED.detail(r.message))


def test_the_stall_is_decided_alike_on_both_paths_and_costs_no_evaluation():
    a, b = forward_fd_run(tol=1e-10, jit=True), forward_fd_run(tol=1e-10, jit=False)
    assert a.nit == b.nit and a.nfev == b.nfev and np.array_equal(a.x, b.x) and a.message == b.message
    # the same iterations without tol: the same evaluations, the same point (the test evaluated nothing)
    c = forward_fd_run(maxiter=a.nit)
    assert c.nfev == a.nfev and np.array_equal(c.x, a.x) and c.status == S.MAXITER


def test_without_tol_the_run_goes_on_and_its_message_says_it_stalled():
    r = forward_fd_run()
    assert r.status == S.MAXITER and r.nit == 20_000
    assert "has not decreased in the" in r.message and f"stall window {STALL_WINDOW * 6}" in r.message


def test_a_converging_run_does_not_stall():
    r = zo.minimize(quad(), np.ones(6), zo.ExactAD(), tol=1e-8, maxiter=10_000, record="none")
    assert r.status == S.CONVERGED
    r = zo.minimize(quad(), np.ones(6), zo.TwoPoint(scheme="forward", seed=1), tol=1e-3, maxiter=100_000,
                    record="none")
    assert r.status == S.CONVERGED


def test_steepest_at_its_floor_ends_as_stalled():
    """Logistic regression: f reaches its rounding floor (unlike a quadratic, x* is not hit exactly, so G
    never vanishes and the tol window cannot hold at 1e-12). Every later search finds no decrease."""
    p = zo.problems.logistic(60, 4, seed=0)
    r = zo.minimize(p, np.zeros(4), zo.TwoPoint(seed=0), method="steepest", maxiter=100_000, tol=1e-12,
                    record="none")
    window = STALL_WINDOW * 4  # m = n = 4 for TwoPoint on the sphere
    assert r.status == S.STALLED and r.nit < 2 * window + 200 and f"(stall window {window})" in r.message


# --- progress on long runs -----------------------------------------------------------------------------
@pytest.mark.parametrize("jit", [True, False])
def test_disp_shows_iterations_f_and_nfev(capsys, jit):
    r = zo.minimize(quad(), np.ones(6), zo.TwoPoint(scheme="forward", seed=0), maxiter=50, disp=0, jit=jit,
                    record="none")
    err = capsys.readouterr().err.splitlines()
    assert err and all(line.startswith("minimize gd: nit ") and ", f " in line and ", nfev " in line for line in err)
    assert err[-1].endswith(r.message) and "nit 50, " in err[-1] and f"nfev {r.nfev}, " in err[-1]


def test_disp_off_prints_nothing_and_short_runs_print_nothing(capsys):
    zo.minimize(quad(), np.ones(6), zo.ExactAD(), maxiter=20)
    zo.minimize(quad(), np.ones(6), zo.ExactAD(), maxiter=20, disp=True)  # a run shorter than 2 s
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_disp_keeps_keyboard_interrupt(capsys):
    def cb(it):
        if it.nit == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        zo.minimize(quad(), np.ones(6), zo.ExactAD(), maxiter=20, disp=0, callback=cb)


@pytest.mark.parametrize("disp, exc", [(-1.0, ValueError), ("yes", TypeError), (math.nan, ValueError)])
def test_a_bad_disp_is_named(disp, exc):
    with pytest.raises(exc, match="disp"):
        zo.minimize(quad(), np.ones(6), zo.ExactAD(), maxiter=2, disp=disp)


# --- the callback carries f -----------------------------------------------------------------------------
def test_the_callback_carries_fun_when_the_run_knows_it():
    p = quad()
    seen = []
    zo.minimize(p, np.ones(6), zo.ExactAD(), method="steepest", maxiter=5, callback=lambda it: seen.append(it))
    assert [it.nit for it in seen] == [1, 2, 3, 4, 5]
    assert all(it.fun == p.value(it.x, count=False) for it in seen)  # steepest knows f(x_k): the search's
    seen.clear()
    zo.minimize(p, np.ones(6), zo.TwoPoint(seed=0), maxiter=5, callback=lambda it: seen.append(it))
    assert len(seen) == 5 and all(math.isnan(it.fun) for it in seen)  # central differences: f(x_k) unknown
