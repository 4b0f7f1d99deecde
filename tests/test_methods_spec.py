"""The method table: every method declares a complete spec, minimize passes its options on (and refuses
unknown ones), a method can be added without editing minimize, and every method in the table keeps the
contract (exact counts, an honest status, x0 untouched)."""

import inspect

import numpy as np
import pytest
from conftest import counting_problem

import zeroopt as zo
from zeroopt.optimize import METHODS, Method, Option
from zeroopt.problems import quadratic_fun
from zeroopt.status import TEMPLATES


def quad(n=5, seed=0):
    p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=seed)
    return zo.Problem(quadratic_fun, n, args=p.args, x_star=p.x_star, f_star=0.0, mu=1.0, L=10.0)


# --- the specs ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(METHODS))
def test_every_method_declares_a_complete_spec(name):
    spec = METHODS[name]
    assert isinstance(spec, Method) and callable(spec.function) and spec.summary
    assert isinstance(spec.writes_x0, bool)
    if spec.takes_oracle:
        assert isinstance(spec.default_oracle(5, 100), zo.Oracle)
    else:
        assert spec.oracle is None
    # the function takes the run, then exactly what the spec declares: no undeclared parameter
    params = list(inspect.signature(spec.function).parameters)
    declared = ["step"] * spec.takes_step + ["jit"] * spec.jitted + list(spec.options)
    assert params[0] == "run" and sorted(params[1:]) == sorted(declared), (params, declared)
    for option_name, option in spec.options.items():
        assert isinstance(option, Option) and option.doc
        assert option.check(option.default, option_name) == option.default  # the default passes its own check
    with pytest.raises(TypeError):
        spec.options["new"] = Option(0, lambda v, n: v)  # the spec is read-only


def test_a_spec_that_contradicts_its_function_is_refused():
    def method(run, step):
        pass

    with pytest.raises(TypeError, match="jit"):
        Method(method, oracle=zo.TwoPoint, takes_oracle=True, takes_step=True, jitted=True)
    with pytest.raises(TypeError, match="momentum"):
        Method(method, oracle=zo.TwoPoint, takes_oracle=True, takes_step=True, jitted=False,
               options={"momentum": Option(0.0, lambda v, n: v, "beta")})
    with pytest.raises(ValueError, match="takes_oracle"):
        Method(method, oracle=None, takes_oracle=True, takes_step=True, jitted=False)
    with pytest.raises(TypeError, match="takes_step"):
        Method(method, oracle=zo.TwoPoint, takes_oracle=True, takes_step=1, jitted=False)


# --- options ---------------------------------------------------------------------------------------------
def test_an_unknown_option_is_named_with_the_methods_options():
    with pytest.raises(ValueError, match=r"unknown option 'ordr' for method='coordinate'; its options: order"):
        zo.minimize(quad(), np.zeros(5), method="coordinate", options={"ordr": "random"})
    with pytest.raises(ValueError, match=r"unknown option 'momentum' for method='newton'.*has no options"):
        zo.minimize(quad(), np.zeros(5), method="newton", options={"momentum": 0.9})
    with pytest.raises(ValueError, match=r"unknown option 'beta' for method='gd'; its options: momentum"):
        zo.minimize(quad(), np.zeros(5), options={"beta": 0.9})
    with pytest.raises(TypeError, match="options must be a dict"):
        zo.minimize(quad(), np.zeros(5), method="coordinate", options=["order"])


def test_an_options_value_is_checked_where_the_option_is_defined():
    with pytest.raises(ValueError, match=r"options\['order'\] must be one of 'cyclic', 'random'; got 'zigzag'"):
        zo.minimize(quad(), np.zeros(5), method="coordinate", options={"order": "zigzag"})
    with pytest.raises(ValueError, match=r"^order must be one of"):  # given by its alias: named so
        zo.minimize(quad(), np.zeros(5), method="coordinate", order=3)


