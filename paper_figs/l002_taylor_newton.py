"""Lecture notes 002 (optimization in many dimensions): stationary points classified by the AD Hessian,
the second-order Taylor model built from ``zo.grad`` and ``zo.hessian``, and GD against Newton."""

from __future__ import annotations

import numpy as np

import zeroopt as zo

from paper_figs._common import cached, contours, figure, grid_values, legend_outside, path, style


# --- the quartic 3x^4 - 4x^3 - 12x^2 ----------------------------------------------------------------
def quartic(x):
    """The lecture's f(x) = 3 x^4 - 4 x^3 - 12 x^2 (x an array of one entry)."""
    return 3 * x[0] ** 4 - 4 * x[0] ** 3 - 12 * x[0] ** 2


def stationary_points(f, lo, hi, num=401, newton_steps=50):
    """The zeros of f' on [lo, hi]: sign changes of f' (by zo.grad) on a grid, refined by Newton steps
    with f'' (by zo.hessian); returns (points, f'' at them)."""
    grad, hess = zo.grad(f), zo.hessian(f)
    xs = np.linspace(lo, hi, num)
    g = np.array([grad(np.array([x]))[0] for x in xs])
    found = []
    for i in np.flatnonzero(np.sign(g[:-1]) != np.sign(g[1:])):
        x = 0.5 * (xs[i] + xs[i + 1])
        for _ in range(newton_steps):
            step = grad(np.array([x]))[0] / hess(np.array([x]))[0, 0]
            x -= step
            if abs(step) <= 1e-15 * max(1.0, abs(x)):
                break
        if not any(abs(x - y) <= 1e-9 * max(1.0, abs(x)) for y in found):  # a grid point on a zero: found twice
            found.append(x)
    pts = np.array(found)
    return pts, np.array([hess(np.array([x]))[0, 0] for x in pts])


def quartic_data(lo=-2.0, hi=3.0):
    pts, curv = stationary_points(quartic, lo, hi)
    xs = np.linspace(lo, hi, 501)
    return {"x": xs, "f": np.array([quartic([x]) for x in xs]),
            "df": np.array([zo.grad(quartic)(np.array([x]))[0] for x in xs]), "points": pts, "curvature": curv,
            "values": np.array([quartic([x]) for x in pts])}


KIND = {1: ("local minimum", "C2", "v"), -1: ("local maximum", "C3", "^"), 0: ("degenerate", "k", "o")}


@figure("l002_quartic", "002", "-", "stationary points of 3x^4 - 4x^3 - 12x^2, classified by the AD Hessian")
def quartic_figure(quick=False):
    d = cached("l002_quartic", quartic_data, deps=(quartic,))
    with style() as plt:
        fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7, 5.2), sharex=True, height_ratios=[1.6, 1])
        ax.plot(d["x"], d["f"], "k", label="f(x) = 3x^4 - 4x^3 - 12x^2")
        ax2.plot(d["x"], d["df"], color="C0", label="f'(x) by zo.grad")
        ax2.axhline(0, color="0.5", lw=0.8)
        seen = set()
        for x, c, v in zip(d["points"], d["curvature"], d["values"]):
            kind, color, mark = KIND[int(np.sign(c))]
            ax.plot(x, v, mark, color=color, ms=9, label=kind if kind not in seen else None)
            seen.add(kind)
            above = c < 0   # a maximum's label above it, a minimum's below: both off the curve
            ax.annotate(f"x = {x:.3g}\nf'' = {c:.4g}", (x, v), textcoords="offset points", xytext=(0, 12 if above else -14),
                        ha="center", va="bottom" if above else "top", fontsize=8.5)
            ax2.plot(x, 0, mark, color=color, ms=7)
        ax.set_ylabel("f(x)")
        ax.set_ylim(-52, 40)
        ax2.set_ylabel("f'(x)")
        ax2.set_ylim(min(-110, d["df"].min() - 10), max(150, d["df"].max() + 10))
        ax2.set_xlabel("x")
        legend_outside(fig, "below", ncol=3)
    return fig, ("Lecture 002: f(x) = 3x^4 - 4x^3 - 12x^2 = x^2 (3x^2 - 4x - 12) with its stationary points, the "
                 "zeros of f' = 12 x (x - 2)(x + 1) found from zo.grad and refined by Newton, and classified by "
                 "the sign of the Hessian f'' = 36x^2 - 24x - 24 from zo.hessian: minima at -1 (f'' = 36) and 2 "
                 "(f'' = 72, the global one), a maximum at 0 (f'' = -24).")


