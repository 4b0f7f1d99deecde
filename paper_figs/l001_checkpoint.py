"""Lecture notes 001 (Line search. Matrix calculus. Automatic differentiation) says reverse mode stores
every intermediate value of the forward pass, and that gradient checkpointing trades recomputation for
that memory: the figure of the tape's peak memory against depth, with and without checkpoints
(zeroopt.ad.checkpoint, s = sqrt(n) segments), with the model a s + c n / s + d fitted to the
measurement of ``benchmarks/ad.py`` (section (e), ``checkpoint_memory()``).

    python -m paper_figs.l001_checkpoint [--figs paper_figs] [--quick]

The measured rows are kept in the figures' data cache (results/paper_figs/cache/, or make_all's --cache;
one file per size and code version), so a rerun that changes only the drawing takes a second.
"""

from __future__ import annotations

import os

import numpy as np

from paper_figs import _common
from paper_figs import _graphs as gr
from paper_figs._common import figure, figures_of
from zeroopt.taskfiles import write_atomic

ROOT = _common.ROOT

#: the measurement's sizes: full figure, make_all --quick, and the tests ("tiny")
CHECKPOINT_SIZES = {False: dict(depths=(100, 250, 500, 1000, 2000, 4000), sweep_depth=1000,
                                sweep=(1, 2, 5, 10, 20, 32, 50, 100, 200, 500, 1000)),
                    True: dict(depths=(100, 400, 1600), sweep_depth=1000, sweep=(1, 5, 10, 32, 100, 1000)),
                    "tiny": dict(depths=(10, 20, 40), sweep_depth=40, sweep=(1, 2, 5, 10, 40))}
#: where the measured rows are kept; None: the figures' data cache, paper_figs._common.CACHE_DIR (git-ignored)
RESULTS = None


def bench_ad():
    """``benchmarks/ad.py``, the module :mod:`benchmarks.ad`.

    Returns
    -------
    module
        With ``checkpoint_memory()``, the measurement this figure draws.
    """
    import importlib

    return importlib.import_module("benchmarks.ad")


def _code_version():
    """A hash of what the measurement depends on: benchmarks/ad.py and the zeroopt.ad package."""
    import hashlib

    h = hashlib.sha1()
    ad_dir = os.path.join(ROOT, "zeroopt", "ad")
    for path in [os.path.join(ROOT, "benchmarks", "ad.py")] + sorted(os.path.join(ad_dir, f) for f in os.listdir(ad_dir)
                                                                     if f.endswith(".py")):
        with open(path, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:12]


