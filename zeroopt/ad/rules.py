"""The table of derivative rules, by family: one primitive per differentiable numpy operation.

Importing this module registers every rule (each family module registers its own):

* :mod:`zeroopt.ad.elementwise` - ufuncs, where, clip;
* :mod:`zeroopt.ad.reductions`, :mod:`zeroopt.ad.scans` - sums, means, variances, products, extremes;
  cumulative sums and products, sorting, differences;
* :mod:`zeroopt.ad.shapes`, :mod:`zeroopt.ad.indexing`, :mod:`zeroopt.ad.joining` - shapes, indexing,
  diagonals, joining and splitting;
* :mod:`zeroopt.ad.contractions` - matmul, einsum, dot, inner, outer, tensordot, kron, cross;
* :mod:`zeroopt.ad.linalg`, :mod:`zeroopt.ad.decompositions`, :mod:`zeroopt.ad.norms` - numpy.linalg.

Each rule is a short function of the cotangent ``g`` (VJP) or tangent ``t`` (JVP), the output ``ans``
and the inputs, written in traced operations (so derivatives of derivatives work). Rules of the user's
own, for any function: :mod:`zeroopt.ad.custom` (``zeroopt.ad.defvjp`` / ``defjvp``).
"""

from __future__ import annotations

from . import (contractions, core, decompositions, elementwise, indexing, joining, linalg, norms, reductions, scans,
               shapes)
from .tracer import FUNCTIONS, UFUNC_METHODS, UFUNCS  # noqa: F401

#: the primitives, by name (for tests and documentation)
PRIMITIVES = {p.name: p for module in (core, elementwise, reductions, scans, shapes, indexing, joining, contractions,
                                       linalg, decompositions, norms)
              for p in vars(module).values() if isinstance(p, core.Primitive)}
