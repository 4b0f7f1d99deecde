"""Calls per line search, ours against scipy's, on scipy's own line-search test functions.

    python benchmarks/linesearch.py [--quick]

The searches of scipy/optimize/tests/test_linesearch.py (scipy 1.17), built here the same way from the
same seeds:

* scalar functions phi(s) with phi'(0) < 0: -s - s^3 + s^4, exp(-4 s) + s^2, -sin(10 s), each with 3
  values old_phi0 drawn from default_rng(2231892908) (9 searches);
* line functions f(x) = x'x and f(x) = x'Ax + 1 (A 20 x 20 from default_rng(1231892908)), each along 9
  descent directions p from x, both drawn from default_rng(2231892908), with old_f (18 searches).

Each search is run by ours and by scipy's with the same constants (c1 = 1e-4, c2 = 0.9) and the same first
trial: 1 for the Armijo searches (scipy's default), scipy's alpha1 = min(1, 2.02 (phi(0) - old_phi0) /
phi'(0)) (1 if negative) for the Wolfe searches. Calls are the evaluations of phi (or f) plus those of
phi' (or grad f), counted by a wrapper; ours must equal its nfev + ngev (asserted). A search *fails* if
it reports no step (scipy: None; ours: a status other than CONVERGED) or if the step it reports does not
satisfy its condition (Armijo: phi(s) <= phi(0) + c1 s phi'(0); Wolfe: the strong Wolfe conditions, as
scipy's own assert_wolfe checks them); failures are counted apart, and the mean calls are over all searches.

Rows: armijo against scalar_search_armijo / line_search_armijo (the same function on a line), wolfe
(strong) against scalar_search_wolfe2 / line_search_wolfe2 (Nocedal & Wright's Algorithms 3.5-3.6, as
ours) and scalar_search_wolfe1 / line_search_wolfe1 (MINPACK's dcsrch), and goldstein (no scipy peer; its
own conditions checked). The counts are deterministic: ``--quick`` only skips the MINPACK peer.
"""

import math
import warnings

import numpy as np
import scipy
import scipy.optimize._linesearch as sls
from _common import header

from zeroopt import linesearch as ls

C1, C2 = 1e-4, 0.9


class Counted:
    """A function with a call counter shared by phi and phi' of one search (as scipy's tests count)."""

    def __init__(self, f, tally):
        self.f, self.tally = f, tally

    def __call__(self, a):
        self.tally[0] += 1
        return self.f(a)


def scalar_problems():
    """(name, phi, dphi, old_phi0) for scipy's three scalar test functions, 3 old_phi0 each."""
    funcs = [("-s - s^3 + s^4", lambda s: -s - s ** 3 + s ** 4, lambda s: -1 - 3 * s ** 2 + 4 * s ** 3),
             ("exp(-4s) + s^2", lambda s: math.exp(-4 * s) + s ** 2, lambda s: -4 * math.exp(-4 * s) + 2 * s),
             ("-sin(10s)", lambda s: -math.sin(10 * s), lambda s: -10 * math.cos(10 * s))]
    rng = np.random.default_rng(2231892908)
    out = []
    for name, phi, dphi in funcs:
        for old in rng.standard_normal(3):
            out.append((name, phi, dphi, float(old)))
    return out


def line_problems(N=20):
    """(name, f, grad, x, p, old_f) for scipy's two line test functions, 9 descent directions each."""
    A = np.random.default_rng(1231892908).standard_normal((N, N))
    funcs = [("x'x", lambda x: float(x @ x), lambda x: 2 * x),
             ("x'Ax + 1", lambda x: float(x @ (A @ x)) + 1, lambda x: (A + A.T) @ x)]
    rng = np.random.default_rng(2231892908)
    out = []
    for name, f, g in funcs:
        k = 0
        while k < 9:
            x, p = rng.standard_normal(N), rng.standard_normal(N)
            if p @ g(x) >= 0:
                continue
            k += 1
            out.append((name, f, g, x, p, float(rng.standard_normal())))
    return out


def searches():
    """Every search as (kind, phi, dphi, phi0, dphi0, old_phi0, line) with line = (f, g, x, p) or None."""
    out = []
    for name, phi, dphi, old in scalar_problems():
        out.append(("scalar", phi, dphi, phi(0.0), dphi(0.0), old, None))
    for name, f, g, x, p, old in line_problems():
        phi = (lambda f, x, p: lambda a: f(x + a * p))(f, x, p)
        dphi = (lambda g, x, p: lambda a: float(g(x + a * p) @ p))(g, x, p)
        out.append(("line", phi, dphi, f(x), float(g(x) @ p), old, (f, g, x, p)))
    return out


def wolfe_alpha1(phi0, old, dphi0):
    """scipy's first Wolfe trial from the previous value old_phi0."""
    a = min(1.0, 1.01 * 2 * (phi0 - old) / dphi0) if dphi0 != 0 else 1.0
    return 1.0 if a < 0 else a


def armijo_ok(phi, phi0, dphi0, s):
    return s is not None and phi(s) <= phi0 + C1 * s * dphi0


def wolfe_ok(phi, dphi, phi0, dphi0, s):
    return armijo_ok(phi, phi0, dphi0, s) and abs(dphi(s)) <= C2 * abs(dphi0)


