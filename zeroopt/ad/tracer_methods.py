"""The docstrings of the traced array's ndarray methods: what each records, and its gradient at a point.

:class:`~zeroopt.ad.tracer.Tracer` declares its methods as the numpy functions they stand for
(``x.sum(...)`` is ``np.sum(x, ...)``); this module gives each its full docstring, with an example of
the method's gradient at ``x = [1, 2, 3]`` (run as a doctest), here rather than in ``tracer.py``,
which holds the code and stays within the AD package's module size (tests/test_ad_structure.py).
"""

from __future__ import annotations

from .numpy_names import np
from .tracer import Tracer, _name

#: per traced method, a function of x = [1, 2, 3] whose gradient its docstring shows, and that gradient
_EXAMPLES = {
    "sum": ("x.sum()", "array([1., 1., 1.])"),
    "mean": ("x.mean()", "array([0.33333333, 0.33333333, 0.33333333])"),
    "prod": ("x.prod()", "array([6., 3., 2.])"),
    "max": ("x.max()", "array([0., 0., 1.])"),
    "min": ("x.min()", "array([1., 0., 0.])"),
    "dot": ("x.dot(x)", "array([2., 4., 6.])"),
    "ravel": ("x.reshape(3, 1).ravel() @ x", "array([2., 4., 6.])"),
    "squeeze": ("x[None].squeeze() @ x", "array([2., 4., 6.])"),
    "swapaxes": ("x.reshape(1, 3).swapaxes(0, 1)[2, 0]", "array([0., 0., 1.])"),
    "clip": ("x.clip(0.0, 2.5).sum()", "array([1., 1., 0.])"),
    "diagonal": ("np.outer(x, x).diagonal().sum()", "array([2., 4., 6.])"),
    "trace": ("np.outer(x, x).trace()", "array([2., 4., 6.])"),
    "var": ("x.var()", "array([-0.66666667,  0.        ,  0.66666667])"),
    "std": ("x.std()", "array([-0.40824829,  0.        ,  0.40824829])"),
    "cumsum": ("x.cumsum().sum()", "array([3., 2., 1.])"),
    "cumprod": ("x.cumprod().sum()", "array([9., 4., 2.])"),
    "repeat": ("x.repeat(2).sum()", "array([2., 2., 2.])"),
    "round": ("(1.4 * x).round().sum()", "array([0., 0., 0.])"),
    "take": ("x.take([0, 0, 2]).sum()", "array([2., 0., 1.])"),
}

_METHOD_DOC = """The traced ``{numpy}`` of this value, recorded for differentiation.

Parameters
----------
*args, **kwargs
    The arguments of ``{numpy}`` after the array.

Returns
-------
Tracer
    The traced result, of the shape ``{numpy}`` gives.

See Also
--------
{numpy} : The operation it records.

Examples
--------
The gradient of ``{expr}`` at ``x = [1, 2, 3]``:

>>> import numpy as np, zeroopt as zo
>>> x = np.array([1.0, 2.0, 3.0])
>>> zo.grad(lambda x: {expr})(x)
{grad}
"""


_SORT_DOC = """Sort in place, as ``numpy.ndarray.sort``: this traced value becomes its sorted self.

Parameters
----------
axis, kind, order : optional
    As ``numpy.ndarray.sort``'s.

Returns
-------
None

See Also
--------
numpy.sort : Whose derivative rule it uses (the cotangent goes back to the unsorted positions).

Examples
--------
>>> import numpy as np, zeroopt as zo
>>> def smallest(x):
...     y = x * np.array([3.0, 1.0, 2.0])      # [3, 2, 6] at x = [1, 2, 3]
...     y.sort()
...     return y[0]
>>> zo.grad(smallest)(np.array([1.0, 2.0, 3.0]))
array([0., 1., 0.])
"""

_ASTYPE_DOC = """Cast to a float dtype (the traced value itself) or to an integer or boolean one (a plain value).

Parameters
----------
dtype : dtype
    The type to cast to.
*args, **kwargs
    As ``numpy.ndarray.astype``'s, for an integer or boolean dtype.

Returns
-------
Tracer or numpy.ndarray
    A float dtype: the traced value itself (derivatives stay float64). An integer or boolean
    dtype: the primal value so cast, a plain array (piecewise constant, derivative zero).

Raises
------
TypeError
    For any other dtype (a complex one, a string): the derivative would be lost.

See Also
--------
numpy.ndarray.astype : The plain array's method.

Examples
--------
>>> import numpy as np, zeroopt as zo
>>> f = lambda x: np.sum(x.astype(np.float32) * x.astype(int))
>>> zo.grad(f)(np.array([1.5, 2.5]))                  # d/dx of x * floor(x)
array([1., 2.])
"""


def _document():
    for name, (expr, grad) in _EXAMPLES.items():
        method = getattr(Tracer, name)
        method.__doc__ = _METHOD_DOC.format(numpy=_name(getattr(np, name)), expr=expr, grad=grad)
    Tracer.sort.__doc__, Tracer.astype.__doc__ = _SORT_DOC, _ASTYPE_DOC


_document()
