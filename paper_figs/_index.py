"""The index of the paper figures, paper_figs/README.md, written by make_all.py from the registry, the
experiment figures below and the measured times (paper_figs/timings.json)."""

from __future__ import annotations

import os

#: figures drawn by the experiment scripts: (file name, lecture, figure numbers, what it shows, script)
EXPERIMENT_FIGURES = [
    ("linesearch", "001", "18", "line searches compared: error against evaluations, and the step rules inside "
                                "descent", "linesearch"),
    ("jacobian_modes", "001", "35", "Jacobian of Ax by forward and reverse mode: time against m, per-pass model",
     "jacobian_modes"),
    ("jacobian_which_mode", "001", "34, 36", "which mode? forward / reverse time over a grid of (n, m)",
     "jacobian_modes"),
] + [(f"rates_{s}_{kind}", "000", "table", f"rate study, {s.replace('_', ' ')}: "
      + ("error curves per n" if kind == "curves" else "slowdown against n with the theory"), "rates")
     for s in ("strongly_convex", "convex", "nonconvex") for kind in ("curves", "slowdown")] + [
    ("rates_strongly_convex_dist_curves", "000", "table", "rate study, strongly convex, in the lecture's own "
     "quantity ‖x_k − x*‖²: error curves per n", "rates")]

LECTURES = {"000": "zero-order GD", "001": "line search, matrix calculus, automatic differentiation",
            "002": "Taylor models, Newton", "003": "gradient descent",
            "004": "matrix derivatives and automatic differentiation (seminar)"}

HEAD = """# Paper figures

Every figure of the lecture notes that zeroopt computes: a plot of what the package does, with the theory
drawn on it where a formula exists. Each PNG has a PDF and a one-line caption (`<name>.txt`) next to it.
Regenerate them all with

```
python paper_figs/make_all.py            # every figure below, and this index
python paper_figs/make_all.py --quick    # small versions into results/quick/figs (never here)
python paper_figs/make_all.py --only l001_wolfe,linesearch    # some of them (--list names them all)
```

From an empty cache the lecture figures take about {figs} and the jacobian_modes and linesearch
experiments {exps}; the rate study (`experiments/rates.py`, 813 runs) takes longest ({rates} from an
empty cache), and its runs are cached under `results/rates/`, so make_all only computes the runs that are
missing.

Seconds are measured by `make_all.py` on a shared 2-core machine: "from scratch" computes the data,
"cached" only draws (the data is kept under `results/paper_figs/cache/`). Experiment scripts time their
whole run (they measure, then draw all their figures).
"""


def _seconds(entry):
    if not entry:
        return "not timed by make_all yet"
    cold, warm = entry.get("cold"), entry.get("warm")
    if "run" in entry:
        if cold is not None:
            return f"{cold:.0f} from an empty run cache, {entry['run']:.0f} with the runs cached (whole script)"
        return f"{entry['run']:.0f} (whole script)"
    if cold is not None and warm is None:
        return f"{cold:.0f} from an empty run cache (whole script)"
    if cold is None:
        return f"{warm:.1f} cached" if warm is not None else "?"
    return f"{cold:.1f} from scratch, {warm:.1f} cached"


def write_index(registry, timings, path):
    rows = [(f.lecture, f.numbers, f.name, f.title, f"python paper_figs/make_all.py --only {f.name}",
             _seconds(timings.get(f.name, {}))) for f in registry.values()]
    rows += [(lec, num, name, what, f"python experiments/{script}.py", _seconds(timings.get(script, {})))
             for name, lec, num, what, script in EXPERIMENT_FIGURES]
    figs = sum(timings.get(f.name, {}).get("cold", timings.get(f.name, {}).get("warm", 0)) for f in registry.values())
    exps = sum(timings.get(e, {}).get("run", 0) for e in ("jacobian_modes", "linesearch"))
    rates = timings.get("rates", {}).get("cold")
    rates = "not yet timed by make_all" if rates is None else f"{rates / 60:.0f} min"
    lines = [HEAD.format(figs=f"{figs:.0f} s", exps=f"{exps:.0f} s", rates=rates)]
    for lec, title in LECTURES.items():
        lines += [f"\n## Lecture {lec}: {title}\n", "| figure | lecture figure | what it shows | command | seconds |",
                  "|---|---|---|---|---|"]
        for r in sorted((r for r in rows if r[0] == lec), key=lambda r: _order(r[1])):
            lines.append(f"| [{r[2]}]({r[2]}.png) | {r[1]} | {r[3]} | `{r[4]}` | {r[5]} |")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def _order(numbers):
    head = numbers.split("-")[0].split(",")[0].strip()
    return (0, int(head), "") if head.isdigit() else (1, 0, head)
