"""Lecture notes 000 (zero-order GD): distance-matrix recovery (Figure 3), the two-point and the
finite-difference GD paths (Figures 4 and 5), the finite-difference error against h, and the variance
of the random estimators against the number of directions q. The "GD vs zero-order GD" table is in
:mod:`paper_figs.l000_table`.
"""

from __future__ import annotations

import numpy as np

import zeroopt as zo

from paper_figs._common import cached, contours, figure, grid_values, legend_outside, path, python_mode, sized, style

COLORS = {"gd": "k", "fd": "C0", "zo": "C3"}


# --- Figure 3: distance-matrix recovery ----------------------------------------------------------
def procrustes(W, P):
    """W moved onto P by the best translation and orthogonal map (the loss cannot see rigid motions)."""
    Wc, Pc = W - W.mean(0), P - P.mean(0)
    U, _, Vt = np.linalg.svd(Wc.T @ Pc)
    return Wc @ U @ Vt + P.mean(0)


def mds_data(N=12, dims=(2, 3, 10), iters=5000, budget=500, seed=0, jit=True):
    """Per d: the loss against evaluations for GD with the exact gradient (AD, step 1/L; one gradient
    counted as one evaluation), GD with central finite differences (2n evaluations per step) and
    two-point zero-order GD (2 evaluations per step, step 1/(nL)); and for d = 2 the points each method
    recovers after ``budget`` evaluations. ``jit=False``: Python mode (see python_mode)."""
    out = {"budget": budget}
    for d in dims:
        p = python_mode(zo.problems.mds(N, d, seed=seed), jit)
        n = p.dim
        runs = {"gd": (zo.ExactAD(), 1.0 / p.L, iters), "fd": (zo.CoordinateFD(), 1.0 / p.L, iters),
                "zo": (zo.TwoPoint(seed=seed + 1), None, iters * n)}
        for key, (oracle, step, k) in runs.items():
            r = zo.minimize(p, p.x0, oracle, step=step, maxiter=k, record="log")
            h = r.history
            ev = h["nit"] if key == "gd" else h["nfev"]
            out[f"{key}_ev_{d}"], out[f"{key}_f_{d}"] = ev, h["f"]
        out[f"n_{d}"] = n
        if d == 2:
            out["planted"] = p.planted
            out["start"] = procrustes(p.x0.reshape(N, d), p.planted)
            for key, (oracle, step, _) in runs.items():
                k = budget if key == "gd" else budget // oracle.evals_per_call(n)
                r = zo.minimize(p, p.x0, oracle, step=step, maxiter=max(k, 1), record="none")
                out[f"{key}_points"] = procrustes(r.x.reshape(N, d), p.planted)
                out[f"{key}_loss_at_budget"] = r.fun
    return out


MDS_LABELS = {"gd": "GD, exact gradient by AD (x: gradients)", "fd": "GD, central differences (2n evals/step)",
              "zo": "zero-order GD, two-point (2 evals/step)"}


