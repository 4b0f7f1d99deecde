"""Lecture notes 003 (gradient descent), "Newton's method: correct for local second derivative - 'sphere'
the ellipse; preconditioning: easy, but tends to be ad hoc": GD, GD with a diagonal preconditioner and
Newton on an ill-conditioned quadratic, in the original coordinates and in the coordinates where the
level sets are circles.

    python -m paper_figs.l003_newton [--figs paper_figs]
"""

from __future__ import annotations

import math

import numpy as np

import zeroopt as zo
from paper_figs import _graphs as gr
from paper_figs._common import cached, contours, figure, figures_of, legend_outside, path, style
from paper_figs.l003_gd import gd_quadratic_theory, quad_problem

#: the quadratic: condition number, rotation of its eigenvectors from the axes, and the start
KAPPA_NEWTON, THETA_NEWTON, X0_NEWTON = 20.0, math.pi / 6, (-2.2, -0.2)
#: GD's iterations: enough for GD (about 224 at kappa = 20) to reach the caption's 1e-10 of the start
NEWTON_ITERS = 250
#: the convergence panel's floor, relative to f(x_0) - f*: Newton's one step (rounding, ~1e-31) lies below it
FLOOR = 1e-14


def sqrtm_spd(A):
    """The symmetric square root of a symmetric positive definite matrix (by its eigendecomposition).

    Examples
    --------
    >>> sqrtm_spd(np.diag([4.0, 9.0])).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    lam, Q = np.linalg.eigh(A)
    return (Q * np.sqrt(lam)) @ Q.T


def newton_data(iters=NEWTON_ITERS, kappa=KAPPA_NEWTON, theta=THETA_NEWTON, x0=X0_NEWTON, jit=True):
    """GD with step 1/L, GD with the diagonal (Jacobi) preconditioner D = diag(A) - GD on g(z) = f(D^-1/2 z)
    with step 1/L_g, the iterates mapped back by x = D^-1/2 z - and Newton (zo.minimize method='newton'),
    each with the exact f - f* of its theory (per eigen-direction, :func:`paper_figs.l003_gd.gd_quadratic_theory`)."""
    p = quad_problem(kappa, theta=theta, jit=jit)
    A = p.args[0]
    x0 = np.asarray(x0, dtype=float)
    gd, _ = path(p, x0, zo.ExactAD(), step=1.0 / p.L, maxiter=iters)
    P = np.diag(1.0 / np.sqrt(np.diag(A)))          # x = P z
    Ag = P @ A @ P
    lam_g = np.linalg.eigvalsh(Ag)
    g = zo.Problem(zo.problems.quadratic_fun, 2, args=(Ag, np.zeros(2)), x_star=np.zeros(2), f_star=0.0,
                   mu=float(lam_g[0]), L=float(lam_g[-1]), name="preconditioned", jit=jit)
    z0 = np.linalg.solve(P, x0)
    zs, _ = path(g, z0, zo.ExactAD(), step=1.0 / g.L, maxiter=iters)
    nt, res = path(p, x0, zo.ExactAD(), method="newton", maxiter=5)
    k = np.arange(iters + 1)
    out = {"A": A, "kappa": kappa, "theta": theta, "x0": x0, "gd": gd, "jacobi": zs @ P.T, "newton": nt,
           "kappa_jacobi": float(lam_g[-1] / lam_g[0]), "newton_message": res.message,
           "gd_theory": gd_quadratic_theory(A, x0, 1.0 / p.L, k), "jacobi_theory": gd_quadratic_theory(Ag, z0, 1.0 / g.L, k)}
    for key in ("gd", "jacobi", "newton"):
        out[f"{key}_f"] = np.array([p.value(x, count=False) for x in out[key]])
    return out


def _iterations_below(f, level):
    """The first k with f[k] <= level (len(f) if none)."""
    hit = np.flatnonzero(np.asarray(f) <= level)
    return int(hit[0]) if hit.size else len(f)


@figure("l003_newton_preconditioning", "003", "-", "Newton 'spheres' the ellipse: GD, a diagonal preconditioner "
        "and Newton")
def newton_preconditioning(quick=False):
    d = cached("l003_newton", newton_data, deps=(sqrtm_spd,), iters=NEWTON_ITERS, kappa=KAPPA_NEWTON, theta=THETA_NEWTON,
               x0=list(X0_NEWTON), **({"jit": False} if quick == "tiny" else {}))
    A, kappa = d["A"], d["kappa"]
    S = sqrtm_spd(A)                                 # z = A^1/2 x: f = |z|^2 / 2
    runs = (("gd", "C0", "o", "GD, step 1/L"),
            ("jacobi", "C2", "s", "GD preconditioned by diag(A): kappa " f"{kappa:g} -> {d['kappa_jacobi']:.1f}"),
            ("newton", "C3", "D", "Newton x <- x - H^-1 grad f (H by AD)"))
    with style() as plt:
        fig, (ax, ax2, ax3) = plt.subplots(1, 3, figsize=(13, 4.3), width_ratios=[1.15, 1, 1.1])
        xs = np.linspace(-2.4, 2.4, 161)
        X, Y = np.meshgrid(xs, xs)
        P = np.stack([X, Y], -1)
        Z = 0.5 * np.einsum("...i,ij,...j->...", P, A, P)
        contours(ax, X, Y, Z, levels=10, log=True)
        r = np.linspace(0, 2 * np.pi, 200)
        r0 = math.sqrt(2 * d["gd_f"][0])            # |z_0|: the level set of the start
        for rad in r0 * np.geomspace(0.02, 1.0, 9):
            ax2.plot(rad * np.cos(r), rad * np.sin(r), color="0.6", lw=0.6)
        for key, c, m, label in runs:
            pts = d[key]
            ax.plot(*pts.T, m + "-", color=c, ms=3, lw=1, label=label)
            zp = pts @ S.T
            ax2.plot(*zp.T, m + "-", color=c, ms=3, lw=1)
        for a in (ax, ax2):
            a.plot(0, 0, "*", color="k", ms=11, zorder=5)
            a.set_aspect("equal")
            a.grid(False)
        ax.plot([], [], "*", color="k", ms=11, label="minimiser x*")
        ax.set(xlim=(-2.4, 2.4), ylim=(-1.8, 1.8), xlabel="x_1", ylabel="x_2",
               title=f"kappa = {kappa:g}: ellipses")
        lim = 1.05 * r0
        ax2.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="z_1", ylabel="z_2",
                title="in z = A^(1/2) x: circles, Newton goes straight")
        k = np.arange(len(d["gd_f"]))
        f0 = d["gd_f"][0]
        for key, c, m, label in runs:
            f = d[f"{key}_f"]
            kk = np.arange(len(f))
            shown = f >= FLOOR * f0
            ax3.semilogy(kk[shown], f[shown], m, color=c, ms=3, mfc="none" if key != "newton" else c, markevery=
                         (1 if key == "newton" else 5))
        ax3.semilogy(k, d["gd_theory"], "-", color="C0", lw=1)
        ax3.semilogy(k, d["jacobi_theory"], "-", color="C2", lw=1)
        ax3.axhline(1e-10 * f0, color="0.4", ls=":", lw=1)
        ax3.text(3, 1e-10 * f0 * 2.5, "1e-10 of the start", ha="left", va="bottom", fontsize=8, color="0.3")
        nf = d["newton_f"]
        ax3.annotate(f"Newton at k = 1: f - f* = {nf[1]:.1e}\n(rounding), below the axis", xy=(1, FLOOR * f0),
                     xytext=(12, 3e-13 * f0), fontsize=8, color="C3", ha="left",
                     arrowprops=dict(arrowstyle="->", color="C3", lw=1))
        ax3.plot([], [], "-", color="0.3", lw=1,
                 label="theory (lines, each method's colour): sum_i lambda_i c_i^2 (1 - lambda_i / L)^(2k) / 2")
        ax3.set_ylim(FLOOR * f0, 10 * f0)
        ax3.set(xlabel="iteration k", ylabel="f(x_k) - f*", title="convergence (markers: measured, every 5th)")
        legend_outside(fig, "below", ncol=3)
    level = 1e-10 * d["gd_f"][0]
    its = {key: _iterations_below(d[f"{key}_f"], level) for key, *_ in runs}
    nf = d["newton_f"]
    return fig, (f"Lecture 003 (slow convergence of GD; Newton 'spheres' the ellipse): f = x' A x / 2 with condition "
                 f"number kappa = {kappa:g}, eigenvectors turned {math.degrees(d['theta']):.0f} degrees from the axes. "
                 "GD with step 1/L crawls along the long axis, f - f* shrinking by (1 - 1/kappa)^2 per step. Newton "
                 "corrects for the second derivative: x - H^-1 grad f is GD with step 1 in the coordinates "
                 "z = A^(1/2) x (middle), where the level sets are circles and -grad points at the minimum, so on a "
                 f"quadratic it lands on x* in one step (f - f* = {nf[1]:.1e} after it, rounding). A diagonal "
                 f"preconditioner (GD on f(D^-1/2 z), D = diag(A)) is cheap but ad hoc: with the ellipse turned it only "
                 f"lowers kappa from {kappa:g} to {d['kappa_jacobi']:.2f}. Iterations to reach 1e-10 of the start: "
                 f"GD {its['gd']}{'+' if its['gd'] == len(d['gd_f']) else ''}, preconditioned "
                 f"{its['jacobi']}{'+' if its['jacobi'] == len(d['jacobi_f']) else ''}, Newton {its['newton']}. Lines: "
                 "the exact f - f* of GD per eigen-direction.")


#: this module's figures, as registered (its command line and the tests use them)
FIGURES = figures_of(__name__)


def main(argv=None):
    """``python -m paper_figs.l003_newton [--figs DIR]`` (see :func:`paper_figs._graphs.main`)."""
    gr.main(argv, FIGURES, __doc__, __spec__.name)


if __name__ == "__main__":
    main()