# --- x exp(-x^2 - y^2) and its second-order Taylor model at (-1, 0) -------------------------------
def bump(x):
    """The lecture's surface f(x, y) = x exp(-x^2 - y^2)."""
    return x[0] * np.exp(-x[0] ** 2 - x[1] ** 2)


X_TAYLOR = np.array([-1.0, 0.0])


def taylor_model(f, x0):
    """m(x) = f(x0) + g'(x - x0) + (x - x0)' H (x - x0)/2 with g = zo.grad(f)(x0), H = zo.hessian(f)(x0)."""
    f0, g, H = float(f(x0)), zo.grad(f)(x0), zo.hessian(f)(x0)

    def m(x):
        s = np.asarray(x) - x0
        return f0 + g @ s + 0.5 * s @ H @ s
    return m, f0, g, H


def lecture_model(x, y):
    """The lecture's expansion at (-1, 0): e^-1 (-1 - (x + 1) + (x + 1)^2 + y^2)."""
    return np.exp(-1.0) * (-1.0 - (x + 1) + (x + 1) ** 2 + y ** 2)


def taylor_data(num=41):
    m, f0, g, H = taylor_model(bump, X_TAYLOR)
    X, Y, Z = grid_values(bump, (-2, 2), (-2, 2), num=num)
    M = np.array([m(np.array([x, y])) for x, y in zip(X.ravel(), Y.ravel())]).reshape(X.shape)
    xs = np.linspace(-2, 2, 401)
    return {"X": X, "Y": Y, "Z": Z, "M": M, "f0": f0, "g": g, "H": H, "xs": xs,
            "slice_f": np.array([bump(np.array([x, 0.0])) for x in xs]),
            "slice_m": np.array([m(np.array([x, 0.0])) for x in xs])}


@figure("l002_taylor", "002", "-", "x exp(-x^2 - y^2) and its second-order Taylor model at (-1, 0)")
def taylor(quick=False):
    d = cached("l002_taylor", taylor_data, deps=(bump,))
    X, Y, Z, M = d["X"], d["Y"], d["Z"], d["M"]
    with style() as plt:
        fig = plt.figure(figsize=(10, 4.4))
        ax = fig.add_subplot(1, 2, 1, projection="3d")
        ax.plot_wireframe(X, Y, Z, rstride=2, cstride=2, lw=0.5, color="C0", label="f(x, y) = x exp(-x^2 - y^2)")
        ax.plot_wireframe(X, Y, np.where(M <= 1, M, np.nan), rstride=2, cstride=2, lw=0.5, color="C4",
                          label="Taylor model at (-1, 0) (drawn where <= 1)")
        ax.scatter([-1], [0], [d["f0"]], color="k", s=25)
        ax.set_zlim(-1, 1)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.view_init(elev=22, azim=-60)
        ax2 = fig.add_subplot(1, 2, 2)
        ax2.plot(d["xs"], d["slice_f"], color="C0")
        ax2.plot(d["xs"], d["slice_m"], color="C4")
        ax2.plot(-1, d["f0"], "ko", label="expansion point (-1, 0)")
        ax2.set_ylim(-0.8, 1.0)
        ax2.set_xlabel("x (slice y = 0)")
        ax2.set_ylabel("value")
        legend_outside(fig, "below", ncol=3)
    g, H = d["g"], d["H"]
    return fig, ("Lecture 002: f(x, y) = x exp(-x^2 - y^2) (blue) and its second-order Taylor model at (-1, 0) "
                 f"(purple), built from zo.grad = ({g[0]:.4f}, {g[1]:.1g}) and zo.hessian = diag({H[0, 0]:.4f}, "
                 f"{H[1, 1]:.4f}): it equals the lecture's e^-1 (-1 - (x + 1) + (x + 1)^2 + y^2) (the lecture's "
                 "code comment says (1, 0); the formula expands at (-1, 0)). Right: the slice y = 0. The model is "
                 "exact to second order at the point and wrong far from it.")


# --- GD against Newton -------------------------------------------------------------------------------
def boyd(x):
    """Boyd & Vandenberghe's example (9.20): log(e^(x1 + 3 x2 - 0.1) + e^(x1 - 3 x2 - 0.1) + e^(-x1 - 0.1))."""
    return np.log(np.exp(x[0] + 3 * x[1] - 0.1) + np.exp(x[0] - 3 * x[1] - 0.1) + np.exp(-x[0] - 0.1))


