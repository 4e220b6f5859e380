"""``python -m minigrad compare PROGRAM [ARGS...]``: one program, run under real torch and under
minigrad (separate processes, same seeds), printed side by side with the numbers compared.

Two lines agree when their text is the same once every number is blanked out, and each pair of
numbers agrees: within ``rtol`` relative difference, widened by the rounding of fixed-point text
with 4 or more decimals, as torch prints tensors (``0.6931`` stands for anything in
[0.69305, 0.69315), so ``0.6931`` and ``0.6932`` can both be printed from values that agree to
1e-6).  Shorter decimals (``1.5``: Python prints a float's shortest exact form) and integers get
no such allowance.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from typing import Sequence

__all__ = ["compare", "compare_lines", "line_agreement"]

# A decimal number, not part of a word ("x1", "float32") or of a dotted name ("2.13.0" gives one
# number, 2.13); a full stop after it ends a sentence and is not part of it.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w)")
# An object's address in its repr (``<AddBackward0 object at 0x7f...>``): different in every process,
# so it is left out of the comparison.
ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+\b")


def _decimals(text: str) -> int:
    mantissa = text.lower().partition("e")[0]
    return len(mantissa.partition(".")[2])


def _numbers_agree(a: str, b: str, rtol: float) -> bool:
    x, y = float(a), float(b)
    if x == y:
        return True
    slack = 0.0
    decimals = _decimals(a)
    if decimals >= 4 and decimals == _decimals(b):
        # fixed-point printing (torch's 4 decimals, f"{v:.6f}"): each side may be half a unit in
        # its last digit away from the value it stands for
        exponent = int(a.lower().partition("e")[2] or 0)
        slack = 10.0 ** (exponent - decimals) if exponent == int(b.lower().partition("e")[2] or 0) else 0.0
    return abs(x - y) <= rtol * max(abs(x), abs(y)) + slack


def line_agreement(a: str | None, b: str | None, rtol: float) -> tuple[bool, list[str]]:
    """Whether two output lines agree, and a note for each difference."""
    if a is None or b is None:
        return False, ["only one program printed this line"]
    a, b = ADDRESS.sub("at 0x", a), ADDRESS.sub("at 0x", b)
    if NUMBER.sub("#", a) != NUMBER.sub("#", b):
        return False, ["the text differs"]
    notes = []
    for x, y in zip(NUMBER.findall(a), NUMBER.findall(b)):
        if not _numbers_agree(x, y, rtol):
            fx, fy = float(x), float(y)
            rel = abs(fx - fy) / max(abs(fx), abs(fy))
            notes.append(f"{x} vs {y}: relative difference {rel:.2e}")
    return not notes, notes


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def compare_lines(left: list[str], right: list[str], rtol: float, width: int,
                  names: tuple[str, str] = ("torch", "minigrad")) -> tuple[list[str], int]:
    """The side-by-side report and how many lines agree.  A line that disagrees is marked ``!``
    between the columns and followed by a note per differing number."""
    col = max(20, (width - 3) // 2)
    report = [f"{names[0]:<{col}} | {names[1]}", f"{'-' * col}-+-{'-' * col}"]
    agreed = 0
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else None
        b = right[i] if i < len(right) else None
        ok, notes = line_agreement(a, b, rtol)
        agreed += ok
        wa, wb = _wrap("" if a is None else a, col), _wrap("" if b is None else b, col)
        for k in range(max(len(wa), len(wb))):
            mark = "|" if ok else "!"
            report.append(f"{wa[k] if k < len(wa) else '':<{col}} {mark} {wb[k] if k < len(wb) else ''}"
                          .rstrip())
        report.extend(f"{'':<{col}} ^ {note}" for note in notes)
    return report, agreed


def _run(engine: str, program: str, args: Sequence[str], seed: int) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")  # plt.show() must not open windows twice
    env["PYTHONIOENCODING"] = "utf-8"
    cmd = [sys.executable, "-m", "minigrad", "run", "--engine", engine, "--seed", str(seed), program, *args]
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", env=env)


def compare(program: str, args: Sequence[str] = (), *, seed: int = 0, rtol: float = 1e-5,
            width: int | None = None) -> int:
    """Print the comparison; return 0 only when every line agrees and both runs exit alike."""
    if not _torch_installed():
        print("minigrad compare: PyTorch is not installed here, so there is no reference to compare "
              "with (pip install torch).  `python -m minigrad run PROGRAM` runs the program on minigrad "
              "without it.", file=sys.stderr)
        return 2
    if not os.path.isfile(program):
        print(f"minigrad compare: can't open file '{program}': no such file", file=sys.stderr)
        return 2
    width = width or shutil.get_terminal_size((160, 24)).columns
    ref, ours = _run("torch", program, args, seed), _run("minigrad", program, args, seed)
    left, right = ref.stdout.splitlines(), ours.stdout.splitlines()
    report, agreed = compare_lines(left, right, rtol, width)
    print("\n".join(report))
    same_exit = ref.returncode == ours.returncode
    for name, proc in (("torch", ref), ("minigrad", ours)):
        if proc.returncode != 0:
            print(f"\n{name} run exited with status {proc.returncode}; its stderr ends:")
            print("\n".join("    " + ln for ln in proc.stderr.splitlines()[-15:]))
    if not same_exit:
        print(f"\nexit status differs: torch {ref.returncode}, minigrad {ours.returncode}")
    total = max(len(left), len(right))
    print(f"{agreed}/{total} lines agree")
    return 0 if agreed == total and same_exit and ref.returncode == 0 else 1


def _torch_installed() -> bool:
    """Whether the real torch can be imported (without importing it: that takes a second)."""
    mod = sys.modules.get("torch")
    if mod is not None:
        return mod.__name__ == "torch"  # not minigrad standing in for it
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False
