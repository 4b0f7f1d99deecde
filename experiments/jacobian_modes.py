"""Jacobian time, forward vs reverse mode, for f(x) = A x (lecture notes 001, Figures 34-36).

Forward mode builds the Jacobian column by column, one JVP (a pass of f carrying a tangent) per input:
n passes. Reverse mode records f once and builds it row by row, one VJP (a backward pass over the tape)
per output: m passes. Counting passes, they cross at m = n (the lecture's Figure 35). In time, a pass
is not free of m: each JVP or VJP of A x is a product with A, O(mn) flops, on top of a fixed overhead
(building the traced values). So

    T_forward(m) = n t_jvp(m),    T_reverse(m) = t_record(m) + m t_vjp(m),

with t_jvp and t_vjp measured per pass here: forward time grows with m once the product outweighs the
overhead, and the curves cross at m* = n t_jvp / t_vjp, not at m = n, because a JVP pass (rerunning f on
traced values) costs more than a VJP pass (walking a recorded tape). The first figure shows the measured
times, this model drawn from the per-pass times, and the pass counts; the second ("which mode?",
Figures 34 and 36) the measured time ratio over a grid of (n, m).

    python -m experiments.jacobian_modes [--quick] [--rounds R] [--out results/jacobian_modes] [--figs paper_figs]

--rounds is the number of interleaved timing rounds (the fastest is reported); timing runs serially (no
--jobs). Writes jacobian_modes.csv (m,
forward_s, reverse_s, jvp_s, vjp_s, record_s) and jacobian_grid.csv (n, m, forward_s, reverse_s) under
--out, with jacobian_config.json (the sizes and rounds they were measured with), and jacobian_modes and
jacobian_which_mode (.png/.pdf/.txt) under --figs. A rerun with the same sizes and rounds redraws from the
timings already in --out instead of measuring again (measuring takes minutes, and timings differ from run
to run); --remeasure measures again. Timings depend on the
machine and its load; the figures state the machine-independent part (the pass counts) separately.
"""

import csv
import json
import os
import time

import numpy as np

import zeroopt as zo
from experiments import _cli
from experiments._figures import legend_outside, save_figure, style
from experiments._registry import experiment

EXPERIMENT = experiment("jacobian_modes", __spec__.name, [
    ("jacobian_modes", "001", "35", "Jacobian of Ax by forward and reverse mode: time against m, per-pass model"),
    ("jacobian_which_mode", "001", "34, 36", "which mode? forward / reverse time over a grid of (n, m)")])


def linear(x, A):
    """f(x) = A x."""
    return A @ x


def _time(fn, calls=1):
    """Seconds per call of ``fn()``, averaged over ``calls`` consecutive calls."""
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls


