"""zeroopt.ad.graph: the exported computation graph of the lecture's L(w1, w2) = w2 log w1 + sqrt(w2 log w1)
(lecture notes 001), its values, adjoints and tangents against the hand computation."""

import numpy as np
import pytest

import zeroopt as zo


def L(w1, w2):
    u = w2 * np.log(w1)
    return u + np.sqrt(u)


def test_graph_of_the_lecture_example_by_hand():
    w1, w2 = 2.0, 3.0
    G = zo.ad.graph(L, w1, w2, names=["w1", "w2"], direction=[1.0, 0.0])
    assert [n.primitive for n in G.nodes] == ["input", "input", "log", "multiply", "sqrt", "add"]
    assert [n.label for n in G.nodes] == ["w1", "w2", "log", "*", "sqrt", "+"]
    assert [n.parents for n in G.nodes] == [(), (), (0,), (1, 2), (3,), (3, 4)]
    assert [n.depth for n in G.nodes] == [0, 0, 1, 2, 3, 4]
    assert G.edges == [(0, 2), (1, 3), (2, 3), (3, 4), (3, 5), (4, 5)]
    assert G.inputs == [0, 1] and G.output == 5
    # forward values v1..v6
    a = np.log(w1)
    u = w2 * a
    s = np.sqrt(u)
    np.testing.assert_allclose([float(n.value) for n in G.nodes], [w1, w2, a, u, s, u + s], rtol=1e-15)
    assert float(G.value) == u + s
    # adjoints dL/dv, by hand from the output down
    dL_ds = 1.0
    dL_du = 1.0 + dL_ds / (2 * s)
    dL_da = w2 * dL_du
    expected = [dL_da / w1, a * dL_du, dL_da, dL_du, dL_ds, 1.0]
    np.testing.assert_allclose([float(n.adjoint) for n in G.nodes], expected, rtol=1e-15)
    # tangents along w1: dv/dw1
    da = 1 / w1
    du = w2 * da
    ds = du / (2 * s)
    np.testing.assert_allclose([float(n.tangent) for n in G.nodes], [1.0, 0.0, da, du, ds, du + ds], rtol=1e-15)
    # both modes give dL/dw1
    assert float(G.nodes[G.output].tangent) == pytest.approx(float(G.nodes[0].adjoint), rel=1e-15)


def test_graph_with_arrays_constants_and_a_vector_output():
    A = np.array([[1.0, 2.0], [0.5, -1.0]])
    x = np.array([0.3, -0.4])
    G = zo.ad.graph(lambda x, A: np.tanh(A @ x) * 2.0, x, args=(A,), cotangent=np.array([1.0, -1.0]))
    assert [n.label for n in G.nodes] == ["x0", "@", "tanh", "* 2"]
    y = np.tanh(A @ x)
    np.testing.assert_allclose(G.nodes[0].adjoint, A.T @ ((1 - y ** 2) * 2.0 * np.array([1.0, -1.0])), rtol=1e-14)
    assert G.nodes[0].tangent is None
    g = zo.ad.graph(lambda x: np.sum(x ** 2), x)
    np.testing.assert_allclose(g.nodes[0].adjoint, 2 * x)


def test_graph_errors_name_the_argument():
    with pytest.raises(ValueError, match="cotangent"):
        zo.ad.graph(lambda x: x * 2.0, np.ones(2))
    with pytest.raises(ValueError, match="names"):
        zo.ad.graph(L, 2.0, 3.0, names=["w1"])
    with pytest.raises(ValueError, match="direction"):
        zo.ad.graph(L, 2.0, 3.0, direction=[1.0])
    with pytest.raises(ValueError, match=r"direction\[0\]"):
        zo.ad.graph(L, 2.0, 3.0, direction=[np.ones(2), 0.0])
    with pytest.raises(TypeError, match="does not depend"):
        zo.ad.graph(lambda x: 3.0, 1.0)
