"""Lecture notes 000, the table "GD vs zero-order GD", filled with measured numbers next to the theory.

A small measurement with ``zo.minimize``: GD with the exact gradient (AD, step 1/L, K iterations) and
two-point zero-order GD (sphere directions, step 1/(nL), nK iterations, mean over seeds) in n = 10 and
40, one problem per column of the lecture's table:

- smooth (nonconvex): distance-matrix recovery ``zo.problems.mds(n/2, 2)``, min_i ||grad f(x_i)||^2;
  GD: min_i ||g_i||^2 <= 2 L (f0 - f*)/k; zero-order GD (E||G||^2 = n ||g||^2): 2 n L (f0 - f*)/k;
- smooth convex: ``zo.problems.nesterov(n)``, f(x_k) - f*; GD: <= L ||x0 - x*||^2 / (2k); the lecture:
  O(n/k) for zero-order GD;
- strongly convex: ``zo.problems.quadratic(n, mu=1, L=10)``, ||x_k - x*||^2, its contraction per
  iteration; GD: <= 1 - mu/L; zero-order GD: <= 1 - mu/(nL).

The slowdown is the ratio of the iterations the two methods need to reach the value GD has at K/2
(interpolated between checkpoints, every iteration for GD and every n-th for zero-order GD); the theory
is n for the sublinear rates and ln(1 - mu/L) / ln(1 - mu/(nL)) for the linear one. Histories measure
||grad f||^2 by AD at the checkpoints only, so "min_i" runs over the checkpoints.

On the quadratic the expectation of zero-order GD is known exactly (:func:`two_point_expected`): the
second moment of the error follows a linear recursion. Its curve, not only its asymptotic rate, is the
theory of the strongly convex row: the slowdown at a finite target includes the start, where the
estimator's noise slows zero-order GD more than the rate ratio says.
"""

from __future__ import annotations

import math

import numpy as np

import zeroopt as zo

from paper_figs._common import cached, figure, fmt_float, legend_outside, python_mode, sized, style

SETTINGS = ("smooth", "convex", "strongly convex")
QUANTITY = {"smooth": "min_i ‖grad f(x_i)‖^2", "convex": "f(x_k) - f*", "strongly convex": "‖x_k - x*‖^2"}


