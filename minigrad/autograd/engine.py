"""The backward pass: walk the graph from the outputs to the leaves, in topological order.

1. Sort the nodes reachable from the roots so that every node comes before the nodes its inputs
   came from (an iterative depth-first search: no recursion limit, linear time).
2. Seed each root with its gradient, then visit the nodes in that order.  A node receives the sum
   of the gradients sent to each of its outputs, calls its ``backward`` and sends one gradient
   along each input edge.  A leaf tensor adds what it receives into ``.grad``.
3. Unless ``retain_graph``, every visited node releases its saved tensors.
"""
from __future__ import annotations

import weakref
from typing import Sequence

import numpy as np

from .. import _tensor
from .._errstate import IGNORE_ALL, errstate_var
from .function import _FREED
from .grad_mode import GradMode


def _toposort(roots: list) -> list:
    """Nodes (and leaf Tensors) reachable from ``roots``, each before everything it depends on."""
    # roots are not marked seen up front: one root can lie below another (grad of (exp(a), a)),
    # and must then be placed after it, where the search from the upper root finds it
    seen = set()
    order = []
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root._next))]
        while stack:
            node, edges = stack[-1]
            for edge in edges:
                if edge is not None and edge[0] not in seen:
                    seen.add(edge[0])
                    stack.append((edge[0], iter(edge[0]._next)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _edge_of(t) -> tuple:
    """Where a gradient for tensor ``t`` enters the graph: its grad_fn's output, or the leaf."""
    return (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0)


def run_backward(roots: Sequence, grad_roots: Sequence, retain_graph: bool, create_graph: bool,
                 inputs: Sequence | None = None, accumulate: bool = True) -> list | None:
    """Backpropagate ``grad_roots`` from ``roots``.

    With ``accumulate`` the gradients are added into the leaves' ``.grad`` (``Tensor.backward``);
    otherwise the gradients reaching ``inputs`` are returned (``autograd.grad``).  When ``inputs``
    is given, only the part of the graph leading to them is run.
    """
    Tensor = _tensor.Tensor
    prev_mode = GradMode.enabled
    # numpy stays silent for the whole pass (inf + -inf is nan, silently, as in torch): switched
    # once here, so that the ops backward runs find it already off (see Function.apply)
    quiet_token = errstate_var.set(IGNORE_ALL)
    try:
        buffers: dict = {}  # node -> list with the gradient summed so far for each of its outputs
        for root, g in zip(roots, grad_roots):
            target, nr = _edge_of(root)
            _add_to(buffers, target, nr, g)
        order = _toposort(list(dict.fromkeys(_edge_of(r)[0] for r in roots)))

        captured = None
        if inputs is not None:
            wanted = {}  # (node or leaf, output_nr) -> positions in ``inputs``
            for i, t in enumerate(inputs):
                wanted.setdefault(_edge_of(t), []).append(i)
            captured = [None] * len(inputs)
            wanted_nodes = {key[0] for key in wanted}
            needed = _needed(order, wanted_nodes)

        GradMode.enabled = create_graph  # backward's own ops are recorded only for create_graph
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None or (captured is not None and node not in needed):
                continue
            if isinstance(node, Tensor):  # a leaf: run its hooks, then accumulate or capture
                g = grads[0]
                if g._array.dtype != node._array.dtype:  # a gradient has its input's dtype
                    g = g.to(node.dtype)
                g = _run_hooks(node._hooks, g)
                if captured is not None and (node, 0) in wanted:
                    for i in wanted[(node, 0)]:
                        captured[i] = g
                    if not accumulate:
                        continue
                if accumulate:
                    _accumulate(node, g, create_graph)
                continue
            if node._hooks or node._retained:
                grads = [_run_hooks(node._hooks and node._hooks.get(i), g) for i, g in enumerate(grads)]
                _retain(node, grads)
            if captured is not None and node in wanted_nodes:
                for i, g in enumerate(grads):
                    for j in wanted.get((node, i), ()):
                        captured[j] = g
            _call_node(node, grads, buffers)
            if not retain_graph:
                node._saved = _FREED
    finally:
        GradMode.enabled = prev_mode
        errstate_var.reset(quiet_token)
    return captured


def _needed(order: list, targets: set) -> set:
    """The nodes from which some target can be reached (visiting others is wasted work)."""
    needed = set()
    for node in reversed(order):  # leaves first
        if node in targets:
            needed.add(node)
            continue
        for e in node._next:
            if e is not None and e[0] in needed:
                needed.add(node)
                break
    return needed


def _call_node(node, grads: list, buffers: dict) -> None:
    """Run one node's backward and route each input gradient along its edge."""
    if node._n_outputs > 1 and node.materialize_grads and any(g is None for g in grads):
        grads = [g if g is not None or meta is None else _tensor.Tensor._make(np.zeros(*meta))
                 for g, meta in zip(grads, node._out_meta)]
    results = node.backward(node, *grads)
    if type(results) is not tuple:
        results = (results,)
    edges = node._next
    if len(results) != len(edges):
        # torch tolerates extra trailing Nones; anything else is the Function's bug
        if len(results) < len(edges) or any(r is not None for r in results[len(edges):]):
            raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                               f"(expected {len(edges)}, got {len(results)})")
    i = 0  # (indexing with a counter: zip and enumerate cost two iterators and tuples per edge)
    for edge in edges:
        if edge is not None:
            g = results[i]
            if g is not None:
                target, nr, shape = edge
                if g._array.shape != shape:
                    g = _fit_shape(node, i, g, shape)
                _add_to(buffers, target, nr, g)
        i += 1


def _fit_shape(node, i: int, g, shape: tuple):
    """A gradient must have its input's shape; like torch, sum away broadcast dims, else raise."""
    try:
        fits = np.broadcast_shapes(shape, g._array.shape) == g._array.shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                           f"{list(g._array.shape)} but expected shape compatible with {list(shape)}")
    from ..ops.shape import sum_to
    return sum_to(g, shape)


