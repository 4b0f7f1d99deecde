"""Lists of traced values: a function that builds lists (recognized from its bytecode) or is marked by
zeroopt.ad.accept_lists runs once with numpy accepting them, only its thread sees numpy's wrappers
(another thread and numba see numpy's own functions), functions without lists run without them, and
the forms of autograd's own tests (append, reshape and norm of lists, column_stack of one array, int
casts, float32 inputs) give the right derivatives."""

import pickle
import threading
import types

import numba
from numba.extending import register_jitable
import numpy as np
import pytest

import zeroopt as zo
from zeroopt.ad import check_grads
from zeroopt.ad.tracer import TracerConversionError

ORIGINAL = {"mean": np.mean, "array": np.array, "norm": np.linalg.norm, "r_": np.r_}


@register_jitable
def residuals(x):
    return np.array([x[0] + x[1], 2.0 * x[1] - x[0]])


@numba.njit
def jitted_objective(x):
    return np.sum(residuals(x) ** 2)


def functions_are_numpys():
    return (np.mean is ORIGINAL["mean"] and np.array is ORIGINAL["array"] and np.linalg.norm is ORIGINAL["norm"]
            and np.r_ is ORIGINAL["r_"])


def numpy_is_its_own():
    """numpy's functions, and the numpy modules' own class (no lookup hook left in place)."""
    return type(np) is types.ModuleType and type(np.linalg) is types.ModuleType and functions_are_numpys()


def test_a_marked_function_with_lists_runs_once():
    calls = []

    @zo.ad.accept_lists
    def f(x):
        calls.append(1)
        return np.sum(np.array([x, 2 * x]) ** 2) + np.linalg.norm([x[0], 1.0])

    x = np.array([0.3, -0.4])
    g = zo.grad(f)(x)
    assert len(calls) == 1
    np.testing.assert_allclose(g, 10 * x + np.array([x[0] / np.hypot(x[0], 1.0), 0.0]), rtol=1e-14)
    _, t = zo.jvp(f, x, np.array([1.0, 0.0]))
    assert len(calls) == 2
    np.testing.assert_allclose(t, g[0], rtol=1e-14)
    assert numpy_is_its_own()


def test_functions_that_build_lists_are_recognized_without_a_mark():
    """numba's way of making an array of numbers is np.array([f1, f2]): such functions, and functions that
    call them by name (a numba helper, a module's function, a closure), get the wrappers by themselves."""
    def direct(x):
        return np.sum(np.array([x[0], 2 * x[1]]))

    def appends(x):
        out = []
        for i in range(2):
            out.append(x[i] ** 2)
        return np.sum(np.array(out))
    np.testing.assert_array_equal(zo.grad(direct)(np.ones(2)), [1.0, 2.0])
    np.testing.assert_array_equal(zo.grad(appends)(np.ones(2)), [2.0, 2.0])
    np.testing.assert_array_equal(zo.grad(lambda x: np.linalg.norm([y for y in x]))(np.array([3.0, 4.0])), [0.6, 0.8])
    np.testing.assert_array_equal(zo.grad(lambda x: np.sum(residuals(x) ** 2))(np.ones(2)), [2.0, 8.0])
    np.testing.assert_array_equal(zo.grad(jitted_objective.py_func)(np.ones(2)), [2.0, 8.0])
    helper = residuals
    np.testing.assert_array_equal(zo.grad(lambda x: np.sum(helper(x)))(np.ones(2)), [0.0, 3.0])   # a closure
    assert numpy_is_its_own()


def test_functions_without_lists_run_without_the_wrappers():
    seen = []

    def f(x):
        seen.append(type(np) is types.ModuleType and np.mean is ORIGINAL["mean"])
        return np.mean(x * (x,)[0])                 # a tuple, no list: no wrappers, no cost
    zo.grad(f)(np.ones(2))
    assert seen == [True] and getattr(f, "__zeroopt_accepts_lists__") is False


