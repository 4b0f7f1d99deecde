"""The rate experiment: zero-order GD against GD across dimensions (used by experiments/rates.py).

Settings, methods, the theory of each method's slowdown, the sweep task, the summary (measured
slowdown with bootstrap intervals) and the figures. See experiments/rates.py for the command line and
the math.
"""


from __future__ import annotations

import csv
import functools
import math
import os
import platform
import subprocess
import sys
import time

import numpy as np

import zeroopt as zo

from . import fits, sweep

EXPERIMENT_VERSION = 1
SETTINGS = {
    "strongly_convex": {"budget": 300, "measure": "f_gap"},
    "convex": {"budget": 3000, "measure": "f_gap"},
    "nonconvex": {"budget": 150, "measure": "grad_norm2"},
}
METHODS = ["gd", "sphere", "gaussian", "rademacher", "coordinate", "sphere-q4", "sphere-q16",
           "orthogonal-q4", "orthogonal-q16", "ns-forward"]
DIMS = [10, 20, 50, 100, 200, 500]
QUICK_DIMS = [10, 20, 50]
TARGETS = (1e-1, 1e-2, 1e-3, 1e-4)


# --- problems and methods -----------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def problem(setting, n):
    """The problem of a setting in dimension n, and its start x0 (cached per process)."""
    if setting == "strongly_convex":
        p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=0)
        x0 = np.zeros(n)
    elif setting == "convex":
        p = zo.problems.nesterov(n, L=1.0)
        x0 = np.zeros(n)
    elif setting == "nonconvex":
        if n % 2:
            raise ValueError(f"the nonconvex setting recovers N = n/2 points in the plane: n must be even, got {n}")
        p = zo.problems.mds(n // 2, 2, seed=0)
        x0 = p.x0
    else:
        raise ValueError(f"unknown setting {setting!r}; choose from {list(SETTINGS)}")
    # no batch_fun: every zero-order run takes the jitted loop
    q = zo.Problem(p.fun, p.dim, args=p.args, x_star=p.x_star, f_star=p.f_star, mu=p.mu, L=p.L, name=p.name)
    return q, x0


def q_of(method):
    return int(method.rsplit("-q", 1)[1]) if "-q" in method else 1


def oracle(method, seed):
    q = q_of(method)
    if method == "gd":
        return zo.ExactAD()
    if method == "coordinate":
        return zo.RandomCoordinate(seed=seed)
    if method == "ns-forward":
        return zo.TwoPoint(dist="gaussian", scheme="forward", seed=seed)
    if method.startswith("orthogonal"):
        return zo.TwoPoint(directions=q, orthogonal=True, seed=seed)
    if method.startswith("sphere"):
        return zo.TwoPoint(dist="sphere", directions=q, seed=seed)
    if method in ("gaussian", "rademacher"):
        return zo.TwoPoint(dist=method, seed=seed)
    raise ValueError(f"unknown method {method!r}; choose from {METHODS}")


def factor(method, n):
    """The iteration budget multiplier: m for the theory-step methods, 4(n+4) for ns-forward."""
    if method == "ns-forward":
        return 4.0 * (n + 4)
    return oracle(method, 0).second_moment_factor(n)


def theory(setting, method, n, mu_over_L=0.1):
    """The predicted slowdown in iterations relative to gd.

    strongly convex: ln(1 - mu/L) / ln(1 - mu/(m L)), the ratio of the two rate bounds (~1.054 m at
    L/mu = 10); ns-forward: ln(1 - mu/L) / ln(1 - mu/(8 (n+4) L)), Nesterov & Spokoiny's bound
    (Theorem 8; expected to be beaten). convex and nonconvex: m, the ratio of the steps 1/L and 1/(mL)
    (the O(1/k) bounds scale with 1/step); ns-forward: 4(n+4), the ratio of its step to 1/L.
    """
    if setting == "strongly_convex":
        rate_gd = math.log(1 - mu_over_L)
        if method == "ns-forward":
            return rate_gd / math.log(1 - mu_over_L / (8 * (n + 4)))
        return rate_gd / math.log(1 - mu_over_L / factor(method, n))
    return factor(method, n)


def checkpoint_list(maxiter, points=150):
    """Checkpoints dense both in k (for rate fits) and in log k (for early targets)."""
    ks = np.concatenate([np.geomspace(1, maxiter, points), np.linspace(0, maxiter, points)])
    return np.unique(np.round(ks).astype(np.int64))


def run_one(config, seed_sequence):
    """A sweep task: one run of one method on one problem, its history as rows."""
    setting, n, method = config["setting"], config["n"], config["method"]
    p, x0 = problem(setting, n)
    o = oracle(method, seed_sequence)
    step = 1.0 / (4.0 * (n + 4) * p.L) if method == "ns-forward" else None
    maxiter = max(1, int(math.ceil(config["budget"] * (1.0 if method == "gd" else factor(method, n)))))
    t0 = time.perf_counter()
    r = zo.minimize(p, x0, o, step=step, maxiter=maxiter, record=checkpoint_list(maxiter),
                    measure=("f", "grad_norm2", "dist2"))
    seconds = time.perf_counter() - t0
    h = r.history
    return [{"setting": setting, "problem": p.name, "n": n, "method": method, "q": q_of(method),
             "seed": config["seed"], "nit": int(h["nit"][i]), "nfev": int(h["nfev"][i]),
             "f_gap": float(h["f"][i] - p.f_star), "grad_norm2": float(h["grad_norm2"][i]),
             "dist2": float(h["dist2"][i]), "seconds": seconds, "message": r.message}
            for i in range(len(h["nit"]))]


def task_cost(config):
    """A run time estimate in microseconds, to start the longest tasks first (measured on 2026-11-23 at
    n = 500, per evaluation with its share of drawing: dense quadratic ~26 us, Nesterov ~4 us, MDS ~127 us)."""
    n, method = config["n"], config["method"]
    if method == "gd":
        return 100.0 * config["budget"]
    evals = config["budget"] * factor(method, n) * oracle(method, 0).evals_per_call(n)
    per_eval = {"strongly_convex": 1.5 + n * n / 1e4, "convex": 1.5 + n / 200.0,
                "nonconvex": 2.0 + n * n / 2000.0}[config["setting"]]
    return evals * per_eval


def tasks(settings, dims, methods, seeds, budgets):
    grid = []
    for s in settings:
        for n in dims:
            for m in methods:
                if q_of(m) > n and m.startswith("orthogonal"):
                    continue  # q orthogonal directions need q <= n
                for seed in ([0] if m == "gd" else range(seeds)):  # gd is deterministic: one run
                    grid.append({"setting": s, "n": int(n), "method": m, "seed": int(seed),
                                 "budget": int(budgets[s]), "version": EXPERIMENT_VERSION})
    return grid


# --- summary ----------------------------------------------------------------------------------------
def curves(records):
    """{(setting, n, method): (k, array seeds x checkpoints of the setting's measure, problem name)}"""
    groups = {}
    for rec in records:
        rows = rec["rows"]
        if not rows:
            continue
        c = rec["config"]
        measure = SETTINGS[c["setting"]]["measure"]
        k = np.array([r["nit"] for r in rows])
        v = np.array([r[measure] for r in rows])
        groups.setdefault((c["setting"], c["n"], c["method"]), []).append((c["seed"], k, v, rows[0]["problem"]))
    out = {}
    for key, runs in groups.items():
        runs.sort(key=lambda t: t[0])
        k = runs[0][1]
        out[key] = (k, np.array([v for _, _, v, _ in runs]), runs[0][3])
    return out


#: rate-fit windows (relative to the start): the asymptotic one, and the early one for curves with a floor
ASYMPTOTIC_WINDOW = (1e-5, 1e-16)
EARLY_WINDOW = (1e-1, 1e-10)


def slowdown(setting, k_gd, v_gd, k, V):
    """The measured slowdown in iterations and the per-seed values it is computed from.

    strongly convex: the ratio of the fitted log-contraction rates (fits.log_rate) of gd's curve and of
    the method's curve averaged over seeds (E[f - f*], what the rate is about), both fitted in the
    linear phase between 1e-5 and 1e-16 of the start (ASYMPTOTIC_WINDOW). An earlier window leaves the
    transient in: fitting the exact expected curves of these quadratics over [1e-1, 1e-10] overstates the
    slowdown by up to 19% at n = 20 (the gap between the two slowest eigenvalues is large there), over
    [1e-5, 1e-16] by at most 3%. Curves that cannot be fitted there - a finite-difference floor above
    1e-14, as ns-forward's near 1e-7 - are fitted, with gd's, over EARLY_WINDOW = [1e-1, 1e-10] (the
    floor itself excluded). convex and nonconvex: for each seed, the ratio of the iterations needed to
    reach each target in TARGETS (relative to the start; for nonconvex the running minimum of
    ||grad f||^2), geometric mean over the targets gd reached; then the geometric mean over seeds."""
    if setting == "strongly_convex":
        window = ASYMPTOTIC_WINDOW
        if not np.isfinite(fits.log_rate(k, np.mean(V, axis=0), *window)[0]):
            window = EARLY_WINDOW
        rate_gd, _ = fits.log_rate(k_gd, v_gd, *window)

        def stat(vs):
            rate, _ = fits.log_rate(k, np.mean(vs, axis=0), *window)
            return rate_gd / rate if rate < 0 else math.nan
        return stat(list(V)), list(V), stat
    k_ref = fits.crossings(k_gd, v_gd, TARGETS)
    per_seed = []
    for v in V:
        ks = fits.crossings(k, v, TARGETS)
        ok = np.isfinite(k_ref) & np.isfinite(ks) & (k_ref > 0)
        per_seed.append(fits.geometric_mean(ks[ok] / k_ref[ok]) if ok.any() else math.nan)

    def stat(xs):
        return fits.geometric_mean(xs)
    return stat(per_seed), per_seed, stat


def summarize(records):
    data = curves(records)
    rows = []
    for (setting, n, method), (k, V, name) in sorted(data.items(), key=lambda t: (list(SETTINGS).index(t[0][0]), t[0][1], METHODS.index(t[0][2]))):
        if method == "gd" or (setting, n, "gd") not in data:
            continue
        k_gd, V_gd, _ = data[(setting, n, "gd")]
        measured, samples, stat = slowdown(setting, k_gd, V_gd[0], k, V)
        lo, hi = fits.bootstrap(samples, stat, n_boot=400, seed=n)
        rows.append({"setting": setting, "problem": name, "n": n, "method": method, "q": q_of(method),
                     "measured": measured, "theory": theory(setting, method, n), "ci_low": lo, "ci_high": hi,
                     "seeds": len(V)})
    return rows


def write_csv(path, rows, columns):
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: (f"{r[c]:.6g}" if isinstance(r[c], float) else r[c]) for c in columns})
    sweep.write_atomic(path, buf.getvalue())


