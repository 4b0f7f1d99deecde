"""The AD API (JAX's conventions): ``value_and_grad`` is the primitive, the rest are thin wrappers.

Every function takes ``fun(x, *args)``: ``x`` (any shape) is differentiated, ``args`` are constants and
are never traced. Gradients, VJPs and JVPs have the shape of ``x`` resp. of the output; Jacobians
have shape ``y.shape + x.shape``. Hessians are forward-over-reverse: ``hvp`` pushes a tangent through
the reverse pass (one forward-mode pass over the gradient computation), ``hessian`` does that for each
basis vector.
"""

from __future__ import annotations

from .core import Tracer, make_jvp, make_vjp, shape_of
from .numpy_names import np


def _input(x, name="x"):
    if type(x) is Tracer:
        return x
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a real array, got {type(x).__name__}: {exc}") from None
    return arr


def _dtype(x, v=None):
    """The dtype of derivatives with respect to ``x`` (along ``v``): float32 (or float16) when they are,
    so that a float32 input gets a float32 gradient, as numpy users expect; float64 otherwise."""
    d = getattr(x, "dtype", None) if type(x) is not Tracer else None
    if d is None or d.kind != "f" or d.itemsize >= 8:
        return np.float64
    if v is None:
        return d
    dv = _dtype(v)
    return np.float64 if dv is np.float64 else np.result_type(d, dv)


def _plain(value, shape, dtype=np.float64):
    """A fresh array of ``shape`` from a cotangent/tangent (None means zero)."""
    if value is None:
        return np.zeros(shape, dtype=dtype)
    if type(value) is Tracer:
        return value
    if getattr(value, "shape", None) == shape:
        return np.array(value, dtype=dtype)
    return np.array(np.broadcast_to(value, shape), dtype=dtype)


_ONE = np.float64(1.0)


def _shape(y):
    shape = getattr(y, "shape", None)          # ndarray, numpy scalar, Tracer: no call of np.shape
    return np.shape(y) if shape is None else shape


def vjp(fun, x, *args):
    r"""The value and the vector-Jacobian product function of ``fun`` at ``x`` (reverse mode).

    ``vjp_fn(g) = J(x)' g`` pulls a cotangent back to x's shape; the tape is recorded once, and
    ``vjp_fn`` may be called many times (one backward pass each).

    Parameters
    ----------
    fun : callable
        ``fun(x, *args)``, plain numpy code returning one array or scalar.
    x : array_like
        The point (any shape); differentiated.
    *args
        Constants passed to ``fun``, never traced.

    Returns
    -------
    y : ndarray or float
    vjp_fn : callable
        ``vjp_fn(g) -> ndarray`` of x's shape, for a cotangent ``g`` of y's shape.

    Raises
    ------
    TypeError
        ``fun`` uses an operation without a derivative rule (the message names it), returns a tuple, or
        ``x`` is not real; ``vjp_fn`` raises ValueError for a cotangent of the wrong shape.

    See Also
    --------
    jvp : The Jacobian-vector product, forward mode.
    jacobian : The whole Jacobian.

    Notes
    -----
    Reverse mode [GW08]_: a backward pass returns :math:`\bar x = J(x)^\top \bar y`, at a small constant
    multiple of the cost of :math:`f` whatever the size of :math:`x`.

    References
    ----------
    .. [GW08] A. Griewank, A. Walther. *Evaluating Derivatives*, 2nd ed. SIAM, 2008.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> y, back = zo.vjp(lambda x: np.sin(x) * 2.0, np.zeros(3))
    >>> back(np.ones(3))
    array([2., 2., 2.])
    """
    dtype = _dtype(x)
    x = _input(x)
    tape = make_vjp(fun, (x,) + args)
    y = tape.value
    xshape, yshape = shape_of(x), _shape(y)

    def vjp_fn(g):
        if type(g) is not Tracer:
            g = np.asarray(g, dtype=np.float64)
            if g.shape != yshape:
                raise ValueError(f"the cotangent must have the output's shape {yshape}, got {g.shape}")
        return _plain(tape.vjp(g)[0], xshape, dtype)

    return y, vjp_fn


