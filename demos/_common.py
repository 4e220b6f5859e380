"""What every demo shares: loading an engine, training one model with both engines side by side,
the comparison table, plots and a progress bar.

A training demo describes its model once, as an ``Experiment`` whose methods take the library
module ``lib`` (``minigrad`` or ``torch``) as a parameter; ``compare`` runs it with each engine
from the same seed and reports how far apart the two runs ended up.
"""
from __future__ import annotations

import importlib
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable

import numpy as np

ENGINES = ("minigrad", "torch")
STYLE = {"minigrad": {"color": "tab:blue", "linestyle": "-", "linewidth": 2.5},
         "torch": {"color": "tab:orange", "linestyle": "--", "linewidth": 1.5}}


@dataclass
class Config:
    """The command line of one demo run."""
    epochs: int
    out: Path
    engines: tuple[str, ...] = ENGINES
    seed: int = 0
    every: int | None = None  # table row every N epochs (default: about 10 rows)
    plots: bool = True  # False when matplotlib is not installed: numbers only


@dataclass
class Result:
    """What a demo hands back: the tests check the deviations and that the plots exist."""
    deviations: dict[str, float] = field(default_factory=dict)
    plots: list[Path] = field(default_factory=list)
    runs: dict[str, dict[str, "Run"]] = field(default_factory=dict)  # title -> engine -> run

    def add(self, title: str, runs: dict[str, "Run"]) -> None:
        """Keep the runs of one experiment and how far apart the engines ended up."""
        self.runs[title] = runs
        for key, value in deviations(runs).items():
            self.deviations[f"{key} [{title}]"] = value


TRAINING = ("nn", "nn.functional", "optim", "utils.data")  # the submodules a training demo uses


def load_engine(name: str, submodules: Iterable[str] = TRAINING) -> ModuleType:
    """The library module for ``name`` (``minigrad`` or ``torch``) with ``submodules`` imported.

    torch is imported only here, so ``--engine minigrad`` runs where torch is not installed."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")
    try:
        lib = importlib.import_module(name)
        for sub in submodules:
            importlib.import_module(f"{name}.{sub}")
    except ImportError as e:
        if name == "torch":
            raise SystemExit("torch is not installed: run with --engine minigrad, or install the "
                             "'demo' extra (pip install -e .[demo])") from e
        raise
    return lib


def numpy(t: Any) -> np.ndarray:
    """An owned numpy copy of a tensor of either engine."""
    return np.array(t.detach().numpy(), copy=True)


# ------------------------------------------------------------------------------------------------
# Training the same model with both engines
# ------------------------------------------------------------------------------------------------

class Experiment:
    """One model, written once against torch's API and run with either engine.

    ``setup(lib, seed)`` returns the state of a run; by default it has a ``model``, a
    ``criterion``, an ``optimizer`` and ``batches`` (a DataLoader, or ``[(x, y)]`` for full-batch
    training), and an epoch is the usual loop over them."""

    title: str  # names the run in the table, the progress bar and the plots
    submodules: tuple[str, ...] = TRAINING  # what of the engine it uses besides the core
    unit = "epoch"  # what one call of train_epoch is called in the table
    keep_trajectory = True  # the parameters after every epoch (else the first and last only)

    def setup(self, lib: ModuleType, seed: int) -> Any:
        raise NotImplementedError

    def train_epoch(self, lib: ModuleType, state: Any) -> float:
        """One pass over the batches: forward, loss, zero_grad, backward, step.  Returns the mean
        of the batch losses (the loss of the epoch for full-batch training)."""
        total, n = 0.0, 0
        for inputs, targets in state.batches:
            loss = state.criterion(state.model(inputs), targets)
            state.optimizer.zero_grad()
            loss.backward()
            state.optimizer.step()
            total, n = total + loss.item(), n + 1
        return total / n

    def parameters(self, state: Any) -> dict[str, np.ndarray]:
        return {name: numpy(p) for name, p in state.model.named_parameters()}

    def evaluate(self, lib: ModuleType, state: Any) -> dict[str, Any]:
        return {}


def logistic_regression(lib: ModuleType, input_dim: int) -> Any:
    """The seed tutorials' model: ``sigmoid(linear(x))``, as an ``nn.Module`` of engine ``lib``."""

    class LogisticRegression(lib.nn.Module):
        def __init__(self, input_dim: int) -> None:
            super().__init__()
            self.linear = lib.nn.Linear(input_dim, 1)

        def forward(self, x: Any) -> Any:
            return lib.sigmoid(self.linear(x))

    return LogisticRegression(input_dim)


