"""The estimator atlas: every oracle of the oracle table against the exact gradient on the 53 Moré–Wild
problems, without and with added relative noise, beside its theory.

    python -m experiments.atlas --quick    # 4 rows, 400 draws a cell: QUICK_TIME
    python -m experiments.atlas            # 53 rows, 2000 draws a cell: FULL_TIME

Run from the repository root, as every script of the repository.

Cells: 22 oracles (coordinate differences central and forward, RandomCoordinate, TwoPoint on the sphere,
Gaussian and Rademacher directions, one and q = 4 averaged, orthogonal frames of q = ceil(n/2) and n, each
central and forward; and with eps="auto" coordinate differences central and forward, RandomCoordinate and
one sphere direction) x the 53 smooth Moré–Wild problems x relative noise 0, 1e-8, 1e-4 (each evaluation
returns f(x) (1 + sigma e), e ~ N(0, 1) drawn afresh) x two points: x0, and halfway from x0 to the best
point L-BFGS-B with the exact AD gradient reached from x0. The truth is the AD gradient. Per cell, over
--draws estimates: the bias ||E G - grad f|| (99% interval from the confidence ellipsoid of E G), the
mean square error E||G - grad f||^2, the factor E||G||^2/||grad f||^2 and the mean cosine with grad f (99%
intervals corrected for skewness), each beside its theory on the local quadratic model (the table's m,
the forward scheme's eps^2 term, the noise term; derivations in docs/math/atlas.md). An eps="auto" cell
calls the auto oracle once (its estimation phase runs there, counted in the problem's nfev: columns
auto_h, auto_noise, auto_nfev), then draws with the step it chose, fixed: the oracle given h, whose
theory is the fixed-step one at eps = h (coordinate oracles: exact on any f, from the noiseless
differences at h); auto_reest counts how often the oracle's re-estimation rule would have fired.

Writes under --out: atlas.csv (one row per cell), points.csv (the points and L-BFGS-B's best points),
failures.csv (every theory value outside its cell's interval), meta.json (configuration, time); tasks/
keeps one file per row so that a rerun computes only what is missing. Prints the agreement and the run
time; draws atlas_noise0, atlas_noise1e-08 and atlas_noise1e-04 into --figs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
import time

from experiments import _cli
from experiments import atlas_cells as cells
from experiments import atlas_theory as th
from experiments._registry import experiment
from zeroopt import sweep

EXPERIMENT = experiment("atlas", __spec__.name, [
    ("atlas_noise0", "-", "-", "the estimator atlas without noise: relative MSE of 22 oracles on 53 problems"),
    ("atlas_noise1e-08", "-", "-", "the estimator atlas at relative noise 1e-8"),
    ("atlas_noise1e-04", "-", "-", "the estimator atlas at relative noise 1e-4: the default steps against eps=auto")],
    jobs=True, runs_cache="tasks")
QUICK_TIME = "about a minute on 2 cores"
FULL_TIME = "about 5 to 10 minutes on 2 cores"
__doc__ = __doc__.replace("QUICK_TIME", QUICK_TIME).replace("FULL_TIME", FULL_TIME)

ROWS = tuple(range(1, 54))
QUICK_ROWS = (3, 7, 9, 15)   # a quadratic, Rosenbrock, the helical valley (not smooth halfway), Bard
DRAWS, QUICK_DRAWS = 2000, 400
FULL_OUT = os.path.join("results", "atlas")
QUICK_OUT = os.path.join("results", "quick", "atlas")
#: the columns of atlas.csv
COLUMNS = ("row", "problem", "n", "point", "noise", "oracle", "q", "draws", "f", "gnorm", "m", "noise_term",
           "eps2_term", "smooth", "trunc", "exact", "bias", "bias_lo", "bias_hi", "bias_theory", "t2", "t2_crit", "spread_ratio", "mse", "mse_lo",
           "mse_hi", "mse_theory", "factor", "factor_lo", "factor_hi", "factor_theory", "cos", "cos_lo", "cos_hi",
           "cos_theory", "in_bias", "in_mse", "in_factor", "in_cos", "in_all", "auto_h", "auto_noise", "auto_nfev",
           "auto_reest", "trunc_h", "auto_error")
POINT_COLUMNS = ("row", "point", "n", "f", "gnorm", "fd_rel_err", "smooth", "trunc", "x", "x_best", "f_best", "lbfgs_nit", "lbfgs_status")
QUANTITIES = ("bias", "mse", "factor", "cos")


#: the eps="auto" rows
AUTO_LABELS = tuple(o[0] for o in th.ORACLES if th.is_auto(o[2]))


def parse(argv=None):
    """The command line, checked; a bad option exits with status 2 and the usage line."""
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, jobs="parallel jobs (default 2, with --quick 1; -1: all cores)", out=FULL_OUT, figs=True, quick=f"rows {','.join(map(str, QUICK_ROWS))} and "
                    f"{QUICK_DRAWS} draws a cell ({QUICK_TIME})")
    ap.set_defaults(out=None)
    ap.add_argument("--draws", type=_cli.int_range(50, 10**6), default=None,
                    help=f"estimates per cell, at least 50 (default {DRAWS}; --quick {QUICK_DRAWS})")
    ap.add_argument("--rows", type=_cli.int_list(1, 53), default=None,
                    help="comma-separated Moré–Wild rows from 1 to 53 (default all; --quick "
                         f"{','.join(map(str, QUICK_ROWS))})")
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar with the task count and an ETA (default: on a terminal)")
    a = ap.parse_args(argv)
    a.rows = a.rows or list(QUICK_ROWS if a.quick else ROWS)
    a.draws = a.draws or (QUICK_DRAWS if a.quick else DRAWS)
    if a.quick and a.jobs is None:   # one process: compiling the kernels costs more than the 4 rows
        a.jobs = 1
    full = a.rows == list(ROWS) and a.draws == DRAWS and not a.quick
    if a.out is None:
        a.out = FULL_OUT if full else QUICK_OUT if a.quick else os.path.join("results", f"atlas_d{a.draws}")
    a = _cli.finish(ap, a)
    if a.figs is not None and _cli.is_committed_figs(a.figs) and not full:
        a.figs = os.path.join(a.out, "figs")
    return a


def verdicts(r):
    """The cell's in_* columns: each theory value inside its interval (bias: the Hotelling test of E G);
    None where the cell has no exact theory for it."""
    def inside(k):
        t = r.get(f"{k}_theory")
        if not r["exact"] or t is None or not math.isfinite(t):
            return None
        return bool(r[f"{k}_lo"] <= t <= r[f"{k}_hi"])
    out = {f"in_{k}": inside(k) for k in ("mse", "factor", "cos")}
    out["in_bias"] = bool(r["t2"] <= r["t2_crit"]) if r["exact"] and math.isfinite(r["t2"]) else None
    checked = [v for v in out.values() if v is not None]
    out["in_all"] = all(checked) if checked else None
    return out


def summarize(table):
    """Counts: cells, exact cells, inside per quantity and per cell; the failures (one row per value)."""
    exact = [r for r in table if r["exact"]]
    s = {"cells": len(table), "exact_cells": len(exact), "cells_inside": sum(bool(r["in_all"]) for r in exact),
         "rough": sorted({f"row {r['row']} {r['point']}" for r in table if not r["smooth"]})}
    auto = [r for r in table if r["oracle"] in AUTO_LABELS]
    s["auto_cells"], s["auto_exact_cells"] = len(auto), sum(bool(r["exact"]) for r in auto)
    s["auto_cells_inside"] = sum(bool(r["in_all"]) for r in auto if r["exact"])
    s["auto_reestimates"] = sum(int(r.get("auto_reest") or 0) for r in auto)
    s["auto_cells_reestimating"] = sum(int(r.get("auto_reest") or 0) > 0 for r in auto)
    s["auto_failed"] = sorted(f"row {r['row']} {r['point']} noise {r['noise']:g} {r['oracle']}" for r in auto
                              if r.get("auto_error"))
    for k in QUANTITIES:
        v = [r[f"in_{k}"] for r in exact if r[f"in_{k}"] is not None]
        s[f"{k}_checked"], s[f"{k}_inside"] = len(v), sum(v)
    s["values_checked"] = sum(s[f"{k}_checked"] for k in QUANTITIES)
    s["values_inside"] = sum(s[f"{k}_inside"] for k in QUANTITIES)
    fails = []
    s["systematic_cells"] = len({(r["row"], r["point"], r["noise"], r["oracle"]) for r in exact for k in QUANTITIES
                                 if r[f"in_{k}"] is False and p_value(r, k) < SYSTEMATIC})
    for r in exact:
        for k in QUANTITIES:
            if r[f"in_{k}"] is False:
                fails.append(dict(row=r["row"], problem=r["problem"], point=r["point"], noise=r["noise"],
                                  oracle=r["oracle"], quantity=k, measured=r[k], lo=r[f"{k}_lo"], hi=r[f"{k}_hi"],
                                  theory=r[f"{k}_theory"] if k != "bias" else 0.0,
                                  t2=r["t2"] if k == "bias" else "", t2_crit=r["t2_crit"] if k == "bias" else "",
                                  p=p_value(r, k), systematic=p_value(r, k) < SYSTEMATIC, reason=reason(r, k)))
    return s, fails


#: a failure with a smaller p-value is not put down to chance: about 2e4 values are tested, so below
#: 1e-6 fewer than 0.02 would be expected by chance
SYSTEMATIC = 1e-6


def p_value(r, k):
    """The two-sided p-value of the theory under the cell's measurement (bias: Hotelling's T^2)."""
    from scipy import stats

    if k == "bias":
        n, N = r["n"], r["draws"]
        return float(stats.f.sf(r["t2"] * (N - n) / (n * (N - 1)), n, N - n))
    se = (r[f"{k}_hi"] - r[f"{k}_lo"]) / (2 * cells.Z)
    return float(2 * stats.norm.sf(abs(r[f"{k}_theory"] - r[k]) / se)) if se > 0 else 0.0


def reason(r, k):
    """Why the theory value of quantity ``k`` lies outside the cell's interval: chance (p >= SYSTEMATIC),
    or what the quadratic model leaves out (docs/math/atlas.md lists the cases)."""
    p = p_value(r, k)
    if k == "bias":
        what = f"T^2 = {r['t2']:.3g} > {r['t2_crit']:.3g}, p = {p:.1e}"
    else:
        lo, hi, t = r[f"{k}_lo"], r[f"{k}_hi"], r[f"{k}_theory"]
        what = (f"theory {t:.6g} {'above' if t > hi else 'below'} [{lo:.6g}, {hi:.6g}] "
                f"({abs(t - r[k]) / max(abs(t), 1e-300):.1e} relative), p = {p:.1e}")
    if p >= SYSTEMATIC:
        return f"chance: {what}"
    trunc = f"the O(eps^2) truncation the model leaves out, {r['trunc']:.2g} (RMS error without noise, q = n frames)"
    if k == "bias" and r["spread_ratio"] < 1e-9:
        return (f"truncation in a direction without spread (the estimates take values on a line or plane; "
                f"spread ratio {r['spread_ratio']:.0e}): {trunc}; {what}")
    if k != "bias" and r[f"{k}_hi"] - r[f"{k}_lo"] <= 2.01 * cells.FLOOR * abs(r[k]):
        return f"no spread (||G - g|| is the same for every draw), so {trunc} shows: {what}"
    if r["m"] == 1.0 and r["noise_term"] / r["draws"] < r["trunc"] ** 2:
        return (f"m = 1: the only spread is the noise, whose standard error over the draws, "
                f"{math.sqrt(r['noise_term'] / r['draws']):.2g}, is below {trunc}: {what}")
    return f"not explained: {what}"


def main(argv=None):
    a = parse(argv)
    for path in (a.out, a.figs):
        if path is not None:
            os.makedirs(path, exist_ok=True)
    t0 = time.time()
    configs = [dict(row=r, draws=a.draws, noises=list(cells.NOISES)) for r in a.rows]
    ncells = sum(2 * len(cells.NOISES) * len(th.ORACLES) for _ in a.rows)
    print(f"atlas: {len(configs)} Moré–Wild rows x 2 points x {len(cells.NOISES)} noise levels x {len(th.ORACLES)} "
          f"oracles = {ncells} cells, {a.draws} draws each; {a.jobs} jobs; results in {a.out}", flush=True)
    status = sweep.run(cells.run_one, configs, a.out, jobs=a.jobs, cost=cells.task_cost, desc="atlas rows",
                       progress=a.progress)
    found = sweep.collect(a.out, configs)
    if found.missing:
        for e in found.errors:
            print(f"atlas: row {e['config']['row']} failed: {e['error']}", file=sys.stderr)
        print(f"atlas: {len(found.missing)} rows failed or are missing (see {a.out}/tasks)", file=sys.stderr)
        return 1
    rows = [row for rec in found.records for row in rec["rows"]]
    table = [dict(r, **verdicts(r)) for r in rows if r["table"] == "cells"]
    points = [r for r in rows if r["table"] == "points"]
    write(os.path.join(a.out, "atlas.csv"), table, COLUMNS)
    write(os.path.join(a.out, "points.csv"), points, POINT_COLUMNS)
    s, fails = summarize(table)
    fail_columns = ("row", "problem", "point", "noise", "oracle", "quantity", "measured", "lo", "hi", "theory", "t2",
                    "t2_crit", "p", "systematic", "reason")
    write(os.path.join(a.out, "failures.csv"), fails, fail_columns)
    if a.figs is not None:   # the list of failures goes with the figures (committed with the full run's)
        write(os.path.join(a.figs, "atlas_failures.csv"), fails, fail_columns)
    seconds = time.time() - t0
    meta = {"experiment": "atlas", "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "config": {"rows": a.rows, "draws": a.draws, "noises": list(cells.NOISES), "level": cells.LEVEL,
                       "oracles": [o[0] for o in th.ORACLES]},
            "summary": s, "jobs": status["jobs"], "ran": status["ran"], "seconds": round(seconds, 1)}
    sweep.write_atomic(os.path.join(a.out, "meta.json"), json.dumps(meta, indent=1) + "\n")
    report(s, fails)
    if a.figs is not None:
        from experiments import atlas_figures

        for path in atlas_figures.draw(table, s, a.figs):
            print("figure:", path)
    print(f"\natlas: {len(table)} cells, {status['ran']} rows computed now; {seconds:.0f} s "
          f"({seconds / 60:.1f} min); table: {os.path.join(a.out, 'atlas.csv')}")
    return 0


def write(path, rows, columns):
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})
    sweep.write_atomic(path, buf.getvalue())


def report(s, fails, file=None):
    file = sys.stdout if file is None else file
    pct = 100.0 * s["cells_inside"] / max(1, s["exact_cells"])
    print(f"\n{s['cells']} cells; {s['exact_cells']} with an exact theory (the others are deterministic without "
          f"noise - coordinate differences, orthogonal q = n - or at a point where f is not smooth at the "
          f"differences' scale: {', '.join(s['rough']) or 'none'})", file=file)
    print(f"cells with every theory value inside its 99% interval: {s['cells_inside']}/{s['exact_cells']} "
          f"({pct:.1f}%; target 95%)", file=file)
    print(f"the eps=\"auto\" rows alone: {s['auto_cells_inside']}/{s['auto_exact_cells']} "
          f"({100.0 * s['auto_cells_inside'] / max(1, s['auto_exact_cells']):.1f}%) of their {s['auto_cells']} cells; "
          f"their re-estimation rule would have fired {s['auto_reestimates']} times, in "
          f"{s['auto_cells_reestimating']} cells (the cells keep the first step)", file=file)
    if s["auto_failed"]:
        print(f"eps=\"auto\" raised (its step refused) in {len(s['auto_failed'])} cells: "
              f"{'; '.join(s['auto_failed'])}", file=file)
    for k in QUANTITIES:
        c = s[f"{k}_checked"]
        print(f"  {k:7s} inside {s[f'{k}_inside']}/{c} ({100.0 * s[f'{k}_inside'] / max(1, c):.1f}%)", file=file)
    print(f"cells with a value outside by more than chance explains (p < {SYSTEMATIC:g}): {s['systematic_cells']}",
          file=file)
    if fails:
        print(f"\n{len(fails)} theory values outside their interval:", file=file)
        for f in fails:
            print(f"  row {f['row']:2d} {f['point']:4s} noise {f['noise']:<6g} {f['oracle']:20s} {f['quantity']:6s} "
                  f"{f['reason']}", file=file)


if __name__ == "__main__":
    sys.exit(main())
