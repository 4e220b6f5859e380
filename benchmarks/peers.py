"""The other numpy autograd engines a user would pick instead of minigrad, on the same workloads.

None of them has torch's API, so each workload is written again for each peer, idiomatically
(the peer's own functions where it has them), from the same ``data()`` as the torch-API version:
the same inputs, initial weights, batch order and learning rate.  ``harness.run`` checks every
peer's final loss against torch's, as it does minigrad's.

* MyGrad: numpy-like tensors, first-order gradients only (no HVP).
* HIPS autograd: differentiates Python functions of numpy arrays (``grad(f)``), any order.
* micrograd: scalar ``Value`` nodes only, so only the scalar workloads (W1, W5).

A peer that is not installed is left out (``pip install mygrad autograd micrograd``).
"""
from __future__ import annotations

import importlib
import sys
from typing import Any, Callable

import numpy as np

from .workloads import CHAIN_STEPS

MK_CONTEXT = 3  # the makemore workload's context length: 3 characters embedded and concatenated


def _cycle(batches: list) -> Callable:
    """The next batch on each call, in the workload's order."""
    i = [0]

    def nxt() -> tuple:
        b = batches[i[0] % len(batches)]
        i[0] += 1
        return b
    return nxt


def _log_sigmoid(lib: Any, z: Any) -> Any:
    """log sigmoid(z) = -log(1 + e^-z), without forming sigmoid(z): BCELoss on a saturated sigmoid
    (p rounded to 1) has a zero gradient in torch, which guards its denominator, where
    d/dp log(1 - p) written naively gives 0 * inf = nan.  Same loss values on these data."""
    return -lib.logaddexp(0, -z)


# ----- MyGrad -----------------------------------------------------------------------------------
def _mygrad() -> dict:
    import mygrad as mg
    from mygrad.nnet.activations import sigmoid
    from mygrad.nnet.losses import softmax_crossentropy

    def sgd(params: list, lr: float) -> None:
        with mg.no_autodiff:
            for p in params:
                p -= lr * p.grad

    def logistic(reduction: str) -> Callable:
        def make(d: dict) -> Callable:
            w, b = mg.tensor(d["w"].copy()), mg.tensor(d["b"].copy())
            nxt = _cycle(d["batches"])

            def step() -> float:
                x, y = nxt()
                z = x @ w.T + b
                terms = -(y * _log_sigmoid(mg, z) + (1 - y) * _log_sigmoid(mg, -z))
                loss = terms.sum() if reduction == "sum" else terms.mean()
                loss.backward()
                sgd([w, b], d["lr"])
                return float(loss.item())
            return step
        return make

    def w3(d: dict) -> Callable:
        params = [mg.tensor(d[k].copy()) for k in ("w1", "b1", "w2", "b2")]
        momentum = [None] * 4
        nxt = _cycle(d["batches"])

        def step() -> float:
            w1, b1, w2, b2 = params
            x, y = nxt()
            logits = mg.maximum(x @ w1.T + b1, 0) @ w2.T + b2
            loss = softmax_crossentropy(logits, y)
            loss.backward()
            with mg.no_autodiff:  # torch's SGD momentum: buf = 0.9 buf + g (buf = g at first)
                for i, p in enumerate(params):
                    momentum[i] = p.grad.copy() if momentum[i] is None else 0.9 * momentum[i] + p.grad
                    p -= d["lr"] * momentum[i]
            return float(loss.item())
        return step

    def w4(d: dict) -> Callable:
        w, b = mg.tensor(d["w"].copy()), mg.tensor(d["b"].copy())
        (x, y), = d["batches"]

        def step() -> float:
            loss = softmax_crossentropy(x @ w.T + b, y)
            loss.backward()
            sgd([w, b], d["lr"])
            return float(loss.item())
        return step

    def w5(d: dict) -> Callable:
        x, a, c = (mg.tensor(np.float32(d[k])) for k in ("x", "a", "c"))

        def step() -> float:
            h = x
            for i in range(CHAIN_STEPS):
                h = h * a + c
                if i % 10 == 9:
                    h = sigmoid(h)
            h.backward()
            return float(a.grad + c.grad + x.grad)
        return step

    def mk(d: dict) -> Callable:
        params = [mg.tensor(d[k].copy()) for k in ("C", "w1", "b1", "w2", "b2")]
        nxt = _cycle(d["batches"])

        def step() -> float:
            C, w1, b1, w2, b2 = params
            X, y = nxt()
            h = mg.tanh(C[X].reshape(-1, MK_CONTEXT * C.shape[1]) @ w1.T + b1)
            loss = softmax_crossentropy(h @ w2.T + b2, y)
            loss.backward()
            sgd(params, d["lr"])
            return float(loss.item())
        return step

    return {"W1": logistic("sum"), "W2": logistic("mean"), "W3": w3, "W4": w4, "W5": w5, "MK": mk}


