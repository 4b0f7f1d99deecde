"""The Moré–Wild benchmark set: 53 problems built on 22 least-squares functions, in four kinds.

:func:`more_wild` builds one problem and its start, :func:`more_wild_table` lists the 53 rows. The
functions are in ``zeroopt/problems/mgh.py``.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple, Optional

import numpy as np

from .. import _checks
from ..problem import Problem
from . import mgh

__all__ = ["more_wild", "more_wild_table", "MoreWildRow", "MORE_WILD_KINDS"]

#: The four kinds of :func:`more_wild`: smooth, nondifferentiable, and with deterministic or stochastic noise.
#:
#: See Also
#: --------
#: more_wild : Their formulas.
#:
#: Examples
#: --------
#: >>> import zeroopt as zo
#: >>> zo.problems.MORE_WILD_KINDS
#: ('smooth', 'nondiff', 'wild3', 'noisy3')
#: >>> p, x0 = zo.problems.more_wild(7, zo.problems.MORE_WILD_KINDS[2])
#: >>> p.name
#: 'mw07_rosenbrock_n2_m2_s0_wild3'
MORE_WILD_KINDS = ("smooth", "nondiff", "wild3", "noisy3")

# (short name, MGH 1981 number or CUTEr name) of the 22 functions, in Moré & Wild's numbering (dfovec)
_FUNCTIONS = {
    1: ("linear_full_rank", "MGH 32"), 2: ("linear_rank1", "MGH 33"), 3: ("linear_rank1_zero", "MGH 34"),
    4: ("rosenbrock", "MGH 1"), 5: ("helical_valley", "MGH 7"), 6: ("powell_singular", "MGH 13"),
    7: ("freudenstein_roth", "MGH 2"), 8: ("bard", "MGH 8"), 9: ("kowalik_osborne", "MGH 15"),
    10: ("meyer", "MGH 10"), 11: ("watson", "MGH 20"), 12: ("box3d", "MGH 12"),
    13: ("jennrich_sampson", "MGH 6"), 14: ("brown_dennis", "MGH 16"), 15: ("chebyquad", "MGH 35"),
    16: ("brown_almost_linear", "MGH 27"), 17: ("osborne1", "MGH 17"), 18: ("osborne2", "MGH 19"),
    19: ("bdqrtic", "CUTEr BDQRTIC"), 20: ("cube", "CUTEr CUBE"), 21: ("mancino", "CUTEr MANCINO"),
    22: ("heart8", "CUTEr HEART8LS"),
}

# Moré & Wild's data file dfo.dat: (function, n, m, s) of each of the 53 rows, x0 = 10^s x_s.
_ROWS = (
    (1, 9, 45, 0), (1, 9, 45, 1), (2, 7, 35, 0), (2, 7, 35, 1), (3, 7, 35, 0), (3, 7, 35, 1),
    (4, 2, 2, 0), (4, 2, 2, 1), (5, 3, 3, 0), (5, 3, 3, 1), (6, 4, 4, 0), (6, 4, 4, 1),
    (7, 2, 2, 0), (7, 2, 2, 1), (8, 3, 15, 0), (8, 3, 15, 1), (9, 4, 11, 0), (10, 3, 16, 0),
    (11, 6, 31, 0), (11, 6, 31, 1), (11, 9, 31, 0), (11, 9, 31, 1), (11, 12, 31, 0), (11, 12, 31, 1),
    (12, 3, 10, 0), (13, 2, 10, 0), (14, 4, 20, 0), (14, 4, 20, 1), (15, 6, 6, 0), (15, 7, 7, 0),
    (15, 8, 8, 0), (15, 9, 9, 0), (15, 10, 10, 0), (15, 11, 11, 0), (16, 10, 10, 0), (17, 5, 33, 0),
    (18, 11, 65, 0), (18, 11, 65, 1), (19, 8, 8, 0), (19, 10, 12, 0), (19, 11, 14, 0), (19, 12, 16, 0),
    (20, 5, 5, 0), (20, 6, 6, 0), (20, 8, 8, 0), (21, 5, 5, 0), (21, 5, 5, 1), (21, 8, 8, 0),
    (21, 10, 10, 0), (21, 12, 12, 0), (21, 12, 12, 1), (22, 8, 8, 0), (22, 8, 8, 1),
)

# nondiff evaluates F at max(x, 0) for these functions, as every reference code does (decision 3)
_CLIPPED = frozenset({8, 9, 13, 16, 17, 18})

# --- data of MGH 1981 ----------------------------------------------------------------------------------
_BARD_Y = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39])
_KOWALIK_U = np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625])
_KOWALIK_Y = np.array([0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235,
                       0.0246])
_MEYER_Y = np.array([34780.0, 28610.0, 23650.0, 19630.0, 16370.0, 13720.0, 11540.0, 9744.0, 8261.0, 7030.0,
                     6005.0, 5147.0, 4427.0, 3820.0, 3307.0, 2872.0])
_OSBORNE1_Y = np.array([
    0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718, 0.685, 0.658, 0.628,
    0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420,
    0.414, 0.411, 0.406])
_OSBORNE2_Y = np.array([
    1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746, 0.679, 0.608, 0.655, 0.616,
    0.606, 0.602, 0.626, 0.651, 0.724, 0.649, 0.649, 0.694, 0.644, 0.624, 0.661, 0.612, 0.558, 0.533, 0.495,
    0.500, 0.423, 0.395, 0.375, 0.372, 0.391, 0.396, 0.405, 0.428, 0.429, 0.523, 0.562, 0.607, 0.653, 0.672,
    0.708, 0.633, 0.668, 0.645, 0.632, 0.591, 0.559, 0.597, 0.625, 0.739, 0.710, 0.729, 0.720, 0.636, 0.581,
    0.428, 0.292, 0.162, 0.098, 0.054])

# --- f* of the smooth problems: (value, source), keyed by (function, n) ---------------------------------
# MGH 1981 print six digits followed by "...": the values below carry all digits of the minimum our
# Levenberg-Marquardt solve of these residuals reached from near MGH's minimiser, and truncate to MGH's
# digits (tests/test_more_wild.py checks both, at stored minimisers).
_MGH = "Moré, Garbow & Hillstrom (1981)"
_FSTAR = {
    (8, 3): (8.214877306578971e-03, f"{_MGH}: 8.21487...e-3 (digits beyond MGH's: our solve)"),
    (9, 4): (3.075056038492373e-04, f"{_MGH}: 3.07505...e-4 (digits beyond MGH's: our solve)"),
    (10, 3): (87.94585517068441, f"{_MGH}: 87.9458... (digits beyond MGH's: our solve)"),
    (11, 6): (2.287670053552406e-03, f"{_MGH}: 2.28767...e-3 (digits beyond MGH's: our solve)"),
    (11, 9): (1.3997601380975233e-06, f"{_MGH}: 1.39976...e-6 (digits beyond MGH's: our solve)"),
    (11, 12): (4.722381102539824e-10, f"{_MGH}: 4.72238...e-10 (digits beyond MGH's: our solve)"),
    (13, 2): (124.36218235561483, f"{_MGH}: 124.362... for m = 10 (digits beyond MGH's: our solve)"),
    (14, 4): (85822.20162636516, f"{_MGH}: 85822.2... for m = 20 (digits beyond MGH's: our solve)"),
    (15, 8): (3.5168737256779294e-03, f"{_MGH}: 3.51687...e-3 for m = n = 8 (digits beyond MGH's: our solve)"),
    (17, 5): (5.4648946974827156e-05, f"{_MGH}: 5.46489...e-5 (digits beyond MGH's: our solve)"),
    (18, 11): (4.013773629354775e-02, f"{_MGH}: 4.01377...e-2 (digits beyond MGH's: our solve)"),
}
_ZERO = {4: f"{_MGH}: 0 at (1, 1)", 5: f"{_MGH}: 0 at (1, 0, 0)", 6: f"{_MGH}: 0 at the origin",
         7: f"{_MGH}: 0 at (5, 4)", 12: f"{_MGH}: 0 at (1, 10, 1), (10, 1, -1) and (a, a, 0)",
         16: f"{_MGH}: 0 at (a, ..., a, a^(1-n)), a root of n a^n - (n + 1) a^(n-1) + 1 (e.g. a = 1)",
         20: "0 at (1, ..., 1), where every residual vanishes",
         21: "0: each F_i depends on x_i alone and increases strictly (slope >= 1400 - 6 n > 0), so F has a zero",
         22: "0: the heart-dipole equations (Dennis, Gay & Vu 1985) have a solution; a Levenberg-Marquardt "
             "solve from x_s reaches sum F_i^2 = 2.5e-31"}


class MoreWildRow(NamedTuple):
    """One row of the Moré–Wild set: the function, its size and start, a name, and its optimal value.

    A NamedTuple (:func:`more_wild_table` lists the 53): its fields are also its constructor's
    parameters, in this order.

    Parameters
    ----------
    row : int
        1 to 53, the row of Moré & Wild's data file ``dfo.dat``.
    nprob : int
        The function's number in Moré & Wild, 1 to 22.
    function : str
        Its short name, for example ``"bard"``.
    source : str
        The function's number in Moré, Garbow & Hillstrom (1981), or its CUTEr name.
    n : int
        The dimension.
    m : int
        The number of residuals.
    s : int
        The start's scale: the start is :math:`x_0 = 10^s x_s`.
    name : str
        A name usable as a file or problem name in profile tools, for example
        ``"mw15_bard_n3_m15_s0"``.
    f_star : float or None
        The optimal value of the smooth problem where the literature gives it, else None.
    f_star_source : str or None
        Where ``f_star`` comes from.

    See Also
    --------
    more_wild_table : The 53 rows.
    more_wild : The problem of a row.

    Examples
    --------
    >>> import zeroopt as zo
    >>> row = zo.problems.more_wild_table()[14]
    >>> row.function, row.n, row.m, row.s, row.f_star
    ('bard', 3, 15, 0, 0.008214877306578971)
    >>> row.source
    'MGH 8'
    >>> who, what = row.f_star_source.split(": ", 1)
    >>> who
    'Moré, Garbow & Hillstrom (1981)'
    >>> what
    "8.21487...e-3 (digits beyond MGH's: our solve)"
    """

    #: 1 to 53, the row of Moré & Wild's data file ``dfo.dat``.
    row: int
    #: The function's number in Moré & Wild, 1 to 22.
    nprob: int
    #: Its short name, for example ``"bard"``.
    function: str
    #: The function's number in Moré, Garbow & Hillstrom (1981), or its CUTEr name.
    source: str
    #: The dimension.
    n: int
    #: The number of residuals.
    m: int
    #: The start's scale: the start is :math:`10^s x_s`.
    s: int
    #: A name usable as a file or problem name in profile tools, for example ``"mw15_bard_n3_m15_s0"``.
    name: str
    #: The optimal value of the smooth problem where the literature gives it, else None.
    f_star: Optional[float]
    #: Where ``f_star`` comes from.
    f_star_source: Optional[str]


def _f_star(nprob, n, m):
    """(f*, source) of the smooth problem, or (None, None) where the literature is silent."""
    if nprob == 1:
        return float(m - n), f"{_MGH}: m - n at x = (-1, ..., -1)"
    if nprob == 2:
        return m * (m - 1) / (2.0 * (2 * m + 1)), f"{_MGH}: m (m - 1) / (2 (2 m + 1))"
    if nprob == 3:
        return (m * m + 3 * m - 6) / (2.0 * (2 * m - 3)), f"{_MGH}: (m^2 + 3 m - 6) / (2 (2 m - 3))"
    if nprob == 15 and n in (6, 7, 9):
        return 0.0, f"{_MGH}: 0 for m = n = 1..7 and 9"
    if nprob in _ZERO:
        return 0.0, _ZERO[nprob]
    return _FSTAR.get((nprob, n), (None, None))


def _table():
    rows = []
    for row, (nprob, n, m, s) in enumerate(_ROWS, start=1):
        function, source = _FUNCTIONS[nprob]
        f_star, f_source = _f_star(nprob, n, m)
        rows.append(MoreWildRow(row, nprob, function, source, n, m, s, f"mw{row:02d}_{function}_n{n}_m{m}_s{s}",
                                f_star, f_source))
    return tuple(rows)


_TABLE = _table()


def more_wild_table():
    """List the 53 rows of the Moré–Wild set, in the order of their data file.

    Returns
    -------
    tuple of MoreWildRow
        Row, function number and name, :math:`(n, m, s)`, a problem name, and :math:`f^*` with its
        source where known.

    See Also
    --------
    more_wild : The problem of a row.
    MoreWildRow : The fields of a row.

    Examples
    --------
    >>> import zeroopt as zo
    >>> rows = zo.problems.more_wild_table()
    >>> len(rows), rows[14].name
    (53, 'mw15_bard_n3_m15_s0')
    >>> sum(r.f_star is None for r in rows)  # Bdqrtic x4, Chebyquad n = 10, 11
    6
    """
    return _TABLE


def _data(nprob, m):
    """The data vector (``args[2]``) of function ``nprob``."""
    if nprob == 8:
        return _BARD_Y.copy()
    if nprob == 9:
        return np.concatenate((_KOWALIK_U, _KOWALIK_Y))
    if nprob == 10:
        return _MEYER_Y.copy()
    if nprob == 15:   # + 1/(i^2 - 1) for even i: minus the integral of T_i over [0, 1] (MGH 35)
        i = np.arange(1, m + 1)
        return np.where(i % 2 == 0, 1.0 / np.maximum(i * i - 1, 1), 0.0)
    if nprob == 17:
        return _OSBORNE1_Y.copy()
    if nprob == 18:
        return _OSBORNE2_Y.copy()
    return np.zeros(0)


def _x_s(nprob, n):
    """Moré & Wild's standard start x_s (their dfoxs) of function ``nprob`` in dimension ``n``."""
    fixed = {4: [-1.2, 1.0], 5: [-1.0, 0.0, 0.0], 6: [3.0, -1.0, 0.0, 1.0], 7: [0.5, -2.0], 8: [1.0, 1.0, 1.0],
             9: [0.25, 0.39, 0.415, 0.39], 10: [0.02, 4000.0, 250.0], 12: [0.0, 10.0, 20.0], 13: [0.3, 0.4],
             14: [25.0, 5.0, -5.0, -1.0], 17: [0.5, 1.5, 1.0, 0.01, 0.02],
             18: [1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5],
             22: [-0.3, -0.39, 0.3, -0.344, -1.2, 2.69, 1.59, -1.5]}
    if nprob in fixed:
        return np.array(fixed[nprob])
    if nprob in (1, 2, 3, 19):
        return np.ones(n)
    if nprob in (11, 16, 20):
        return np.full(n, 0.5)
    if nprob == 15:
        return np.arange(1.0, n + 1.0) / (n + 1.0)
    # 21, Mancino: x_i = -8.710996e-4 ((i - 50)^3 + sum_j v_ij (sin^5 log v_ij + cos^5 log v_ij)),
    # v_ij = sqrt(i/j): that is -8.710996e-4 F(0)
    return -8.710996e-4 * mgh.mancino(np.zeros(n))


