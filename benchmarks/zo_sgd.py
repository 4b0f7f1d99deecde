"""ZO-SGD's iterations: the Python path, the jitted path and the limit, on the experiment's problem.

    python -m benchmarks.zo_sgd [--quick] [--repeats R]

method="zo_sgd" on experiments.zo_sgd's problem (problems.sample_mean(n, samples=1000, s=1), from
x* + 1/sqrt(n)), n = 10, 40, 160: microseconds per iteration of

- python: ``jit=False``, the Python reference path;
- jitted: ``jit=None``, the default (gd's compiled loop);
- limit: a hand-written numba loop doing the iteration's work and nothing else: the n + 1 standard
  normal numbers of its draw (numba's Generator), the sample index from the last one, the two
  evaluations F(x, i) and F(x + eps u, i) of the problem's own compiled objective, and the update
  x <- x - gamma (F(x + eps u, i) - F(x, i)) / eps u;

each with ``record="none"`` (the method alone) and as the experiment runs it (``record="all"``,
``measure=("f",)``: the noiseless f measured at every iterate, uncounted), the limit then with the
noiseless f evaluated once per iteration too. Timed in interleaved rounds (medians); the ratios are
taken within one run.
"""

import math

import numba
import numpy as np

import zeroopt as zo
from benchmarks._common import header, interleaved, repeats_option
from experiments.zo_sgd import problem
from zeroopt.theory.zo_sgd import zo_sgd_radius, zo_sgd_step


@numba.njit
def limit_loop(fun, noiseless, x0, N, gamma, eps, count, measure, rng, args):
    """N ZO-SGD iterations, the work alone (see the module docstring); ``measure``: also the noiseless f
    at every iterate, as record="all" does. Returns the sum of the measured f (so nothing is dropped)."""
    n = x0.shape[0]
    x, w, u, xi = x0.copy(), np.empty(n), np.empty(n), np.empty(1)
    total = 0.0
    for _ in range(N):
        for i in range(n):
            u[i] = rng.standard_normal()
        z = rng.standard_normal()
        xi[0] = min(math.floor(count * 0.5 * math.erfc(-z * 0.7071067811865476)), count - 1.0)
        f0 = fun(x, xi, *args)
        for i in range(n):
            w[i] = x[i] + eps * u[i]
        d = (fun(w, xi, *args) - f0) / eps
        for i in range(n):
            x[i] -= gamma * d * u[i]
        if measure:
            total += noiseless(x, *args)
    return total


def per_iteration(n, N, repeats):
    """{name: microseconds per iteration} for dimension n (the Python path over N // 10 iterations)."""
    p, x0 = problem(n)
    noiseless = numba.njit(zo.problems.sample_mean_noiseless)
    eps, gamma = zo_sgd_radius(n, N), zo_sgd_step(n, N, 1.0)
    count = float(p.args[0].shape[0])
    Np = max(N // 10, 200)

    def run(iters, jit, record):
        kw = dict(measure=("f",)) if record == "all" else {}
        return lambda: zo.minimize(p, x0, method="zo_sgd", maxiter=iters, seed=1, jit=jit, record=record,
                                   options={"c": 1.0}, **kw)

    funcs, iters = {}, {}
    for record in ("none", "all"):
        funcs[f"python {record}"], iters[f"python {record}"] = run(Np, False, record), Np
        funcs[f"jitted {record}"], iters[f"jitted {record}"] = run(N, None, record), N
        funcs[f"limit {record}"] = (lambda m: lambda: limit_loop(p.jitted, noiseless, x0, N, gamma, eps, count, m,
                                                                 np.random.default_rng(1), p.args))(record == "all")
        iters[f"limit {record}"] = N
    t = interleaved(funcs, repeats=repeats, min_time=0.0)
    return {k: 1e6 * t[k] / iters[k] for k in funcs}


def main(argv=None):
    from experiments import _cli

    ap = _cli.parser(__doc__, __spec__.name)
    ap.add_argument("--quick", action="store_true", help="5000 iterations per jitted run (else 20000), 3 rounds")
    repeats_option(ap)
    a = ap.parse_args(argv)
    header("python -m benchmarks.zo_sgd")
    N = 5000 if a.quick else 20_000
    repeats = a.repeats or (3 if a.quick else 5)
    print(f"\nmethod='zo_sgd' on experiments.zo_sgd's problem; us per iteration (jitted and limit: {N} "
          f"iterations, python: {max(N // 10, 200)}); medians of {repeats} interleaved rounds")
    print(f"{'n':>4s} {'record':>7s} {'python':>8s} {'jitted':>8s} {'limit':>8s} {'python/jitted':>14s} "
          f"{'jitted/limit':>13s}")
    for n in (10, 40, 160):
        us = per_iteration(n, N, repeats)
        for record in ("none", "all"):
            py, jt, lim = us[f"python {record}"], us[f"jitted {record}"], us[f"limit {record}"]
            print(f"{n:4d} {record:>7s} {py:8.2f} {jt:8.2f} {lim:8.2f} {py / jt:14.1f} {jt / lim:13.2f}", flush=True)


if __name__ == "__main__":
    main()
