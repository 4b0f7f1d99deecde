"""Lecture notes 003 (gradient descent): GD paths in 1-D and 2-D, the step size too small / too large /
about right, the steepest-descent zig-zag and the coordinate-descent staircase, and the iterations
against the condition number with the (kappa - 1)/(kappa + 1) theory."""

from __future__ import annotations

import math

import numpy as np

import zeroopt as zo

from paper_figs._common import cached, contours, figure, grid_values, legend_outside, path, sized, style


def quad_problem(kappa, theta=0.0, x_star=(0.0, 0.0), jit=True):
    """f(x) = (x - x*)' A (x - x*)/2 on R^2, A with eigenvalues 1 and kappa, rotated by theta;
    zo.problems.quadratic_fun (numba-compiled, cached; jit=False: Python mode) with mu = 1, L = kappa."""
    c, s = math.cos(theta), math.sin(theta)
    Q = np.array([[c, -s], [s, c]])
    A = Q @ np.diag([1.0, float(kappa)]) @ Q.T
    xs = np.array(x_star, dtype=float)
    return zo.Problem(zo.problems.quadratic_fun, 2, args=(0.5 * (A + A.T), xs), x_star=xs, f_star=0.0, mu=1.0,
                      L=float(kappa), name=f"quadratic(kappa={kappa:g})", jit=jit)


def _fvals(p, xs):
    return np.array([p.value(x, count=False) for x in xs])


def _grid(p, xlim, ylim, num=121):
    return grid_values(lambda x: p.value(x, count=False), xlim, ylim, num=num)


# --- GD paths in 1-D and 2-D ------------------------------------------------------------------------
def smooth1d(x):
    """A convex, non-quadratic 1-D function: log cosh(x - 1) + 0.1 (x - 1)^2 (L = 1.2, minimiser 1)."""
    return np.log(np.cosh(x[0] - 1.0)) + 0.1 * (x[0] - 1.0) ** 2


def paths_data(iters=12):
    p1 = zo.Problem(smooth1d, 1, L=1.2, jit=False)
    xs1, _ = path(p1, [-2.5], zo.ExactAD(), maxiter=iters)
    grid = np.linspace(-3, 3.5, 301)
    p2 = quad_problem(5.0, theta=0.5, x_star=(0.5, 0.2))
    xs2, _ = path(p2, [-2.0, 1.5], zo.ExactAD(), maxiter=iters)
    X, Y, Z = _grid(p2, (-2.5, 1.5), (-1.2, 2.0))
    return {"x1": xs1[:, 0], "f1": np.array([smooth1d(x) for x in xs1]), "grid": grid,
            "fgrid": np.array([smooth1d([x]) for x in grid]), "x2": xs2, "X": X, "Y": Y, "Z": Z}


@figure("l003_gd_paths", "003", "-", "GD paths in 1-D and 2-D")
def gd_paths(quick=False):
    d = cached("l003_paths", paths_data, deps=(smooth1d,))
    with style() as plt:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
        ax.plot(d["grid"], d["fgrid"], "k", label="f")
        ax.plot(d["x1"], d["f1"], "o-", color="C3", ms=4, lw=0.8, label="GD iterates x_k, step 1/L")
        for k in range(3):
            ax.annotate(f"x_{k}", (d["x1"][k], d["f1"][k]), textcoords="offset points", xytext=(-7, -7), ha="right",
                        va="top", fontsize=9)   # below-left: off the falling curve
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.set_title("1-D: f(x) = log cosh(x - 1) + 0.1 (x - 1)^2")
        contours(ax2, d["X"], d["Y"], d["Z"], levels=12, log=True)
        ax2.plot(*d["x2"].T, "o-", color="C3", ms=4, lw=1)
        ax2.plot(0.5, 0.2, "*", color="C2", ms=12, label="minimiser")
        ax2.set_xlabel("x_1")
        ax2.set_ylabel("x_2")
        ax2.set_title("2-D: a quadratic with kappa = 5")
        legend_outside(fig, "below", ncol=3)
    return fig, ("Lecture 003 (GD, 1-D and 2-D case): gradient descent x_{k+1} = x_k - (1/L) grad f(x_k), run by "
                 "zo.minimize with the exact gradient, on a convex function of one variable (the iterates on the "
                 "curve) and on a two-variable quadratic (the path across the level sets, each step orthogonal "
                 "to the level set it leaves).")