def _problem(setting, n):
    if setting == "smooth":
        p = zo.problems.mds(n // 2, 2, seed=0)
        return p, p.x0
    if setting == "convex":
        return zo.problems.nesterov(n), np.zeros(n)
    return zo.problems.quadratic(n, mu=1.0, L=10.0, seed=0), np.zeros(n)


def _quantity(setting, h, p):
    if setting == "smooth":
        return np.minimum.accumulate(h["grad_norm2"])
    if setting == "convex":
        return h["f"] - p.f_star
    return h["dist2"]


def iterations_to(k, q, target):
    """The first k where the (decreasing) curve q reaches target, log-interpolated between checkpoints."""
    i = int(np.argmax(q <= target))
    if q[i] > target:
        return math.nan
    if i == 0:
        return float(k[0])
    a, b = math.log(q[i - 1]), math.log(q[i])
    return float(k[i - 1] + (k[i] - k[i - 1]) * (a - math.log(target)) / (a - b))


def two_point_expected(A, e0, step, ks, coupling=True):
    """E||x_k - x*||^2 of gradient descent with the two-point sphere estimator (one direction, central
    differences) on f(x) = (x - x*)' A (x - x*)/2, exactly, at the iterations ``ks``.

    The estimate is G = n (v'A e) v, e = x - x*, v uniform on the unit sphere (exact on a quadratic). With
    E[vv'] = I/n and E[vv'Mvv'] = (2M + tr(M) I)/(n(n + 2)) for a symmetric M, the second moment
    S = E[ee'] follows S' = S - h(AS + SA) + h^2 n/(n + 2) (2ASA + tr(ASA) I). In the eigenbasis of A
    (eigenvalues lambda) its diagonal s evolves on its own:
    s' = (1 - 2h lambda + 2c lambda^2) s + c (lambda^2 . s) 1, c = h^2 n/(n + 2), and
    E||e_k||^2 = sum(s_k).

    Parameters
    ----------
    A : ndarray, shape (n, n)
        The symmetric Hessian.
    e0 : ndarray, shape (n,)
        The start's error x_0 - x*.
    step : float
        The step h.
    ks : array_like of int
        Non-decreasing iterations.
    coupling : bool
        False drops the term c (lambda^2 . s) 1 through which the noise of the estimate moves error from
        one eigen-direction into all others (to measure what that term costs).

    Returns
    -------
    ndarray
        E||x_k - x*||^2 at each k of ``ks``.

    Examples
    --------
    >>> two_point_expected(np.eye(1), np.array([1.0]), 0.5, [0, 1, 2]).tolist()   # n = 1: e' = e/2
    [1.0, 0.25, 0.0625]
    """
    lam, Q = np.linalg.eigh(np.asarray(A, dtype=float))
    n = len(lam)
    s = (Q.T @ np.asarray(e0, dtype=float)) ** 2
    c = step * step * n / (n + 2)
    keep, lam2 = 1 - 2 * step * lam + 2 * c * lam ** 2, lam ** 2
    out, k = [], 0
    for target in np.asarray(ks, dtype=int):
        for _ in range(target - k):
            s = keep * s + (c * (lam2 @ s) if coupling else 0.0)
        k = target
        out.append(s.sum())
    return np.array(out)


def table_data(dims=(10, 40), K=200, seeds=(0, 1, 2, 3, 4), jit=True):
    """The runs behind the table (``jit=False``: Python mode, no compilation)."""
    out = {"dims": np.array(dims), "K": K, "nseeds": len(seeds)}
    for s, setting in enumerate(SETTINGS):
        for n in dims:
            p, x0 = _problem(setting, n)
            p = python_mode(p, jit)
            measure = ("f", "grad_norm2", "dist2")
            g = zo.minimize(p, x0, zo.ExactAD(), step=1.0 / p.L, maxiter=K, record="all", measure=measure).history
            zs = [zo.minimize(p, x0, zo.TwoPoint(seed=seed), maxiter=n * K, record=n, measure=measure).history
                  for seed in seeds]
            qg = _quantity(setting, g, p)
            runs = np.array([_quantity(setting, z, p) for z in zs])
            key = f"{s}_{n}"
            out.update({f"kg_{key}": g["nit"], f"qg_{key}": qg, f"kz_{key}": zs[0]["nit"], f"qz_{key}": runs.mean(0),
                        f"qruns_{key}": runs})
            if setting == "strongly convex":   # the exact expectation of zero-order GD (step 1/(nL))
                for name, coupled in (("qe", True), ("qu", False)):
                    out[f"{name}_{key}"] = two_point_expected(p.args[0], x0 - p.x_star, 1.0 / (n * p.L), zs[0]["nit"],
                                                              coupling=coupled)
            f0 = p.value(x0, count=False)
            if setting == "smooth":
                bound = 2 * p.L * (f0 - p.f_star)
            elif setting == "convex":
                bound = p.L * np.sum((x0 - p.x_star) ** 2) / 2
            else:
                bound = 1 - p.mu / p.L
            out[f"bound_{key}"] = bound
            out[f"mu_L_{key}"] = p.mu / p.L if p.mu else math.nan
    return out


def _fit_rate(k, q):
    """exp(slope) of log q against k over the second half: the contraction per iteration."""
    h = len(k) // 2
    return float(np.exp(np.polyfit(k[h:], np.log(q[h:]), 1)[0]))


def rows(d):
    """The table: one row per setting and n, as (setting, quantity, n, GD cell, ZO cell, slowdown cell)
    strings, and the same numbers as dicts for the CSV."""
    K = int(d["K"])
    table, records = [], []
    for s, setting in enumerate(SETTINGS):
        for n in d["dims"]:
            key = f"{s}_{n}"
            kg, qg, kz, qz = d[f"kg_{key}"], d[f"qg_{key}"], d[f"kz_{key}"], d[f"qz_{key}"]
            bound = float(d[f"bound_{key}"])
            half = len(kg) // 2  # GD's value at k = K/2: a target zero-order GD reaches within n K
            k_gd = iterations_to(kg, qg, qg[half])
            slow = iterations_to(kz, qz, qg[half]) / k_gd
            seeds = [iterations_to(kz, q, qg[half]) / k_gd for q in d[f"qruns_{key}"]]
            slow_e = slow_u = math.nan
            if setting == "strongly convex":
                r = float(d[f"mu_L_{key}"])
                qe = d[f"qe_{key}"]
                gd, zo_, zo_e = _fit_rate(kg, qg), _fit_rate(kz, qz), _fit_rate(kz, qe)
                gd_th, zo_th = 1 - r, 1 - r / n
                slow_th = math.log(1 - r) / math.log(1 - r / n)
                slow_e = iterations_to(kz, qe, qg[half]) / k_gd
                slow_u = iterations_to(kz, d[f"qu_{key}"], qg[half]) / k_gd
                cells = (f"rate {gd:.4f} (<= {gd_th:.4f})", f"rate {zo_:.4f} (exact E: {zo_e:.4f}; <= {zo_th:.4f})")
            else:
                gd, zo_ = K * qg[-1], n * K * qz[-1]
                gd_th, zo_th, slow_th = bound, n * bound, float(n)
                what = "<=" if setting == "smooth" else "lecture's n/k:"
                cells = (f"k Q = {fmt_float(gd)} (<= {fmt_float(gd_th)})",
                         f"k Q = {fmt_float(zo_)} ({what} {fmt_float(zo_th)})")
            theory = f"{slow_th:.1f}" if math.isnan(slow_e) else f"rates {slow_th:.1f}; exact E {slow_e:.1f}"
            table.append((setting, QUANTITY[setting], str(n), *cells, f"{slow:.1f} ({theory})"))
            records.append(dict(setting=setting, quantity=QUANTITY[setting], n=int(n), gd_measured=gd,
                                gd_theory=gd_th, zo_measured=zo_, zo_theory=zo_th, slowdown_measured=slow,
                                slowdown_theory=slow_th, slowdown_expected=slow_e, slowdown_uncoupled=slow_u,
                                slowdown_seed_min=min(seeds),
                                slowdown_seed_max=max(seeds)))
    return table, records


HEADER = ("setting", "quantity Q", "n", "GD, step 1/L (theory)", "zero-order GD, step 1/(nL) (theory)",
          "slowdown (theory)")


def markdown(table, K):
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in table]
    note = (f"\nk Q is Q times the iteration count at the end (k = {K} for GD, k = {K} n for zero-order GD: "
            "the constant of the O(1/k) and O(n/k) rates); rate is the measured contraction of Q per "
            "iteration; slowdown is the ratio of the iterations each method needs to reach the Q GD has at k = K/2. "
            "In the strongly convex rows, rates is the ratio of the rates ln(1 - mu/L) / ln(1 - mu/(nL)) and "
            "exact E the slowdown of zero-order GD's exact expected curve (second-moment recursion) at the same "
            "target, start included.\n")
    return "\n".join(lines) + "\n" + note


