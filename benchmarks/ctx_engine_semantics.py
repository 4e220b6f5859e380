"""A third bound for W5 (timed by ``python -m benchmarks.closure_engine``): the ``ctx`` engine's
design plus the per-op work torch's semantics oblige minigrad to do, written as leanly as it can
be for W5's ops.

``ctx_engine`` leaves out everything minigrad does for torch's semantics and runs W5 under torch's
time.  This engine puts back what no rewrite of minigrad's hot path could drop, each in the
cheapest form found, and nothing else:

* numpy's floating-point error state switched off around every ``forward`` (torch computes inf
  and nan silently; numpy warns, or raises under a caller's ``np.errstate``);
* binary operators check that the two dtypes agree before dispatching (the fast path of dtype
  promotion; other operands are out of this engine's scope) and turn numpy's broadcasting
  ``ValueError`` into an error of their own;
* tensors carry minigrad's fields (``grad``, output number, a version counter shared by views,
  base, hooks), and only floating-point outputs require grad;
* saved tensors carry their version and are checked when unpacked; a saved *output* is kept as its
  array, not as the Tensor (which would make a reference cycle through its own ``grad_fn``);
* ``ctx.needs_input_grad``; graph edges that know the input's output number and shape;
* backward: a gradient slot per node output (multi-output nodes), the check that a gradient has its
  input's shape, a look for hooks at each node, a leaf's gradient checked for its dtype and copied
  into ``.grad`` (it may be shared), saved tensors freed (a second backward raises).

What it still leaves out is minigrad's generality: dtype promotion beyond equal dtypes, Python
scalars, unbroadcasting, running hooks, ``retain_grad``, ``create_graph``, ``autograd.grad``'s
inputs, the error messages' text.  So its time is a lower bound for any engine with minigrad's
``Function``/``ctx`` design and torch's semantics on W5.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._errstate import IGNORE_ALL, errstate_var
from minigrad.autograd.engine import _toposort  # minigrad's own sort: its edges have this shape

_new = object.__new__
_FREED = object()  # a node's saved tensors after backward


class _Recording:
    __slots__ = ("on",)


_recording = _Recording()
_recording.on = True


class Tensor:
    """A 0-d array and the fields minigrad's Tensor keeps for autograd."""

    __slots__ = ("data", "requires_grad", "grad", "grad_fn", "_output_nr", "_vc", "_base",
                 "_hooks", "__weakref__")
    _next: tuple = ()   # a leaf is where every path through the graph ends
    _n_outputs = 1      # and, as a gradient target, has one slot

    def __mul__(self, other: "Tensor") -> "Tensor":
        return _binary(Mul, self, other)

    def __add__(self, other: "Tensor") -> "Tensor":
        return _binary(Add, self, other)

    def item(self) -> float:
        return float(self.data)

    def backward(self) -> None:
        _run_backward(self)


def _binary(op: type, a: Tensor, b: Tensor) -> Tensor:
    if type(b) is not Tensor or b.data.dtype != a.data.dtype:
        raise NotImplementedError("dtype promotion is outside this bound engine")
    try:
        return op.apply(a, b)
    except ValueError:  # numpy could not broadcast the shapes
        raise RuntimeError(f"shapes {a.data.shape} and {b.data.shape} cannot be broadcast") from None


def _make(data: Any, requires_grad: bool = False) -> Tensor:
    t = _new(Tensor)
    t.data = data if type(data) is np.ndarray else np.asarray(data)
    t.requires_grad = requires_grad
    t.grad = t.grad_fn = t._base = t._hooks = None
    t._output_nr = 0
    t._vc = [0]
    return t