# ----- HIPS autograd ----------------------------------------------------------------------------
def _autograd() -> dict:
    import autograd.numpy as anp
    from autograd import grad, make_hvp

    def sigmoid(z: Any) -> Any:
        return 1 / (1 + anp.exp(-z))

    def cross_entropy(logits: Any, y: np.ndarray) -> Any:
        shifted = logits - anp.max(logits, axis=1, keepdims=True)
        log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_probs[np.arange(len(y)), y])

    def trainer(d: dict, names: tuple, loss_of: Callable, lr: float,
                momentum: float = 0.0) -> Callable:
        """SGD on ``loss_of(params, batch)``: autograd's value_and_grad of a Python function."""
        from autograd import value_and_grad
        params = [d[k].copy() for k in names]
        bufs: list = [None] * len(params)
        nxt = _cycle(d["batches"])
        vg = value_and_grad(loss_of)

        def step() -> float:
            loss, grads = vg(params, nxt())
            for i, g in enumerate(grads):
                if momentum:
                    bufs[i] = g if bufs[i] is None else momentum * bufs[i] + g
                    g = bufs[i]
                params[i] = params[i] - lr * g
            return float(loss)
        return step

    def logistic(reduction: str) -> Callable:
        def loss_of(params: list, batch: tuple) -> Any:
            (w, b), (x, y) = params, batch
            z = anp.dot(x, w.T) + b
            terms = -(y * _log_sigmoid(anp, z) + (1 - y) * _log_sigmoid(anp, -z))
            return anp.sum(terms) if reduction == "sum" else anp.mean(terms)
        return lambda d: trainer(d, ("w", "b"), loss_of, d["lr"])

    def w3_loss(params: list, batch: tuple) -> Any:
        (w1, b1, w2, b2), (x, y) = params, batch
        return cross_entropy(anp.dot(anp.maximum(anp.dot(x, w1.T) + b1, 0), w2.T) + b2, y)

    def w4_loss(params: list, batch: tuple) -> Any:
        (w, b), (x, y) = params, batch
        return cross_entropy(anp.dot(x, w.T) + b, y)

    def mk_loss(params: list, batch: tuple) -> Any:
        (C, w1, b1, w2, b2), (X, y) = params, batch
        h = anp.tanh(anp.dot(anp.reshape(C[X], (-1, MK_CONTEXT * C.shape[1])), w1.T) + b1)
        return cross_entropy(anp.dot(h, w2.T) + b2, y)

    def w5(d: dict) -> Callable:
        xac = [np.float32(d[k]) for k in ("x", "a", "c")]

        def chain(xac: list) -> Any:
            h, a, c = xac
            for i in range(CHAIN_STEPS):
                h = h * a + c
                if i % 10 == 9:
                    h = sigmoid(h)
            return h
        g = grad(chain)

        def step() -> float:
            return float(sum(g(xac)))
        return step

    def hvp(d: dict) -> Callable:
        params = [p.copy() for p in d["params"]]
        x, y, v = d["x"], d["y"], d["v"]

        def loss(params: list) -> Any:
            w1, b1, w2, b2 = params
            out = anp.dot(anp.tanh(anp.dot(x, w1.T) + b1), w2.T) + b2
            return anp.mean((out - y) ** 2)
        hvp_at = make_hvp(loss)

        def step() -> float:
            hv_of, _ = hvp_at(params)  # a function of the direction, and the gradient
            hv = hv_of(v)
            return float(sum(np.abs(h).sum() for h in hv))
        return step

    return {"W1": logistic("sum"), "W2": logistic("mean"),
            "W3": lambda d: trainer(d, ("w1", "b1", "w2", "b2"), w3_loss, d["lr"], momentum=0.9),
            "W4": lambda d: trainer(d, ("w", "b"), w4_loss, d["lr"]), "W5": w5, "HVP": hvp,
            "MK": lambda d: trainer(d, ("C", "w1", "b1", "w2", "b2"), mk_loss, d["lr"])}


# ----- micrograd --------------------------------------------------------------------------------
def _micrograd() -> dict:
    from micrograd.engine import Value

    def unary(v: Value, value: float, local_grad: float, op: str) -> Value:
        """A new node in micrograd's own style (it ships +, *, ** and relu only)."""
        out = Value(value, (v,), op)

        def _backward() -> None:
            v.grad += local_grad * out.grad
        out._backward = _backward
        return out

    def sigmoid(v: Value) -> Value:
        s = 1 / (1 + np.exp(-v.data))
        return unary(v, s, s * (1 - s), "sigmoid")

    def log(v: Value) -> Value:
        return unary(v, np.log(v.data), 1 / v.data, "log")

    def w1(d: dict) -> Callable:
        (x, y), = d["batches"]
        w, b = Value(d["w"][0, 0]), Value(d["b"][0])  # float32 scalars, as the tensors are

        def step() -> float:
            w.grad = b.grad = 0
            loss = Value(np.float32(0))
            for xi, yi in zip(x[:, 0], y[:, 0]):
                p = sigmoid(w * xi + b)
                loss = loss - (log(p) * yi + log(1 - p) * (1 - yi))
            loss.backward()
            for p in (w, b):
                p.data -= d["lr"] * p.grad
            return loss.data
        return step

    def w5(d: dict) -> Callable:
        x, a, c = (Value(np.float32(d[k])) for k in ("x", "a", "c"))

        def step() -> float:
            x.grad = a.grad = c.grad = 0
            h = x
            for i in range(CHAIN_STEPS):
                h = h * a + c
                if i % 10 == 9:
                    h = sigmoid(h)
            h.backward()
            return a.grad + c.grad + x.grad
        return step

    # micrograd's backward sorts the graph recursively: one Python frame per node in the chain
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * CHAIN_STEPS))
    return {"W1": w1, "W5": w5}


PEERS = {"mygrad": ("mygrad", _mygrad), "autograd": ("autograd", _autograd),
         "micrograd": ("micrograd", _micrograd)}


def available() -> dict:
    """``{peer: {workload: make(data) -> step}}`` for the peers that are installed."""
    out = {}
    for name, (module, build) in PEERS.items():
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        out[name] = build()
    return out