@figure("l000_mds", "000", "3", "distance-matrix recovery: GD with AD vs zero-order GD, d = 2, 3, 10")
def mds(quick=False):
    d = cached("l000_mds", mds_data, **sized(quick, {}, dict(iters=1000), dict(N=4, iters=40, budget=60, jit=False)))
    dims = (2, 3, 10)
    with style() as plt:
        fig = plt.figure(figsize=(11, 6.2))
        sub = fig.subfigures(2, 1, height_ratios=[1, 1.1])
        axes = sub[0].subplots(1, 3, sharey=True)
        for ax, dim in zip(axes, dims):
            for key in ("gd", "fd", "zo"):
                ev, f = d[f"{key}_ev_{dim}"], d[f"{key}_f_{dim}"]
                ax.loglog(np.maximum(ev, 1), np.maximum(f, 1e-30), color=COLORS[key], label=MDS_LABELS[key])
            ax.set_title(f"d = {dim}: N = {d[f'n_{dim}'] // dim} points, n = {d[f'n_{dim}']} unknowns")
            ax.set_xlabel("evaluations")
            ax.set_ylim(1e-28, 1e4)
        axes[0].set_ylabel("loss L(W)")
        pts = sub[1].subplots(1, 3, sharex=True, sharey=True)
        for ax, key in zip(pts, ("gd", "fd", "zo")):
            P, W = d["planted"], d[f"{key}_points"]
            ax.plot(P[:, 0], P[:, 1], "o", mfc="none", mec="k", ms=9, label="true points (planted)")
            ax.plot(d["start"][:, 0], d["start"][:, 1], ".", color="0.6", label="start (noisy)")
            ax.plot(W[:, 0], W[:, 1], "o", color=COLORS[key], ms=5, label="recovered (aligned by a rigid motion)")
            for a, b in zip(P, W):
                ax.plot([a[0], b[0]], [a[1], b[1]], color=COLORS[key], lw=0.8)
            what = {"gd": "GD (AD), 500 gradients", "fd": "central differences, 500 evaluations",
                    "zo": "two-point, 500 evaluations"}[key].replace("500", str(d["budget"]))
            ax.set_title(f"d = 2, {what}: L = {d[f'{key}_loss_at_budget']:.2g}", fontsize=8.5)
            ax.set_aspect("equal")
        legend_outside(sub[0], "below", ncol=3)
        legend_outside(sub[1], "below", ncol=3)
    lo, hi = mds_shift(d, dims)
    return fig, (f"Lecture 000, Figure 3: recovering N = {d['n_2'] // 2} points in R^d from their squared distances, "
                 "L(W) = sum (||W_i - W_j||^2 - D_ij)^2. Top: the loss against evaluations for GD with the exact "
                 "gradient (AD; a gradient counted as one evaluation), GD with central differences (2n evaluations "
                 "per step: the same path, 2n times further right) and two-point zero-order GD (step 1/(nL), n times "
                 "the iterations at 2 evaluations each: also 2n times further right). To bring the loss to 1e-1 and "
                 f"1e-3 of its start, zero-order GD needs {lo:.2f} to {hi:.2f} times 2n as many evaluations as GD, and "
                 "n = Nd grows with d (in d = 10 none has converged within the budget). Bottom: the points each "
                 f"method recovered in d = 2 after {d['budget']} evaluations.")


def mds_shift(d, dims, targets=(1e-1, 1e-3)):
    """The least and largest ratio, over ``dims`` and ``targets`` (relative to the start), of the
    evaluations two-point zero-order GD needs to reach the target to 2n times those GD needs."""
    from paper_figs.l000_table import iterations_to

    ratios = []
    for dim in dims:
        n, f0 = int(d[f"n_{dim}"]), float(d[f"gd_f_{dim}"][0])
        for t in targets:
            ev = [iterations_to(np.asarray(d[f"{k}_ev_{dim}"], dtype=float), d[f"{k}_f_{dim}"], t * f0) for k in ("gd", "zo")]
            ratios.append(ev[1] / ev[0] / (2 * n))
    return float(np.nanmin(ratios)), float(np.nanmax(ratios))


# --- Figures 4 and 5: GD paths on a 2-D quadratic -----------------------------------------------
def quad2():
    """The 2-D quadratic of the path figures: f = (x - x*)' A (x - x*)/2, eigenvalues 1 and 10."""
    return zo.problems.quadratic(2, mu=1.0, L=10.0, seed=3)


X0_2D = np.array([-1.5, 1.2])


def paths_data(iters=40, seeds=(1, 2, 3), h=0.3, estimates=300, jit=True):
    p = python_mode(quad2(), jit)
    A, xs = p.args
    step = 1.0 / (2 * p.L)  # the two-point theory step 1/(nL), n = 2: GD drawn with the same step
    out = {"x_star": xs, "A": A}
    out["gd"], _ = path(p, X0_2D, zo.ExactAD(), step=step, maxiter=iters)
    for s in seeds:
        out[f"zo{s}"], _ = path(p, X0_2D, zo.TwoPoint(seed=s), step=step, maxiter=iters)
    out["central"], _ = path(p, X0_2D, zo.CoordinateFD(), step=1.0 / p.L, maxiter=iters)
    out["gd_L"], _ = path(p, X0_2D, zo.ExactAD(), step=1.0 / p.L, maxiter=iters)
    out["forward"], _ = path(p, X0_2D, zo.CoordinateFD(eps=h, scheme="forward"), step=1.0 / p.L, maxiter=iters)
    out["forward_limit"] = xs - 0.5 * h * np.linalg.solve(A, np.diag(A))
    o = zo.TwoPoint(seed=0)
    out["G"] = np.array([o(p, X0_2D) for _ in range(estimates)])
    out["g"] = A @ (X0_2D - xs)
    X, Y, Z = grid_values(lambda x: p.value(x, count=False), (-2.2, 1.6), (-1.4, 1.6), num=121)
    out.update(X=X, Y=Y, Z=Z)
    return out


