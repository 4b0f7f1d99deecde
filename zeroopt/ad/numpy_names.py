"""numpy's names as zeroopt.ad's own modules read them: ``from .numpy_names import np``.

While a function is differentiated, the numpy module answers the differentiating thread with wrappers
that accept lists holding traced values (:mod:`zeroopt.ad.arraylike`): every ``np.f`` looked up there
goes through a lookup hook. The AD's own rules look numpy up thousands of times per gradient, so they
read it from this copy instead: numpy's and numpy.linalg's attributes as they were when zeroopt.ad was
imported (the same objects; names numpy loads lazily are fetched from numpy itself).
"""

from __future__ import annotations

import types

import numpy


def _copy(module, **children):
    copy = types.ModuleType(module.__name__, module.__doc__)
    copy.__dict__.update(vars(module))
    copy.__dict__.update(children)
    copy.__getattr__ = lambda name: getattr(module, name)      # PEP 562: names numpy loads lazily
    return copy


np = _copy(numpy, linalg=_copy(numpy.linalg))
