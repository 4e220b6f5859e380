"""Seed 001: logistic regression on three points -- x = 1, 2, 3 with labels 0, 0, 1 --
``sigmoid(nn.Linear(1, 1))``, ``BCELoss(reduction='sum')``, ``SGD(lr=0.01)``, 1000 epochs, the
loss curve, and the probability of class 1 at x = 4 (the post printed 0.8809 from its own,
unseeded, initial weights)."""
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
    logistic_regression,
    plot_losses,
    plot_trajectories,
    pyplot,
    run_experiment,
    save,
)

SUMMARY = "seed 001: 3 points, sigmoid(Linear(1,1)), BCELoss(sum), SGD(0.01); P(class 1 | x=4)"
DEFAULT_EPOCHS = 1000
DEFAULT_SEED = 0  # the post sets none

X_DATA = [[1.0], [2.0], [3.0]]
Y_DATA = [[0.0], [0.0], [1.0]]


class TinyLogisticRegression(Experiment):
    title = "seed 001: logistic regression on 3 points"

    def setup(self, lib: Any, seed: int) -> SimpleNamespace:
        lib.manual_seed(seed)
        model = logistic_regression(lib, 1)
        return SimpleNamespace(model=model, criterion=lib.nn.BCELoss(reduction="sum"),
                               optimizer=lib.optim.SGD(model.parameters(), lr=0.01),
                               batches=[(lib.Tensor(X_DATA), lib.Tensor(Y_DATA))])

    def evaluate(self, lib: Any, s: SimpleNamespace) -> dict[str, Any]:
        with lib.no_grad():
            prediction = s.model(lib.Tensor([[4.0]])).item()
        return {"w": s.model.linear.weight.item(), "b": s.model.linear.bias.item(),
                "P(y=1 | x=4)": prediction}


def main(cfg: Config) -> Result:
    exp = TinyLogisticRegression()
    runs, result = run_experiment(cfg, exp)
    print("(the post printed y_pred = 0.8809 at x = 4, from its own unseeded initial weights)")
    if cfg.plots:
        result.plots += [plot_losses(runs, cfg.out / "loss.png", exp.title),
                         _plot_fit(runs, cfg.out / "fit.png"),
                         plot_trajectories(runs, cfg.out / "parameters.png", exp.title)]
    return result


def _plot_fit(runs: dict, path):
    """The data and the learned probability curve sigmoid(w x + b) of each engine."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.scatter(np.ravel(X_DATA), np.ravel(Y_DATA), color="black", zorder=3, label="training points")
    xs = np.linspace(0, 6, 200)
    for engine, run in runs.items():
        p = run.trajectory[-1]
        z = p["linear.weight"].item() * xs + p["linear.bias"].item()
        ax.plot(xs, 1 / (1 + np.exp(-z)), label=f"P(y=1 | x) ({engine})", **STYLE[engine])
    draw_predictions(ax, runs, 4.0, "P(y=1 | x=4)")
    ax.axhline(0.5, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel("x")
    ax.set_ylabel("P(y = 1)")
    ax.set_title(f"seed 001: learned probability, {caption(runs)}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return save(fig, path)
