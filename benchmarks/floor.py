"""The floor: the same training steps written by hand in numpy, op by op, no autograd.

No engine that runs these steps through numpy one op at a time can beat this, so it shows how much
of an engine's time is bookkeeping.  Each ``make(data)`` returns a ``step`` like the workloads do
(its loss is a float), from the same data, so its final loss is checked against torch's too.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .workloads import CHAIN_STEPS


def _log_clamped(p: np.ndarray) -> np.ndarray:
    """BCELoss clamps its logs at -100, so a saturated sigmoid gives a finite loss."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), -100)


def _logistic(d: dict, reduction: str) -> Callable:
    w, b, lr = d["w"].copy(), d["b"].copy(), np.float32(d["lr"])
    batches, i = d["batches"], [0]

    def step() -> float:
        x, y = batches[i[0] % len(batches)]
        i[0] += 1
        p = 1 / (1 + np.exp(-(x @ w.T + b)))
        loss = -(y * _log_clamped(p) + (1 - y) * _log_clamped(1 - p)).sum()
        gz = p - y  # d(loss)/d(pre-activation) for sigmoid + BCE
        if reduction == "mean":
            loss, gz = loss / y.size, gz / np.float32(y.size)
        w[...] -= lr * (gz.T @ x)
        b[...] -= lr * gz.sum(0)
        return float(loss)
    return step


def w1(d: dict) -> Callable:
    return _logistic(d, "sum")


def w2(d: dict) -> Callable:
    return _logistic(d, "mean")


def w4(d: dict) -> Callable:
    w, b, lr = d["w"].copy(), d["b"].copy(), np.float32(d["lr"])
    (x, y), = d["batches"]
    rows = np.arange(len(y))

    def step() -> float:
        z = x @ w.T + b
        z -= z.max(1, keepdims=True)
        e = np.exp(z)
        s = e.sum(1, keepdims=True)
        loss = np.log(s[:, 0]).mean() - z[rows, y].mean()
        g = e / s  # softmax minus one-hot, over the batch size: d(mean CE)/d(logits)
        g[rows, y] -= 1
        g /= np.float32(len(y))
        w[...] -= lr * (g.T @ x)
        b[...] -= lr * g.sum(0)
        return float(loss)
    return step


def w5(d: dict) -> Callable:
    """The scalar chain: forward keeping what backward needs, then the chain rule by hand, each op
    a numpy op on 0-d float32 arrays as an engine runs them (numpy's per-call cost is the floor)."""
    x, a, c = (np.array(d[k]) for k in ("x", "a", "c"))
    one = np.array(1, np.float32)

    def step() -> float:
        inputs, sigmoids = [], []
        h = x
        for i in range(CHAIN_STEPS):
            inputs.append(h)
            h = h * a + c
            if i % 10 == 9:
                h = one / (one + np.exp(-h))
                sigmoids.append(h)
        g, ga, gc = one, np.zeros((), np.float32), np.zeros((), np.float32)
        for i in reversed(range(CHAIN_STEPS)):
            if i % 10 == 9:
                s = sigmoids.pop()
                g = g * (one - s) * s  # sigmoid' = (1 - s) s, in torch's order
            ga = ga + g * inputs[i]  # d(h * a + c)/da = h; a and c gather a term per step
            gc = gc + g
            g = g * a
        return float(ga + gc + g)  # a.grad + c.grad + x.grad, as the workload returns
    return step


FLOORS = {"W1": w1, "W2": w2, "W4": w4, "W5": w5}
