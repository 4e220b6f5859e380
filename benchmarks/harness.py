"""Timing, memory and agreement checks for the workloads.

* Single-threaded: numpy's BLAS through threadpoolctl, torch through ``set_num_threads(1)``
  (two-thread BLAS calls on these machines stall at random).
* The engines alternate: each round runs every engine for ``steps`` steps, starting with a
  different engine each round, so drift of the machine (frequency, neighbours) hits all of them.
* Every step is timed on its own; we report the median and the interquartile range.
* Each engine runs the same number of steps from the same data, and their final losses must
  agree (a benchmark that computes something else is not a benchmark): ``run`` raises if not.
* Both engines share one process, so the objects of both libraries (torch's ~150k) sit in
  Python's heap; after setup they are frozen (``gc.freeze``) so that a full garbage collection
  during one engine's step does not walk the other library's objects.  Collections of what a
  step itself allocates still happen and are timed.
"""
from __future__ import annotations

import gc
import importlib
import json
import os
import platform
import re
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import floor
from .workloads import WORKLOADS, Workload

ENGINES = ("minigrad", "torch")
# Ratio minigrad/torch of median step times that must hold: guards against regressions while the
# API grows, not goals for micro-optimisation.  torch's own time for the tiny steps varies
# 60-150 µs between machines, so a ratio is only quoted with its run.
TARGETS = {"W1": 1.0, "W2": 1.0, "W3": 1.0, "W4": 1.0, "MK": 1.1, "W5": 2.0, "HVP": 1.8, "CNN": 2.0}


@dataclass
class Result:
    name: str
    title: str
    steps: int
    rounds: int
    times_us: dict = field(default_factory=dict)    # engine -> per-step times (µs)
    losses: dict = field(default_factory=dict)      # engine -> final loss
    memory: dict = field(default_factory=dict)      # measure -> bytes
    missing: str | None = None                      # why minigrad could not run it

    def stats(self, engine: str) -> dict:
        t = np.asarray(self.times_us[engine])
        p25, med, p75 = np.percentile(t, [25, 50, 75])
        return {"median_us": float(med), "p25_us": float(p25), "p75_us": float(p75)}

    def ratio(self) -> float | None:
        if "minigrad" not in self.times_us:
            return None
        return self.stats("minigrad")["median_us"] / self.stats("torch")["median_us"]

    def round_ratios(self) -> list | None:
        """The ratio of the two engines' median step times in each round.  Both engines of a round
        ran within seconds of each other, so a slow spell of the machine moves both: how far
        these spread tells whether the overall ratio's distance from a target is more than noise."""
        if "minigrad" not in self.times_us:
            return None
        per_round = {e: np.reshape(self.times_us[e], (self.rounds, self.steps)) for e in ENGINES}
        return [float(m / t) for m, t in zip(np.median(per_round["minigrad"], axis=1),
                                             np.median(per_round["torch"], axis=1))]

    def as_dict(self) -> dict:
        ratio, target = self.ratio(), TARGETS.get(self.name)
        return {"name": self.name, "title": self.title, "steps_per_round": self.steps,
                "rounds": self.rounds, "missing": self.missing,
                "time": {e: self.stats(e) for e in self.times_us},
                "ratio_minigrad_torch": ratio, "ratio_per_round": self.round_ratios(),
                "target_ratio": target,
                "target_met": None if ratio is None or target is None else ratio <= target,
                "final_loss": self.losses, "peak_memory_bytes": self.memory}


def limit_threads() -> Any:
    """One thread everywhere; returns the threadpoolctl limiter (keep it alive)."""
    import torch
    from threadpoolctl import threadpool_limits
    torch.set_num_threads(1)
    return threadpool_limits(1)


def environment() -> dict:
    """What the numbers were measured on, including which BLAS kernel numpy runs."""
    import torch
    from threadpoolctl import threadpool_info
    blas = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} "
            f"threads={i.get('num_threads')}" for i in threadpool_info() if i.get("user_api") == "blas"]
    cpu = "unknown"
    if os.path.exists("/proc/cpuinfo"):
        m = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
        cpu = m.group(1) if m else cpu
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpu": cpu,
            "load_average": os.getloadavg(),
            "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "torch": torch.__version__, "numpy_blas": blas,
            "torch_threads": torch.get_num_threads(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}


def _engine(name: str) -> Any:
    return importlib.import_module(name)


