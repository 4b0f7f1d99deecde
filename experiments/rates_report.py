"""The rate experiment's summary: curves per method, the measured slowdown with bootstrap intervals,
CSV files, the printed table and the provenance of a run (used by experiments/rates.py)."""

from __future__ import annotations

import csv
import functools
import io
import math
import os
import platform
import subprocess
import sys
import textwrap

import numpy as np

from experiments import rates_runs
from experiments.rates_runs import METHODS, SETTINGS, ns_forward_expected, q_of, theory
from zeroopt import fits, sweep
from zeroopt import theory as zt

TARGETS = (1e-1, 1e-2, 1e-3, 1e-4)
#: rate-fit windows (relative to the start): the asymptotic one, and the early one for curves with a floor
ASYMPTOTIC_WINDOW = (1e-5, 1e-16)
EARLY_WINDOW = (1e-1, 1e-10)
RUN_COLUMNS = ["setting", "problem", "n", "method", "q", "seed", "nit", "nfev", "f_gap", "grad_norm2", "dist2"]
SUMMARY_COLUMNS = ["setting", "problem", "measure", "n", "method", "q", "measured", "theory", "ci_low", "ci_high"]
MEASURE_NAMES = {"f_gap": "f(x_k) - f*", "dist2": "||x_k - x*||^2", "grad_norm2": "min_i<=k ||grad f(x_i)||^2"}


def curves(records):
    """{(setting, measure, n, method): (k, array seeds x checkpoints of the measure, problem name)} for
    every measure of each setting (SETTINGS[setting]["measures"])."""
    groups = {}
    for rec in records:
        rows = rec["rows"]
        if not rows:
            continue
        c = rec["config"]
        k = np.array([r["nit"] for r in rows])
        for measure in SETTINGS[c["setting"]]["measures"]:
            v = np.array([r[measure] for r in rows], dtype=float)
            groups.setdefault((c["setting"], measure, c["n"], c["method"]), []).append((c["seed"], k, v, rows[0]["problem"]))
    out = {}
    for key, runs in groups.items():
        runs.sort(key=lambda t: t[0])
        out[key] = (runs[0][1], np.array([v for _, _, v, _ in runs]), runs[0][3])
    return out


def slowdown(setting, k_gd, v_gd, k, V):
    """The measured slowdown in iterations and the per-seed values it is computed from.

    strongly convex: the ratio of the fitted log-contraction rates (fits.log_rate) of gd's curve and of
    the method's curve averaged over seeds (E[f - f*] or E||x - x*||^2, what the rate is about), both
    fitted in the linear phase between 1e-5 and 1e-16 of the start (ASYMPTOTIC_WINDOW). An earlier
    window leaves the transient in: fitting the exact expected curves of these quadratics over
    [1e-1, 1e-10] overstates the slowdown by up to 19% at n = 20 (the gap between the two slowest
    eigenvalues is large there), over [1e-5, 1e-16] by at most 3%. Curves that cannot be fitted there
    - a finite-difference floor above 1e-14, as ns-forward's near 1e-7 - are fitted, with gd's, over
    EARLY_WINDOW = [1e-1, 1e-10] (the floor itself excluded). convex and nonconvex: for each seed, the
    ratio of the iterations needed to reach each target in TARGETS (relative to the start; for
    nonconvex the running minimum of ||grad f||^2), geometric mean over the targets gd reached; then the
    geometric mean over seeds."""
    if setting == "strongly_convex":
        window = fit_window(k, np.mean(V, axis=0))
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
    return fits.geometric_mean(per_seed), per_seed, fits.geometric_mean


#: a curve whose floor (its minimum, reached before its last checkpoint) times this lies above the bottom
#: of ASYMPTOTIC_WINDOW is fitted over EARLY_WINDOW (fits.log_rate excludes the points below it anyway)
FLOOR_MARGIN = 100.0


