"""The warning a compiled derivative gives when it falls back to the traced path."""

from __future__ import annotations

import os
import sys

_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class CompileWarning(RuntimeWarning):
    """A derivative that was to be compiled runs on the traced path instead; the message says why.

    Issued once per compiled derivative and reason (an operation without a compiled form, a decision
    on traced values that cannot be checked, a recording above the node limit, too many retraces).
    The traced path computes the same derivative (up to rounding), more slowly.

    See Also
    --------
    zeroopt.ad.compiled : What compiles, and when it falls back.

    Examples
    --------
    >>> import warnings, numpy as np, zeroopt as zo
    >>> def f(x):
    ...     # a sort of a 2-D array: not compiled
    ...     return np.sum(np.sort(x.reshape(2, 2), axis=0) ** 2)
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     g = zo.ad.compiled(f, "grad")(np.array([3.0, 1.0, 2.0, 4.0]))
    >>> w[0].category.__name__, g
    ('CompileWarning', array([6., 2., 4., 8.]))
    """


def _stacklevel():
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