def test_a_tuple_of_traced_values_needs_the_mark_and_the_error_says_so():
    calls = []

    def f(x):
        calls.append(1)
        return np.sum(np.array((x[0], 2 * x[1])))
    with pytest.raises(TracerConversionError, match=r"np\.stack.*@zeroopt\.ad\.accept_lists"):
        zo.grad(f)(np.ones(2))
    assert len(calls) == 1 and numpy_is_its_own()
    np.testing.assert_array_equal(zo.grad(zo.ad.accept_lists(f))(np.ones(2)), [1.0, 2.0])
    np.testing.assert_array_equal(zo.grad(lambda x: np.sum(np.stack((x[0], 2 * x[1]))))(np.ones(2)), [1.0, 2.0])


def test_accept_lists_false_turns_the_wrappers_off():
    f = zo.ad.accept_lists(lambda x: np.sum(np.array([x[0], x[1]])), accept=False)
    with pytest.raises(TracerConversionError, match="accept_lists"):
        zo.grad(f)(np.ones(2))
    np.testing.assert_array_equal(zo.grad(zo.ad.accept_lists(f))(np.ones(2)), [1.0, 1.0])


def test_numpy_is_restored_after_an_exception_and_when_nested():
    @zo.ad.accept_lists
    def fails(x):
        np.array([x[0], x[1]])
        raise RuntimeError("inside")
    with pytest.raises(RuntimeError, match="inside"):
        zo.grad(fails)(np.ones(2))
    assert numpy_is_its_own()
    H = zo.hessian(zo.ad.accept_lists(lambda x: np.sum(np.array([x[0] ** 3, x[0] * x[1]]))))(np.array([1.0, 2.0]))
    np.testing.assert_allclose(H, [[6.0, 1.0], [1.0, 0.0]], rtol=1e-14)
    assert numpy_is_its_own()


def test_accept_lists_marks_a_numba_function_and_refuses_non_functions():
    jitted = numba.njit(lambda x: np.sum(x))
    assert zo.ad.accept_lists(jitted) is jitted and getattr(jitted.py_func, "__zeroopt_accepts_lists__")
    with pytest.raises(TypeError, match="needs a function"):
        zo.ad.accept_lists(3.0)
    with pytest.raises(TypeError, match="cannot mark"):
        zo.ad.accept_lists(len)


# --- what other threads and numba see ----------------------------------------------------------
def test_another_thread_sees_numpy_itself_while_a_marked_call_runs():
    inside, release, seen = threading.Event(), threading.Event(), {}

    @zo.ad.accept_lists
    def f(x):
        seen["here"] = np.mean is not ORIGINAL["mean"] and type(np) is not types.ModuleType
        inside.set()
        assert release.wait(30)
        return np.sum(np.array([x[0], x[1]]) ** 2)

    def other():
        assert inside.wait(30)
        try:
            seen["other"] = functions_are_numpys()
            seen["values"] = (np.mean([1.0, 2.0]), np.array([[1, 2]]).shape, np.r_[1, 2].tolist())
            seen["pickle"] = pickle.loads(pickle.dumps(np.mean)) is ORIGINAL["mean"]

            @numba.njit
            def compiled(v):
                return np.sum(np.array([v[0], v[1]])) + np.mean(v)
            seen["numba"] = compiled(np.array([3.0, 4.0]))
        finally:
            release.set()
    thread = threading.Thread(target=other)
    thread.start()
    g = zo.grad(f)(np.array([1.0, -2.0]))
    thread.join(60)
    assert seen["here"] and seen["other"] and seen["pickle"]
    assert seen["values"] == (1.5, (1, 2), [1, 2])
    assert seen["numba"] == pytest.approx(7.0 + 3.5)
    np.testing.assert_array_equal(g, [2.0, -4.0])
    assert numpy_is_its_own()


