"""zeroopt.ad: reverse-mode (and forward-mode) automatic differentiation of plain numpy code::

    zo.value_and_grad(fun)(x, *args) -> (f, g)
    zo.grad(fun)(x, *args) -> g
    zo.vjp(fun, x, *args) -> (y, vjp_fn)
    zo.jvp(fun, x, v, *args) -> (y, Jv)
    zo.jacobian(fun, mode="rev"|"fwd")(x, *args) -> J
    zo.hvp(fun)(x, v, *args) -> Hv
    zo.hessian(fun)(x, *args) -> H
    zo.ad.graph(fun, *inputs, args=(), names=None, direction=None,
                cotangent=None) -> Graph
    zo.ad.checkpoint(fun) -> fun, recomputed in the backward pass
    zo.ad.defvjp(fun, vjp, ...) -> fun with reverse-mode rules of your own
    zo.ad.defjvp(fun, jvp, ...) -> fun with forward-mode rules of your own
    zo.ad.accept_lists(fun, accept=True) -> fun, given (or not) numpy's
                                             wrappers for lists of traced values
    zo.ad.compiled(fun, kind="value_and_grad"|"grad"|"hvp"|"hessian")
        -> the derivative compiled by numba

The same ``fun(x, *args)`` that numba compiles is run with a traced array in place of ``x``; the
derivative rules are in the family modules listed in ``zeroopt/ad/rules.py``, the traced array
(:class:`Tracer`) in ``zeroopt/ad/tracer.py``, the tape and the one entry point of every
differentiation in ``zeroopt/ad/core.py``. Hessians are forward-over-reverse. :func:`check_grads`
tests derivatives against central differences.

What numpy code can be differentiated:

* the ufuncs of real arithmetic and elementary functions, reductions (sum, mean, var, std, prod, max,
  min), scans (cumsum, cumprod, diff, gradient, sort, partition), shapes, indexing, joining, splitting
  and padding, contractions (matmul, dot, einsum, tensordot, kron, cross, ...) and numpy.linalg (solve,
  inv, det, slogdet, pinv, norm, svd, eigh, eig with a real spectrum, cholesky), batched as numpy is;
  roots at zero (sqrt, norm, hypot, std at zero spread) take the derivative 0;
* lists and tuples holding traced values where numpy takes an array (``np.array([x, 2 * x])``,
  ``np.mean([a, b])``, ``np.r_[x, 0.0]``) in a function whose code builds lists (recognized from its
  bytecode) or that is marked by :func:`accept_lists` (about 2 us per call, and 1-3 us per numpy
  function it calls; functions without lists pay nothing);
* a traced value used where an integer or a truth value is needed (``int(x[0])``, ``np.int64(x[0])``,
  ``x[k]`` with a computed index, ``x.astype(int)``, ``if x[0]:``): its primal value serves, with
  derivative zero - the exact derivative of a piecewise-constant function, as for ``np.floor``.

An operation without a rule raises a TypeError naming it (or the library call of the user's code that
reached it) and saying what to do: write it in numpy, or add a rule with :func:`defvjp`; converting a
traced value to a plain float or array (``float(x)``, ``out[i] = x``) raises one too, since the
derivative would be lost.
"""

from . import arraylike, rules, tracer_methods  # noqa: F401  (the rules, the list support, the methods' docs)
from .api import grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from .arraylike import accept_lists
from .check import check_grads
from .checkpoint import checkpoint
from .compiler import CompiledDerivative, CompileWarning, compiled
from .custom import defjvp, defvjp
from .core import Tracer
from .graph import Graph, GraphNode, graph

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "jacobian", "hvp", "hessian", "check_grads", "Tracer", "graph", "Graph",
           "GraphNode", "checkpoint", "accept_lists", "defvjp", "defjvp", "compiled", "CompiledDerivative",
           "CompileWarning"]
