"""minigrad.viz: the drawn graph has torch's shape, and the step-by-step trace computes the same
gradients as ``backward()`` in minigrad and in torch.

Tolerances: the traced gradients are computed by the very same Function.backward calls as
``loss.backward()``, so they are compared exactly; against torch (float32, the same few ops,
possibly another summation order in the reductions) 1e-6 -- a few float32 ulps of O(1) values.
"""
import re

import numpy as np
import pytest
import torch

import minigrad
from minigrad import viz


def _logistic_graph(lib, x, y, w0, b0):
    """Seed 002's loss for one batch: z = x @ w + b, ŷ = sigmoid(z), L = mean BCE written out."""
    w = lib.tensor(w0, requires_grad=True)
    b = lib.tensor(b0, requires_grad=True)
    z = lib.tensor(x) @ w + b
    if lib is torch:
        z.retain_grad()
    yh = lib.sigmoid(z)
    yt = lib.tensor(y)
    loss = -(yt * lib.log(yh) + (1 - yt) * lib.log(1 - yh)).mean()
    return loss, dict(w=w, b=b, z=z, ŷ=yh, L=loss)


X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]], np.float32)
Y = np.array([1.0, 0.0, 1.0], np.float32)
W0 = np.array([0.4, -0.7], np.float32)
B0 = np.array([0.1], np.float32)


def test_trace_gradients_match_backward_and_torch():
    loss, named = _logistic_graph(minigrad, X, Y, W0, B0)
    trace = viz.trace_backward(loss, names=named)
    assert named["w"].grad is None, "tracing must not accumulate into .grad"
    loss.backward()  # the graph must still be intact after tracing
    tloss, tnamed = _logistic_graph(torch, X, Y, W0, B0)
    tloss.backward()
    for name in ("w", "b"):
        np.testing.assert_array_equal(trace.grad(named[name]), named[name].grad.numpy())
        np.testing.assert_allclose(trace.grad(named[name]), tnamed[name].grad.numpy(), rtol=0, atol=1e-6)
    # seed 002's derivation: dL/dz = (ŷ - y) / N for the mean loss
    yh = named["ŷ"].detach().numpy()
    np.testing.assert_allclose(trace.grad(named["z"]), (yh - Y) / len(Y), rtol=0, atol=1e-7)
    np.testing.assert_allclose(trace.grad(named["z"]), tnamed["z"].grad.numpy(), rtol=0, atol=1e-6)


def test_each_step_sends_received_times_local_derivative():
    loss, named = _logistic_graph(minigrad, X, Y, W0, B0)
    trace = viz.trace_backward(loss, names=named)
    checked = 0
    for step in trace:
        if step.is_leaf:
            assert not step.sends
            continue
        (received,) = step.received
        for s in step.sends:
            if s.local is None:
                continue
            # chain rule: dL/d(input) = sum over outputs of dL/d(out) * d(out)/d(input)
            expected = np.tensordot(received, s.local, axes=received.ndim)
            np.testing.assert_allclose(s.grad, expected, rtol=1e-6, atol=1e-7)
            checked += 1
    assert checked >= 8


def test_local_derivatives_are_the_hand_derived_ones():
    x = minigrad.tensor([0.5, -1.0, 2.0], requires_grad=True)
    b = minigrad.tensor([0.25], requires_grad=True)
    s = (x + b).sigmoid()
    trace = viz.trace_backward(s.sum(), names={"x": x, "b": b, "s": s})
    by_label = {step.label: step for step in trace}
    sig = by_label["SigmoidBackward0#0 (s)"]
    sv = 1 / (1 + np.exp(-(np.array([0.5, -1.0, 2.0]) + 0.25)))
    np.testing.assert_allclose(sig.sends[0].local, np.diag(sv * (1 - sv)), rtol=1e-6, atol=1e-7)
    add = by_label["AddBackward0#0"]
    locals_ = {s.target: s.local for s in add.sends}
    np.testing.assert_array_equal(locals_["x"], np.eye(3))
    np.testing.assert_array_equal(locals_["b"], np.ones((3, 1)))  # b was broadcast to 3 elements
    np.testing.assert_allclose(trace.grad(b), [np.sum(sv * (1 - sv))], rtol=1e-6)


