"""zeroopt.ad: reverse-mode (and forward-mode) automatic differentiation of plain numpy code.

    zo.value_and_grad(fun)(x, *args) -> (f, g)     zo.grad(fun)(x, *args) -> g
    zo.vjp(fun, x, *args) -> (y, vjp_fn)           zo.jvp(fun, x, v, *args) -> (y, Jv)
    zo.jacobian(fun, mode="rev"|"fwd")(x, *args)   zo.hvp(fun)(x, v, *args)   zo.hessian(fun)(x, *args)

The same ``fun(x, *args)`` that numba compiles is run with a traced array in place of ``x``; the
derivative rules are in :mod:`zeroopt.ad.rules`, the tracer and tape in :mod:`zeroopt.ad.core`.
Hessians are forward-over-reverse. :func:`check_grads` tests derivatives against central differences.
"""

from . import rules  # noqa: F401  (registers the rules)
from .api import grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from .check import check_grads
from .checkpoint import checkpoint
from .core import Tracer
from .graph import Graph, GraphNode, graph

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "jacobian", "hvp", "hessian", "check_grads", "Tracer", "graph", "Graph",
           "GraphNode", "checkpoint"]
