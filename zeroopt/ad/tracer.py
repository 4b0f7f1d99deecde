"""The traced array and the way numpy reaches the derivative rules.

A :class:`Tracer` stands in for an array inside an ordinary numpy function. numpy hands every ufunc and
every public function applied to it to :meth:`Tracer.__array_ufunc__` / :meth:`Tracer.__array_function__`
(NEP 13 and NEP 18), which look the operation up in the tables :data:`UFUNCS`, :data:`UFUNC_METHODS`
and :data:`FUNCTIONS`. The rule modules fill those tables (``@implements(np.f)``); this module knows no
rule. The Tracer's operators and methods are declared in its class body as the numpy operation they
stand for (``x + y`` is ``np.add(x, y)``, ``x.sum(...)`` is ``np.sum(x, ...)``) and go straight to the
table, without numpy's dispatch on the way.
"""

from __future__ import annotations

import operator

from .errors import (_LISTS, _SUGGEST, ArrayConversionError, TracerConversionError, _name,  # noqa: F401
                     library_call, no_rule_error, refusal)
from .numpy_names import np

#: numpy ufunc -> handler of ufunc(*inputs)
UFUNCS = {}
#: (numpy ufunc, method name) -> handler, e.g. (np.add, "reduce") -> sum
UFUNC_METHODS = {}
#: numpy function (or operator.getitem) -> handler taking the function's own arguments
FUNCTIONS = {}
#: ufuncs whose result is piecewise constant or boolean: computed on plain values, not traced
NONDIFF_UFUNCS = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
                  np.logical_and, np.logical_or, np.logical_not, np.logical_xor, np.isfinite, np.isnan,
                  np.isinf, np.signbit, np.sign, np.floor, np.ceil, np.trunc, np.rint, np.floor_divide}


def implements(*funcs):
    """Register the decorated handler for each numpy function in ``funcs``."""
    def register(handler):
        for f in funcs:
            FUNCTIONS[f] = handler
        return handler
    return register


def dispatch_ufunc(ufunc, method, inputs, kwargs):
    if kwargs.get("out") is not None:
        raise TypeError(f"zeroopt.ad: numpy.{ufunc.__name__}(..., out=...) would write a traced value into "
                        f"a plain array and lose its derivative; use the returned value instead.")
    kwargs.pop("out", None)
    if method != "__call__":
        handler = UFUNC_METHODS.get((ufunc, method))
        if handler is not None:
            return handler(*inputs, **kwargs)
        raise no_rule_error(f"numpy.{ufunc.__name__}.{method}")
    if kwargs:
        raise TypeError(f"zeroopt.ad: numpy.{ufunc.__name__} is differentiable only without the keyword "
                        f"arguments {sorted(kwargs)}")
    handler = UFUNCS.get(ufunc)
    if handler is not None:
        return handler(*inputs)
    if ufunc in NONDIFF_UFUNCS:
        return decide(ufunc, *inputs)
    raise no_rule_error(f"numpy.{ufunc.__name__}")


#: packs the lists of traced values among a function's arguments (zeroopt.ad.arraylike sets it)
PACK_ARGUMENTS = None


def dispatch_function(func, args, kwargs):
    handler = FUNCTIONS.get(func)
    if handler is None:
        raise no_rule_error(_name(func))
    try:
        return handler(*args, **kwargs)
    except TracerConversionError:     # a list of traced values (a numpy function bound before the call)
        packed = PACK_ARGUMENTS(func, args, kwargs)
        if packed is None:
            raise
    return handler(*packed[0], **packed[1])


#: the compiler's recorder (zeroopt.ad.compiler) while it records a program, else None: told of every
#: read of a traced value's primal value (``raw``), of every decision taken on one (``decide``) and of
#: every value computed from one without a derivative (``nondiff``)
RECORDER = None


def raw(x):
    """``x`` with every level of tracing removed: its primal value, whose entries then decide something
    (a sign, a mask, a branch) that no derivative follows.

    While the compiler records a program (zeroopt.ad.compiler), such a read is a decision it cannot
    check on later calls, and the trace is not compiled; :func:`decide` and :func:`nondiff` are the
    reads it can follow, :func:`primal` the reads of a shape or dtype only."""
    if RECORDER is not None and type(x) is Tracer:
        RECORDER.read(x)
    while type(x) is Tracer:
        x = x._value
    return x


def primal(x):
    """``x`` with every level of tracing removed, for reading its shape or dtype (never its entries: a
    read of the entries is :func:`raw`, :func:`decide` or :func:`nondiff`)."""
    while type(x) is Tracer:
        x = x._value
    return x


def decide(fn, *args, **static):
    """``fn(*primal values, **static)``: a decision taken on traced values (a truth value, an integer, a
    mask, an ordering) with derivative zero. A recorded program checks it again on every later call (a
    guard), so that a compiled derivative never reuses a decision that no longer holds."""
    result = fn(*[primal(a) for a in args], **static)
    if RECORDER is not None:
        RECORDER.decided(fn, args, static, result)
    return result