def value_and_grad(fun):
    r"""``value_and_grad(fun)(x, *args) -> (f, g)``: the value and the gradient in one reverse pass.

    ``f = fun(x, *args)`` must be a scalar; ``g = grad f(x)`` has the shape of x.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> scalar``, plain numpy code.

    Returns
    -------
    callable
        ``(x, *args) -> (f, g)``.

    Raises
    ------
    TypeError
        (when called) ``fun`` returns an array, or uses an operation without a rule (named).

    See Also
    --------
    grad : The gradient alone.
    zeroopt.ExactAD : The gradient as an oracle of zeroopt.minimize.

    Notes
    -----
    :math:`\nabla f(x) = J(x)^\top \cdot 1`, one backward pass: by the cheap-gradient principle [GW08]_ a
    small constant multiple of one evaluation of :math:`f` (benchmarks/ad.py: 2-4 for :math:`n \ge 1000`).

    References
    ----------
    .. [GW08] A. Griewank, A. Walther. *Evaluating Derivatives*, 2nd ed. SIAM, 2008.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> quad = zo.value_and_grad(lambda x, A: 0.5 * x @ (A @ x))
    >>> f, g = quad(np.ones(2), np.diag([1.0, 3.0]))
    >>> float(f), g
    (2.0, array([1., 3.]))
    """
    def value_and_grad_fun(x, *args):
        dtype = _dtype(x)
        x = _input(x)
        tape = make_vjp(fun, (x,) + args)
        y = tape.value
        shape = _shape(y)
        if shape != ():
            raise TypeError(f"grad needs fun to return a scalar; {getattr(fun, '__name__', 'fun')} returned "
                            f"an array of shape {shape} (use jacobian or vjp for vector outputs)")
        return y, _plain(tape.vjp(_ONE)[0], shape_of(x), dtype)
    return value_and_grad_fun


def grad(fun):
    r"""``grad(fun)(x, *args)``: the gradient of the scalar ``fun`` with respect to ``x`` (reverse mode).

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> scalar``.

    Returns
    -------
    callable
        ``(x, *args) -> ndarray`` of x's shape.

    Raises
    ------
    TypeError
        (when called) as :func:`value_and_grad`.

    See Also
    --------
    value_and_grad : The value and the gradient in one pass (its Notes give the formula and the cost).
    zeroopt.ad.check_grads : Checks a gradient against differences.

    Examples
    --------
    The lecture notes' drill f(x) = <x, Ax> - b'x has gradient (A + A') x - b (lecture notes 000):

    >>> import numpy as np, zeroopt as zo
    >>> A, b = np.array([[1.0, 2.0], [0.0, 3.0]]), np.array([1.0, -1.0])
    >>> zo.grad(lambda x: x @ (A @ x) - b @ x)(np.array([1.0, 1.0]))
    array([3., 9.])
    """
    vg = value_and_grad(fun)

    def grad_fun(x, *args):
        return vg(x, *args)[1]
    return grad_fun


def jvp(fun, x, v, *args):
    r"""``(y, J(x) v)`` by forward mode: one pass of ``fun`` carrying the tangent ``v``.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args)``.
    x, v : array_like
        The point and the tangent, of the same shape.
    *args
        Constants.

    Returns
    -------
    y : ndarray or float
    Jv : ndarray
        Of y's shape.

    Raises
    ------
    ValueError
        ``v`` does not have x's shape.
    TypeError
        An operation without a rule (named).

    See Also
    --------
    vjp : The vector-Jacobian product, reverse mode.
    hvp : A JVP of the gradient.

    Notes
    -----
    Forward mode [GW08]_ carries :math:`\dot v_i = (\partial v_i / \partial x)\,v` through every operation
    and returns :math:`\dot y = J(x)\,v`, at a small constant multiple of the cost of :math:`f`, no tape.

    References
    ----------
    .. [GW08] A. Griewank, A. Walther. *Evaluating Derivatives*, 2nd ed. SIAM, 2008.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> zo.jvp(lambda x: x ** 2, np.array([1.0, 2.0]), np.array([1.0, 0.0]))[1]
    array([2., 0.])
    """
    dtype = _dtype(x, v)
    x = _input(x)
    v = _input(v, "v")
    xshape = x.shape if type(x) is Tracer else np.shape(x)
    vshape = v.shape if type(v) is Tracer else np.shape(v)
    if vshape != xshape:
        raise ValueError(f"the tangent v must have the shape of x, {xshape}; got {vshape}")
    y, tangent = make_jvp(fun, (x,) + args, (0,), (v,))
    yshape = y.shape if type(y) is Tracer else np.shape(y)
    return y, _plain(tangent, yshape, dtype)


