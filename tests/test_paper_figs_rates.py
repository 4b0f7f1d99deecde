"""The rate study's figures: each method's theory (the bounds, ns-forward's exact expectation), the
measurement's fit window, the per-target slowdown, and captions whose numbers come from the data."""

import math

import numpy as np
import pytest

from experiments import rates_captions as cap
from experiments import rates_figures as rf
from experiments import rates_report as rep
from experiments import rates_runs as runs
from zeroopt import sweep
from zeroopt import theory as zt


def test_the_fit_window_is_decided_by_the_floor():
    k = np.arange(400.0)
    wander = 1 + 0.1 * np.sin(k)
    assert rep.fit_window(k, 0.9 ** k) == rep.ASYMPTOTIC_WINDOW
    assert rep.fit_window(k, 0.9 ** k + 1e-8 * wander) == rep.EARLY_WINDOW       # a floor inside the window
    assert rep.fit_window(k, 0.9 ** k + 1e-30 * wander) == rep.ASYMPTOTIC_WINDOW  # a floor far below it


def test_ns_forward_exact_curve_is_the_recursion():
    n = 10
    p, x0 = runs.problem("strongly_convex", n)
    lam, Q = np.linalg.eigh(p.args[0])
    M, b = zt.forward_gaussian_moments(lam, zt.ns_forward_step(n, p.L), runs.NS_EPS)
    s = (Q.T @ (x0 - p.x_star)) ** 2
    direct = []
    for k in range(61):
        direct.append((0.5 * lam @ s, s.sum()))
        s = M @ s + b
    f_gap, dist2 = rep.ns_forward_exact(n, np.arange(61))
    assert f_gap == pytest.approx([d[0] for d in direct], rel=1e-10)
    assert dist2 == pytest.approx([d[1] for d in direct], rel=1e-10)
    f_end, _ = rep.ns_forward_exact(n, [10 ** 7])
    assert f_end[0] == pytest.approx(runs.ns_forward_expected("strongly_convex", n)[1]["f_gap"], rel=1e-6)


def test_measured_like_the_data_ns_forward_sits_below_its_asymptotic_rate():
    """The dotted line of the strongly convex slowdown figure: the exact expectation fitted over the data's early
    window needs fewer iterations than its asymptotic rate says - why the points lie below both other lines."""
    n = 10
    p, x0 = runs.problem("strongly_convex", n)
    lam, Q = np.linalg.eigh(p.args[0])
    c2 = (Q.T @ (x0 - p.x_star)) ** 2
    k_gd = np.arange(301)
    v_gd = np.array([0.5 * np.sum(lam * c2 * (1 - lam / p.L) ** (2 * k)) for k in k_gd])
    k = runs.checkpoint_list(int(300 * runs.factor("ns-forward", n)))
    window = rep.ns_forward_in_window("f_gap", n, k, k_gd, v_gd)
    assert math.isfinite(window) and window < runs.ns_forward_expected("strongly_convex", n)[0] < \
        runs.theory("strongly_convex", "ns-forward", n)


@pytest.mark.parametrize("method", ["gd", "sphere", "gaussian", "sphere-q4", "orthogonal-q4"])
def test_bounds_at_the_theory_step_are_the_lectures(method):
    n, k = 10, np.array([1.0, 10.0, 100.0])
    m = runs.oracle(method, 0).second_moment_factor(n)
    p, x0 = runs.problem("convex", n)
    r2 = float(np.sum((x0 - p.x_star) ** 2))
    assert rf.method_bound("convex", "f_gap", method, n, k) == pytest.approx(m * p.L * r2 / k)
    p, x0 = runs.problem("nonconvex", n)
    gap = p.value(x0, count=False) - p.f_star
    assert rf.method_bound("nonconvex", "grad_norm2", method, n, k) == pytest.approx(2 * m * p.L * gap / k)


def test_ns_forward_bound_uses_its_own_step():
    n, k = 10, np.array([1.0, 7.0])
    p, x0 = runs.problem("nonconvex", n)
    a, m = zt.ns_forward_step(n, p.L), n + 2.0
    gap = p.value(x0, count=False) - p.f_star
    assert rf.method_bound("nonconvex", "grad_norm2", "ns-forward", n, k) == pytest.approx(gap / (k * a * (1 - a * m * p.L / 2)))
    # its step is below the theory step 1/(mL): the bound is above the m = n + 2 one
    assert np.all(rf.method_bound("nonconvex", "grad_norm2", "ns-forward", n, k) >
                  rf.method_bound("nonconvex", "grad_norm2", "gaussian", n, k))