def csv_text(records):
    keys = list(records[0])
    out = [",".join(keys)] + [",".join(str(r[k]) for k in keys) for r in records]
    return "\n".join(out) + "\n"


@figure("l000_gd_vs_zo_table", "000", "table", "the table GD vs zero-order GD, measured next to the theory")
def gd_vs_zo_table(quick=False):
    d = cached("l000_table", table_data, **sized(quick, {}, dict(K=60, seeds=(0, 1)),
                                                 dict(dims=(4, 6), K=30, seeds=(0, 1), jit=False)))
    table, records = rows(d)
    K = int(d["K"])
    with style() as plt:
        fig = plt.figure(figsize=(12, 6.8))
        top, bottom = fig.subfigures(2, 1, height_ratios=[1.3, 1])
        axes = top.subplots(1, 3)
        for s, (ax, setting) in enumerate(zip(axes, SETTINGS)):
            keys = [(j, n, f"{s}_{n}") for j, n in enumerate(d["dims"])]
            for j, n, key in keys:      # k = 0 has no place on a log axis
                kg = d[f"kg_{key}"]
                ax.plot(kg[kg > 0], d[f"qg_{key}"][kg > 0], "-", color=f"C{j}", lw=1.2, label=f"GD, n = {n}")
            for j, n, key in keys:
                kz = d[f"kz_{key}"]
                ax.plot(kz[kz > 0], d[f"qz_{key}"][kz > 0], "--", color=f"C{j}", lw=1.5,
                        label=f"zero-order GD, n = {n} (mean of {int(d['nseeds'])} seeds)")
            for j, n, key in keys:
                kg, kz = d[f"kg_{key}"], d[f"kz_{key}"]
                ax.plot(n * kg[kg > 0], d[f"qg_{key}"][kg > 0], ":", color="k", lw=1,
                        label="GD's curve stretched n times (the lecture's n/k)" if j == 0 else None)
                if f"qe_{key}" in d:
                    ax.plot(kz[kz > 0], d[f"qe_{key}"][kz > 0], "-.", color="k", lw=0.9, zorder=3,
                            label="zero-order GD's exact expectation (strongly convex)" if j == 0 else None)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"{setting}: {QUANTITY[setting]}")
            ax.set_xlabel("iteration k")
        legend_outside(top, "below", ncol=3)
        ax = bottom.subplots()
        ax.axis("off")
        tab = ax.table(cellText=[list(r) for r in table], colLabels=list(HEADER), loc="center", cellLoc="center")
        tab.auto_set_font_size(False)
        tab.set_fontsize(8.5)
        tab.scale(1, 1.35)
        tab.auto_set_column_width(list(range(len(HEADER))))
    return fig, caption(d, records), {"l000_gd_vs_zo_table.md": markdown(table, K),
                                      "l000_gd_vs_zo_table.csv": csv_text(records)}


