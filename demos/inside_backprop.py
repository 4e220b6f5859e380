"""A look inside backprop: the computation graph of seed 002's logistic-regression loss for one
point, and the backward pass through it step by step, with ``minigrad.viz``.

    z = x . w + b          ŷ = sigmoid(z)          L = -(y log ŷ + (1 - y) log(1 - ŷ))

Each step prints the node, the gradient dL/d(output) it receives, its local derivative
d(output)/d(input) and the gradient it sends on (their product: the chain rule).  The walk ends in
seed 002's result dL/dz = ŷ - y (so dL/dw = (ŷ - y) x, dL/db = ŷ - y), checked against the
formula, against finite differences and against torch.

The graph is written as DOT text (``graph.dot``) and drawn as ``graph.png``: by Graphviz's ``dot``
program when it is installed, else by matplotlib (``minigrad.viz.Graph.save``).
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from ._common import STYLE, Config, Result, caption, load_engine, numpy, print_table, pyplot, save

SUMMARY = "the graph of a logistic-regression loss and backward step by step (minigrad.viz)"
DEFAULT_EPOCHS = 0  # nothing is trained
DEFAULT_SEED = 42

X_POINT, Y_LABEL = (2.0, -0.5), 1.0  # one point of class 1 (RED in seed 002)


def logistic_loss(lib: ModuleType, x: Any, y: Any, w: Any, b: Any) -> dict[str, Any]:
    """The binary cross-entropy L of one point, written out op by op; every intermediate is
    returned under the name the trace will print."""
    t = {"z": x @ w + b}
    t["ŷ"] = lib.sigmoid(t["z"])
    t["log ŷ"] = lib.log(t["ŷ"])
    t["1-ŷ"] = 1 - t["ŷ"]
    t["log(1-ŷ)"] = lib.log(t["1-ŷ"])
    t["L"] = -(y * t["log ŷ"] + (1 - y) * t["log(1-ŷ)"])
    return t


def _loss64(x: np.ndarray, y: float, w: np.ndarray, b: float) -> float:
    """The same loss in float64 numpy, for finite differences."""
    y_hat = 1 / (1 + np.exp(-(x @ w + b)))
    return float(-(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))


def _finite_differences(x, y, w, b, h: float = 1e-6) -> dict[str, float]:
    """Central differences (float64) of L in w1, w2, b -- and in z, treating z as the variable."""
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    out = {}
    for i in range(2):
        e = np.eye(2)[i] * h
        out[f"dL/dw{i + 1}"] = (_loss64(x, y, w + e, b) - _loss64(x, y, w - e, b)) / (2 * h)
    out["dL/db"] = (_loss64(x, y, w, b + h) - _loss64(x, y, w, b - h)) / (2 * h)
    out["dL/dz"] = out["dL/db"]  # z = x.w + b: moving b by h moves z by h
    return out


def main(cfg: Config) -> Result:
    from minigrad import viz
    mg = load_engine("minigrad", ("nn",))
    mg.manual_seed(cfg.seed)
    linear = mg.nn.Linear(2, 1)  # seed 002's model initialisation: the weights we trace
    w0, b0 = numpy(linear.weight).ravel(), linear.bias.item()
    x = mg.tensor(X_POINT)
    y = mg.tensor(Y_LABEL)
    w = mg.tensor(w0, requires_grad=True)
    b = mg.tensor(b0, requires_grad=True)
    names = {"w": w, "b": b, **logistic_loss(mg, x, y, w, b)}
    z, y_hat, loss = names["z"], names["ŷ"], names["L"]
    print(f"one point x = {X_POINT}, label y = {Y_LABEL:g}; w = {w0}, b = {b0:.6g} "
          f"(nn.Linear(2, 1) after manual_seed({cfg.seed}))")
    print(f"forward: z = {z.item():.6g}, ŷ = sigmoid(z) = {y_hat.item():.6g}, L = {loss.item():.6g}\n")

    trace = viz.trace_backward(loss, names=names)
    print("backward, step by step (nodes are visited so that each one has received every "
          "gradient meant for it):\n")
    print(trace)
    result = Result()
    graph = viz.graph(loss, trace=trace)
    (cfg.out / "graph.dot").write_text(graph.to_dot())
    print(f"\nthe graph as DOT text: {cfg.out / 'graph.dot'}", end="")
    if cfg.plots or viz.graphviz_available():
        result.plots.append(graph.save(cfg.out / "graph.png"))
        drawer = "Graphviz" if viz.graphviz_available() else "matplotlib (install Graphviz for its layout)"
        print(f"; drawn by {drawer}: {cfg.out / 'graph.png'}")
    else:
        print()

    loss.backward()  # the engine itself, for comparison with the trace
    y_hat_v = y_hat.item()
    rows = {
        "dL/dz": [trace.grad(z).item(), None, y_hat_v - Y_LABEL],
        "dL/dw1": [trace.grad(w)[0], w.grad[0].item(), (y_hat_v - Y_LABEL) * X_POINT[0]],
        "dL/dw2": [trace.grad(w)[1], w.grad[1].item(), (y_hat_v - Y_LABEL) * X_POINT[1]],
        "dL/db": [trace.grad(b).item(), b.grad.item(), y_hat_v - Y_LABEL],
    }
    numeric = _finite_differences(X_POINT, Y_LABEL, w0, b0)
    for key, row in rows.items():
        row.append(numeric[key])
    headers = ["gradient", "trace", "loss.backward()", "ŷ - y formula", "finite diff. (f64)"]
    if "torch" in cfg.engines:
        for key, value in _torch_gradients(w0, b0).items():
            rows[key].append(value)
        headers.append("torch")
    print("\nseed 002's derivation, checked: dL/dz = ŷ - y, dL/dw = (ŷ - y) x, dL/db = ŷ - y\n")
    print_table(headers, [[k] + ["-" if v is None else float(v) for v in row] for k, row in rows.items()])
    reference = {k: row[2] for k, row in rows.items()}
    result.deviations = {
        "formula": max(abs(v - reference[k]) for k, row in rows.items() for v in row[:2] if v is not None),
        "finite differences": max(abs(row[0] - row[3]) for row in rows.values()),
    }
    if "torch" in cfg.engines:
        result.deviations["torch"] = max(abs(row[0] - row[4]) for row in rows.values())
    if cfg.plots:
        result.plots.append(_plot_dldz(cfg, cfg.out / "dL_dz.png", z.item(), trace.grad(z).item()))
    return result


def _torch_gradients(w0: np.ndarray, b0: float) -> dict[str, float]:
    torch = load_engine("torch", ())
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    t = logistic_loss(torch, torch.tensor(X_POINT), torch.tensor(Y_LABEL), w, b)
    z = t["z"]
    z.retain_grad()
    t["L"].backward()
    return {"dL/dz": z.grad.item(), "dL/dw1": w.grad[0].item(), "dL/dw2": w.grad[1].item(),
            "dL/db": b.grad.item()}


def _plot_dldz(cfg: Config, path, z_point: float, grad_point: float):
    """dL/dz over z for both labels (a colour per label): autograd of each engine (solid minigrad,
    dashed torch) against the line ŷ - y."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    zs = np.linspace(-6, 6, 121, dtype=np.float32)
    engines = ("minigrad",) + tuple(e for e in cfg.engines if e == "torch")  # the trace is minigrad's
    for label, colour in ((0.0, "tab:purple"), (1.0, "tab:green")):
        for engine in engines:
            lib = load_engine(engine, ())
            z = lib.tensor(zs, requires_grad=True)
            y_hat = lib.sigmoid(z)
            loss = -(label * lib.log(y_hat) + (1 - label) * lib.log(1 - y_hat))
            loss.sum().backward()  # each L_i depends on z_i only: one backward gives all dL_i/dz_i
            ax.plot(zs, numpy(z.grad), label=f"autograd, y = {label:g} ({engine})",
                    **{**STYLE[engine], "color": colour})
        ax.plot(zs[::6], 1 / (1 + np.exp(-zs[::6].astype(np.float64))) - label, "k.",
                label="ŷ − y" if label == 0 else None)
    ax.plot(z_point, grad_point, marker="*", markersize=16, color="crimson", linestyle="none",
            label="the traced point")
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("z = w·x + b")
    ax.set_ylabel("dL/dz")
    ax.set_title("binary cross-entropy after a sigmoid: dL/dz = ŷ − y\n"
                 f"{caption(engines)} vs the formula (dots)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return save(fig, path)