def jacobian(fun, mode="rev"):
    r"""``jacobian(fun, mode)(x, *args)``: the Jacobian, shape ``y.shape + x.shape``.

    Parameters
    ----------
    fun : callable
    mode : {"rev", "fwd"}
        One VJP per output entry (cheap when outputs are few), or one JVP per input entry.

    Returns
    -------
    callable
        ``(x, *args) -> ndarray`` of shape ``y.shape + x.shape``.

    Raises
    ------
    ValueError
        An unknown mode.

    See Also
    --------
    jvp : One column.
    vjp : One row.

    Notes
    -----
    For :math:`f: \mathbb R^n \to \mathbb R^m`, reverse mode builds :math:`J` by rows :math:`J^\top e_k`
    (:math:`m` backward passes), forward mode by columns :math:`J e_j` (:math:`n` passes) [GW08]_: reverse
    is cheaper when :math:`m < n`, forward when :math:`m > n` (lecture notes 001, Figure 35).

    References
    ----------
    .. [GW08] A. Griewank, A. Walther. *Evaluating Derivatives*, 2nd ed. SIAM, 2008.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> A = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 4.0]])
    >>> J = zo.jacobian(lambda x: A @ x, mode="fwd")(np.ones(3))
    >>> bool(np.array_equal(J, A))
    True
    """
    if mode not in ("rev", "fwd"):
        raise ValueError(f"mode must be 'rev' or 'fwd', got {mode!r}")

    def jacobian_fun(x, *args):
        x = _input(x)
        xshape = x.shape if type(x) is Tracer else np.shape(x)
        n = int(np.prod(xshape))
        if mode == "rev":
            y, vjp_fn = vjp(fun, x, *args)
            yshape = y.shape if type(y) is Tracer else np.shape(y)
            m = int(np.prod(yshape))
            rows = [vjp_fn(np.eye(1, m, k).reshape(yshape)) for k in range(m)]
            return np.reshape(np.stack(rows), yshape + xshape) if rows else np.zeros(yshape + xshape)
        cols = [jvp(fun, x, np.eye(1, n, j).reshape(xshape), *args)[1] for j in range(n)]
        yshape = cols[0].shape if cols else np.shape(fun(x, *args))
        return np.reshape(np.stack(cols, axis=-1), yshape + xshape) if cols else np.zeros(yshape + xshape)

    return jacobian_fun


def hvp(fun):
    r"""``hvp(fun)(x, v, *args) = H(x) v``, forward-over-reverse: one JVP of the gradient.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> scalar``.

    Returns
    -------
    callable
        ``(x, v, *args) -> ndarray`` of x's shape.

    Raises
    ------
    TypeError, ValueError
        (when called) as :func:`grad` and :func:`jvp`.

    See Also
    --------
    hessian : The whole Hessian.
    grad : The gradient it differentiates.

    Notes
    -----
    Forward over reverse [GW08]_: the JVP of the gradient along :math:`v`,
    :math:`\nabla^2 f(x)\,v = \frac{d}{dt}\nabla f(x + tv)|_{t=0}`, at a small constant multiple of the
    cost of a gradient, without forming the Hessian.

    References
    ----------
    .. [GW08] A. Griewank, A. Walther. *Evaluating Derivatives*, 2nd ed. SIAM, 2008.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> Hv = zo.hvp(lambda x: np.sum(x ** 3) / 3)    # the Hessian is diag(2 x)
    >>> Hv(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    array([2., 4.])
    """
    g = grad(fun)

    def hvp_fun(x, v, *args):
        return jvp(g, x, v, *args)[1]
    return hvp_fun


def hessian(fun):
    r"""``hessian(fun)(x, *args)``, shape ``x.shape + x.shape``: the Jacobian of the gradient, forward mode.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> scalar``.

    Returns
    -------
    callable
        ``(x, *args) -> ndarray``.

    Raises
    ------
    TypeError
        (when called) as :func:`grad`.

    See Also
    --------
    hvp : One column, without forming the matrix.
    jacobian : The Jacobian of the gradient, forward mode.

    Notes
    -----
    Column :math:`j` is the Hessian-vector product with :math:`e_j` (:func:`hvp`, which gives the
    formula), so the Hessian costs :math:`n` HVPs, each a small constant multiple of a gradient.

    Examples
    --------
    The Hessian of :math:`\frac13\|x\|^3` is :math:`\|x\|\,I + xx^\top/\|x\|` (lecture notes 004):

    >>> import numpy as np, zeroopt as zo
    >>> x = np.array([3.0, 4.0])
    >>> H = zo.hessian(lambda x: np.linalg.norm(x) ** 3 / 3)(x)
    >>> bool(np.allclose(H, 5.0 * np.eye(2) + np.outer(x, x) / 5.0))
    True
    """
    return jacobian(grad(fun), mode="fwd")