def _paths_axes(ax, d):
    contours(ax, d["X"], d["Y"], d["Z"], levels=12, log=True)
    ax.plot(*d["x_star"], "*", color="C2", ms=12, label="minimiser x*", zorder=5)
    ax.plot(*X0_2D, "s", color="k", ms=5, label="start x0")


@figure("l000_two_point_path", "000", "4", "two-point estimator: the estimates at a point, and the GD path")
def two_point_path(quick=False):
    d = cached("l000_paths", paths_data, **sized(quick, {}, {}, dict(estimates=60, jit=False)))
    with style() as plt:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 5.2))
        G, g = d["G"], d["g"]
        _paths_axes(ax, d)
        scale = 0.025
        for Gi in G[:60]:
            ax.arrow(*X0_2D, *(-scale * Gi), color="C3", alpha=0.25, lw=0.6, head_width=0)
        ax.annotate("", X0_2D - scale * g, X0_2D, arrowprops=dict(arrowstyle="-|>", color="k", lw=1.8))
        ax.annotate("", X0_2D - scale * G.mean(0), X0_2D, arrowprops=dict(arrowstyle="-|>", color="C0", lw=1.5, ls="--"))
        ax.plot([], [], color="C3", alpha=0.5, label="-G = -2 D v, 60 draws of v")
        ax.plot([], [], color="k", lw=1.8, label="-grad f (exact)")
        ax.plot([], [], color="C0", ls="--", label=f"-mean of {len(G)} estimates G")
        ax.set_title(f"two-point estimates at x0 (arrows scaled by {scale})")
        ax.set_xlim(X0_2D[0] - 0.6, X0_2D[0] + 0.6)
        ax.set_ylim(X0_2D[1] - 0.9, X0_2D[1] + 0.3)
        _paths_axes(ax2, d)
        for i, s in enumerate((1, 2, 3)):
            ax2.plot(*d[f"zo{s}"].T, ".-", color="C3", alpha=0.8 - 0.2 * i, lw=1, ms=3,
                     label="zero-order GD, three seeds" if i == 0 else None)
        ax2.plot(*d["gd"].T, ".-", color="k", lw=1.2, ms=3, label="GD, exact gradient")
        ax2.set_title("40 steps of size 1/(nL), n = 2")
        for a in (ax, ax2):
            a.set_xlabel("x_1")
        ax.set_ylabel("x_2")
        legend_outside(fig, "below", ncol=4)
    rel = np.linalg.norm(G.mean(0) - g) / np.linalg.norm(g)
    return fig, ("Lecture 000, Figure 4: the two-point estimator G = n (f(x + eps v) - f(x - eps v))/(2 eps) v, v "
                 "uniform on the circle. Left: single estimates point anywhere in the half-plane of the gradient; "
                 f"their mean ({len(G)} draws) is within {100 * rel:.0f}% of it (unbiased on a quadratic). Right: "
                 "zero-order GD wanders around the GD path taken with the same step 1/(nL) and reaches x* too.")


@figure("l000_fd_path", "000", "5", "finite-difference GD paths: central = exact GD, forward with a large h is biased")
def fd_path(quick=False):
    d = cached("l000_paths", paths_data, **sized(quick, {}, {}, dict(estimates=60, jit=False)))
    with style() as plt:
        fig, ax = plt.subplots(figsize=(6.4, 5.0))
        _paths_axes(ax, d)
        ax.plot(*d["gd_L"].T, "-", color="k", lw=3, alpha=0.3, label="GD, exact gradient (AD)")
        ax.plot(*d["central"].T, ".-", color="C0", lw=1, ms=4, label="central differences, default h")
        ax.plot(*d["forward"].T, ".-", color="C1", lw=1, ms=4, label="forward differences, h = 0.3")
        ax.plot(*d["forward_limit"], "x", color="C1", ms=10, mew=2,
                label="x* - (h/2) A^-1 diag(A): where forward GD must stop")
        ax.set_xlabel("x_1")
        ax.set_ylabel("x_2")
        ax.set_title("GD with finite differences, step 1/L, 40 steps")
        ax.set_xlim(-2.0, 0.6)
        ax.set_ylim(-1.0, 1.4)
        legend_outside(fig, "below", ncol=2)
    return fig, ("Lecture 000, Figure 5: GD with the finite-difference gradient G = sum_i (f(x + h e_i) - f(x - h e_i))/"
                 "(2h) e_i on a 2-D quadratic follows the exact GD path (central differences are exact on quadratics "
                 "up to rounding, 2n evaluations per step). Forward differences err by (h/2) A_ii per coordinate, so "
                 "with a large h GD converges to x* - (h/2) A^-1 diag(A) (cross), not to x*.")


