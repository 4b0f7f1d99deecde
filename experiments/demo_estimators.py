"""Estimate gradients with every zeroopt oracle and print their error against the exact gradient (ExactAD).

    python -m experiments.demo_estimators [--n 100] [--seed 0] [--repeats 200]

For each oracle: evaluations per call, the relative error ||G - g|| / ||g|| of one call, and over
``--repeats`` calls the measured E||G - g||^2 / ||g||^2 next to the table's m - 1.
"""

import sys
import time

import numpy as np

import zeroopt as zo
from experiments import _cli

MAX_N = 5000  # the quadratic stores an n x n matrix


def build_parser():
    ap = _cli.parser(__doc__, __spec__.name)
    ap.add_argument("--n", type=_cli.int_range(2, MAX_N), default=100, help=f"dimension, 2 to {MAX_N} (default 100)")
    ap.add_argument("--seed", type=_cli.int_range(0, 2**32 - 1), default=0, help="problem and oracle seed (default 0)")
    ap.add_argument("--repeats", type=_cli.int_range(2, 100_000), default=200,
                    help="calls per random oracle for the variance, 2 to 100000 (default 200)")
    return ap


def main(argv=None):
    args = _cli.parse(build_parser(), argv)
    n = args.n
    p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=args.seed)
    x = np.random.default_rng(args.seed + 1).standard_normal(n)
    A, c = p.args
    g = zo.ExactAD()(p, x)                       # exact gradient by reverse-mode AD of the same objective
    assert np.allclose(g, A @ (x - c), rtol=1e-12)  # = A (x - c), the closed form
    oracles = {
        "CoordinateFD central": zo.CoordinateFD(),
        "CoordinateFD forward": zo.CoordinateFD(scheme="forward"),
        "RandomCoordinate": zo.RandomCoordinate(seed=args.seed),
        "TwoPoint sphere": zo.TwoPoint(seed=args.seed),
        "TwoPoint gaussian": zo.TwoPoint(dist="gaussian", seed=args.seed),
        "TwoPoint rademacher": zo.TwoPoint(dist="rademacher", seed=args.seed),
        "TwoPoint forward gaussian": zo.TwoPoint(dist="gaussian", scheme="forward", seed=args.seed),
        "TwoPoint sphere q=16": zo.TwoPoint(directions=16, seed=args.seed),
        f"TwoPoint orthogonal q={min(16, n)}": zo.TwoPoint(directions=min(16, n), orthogonal=True, seed=args.seed),
        f"TwoPoint orthogonal q={n}": zo.TwoPoint(directions=n, orthogonal=True, seed=args.seed),
    }
    print(f"zeroopt {zo.__version__}: gradient estimates on {p.name} at a random point, ||g|| = {np.linalg.norm(g):.3f}")
    print(f"{'oracle':30s} {'evals':>6s} {'rel. error':>11s} {'E||G-g||^2/||g||^2':>19s} {'m - 1':>8s} {'s/call':>9s}")
    for name, o in oracles.items():
        o(p, x)  # compile
        t0 = time.perf_counter()
        G = o(p, x)
        dt = time.perf_counter() - t0
        err = np.linalg.norm(G - g) / np.linalg.norm(g)
        if o.random:
            reps = np.array([o(p, x) for _ in range(args.repeats)])
            var = f"{np.mean(np.sum((reps - g) ** 2, axis=1)) / (g @ g):19.3f}"
        else:
            var = f"{err ** 2:19.2e}"
        m = o.second_moment_factor(n)
        print(f"{name:30s} {o.evals_per_call(n):6d} {err:11.2e} {var} {m - 1:8.2f} {dt:9.1e}")
    print(f"total evaluations counted: {p.nfev} (and {p.ngev} exact AD gradient)")


if __name__ == "__main__":
    sys.exit(main())