def measure(ms, n=100, repeats=5, seed=0, passes=True):
    """[(m, forward s, reverse s, one JVP s, one VJP s, recording s)]: the fastest of ``repeats`` rounds;
    each round times every m once (forward and reverse alternately, then the single passes, each
    averaged over 5 calls). Load from other processes only ever slows a timing down, so on a shared
    machine the fastest round estimates the cost of the computation itself (timeit's convention); the
    rounds are interleaved across m so that a burst of load cannot bias one m. ``passes=False`` skips
    the per-pass timings (NaN)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    jf, jr = zo.jacobian(linear, mode="fwd"), zo.jacobian(linear, mode="rev")
    e = np.eye(1, n, 0).ravel()
    cases = []
    for m in ms:
        A = rng.standard_normal((m, n))
        assert np.allclose(jf(x, A), A) and np.allclose(jr(x, A), A)
        cases.append((m, A, zo.vjp(linear, x, A)[1], np.eye(1, m, 0).ravel()))
    samples = np.full((repeats, len(ms), 5), np.nan)
    for r in range(repeats):
        for i, (m, A, vjp_fn, g) in enumerate(cases):
            samples[r, i, 0] = _time(lambda: jf(x, A))
            samples[r, i, 1] = _time(lambda: jr(x, A))
            if passes:
                samples[r, i, 2] = _time(lambda: zo.jvp(linear, x, e, A), 5)
                samples[r, i, 3] = _time(lambda: vjp_fn(g), 5)
                samples[r, i, 4] = _time(lambda: zo.vjp(linear, x, A), 5)
    best = np.min(samples, axis=0)
    return [(m, *map(float, row)) for m, row in zip(ms, best)]


def crossing(ms, a, b):
    """The m where log a(m) - log b(m) changes sign (log-log interpolation), or NaN."""
    ms, d = np.log(np.asarray(ms, float)), np.log(np.asarray(a)) - np.log(np.asarray(b))
    for i in range(len(ms) - 1):
        if d[i] > 0 >= d[i + 1] or d[i] < 0 <= d[i + 1]:
            return float(np.exp(ms[i] - d[i] * (ms[i + 1] - ms[i]) / (d[i + 1] - d[i])))
    return float("nan")


def _ms_ticks(ax):
    """Label the log y axis in milliseconds at 1, 2, 5 per decade."""
    import matplotlib.ticker as mt

    ax.yaxis.set_major_locator(mt.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(mt.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(mt.NullFormatter())


def figure(rows, figs, n=100):
    ms, tf, tr, tj, tv, trec = (np.array(c, dtype=float) for c in zip(*rows))
    model_f, model_r = n * tj, trec + ms * tv
    m_meas, m_model = crossing(ms, tf, tr), crossing(ms, model_f, model_r)
    with style() as plt:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4.0), width_ratios=[1.3, 1])
        ax.loglog(ms, 1e3 * tf, "o", color="C0", label=f"forward mode, measured (n = {n} JVPs)")
        ax.loglog(ms, 1e3 * tr, "s", color="C1", label="reverse mode, measured (m VJPs)")
        ax.loglog(ms, 1e3 * model_f, "-", color="C0", lw=1, label="model n t_jvp(m)")
        ax.loglog(ms, 1e3 * model_r, "-", color="C1", lw=1, label="model t_record(m) + m t_vjp(m)")
        ax.axvline(n, color="0.5", ls="--", lw=1, label="m = n (equal pass counts)")
        if np.isfinite(m_meas):
            ax.axvline(m_meas, color="C3", ls=":", lw=1.2, label=f"measured crossing m = {m_meas:.0f}")
        ax.set_xlabel("output dimension m")
        ax.set_ylabel("time for the Jacobian, ms")
        ax.set_title(f"Jacobian of f(x) = Ax, n = {n}: time")
        _ms_ticks(ax)
        ax2.loglog(ms, 1e6 * tj, "o-", color="C0", label="one JVP pass (forward)")
        ax2.loglog(ms, 1e6 * tv, "s-", color="C1", label="one VJP pass (reverse)")
        ax2.loglog(ms, 1e6 * trec, "^-", color="C2", label="recording the tape (reverse, once)")
        ax2.set_xlabel("output dimension m")
        ax2.set_ylabel("time per pass, microseconds")
        ax2.set_title("why: a pass costs overhead + O(mn) flops")
        _ms_ticks(ax2)
        legend_outside(fig, "below", ncol=3)
    ratio = np.median(tj[ms <= n] / tv[ms <= n])
    caption = (f"Lecture 001, Figure 35: the Jacobian of f(x) = Ax (n = {n}) by forward mode (n JVPs) and reverse "
               f"mode (m VJPs). Equal pass counts would cross at m = n; the measured times cross at m = "
               f"{m_meas:.0f} (the per-pass model: {m_model:.0f}) because one JVP pass costs {ratio:.1f}x one VJP "
               f"pass at small m (right), so the crossing sits near {ratio:.1f} n. Forward time is flat only "
               f"while the fixed overhead of a pass dominates: each pass multiplies by A (O(mn) flops), so it "
               f"grows with m ({tf[-1] / tf[0]:.1f}x from m = {ms[0]:.0f} to {ms[-1]:.0f}), and reverse time "
               f"grows like m^2 n. Timings: the fastest of interleaved rounds, one run on a shared machine.")
    return save_figure(fig, figs, "jacobian_modes", caption=caption)


def measure_grid(sizes, repeats=3, seed=0):
    """[(n, m, forward s, reverse s)] over sizes x sizes (no per-pass timings)."""
    out = []
    for n in sizes:
        out += [(n, *row[:3]) for row in measure(sizes, n=n, repeats=repeats, seed=seed, passes=False)]
    return out


def figure_grid(grid, figs):
    ns, ms = sorted({r[0] for r in grid}), sorted({r[1] for r in grid})
    R = np.full((len(ns), len(ms)), np.nan)
    for n, m, tf, tr in grid:
        R[ns.index(n), ms.index(m)] = tf / tr
    with style() as plt:
        import matplotlib.ticker as mt

        fig, ax = plt.subplots(figsize=(5.6, 4.4))
        lim = np.nanmax(np.abs(np.log10(R)))
        im = ax.imshow(np.log10(R), origin="lower", cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
        for i in range(len(ns)):
            for j in range(len(ms)):
                dark = abs(np.log10(R[i, j])) > 0.55 * lim
                ax.text(j, i, f"{R[i, j]:.2g}", ha="center", va="center", fontsize=8, color="w" if dark else "k")
                if ns[i] == ms[j]:
                    ax.add_patch(plt.Rectangle((j - 0.48, i - 0.48), 0.96, 0.96, fill=False, ec="k", lw=1.2,
                                               label="m = n" if i == 0 else None))
        ax.set_xticks(range(len(ms)), [str(m) for m in ms])
        ax.set_yticks(range(len(ns)), [str(n) for n in ns])
        ax.set_xlabel("outputs m")
        ax.set_ylabel("inputs n")
        ax.set_title("forward time / reverse time, Jacobian of Ax")
        ax.grid(False)
        cb = fig.colorbar(im, ax=ax, label="log10(forward / reverse): red = use reverse")
        cb.ax.yaxis.set_major_formatter(mt.FormatStrFormatter("%.1f"))
        legend_outside(fig, "below")
    caption = ("Lecture 001, Figures 34 and 36 (which mode?): the measured time of the forward-mode Jacobian over "
               "the reverse-mode one for f(x) = Ax over a grid of inputs n and outputs m. Below the diagonal (few "
               "inputs, many outputs: Figure 34) forward mode wins, above it reverse mode; the boundary follows "
               "m = n up to the constant ratio of a JVP pass to a VJP pass. For a general graph (Figure 36) the "
               "answer depends on its structure as well as on n and m.")
    return save_figure(fig, figs, "jacobian_which_mode", caption=caption)


_MODES_HEADER = ["m", "forward_s", "reverse_s", "jvp_s", "vjp_s", "record_s"]
_GRID_HEADER = ["n", "m", "forward_s", "reverse_s"]


def _write(out, config, rows, grid):
    """Write the timings and the configuration they were measured with (the configuration last)."""
    os.makedirs(out, exist_ok=True)
    for name, header, data in (("jacobian_modes.csv", _MODES_HEADER, rows),
                               ("jacobian_grid.csv", _GRID_HEADER, grid)):
        with open(os.path.join(out, name), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(data)
    with open(os.path.join(out, "jacobian_config.json"), "w") as fh:
        json.dump(config, fh)


def _read(out, config):
    """The timings in ``out`` if they were measured with ``config`` and are whole, else None."""
    try:
        with open(os.path.join(out, "jacobian_config.json")) as fh:
            if json.load(fh) != config:
                return None
        tables = []
        for name, header, kinds in (("jacobian_modes.csv", _MODES_HEADER, (int,) + (float,) * 5),
                                    ("jacobian_grid.csv", _GRID_HEADER, (int, int, float, float))):
            with open(os.path.join(out, name), newline="") as fh:
                r = csv.reader(fh)
                if next(r) != header:
                    return None
                tables.append([tuple(k(v) for k, v in zip(kinds, row, strict=True)) for row in r])
    except (OSError, ValueError, StopIteration, json.JSONDecodeError):
        return None
    rows, grid = tables
    if [r[0] for r in rows] != config["ms"] or len(grid) != len(config["sizes"]) ** 2:
        return None
    return rows, grid


def main(argv=None):
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, out=os.path.join("results", "jacobian_modes"), figs=True,
                    quick="fewer output sizes and a smaller grid")
    ap.add_argument("--rounds", type=_cli.int_range(1, 100), default=5,
                    help="timing rounds per point, interleaved; the fastest is reported (default 5)")
    ap.add_argument("--remeasure", action="store_true",
                    help="measure again even if --out holds timings taken with the same sizes and rounds")
    a = _cli.parse(ap, argv)  # timings run serially: it takes no --jobs
    ms = [10, 30, 100, 300, 1000] if a.quick else [10, 20, 50, 100, 150, 200, 300, 500, 1000, 2000]
    sizes = [10, 30, 100] if a.quick else [10, 30, 100, 300, 1000]
    config = {"ms": ms, "sizes": sizes, "rounds": a.rounds, "n": 100}
    kept = None if a.remeasure else _read(a.out, config)
    if kept is not None:
        rows, grid = kept
        print(f"timings from {a.out} (measured with the same sizes and rounds; --remeasure measures again)")
    else:
        rows = measure(ms, repeats=a.rounds)
        grid = measure_grid(sizes, repeats=a.rounds)
        _write(a.out, config, rows, grid)
    print(f"{'m':>6s} {'forward s':>11s} {'reverse s':>11s} {'fwd/rev':>8s} {'jvp/vjp':>8s}")
    for m, f, r, tj, tv, _ in rows:
        print(f"{m:6d} {f:11.2e} {r:11.2e} {f / r:8.2f} {tj / tv:8.2f}")
    if a.figs is not None:
        print("figure:", figure(rows, a.figs)[0])
        print("figure:", figure_grid(grid, a.figs)[0])


if __name__ == "__main__":
    main()
