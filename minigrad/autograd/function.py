"""``Function``: the one mechanism behind every differentiable op, built-in or user-defined.

A subclass writes two static methods, exactly as for ``torch.autograd.Function``::

    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b):                  # runs with graph recording off
            ctx.save_for_backward(a, b)
            return a._array * b._array           # built-ins compute on numpy arrays
        @staticmethod
        def backward(ctx, grad):                 # written with Tensor ops, so it is itself
            a, b = ctx.saved_tensors             # differentiable (create_graph=True)
            return grad * b, grad * a            # one gradient per forward input

``Mul.apply(a, b)`` runs ``forward``.  If grad mode is on and an input requires grad, the ``ctx``
object becomes the output's ``grad_fn``: the node of the graph that ``backward`` will visit.
It remembers where each input's gradient must go (``next_functions``) and what was saved.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from .. import _dtype, _tensor
from .._errstate import IGNORE_ALL, errstate_var
from .grad_mode import GradMode

_FREED = object()  # marks a node whose saved tensors were released after backward

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.")


class _SavedOutput:
    """A saved *output* of the node itself.  Holding the output Tensor would make a cycle
    (output -> grad_fn -> output), so keep its array and rebuild the Tensor when unpacked."""

    __slots__ = ("array", "vc", "version", "output_nr")

    def __init__(self, t: "_tensor.Tensor", output_nr: int) -> None:
        self.array, self.vc, self.version, self.output_nr = t._array, t._vc, t._vc[0], output_nr


class Function:
    """Base class for differentiable operations; see the module docstring."""

    # Edges of the graph, one per forward argument: None, or (target, output_nr, shape) where
    # target is the input's grad_fn (a Function node) or, for a leaf, the leaf Tensor itself.
    _next: tuple = ()
    _n_outputs = 1
    _saved: Any = ()
    _hooks: dict | None = None        # output_nr -> hooks registered on non-leaf outputs
    _retained: dict | None = None     # output_nr -> weakref of outputs that retain_grad()
    needs_input_grad: tuple = ()
    materialize_grads = True
    _to_save: tuple = ()               # what forward passed to save_for_backward
    _non_diff: set | frozenset = frozenset()  # ids of outputs marked non-differentiable
    node_name: str | None = None       # torch's name for this node, when not class name + "Backward0"
    # which forward arguments torch's node has inputs (next_functions) for, when not all of them:
    # (0,) for an op like sum(x, axes, keepdim), whose other arguments are not tensors
    torch_inputs: tuple | None = None

    @staticmethod
    def forward(ctx: "Function", *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("a Function subclass must implement forward(ctx, ...)")

    @staticmethod
    def backward(ctx: "Function", *grad_outputs: Any) -> Any:
        raise NotImplementedError("a Function subclass must implement backward(ctx, ...)")

    # -- the ctx API used inside forward/backward --------------------------------------------
    def save_for_backward(self, *tensors: Any) -> None:
        """Keep these tensors (inputs or outputs, or None) for ``backward``.  (Checked only when the
        node is recorded, as in torch: with nothing to record, nothing is saved.)"""
        self._to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward``.  Raises if the graph was freed, or if one of
        them was modified in place since it was saved (its version counter moved)."""
        saved = self._saved
        if saved is _FREED:
            raise RuntimeError(_FREED_MESSAGE)
        if not saved:
            return self._to_save  # forward ran without recording
        out = []
        for entry in saved:
            if entry is None:
                out.append(None)
                continue
            if type(entry) is _SavedOutput:
                t = _tensor.Tensor._make(entry.array, requires_grad=True)
                t.grad_fn, t._output_nr, t._vc = self, entry.output_nr, entry.vc
                vc, version = entry.vc, entry.version
            else:
                t, version = entry
                vc = t._vc
            if vc[0] != version:
                # torch's words: the node that made the tensor, named without "Backward0" (for a saved
                # output, this node; for a saved input, its node now), nothing for a leaf
                where = ("" if t.grad_fn is None else
                         f", which is output {t._output_nr} of {t.grad_fn.name().rstrip('0123456789')},")
                where = where.replace("Backward,", ",") if where.endswith("Backward,") else where
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: [{t.type()} {list(t.shape)}]{where} is at version {vc[0]}; "
                    f"expected version {version} instead. Hint: enable anomaly detection to find the "
                    "operation that failed to compute its gradient, with "
                    "torch.autograd.set_detect_anomaly(True, check_nan=False).")
            out.append(t)
        return tuple(out)

    def mark_non_differentiable(self, *tensors: Any) -> None:
        self._non_diff = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value

    def name(self) -> str:
        """The node's name as torch prints it: ``node_name`` (set on the class, or on the ctx in
        forward when it depends on the call), else the class name + "Backward0" for a built-in op
        (``MulBackward0``: torch numbers the overloads of its own ops) and + "Backward" for a
        user-defined Function (torch names those ``MyFnBackward``)."""
        name = self.node_name
        if name is not None:
            return name
        cls = type(self)
        return cls.__name__ + ("Backward0" if _is_builtin(cls) else "Backward")

    @property
    def next_functions(self) -> tuple:
        """``(node, output_nr)`` per input: the node its gradient flows to -- its ``grad_fn``, or
        for a leaf the ``AccumulateGrad`` node that adds it into the leaf's ``.grad`` -- or
        ``(None, 0)`` for an input that needs no gradient.  (The engine's edges point at the leaf
        itself; the AccumulateGrad objects are made only here, when someone looks.)"""
        cached = self.__dict__.get("_next_functions")
        if cached is None or cached[0] is not self._next:
            functions = tuple((None, 0) if e is None
                              else (_accumulator(e[0]) if isinstance(e[0], _tensor.Tensor) else e[0], e[1])
                              for e in self._next)
            cached = self._next_functions = (self._next, self._shown_next(functions))
        return cached[1]

    def _shown_next(self, functions: tuple) -> tuple:
        """``next_functions`` laid out as torch's graph has them: one per tensor input of torch's
        node (``torch_inputs``).  An op that does in one node what torch does in several
        (``linear``: addmm of a transposed weight) overrides this to show torch's inputs, in
        torch's order, with ``ImplicitNode`` for the nodes it has no need of."""
        keep = self.torch_inputs
        return functions if keep is None else tuple(functions[i] for i in keep if i < len(functions))

    def __repr__(self) -> str:
        # torch shows a user-defined Function's node with its module path, a built-in's bare
        where = "" if _is_builtin(type(self)) else f"{_dtype.DISPLAY_NAME[0]}.autograd.function."
        return f"<{where}{self.name().rsplit('::', 1)[-1]} object at {id(self):#x}>"  # C++ namespace dropped

    # -- running an op ---------------------------------------------------------------------------
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on ``args``; record a graph node if any input needs a gradient.

        ``forward`` runs with grad mode off (its own tensor ops must not be recorded) and with
        numpy's floating-point warnings off (torch computes inf and nan silently).  This runs for
        every op, inside backward too, so it does as little as it can when nothing is recorded."""
        Tensor = _tensor.Tensor
        ctx = _tensor.new_object(cls)
        grad_mode = GradMode.enabled
        if grad_mode:  # which inputs need a gradient, and the graph edge to each of those
            needs, edges = [], []
            for a in args:
                if isinstance(a, Tensor) and a._requires_grad:
                    needs.append(True)
                    edges.append((a.grad_fn if a.grad_fn is not None else a, a._output_nr,
                                  a._array.shape))
                else:
                    needs.append(False)
                    edges.append(None)
            ctx.needs_input_grad = needs = tuple(needs)
            GradMode.enabled = False
        # numpy silent; a backward pass has already switched it off for all the ops it runs
        token = None if errstate_var.get() is IGNORE_ALL else errstate_var.set(IGNORE_ALL)
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            GradMode.enabled = grad_mode
            if token is not None:
                errstate_var.reset(token)
        if type(out) is np.ndarray or isinstance(out, np.generic):  # (a scalar from 0-d math)
            out = Tensor._make(out)
        else:
            out = _as_outputs(out, args)
        if grad_mode and True in needs:
            ctx._record(tuple(edges), out if type(out) is tuple else (out,))
        return out

    def _record(self, edges: tuple, outs: tuple) -> None:
        """Make this ctx the grad_fn of ``outs``; remember where each input's gradient must go
        (``edges``: to the input's grad_fn, or to the leaf itself) and what was saved."""
        self._next = edges
        if len(outs) > 1:  # kept to hand backward zeros for outputs that got no gradient
            self._n_outputs = len(outs)
            self._out_meta = tuple(None if o is None else (o._array.shape, o._array.dtype)
                                   for o in outs)
        non_diff = self._non_diff
        i = 0  # (a counter: enumerate costs an iterator and a tuple per output, 2 % of a recorded op)
        for o in outs:
            if o is not None and o._array.dtype.kind == "f" and id(o) not in non_diff:
                o._requires_grad, o.grad_fn, o._output_nr = True, self, i
            i += 1
        to_save = self._to_save
        if to_save:
            self._to_save = ()  # it may hold an output, which would then hold this node: a cycle
            Tensor = _tensor.Tensor
            saved = []
            for t in to_save:  # each with its version now, so a later in-place change is caught
                if not isinstance(t, Tensor):
                    saved.append(_check_saved(t, to_save))  # None, or raises
                elif t.grad_fn is self:  # an output: see _SavedOutput
                    saved.append(_SavedOutput(t, outs.index(t)))
                else:
                    saved.append((t, t._vc[0]))
            self._saved = tuple(saved)


class AccumulateGrad:
    """The graph node of a leaf tensor, as ``next_functions`` shows it: the gradient that reaches
    it is added into ``variable.grad``.  (The engine does that itself; this object describes it.)"""

    next_functions: tuple = ()

    def __init__(self, variable: "_tensor.Tensor") -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # torch's name() gives this C++ class's full name

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


class ImplicitNode:
    """A node of torch's graph that a fused minigrad op does without, shown by ``next_functions``
    so that walking the graph meets torch's names (the ``TBackward0`` of ``weight.t()`` in
    ``linear``).  It only describes: backward never visits it."""

    def __init__(self, name: str, next_functions: tuple) -> None:
        self._name, self.next_functions = name, next_functions

    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"<{self._name} object at {id(self):#x}>"


# id(leaf) -> its AccumulateGrad, while some node's next_functions holds it (so, as in torch, every
# node sees the same object for a leaf; the AccumulateGrad keeps the leaf, hence its id, alive).
_ACCUMULATORS: "weakref.WeakValueDictionary[int, AccumulateGrad]" = weakref.WeakValueDictionary()


def _accumulator(leaf: "_tensor.Tensor") -> AccumulateGrad:
    node = _ACCUMULATORS.get(id(leaf))
    if node is None or node.variable is not leaf:
        node = _ACCUMULATORS[id(leaf)] = AccumulateGrad(leaf)
    return node


def _is_builtin(cls: type) -> bool:
    """Whether ``cls`` is one of minigrad's own ops (rather than a Function a user wrote)."""
    return cls.__module__.startswith("minigrad.")


def _check_saved(t: Any, to_save: tuple) -> None:
    """``save_for_backward`` keeps tensors or None; anything else is the caller's mistake (torch
    finds it here too, when the node is recorded)."""
    if t is not None:
        i = next(i for i, x in enumerate(to_save) if x is t)
        raise TypeError(f"save_for_backward can only save tensors, but argument {i} is of type "
                        f"{type(t).__name__}")


def _as_outputs(out: Any, args: tuple) -> Any:
    """What forward returned (a Tensor, a numpy scalar, or a tuple) as fresh output Tensors."""
    if type(out) is tuple:
        outs = []
        for o in out:  # (a loop: a comprehension is a function call of its own in Python 3.11)
            outs.append(_as_output(o, args))
        return tuple(outs)
    return _as_output(out, args)


def _as_output(o: Any, args: tuple) -> "_tensor.Tensor | None":
    """Wrap what forward returned as a fresh output Tensor (None stays None: an output that was
    not computed, which backward then receives no gradient for)."""
    Tensor = _tensor.Tensor
    if o is None:
        return None
    if type(o) is np.ndarray:
        return Tensor._make(o)
    if isinstance(o, Tensor):
        for a in args:
            if o is a:  # an input returned as-is: the output is a new tensor
                return Tensor._make(o._array)
        return o
    return Tensor._make(o)  # a numpy scalar (0-d result) or a sequence: _make makes it an array
