"""A second lower bound for W5 (timed by ``python -m benchmarks.closure_engine``): minigrad's own
design with none of its checks.

The same contract as ``minigrad.autograd.Function``: an op is a class with ``forward(ctx, ...)``
and ``backward(ctx, grad)``, ``Function.apply`` runs forward with recording off and makes ``ctx``
the output's graph node, and backward is written with Tensor ops (so it could be recorded).  What
is left out is what minigrad adds for torch's semantics: dtype promotion and Python scalars,
broadcasting and its unbroadcasting, version counters on saved tensors, hooks, numpy's error
state, multi-output nodes, gradient shape checks, ``needs_input_grad``, ``retain_graph``.  The
gap between this engine and minigrad is what those cost on W5; the gap between this one and the
closure engine is what the Function/ctx design itself costs.
"""
from __future__ import annotations

from typing import Any

import numpy as np

_new = object.__new__


class _Recording:
    __slots__ = ("on",)


_recording = _Recording()
_recording.on = True


class Tensor:
    """A 0-d array, whether it needs a gradient, and the node that computed it."""

    __slots__ = ("data", "requires_grad", "grad_fn", "grad")
    _next: tuple = ()  # a leaf is where every path through the graph ends

    def __mul__(self, other: "Tensor") -> "Tensor":
        return Mul.apply(self, other)

    def __add__(self, other: "Tensor") -> "Tensor":
        return Add.apply(self, other)

    def item(self) -> float:
        return float(self.data)

    def backward(self) -> None:
        _run_backward(self)


def _make(data: Any, requires_grad: bool = False) -> Tensor:
    t = _new(Tensor)
    t.data = data if type(data) is np.ndarray else np.asarray(data)
    t.requires_grad, t.grad_fn, t.grad = requires_grad, None, None
    return t


class Function:
    """Subclasses write ``forward(ctx, *tensors)`` on arrays and ``backward(ctx, grad)``."""

    _next: tuple = ()  # per input: the node (or leaf) its gradient goes to, or None

    @classmethod
    def apply(cls, *args: Tensor) -> Tensor:
        ctx = _new(cls)
        recording = _recording.on
        if recording:
            edges, record = [], False
            for a in args:
                if a.requires_grad:
                    record = True
                    edges.append(a.grad_fn if a.grad_fn is not None else a)
                else:
                    edges.append(None)
            _recording.on = False
        try:
            out = _make(cls.forward(ctx, *args))
        finally:
            _recording.on = recording
        if recording and record:
            ctx._next, out.requires_grad, out.grad_fn = edges, True, ctx
        return out

    def save_for_backward(self, *tensors: Tensor) -> None:
        self.saved_tensors = tensors


class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a.data * b.data

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * a


class Add(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a.data + b.data

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        y = 1 / (1 + np.exp(-x.data))
        ctx.y = y
        return y

    @staticmethod
    def backward(ctx, grad):
        return (SigmoidBackward.apply(grad, _make(ctx.y)),)


class SigmoidBackward(Function):
    @staticmethod
    def forward(ctx, grad, y):
        return grad.data * (1 - y.data) * y.data


def _run_backward(root: Tensor) -> None:
    """Sort the graph depth-first (iteratively), then visit it from the root, summing the
    gradients that reach each node and adding the leaves' into ``.grad``."""
    order, seen, stack = [], {root.grad_fn}, [(root.grad_fn, iter(root.grad_fn._next))]
    while stack:
        node, edges = stack[-1]
        for e in edges:
            if e is not None and e not in seen:
                seen.add(e)
                stack.append((e, iter(e._next)))
                break
        else:
            stack.pop()
            order.append(node)
    grads = {root.grad_fn: _make(np.ones((), root.data.dtype))}
    _recording.on = False
    try:
        for node in reversed(order):
            g = grads.pop(node)
            if type(node) is Tensor:  # a leaf
                node.grad = g if node.grad is None else _make(node.grad.data + g.data)
                continue
            for e, ge in zip(node._next, node.backward(node, g)):
                if e is not None:
                    prev = grads.get(e)
                    grads[e] = ge if prev is None else _make(prev.data + ge.data)
    finally:
        _recording.on = True


def tensor(value: float, requires_grad: bool = False) -> Tensor:
    """The two calls W5's step makes of its library: ``lib.tensor`` and ``lib.sigmoid``."""
    return _make(np.array(value, np.float32), requires_grad)


def sigmoid(x: Tensor) -> Tensor:
    return Sigmoid.apply(x)