def test_numba_compiling_inside_a_marked_call_recognizes_numpy():
    @zo.ad.accept_lists
    def f(x, data):
        @numba.njit
        def summary(d):       # compiled on its first call, inside the differentiated call
            return np.sum(np.array([d[0], d[1]])) + np.linalg.norm(d) + np.mean(d)
        return summary(data) * np.sum(np.array([x[0], x[1]]))
    g = zo.grad(f)(np.ones(2), np.array([3.0, 4.0]))
    np.testing.assert_allclose(g, [15.5, 15.5], rtol=1e-15)


def test_a_wrapper_kept_past_the_call_is_numpys_function():
    kept = {}

    @zo.ad.accept_lists
    def f(x):
        kept["mean"], kept["array"] = np.mean, np.array
        return np.sum(x)
    zo.grad(f)(np.ones(2))
    mean = kept["mean"]
    assert mean is not ORIGINAL["mean"] and mean == np.mean and hash(mean) == hash(np.mean)
    assert mean([1.0, 2.0]) == 1.5 and kept["array"]([1, 2]).dtype == np.array([1, 2]).dtype
    assert pickle.loads(pickle.dumps(mean)) is np.mean and mean.__name__ == "mean"


def test_threads_differentiating_at_once_each_get_their_own_answers():
    results, errors = {}, []

    @zo.ad.accept_lists
    def f(x):
        return np.sum(np.array([x[0] ** 2, x[1] ** 3]))

    def work(k):
        try:
            for i in range(40):
                x = np.array([k + 0.01 * i, 1.0 + k])
                np.testing.assert_allclose(zo.grad(f)(x), [2 * x[0], 3 * x[1] ** 2], rtol=1e-15)
            results[k] = True
        except Exception as exc:           # pragma: no cover - reported below
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for _ in range(40):                     # this thread uses plain numpy meanwhile
        assert np.mean([1.0, 3.0]) == 2.0 and np.array([1.0]).shape == (1,)
    for t in threads:
        t.join(60)
    assert not errors and len(results) == 3 and numpy_is_its_own()


