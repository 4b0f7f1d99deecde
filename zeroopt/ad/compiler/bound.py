"""The rounding bound within which a compiled derivative and the traced one agree.

A recorded program evaluates nodes v_k = op_k(inputs). In floating point each evaluation makes a local
error eps_k (the difference between the computed op_k of the computed inputs and its exact value), and
to first order the error of an output y is

    y_computed - y_exact = sum_k <dy/dv_k, eps_k>,

with dy/dv_k the cotangent of node k (one reverse pass over the recording per output entry). Hence

    |y_computed - y_exact| <= B = sum_k <|dy/dv_k|, e_k>,   |eps_k| <= e_k entrywise,

where e_k is the local error bound of one evaluation of op_k, whatever the order of evaluation:

* exact operations (negation, abs, where, max, min, indexing, reshapes, joins): e_k = 0;
* a correctly rounded operation (+, -, *, /, sqrt): e_k = u |v_k|, u = 2^-53;
* a library function (exp, log, sin, pow, logaddexp, ...): e_k = 4 u |v_k| (numpy's and the C
  library's implementations are within a few units in the last place);
* a sum of m terms (any order, sequential or pairwise): e_k = gamma_{m-1} sum |terms|,
  gamma_m = m u / (1 - m u) (Higham, *Accuracy and Stability of Numerical Algorithms*, sec. 4.2);
* a product or dot product of length m (matmul, einsum): gamma_m (|a| |b|) (Higham, sec. 3.1);
* a product of m factors: gamma_{m-1} |v_k|; the 2-norm of m entries: (m + 2) u |v_k|.

Both the compiled and the traced evaluation obey the bound, each with its own order of operations. The
exact value is the recorded program's: the tests compute it by :func:`replay`, which evaluates every
recorded operation again in extended precision (np.longdouble, u = 2^-64 on x86-64) on the same inputs
and the same constants, and accept 2 B (the factor 2 covers the second-order terms and the replay's own
error, about 2^-11 B). (The constants of a recording - values the function computed without the
inputs - are the same float64 numbers in both evaluations.)
"""

from __future__ import annotations

from .. import elementwise as ew
from ..contractions import einsum_p, matmul_p
from ..core import axes_of, sum_p
from ..numpy_names import np
from ..norms import norm2_p
from ..reductions import extreme_weights, prod_p
from ..scans import cumprod_p, cumsum_p

U = np.finfo(np.float64).eps / 2
#: units in the last place a library function may be off by (the bound's e_k for exp, log, ...)
LIBRARY_ULPS = 4.0
_EXACT = {ew.negative_p, ew.abs_p, ew.where_p, ew.maximum_p, ew.minimum_p, ew.fmax_p, ew.fmin_p, ew.clip_p,
          ew.nan_to_num_p}
_ROUNDED = {ew.add_p, ew.subtract_p, ew.multiply_p, ew.divide_p, ew.sqrt_p, ew.square_p, ew.reciprocal_p}


def gamma(m):
    m = max(int(m), 0)
    return m * U / (1 - m * U)


