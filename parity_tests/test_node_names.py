"""Graph node names: ``grad_fn.name()`` and the ``next_functions`` chain are torch's for the same call.

Learners print ``loss.grad_fn`` and walk ``next_functions`` beside their tutorial, so each case
below runs one public call in both libraries and compares torch's node name with minigrad's.
A new op costs one line in ``CALLS``.
"""
from __future__ import annotations

import types
from typing import Any, Callable

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.testing import REGISTRY

_RNG = np.random.default_rng(0)
_DATA = {
    "x": _RNG.standard_normal((3, 4)),       # a matrix
    "y": _RNG.standard_normal((3, 4)),
    "v": _RNG.standard_normal(4),            # a vector
    "s": np.array(0.75),                     # 0-d
    "x3": _RNG.standard_normal((2, 3, 4)),   # a batch
    "m": _RNG.standard_normal((4, 5)),
    "w": _RNG.standard_normal((5, 4)),       # Linear weight (out, in)
    "b": _RNG.standard_normal(5),
    "p": _RNG.uniform(0.1, 0.9, (3, 4)),     # probabilities
}


def _inputs(lib: Any) -> types.SimpleNamespace:
    """The same leaves in either library (float32, requiring grad), plus integer targets."""
    ns = {k: lib.tensor(v.astype(np.float32), requires_grad=True) for k, v in _DATA.items()}
    ns["target"] = lib.tensor([1, 0, 3])
    ns["idx"] = lib.tensor([2, 0])
    ns["mask"] = lib.tensor(_DATA["x"] > 0)
    ns["t01"] = lib.tensor((_DATA["p"] > 0.5).astype(np.float32))
    return types.SimpleNamespace(lib=lib, F=lib.nn.functional, **ns)


