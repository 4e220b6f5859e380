"""Look inside autograd: draw the graph behind a tensor, and watch backward walk it step by step.

The graph is the one the engine runs (``autograd/engine.py``): every ``grad_fn`` node keeps one
edge per input in ``node._next`` -- ``None`` for an input that needs no gradient, otherwise
``(target, output_nr, shape)`` where ``target`` is the input's own ``grad_fn`` or, for a leaf,
the leaf Tensor itself.  So a leaf is simply where a path ends.

* ``to_dot(t)`` returns Graphviz DOT text of the graph that produced ``t`` (no dependency);
  ``render(dot, path)`` turns it into SVG/PNG when Graphviz's ``dot`` program is installed.
* ``trace_backward(loss)`` repeats what ``loss.backward()`` does, in the engine's order, and
  records at each node the gradient it receives, the local derivative (Jacobian) of its output with
  respect to each input, and the gradient it sends on: ``sent = received @ local``.  It writes no
  ``.grad`` and frees nothing, so ``loss.backward()`` still works afterwards.

Name the tensors you care about and they are labelled with those names::

    z = x @ w + b; y_hat = z.sigmoid(); loss = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log())
    print(trace_backward(loss, names={"w": w, "b": b, "z": z, "ŷ": y_hat, "L": loss}))
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ._tensor import Tensor
from .autograd.engine import _add_to, _edge_of, _fit_shape, _toposort
from .autograd.grad_mode import no_grad

__all__ = ["to_dot", "render", "graphviz_available", "trace_backward", "BackwardTrace", "TraceStep",
           "InputGrad", "format_array", "MAX_JACOBIAN_ENTRIES"]

# Jacobians with more entries than this are not computed (one backward call per output element).
MAX_JACOBIAN_ENTRIES = 64


class _Labels:
    """Names for the graph's vertices: the user's names where given, else ``MulBackward#2``/``leaf#0``."""

    def __init__(self, names: Mapping[str, Tensor] | None) -> None:
        # A tensor is identified by where its gradient enters the graph: (grad_fn, output_nr) for
        # a computed tensor, (leaf, 0) for a leaf -- the same key the engine uses.
        self.by_edge = {_edge_of(t): name for name, t in (names or {}).items()}
        self.values = {_edge_of(t): t._array for t in (names or {}).values()}
        self._auto: dict[int, str] = {}     # id(vertex) -> generated label
        self._counts: dict[str, int] = {}   # kind -> how many generated so far

    def vertex(self, v: Any) -> str:
        """The label of a node (or leaf), e.g. ``SigmoidBackward (ŷ)`` or ``w``."""
        if isinstance(v, Tensor):
            return self.by_edge.get((v, 0)) or self._number(v, "leaf")
        outputs = [self.by_edge[(v, nr)] for nr in range(v._n_outputs) if (v, nr) in self.by_edge]
        op = self._number(v, v.name())
        return f"{op} ({', '.join(outputs)})" if outputs else op

    def tensor(self, v: Any, nr: int) -> str:
        """The label of output ``nr`` of vertex ``v`` (the tensor flowing along an edge)."""
        name = self.by_edge.get((v, nr))
        if name is not None:
            return name
        base = self.vertex(v)
        return base if getattr(v, "_n_outputs", 1) == 1 else f"{base}[{nr}]"

    def _number(self, v: Any, kind: str) -> str:
        if id(v) not in self._auto:
            n = self._counts[kind] = self._counts.get(kind, -1) + 1
            self._auto[id(v)] = f"{kind}#{n}"
        return self._auto[id(v)]


def _roots(tensors: Any) -> list:
    tensors = list(tensors) if isinstance(tensors, (list, tuple)) else [tensors]
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected a Tensor, got {type(t).__name__}")
    return tensors


# ---------------------------------------------------------------------------------------------
# The graph as DOT text
# ---------------------------------------------------------------------------------------------

def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _shape(shape: tuple) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


