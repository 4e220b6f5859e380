"""Look inside autograd: draw the graph behind a tensor, and watch backward walk it step by step.

The graph is the one the engine runs (``autograd/engine.py``): every ``grad_fn`` node keeps one
edge per input in ``node._next`` -- ``None`` for an input that needs no gradient, otherwise
``(target, output_nr, shape)`` where ``target`` is the input's own ``grad_fn`` or, for a leaf,
the leaf Tensor itself.  So a leaf is simply where a path ends.

* ``graph(t)`` returns the graph that produced ``t`` as a ``Graph``: ``.to_dot()`` gives Graphviz
  DOT text (no dependency), ``.save("graph.png")`` draws it -- with Graphviz's ``dot`` program when
  it is installed, else with matplotlib in a layered layout (``.layout()``) -- and in Jupyter it
  displays itself.  ``to_dot(t)`` is ``graph(t).to_dot()``; ``render(dot, path)`` runs ``dot``.
* ``trace_backward(loss)`` repeats what ``loss.backward()`` does, in the engine's order, and
  records at each node the gradient it receives, the local derivative (Jacobian) of its output with
  respect to each input, and the gradient it sends on: ``sent = received @ local``.  It writes no
  ``.grad`` and frees nothing, so ``loss.backward()`` still works afterwards.

Name the tensors you care about and they are labelled with those names::

    z = x @ w + b; y_hat = z.sigmoid(); loss = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log())
    print(trace_backward(loss, names={"w": w, "b": b, "z": z, "ŷ": y_hat, "L": loss}))
"""
from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ._tensor import Tensor
from .autograd.engine import _add_to, _edge_of, _fit_shape, _toposort
from .autograd.grad_mode import no_grad
from .nn.parameter import Parameter

__all__ = ["graph", "Graph", "Vertex", "Edge", "Layout", "to_dot", "render", "graphviz_available",
           "trace_backward", "BackwardTrace", "TraceStep", "InputGrad", "format_array",
           "MAX_JACOBIAN_ENTRIES"]

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
# The graph: its vertices and edges, as DOT text, and drawn
# ---------------------------------------------------------------------------------------------

def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _shape(shape: tuple) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


@dataclass
class Vertex:
    """One box of the drawing: an op node, a leaf tensor, or an output tensor."""
    kind: str       # "op", "leaf" or "output"
    name: str       # op: the node's name() as torch gives it (``SigmoidBackward0``); else the tensor's
    label: str      # the full label of the DOT drawing (with the user's names, numbered)
    shape: tuple | None  # of the tensor (None for an op: its outputs' shapes are on its edges)
    tensor_names: list[str] = field(default_factory=list)  # the user's names of the tensors it made
    parameter: bool = False  # a leaf that is an nn.Parameter


@dataclass
class Edge:
    """The forward direction: ``source`` (an input) was used to compute ``target``."""
    source: int
    target: int
    shape: tuple
    grad: np.ndarray | None = None  # the gradient that flowed back along it, when traced


@dataclass
class Layout:
    """Where ``Graph.figure`` draws: ``position[k]`` = (x, layer) of vertex k (layer 0 at the
    bottom: the outputs); ``routes[i]`` = the points edge i passes, from its source to its target."""
    position: dict[int, tuple[float, int]]
    routes: list[list[tuple[float, int]]]
    width: int   # points in the widest layer
    depth: int   # number of layers


