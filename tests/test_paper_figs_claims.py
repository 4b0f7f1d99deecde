"""What the lecture figures claim, checked against their data and the math: the captions' numbers are the
data's, the new figures draw what the lectures compute, and the theory lines are the exact expectations
they say they are (Monte-Carlo checks within 4 standard errors, fixed seeds)."""

import math

import numpy as np
import pytest

import zeroopt as zo
from paper_figs import _common
from paper_figs import _graphs as gr
from paper_figs import l000_table, l000_zero_order as l000
from paper_figs import l001_autodiff as l001
from paper_figs import l001_checkpoint as ck
from paper_figs import l001_linesearch as ls
from paper_figs import l002_calculus as l002c
from paper_figs import l002_taylor_newton as l002
from paper_figs import l003_gd as l003
from paper_figs import l003_newton as l003n


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(_common, "CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(ck, "RESULTS", str(tmp_path / "results"))
    return tmp_path


def close(fig):
    _common.pyplot().close(fig)


# --- lecture 000 ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_two_point_expectation_is_the_mean_of_the_runs():
    """The exact second-moment recursion of the table's strongly convex row against 400 runs of zo.minimize with
    the two-point sphere estimator, within 4 standard errors at every checkpoint; without its coupling term it
    is a different (smaller) curve."""
    n, K = 4, 30
    p = _common.python_mode(zo.problems.quadratic(n, mu=1.0, L=10.0, seed=2), jit=False)
    x0 = np.zeros(n)
    ks = np.arange(0, K + 1, 5)
    runs = np.array([zo.minimize(p, x0, zo.TwoPoint(seed=s), maxiter=K, record=ks, measure=("dist2",)).history["dist2"]
                     for s in range(400)])
    exact = l000_table.two_point_expected(p.args[0], x0 - p.x_star, 1.0 / (n * p.L), ks)
    se = runs.std(axis=0, ddof=1) / math.sqrt(len(runs))
    assert np.all(np.abs(runs.mean(axis=0) - exact) <= 4 * se + 1e-15)
    uncoupled = l000_table.two_point_expected(p.args[0], x0 - p.x_star, 1.0 / (n * p.L), ks, coupling=False)
    assert np.all(uncoupled[1:] < exact[1:])


@pytest.mark.slow
def test_table_caption_explains_the_strongly_convex_row_with_its_own_numbers(tmp_cache):
    d = l000_table.table_data(dims=(4, 8), K=40, seeds=(0, 1, 2), jit=False)
    table, records = l000_table.rows(d)
    text = l000_table.caption(d, records)
    sc = records[-1]
    assert sc["setting"] == "strongly convex" and sc["n"] == 8
    for v in (sc["slowdown_measured"], sc["slowdown_theory"], sc["slowdown_expected"], sc["slowdown_uncoupled"],
              sc["slowdown_seed_min"], sc["slowdown_seed_max"]):
        assert f"{v:.1f}" in text
    # the coupling term is what separates the exact expectation from the ratio of the rates
    assert abs(sc["slowdown_uncoupled"] / sc["slowdown_theory"] - 1) < abs(sc["slowdown_expected"] / sc["slowdown_theory"] - 1)
    assert sc["slowdown_seed_min"] <= sc["slowdown_measured"] <= sc["slowdown_seed_max"] * 1.001
    assert "exact E" in table[-1][-1]


def test_mds_caption_gives_the_measured_shift_against_2n():
    d = l000.mds_data(N=4, dims=(2, 3), iters=60, budget=40, jit=False)
    lo, hi = l000.mds_shift(d, (2, 3))
    assert 0.5 < lo <= hi < 2.0
    for dim in (2, 3):      # central differences: the same path, exactly 2n times the evaluations
        n = d[f"n_{dim}"]
        f0 = d[f"gd_f_{dim}"][0]
        ev = [l000_table.iterations_to(np.asarray(d[f"{k}_ev_{dim}"], float), d[f"{k}_f_{dim}"], 1e-1 * f0)
              for k in ("gd", "fd")]
        assert ev[1] / ev[0] == pytest.approx(2 * n, rel=1e-6)


@pytest.mark.slow
def test_variance_caption_says_what_the_orthonormal_frame_gains(tmp_cache):
    fig, caption = l000.variance(quick="tiny")
    close(fig)
    assert "2(n - q), smaller by 2(q - 1)" in caption and "gains 2(n - q)" not in caption
    n, q = 32, np.arange(1, 33)     # per evaluation: 2q x variance
    assert np.allclose(2 * q * l000.variance_theory("sphere", n, q) - 2 * q * l000.variance_theory("orthogonal", n, q),
                       2 * (q - 1))


# --- lecture 001 ---------------------------------------------------------------------------------------------
def test_curvature_panel_shows_all_of_phi(tmp_cache):
    d = ls.conditions_data()
    fig, _ = ls.curvature(quick="tiny")
    try:
        top = fig.axes[0].get_ylim()[1]
        assert top > d["phi"].max()
    finally:
        close(fig)


def test_checkpoint_ticks_label_every_depth_and_bracket_the_data(tmp_cache):
    fig, _ = ck.checkpoint_figure(quick="tiny")
    try:
        fig.canvas.draw()
        rows, _ = ck.checkpoint_rows("tiny")
        a1, a2 = fig.axes[:2]
        depths = sorted({r["depth"] for r in rows if r["schedule"] != "sweep"})
        assert [float(t) for t in a1.get_xticks()] == depths
        for ax in (a1, a2):
            lo, hi = ax.get_ylim()
            ticks = [t for t in ax.get_yticks() if lo <= t <= hi]
            ys = np.concatenate([ln.get_ydata() for ln in ax.lines if len(ln.get_ydata()) > 2 or ln.get_marker() != "None"])
            ys = ys[np.isfinite(ys)]
            assert min(ticks) <= ys.min() and max(ticks) >= ys.max()    # a labelled tick below and above the data
    finally:
        close(fig)


def _label_boxes(ax):
    boxes = []
    for t in ax.texts:
        if t.get_bbox_patch() is not None and t.get_bbox_patch().get_facecolor()[:3] == pytest.approx((1.0, 0.973, 0.769), abs=0.01):
            boxes.append(t.get_window_extent())
    return boxes


@pytest.mark.parametrize("make", [l001.reverse_mode_figure, l001.forward_mode_figure, l001.forward_chain_rule_figure,
                                  l001.reverse_chain_rule_figure, l002c.backprop_figure])
def test_edge_numbers_sit_beside_their_edges_not_on_a_box(make):
    fig, _ = make()
    try:
        fig.canvas.draw()
        for ax in fig.axes:
            labels = _label_boxes(ax)
            nodes = [p.get_window_extent() for p in ax.patches if type(p).__name__ == "FancyBboxPatch"]
            for lab in labels:
                assert not any(lab.overlaps(b) for b in nodes)
            for i, a in enumerate(labels):
                assert not any(a.overlaps(b) for b in labels[i + 1:])
    finally:
        close(fig)


def test_lecture_001_chain_rule_figures_write_the_hand_computation():
    w1, w2 = l001.POINT
    G = l001.lecture_graphs()["w1"]
    V = gr.view(G)
    from paper_figs.l004_matrix_ad import chain_rule_terms

    at_L = next(i for i in V.ids if V.names[i] == "L")
    terms, total, _ = chain_rule_terms(G, V, at_L, "forward")     # dL/dw1 = 1 dv2/dw1 + 1 dv3/dw1
    v2 = w2 * math.log(w1)
    assert sorted(b for _, _, b in terms) == pytest.approx(sorted([w2 / w1, w2 / w1 / (2 * math.sqrt(v2))]))
    assert total == pytest.approx(w2 / w1 * (1 + 1 / (2 * math.sqrt(v2))))
    at_v2 = next(i for i in V.ids if V.names[i] == "v2")
    terms, total, _ = chain_rule_terms(G, V, at_v2, "reverse")    # dL/dv2 = 1 + 1/(2 sqrt(v2))
    assert total == pytest.approx(1 + 1 / (2 * math.sqrt(v2)))
    fig, caption = l001.reverse_chain_rule_figure()
    close(fig)
    assert gr.fmt(total, 6) in caption


# --- lecture 002 ---------------------------------------------------------------------------------------------
def test_backprop_graph_has_the_lectures_numbers():
    G, V = l002c.backprop_graph()
    assert float(G.value) == 1024.0
    assert [float(G.nodes[i].adjoint) for i in range(4)] == [-4096.0] * 4     # the lecture prints df/dw = -4096
    names = {V.names[i]: i for i in V.ids}
    assert float(G.nodes[names["a"]].value) == 4 and float(G.nodes[names["b"]].value) == 0
    assert float(G.nodes[names["a"]].adjoint) == 1024 and float(G.nodes[names["b"]].adjoint) == 0
    assert gr.local_partials(G, names["a"]) == {names["t3"]: -4.0}          # d t3^2 / d t3 = 2 t3 = -4
    fig, caption = l002c.backprop_figure()
    close(fig)
    assert "-4096, -4096, -4096, -4096" in caption and "f = 1024" in caption


@pytest.mark.slow
def test_hessian_classification_finds_and_classifies_the_four_points():
    d = l002c.hessian_data()
    kinds = sorted(l002c.classify(lam) for lam in d["eigenvalues"])
    assert kinds == ["maximum", "minimum", "saddle point", "saddle point"]
    grad = zo.grad(l002c.saddle_function)
    for p, H in zip(d["points"], d["H"]):
        assert np.linalg.norm(grad(p)) <= 1e-12
        assert H == pytest.approx(np.array([[6 * p[0], 1.0], [1.0, 6 * p[1]]]), abs=1e-12)
    sym = [p for p in d["points"] if abs(p[0] - p[1]) < 1e-12]     # 3x^2 + x - 3 = 0 on the diagonal
    assert sorted(p[0] for p in sym) == pytest.approx(sorted([(-1 - math.sqrt(37)) / 6, (-1 + math.sqrt(37)) / 6]))
    assert l002c.classify([0.0, 1.0]) == "degenerate"


def test_linear_approximation_error_is_the_second_order_term():
    d = l002c.linear_data(ts=np.geomspace(1e-4, 1e-1, 7))
    assert d["g"] == pytest.approx([1 / 3, 2 / 3], rel=1e-14)
    assert d["err"] == pytest.approx(d["second"], rel=0.02)          # third-order terms: O(t^3)
    assert d["approx"] == pytest.approx(math.log(3) - 0.05 / 3, rel=1e-14)
    assert d["true"] == pytest.approx(math.log(math.exp(0.01) + 2 * math.exp(-0.03)), rel=1e-14)


def test_newton_damping_is_read_off_the_path_and_written_out(tmp_cache):
    d = l002.newton_data()
    assert d["newton_t"][0] == pytest.approx(1 / 16) and d["newton_t"][1:] == pytest.approx(1.0, abs=1e-6)
    fig, caption = l002.gd_newton()
    close(fig)
    assert "t = 1/16 at the first step, then every step the full t = 1" in caption
    assert l002._damping_words([1.0, 1.0]) == "every step takes the full t = 1"
    assert l002._damping_words([0.5, 0.25, 1.0]) == "t = 1/2, 1/4 at the first steps, then every step the full t = 1"


# --- lecture 003 ---------------------------------------------------------------------------------------------
def test_coordinate_descent_contracts_by_its_theory_factor():
    d = l003.descent_data(iters=10, thetas=5, jit=False)
    rho = l003.coordinate_factor(d["A"])
    ratios = d["cd_f"][2:] / d["cd_f"][1:-1]
    assert ratios == pytest.approx(rho, rel=1e-5)        # exact after the first coordinate minimisation
    q = ((d["kappa"] - 1) / (d["kappa"] + 1)) ** 2
    assert d["sd_rate"] == pytest.approx(q, rel=1e-5) and d["cd_rate"] == pytest.approx(d["cd_theory"], rel=1e-4)
    kappa, u = d["kappa"], (np.sin(d["thetas"]) * np.cos(d["thetas"])) ** 2
    assert d["cd_theory"] == pytest.approx((kappa - 1) ** 2 * u / (kappa + (kappa - 1) ** 2 * u))
    assert max(d["cd_theory"]) <= q + 1e-12


def test_newton_spheres_the_ellipse():
    d = l003n.newton_data(iters=20, jit=False)
    assert d["newton_f"][1] <= 1e-25 * d["newton_f"][0]
    assert d["gd_f"] == pytest.approx(d["gd_theory"], rel=1e-8, abs=1e-14)
    assert d["jacobi_f"] == pytest.approx(d["jacobi_theory"], rel=1e-8, abs=1e-14)
    D = np.diag(1 / np.sqrt(np.diag(d["A"])))
    lam = np.linalg.eigvalsh(D @ d["A"] @ D)
    assert d["kappa_jacobi"] == pytest.approx(lam[-1] / lam[0]) and d["kappa_jacobi"] < d["kappa"]
    S = l003n.sqrtm_spd(d["A"])
    assert S @ S == pytest.approx(d["A"])