# --- the step size -----------------------------------------------------------------------------------
STEPS = (("too small: 0.1 / L", 0.1), ("too large: 1.9 / L", 1.9), ("about right: 2 / (mu + L)", None))
KAPPA_STEPS = 5.0


def gd_quadratic_theory(A, e0, step, k):
    """f(x_k) - f* of GD with a fixed step on f = e' A e / 2 from error e0, exactly: in the eigenbasis
    A = Q diag(lambda) Q', mode i shrinks by (1 - step lambda_i) per step, so
    f_k - f* = sum_i lambda_i c_i^2 (1 - step lambda_i)^(2k) / 2, c = Q' e0."""
    lam, Q = np.linalg.eigh(A)
    c = Q.T @ e0
    return 0.5 * np.sum(lam[:, None] * c[:, None] ** 2 * (1 - step * lam[:, None]) ** (2 * np.asarray(k)[None, :]), 0)


def steps_data(iters=30):
    p = quad_problem(KAPPA_STEPS, theta=0.5)
    x0 = np.array([-1.8, 1.2])
    out = {}
    for i, (_, c) in enumerate(STEPS):
        step = 2.0 / (p.mu + p.L) if c is None else c / p.L
        xs, _ = path(p, x0, zo.ExactAD(), step=step, maxiter=iters)
        out[f"x{i}"], out[f"f{i}"], out[f"step{i}"] = xs, _fvals(p, xs), step
        out[f"theory{i}"] = gd_quadratic_theory(p.args[0], x0 - p.x_star, step, np.arange(iters + 1))
    out.update(zip("XYZ", _grid(p, (-2.2, 2.2), (-1.9, 1.6))))
    return out


def contraction(step, mu=1.0, L=KAPPA_STEPS):
    """The per-iteration factor of f - f* for GD on a quadratic, asymptotically: max |1 - step lambda|^2."""
    return max(abs(1 - step * mu), abs(1 - step * L)) ** 2


@figure("l003_step_size", "003", "-", "step size: too small, too large, about right")
def step_size(quick=False):
    d = cached("l003_steps", steps_data)
    with style() as plt:
        fig, axes = plt.subplots(2, 3, figsize=(11, 6.2), height_ratios=[1.25, 1])
        for i, (title, _) in enumerate(STEPS):
            ax, ax2 = axes[0, i], axes[1, i]
            contours(ax, d["X"], d["Y"], d["Z"], levels=10, log=True)
            ax.plot(*d[f"x{i}"].T, "o-", color="C3", ms=3, lw=0.9)
            ax.set_title(title)
            ax.set_xlabel("x_1")
            k = np.arange(len(d[f"f{i}"]))
            rho = contraction(d[f"step{i}"])
            ax2.semilogy(k, d[f"f{i}"], "o", color="C3", ms=3, label="f(x_k) - f*, measured" if i == 0 else None)
            ax2.semilogy(k, d[f"theory{i}"], "k--", lw=1,
                         label="theory: sum_i lambda_i c_i^2 (1 - step lambda_i)^(2k) / 2, c = eigen-coordinates of "
                               "x0 - x*" if i == 0 else None)
            ax2.set_xlabel("iteration k")
            ax2.set_ylim(1e-11, 30)
            ax2.text(0.97, 0.92, f"rate {rho:.3f} per step", transform=ax2.transAxes, ha="right", fontsize=8)
        axes[0, 0].set_ylabel("x_2")
        axes[1, 0].set_ylabel("f(x_k) - f*")
        legend_outside(fig, "below", ncol=2)
    return fig, ("Lecture 003 (step size): 30 GD steps on a quadratic with eigenvalues mu = 1 and L = 5. Too small "
                 "(0.1/L): slow, the factor 1 - 0.1 mu/L per step. Too large (1.9/L): the iterates oscillate across "
                 "the valley, |1 - 1.9| = 0.9 per step along the stiff direction (beyond 2/L they diverge). About "
                 "right, 2/(mu + L): the best fixed step, factor (kappa - 1)/(kappa + 1) in both directions. The "
                 "dashed lines are the exact theory of f - f* per eigen-direction; the rate printed is its "
                 "asymptotic factor max_i (1 - step lambda_i)^2.")


