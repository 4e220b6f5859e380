"""Autograd on a few scalar functions: seed 004's ``f = x*y*z`` at (2, 3, 4), whose gradients are
(yz, xz, xy) = (12, 8, 6), and chain-rule examples -- each gradient computed by both engines and
printed next to the value derived by hand.  The plot shows three functions with the derivative
autograd computes for a whole grid of points at once, against the hand-derived derivative."""
from __future__ import annotations

import math
from types import ModuleType
from typing import Callable

import numpy as np

from ._common import STYLE, Config, Result, caption, load_engine, numpy, print_table, pyplot, save

SUMMARY = "seed 004's f = x*y*z and chain-rule examples: gradients of both engines vs by hand"
DEFAULT_EPOCHS = 0  # nothing is trained
DEFAULT_SEED = 0


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# (formula, point, f(lib, **leaves) -> scalar tensor, {variable: hand-derived derivative at point})
EXAMPLES: list[tuple[str, dict[str, float], Callable, dict[str, float]]] = [
    ("f = x*y*z", dict(x=2.0, y=3.0, z=4.0),
     lambda lib, x, y, z: x * y * z,
     dict(x=3.0 * 4.0, y=2.0 * 4.0, z=2.0 * 3.0)),
    ("g = sin(x^2)", dict(x=1.5),
     lambda lib, x: lib.sin(x ** 2),
     dict(x=2 * 1.5 * math.cos(1.5 ** 2))),                           # cos(x^2) * 2x
    ("h = sigmoid(w*x + b)", dict(w=0.5, x=2.0, b=-1.0),
     lambda lib, w, x, b: lib.sigmoid(w * x + b),                     # s' = s (1 - s), z = 0 here
     dict(w=_sigmoid(0.0) * (1 - _sigmoid(0.0)) * 2.0, x=_sigmoid(0.0) * (1 - _sigmoid(0.0)) * 0.5,
          b=_sigmoid(0.0) * (1 - _sigmoid(0.0)))),
    ("u = x*x + 3*x  (x used three times)", dict(x=-1.25),
     lambda lib, x: x * x + 3 * x,
     dict(x=2 * -1.25 + 3)),                                          # gradients of all paths add up
    ("v = exp(-x) * log(1 + x^2)", dict(x=0.7),
     lambda lib, x: lib.exp(-x) * lib.log(1 + x ** 2),                # product rule
     dict(x=-math.exp(-0.7) * math.log(1 + 0.49) + math.exp(-0.7) * 2 * 0.7 / (1 + 0.49))),
    ("L = (y - (w*x + b))^2 / 2", dict(w=1.5, b=0.5, x=2.0, y=5.0),
     lambda lib, w, b, x, y: (y - (w * x + b)) ** 2 / 2,              # residual r = y - yhat = 1.5
     dict(w=-1.5 * 2.0, b=-1.5, x=-1.5 * 1.5, y=1.5)),
    ("d/dx [d(x^3)/dx]  (second order)", dict(x=2.0),
     lambda lib, x: lib.autograd.grad(x ** 3, x, create_graph=True)[0],
     dict(x=6 * 2.0)),                                                # (3x^2)' = 6x
]

# (name, f, hand-derived f') for the plot
CURVES = [
    ("sigmoid(x)", lambda lib, x: lib.sigmoid(x), lambda x: _np_sigmoid(x) * (1 - _np_sigmoid(x))),
    ("tanh(x)", lambda lib, x: lib.tanh(x), lambda x: 1 - np.tanh(x) ** 2),
    ("sin(x^2)", lambda lib, x: lib.sin(x ** 2), lambda x: 2 * x * np.cos(x ** 2)),
]


def _np_sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def gradients(lib: ModuleType, fn: Callable, point: dict[str, float]) -> dict[str, float]:
    """d fn / d(each variable) at ``point``, by ``backward()`` on float32 scalar leaves."""
    leaves = {k: lib.tensor(v, requires_grad=True) for k, v in point.items()}
    fn(lib, **leaves).backward()
    return {k: leaf.grad.item() for k, leaf in leaves.items()}


def curve_gradient(lib: ModuleType, fn: Callable, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) on a grid: one backward of sum(f(x)) gives every f'(x_i) at once, because
    each f(x_i) depends on x_i alone."""
    xt = lib.tensor(x, requires_grad=True)
    y = fn(lib, xt)
    y.sum().backward()
    return numpy(y), numpy(xt.grad)


def main(cfg: Config) -> Result:
    libs = {e: load_engine(e, ("autograd",)) for e in cfg.engines}
    result = Result(deviations={"hand": 0.0})
    rows = []
    for formula, point, fn, hand in EXAMPLES:
        grads = {e: gradients(lib, fn, point) for e, lib in libs.items()}
        at = ", ".join(f"{k}={v:g}" for k, v in point.items())
        for var, expected in hand.items():
            got = [grads[e][var] for e in libs]
            rows.append([formula, at, f"d/d{var}"] + got + [expected])
            formula = at = ""  # print them on the first row of each example only
            # float32 leaves: a few roundings of relative size 2^-24 each
            result.deviations["hand"] = max(result.deviations["hand"],
                                            max(abs(g - expected) / max(1.0, abs(expected)) for g in got))
            if len(got) == 2:
                result.deviations["engines"] = max(result.deviations.get("engines", 0.0),
                                                   abs(got[0] - got[1]))
    print("== autograd_basics: gradients from each engine next to the hand-derived value ==")
    print_table(["function", "at", "grad"] + [f"{e}" for e in libs] + ["by hand"], rows)
    print(f"largest |engine - hand| (relative): {result.deviations['hand']:.3g}")
    if "engines" in result.deviations:
        print(f"largest |minigrad - torch|: {result.deviations['engines']:.3g}")
    if cfg.plots:
        result.plots.append(_plot_curves(libs, cfg.out / "derivatives.png", result))
    return result


def _plot_curves(libs: dict, path, result: Result):
    plt = pyplot()
    x = np.linspace(-3, 3, 241, dtype=np.float32)
    fig, axes = plt.subplots(1, len(CURVES), figsize=(12, 3.8))
    for ax, (name, fn, hand) in zip(axes, CURVES, strict=True):
        derivs = {}
        for engine, lib in libs.items():
            y, dy = curve_gradient(lib, fn, x)
            derivs[engine] = dy
            ax.plot(x, y, label=f"f ({engine})", alpha=0.5, **{**STYLE[engine], "color": "grey"})
            ax.plot(x, dy, label=f"f' autograd ({engine})", **STYLE[engine])
        ax.plot(x[::12], hand(x[::12].astype(np.float64)), "k.", label="f' by hand")
        if len(derivs) == 2:
            result.deviations["curves"] = max(result.deviations.get("curves", 0.0),
                                              float(np.max(np.abs(derivs["minigrad"] - derivs["torch"]))))
        ax.set_title(f"{name} and its derivative")
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"autograd derivatives: {caption(libs)} vs by hand (dots)")
    return save(fig, path)
