"""The floor: the same training steps written by hand in numpy, op by op, no autograd.

No engine that runs these steps through numpy one op at a time can beat this, so it shows how much
of an engine's time is bookkeeping.  Each ``make(data)`` returns a ``step`` like the workloads do
(its loss is a float), from the same data, so its final loss is checked against torch's too.
"""
from __future__ import annotations

from typing import Callable

import numpy as np


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


FLOORS = {"W1": w1, "W2": w2, "W4": w4}
