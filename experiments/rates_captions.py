"""The captions of the rate experiment's figures (used by experiments/rates_figures.py), computed from the
data they describe: every number in them is the data's or the theory's."""

from __future__ import annotations

import numpy as np

from experiments import rates_runs as runs
from experiments.rates_report import (EARLY_WINDOW, FLOOR_MARGIN, M_EQUALS_N, TARGETS, ns_forward_in_window, per_target,
                                      step_references)
from zeroopt import fits
from zeroopt import theory as zt

PREFIX = "Lecture 000, the table GD vs zero-order GD: "


def _sci(v):
    """A small number as the captions write it: 1e-08 -> '1e-8', 2.4e-05 -> '2.4e-5'.

    Examples
    --------
    >>> _sci(1e-08), _sci(2.4e-05), _sci(0.05)
    ('1e-8', '2.4e-5', '5e-2')
    """
    mant, exp = f"{v:.1e}".split("e")
    mant = mant.rstrip("0").rstrip(".")
    return f"{mant}e{int(exp)}"


def _dims(data, setting):
    return sorted({key[2] for key in data if key[0] == setting})


def _q16_note(data, setting):
    missing = [n for n in _dims(data, setting) if not any(k[0] == setting and k[2] == n and k[3] == "orthogonal-q16"
                                                          for k in data)]
    ran = any(k[0] == setting and k[3] == "orthogonal-q16" for k in data)
    if not ran or not missing:
        return ""
    return (f" orthogonal-q16 needs q = 16 <= n orthogonal directions: it is not run at n = "
            f"{', '.join(str(n) for n in missing)}.")


_STRONG = ("One panel per n. Solid and dashed: each method's mean over seeds, relative to its value at k = 0 (k >= 1 on "
           "log axes); methods with the same theory factor coincide (sphere, rademacher, coordinate: m = n), so the "
           "first of each family is a wide pale band with the others drawn on it. Dotted, in each method's colour: "
           "gd's curve with k multiplied by the method's predicted slowdown. ")
_COMMON = _STRONG + "Dash-dotted, in each method's colour: the method's own bound, "


def _ns_floor(data, setting, measure):
    floors, short = [], []
    for n in _dims(data, setting):
        if (setting, measure, n, "ns-forward") in data:
            _, f = runs.ns_forward_expected(setting, n)
            k, V, _ = data[(setting, measure, n, "ns-forward")]
            if measure in f:
                rel = f[measure] / np.mean(V[:, 0])
                reached = np.min(np.mean(V, axis=0)) / np.mean(V[:, 0]) <= 10 * rel   # the curve flattens on it
                (floors if reached else short).append((n, rel))
    if not floors and not short:
        return ""
    text = ("ns-forward (forward Gaussian differences, eps = 1e-4, Nesterov & Spokoiny's step 1/(4(n+4)L)) flattens "
            "where its O(eps) difference error (eps/2)(u'Au)u, not zero at x*, balances the contraction: the dotted "
            "horizontal line is that floor computed exactly in expectation")
    if floors:
        lo, hi = min(r for _, r in floors), max(r for _, r in floors)
        text += f", {_sci(lo)} to {_sci(hi)} of the start" if _sci(lo) != _sci(hi) else f", {_sci(lo)} of the start"
        if short:
            text += f" where the runs reach it (n = {', '.join(str(n) for n, _ in floors)})"
    if short:
        text += (f"; at n = {', '.join(str(n) for n, _ in short)} ns-forward's budget ends more than 10 times above "
                 "its floor")
    return text + ". "


