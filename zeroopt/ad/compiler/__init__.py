"""zeroopt.ad.compiler: a traced derivative compiled to straight-line numba code.

``compiled(fun, kind)`` records ``fun``'s derivative once per shape and dtype (:mod:`.record`: the
function and the derivative rules run on tracers of a recording trace, every operation kept), writes the
recording out as numba source from one template per operation (:mod:`.t_elementwise`, :mod:`.t_arrays`,
:mod:`.t_reductions`; fused elementwise loops: :mod:`.schedule`; the guards: :mod:`.t_guards`), and
compiles it (:mod:`.build`). :mod:`.function` keys, guards and retraces the compiled programs and falls
back to the traced path with one :class:`CompileWarning` where it must. :mod:`.bound` computes the
rounding bound within which the compiled and the traced derivative agree.
"""

import threading
import weakref

from .function import MAX_RETRACES, MAX_VERSIONS, NODE_LIMIT, CompiledDerivative, CompileWarning


def compiled(fun, kind="value_and_grad", node_limit=None):
    r"""``fun``'s derivative, compiled by numba once per shape and dtype, with the traced path as fallback.

    The derivative is recorded at the first point (the function and zeroopt.ad's derivative rules, run on
    traced values), written out as straight-line numba code - elementwise runs fused into loops, matrix
    products through BLAS - and compiled. Later calls with the same shapes, dtypes and extra arguments
    run the compiled code; another shape retraces. Every decision the recording took on the values (a
    branch ``if x[0] > 0``, ``int(x[0])``, a comparison used as a mask, ``argmax``, ``argsort``) is
    checked again on each call, and a call where one differs records the function again (a retrace) and
    keeps up to ``MAX_VERSIONS`` (8) programs per shape. What the compiler cannot follow (an operation
    without a template, a decision it cannot check, a recording larger than ``node_limit``, more than
    ``MAX_RETRACES`` (32) retraces of one shape) runs on the traced path, with one
    :class:`CompileWarning` saying why.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> scalar``, plain numpy code (as for :func:`zeroopt.grad`).
    kind : {"value_and_grad", "grad", "hvp", "hessian"}
        What the returned function computes: ``(f, g)``, ``g``, ``H v`` (called as ``(x, v, *args)``), or
        the Hessian ``H`` (one compiled Hessian-vector product per column, with everything that does not
        depend on the direction computed once).
    node_limit : int, optional
        Recordings with more operations than this are not compiled (default ``NODE_LIMIT``, 2000):
        numba's compile time grows with the program.

    Returns
    -------
    CompiledDerivative
        Callable as ``(x, *args)`` (hvp: ``(x, v, *args)``), with ``stats`` (calls, compiled, traced,
        retraces, guard_failures) and ``versions()`` (each compiled program's size and compile time).

    Raises
    ------
    ValueError
        An unknown ``kind``.
    TypeError
        ``fun`` is not callable; a call raises what the traced path raises.

    See Also
    --------
    zeroopt.value_and_grad : the traced path, the reference.
    zeroopt.ExactAD : ``ExactAD(compiled=True)`` uses the compiled gradient.

    Notes
    -----
    The compiled derivative evaluates the same operations as the traced one, in another order (fused
    loops, sequential sums) and with the C math library instead of numpy's vectorized functions: the
    two agree within the rounding bound of the recorded program,
    :math:`B = \sum_k \langle |\partial y/\partial v_k|, e_k\rangle` over its operations
    :math:`v_k` (:math:`e_k` the rounding error one evaluation of operation k can make), derived in
    the mathematical reference ("The compiled derivative", after Higham 2002, sec. 3.1 and 4.2).
    Arguments: float arrays among ``args`` are inputs of the compiled code; integer and boolean arrays
    are checked by content at every call; numbers, strings and None are part of the key; other
    arguments fall back. Arrays read from globals or closures are constants of the compiled code, as
    numba's. The generated source and numba's machine code are cached on disk (``ZEROOPT_AD_CACHE``).

    References
    ----------
    N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM, 2002.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> vg = zo.ad.compiled(lambda x, A: 0.5 * x @ (A @ x))
    >>> f, g = vg(np.ones(2), np.diag([1.0, 3.0]))
    >>> float(f), g
    (2.0, array([1., 3.]))
    >>> vg.stats["compiled"]
    1
    """
    return CompiledDerivative(fun, kind, node_limit)


#: the shared compiled derivatives of functions (zeroopt.ExactAD(compiled=True) uses them)
_SHARED = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def shared(fun, kind="value_and_grad"):
    """The one :class:`CompiledDerivative` of ``fun`` and ``kind`` in this process (every problem and
    oracle using ``fun`` shares its programs); a fresh one if ``fun`` cannot be weakly referenced."""
    try:
        per_fun = _SHARED.get(fun)
    except TypeError:
        return CompiledDerivative(fun, kind)
    if per_fun is None or kind not in per_fun:
        with _SHARED_LOCK:
            per_fun = _SHARED.setdefault(fun, {})
            if kind not in per_fun:
                per_fun[kind] = CompiledDerivative(fun, kind, weak=True)
    return per_fun[kind]


__all__ = ["compiled", "CompiledDerivative", "CompileWarning", "NODE_LIMIT", "MAX_VERSIONS", "MAX_RETRACES"]
