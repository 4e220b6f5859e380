"""The benchmark workloads, written once against torch's API.

Each workload is a function ``make(lib, data)`` taking the library module (``torch`` or
``minigrad``) and the numpy data from ``data()`` (the same arrays for both engines, so both start
from identical inputs and weights).  It returns ``step``, a callable that runs one timed step and
returns the step's loss as a Tensor; the harness times ``step()`` and compares the losses.
Nothing here knows which engine it runs on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    data: Callable[[], dict]            # the numpy inputs and initial weights
    make: Callable[[Any, dict], Callable[[], Any]]
    steps: int                          # timed steps per round (per engine)
    rtol: float                         # how closely the two engines' final losses must agree
    modules: tuple = ("nn", "optim")    # minigrad subpackages the workload needs


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _linear_weights(rng: np.random.Generator, n_in: int, n_out: int) -> tuple:
    """torch's default init range for Linear, drawn with numpy so both engines get the same."""
    bound = 1 / np.sqrt(n_in)
    w = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
    b = rng.uniform(-bound, bound, (n_out,)).astype(np.float32)
    return w, b


def _linear(lib: Any, w: np.ndarray, b: np.ndarray) -> Any:
    """An ``nn.Linear`` holding exactly these weights."""
    layer = lib.nn.Linear(w.shape[1], w.shape[0])
    with lib.no_grad():
        layer.weight.copy_(lib.from_numpy(w.copy()))
        layer.bias.copy_(lib.from_numpy(b.copy()))
    return layer


def _training_step(lib: Any, model: Any, loss_fn: Any, opt: Any, batches: list) -> Callable:
    """One SGD step per call, cycling through ``batches``: zero_grad, forward, backward, step."""
    tensors = [(lib.from_numpy(x), lib.from_numpy(y)) for x, y in batches]
    i = [0]

    def step() -> Any:
        x, y = tensors[i[0] % len(tensors)]
        i[0] += 1
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


# ----- W1: the seed tutorial's logistic regression on three points ---------------------------
def _w1_data() -> dict:
    rng = _rng(1)
    w, b = _linear_weights(rng, 1, 1)
    x = np.array([[1.0], [2.0], [3.0]], dtype=np.float32)
    y = np.array([[0.0], [0.0], [1.0]], dtype=np.float32)
    return {"w": w, "b": b, "batches": [(x, y)], "lr": 0.01}


def _sigmoid_model(lib: Any, layer: Any) -> Callable:
    return lambda x: lib.sigmoid(layer(x))


def _w1_make(lib: Any, d: dict) -> Callable:
    layer = _linear(lib, d["w"], d["b"])
    opt = lib.optim.SGD(layer.parameters(), lr=d["lr"])
    return _training_step(lib, _sigmoid_model(lib, layer), lib.nn.BCELoss(reduction="sum"), opt,
                          d["batches"])


# ----- W2: logistic regression, 2 features, batch 32 ------------------------------------------
def _w2_data() -> dict:
    rng = _rng(2)
    w, b = _linear_weights(rng, 2, 1)
    batches = []
    for _ in range(8):
        x = rng.normal(0, 1, (32, 2)).astype(np.float32)
        y = (x[:, :1] + 0.5 * x[:, 1:] > 0).astype(np.float32)
        batches.append((x, y))
    return {"w": w, "b": b, "batches": batches, "lr": 0.1}


def _w2_make(lib: Any, d: dict) -> Callable:
    layer = _linear(lib, d["w"], d["b"])
    opt = lib.optim.SGD(layer.parameters(), lr=d["lr"])
    return _training_step(lib, _sigmoid_model(lib, layer), lib.nn.BCELoss(), opt, d["batches"])


# ----- W3: a small MLP classifier, SGD with momentum ------------------------------------------
def _w3_data() -> dict:
    rng = _rng(3)
    w1, b1 = _linear_weights(rng, 64, 128)
    w2, b2 = _linear_weights(rng, 128, 10)
    batches = [(rng.normal(0, 1, (64, 64)).astype(np.float32), rng.integers(0, 10, 64))
               for _ in range(8)]
    return {"w1": w1, "b1": b1, "w2": w2, "b2": b2, "batches": batches, "lr": 0.05}