def to_dot(tensors: Tensor | list, names: Mapping[str, Tensor] | None = None,
           trace: "BackwardTrace | None" = None) -> str:
    """Graphviz DOT source of the graph that computed ``tensors``.

    Leaves are ellipses, ops are boxes, each edge points the way the forward pass went and is
    labelled with the shape of the tensor it carries -- plus, if a ``trace`` of this graph is
    given, the gradient that flowed back along it.  A tensor that does not require grad has no
    graph: its drawing is the single tensor.
    """
    roots = _roots(tensors)
    labels = trace.labels if trace is not None else _Labels(names)
    sent = trace._sent if trace is not None else {}
    ids: dict[int, str] = {}

    def vid(v: Any) -> str:
        return ids.setdefault(id(v), f"n{len(ids)}")

    lines = ["digraph autograd {", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9];']
    starts = [_edge_of(r)[0] if r._requires_grad else r for r in roots]
    for v in _toposort(list(dict.fromkeys(starts))):
        if isinstance(v, Tensor):
            lines.append(f"  {vid(v)} [shape=ellipse, style=filled, fillcolor=lightblue, "
                         f"label={_quote(labels.vertex(v) + chr(10) + _shape(v._array.shape))}];")
            continue
        lines.append(f"  {vid(v)} [shape=box, style=filled, fillcolor=lightgrey, "
                     f"label={_quote(labels.vertex(v))}];")
        for i, edge in enumerate(v._next):
            if edge is None:
                continue
            target, nr, shape = edge
            text = _shape(shape)
            if (v, i) in sent:
                text += "\ngrad " + format_array(sent[(v, i)])
            lines.append(f"  {vid(target)} -> {vid(v)} [label={_quote(text)}];")
    for k, r in enumerate(roots):  # the output itself, hanging off the node that made it
        out = f"out{k}"
        name = labels.by_edge.get(_edge_of(r)) if r._requires_grad else None
        lines.append(f"  {out} [shape=doubleoctagon, style=filled, fillcolor=darkolivegreen1, "
                     f"label={_quote((name or 'output') + chr(10) + _shape(r._array.shape))}];")
        if r._requires_grad:
            lines.append(f"  {vid(_edge_of(r)[0])} -> {out};")
        else:
            lines.append(f"  {vid(r)} -> {out};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graphviz_available() -> bool:
    """Whether Graphviz's ``dot`` program is on the PATH (needed only by ``render``)."""
    return shutil.which("dot") is not None


def render(dot_source: str, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``dot_source`` drawn as an image to ``path`` (format from the suffix: svg, png, pdf).

    Needs Graphviz's ``dot`` program; raises ``RuntimeError`` saying so when it is missing.
    """
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".") or "svg"
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError("rendering a graph needs Graphviz's `dot` program (e.g. `apt-get install "
                           "graphviz`); to_dot() gives the DOT text without it")
    subprocess.run([exe, f"-T{fmt}", "-o", str(path)], input=dot_source.encode(), check=True)
    return path


# ---------------------------------------------------------------------------------------------
# The backward pass, step by step
# ---------------------------------------------------------------------------------------------

@dataclass
class InputGrad:
    """What one node sends along one input edge."""
    target: str                        # label of the input tensor
    local: np.ndarray | None           # d(output)/d(input): shape out.shape + in.shape (None: too big)
    grad: np.ndarray                   # the gradient sent: received gradient times ``local``


@dataclass
class TraceStep:
    """One vertex visited by backward: a node, or a leaf where gradients end up."""
    label: str
    received: list[np.ndarray | None]  # dL/d(output), per output of the node (one for a leaf)
    value: np.ndarray | None = None    # the forward value, if the tensor was named
    is_leaf: bool = False
    sends: list[InputGrad] = field(default_factory=list)
    # (sender label, output index, gradient) for every gradient that arrived: when a tensor is
    # used more than once, the gradients of all its uses add up
    arrivals: list[tuple[str, int, np.ndarray]] = field(default_factory=list)

    def __str__(self) -> str:
        got = ", ".join("-" if g is None else format_array(g) for g in self.received)
        if len(self.arrivals) > 1:
            got += " = " + " + ".join(f"{format_array(g)} (from {src})" for src, _, g in self.arrivals)
        head = f"{self.label}" + (f" = {format_array(self.value)}" if self.value is not None else "")
        if self.is_leaf:
            return f"{head}\n    leaf: .grad would be {got}"
        lines = [f"{head}\n    receives dL/d(output) = {got}"]
        for s in self.sends:
            local = "(Jacobian too large to show)" if s.local is None else format_array(s.local)
            lines.append(f"    -> {s.target}: local derivative {local}, sends {format_array(s.grad)}")
        return "\n".join(lines)


class BackwardTrace(list):
    """The steps of one backward pass (a list of ``TraceStep``), printable as a walkthrough."""

    def __init__(self, steps: list, labels: _Labels, grads: dict, sent: dict) -> None:
        super().__init__(steps)
        self.labels = labels
        self._grads = grads   # edge key -> total gradient that reached that tensor
        self._sent = sent     # (node, input index) -> gradient sent along that edge

    def grad(self, t: Tensor) -> np.ndarray:
        """The gradient of the loss w.r.t. ``t`` (a leaf, or a computed tensor of the graph)."""
        key = _edge_of(t)
        if key not in self._grads:
            raise KeyError("this tensor is not part of the traced graph (or no gradient reached it)")
        return self._grads[key]

    def __str__(self) -> str:
        return "\n".join(f"step {i}: {step}" for i, step in enumerate(self, 1))


def trace_backward(loss: Tensor, names: Mapping[str, Tensor] | None = None,
                   gradient: Tensor | None = None) -> BackwardTrace:
    """Run the backward pass of ``loss`` in the engine's order and record every step.

    ``gradient`` seeds a non-scalar ``loss`` (default: 1 for a scalar).  The steps follow
    ``autograd/engine.py``: sort the graph so that a node comes before the nodes its inputs came
    from, then at each node sum what arrived, call its ``backward`` and route the results along
    its edges.  Nothing is accumulated into ``.grad`` and the graph is not freed.
    """
    if not loss._requires_grad:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    if gradient is None:
        if loss._array.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        gradient = Tensor._make(np.ones_like(loss._array))
    labels = _Labels(names)
    buffers: dict = {}
    _add_to(buffers, *_edge_of(loss), gradient)
    steps, grads, sent, arrivals = [], {}, {}, {}
    with no_grad():
        for v in _toposort([_edge_of(loss)[0]]):
            received = buffers.pop(v, None)
            if received is None:
                continue
            for nr, g in enumerate(received):
                if g is not None:
                    grads[(v, nr)] = g._array
            value = labels.values.get((v, 0)) if getattr(v, "_n_outputs", 1) == 1 else None
            is_leaf = isinstance(v, Tensor)
            step = TraceStep(labels.vertex(v), [None if g is None else g._array for g in received],
                             value, is_leaf, arrivals=arrivals.pop(v, []))
            steps.append(step)
            if is_leaf:
                continue
            received = _materialize(v, received)
            results = v.backward(v, *received)
            results = results if type(results) is tuple else (results,)
            # strict=False: like the engine, tolerate extra trailing None gradients
            for i, (edge, g) in enumerate(zip(v._next, results, strict=False)):
                if edge is None or g is None:
                    continue
                target, nr, shape = edge
                if g._array.shape != shape:
                    g = _fit_shape(v, i, g, shape)
                _add_to(buffers, target, nr, g)
                sent[(v, i)] = g._array
                arrivals.setdefault(target, []).append((step.label, nr, g._array))
                step.sends.append(InputGrad(labels.tensor(target, nr), _jacobian(v, i, received, shape),
                                            g._array))
    return BackwardTrace(steps, labels, grads, sent)


def _materialize(node: Any, grads: list) -> list:
    """Zeros for outputs of a multi-output node that received no gradient (as the engine does)."""
    if node._n_outputs == 1:
        return grads
    return [g if g is not None else Tensor._make(np.zeros(shape, dtype))
            for g, (shape, dtype) in zip(grads, node._out_meta, strict=True)]


def _jacobian(node: Any, i: int, received: list, in_shape: tuple) -> np.ndarray | None:
    """d(outputs)/d(input i) of one node, row by row: backward of a one-hot output gradient is
    one row of the Jacobian.  Shape: (output shape..., input shape...); None when too large."""
    out_shapes = [g._array.shape for g in received]
    n_out = sum(int(np.prod(s)) for s in out_shapes)
    n_in = int(np.prod(in_shape))
    if n_out * n_in > MAX_JACOBIAN_ENTRIES:
        return None
    rows = []
    for j, (shape, g) in enumerate(zip(out_shapes, received, strict=True)):
        for k in range(int(np.prod(shape))):
            seeds = [Tensor._make(np.zeros_like(r._array)) for r in received]
            seeds[j]._array.reshape(-1)[k] = 1
            row = node.backward(node, *seeds)
            row = (row if type(row) is tuple else (row,))[i]
            if row is None:
                row = Tensor._make(np.zeros(in_shape, g._array.dtype))
            elif row._array.shape != in_shape:
                row = _fit_shape(node, i, row, in_shape)
            rows.append(row._array)
    out_shape = out_shapes[0] if len(out_shapes) == 1 else (n_out,)
    return np.stack(rows).reshape(out_shape + tuple(in_shape))


def format_array(a: Any) -> str:
    """A compact one-line rendering: ``0.7311`` for one number, ``[0.1, -0.2]`` for a few."""
    a = np.asarray(a)
    if a.size > 12:
        return f"<{a.dtype} {_shape(a.shape)}, |x| = {np.linalg.norm(a):.4g}>"
    if a.ndim == 0 or a.size == 1 and a.ndim == 1:
        return _number(a.reshape(()).item())

    def nested(v: Any) -> str:
        return "[" + ", ".join(map(nested, v)) + "]" if isinstance(v, list) else _number(v)
    return nested(a.tolist())


def _number(v: Any) -> str:
    return f"{v + 0.0:.4g}" if isinstance(v, float) else str(v)  # + 0.0 turns -0.0 into 0