# label -> the call, written once for both libraries (``n.lib`` is torch or minigrad)
CALLS: dict[str, Callable[[types.SimpleNamespace], Any]] = {
    # arithmetic, with tensors and Python numbers on either side
    "x + y": lambda n: n.x + n.y,
    "x + 1": lambda n: n.x + 1,
    "1 + x": lambda n: 1 + n.x,
    "x + v (broadcast)": lambda n: n.x + n.v,
    "add(x, y, alpha=2)": lambda n: n.lib.add(n.x, n.y, alpha=2),
    "x - y": lambda n: n.x - n.y,
    "x - 1": lambda n: n.x - 1,
    "1 - x": lambda n: 1 - n.x,
    "sub(x, y, alpha=2)": lambda n: n.lib.sub(n.x, n.y, alpha=2),
    "x * y": lambda n: n.x * n.y,
    "x * 2": lambda n: n.x * 2,
    "2 * x": lambda n: 2 * n.x,
    "x / y": lambda n: n.x / n.y,
    "x / 2": lambda n: n.x / 2,
    "2 / x": lambda n: 2 / n.x,
    "x ** 2": lambda n: n.x ** 2,
    "x ** 0.5": lambda n: n.x ** 0.5,
    "x ** y": lambda n: n.x ** n.y,
    "2 ** x": lambda n: 2 ** n.x,
    "x ** s (0-d tensor)": lambda n: n.x ** n.s,
    "-x": lambda n: -n.x,
    "x % 2": lambda n: n.x % 2,
    "x % y": lambda n: n.x % n.y,
    "maximum": lambda n: n.lib.maximum(n.x, n.y),
    "minimum": lambda n: n.lib.minimum(n.x, n.y),
    "where": lambda n: n.lib.where(n.mask, n.x, n.y),
    "where with a number": lambda n: n.lib.where(n.mask, n.x, 0.0),
    # matrix products and Linear
    "x @ m": lambda n: n.x @ n.m,
    "mm": lambda n: n.lib.mm(n.x, n.m),
    "matmul 1-d @ 1-d": lambda n: n.v @ n.v,
    "matmul 2-d @ 1-d": lambda n: n.x @ n.v,
    "matmul 1-d @ 2-d": lambda n: n.v @ n.m,
    "matmul 3-d @ 2-d": lambda n: n.x3 @ n.m,
    "matmul 3-d @ 3-d": lambda n: n.x3 @ n.x3.transpose(1, 2),
    "bmm": lambda n: n.lib.bmm(n.x3, n.x3.transpose(1, 2)),
    "mv": lambda n: n.lib.mv(n.x, n.v),
    "dot": lambda n: n.lib.dot(n.v, n.v),
    "linear 2-d": lambda n: n.F.linear(n.x, n.w, n.b),
    "linear 2-d, no bias": lambda n: n.F.linear(n.x, n.w),
    "linear 1-d": lambda n: n.F.linear(n.v, n.w, n.b),
    "linear 1-d, no bias": lambda n: n.F.linear(n.v, n.w),
    "linear 3-d": lambda n: n.F.linear(n.x3, n.w, n.b),
    "linear 3-d, no bias": lambda n: n.F.linear(n.x3, n.w),
    # pointwise
    "exp": lambda n: n.x.exp(),
    "log": lambda n: n.p.log(),
    "log1p": lambda n: n.p.log1p(),
    "sqrt": lambda n: n.p.sqrt(),
    "abs": lambda n: n.x.abs(),
    "sign": lambda n: n.x.sign(),
    "sin": lambda n: n.x.sin(),
    "cos": lambda n: n.x.cos(),
    "tanh": lambda n: n.x.tanh(),
    "sigmoid": lambda n: n.x.sigmoid(),
    "relu": lambda n: n.x.relu(),
    "F.relu": lambda n: n.F.relu(n.x),
    "clamp both": lambda n: n.x.clamp(-0.5, 0.5),
    "clamp min": lambda n: n.x.clamp(min=0),
    "clamp max": lambda n: n.x.clamp(max=0),
    "floor": lambda n: n.x.floor(),
    "ceil": lambda n: n.x.ceil(),
    "round": lambda n: n.x.round(),
    "trunc": lambda n: n.x.trunc(),
    "clone": lambda n: n.x.clone(),
    "to float64": lambda n: n.x.double(),
    "to(float64)": lambda n: n.x.to(n.lib.float64),
    "float() of float64": lambda n: n.x.double().float(),
    # reductions with and without dim
    "sum()": lambda n: n.x.sum(),
    "sum(dim)": lambda n: n.x.sum(1),
    "sum(dim, keepdim)": lambda n: n.x.sum(0, keepdim=True),
    "sum(dims)": lambda n: n.x3.sum((0, 2)),
    "sum(dtype=)": lambda n: n.x.sum(dtype=n.lib.float64),
    "mean()": lambda n: n.x.mean(),
    "mean(dim)": lambda n: n.x.mean(1),
    "prod()": lambda n: n.x.prod(),
    "prod(dim)": lambda n: n.x.prod(1),
    "max()": lambda n: n.x.max(),
    "max(dim)": lambda n: n.x.max(1)[0],
    "max(other)": lambda n: n.x.max(n.y),
    "min()": lambda n: n.x.min(),
    "min(dim)": lambda n: n.x.min(0).values,
    "amax": lambda n: n.x.amax(1),
    "amin": lambda n: n.x.amin(),
    "var()": lambda n: n.x.var(),
    "var(dim)": lambda n: n.x.var(1),
    "std()": lambda n: n.x.std(),
    "std(dim)": lambda n: n.x.std(0),
    "logsumexp": lambda n: n.x.logsumexp(1),
    "softmax": lambda n: n.x.softmax(1),
    "F.softmax": lambda n: n.F.softmax(n.x, dim=1),
    "log_softmax": lambda n: n.x.log_softmax(1),
    "F.log_softmax": lambda n: n.F.log_softmax(n.x, dim=-1),
    # shape ops
    "reshape": lambda n: n.x.reshape(4, 3),
    "reshape of a transpose (copies)": lambda n: n.x.t().reshape(12),
    "view": lambda n: n.x.view(2, 6),
    "view(-1)": lambda n: n.x.view(-1),
    "view_as": lambda n: n.x.view_as(n.y.t()),
    "flatten": lambda n: n.x3.flatten(),
    "flatten(1)": lambda n: n.x3.flatten(1),
    "squeeze()": lambda n: n.x.unsqueeze(0).squeeze(),
    "squeeze(dim)": lambda n: n.x.unsqueeze(0).squeeze(0),
    "unsqueeze": lambda n: n.x.unsqueeze(1),
    "t": lambda n: n.x.t(),
    "T": lambda n: n.x.T,
    "transpose": lambda n: n.x3.transpose(0, 2),
    "permute": lambda n: n.x3.permute(2, 0, 1),
    "expand": lambda n: n.v.expand(3, 4),
    "expand_as": lambda n: n.v.expand_as(n.x),
    "broadcast_to": lambda n: n.lib.broadcast_to(n.v, (3, 4)),
    "cat": lambda n: n.lib.cat([n.x, n.y]),
    "stack": lambda n: n.lib.stack([n.x, n.y]),
    "split": lambda n: n.x.split(2, dim=1)[0],
    "chunk": lambda n: n.x.chunk(2)[1],
    "unbind": lambda n: n.x.unbind()[0],
    "contiguous of a transpose": lambda n: n.x.t().contiguous(),
    "mT": lambda n: n.x3.mT,
    # a shape op that changes nothing still makes a node (except flatten: torch returns x)
    "reshape to the same shape": lambda n: n.x.reshape(3, 4),
    "view(-1) of a vector": lambda n: n.v.view(-1),
    "expand to the same shape": lambda n: n.x.expand(3, 4),
    "t of a vector": lambda n: n.v.t(),
    "transpose of a 0-d": lambda n: n.s.transpose(0, -1),
    "squeeze with no size-1 dim": lambda n: n.x.squeeze(),
    "flatten of a vector": lambda n: n.v.flatten() * 1,
    # indexing
    "x[0]": lambda n: n.x[0],
    "x[:, 1]": lambda n: n.x[:, 1],
    "x[1:]": lambda n: n.x[1:],
    "x[:, ::2]": lambda n: n.x[:, ::2],
    "x[None]": lambda n: n.x[None],
    "x[...]": lambda n: n.x[...],
    "x[idx]": lambda n: n.x[n.idx],
    "x[[0, 2]]": lambda n: n.x[[0, 2]],
    "x[mask]": lambda n: n.x[n.mask],
    "x[0, 1]": lambda n: n.x[0, 1],
    "x[idx, 1]": lambda n: n.x[n.idx, 1],
    "gather": lambda n: n.x.gather(1, n.target.unsqueeze(1)),
    "index_select": lambda n: n.x.index_select(0, n.idx),
    "masked_fill": lambda n: n.x.masked_fill(n.mask, 0.0),
    "x[0] = 5 (on a copy)": lambda n: _setitem(n.x * 1, 0, 5.0),
    "x[:, idx] = v": lambda n: _setitem(n.x * 1, (slice(None), n.idx), n.lib.zeros(3, 2)),
    "x[1:, idx] = v": lambda n: _setitem(n.x * 1, (slice(1, None), n.idx), 0.0),
    "x[mask] = 0": lambda n: _setitem(n.x * 1, n.mask, 0.0),
    "in-place on a view": lambda n: _inplace_on_view(n.x * 1),
    "add_": lambda n: (n.x * 1).add_(1),
    "+= 1": lambda n: _iadd(n.x * 1, 1),
    "copy_ into a tensor": lambda n: n.lib.zeros(3, 4).copy_(n.x),
    "scatter_add": lambda n: n.lib.zeros(3, 5).scatter_add(1, n.target.unsqueeze(1).expand(3, 4), n.x),
    # losses and nn functions
    "mse_loss": lambda n: n.F.mse_loss(n.x, n.y),
    "mse_loss sum": lambda n: n.F.mse_loss(n.x, n.y, reduction="sum"),
    "mse_loss none": lambda n: n.F.mse_loss(n.x, n.y, reduction="none"),
    "l1_loss": lambda n: n.F.l1_loss(n.x, n.y),
    "binary_cross_entropy": lambda n: n.F.binary_cross_entropy(n.p, n.t01),
    "binary_cross_entropy_with_logits": lambda n: n.F.binary_cross_entropy_with_logits(n.x, n.t01),
    "logsigmoid": lambda n: n.F.logsigmoid(n.x),
    "nll_loss": lambda n: n.F.nll_loss(n.x.log_softmax(1), n.target),
    "cross_entropy": lambda n: n.F.cross_entropy(n.x, n.target),
    "cross_entropy, soft targets": lambda n: n.F.cross_entropy(n.x, n.p),
    "dropout": lambda n: _seeded(n.lib, lambda: n.F.dropout(n.x, 0.5)),
    "nn.Linear": lambda n: _seeded(n.lib, lambda: n.lib.nn.Linear(4, 5))(n.x),
    "nn.MSELoss": lambda n: n.lib.nn.MSELoss()(n.x, n.y),
    "nn.CrossEntropyLoss": lambda n: n.lib.nn.CrossEntropyLoss()(n.x, n.target),
}


