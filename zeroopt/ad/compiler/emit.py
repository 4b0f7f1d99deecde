"""Writing the numba source of a recorded program: names, literals, loops, fused elementwise groups.

The program's values are named ``v<k>``; a 0-d value is a scalar (a float, bool or int), any other an
array (C-contiguous when the program allocated it, else possibly a view). Constant arrays - values the
recorded function built without the inputs (``np.eye(3)``, a mask fixed by a guard) - reach the code
through its ``consts`` argument, never as globals; scalar constants are written as literals.

A run of elementwise operations with one output shape is one loop nest (:meth:`Emitter.group`): each
value is computed once per index, stored only if something outside the loop reads it, and a full sum of
such a value is accumulated in the same loop. The templates of the operations are in the ``t_*``
modules of this package, one per family of rules.
"""

from __future__ import annotations

import contextlib
import math

from ..numpy_names import np


class Unsupported(Exception):
    """The program uses an operation the compiler has no template for (the message names it)."""


def literal(value, dtype=None):
    """A numba literal for a Python or numpy scalar (its dtype kept for float32 and integers)."""
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        text = "np.nan" if math.isnan(v) else ("np.inf" if v == math.inf else ("-np.inf" if v == -math.inf else repr(v)))
        d = np.dtype(dtype if dtype is not None else getattr(value, "dtype", np.float64))
        return text if d == np.float64 else f"np.{d.name}({text})"
    raise Unsupported(f"a constant of type {type(value).__name__} ({value!r:.60})")


def dtype_name(dtype):
    d = np.dtype(dtype)
    if d.kind not in "fbiu" or (d.kind == "f" and d.itemsize not in (4, 8)):
        raise Unsupported(f"values of dtype {d}")
    return "np.bool_" if d.kind == "b" else f"np.{d.name}"


def value_dtype(value):
    """The dtype of a recorded value (Python floats are float64)."""
    d = getattr(value, "dtype", None)
    return np.result_type(value) if d is None else d


def index_of(shape, out_shape, names):
    """The index of an array of ``shape`` broadcast against ``out_shape`` at loop indices ``names``."""
    off = len(out_shape) - len(shape)
    return ", ".join(names[k + off] if s != 1 else "0" for k, s in enumerate(shape))


class Var:
    """A named value of the program: its code name, shape, dtype and ``layout``: "C" (C-contiguous), "F"
    (Fortran-contiguous: the transpose of a C-contiguous matrix) or "A" (any view)."""

    __slots__ = ("name", "shape", "dtype", "layout")

    def __init__(self, name, shape, dtype, layout):
        self.name, self.shape, self.dtype, self.layout = name, tuple(shape), np.dtype(dtype), layout


class Const:
    """A plain value in an input position of an operation."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    @property
    def shape(self):
        return np.shape(self.value)

    @property
    def dtype(self):
        kind = {bool: np.bool_, int: np.int64, float: np.float64}.get(type(self.value))
        return np.result_type(self.value) if kind is None else np.dtype(kind)

    def uniform(self):
        """The one value of a constant whose entries are all equal (a broadcast scalar), else None."""
        v = self.value
        if isinstance(v, (bool, int, float, np.generic)):
            return v
        if isinstance(v, np.ndarray) and v.size and v.dtype.kind in "fbiu":
            first = v.flat[0]
            if (v == first).all() and not (v.dtype.kind == "f" and np.isnan(first)):
                return first
        return None


class Emitter:
    """Accumulates the lines of one generated function (see the module docstring)."""

    def __init__(self):
        self.lines, self.depth = [], 1
        self.vars = {}                  # recording node -> Var
        self.consts = []                # arrays passed in the consts argument
        self._const_names = {}          # id(array) -> name
        self._count = 0

    # --- lines and names ---------------------------------------------------------------------------
    def line(self, text):
        self.lines.append("    " * self.depth + text)

    @contextlib.contextmanager
    def block(self, header):
        self.line(header)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    @contextlib.contextmanager
    def loops(self, shape, prefix="i"):
        """Nested loops over ``shape``; yields the index names."""
        names = [f"{prefix}{k}" for k in range(len(shape))]
        for name, n in zip(names, shape):
            self.line(f"for {name} in range({n}):")
            self.depth += 1
        try:
            yield names
        finally:
            self.depth -= len(shape)

    def fresh(self, prefix="t"):
        self._count += 1
        return f"{prefix}{self._count}"

    def define(self, node, code=None, layout="C", name=None):
        """Name ``node``'s value, of the shape and dtype it had when recorded (and assign ``code`` to it)."""
        name = name or self.fresh("v")
        self.vars[node] = Var(name, np.shape(node.ans), value_dtype(node.ans), layout)
        if code is not None:
            self.line(f"{name} = {code}")
        return name

    def out(self, node):
        """The dtype name of a node's value (for allocations)."""
        return dtype_name(value_dtype(node.ans))

    # --- inputs of operations ----------------------------------------------------------------------
    def inputs(self, node):
        """The items (Var or Const) of a node's argument positions."""
        parents = dict(zip(node.argnums, node.parents))
        return [self.vars[parents[i]] if i in parents else Const(a) for i, a in enumerate(node.args)]

    def const_array(self, value, dtype=None):
        """The name under which a constant array reaches the code (a C-contiguous copy in ``consts``)."""
        key = id(value)
        if key not in self._const_names:
            arr = np.ascontiguousarray(value, dtype=dtype)
            if arr.dtype.kind not in "fbiu":
                raise Unsupported(f"a constant array of dtype {arr.dtype}")
            self._const_names[key] = f"c{len(self.consts)}"
            self.consts.append(arr)
        return self._const_names[key]

    def scalar(self, it):
        """Code of a 0-d value (or of a constant array whose entries are all equal)."""
        if isinstance(it, Var):
            if it.shape:
                raise Unsupported("an array where a number is expected")
            return it.name
        u = it.uniform()
        if u is None:
            raise Unsupported("an array constant where a number is expected")
        return literal(u, it.dtype)

    def array(self, it, shape=None):
        """Code of an array for an input (constants: from ``consts``; numbers: filled to ``shape``)."""
        if isinstance(it, Var):
            if it.shape:
                return it.name
            return f"np.full({tuple(shape or ())}, {it.name})"
        if isinstance(it.value, np.ndarray) and it.value.ndim:
            return self.const_array(it.value)
        return f"np.full({tuple(shape or ())}, {literal(it.value, it.dtype)})"

    def contiguous(self, it, fortran_ok=False):
        """Code of a C-contiguous array for ``it`` (a copy of a view; F-contiguous too if ``fortran_ok``)."""
        code = self.array(it)
        if not isinstance(it, Var) or it.layout == "C" or (fortran_ok and it.layout == "F"):
            return code
        return f"np.ascontiguousarray({code})"

    def at(self, it, out_shape, names, local=None):
        """A scalar expression of ``it`` at the loop indices ``names`` over ``out_shape`` (broadcast)."""
        if local is not None and it in local:
            return local[it]
        if isinstance(it, Var):
            if not it.shape:
                return it.name
            return f"{it.name}[{index_of(it.shape, out_shape, names)}]"
        u = it.uniform()
        if u is not None:
            return literal(u, it.dtype)
        return f"{self.const_array(it.value)}[{index_of(np.shape(it.value), out_shape, names)}]"

    # --- the function -------------------------------------------------------------------------------
    def source(self, name, params, body_first=()):
        head = f"def {name}({', '.join(params)}):"
        binds = [f"    c{k} = consts[{k}]" for k in range(len(self.consts))]
        return "\n".join([head, *body_first, *binds, *self.lines]) + "\n"