# --- finite-difference error against h ---------------------------------------------------------
EPS = np.finfo(float).eps


def exp1(x):
    """f(x) = exp(x_1): f = f' = f'' = f''' = e at x = 1, so every constant of the error model is e."""
    return np.exp(x[0])


def fd_error_data(x=1.0, num=301, hmin=1e-15, hmax=1.0):
    """|G - f'(x)| for zo.CoordinateFD(eps=h, scheme) on f = exp at x = 1, for log-spaced h; f'(x) by AD.

    Model (leading order): forward |f''| h/2 + eps |f|/h, optimum h* = sqrt(2 eps |f|/|f''|); central
    |f'''| h^2/6 + eps |f|/(2h), h* = (3 eps |f| / (2 |f'''|))^(1/3); eps is the machine epsilon and
    every computed value of f is within eps/2 of the exact one (relative)."""
    p = zo.Problem(exp1, 1, jit=False)
    x0 = np.array([x])
    g = zo.grad(exp1)(x0)[0]
    hs = np.geomspace(hmin, hmax, num)
    out = {"h": hs, "g": g, "f": exp1(x0)}
    for scheme in ("forward", "central"):
        out[scheme] = np.array([abs(zo.CoordinateFD(eps=h, scheme=scheme)(p, x0)[0] - g) for h in hs])
    return out


def fd_model(h, f, scheme):
    """(truncation, rounding, optimal h) of the error model for f = exp (all derivatives equal f)."""
    if scheme == "forward":
        return f * h / 2, EPS * f / h, np.sqrt(2 * EPS)
    return f * h * h / 6, EPS * f / (2 * h), (1.5 * EPS) ** (1 / 3)


@figure("l000_fd_error", "000", "-", "finite-difference error against h: the V of accuracy against stability")
def fd_error(quick=False):
    d = cached("l000_fd_error", fd_error_data, deps=(exp1,))
    h, f = d["h"], d["f"]
    with style() as plt:
        fig, ax = plt.subplots(figsize=(7.5, 4.6))
        for scheme, color in (("forward", "C0"), ("central", "C3")):
            err = d[scheme]
            ax.loglog(h, np.maximum(err, 1e-17), ".", ms=3, color=color, label=f"{scheme}: measured |G - f'(x)|")
            trunc, rnd, hopt = fd_model(h, f, scheme)
            order = "O(h)" if scheme == "forward" else "O(h^2)"
            ax.loglog(h, trunc + rnd, "-", color=color, lw=1.2, label=f"{scheme}: model {order} + O(eps/h)")
            ax.axvline(hopt, color=color, ls=":", lw=1.2, label=f"{scheme}: optimal h = {hopt:.1e}")
        ax.set_ylim(1e-13, 1e2)
        ax.set_xlabel("step h")
        ax.set_ylabel("error of the derivative")
        ax.set_title("f = exp at x = 1, zo.CoordinateFD(eps=h), float64")
        legend_outside(fig, "below", ncol=3)
    return fig, ("Lecture 000 (finite differences: accuracy against stability): the error of the forward difference "
                 "(f(x + h) - f(x))/h and the central one (f(x + h) - f(x - h))/(2h) against h. Right of the optimum "
                 "the truncation error falls like h (forward) or h^2 (central); left of it the rounding error of f, "
                 "eps |f| / h, takes over. The lines are the model |f''| h/2 + eps |f|/h and |f'''| h^2/6 + eps |f|/(2h) "
                 "(eps = 2.2e-16), minimal at h = sqrt(2 eps) = 2.1e-8 and (1.5 eps)^(1/3) = 6.9e-6, the scales of "
                 "zeroopt's default steps sqrt(eps) and eps^(1/3).")