def fit_window(k, v):
    """The rate-fit window of a strongly convex curve (mean over seeds): ASYMPTOTIC_WINDOW, unless the
    curve ends on a floor that reaches into it (FLOOR_MARGIN times its minimum, reached before its last
    checkpoint, above 1e-16 of its start: ns-forward's forward-difference floor near 1e-8 to 1e-6) or
    fewer than 3 checkpoints fall in it; then EARLY_WINDOW. Deciding by the floor, not by how many
    checkpoints happen to lie between the window's top and the floor, fits every n of one method over
    the same window.

    Examples
    --------
    >>> k = np.arange(200.0)
    >>> noisy_floor = 1e-8 * (1 + 0.1 * np.sin(k))      # a floor the runs wander on, as ns-forward's
    >>> fit_window(k, 0.8 ** k) == ASYMPTOTIC_WINDOW, fit_window(k, 0.8 ** k + noisy_floor) == EARLY_WINDOW
    (True, True)
    """
    v = np.asarray(v, dtype=float)
    ok = np.isfinite(v) & (v > 0)
    if not ok.any() or not ok[0]:
        return EARLY_WINDOW
    imin = int(np.argmin(np.where(ok, v, np.inf)))
    if imin < len(v) - 1 and FLOOR_MARGIN * v[imin] > ASYMPTOTIC_WINDOW[1] * v[0]:
        return EARLY_WINDOW
    return ASYMPTOTIC_WINDOW if np.isfinite(fits.log_rate(k, v, *ASYMPTOTIC_WINDOW)[0]) else EARLY_WINDOW


def ns_forward_exact(n, ks):
    """E f(x_k) - f* and E ||x_k - x*||^2 of ns-forward (forward Gaussian differences, its step
    1/(4(n+4)L)) in the strongly convex setting at the iterations ``ks``, exactly: the recursion
    s' = M s + b of zeroopt.theory.forward_gaussian_moments for the second moments s_i = E[e_i^2] in the
    eigenbasis of the quadratic, s_k = M^k (s_0 - s_inf) + s_inf with s_inf its floor. M = D + h^2 1 w'
    (w = lambda^2) is similar to the symmetric D + h^2 lambda lambda', so M^k comes from one symmetric
    eigendecomposition.

    Returns
    -------
    (f_gap, dist2) : two arrays, one value per k
    """
    p, x0 = rates_runs.problem("strongly_convex", n)
    lam, Q = np.linalg.eigh(p.args[0])
    h = zt.ns_forward_step(n, p.L)
    M, b = zt.forward_gaussian_moments(lam, h, rates_runs.NS_EPS)
    s0 = (Q.T @ (x0 - p.x_star)) ** 2
    s_inf = np.linalg.solve(np.eye(n) - M, b)
    mu, V = np.linalg.eigh(np.diag(np.diag(M) - h * h * lam ** 2) + h * h * np.outer(lam, lam))
    y0 = V.T @ (lam * (s0 - s_inf))
    S = np.array([(V @ (mu ** int(k) * y0)) / lam + s_inf for k in ks])
    return 0.5 * S @ lam, S.sum(axis=1)


def ns_forward_in_window(measure, n, k, k_gd, v_gd):
    """The slowdown ns-forward's exact expectation shows when it is measured as the data are (strongly
    convex setting): gd's rate over EARLY_WINDOW against the exact curve's rate over the same window,
    the exact floor excluded below FLOOR_MARGIN times it, as fits.log_rate excludes the runs' floor."""
    f_gap, dist2 = ns_forward_exact(n, k)
    v = f_gap if measure == "f_gap" else dist2
    floor = rates_runs.ns_forward_expected("strongly_convex", n)[1][measure]
    start, stop = EARLY_WINDOW
    use = (v <= start * v[0]) & (v >= stop * v[0]) & (v >= FLOOR_MARGIN * floor)
    if use.sum() < 3:
        return math.nan
    rate = np.polyfit(np.asarray(k, dtype=float)[use], np.log(v[use]), 1)[0]
    rate_gd, _ = fits.log_rate(k_gd, v_gd, start, stop)
    return float(rate_gd / rate) if rate < 0 else math.nan


