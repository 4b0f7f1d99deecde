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


#: The degree of the least-squares polynomial that stands for the smooth part of f on a segment
#: (wild3_level_at_scale): the lowest degree that holds a smooth f on every default-h segment to rounding.
LEVEL_DEGREE = 3


def legendre_abs_coefficients(d):
    """The Legendre coefficients alpha_0, alpha_2, ..., alpha_(2 floor(d/2)) of |t| on [-1, 1] (odd ones vanish):
    alpha_0 = 1/2, alpha_j = (2j + 1) (-1)^(j/2 + 1) (j - 2)! / (2^j (j/2 - 1)! (j/2 + 1)!) for even j >= 2."""
    out = [0.5]
    for j in range(2, d + 1, 2):
        m = j // 2
        out.append((2 * j + 1) * (-1) ** (m + 1) * math.factorial(j - 2)
                   / (2 ** j * math.factorial(m - 1) * math.factorial(m + 1)))
    return out


def kink_constant(d=LEVEL_DEGREE):
    """c_d: the root mean square over t ~ U[-1, 1] of |t| minus its least-squares polynomial of degree d,
    c_d^2 = 1/3 - sum_j alpha_j^2 / (2j + 1) (Legendre, mean of P_j^2 = 1/(2j + 1)); a kink a |t h| has the
    level c_d a h under wild3_level_at_scale (c_2 = c_3 = 0.0722, c_4 = c_5 = 0.0361)."""
    alphas = legendre_abs_coefficients(d)
    ms = 1.0 / 3.0 - sum(a * a / (2 * j + 1) for a, j in zip(alphas, range(0, d + 1, 2)))
    return math.sqrt(ms)


def kink_reading(order, points=15, degree=LEVEL_DEGREE):
    """ECnoise's estimate on a kink a |s| at its middle point, over the level at scale h (c_d a h), from its
    differences at the spacing delta = 2h/(points - 1): order 2 sees one nonzero second difference 2 a delta,
    sigma_2 = a delta (2/(3(points - 2)))^(1/2); order 1 (smooth slope b << a) sees first differences
    delta (b +- a), sigma_1 = a delta / 2^(1/2). 15 points, d = 3: 0.448 and 1.40."""
    delta = 2.0 / (points - 1)
    sigma = delta * math.sqrt(2.0 / (3.0 * (points - 2))) if order == 2 else delta / math.sqrt(2.0)
    return sigma / kink_constant(degree)


