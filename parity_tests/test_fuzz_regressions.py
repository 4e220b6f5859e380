"""Disagreements with torch that the program fuzzer (``parity_tests/test_fuzz.py``) found, each
pinned as the smallest program that showed it; both engines run it and must agree."""

from __future__ import annotations

import math

import pytest
import torch

import minigrad
from minigrad.testing.programs import Program, compare_programs, run_program

from .fuzz_regressions import arithmetic, losses, reductions, views

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
    # an in-place op on a tensor changes the gradient of the views taken of it before (torch
    # regenerates their history): through the root, through another view, and a view of a view
    "views see a later in-place op on their base": [
        "x0 = T.tensor([3.0, -1.0], requires_grad=True)", "v0 = x0 * 1", "v1 = v0[:1]",
        "v2 = v0.view(1, 2)", "v3 = v1.view(-1)", "v0.add_(x0 * x0)", "v2[0, 1].mul_(3)",
        "loss = v1.sum() + v2.sum() * 2 + v3.sum() * 3",
        "g = T.autograd.grad(loss, [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
    "views of a constant see a write from a tensor that requires grad": [
        "x0 = T.tensor([3.0, 2.0], requires_grad=True)", "v0 = T.zeros(2)", "v1 = v0[:1]", "v2 = v0.t()",
        "v0.add_(x0)", "loss = v1.sum() + (v2 * v2).sum()", "g = T.autograd.grad(loss, [x0])"],
    "expanded views see a later in-place op on their base": [
        "x0 = T.tensor([[1.25, 0.0, 0.5]], requires_grad=True)", "v0 = x0 * 1", "v1 = v0.expand(2, 1, 3)",
        "v2 = v0[None].expand(3, 1, 3)", "v0.exp_()", "g = T.autograd.grad(v1.sum() + v2.sum(), [x0])"],
    # softplus of float16 computes in float32 (exp(19) overflows float16)
    "float16 softplus": ["x0 = T.tensor([19.08, 3.0, -20.0, 25.0], dtype=T.float16, requires_grad=True)",
                         "v0 = F.softplus(x0)", "v1 = F.softplus(x0, beta=2)",
                         "g = T.autograd.grad(v0.sum() + v1.sum(), [x0])"],
    # cumsum/cumprod into bool: torch has no kernel (NotImplementedError)
    "cumulative ops into bool": ["x0 = T.tensor([1.0, 2.0])", "v0 = T.cumsum(x0, 0, dtype=T.bool)",
                                 "v1 = x0.cumprod(0, dtype=T.bool)", "v2 = T.cumsum(x0 > 1, 0)",
                                 "v3 = T.cumsum(T.tensor(2.0), 0, dtype=T.bool)",
                                 "v4 = T.zeros(0, 2).cumprod(1, dtype=T.bool)"],
    # bitwise ops: a shape mismatch is reported before the dtype
    "bitwise shape check first": ["x0 = T.tensor([1.0, 2.0, 3.0])", "v0 = x0 ^ T.zeros(0)",
                                  "v1 = x0.long() | T.zeros(2, dtype=T.int64)"],
    # remainder: bool has no kernel; an empty integer dividend divides nothing (no zero-division error)
    "remainder of bool and of empty": [
        "x0 = T.tensor([True, False])", "v0 = x0 % True", "v1 = x0 % 2", "v2 = T.tensor([3, 4]) % x0",
        "x1 = T.zeros(0, dtype=T.int64)", "v3 = x1 % 0", "v4 = x1 // 0", "v5 = T.tensor([3]) // 0",
        "v6 = T.div(x1, 0, rounding_mode='trunc')", "v7 = x0 // x0",
        "v8 = T.div(x0, True, rounding_mode='trunc')", "v9 = x0 // 2"],
    # cat: legacy empty (0,) tensors alone accept any dim; a 0-d tensor anywhere in the list is refused
    "cat of legacy empty and 0-d tensors": [
        "x0 = T.zeros(0, requires_grad=True)", "v0 = T.cat([x0, x0], 1)", "v1 = T.cat([x0, x0.long()], -3)",
        "v2 = T.cat([T.ones(2, 1), T.tensor(1.0)], 0)", "v3 = T.cat([x0, T.tensor(1.0)])",
        "g = T.autograd.grad(v0.sum(), [x0])", "v4 = T.stack([T.tensor(0.0), x0], 1)"],
    # smooth L1 / Huber at a nan difference (inf - inf too): nan gradient, no second derivative
    "smooth_l1 and huber at nan": [
        "x0 = T.tensor([nan, 1.0, inf, 3.0, 1.5], requires_grad=True)",
        "x1 = T.tensor([0.0, 1.0, inf, 1.0, 1.0])", "v0 = F.huber_loss(x0, x1, reduction='sum')",
        "v1 = F.smooth_l1_loss(x0, x1, reduction='sum', beta=0.5)",
        "g = T.autograd.grad(v0 + v1, [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
    # masked_fill of an integer tensor with inf, nan or a huge number: torch's RuntimeError
    "masked_fill overflow": ["x0 = T.tensor([1, 2])", "x0.masked_fill_(x0 > 0, 1e38)",
                             "v0 = x0.masked_fill(x0 > 0, inf)", "v1 = x0.masked_fill(x0 > 0, nan)",
                             "v2 = x0.masked_fill(x0 > 1, 2.5)"],
    # matmul of bool tensors: torch's NotImplementedError
    "bool matmul": ["x0 = T.ones((2, 2), dtype=T.bool)", "v0 = x0 @ x0"],
    # a product keeps each operand only for the other's gradient, a quotient its divisor always and
    # its dividend only for the divisor's: changing the operand nothing needs is fine afterwards,
    # changing a kept one raises (torch's saved tensors)
    "mul and div keep what torch keeps": [
        "x0 = T.tensor([0.5, -1.0, 2.0], requires_grad=True)", "v0 = x0 + 1", "v1 = v0 * 0.5",
        "v2 = v0 / 2", "v3 = 3.0 * v0", "v4 = T.div(v0, 2.0, rounding_mode='floor')", "v0.relu_()",
        "loss = v1.sum() + v2.sum() + v3.sum() + v4.sum() + v0.sum()",
        "g = T.autograd.grad(loss, [x0], create_graph=True)"],
    # create_graph through relu, leaky_relu, hardtanh, relu6, threshold: the gradient requires grad
    # (torch's backward op takes the input) and the second derivative is a zero tensor, not None
    "second order through piecewise-linear activations": [
        "x0 = T.tensor([1.5, -2.0, 0.5, 7.0], requires_grad=True)",
        "v0 = T.relu(x0) + F.leaky_relu(x0, 0.1) + F.hardtanh(x0) + F.relu6(x0) + F.threshold(x0, 0.1, 0.0)",
        "g = T.autograd.grad(v0.sum(), [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0])"],
    # a Python number stored into a tensor: torch's range checks (signed integers and float32 refuse
    # what they cannot hold, uint8 wraps, float16 saturates to inf)
    "numbers stored out of range": [
        "x0 = T.tensor([-2, 5], dtype=T.int64)", "x0[None] = inf", "x0[0] = 2.7",
        "x1 = T.zeros(2, dtype=T.int8)",
        "x1[0] = 300", "x2 = T.zeros(2, dtype=T.uint8)", "x2[1] = -1", "x3 = T.zeros(2, dtype=T.float16)",
        "x3[0] = 1e38", "x4 = T.zeros(2)", "x4[1] = 1e300"],
    # an in-place op on an empty part of an expanded tensor writes nothing: no overlap error
    "in place on an empty slice of an expanded tensor": [
        "x0 = T.zeros((0, 3), requires_grad=True)", "v1 = T.log2(x0)", "v4 = v1.expand(2, *v1.shape)",
        "v4[:1].tanh_()", "g = T.autograd.grad(v4.sum() + v1.sum(), [x0])"],
    # an empty batch with a 0-d target: torch's check reads the target's size 0 (its error class)
    "cross_entropy of an empty batch with a 0-d target": [
        "x0 = T.zeros((0, 3, 1))", "v0 = F.cross_entropy(x0, T.tensor(0), reduction='none')",
        "v1 = F.nll_loss(T.zeros((0, 3)), T.tensor(0))",
        "v2 = F.cross_entropy(T.zeros((2, 3)), T.tensor(0))"],
    # an in-place op whose operand cannot broadcast: torch says so before refusing the dtype (pow of
    # bools), but refuses bool subtraction first
    "in place: broadcasting before the dtype": [
        "x0 = T.tensor([[True, False], [False, True]])", "x1 = T.tensor([[True, True, False]])",
        "x1.pow_(x0)", "x1.sub_(x0)", "x2 = T.ones(3)", "x2.add_(T.ones(2, 3))"],
    "a kept divisor changed in place": [
        "x0 = T.tensor([0.5, -1.0], requires_grad=True)", "v0 = x0 + 1", "v1 = 2.0 / v0", "v0.mul_(3)",
        "loss = v1.sum()", "g = T.autograd.grad(loss, [x0])"],
}


# every finding, by area: these here, then those of parity_tests/fuzz_regressions/
ALL = {("engine", name): lines for name, lines in PROGRAMS.items()}
for _area in (arithmetic, losses, reductions, views):
    ALL.update({(_area.__name__.rsplit(".", 1)[-1], name): lines for name, lines in _area.PROGRAMS.items()})


def _program(lines: list[str]) -> Program:
    return Program(lines, ["stmt"] * len(lines))


@pytest.mark.parametrize("key", sorted(ALL), ids=[f"{a}: {n}" for a, n in sorted(ALL)])
def test_finding_agrees_with_torch(key):
    report = compare_programs(_program(ALL[key]))
    assert report is None, report


@pytest.mark.parametrize("name", sorted(losses.PROGRAMS))
def test_loss_error_messages_agree_with_torch(name):
    """The fuzzer compares error classes; the losses' refusals are pinned to torch's words as well."""
    lines = losses.PROGRAMS[name]
    prog = _program(lines)
    for stmt, m, t in zip(lines, run_program(prog, minigrad), run_program(prog, torch), strict=True):
        assert str(m.error).replace("minigrad", "torch") == str(t.error), stmt


# ----- decisions the fuzzer met, where minigrad keeps the mathematically right answer --------------
def test_second_derivative_of_a_power_with_exponent_zero_is_zero():
    """A documented difference (docs/parity.md): d^2/da^2 of a ** 0 (a constant) is 0.  torch's
    gives nan at a = 0 and at subnormal a (its masked branch multiplies 0 by 0 * a ** -2 = inf)."""
    results = {}
    for lib in (torch, minigrad):
        a = lib.tensor([5e-324, 0.0, 2.0], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad((a ** lib.zeros(3, dtype=lib.float64)).sum(), a, create_graph=True)
        gg, = lib.autograd.grad(g.sum(), a)
        results[lib.__name__] = gg.tolist()
    assert math.isnan(results["torch"][0]) and math.isnan(results["torch"][1])
    assert results["minigrad"] == [0.0, 0.0, 0.0]


def test_number_modulo_tensor_has_no_derivative_as_in_torch():
    """``2 % x``: torch records it under a NotImplemented node and its backward raises."""
    for lib in (torch, minigrad):
        x = lib.tensor([1.5, -2.0], requires_grad=True)
        y = 2 % x
        assert y.requires_grad and type(y.grad_fn).__name__ in ("NotImplemented", "RemainderOfNumber")
        with pytest.raises(RuntimeError, match="derivative for aten::remainder is not implemented"):
            y.sum().backward()
