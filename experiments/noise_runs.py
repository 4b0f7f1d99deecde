"""The measurements of ``python -m experiments.noise``: the noise level against the truth, and the auto
step's gradient error against the best of 41 fixed steps. Every function here is deterministic given its
seeds; :mod:`experiments.noise` writes and draws what they return."""

from __future__ import annotations

import math
import warnings

import numpy as np

import zeroopt as zo
from zeroopt.noise import ecnoise
from zeroopt.problems import mgh

LEVELS = (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9)
SEEDS = 200
QUICK_SEEDS = 40
GRID = np.logspace(-12, -1, 41)          # the fixed steps, times max(1, ||x||_inf)
NOISY3_HALF_WIDTH = 1e-3                 # u_i ~ U[-a, a] in noisy3
DENSE = 2001                             # points on the segment for wild3's true level


# --- smooth test functions with exact derivatives ------------------------------------------------------
def rosen(x):
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


def rosen_derivatives(x):
    """Gradient, Hessian diagonal and third derivatives d^3 f/dx_i^3 of the chained Rosenbrock function."""
    g = np.zeros_like(x)
    g[:-1] += -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    d2 = np.zeros_like(x)
    d2[:-1] += 1200.0 * x[:-1] ** 2 - 400.0 * x[1:] + 2.0
    d2[1:] += 200.0
    d3 = np.zeros_like(x)
    d3[:-1] += 2400.0 * x[:-1]
    return g, d2, d3


EXP_A = np.linspace(0.5, 2.0, 4)


def expsum(x):
    return float(np.sum(np.exp(EXP_A * x)) + np.sum(x) ** 2)


def expsum_derivatives(x):
    e = np.exp(EXP_A * x)
    return EXP_A * e + 2.0 * np.sum(x), EXP_A ** 2 * e + 2.0, EXP_A ** 3 * e


#: name -> (f, derivatives, x0)
FUNCTIONS = {
    "rosenbrock": (rosen, rosen_derivatives, np.array([-1.2, 1.0, -1.2, 1.0])),
    "expsum": (expsum, expsum_derivatives, np.array([0.3, -0.2, 0.5, 0.1])),
}


# --- noise models ------------------------------------------------------------------------------------
def random_noise(f, rel, rng):
    """f(x) (1 + rel z), z ~ N(0, 1) drawn afresh at every evaluation: standard deviation rel |f(x)|."""
    def fun(x):
        return f(x) * (1.0 + rel * rng.standard_normal())
    fun.__name__ = f"{f.__name__}_random"
    return fun


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def hash_uniform(x):
    """A deterministic value in [0, 1) of the bits of x (splitmix64 mixing): the same at the same x,
    unrelated at any two different x."""
    with np.errstate(over="ignore"):
        h = np.uint64(0x9E3779B97F4A7C15)
        for b in np.ascontiguousarray(x, dtype=np.float64).view(np.uint64):
            z = h ^ b
            z = (z ^ (z >> np.uint64(30))) * _M1
            z = (z ^ (z >> np.uint64(27))) * _M2
            h = z ^ (z >> np.uint64(31))
    return float(h >> np.uint64(11)) / 2.0 ** 53


def deterministic_noise(f, rel):
    """f(x) (1 + rel phi(x)), phi = sqrt(3) (2u - 1) with u a hash of x: deterministic, mean 0, variance 1
    over x, so its standard deviation is rel |f(x)|."""
    def fun(x):
        return f(x) * (1.0 + rel * math.sqrt(3.0) * (2.0 * hash_uniform(x) - 1.0))
    fun.__name__ = f"{f.__name__}_deterministic"
    return fun


# --- the noise level -----------------------------------------------------------------------------------
def level_random(seeds=SEEDS, levels=LEVELS):
    """noise_level at x0 of each function with random relative noise: one row per (function, level, seed)."""
    rows = []
    for fi, (name, (f, _, x0)) in enumerate(FUNCTIONS.items()):
        truth0 = abs(f(x0))
        for li, rel in enumerate(levels):
            for seed in range(seeds):
                fun = random_noise(f, rel, np.random.default_rng([seed, 1, fi, li]))
                r = zo.noise_level(fun, x0, seed=seed)
                rows.append(dict(function=name, level=rel, seed=seed, status=r.status, order=r.order, h=r.h,
                                 nfev=r.nfev, estimate=r.noise, truth=rel * truth0, ratio=r.noise / (rel * truth0)))
    return rows


