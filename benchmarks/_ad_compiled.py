"""Section (f) of benchmarks/ad.py: the compiled gradient (zeroopt.ad.compiled, ExactAD(compiled=True))
against jax.jit(jax.grad), the problem's jitted objective, and its own compile time.

Every target of issue 20 is printed with its verdict:

* ours (``ExactAD(compiled=True)(problem, x)``, as a user calls it) <= jax.jit(jax.grad) at n = 10, 100,
  1000 for Rosenbrock, the dense quadratic and the logistic loss (500 samples); the raw compiled
  program (its entry point called from Python, no oracle) beside it;
* the compiled gradient / the jitted f <= 3 at n >= 100 (the raw program and the jitted objective, both
  called from Python);
* a GD run with exact gradients within 1.5x of (its gradient evaluations x the compiled gradient's time);
* the Hessian at n = 100 within 3x of jax.jit(jax.hessian);
* the compile time (record, generate, numba) against the recording's size, and what a new process
  (a loky worker) pays for its first gradient with numba's on-disk cache warm and cold.

jax runs with jax_enable_x64, on functions written against jax.numpy, called from Python on numpy inputs
with block_until_ready; all timings are medians of interleaved rounds in one process (ours, raw, jitted
f, jax).
"""

import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

import zeroopt as zo
from benchmarks._common import ROOT, interleaved

try:
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover - jax is in the bench extra
    jax = jnp = None