def curves_caption(data, setting, measure):
    """The caption of rates_<setting>[_dist]_curves."""
    q16 = _q16_note(data, setting)
    if setting == "strongly_convex":
        text = (_STRONG + "Quadratic, mu = 1, L = 10: gd contracts like (1 - mu/L)^k, zero-order GD with the step 1/(mL) "
                "like (1 - mu/(mL))^k (lecture notes 000; these bounds hold with room: on its slowest direction a step "
                "of 1/L shrinks f - f* and ||x - x*||^2 by (1 - mu/L)^2, the square of the bound's factor), so the "
                "predicted slowdown is ln(1 - mu/L)/ln(1 - mu/(mL)), about 1.054 m; ns-forward's is Nesterov & "
                "Spokoiny's rate 1 - mu/(8(n+4)L), which it beats (see the slowdown figure). "
                + _ns_floor(data, setting, measure))
        if measure == "dist2":
            text += "The same runs as the f - f* figure, in the lecture's own quantity ||x_k - x*||^2."
        return PREFIX + text.rstrip() + q16
    if setting == "convex":
        budget = runs.SETTINGS["convex"]["budget"]
        knees = [(n, zt.nesterov_linear_after(n)) for n in _dims(data, setting)]
        inside = [f"{k:.0f} at n = {n}" for n, k in knees if k < budget]
        beyond = [n for n, k in knees if k >= budget]
        text = (_COMMON + "E f(x_k) - f* <= m L R^2/k, R = ||x_0 - x*|| (the math reference's bound for the step "
                "1/(mL); m = 1 for gd; ns-forward: R^2 (1 + amL/(2 - amL))/(2ak) for its step a = 1/(4(n+4)L), "
                "m = n + 2): the lecture's O(n/k) with its constant. " + _ns_floor(data, setting, measure) +
                "Nesterov's worst-case function in R^n has smallest Hessian eigenvalue L sin^2(pi/(2(n+1))) > 0: in "
                "finite n it is strongly convex, so the curves follow O(1/k) only up to about k = 1/(2 sin^2(pi/(2(n+1)))) "
                "for gd")
        text += f" (vertical line: {', '.join(inside)})" if inside else ""
        text += " and converge linearly after"
        if beyond:
            text += (f"; from n = {beyond[0]} on that regime outlasts gd's budget of {budget} iterations, and in the "
                     f"{budget} iterations gd reaches {_reach(data, setting, beyond)} of its start")
        return PREFIX + text + "." + q16
    text = (_COMMON + "E min_{i<k} ||grad f(x_i)||^2 <= 2 m L (f_0 - f*)/k (m = 1 for gd; ns-forward: (f_0 - f*)/(k a "
            "(1 - amL/2)) for its step a = 1/(4(n+4)L), m = n + 2), with L the largest Hessian eigenvalue around the "
            "start. Distance-matrix recovery of n/2 points in the plane from a noisy start (lecture notes 000); the "
            "curves are the running minimum of ||grad f||^2, as the bound.")
    return PREFIX + text + q16


def _reach(data, setting, dims):
    """'about 1e-2' or '9.3e-3 to 1.2e-2': the smallest relative value gd reaches at the dims."""
    measure = runs.SETTINGS[setting]["measure"]
    ends = []
    for n in dims:
        if (setting, measure, n, "gd") in data:
            _, V, _ = data[(setting, measure, n, "gd")]
            ends.append(float(np.min(V[0]) / V[0, 0]))
    if not ends:
        return "?"
    lo, hi = min(ends), max(ends)
    return _sci(lo) if _sci(lo) == _sci(hi) else f"{_sci(lo)} to {_sci(hi)}"


def _gd_targets(data, setting):
    """{n: the smallest target of TARGETS gd reaches within its budget}."""
    measure = runs.SETTINGS[setting]["measure"]
    out = {}
    for n in _dims(data, setting):
        if (setting, measure, n, "gd") in data:
            k, V, _ = data[(setting, measure, n, "gd")]
            hit = np.isfinite(fits.crossings(k, V[0], TARGETS))
            out[n] = TARGETS[int(np.flatnonzero(hit).max())] if hit.any() else None
    return out


def _targets_text(data, setting):
    reached = _gd_targets(data, setting)
    groups = {}
    for n, t in reached.items():
        groups.setdefault(t, []).append(n)
    parts = []
    for t, ns in groups.items():
        where = f"n = {ns[0]}" if len(ns) == 1 else f"n = {ns[0]}...{ns[-1]}"
        span = "1e-1 only" if t is not None and _sci(t) == "1e-1" else f"1e-1 ... {_sci(t)}" if t is not None else "none"
        parts.append(f"{span} at {where}")
    return "; ".join(parts)