def test_steps_follow_a_topological_order():
    loss, named = _logistic_graph(minigrad, X, Y, W0, B0)
    trace = viz.trace_backward(loss, names=named)
    position = {step.label: i for i, step in enumerate(trace)}
    for i, step in enumerate(trace):
        for s in step.sends:
            # a vertex is visited only after everything that sends it a gradient
            targets = [label for label in position if label == s.target or label.endswith(f"({s.target})")]
            assert targets and all(position[t] > i for t in targets), (step.label, s.target)
    assert trace[-1].is_leaf and trace[0].label.endswith("(L)")


def test_multi_output_node_and_unused_output():
    x = minigrad.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    a, b = x.split(2)
    out = (a * a).sum()  # b gets no gradient: backward sees zeros for it, as in the engine
    trace = viz.trace_backward(out, names={"x": x})
    np.testing.assert_array_equal(trace.grad(x), [2.0, 4.0, 0.0, 0.0])
    tx = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    ta, _ = tx.split(2)
    (ta * ta).sum().backward()
    np.testing.assert_array_equal(trace.grad(x), tx.grad.numpy())


def _torch_graph_counts(t):
    """(op nodes, leaves, edges) of torch's graph, walking grad_fn.next_functions."""
    seen, stack, ops, leaves, edges = set(), [t.grad_fn], 0, 0, 0
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if type(node).__name__ == "AccumulateGrad":
            leaves += 1
            continue
        ops += 1
        for nxt, _ in node.next_functions:
            if nxt is not None:
                edges += 1
                stack.append(nxt)
    return ops, leaves, edges


def test_dot_graph_has_torchs_shape():
    loss, named = _logistic_graph(minigrad, X, Y, W0, B0)
    dot = viz.to_dot(loss, names=named)
    ops = len(re.findall(r"shape=box", dot))
    leaves = len(re.findall(r"shape=ellipse", dot))
    edges = len(re.findall(r"^  n\d+ -> n\d+", dot, flags=re.M))
    tloss, _ = _logistic_graph(torch, X, Y, W0, B0)
    assert (ops, leaves, edges) == _torch_graph_counts(tloss)
    assert 'label="w\\n[2]"' in dot and "SigmoidBackward0#0 (ŷ)" in dot
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")


def test_dot_with_trace_labels_edges_with_gradients():
    loss, named = _logistic_graph(minigrad, X, Y, W0, B0)
    trace = viz.trace_backward(loss, names=named)
    dot = viz.to_dot(loss, trace=trace)
    assert dot.count("\\ngrad ") == len(re.findall(r"^  n\d+ -> n\d+", dot, flags=re.M))
    assert f"grad {viz.format_array(trace.grad(named['b']))}" in dot


def test_tensor_without_graph_is_drawn_alone():
    dot = viz.to_dot(minigrad.ones(2))
    assert "shape=ellipse" in dot and "shape=box" not in dot


def test_trace_errors_match_backward():
    with pytest.raises(RuntimeError, match="does not require grad"):
        viz.trace_backward(minigrad.ones(2).sum())
    x = minigrad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        viz.trace_backward(x * 2)
    trace = viz.trace_backward(x * 2, gradient=minigrad.tensor([1.0, 3.0]))
    np.testing.assert_array_equal(trace.grad(x), [2.0, 6.0])
    with pytest.raises(TypeError, match="expected a Tensor"):
        viz.to_dot(np.ones(2))


def test_trace_after_backward_freed_the_graph_raises():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        viz.trace_backward(loss)


