"""Noise-aware finite-difference L-BFGS against model-based solvers on the Moré–Wild set under relative noise.

    python -m experiments.profiles_noise --quick   # the 16 problems with n <= 4, 2 runs: QUICK_TIME
    python -m experiments.profiles_noise           # the 53 problems, 5 runs: FULL_TIME

Run from the repository root; needs the profiles extra (pip install -e ".[profiles]": OptiProfiler and
nlopt; scipy >= 1.14 for COBYQA).

The benchmark is experiments.profiles with one configuration: OptiProfiler's noisy feature with
relative noise, f(x) (1 + sigma N(0, 1)) drawn afresh at every evaluation, at sigma = 1e-8, 1e-6 and
1e-4, and the noiseless set (plain) as the baseline; the solvers

  lbfgs-ffd-auto  scipy's L-BFGS-B with jac = zo.as_jac(zo.CoordinateFD(eps="auto", scheme="forward"))
  lbfgs-cfd-auto  the same with central differences
  lbfgsb-scipy    scipy's L-BFGS-B with its own forward differences (jac=None, step sqrt(eps) max(1, |x_i|))
  newuoa, bobyqa  nlopt's NEWUOA and BOBYQA
  cobyqa          scipy's COBYQA

each with 100 (n + 1) evaluations (100 simplex gradients). Every solver runs --runs times under a noisy
feature (the noise differs per run), once on the plain one (the solvers are deterministic). A problem is
solved at tolerance tau once f(x) <= f_L + tau (f(x0) - f_L), f_L the least value any solver reached
(per run), measured on the noiseless f (OptiProfiler's convention).

The goals it checks (printed at the end, and said in the captions): at tau = 1e-3 within 100 simplex
gradients, the noise-aware L-BFGS solves at least as many problems as NEWUOA at sigma = 1e-6, and more
than L-BFGS-B with scipy's default differences at every sigma. The plain panel is the yardstick: what
the same L-BFGS-B solves with noiseless values.

Writes under --out (default results/profiles_noise, with --quick results/quick/profiles_noise) what
experiments.profiles writes (runs/<feature>.json, reused by a rerun; solved.csv; meta.json) and
goals.csv (the fractions the goals compare); draws profiles_noise_data and profiles_noise_perf (PNG, PDF
and caption; a panel per noise level at tau = 1e-3) into --figs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys

from experiments import _cli
from experiments._registry import experiment
from experiments.profiles import rows_list

FEATURES = ("plain", "noisy-rel-1e-8", "noisy-rel-1e-6", "noisy-rel-1e-4")
SOLVERS = ("lbfgs-ffd-auto", "lbfgs-cfd-auto", "lbfgsb-scipy", "newuoa", "bobyqa", "cobyqa")
AUTO = ("lbfgs-ffd-auto", "lbfgs-cfd-auto")
#: the tolerance and the budget (simplex gradients) of the goals
TAU, BUDGET = 1e-3, 100
RUNS, QUICK_RUNS = 5, 2
FULL_OUT = os.path.join("results", "profiles_noise")
QUICK_OUT = os.path.join("results", "quick", "profiles_noise")
#: measured on the shared 2-core machine: --quick took 122 s of CPU (164 s of wall time at a load average of 6),
#: the full run 1616 s of CPU (107 plain, 571, 472 and 466 at sigma =
#: 1e-8, 1e-6, 1e-4; 30 to 37 minutes of wall time per noise level at a load average near 10)
QUICK_TIME = "122 s of CPU: about 2 minutes on 2 free cores"
FULL_TIME = "1616 s of CPU: about 14 minutes on 2 free cores"
__doc__ = __doc__.replace("QUICK_TIME", QUICK_TIME).replace("FULL_TIME", FULL_TIME)

EXPERIMENT = experiment("profiles_noise", __spec__.name, [
    ("profiles_noise_data", "-", "-", "Moré–Wild set under relative noise 1e-8..1e-4, data profiles at tau = 1e-3: "
                                      "L-BFGS-B with eps='auto' differences against NEWUOA, BOBYQA, COBYQA and scipy's "
                                      "differences"),
    ("profiles_noise_perf", "-", "-", "the same comparison, performance profiles")],
    jobs=True, redraw=True, runs_cache="runs", requires=(("optiprofiler", "profiles"), ("nlopt", "profiles")))


def sigma_text(feature):
    """The panel's name of a feature: "noiseless" or "sigma = 1e-6"."""
    return "noiseless" if feature == "plain" else f"sigma = {feature.removeprefix('noisy-rel-')}"