def test_per_target_is_one_when_the_method_follows_its_theory():
    k = np.arange(0, 2001, dtype=float)
    gd = 1.0 / (1.0 + k)                     # reaches 1e-1 at k = 9, 1e-2 at 99, 1e-3 at 999
    m = runs.theory("convex", "sphere", 10)
    data = {("convex", "f_gap", 10, "gd"): (k, gd[None, :], "p"),
            ("convex", "f_gap", 10, "sphere"): (k * m, gd[None, :].repeat(2, 0), "p")}
    r = rep.per_target(data, "convex")[10]
    assert r[:3] == pytest.approx(1.0, rel=1e-9) and math.isnan(r[3])


@pytest.fixture(scope="module")
def tiny_study(tmp_path_factory):
    """A tiny rate study (n = 10, 2 seeds, short budgets) run with the sweep (its figures are drawn by
    tests/test_rates.py's end-to-end test; here the captions are checked against the data)."""
    out = str(tmp_path_factory.mktemp("rates"))
    budgets = {"strongly_convex": 80, "convex": 100, "nonconvex": 30}
    configs = runs.tasks(list(runs.SETTINGS), [10], ["gd", "sphere", "ns-forward"], 2, budgets)
    sweep.run(runs.run_one, configs, out, jobs=1, backend="threading")
    records = sweep.collect(out, configs).records
    return records, rep.summarize(records), rep.curves(records)


@pytest.mark.slow
def test_captions_of_a_tiny_study_take_their_numbers_from_its_data(tiny_study):
    records, summary, data = tiny_study
    text = cap.slowdown_caption(summary, data, "strongly_convex")
    ratios = []
    for r in summary:
        if r["setting"] == "strongly_convex" and r["method"] == "ns-forward":
            gd, ns = data[("strongly_convex", r["measure"], 10, "gd")], data[("strongly_convex", r["measure"], 10, "ns-forward")]
            ratios.append(r["measured"] / rep.ns_forward_in_window(r["measure"], 10, ns[0], gd[0], gd[1][0]))
    assert f"{min(ratios):.2f} to {max(ratios):.2f} times it" in text
    text = cap.curves_caption(data, "convex", "f_gap")
    assert f"{zt.nesterov_linear_after(10):.0f} at n = 10" in text
    text = cap.slowdown_caption(summary, data, "convex")
    ratio = rep.per_target(data, "convex")[10]
    ok = ratio[np.isfinite(ratio)]
    assert f"It is {ok.min():.2f} to {ok.max():.2f}" in text
    assert "orthogonal-q16" not in text         # not part of this study: no note


def test_small_numbers_are_written_plainly():
    assert cap._sci(2.1e-8) == "2.1e-8" and cap._sci(1e-2) == "1e-2"


@pytest.mark.slow
def test_nonconvex_caption_names_the_targets_gd_reached(tiny_study):
    records, summary, data = tiny_study
    reached = cap._gd_targets(data, "nonconvex")[10]
    text = cap.slowdown_caption(summary, data, "nonconvex")
    assert f"1e-1 ... {cap._sci(reached)} at n = 10" in text


def test_targets_text_says_when_gd_reaches_only_the_first_target():
    k = np.arange(0.0, 3001.0)
    measure = runs.SETTINGS["convex"]["measure"]
    first = (0.05 + 1.0 / (1.0 + k))[None, :]          # ends at 0.048 of its start: 1e-1 only
    four = (1.0 / (1.0 + k))[None, :]                   # ends at 3.3e-4: 1e-1 ... 1e-3
    data = {("convex", measure, 10, "gd"): (k, first, None), ("convex", measure, 20, "gd"): (k, four, None)}
    assert cap._targets_text(data, "convex") == "1e-1 only at n = 10; 1e-1 ... 1e-3 at n = 20"


def test_floor_caption_names_the_dimensions_whose_runs_reach_it():
    n = 10
    floor = runs.ns_forward_expected("convex", n)[1]["f_gap"]
    k = np.arange(0.0, 101.0)
    start = 1e6 * floor
    on = (start * (0.5 ** k) + floor)[None, :]          # flattens on the floor
    above = (start * (1.0 / (1.0 + k)))[None, :]        # ends 1e4 times above it
    text = cap._ns_floor({("convex", "f_gap", n, "ns-forward"): (k, on, None)}, "convex", "f_gap")
    assert f"{cap._sci(floor / start)} of the start" in text and "budget ends" not in text
    text = cap._ns_floor({("convex", "f_gap", n, "ns-forward"): (k, above, None)}, "convex", "f_gap")
    assert f"at n = {n} ns-forward's budget ends more than 10 times above its floor" in text