def test_large_jacobians_are_not_computed():
    x = minigrad.ones(100, requires_grad=True)
    trace = viz.trace_backward((x * 3).sum())
    mul = next(s for s in trace if s.label.startswith("MulBackward"))
    assert mul.sends[0].local is None and "too large" in str(mul)
    np.testing.assert_array_equal(trace.grad(x), np.full(100, 3.0))


def test_render_without_graphviz_says_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "")
    assert not viz.graphviz_available()
    with pytest.raises(RuntimeError, match="Graphviz"):
        viz.render("digraph { a -> b }", tmp_path / "g.svg")


@pytest.mark.skipif(not viz.graphviz_available(), reason="Graphviz's `dot` is not installed")
def test_render_writes_svg_and_png(tmp_path):
    loss, named = _logistic_graph(minigrad, X, Y, W0, B0)
    dot = viz.to_dot(loss, trace=viz.trace_backward(loss, names=named))
    svg = viz.render(dot, tmp_path / "g.svg")
    assert "<svg" in svg.read_text()
    png = viz.render(dot, tmp_path / "g.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_format_array():
    assert viz.format_array(np.float32(0.25)) == "0.25"
    assert viz.format_array(np.array([1.0, -0.0, 1 / 3])) == "[1, 0, 0.3333]"
    assert viz.format_array(np.array([[1, 2]])) == "[[1, 2]]"
    assert viz.format_array(np.zeros((5, 5))).startswith("<float64 [5, 5]")


# ---------------------------------------------------------------------------------------------
# The graph drawn without Graphviz (matplotlib), and shown inline in Jupyter
# ---------------------------------------------------------------------------------------------

def _torch_node_names(*roots) -> list[str]:
    """name() of every node of torch's graph behind ``roots`` except the leaves' AccumulateGrad."""
    seen, stack, names = set(), [r.grad_fn for r in roots], []
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node).__name__ != "AccumulateGrad":
            names.append(node.name())
        stack.extend(nxt for nxt, _ in node.next_functions)
    return names


def _graphs():
    """A few graphs: seed 002's loss (a node used twice, an edge skipping layers), a layer with a
    matrix product and a loss, and two outputs sharing their inputs."""
    out = {}
    for lib in (minigrad, torch):
        loss, _ = _logistic_graph(lib, X, Y, W0, B0)
        w = lib.tensor(W0.reshape(2, 1), requires_grad=True)
        b = lib.tensor(B0, requires_grad=True)
        mlp = lib.nn.functional.mse_loss((lib.tensor(X) @ w + b).tanh(), lib.tensor(Y).view(-1, 1))
        a = lib.tensor(W0, requires_grad=True)
        pair = [(a * 2).exp(), (a.sin() + a).sum()]
        out[lib.__name__] = {"logistic": loss, "linear": mlp, "two outputs": pair}
    return out


@pytest.mark.parametrize("name", ["logistic", "linear", "two outputs"])
def test_graph_vertices_are_torchs_nodes_and_layers_follow_the_edges(name):
    graphs = _graphs()
    g = viz.graph(graphs["minigrad"][name])
    ops = sorted(v.name for v in g.vertices if v.kind == "op")
    roots = graphs["torch"][name]
    assert ops == sorted(_torch_node_names(*(roots if isinstance(roots, list) else [roots])))
    lay = g.layout()
    for e, route in zip(g.edges, lay.routes, strict=True):
        # every vertex is drawn after (below) its inputs, and each edge's route goes down one
        # layer at a time from its source to its target
        assert lay.position[e.source][1] > lay.position[e.target][1], e
        assert route[0] == lay.position[e.source] and route[-1] == lay.position[e.target]
        assert [p[1] for p in route] == list(range(route[0][1], route[-1][1] - 1, -1))
    # points of one layer never share a place
    points = list(lay.position.values()) + [p for r in lay.routes for p in r[1:-1]]
    assert len(set(points)) == len(points)