def _iadd(t: Any, value: Any) -> Any:
    t += value
    return t


def _setitem(t: Any, key: Any, value: Any) -> Any:
    t[key] = value
    return t


def _inplace_on_view(t: Any) -> Any:
    t[0].mul_(2)
    return t


def _seeded(lib: Any, make: Callable[[], Any]) -> Any:
    lib.manual_seed(0)
    return make()


def _node(out: Any) -> Any:
    out = out[0] if isinstance(out, tuple) else out
    return out.grad_fn


@pytest.mark.parametrize("label", list(CALLS))
def test_node_name_is_torchs(label):
    expected = _node(CALLS[label](_inputs(torch))).name()
    assert _node(CALLS[label](_inputs(minigrad))).name() == expected


def _chain(node: Any, depth: int = 0) -> list[str]:
    """The graph below ``node`` as indented names, inputs in next_functions order."""
    if node is None:
        return ["  " * depth + "None"]
    lines = ["  " * depth + node.name()]
    for child, nr in node.next_functions:
        lines += _chain(child, depth + 1) if nr == 0 else [f"{'  ' * (depth + 1)}output {nr} of ..."]
    return lines


def _mlp_loss(lib: Any, loss: str) -> Any:
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Linear(8, 3))
    n = _inputs(lib)
    out = model(n.x)
    if loss == "cross_entropy":
        return n.F.cross_entropy(out, lib.tensor([1, 0, 2]))
    if loss == "mse":
        return n.F.mse_loss(out, n.x[:, :3])
    return ((out.tanh() - 1) ** 2).mean()


