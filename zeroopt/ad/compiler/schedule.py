"""Order and fuse a recording's operations, and emit them (:func:`emit_program`).

A list scheduler walks the operations in an order that respects their inputs and prefers to continue the
current *group*: elementwise operations with one output shape, computed in one loop nest. A full sum of
a value of that shape joins the group as an accumulator. A group member is stored in an array only when
something outside the group reads it (a later operation, a guard, an output); otherwise it lives in a
local variable of the loop body. Each guard is checked as soon as its inputs exist.
"""

from __future__ import annotations

import heapq

from ..core import Tracer
from ..numpy_names import np
from . import t_arrays, t_elementwise, t_reductions
from .emit import Const, Unsupported, index_of, value_dtype
from .t_guards import emit_guard

TEMPLATES = {**t_arrays.TEMPLATES, **t_reductions.TEMPLATES}


def _cast(expr, dtype):
    d = np.dtype(dtype)
    return expr if d == np.float64 or d.kind == "b" else f"np.{d.name}({expr})"


def template_of(node):
    """The emitting function of a non-elementwise node, or Unsupported naming its operation."""
    t = TEMPLATES.get(node.prim)
    if t is None:
        t = t_reductions.NONDIFF.get(getattr(node.prim, "fn", None))
    if t is None:
        raise Unsupported(node.prim.name if getattr(node.prim, "fn", None) is None else
                          f"{node.prim.name} (a value without derivative)")
    return t


class Group:
    def __init__(self, shape):
        self.shape, self.members, self.sums = shape, [], []


def _emit_group(em, group, readers):
    """One loop nest computing the group's members (stored where read outside) and its sums."""
    shape = group.shape
    inside = set(group.members) | set(group.sums)
    stored = {m for m in group.members if readers[m] - inside or readers.get(("out", m))}
    for m in group.members:
        if m in stored:
            em.define(m, f"np.empty({shape}, {em.out(m)})" if shape else None)
    for s in group.sums:
        em.define(s, "0.0")
    local = {}

    def arg(node, i, names):
        if i in node.argnums:
            p = node.parents[node.argnums.index(i)]
            return local[p] if p in local else em.at(em.vars[p], shape, names)
        value = node.args[i]
        return "None" if value is None else em.at(Const(value), shape, names)

    with em.loops(shape) as names:
        for m in group.members:
            args = [arg(m, i, names) for i in range(t_elementwise.value_positions(m))]
            expr = _cast(t_elementwise.expression(m, args), value_dtype(m.ans))
            if m in stored and not shape:
                local[m] = em.vars[m].name
                em.line(f"{local[m]} = {expr}")
                continue
            local[m] = em.fresh("e")
            em.line(f"{local[m]} = {expr}")
            if m in stored:
                em.line(f"{em.vars[m].name}[{', '.join(names)}] = {local[m]}")
        for s in group.sums:
            src = s.parents[0]
            em.line(f"{em.vars[s].name} += {local[src] if src in local else em.at(em.vars[src], shape, names)}")
    for s in group.sums:
        d = value_dtype(s.ans)
        if np.dtype(d) != np.float64:
            em.line(f"{em.vars[s].name} = {_cast(em.vars[s].name, d)}")


def emit_program(em, nodes, guards, outputs, first_status=1, keep=()):
    """Emit the operations ``nodes`` (in an order that respects their inputs) and the ``guards`` that
    read them; everything else they read is already named in ``em``. ``outputs`` (recording values) and
    the nodes in ``keep`` are read after. Returns the guards in the order of their status codes
    (``first_status``, ...)."""
    order = {n: k for k, n in enumerate(nodes)}
    readers = {n: set() for n in nodes}
    for n in nodes:
        for p in n.parents:
            if p in readers:
                readers[p].add(n)
    guards = list(guards)
    for out in outputs:
        if type(out) is Tracer and out._node in readers:
            readers[("out", out._node)] = True
    for n in keep:
        readers[("out", n)] = True
    waiting = {}                         # node/guard -> inputs not yet computed
    for n in nodes:
        waiting[n] = {p for p in n.parents if p in order}
    for g in guards:
        waiting[g] = {a._node for a in g.items if type(a) is Tracer and a._node in order}
        for p in waiting[g]:
            readers[p].add(g)
    users = {}
    for item, deps in waiting.items():
        for p in deps:
            users.setdefault(p, []).append(item)
    rank = {**order, **{g: len(nodes) + k for k, g in enumerate(guards)}}
    ready = [(rank[i], k, i) for k, i in enumerate(waiting) if not waiting[i]]
    heapq.heapify(ready)
    counter = len(rank)
    done_guards = []
    group = None
    elementwise = {n: t_elementwise.is_elementwise(n) for n in nodes}

    def close():
        nonlocal group
        if group is not None:
            _emit_group(em, group, readers)
            group = None

    def finished(item):
        nonlocal counter
        for u in users.get(item, ()):
            waiting[u].discard(item)
            if not waiting[u]:
                counter += 1
                heapq.heappush(ready, (rank[u], counter, u))

    while ready:
        pick = None
        if group is not None:                 # continue the group if anything ready fits
            for entry in sorted(ready, key=lambda e: e[:2]):
                if entry[2] in elementwise and _fits(entry[2], group, elementwise):
                    pick = entry
                    ready.remove(entry)
                    heapq.heapify(ready)
                    break
        if pick is None:
            close_needed = group is not None
            pick = heapq.heappop(ready)
            if close_needed:
                close()
        item = pick[2]
        if item in elementwise and elementwise[item]:
            if group is None:
                group = Group(tuple(np.shape(item.ans)))
            group.members.append(item)
        elif item in elementwise and t_reductions.is_full_sum(item) and group is not None \
                and tuple(np.shape(item.args[0])) == group.shape:
            group.sums.append(item)
        elif item in elementwise:
            close()
            template_of(item)(em, item)
        else:
            close()
            done_guards.append(item)
            emit_guard(em, item, first_status + len(done_guards) - 1)
        finished(item)
    close()
    if any(waiting[i] for i in waiting):
        raise Unsupported("a cycle in the recording")     # pragma: no cover - a recording is acyclic
    return done_guards


def _fits(node, group, elementwise):
    if any(p in group.sums for p in node.parents):       # (a sum is complete only after the loop)
        return False
    shape = tuple(np.shape(node.ans))
    if elementwise[node]:
        return shape == group.shape and all(tuple(np.shape(a)) == shape or p not in group.members
                                            for p, a in zip(node.parents, [node.args[i] for i in node.argnums]))
    return t_reductions.is_full_sum(node) and group.shape and tuple(np.shape(node.args[0])) == group.shape


__all__ = ["emit_program", "Unsupported", "index_of"]
