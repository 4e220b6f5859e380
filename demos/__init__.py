"""Side-by-side demos: every seed tutorial, handwritten digits, a makemore name generator and a
look inside backprop, each run with minigrad and with torch from the same seed and compared number
by number.

``python -m demos`` lists them; ``python -m demos NAME [--epochs N] [--out DIR]
[--engine both|minigrad|torch] [--seed S]`` runs one.  From Python: ``demos.run(NAME, ...)``.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from ._common import ENGINES, Config, Result, load_engine, matplotlib_available

# In the order a learner would read them.
NAMES = (
    "autograd_basics",
    "linear_regression_manual",
    "linear_regression",
    "logistic_regression_tiny",
    "logistic_regression_blobs",
    "logistic_regression_split",
    "digits",
    "makemore",
    "inside_backprop",
)


def module(name: str) -> ModuleType:
    if name not in NAMES:
        raise SystemExit(f"unknown demo {name!r}; `python -m demos` lists them")
    return importlib.import_module(f"{__name__}.{name}")


def check_options(name: str, epochs: int | None = None, every: int | None = None) -> None:
    """Raise ``ValueError`` saying what is wrong with the options of a run of demo ``name``."""
    mod = module(name)
    if epochs is not None:
        if mod.DEFAULT_EPOCHS == 0:
            raise ValueError(f"{name} trains nothing, so --epochs does not apply to it")
        if epochs < 1:
            raise ValueError(f"--epochs must be a positive number of epochs, got {epochs}")
    if every is not None and every < 1:
        raise ValueError(f"--every must be a positive number of epochs, got {every}")


def run(name: str, epochs: int | None = None, out: str | Path | None = None, engine: str = "both",
        seed: int | None = None, every: int | None = None) -> Result:
    """Run demo ``name``; plots go to ``out`` (default ``demo_output/NAME``).

    Without matplotlib the numbers are still printed and the plots are skipped."""
    check_options(name, epochs, every)
    mod = module(name)
    engines = ENGINES if engine == "both" else (engine,)
    for e in engines:  # fail before any work if an engine is missing
        load_engine(e, ())
    plots = matplotlib_available()
    if not plots:
        print("matplotlib is not installed: the plots are skipped (install the 'demo' extra: "
              "pip install -e .[demo])", file=sys.stderr)
    cfg = Config(epochs=mod.DEFAULT_EPOCHS if epochs is None else epochs,
                 out=Path(out) if out is not None else Path("demo_output") / name,
                 engines=engines, seed=mod.DEFAULT_SEED if seed is None else seed, every=every,
                 plots=plots)
    cfg.out.mkdir(parents=True, exist_ok=True)
    return mod.main(cfg)