def slowdown_caption(summary, data, setting):
    """The caption of rates_<setting>_slowdown."""
    q16 = _q16_note(data, setting)
    spread = " Points are spread sideways by a few percent so that none hides another."
    if setting == "strongly_convex":
        floors, inside = [], []
        for n in _dims(data, setting):
            _, f = runs.ns_forward_expected(setting, n)
            floors += [f[m] / np.mean(data[(setting, m, n, "ns-forward")][1][:, 0]) for m in f
                       if (setting, m, n, "ns-forward") in data]
            for r in summary:
                if r["setting"] == setting and r["n"] == n and r["method"] == "ns-forward":
                    gd, ns = data[(setting, r["measure"], n, "gd")], data[(setting, r["measure"], n, "ns-forward")]
                    inside.append(r["measured"] / ns_forward_in_window(r["measure"], n, ns[0], gd[0], gd[1][0]))
        text = ("Measured: the ratio of gd's fitted log-contraction rate to the method's (on the mean over seeds, between "
                "1e-5 and 1e-16 of the start). Theory: ln(1 - mu/L) / ln(1 - mu/(mL)), about 1.054 m at L/mu = 10.")
        if inside:
            text += (" ns-forward runs Nesterov & Spokoiny's own step 1/(4(n+4)L). Solid: their worst-case bound "
                     "1 - mu/(8(n+4)L); dashed: its exact expected rate on this quadratic (the spectral radius of the "
                     "second-moment recursion, zeroopt.theory.forward_gaussian_rate), about twice as fast. Both are "
                     "asymptotic rates, and the runs never reach the asymptote: they stall on the forward-difference "
                     f"floor, {_sci(min(floors))} to {_sci(max(floors))} of the start, so ns-forward and gd are fitted over "
                     f"{_sci(EARLY_WINDOW[0])} down to {FLOOR_MARGIN:g} x the floor, where gd's rate still includes its fast "
                     "start and ns-forward's its faster modes. Dotted: the exact expectation fitted over that same window, "
                     f"the theory the points measure: they lie at {min(inside):.2f} to {max(inside):.2f} times it.")
        return PREFIX + text + spread + q16
    measure = runs.SETTINGS[setting]["measure"]
    ratios = per_target(data, setting)
    what = "" if setting == "convex" else " for min ||grad f||^2"
    text = (f"Measured: iterations{what} to reach each target 1e-1, 1e-2, 1e-3, 1e-4 of its start, relative to gd, "
            "geometric mean over the targets gd reaches within its budget of "
            f"{runs.SETTINGS[setting]['budget']} iterations ({_targets_text(data, setting)}) and over seeds. Theory: m, "
            "the ratio of the steps 1/L and 1/(mL) (the O(1/k) bounds scale with 1/step); ns-forward: 4(n+4), the ratio "
            "of its step to gd's. Right: the measured slowdown over its theory at each target (geometric mean over the "
            "methods and seeds).")
    big = [n for n in ratios if n >= 20]
    if setting == "convex":
        vals = np.concatenate([ratios[n][np.isfinite(ratios[n])] for n in ratios]) if ratios else np.array([])
        if vals.size:
            text += f" It is {vals.min():.2f} to {vals.max():.2f}: the theory holds at every target."
        return PREFIX + text + spread + q16
    rows = [r for r in summary if r["setting"] == setting and r["n"] >= 20 and r["theory"]]
    if rows and big:
        rel = np.array([r["measured"] / r["theory"] for r in rows])
        first = np.array([ratios[n][0] for n in big])
        last = np.array([ratios[n][-1] for n in big if np.isfinite(ratios[n][-1])])
        k_first = [fits.crossings(data[(setting, measure, n, "gd")][0], data[(setting, measure, n, "gd")][1][0],
                                  TARGETS[:1])[0] for n in big]
        text += (f" For n >= 20 the measured slowdowns lie {rel.min():.2f} to {rel.max():.2f} times the theory. The right "
                 f"panel finds the excess at the first targets: {first.min():.2f} to {first.max():.2f} at 1e-1, which gd "
                 f"reaches in {min(k_first):.1f} to {max(k_first):.1f} iterations")
        if last.size:
            text += f", {last.min():.2f} to {last.max():.2f} at 1e-4"
        text += (". Much of it is the theory's: m equates one step of 1/L with m steps of 1/(mL), but along a direction "
                 "of curvature lambda the one step shrinks the gradient by 1 - lambda/L and the m steps by about "
                 "exp(-lambda/L), less unless lambda << L (the effect that puts the strongly convex theory at 1.054 m "
                 "for lambda = mu = L/10); gd's first steps from the noisy start act on such stiff directions, later "
                 "targets (and the convex setting's, hundreds of iterations in) on the flat ones.")
        fam, ref = per_target(data, setting, M_EQUALS_N), step_references(data, setting)
        both = [n for n in big if n in fam and n in ref]
        if both:
            zo1 = np.array([fam[n][0] for n in both])
            gd1 = np.array([ref[n][0] for n in both])
            text += (f" Open squares: gd itself, with exact gradients and the step 1/(nL), needs {gd1.min():.2f} to "
                     f"{gd1.max():.2f} times n to reach 1e-1, where the one-direction methods (m = n: "
                     f"{', '.join(M_EQUALS_N)}) need {zo1.min():.2f} to {zo1.max():.2f} times n; the difference, at the "
                     "same step, is the estimators' randomness.")
    return PREFIX + text + spread + q16


__all__ = ["curves_caption", "slowdown_caption"]
