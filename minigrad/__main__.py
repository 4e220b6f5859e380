"""``python -m minigrad run PROGRAM [ARGS...]`` and ``python -m minigrad compare PROGRAM [ARGS...]``.

``run`` executes an unchanged torch program (``.py`` or ``.ipynb``) with minigrad answering every
``import torch``; ``compare`` runs it under real torch and under minigrad and prints the two
outputs side by side.  See docs/runner.md."""
from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m minigrad",
                                     description="Run torch programs on minigrad.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a torch program (.py or .ipynb) with minigrad as torch")
    run.add_argument("--seed", type=int, default=None,
                     help="seed torch, random and numpy.random with N before the program starts")
    run.add_argument("--engine", choices=["minigrad", "torch"], default="minigrad",
                     help=argparse.SUPPRESS)  # compare's reference run uses the same runner
    run.add_argument("program", help="a .py file or a .ipynb notebook")
    run.add_argument("args", nargs=argparse.REMAINDER, help="the program's own arguments")
    compare = commands.add_parser("compare", help="run a program under torch and under minigrad and "
                                  "compare their printed output")
    compare.add_argument("--seed", type=int, default=0,
                         help="seed for torch.manual_seed, random.seed, numpy.random.seed (default 0)")
    compare.add_argument("--rtol", type=float, default=1e-5,
                         help="relative tolerance for printed numbers (default 1e-5: float32 rounding)")
    compare.add_argument("--width", type=int, default=None, help="output width (default: the terminal's)")
    compare.add_argument("program", help="a .py file or a .ipynb notebook")
    compare.add_argument("args", nargs=argparse.REMAINDER, help="the program's own arguments")
    return parser


def main(argv: list[str] | None = None) -> int:
    opts = _parser().parse_args(argv)
    if opts.command == "run":
        from ._runner import run_program
        return run_program(opts.program, opts.args, engine=opts.engine, seed=opts.seed)
    from ._compare import compare
    return compare(opts.program, opts.args, seed=opts.seed, rtol=opts.rtol, width=opts.width)


if __name__ == "__main__":
    sys.exit(main())
