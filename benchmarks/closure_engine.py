"""``python -m benchmarks.closure_engine``: how fast could a Python engine run W5 at all?

A micrograd-style engine on the same numpy 0-d float32 arrays: each value keeps its inputs and a
closure computing their gradients, backward sorts the graph and calls the closures.  It has none
of what minigrad does for torch's semantics (dtype promotion, broadcasting, version counters,
hooks, numpy's error state, multi-output nodes, gradients that are themselves differentiable),
so it bounds from below what minigrad's design could reach on W5.  The run alternates it with
minigrad and torch (W5's own step) and checks that all three compute the same gradients.
"""
from __future__ import annotations

import importlib
import statistics
import sys
import time
from typing import Any, Callable

import numpy as np

from . import harness
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
    """Time W5 in the three engines, alternated; print and return the median ms per step."""
    w5 = next(w for w in WORKLOADS if w.name == "W5")
    d = w5.data()
    limiter = harness.limit_threads()  # noqa: F841  (one BLAS thread, as in the benchmark)
    # W5's own step, run with this module as its library
    stepper = {"closure engine": w5.make(sys.modules[__name__], d)}
    for name in ("minigrad", "torch"):
        stepper[name] = w5.make(importlib.import_module(name), d)
    times: dict = {name: [] for name in stepper}
    last = {}
    names = list(stepper)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:  # rotate who goes first
            for _ in range(steps):
                t0 = time.perf_counter_ns()
                last[name] = float(stepper[name]())
                times[name].append((time.perf_counter_ns() - t0) / 1e6)
    for name, value in last.items():
        if not np.isclose(value, last["torch"], rtol=w5.rtol):
            raise AssertionError(f"{name} computed {value!r}, torch {last['torch']!r}")
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, m in medians.items():
        print(f"{name:15s} {m:8.1f} ms  ratio to torch {m / medians['torch']:.2f}  "
              f"(a.grad + c.grad + x.grad = {last[name]:.6f})")
    return medians


if __name__ == "__main__":
    main()