class Function:
    """Subclasses write ``forward(ctx, *args)`` on arrays and ``backward(ctx, grad)``."""

    _next: tuple = ()     # per input: None or (node or leaf, output number, shape)
    _n_outputs = 1
    _saved: Any = ()
    _to_save: tuple = ()
    _hooks = None
    needs_input_grad: tuple = ()

    @classmethod
    def apply(cls, *args: Any) -> Any:
        ctx = _new(cls)
        recording = _recording.on
        if recording:
            needs, edges = [], []
            for a in args:
                if isinstance(a, Tensor) and a.requires_grad:
                    needs.append(True)
                    edges.append((a.grad_fn if a.grad_fn is not None else a, a._output_nr,
                                  a.data.shape))
                else:
                    needs.append(False)
                    edges.append(None)
            ctx.needs_input_grad = needs = tuple(needs)
            _recording.on = False
        token = None if errstate_var.get() is IGNORE_ALL else errstate_var.set(IGNORE_ALL)
        try:
            out = cls.forward(ctx, *args)
        finally:
            _recording.on = recording
            if token is not None:
                errstate_var.reset(token)
        if type(out) is tuple:  # (only backward ops return several outputs here: not recorded)
            outs = []
            for o in out:
                outs.append(None if o is None else _make(o))
            return tuple(outs)
        if type(out) is not Tensor:
            out = _make(out)
        if recording and True in needs:  # record the node (inline: a call costs 1.5k instructions)
            ctx._next = tuple(edges)
            if out.data.dtype.kind == "f":
                out.requires_grad, out.grad_fn = True, ctx
            to_save = ctx._to_save
            if to_save:
                ctx._to_save = ()
                saved = []
                for t in to_save:
                    if t is out:  # the output itself: the node must not hold it (a cycle)
                        ctx._out_array = t.data
                        saved.append((None, t._vc, t._vc[0]))
                    else:
                        saved.append((t, t._vc, t._vc[0]))
                ctx._saved = tuple(saved)
        return out

    def save_for_backward(self, *tensors: Tensor) -> None:
        self._to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        saved = self._saved
        if saved is _FREED:
            raise RuntimeError("Trying to backward through the graph a second time")
        if not saved:
            return self._to_save
        out = []
        for t, vc, version in saved:
            if vc[0] != version:
                raise RuntimeError("a saved tensor was modified by an inplace operation")
            if t is None:
                t = _make(self._out_array, True)
                t.grad_fn, t._vc = self, vc
            out.append(t)
        return tuple(out)


class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a.data * b.data

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return MulBackward.apply(grad, a, b, ctx.needs_input_grad)


class MulBackward(Function):
    """Both products of a * b's backward in one op, as minigrad's ``MulBackward``."""

    @staticmethod
    def forward(ctx, grad, a, b, needs):
        g = grad.data
        return (g * b.data if needs[0] else None), (g * a.data if needs[1] else None)


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
        y = _make(np.exp(-np.logaddexp(0, -x.data)))  # minigrad's formula
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return SigmoidBackward.apply(grad, y)


class SigmoidBackward(Function):
    @staticmethod
    def forward(ctx, grad, y):
        a = y.data
        return grad.data * a * (1 - a)


def _add_to(buffers: dict, target: Any, nr: int, g: Tensor) -> None:
    slot = buffers.get(target)
    if slot is None:
        slot = buffers[target] = [None] * target._n_outputs
    prev = slot[nr]
    slot[nr] = g if prev is None else _make(prev.data + g.data)


def _run_backward(root: Tensor) -> None:
    buffers: dict = {}
    _add_to(buffers, root.grad_fn, root._output_nr, _make(np.ones((), root.data.dtype)))
    order = _toposort([root.grad_fn])
    token = errstate_var.set(IGNORE_ALL)
    prev, _recording.on = _recording.on, False
    try:
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None:
                continue
            if node._hooks:
                raise NotImplementedError("hooks are outside this bound engine")
            if type(node) is Tensor:  # a leaf
                g = grads[0]
                if g.data.dtype != node.data.dtype:
                    raise RuntimeError("a gradient's dtype differs from its leaf's")
                if node.grad is None:
                    node.grad = _make(np.array(g.data, copy=True))
                else:
                    node.grad.data += g.data
                    node.grad._vc[0] += 1
                continue
            results = node.backward(node, *grads)
            if type(results) is not tuple:
                results = (results,)
            edges = node._next
            if len(results) != len(edges):
                raise RuntimeError(f"{type(node).__name__} returned {len(results)} gradients")
            i = 0
            for edge in edges:
                if edge is not None:
                    g = results[i]
                    if g is not None:
                        target, nr, shape = edge
                        if g.data.shape != shape:
                            raise RuntimeError(f"{type(node).__name__} returned a gradient of shape "
                                               f"{g.data.shape} for an input of shape {shape}")
                        _add_to(buffers, target, nr, g)
                i += 1
            node._saved = _FREED
    finally:
        _recording.on = prev
        errstate_var.reset(token)


def tensor(value: float, requires_grad: bool = False) -> Tensor:
    """The two calls W5's step makes of its library: ``lib.tensor`` and ``lib.sigmoid``."""
    return _make(np.array(value, np.float32), requires_grad)


def sigmoid(x: Tensor) -> Tensor:
    return Sigmoid.apply(x)