def print_table(summary, file=sys.stdout):
    print(f"\n{'setting':16s} {'n':>4s} {'method':15s} {'measured':>9s} {'theory':>9s} {'meas/theory':>11s} "
          f"{'95% CI':>19s}", file=file)
    last = None
    for r in summary:
        if last is not None and (r["setting"], r["n"]) != last:
            print(file=file)
        last = (r["setting"], r["n"])
        ratio = r["measured"] / r["theory"] if r["theory"] else math.nan
        ci = f"[{r['ci_low']:.3g}, {r['ci_high']:.3g}]" if np.isfinite(r["ci_low"]) else ""
        print(f"{r['setting']:16s} {r['n']:4d} {r['method']:15s} {r['measured']:9.3g} {r['theory']:9.3g} "
              f"{ratio:11.3f} {ci:>19s}", file=file)


# --- figures ----------------------------------------------------------------------------------------
def save_figure(fig, figs, name, dpi=130):
    """Write ``fig`` as ``<figs>/<name>.png`` and ``.pdf`` (creating ``figs``), close it; returns the paths."""
    import matplotlib.pyplot as plt

    os.makedirs(figs, exist_ok=True)
    fig.tight_layout()
    paths = []
    for ext in ("png", "pdf"):
        paths.append(os.path.join(figs, f"{name}.{ext}"))
        fig.savefig(paths[-1], dpi=dpi)
    plt.close(fig)
    return paths


