"""Recording a program: one traced evaluation of a derivative, every operation kept.

The compiler records ``value_and_grad(fun)`` (or ``hvp``) at a point with the point and the float
arrays among ``args`` as tracers of a *recording* trace (:class:`~zeroopt.ad.core.Trace` in mode "rec"),
opened below every other: the differentiation then runs as usual on top of it, and every operation it
performs on values that depend on the inputs - the function's own operations and those of the derivative
rules - is recorded at the recording level as a node. The result is a straight-line program of
primitives from the inputs to the outputs (:class:`Recording`).

What such a program cannot follow are decisions taken on the values: a branch (``bool``), an index
(``int``), a comparison, an ordering. The tracer reports them to the :class:`Recorder`:

* :func:`~zeroopt.ad.tracer.decide` - a decision with a known checking rule: recorded as a
  :class:`Guard`, checked again on every call of the compiled program;
* :func:`~zeroopt.ad.tracer.nondiff` - a value without derivative used only in arithmetic (a sign, a
  mask, tie weights): recorded as a node (:class:`NonDiff`), computed on every call;
* :func:`~zeroopt.ad.tracer.raw` - any other read of the entries: a decision nothing checks. The program
  is then not compiled (``reads`` names where it happened).
"""

from __future__ import annotations

import functools
import linecache
import os
import sys
import threading

from .. import tracer as _tracer
from ..core import Primitive, Trace, Tracer, Variadic, VJPNode, apply, toposort
from ..numpy_names import np

#: one recording at a time (the tracer's hook is process-wide; recordings are short)
LOCK = threading.RLock()
_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _zero_vjp(i, g, ans, *args, **kwargs):
    return np.zeros(np.shape(args[i]))


class NonDiff(Primitive):
    """A value without derivative, ``fn(*args, **static)``, recorded so that the program computes it."""

    __slots__ = ("fn", "static")

    def __init__(self, fn, static):
        super().__init__(getattr(fn, "__name__", "nondiff"), functools.partial(fn, **static) if static else fn)
        self.fn, self.static = fn, dict(static)
        self.vjps = Variadic(_zero_vjp, first=0)        # (used by the rounding bound's backward passes)


class Guard:
    """A decision ``fn(*items, **static) == expected`` taken while recording; ``items`` are recording
    tracers or plain values; ``where`` says where (the user's line)."""

    __slots__ = ("fn", "static", "items", "expected", "where")

    def __init__(self, fn, static, items, expected, where):
        self.fn, self.static, self.items, self.expected, self.where = fn, dict(static), items, expected, where

    @property
    def name(self):
        return _fn_name(self.fn)


def _fn_name(fn):
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    if isinstance(fn, np.ufunc) or module.startswith("numpy"):
        return f"numpy.{getattr(fn, '__name__', name)}"
    return f"{module}.{name}" if module and module != "builtins" else name


def user_line(frame):
    """``file, line N: source`` of the first frame outside the zeroopt package (the user's code)."""
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return ""
    src = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return f"{os.path.basename(frame.f_code.co_filename)}, line {frame.f_lineno}" + (f": {src}" if src else "")


class Recorder:
    """The tracer's hook while a program is recorded (see the module docstring)."""

    def __init__(self, trace):
        self.trace = trace
        self.guards = []
        self.reads = []                 # (zeroopt function, user's line) of unchecked reads

    def lower(self, x):
        """x's value at the recording level: a recording tracer, or a plain value if x does not depend on
        the recorded inputs."""
        while type(x) is Tracer:
            if x._trace is self.trace:
                return x
            x = x._value
        return x

    def read(self, x):
        if type(self.lower(x)) is Tracer:
            frame = sys._getframe(2)
            code = frame.f_code
            module = frame.f_globals.get("__name__", "")
            self.reads.append((f"{module}.{getattr(code, 'co_qualname', code.co_name)}", user_line(frame)))

    def decided(self, fn, args, static, result):
        low = [self.lower(a) for a in args]
        if any(type(a) is Tracer for a in low):
            self.guards.append(Guard(fn, static, low, _snapshot(result), user_line(sys._getframe(2))))

    def nondiff(self, fn, args, static):
        low = [self.lower(a) for a in args]
        if not any(type(a) is Tracer for a in low):
            return None
        return apply(_nondiff_primitive(fn, tuple(sorted(static.items(), key=lambda kv: kv[0]))), low, {})


def _snapshot(result):
    return result.copy() if isinstance(result, np.ndarray) else result


@functools.lru_cache(maxsize=None)
def _nondiff_primitive(fn, static):
    return NonDiff(fn, dict(static))


class Recording:
    """A recorded program: ``leaves`` (node, value, source) with source "x", "v" or ("arg", k);
    ``outputs`` (recording tracers or plain values), their ``values`` as the traced path computed them,
    the ``guards``, the unchecked ``reads``, and ``nodes`` (every operation the outputs and guards need,
    each after its inputs)."""

    def __init__(self, leaves, outputs, guards, reads):
        self.leaves, self.guards, self.reads = leaves, guards, reads
        self.outputs = outputs
        self.values = [o._value if type(o) is Tracer else o for o in outputs]
        ends = [o._node for o in outputs if type(o) is Tracer]
        ends += [a._node for g in guards for a in g.items if type(a) is Tracer]
        top = VJPNode(None, None, (), None, (), ends)
        order = list(toposort(top))[1:]
        order.reverse()
        self.nodes = [n for n in order if n.prim is not None]
        self.uses = {}
        for n in self.nodes:
            for p in n.parents:
                self.uses[p] = self.uses.get(p, 0) + 1
        for e in ends:
            self.uses[e] = self.uses.get(e, 0) + 1

    def __len__(self):
        return len(self.nodes)


def record(target, inputs, sources):
    """Run ``target(*inputs)`` with ``inputs[i]`` traced for each i in ``sources`` (a dict position ->
    source); returns the :class:`Recording` of its outputs (a tuple)."""
    with LOCK:
        trace = Trace("rec", release=False)
        recorder = Recorder(trace)
        traced, leaves = list(inputs), []
        for i, source in sources.items():
            node = VJPNode(None, None, (), None, (), ())
            traced[i] = Tracer(inputs[i], node, trace)
            leaves.append((node, inputs[i], source))
        previous, _tracer.RECORDER = _tracer.RECORDER, recorder
        try:
            outputs = target(*traced)
        finally:
            _tracer.RECORDER = previous
    outputs = [recorder.lower(o) for o in outputs]
    return Recording(leaves, outputs, recorder.guards, recorder.reads)
