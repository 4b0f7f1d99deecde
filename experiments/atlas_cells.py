"""The estimator atlas's measurement: one task per Moré–Wild row (both points, every oracle, every noise
level), run by :func:`run_one` under ``zeroopt.sweep``.

Each cell draws ``draws`` estimates of the package's own oracle with its compiled estimate (the oracle's
:class:`~zeroopt.FastPath` kernel, the code a call and the optimizers run), in one jitted loop over a
block of draws (``oracle.draw(rng, n, steps=B)``, bit for bit B single draws: tests/test_atlas.py checks
that the block equals B calls of the oracle). The noise is part of the objective:
``f(x) (1 + sigma e)``, ``e`` a standard normal drawn from a numpy Generator in the problem's ``args`` at
every evaluation, in evaluation order.

An ``eps="auto"`` cell first calls the auto oracle once (:func:`auto_phase`: its estimation phase runs
on the cell's noisy problem), then draws with the step it chose, fixed: the oracle given h.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy import optimize, stats

from experiments import atlas_theory as th
from zeroopt.problems import mgh

#: the two-sided level of every interval
LEVEL = 0.99
Z = float(stats.norm.ppf(0.5 + LEVEL / 2))
NOISES = (0.0, 1e-8, 1e-4)
POINTS = ("x0", "half")
#: the least relative half-width of an interval: the quadratic model neglects O(eps^2) terms (third
#: derivatives), usually far below 1e-6 relative, which show when a quantity has (nearly) no spread
FLOOR = 1e-6
#: L-BFGS-B's budget for the best point (iterations; gtol, ftol at the limit of double precision)
LBFGS_MAXITER = 5000
#: a point is smooth at the scale of the differences if central differences (no noise) give the AD
#: gradient to this relative error; elsewhere no formula of the quadratic model is exact
SMOOTH = 1e-4
#: random orthonormal frames over which the truncation the model leaves out is measured (per point)
TRUNC_FRAMES = 64


@numba.njit(cache=True, error_model="numpy")
def relative_noise_fun(x, nprob, m, data, sigma, rng):
    """The smooth Moré–Wild objective with relative noise: f(x) (1 + sigma e), e ~ N(0, 1) per call."""
    return mgh.more_wild_smooth_fun(x, nprob, m, data) * (1.0 + sigma * rng.standard_normal())


@numba.njit
def _block(kernel, fun, x, draws, params, out, scratch, tally, args):
    """out[b] = the estimate along draws[b], for every b; returns (-1, 0) or (b, status) of a failure."""
    for b in range(out.shape[0]):
        G = out[b]
        G[:] = 0.0
        r = kernel(fun, x, draws[b], params, G, scratch, tally, args)
        if r[0] != 0:
            return b, r[0]
    return -1, 0


def estimates(oracle, problem, x, draws, rng):
    """``draws`` estimates of ``oracle`` at ``x`` (array (draws, n)), the directions from ``rng`` as one
    block, through the oracle's compiled kernel (the same numbers as ``draws`` calls
    ``oracle(problem, x, rng=rng)``)."""
    n = x.shape[0]
    path = oracle.fast_path(problem)
    D = oracle.draw(rng, n, steps=draws) if oracle.random else np.tile(path.fixed_draw, (draws, 1))
    out = np.empty((draws, n))
    tally = np.zeros((path.chunks, 3))
    b, status = _block(path.kernel.jit, problem.jitted, x, D, path.params, out, np.empty(path.scratch), tally,
                       problem.args)
    if b >= 0:
        raise FloatingPointError(f"{problem.name}: {oracle!r} failed (status {status}) at draw {b}")
    return out


def mean_interval(v):
    """The mean of ``v`` and its 99% interval: Student's interval corrected for the skewness of ``v``
    (Johnson 1978; Hall 1992, sec. 2.6: the studentized mean's quantiles are z - skew (2 z^2 + 1) /
    (6 sqrt(N)) to first order),
    widened to at least :data:`FLOOR` of the mean: the agreement the quadratic model promises when the
    sample has (nearly) no spread (in n = 2, ||G - g|| is the same for every sphere direction)."""
    N = v.shape[0]
    mu = float(v.mean())
    sd = float(v.std(ddof=1))
    skew = float(np.mean((v - mu) ** 3)) / sd ** 3 if sd > 0 else 0.0
    c = skew * (2.0 * Z * Z + 1.0) / (6.0 * math.sqrt(N))
    se = sd / math.sqrt(N)
    lo, hi = mu - se * (Z - c), mu + se * (Z + c)
    pad = FLOOR * abs(mu)
    return mu, min(lo, mu - pad), max(hi, mu + pad)


def statistics(Gs, g, mean_theory):
    """The cell's measurements with 99% intervals: bias, MSE, factor, cosine, and the Hotelling test of
    E G = ``mean_theory``."""
    N, n = Gs.shape
    g2 = float(g @ g)
    mean = Gs.mean(axis=0)
    E = Gs - g
    e2 = np.einsum("ij,ij->i", E, E)
    s2 = np.einsum("ij,ij->i", Gs, Gs)
    norms = np.sqrt(s2)
    cos = np.where(norms > 0, Gs @ g / np.where(norms > 0, norms, 1.0) / math.sqrt(g2), 0.0)
    out = {}
    for name, v, scale in (("mse", e2, 1.0), ("factor", s2, 1.0 / g2), ("cos", cos, 1.0)):
        out[name], out[f"{name}_lo"], out[f"{name}_hi"] = mean_interval(v * scale)
    out["bias"] = float(np.linalg.norm(mean - g))
    C = np.atleast_2d(np.cov(Gs, rowvar=False)) / N          # covariance of the mean
    lam, U = np.linalg.eigh(C)
    if not lam.max() > 0:                                    # a deterministic estimate: no interval
        out.update(t2=math.nan, t2_crit=math.nan, bias_lo=out["bias"], bias_hi=out["bias"])
        return out
    floor = max(float(lam.max()), 1e-300) * 1e-12           # directions without spread: no information
    lam = np.maximum(lam, floor)
    crit = n * (N - 1) / (N - n) * float(stats.f.ppf(LEVEL, n, N - n))   # Hotelling T^2, 99%
    dt = U.T @ (mean - mean_theory)
    out["t2"] = float(np.sum(dt * dt / lam))
    out["spread_ratio"] = float(lam.min() / lam.max())       # ~0: a direction without spread
    out["t2_crit"] = crit
    # the 99% interval of ||E G - g||: distances from g to the confidence ellipsoid of E G
    p = U.T @ (g - mean)
    a = 1.0 / (crit * lam)                                   # ellipsoid sum a_k y_k^2 <= 1 around the mean
    if np.sum(a * p * p) <= 1.0:
        lo = 0.0
    else:
        def gap(t):
            return np.sum(a * (p / (1.0 + t * a)) ** 2) - 1.0
        hi_t = 1.0
        while gap(hi_t) > 0:
            hi_t *= 10.0
        t = optimize.brentq(gap, 0.0, hi_t, xtol=1e-14 * hi_t, maxiter=200)
        lo = float(np.linalg.norm(p - p / (1.0 + t * a)))
    out["bias_lo"], out["bias_hi"] = lo, out["bias"] + math.sqrt(crit * float(lam.max()))
    return out


def best_point(problem, x0):
    """L-BFGS-B with the exact (AD) gradient from x0: the best point it reached, and its record."""
    from zeroopt.ad import value_and_grad

    vg = value_and_grad(problem.py_fun)

    def fg(x):
        f, gr = vg(x, *problem.args)
        return float(f), np.asarray(gr, dtype=float)

    best = {"f": math.inf, "x": x0.copy()}

    def tracked(x):
        f, gr = fg(x)
        if math.isfinite(f) and f < best["f"]:
            best["f"], best["x"] = f, x.copy()
        return f, gr

    with np.errstate(all="ignore"):
        r = optimize.minimize(tracked, x0, jac=True, method="L-BFGS-B",
                              options=dict(maxiter=LBFGS_MAXITER, maxfun=2 * LBFGS_MAXITER, gtol=1e-12, ftol=1e-15))
    return best["x"], dict(lbfgs_nit=int(r.nit), lbfgs_status=str(r.message), f_best=best["f"])


#: a directions row with eps="auto" is compared with the quadratic model only where the truncation the
#: model leaves out at the chosen radius (:func:`truncation`) is below this fraction of the cell's resolution
#: (:func:`unseen`): the auto step makes truncation and noise the same size, so elsewhere the model is not
#: exact at the draws' resolution
AUTO_TRUNC = 0.1


def unseen(trunc_h, n, second, mse, g2, draws, s):
    r"""True if the truncation ``trunc_h`` the quadratic model leaves out at a directions oracle's radius is
    below :data:`AUTO_TRUNC` of the cell's resolution: of the standard error of the mean per coordinate,
    :math:`\sqrt{\text{MSE}/(nN)}`, and of the measured standard errors of the MSE and of
    :math:`\mathbb E\|G\|^2`, which the truncation moves by at most
    :math:`2\sqrt{n\,\mathbb E\|G\|^2}\,t + n t^2` (t = ``trunc_h``; unit directions scaled by n carry
    n times the per-direction truncation, whose mean square is t^2/n)."""
    effect = 2.0 * math.sqrt(n * second) * trunc_h + n * trunc_h ** 2
    se_mse = (s["mse_hi"] - s["mse_lo"]) / (2.0 * Z)
    se_second = g2 * (s["factor_hi"] - s["factor_lo"]) / (2.0 * Z)
    return bool(trunc_h <= AUTO_TRUNC * math.sqrt(mse / (n * draws)) and effect <= AUTO_TRUNC * min(se_mse, se_second))


def auto_phase(family, spec, prob, x):
    """An eps="auto" row's estimation phase: the auto oracle's first call on the cell's noisy problem (the
    phase runs there, counted in ``prob.nfev``, not in the call's evaluations), and what it chose: a dict
    with ``eps`` (the fixed step that reproduces the oracle from then on, :func:`atlas_theory.auto_radius`),
    ``auto_h`` (the step), ``auto_noise`` (the noise level it measured, NaN if not detected) and
    ``auto_nfev`` (the phase's evaluations, checked against ``prob.nfev``); and ``auto_error`` if the
    call refused the step the phase chose (a FloatingPointError: e.g. a step too small to move x)."""
    n = x.shape[0]
    oracle = th.build(family, spec, n, seed=0)
    before = prob.nfev
    try:
        est = oracle.estimate(prob, x)
    except FloatingPointError as e:   # the phase ran, the call refused its step: a failed cell, with the reason
        if len(oracle.auto_steps) != 1:
            raise
        est, error = None, str(e)
    phase = oracle.auto_steps[-1]
    out = dict(eps=th.auto_radius(spec, n, phase.h), auto_h=phase.h, auto_nfev=phase.nfev,
               auto_noise=phase.noise.noise if phase.noise.detected else math.nan)
    if est is None:
        return dict(out, auto_error=f"{error} (the phase: {phase.message})")
    if len(oracle.auto_steps) != 1 or prob.nfev - before != phase.nfev + est.nev:
        raise RuntimeError(f"{prob.name}: {oracle!r} spent {prob.nfev - before} evaluations, not its phase's "
                           f"{phase.nfev} + the call's {est.nev}")
    return out


def reestimates(g2, block):
    """How often eps="auto"'s rule (``zeroopt.noise.auto.AutoEps.observe``: the mean of ||G||^2 over a
    block of calls falls below ``REESTIMATE_DROP`` of the first block's after the last estimate) would have
    asked for a new estimate over the cell's draws ``g2`` (the reference reset after each, as a new
    estimate does). The cell keeps the first phase's step throughout: it measures the oracle given h."""
    from zeroopt.noise.auto import REESTIMATE_DROP

    count, ref = 0, None
    for start in range(0, g2.shape[0] - block + 1, block):
        mean = float(np.mean(g2[start:start + block]))
        if ref is None:
            ref = mean
        elif mean < REESTIMATE_DROP * ref:
            count, ref = count + 1, None
    return count