class Graph:
    """The graph that computed some tensors: ``vertices`` and ``edges`` (indices into vertices).

    ``to_dot()`` gives Graphviz text; ``save(path)`` draws it with Graphviz when its ``dot``
    program is installed and with matplotlib otherwise; in Jupyter the graph displays itself
    (SVG through Graphviz, else a matplotlib PNG).
    """

    def __init__(self, vertices: list[Vertex], edges: list[Edge]) -> None:
        self.vertices = vertices
        self.edges = edges

    def __repr__(self) -> str:
        return f"<Graph: {len(self.vertices)} vertices, {len(self.edges)} edges>"

    # -- DOT ------------------------------------------------------------------------------------

    def to_dot(self) -> str:
        """Graphviz DOT source: leaves are ellipses, ops boxes, outputs double octagons."""
        lines = ["digraph autograd {", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=11];',
                 '  edge [fontname="Helvetica", fontsize=9];']
        style = {"leaf": "shape=ellipse, style=filled, fillcolor=lightblue",
                 "op": "shape=box, style=filled, fillcolor=lightgrey",
                 "output": "shape=doubleoctagon, style=filled, fillcolor=darkolivegreen1"}
        for k, v in enumerate(self.vertices):
            lines.append(f"  {self._dot_id(k)} [{style[v.kind]}, label={_quote(v.label)}];")
        for e in self.edges:
            attributes = ""
            if self.vertices[e.target].kind != "output":
                text = _shape(e.shape) + ("" if e.grad is None else "\ngrad " + format_array(e.grad))
                attributes = f" [label={_quote(text)}]"
            lines.append(f"  {self._dot_id(e.source)} -> {self._dot_id(e.target)}{attributes};")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _dot_id(self, k: int) -> str:
        return f"out{k}" if self.vertices[k].kind == "output" else f"n{k}"

    # -- layout ---------------------------------------------------------------------------------

    def layers(self) -> list[int]:
        """Each vertex's layer: the longest path from it to an output (outputs are layer 0), so
        every vertex lies in a higher layer than everything computed from it."""
        layer = [0] * len(self.vertices)
        waiting = [0] * len(self.vertices)  # consumers not settled yet, per vertex
        inputs: list[list[int]] = [[] for _ in self.vertices]
        for e in self.edges:
            waiting[e.source] += 1
            inputs[e.target].append(e.source)
        ready = [k for k, n in enumerate(waiting) if n == 0]
        while ready:  # a vertex is settled once all its consumers are
            k = ready.pop()
            for j in inputs[k]:
                layer[j] = max(layer[j], layer[k] + 1)
                waiting[j] -= 1
                if waiting[j] == 0:
                    ready.append(j)
        return layer

    def layout(self, sweeps: int = 4) -> "Layout":
        """Where to draw each vertex, as (x, layer): layers by ``layers()``; an edge that skips
        layers gets a waypoint in each layer it passes, so it can go around the boxes there; and
        within a layer, an order with few crossing edges by the barycentre heuristic: sort the
        points of a layer by the mean x of their neighbours in the layer above, going down, then
        by the mean x of those in the layer below, going up, a few times."""
        layer = self.layers()
        rows: dict[int, list] = {n: [] for n in range(max(layer) + 1)}
        for k in range(len(self.vertices)):
            rows[layer[k]].append(("vertex", k))
        above: dict = {}  # point -> its neighbours one layer up (towards the inputs)
        below: dict = {}  # point -> its neighbours one layer down (towards the outputs)
        chains = []
        for i, e in enumerate(self.edges):
            waypoints = [("waypoint", i, n) for n in range(layer[e.source] - 1, layer[e.target], -1)]
            chain = [("vertex", e.source), *waypoints, ("vertex", e.target)]
            for upper, lower in zip(chain, chain[1:]):
                below.setdefault(upper, []).append(lower)
                above.setdefault(lower, []).append(upper)
            for point in waypoints:
                rows[point[2]].append(point)
            chains.append(chain)
        x: dict = {}

        def place(row: list) -> None:
            for i, point in enumerate(row):
                x[point] = i - (len(row) - 1) / 2  # centred on 0

        def barycentre(point: Any, neighbours: dict) -> float:
            xs = [x[p] for p in neighbours.get(point, [])]
            return sum(xs) / len(xs) if xs else x[point]

        for row in rows.values():
            place(row)
        top = max(rows)
        for sweep in range(sweeps):
            downward = sweep % 2 == 0
            neighbours = above if downward else below
            for n in (range(top - 1, -1, -1) if downward else range(1, top + 1)):
                rows[n].sort(key=lambda point: barycentre(point, neighbours))
                place(rows[n])

        def at(point: Any) -> tuple[float, int]:
            return x[point], (layer[point[1]] if point[0] == "vertex" else point[2])

        return Layout({k: at(("vertex", k)) for k in range(len(self.vertices))},
                      [[at(p) for p in chain] for chain in chains],
                      max(len(row) for row in rows.values()), top + 1)

    # -- drawing --------------------------------------------------------------------------------

    def figure(self) -> Any:
        """A matplotlib Figure of the graph in the ``layout()``: inputs at the top, the outputs
        at the bottom, an arrow per edge labelled with the shape it carries (and, when traced,
        the gradient that came back along it)."""
        try:
            from matplotlib.figure import Figure
        except ImportError as e:
            raise ImportError("drawing a graph needs matplotlib or Graphviz's `dot` program; "
                              "to_dot() gives the DOT text without either") from e

        lay = self.layout()
        x_gap, y_gap = 2.3, 1.15  # inches between neighbouring points (a label is up to ~2 wide)
        width, height = lay.width * x_gap, (lay.depth - 1) * y_gap
        fig = Figure(figsize=(max(3.0, width + 0.4), height + 1.4))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(-width / 2 - 0.2, width / 2 + 0.2)
        ax.set_ylim(-0.7, height + 0.7)

        def inches(point: tuple[float, int]) -> tuple[float, float]:
            return point[0] * x_gap, point[1] * y_gap

        colours = {"op": "#e6e6e6", "leaf": "#cfe8f7", "output": "#d5f2b8"}
        boxes = {}
        for k, v in enumerate(self.vertices):
            # the boxes are drawn first (lowest zorder): arrows are clipped to their outlines
            boxes[k] = ax.text(*inches(lay.position[k]), _box_text(v), ha="center", va="center",
                               fontsize=8.5, zorder=1,
                               bbox={"boxstyle": "square,pad=0.4" if v.kind == "op" else "round,pad=0.4",
                                     "facecolor": colours[v.kind], "edgecolor": "#555555"})
        for e, route in zip(self.edges, lay.routes, strict=True):
            points = [inches(p) for p in route]
            arrow = {"arrowstyle": "-", "color": "#444444", "linewidth": 1, "shrinkA": 0, "shrinkB": 0}
            for i, (start, end) in enumerate(zip(points, points[1:])):
                last = i == len(points) - 2
                ends = {"patchA": boxes[e.source].get_bbox_patch()} if i == 0 else {}
                if last:
                    ends.update(patchB=boxes[e.target].get_bbox_patch(), arrowstyle="-|>", shrinkB=1)
                ax.annotate("", xy=end, xytext=start, zorder=2, arrowprops={**arrow, **ends})
            if self.vertices[e.target].kind != "output":
                (xa, ya), (xb, yb) = points[-2], points[-1]  # labelled on its last stretch
                text = _shape(e.shape) + ("" if e.grad is None else "\ngrad " + format_array(e.grad))
                ax.text((xa + xb) / 2, (ya + yb) / 2, text, ha="center", va="center", fontsize=7,
                        color="#333333", zorder=3,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                              "alpha": 0.85})
        return fig

    def save(self, path: str | Path) -> Path:
        """Draw the graph into ``path`` (format from the suffix: png, svg, pdf): with Graphviz's
        ``dot`` when it is installed, else with matplotlib."""
        path = Path(path)
        if graphviz_available():
            return render(self.to_dot(), path)
        self.figure().savefig(path, dpi=100)
        return path

    # -- Jupyter --------------------------------------------------------------------------------

    def _repr_svg_(self) -> str | None:
        """Jupyter's SVG: drawn by Graphviz (None without it: then ``_repr_png_`` draws)."""
        if not graphviz_available():
            return None
        return _run_dot(self.to_dot(), "svg").decode()

    def _repr_png_(self) -> bytes | None:
        """Jupyter's PNG, drawn by matplotlib, when Graphviz is not there to give an SVG."""
        if graphviz_available():
            return None
        buffer = io.BytesIO()
        self.figure().savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def _box_text(v: Vertex) -> str:
    """What a box says: an op's torch name and the names of the tensors it made; a tensor's name,
    shape, and whether it is a parameter."""
    if v.kind == "op":
        return "\n".join([v.name, *v.tensor_names])
    kind = "Parameter " if v.parameter and v.name != "Parameter" else ""
    return f"{v.name}\n{kind}{_shape(v.shape)}"