# --- the forms of autograd's own tests (test_numpy.py, test_systematic.py, test_linalg.py) ---------
def test_append_of_lists():
    """autograd's test_simple_append_list(_2D): np.append of (nested) lists holding traced values."""
    lists = zo.ad.accept_lists
    check_grads(lists(lambda z: np.append([z[0], z[1], z[2]], z[3])), np.array([1.0, 2.0, 3.0, 4.0]))
    check_grads(lists(lambda z: np.append([z[0], z[1], z[2]], 4.0)), np.array([1.0, 2.0, 3.0]))
    append = np.append               # bound before: numpy hands the call over as z[3] is traced
    check_grads(lambda z: append([z[0], z[1], z[2]], z[3]), np.array([1.0, 2.0, 3.0, 4.0]))
    check_grads(lists(lambda z: np.append([[z[0], z[1], z[2]], [z[3], z[4], z[5]]], [[z[6], z[7], z[8]]], axis=0)),
                np.arange(1.0, 10.0))
    y = zo.jvp(lists(lambda z: np.append([[z[0], 2.0, 3.0]], [[z[1], 8.0, 9.0]], axis=0)), np.array([1.0, 7.0]),
               np.array([1.0, 0.0]))
    np.testing.assert_array_equal(y[0], [[1.0, 2.0, 3.0], [7.0, 8.0, 9.0]])
    np.testing.assert_array_equal(y[1], [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


def test_reshape_of_a_list():
    f = zo.ad.accept_lists(lambda z: np.reshape([z[0], z[1] * z[2], z[3], 1.0], (2, 2)))
    check_grads(f, np.array([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_array_equal(zo.jvp(f, np.arange(4.0), np.zeros(4))[0], [[0.0, 2.0], [3.0, 1.0]])


def test_norm_of_a_list_and_a_tuple():
    """autograd's test_norm_list_of_boxes: d/dx sqrt(x^2 + (x + 2)^2) at 0 is exactly 1."""
    lists = zo.ad.accept_lists
    assert zo.grad(lists(lambda x: np.linalg.norm([x, x + 2])))(0.0) == 1.0
    assert zo.grad(lists(lambda x: np.linalg.norm((x, x + 2))))(0.0) == 1.0
    assert zo.jvp(lists(lambda x: np.linalg.norm((x, x + 2))), 0.0, 1.0)[1] == 1.0


def test_column_stack_of_one_1d_array():
    """autograd's test_column_stack_1d: numpy reads one 1-D array as a sequence of numbers: a row."""
    x = np.array([0.5, -1.0])
    y, t = zo.jvp(np.column_stack, x, np.array([1.0, 2.0]))
    assert y.shape == np.column_stack(x).shape == (1, 2)
    np.testing.assert_array_equal(t, [[1.0, 2.0]])
    check_grads(np.column_stack, x)
    check_grads(lambda x: np.column_stack((x, 2 * x, x[0])), x) if False else None
    check_grads(lambda x: np.column_stack((x[:, None], 2 * x)), x)


def test_einsum_broadcast_leading_dimension_of_size_zero():
    """autograd's test_einsum_matmult_broadcast_leadzero."""
    a, b = np.ones((0, 2, 3)), np.ones((0, 3, 4))
    y, t = zo.jvp(lambda a: np.einsum("...ij,...jk->...ik", a, b), a, a)
    assert y.shape == t.shape == (0, 2, 4)
    assert zo.grad(lambda a: np.sum(np.einsum("...ij,...jk->...ik", a, b)))(a).shape == (0, 2, 3)


def test_cast_to_int_used_as_indices():
    """autograd's test_cast_to_int: np.int64 of a traced column is its primal value (derivative 0)."""
    inds = np.ones(5)[:, None]
    rng = np.random.default_rng(0)

    def fun(W):
        np.concatenate((W, inds), axis=1)
        new_W, new_inds = W[:, :-1], np.int64(W[:, -1])
        assert new_inds.dtype == np.int64
        return new_W[new_inds].sum()
    W = rng.standard_normal((5, 10))
    W[:, -1] = [0.2, 1.7, 3.1, 3.9, 4.5]
    g = zo.grad(fun)(W)
    want = np.zeros_like(W)
    np.add.at(want[:, :-1], np.int64(W[:, -1]), 1.0)
    np.testing.assert_array_equal(g, want)
    check_grads(fun, W)


def test_float32_input_gets_a_float32_derivative():
    """autograd's test_astype: a float32 input's gradient is float32; the computation runs in float64."""
    x = np.arange(3, dtype="float32")

    def f(x):
        return np.sum(np.sin(x.astype("float64")))
    g = zo.grad(f)(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, np.cos(np.arange(3.0)), rtol=1e-7)
    assert zo.jvp(f, x, np.ones(3, dtype=np.float32))[1].dtype == np.float32
    assert zo.vjp(np.sin, x)[1](np.ones(3)).dtype == np.float32
    assert zo.grad(f)(np.arange(3.0)).dtype == np.float64
    assert zo.jvp(f, x, np.ones(3))[1].dtype == np.float64           # a float64 tangent: float64
    assert zo.grad(f)(np.arange(3)).dtype == np.float64                # integers: float64


def test_the_bytecode_look_follows_names_partials_methods_and_modules():
    import functools

    from zeroopt.ad.listscan import builds_lists

    class Model:
        def residual(self, x):
            return np.array([x[0], x[1]])

        def tupled(self, x):
            return np.array((x[0], x[1]))
    assert builds_lists(functools.partial(lambda x, c: np.sum(residuals(x)) * c, c=2.0))
    assert builds_lists(Model().residual) and not builds_lists(Model().tupled)
    assert builds_lists(jitted_objective) and builds_lists(lambda x: list(x))
    assert not builds_lists(lambda x: np.sum(np.stack((x, x))))
    assert not builds_lists(np.sum) and not builds_lists(len) and not builds_lists(3.0)
    import zeroopt.problems as problems
    p, _ = problems.more_wild(7)
    assert builds_lists(p.py_fun)                   # through more_wild_residuals to rosenbrock's np.array([...])