def caption(d, records):
    """The figure's caption, its numbers taken from ``records`` (:func:`rows`) and the data ``d``."""
    K, nseeds = int(d["K"]), int(d["nseeds"])
    sub = [r for r in records if r["setting"] != "strongly convex"]
    near = ", ".join(f"{r['slowdown_measured']:.1f}" for r in sub)
    inside = all(r["gd_measured"] <= r["gd_theory"] for r in records) and \
        all(r["zo_measured"] <= r["zo_theory"] for r in records if r["setting"] != "convex")
    sc = [r for r in records if r["setting"] == "strongly convex"][-1]
    n = sc["n"]
    text = (f"Lecture 000, table 'GD vs zero-order GD' measured: GD (exact gradient, step 1/L, {K} iterations) "
            f"against two-point zero-order GD (sphere directions, step 1/(nL), {K} n iterations, mean of {nseeds} "
            f"seeds) in n = {' and '.join(str(int(v)) for v in d['dims'])} on a smooth nonconvex, a convex and a "
            "strongly convex problem; slowdown = the ratio of the iterations to reach GD's value at k = "
            f"{K // 2}. The zero-order curves follow GD's curve stretched n times (dotted), as O(n/k) says: "
            f"measured slowdowns {near} against n for the sublinear rows. ")
    text += (f"Strongly convex, n = {n}: {sc['slowdown_measured']:.1f} measured against {sc['slowdown_theory']:.1f}, "
             "the ratio of the rates ln(1 - mu/L)/ln(1 - mu/(nL)). The rates agree (the table's rate column), but "
             "the slowdown is taken at a finite target and zero-order GD starts slower: its noise moves error from "
             "the stiff directions into the slow one (the term h^2 n/(n + 2) tr(ASA) of its exact second-moment "
             f"recursion), so its curve runs above GD's stretched one. The exact expectation (dash-dot) needs "
             f"{sc['slowdown_expected']:.1f} times GD's iterations ({sc['slowdown_uncoupled']:.1f} without that term); "
             "single runs need "
             f"{sc['slowdown_seed_min']:.1f} to {sc['slowdown_seed_max']:.1f}, and a mean of {nseeds} runs lies below "
             "the expectation, which the slower runs dominate.")
    if inside:
        text += " Every measured value is inside its bound."
    return text