def _add_to(buffers: dict, target, nr: int, g) -> None:
    """Sum the gradients that reach the same output (or leaf) from several uses of it."""
    slot = buffers.get(target)
    if slot is None:
        slot = buffers[target] = [None] * target._n_outputs
    prev = slot[nr]
    if prev is None:
        slot[nr] = g
    elif GradMode.enabled:  # create_graph: the sum is part of the new graph
        slot[nr] = prev + g
    else:  # nothing to record: add the arrays (a new one: ``prev`` may be shared)
        slot[nr] = _tensor.Tensor._make(prev._array + g._array)


def _run_hooks(hooks, g):
    if hooks:
        for hook in hooks:
            out = hook(g)
            if out is not None:
                g = out
    return g


def _retain(node, grads: list) -> None:
    """Store the gradient of non-leaf outputs that called ``retain_grad()``."""
    for nr, ref in (node._retained or {}).items():
        t = ref()
        g = grads[nr]
        if t is None or g is None:
            continue
        if not GradMode.enabled:
            g = g.detach()
        t._grad = _tensor.Tensor._make(g._array.copy()) if t._grad is None else t._grad + g


def _accumulate(leaf, g, create_graph: bool) -> None:
    """Add ``g`` into ``leaf.grad`` (in place when no graph is being built, as torch does)."""
    if g._array.dtype != leaf._array.dtype:
        g = g.to(leaf.dtype)
    grad = leaf._grad  # (the slot behind the ``grad`` property: no checks needed here)
    if grad is None:
        # A fresh, owned copy: ``g`` may be shared with other leaves or be a broadcast view.
        leaf._grad = g if create_graph else _tensor.Tensor._make(np.array(g._array, copy=True))
    elif create_graph or grad._requires_grad:
        leaf._grad = grad + g
    else:
        grad._array += g._array
        grad._vc[0] += 1


def zero_grads(params, set_to_none: bool = True) -> None:
    """Forget accumulated gradients (``Module.zero_grad`` and ``Optimizer.zero_grad``): set them to
    None, or cut the existing gradient tensors from any graph and fill them with zeros in place
    (so references to them see the zeros)."""
    for p in params:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
        else:
            if p.grad.grad_fn is not None:
                p.grad.detach_()
            else:
                p.grad.requires_grad_(False)
            p.grad.zero_()


def register_retain(t) -> None:
    node = t.grad_fn
    if node._retained is None:
        node._retained = {}
    node._retained[t._output_nr] = weakref.ref(t)