def build_parser():
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, jobs="parallel jobs: OptiProfiler's worker processes (default 2)", out=FULL_OUT, figs=True,
                    quick=f"the 16 problems with n <= 4, {QUICK_RUNS} runs ({QUICK_TIME})")
    ap.set_defaults(out=None)
    ap.add_argument("--runs", type=_cli.int_range(1, 100), default=None,
                    help=f"runs of every solver under noise (default {RUNS}; --quick {QUICK_RUNS})")
    ap.add_argument("--problems", type=rows_list, default=None,
                    help="rows of the Moré–Wild set, e.g. 7,13,15 or 1-6 (default all 53; --quick those with n <= 4)")
    ap.add_argument("--rerun", action="store_true", help="run the benchmarks again, also where runs/ holds them")
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar with an ETA (default: on a terminal)")
    ap.add_argument("--redraw", action="store_true",
                    help="draw the figures also if their data and code have not changed since they were drawn")
    return ap


def parse(argv=None):
    ap = build_parser()
    a = ap.parse_args(argv)
    a.runs = a.runs if a.runs is not None else (QUICK_RUNS if a.quick else RUNS)
    if a.out is None:
        a.out = QUICK_OUT if a.quick else FULL_OUT
    a = _cli.finish(ap, a)
    missing = [m for m in ("optiprofiler", "nlopt") if importlib.util.find_spec(m) is None]
    if missing:
        ap.error(f"the comparison needs {' and '.join(missing)}: pip install -e '.[profiles]'")
    return ap, a


def profiles_argv(a):
    """The command line of experiments.profiles that computes the benchmark (figures: none of its own)."""
    argv = ["--features", ",".join(FEATURES), "--solvers", ",".join(SOLVERS), "--runs", str(a.runs),
            "--out", a.out, "--no-figs", "--jobs", str(a.jobs), "--progress" if a.progress else "--no-progress"]
    if a.problems:
        argv += ["--problems", ",".join(map(str, a.problems))]
    return argv + ["--quick"] * a.quick + ["--rerun"] * a.rerun


def goal_rows(records):
    """Per feature and solver: the fraction solved at TAU within BUDGET simplex gradients (mean over runs,
    and the runs' min and max), read from experiments.profiles' table."""
    from experiments.profiles import solved_rows

    problems = {rec["feature"]: len(rec["problems"]) for rec in records}
    return [{"feature": r["feature"], "solver": r["solver"], "tau": TAU, "budget": BUDGET,
             "runs": r["runs"] if r["feature"] != "plain" else 1, "problems": problems[r["feature"]],
             "solved": r[f"solved_{BUDGET}"], "min": r[f"min_{BUDGET}"], "max": r[f"max_{BUDGET}"]}
            for r in solved_rows(records) if abs(r["tau"] - TAU) <= 1e-3 * TAU]


def goals(rows):
    """The goals' verdicts from ``goal_rows``: a list of (sentence, met)."""
    val = {(r["feature"], r["solver"]): r["solved"] for r in rows}
    best = {f: max(AUTO, key=lambda s: val[(f, s)]) for f in FEATURES}
    out = []
    f6 = "noisy-rel-1e-6"
    b = best[f6]
    out.append((f"at sigma = 1e-6 the noise-aware L-BFGS-B ({b}) solves {val[(f6, b)]:.1%}, NEWUOA "
                f"{val[(f6, 'newuoa')]:.1%}", val[(f6, b)] >= val[(f6, "newuoa")]))
    for f in FEATURES[1:]:
        b = best[f]
        out.append((f"at {sigma_text(f)} it solves {val[(f, b)]:.1%} ({b}), scipy's differences "
                    f"{val[(f, 'lbfgsb-scipy')]:.1%}", val[(f, b)] > val[(f, "lbfgsb-scipy")]))
    return out