def figures(records, summary, figs):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(figs, exist_ok=True)
    data = curves(records)
    colors = dict(zip(METHODS, ["black"] + [plt.get_cmap("tab10")(i) for i in range(10)]))
    written = []
    for setting in SETTINGS:
        dims = sorted({n for (s, n, _) in data if s == setting})
        if not dims:
            continue
        measure = SETTINGS[setting]["measure"]
        ylabel = {"f_gap": "(f(x_k) - f*) / (f(x_0) - f*)", "grad_norm2": "min_i<=k ||grad f(x_i)||^2 / ||grad f(x_0)||^2"}[measure]
        cols = min(3, len(dims))
        rows_ = int(math.ceil(len(dims) / cols))
        fig, axes = plt.subplots(rows_, cols, figsize=(4.2 * cols, 3.3 * rows_), squeeze=False)
        for ax, n in zip(axes.ravel(), dims):
            gd = data.get((setting, n, "gd"))
            for method in METHODS:
                if (setting, n, method) not in data:
                    continue
                k, V, _ = data[(setting, n, method)]
                V = np.minimum.accumulate(V, axis=1) if measure == "grad_norm2" else V
                mean = np.mean(V, axis=0) / V[0, 0]
                ax.plot(np.maximum(k, 1), mean, color=colors[method], lw=1.6 if method == "gd" else 1.0, label=method)
                if gd is not None and method != "gd":  # theory: gd's curve stretched by the predicted factor
                    kg, Vg, _ = gd
                    vg = np.minimum.accumulate(Vg[0]) if measure == "grad_norm2" else Vg[0]
                    ax.plot(np.maximum(kg, 1) * theory(setting, method, n), vg / vg[0], color=colors[method], ls=":", lw=0.8)
            ax.set_yscale("log")
            ax.set_xscale("log")
            ax.set_title(f"{setting.replace('_', ' ')}, n = {n}", fontsize=9)
            ax.set_xlabel("iteration k")
            ax.set_ylabel(ylabel, fontsize=7)
            ax.set_ylim(bottom=max(1e-16, ax.get_ylim()[0]))
        for ax in axes.ravel()[len(dims):]:
            ax.axis("off")
        axes.ravel()[0].legend(fontsize=6, ncol=2)
        fig.suptitle(f"{setting.replace('_', ' ')}: mean over seeds (solid) and gd stretched by the theory "
                     f"factor (dotted)", fontsize=9)
        written += save_figure(fig, figs, f"rates_{setting}_curves")

        fig, ax = plt.subplots(figsize=(5.5, 4.2))
        for method in METHODS[1:]:
            rows = [r for r in summary if r["setting"] == setting and r["method"] == method]
            if not rows:
                continue
            ns = np.array([r["n"] for r in rows])
            meas = np.array([r["measured"] for r in rows])
            lo = np.array([r["ci_low"] for r in rows])
            hi = np.array([r["ci_high"] for r in rows])
            err = np.vstack([np.where(np.isfinite(lo), meas - lo, 0), np.where(np.isfinite(hi), hi - meas, 0)])
            ax.errorbar(ns, meas, yerr=np.clip(err, 0, None), fmt="o", ms=3.5, color=colors[method], label=method, capsize=2)
            ax.plot(ns, [r["theory"] for r in rows], "-", color=colors[method], lw=0.9, alpha=0.8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("dimension n")
        ax.set_ylabel("slowdown in iterations vs gd")
        ax.set_title(f"{setting.replace('_', ' ')}: measured (points, 95% CI) vs theory (lines)", fontsize=9)
        ax.legend(fontsize=6, ncol=2)
        written += save_figure(fig, figs, f"rates_{setting}_slowdown")
    return written




# --- provenance -----------------------------------------------------------------------------------
def versions():
    import joblib
    import matplotlib
    import numba
    import scipy

    return {"zeroopt": zo.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "numba": numba.__version__, "joblib": joblib.__version__, "matplotlib": matplotlib.__version__,
            "python": platform.python_version()}


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