def _x_star(nprob, n):
    """The unique minimiser of the smooth problem where it is known in closed form, else None."""
    known = {1: -np.ones(n), 4: np.ones(2), 5: np.array([1.0, 0.0, 0.0]), 6: np.zeros(4),
             7: np.array([5.0, 4.0]), 20: np.ones(n)}
    return known.get(nprob)


def _row(row):
    if isinstance(row, bool) or not isinstance(row, numbers.Integral):
        raise TypeError(f"row must be an integer from 1 to 53, got {row!r} of type {type(row).__name__}")
    if not 1 <= row <= len(_TABLE):
        raise ValueError(f"row must be an integer from 1 to 53 (the rows of Moré & Wild's dfo.dat), got {row}")
    return _TABLE[int(row) - 1]


def more_wild(row, kind="smooth", seed=None):
    r"""Problem ``row`` (1..53) of the Moré–Wild benchmark set, of the given kind, and its start.

    The set is Moré & Wild's [MW09]_: 22 nonlinear least-squares functions
    :math:`F: \mathbb R^n \to \mathbb R^m` (18 from Moré, Garbow & Hillstrom [MGH81]_, 4 from CUTEr),
    each at one or more sizes :math:`(n, m)` and started at :math:`x_s` or :math:`10 x_s`, 53 rows in all,
    as their data file ``dfo.dat`` lists them (:func:`more_wild_table`).

    Parameters
    ----------
    row : int
        1 to 53, the row of ``dfo.dat``: the function, :math:`n`, :math:`m` and :math:`s` with
        :math:`x_0 = 10^s x_s`.
    kind : {"smooth", "nondiff", "wild3", "noisy3"}
        Which objective is built on the residuals :math:`F` (formulas in the Notes).
    seed : int, numpy SeedSequence or Generator, optional
        The seed of the noise of ``kind="noisy3"``, which needs one (so that its draws are reproducible);
        the deterministic kinds ignore it.

    Returns
    -------
    problem : Problem
        ``fun(x, nprob, m, data[, lower | rng])``, one jitted objective per kind
        (``zeroopt/problems/mgh.py``), the same for all 53 rows, so that a method's compiled kernels
        serve them all; ``args`` holds the function's number, m and its data. ``f_star`` where the
        literature gives it (:class:`MoreWildRow` states each source), ``x_star`` where the minimiser is
        unique and known in closed form; ``name`` is the row's name (``+ "_" + kind`` unless smooth).
    x0 : numpy.ndarray, shape (n,)
        The start :math:`10^s x_s` (a new array).

    Raises
    ------
    ValueError
        ``row`` outside 1..53, an unknown ``kind``, or ``kind="noisy3"`` without a seed.
    TypeError
        A non-integer ``row`` or a ``seed`` numpy cannot use.

    See Also
    --------
    more_wild_table : The 53 rows.
    more_wild_residuals : F itself.

    Notes
    -----
    With :math:`F_1, \dots, F_m` the residuals of the row's function (:func:`more_wild_residuals`):

    * ``"smooth"``: :math:`f(x) = \sum_i F_i(x)^2`;
    * ``"nondiff"``: :math:`f(x) = \sum_i |F_i(x)|`, piecewise smooth; for functions 8, 9, 13, 16, 17
      and 18 (Bard, Kowalik-Osborne, Jennrich-Sampson, Brown almost-linear, Osborne 1 and 2) :math:`F`
      is evaluated at :math:`\max(x, 0)` (decision 3);
    * ``"wild3"``: :math:`f(x) = (1 + 10^{-3}\phi(x)) \sum_i F_i(x)^2`, deterministic noise: the same
      value at the same :math:`x`, with :math:`\phi(x) = T_3(\phi_0(x))`, :math:`T_3(a) = a\,(4a^2 - 3)`
      and :math:`\phi_0(x) = 0.9 \sin(100\|x\|_1) \cos(100\|x\|_\infty) + 0.1 \cos(\|x\|_2)`
      ([MW09]_; :func:`wild3_phi`);
    * ``"noisy3"``: :math:`f(x) = \sum_i (F_i(x)\,(1 + u_i))^2` with :math:`u_1, \dots, u_m`
      independent, uniform on :math:`[-10^{-3}, 10^{-3}]`, drawn afresh at every evaluation from a numpy
      Generator made from ``seed`` (``problem.args[4]``; numba draws the same numbers from it as
      numpy). The draws follow the order of evaluations, so a run is reproducible when the problem is
      rebuilt from the same seed; threads sharing the problem share one stream (the
      stochastic-objective API will key draws per evaluation).

    :math:`f^*` is known for the smooth problems where [MGH81]_ give it (their values print six digits;
    ours carry the digits of our solve and truncate to theirs), and for the zero-residual CUTEr problems
    (Cube, Mancino, Heart8: :math:`f^* = 0`, with the reason); it is None for Bdqrtic and Chebyquad
    :math:`n = 10` and :math:`11`. (For Chebyquad :math:`n = 10`, [MGH81]_ print 6.50395e-3, but that is a
    local minimum: a Levenberg-Marquardt solve from :math:`1.01\,x_0` reaches 4.7727137e-3, so the
    printed value is not :math:`f^*`, and no smaller value is proven minimal.) The other kinds know :math:`f^* = 0` where the smooth problem has a zero residual
    (every kind vanishes there, and is nonnegative), else None.

    The reference codes (BenDFO's Fortran ``dfovec.f``/``calfun.f``/``dfoxs.f``, dated January 2008,
    which accompanied the paper, and their later Matlab and Python translations) disagree with the
    papers or with each other in these places; where the paper defers to its code we follow the Fortran,
    the code of the paper's time:

    1. The helical valley's :math:`\theta` at :math:`x_1 = 0`, where MGH define none:
       :math:`0.25 \operatorname{sign}(x_2)`, and 0.25 at the origin, as the Fortran (``sign(0.25, x2)``):
       the limit of the definition as :math:`x_1 \to 0^+`. The Matlab and Python give 0.25 also for
       :math:`x_2 < 0` (a jump of 1/2 in :math:`\theta`, 50 in :math:`F_1`, from both sides' limits,
       -1/4 and 3/4) and Python 0 at the origin. The point is reachable: a coordinate step of 1 from
       :math:`x_s = (-1, 0, 0)` lands on the origin.
    2. ``noisy3`` multiplies each residual by its own :math:`1 + u_i`, :math:`u_i \sim U[-10^{-3}, 10^{-3}]`,
       as the Fortran (job 3) and the Matlab and Python do; not :math:`f` as a whole (as wild3's
       :math:`1 + 10^{-3}\phi` does), and not Gaussian, as BenDFO's README describes it.
    3. ``nondiff`` evaluates :math:`F` at :math:`\max(x, 0)` for functions 8, 9, 13, 16, 17 and 18, as
       all three codes do (the formula of the paper and of BenDFO's README is :math:`\sum_i |F_i(x)|`),
       so that results compare with those computed with the reference codes. For
       :math:`\sum_i |F_i(x)|` itself, build
       ``zo.Problem(zo.problems.more_wild_nondiff_fun, n, args=p.args[:3] + (-np.inf,))``.
    4. Osborne 1 starts at :math:`x_s = (0.5, 1.5, 1, 0.01, 0.02)`, Moré & Wild's dfoxs in all three
       languages, where MGH 1981 have :math:`x_3 = -1`; we keep Moré & Wild's start, which defines their
       set. (Watson's :math:`x_s = (0.5, \dots, 0.5)` differs from MGH's 0 too; from 0, :math:`10 x_s`
       would equal :math:`x_s`.)
    5. wild3's constants 0.9 and 0.1 are exact, as in the paper and the Matlab and Python; the Fortran
       writes them as single-precision literals, which moves its wild3 values at the 53 starts by
       :math:`10^{-12}` to :math:`1.3 \cdot 10^{-10}` relative.

    References
    ----------
    .. [MW09] J. J. Moré, S. M. Wild. Benchmarking derivative-free optimization algorithms. *SIAM
       Journal on Optimization* 20(1):172–191, 2009. Their codes and ``dfo.dat``:
       https://github.com/POptUS/BenDFO.
    .. [MGH81] J. J. Moré, B. S. Garbow, K. E. Hillstrom. Testing unconstrained optimization software.
       *ACM Transactions on Mathematical Software* 7(1):17–41, 1981.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p, x0 = zo.problems.more_wild(7)            # Rosenbrock at x_s = (-1.2, 1)
    >>> p.name, x0
    ('mw07_rosenbrock_n2_m2_s0', array([-1.2,  1. ]))
    >>> p.value(x0), p.f_star
    (24.199999999999996, 0.0)

    With noise, each squared residual is scaled by a factor within :math:`(1 \pm 10^{-3})^2`:

    >>> q, _ = zo.problems.more_wild(7, "noisy3", seed=1)
    >>> bool(abs(q.value(x0) / p.value(x0) - 1) < 2.1e-3)
    True
    """
    r = _row(row)
    kind = _checks.choice(kind, "kind", MORE_WILD_KINDS)
    nprob, n, m = r.nprob, r.n, r.m
    args = (nprob, m, _data(nprob, m))
    zero = r.f_star == 0.0
    x_star = _x_star(nprob, n)
    f_star = r.f_star if kind == "smooth" else (0.0 if zero else None)
    if kind != "smooth" and not zero:
        x_star = None
    if kind == "smooth":
        fun = mgh.more_wild_smooth_fun
    elif kind == "nondiff":
        fun = mgh.more_wild_nondiff_fun
        args += (0.0 if nprob in _CLIPPED else -np.inf,)
    elif kind == "wild3":
        fun = mgh.more_wild_wild3_fun
    else:
        if seed is None:
            raise ValueError("seed: kind='noisy3' draws its noise from a numpy Generator made from seed; pass an "
                             "integer (or a numpy SeedSequence or Generator) so that the draws are reproducible")
        fun = mgh.more_wild_noisy3_fun
        args += (_checks.generator(seed, "seed"),)
    name = r.name if kind == "smooth" else f"{r.name}_{kind}"
    problem = Problem(fun, n, args=args, x_star=x_star, f_star=f_star, name=name)
    return problem, 10.0 ** r.s * _x_s(nprob, n)