# --- variance of the random estimators against q -----------------------------------------------
def variance_theory(dist, n, q):
    """E||G - g||^2 / ||g||^2 on a quadratic (estimators module table): sphere and rademacher (n - 1)/q,
    gaussian (n + 1)/q, q orthogonal directions n/q - 1."""
    q = np.asarray(q, dtype=float)
    return {"sphere": (n - 1) / q, "rademacher": (n - 1) / q, "gaussian": (n + 1) / q, "orthogonal": n / q - 1}[dist]


DISTS = ("sphere", "gaussian", "rademacher", "orthogonal")


def variance_data(n=32, qs=(1, 2, 4, 8, 16, 24, 31), draws=2000, seed=0, jit=True):
    """Monte-Carlo mean and standard error of ||G - g||^2 / ||g||^2 at x = 0 of quadratic(n), for each
    direction distribution and number of directions q (``draws`` estimates each, seeded)."""
    p = python_mode(zo.problems.quadratic(n, mu=1.0, L=10.0, seed=seed), jit)
    x = np.zeros(n)
    g = zo.ExactAD()(p, x)
    out = {"q": np.array(qs), "n": n, "draws": draws}
    for i, dist in enumerate(DISTS):
        means, ses = [], []
        for j, q in enumerate(qs):
            o = zo.TwoPoint(dist="sphere" if dist == "orthogonal" else dist, directions=q,
                            orthogonal=dist == "orthogonal", seed=[seed, i, j])
            r = np.array([np.sum((o(p, x) - g) ** 2) for _ in range(draws)]) / (g @ g)
            means.append(r.mean())
            ses.append(r.std(ddof=1) / np.sqrt(draws))
        out[f"{dist}_mean"], out[f"{dist}_se"] = np.array(means), np.array(ses)
    return out


@figure("l000_variance", "000", "-", "variance of the random estimators against the number of directions q")
def variance(quick=False):
    d = cached("l000_variance", variance_data,
               **sized(quick, {}, dict(draws=300), dict(n=8, qs=(1, 2, 8), draws=50, jit=False)))
    q, n = d["q"], int(d["n"])
    qq = np.geomspace(1, q.max(), 100)
    with style() as plt:
        fig, ax = plt.subplots(figsize=(7.5, 4.6))
        for i, (dist, shift) in enumerate(zip(DISTS, (0.94, 1.0, 1.06, 1.0))):
            c = f"C{i}"
            ax.errorbar(q * shift, d[f"{dist}_mean"], yerr=4 * d[f"{dist}_se"], fmt="os^D"[i], color=c, ms=5,
                        capsize=2, label=f"{dist}: measured (bars: 4 standard errors)")
            if dist != "rademacher":
                lab = {"sphere": "theory (n - 1)/q: sphere, rademacher", "gaussian": "theory (n + 1)/q: gaussian",
                       "orthogonal": "theory n/q - 1: orthogonal (0 at q = n)"}[dist]
                ax.loglog(qq, variance_theory(dist, n, qq), "-", color=c, lw=1, label=lab)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(q, [str(v) for v in q])
        ax.minorticks_off()
        ax.set_xlabel("directions q (2q evaluations per estimate)")
        ax.set_ylabel("E||G - grad f||^2 / ||grad f||^2")
        ax.set_title(f"two-point estimators on a quadratic, n = {n}, {int(d['draws'])} estimates per point")
        legend_outside(fig, "below", ncol=2)
    return fig, (f"Lecture 000 (zero-order estimators): the relative variance E||G - grad f||^2/||grad f||^2 of the "
                 f"multi-point estimator against the number of directions q (n = {n}), measured by Monte Carlo, with "
                 "the theory lines: averaging q independent sphere or Rademacher directions gives (n - 1)/q, Gaussian "
                 "ones (n + 1)/q, a random orthonormal frame n/q - 1, which vanishes at q = n. Per evaluation, averaging "
                 "gains nothing (variance x 2q evaluations = 2(n - 1) for every q); for the orthonormal frame the "
                 "product is 2(n - q), smaller by 2(q - 1).")