def blobs(seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """Seed 000's data: 500 points around (2, 2) labelled 0 and 500 around (-2, -2) labelled 1,
    drawn with numpy's legacy generator seeded with ``seed``."""
    np.random.seed(seed)
    x1 = np.random.randn(500, 2) + np.array([2, 2])
    x2 = np.random.randn(500, 2) + np.array([-2, -2])
    return np.vstack([x1, x2]), np.array([0] * 500 + [1] * 500)


def accuracy(lib: ModuleType, model: Any, x: Any, y: Any) -> float:
    """Seed 000's evaluation: threshold 0.5 under no_grad, fraction predicted right."""
    with lib.no_grad():
        predicted = (model(x) > 0.5).float()
        return (predicted == y).float().mean().item()


@dataclass
class Run:
    """One engine's training run."""
    engine: str
    losses: list[float]
    trajectory: list[dict[str, np.ndarray]]  # parameters before training, then after each epoch
    metrics: dict[str, Any]
    state: Any


def compare(cfg: Config, exp: Experiment, stop_when_not_finite: bool = False) -> dict[str, Run]:
    """Train ``exp`` for ``cfg.epochs`` with each engine, print the side-by-side table, the final
    metrics and the largest parameter deviation; return the runs."""
    runs = {}
    for engine in cfg.engines:
        lib = load_engine(engine, exp.submodules)
        state = exp.setup(lib, cfg.seed)
        trajectory, losses = [exp.parameters(state)], []
        for _ in progress(range(cfg.epochs), f"{exp.title} [{engine}]"):
            losses.append(float(exp.train_epoch(lib, state)))
            if exp.keep_trajectory:
                trajectory.append(exp.parameters(state))
            if stop_when_not_finite and not math.isfinite(losses[-1]):
                break
        if not exp.keep_trajectory:
            trajectory.append(exp.parameters(state))
        metrics = exp.evaluate(lib, state)
        runs[engine] = Run(engine, losses, trajectory, metrics, state)
    print(f"\n== {exp.title} ==")
    print_loss_table(runs, cfg.every, exp.unit)
    print_metrics(runs)
    if len(runs) == 2:
        first = parameter_deviation(runs, epoch=0)
        print(f"initial parameters: {'identical' if first == 0 else f'differ by {first:.3g}'} "
              "(both engines seeded with manual_seed; no weights copied)")
        print(f"largest parameter deviation at the end: {parameter_deviation(runs):.3g} "
              "(max |minigrad - torch| / max(1, |torch|))")
    return runs


def scaled_difference(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(1, |b|) over the elements where both are finite: the absolute difference
    for values of order 1, the relative one for large values (a diverging run)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.max(np.abs(a[both] - b[both]) / np.maximum(1.0, np.abs(b[both])), initial=0.0))


def run_experiment(cfg: Config, exp: Experiment) -> tuple[dict[str, Run], Result]:
    """``compare`` one experiment and start the demo's ``Result`` with it."""
    runs = compare(cfg, exp)
    result = Result()
    result.add(exp.title, runs)
    return runs, result


def parameter_deviation(runs: dict[str, Run], epoch: int = -1) -> float:
    """Largest scaled difference between the engines' parameters after ``epoch`` (0 = initial)."""
    a, b = (runs[e].trajectory[epoch] for e in ENGINES)
    return max(scaled_difference(a[k], b[k]) for k in a)


def loss_deviation(runs: dict[str, Run]) -> float:
    """Largest scaled difference between the engines' losses over the epochs both completed."""
    a, b = (np.array(runs[e].losses) for e in ENGINES)
    n = min(len(a), len(b))
    return scaled_difference(a[:n], b[:n])


def deviations(runs: dict[str, Run]) -> dict[str, float]:
    if len(runs) < 2:
        return {}
    return {"loss": loss_deviation(runs), "parameters": parameter_deviation(runs),
            "initial parameters": parameter_deviation(runs, epoch=0)}


# ------------------------------------------------------------------------------------------------
# Text output
# ------------------------------------------------------------------------------------------------

def print_table(headers: list[str], rows: Iterable[list[Any]]) -> None:
    """A plain aligned text table (numbers right-aligned)."""
    rows = [list(r) for r in rows]
    cells = [headers] + [[fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(isinstance(r[i], (int, float, np.number)) or r[i] == "-" for r in rows)
               for i in range(len(headers))]
    for k, row in enumerate(cells):
        print("  ".join(c.rjust(w) if num else c.ljust(w)
                        for c, w, num in zip(row, widths, numeric, strict=True)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


def fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e5):
            return f"{v:.3e}"
        return f"{v:.6f}"
    return str(v)


def relative_difference(a: float, b: float) -> float:
    """|a - b| / |b|: how far ``a`` is from the reference ``b`` as a fraction of ``b`` (float32
    rounding is ~6e-8 of it), meaningful for a loss of 0.005 and of 5e+20 alike; NaN unless both
    are finite."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return float("nan")
    if a == b:
        return 0.0
    return abs(a - b) / abs(b) if b != 0 else float("inf")


def print_loss_table(runs: dict[str, Run], every: int | None = None, unit: str = "epoch") -> None:
    """epoch | loss (minigrad) | loss (torch) | |Δ|/|torch|, every N epochs and at the last one."""
    n = max(len(r.losses) for r in runs.values())
    every = every or max(1, n // 10)
    epochs = sorted({e for e in range(every, n + 1, every)} | {1, n})
    both = len(runs) == 2
    headers = [unit] + [f"loss ({e})" for e in runs] + (["|Δ|/|torch|"] if both else [])
    rows = []
    for e in epochs:
        vals = [r.losses[e - 1] if e <= len(r.losses) else float("nan") for r in runs.values()]
        if both:
            rel = relative_difference(*vals)
            vals.append("-" if math.isnan(rel) else rel)  # "-": a loss is inf or nan
        rows.append([e] + vals)
    print_table(headers, rows)


def print_metrics(runs: dict[str, Run]) -> None:
    names = [k for k in next(iter(runs.values())).metrics if not k.startswith("_")]
    if names:
        print_table(["metric"] + list(runs), [[k] + [r.metrics[k] for r in runs.values()] for k in names])


class progress:
    """A progress bar on stderr for loops that take more than a couple of seconds (drawn only on a
    terminal: redirected output stays clean)."""

    DELAY = 2.0  # seconds before the bar appears: short runs stay quiet

    def __init__(self, iterable: Iterable, label: str) -> None:
        self.items = list(iterable)
        self.label = label

    def __iter__(self):
        if not sys.stderr.isatty():
            yield from self.items
            return
        start = last = time.perf_counter()
        shown = False
        n = len(self.items)
        for i, item in enumerate(self.items):
            yield item
            now = time.perf_counter()
            if now - start > self.DELAY and (now - last > 0.2 or i + 1 == n):
                filled = (i + 1) * 30 // max(n, 1)
                sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] "
                                 f"{i + 1}/{n} {now - start:5.1f}s")
                sys.stderr.flush()
                shown, last = True, now
        if shown:
            sys.stderr.write("\n")


# ------------------------------------------------------------------------------------------------
# Plots (matplotlib, Agg: files only, never a window)
# ------------------------------------------------------------------------------------------------

def matplotlib_available() -> bool:
    """Whether matplotlib can be imported (the demos print their numbers without it)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def pyplot() -> ModuleType:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    pyplot().close(fig)
    return path


def caption(engines: Iterable[str]) -> str:
    """How the plots tell the engines apart: 'minigrad (solid) vs torch (dashed)'."""
    engines = list(engines)
    if len(engines) == 2:
        return "minigrad (solid) vs torch (dashed)"
    return f"{engines[0]} only"


def integer_ticks(ax: Any) -> None:
    """Whole numbers only on the x axis (epochs and steps have no fractions)."""
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))  # 0, 200, 400...


def legend_below(ax: Any, ncol: int = 2, fontsize: float = 8) -> None:
    """The legend under the axes, where it cannot hide a curve or a point."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=ncol, fontsize=fontsize,
              frameon=False)


def draw_losses(ax: Any, runs: dict[str, Run], title: str, log: bool = False) -> None:
    """Loss per epoch of each engine on ``ax`` (solid minigrad, dashed torch)."""
    for engine, run in runs.items():
        ax.plot(range(1, len(run.losses) + 1), run.losses, label=engine, **STYLE[engine])
    integer_ticks(ax)
    ax.set_ylabel("loss")
    if log:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()


def draw_loss_difference(ax: Any, runs: dict[str, Run]) -> None:
    """|loss(minigrad) - loss(torch)| / |loss(torch)| per epoch, log scale (a gap means exactly
    equal)."""
    a, b = (np.array(runs[e].losses) for e in ENGINES)
    n = min(len(a), len(b))
    diff = np.array([relative_difference(x, y) for x, y in zip(a[:n], b[:n], strict=True)])
    ax.plot(range(1, n + 1), np.where(diff > 0, diff, np.nan), color="tab:red", marker=".",
            markersize=3, linestyle="none")
    ax.set_yscale("log")
    ax.set_ylabel("relative Δ")
    ax.set_title("|loss(minigrad) − loss(torch)| / |loss(torch)|  (no dot: exactly equal)", fontsize=9)
    ax.grid(alpha=0.3)


def plot_losses(runs: dict[str, Run], path: Path, title: str, log: bool = False,
                unit: str = "epoch") -> Path:
    """Loss curves of both engines overlaid and, below, their difference."""
    plt = pyplot()
    both = len(runs) == 2
    fig, axes = plt.subplots(2 if both else 1, 1, figsize=(7, 5.5 if both else 3.8), squeeze=False,
                             sharex=True, gridspec_kw={"height_ratios": [3, 1.3]} if both else None)
    draw_losses(axes[0][0], runs, f"{title}\nloss: {caption(runs)}", log)
    if both:
        draw_loss_difference(axes[1][0], runs)
    axes[-1][0].set_xlabel(unit)
    return save(fig, path)


def draw_predictions(ax: Any, runs: dict[str, Run], x: float, metric: str) -> None:
    """A star per engine at (x, its ``metric``): the model's prediction for input ``x``."""
    for engine, run in runs.items():
        ax.plot(x, run.metrics[metric], marker="*", markersize=14, linestyle="none",
                color=STYLE[engine]["color"], label=f"{metric} ({engine})")


def draw_decision_boundary(ax: Any, x: np.ndarray, y: np.ndarray, runs: dict[str, Run],
                           colors: tuple[str, str] = ("tab:blue", "tab:red"),
                           names: tuple[str, str] = ("class 0", "class 1")) -> None:
    """The points coloured by label and, per engine, the line where sigmoid(w.x + b) = 0.5,
    i.e. w1 x1 + w2 x2 + b = 0, from the parameters ``linear.weight``/``linear.bias``."""
    for label, (color, name) in enumerate(zip(colors, names, strict=True)):
        ax.scatter(*x[y == label].T, s=8, color=color, alpha=0.45, label=name)
    x1 = np.array([x[:, 0].min() - 0.5, x[:, 0].max() + 0.5])
    for engine, run in runs.items():
        p = run.trajectory[-1]
        (w1, w2), b = p["linear.weight"].ravel(), p["linear.bias"].item()
        ax.plot(x1, -(w1 * x1 + b) / w2, label=f"boundary ({engine})",
                **{**STYLE[engine], "color": "black" if engine == "minigrad" else "gold"})
    ax.set_xlim(x[:, 0].min() - 0.5, x[:, 0].max() + 0.5)
    ax.set_ylim(x[:, 1].min() - 0.5, x[:, 1].max() + 0.5)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")


def plot_trajectories(runs: dict[str, Run], path: Path, title: str) -> Path:
    """Each parameter over the epochs (its elements if it has at most 4, else its norm)."""
    plt = pyplot()
    first = next(iter(runs.values())).trajectory[0]
    series = [(k, i) for k, v in first.items() for i in (range(v.size) if v.size <= 4 else [None])]
    fig, axes = plt.subplots(len(series), 1, figsize=(7, 1.8 + 1.4 * len(series)), squeeze=False,
                             sharex=True)
    for ax, (name, i) in zip(axes[:, 0], series, strict=True):
        for engine, run in runs.items():
            values = [p[name].reshape(-1)[i] if i is not None else np.linalg.norm(p[name])
                      for p in run.trajectory]
            ax.plot(range(len(values)), values, label=engine, **STYLE[engine])
        ax.set_ylabel(f"‖{name}‖" if i is None else name + (f"[{i}]" if first[name].size > 1 else ""))
        ax.grid(alpha=0.3)
    axes[0, 0].set_title(f"{title}\nparameters: {caption(runs)}", fontsize=10)
    axes[0, 0].legend()
    integer_ticks(axes[-1, 0])
    axes[-1, 0].set_xlabel("epoch (0 = initial)")
    return save(fig, path)
