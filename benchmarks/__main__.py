"""``python -m benchmarks``: minigrad against torch (and the other numpy engines) on the workloads.

    python -m benchmarks            full run (a few minutes), prints the table
    python -m benchmarks --peers    the same, with MyGrad, HIPS autograd and micrograd alongside
    python -m benchmarks --quick    smoke test: few steps, no memory subprocesses
    python -m benchmarks --json     the results as JSON on stdout
    python -m benchmarks --only W1,W5

For numbers worth quoting run it with OpenBLAS's CPU override unset (see README, Performance):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks
"""
from __future__ import annotations

import argparse
import os
import sys

from . import harness, peers
from .workloads import WORKLOADS


def _us(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def _time_cell(r: harness.Result, engine: str) -> str:
    if engine not in r.times_us:
        return "-"
    s = r.stats(engine)
    return f"{_us(s['median_us'])} [{_us(s['p25_us'])}-{_us(s['p75_us'])}]"


def _round_cell(r: harness.Result) -> str:
    ratios = r.round_ratios()
    return "-" if ratios is None else f"{min(ratios):.2f}-{max(ratios):.2f}"


def _mib(n: int | None) -> str:
    return "-" if n is None else f"{n / 2**20:.1f}"


def table(results: list, env: dict) -> str:
    lines = [f"minigrad vs torch — {env['date']}, {env['cpu']} ({env['cores']} cores), "
             f"python {env['python']}, numpy {env['numpy']}, torch {env['torch']}",
             f"numpy BLAS: {'; '.join(env['numpy_blas'])}; torch threads: {env['torch_threads']}"]
    if env["OPENBLAS_CORETYPE"] or env["OPENBLAS_L2_SIZE"]:
        lines.append(f"NOTE: OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']} OPENBLAS_L2_SIZE="
                     f"{env['OPENBLAS_L2_SIZE']} are set: numpy's BLAS runs a slower kernel")
    load = "/".join(f"{x:.1f}" for x in env["load_average"])
    load_after = "/".join(f"{x:.1f}" for x in env["load_average_after"])
    lines += [f"Time per step ({env['clock']} clock), µs: median [25th-75th percentile]; engines "
              f"alternated each round.  Load average before {load}, after {load_after}.",
              "ratio: of the medians; per round: lowest-highest ratio of one round's medians.",
              "",
              f"{'':5}{'minigrad':>24}{'torch':>24}{'numpy floor':>24}{'ratio':>7}{'per round':>12}"
              f"{'target':>8}  {'final loss minigrad / torch':<32}"]
    for r in results:
        ratio, target = r.ratio(), harness.TARGETS.get(r.name)
        mark = "" if ratio is None or target is None else (" ok" if ratio <= target else " MISS")
        loss = " / ".join(f"{r.losses[e]:.7g}" for e in harness.ENGINES if e in r.losses)
        lines.append(f"{r.name:5}{_time_cell(r, 'minigrad'):>24}{_time_cell(r, 'torch'):>24}"
                     f"{_time_cell(r, 'numpy'):>24}{'-' if ratio is None else f'{ratio:.2f}':>7}"
                     f"{_round_cell(r):>12}{'-' if target is None else f'≤{target}':>6}{mark:<5} {loss}")
    lines.append("")
    for r in results:
        lines.append(f"{r.name:5}{r.title}" + (f"  [minigrad skipped: {r.missing}]" if r.missing else ""))
    mem = [r for r in results if r.memory]
    if mem:
        lines += ["", "Peak memory of a training step above what was allocated before it, MiB:",
                  "  RSS = peak resident set size minus resident size before the steps, each engine "
                  "in a fresh subprocess (the same measure for both);",
                  "  tracemalloc = minigrad's traced allocations (numpy arrays + Python objects).",
                  f"{'':5}{'minigrad RSS':>14}{'torch RSS':>12}{'minigrad tracemalloc':>22}"]
        for r in mem:
            m = r.memory
            lines.append(f"{r.name:5}{_mib(m.get('minigrad_rss')):>14}{_mib(m.get('torch_rss')):>12}"
                         f"{_mib(m.get('minigrad_tracemalloc')):>22}")
    return "\n".join(lines)


def peer_table(results: list, names: list) -> str:
    """Each engine's median step time as a ratio to torch's, measured in the same run."""
    engines = ["minigrad", *names]
    lines = ["Ratio to torch of the median step time, same run (- : the engine cannot run it):",
             f"{'':5}" + "".join(f"{e:>11}" for e in engines)]
    for r in results:
        torch_med = r.stats("torch")["median_us"]
        cells = [f"{r.stats(e)['median_us'] / torch_med:.2f}" if e in r.times_us else "-"
                 for e in engines]
        lines.append(f"{r.name:5}" + "".join(f"{c:>11}" for c in cells))
    return "\n".join(lines)


def main(argv: list | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a few steps per workload (smoke test)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--only", help="comma-separated workload names, e.g. W1,W5")
    p.add_argument("--rounds", type=int, help="rounds of alternation (default 5, quick 2)")
    p.add_argument("--clock", choices=tuple(harness.CLOCKS), default="wall",
                   help="wall: elapsed time per step (default); cpu: the process's CPU time per step, "
                        "robust when other jobs share the cores")
    p.add_argument("--peers", action="store_true",
                   help="also run the other numpy autograd engines that are installed "
                        "(pip install mygrad autograd micrograd)")
    p.add_argument("--memory", choices=("auto", "yes", "no"), default="auto",
                   help="measure peak memory (auto: W4 and W5 only; never in --quick)")
    args = p.parse_args(argv)

    limiter = harness.limit_threads()  # noqa: F841  (keeps numpy's BLAS at one thread)
    env = harness.environment()
    chosen = WORKLOADS
    if args.only:
        names = {n.strip() for n in args.only.split(",")}
        chosen = [w for w in WORKLOADS if w.name in names]
    rounds = args.rounds or (2 if args.quick else 5)
    peer_steps = peers.available() if args.peers else {}
    results = []
    for w in chosen:
        steps = max(2, w.steps // 50) if args.quick else w.steps
        print(f"running {w.name} ...", file=sys.stderr, flush=True)
        r = harness.run(w, rounds, steps, warmup=1 if args.quick else 3, clock=args.clock,
                        peers=peer_steps)
        want_mem = args.memory == "yes" or (args.memory == "auto" and not args.quick
                                            and w.name in ("W4", "W5"))
        if want_mem:
            r.memory["torch_rss"] = harness.rss_peak(w.name, "torch")
            if r.missing is None:
                r.memory["minigrad_rss"] = harness.rss_peak(w.name, "minigrad")
                r.memory["minigrad_tracemalloc"] = harness.tracemalloc_peak(w)
        results.append(r)
    env["clock"] = args.clock
    env["load_average_after"] = os.getloadavg()
    text = table(results, env)
    if peer_steps:
        text += "\n\n" + peer_table(results, list(peer_steps))
    print(harness.dumps(results, env) if args.json else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
