"""Handwritten digits: a small MLP (64 -> 32 -> ReLU -> 10) trained with ``nn.CrossEntropyLoss``
and ``SGD(lr=0.1, momentum=0.9)`` on scikit-learn's bundled 8x8 digits (``load_digits``: 1797
images, no download), minibatches of 64 from a shuffling ``DataLoader``; test accuracy and the
confusion matrix of each engine.  (Seed 001 points at MNIST through torchvision; this is the same
task at a size that trains in seconds.)"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from ._common import (
    Config,
    Experiment,
    Result,
    numpy,
    plot_losses,
    plot_trajectories,
    pyplot,
    run_experiment,
    save,
)

SUMMARY = "sklearn's 8x8 digits: MLP + CrossEntropyLoss + SGD, accuracy and confusion matrix"
DEFAULT_EPOCHS = 20
DEFAULT_SEED = 0


class Digits(Experiment):
    title = "digits: MLP 64-32-10"

    def setup(self, lib: Any, seed: int) -> SimpleNamespace:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
        digits = load_digits()
        x_train, x_test, y_train, y_test = train_test_split(
            digits.data / 16.0, digits.target, test_size=0.25, random_state=0, stratify=digits.target)
        lib.manual_seed(seed)
        x_train, x_test = (lib.tensor(a, dtype=lib.float32) for a in (x_train, x_test))
        y_train, y_test = (lib.tensor(a, dtype=lib.int64) for a in (y_train, y_test))
        nn = lib.nn
        model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x_train, y_train),
                                           batch_size=64, shuffle=True)
        return SimpleNamespace(model=model, criterion=nn.CrossEntropyLoss(),
                               optimizer=lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
                               batches=loader, x_train=x_train, y_train=y_train, x_test=x_test,
                               y_test=y_test)

    def evaluate(self, lib: Any, s: SimpleNamespace) -> dict[str, Any]:
        with lib.no_grad():
            train_pred = s.model(s.x_train).argmax(dim=1)
            test_pred = s.model(s.x_test).argmax(dim=1)
        truth = numpy(s.y_test)
        confusion = np.zeros((10, 10), dtype=np.int64)
        np.add.at(confusion, (truth, numpy(test_pred)), 1)
        return {"train accuracy": (train_pred == s.y_train).float().mean().item(),
                "test accuracy": (test_pred == s.y_test).float().mean().item(),
                "_confusion": confusion}  # "_": not printed in the metrics table


def main(cfg: Config) -> Result:
    exp = Digits()
    runs, result = run_experiment(cfg, exp)
    confusions = {e: r.metrics["_confusion"] for e, r in runs.items()}
    if len(runs) == 2:
        same = np.array_equal(*confusions.values())
        print(f"confusion matrices: {'identical' if same else 'different'} in the two engines")
        result.deviations["confusion entries"] = float(np.abs(np.subtract(*confusions.values())).sum())
    if cfg.plots:
        result.plots += [plot_losses(runs, cfg.out / "loss.png", exp.title, log=True),
                         _plot_confusion(runs, cfg.out / "confusion.png"),
                         plot_trajectories(runs, cfg.out / "parameters.png", exp.title)]
    return result


def _plot_confusion(runs: dict, path):
    plt = pyplot()
    fig, axes = plt.subplots(1, len(runs), figsize=(5.5 * len(runs), 5), squeeze=False)
    for ax, (engine, run) in zip(axes[0], runs.items(), strict=True):
        m = run.metrics["_confusion"]
        ax.imshow(m, cmap="Blues")
        for (i, j), count in np.ndenumerate(m):
            if count:
                ax.text(j, i, str(count), ha="center", va="center", fontsize=8,
                        color="white" if count > m.max() / 2 else "black")
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_xlabel("predicted digit")
        ax.set_ylabel("true digit")
        ax.set_title(f"{engine}: test accuracy {run.metrics['test accuracy']:.3f}")
    fig.suptitle("digits: confusion matrix on the 450 test images")
    return save(fig, path)
