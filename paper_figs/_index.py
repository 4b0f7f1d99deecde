"""The index of the paper figures, paper_figs/README.md, written by ``python -m paper_figs.make_all`` from the
registry (experiments._registry: the lecture figures and the figures each experiment draws) and the
measured times (paper_figs/timings.json)."""

from __future__ import annotations

import textwrap

LECTURES = {"000": "zero-order GD", "001": "line search, matrix calculus, automatic differentiation",
            "002": "Taylor models, Newton", "003": "gradient descent",
            "004": "matrix derivatives and automatic differentiation (seminar)"}

#: the section of the figures of experiments that belong to no lecture (their lecture is "-")
NO_LECTURE = "Experiments that belong to no lecture"

HEAD = """# Paper figures

Every figure of the lecture notes that zeroopt computes: a plot of what the package does, with the theory
drawn on it where a formula exists. Each PNG has a PDF and a one-line caption (`<name>.txt`) next to it.
Regenerate them all from the repository root with

```
python -m paper_figs.make_all            # every figure below, and this index
python -m paper_figs.make_all --quick    # small versions into results/quick/figs (never here)
python -m paper_figs.make_all --only l001_wolfe,linesearch    # some of them (--list names them all)
```

{summary}

Seconds are measured by make_all on a shared 2-core machine: "from scratch" computes the data,
"cached" only draws (the data is kept under `results/paper_figs/cache/`). Experiment scripts time their
whole run (they measure, then draw all their figures).
"""


def _seconds(entry, runs_cache=None):
    if not entry:
        return "not timed by make_all yet"
    cold, warm = entry.get("cold"), entry.get("warm")
    if "run" in entry:
        if cold is not None:
            return f"{cold:.0f} from an empty run cache, {entry['run']:.0f} with the runs cached (whole script)"
        if runs_cache:   # only timed with its runs already there: say so, not a time the reader would misread
            return f"{entry['run']:.0f} with the runs cached (whole script; not yet timed from an empty run cache)"
        return f"{entry['run']:.0f} (whole script)"
    if cold is not None and warm is None:
        return f"{cold:.0f} from an empty run cache (whole script)"
    if cold is None:
        return f"{warm:.1f} cached" if warm is not None else "?"
    return f"{cold:.1f} from scratch, {warm:.1f} cached"


def _and(names):
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def write_index(registry, timings, path):
    """Write the index of ``registry``'s figures (experiments._registry.Registry: its lecture figures and the
    figures its experiments draw) with the seconds in ``timings`` to ``path``; returns ``path``."""
    figures, experiments = registry.figures, registry.experiments
    rows = [(f.lecture, f.numbers, f.name, f.title, f"python -m paper_figs.make_all --only {f.name}",
             _seconds(timings.get(f.name, {}))) for f in figures.values()]
    rows += [(d.lecture, d.numbers, d.name, d.title, f"python -m {e.module}", _seconds(timings.get(e.name, {}), e.runs_cache))
             for e in experiments.values() for d in e.figures]
    figs = sum(timings.get(f.name, {}).get("cold", timings.get(f.name, {}).get("warm", 0)) for f in figures.values())
    plain = [e.name for e in experiments.values() if not e.runs_cache]
    exps = sum(timings.get(e, {}).get("run", 0) for e in plain)
    cached = []
    for e in (e for e in experiments.values() if e.runs_cache):
        cold = timings.get(e.name, {}).get("cold")
        cold = "is not yet timed by make_all" if cold is None else f"takes {cold / 60:.0f} min from an empty run cache"
        cached.append(f"`python -m {e.module}` {cold} and keeps its runs under `results/{e.name}/{e.runs_cache}/`")
    summary = (f"From an empty cache the lecture figures take about {figs:.0f} s and the {_and(plain)} experiments "
               f"{exps:.0f} s; " + "; ".join(cached) + (", so make_all only computes the runs that are missing" if cached
                                                       else "") + ". A figure whose data and code have not changed "
               "since it was drawn is not drawn again (`--redraw` draws all).")
    lines = [HEAD.format(summary=textwrap.fill(summary, 105, break_on_hyphens=False))]
    for lec, title in LECTURES.items():
        lines += [f"\n## Lecture {lec}: {title}\n", "| figure | lecture figure | what it shows | command | seconds |",
                  "|---|---|---|---|---|"]
        for r in sorted((r for r in rows if r[0] == lec), key=lambda r: _order(r[1])):
            lines.append(f"| [{r[2]}]({r[2]}.png) | {r[1]} | {r[3]} | `{r[4]}` | {r[5]} |")
    others = [r for r in rows if r[0] not in LECTURES]
    if others:   # figures of experiments that belong to no lecture (registered with lecture "-")
        lines += [f"\n## {NO_LECTURE}\n", "| figure | lecture figure | what it shows | command | seconds |",
                  "|---|---|---|---|---|"]
        lines += [f"| [{r[2]}]({r[2]}.png) | {r[1]} | {r[3]} | `{r[4]}` | {r[5]} |" for r in others]
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def _order(numbers):
    head = numbers.split("-")[0].split(",")[0].strip()
    return (0, int(head), "") if head.isdigit() else (1, 0, head)
