"""Side-by-side demos: every seed tutorial, handwritten digits, and a look inside backprop, each
run with minigrad and with torch from the same seed and compared number by number.

``python -m demos`` lists them; ``python -m demos NAME [--epochs N] [--out DIR]
[--engine both|minigrad|torch] [--seed S]`` runs one.  From Python: ``demos.run(NAME, ...)``.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from ._common import ENGINES, Config, Result, load_engine

# In the order a learner would read them.
NAMES = (
    "autograd_basics",
    "linear_regression_manual",
    "linear_regression",
    "logistic_regression_tiny",
    "logistic_regression_blobs",
    "logistic_regression_split",
    "digits",
    "inside_backprop",
)


def module(name: str) -> ModuleType:
    if name not in NAMES:
        raise SystemExit(f"unknown demo {name!r}; `python -m demos` lists them")
    return importlib.import_module(f"{__name__}.{name}")


def run(name: str, epochs: int | None = None, out: str | Path | None = None, engine: str = "both",
        seed: int | None = None, every: int | None = None) -> Result:
    """Run demo ``name``; plots go to ``out`` (default ``demo_output/NAME``)."""
    mod = module(name)
    engines = ENGINES if engine == "both" else (engine,)
    for e in engines:  # fail before any work if an engine is missing
        load_engine(e, ())
    cfg = Config(epochs=mod.DEFAULT_EPOCHS if epochs is None else epochs,
                 out=Path(out) if out is not None else Path("demo_output") / name,
                 engines=engines, seed=mod.DEFAULT_SEED if seed is None else seed, every=every)
    cfg.out.mkdir(parents=True, exist_ok=True)
    return mod.main(cfg)