def truncation(prob, x, g, eps, seed):
    """What the quadratic model leaves out at radius ``eps`` (the noise of ``prob`` off): the RMS error of
    the noiseless estimate on :data:`TRUNC_FRAMES` random orthonormal n-frames (exact on the model), or
    of central coordinate differences of step ``eps`` if larger; infinite if the step does not move x."""
    import zeroopt as zo

    n = x.shape[0]
    prob.args = prob.args[:-2] + (0.0, np.random.default_rng(0))
    frame = th.build("dir", dict(dist="sphere", q="n", orthogonal=True, scheme="central"), n, seed=0, eps=eps)
    try:
        E = estimates(frame, prob, x, TRUNC_FRAMES, np.random.default_rng(seed)) - g
        coord = float(np.linalg.norm(estimates(zo.CoordinateFD(eps=eps), prob, x, 1, None)[0] - g))
    except FloatingPointError:   # a step too small to move x (an auto step): no model holds at that radius
        return math.inf
    return max(coord, float(np.sqrt(np.mean(np.sum(E * E, axis=1)))))


def key_of(seed, *key):
    """The seed of one cell: the task's seed sequence extended by the cell's indices."""
    return np.random.SeedSequence(seed.entropy, spawn_key=tuple(seed.spawn_key) + key)