def local_error(node):
    """e_k of one evaluation of ``node`` (entrywise, the shape of its value)."""
    p, v = node.prim, np.abs(np.asarray(node.ans, dtype=np.float64))
    fn = getattr(p, "fn", None)
    if p in _EXACT or (fn is not None and fn is not extreme_weights):   # (values without derivative: exact)
        return np.zeros_like(v)
    if p in _ROUNDED or fn is extreme_weights:
        return U * v
    if p is sum_p or p is cumsum_p:
        x = np.abs(np.asarray(node.args[0], dtype=np.float64))
        if p is cumsum_p:
            axis = node.args[1]
            return gamma(x.shape[axis]) * np.cumsum(x, axis=axis)
        axis, keep = node.kwargs.get("axis"), node.kwargs.get("keepdims", False)
        m = int(np.prod([x.shape[a] for a in axes_of(axis, x.ndim)])) if x.ndim else 1
        return gamma(m - 1) * np.sum(x, axis=axis, keepdims=keep)
    if p is prod_p or p is cumprod_p:
        x = np.asarray(node.args[0])
        m = x.shape[node.args[1]] if p is cumprod_p else (
            int(np.prod([x.shape[a] for a in axes_of(node.kwargs.get("axis"), x.ndim)])) if x.ndim else 1)
        return gamma(m - 1) * v
    if p is norm2_p:
        x = np.asarray(node.args[0])
        m = int(np.prod([x.shape[a] for a in axes_of(node.kwargs.get("axis"), x.ndim)])) if x.ndim else 1
        return (m + 2) * U * v
    if p is matmul_p:
        a, b = (np.abs(np.asarray(t, dtype=np.float64)) for t in node.args[:2])
        return gamma(a.shape[-1]) * np.matmul(a, b)
    if p is einsum_p:
        spec, ops = node.args[0], [np.abs(np.asarray(t, dtype=np.float64)) for t in node.args[1:]]
        ins, out = spec.split("->")
        sizes = {c: n for s, o in zip(ins.split(","), ops) for c, n in zip(s, o.shape)}
        m = int(np.prod([n for c, n in sizes.items() if c not in out]))
        return gamma(m) * np.einsum(spec, *ops)
    structural = {"reshape", "broadcast_to", "transpose", "getitem", "concatenate", "diagonal", "diag_embed",
                  "einsum_diagonal", "einsum_undiagonal", "max", "min"}
    if p.name in structural:
        return np.zeros_like(v)
    if p.name == "scatter_add":                       # repeated positions add up: one rounding per addition
        return U * v
    return LIBRARY_ULPS * U * v


def cotangents(recording, output, seed):
    """dy/dv_k for every node k of ``recording``, y = <seed, outputs[output]> (one reverse pass; inputs
    without a rule - conditions, values without derivative - take no cotangent)."""
    out = recording.outputs[output]
    if not hasattr(out, "_node"):
        return {}
    ct = {out._node: np.asarray(seed, dtype=np.float64)}
    for node in reversed(recording.nodes):
        g = ct.get(node)
        if g is None:
            continue
        for i, parent in zip(node.argnums, node.parents):
            rule = node.prim.vjps.get(i) if hasattr(node.prim.vjps, "get") else None
            if rule is None or getattr(node.prim, "fn", None) is not None:
                continue
            c = np.asarray(rule(g, node.ans, *node.args, **(node.kwargs or {})), dtype=np.float64)
            old = ct.get(parent)
            ct[parent] = c if old is None else old + c
    return ct


def rounding_bound(recording, output=-1):
    """B for every entry of the recording's output ``output`` (an array of its shape): the first-order
    bound on |computed - exact| of any evaluation order (see the module docstring)."""
    value = np.asarray(recording.values[output], dtype=np.float64)
    errors = {node: local_error(node) for node in recording.nodes}
    bound = np.zeros(value.shape)
    for i in np.ndindex(value.shape):
        seed = np.zeros(value.shape)
        seed[i] = 1.0
        ct = cotangents(recording, output, seed)
        bound[i] = sum(float(np.sum(np.abs(np.broadcast_to(g, np.shape(errors[n])) if np.ndim(g) else g)
                                    * errors[n])) for n, g in ct.items() if n in errors)
    return bound


def replay(recording, dtype=np.longdouble):
    """The recording's outputs, every operation evaluated again in ``dtype`` (its raw numpy function) on
    the inputs converted to ``dtype`` and the recorded constants."""
    values = {}
    for node, value, _ in recording.leaves:
        values[node] = np.asarray(value).astype(dtype)
    for node in recording.nodes:
        args = list(node.args)
        for i, parent in zip(node.argnums, node.parents):
            args[i] = values[parent]
        values[node] = node.prim.raw(*args, **(node.kwargs or {}))
    return [values[o._node] if hasattr(o, "_node") else o for o in recording.outputs]