@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "hand-written"])
def test_next_functions_chain_of_an_mlp_is_torchs(loss):
    assert _chain(_mlp_loss(minigrad, loss).grad_fn) == _chain(_mlp_loss(torch, loss).grad_fn)


def test_a_leaf_is_reached_through_its_accumulate_grad_node():
    for lib in (torch, minigrad):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        c = lib.tensor([3.0, 4.0])
        y = x * c + x
        mul, acc = (f for f, _ in y.grad_fn.next_functions)
        assert (mul.name(), acc.name()) == ("MulBackward0", "torch::autograd::AccumulateGrad"), lib
        assert mul.next_functions[1] == (None, 0)  # c needs no gradient
        assert acc.variable is x and acc.next_functions == ()
        # one node per leaf: every path to x, and every look, meets the same object
        assert mul.next_functions[0][0] is acc and y.grad_fn.next_functions[1][0] is acc
        assert repr(acc).startswith("<AccumulateGrad object at 0x")


# ----- every op of the registry, on the inputs its entry draws ----------------------------------
@pytest.mark.parametrize("op", sorted(REGISTRY))
@settings(max_examples=3)
@given(data=st.data())
def test_every_registry_op_names_its_node_as_torch(op, data):
    info = REGISTRY[op]
    sample = data.draw(info.sample(np.float64, False), label="sample")

    def top_names(lib: Any) -> list:
        tensors = [lib.tensor(a.copy(), requires_grad=a.dtype.kind == "f") for a in sample.arrays]
        out = info.call(lib, *tensors, **sample.params)
        outs = out if isinstance(out, (tuple, list)) else (out,)
        return [o.grad_fn.name() if getattr(o, "grad_fn", None) is not None else None for o in outs]

    assert top_names(minigrad) == top_names(torch)


# ----- the nodes of a gradient computed with create_graph (the last op of each backward) --------
GRADIENT_CALLS: dict[str, Callable[[types.SimpleNamespace], Any]] = {
    "relu": lambda n: n.x.relu().sum(),
    "tanh": lambda n: (n.x.tanh() ** 2).sum(),
    "sigmoid, binary_cross_entropy": lambda n: n.F.binary_cross_entropy(n.x.sigmoid(), n.t01),
    "mul": lambda n: (n.x * n.y).sum(),
    "cross_entropy": lambda n: n.F.cross_entropy(n.x, n.target),
    "pow": lambda n: (n.x ** 3).sum(),
    "mean": lambda n: n.x.mean() * n.y.sum(),
    "broadcast add (sum_to)": lambda n: ((n.x + n.v + n.y[:1]) ** 2).sum(),
    "x[0]": lambda n: (n.x[0] ** 2).sum() + (n.y[:, 1:] ** 2).sum(),
    "x[idx]": lambda n: (n.x[n.idx] ** 2).sum() + (n.y[None] ** 2).sum(),
}


@pytest.mark.parametrize("label", list(GRADIENT_CALLS))
def test_gradient_nodes_are_torchs(label):
    def names(lib: Any) -> list:
        n = _inputs(lib)
        grads = lib.autograd.grad(GRADIENT_CALLS[label](n), (n.x, n.y), create_graph=True, allow_unused=True)
        return [None if g is None or g.grad_fn is None else g.grad_fn.name() for g in grads]

    assert names(minigrad) == names(torch)