def _jax_functions():
    def rosenbrock(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    def quadratic(x, A, c):
        d = x - c
        return 0.5 * (d @ (A @ d))

    def logistic(x, A, y, reg):
        return jnp.mean(jnp.logaddexp(0.0, -y * (A @ x))) + 0.5 * reg * (x @ x)
    return {"rosenbrock": rosenbrock, "quadratic": quadratic, "logistic": logistic}


def problem(name, n):
    if name == "rosenbrock":
        return zo.problems.rosenbrock(n)
    if name == "quadratic":
        return zo.problems.quadratic(n, seed=0)
    return zo.problems.logistic(500, n, seed=0)


def _raw(p):
    """The compiled program's entry point for p, and a call of it (no oracle, no checks)."""
    d = zo.ad.compiler.shared(p.py_fun)
    ver = d._fast[3][0]
    out = np.empty(p.dim)
    return lambda x: ver.entry(x, _NO_V, p.args, ver.built.consts, out)


_NO_V = np.empty(0)


def _verdict(ok):
    return "MET" if ok else "NOT MET"


def gradients(dims=(10, 100, 1000), repeats=7):
    """Rows (objective, n, ours, raw, jitted f, jax) in seconds, printed with the two per-row targets."""
    print("\n(f) the compiled gradient: ExactAD(compiled=True)(problem, x) against jax.jit(jax.grad); raw = the "
          "compiled program called from Python; f = the problem's jitted objective (medians of interleaved rounds)")
    print(f"{'objective':10s} {'n':>5s} {'ours us':>8s} {'raw us':>8s} {'f us':>7s} {'jax us':>8s} {'ours/jax':>8s} "
          f"{'raw/jax':>8s} {'raw/f':>6s} {'ours/f':>6s}  targets: ours <= jax; raw/f <= 3 at n >= 100")
    jf = _jax_functions() if jax is not None else {}
    rows = []
    for name in ("rosenbrock", "quadratic", "logistic"):
        for n in dims:
            p = problem(name, n)
            x = np.random.default_rng(1).standard_normal(n) * 0.5
            o = zo.ExactAD(compiled=True)
            g = o(p, x)
            raw, f = _raw(p), p.compiled.fun
            funcs = {"ours": lambda: o(p, x), "raw": lambda: raw(x), "f": lambda: f(x, *p.args)}
            if jax is not None:
                jg = jax.jit(jax.grad(jf[name]))
                np.testing.assert_allclose(np.asarray(jg(x, *p.args)), g, rtol=1e-9, atol=1e-12)
                funcs["jax"] = lambda: jg(x, *p.args).block_until_ready()
            t = interleaved(funcs, repeats=repeats)
            tj = t.get("jax", float("nan"))
            rows.append(dict(objective=name, n=n, **t))
            checks = [_verdict(t["ours"] <= tj)] + ([_verdict(t["raw"] / t["f"] <= 3)] if n >= 100 else [])
            print(f"{name:10s} {n:5d} {t['ours'] * 1e6:8.2f} {t['raw'] * 1e6:8.2f} {t['f'] * 1e6:7.2f} {tj * 1e6:8.2f} "
                  f"{t['ours'] / tj:8.2f} {t['raw'] / tj:8.2f} {t['raw'] / t['f']:6.2f} {t['ours'] / t['f']:6.2f}  "
                  + ", ".join(checks), flush=True)
    return rows


def hessians(n=100, repeats=7):
    print(f"\n(f) the Hessian at n = {n}: zo.ad.compiled(fun, 'hessian') against jax.jit(jax.hessian); target <= 3x")
    jf = _jax_functions() if jax is not None else {}
    rows = []
    for name in ("rosenbrock", "quadratic", "logistic"):
        p = problem(name, n)
        x = np.random.default_rng(1).standard_normal(n) * 0.5
        H = zo.ad.compiled(p.py_fun, "hessian")
        Hx = H(x, *p.args)
        funcs = {"ours": lambda: H(x, *p.args)}
        if jax is not None:
            jh = jax.jit(jax.hessian(jf[name]))
            np.testing.assert_allclose(np.asarray(jh(x, *p.args)), Hx, rtol=1e-8, atol=1e-10)
            funcs["jax"] = lambda: jh(x, *p.args).block_until_ready()
        t = interleaved(funcs, repeats=repeats)
        tj = t.get("jax", float("nan"))
        rows.append(dict(objective=name, n=n, **t))
        print(f"{name:10s} ours {t['ours'] * 1e6:9.1f} us  jax {tj * 1e6:9.1f} us  ours/jax {t['ours'] / tj:6.2f}  "
              f"{_verdict(t['ours'] <= 3 * tj)}", flush=True)
    return rows


def gd_runs(n=100, iters=20000, repeats=5):
    """A GD run with exact compiled gradients against ngev x the raw gradient's time: inside the jitted
    loop (the default where it is available: jit=None) and on the Python path (jit=False) beside it."""
    print(f"\n(f) GD with exact compiled gradients, n = {n}, {iters} iterations: run time / (ngev x raw gradient "
          f"time), in the jitted loop and on the Python path; target <= 1.5 (the loop)")
    rows = []
    for name in ("rosenbrock", "quadratic", "logistic"):
        p = problem(name, n)
        x0 = np.random.default_rng(2).standard_normal(n) * 0.1 + (1.0 if name == "rosenbrock" else 0.0)
        step = 1e-4 if name == "rosenbrock" else None
        o = zo.ExactAD(compiled=True)
        res = zo.minimize(p, x0, o, method="gd", step=step, maxiter=iters, record="none", jit=True)
        py = zo.minimize(p, x0, o, method="gd", step=step, maxiter=iters, record="none", jit=False)
        assert np.array_equal(res.x, py.x) and res.ngev == py.ngev and res.nfev == py.nfev
        raw = _raw(p)
        t = interleaved({"run": lambda: zo.minimize(p, x0, o, method="gd", step=step, maxiter=iters, record="none",
                                                    jit=True),
                         "python": lambda: zo.minimize(p, x0, o, method="gd", step=step, maxiter=iters,
                                                       record="none", jit=False),
                         "grad": lambda: raw(x0)}, repeats=repeats, min_time=0.01)
        ratio, ratio_py = t["run"] / (res.ngev * t["grad"]), t["python"] / (res.ngev * t["grad"])
        rows.append(dict(objective=name, n=n, ngev=res.ngev, nfev=res.nfev, run=t["run"], python=t["python"],
                         grad=t["grad"], ratio=ratio, ratio_python=ratio_py))
        print(f"{name:10s} ngev {res.ngev:6d} nfev {res.nfev}  loop {t['run'] * 1e3:8.2f} ms  python "
              f"{t['python'] * 1e3:8.2f} ms  grad {t['grad'] * 1e6:7.2f} us  loop/(ngev grad) {ratio:5.2f}  "
              f"python/(ngev grad) {ratio_py:5.2f}  {_verdict(ratio <= 1.5)}  ({res.status.name})", flush=True)
    return rows


def _chain(k):
    """A function whose recording grows with k: k rounds of elementwise work on x."""
    src = "def f(x):\n    y = x\n" + "".join(f"    y = np.sin(y) * {1 + j / (k + 1)!r} + x * 0.5\n" for j in range(k)) \
        + "    return np.sum(y * y)\n"
    ns = {"np": np}
    exec(src, ns)
    return ns["f"]


def compile_times(sizes=(1, 3, 10, 30, 100)):
    """Record, build and numba compile seconds against the recording's size (fresh functions, fresh cache)."""
    from zeroopt.ad.compiler import build as _build
    print("\n(f) compile time against the size of the recording (chains of k rounds; a fresh on-disk cache)")
    print(f"{'k':>5s} {'nodes':>6s} {'lines':>6s} {'record s':>9s} {'compile s':>10s}")
    saved = _build.CACHE_DIR
    _build.CACHE_DIR = tempfile.mkdtemp(prefix="zoad_bench_")
    rows = []
    try:
        for k in sizes:
            f = _chain(k)
            c = zo.ad.compiled(f, "grad", node_limit=10 ** 6)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                t0 = time.perf_counter()
                c(np.linspace(-1, 1, 50))
                total = time.perf_counter() - t0
            v = c.versions()[0]
            rows.append(dict(k=k, nodes=v["nodes"], lines=v["statements"], record_s=v["record_s"], compile_s=v["compile_s"],
                             total_s=total))
            print(f"{k:5d} {v['nodes']:6d} {v['statements']:6d} {v['record_s']:9.3f} {v['compile_s']:10.2f}", flush=True)
    finally:
        _build.CACHE_DIR = saved
    return rows


_WORKER = """
import time, numpy as np
t0 = time.perf_counter()
import zeroopt as zo
p = zo.problems.{name}
x = np.full(p.dim, 0.3)
t1 = time.perf_counter()
zo.ExactAD(compiled=True)(p, x)
t2 = time.perf_counter()
zo.ExactAD(compiled=True)(p, x)
print(t1 - t0, t2 - t1)
"""


def worker_cost(repeats=2):
    """A fresh process's import time and first compiled gradient, with a cold and a warm on-disk cache."""
    print("\n(f) what a new process (a loky worker) pays: import zeroopt (and build the problem), then its first "
          "compiled gradient")
    cache = tempfile.mkdtemp(prefix="zoad_worker_")
    rows = []
    for name, call in (("rosenbrock", "rosenbrock(100)"), ("quadratic", "quadratic(100, seed=0)"),
                       ("logistic", "logistic(500, 100, seed=0)")):
        for state in ["cold"] + ["warm"] * repeats:
            env = dict(os.environ, ZEROOPT_AD_CACHE=cache)
            out = subprocess.run([sys.executable, "-c", _WORKER.format(name=call)], env=env, cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.split()
            imp, first = float(out[0]), float(out[1])
            rows.append(dict(objective=name, cache=state, import_s=imp, first_s=first))
            print(f"{name:10s} {state:5s} import {imp:6.2f} s  first gradient {first:6.2f} s", flush=True)
    return rows


def jax_compile_times():
    if jax is None:
        return []
    print("\n(f) jax's own compile time (first call of jax.jit(jax.grad)), for comparison")
    rows = []
    for name, f in _jax_functions().items():
        p = problem(name, 100)
        x = np.full(100, 0.3)
        g = jax.jit(jax.grad(f))
        t0 = time.perf_counter()
        g(x, *p.args).block_until_ready()
        rows.append((name, time.perf_counter() - t0))
        print(f"{name:10s} {rows[-1][1]:6.2f} s")
    return rows


def run(quick=False, repeats=None):
    """Every part of section (f)."""
    if jax is None:
        print("# jax is not installed (pip install -e '.[bench]'): the jax columns are NaN")
    r = repeats or (5 if quick else 9)
    out = dict(gradients=gradients(repeats=r), hessians=hessians(repeats=r),
               gd=gd_runs(iters=5000 if quick else 20000, repeats=3 if quick else 5))
    out["compile"] = compile_times((1, 3, 10, 30) if quick else (1, 3, 10, 30, 100))
    out["worker"] = worker_cost(1 if quick else 2)
    out["jax_compile"] = jax_compile_times()
    return out
