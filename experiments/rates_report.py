"""The rate experiment's summary: curves per method, the measured slowdown with bootstrap intervals,
CSV files, the printed table and the provenance of a run (used by experiments/rates.py)."""

from __future__ import annotations

import csv
import io
import math
import os
import platform
import subprocess
import sys
import textwrap

import numpy as np

from experiments.rates_runs import METHODS, SETTINGS, ns_forward_expected, q_of, theory
from zeroopt import fits, sweep

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
    return fits.geometric_mean(per_seed), per_seed, fits.geometric_mean


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
            "slowest mode dominates, so its rate is fitted on the early, faster phase: meas/theory "
            f"{min(ratios):.2f}-{max(ratios):.2f} is expected here (figure rates_strongly_convex_slowdown, dashed: "
            "the exact expected rate). In the convex and nonconvex settings its theory is 4(n+4), the ratio of its "
            "step to gd's 1/L.")
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
