"""Disagreements with torch that the program fuzzer (``parity_tests/test_fuzz.py``) found, each
pinned as the smallest program that showed it; both engines run it and must agree."""

from __future__ import annotations

import pytest

from minigrad.testing.programs import Program, compare_programs

PROGRAMS = {
    # float operands of & | ^: torch's NotImplementedError naming its kernel and the promoted dtype
    "bitwise on floats": ["x0 = T.tensor([1.0, 2.0])", "v0 = x0 & T.tensor([True, False])",
                          "v1 = T.tensor([1, 2]) | T.tensor([0.5], dtype=T.float16)", "v2 = 1.5 ^ x0"],
    # hardtanh of an integer tensor keeps its dtype (bounds cast to it); of a bool tensor raises
    "hardtanh of int and bool": ["x0 = T.tensor([-3, 0, 3])", "v0 = F.hardtanh(x0)",
                                 "v1 = F.hardtanh(x0, -1.5, 1.5)", "v2 = F.hardtanh(x0 > 0)"],
    # integer ** negative integer tensor: computed (0, or +-1 for +-1); a negative Python int: refused
    "integer negative powers": ["x0 = T.tensor([-2, -1, 0, 1, 2])", "v0 = x0 ** x0",
                                "v1 = T.pow(2, x0)", "v2 = x0 ** T.tensor(-1)", "v3 = x0 ** -1",
                                "v4 = (x0 > 0) ** -1"],
    # remainder by a constant saves nothing: an in-place change of its input afterwards is fine
    "remainder saves only what it needs": [
        "x0 = T.tensor([1.5, -2.0], requires_grad=True)", "v0 = x0 * 1", "v1 = v0 % 2", "v0.add_(1)",
        "loss = v1.sum()", "g = T.autograd.grad(loss, [x0], create_graph=True)"],
    # create_graph: grad * constant does not require grad (torch's mul backward is two muls)
    "gradient of a product with a constant": [
        "x0 = T.tensor([2.5, -0.5], requires_grad=True)", "x1 = T.tensor([-1.0, 3.0], requires_grad=True)",
        "v0 = x0 * (x1 > 0)", "v1 = x0 * x1", "loss = v0.sum() + v1.sum()",
        "g = T.autograd.grad(loss, [x0, x1], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum() + g[1].sum(), [x0, x1], allow_unused=True)"],
    # in-place forms of the basic pointwise ops, on a view of a graph tensor and on a leaf
    "sin_ cos_ abs_ ... in place": [
        "x0 = T.tensor([0.5, -1.0], requires_grad=True)", "v0 = x0 * 1", "v0[0].cos_()", "v0.sin_()",
        "x0.sin_()", "x1 = T.tensor([1, -2])", "x1.abs_()", "x1.sqrt_()", "x2 = T.tensor([1.5, -2.5])",
        "x2.round_()", "x2.trunc_()", "x2.floor_()", "x2.ceil_()", "x2.sign_()", "x2.log_()",
        "x3 = x1 > 0", "x3.logical_not_()", "loss = v0.sum()", "g = T.autograd.grad(loss, [x0])"],
    # matmul of bool tensors: torch's NotImplementedError
    "bool matmul": ["x0 = T.ones((2, 2), dtype=T.bool)", "v0 = x0 @ x0"],
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_agrees_with_torch(name):
    lines = PROGRAMS[name]
    report = compare_programs(Program(lines, ["stmt"] * len(lines)))
    assert report is None, report