def nondiff(fn, *args, **static):
    """``fn(*primal values, **static)``, a value with derivative zero (a sign, a mask, a weight) that is
    used in arithmetic only, never in a decision: a recorded program computes it on every call."""
    if RECORDER is not None:
        out = RECORDER.nondiff(fn, args, static)
        if out is not None:
            return out
    return fn(*[primal(a) for a in args], **static)


# numpy's own functions, bound now (while a differentiated function runs, the numpy module's attributes
# may be wrappers: zeroopt.ad.arraylike)
_TRANSPOSE, _RESHAPE, _SORT = np.transpose, np.reshape, np.sort


def astype(value, dtype):
    """``value.astype(dtype)`` (a decision when the value is traced: ``x.astype(int)``)."""
    return value.astype(dtype)


def _binary(ufunc):
    def op(self, other):
        return UFUNCS[ufunc](self, other)
    op.__name__ = ufunc.__name__
    return op


def _reflected(ufunc):
    def op(self, other):
        return UFUNCS[ufunc](other, self)
    op.__name__ = "r" + ufunc.__name__
    return op


def _unary(ufunc):
    def op(self):
        return UFUNCS[ufunc](self)
    op.__name__ = ufunc.__name__
    return op


def _compare(ufunc):
    def op(self, other):
        return decide(ufunc, self, other)
    return op


def _method(func):
    """The ndarray method that is ``func(self, ...)`` (``x.sum(axis=0)`` is ``np.sum(x, axis=0)``)."""
    def method(self, *args, **kwargs):
        return dispatch_function(func, (self,) + args, kwargs)
    method.__name__ = func.__name__
    method.__doc__ = f"The traced ``{_name(func)}`` of this value."   # in full: zeroopt/ad/tracer_methods.py
    return method


def _plain_method(name):
    """An ndarray method whose result carries no derivative: evaluated on the primal value (a decision)."""
    func = getattr(np, name)

    def method(self, *args, **kwargs):
        return decide(func, self, *args, **kwargs)
    method.__name__ = name
    return method


