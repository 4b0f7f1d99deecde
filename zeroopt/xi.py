r"""The random input :math:`\xi` of a stochastic objective ``fun(x, xi, *args)``: what it is (:class:`Xi`)
and how it is made from the random stream.

Every :math:`\xi` is made from standard normal numbers, ``size`` of them per evaluation, drawn from a
numpy Generator: ``"normal"`` takes them as they are, ``"uniform"`` maps each :math:`z` to
:math:`\Phi(z) \in [0, 1]` (:math:`\Phi` the standard normal distribution function) and ``"index"``
to :math:`\min(\lfloor M\Phi(z)\rfloor, M - 1)`, a sample index uniform on :math:`\{0, \dots, M-1\}`.
One kind of draw only: so the :math:`\xi` of many evaluations, drawn as one block of standard normal
numbers, equal those drawn one evaluation at a time, bit for bit (the oracles' block-draw protocol).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from . import _checks

__all__ = ["Xi", "XI_KINDS", "xi_from_normals"]

#: what :math:`\xi` can be: standard normal numbers, uniform numbers on [0, 1], a sample index
XI_KINDS = ("normal", "uniform", "index")
_KIND_CODE = {"normal": 0, "uniform": 1, "index": 2}


@numba.njit(cache=True)
def xi_from_normals(z, kind, count, out):
    """Write the :math:`\\xi` made from the standard normal numbers ``z`` into ``out`` (same length):
    kind 0 (normal) copies them, 1 (uniform) gives Phi(z), 2 (index) min(floor(count Phi(z)), count - 1)."""
    for i in range(z.shape[0]):
        if kind == 0:
            out[i] = z[i]
        else:
            u = 0.5 * math.erfc(-z[i] * 0.7071067811865476)
            if kind == 1:
                out[i] = u
            else:
                out[i] = min(math.floor(count * u), count - 1.0)


class Xi:
    r"""The random input :math:`\xi` of a stochastic :class:`~zeroopt.Problem`, drawn per evaluation.

    Parameters
    ----------
    kind : {"normal", "uniform", "index"}
        ``"normal"``: ``size`` standard normal numbers; ``"uniform"``: ``size`` numbers uniform on
        :math:`[0, 1]`; ``"index"``: one sample index uniform on :math:`\{0, \dots, M-1\}`
        (``count`` :math:`= M`), as a float (``int(xi[0])`` in the objective).
    size : int, default 1
        The length of the array ``xi`` the objective receives (1 for ``"index"``).
    count : int, optional
        :math:`M`, the number of samples of ``"index"`` (required there, refused elsewhere).
    common : bool, default True
        Common random numbers: all the points of one oracle call (the two points of a difference, the
        base point and the :math:`q` points of forward differences) share one :math:`\xi`. False: every
        evaluation draws its own.

    Raises
    ------
    TypeError, ValueError
        A bad parameter, named.

    See Also
    --------
    zeroopt.Problem : Takes it as ``xi``.

    Notes
    -----
    Each :math:`\xi` is made from ``size`` standard normal numbers :math:`z` (see the module
    docstring): :math:`\xi = z`, :math:`\xi = \Phi(z)`, or
    :math:`\xi = \min(\lfloor M\,\Phi(z)\rfloor, M-1)`, where

    .. math::

        \Phi(z) = \tfrac12\operatorname{erfc}(-z/\sqrt2).

    Common random numbers make a difference :math:`F(x + \varepsilon u, \xi) - F(x, \xi)` free of the
    part of the noise that does not depend on :math:`x` [GL13]_.

    References
    ----------
    .. [GL13] S. Ghadimi, G. Lan. Stochastic first- and zeroth-order methods for nonconvex stochastic
       programming. *SIAM Journal on Optimization* 23(4):2341–2368, 2013.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> xi = zo.Xi("index", count=10)
    >>> xi.draw(np.random.default_rng(0), 3).ravel()
    array([5., 4., 7.])
    """

    def __init__(self, kind="normal", size=1, count=None, common=True):
        self.kind = _checks.choice(kind, "kind", XI_KINDS)
        self.size = _checks.positive_int(size, "size")
        if self.kind == "index":
            if self.size != 1:
                raise ValueError(f"size must be 1 for kind='index' (one sample index per evaluation); got {size}")
            if count is None:
                raise ValueError("count: kind='index' draws a sample index from 0..count-1; give count")
            self.count = _checks.positive_int(count, "count")
        elif count is not None:
            raise ValueError(f"count is the number of samples of kind='index'; kind={kind!r} takes none")
        else:
            self.count = 0
        self.common = _checks.boolean(common, "common")

    @property
    def code(self):
        """The kind as the kernels take it (0 normal, 1 uniform, 2 index).

        Returns
        -------
        int
            0 for ``"normal"``, 1 for ``"uniform"``, 2 for ``"index"``.

        See Also
        --------
        from_normals : Passes it to the compiled kernel.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.Xi("uniform").code, zo.Xi("index", count=3).code
        (1, 2)
        """
        return _KIND_CODE[self.kind]

    def per_call(self, evaluations):
        """The number of :math:`\\xi` one oracle call of ``evaluations`` evaluations draws.

        Parameters
        ----------
        evaluations : int
            The evaluations of the call.

        Returns
        -------
        int
            1 with common random numbers (``common=True``: all the points share one), else
            ``evaluations`` (one per evaluation).

        See Also
        --------
        zeroopt.TwoPoint.draw_xi : The draw that holds them.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.Xi().per_call(4), zo.Xi(common=False).per_call(4)
        (1, 4)
        """
        return 1 if self.common else evaluations

    def from_normals(self, z):
        """The :math:`\\xi` made from standard normal numbers ``z``, as a new float64 array.

        Parameters
        ----------
        z : array_like
            Standard normal numbers, the last axis of length ``size``; not modified.

        Returns
        -------
        ndarray
            The :math:`\\xi` of the same shape as ``z``: ``z`` itself (normal), its standard normal
            distribution function (uniform) or the sample index it maps to (index); see the class's
            Notes.

        See Also
        --------
        draw : Draws ``z`` and makes the :math:`\\xi`.
        code : The kind as the compiled kernel takes it.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> zo.Xi("uniform").from_normals(np.array([[0.0], [-40.0]]))
        array([[0.5],
               [0. ]])
        >>> zo.Xi("index", count=4).from_normals(np.array([[0.0]]))
        array([[2.]])
        """
        z = np.ascontiguousarray(z, dtype=np.float64)
        out = np.empty_like(z)
        xi_from_normals(z.reshape(-1), self.code, float(self.count), out.reshape(-1))
        return out

    def draw(self, rng, k=None):
        """One :math:`\\xi` (shape (size,)), or ``k`` of them (shape (k, size)), from ``rng``.

        Parameters
        ----------
        rng : numpy Generator
            The stream: ``size`` standard normal numbers per :math:`\\xi`.
        k : int or None, optional
            The number of :math:`\\xi`; None (the default) draws one, without the leading axis.

        Returns
        -------
        ndarray, shape (size,) or (k, size)
            A new float64 array (:meth:`from_normals` of the numbers drawn). One block of ``k`` equals
            ``k`` single draws bit for bit.

        See Also
        --------
        from_normals : Makes the :math:`\\xi` from the numbers drawn.
        zeroopt.Problem.draw_xi : Draws from the problem's stream.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> xi = zo.Xi("uniform", size=2)
        >>> xi.draw(np.random.default_rng(0), 3).shape
        (3, 2)
        >>> a = xi.draw(np.random.default_rng(0), 2)
        >>> rng = np.random.default_rng(0)
        >>> bool(np.array_equal(a, [xi.draw(rng), xi.draw(rng)]))
        True
        """
        z = rng.standard_normal(self.size if k is None else (k, self.size))
        return self.from_normals(z)

    def __eq__(self, other):
        return isinstance(other, Xi) and (self.kind, self.size, self.count, self.common) == (
            other.kind, other.size, other.count, other.common)

    def __hash__(self):
        return hash((self.kind, self.size, self.count, self.common))

    def __repr__(self):
        count = f", count={self.count}" if self.kind == "index" else ""
        return f"Xi({self.kind!r}, size={self.size}{count}, common={self.common})"
