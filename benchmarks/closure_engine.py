"""``python -m benchmarks.closure_engine``: how fast could a Python engine run W5 at all?

Three bound engines, timed against minigrad and torch.  This one: a micrograd-style engine on the
same numpy 0-d float32 arrays: each value keeps its inputs and a closure computing their
gradients, backward sorts the graph and calls the closures.  It has none of what minigrad does
for torch's semantics (dtype promotion, broadcasting, version counters, hooks, numpy's error
state, multi-output nodes, gradients that are themselves differentiable), so it bounds from below
what any Python engine on numpy could reach on W5.  The other (``ctx_engine``) keeps minigrad's
``Function``/``ctx`` design and drops the same semantics: the bound for that design.  The third
(``ctx_engine_semantics``) is that design plus the per-op work torch's semantics oblige, each in
its cheapest form: the bound for any rewrite of minigrad's hot path.  The run alternates them
with minigrad, torch and the numpy floor (W5's own step in each) and checks that all compute the
same gradients.
"""
from __future__ import annotations

import sys
from typing import Any, Callable

import numpy as np

from . import ctx_engine, ctx_engine_semantics, harness
from .workloads import WORKLOADS


class Value:
    """A 0-d array, the values it was computed from, and how to send its gradient to them."""

    __slots__ = ("data", "grad", "inputs", "grad_fn")

    def __init__(self, data: Any, inputs: tuple = (), grad_fn: Callable | None = None) -> None:
        self.data = data if type(data) is np.ndarray else np.asarray(data)
        self.grad, self.inputs, self.grad_fn = None, inputs, grad_fn

    def __mul__(self, other: "Value") -> "Value":
        return Value(self.data * other.data, (self, other), lambda g: (g * other.data, g * self.data))

    def __add__(self, other: "Value") -> "Value":
        return Value(self.data + other.data, (self, other), lambda g: (g, g))

    def sigmoid(self) -> "Value":
        s = 1 / (1 + np.exp(-self.data))
        return Value(s, (self,), lambda g: (g * (1 - s) * s,))

    def backward(self) -> None:
        order, seen, stack = [], {self}, [(self, iter(self.inputs))]
        while stack:  # depth-first, iterative: a 4,200-deep chain exceeds the recursion limit
            node, inputs = stack[-1]
            for v in inputs:
                if v not in seen:
                    seen.add(v)
                    stack.append((v, iter(v.inputs)))
                    break
            else:
                stack.pop()
                order.append(node)
        grads = {self: np.ones((), self.data.dtype)}
        for node in reversed(order):
            g = grads.pop(node)
            if node.grad_fn is None:  # a leaf
                node.grad = g if node.grad is None else node.grad + g
                continue
            for v, gv in zip(node.inputs, node.grad_fn(g)):
                grads[v] = gv if v not in grads else grads[v] + gv


def tensor(value: float, requires_grad: bool = True) -> Value:
    """The two calls W5's step makes of its library: ``lib.tensor`` and ``lib.sigmoid``."""
    return Value(np.array(value, np.float32))


sigmoid = Value.sigmoid


def main(rounds: int = 5, steps: int = 6) -> dict:
    """Time W5 in the bare engines, minigrad, torch and the numpy floor, alternated as the
    benchmark does (``harness.run``, which also checks that all compute torch's gradients); print
    and return the median ms per step."""
    w5 = next(w for w in WORKLOADS if w.name == "W5")
    limiter = harness.limit_threads()  # noqa: F841  (one BLAS thread, as in the benchmark)
    res = harness.run(w5, rounds, steps, libraries={"closure engine": sys.modules[__name__],
                                                    "ctx engine": ctx_engine,
                                                    "ctx + semantics": ctx_engine_semantics})
    medians = {e: res.stats(e)["median_us"] / 1000 for e in res.times_us}
    for name, m in medians.items():
        print(f"{name:16s} {m:8.1f} ms  ratio to torch {m / medians['torch']:.2f}  "
              f"(a.grad + c.grad + x.grad = {res.losses[name]:.6f})")
    return medians


if __name__ == "__main__":
    main()
