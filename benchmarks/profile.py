"""``python -m benchmarks.profile W1``: where minigrad's time goes in one workload.

Runs the workload's training step in minigrad under pyinstrument (numpy's BLAS on one thread, after
a warm-up) and prints the call tree with the seconds spent in each call; the README's Performance
section quotes W1's shares.

    python -m benchmarks.profile W1 --steps 20000
"""
from __future__ import annotations

import argparse

import threadpoolctl
from pyinstrument import Profiler

import minigrad

from .workloads import WORKLOADS

WARMUP_STEPS = 500


def main(argv: list[str] | None = None) -> None:
    by_name = {w.name: w for w in WORKLOADS}
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=sorted(by_name))
    parser.add_argument("--steps", type=int, default=20_000, help="profiled steps (default 20000)")
    args = parser.parse_args(argv)
    w = by_name[args.workload]
    with threadpoolctl.threadpool_limits(1):
        step = w.make(minigrad, w.data())
        for _ in range(WARMUP_STEPS):
            step()
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.steps):
            step()
        profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
