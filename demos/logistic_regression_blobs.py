"""Seed 000: logistic regression with ``nn.Module`` on two Gaussian blobs (numpy seed 42, 500
points around (2, 2) labelled 0 and 500 around (-2, -2) labelled 1), ``TensorDataset`` +
``DataLoader(batch_size=32, shuffle=True)``, ``sigmoid(nn.Linear(2, 1))``, ``nn.BCELoss()``,
``optim.SGD(lr=0.1)``, 100 epochs, accuracy under ``no_grad``.

The loss reported per epoch is the mean over its 32 batches (the post prints the last batch's).
Both engines shuffle identically: minigrad's DataLoader draws its permutation from the same
bit-exact generator as torch's."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ._common import (
    Config,
    Experiment,
    Result,
    accuracy,
    blobs,
    caption,
    draw_decision_boundary,
    draw_loss_difference,
    draw_losses,
    legend_below,
    logistic_regression,
    numpy,
    plot_trajectories,
    pyplot,
    run_experiment,
    save,
)

SUMMARY = "seed 000 (main demo): two blobs, DataLoader(32, shuffle), Linear(2,1)+sigmoid, BCE, SGD"
DEFAULT_EPOCHS = 100
DEFAULT_SEED = 42


class BlobsLogisticRegression(Experiment):
    title = "seed 000: logistic regression on two blobs"

    def setup(self, lib: Any, seed: int) -> SimpleNamespace:
        x, y = blobs(seed)
        lib.manual_seed(seed)
        x = lib.tensor(x, dtype=lib.float32)
        y = lib.tensor(y, dtype=lib.float32).view(-1, 1)
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, y), batch_size=32,
                                           shuffle=True)
        model = logistic_regression(lib, 2)
        return SimpleNamespace(model=model, criterion=lib.nn.BCELoss(),
                               optimizer=lib.optim.SGD(model.parameters(), lr=0.1),
                               batches=loader, x=x, y=y)

    def evaluate(self, lib: Any, s: SimpleNamespace) -> dict[str, Any]:
        return {"accuracy": accuracy(lib, s.model, s.x, s.y)}


def main(cfg: Config) -> Result:
    exp = BlobsLogisticRegression()
    runs, result = run_experiment(cfg, exp)
    state = next(iter(runs.values())).state
    x, y = numpy(state.x), numpy(state.y).ravel()
    if cfg.plots:
        result.plots += [_plot_overview(runs, x, y, cfg.out / "overview.png"),
                         plot_trajectories(runs, cfg.out / "parameters.png", exp.title)]
    return result


def _plot_overview(runs: dict, x, y, path):
    """Loss curves (and their difference) next to the decision boundary."""
    plt = pyplot()
    fig = plt.figure(figsize=(12, 5.4))
    grid = fig.add_gridspec(2, 2, height_ratios=[3, 1.3], width_ratios=[1.2, 1])
    ax_loss = fig.add_subplot(grid[0, 0] if len(runs) == 2 else grid[:, 0])
    draw_losses(ax_loss, runs, "mean batch loss per epoch", log=True)
    ax_bottom = ax_loss
    if len(runs) == 2:
        ax_bottom = fig.add_subplot(grid[1, 0], sharex=ax_loss)
        draw_loss_difference(ax_bottom, runs)
    ax_bottom.set_xlabel("epoch")
    ax = fig.add_subplot(grid[:, 1])
    draw_decision_boundary(ax, x, y, runs)
    acc = ", ".join(f"{e} {r.metrics['accuracy']:.3f}" for e, r in runs.items())
    ax.set_title(f"decision boundary (accuracy: {acc})", fontsize=10)
    legend_below(ax)
    fig.suptitle(f"seed 000: logistic regression on two blobs, {caption(runs)}")
    return save(fig, path)
