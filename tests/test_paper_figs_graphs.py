"""The computation-graph figures of lectures 001 and 004 and the checkpointing figure: the numbers they
draw against hand computation and the lectures' closed forms, the costs of the AD modes as counted, the
layout (no overlapping boxes, edges around boxes) and that every figure is written with its caption.
Asserted on the data and on the text written on the figures, never on pixels."""

import doctest
import io
import json
import os
import re

import numpy as np
import pytest

from paper_figs import _graph_view as gv
from paper_figs import _graphs as gr
from paper_figs import l001_autodiff as l001
from paper_figs import l001_checkpoint as ck
from paper_figs import l001_which_mode as wm
from paper_figs import l004_matrix_ad as l004

import zeroopt as zo


def drawn(fig):
    """Every text written on the figure (node boxes, edge labels, notes, titles), one string; the figure is
    rendered once at a low resolution first (so mathtext that does not parse fails here) and closed."""
    fig.savefig(io.BytesIO(), format="png", dpi=20)
    out = []
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts] + [ax.get_title(loc) for loc in ("left", "center")]
    gr.pyplot().close(fig)
    return "\n".join(out)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every figure of both modules, built once at the "tiny" size: name -> (text drawn, caption)."""
    saved, ck.RESULTS = ck.RESULTS, str(tmp_path_factory.mktemp("results"))
    try:
        out = {}
        for name, _, _, _, fn in l001.FIGURES + wm.FIGURES + ck.FIGURES + l004.FIGURES:
            fig, caption = fn(quick="tiny")
            out[name] = (drawn(fig), caption)
        yield out
    finally:
        ck.RESULTS = saved


def numbers(text):
    return {float(x) for x in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", text)}


def written(fig_text, value, digits=4):
    """``value`` appears on the figure as the drawing formats it."""
    return float(gr.fmt(value, digits)) in numbers(fig_text)


# --- lecture 001: L(w1, w2) = w2 log w1 + sqrt(w2 log w1) ----------------------------------------------
def hand(w1, w2):
    """Values, tangents along w1 and w2, and adjoints of v1 = log w1, v2 = w2 v1, v3 = sqrt v2, L = v2 + v3."""
    v1 = np.log(w1)
    v2 = w2 * v1
    v3 = np.sqrt(v2)
    Lv = v2 + v3
    dv1 = (1 / w1, 0.0)
    dv2 = (w2 * dv1[0], v1)
    dv3 = tuple(d / (2 * v3) for d in dv2)
    dL = tuple(a + b for a, b in zip(dv2, dv3))
    a3 = 1.0
    a2 = 1.0 + a3 / (2 * v3)
    a1 = w2 * a2
    adj = dict(w1=a1 / w1, w2=v1 * a2, v1=a1, v2=a2, v3=a3, L=1.0)
    return dict(values=[w1, w2, v1, v2, v3, Lv], tangent_w1=[1, 0, dv1[0], dv2[0], dv3[0], dL[0]],
                tangent_w2=[0, 1, dv1[1], dv2[1], dv3[1], dL[1]], adjoints=adj,
                partials=[1 / w1, w2, v1, 1 / (2 * v3), 1.0, 1.0])


def test_lecture_graph_matches_the_hand_computation():
    w = l001.POINT
    h = hand(*w)
    Gs = l001.lecture_graphs(w)
    V = gr.view(Gs["w1"])
    assert [V.names[i] for i in V.ids] == ["w1", "w2", "v1", "v2", "v3", "L"]
    assert [V.exprs[i] for i in V.ids][2:] == [r"\log w_{1}", r"w_{2} \cdot v_{1}", r"\sqrt{v_{2}}", "v_{2} + v_{3}"]
    for k in ("w1", "w2"):
        G = Gs[k]
        np.testing.assert_allclose([float(n.value) for n in G.nodes], h["values"], rtol=1e-15)
        np.testing.assert_allclose([float(n.tangent) for n in G.nodes], h[f"tangent_{k}"], rtol=1e-15)
    np.testing.assert_allclose([float(n.adjoint) for n in Gs["w1"].nodes],
                               [h["adjoints"][k] for k in ("w1", "w2", "v1", "v2", "v3", "L")], rtol=1e-15)


def test_lecture_001_figures_write_the_hand_computed_numbers(built):
    w = l001.POINT
    h = hand(*w)
    text = built["l001_ad_graph"][0]
    assert all(written(text, v) for v in h["values"])
    text, caption = built["l001_ad_forward_mode"]
    for k in ("w1", "w2"):
        assert all(written(text, v) for v in h[f"tangent_{k}"])
    assert all(written(text, p, 3) for p in h["partials"])       # the local derivatives on the edges
    assert gr.fmt(h["tangent_w1"][-1]) in caption and gr.fmt(h["tangent_w2"][-1]) in caption
    text = built["l001_ad_reverse_mode"][0]
    assert all(written(text, v) for v in h["adjoints"].values())
    # both modes give the gradient: dL/dw1 = (w2 / w1)(1 + 1 / (2 sqrt(v2))), dL/dw2 = log w1 (1 + ...)
    g = zo.grad(lambda x: l001.L(x[0], x[1]))(np.array(w))
    np.testing.assert_allclose(g, [h["tangent_w1"][-1], h["tangent_w2"][-1]], rtol=1e-15)


def test_local_partials_are_the_lecture_derivatives():
    G = l001.lecture_graphs()["w1"]
    w1, w2 = l001.POINT
    assert gr.local_partials(G, 2) == {0: pytest.approx(1 / w1, rel=1e-15)}
    assert gr.local_partials(G, 3) == {1: pytest.approx(np.log(w1), rel=1e-15), 2: pytest.approx(w2, rel=1e-15)}
    assert gr.local_partials(G, 0) is None
    # a scalar constant operand written exactly in the label ("* 2", "^ 2") gives the node a number; one the
    # label rounds (6 digits) gives none, so that no figure writes a false derivative
    G2 = zo.ad.graph(lambda x: np.sin(x) * 2.0, 0.3)
    assert gr.local_partials(G2, 2) == {1: 2.0}
    G3 = zo.ad.graph(lambda x: x ** 2 - 1.0, -3.0)
    assert gr.local_partials(G3, 1) == {0: -6.0} and gr.local_partials(G3, 2) == {1: 1.0}
    G4 = zo.ad.graph(lambda x: np.sin(x) * 0.1234567, 0.3)
    assert G4.nodes[2].label == "* 0.123457" and gr.local_partials(G4, 2) is None


# --- which mode? ---------------------------------------------------------------------------------------
def test_which_mode_costs_counted_and_jacobians_by_hand():
    w1, w2 = wm.WHICH["fan_out"][1]
    c = wm.mode_costs(wm.fan_out, (w1, w2))
    assert (c["n"], c["m"], c["N"]) == (2, 5, 7)
    assert (c["forward_passes"], c["reverse_passes"], c["backward_sweeps"]) == (2, 1, 5)
    assert c["forward_cost"] == 14 < c["reverse_cost"] == 42
    a, b, cb = w1 * w2, np.sin(w1), np.cos(w1)
    J = [[w2 + cb, w1], [w2 * b + a * cb, w1 * b], [np.exp(b) * cb, 0.0], [w2 / (2 * np.sqrt(a)), w1 / (2 * np.sqrt(a))],
         [w2, w1 - 1]]
    np.testing.assert_allclose(c["jacobian"], J, rtol=1e-14, atol=1e-16)

    w = wm.WHICH["bottleneck"][1]
    c = wm.mode_costs(wm.bottleneck, w, wm.bottleneck_inner, wm.bottleneck_outer)
    s = w[0] * w[1] + w[2] * w[3]
    J = np.outer([np.cos(s), -np.sin(s), np.exp(s), 1 - np.tanh(s) ** 2], [w[1], w[0], w[3], w[2]])
    np.testing.assert_allclose(c["jacobian"], J, rtol=1e-14, atol=1e-16)
    assert (c["N"], c["N_inner"], c["N_outer"]) == (7, 3, 4)
    assert c["mixed_cost"] == 10 < c["forward_cost"] == 28 < c["reverse_cost"] == 35

    c = wm.mode_costs(l004.fan_in, l004.FAN_IN_AT)
    assert (c["n"], c["m"], c["N"], c["forward_passes"], c["backward_sweeps"]) == (5, 2, 6, 5, 2)
    assert c["reverse_cost"] == 18 < c["forward_cost"] == 30
    assert "> reverse mode" in "\n".join(wm.cost_lines(c))


# --- Figure 37: the network ------------------------------------------------------------------------------
def test_mlp_adjoints_are_the_backprop_formulas(built):
    X, W1, W2, y = l001.mlp_data(0, **l001.MLP_SHAPES)
    G = l001.mlp_graph(0)
    b, n2 = y.shape
    v1 = np.tanh(X @ W1)
    v2 = np.tanh(v1 @ W2)
    dv2 = 2 * (v2 - y) / (b * n2)                 # dL/dv_t for the mean squared error
    dz2 = dv2 * (1 - v2 ** 2)                      # through sigma = tanh
    dz1 = (dz2 @ W2.T) * (1 - v1 ** 2)             # dL/dv_k = dL/dv_{k+1} dv_{k+1}/dv_k
    expected = {"X": dz1 @ W1.T, "W1": X.T @ dz1, "W2": v1.T @ dz2}    # dL/dw_k = v_{k-1}^T (dL/dv_k * sigma')
    for node in [n for n in G.nodes if n.primitive == "input"]:
        np.testing.assert_allclose(node.adjoint, expected[node.label], rtol=1e-13, atol=1e-16)
    assert float(G.value) == pytest.approx(np.mean((v2 - y) ** 2), rel=1e-15)
    text = built["l001_ad_mlp_backward"][0]
    assert all(written(text, np.linalg.norm(expected[k]), 3) for k in expected)


# --- checkpointing ----------------------------------------------------------------------------------------
def test_checkpoint_memory_rows_model_and_cache(tmp_path, monkeypatch):
    rows, fit = ck.checkpoint_rows("tiny", results=str(tmp_path))
    width = 100
    none = sorted((r["depth"], r["peak_bytes"]) for r in rows if r["schedule"] == "none")
    sqrt = sorted((r["depth"], r["peak_bytes"], r["segments"]) for r in rows if r["schedule"] == "sqrt")
    # without checkpoints the tape keeps, per layer, at least its input and its tanh output (2 x width floats)
    for (n1, p1), (n2, p2) in zip(none, none[1:]):
        assert (p2 - p1) / (n2 - n1) >= 2 * 8 * width
    assert fit["per_layer"] >= 2 * 8 * width
    # s = round(sqrt(n)) segments: less memory, and the saving grows with the depth
    assert [s for _, _, s in sqrt] == [round(np.sqrt(n)) for n, _, _ in sqrt]
    ratios = [p_none / p_ck for (_, p_none), (_, p_ck, _) in zip(none, sqrt)]
    assert all(r > 1 for r in ratios) and ratios == sorted(ratios)
    # the model drawn is a s + c n / s + d (c n + d without checkpoints), the benchmark's own model_bytes
    for r in rows:
        assert float(ck.checkpoint_model(fit, r["depth"], r["segments"])) == pytest.approx(r["model_bytes"], rel=1e-12)
    # the sweep's measured minimum is within a factor 2 of the model's optimum sqrt(c n / a)
    sweep = [r for r in rows if r["schedule"] == "sweep"]
    best = min(sweep, key=lambda r: r["peak_bytes"])["segments"]
    s_star = np.sqrt(fit["per_layer"] * sweep[0]["depth"] / fit["per_segment"])
    assert s_star / 2 <= best <= 2 * s_star
    # kept: a second call reads the file and measures nothing
    assert json.load(open(tmp_path / "checkpoint_memory_tiny.json"))["rows"] == rows
    monkeypatch.setattr(ck, "bench_ad", lambda: pytest.fail("measured again instead of reading the cache"))
    assert ck.checkpoint_rows("tiny", results=str(tmp_path)) == (rows, fit)
    fig, caption = ck.checkpoint_figure("tiny", results=str(tmp_path))
    lines = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    gr.pyplot().close(fig)
    for ln in lines:    # every dashed curve lies on the model
        x, y = ln.get_data()
        on_depth = np.allclose(y, ck.checkpoint_model(fit, x, 0 * x) * 1e-3) or \
            np.allclose(y, ck.checkpoint_model(fit, x, np.round(np.sqrt(x))) * 1e-3)
        assert on_depth or np.allclose(y, ck.checkpoint_model(fit, sweep[0]["depth"], x) * 1e-3)
    assert len(lines) == 3 and f"c = {fit['per_layer']:.0f} B per layer" in caption


# --- lecture 004 ---------------------------------------------------------------------------------------------
def test_chain_rules_at_a_node_by_hand(built):
    w1, w2 = l004.POINT
    p = w1 * w2
    G = zo.ad.graph(l004.chain_example, w1, w2, names=["w1", "w2"], direction=[1.0, 0.0])
    V = gr.view(G)
    prod = next(i for i in V.ids if V.exprs[i] == r"v_{2} \cdot v_{3}")
    terms, total, own = l004.chain_rule_terms(G, V, prod, "forward")
    # d(sin p exp p)/dw1 = exp(p) (cos p w2) + sin(p) (exp p w2)
    np.testing.assert_allclose([(a, b) for _, a, b in terms], [(np.exp(p), np.cos(p) * w2), (np.sin(p), np.exp(p) * w2)],
                               rtol=1e-14)
    assert total == pytest.approx(w2 * np.exp(p) * (np.cos(p) + np.sin(p)), rel=1e-14)
    node_p = next(i for i in V.ids if V.exprs[i] == r"w_{1} \cdot w_{2}")
    terms, total, own = l004.chain_rule_terms(G, V, node_p, "reverse")
    # dL/dp over the children sin p, exp p and the final sum: exp(p) cos(p) + sin(p) exp(p) + 1
    np.testing.assert_allclose([(a, b) for _, a, b in terms], [(np.cos(p), np.exp(p)), (np.exp(p), np.sin(p)), (1.0, 1.0)],
                               rtol=1e-14)
    assert own == pytest.approx(np.exp(p) * (np.cos(p) + np.sin(p)) + 1, rel=1e-14)
    G.nodes[prod].tangent = G.nodes[prod].tangent + 1e-6     # a false number would make a false equation
    with pytest.raises(AssertionError):
        l004.chain_rule_terms(G, V, prod, "forward")
    text = built["l004_forward_chain_rule"][0]
    assert written(text, w2 * np.exp(p) * (np.cos(p) + np.sin(p)), 6)
    text = built["l004_reverse_chain_rule"][0]
    assert written(text, np.exp(p) * (np.cos(p) + np.sin(p)) + 1, 6)


def test_linear_solve_adjoints_are_the_closed_forms(built):
    A, b, t = l004.SOLVE_DATA
    d = l004.solve_check(A, b, t)
    x = np.linalg.solve(A, b)
    gx = 2 * (x - t)
    Ait = np.linalg.inv(A).T
    np.testing.assert_allclose(d["dL_db"], Ait @ gx, rtol=1e-13)                 # dL/db = A^-T dL/dx
    np.testing.assert_allclose(d["dL_dA"], -np.outer(Ait @ gx, x), rtol=1e-13)   # dL/dA = -A^-T (dL/dx) x^T
    np.testing.assert_allclose(d["dL_dx"], gx, rtol=1e-14)
    assert d["max_diff"] < 1e-14
    text = built["l004_linear_solve"][0]
    assert all(written(text, v, 5) for v in np.concatenate([d["dL_dA"].ravel(), d["dL_db"], Ait @ gx]))


def test_nuclear_norm_gradient_is_U_V_transpose(built):
    W = l004.NUCLEAR_W
    d = l004.nuclear_check(W)
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    assert float(d["graph"].value) == pytest.approx(s.sum(), rel=1e-15)
    np.testing.assert_allclose(d["dR_dW"], U @ Vt, rtol=1e-13, atol=1e-15)
    # and U V^T is the derivative: central differences of the sum of singular values
    h = 1e-6
    fd = np.array([[(np.linalg.svd(W + h * E, compute_uv=False).sum() - np.linalg.svd(W - h * E, compute_uv=False).sum())
                    / (2 * h) for E in row] for row in np.eye(W.size).reshape(W.shape + W.shape)])
    np.testing.assert_allclose(fd, U @ Vt, atol=1e-8)
    text = built["l004_nuclear_norm"][0]
    assert all(written(text, v, 5) for v in (U @ Vt).ravel())


# --- the drawing ----------------------------------------------------------------------------------------------
def boxes_overlap(L):
    ids = list(L.pos)
    for k, a in enumerate(ids):
        for b in ids[k + 1:]:
            if abs(L.pos[a][0] - L.pos[b][0]) < (L.size[a][0] + L.size[b][0]) / 2 and \
                    abs(L.pos[a][1] - L.pos[b][1]) < (L.size[a][1] + L.size[b][1]) / 2:
                return a, b
    return None


@pytest.mark.parametrize("make_view", [
    lambda: gr.view(l001.lecture_graphs()["w1"]),
    lambda: gr.view(l001.mlp_graph()),
    lambda: gr.view(zo.ad.graph(l004.solve_loss, *l004.SOLVE_DATA[:2], args=(l004.SOLVE_DATA[2],))),
    lambda: gr.view(zo.ad.graph(wm.bottleneck, *wm.WHICH["bottleneck"][1], cotangent=np.ones(4)),
                    hide=("reshape", "concatenate")),
])
def test_layout_keeps_boxes_apart_and_edges_around_them(make_view):
    V = make_view()
    for wrap in (None, 3):
        L, texts = gr.plan(V, ("value", "adjoint"), wrap=wrap)
        assert boxes_overlap(L) is None
        t = np.linspace(0.05, 0.95, 50)
        for (p, c), rad in L.bends.items():
            pts = gr._bezier(L.pos[p], L.pos[c], rad, t)
            if rad != 0.5:   # 0.5: the last resort, allowed to touch
                for i in set(L.pos) - {p, c}:
                    inside = (np.abs(pts[:, 0] - L.pos[i][0]) < L.size[i][0] / 2) & \
                             (np.abs(pts[:, 1] - L.pos[i][1]) < L.size[i][1] / 2)
                    assert not inside.any(), (p, c, i)
            assert L.ylim[0] <= pts[:, 1].min() and pts[:, 1].max() <= L.ylim[1]


def test_view_hides_reshapes_and_joins_their_edges():
    G = zo.ad.graph(l004.solve_loss, *l004.SOLVE_DATA[:2], args=(l004.SOLVE_DATA[2],), names=["A", "b"])
    assert "reshape" in [n.primitive for n in G.nodes]
    V = gr.view(G, constants={"subtract": "t"}, rename={"v1": "x"})
    solve = next(i for i in V.ids if G.nodes[i].primitive == "solve")
    assert [V.names[p] for p in V.parents[solve]] == ["A", "b"]
    assert [V.names[i] for i in V.ids] == ["A", "b", "x", "v2", "v3", "L"]
    assert V.exprs[solve] == "A^{-1} b" and r"x - t" in V.exprs[V.children[solve][0]]
    assert all(G.nodes[i].primitive != "reshape" for i in V.ids)


@pytest.mark.parametrize("module", [gv, gr, l001, wm, ck, l004])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_value_lines_and_names():
    assert gr.value_lines(2.0) == ["2"] and gr.value_lines(np.array([[1.0], [-0.5]])) == ["[1, -0.5]"]
    assert gr.value_lines(np.eye(2)) == ["[1, 0]", "[0, 1]"] and gr.value_lines(np.ones((4, 3))) is None
    assert gr.fmt(-0.0) == "0" and gr.math_name("w12") == "w_{12}" and gr.math_name("X") == "X"


# --- every figure is written, with its caption -------------------------------------------------------------------
def test_every_figure_has_a_one_line_caption_and_is_saved_with_it(built, tmp_path):
    assert list(built) == [f[0] for f in l001.FIGURES + wm.FIGURES + ck.FIGURES + l004.FIGURES]
    for name, (text, caption) in built.items():
        assert "\n" not in caption and len(caption) > 80 and caption.startswith("Lecture 00"), name
        assert text.strip(), name
    figs = tmp_path / "figs"
    [png] = gr.make(str(figs), l004.FIGURES, "tiny", only=["l004_which_mode"])    # one figure in full: PNG, PDF, caption
    assert png == str(figs / "l004_which_mode.png")
    for ext in ("png", "pdf"):
        assert (figs / f"l004_which_mode.{ext}").stat().st_size > 5000
    assert (figs / "l004_which_mode.txt").read_text() == built["l004_which_mode"][1] + "\n"


@pytest.mark.parametrize("argv", [["--only", "no_such_figure"], ["--only", ","], ["--quick", "--figs", os.path.join(gr.ROOT, "paper_figs")],
                                  ["--bogus"]])
def test_command_line_rejects_bad_options(argv, capsys):
    with pytest.raises(SystemExit) as e:
        ck.main(argv)
    assert e.value.code == 2 and "usage" in capsys.readouterr().err
