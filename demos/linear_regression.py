"""Seed 004: linear regression with ``nn.Linear(1, 1)``, ``nn.MSELoss`` and ``optim.SGD(lr=0.01)``
on the post's six points, 1000 epochs of full-batch training, then the prediction at x = 3.5."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from ._common import (
    STYLE,
    Config,
    Experiment,
    Result,
    caption,
    draw_predictions,
    plot_losses,
    plot_trajectories,
    pyplot,
    run_experiment,
    save,
)

SUMMARY = "seed 004: nn.Linear(1,1) + MSELoss + SGD(lr=0.01) on six points, predict x = 3.5"
DEFAULT_EPOCHS = 1000
DEFAULT_SEED = 0  # the post sets none

X_TRAIN = [[1.0], [2.0], [0.5], [2.5], [2.6], [3.1]]
Y_TRAIN = [[3.7], [4.6], [1.65], [5.68], [5.98], [6.95]]


class LinearRegression(Experiment):
    title = "seed 004: linear regression"

    def setup(self, lib: Any, seed: int) -> SimpleNamespace:
        lib.manual_seed(seed)
        model = lib.nn.Linear(1, 1)
        return SimpleNamespace(model=model, criterion=lib.nn.MSELoss(),
                               optimizer=lib.optim.SGD(model.parameters(), lr=0.01),
                               batches=[(lib.tensor(X_TRAIN), lib.tensor(Y_TRAIN))])

    def evaluate(self, lib: Any, s: SimpleNamespace) -> dict[str, Any]:
        with lib.no_grad():
            prediction = s.model(lib.tensor([[3.5]])).item()
        return {"w": s.model.weight.item(), "b": s.model.bias.item(), "prediction at x=3.5": prediction}


def main(cfg: Config) -> Result:
    exp = LinearRegression()
    runs, result = run_experiment(cfg, exp)
    x, y = np.array(X_TRAIN).ravel(), np.array(Y_TRAIN).ravel()
    w, b = np.polyfit(x, y, 1)
    print(f"least squares (numpy, float64): w = {w:.4f}, b = {b:.4f}, prediction at 3.5 = {w * 3.5 + b:.4f}")
    if cfg.plots:
        result.plots += [plot_losses(runs, cfg.out / "loss.png", exp.title, log=True),
                         _plot_fit(runs, x, y, (w, b), cfg.out / "fit.png"),
                         plot_trajectories(runs, cfg.out / "parameters.png", exp.title)]
    return result


def _plot_fit(runs: dict, x, y, least_squares, path):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.scatter(x, y, color="black", zorder=3, label="the six training points")
    xs = np.array([0.0, 4.0])
    ax.plot(xs, least_squares[0] * xs + least_squares[1], color="grey", linewidth=6, alpha=0.35,
            label="least squares")
    for engine, run in runs.items():
        p = run.trajectory[-1]
        ax.plot(xs, p["weight"].item() * xs + p["bias"].item(), label=f"nn.Linear ({engine})",
                **STYLE[engine])
    draw_predictions(ax, runs, 3.5, "prediction at x=3.5")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"seed 004: fitted line, {caption(runs)}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return save(fig, path)