def noisy3_truth(problem, x0):
    """The standard deviation of noisy3's f at x0 from its distribution: f = sum_i F_i^2 (1 + u_i)^2,
    u_i ~ U[-a, a] independent, so Var f = sum_i F_i^4 Var((1 + u)^2) = sum_i F_i^4 (4a^2/3 + 4a^4/45)."""
    a = NOISY3_HALF_WIDTH
    F = mgh.more_wild_residuals(x0, *problem.args[:3])
    return math.sqrt(float(np.sum(F ** 4)) * (4.0 * a * a / 3.0 + 4.0 * a ** 4 / 45.0))


def wild3_truth(problem, x0, h, p):
    """wild3's noise on the segment noise_level sampled. Below about 1e-2 its deterministic noise
    1e-3 phi(x) f_s(x) is a smooth function of x (where phi has no kink), so it is part of f there; what
    is not smooth is the float64 computation: the points x0 + t h p rounded to float64 and f's own
    rounding. Its level: the standard deviation over 2001 points t of f computed in float64 at the
    float64 point minus f computed in extended precision (numpy longdouble, 64-bit mantissa) at the exact
    point of the line, x0 + t h p in longdouble."""
    fun = mgh.more_wild_wild3_fun.py_func
    t = np.linspace(-1.0, 1.0, DENSE)
    err = np.empty(DENSE)
    x0l, pl, hl = x0.astype(np.longdouble), p.astype(np.longdouble), np.longdouble(h)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, ti in enumerate(t):
            exact = x0l + np.longdouble(ti) * hl * pl
            err[i] = float(np.longdouble(problem.value(x0 + ti * h * p, count=False)) - fun(exact, *problem.args))
    return float(np.std(err))


def kink(x0):
    """Whether wild3's phi has a kink at x0: ||x||_1 is not differentiable where a coordinate is 0, and
    ||x||_inf where two coordinates share the largest magnitude."""
    a = np.abs(x0)
    return bool(np.any(a == 0.0) or np.count_nonzero(a == a.max()) > 1)


def wild3_segment_std(problem, x0, h, p):
    """The standard deviation of wild3's noise 1e-3 phi(x) f_s(x) = f(x) - f_s(x) over 2001 points of the
    segment [x0 - h p, x0 + h p]: its level where h is large enough (about 1e-2 and above) that the noise
    is not smooth on the scale of the points' spacing."""
    smooth = zo.problems.more_wild(int(problem.name[2:4]), "smooth")[0]
    t = np.linspace(-1.0, 1.0, DENSE)
    nu = [problem.value(x0 + ti * h * p, count=False) - smooth.value(x0 + ti * h * p, count=False) for ti in t]
    return float(np.std(nu))


def level_more_wild(large_h=None):
    """noise_level at x0 of the 53 wild3 and the 53 noisy3 problems (direction seed = row); with
    ``large_h``, wild3 also from h = large_h (one try), kind "wild3_large_h"."""
    rows = []
    kinds = ("wild3", "noisy3") + (("wild3_large_h",) if large_h else ())
    for kind in kinds:
        for row in range(1, 54):
            problem, x0 = zo.problems.more_wild(row, kind.split("_")[0], seed=row)
            if kind == "wild3_large_h":
                r = zo.noise_level(problem, x0, seed=row, h=large_h, tries=1)
                truth = wild3_segment_std(problem, x0, r.h, r.direction)
            else:
                r = zo.noise_level(problem, x0, seed=row)
                truth = (noisy3_truth(problem, x0) if kind == "noisy3"
                         else wild3_truth(problem, x0, r.h, r.direction))
            rows.append(dict(kind=kind, row=row, name=problem.name, kink=kind != "noisy3" and kink(x0),
                             status=r.status, order=r.order, h=r.h, nfev=r.nfev, fx=r.fx, estimate=r.noise,
                             truth=truth, ratio=r.noise / truth))
    return rows