X0_NEWTON = np.array([-1.5, 0.8])


def newton_data(iters=60):
    p = zo.Problem(boyd, 2, jit=False)
    x_star = np.array([-0.5 * np.log(2.0), 0.0])
    f_star = boyd(x_star)
    gd, _ = path(p, X0_NEWTON, zo.ExactAD(), step=zo.linesearch.armijo, maxiter=iters)
    nt, res = path(p, X0_NEWTON, zo.ExactAD(), method="newton", maxiter=iters)
    grad, hess = zo.grad(boyd), zo.hessian(boyd)
    # the damping t_k of each Newton step x_{k+1} = x_k - t_k H^-1 g, read off the path
    t = [float(np.dot(b - a, d) / np.dot(d, d)) for a, b in zip(nt[:-1], nt[1:])
         for d in [-np.linalg.solve(hess(a), grad(a))]]
    X, Y, Z = grid_values(boyd, (-2.2, 1.0), (-1.0, 1.0), num=161)
    return {"gd": gd, "newton": nt, "newton_t": np.array(t), "x_star": x_star, "f_star": f_star, "X": X, "Y": Y, "Z": Z,
            "gd_gap": np.array([boyd(x) - f_star for x in gd]), "newton_gap": np.array([boyd(x) - f_star for x in nt])}


@figure("l002_gd_newton", "002", "-", "GD against Newton: paths and convergence")
def gd_newton(quick=False):
    d = cached("l002_newton", newton_data, deps=(boyd,))
    with style() as plt:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), width_ratios=[1.3, 1])
        contours(ax, d["X"], d["Y"], d["Z"], levels=16, log=True)
        ax.plot(*d["gd"].T, ".-", color="C0", ms=4, lw=1, label="GD, Armijo backtracking")
        ax.plot(*d["newton"].T, "o-", color="C3", ms=4, lw=1.2,
                label=f"damped Newton (Hessian by AD): {_damping_words(d['newton_t'])}")
        ax.plot(*d["x_star"], "*", color="C2", ms=12, label="minimiser x*")
        ax.set_xlabel("x_1")
        ax.set_ylabel("x_2")
        for key, c in (("gd", "C0"), ("newton", "C3")):
            gap = d[f"{key}_gap"]
            k = np.flatnonzero(gap > 1e-16)
            ax2.semilogy(k, gap[k], ".-" if key == "gd" else "o-", color=c, ms=4)
        ax2.set_xlabel("iteration k")
        ax2.set_ylabel("f(x_k) - f*")
        ax2.set_ylim(1e-16, 10)
        legend_outside(fig, "below", ncol=3)
    kn = int(np.argmax(d["newton_gap"] < 1e-14))
    return fig, ("Lecture 002: GD x <- x - eta grad f against Newton on Boyd & Vandenberghe's f = log(e^(x1 + 3x2 - "
                 "0.1) + e^(x1 - 3x2 - 0.1) + e^(-x1 - 0.1)). GD (step by Armijo backtracking) zig-zags and converges "
                 "linearly. Newton is zeroopt's damped Newton x <- x - t [grad^2 f]^-1 grad f, the Hessian from AD and t "
                 "from Armijo backtracking that halves from t = 1: here "
                 f"{_damping_words(d['newton_t'])}, the lecture's pure update x <- x - [grad^2 f]^-1 grad f. Near x* it "
                 f"converges quadratically: f - f* < 1e-14 after {kn} steps.")


def _damping_words(t):
    """The Newton dampings t_k in words, e.g. 't = 1/16 at the first step, then t = 1'."""
    def frac(v):
        return "1" if v == 1 else f"1/{round(1 / v):g}" if abs(1 / v - round(1 / v)) < 1e-9 else f"{v:.3g}"
    t = np.asarray(t, dtype=float)   # read off the path: a power of 1/2 up to rounding (1e-7 near x*)
    snap = 2.0 ** np.round(np.log2(t))
    t = np.where(np.abs(t / snap - 1) < 1e-6, snap, t)
    full = np.flatnonzero(t != 1.0)
    if not full.size:
        return "every step takes the full t = 1"
    if np.all(full == np.arange(full.size)):
        head = ", ".join(frac(v) for v in t[:full.size])
        return f"t = {head} at the first step{'s' if full.size > 1 else ''}, then every step the full t = 1"
    return "t = " + ", ".join(frac(v) for v in t)