def graph(tensors: Tensor | list, names: Mapping[str, Tensor] | None = None,
          trace: "BackwardTrace | None" = None) -> Graph:
    """The graph that computed ``tensors``, as a ``Graph`` (print it with ``to_dot()``, draw it
    with ``save(path)``; Jupyter shows it).

    ``names`` labels the tensors you care about; with the ``trace`` of this graph the edges also
    carry the gradients that flowed back along them.  A tensor that does not require grad has no
    graph: its drawing is the single tensor.
    """
    roots = _roots(tensors)
    labels = trace.labels if trace is not None else _Labels(names)
    sent = trace._sent if trace is not None else {}
    index: dict[int, int] = {}
    vertices: list[Vertex] = []
    edges: list[Edge] = []

    def vertex(v: Any) -> int:
        """The index of graph vertex ``v`` (a node or a leaf), added on first sight."""
        if id(v) not in index:
            index[id(v)] = len(vertices)
            if isinstance(v, Tensor):
                unnamed = "Parameter" if isinstance(v, Parameter) else "leaf"
                vertices.append(Vertex("leaf", labels.by_edge.get((v, 0)) or unnamed,
                                       labels.vertex(v) + "\n" + _shape(v._array.shape), v._array.shape,
                                       parameter=isinstance(v, Parameter)))
            else:
                made = [labels.by_edge[(v, nr)] for nr in range(v._n_outputs) if (v, nr) in labels.by_edge]
                vertices.append(Vertex("op", v.name(), labels.vertex(v), None, made))
        return index[id(v)]

    outputs = []
    for r in roots:  # an output vertex per root, below the node that made it
        name = labels.by_edge.get(_edge_of(r)) if r._requires_grad else None
        vertices.append(Vertex("output", name or "output",
                               (name or "output") + "\n" + _shape(r._array.shape), r._array.shape))
        outputs.append(len(vertices) - 1)
    starts = [_edge_of(r)[0] if r._requires_grad else r for r in roots]
    for out, start in zip(outputs, starts, strict=True):
        edges.append(Edge(vertex(start), out, vertices[out].shape))
    order = _toposort(list(dict.fromkeys(starts)))
    for v in order:
        vertex(v)
    for v in order:
        k = vertex(v)
        for i, edge in enumerate(v._next):
            if edge is not None:
                target, _, shape = edge
                edges.append(Edge(vertex(target), k, shape, sent.get((v, i))))
    return Graph(vertices, edges)


