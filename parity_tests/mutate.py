"""Proof that the parity suite has teeth: break each op's backward in turn and check a test fails.

    python -m parity_tests.mutate [--jobs 2] [--only CLASSNAME ...] [--list]

Mutants are generated from the source, not written by hand: every ``backward`` of every
``Function`` subclass in minigrad/ops/*.py and minigrad/nn/*.py is parsed, and for each gradient it
returns (each element of the returned tuple that is not ``None``):

* ``scale``: the gradient times 1.5;
* ``drop``: each ``a + b`` / ``a - b`` the backward computes replaced by one side (a dropped
  summand), and each ``x * 0`` (a gradient that is zero by definition) replaced by ``x``;
* ``axis``: each ``ctx.<dim/axes/inverse/...>`` read in the backward replaced by a wrong one
  (``dim - 1``, ``axes[:-1]``, a reversed permutation), and each ``.mT`` dropped.

Each mutant is written into a temporary copy of the repository and the parity tests of the
registry ops that use that Function (found by running every registry entry once and recording
which Functions its forward applied), then the third-order tests of the fused backward ops
(whose own backward no registry test reaches), run there, stopping at the first failure.  A
mutant is *killed* when they fail.  The script prints ``killed K/N`` and the survivors: a survivor is a
missing test (or an equivalent mutant, which is listed as such when provably so: scaling a
gradient that is identically zero, ``x * 0`` or ``new_zeros``).
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "minigrad" / "ops").glob("*.py")) + sorted((ROOT / "minigrad" / "nn").glob("*.py"))
AXIS_FIELDS = {"dim", "axes", "axis", "inverse", "dims"}
# a fused backward op (MulBackward) is applied by many ops, few of which exercise all its inputs
MAX_OPS_PER_MUTANT = 8


@dataclass
class Mutant:
    path: Path  # the source file
    cls: str  # the Function subclass whose backward is broken
    kind: str  # scale / drop / axis
    where: str  # what was changed, for the report
    source: str  # the whole mutated file
    equivalent: bool = False

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}::{self.cls}.backward [{self.kind}] {self.where}"


# ----- generating mutants ---------------------------------------------------------------------------
def _returned_gradients(fn: ast.FunctionDef) -> list[ast.expr]:
    """The non-None gradient expressions returned by a backward (through ``x if c else None``)."""
    out = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Return) and node.value is not None:
            elems = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            for e in elems:
                if isinstance(e, ast.IfExp):
                    e = e.body
                if isinstance(e, ast.Starred) and isinstance(e.value, ast.Name):
                    # return (*g1, *g2) with g1 = FusedBackward.apply(grad, ...) [if c else (None, None)]:
                    # the gradients are that op's outputs, scaled by scaling the gradient it is given
                    src = _assigned_in(fn, e.value.id)
                    if isinstance(src, ast.IfExp):
                        src = src.body
                    if isinstance(src, ast.Call) and src.args:
                        out.append(src.args[0])
                elif isinstance(e, ast.Starred) and isinstance(e.value, ast.Call):
                    out += [a for a in e.value.args if isinstance(a, ast.Name)]  # return (*f(gx, gy),)
                elif not (isinstance(e, ast.Constant) and e.value is None) and not isinstance(e, ast.Starred):
                    out.append(e)
    return out


def _assigned_in(fn: ast.FunctionDef, name: str) -> ast.expr | None:
    """The value last assigned to ``name`` (a plain ``name = ...``) in ``fn``, if any."""
    value = None
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = node.value
    return value


class _Replace(ast.NodeTransformer):
    """Replace the one node ``target`` (by identity) with ``make(target)``."""

    def __init__(self, target: ast.AST, make) -> None:
        self.target, self.make = target, make

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return self.make(node)
        return self.generic_visit(node)


def _mutated(tree: ast.Module, target: ast.AST, make) -> str:
    import copy

    tree = copy.deepcopy(tree)
    target = _find_same(tree, target)
    new = _Replace(target, make).visit(tree)
    return ast.unparse(ast.fix_missing_locations(new))


def _find_same(tree: ast.AST, target: ast.AST) -> ast.AST:
    """The node of a deep copy that sits where ``target`` sat in the original."""
    key = (type(target), target.lineno, target.col_offset, target.end_lineno, target.end_col_offset)
    for node in ast.walk(tree):
        if (
            getattr(node, "lineno", None) is not None
            and (type(node), node.lineno, node.col_offset, node.end_lineno, node.end_col_offset) == key
        ):
            return node
    raise LookupError(ast.dump(target))


def _scale(e: ast.expr) -> ast.expr:
    return ast.BinOp(left=e, op=ast.Mult(), right=ast.Constant(1.5))


def _wrong_axis(e: ast.Attribute) -> ast.expr:
    if e.attr in ("axes", "dims"):
        return ast.Subscript(value=e, slice=ast.Slice(upper=ast.Constant(-1)), ctx=ast.Load())
    if e.attr == "inverse":
        return ast.Subscript(value=e, slice=ast.Slice(step=ast.Constant(-1)), ctx=ast.Load())
    return ast.BinOp(left=e, op=ast.Sub(), right=ast.Constant(1))


def mutants() -> list[Mutant]:
    found = []
    for path in SOURCES:
        text = path.read_text()
        tree = ast.parse(text)
        for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
            for fn in [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "backward"]:
                for g in _returned_gradients(fn):
                    seg = ast.get_source_segment(text, g)
                    found.append(
                        Mutant(
                            path,
                            cls.name,
                            "scale",
                            f"({seg}) * 1.5 at line {g.lineno}",
                            _mutated(tree, g, _scale),
                            equivalent=(" * 0" in seg or ".new_zeros(" in seg) and "+" not in seg,
                        )
                    )
                for b in ast.walk(fn):  # every sum or difference the backward computes
                    if isinstance(b, ast.BinOp) and isinstance(b.op, (ast.Add, ast.Sub)):
                        bseg = ast.get_source_segment(text, b)
                        found.append(
                            Mutant(
                                path,
                                cls.name,
                                "drop",
                                f"{bseg} -> left operand",
                                _mutated(tree, b, lambda n: n.left),
                            )
                        )
                        right = (
                            (lambda n: n.right)
                            if isinstance(b.op, ast.Add)
                            else (lambda n: ast.UnaryOp(op=ast.USub(), operand=n.right))
                        )
                        found.append(
                            Mutant(
                                path, cls.name, "drop", f"{bseg} -> right operand", _mutated(tree, b, right)
                            )
                        )
                    elif (
                        isinstance(b, ast.BinOp)
                        and isinstance(b.op, ast.Mult)
                        and isinstance(b.right, ast.Constant)
                        and b.right.value == 0
                    ):  # a zero gradient that should not be: x * 0 -> x
                        found.append(
                            Mutant(
                                path,
                                cls.name,
                                "drop",
                                f"{ast.get_source_segment(text, b)} -> nonzero",
                                _mutated(tree, b, lambda n: n.left),
                            )
                        )
                for a in ast.walk(fn):
                    if (
                        isinstance(a, ast.Attribute)
                        and isinstance(a.value, ast.Name)
                        and a.value.id == "ctx"
                        and a.attr in AXIS_FIELDS
                        and isinstance(a.ctx, ast.Load)
                    ):
                        found.append(
                            Mutant(
                                path,
                                cls.name,
                                "axis",
                                f"ctx.{a.attr} -> wrong",
                                _mutated(tree, a, _wrong_axis),
                            )
                        )
                    elif isinstance(a, ast.Attribute) and a.attr == "mT":
                        found.append(
                            Mutant(
                                path,
                                cls.name,
                                "axis",
                                f"{ast.get_source_segment(text, a)} -> untransposed",
                                _mutated(tree, a, lambda n: n.value),
                            )
                        )
    return found


# ----- which registry ops use which Function ---------------------------------------------------------
def usage() -> dict[str, list[str]]:
    """Function class name -> registry ops that apply it, most direct first: ops whose forward
    applies it, then those whose first backward does (fused backward ops such as MulBackward), then
    those whose double backward does; within each, ops applying fewer Functions first."""
    import numpy as np

    import minigrad
    from minigrad.autograd.function import Function
    from minigrad.testing import REGISTRY

    used: dict[str, dict] = {}  # op -> {Function class name: first stage applying it}
    original = Function.apply.__func__
    stage = [0]  # 0 forward, 1 backward, 2 double backward

    def recording(cls, *args, **kwargs):
        current.setdefault(cls.__name__, stage[0])
        return original(cls, *args, **kwargs)

    Function.apply = classmethod(recording)
    try:
        for name, info in REGISTRY.items():
            current: dict = {}
            strategy = info.sample(np.float64, True)
            for _ in range(8):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # .example() outside a test warns
                    sample = strategy.example()
                xs = [minigrad.tensor(a, requires_grad=a.dtype.kind == "f") for a in sample.arrays]
                try:  # forward, backward and double backward: record every Function they apply
                    stage[0] = 0
                    outs = info.call(minigrad, *xs, **sample.params)
                    outs = [
                        o for o in (outs if isinstance(outs, (tuple, list)) else [outs]) if o.requires_grad
                    ]
                    leaves = [x for x in xs if x.requires_grad]
                    stage[0] = 1
                    grads = minigrad.autograd.grad(
                        sum(o.sum() for o in outs), leaves, create_graph=True, allow_unused=True
                    )
                    second = [g.sum() for g in grads if g is not None and g.requires_grad]
                    stage[0] = 2
                    if second:
                        minigrad.autograd.grad(sum(second), leaves, allow_unused=True)
                except Exception:  # noqa: BLE001  (an input minigrad rejects: nothing recorded)
                    pass
            used[name] = current
    finally:
        Function.apply = classmethod(original)
    ranked: dict[str, list] = {}
    for op, classes in used.items():
        for c, first_stage in classes.items():
            ranked.setdefault(c, []).append((first_stage, len(classes), op))
    return {c: [op for *_, op in sorted(entries)] for c, entries in ranked.items()}


# The registry checks ops to second order, so the backward of an op that only a backward applies
# (MatMulPair, Product3: parts of a double backward) runs at third order only, which these check.
THIRD_ORDER_TESTS = (
    "parity_tests/test_autograd_core.py::test_third_order_gradients_through_fused_backward_ops"
)


def tests_for(ops: list[str]) -> list[str]:
    ids = []
    for op in ops[:MAX_OPS_PER_MUTANT]:
        ids += [
            f"parity_tests/test_ops.py::test_parity[{op}-float64]",
            f"parity_tests/test_ops.py::test_parity[{op}-float32]",
            f"parity_tests/test_ops.py::test_gradcheck[{op}]",
        ]
    return ids + [THIRD_ORDER_TESTS]


# ----- running ------------------------------------------------------------------------------------------
# Appended to the *copy's* conftest: the ci profile without shrinking (a killed mutant needs one
# failing example, not the smallest one; shrinking would take most of the run).
_NO_SHRINK = """
settings.register_profile("mutation", parent=settings.get_profile("ci"),
                          phases=[Phase.explicit, Phase.reuse, Phase.generate], database=None)
