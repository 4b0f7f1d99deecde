r"""The estimator atlas's theory: what each oracle's moments are on the local quadratic model, with and
without added relative noise (derivations: docs/math/atlas.md).

The noise model: every evaluation returns :math:`\tilde f(y) = f(y)(1 + \sigma e)` with :math:`e \sim
\mathcal N(0, 1)` drawn afresh per evaluation. With :math:`g = \nabla f(x)`, :math:`H = \nabla^2 f(x)`,
the estimate is :math:`G = G_0 + N`, :math:`G_0` the noiseless estimate and :math:`N` the noise's part,
with :math:`\mathbb E[N \mid \text{directions}] = 0`, so

.. math::

    \mathbb E G = \mathbb E G_0, \qquad \mathbb E\|G\|^2 = \mathbb E\|G_0\|^2 + \mathbb E\|N\|^2 .

:func:`moments` returns, per oracle, :math:`\mathbb E G - g` (the bias), :math:`\mathbb E\|G_0\|^2` on the
quadratic model :math:`f(x + s) = f + g^\top s + \tfrac12 s^\top H s` (exact on quadratics: the table's
:math:`m\|g\|^2`, plus the forward scheme's :math:`\varepsilon^2` term) and :math:`\mathbb E\|N\|^2`
(exact for the coordinate oracles, which evaluate at known points; to :math:`O(\varepsilon^4)` on the
model for random directions). The cosine's expectation where a closed form exists (no noise).

The ``eps="auto"`` rows are computed given the step h their estimation phase chose: the fixed-step
formulas at eps = h; for the coordinate oracles with the noiseless differences at h computed
(``moments(..., g0=...)``), which makes them exact on any f (the auto step makes the truncation as large
as the noise, so the quadratic model's would not do).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

#: the oracles of the atlas, in the order of its rows: (label, family, keyword arguments). family:
#: "coord" (CoordinateFD), "randcoord" (RandomCoordinate) or "dir" (TwoPoint); q may be an int, "half"
#: (ceil(n/2), orthogonal frames) or "n".
ORACLES = (
    ("FD central", "coord", dict(scheme="central")),
    ("FD forward", "coord", dict(scheme="forward")),
    ("RandomCoordinate", "randcoord", dict()),
    ("sphere", "dir", dict(dist="sphere", q=1, scheme="central")),
    ("sphere fwd", "dir", dict(dist="sphere", q=1, scheme="forward")),
    ("gaussian", "dir", dict(dist="gaussian", q=1, scheme="central")),
    ("gaussian fwd", "dir", dict(dist="gaussian", q=1, scheme="forward")),
    ("rademacher", "dir", dict(dist="rademacher", q=1, scheme="central")),
    ("rademacher fwd", "dir", dict(dist="rademacher", q=1, scheme="forward")),
    ("sphere q=4", "dir", dict(dist="sphere", q=4, scheme="central")),
    ("sphere q=4 fwd", "dir", dict(dist="sphere", q=4, scheme="forward")),
    ("gaussian q=4", "dir", dict(dist="gaussian", q=4, scheme="central")),
    ("gaussian q=4 fwd", "dir", dict(dist="gaussian", q=4, scheme="forward")),
    ("rademacher q=4", "dir", dict(dist="rademacher", q=4, scheme="central")),
    ("rademacher q=4 fwd", "dir", dict(dist="rademacher", q=4, scheme="forward")),
    ("orthogonal q=n/2", "dir", dict(dist="sphere", q="half", orthogonal=True, scheme="central")),
    ("orthogonal q=n/2 fwd", "dir", dict(dist="sphere", q="half", orthogonal=True, scheme="forward")),
    ("orthogonal q=n", "dir", dict(dist="sphere", q="n", orthogonal=True, scheme="central")),
    ("FD central auto", "coord", dict(scheme="central", eps="auto")),
    ("FD forward auto", "coord", dict(scheme="forward", eps="auto")),
    ("RandomCoordinate auto", "randcoord", dict(eps="auto")),
    ("sphere auto", "dir", dict(dist="sphere", q=1, scheme="central", eps="auto")),
)

#: TwoPoint's radius in the atlas (its default)
EPS = 1e-4


def directions(spec, n):
    """q of a directions oracle in dimension n."""
    q = spec.get("q", 1)
    return {"half": (n + 1) // 2, "n": n}.get(q, q) if isinstance(q, str) else q


def is_auto(spec):
    """True for an ``eps="auto"`` row."""
    return spec.get("eps") == "auto"


def auto_radius(spec, n, h):
    """The fixed step of the oracle that reproduces an ``eps="auto"`` oracle once it has chosen the step
    ``h``: h itself, or h/sqrt(n) for Gaussian directions (the distance moved, as TwoPoint's eps="auto")."""
    return h / math.sqrt(n) if spec.get("dist") == "gaussian" else h


def build(family, spec, n, seed, eps=None):
    """The zeroopt oracle of an atlas row in dimension ``n``, seeded (serial: the draws stay in order).

    ``eps`` None: the row's own step: the oracle's default (coordinate oracles: relative; TwoPoint:
    :data:`EPS`), or ``"auto"`` on an auto row; a number: that fixed step (for an auto row, the step its
    estimation phase chose, :func:`auto_radius`).
    """
    import zeroopt as zo

    if eps is None and is_auto(spec):
        eps = "auto"
    if family == "coord":
        return zo.CoordinateFD(eps=eps, scheme=spec["scheme"])
    if family == "randcoord":
        return zo.RandomCoordinate(eps=eps, seed=seed)
    return zo.TwoPoint(eps=EPS if eps is None else eps, dist=spec["dist"], directions=directions(spec, n),
                       orthogonal=spec.get("orthogonal", False), scheme=spec["scheme"], seed=seed, parallel=False)


def coordinate_steps(x, scheme, eps=None):
    """The steps h_i the coordinate oracles take at x and the divisors d_i they use (the distance between
    the two points evaluated, in floating point): ``(h, d)``."""
    from zeroopt.estimators import CENTRAL_REL_STEP, FORWARD_REL_STEP

    rel = CENTRAL_REL_STEP if scheme == "central" else FORWARD_REL_STEP
    h = np.full(x.shape, float(eps)) if eps is not None else rel * np.maximum(1.0, np.abs(x))
    d = (x + h) - (x - h) if scheme == "central" else (x + h) - x
    return h, d


def _quartic_sphere(H):
    """E (v^T H v)^2 for v uniform on the unit sphere of R^n."""
    n = H.shape[0]
    return (np.trace(H) ** 2 + 2.0 * np.sum(H * H)) / (n * (n + 2.0))


def _quartic(dist, H):
    """E[(v^T H v)^2 ||v||^2] for one direction of ``dist``."""
    n = H.shape[0]
    tr, fro = np.trace(H), np.sum(H * H)
    if dist == "gaussian":
        return (n + 4.0) * (tr * tr + 2.0 * fro)
    if dist == "rademacher":   # v = s/sqrt(n): E (s^T H s)^2 = tr^2 + 2 sum_{i != j} H_ij^2
        return (tr * tr + 2.0 * (fro - np.sum(np.diag(H) ** 2))) / n ** 2
    return _quartic_sphere(H)


def moments(family, spec, n, f, g, H, sigma, x=None, fun=None, eps=None, g0=None):
    """The theory of one atlas cell: a dict with ``bias_vec`` (E G - g), ``second`` (E||G_0||^2 on the
    quadratic model), ``noise`` (E||N||^2), ``m`` (the oracle table's factor) and ``eps2`` (the forward
    scheme's epsilon^2 term in E||G_0||^2); coordinate oracles also ``mse`` (E||G - g||^2, summed
    without cancellation).

    Coordinate oracles need the point ``x`` and ``fun`` (the noiseless objective, for the values at the
    points they evaluate: their noise term is then exact). ``g0`` (coordinate oracles only): the noiseless
    coordinate differences at the oracle's step (the scheme's own; central for RandomCoordinate),
    computed: then E G = g0 and E||G_0||^2 = ||g0||^2 (n ||g0||^2 for RandomCoordinate) exactly on any f,
    with no model (the eps="auto" rows, whose step makes the truncation as large as the noise).
    """
    g2 = float(g @ g)
    out = dict(bias_vec=np.zeros(n), eps2=0.0)
    if family in ("coord", "randcoord"):
        scheme = "central" if family == "randcoord" else spec["scheme"]
        h, d = coordinate_steps(x, scheme, eps)
        fp, fm = np.empty(n), np.empty(n)
        for i in range(n):
            w = x.copy()
            w[i] = x[i] + h[i]
            fp[i] = fun(w)
            w[i] = x[i] - h[i]
            fm[i] = fun(w)
        if scheme == "central":
            per = (fp ** 2 + fm ** 2) / d ** 2          # E N_i^2 / sigma^2: (f+^2 e+ - f-^2 e-)/d_i
        else:
            per = (fp ** 2 + f ** 2) / d ** 2           # (f+ e_i - f e_0)/d_i
            out["bias_vec"] = 0.5 * d * np.diag(H)      # (d_i / 2) H_ii on the quadratic model
        if g0 is not None:                              # the truncation computed, not modelled
            out["bias_vec"] = np.asarray(g0, dtype=float) - g
        b2, mean2 = float(np.sum(out["bias_vec"] ** 2)), float(np.sum((g + out["bias_vec"]) ** 2))
        # E||G - g||^2 written without cancellation (second - 2<E G, g> + ||g||^2 loses all digits when
        # ||g||^2 is 1e20 and the error 1e6, as on Meyer's function)
        if family == "coord":
            noise = sigma ** 2 * float(np.sum(per))
            out.update(m=1.0, second=mean2, noise=noise, mse=b2 + noise)
        else:                                           # G = n D_i e_i, i uniform
            noise = sigma ** 2 * n * float(np.sum(per))
            out.update(m=float(n), second=n * mean2, noise=noise, mse=(n - 1.0) * mean2 + b2 + noise)
        return out
    q = directions(spec, n)
    dist, orth, forward = spec["dist"], spec.get("orthogonal", False), spec["scheme"] == "forward"
    e = EPS if eps is None else eps
    c = (1.0 if dist == "gaussian" else float(n)) / q
    if orth:
        m = n / q
    else:
        m = 1.0 + ((n + 2.0 if dist == "gaussian" else float(n)) - 1.0) / q
    trH = float(np.trace(H))
    quad = g2 + f * trH                                 # E[<g,v>^2 + f v^T H v] scaled below
    if dist == "gaussian":                              # weights ||u||^2: E||u||^2 = n, E[<g,u>^2 ||u||^2] = (n+2)||g||^2
        S1, W = n * f * f + e * e * (n + 2.0) * quad, float(n)
    else:                                               # unit directions, E vv^T = I/n
        S1, W = f * f + e * e * quad / n, 1.0
    # S1 = E[f(x + eps v)^2 ||v||^2] = E[f(x - eps v)^2 ||v||^2] to O(eps^4); W = E||v||^2
    if forward:   # N = c sigma/eps [sum_j f_j e_j v_j - f e_0 sum_j v_j];  E||sum_j v_j||^2 = q W
        noise = c * c * sigma ** 2 / e ** 2 * (q * S1 + f * f * q * W)
        eps2 = c * c * e * e / 4.0 * q * _quartic(dist, H)
    else:         # N_j = sigma (f_+ e_+ - f_- e_-)/(2 eps)
        noise = c * c * q * sigma ** 2 * 2.0 * S1 / (4.0 * e * e)
        eps2 = 0.0
    out.update(m=m, second=m * g2 + eps2, noise=noise, eps2=eps2)
    return out


def _rademacher_abs(g):
    """E|<g, s>| over s uniform in {-1, 1}^n (exact: the 2^(n-1) sign patterns with s_1 = 1)."""
    n = g.shape[0]
    if n > 16:
        return math.nan
    S = np.array([(1.0,) + p for p in itertools.product((1.0, -1.0), repeat=n - 1)])
    return float(np.mean(np.abs(S @ g)))


def cosine(family, spec, n, g):
    r"""E cos(G, g) without noise on the quadratic model, where a closed form exists; NaN elsewhere.

    One sphere or Gaussian direction: :math:`\mathbb E|v_1| = \Gamma(n/2)/(\sqrt\pi\,\Gamma((n+1)/2))`;
    q orthogonal directions: :math:`\mathbb E\|Pg\|/\|g\|`, the mean of the square root of a
    Beta(q/2, (n-q)/2) variable, :math:`\Gamma((q+1)/2)\Gamma(n/2)/(\Gamma(q/2)\Gamma((n+1)/2))`;
    RandomCoordinate :math:`\|g\|_1/(n\|g\|)`; one Rademacher direction
    :math:`\mathbb E|\langle g, s\rangle|/(\sqrt n\|g\|)` summed over the sign patterns.
    """
    gn = float(np.linalg.norm(g))
    if family == "randcoord":
        return float(np.sum(np.abs(g))) / (n * gn)
    if family != "dir":
        return math.nan
    q = directions(spec, n)
    if spec.get("orthogonal", False):
        if q == n:
            return 1.0
        return math.exp(math.lgamma((q + 1) / 2) + math.lgamma(n / 2) - math.lgamma(q / 2) - math.lgamma((n + 1) / 2))
    if q != 1:
        return math.nan
    if spec["dist"] == "rademacher":
        return _rademacher_abs(g) / (math.sqrt(n) * gn)
    return math.exp(math.lgamma(n / 2) - math.lgamma((n + 1) / 2)) / math.sqrt(math.pi)