def missing_modules(w: Workload) -> str | None:
    """The minigrad subpackages this workload needs that are not there (yet)."""
    for mod in w.modules:
        try:
            importlib.import_module("minigrad." + mod)
        except ImportError:
            return f"minigrad.{mod} is not available"
    return None


def _value(loss: Any) -> float:
    return loss if isinstance(loss, float) else float(loss.item())


CLOCKS = {
    # elapsed time: what a user waits for, but on a loaded machine it includes time spent waiting
    # for a core, which lands on whichever engine happened to be running
    "wall": time.perf_counter_ns,
    # CPU time of this process (all its threads): unaffected by waiting for a core
    "cpu": time.process_time_ns,
}


def _time_steps(step: Callable, n: int, out: list, clock: Callable = time.perf_counter_ns) -> Any:
    loss = None
    for _ in range(n):
        t0 = clock()
        loss = step()
        out.append((clock() - t0) / 1000)
    return loss


def run(w: Workload, rounds: int, steps: int, warmup: int = 3, clock: str = "wall",
        peers: dict | None = None) -> Result:
    """Time ``w`` in both engines (and the numpy floor, if it has one), alternating.
    ``peers`` adds engines: ``{name: {workload name: make(data) -> step}}`` (``peers.available()``);
    a peer without this workload is left out of it."""
    res = Result(w.name, w.title, steps, rounds)
    res.missing = missing_modules(w)
    d = w.data()
    stepper = {"torch": w.make(_engine("torch"), d)}
    if res.missing is None:
        stepper["minigrad"] = w.make(_engine("minigrad"), d)
    if w.name in floor.FLOORS:
        stepper["numpy"] = floor.FLOORS[w.name](d)
    for name, makers in (peers or {}).items():
        if w.name in makers:
            stepper[name] = makers[w.name](d)
    names = list(stepper)
    last = {}
    for e in names:
        res.times_us[e] = []
        for _ in range(warmup):
            last[e] = stepper[e]()
    gc.collect()
    gc.freeze()
    try:
        for r in range(rounds):
            for e in names[r % len(names):] + names[:r % len(names)]:  # rotate who goes first
                gc.collect()
                last[e] = _time_steps(stepper[e], steps, res.times_us[e], CLOCKS[clock])
    finally:
        gc.unfreeze()
    res.losses = {e: _value(v) for e, v in last.items()}
    for e in res.losses:
        if e != "torch" and not np.isclose(res.losses[e], res.losses["torch"], rtol=w.rtol, atol=1e-6):
            raise AssertionError(f"{w.name}: {e} computed a different loss than torch after the same "
                                 f"steps: {res.losses[e]!r} vs {res.losses['torch']!r}")
    return res


# ----- memory -------------------------------------------------------------------------------
def tracemalloc_peak(w: Workload, steps: int = 2) -> int:
    """Peak bytes allocated (numpy arrays and Python objects) during minigrad's steps, above what
    was allocated before them.  Only sees allocations reported to tracemalloc: numpy's are, torch's
    are not, so this is used for minigrad only."""
    d = w.data()
    step = w.make(_engine("minigrad"), d)
    step()  # warm
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(steps):
            step()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def _rss_kib() -> dict:
    status = open("/proc/self/status").read()
    return {k: int(re.search(k + r":\s+(\d+)", status).group(1)) for k in ("VmRSS", "VmHWM")}


def rss_peak_child(name: str, engine: str, steps: int) -> int:
    """In this (fresh) process: peak resident memory during ``steps`` steps minus the resident
    memory just before them, data and model already built.  The same measure for both engines."""
    w = next(x for x in WORKLOADS if x.name == name)
    limiter = limit_threads()  # noqa: F841
    step = w.make(_engine(engine), w.data())
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current resident size
    base = _rss_kib()["VmRSS"]
    for _ in range(steps):
        step()
    return (_rss_kib()["VmHWM"] - base) * 1024


def rss_peak(name: str, engine: str, steps: int = 2) -> int | None:
    """``rss_peak_child`` in a subprocess, so neither engine sees the other's memory."""
    if not os.path.exists("/proc/self/clear_refs"):
        return None
    code = f"from benchmarks.harness import rss_peak_child as f; print(f({name!r}, {engine!r}, {steps}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return int(out.stdout.strip().splitlines()[-1])


def dumps(results: list, env: dict) -> str:
    return json.dumps({"environment": env, "results": [r.as_dict() for r in results]}, indent=2)