def task_cost(config):
    """Relative run time of a row's task (its evaluations grow with n and m)."""
    import zeroopt as zo

    r = zo.problems.more_wild_table()[config["row"] - 1]
    return r.n * (r.m + 5)


def run_one(config, seed):
    """Every cell of one Moré–Wild row: rows of the atlas table (one per point, noise level and oracle)
    and one row per point (``table="points"``)."""
    import zeroopt as zo
    from zeroopt.ad import hessian, value_and_grad

    row, draws = config["row"], config["draws"]
    problem, x0 = zo.problems.more_wild(row)
    py = problem.py_fun
    xb, rec = best_point(problem, x0)
    points = {"x0": x0, "half": x0 + 0.5 * (xb - x0)}
    n = problem.dim
    oracles = [o for o in th.ORACLES if config.get("oracles") is None or o[0] in config["oracles"]]
    rows = []
    for ip, (pname, x) in enumerate(points.items()):
        f, g = value_and_grad(py)(x, *problem.args)
        f, g = float(f), np.asarray(g, dtype=float)
        H = np.asarray(hessian(py)(x, *problem.args), dtype=float)
        prob = zo.Problem(relative_noise_fun, n, args=problem.args + (0.0, np.random.default_rng(0)),
                          name=problem.name)
        fd = estimates(zo.CoordinateFD(), prob, x, 1, None)[0]
        fd_err = float(np.linalg.norm(fd - g) / np.linalg.norm(g))
        smooth = fd_err < SMOOTH
        # what the quadratic model leaves out at the directions' radius EPS: the noiseless estimate on n
        # orthonormal directions is g on the model; its RMS error over TRUNC_FRAMES random frames (and the
        # error of central coordinate differences of step EPS, if larger) measures the O(eps^2) truncation
        trunc = truncation(prob, x, g, th.EPS, key_of(seed, ip, 99, 99))
        rows.append(dict(table="points", row=row, point=pname, n=n, f=f, gnorm=float(np.linalg.norm(g)),
                         x=" ".join(f"{v:.17g}" for v in x), x_best=" ".join(f"{v:.17g}" for v in xb),
                         fd_rel_err=fd_err, smooth=smooth, trunc=trunc, **rec))
        for inoise, sigma in enumerate(config["noises"]):
            for io, (label, family, spec) in enumerate(oracles):
                dir_seed, noise_seed = key_of(seed, ip, inoise, io).spawn(2)
                prob.args = problem.args + (sigma, np.random.default_rng(noise_seed))
                auto = th.is_auto(spec)
                step = auto_phase(family, spec, prob, x) if auto else {}
                oracle = th.build(family, spec, n, seed=0, eps=step.get("eps"))
                if auto and "auto_error" not in step:
                    try:
                        Gs = estimates(oracle, prob, x, draws, np.random.default_rng(dir_seed))
                    except FloatingPointError as e:   # a later call refused the step (another coordinate)
                        step["auto_error"] = f"{e} (at a later call; the phase: step {step['auto_h']:.3g})"
                if "auto_error" in step:   # no draws: the oracle raised (at its first call or a later one)
                    rows.append(dict(table="cells", row=row, problem=problem.name, n=n, point=pname, noise=sigma,
                                     oracle=label, q=th.directions(spec, n) if family == "dir" else 1, draws=0,
                                     f=f, gnorm=float(np.linalg.norm(g)), exact=False, smooth=smooth, trunc=trunc,
                                     mse=math.nan, **step))
                    continue
                if not auto:
                    Gs = estimates(oracle, prob, x, draws, np.random.default_rng(dir_seed))
                g0 = None
                if auto:   # given h: the noiseless differences at h, computed; the re-estimation rule, replayed
                    step["auto_reest"] = reestimates(np.einsum("ij,ij->i", Gs, Gs), 1 if family == "coord" else n)
                    step["trunc_h"] = truncation(prob, x, g, step["eps"], key_of(seed, ip, 99, 98))
                    if family in ("coord", "randcoord"):
                        prob.args = problem.args + (0.0, np.random.default_rng(0))
                        scheme = spec.get("scheme", "central")
                        g0 = estimates(zo.CoordinateFD(eps=step["eps"], scheme=scheme), prob, x, 1, None)[0]
                t = th.moments(family, spec, n, f, g, H, sigma, x=x, fun=lambda w: float(py(w, *problem.args)),
                               eps=step.get("eps"), g0=g0)
                g2 = float(g @ g)
                mse_t = t.get("mse", t["second"] + t["noise"] - g2 - 2.0 * float(t["bias_vec"] @ g))
                theory_random = smooth and (t["m"] > 1.0 or sigma > 0.0 or t["eps2"] > 0.0)
                cos_t = th.cosine(family, spec, n, g) if sigma == 0.0 else math.nan
                s = statistics(Gs, g, g + t["bias_vec"])
                if auto and g0 is None:   # directions at the auto step: the model's truncation must be unseen
                    theory_random = theory_random and unseen(step["trunc_h"], n, t["second"] + t["noise"], mse_t,
                                                             g2, draws, s)
                rows.append(dict(table="cells", row=row, problem=problem.name, n=n, point=pname, noise=sigma,
                                 oracle=label, q=th.directions(spec, n) if family == "dir" else 1, draws=draws,
                                 f=f, gnorm=math.sqrt(g2), m=t["m"], noise_term=t["noise"], eps2_term=t["eps2"],
                                 bias_theory=float(np.linalg.norm(t["bias_vec"])),
                                 mse_theory=mse_t, factor_theory=(t["second"] + t["noise"]) / g2, cos_theory=cos_t,
                                 exact=bool(theory_random), smooth=smooth, trunc=trunc, **step, **s))
    return rows