def to_dot(tensors: Tensor | list, names: Mapping[str, Tensor] | None = None,
           trace: "BackwardTrace | None" = None) -> str:
    """Graphviz DOT source of the graph that computed ``tensors`` (``graph(...).to_dot()``).

    Leaves are ellipses, ops are boxes, each edge points the way the forward pass went and is
    labelled with the shape of the tensor it carries -- plus, if a ``trace`` of this graph is
    given, the gradient that flowed back along it.
    """
    return graph(tensors, names, trace).to_dot()


def graphviz_available() -> bool:
    """Whether Graphviz's ``dot`` program is on the PATH (needed only by ``render``)."""
    return shutil.which("dot") is not None


def _run_dot(dot_source: str, fmt: str) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError("rendering a graph needs Graphviz's `dot` program (e.g. `apt-get install "
                           "graphviz`); to_dot() gives the DOT text without it, and "
                           "graph(t).save(path) draws with matplotlib instead")
    return subprocess.run([exe, f"-T{fmt}"], input=dot_source.encode(), check=True,
                          capture_output=True).stdout


def render(dot_source: str, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``dot_source`` drawn as an image to ``path`` (format from the suffix: svg, png, pdf).

    Needs Graphviz's ``dot`` program; raises ``RuntimeError`` saying so when it is missing.
    """
    path = Path(path)
    path.write_bytes(_run_dot(dot_source, fmt or path.suffix.lstrip(".") or "svg"))
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
