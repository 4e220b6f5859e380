"""``python -m demos`` lists the demos; ``python -m demos NAME [options]`` runs one."""
from __future__ import annotations

import argparse
import sys
import time

from . import NAMES, check_options, module, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demos", description=__doc__)
    parser.add_argument("name", nargs="?", help="the demo to run (omit to list them)")
    parser.add_argument("--epochs", type=int,
                        help="training epochs, steps for makemore (default: the tutorial's)")
    parser.add_argument("--out", help="folder for the plots (default: demo_output/NAME)")
    parser.add_argument("--engine", choices=("both", "minigrad", "torch"), default="both",
                        help="run with both engines side by side (default) or with one")
    parser.add_argument("--seed", type=int, help="random seed (default: the tutorial's)")
    parser.add_argument("--every", type=int, help="a table row every N epochs")
    args = parser.parse_args(argv)
    if args.name is None:
        print("Demos (python -m demos NAME [--epochs N] [--out DIR] [--engine both|minigrad|torch] "
              "[--seed S] [--every K]):\n")
        width = max(map(len, NAMES))
        for name in NAMES:
            print(f"  {name.ljust(width)}  {module(name).SUMMARY}")
        return 0
    try:
        check_options(args.name, args.epochs, args.every)
    except ValueError as e:
        parser.error(str(e))
    start = time.perf_counter()
    result = run(args.name, args.epochs, args.out, args.engine, args.seed, args.every)
    if result.plots:
        print(f"\nplots: {', '.join(str(p) for p in result.plots)}")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