# --- steepest descent and coordinate descent ---------------------------------------------------------
#: the rotation of the quadratic in the path panels: eigenvectors 30 degrees from the axes, neither
#: separable in the coordinates (0 degrees: coordinate descent solves it in one sweep) nor the special
#: 45 degrees (where steepest descent's worst-case path is itself axis-parallel)
THETA_DESCENT = math.pi / 6


def coordinate_factor(A):
    """Exact cyclic coordinate descent on f = e' A e / 2 in 2-D: f - f* shrinks by exactly
    rho = A_12^2 / (A_11 A_22) per coordinate minimisation after the first (Gauss-Seidel: one sweep maps
    e_2 to rho e_2). With A = Q(theta) diag(1, kappa) Q(theta)' and u = sin^2 theta cos^2 theta,
    rho = (kappa - 1)^2 u / (kappa + (kappa - 1)^2 u): 0 for axis-aligned eigenvectors, at most
    ((kappa - 1)/(kappa + 1))^2 at theta = 45 degrees, steepest descent's worst-case factor per step.

    Examples
    --------
    >>> round(coordinate_factor(np.array([[5.5, 4.5], [4.5, 5.5]])), 6)   # kappa = 10 at 45 degrees: (9/11)^2
    0.669421
    """
    A = np.asarray(A, dtype=float)
    return float(A[0, 1] ** 2 / (A[0, 0] * A[1, 1]))


def descent_data(iters=28, kappa=10.0, theta=THETA_DESCENT, thetas=13, jit=True):
    """Steepest descent from its worst start, x0 - x* along Q (kappa, 1) (Q the eigenvectors, mu = 1,
    L = kappa): there f - f* shrinks by exactly ((kappa - 1)/(kappa + 1))^2 per step; coordinate descent
    from the same start, ``iters`` line searches each. And both per-step factors measured for
    ``thetas`` rotations in (0, 90) degrees (steepest descent from its worst start at each)."""
    def worst_start(th):
        c, s = math.cos(th), math.sin(th)
        e0 = np.array([[c, -s], [s, c]]) @ np.array([kappa, 1.0])
        return -2.0 * e0 / np.linalg.norm(e0)

    p = quad_problem(kappa, theta=theta, jit=jit)
    x0 = worst_start(theta)
    sd, _ = path(p, x0, zo.ExactAD(), method="steepest", maxiter=iters)
    cd, _ = path(p, x0, None, method="coordinate", maxiter=iters)
    out = {"sd": sd, "cd": cd, "sd_f": _fvals(p, sd), "cd_f": _fvals(p, cd), "kappa": kappa, "theta": theta,
           "A": p.args[0]}
    both = np.vstack([sd, cd])
    lo, hi = both.min(0) - 0.25, both.max(0) + 0.25
    out.update(zip("XYZ", _grid(p, (lo[0], hi[0]), (lo[1], hi[1]))))
    ths = np.linspace(0, math.pi / 2, thetas + 2)[1:-1]
    sd_rate, cd_rate, cd_theory = [], [], []
    for th in ths:   # the factor per line search: steps 1 -> 3 (the first step is special for coordinate descent)
        q = quad_problem(kappa, theta=th, jit=jit)
        f_sd = _fvals(q, path(q, worst_start(th), zo.ExactAD(), method="steepest", maxiter=3)[0])
        f_cd = _fvals(q, path(q, worst_start(th), None, method="coordinate", maxiter=3)[0])
        sd_rate.append(math.sqrt(f_sd[3] / f_sd[1]))
        cd_rate.append(math.sqrt(f_cd[3] / f_cd[1]))
        cd_theory.append(coordinate_factor(q.args[0]))
    out.update(thetas=ths, sd_rate=np.array(sd_rate), cd_rate=np.array(cd_rate), cd_theory=np.array(cd_theory))
    return out


