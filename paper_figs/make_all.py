"""Regenerate every figure in paper_figs/ from cached results, running what is missing.

    python paper_figs/make_all.py [--quick] [--jobs 2]

Runs each experiment script with --figs paper_figs: rates (the slowdown of zero-order GD; its runs are
cached under results/rates/, so only missing runs are computed), jacobian_modes (forward vs reverse
Jacobian time) and linesearch (line-search comparison). --quick passes --quick to each (smaller
dimensions: about a minute on 2 cores in all).
"""

import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPERIMENTS = ["rates.py", "jacobian_modes.py", "linesearch.py"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the experiments' small default configs")
    ap.add_argument("--jobs", type=int, default=2, help="parallel jobs for the rate sweep")
    a = ap.parse_args(argv)
    figs = os.path.join(ROOT, "paper_figs")
    for script in EXPERIMENTS:
        cmd = [sys.executable, os.path.join(ROOT, "experiments", script), "--figs", figs, "--jobs", str(a.jobs)]
        cmd += ["--out", os.path.join(ROOT, "results", script[:-3])]
        if a.quick:
            cmd.append("--quick")
        print("+", " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd), flush=True)
        subprocess.run(cmd, check=True, cwd=ROOT)
    print(f"figures in {os.path.relpath(figs, ROOT)}/:", ", ".join(sorted(f for f in os.listdir(figs) if f.endswith(".png"))))


if __name__ == "__main__":
    main()