def test_order_is_an_alias_of_the_order_option():
    def run(**kw):
        return zo.minimize(quad(), np.ones(5), method="coordinate", maxiter=40, seed=2, **kw)

    alias, option = run(order="random"), run(options={"order": "random"})
    both, cyclic = run(order="random", options={"order": "random"}), run()
    assert np.array_equal(alias.x, option.x) and np.array_equal(alias.x, both.x) and alias.nfev == option.nfev
    assert not np.array_equal(alias.x, cyclic.x)  # the option reached the method
    assert np.array_equal(cyclic.x, run(order="cyclic").x)
    with pytest.raises(ValueError, match=r"order='cyclic' and options\['order'\]='random' disagree"):
        run(order="cyclic", options={"order": "random"})
    with pytest.raises(ValueError, match=r"unknown option 'order' for method='gd'"):
        zo.minimize(quad(), np.ones(5), order="random", maxiter=3)


def test_a_method_is_added_without_editing_minimize(monkeypatch):
    """A function and its spec in the table: minimize finds it, checks its option, passes it on."""
    def halved_gd(run, step, shrink):
        while True:
            est, _ = run.begin()
            run.move(run.x - (shrink * step) * est.grad)
            run.after_iteration()

    def positive(value, name):
        return zo._checks.positive_float(value, name)

    spec = Method(halved_gd, oracle=zo.CoordinateFD, takes_oracle=True, takes_step=True, jitted=False,
                  options={"shrink": Option(1.0, positive, "a factor on the step")}, summary="a test method")
    monkeypatch.setitem(METHODS, "halved", spec)
    r = zo.minimize(quad(), np.ones(5), method="halved", step=0.05, options={"shrink": 0.5}, maxiter=30)
    ref = zo.minimize(quad(), np.ones(5), zo.CoordinateFD(), step=0.025, maxiter=30, jit=False)
    assert r.method == "halved" and np.array_equal(r.x, ref.x) and r.nfev == ref.nfev
    with pytest.raises(ValueError, match=r"options\['shrink'\] must be a finite number > 0"):
        zo.minimize(quad(), np.ones(5), method="halved", step=0.05, options={"shrink": -1.0})
    with pytest.raises(ValueError, match="jit=True, but method='halved' runs in Python"):
        zo.minimize(quad(), np.ones(5), method="halved", step=0.05, jit=True)


# --- every method keeps the contract -------------------------------------------------------------------
@pytest.mark.parametrize("end", [dict(maxiter=7), dict(maxiter=10_000, max_nfev=60), dict(maxiter=3000, tol=1e-3)],
                         ids=["maxiter", "max_nfev", "tol"])
@pytest.mark.parametrize("name", sorted(METHODS))
def test_every_method_keeps_the_contract(name, end):
    """Counts exact, status honest, x0 untouched - for every method in the table (new ones included).

    With record="none" nothing is measured outside the method, so the objective's own call counter is
    nfev, plus the passes of the objective that AD makes: one per exact gradient (ngev), n per Hessian
    (forward-over-reverse, nhev)."""
    p, counts = counting_problem(quad())
    x0 = np.full(p.dim, 0.5)
    kept = x0.copy()
    r = zo.minimize(p, x0, method=name, record="none", **end)
    spec = METHODS[name]
    assert r.method == name
    assert counts.sum() == r.nfev + r.ngev + p.dim * r.nhev and p.nfev == r.nfev
    if not spec.writes_x0:
        assert np.array_equal(x0, kept)
    # the status, success and message agree
    assert isinstance(r.status, zo.Status) and r.success == (r.status is zo.Status.CONVERGED)
    head = TEMPLATES[r.status].split("{what}")[0]
    assert r.message.startswith(head) and r.message == r.status.message(what=r.status.detail(r.message))
    assert r.nit <= end["maxiter"] and (r.status is not zo.Status.MAXITER or r.nit == end["maxiter"])
    if "max_nfev" in end:
        assert r.nfev <= end["max_nfev"]
    else:
        assert r.status is not zo.Status.MAXFEV
    if r.status is zo.Status.MAXFEV:
        assert f"max_nfev = {end['max_nfev']}" in r.message
    assert r.fun == p.value(r.x, count=False)  # record="none": the last counted f(x_k)


def test_a_method_reads_the_run_and_cannot_write_its_state(monkeypatch):
    def rogue(run):
        run.k += 1  # the iteration count belongs to the run (after_iteration, absorb)

    monkeypatch.setitem(METHODS, "rogue", Method(rogue, oracle=zo.ExactAD, takes_oracle=True, takes_step=False,
                                                 jitted=False, summary="writes the run's state"))
    with pytest.raises(AttributeError):
        zo.minimize(quad(), np.ones(5), method="rogue", maxiter=3)
