"""Random programs: hypothesis builds expression DAGs from registry ops (shared subexpressions,
broadcasting, reductions, up to 8 ops deep), runs them in both engines and compares the output and
every leaf's gradient.  A failing program shrinks and prints as Python source you can paste."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad.testing import REGISTRY, assert_close, strategies as S

from . import record

UNARY = ["neg", "tanh", "sigmoid", "sin", "cos", "relu", "abs", "exp"]
BINARY = ["add", "sub", "mul", "maximum", "minimum"]
REDUCE = ["sum", "mean", "amax", "logsumexp"]  # with keepdim=True: results still broadcast
ROW = ["softmax", "log_softmax"]


@dataclass
class Program:
    """``leaves`` are float64 arrays; each step is (op name, operand indices, params), where
    operand i < len(leaves) is a leaf and the rest are earlier steps' results."""

    leaves: list
    steps: list = field(default_factory=list)

    def name(self, i: int) -> str:
        return f"x{i}" if i < len(self.leaves) else f"v{i - len(self.leaves)}"

    def run(self, lib):
        xs = [lib.tensor(a, requires_grad=True) for a in self.leaves]
        values = list(xs)
        for op, args, params in self.steps:
            values.append(REGISTRY[op].call(lib, *(values[i] for i in args), **params))
        return xs, values[-1]

    def __repr__(self) -> str:
        lines = ["import torch  # or: import minigrad as torch"]
        for i, a in enumerate(self.leaves):
            lines.append(f"x{i} = torch.tensor({a.tolist()!r}, dtype=torch.float64, requires_grad=True)")
        for k, (op, args, params) in enumerate(self.steps):
            call = ", ".join([self.name(i) for i in args] + [f"{p}={v!r}" for p, v in params.items()])
            lines.append(f"v{k} = torch.{op}({call})")
        lines.append(f"{self.name(len(self.leaves) + len(self.steps) - 1)}.sum().backward()")
        return "\n".join(lines)


@st.composite
def programs(draw, max_ops: int = 8) -> Program:
    base = draw(S.shapes(min_dims=1, max_dims=3, max_side=3, edge=False))
    n_leaves = draw(st.integers(1, 3))
    leaves = []
    for _ in range(n_leaves):  # each leaf broadcasts to base: dims dropped from the left or set to 1
        keep = draw(st.integers(0, len(base)))
        shape = tuple(1 if draw(st.booleans()) else n for n in base[len(base) - keep :])
        leaves.append(draw(hnp.arrays(np.float64, shape, elements=st.floats(-2, 2, width=64))))
    prog = Program(leaves)
    ndims = [a.ndim for a in leaves]
    for _ in range(draw(st.integers(1, max_ops))):
        n = len(ndims)
        i = draw(st.integers(0, n - 1))
        kind = draw(st.sampled_from(["unary", "binary", "binary", "reduce", "row"]))
        if kind == "binary":
            j = draw(st.integers(0, n - 1))  # may reuse any earlier value: a DAG, not a tree
            prog.steps.append((draw(st.sampled_from(BINARY)), (i, j), {}))
            ndims.append(max(ndims[i], ndims[j]))
        elif kind in ("reduce", "row") and ndims[i] > 0:
            dim = draw(st.integers(-ndims[i], ndims[i] - 1))
            if kind == "row":
                prog.steps.append((draw(st.sampled_from(ROW)), (i,), {"dim": dim}))
            else:
                prog.steps.append((draw(st.sampled_from(REDUCE)), (i,), {"dim": dim, "keepdim": True}))
            ndims.append(ndims[i])
        else:
            prog.steps.append((draw(st.sampled_from(UNARY)), (i,), {}))
            ndims.append(ndims[i])
    return prog


# float64 throughout.  Each engine's exp/sin/tanh is correctly rounded to ~1 ulp, but an 8-op
# chain multiplies those differences by its condition number (exp of exp, softmax of sums), so the
# comparison allows 1e-9 relative: still 7 orders of magnitude below any real gradient bug.
RTOL, ATOL = 1e-9, 1e-12


@given(prog=programs())
def test_random_programs_match_torch(prog):
    mg_x, mg_out = prog.run(minigrad)
    t_x, t_out = prog.run(torch)
    assert_close(mg_out, t_out, RTOL, ATOL, msg=f"output of\n{prog!r}\n")
    mg_out.sum().backward()
    t_out.sum().backward()
    for i, (m, t) in enumerate(zip(mg_x, t_x, strict=True)):
        assert_close(
            m.grad if m.grad is not None else minigrad.zeros_like(m),
            t.grad if t.grad is not None else torch.zeros_like(t),
            RTOL,
            ATOL,
            msg=f"gradient of x{i} in\n{prog!r}\n",
        )
    record("random programs")


def test_program_repr_is_runnable_source():
    """The printed program is Python that reproduces the run (the point of shrinking)."""
    prog = Program(
        [np.array([0.5, -1.0]), np.array([[2.0], [0.25]])],
        [
            ("mul", (0, 1), {}),
            ("tanh", (2,), {}),
            ("sum", (3,), {"dim": 1, "keepdim": True}),
            ("add", (4, 0), {}),
        ],
    )
    scope: dict = {}
    exec(
        repr(prog).replace("import torch  # or: import minigrad as torch", "import minigrad as torch"), scope
    )
    xs, out = prog.run(torch)
    out.sum().backward()
    for i, x in enumerate(xs):
        assert_close(scope[f"x{i}"].grad, x.grad)
