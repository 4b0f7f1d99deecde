"""Shared fixtures. Objectives are module-level functions, so every Problem built on one shares its
compiled code: kernels compile once per objective per session, whatever the number of Problems."""

import numba
import numpy as np
import pytest

import zeroopt as zo

EPS = np.finfo(np.float64).eps
U = EPS / 2  # unit roundoff


def gamma(k):
    """Higham's gamma_k = k u / (1 - k u): the relative error bound of a k-term floating-point sum."""
    return k * U / (1 - k * U)


@numba.njit
def sphere_fun(x):
    return 0.5 * (x @ x)


@numba.njit
def counting_quadratic(x, A, c, counts):
    """0.5 (x-c)'A(x-c) that counts its calls per numba thread (race-free): counts.sum() = calls."""
    counts[numba.get_thread_id()] += 1
    d = x - c
    return 0.5 * (d @ (A @ d))


@numba.njit
def nan_beyond(x, A, c, limit):
    """The quadratic, but NaN where x[0] > limit: a jitted objective with a hole in its domain."""
    if x[0] > limit:
        return np.nan
    d = x - c
    return 0.5 * (d @ (A @ d))


@pytest.fixture(params=["tape-default", "tape-release-all"])
def tape_release(request, monkeypatch):
    """Run a test twice: with the AD tape's default release threshold, and with every value that no rule
    reads released at once (threshold 1 byte), so that a rule reading a value it did not keep fails.
    ``pytestmark = pytest.mark.usefixtures("tape_release")`` applies it to a whole module; a test that
    needs only the second takes ``@pytest.mark.parametrize("tape_release", ["tape-release-all"],
    indirect=True)``."""
    import zeroopt.ad.core as core

    if request.param == "tape-release-all":
        monkeypatch.setattr(core, "FREE_BELOW_BYTES", 1)
    return request.param


@pytest.fixture
def quad():
    """A fresh 6-dimensional quadratic (nfev = 0) with mu = 1, L = 10."""
    return zo.problems.quadratic(6, mu=1.0, L=10.0, seed=3)


def exact_grad(p, x):
    A, c = p.args
    return A @ (x - c)


def counting_problem(p):
    """The same quadratic as ``p``, with an objective that counts its own calls."""
    A, c = p.args
    counts = np.zeros(max(64, numba.config.NUMBA_NUM_THREADS + 1), dtype=np.int64)
    q = zo.Problem(counting_quadratic, p.dim, args=(A, c, counts), name="counting", x_star=p.x_star,
                   f_star=p.f_star, mu=p.mu, L=p.L)
    return q, counts
