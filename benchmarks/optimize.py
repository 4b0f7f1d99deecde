"""Optimizer speed against its limit, and line-search evaluation counts against theory and scipy.

    python -m benchmarks.optimize [--quick] [--repeats R]

(a) one zero-order GD run, TwoPoint() on problems.quadratic(100, mu=1, L=10), 20000 iterations (the
    jitted path), / (its 40000 function evaluations in a jitted loop + numpy's time to draw and normalise
    its 20000 directions, in the same blocks). Target <= 1.3. Also with record="none" (no history
    measurements) and with the Python reference path (jit=False), for scale.
(b) evaluations each scalar search spends to locate a minimiser to 1e-8 on [a, b], against the theory
    counts (golden: ceil(log(tol/(b-a)) / log 0.618) + 2; dichotomy: <= 2 ceil(log2((b-a)/(2 tol))) + 1)
    and against scipy.optimize.minimize_scalar (golden, brent, bounded) on the same functions.
"""

import math
import time

import numpy as np
import scipy.optimize

import zeroopt as zo
from benchmarks._common import eval_loop, header, interleaved, repeats_option
from zeroopt import linesearch as ls


def gd_run(quick, repeats=None):
    n, iters = 100, 5000 if quick else 20000
    p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=0)
    p = zo.Problem(p.fun, n, args=p.args, x_star=p.x_star, f_star=0.0, mu=1.0, L=10.0)  # no batch_fun
    x0 = np.zeros(n)
    o = zo.TwoPoint(seed=0)
    zo.minimize(p, x0, o, maxiter=50)                       # compile
    jf = p.jitted

    def limit():
        rng = np.random.default_rng(0)
        for start in range(0, iters, 10_000):               # the optimizer's block size here (8 MiB)
            o.draw(rng, n, steps=min(10_000, iters - start))
        eval_loop(jf, x0, 2 * iters, p.args)

    funcs = {"run": lambda: zo.minimize(p, x0, o, maxiter=iters, seed=1),
             "bare": lambda: zo.minimize(p, x0, o, maxiter=iters, seed=1, record="none"),
             "limit": limit}
    t = interleaved(funcs, repeats=repeats or (5 if quick else 7), min_time=0.0)
    tp0 = time.perf_counter()
    zo.minimize(p, x0, o, maxiter=iters // 10, seed=1, jit=False)
    t_py = (time.perf_counter() - tp0) * 10
    print(f"\n(a) zero-order GD, TwoPoint(), quadratic n = {n}, {iters} iterations")
    print(f"run {t['run']:.3f} s, with record='none' {t['bare']:.3f} s, limit (evaluations + draws) {t['limit']:.3f} s")
    print(f"ratio run / limit = {t['run'] / t['limit']:.3f} (record='none': {t['bare'] / t['limit']:.3f}); "
          f"the Python reference path takes ~{t_py:.2f} s ({t_py / t['run']:.0f}x the jitted run)")
    return t["run"] / t["limit"]


def PHI(a, c=0.37):
    t = a - c
    return math.expm1(t) - t + 0.1 * t ** 4


FUNCTIONS = [
    ("expm1(t) - t + t^4/10", PHI, 0.37, (-1.0, 2.0)),
    ("(x - 1.3)^2 (2 + cos x)", lambda x: (x - 1.3) ** 2 * (2 + math.cos(x)), 1.3, (-2.0, 4.0)),
    ("|x - 0.6|^1.5", lambda x: abs(x - 0.6) ** 1.5, 0.6, (0.0, 3.0)),
    ("cosh(x - 2) - 1", lambda x: math.cosh(x - 2.0) - 1.0, 2.0, (-5.0, 5.0)),
]


class Counted:
    def __init__(self, f):
        self.f, self.n = f, 0

    def __call__(self, x):
        self.n += 1
        return self.f(x)


def line_searches():
    tol = 1e-8
    print(f"\n(b) evaluations to locate the minimiser to {tol:g} (error in brackets); theory and scipy alongside")
    cols = ["golden", "dichotomy", "parabolic", "brent", "scipy golden", "scipy brent", "scipy bounded"]
    print(f"{'function':26s} {'theory g/d':>11s} " + " ".join(f"{c:>15s}" for c in cols))
    for name, f, xstar, (a, b) in FUNCTIONS:
        golden_theory = math.ceil(math.log(tol / (b - a)) / math.log(ls.INVPHI)) + 2
        dich_theory = 2 * math.ceil(math.log2((b - a) / (2 * tol))) + 1
        cells = []
        for method in cols:
            phi = Counted(f)
            if method == "golden":
                x = ls.golden(phi, a, b, tol=tol).x
            elif method == "dichotomy":
                x = ls.dichotomy(phi, a, b, tol=tol).x
            elif method == "parabolic":
                mid = a + ls.INVPHI2 * (b - a)
                lo, m, hi, *_ = ls.bracket(phi, a, mid)
                x = ls.parabolic(phi, lo, m, hi, tol=tol).x if lo < m < hi else m
            elif method == "brent":
                x = ls.brent(phi, a, b, tol=tol).x
            elif method == "scipy golden":
                x = scipy.optimize.minimize_scalar(phi, bracket=(a, b), method="golden", tol=tol / max(1.0, abs(xstar))).x
            elif method == "scipy brent":
                x = scipy.optimize.minimize_scalar(phi, bracket=(a, b), method="brent", tol=tol / max(1.0, abs(xstar))).x
            else:
                x = scipy.optimize.minimize_scalar(phi, bounds=(a, b), method="bounded", options={"xatol": tol}).x
            cells.append(f"{phi.n:6d} ({abs(x - xstar):.0e})")
        print(f"{name:26s} {golden_theory:5d}/{dich_theory:<5d} " + " ".join(f"{c:>15s}" for c in cells))


def main(argv=None):
    from experiments import _cli

    ap = _cli.parser(__doc__, __spec__.name)
    ap.add_argument("--quick", action="store_true", help="5000 iterations, fewer repeats")
    repeats_option(ap)
    a = ap.parse_args(argv)
    header("python -m benchmarks.optimize")
    gd_run(a.quick, a.repeats)
    line_searches()


if __name__ == "__main__":
    main()