def per_target(data, setting, methods=None):
    """{n: array over TARGETS} of the measured slowdown over its theory at each target (convex and
    nonconvex settings): per run, the iterations to reach the target over gd's, divided by the theory;
    geometric mean over the zero-order ``methods`` (default all) and seeds; NaN where gd does not reach
    the target."""
    measure = SETTINGS[setting]["measure"]
    out = {}
    for n in sorted({key[2] for key in data if key[0] == setting}):
        if (setting, measure, n, "gd") not in data:
            continue
        k_gd, V_gd, _ = data[(setting, measure, n, "gd")]
        k_ref = fits.crossings(k_gd, V_gd[0], TARGETS)
        ratios = []
        for method in methods or METHODS[1:]:
            if (setting, measure, n, method) not in data:
                continue
            k, V, _ = data[(setting, measure, n, method)]
            th = theory(setting, method, n)
            ratios += [fits.crossings(k, v, TARGETS) / k_ref / th for v in V]
        with np.errstate(invalid="ignore", divide="ignore"):
            logs = np.log(np.array(ratios))
        ok = np.isfinite(logs)
        if ratios:
            out[n] = np.where(ok.any(axis=0), np.exp(np.where(ok, logs, 0).sum(0) / np.maximum(ok.sum(0), 1)), np.nan)
    return out


#: the methods whose theory factor is m = n (one direction, or one coordinate)
M_EQUALS_N = ("sphere", "rademacher", "coordinate")


def step_references(data, setting):
    """{n: :func:`step_reference` at the first two targets} for the n where gd reaches them."""
    measure = SETTINGS[setting]["measure"]
    out = {}
    for n in sorted({key[2] for key in data if key[0] == setting}):
        if (setting, measure, n, "gd") not in data or n < 2:
            continue
        k, V, _ = data[(setting, measure, n, "gd")]
        k2 = fits.crossings(k, V[0], TARGETS[:2])[1]
        if np.isfinite(k2):
            out[n] = np.array(step_reference(setting, n, float(k2)))
    return out


@functools.lru_cache(maxsize=None)
def step_reference(setting, n, k_last):
    """What the theory's m costs gradient descent itself, without an estimator: gd with exact gradients
    and the zero-order step 1/(nL) (m = n: sphere, rademacher, coordinate), run until about twice n times
    gd's iterations ``k_last`` to the second target, against gd with step 1/L. Returns the slowdown over
    its theory n at TARGETS[:2] (1e-1, 1e-2), per :func:`fits.crossings` of the measure (its running
    minimum for the nonconvex setting), as the runs are measured."""
    import zeroopt as zo

    p, x0 = rates_runs.problem(setting, n)
    measure = SETTINGS[setting]["measure"]
    key = {"f_gap": "f", "grad_norm2": "grad_norm2"}[measure]
    out = []
    for m in (1.0, float(n)):
        maxiter = max(2, int(math.ceil(2 * m * k_last)))
        h = zo.minimize(p, x0, zo.ExactAD(), step=1.0 / (m * p.L), maxiter=maxiter,
                        record=rates_runs.checkpoint_list(maxiter, points=300), measure=(key,)).history
        v = h[key] - (p.f_star if key == "f" else 0.0)
        out.append(fits.crossings(h["nit"], v, TARGETS[:2]))
    return tuple(out[1] / out[0] / n)


def _order(key):
    setting, measure, n, method = key
    return list(SETTINGS).index(setting), SETTINGS[setting]["measures"].index(measure), n, METHODS.index(method)