def test_graph_layers_are_longest_paths_to_the_output():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    out = (y.sin() * y).sum()  # x -> exp -> sin -> mul and exp -> mul: exp is 3 above the output
    g = viz.graph(out, names={"x": x, "y": y})
    layer = dict(zip([v.name for v in g.vertices], g.layers(), strict=True))
    assert layer == {"output": 0, "SumBackward0": 1, "MulBackward0": 2, "SinBackward0": 3,
                     "ExpBackward0": 4, "x": 5}


def _crossings(lay) -> int:
    """Pairs of edge stretches between the same two layers that cross."""
    segments = [(r[i], r[i + 1]) for r in lay.routes for i in range(len(r) - 1)]
    return sum((p[0] - s[0]) * (q[0] - t[0]) < 0
               for k, (p, q) in enumerate(segments) for (s, t) in segments[k + 1:]
               if p[1] == s[1] and q[1] == t[1])


def test_barycentre_order_reduces_crossings():
    a, b, c = (minigrad.tensor([v], requires_grad=True) for v in (1.0, 2.0, 3.0))
    # three leaves, each used by two of three products: the order found by the DFS crosses edges
    g = viz.graph(((a + b) * (b + c) * (a + c)).sum(), names={"a": a, "b": b, "c": c})
    unsorted, sorted_ = _crossings(g.layout(sweeps=0)), _crossings(g.layout())
    assert sorted_ < unsorted, (sorted_, unsorted)
    # two independent chains joined at the end: no crossing at all
    chains = viz.graph(a.exp().sin().cos() + b.tanh().sigmoid().neg())
    assert _crossings(chains.layout()) == 0


def test_graph_to_dot_is_to_dot():
    loss, named = _logistic_graph(minigrad, X, Y, W0, B0)
    trace = viz.trace_backward(loss, names=named)
    assert viz.graph(loss, trace=trace).to_dot() == viz.to_dot(loss, trace=trace)


def test_graph_drawn_with_matplotlib_when_graphviz_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "")  # no `dot`
    loss, named = _logistic_graph(minigrad, X, Y, W0, B0)
    g = viz.graph(loss, trace=viz.trace_backward(loss, names=named))
    texts = [t.get_text() for t in g.figure().axes[0].texts]
    boxes = {v.name for v in g.vertices if v.kind == "op"}
    assert boxes == set(_torch_node_names(_logistic_graph(torch, X, Y, W0, B0)[0]))
    for v in g.vertices:  # every box is drawn, its first line the node's name (as torch's name())
        assert any(t.split("\n")[0] == v.name for t in texts), v.name
    assert "w\n[2]" in texts and "SigmoidBackward0\nŷ" in texts
    png = g.save(tmp_path / "graph.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank figure is ~2 kB
    # in Jupyter: a PNG from matplotlib, no SVG (that needs Graphviz)
    assert g._repr_svg_() is None
    assert g._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"


def test_graph_labels_leaves_and_parameters():
    minigrad.manual_seed(0)
    lin = minigrad.nn.Linear(2, 1)
    x = minigrad.tensor([[1.0, 2.0]], requires_grad=True)
    g = viz.graph(lin(x).sum(), names={"weight": lin.weight, "x": x})
    leaves = {v.name: v for v in g.vertices if v.kind == "leaf"}
    assert set(leaves) == {"weight", "Parameter", "x"}  # the bias was not named
    assert leaves["weight"].parameter and leaves["Parameter"].parameter and not leaves["x"].parameter
    texts = [t.get_text() for t in g.figure().axes[0].texts]
    assert {"weight\nParameter [1, 2]", "Parameter\n[1]", "x\n[1, 2]"} <= set(texts)


@pytest.mark.skipif(not viz.graphviz_available(), reason="Graphviz's `dot` is not installed")
def test_graph_svg_for_jupyter_with_graphviz():
    loss, _ = _logistic_graph(minigrad, X, Y, W0, B0)
    g = viz.graph(loss)
    assert "<svg" in g._repr_svg_() and g._repr_png_() is None
