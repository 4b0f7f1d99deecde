"""Issue 19's noise measurements: ECnoise's level against the true one, and the difference step chosen
from it against the best fixed step.

    python -m experiments.noise --quick    # 40 seeds, levels 1e-3, 1e-6, 1e-9: QUICK_TIME
    python -m experiments.noise            # 200 seeds, levels 1e-3 .. 1e-9: FULL_TIME

Run from the repository root, as every script of the repository.

  level   zo.noise_level at x0 on two smooth functions (the chained Rosenbrock function at
          (-1.2, 1, -1.2, 1), f = 532.4 there; sum_i exp(a_i x_i) + (sum_i x_i)^2, a = 0.5 .. 2) times
          1 + r z, z ~ N(0, 1) drawn afresh at every evaluation: true standard deviation r |f(x0)|, r from
          1e-3 to 1e-9, one run per seed (the direction and the noise both from the seed). Then the 53
          Moré-Wild problems at x0: noisy3, whose level follows from its distribution; wild3 from the
          default h (1e-10 .. 4e-7), against its level at scale h: the standard deviation over the segment
          of f minus its least-squares cubic in t (extended precision). Where phi is smooth at x0 that is
          the float64 rounding (also measured against an extended-precision evaluation on the exact
          segment, and reported); where x0 is on a kink of phi it is the kink's departure from a cubic,
          0.0722 a h for a kink a |t h|. And wild3 again at h = 0.1, where its noise 1e-3 phi(x) f(x) looks
          random, against the standard deviation of that noise over the segment.
  step    the gradient error ||G - grad f|| of coordinate differences (forward and central) on the same two
          functions with relative noise r (random: f (1 + r z); deterministic: f (1 + r phi(x)), phi a
          hash of the bits of x, uniform with variance 1), root mean square over 200 draws at x0 (random)
          or over 200 points x0 + 0.05 U[-1, 1]^4 (deterministic): the 41 fixed steps 1e-12 .. 1e-1 (times
          max(1, ||x0||_inf)) against zo.noise.auto_step (Moré & Wild 2012), whose own evaluations are
          counted and reported.

Deterministic and serial (fixed seeds): it takes no --jobs. Writes levels_random.csv, levels_more_wild.csv,
steps.csv, step_curves.csv and meta.json under --out; prints the targets' figures; draws noise_level and
noise_step (PNG, PDF, caption) into --figs.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import time

import numpy as np

from experiments import _cli
from experiments import noise_runs as runs
from experiments._figures import save_figure, style
from experiments._registry import experiment

EXPERIMENT = experiment("noise", __spec__.name, [
    ("noise_level", "-", "-", "ECnoise's noise level against the true one: relative noise 1e-3..1e-9, Moré-Wild wild3 and noisy3"),
    ("noise_step", "-", "-", "the difference step from the noise (Moré & Wild 2012) against 41 fixed steps")])
QUICK_TIME = "about a minute on 2 cores"
FULL_TIME = "about 6 minutes on 2 cores"
__doc__ = __doc__.replace("QUICK_TIME", QUICK_TIME).replace("FULL_TIME", FULL_TIME)

QUICK_LEVELS = (1e-3, 1e-6, 1e-9)
CURVE_LEVELS = (1e-3, 1e-6, 1e-9)
WILD3_LARGE_H = 0.1


def write_csv(path, rows, columns):
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def within(rows, factor=2.0):
    r = np.array([row["ratio"] for row in rows], dtype=float)
    return int(np.sum((r >= 1 / factor) & (r <= factor))), len(rows)


def summarize(level_rows, mw_rows, step_rows):
    """The targets' figures: per (function, level) the share within 2x; per kind the problems within 2x;
    per step configuration the ratio auto / best."""
    out = {"random": [], "more_wild": {}, "steps": []}
    for name in runs.FUNCTIONS:
        for rel in sorted({r["level"] for r in level_rows}, reverse=True):
            rr = [r for r in level_rows if r["function"] == name and r["level"] == rel]
            k, n = within(rr)
            out["random"].append(dict(function=name, level=rel, within=k, seeds=n, share=k / n,
                                      nfev_max=max(r["nfev"] for r in rr)))
    for kind in sorted({r["kind"] for r in mw_rows}):
        rr = [r for r in mw_rows if r["kind"] == kind]
        k, n = within(rr)
        smooth = [r for r in rr if not r["kink"]]
        ks, ns = within(smooth)
        out["more_wild"][kind] = dict(within=k, problems=n, share=k / n, no_kink_within=ks, no_kink=ns,
                                      detected=sum(r["status"] == "detected" for r in rr))
        if kind == "wild3":
            m = out["more_wild"][kind]
            m["within_rounding"] = within([dict(ratio=r["ratio_rounding"]) for r in rr])[0]
            kinked = [r for r in rr if r["kink"]]
            m["kink_within"] = within(kinked)[0]
            m["kink_order1"] = sum(r["order"] == 1 for r in kinked)
            agree = sorted(abs(r["truth"] / r["truth_rounding"] - 1) for r in rr if not r["kink"])
            m["smooth_truths_agree"] = dict(median=agree[len(agree) // 2], second_worst=agree[-min(2, len(agree))],
                                            worst=agree[-1])
            m["within_by_degree"] = {runs.LEVEL_DEGREE: k} | {
                d: within([dict(ratio=r["estimate"] / r[f"truth_deg{d}"]) for r in rr])[0] for d in runs.OTHER_DEGREES}
            m["within_by_degree"] = dict(sorted(m["within_by_degree"].items()))
    out["more_wild_rows"] = [{k: r.get(k, float("nan")) for k in ("kind", "row", "h", "status", "order", "kink",
                                                                 "ratio", "ratio_rounding")} for r in mw_rows]
    out["steps"] = [{k: r[k] for k in ("function", "kind", "level", "scheme", "ratio", "best_step", "auto_h_median",
                                       "auto_nfev_median")} for r in step_rows]
    return out


def print_summary(s):
    print("\nnoise level, random relative noise: share of seeds within a factor 2 (target >= 95%)")
    for r in s["random"]:
        print(f"  {r['function']:10s} r = {r['level']:.0e}: {r['within']}/{r['seeds']} = {100 * r['share']:.1f}%"
              f"  (at most {r['nfev_max']} evaluations)")
    print("noise level, Moré-Wild problems at x0: within a factor 2 (target >= 90% of 53)")
    for kind, r in s["more_wild"].items():
        print(f"  {kind:13s} {r['within']}/{r['problems']} = {100 * r['share']:.0f}%; without a kink of phi at "
              f"x0: {r['no_kink_within']}/{r['no_kink']}")
        if kind == "wild3":
            print(f"  {'':13s} (truth: the level at scale h, degree {runs.LEVEL_DEGREE}); against the float64 rounding "
                  f"level: {r['within_rounding']}/{r['problems']}; level at scale h of degree d: "
                  + ", ".join(f"d = {d}: {k}" for d, k in r["within_by_degree"].items()))
    print("auto step: RMS gradient error / best of the 41 fixed steps (target <= 2)")
    for r in s["steps"]:
        print(f"  {r['function']:10s} {r['scheme']:7s} {r['kind']:13s} r = {r['level']:.0e}: {r['ratio']:.2f} "
              f"(h {r['auto_h_median']:.2g}, best {r['best_step']:.2g}; {r['auto_nfev_median']:.0f} evaluations)")


def main(argv=None):
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, out=os.path.join("results", "noise"), figs=True, seeds=(runs.SEEDS, runs.QUICK_SEEDS),
                    quick=f"40 seeds, levels 1e-3, 1e-6, 1e-9 ({QUICK_TIME})")
    a = _cli.parse(ap, argv)
    if a.figs is not None and _cli.is_committed_figs(a.figs) and a.seeds != runs.SEEDS:
        ap.error(f"argument --figs: paper_figs/ holds the figures of the full run ({runs.SEEDS} seeds); draw this "
                 "one elsewhere (--figs DIR) or --no-figs")
    os.makedirs(a.out, exist_ok=True)
    levels = QUICK_LEVELS if a.quick else runs.LEVELS
    t0 = time.time()
    print(f"noise: level ({len(runs.FUNCTIONS)} functions x {len(levels)} levels x {a.seeds} seeds)", flush=True)
    level_rows = runs.level_random(seeds=a.seeds, levels=levels)
    write_csv(os.path.join(a.out, "levels_random.csv"), level_rows, list(level_rows[0]))
    print("noise: level on the 53 Moré-Wild problems (wild3, noisy3; wild3 at h = 0.1)", flush=True)
    mw_rows = runs.level_more_wild(large_h=WILD3_LARGE_H)
    write_csv(os.path.join(a.out, "levels_more_wild.csv"), mw_rows, list(mw_rows[0]))
    step_rows = []
    configs = [(name, kind, rel, scheme) for scheme in ("forward", "central") for name in runs.FUNCTIONS
               for kind in ("random", "deterministic") for rel in levels]
    print(f"noise: step ({len(configs)} configurations x {a.seeds} draws)", flush=True)
    for cfg in configs:
        step_rows.append(runs.step_errors(*cfg, draws=a.seeds))
    write_csv(os.path.join(a.out, "steps.csv"), step_rows, [k for k in step_rows[0] if k not in ("rms", "steps")])
    curves = [dict(function=r["function"], kind=r["kind"], level=r["level"], scheme=r["scheme"], step=h, rms=e)
              for r in step_rows for h, e in zip(r["steps"], r["rms"])]
    write_csv(os.path.join(a.out, "step_curves.csv"), curves, list(curves[0]))
    summary = summarize(level_rows, mw_rows, step_rows)
    print_summary(summary)
    meta = {"experiment": "noise", "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "config": {"seeds": a.seeds, "levels": list(levels), "quick": a.quick, "points": 15,
                       "wild3_large_h": WILD3_LARGE_H,
                       "level_degree": runs.LEVEL_DEGREE},
            "summary": summary, "seconds": round(time.time() - t0, 1)}
    with open(os.path.join(a.out, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
    if a.figs is not None:
        from experiments import noise_figures as nf

        null = runs.ecnoise_null()
        with style() as plt:
            fig = nf.level_figure(plt, level_rows, mw_rows, null)
        print("figure:", save_figure(fig, a.figs, "noise_level", caption=nf.level_caption(summary, null, a.seeds))[0])
        with style() as plt:
            fig = nf.step_figure(plt, step_rows, CURVE_LEVELS if not a.quick else QUICK_LEVELS)
        print("figure:", save_figure(fig, a.figs, "noise_step", caption=nf.step_caption(summary, a.seeds))[0])
    print(f"\nnoise: {time.time() - t0:.0f} s; results in {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