def goldstein_ok(phi, phi0, dphi0, s, c=0.25):
    return s is not None and phi0 + (1 - c) * s * dphi0 <= phi(s) <= phi0 + c * s * dphi0


def run(method, kind, phi_, dphi_, phi0, dphi0, old, line):
    """(calls, ok) of one search by ``method``."""
    tally = [0]
    phi, dphi = Counted(phi_, tally), Counted(dphi_, tally)
    if method == "armijo":
        r = ls.armijo(phi, phi0, dphi0, alpha0=1.0, c1=C1)
        assert tally[0] == r.nfev, (tally, r)
        return tally[0], r.success and armijo_ok(phi_, phi0, dphi0, r.x)
    if method == "goldstein":
        r = ls.goldstein(phi, phi0, dphi0, alpha0=1.0)
        assert tally[0] == r.nfev, (tally, r)
        return tally[0], r.success and goldstein_ok(phi_, phi0, dphi0, r.x)
    if method == "wolfe":
        amax = 512.0 if kind == "line" else 1e10  # scipy's line test passes amax = 512
        r = ls.wolfe(phi, phi0, dphi0, dphi=dphi, alpha0=min(wolfe_alpha1(phi0, old, dphi0), amax), c1=C1,
                     c2=C2, alpha_max=amax)
        assert tally[0] == r.nfev + r.ngev, (tally, r)
        return tally[0], r.success and wolfe_ok(phi_, dphi_, phi0, dphi0, r.x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sls.LineSearchWarning)
        if line is not None:
            f, g, x, p = line
            ft, gt = Counted(f, tally), Counted(g, tally)
            if method == "scipy armijo":
                s = sls.line_search_armijo(ft, x, p, g(x), phi0, c1=C1)[0]
            elif method == "scipy wolfe2":
                s = sls.line_search_wolfe2(ft, gt, x, p, g(x), phi0, old, c1=C1, c2=C2, amax=512)[0]
            else:
                s = sls.line_search_wolfe1(ft, gt, x, p, g(x), phi0, old, c1=C1, c2=C2, amax=512)[0]
        else:
            if method == "scipy armijo":
                s = sls.scalar_search_armijo(phi, phi0, dphi0, c1=C1)[0]
            elif method == "scipy wolfe2":
                s = sls.scalar_search_wolfe2(phi, dphi, phi0, old, dphi0, c1=C1, c2=C2)[0]
            else:
                s = sls.scalar_search_wolfe1(phi, dphi, phi0, old, dphi0, c1=C1, c2=C2)[0]
    ok = armijo_ok(phi_, phi0, dphi0, s) if method == "scipy armijo" else wolfe_ok(phi_, dphi_, phi0, dphi0, s)
    return tally[0], ok


ROWS = [("armijo", "armijo", "scipy armijo"), ("wolfe (strong)", "wolfe", "scipy wolfe2"),
        ("wolfe (strong) vs MINPACK", "wolfe", "scipy wolfe1"), ("goldstein", "goldstein", None)]


def summary(calls, oks):
    """(mean calls of the searches that succeeded, number failed, mean calls of the failed ones)."""
    calls, oks = np.array(calls, dtype=float), np.array(oks, dtype=bool)
    return (float(calls[oks].mean()) if oks.any() else math.nan, int((~oks).sum()),
            float(calls[~oks].mean()) if (~oks).any() else math.nan)


def table(quick=False):
    """Print and return {(row, set): (ours, scipy's)}, each (mean calls succeeded, failed, mean calls failed)."""
    all_searches = searches()
    print("\nmean calls per search (phi + phi'), over the searches that succeeded; failures apart (their number,")
    print("and in brackets their mean calls); 9 scalar + 18 line searches")
    print(f"{'method':26s} {'set':7s} {'ours':>6s} {'failed':<11s} {'scipy':>6s} {'failed':<11s} {'ours/scipy':>10s}")
    results = {}
    for label, ours, peer in ROWS:
        if quick and peer == "scipy wolfe1":
            continue
        for subset in ("scalar", "line", "all"):
            chosen = [s for s in all_searches if subset in ("all", s[0])]
            cells = []
            for method in (ours, peer):
                if method is not None:
                    cells.append(summary(*zip(*(run(method, *s) for s in chosen))))
            txt = [f"{m:6.2f} {n:<2d}" + (f" ({fm:4.1f})  " if n else " " * 9) for m, n, fm in cells]
            if len(cells) == 2:
                txt.append(f"{cells[0][0] / cells[1][0]:10.2f}")
            else:
                txt.append(f"{'-':>6s} {'-':<11s} {'-':>10s}")
            print(f"{label:26s} {subset:7s} " + " ".join(txt))
            results[(label, subset)] = tuple(cells)
    return results


def main(argv=None):
    from experiments import _cli  # (on the path: benchmarks/_common.py adds the repository root)

    ap = _cli.parser(__doc__)
    ap.add_argument("--quick", action="store_true", help="skip the MINPACK peer (the counts do not change)")
    a = ap.parse_args(argv)
    header("benchmarks/linesearch.py")
    print(f"# scipy {scipy.__version__}")
    table(a.quick)


if __name__ == "__main__":
    main()