def summarize(records):
    """One row per (setting, measure, n, method other than gd): measured slowdown against gd, theory,
    95% bootstrap interval over seeds."""
    data = curves(records)
    rows = []
    for (setting, measure, n, method), (k, V, name) in sorted(data.items(), key=lambda t: _order(t[0])):
        if method == "gd" or (setting, measure, n, "gd") not in data:
            continue
        k_gd, V_gd, _ = data[(setting, measure, n, "gd")]
        measured, samples, stat = slowdown(setting, k_gd, V_gd[0], k, V)
        lo, hi = fits.bootstrap(samples, stat, n_boot=400, seed=n)
        rows.append({"setting": setting, "problem": name, "measure": measure, "n": n, "method": method,
                     "q": q_of(method), "measured": measured, "theory": theory(setting, method, n),
                     "ci_low": lo, "ci_high": hi, "seeds": len(V)})
    return rows


def csv_text(rows, columns):
    """Rows as CSV text (floats with 6 significant digits in the summary; runs keep what is given)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: (f"{r[c]:.6g}" if isinstance(r[c], float) else r[c]) for c in columns})
    return buf.getvalue()


def write_csv(path, rows, columns):
    """Write rows atomically; an unchanged file is left alone. Returns True if written."""
    return sweep.write_atomic(path, csv_text(rows, columns), skip_unchanged=True)


def print_table(summary, file=None):
    file = sys.stdout if file is None else file
    print(f"\n{'setting':16s} {'measure':10s} {'n':>4s} {'method':15s} {'measured':>9s} {'theory':>9s} "
          f"{'meas/theory':>11s} {'95% CI':>19s}", file=file)
    last = None
    for r in summary:
        if last is not None and (r["setting"], r["measure"], r["n"]) != last:
            print(file=file)
        last = (r["setting"], r["measure"], r["n"])
        ratio = r["measured"] / r["theory"] if r["theory"] else math.nan
        ci = f"[{r['ci_low']:.3g}, {r['ci_high']:.3g}]" if np.isfinite(r["ci_low"]) else ""
        print(f"{r['setting']:16s} {r['measure']:10s} {r['n']:4d} {r['method']:15s} {r['measured']:9.3g} "
              f"{r['theory']:9.3g} {ratio:11.3f} {ci:>19s}", file=file)
    note = ns_forward_note(summary)
    if note:
        print("\n" + note, file=file)


def ns_forward_note(summary):
    """What the table's ns-forward rows in the strongly convex setting compare against (the caption of
    rates_strongly_convex_slowdown says the same), or None when the table has none."""
    rows = [r for r in summary if r["method"] == "ns-forward" and r["setting"] == "strongly_convex"]
    if not rows:
        return None
    ratios = [r["measured"] / r["theory"] for r in rows if r["theory"]]
    dims = sorted({r["n"] for r in rows})
    exact = ", ".join(f"{ns_forward_expected('strongly_convex', n)[0]:.3g} at n = {n}" for n in dims)
    text = ("note: ns-forward runs Nesterov & Spokoiny's own step 1/(4(n+4)L), not 1/(mL), so its strongly convex "
            "rows are measured against another line: its theory column is their worst-case bound, contraction "
            "1 - mu/(8(n+4)L) per iteration, which it beats. Its exact expected rate on this quadratic is twice as "
            f"fast (slowdown {exact}), and its forward-difference floor (eps = 1e-4) stops the runs before their "
            "slowest mode dominates, so its rate is fitted on the early, faster phase (gd's over the same window): "
            f"meas/theory {min(ratios):.2f}-{max(ratios):.2f} is expected here (figure rates_strongly_convex_slowdown: "
            "dashed, the exact expected rate; dotted, the exact expectation fitted over the same window, which the "
            "points follow). In the convex and nonconvex settings its theory is 4(n+4), the ratio of its step to "
            "gd's 1/L.")
    return "\n".join(textwrap.wrap(text, 110))


# --- provenance -----------------------------------------------------------------------------------
def versions():
    import joblib
    import matplotlib
    import numba
    import scipy

    import zeroopt

    return {"zeroopt": zeroopt.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "numba": numba.__version__, "joblib": joblib.__version__, "matplotlib": matplotlib.__version__,
            "python": platform.python_version()}


def git_commit():
    """The repository's commit, or None outside a git checkout."""
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