@figure("l003_steepest_coordinate", "003", "-", "the steepest-descent zig-zag and the coordinate-descent staircase")
def steepest_coordinate(quick=False):
    d = cached("l003_descent", descent_data, deps=(coordinate_factor,), theta=THETA_DESCENT,   # (keys the cache)
               **sized(quick, {}, {}, dict(thetas=5, jit=False)))
    kappa, theta = d["kappa"], float(d["theta"])
    q = ((kappa - 1) / (kappa + 1)) ** 2
    rho = coordinate_factor(d["A"])
    with style() as plt:
        fig, axes = plt.subplots(1, 4, figsize=(14, 4.0), width_ratios=[1, 1, 1.05, 1.05])
        ax, ax2, ax3, ax4 = axes
        for a, key, title in ((ax, "sd", "steepest descent: exact line search"),
                              (ax2, "cd", "coordinate descent: one coordinate a step")):
            contours(a, d["X"], d["Y"], d["Z"], levels=12, log=True)
            a.plot(*d[key].T, "o-", color="C3" if key == "sd" else "C0", ms=3, lw=1)
            a.set_title(title, fontsize=9.5)
            a.set_xlabel("x_1")
        ax.set_ylabel("x_2")
        k_sd, k_cd = np.arange(len(d["sd_f"])), np.arange(len(d["cd_f"]))
        ax3.semilogy(k_sd, d["sd_f"], "o", color="C3", ms=5, mfc="none", label="steepest descent (one step = one line search)")
        ax3.semilogy(k_cd, d["cd_f"], "s", color="C0", ms=3, label="coordinate descent (one coordinate = one line search)")
        ax3.semilogy(k_sd, d["sd_f"][0] * q ** k_sd, "--", color="C3", lw=1,
                     label="theory, steepest descent: ((kappa - 1)/(kappa + 1))^(2k) from its worst start")
        kk = k_cd[k_cd >= 1]
        ax3.semilogy(kk, d["cd_f"][1] * rho ** (kk - 1), ":", color="C0", lw=1.6,
                     label="theory, coordinate descent: rho^(k - 1) after its first step, rho = A_12^2/(A_11 A_22)")
        ax3.set_xlabel("line searches k")
        ax3.set_ylabel("f(x_k) - f*")
        ax3.set_title(f"rotation {math.degrees(theta):.0f} degrees: {q:.3f} and {rho:.3f} per line search", fontsize=9.5)
        deg = np.degrees(d["thetas"])
        tt = np.linspace(0, math.pi / 2, 181)
        ax4.plot(np.degrees(tt), [coordinate_factor(quad_problem(kappa, theta=t).args[0]) for t in tt], ":", color="C0",
                 lw=1.6)
        ax4.plot(deg, d["cd_rate"], "s", color="C0", ms=4)
        ax4.axhline(q, color="C3", ls="--", lw=1)
        ax4.plot(deg, d["sd_rate"], "o", color="C3", ms=6, mfc="none")
        ax4.axvline(math.degrees(theta), color="0.6", lw=0.8, label="the rotation of the left panels")
        ax4.set_xticks([0, 15, 30, 45, 60, 75, 90])
        ax4.set_xlabel("rotation of the eigenvectors (degrees)")
        ax4.set_ylabel("factor of f - f* per line search")
        ax4.set_title("measured (markers) on theory (lines)", fontsize=9.5)
        ax4.set_ylim(0, 0.8)
        legend_outside(fig, "below", ncol=2)
    return fig, (f"Lecture 003 (steepest descent, coordinate descent) on a quadratic with kappa = {kappa:g} whose "
                 f"eigenvectors are turned {math.degrees(theta):.0f} degrees from the axes, from steepest descent's "
                 "worst start. Steepest descent (zo.minimize method='steepest', Brent's exact line search along "
                 "-grad f) zig-zags, each step orthogonal to the last; coordinate descent (method='coordinate', an "
                 "exact minimisation along one axis at a time, function values only) moves in a staircase and needs "
                 "no step size. Counted per line search, steepest descent shrinks f - f* by ((kappa - 1)/(kappa + "
                 f"1))^2 = {q:.3f}, coordinate descent by rho = A_12^2/(A_11 A_22) = {rho:.3f} (exactly, after its "
                 "first step); a coordinate minimisation needs one partial derivative instead of the gradient, but in "
                 "n dimensions a sweep is n of them. Right: coordinate descent's factor depends on how the ellipse is "
                 f"turned, from 0 when the problem separates in the coordinates to {q:.3f} at 45 degrees (measured "
                 f"{float(np.min(d['cd_rate'])):.3f} to {float(np.max(d['cd_rate'])):.3f} on {len(d['thetas'])} "
                 "rotations), never above steepest descent's worst case, which does not depend on the rotation.")