def checkpoint_rows(quick=False, results=None):
    """The measurement of ``benchmarks/ad.py``'s ``checkpoint_memory()``, run once per size and code
    version and kept in ``<results>/checkpoint_memory_<size>.json``.

    Parameters
    ----------
    quick : {False, True, "tiny"}
        The size, :data:`CHECKPOINT_SIZES` (full: about 9 s on one core; "tiny": 0.1 s).
    results : str, optional
        The directory of the kept rows (default :data:`RESULTS`, else the figures' data cache).

    Returns
    -------
    rows : list of dict
        depth, segments (0: none), schedule ("none", "sqrt", "sweep"), peak_bytes (tracemalloc's peak of
        one gradient) and model_bytes (the fitted model at that row).
    fit : dict
        per_segment a, per_layer c and constant d of the model a s + c n / s + d, least squares on the
        checkpointed rows.
    """
    import json
    import time

    results = (RESULTS or _common.CACHE_DIR) if results is None else results
    params = CHECKPOINT_SIZES[quick]
    key = {"params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}, "code": _code_version()}
    path = os.path.join(results, f"checkpoint_memory_{ {False: 'full', True: 'quick'}.get(quick, quick) }.json")
    if os.path.exists(path):
        with open(path) as fh:
            kept = json.load(fh)
        if kept["key"] == key:
            return kept["rows"], kept["fit"]
    t0 = time.perf_counter()
    rows, fit = bench_ad().checkpoint_memory(**params)
    _common.COMPUTE_SECONDS[0] += time.perf_counter() - t0   # make_all's "from scratch" time
    rows = [{k: (float(v) if k == "model_bytes" else v) for k, v in r.items()} for r in rows]
    fit = {k: float(v) for k, v in fit.items()}
    write_atomic(path, json.dumps({"key": key, "rows": rows, "fit": fit}, indent=1))
    return rows, fit


def checkpoint_model(fit, depth, segments):
    """The model of the tape's peak: a s + c n / s + d bytes for s checkpointed segments of a chain of n
    layers (s segment inputs kept, plus one segment's n / s layers while it is recomputed), and c n + d
    without checkpoints (s = 0). With s = sqrt(n) it is (a + c) sqrt(n) + d: O(sqrt(n)) instead of O(n)
    (Chen et al. 2016, "Training deep nets with sublinear memory cost").

    Parameters
    ----------
    fit : dict
        per_segment, per_layer, constant (from :func:`checkpoint_rows`).
    depth, segments : array_like
        n and s, broadcast together.

    Returns
    -------
    ndarray
        Bytes.

    Examples
    --------
    >>> fit = dict(per_segment=1000.0, per_layer=4000.0, constant=5000.0)
    >>> checkpoint_model(fit, [100, 100], [0, 10]).tolist()
    [405000.0, 55000.0]
    """
    depth, segments = np.asarray(depth, dtype=float), np.asarray(segments, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ck = fit["per_segment"] * segments + fit["per_layer"] * depth / segments + fit["constant"]
    return np.where(segments > 0, ck, fit["per_layer"] * depth + fit["constant"])


def _checkpoint_panels(a1, a2, rows, fit, kb=1e-3):
    """Left: peak against depth (none, sqrt), right: peak against segments at one depth; the model on both."""
    for sched, mark, color, lab in (("none", "o", "C0", "no checkpoints"), ("sqrt", "s", "C1", r"$s = \sqrt{n}$ segments")):
        r = [x for x in rows if x["schedule"] == sched]
        n = np.array([x["depth"] for x in r])
        a1.plot(n, [x["peak_bytes"] * kb for x in r], mark, color=color, label=f"measured, {lab}")
        nn = np.geomspace(n.min(), n.max(), 100)
        ss = 0 * nn if sched == "none" else np.round(np.sqrt(nn))
        theory = "c n + d: O(n)" if sched == "none" else r"$a s + c n/s + d$, $s = \sqrt{n}$: O($\sqrt{n}$)"
        a1.plot(nn, checkpoint_model(fit, nn, ss) * kb, "--", color=color, lw=1, label=f"model {theory}")
    a1.set(xscale="log", yscale="log", xlabel="depth n (tanh layers of width 100)", ylabel="peak memory of one gradient, kB",
           title="tape memory against depth")
    sw = [x for x in rows if x["schedule"] == "sweep"]
    n0 = sw[0]["depth"]
    s = np.array([x["segments"] for x in sw])
    a2.plot(s, [x["peak_bytes"] * kb for x in sw], "D", color="C2", label=f"measured, n = {n0}")
    sg = np.geomspace(s.min(), s.max(), 200)
    a2.plot(sg, checkpoint_model(fit, n0, sg) * kb, "--", color="C2", lw=1, label=r"model $a s + c n/s + d$")
    s_star = np.sqrt(fit["per_layer"] * n0 / fit["per_segment"])
    a2.axvline(s_star, color="0.4", ls=":", lw=1, label=rf"model's best $s^* = \sqrt{{c n / a}}$ = {s_star:.0f}")
    a2.set(xscale="log", yscale="log", xlabel="segments s", ylabel="peak memory, kB", title=f"segments at depth n = {n0}")
    for ax in (a1, a2):
        ax.grid(True, which="major", alpha=0.3)


def _nice(v, down):
    """The 1-2-5 number at or below (``down``) or at or above ``v`` > 0."""
    e = np.floor(np.log10(v))
    steps = np.array([1.0, 2.0, 5.0, 10.0]) * 10 ** e
    return float(steps[steps <= v * (1 + 1e-12)].max() if down else steps[steps >= v * (1 - 1e-12)].min())


@figure("l001_ad_checkpoint_memory", "001", "- (reverse mode's memory)",
        "peak tape memory against depth, with and without sqrt(n) checkpoints, with the model")
def checkpoint_figure(quick=False, results=None):
    """Peak tape memory of one gradient against depth, with and without sqrt(n) checkpoints, and against
    the number of segments at one depth; the fitted model a s + c n / s + d drawn on both.

    Parameters
    ----------
    quick : {False, True, "tiny"}
        The size of the measurement (:data:`CHECKPOINT_SIZES`).
    results : str, optional
        Where the measured rows are kept (default :data:`RESULTS`).

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees.
    """
    rows, fit = checkpoint_rows(quick, results)
    plt = gr.pyplot()
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    with plt.rc_context({"font.size": 9, "axes.titlesize": 9.5, "legend.fontsize": 8.5, "xtick.labelsize": 9,
                         "ytick.labelsize": 9}):
        fig, axes = plt.subplots(2, 2, figsize=(7.4, 4.3), height_ratios=[1, 0.3])
        gs = axes[1, 0].get_gridspec()
        for ax in axes[1]:
            ax.remove()
        a1, a2 = axes[0]
        _checkpoint_panels(a1, a2, rows, fit)
        handles, labels = [], []
        for ax in (a1, a2):
            h, lab = ax.get_legend_handles_labels()
            handles, labels = handles + h, labels + lab
        leg_ax = fig.add_subplot(gs[1, :])
        leg_ax.axis("off")
        leg_ax.legend(handles, labels, loc="center", ncol=2, frameon=False)
        for ax in (a1, a2):     # 1-2-5 ticks (1-3 on the wide segment axis), labelled as plain numbers
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_locator(LogLocator(base=10, subs=(1.0, 3.0) if axis is a2.xaxis else (1.0, 2.0, 5.0)))
                axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
                axis.set_minor_formatter(NullFormatter())
        depths = sorted({x["depth"] for x in rows if x["schedule"] != "sweep"})
        a1.set_xticks(depths, [str(v) for v in depths])     # every measured depth labelled
        for ax in (a1, a2):     # the y range out to the 1-2-5 ticks around the data: every point under a label
            lo, hi = ax.get_ylim()
            ax.set_ylim(_nice(lo, down=True), _nice(hi, down=False))

    caption = ("Lecture 001, reverse mode's memory (no figure number): reverse mode stores every intermediate value, "
               "gradient checkpointing (zeroopt.ad.checkpoint) recomputes them instead. "
               "Peak memory of one gradient of a chain of n layers x -> tanh(W x + b), width 100, measured with tracemalloc "
               "(benchmarks/ad.py). Left: without checkpoints the tape grows linearly with n; with round(sqrt(n)) "
               "checkpointed segments it grows like sqrt(n). Right: at one depth, too few segments keep long segments, "
               "too many keep many segment inputs; the minimum sits near s* = sqrt(c n / a). Dashed: the model "
               f"a s + c n / s + d fitted to the checkpointed runs (c = {fit['per_layer']:.0f} B per layer, "
               f"a = {fit['per_segment']:.0f} B per segment, d = {fit['constant'] / 1e3:.0f} kB); the no-checkpoint line "
               "c n + d is a prediction from that fit, not fitted to its points.")
    return fig, caption


#: this module's figures, as registered (its command line and the tests use them)
FIGURES = figures_of(__name__)


def main(argv=None):
    """``python -m paper_figs.l001_checkpoint [--figs DIR] [--quick]`` (see :func:`paper_figs._graphs.main`)."""
    gr.main(argv, FIGURES, __doc__, __spec__.name)


if __name__ == "__main__":
    main()
