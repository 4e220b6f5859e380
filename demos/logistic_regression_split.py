"""Seed 002: logistic regression end to end -- ``train_test_split(test_size=0.33,
random_state=42)``, ``LogisticRegression(input_dim=2, output_dim=1)`` = ``sigmoid(Linear)``,
``BCELoss``, ``SGD(lr=0.01)`` on the whole training set per epoch, test accuracy, the decision
boundary on the train and on the test points, and the class of the new point (1, 1).

The post trains for 200000 epochs; 2000 are plenty here (accuracy stops changing long before).
Its text says red = 0 and blue = 1, but its code prints "RED" when the model outputs 1 and calls
(1, 1) red; the data here follows the code: the blob around (2, 2) is RED = 1.
"""
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
    legend_below,
    logistic_regression,
    numpy,
    plot_losses,
    plot_trajectories,
    pyplot,
    run_experiment,
    save,
)

SUMMARY = "seed 002: train/test split, full-batch BCE + SGD(0.01), boundaries, classify (1, 1)"
DEFAULT_EPOCHS = 2000  # the post's 200000 is absurd
DEFAULT_SEED = 42
NEW_POINT = (1.0, 1.0)


class SplitLogisticRegression(Experiment):
    title = "seed 002: logistic regression, train/test split"

    def setup(self, lib: Any, seed: int) -> SimpleNamespace:
        from sklearn.model_selection import train_test_split
        inputs, labels = blobs(seed)
        labels = 1 - labels  # RED = 1 around (2, 2), see the module docstring
        x_train, x_test, y_train, y_test = train_test_split(inputs, labels, test_size=0.33,
                                                            random_state=42)
        lib.manual_seed(seed)
        x_train, x_test = lib.Tensor(x_train), lib.Tensor(x_test)
        y_train, y_test = lib.Tensor(y_train).view(-1, 1), lib.Tensor(y_test).view(-1, 1)
        model = logistic_regression(lib, 2)
        return SimpleNamespace(model=model, criterion=lib.nn.BCELoss(),
                               optimizer=lib.optim.SGD(model.parameters(), lr=0.01),
                               batches=[(x_train, y_train)], x_test=x_test, y_test=y_test)

    def evaluate(self, lib: Any, s: SimpleNamespace) -> dict[str, Any]:
        x_train, y_train = s.batches[0]
        new_data = lib.tensor(NEW_POINT).type(lib.FloatTensor)
        with lib.no_grad():
            prediction = s.model(new_data).round()
        return {"train accuracy": accuracy(lib, s.model, x_train, y_train),
                "test accuracy": accuracy(lib, s.model, s.x_test, s.y_test),
                "class of (1, 1)": "RED" if prediction == 1.0 else "BLUE"}


def main(cfg: Config) -> Result:
    exp = SplitLogisticRegression()
    runs, result = run_experiment(cfg, exp)
    state = next(iter(runs.values())).state
    x_train, y_train = (numpy(t) for t in state.batches[0])
    if cfg.plots:
        test = (numpy(state.x_test), numpy(state.y_test))
        result.plots += [plot_losses(runs, cfg.out / "loss.png", exp.title, log=True),
                         _plot_boundaries(runs, (x_train, y_train), test, cfg.out / "decision_boundary.png"),
                         plot_trajectories(runs, cfg.out / "parameters.png", exp.title)]
    return result


def _plot_boundaries(runs: dict, train, test, path):
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.8))
    for ax, (name, (x, y)) in zip(axes, (("train", train), ("test", test)), strict=True):
        draw_decision_boundary(ax, x, y.ravel(), runs, names=("BLUE (0)", "RED (1)"))
        ax.plot(*NEW_POINT, marker="*", markersize=16, color="black", linestyle="none",
                label="new point (1, 1)")
        acc = ", ".join(f"{e} {r.metrics[f'{name} accuracy']:.3f}" for e, r in runs.items())
        ax.set_title(f"{name} set ({len(y)} points): accuracy {acc}", fontsize=10)
        legend_below(ax, ncol=3)
    verdict = ", ".join(f"{e}: {r.metrics['class of (1, 1)']}" for e, r in runs.items())
    fig.suptitle(f"seed 002: decision boundary, {caption(runs)}; (1, 1) is {verdict}")
    return save(fig, path)