# --- iterations against the condition number ---------------------------------------------------------
def iterations_to(p, x0, target, **kw):
    """The iterations zo.minimize needs until f(x_k) - f* <= target (stopped by the callback)."""
    def stop(r):
        if p.value(r.x, count=False) - p.f_star <= target:
            raise StopIteration
    r = zo.minimize(p, x0, zo.ExactAD(), callback=stop, record="none", **kw)
    return r.nit


def kappa_theory(kappa, eps):
    """Iterations to f - f* <= eps (f0 - f*) from x0 = (kappa, 1) on diag(1, kappa): GD with 2/(mu + L) and
    steepest descent contract f by ((kappa - 1)/(kappa + 1))^2 exactly; GD with 1/L leaves only the
    first coordinate after one step, f_k/f_0 = (1 - 1/kappa)^(2k) kappa/(kappa + 1)."""
    kappa = np.asarray(kappa, dtype=float)
    q = (kappa - 1) / (kappa + 1)
    opt = np.ceil(np.log(eps) / (2 * np.log(q)))
    one_over_L = np.ceil(np.log(eps * (kappa + 1) / kappa) / (2 * np.log(1 - 1 / kappa)))
    return opt, one_over_L


def kappa_data(kappas=(2, 4, 10, 20, 50, 100, 200, 500, 1000), eps=1e-10, jit=True):
    out = {"kappa": np.array(kappas, dtype=float), "eps": eps}
    rows = {"opt": [], "one_over_L": [], "steepest": []}
    for kappa in kappas:
        p = quad_problem(kappa, jit=jit)
        x0 = np.array([float(kappa), 1.0])
        target = eps * p.value(x0, count=False)
        cap = int(30 * kappa * math.log(1 / eps))
        rows["opt"].append(iterations_to(p, x0, target, step=2.0 / (1 + kappa), maxiter=cap))
        rows["one_over_L"].append(iterations_to(p, x0, target, step=1.0 / kappa, maxiter=cap))
        rows["steepest"].append(iterations_to(p, x0, target, method="steepest", maxiter=cap))
    out.update({k: np.array(v) for k, v in rows.items()})
    return out


@figure("l003_condition_number", "003", "-", "iterations against the condition number kappa")
def condition_number(quick=False):
    d = cached("l003_kappa", kappa_data, **sized(quick, {}, dict(kappas=(2, 10, 100)), dict(kappas=(2, 10), jit=False)))
    kap, eps = d["kappa"], d["eps"]
    kk = np.geomspace(kap.min(), kap.max(), 200)
    opt, one_L = kappa_theory(kk, eps)
    with style() as plt:
        fig, ax = plt.subplots(figsize=(7, 4.4))
        ax.loglog(kap, d["opt"], "o", color="C3", label="GD, step 2/(mu + L)")
        ax.loglog(kap, d["steepest"], "x", color="k", ms=8, label="steepest descent (exact line search)")
        ax.loglog(kap, d["one_over_L"], "s", color="C0", mfc="none", label="GD, step 1/L")
        ax.loglog(kk, opt, "-", color="C3", lw=1, label="theory ln(1/eps) / (2 ln((kappa+1)/(kappa-1)))")
        ax.loglog(kk, one_L, "-", color="C0", lw=1, label="theory for 1/L: factor (1 - 1/kappa)^2")
        ax.set_xlabel("condition number kappa = L / mu")
        ax.set_ylabel(f"iterations to f - f* <= {eps:g} (f0 - f*)")
        legend_outside(fig, "below", ncol=2)
    return fig, ("Lecture 003 (condition number): iterations to reduce f - f* by 1e-10 on the quadratic diag(1, "
                 "kappa) from x0 = (kappa, 1), against kappa. GD with the best fixed step 2/(mu + L) and steepest "
                 "descent contract f - f* by exactly ((kappa - 1)/(kappa + 1))^2 per step here, so both need "
                 "ln(1/eps)/(2 ln((kappa + 1)/(kappa - 1))) ~ (kappa/4) ln(1/eps) iterations; GD with 1/L "
                 "contracts by (1 - 1/kappa)^2, twice as many. Iterations grow linearly in kappa.")