class Tracer:
    """A traced array: it records the numpy operations applied to it.

    Behaves like the ndarray it wraps for differentiable operations (arithmetic, ufuncs, reductions,
    ``@``, indexing, shape methods, ``np.linalg``); comparisons return plain boolean arrays, so
    data-dependent control flow works. Converting it to a plain number or array (``float(x)``,
    ``out[i] = x``, ``np.asarray(x)``) raises a TypeError: the derivative would be lost silently.

    Parameters
    ----------
    value, node, trace : object
        The primal value, its node on the tape and its differentiation: :func:`zeroopt.grad` and the
        other differentiation functions make Tracers, user code never does.

    See Also
    --------
    zeroopt.ad.graph : The graph the operations make.

    Examples
    --------
    Inside a differentiated function ``x`` is a Tracer; comparisons give plain values:

    >>> import numpy as np, zeroopt as zo
    >>> def f(x):
    ...     assert isinstance(x, zo.ad.Tracer) and x.shape == (2,)
    ...     return np.sum(x ** 2) if x[0] > 0 else np.sum(x)
    >>> zo.grad(f)(np.array([1.0, 2.0])), zo.grad(f)(np.array([-1.0, 2.0]))
    (array([2., 4.]), array([1., 1.]))
    """

    __slots__ = ("_value", "_node", "_trace")
    __array_priority__ = 1000.0

    def __init__(self, value, node, trace):
        self._value = value
        self._node = node
        self._trace = trace

    # --- numpy protocols -------------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return dispatch_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return dispatch_function(func, args, kwargs)

    def __array__(self, dtype=None, copy=None):
        if dtype is not None and np.dtype(dtype).kind in "biu":   # an integer wanted: the primal value
            return decide(np.asarray, self, dtype=np.dtype(dtype))  # (np.int64(x), as int(x))
        call = library_call()
        if call is not None and not call[0].startswith("numpy"):
            raise ArrayConversionError(refusal("a traced value", "is converted to a plain numpy array"))
        raise ArrayConversionError(("zeroopt.ad: in your call of {}{}, ".format(*call) if call else "zeroopt.ad: ")
                                   + _LISTS + _SUGGEST)

    def _no_scalar(self, what):
        if library_call() is not None:
            raise TracerConversionError(refusal("a traced value", f"is converted by {what}()"))
        raise TracerConversionError(
            f"zeroopt.ad: {what}() of a traced value would drop its derivative (this also happens when it is "
            f"written into an array, e.g. out[i] = x[i] * 2). Keep it an array (x[0] instead of float(x[0])); "
            f"int(x), bool(x) and comparisons give the plain primal value. " + _SUGGEST)

    def __float__(self):
        self._no_scalar("float")

    # where an integer or a truth value is needed, the primal value serves: these are piecewise constant,
    # so their derivative is zero wherever it exists (as for np.floor and comparisons)
    def __int__(self):
        return decide(int, self)

    def __index__(self):
        return decide(operator.index, self)

    def __bool__(self):
        return decide(bool, self)

    def __complex__(self):
        self._no_scalar("complex")

    def item(self, *args):
        self._no_scalar("item")

    def tolist(self):
        self._no_scalar("tolist")

    def __setitem__(self, key, value):
        raise TypeError("zeroopt.ad: traced arrays are immutable (x[i] = ... is not differentiable in place). "
                        + _SUGGEST)

    def __hash__(self):
        return id(self)

    # --- array attributes ------------------------------------------------------------------------
    @property
    def shape(self):
        return np.shape(self._value)

    @property
    def ndim(self):
        return np.ndim(self._value)

    @property
    def size(self):
        return np.size(self._value)

    @property
    def dtype(self):
        return primal(self._value).dtype if hasattr(primal(self._value), "dtype") else np.dtype(float)

    def __len__(self):
        return len(self._value)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        return f"Tracer({primal(self._value)!r}, level={self._trace.level}, mode={self._trace.mode})"

    # --- operators: the numpy ufunc each stands for ----------------------------------------------
    __add__, __radd__ = _binary(np.add), _reflected(np.add)
    __sub__, __rsub__ = _binary(np.subtract), _reflected(np.subtract)
    __mul__, __rmul__ = _binary(np.multiply), _reflected(np.multiply)
    __truediv__, __rtruediv__ = _binary(np.true_divide), _reflected(np.true_divide)
    __pow__, __rpow__ = _binary(np.power), _reflected(np.power)
    __matmul__, __rmatmul__ = _binary(np.matmul), _reflected(np.matmul)
    __mod__, __rmod__ = _binary(np.remainder), _reflected(np.remainder)
    __floordiv__ = _compare(np.floor_divide)                  # piecewise constant: a plain value

    def __rfloordiv__(self, other):
        return decide(np.floor_divide, other, self)
    __neg__, __abs__ = _unary(np.negative), _unary(np.absolute)
    __lt__, __le__, __gt__ = _compare(np.less), _compare(np.less_equal), _compare(np.greater)
    __ge__, __eq__, __ne__ = _compare(np.greater_equal), _compare(np.equal), _compare(np.not_equal)

    def __pos__(self):
        return self

    def __getitem__(self, index):
        return FUNCTIONS[operator.getitem](self, index)

    # --- methods: the numpy function each stands for ---------------------------------------------
    sum, mean, prod, max, min = _method(np.sum), _method(np.mean), _method(np.prod), _method(np.max), _method(np.min)
    dot, ravel, squeeze, swapaxes = _method(np.dot), _method(np.ravel), _method(np.squeeze), _method(np.swapaxes)
    clip, diagonal, trace = _method(np.clip), _method(np.diagonal), _method(np.trace)
    var, std, cumsum, cumprod = _method(np.var), _method(np.std), _method(np.cumsum), _method(np.cumprod)
    repeat, round, take = _method(np.repeat), _method(np.round), _method(np.take)
    flatten = ravel
    # no derivative: evaluated on the primal value
    any, all, nonzero = _plain_method("any"), _plain_method("all"), _plain_method("nonzero")
    argmax, argmin, argsort = _plain_method("argmax"), _plain_method("argmin"), _plain_method("argsort")

    def sort(self, axis=-1, kind=None, order=None):
        """Sort in place, as ``numpy.ndarray.sort`` (the full docstring: tracer_methods.py)."""
        s = dispatch_function(_SORT, (self, axis, kind, order), {})
        self._value, self._node, self._trace = s._value, s._node, s._trace

    @property
    def real(self):
        return self

    @property
    def imag(self):
        return np.zeros(self.shape)

    def copy(self, order="C"):
        return self

    def conj(self):
        return self

    conjugate = conj

    @property
    def T(self):
        return FUNCTIONS[_TRANSPOSE](self)

    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return dispatch_function(_RESHAPE, (self, tuple(shape)), {"order": order})

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return dispatch_function(_TRANSPOSE, (self, tuple(axes) if axes else None), {})

    def astype(self, dtype, *args, **kwargs):
        """Cast to a float or an integer dtype (the full docstring: tracer_methods.py)."""
        kind = np.dtype(dtype).kind
        if kind in "biu":
            if args or kwargs:
                return decide(lambda v: v.astype(dtype, *args, **kwargs), self)
            return decide(astype, self, dtype=np.dtype(dtype))
        if kind != "f":
            raise TypeError(f"zeroopt.ad: casting a traced value to {np.dtype(dtype)} would drop its derivative")
        return self