def _w3_make(lib: Any, d: dict) -> Callable:
    l1, l2 = _linear(lib, d["w1"], d["b1"]), _linear(lib, d["w2"], d["b2"])
    params = list(l1.parameters()) + list(l2.parameters())
    opt = lib.optim.SGD(params, lr=d["lr"], momentum=0.9)
    return _training_step(lib, lambda x: l2(lib.relu(l1(x))), lib.nn.CrossEntropyLoss(), opt,
                          d["batches"])


# ----- W4: softmax regression on MNIST-sized inputs, one big batch ----------------------------
def _w4_data() -> dict:
    rng = _rng(4)
    w, b = _linear_weights(rng, 784, 10)
    x = rng.random((16384, 784), dtype=np.float32)
    y = rng.integers(0, 10, 16384)
    return {"w": w, "b": b, "batches": [(x, y)], "lr": 0.1}


def _w4_make(lib: Any, d: dict) -> Callable:
    layer = _linear(lib, d["w"], d["b"])
    opt = lib.optim.SGD(layer.parameters(), lr=d["lr"])
    return _training_step(lib, layer, lib.nn.CrossEntropyLoss(), opt, d["batches"])


# ----- MK: a makemore-style character MLP: embedding lookup, tanh hidden layer, cross-entropy ----
def _mk_data() -> dict:
    rng = _rng(8)
    table = rng.normal(0, 1, (27, 10)).astype(np.float32)  # 27 characters, 10-d embeddings
    w1, b1 = _linear_weights(rng, 30, 200)
    w2, b2 = _linear_weights(rng, 200, 27)
    batches = [(rng.integers(0, 27, (32, 3)), rng.integers(0, 27, 32)) for _ in range(8)]
    return {"C": table, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "batches": batches, "lr": 0.1}


def _mk_make(lib: Any, d: dict) -> Callable:
    C = lib.from_numpy(d["C"].copy()).requires_grad_()
    l1, l2 = _linear(lib, d["w1"], d["b1"]), _linear(lib, d["w2"], d["b2"])
    opt = lib.optim.SGD([C, *l1.parameters(), *l2.parameters()], lr=d["lr"])
    # C[X]: each of the 3 context characters' embedding, concatenated into a 30-vector
    model = lambda X: l2(lib.tanh(l1(C[X].view(-1, 30))))  # noqa: E731
    return _training_step(lib, model, lib.nn.CrossEntropyLoss(), opt, d["batches"])


# ----- W5: a long chain of scalar ops: pure per-node overhead, forward and backward -----------
CHAIN_STEPS = 2000  # each step is a mul and an add, every 10th also a sigmoid: 4,200 nodes


def _w5_data() -> dict:
    return {"x": np.float32(0.5), "a": np.float32(0.9), "c": np.float32(0.1)}


def _w5_make(lib: Any, d: dict) -> Callable:
    x = lib.tensor(float(d["x"]), requires_grad=True)
    a = lib.tensor(float(d["a"]), requires_grad=True)
    c = lib.tensor(float(d["c"]), requires_grad=True)

    def step() -> Any:
        x.grad = a.grad = c.grad = None
        h = x
        for i in range(CHAIN_STEPS):
            h = h * a + c
            if i % 10 == 9:
                h = lib.sigmoid(h)
        h.backward()
        return a.grad + c.grad + x.grad  # every gradient enters the compared number
    return step


# ----- Second order: a Hessian-vector product of a small MLP's loss ---------------------------
def _hvp_data() -> dict:
    rng = _rng(6)
    w1, b1 = _linear_weights(rng, 8, 16)
    w2, b2 = _linear_weights(rng, 16, 1)
    x = rng.normal(0, 1, (32, 8)).astype(np.float32)
    y = rng.normal(0, 1, (32, 1)).astype(np.float32)
    v = [rng.normal(0, 1, p.shape).astype(np.float32) for p in (w1, b1, w2, b2)]
    return {"params": (w1, b1, w2, b2), "x": x, "y": y, "v": v}


def _hvp_make(lib: Any, d: dict) -> Callable:
    params = [lib.from_numpy(p.copy()).requires_grad_() for p in d["params"]]
    x, y = lib.from_numpy(d["x"]), lib.from_numpy(d["y"])
    v = [lib.from_numpy(t) for t in d["v"]]

    def step() -> Any:
        w1, b1, w2, b2 = params
        out = lib.tanh(x @ w1.t() + b1) @ w2.t() + b2
        loss = ((out - y) ** 2).mean()
        grads = lib.autograd.grad(loss, params, create_graph=True)
        gv = sum((g * t).sum() for g, t in zip(grads, v, strict=True))
        hv = lib.autograd.grad(gv, params)
        return sum(h.abs().sum() for h in hv)  # the whole Hv enters the compared number
    return step


