"""Seed 003: linear regression by hand -- raw ``w``, ``b`` with ``requires_grad``, the loss
``0.5*(y - ŷ)^2`` averaged, and updates written as ``w.data.sub_(lr * w.grad)``.

The post never zeroes the gradients.  ``backward()`` *adds* into ``.grad``, so each step then
moves by the sum of every gradient so far: a heavy ball without friction that swings around the
minimum and never settles.  The post's loop still "works" because it stops the first time the
loss dips below 1.  Three runs show it:

* as posted: lr = 0.1, gradients never zeroed -- oscillates; the post's stop rule fires early;
* gradients zeroed, lr = 0.1 -- plain gradient descent now *diverges*: the curvature of the loss
  in w is mean(x^2) ≈ 34, and a step is stable only if lr * curvature < 2;
* gradients zeroed, lr = 0.01 -- converges towards the least-squares line.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from ._common import (
    STYLE,
    Config,
    Experiment,
    Result,
    caption,
    compare,
    draw_losses,
    legend_below,
    numpy,
    pyplot,
    save,
)

SUMMARY = "seed 003: raw w, b, manual w.data.sub_(lr*w.grad) -- and what never zeroing .grad does"
DEFAULT_EPOCHS = 1000
DEFAULT_SEED = 10


@dataclass(eq=False)  # eq=False keeps hashing by identity: runs are keyed by experiment
class ManualRegression(Experiment):
    """One gradient step per epoch on all 20 points, exactly as the post writes it."""
    title: str
    lr: float
    zero_grad: bool
    plot_steps: int | None = None  # how many steps the loss plot shows (None: all)
    path_steps: int | None = None  # how many steps the (w, b) path plot shows (None: all)
    submodules = ()  # tensors and autograd only

    def setup(self, lib: Any, seed: int) -> SimpleNamespace:
        lib.manual_seed(seed)
        x = lib.rand(20, 1) * 10
        y = 2 * x + (5 + lib.randn(20, 1))
        w = lib.randn((1), requires_grad=True)
        b = lib.zeros((1), requires_grad=True)
        return SimpleNamespace(x=x, y=y, w=w, b=b, first_below_1=None, step=0)

    def train_epoch(self, lib: Any, s: SimpleNamespace) -> float:
        y_pred = lib.add(lib.mul(s.w, s.x), s.b)
        loss = (0.5 * (s.y - y_pred) ** 2).mean()
        loss.backward()
        s.b.data.sub_(self.lr * s.b.grad)
        s.w.data.sub_(self.lr * s.w.grad)
        if self.zero_grad:  # what the post leaves out
            s.w.grad.zero_()
            s.b.grad.zero_()
        s.step += 1
        if s.first_below_1 is None and loss.item() < 1:  # the post's `break` condition
            s.first_below_1 = s.step
        return loss.item()

    def parameters(self, s: SimpleNamespace) -> dict[str, np.ndarray]:
        return {"w": numpy(s.w), "b": numpy(s.b)}

    def evaluate(self, lib: Any, s: SimpleNamespace) -> dict[str, Any]:
        return {"w": s.w.item(), "b": s.b.item(), "steps run": s.step,
                "post's loop stops at step": s.first_below_1 or "never"}


VARIANTS = [
    ManualRegression("as posted: lr=0.1, .grad never zeroed", lr=0.1, zero_grad=False,
                     plot_steps=120, path_steps=30),
    ManualRegression(".grad zeroed, lr=0.1 (diverges)", lr=0.1, zero_grad=True, path_steps=4),
    ManualRegression(".grad zeroed, lr=0.01", lr=0.01, zero_grad=True),
]


def main(cfg: Config) -> Result:
    result = Result()
    all_runs = {}
    for exp in VARIANTS:
        runs = compare(cfg, exp, stop_when_not_finite=True)
        all_runs[exp] = runs
        result.add(exp.title, runs)
    data = all_runs[VARIANTS[0]][cfg.engines[0]].state
    x, y = numpy(data.x).ravel(), numpy(data.y).ravel()
    w_ls, b_ls = np.polyfit(x.astype(np.float64), y.astype(np.float64), 1)
    print(f"\nleast squares (numpy, float64): w = {w_ls:.4f}, b = {b_ls:.4f}; the data was made with "
          "w = 2, b = 5 plus noise")
    if cfg.plots:
        result.plots += [_plot_losses(all_runs, cfg.out / "loss.png"),
                         _plot_fit(all_runs, x, y, (w_ls, b_ls), cfg.out / "fit.png"),
                         _plot_paths(all_runs, x, y, (w_ls, b_ls), cfg.out / "trajectory.png")]
    return result


def _plot_losses(all_runs: dict, path):
    plt = pyplot()
    fig, axes = plt.subplots(1, len(all_runs), figsize=(14, 4.6))
    for ax, (exp, runs) in zip(axes, all_runs.items(), strict=True):
        draw_losses(ax, runs, exp.title, log=True)
        stop = next(iter(runs.values())).metrics["post's loop stops at step"]
        if stop != "never":  # labelled in the legend: a text on the plot would cross the curves
            ax.axvline(stop, color="crimson", linewidth=1.2, linestyle=":",
                       label=f"the post's loop stops (step {stop})")
        if exp.plot_steps:
            ax.set_xlim(0, exp.plot_steps)
            ax.set_title(f"{exp.title}\n(first {exp.plot_steps} steps; the swinging goes on)",
                         fontsize=10)
        ax.set_xlabel("step")
        legend_below(ax)
    fig.suptitle(f"seed 003 by hand: loss per step, {caption(next(iter(all_runs.values())))}")
    return save(fig, path)


def _plot_fit(all_runs: dict, x, y, least_squares, path):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(x, y, color="black", s=18, label="data (20 points)", zorder=3)
    xs = np.array([0.0, 10.0])
    ax.plot(xs, least_squares[0] * xs + least_squares[1], color="grey", linewidth=6, alpha=0.4,
            label="least squares")
    colors = ["tab:purple", "tab:red", "tab:green"]
    for color, (exp, runs) in zip(colors, all_runs.items(), strict=True):
        for engine, run in runs.items():
            p = run.trajectory[-1]
            if np.isfinite(run.losses[-1]):  # a diverged run has no line worth drawing
                ax.plot(xs, p["w"][0] * xs + p["b"][0], label=f"{exp.title} ({engine})",
                        **{**STYLE[engine], "color": color})
    ax.set_ylim(np.min(y) - 5, np.max(y) + 5)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("final lines (the diverged run has none); "
                 f"{caption(next(iter(all_runs.values())))}", fontsize=10)
    ax.legend(fontsize=7)
    return save(fig, path)


def _plot_paths(all_runs: dict, x, y, least_squares, path):
    """The (w, b) path of each run over the contours of the loss surface."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(all_runs), figsize=(15, 5.2))
    for ax, (exp, runs) in zip(axes, all_runs.items(), strict=True):
        steps = exp.path_steps
        paths = {}
        for engine, run in runs.items():
            shown = run.trajectory if steps is None else run.trajectory[:steps + 1]
            paths[engine] = np.array([[p["w"][0], p["b"][0]] for p in shown])
        # axes that hold the whole path shown and the least-squares point, with a margin
        points = np.vstack([*paths.values(), [least_squares]])
        low, high = points.min(axis=0), points.max(axis=0)
        margin = 0.08 * (high - low) + 0.5
        low, high = low - margin, high + margin
        ws, bs = np.meshgrid(np.linspace(low[0], high[0], 200), np.linspace(low[1], high[1], 200))
        surface = 0.5 * np.mean((y[None, None, :] - ws[..., None] * x - bs[..., None]) ** 2, axis=-1)
        ax.contour(ws, bs, surface, levels=np.geomspace(surface.min() + 1e-3, surface.max(), 14),
                   colors="lightgrey", linewidths=0.8)
        for engine, wb in paths.items():
            ax.plot(*wb.T, label=engine, **STYLE[engine])
            ax.plot(*wb.T, linestyle="none", marker="o", markersize=2.5, color=STYLE[engine]["color"])
        start = next(iter(paths.values()))[0]
        ax.plot(*start, marker="o", markersize=9, color="tab:green", linestyle="none",
                label="start (both engines)")
        ax.plot(*least_squares, "k*", markersize=12, label="least squares")
        ax.set_xlim(low[0], high[0])
        ax.set_ylim(low[1], high[1])
        ax.set_xlabel("w")
        ax.set_ylabel("b")
        ax.set_title(exp.title + ("" if steps is None else f"\n(first {steps} steps)"), fontsize=10)
        legend_below(ax)
    fig.suptitle("path of (w, b) over the loss surface: "
                 f"{caption(next(iter(all_runs.values())))}")
    return save(fig, path)