def ecnoise_null(points=15, samples=20000, seed=0):
    """The ratio sigma_hat / sigma of ECnoise on pure independent Gaussian noise (no smooth part): the
    theory band of the noise-level figure, by simulation."""
    rng = np.random.default_rng(seed)
    out = np.empty(samples)
    for i in range(samples):
        _, est, _, _, _ = ecnoise.difference_table(1.0 + 1e-6 * rng.standard_normal(points))
        out[i] = est / 1e-6
    return out


# --- the step --------------------------------------------------------------------------------------------
def fd_gradient(values_at, x, h, scheme):
    """Coordinate differences with the step h (divisor: the distance actually moved, as CoordinateFD)."""
    n = x.shape[0]
    G = np.empty(n)
    f0 = values_at(x) if scheme == "forward" else None
    for i in range(n):
        xp = x.copy()
        xp[i] += h
        if scheme == "forward":
            G[i] = (values_at(xp) - f0) / (xp[i] - x[i])
        else:
            xm = x.copy()
            xm[i] -= h
            G[i] = (values_at(xp) - values_at(xm)) / (xp[i] - xm[i])
    return G


def step_errors(name, kind, rel, scheme, draws=SEEDS):
    """Root-mean-square gradient errors ||G - grad f|| of the 41 fixed steps and of the auto step.

    Random noise: over ``draws`` draws of the noise at x0. Deterministic noise: over ``draws`` points
    x0 + 0.05 U[-1, 1]^n. The auto step: zo.noise.auto_step at the point (its own noise estimate and
    derivative, seed = the draw), then CoordinateFD(eps=h) there.
    """
    f, deriv, x0 = FUNCTIONS[name]
    scale = max(1.0, float(np.max(np.abs(x0))))
    steps = GRID * scale
    sq = np.zeros(steps.size)
    sq_auto, h_auto, nfev_auto = 0.0, [], []
    pts = np.random.default_rng([7, 0]).uniform(-0.05, 0.05, (draws, x0.size)) + x0
    for d in range(draws):
        rng = np.random.default_rng([d, 2])
        if kind == "random":
            x, fun = x0, random_noise(f, rel, rng)
        else:
            x, fun = pts[d], deterministic_noise(f, rel)
        g = deriv(x)[0]
        for j, h in enumerate(steps):
            sq[j] += float(np.sum((fd_gradient(fun, x, h, scheme) - g) ** 2))
        problem = zo.Problem(fun, x.size, jit=False)
        s = zo.noise.auto_step(problem, x, scheme, seed=d)
        G = zo.CoordinateFD(eps=s.h, scheme=scheme)(problem, x)
        sq_auto += float(np.sum((G - g) ** 2))
        h_auto.append(s.h)
        nfev_auto.append(s.nfev)
    rms = np.sqrt(sq / draws)
    best = int(np.argmin(rms))
    return dict(function=name, kind=kind, level=rel, scheme=scheme, rms=rms.tolist(), steps=steps.tolist(),
                best_step=float(steps[best]), best_rms=float(rms[best]), auto_rms=math.sqrt(sq_auto / draws),
                auto_h_median=float(np.median(h_auto)), auto_nfev_median=float(np.median(nfev_auto)),
                ratio=math.sqrt(sq_auto / draws) / float(rms[best]))


def theory_rms(name, kind, rel, scheme, steps, draws=SEEDS):
    """The error model the steps minimise, per coordinate summed: forward sum_i (f_ii h/2)^2 + 2 n s^2/h^2,
    central sum_i (f_iii h^2/6)^2 + n s^2/(2 h^2), s = rel |f(x)| (at x0; deterministic noise: mean of the
    square over the same points)."""
    f, deriv, x0 = FUNCTIONS[name]
    if kind == "random":
        pts = x0[None, :]
    else:
        pts = np.random.default_rng([7, 0]).uniform(-0.05, 0.05, (draws, x0.size)) + x0
    steps = np.asarray(steps)
    total = np.zeros(steps.size)
    for x in pts:
        _, d2, d3 = deriv(x)
        s2 = (rel * f(x)) ** 2
        n = x.size
        if scheme == "forward":
            total += np.sum(d2 ** 2) * steps ** 2 / 4.0 + 2.0 * n * s2 / steps ** 2
        else:
            total += np.sum(d3 ** 2) * steps ** 4 / 36.0 + n * s2 / (2.0 * steps ** 2)
    return np.sqrt(total / len(pts))