def polynomial_residual_std(values, t, degree=LEVEL_DEGREE):
    """The root mean square of values minus their least-squares polynomial in t of the given degree,
    computed in extended precision (numpy longdouble, modified Gram-Schmidt on 1, t, ..., t^degree), so
    that the fit adds no rounding of its own to values that carry float64 rounding."""
    v = np.asarray(values, dtype=np.longdouble)
    t = np.asarray(t, dtype=np.longdouble)
    r = v - v[v.size // 2]
    basis = []
    for j in range(degree + 1):
        q = t ** j
        for b in basis:
            q = q - np.sum(q * b) * b
        for b in basis:        # a second pass: the monomials are far from orthogonal
            q = q - np.sum(q * b) * b
        q = q / np.sqrt(np.sum(q * q))
        basis.append(q)
        r = r - np.sum(r * q) * q
    return float(np.sqrt(np.mean(r * r)))


def wild3_level_at_scale(problem, x0, h, p, degree=LEVEL_DEGREE):
    """The true noise level of f at scale h along p: the standard deviation, over 2001 equally spaced
    points t of [-1, 1], of f(x0 + t h p) (float64, as any estimator sees it) minus its least-squares
    polynomial in t of degree ``degree`` (default 3), the fit in extended precision.

    Reasoning. Moré & Wild's model on the segment is f(x0 + t h p) = f_s(t) + eps(t), f_s smooth and the
    level the standard deviation of eps; for a deterministic f the split is only defined at a scale. At
    scale h, "smooth" here means "a polynomial of low degree in t": the least-squares fit is f_s, the
    residual eps. The degree is fixed in advance, from f's smoothness and not from any estimator: 3 is the
    lowest degree whose Taylor remainder on every segment the default h samples is below float64
    rounding (wild3's noise has derivatives along p up to about (100 ||p||_1)^k 1e-3 |f|, ||p||_1 <= 3.5,
    h <= 4e-7: the quartic term is at most about 2e-20 |f|, the cubic one 5e-16 |f|, above float64's
    1.1e-16 |f|). It covers both cases:
    - f smooth on the segment: the residual is f's float64 rounding (of the points and of f), so the level
      agrees with wild3_truth; it also gives sigma (M - d - 1)^(1/2) / M^(1/2) for iid noise of standard
      deviation sigma on M points, and 0 for a polynomial of degree <= d.
    - a kink a |t h| at x0 (phi's ||x||_1 or ||x||_inf not differentiable there): no smooth function
      removes it; its residual has the root mean square c_d a h, c_d = kink_constant(d) (0.0722 for d = 3),
      so the level at scale h grows like h, as the kink's departure from smoothness over the segment.
    Kink, smooth part and independent noise add in squares (the residual map is a projection), the
    cross terms averaging out.
    """
    t, vals = segment_values(problem, x0, h, p)
    return polynomial_residual_std(vals, t, degree)


def segment_values(problem, x0, h, p):
    """t (2001 equally spaced points of [-1, 1]) and f(x0 + t h p) in float64, not counted."""
    t = np.linspace(-1.0, 1.0, DENSE)
    return t, np.array([problem.value(x0 + ti * h * p, count=False) for ti in t])


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


#: Degrees of the polynomial besides LEVEL_DEGREE whose levels are also recorded (the definition's sensitivity).
OTHER_DEGREES = (2, 4, 6, 8)


def level_more_wild(large_h=None):
    """noise_level at x0 of the 53 wild3 and the 53 noisy3 problems (direction seed = row); with
    ``large_h``, wild3 also from h = large_h (one try), kind "wild3_large_h".

    truth: noisy3, from its distribution; wild3, the level at scale h (wild3_level_at_scale, degree 3);
    wild3_large_h, the standard deviation of its noise on the segment. wild3 rows also carry the float64
    rounding level (truth_rounding, wild3_truth; ratio_rounding) and the level at scale h with the other
    degrees (truth_deg2 ...), so that the figure shows both truths and the summary the degree's effect."""
    rows = []
    kinds = ("wild3", "noisy3") + (("wild3_large_h",) if large_h else ())
    for kind in kinds:
        for row in range(1, 54):
            problem, x0 = zo.problems.more_wild(row, kind.split("_")[0], seed=row)
            extra = {}
            if kind == "wild3_large_h":
                r = zo.noise_level(problem, x0, seed=row, h=large_h, tries=1)
                truth = wild3_segment_std(problem, x0, r.h, r.direction)
            elif kind == "noisy3":
                r = zo.noise_level(problem, x0, seed=row)
                truth = noisy3_truth(problem, x0)
            else:
                r = zo.noise_level(problem, x0, seed=row)
                t, vals = segment_values(problem, x0, r.h, r.direction)
                truth = polynomial_residual_std(vals, t, LEVEL_DEGREE)
                rounding = wild3_truth(problem, x0, r.h, r.direction)
                extra = dict(truth_rounding=rounding, ratio_rounding=r.noise / rounding)
                for d in OTHER_DEGREES:
                    extra[f"truth_deg{d}"] = polynomial_residual_std(vals, t, d)
            rows.append(dict(kind=kind, row=row, name=problem.name, kink=kind != "noisy3" and kink(x0),
                             status=r.status, order=r.order, h=r.h, nfev=r.nfev, fx=r.fx, estimate=r.noise,
                             truth=truth, ratio=r.noise / truth, **extra))
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