# ----- A DataLoader epoch: batching overhead, no model -----------------------------------------
def _loader_data() -> dict:
    rng = _rng(7)
    return {"x": rng.normal(0, 1, (4096, 16)).astype(np.float32), "y": rng.integers(0, 10, 4096)}


def _loader_make(lib: Any, d: dict) -> Callable:
    from importlib import import_module
    data = import_module(lib.__name__ + ".utils.data")
    ds = data.TensorDataset(lib.from_numpy(d["x"]), lib.from_numpy(d["y"]))
    loader = data.DataLoader(ds, batch_size=64, shuffle=False)

    def step() -> Any:
        # A checksum that depends on the order of the batches and of the samples in them.
        total = lib.zeros(())
        for k, (xb, yb) in enumerate(loader):
            total = total + (k + 1) * (xb.sum() + yb.float().mean())
        return total
    return step


# ----- CNN: a small convolutional net on MNIST-sized images -----------------------------------
def _cnn_data() -> dict:
    rng = _rng(8)
    convs = []
    for c_in, c_out in ((1, 16), (16, 32)):
        bound = 1 / np.sqrt(c_in * 9)  # torch's default init range for a 3x3 Conv2d
        convs.append((rng.uniform(-bound, bound, (c_out, c_in, 3, 3)).astype(np.float32),
                      rng.uniform(-bound, bound, (c_out,)).astype(np.float32)))
    w, b = _linear_weights(rng, 32 * 5 * 5, 10)
    batches = [(rng.random((64, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 64)) for _ in range(4)]
    return {"convs": convs, "w": w, "b": b, "batches": batches, "lr": 0.05}


def _cnn_make(lib: Any, d: dict) -> Callable:
    nn = lib.nn
    convs = []
    for w, b in d["convs"]:
        conv = nn.Conv2d(w.shape[1], w.shape[0], 3)
        with lib.no_grad():
            conv.weight.copy_(lib.from_numpy(w.copy()))
            conv.bias.copy_(lib.from_numpy(b.copy()))
        convs.append(conv)
    model = nn.Sequential(convs[0], nn.ReLU(), nn.MaxPool2d(2), convs[1], nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), _linear(lib, d["w"], d["b"]))
    opt = lib.optim.SGD(model.parameters(), lr=d["lr"])
    return _training_step(lib, model, nn.CrossEntropyLoss(), opt, d["batches"])


WORKLOADS = [
    Workload("W1", "Linear(1,1)+sigmoid+BCELoss(sum), 3 samples, SGD", _w1_data, _w1_make, 2000,
             1e-5),
    Workload("W2", "Linear(2,1)+sigmoid+BCELoss, batch 32, SGD", _w2_data, _w2_make, 2000, 1e-5),
    Workload("W3", "Linear(64,128)-ReLU-Linear(128,10)+CE, batch 64, SGD momentum", _w3_data,
             _w3_make, 1000, 1e-4),
    Workload("W4", "Linear(784,10)+CrossEntropy, batch 16384, SGD", _w4_data, _w4_make, 8, 1e-4),
    Workload("MK", "makemore MLP: C[X] 27x10, context 3, Linear(30,200)-tanh-Linear(200,27)+CE, "
             "batch 32, SGD", _mk_data, _mk_make, 500, 1e-4),
    Workload("W5", "4,200-node scalar chain (mul/add, sigmoid every 10th), fwd+bwd", _w5_data,
             _w5_make, 10, 1e-5, modules=()),
    Workload("HVP", "Hessian-vector product, MLP 8-16-1 (grad create_graph=True)", _hvp_data,
             _hvp_make, 500, 1e-4, modules=()),
    Workload("DL", "DataLoader epoch, 4096x16 in batches of 64", _loader_data, _loader_make, 50,
             1e-5, modules=("utils.data",)),
    Workload("CNN", "Conv2d(1,16,3)-ReLU-MaxPool2d(2)-Conv2d(16,32,3)-ReLU-MaxPool2d(2)-Linear(800,10)+CE, "
             "batch 64 of 28x28, SGD", _cnn_data, _cnn_make, 50, 1e-4),
]