settings.load_profile("mutation")
"""


def _copy_repo(dest: Path) -> None:
    for item in ("minigrad", "parity_tests", "pyproject.toml"):
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
        else:
            shutil.copy(src, dest / item)
    conftest = dest / "parity_tests" / "conftest.py"
    conftest.write_text(conftest.read_text() + "\nfrom hypothesis import Phase  # noqa: E402\n" + _NO_SHRINK)


def run_mutant(m: Mutant, tests: list[str], workdir: Path) -> bool:
    """True if the selected tests fail with the mutant in place (killed)."""
    target = workdir / m.path.relative_to(ROOT)
    original = target.read_text()
    target.write_text(m.source)
    try:
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-W", "ignore", *tests],
            cwd=workdir,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        return out.returncode != 0
    finally:
        target.write_text(original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="only mutants of these Function classes")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args()
    start = time.time()
    ms = [m for m in mutants() if not args.only or m.cls in args.only]
    if args.list:
        for m in ms:
            print(m)
        print(f"{len(ms)} mutants")
        return
    by_class = usage()
    workdirs = [Path(tempfile.mkdtemp(prefix="minigrad-mutant-")) for _ in range(args.jobs)]
    for w in workdirs:
        _copy_repo(w)
    free = list(workdirs)

    def job(m: Mutant) -> tuple[Mutant, bool]:
        w = free.pop()
        try:
            return m, run_mutant(m, tests_for(by_class.get(m.cls, [])), w)
        finally:
            free.append(w)

    survivors = []
    killed = 0
    with ThreadPoolExecutor(args.jobs) as pool:
        for i, (m, dead) in enumerate(pool.map(job, ms), 1):
            killed += dead
            if not dead:
                survivors.append(m)
            print(f"[{i}/{len(ms)}] {'killed  ' if dead else 'SURVIVED'} {m}", flush=True)
    for w in workdirs:
        shutil.rmtree(w, ignore_errors=True)
    total = len(ms)
    equivalent = sum(m.equivalent for m in survivors)
    print(f"\nkilled {killed}/{total}  ({time.time() - start:.0f} s); {killed}/{total - equivalent} of the "
          f"mutants that are not provably equivalent")
    for m in survivors:
        print(f"SURVIVOR{' (equivalent: the gradient is identically zero)' if m.equivalent else ''}: {m}")


if __name__ == "__main__":
    main()