def caption(rows, records, kind):
    """What the reader sees, every number from ``rows``."""
    val = {(r["feature"], r["solver"]): r["solved"] for r in rows}
    n_p = len(records[0]["problems"])
    runs = max(r["n_runs"] for r in records)
    what = ("data profiles (the fraction of problems solved within k simplex gradients, k (n + 1) evaluations)"
            if kind == "data" else "performance profiles (the fraction solved within r times the evaluations of "
            "the fastest solver)")
    text = (f"Moré–Wild set ({n_p} problems) with relative noise f (1 + sigma N(0, 1)), fresh at every evaluation "
            f"(OptiProfiler's noisy feature), at tau = 1e-3: {what}, one panel per noise level, the noiseless set "
            f"first. A problem is solved once the noiseless f(x) <= f_L + tau (f(x0) - f_L), f_L the least value "
            f"any solver reached; budget 100 (n + 1) evaluations; under noise every solver runs {runs} times "
            f"(mean curve, min-max band). ")
    cells = []
    for f in FEATURES:
        cells.append(f"{sigma_text(f)}: " + ", ".join(
            f"{'FD-auto fwd' if s == 'lbfgs-ffd-auto' else 'FD-auto central' if s == 'lbfgs-cfd-auto' else 'scipy FD' if s == 'lbfgsb-scipy' else s.upper()} "
            f"{val[(f, s)]:.0%}" for s in SOLVERS))
    text += "Solved within 100 simplex gradients: " + "; ".join(cells) + ". "
    verdicts = goals(rows)
    plain_lbfgs = max(val[("plain", s)] for s in AUTO)
    gap0 = val[("plain", "newuoa")] - plain_lbfgs
    gap6 = val[("noisy-rel-1e-6", "newuoa")] - max(val[("noisy-rel-1e-6", s)] for s in AUTO)
    text += "Goal 1, at least NEWUOA at sigma = 1e-6: " + ("met" if verdicts[0][1] else "not met") + f" ({verdicts[0][0]})"
    if not verdicts[0][1] and gap0 > 0:
        text += (f"; without noise the same L-BFGS-B solves {plain_lbfgs:.0%} and NEWUOA {val[('plain', 'newuoa')]:.0%}, "
                 f"a gap of {gap0:.1%} of the problems, "
                 + ("at least as large as" if gap0 >= gap6 else "smaller than") + f" the {gap6:.1%} at sigma = 1e-6"
                 + (": the gap is L-BFGS-B's own, there before any noise" if gap0 >= gap6 else ""))
    text += ("; Goal 2, above scipy's default differences at every sigma: "
             + ("met" if all(m for _, m in verdicts[1:]) else "not met") + " (" + "; ".join(t for t, _ in verdicts[1:])
             + "): scipy's step sqrt(eps) max(1, |x_i|) is made for rounding noise, eps='auto' measures the noise "
               "(ECnoise) and sets the step from it (Moré & Wild 2012). The eps='auto' curves start later: each "
               "estimation phase costs about 15 + 2n (forward) or 15 + 4n (central) evaluations.")
    return " ".join(text.split())


def draw(records, kind):
    from experiments._figures import legend_outside, style
    from experiments._profiles_figures import label_axes, panel

    with style() as plt:
        fig, axes = plt.subplots(2, 2, figsize=(7.2, 6.2), sharey=True)
        for ax, rec in zip(axes.flat, records):
            ax.set_title(sigma_text(rec["feature"]).replace("sigma", r"$\sigma$"))
            panel(ax, rec, kind, TAU, list(range(len(rec["solvers"]))))
        label_axes(axes, kind)
        fig.suptitle(f"{'Data' if kind == 'data' else 'Performance'} profiles at " + r"$\tau = 10^{-3}$"
                     + ", Moré–Wild set under relative noise", fontsize=10)
        legend_outside(fig, "below", ncol=3)
    return fig


def figures(records, rows, figs, redraw=False):
    from experiments import _profiles_figures, _profiles_solvers
    from experiments._figures import code_digest, digest, save_figure, up_to_date

    code = code_digest(__file__, _profiles_figures.__file__, _profiles_solvers.__file__)
    written, kept = [], []
    for kind in ("data", "perf"):
        name = f"profiles_noise_{kind}"
        text = caption(rows, records, kind)
        inputs = digest(code, [r["curves"][kind] for r in records], text)
        paths = [os.path.join(figs, f"{name}.{e}") for e in ("png", "pdf")]
        if not redraw and up_to_date(figs, name, inputs):
            kept.extend(paths)
            continue
        written.extend(save_figure(draw(records, kind), figs, name, caption=text, inputs=inputs))
    return written, kept


def main(argv=None):
    ap, a = parse(argv)
    from experiments import profiles

    status = profiles.main(profiles_argv(a))
    if status:
        return status
    records = []
    for f in FEATURES:
        with open(os.path.join(a.out, "runs", f"{f}.json")) as fh:
            records.append(json.load(fh))
    rows = goal_rows(records)
    profiles.write_csv(os.path.join(a.out, "goals.csv"), rows)
    print(f"\nthe goals (tau = {TAU:g}, within {BUDGET} simplex gradients):")
    for text, met in goals(rows):
        print(f"  {'met    ' if met else 'NOT met'}  {text}")
    if a.figs:
        written, kept = figures(records, rows, a.figs, redraw=a.redraw)
        _cli.report_figures(written, kept)
    return 0


if __name__ == "__main__":
    sys.exit(main())
