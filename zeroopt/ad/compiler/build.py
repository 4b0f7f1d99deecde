"""From a recording to a compiled function: the generated source, its constants, numba.

Every program has the signature ``prog(x, v, args, consts, out) -> (status, value, sumsq)``: ``x`` the
point, ``v`` a direction (hvp; an empty array otherwise), ``args`` the function's extra arguments,
``consts`` the constant arrays of the recording, ``out`` the array the result is written into.
``status`` is 0, or the number of the first guard that failed (then nothing else holds); ``value`` is
f(x) where the program computes it, else NaN; ``sumsq`` is the sum of the squares of ``out``'s entries
(||g||^2: finite exactly when every entry is, unless it overflows).

The source goes into a file named by its hash in :data:`CACHE_DIR` and is compiled with numba's
``cache=True``: a process that records the same program (a loky worker running the same sweep) loads the
machine code instead of compiling it again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading

import numba

from ..core import Tracer
from ..numpy_names import np
from .emit import Const, Emitter, Unsupported, Var
from .schedule import emit_program

#: where generated sources (and numba's cache of their machine code) are kept; None: in memory only
CACHE_DIR = os.environ.get("ZEROOPT_AD_CACHE") or os.path.join(tempfile.gettempdir(), f"zeroopt-ad-{os.getuid()}"
                                                                 if hasattr(os, "getuid") else "zeroopt-ad")
if CACHE_DIR in ("0", "off", "none"):
    CACHE_DIR = None
_LOCK = threading.Lock()
_DISPATCHERS = {}               # source hash -> numba dispatcher (one compilation per process)


class Built:
    """A generated program: ``source``, ``consts`` (tuple of arrays), ``guards`` (status k: guards[k-1]),
    ``statements`` (lines of its body) and ``dispatcher`` (numba's, compiled on first call)."""

    def __init__(self, source, consts, guards, dispatcher):
        self.source, self.consts, self.guards, self.dispatcher = source, tuple(consts), guards, dispatcher
        self.statements = source.count("\n")


def _layout(a):
    return "C" if a.flags.c_contiguous else ("F" if a.flags.f_contiguous else "A")


def _bind_leaves(em, recording):
    head = []
    for node, value, source in recording.leaves:
        if not isinstance(value, np.ndarray) or value.ndim == 0:
            raise Unsupported("a 0-d or non-array input")
        if source in ("x", "v"):
            name = source
        else:
            name = f"a{source[1]}"
            head.append(f"    {name} = args[{source[1]}]")
        em.vars[node] = Var(name, value.shape, value.dtype, _layout(value))
    return head


def _write(em, item, out_name, shape, sumsq=None):
    """out[...] = item (broadcast and cast to out's dtype); with ``sumsq``, the sum of the squares."""
    if sumsq:
        em.line(f"{sumsq} = 0.0")
    if isinstance(item, Const) and item.value is None:
        em.line(f"{out_name}[...] = 0.0")
        return
    with em.loops(shape, "w") as names:
        cell = f"{out_name}[{', '.join(names)}]"
        em.line(f"{cell} = {em.at(item, shape, names)}")
        if sumsq:
            em.line(f"{sumsq} += {cell} * {cell}")


def _item(em, value):
    return em.vars[value._node] if type(value) is Tracer else Const(value)


def _value(em, item):
    if item is None:
        return "np.nan"
    if isinstance(item, Var):
        return f"float({item.name})"
    return repr(float(item.value))


def generate(recording, kind, out_shape):
    """The source and constants of the program of ``kind`` ("grad": outputs (f, g); "hvp": (Hv,);
    "hessian": the hvp recording, one column per basis vector)."""
    em = Emitter()
    head = _bind_leaves(em, recording)
    if kind == "hessian":
        return _hessian(em, recording, head, out_shape)
    guards = emit_program(em, recording.nodes, recording.guards, recording.outputs)
    items = [_item(em, o) for o in recording.outputs]
    if kind == "grad":
        value, result = items
    else:
        value, result = None, items[0]
    _write(em, result, "out", out_shape, "sumsq")
    em.line(f"return 0, {_value(em, value)}, sumsq")
    return em.source("zo_prog", ["x", "v", "args", "consts", "out"], head), em.consts, guards


def _hessian(em, recording, head, out_shape):
    """The hvp program in a loop over the basis vectors e_j (column j of the Hessian), with every
    operation and guard that does not depend on v computed once, before the loop."""
    v_leaf = next(node for node, _, source in recording.leaves if source == "v")
    depends = {v_leaf}
    for n in recording.nodes:
        if any(p in depends for p in n.parents):
            depends.add(n)
    outer = [n for n in recording.nodes if n not in depends]
    inner = [n for n in recording.nodes if n in depends]

    def on_v(g):
        return any(type(a) is Tracer and a._node in depends for a in g.items)
    outer_guards = [g for g in recording.guards if not on_v(g)]
    inner_guards = [g for g in recording.guards if on_v(g)]
    read_inside = {p for n in inner for p in n.parents} | {a._node for g in inner_guards for a in g.items
                                                             if type(a) is Tracer}
    guards = emit_program(em, outer, outer_guards, recording.outputs, 1, keep=read_inside)
    n = int(np.prod(recording.leaves[0][1].shape))
    xshape = recording.leaves[0][1].shape
    em.line(f"v = np.zeros({xshape}, np.float64)")
    em.line("vf = v.reshape(" + str(n) + ")")
    with em.block(f"for col in range({n}):"):
        with em.block("if col > 0:"):
            em.line("vf[col - 1] = 0.0")
        em.line("vf[col] = 1.0")
        guards += emit_program(em, inner, inner_guards, recording.outputs, len(guards) + 1)
        item = _item(em, recording.outputs[0])
        col_out = "oc"
        em.line(f"{col_out} = out.reshape({xshape + (n,)})[..., col]" if len(xshape) > 1 else f"{col_out} = out[:, col]")
        _write(em, item, col_out, xshape)
    em.line("return 0, np.nan, np.nan")
    return em.source("zo_prog", ["x", "v0", "args", "consts", "out"], head), em.consts, guards


def _private_dir(path):
    """Create ``path`` readable and writable by this user only; True if it is so (owned by this user, no
    access for others), so that no other user can place code where the generated sources are imported."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.stat(path)
    except OSError:
        return False
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return False
    return True


def _cached_source(key, text):
    """The path of the generated source ``text`` in :data:`CACHE_DIR` (written if missing, atomically),
    or None if the directory is not private to this user or the file there holds something else."""
    if not _private_dir(CACHE_DIR):
        return None
    path = os.path.join(CACHE_DIR, f"zoad_{key}.py")
    try:
        if os.path.exists(path):
            with open(path) as fh:
                if fh.read() == text:
                    return path
        tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        with open(tmp, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
        return path
    except OSError:
        return None


def compile_source(source):
    """numba's dispatcher of the generated ``source`` (one per distinct source and process; cached on
    disk when :data:`CACHE_DIR` is usable)."""
    key = hashlib.sha256(source.encode()).hexdigest()[:24]
    with _LOCK:
        disp = _DISPATCHERS.get(key)
        if disp is not None:
            return disp
        text = "import numpy as np\n\n\n" + source
        fn, cache = None, False
        path = _cached_source(key, text) if CACHE_DIR is not None else None
        if path is not None:
            name = f"zeroopt_ad_compiled_{key}"
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules.setdefault(name, module)
            fn, cache = module.zo_prog, True
        if fn is None:
            namespace = {"np": np}
            exec(compile(text, f"<zeroopt.ad compiled {key}>", "exec"), namespace)
            fn = namespace["zo_prog"]
        disp = numba.njit(error_model="numpy", cache=cache)(fn)
        _DISPATCHERS[key] = disp
        return disp


def build(recording, kind, out_shape):
    """The :class:`Built` program of ``recording`` (raises Unsupported naming what cannot be compiled)."""
    source, consts, guards = generate(recording, kind, out_shape)
    return Built(source, consts, guards, compile_source(source))
