"""Agreement with torch at the edges: each case is a small program run once with ``lib`` = torch and
once with ``lib`` = minigrad, in the same test.

What the two runs must share: the values returned (nan where torch has nan), every returned
tensor's dtype, shape and ``requires_grad``; or, when torch raises, the exception class and its
message word for word; and the warnings emitted (category and text).  The cases are grouped by the
root cause that made minigrad disagree.
"""
from __future__ import annotations

import importlib
import math
import json
import re
import subprocess
import sys
import warnings
from typing import Any, Callable

import numpy as np
import pytest
import torch

import minigrad
from minigrad import _dtype


def F(lib: Any) -> Any:
    return importlib.import_module(lib.__name__ + ".nn.functional")


def _plain(value: Any, lib: Any) -> Any:
    """A result as plain data: a tensor as (dtype, shape, requires_grad, values)."""
    if isinstance(value, lib.Tensor):
        dtype = str(value.dtype).split(".")[-1]
        return ("tensor", dtype, tuple(value.shape), value.requires_grad, value.detach().numpy().copy())
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v, lib) for v in value)
    if isinstance(value, lib.dtype):
        return ("dtype", str(value).split(".")[-1])
    return value


def _run(fn: Callable, lib: Any) -> tuple:
    """What ``fn(lib)`` did: ("returned", result) or ("raised", class name, message), and the
    warnings it emitted as (category name, text)."""
    saved = _dtype.DISPLAY_NAME[0]
    _dtype.DISPLAY_NAME[0] = "torch"  # minigrad names its types as torch does ("torch.FloatTensor")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            outcome = ("returned", _plain(fn(lib), lib))
        except Exception as e:  # noqa: BLE001  (the class and the message are what is compared)
            outcome = ("raised", type(e).__name__, str(e))
        finally:
            _dtype.DISPLAY_NAME[0] = saved
    # (torch's C++ warnings end by naming the line of its source that raised them)
    return outcome, [(w.category.__name__, re.sub(r" \(Triggered internally at .*\)$", "", str(w.message)))
                     for w in caught]


def _assert_same(expected: Any, actual: Any, where: str = "result") -> None:
    if isinstance(expected, tuple) and expected and expected[0] == "tensor":
        assert isinstance(actual, tuple) and actual and actual[0] == "tensor", f"{where}: {actual!r}"
        assert actual[1:4] == expected[1:4], \
            f"{where}: (dtype, shape, requires_grad) {actual[1:4]} != {expected[1:4]}"
        # float32 results of the same numpy/ATen formula may differ in the last bit
        np.testing.assert_allclose(actual[4].astype(np.float64), expected[4].astype(np.float64),
                                   rtol=1e-6, atol=0, equal_nan=True, err_msg=where)
        return
    if isinstance(expected, (tuple, list)):
        assert type(actual) is type(expected) and len(actual) == len(expected), f"{where}: {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            _assert_same(e, a, f"{where}[{i}]")
        return
    if isinstance(expected, float) and np.isnan(expected):
        assert isinstance(actual, float) and np.isnan(actual), f"{where}: {actual!r}"
        return
    assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def check(fn: Callable) -> None:
    """``fn(minigrad)`` behaves as ``fn(torch)``: same result, or same exception and message; same
    warnings."""
    (expected, expected_warnings), (actual, actual_warnings) = _run(fn, torch), _run(fn, minigrad)
    if expected[0] == "raised" or actual[0] == "raised":
        assert actual == expected, f"\ntorch:    {expected}\nminigrad: {actual}"
    else:
        _assert_same(expected[1], actual[1])
    assert actual_warnings == expected_warnings, \
        f"\ntorch:    {expected_warnings}\nminigrad: {actual_warnings}"


def cases(*pairs: tuple) -> Any:
    return pytest.mark.parametrize("fn", [p[1] for p in pairs], ids=[p[0] for p in pairs])


def leaf(lib: Any, values: Any, dtype: Any = None) -> Any:
    return lib.tensor(values, dtype=dtype or lib.float32, requires_grad=True)


def grads(lib: Any, loss: Any, *inputs: Any) -> tuple:
    """Backward from ``loss``; the gradient each input received (None when none)."""
    loss.backward()
    return tuple(t.grad for t in inputs)


# -- overwriting a tensor of the graph: zero_, fill_, copy_ are recorded; cat with an empty part --
def _overwritten(op: str) -> Callable:
    def fn(lib: Any) -> tuple:
        x = leaf(lib, [1.0, 2.0])
        y = x * 3
        if op == "zero_":
            y.zero_()
        elif op == "fill_":
            y.fill_(2.0)
        elif op == "fill_ tensor":
            y.fill_(lib.tensor(2.0))
        elif op == "copy_":
            y.copy_(lib.tensor([5.0, 6.0]))
        elif op == "copy_ from a graph":
            src = leaf(lib, [4.0], lib.float64)
            y.copy_(src)
            return y, y.grad_fn.name(), grads(lib, (y * y).sum(), x, src)
        elif op == "setitem all":
            y[:] = 0.0
        return y, y.grad_fn.name(), grads(lib, (y * 2).sum(), x)
    return fn


def _cat_with_empty(lib: Any) -> tuple:
    a, e = leaf(lib, [1.0, 2.0]), lib.zeros(0, requires_grad=True)
    out = lib.cat([a, e])
    return out, grads(lib, out.sum(), a, e)


def _cat_with_legacy_empty(lib: Any) -> tuple:
    a, e = leaf(lib, [[1.0, 2.0]]), lib.zeros(0, requires_grad=True)  # 1-d empty beside a 2-d tensor
    out = lib.cat([a, e])
    return out, grads(lib, out.sum(), a, e)


def _overwritten_view(op: str) -> Callable:
    def fn(lib: Any) -> tuple:
        x = leaf(lib, [1.0, 2.0, 3.0])
        y = x * 3
        v = y[1:]
        if op == "zero_":
            v.zero_()
        elif op == "fill_":
            v.fill_(leaf(lib, 4.0))
        else:
            v.copy_(leaf(lib, [5.0], lib.float64))
        return y, y.grad_fn.name(), grads(lib, (y * y).sum(), x)
    return fn


OVERWRITE_ERRORS = [
    ("copy_ of a larger tensor", lambda lib: lib.zeros(2).copy_(lib.zeros(3))),
    ("copy_ of a tensor with more dims", lambda lib: lib.zeros(2, 3).copy_(lib.zeros(2, 1, 3))),
    ("fill_ with a 1-d tensor", lambda lib: lib.zeros(2).fill_(lib.zeros(1))),
    ("zero_ of a leaf requiring grad", lambda lib: leaf(lib, [1.0]).zero_()),
    ("fill_ of an int tensor with a float", lambda lib: lib.zeros(2, dtype=lib.int64).fill_(2.7)),
    ("copy_ of float into int", lambda lib: lib.zeros(2, dtype=lib.int64).copy_(lib.tensor([1.5, -2.5]))),
]


@cases(*[(f"{op} of a view", _overwritten_view(op)) for op in ("zero_", "fill_", "copy_")],
       *OVERWRITE_ERRORS)
def test_overwriting_a_view_in_the_graph(fn):
    check(fn)


def test_random_fills_are_recorded_as_torch_records_them():
    """The values differ (each library draws its own), the nodes must not."""
    def names(lib: Any) -> list:
        y = leaf(lib, [0.25, 0.5]) * 1
        out = []
        for fill in (lambda: y.uniform_(), lambda: y.normal_(), lambda: y.bernoulli_(0.5),
                     lambda: y.random_(), lambda: y.random_(5), lambda: y.random_(2, 5),
                     lambda: y.exponential_(), lambda: y.geometric_(0.5), lambda: y.cauchy_(),
                     lambda: y.log_normal_(), lambda: y.bernoulli_(lib.tensor([0.5, 0.5]))):
            fill()
            out.append((y.grad_fn.name(), y.requires_grad))
        return out

    assert names(minigrad) == names(torch)


@cases(("zero_", _overwritten("zero_")), ("fill_", _overwritten("fill_")),
       ("fill_ with a tensor", _overwritten("fill_ tensor")), ("copy_", _overwritten("copy_")),
       ("copy_ from a tensor in a graph", _overwritten("copy_ from a graph")),
       ("setitem of every element", _overwritten("setitem all")),
       ("cat with an empty tensor", _cat_with_empty),
       ("cat with a legacy empty tensor", _cat_with_legacy_empty))
def test_overwriting_a_tensor_in_the_graph(fn):
    check(fn)


# -- losses: a row whose target is ignore_index is ignored, whatever its values ------------------
def _ignored_row(loss: str, bad: float) -> Callable:
    def fn(lib: Any) -> tuple:
        x = leaf(lib, [[0.1, 0.5, -0.2], [bad, 1.0, 0.0], [0.3, 0.3, 2.0]])
        target = lib.tensor([1, -100, 2])
        if loss == "cross_entropy":
            out = F(lib).cross_entropy(x, target)
        else:
            out = F(lib).nll_loss(x, target)
        return out, grads(lib, out, x)
    return fn


@cases(*[(f"{loss} {bad}", _ignored_row(loss, bad))
         for loss in ("cross_entropy", "nll_loss") for bad in (float("nan"), float("inf"), -float("inf"))])
def test_ignore_index_rows_are_ignored(fn):
    check(fn)


# -- x[key] = value: a 1-element tensor value, values that broadcast, torch's dtype rules ---------
def _setitem(key: Callable, value: Callable, dtype: Any = None, shape: tuple = (3,)) -> Callable:
    def fn(lib: Any) -> tuple:
        t = lib.zeros(*shape, dtype=dtype(lib) if dtype else None)
        t[key(lib)] = value(lib)
        return t
    return fn


def _setitem_backward(lib: Any) -> tuple:
    t, w = lib.zeros(3, 1, 2), leaf(lib, [[[2.0]]])
    t[lib.tensor([2]), -1] = w
    return t, grads(lib, (t * t).sum(), w)


def _setitem_mask_backward(lib: Any) -> tuple:
    x, w = leaf(lib, [1.0, -2.0, 3.0]), leaf(lib, [5.0, 6.0])
    y = x * 1
    y[y > 0] = w
    return y, grads(lib, (y * y).sum(), x, w)


SETITEM = [
    ("1-element tensor into an element", _setitem(lambda lib: 0, lambda lib: lib.tensor([5.0]))),
    ("1x1 tensor into an element", _setitem(lambda lib: 1, lambda lib: lib.tensor([[5.0]]))),
    ("2-element tensor into an element",
     _setitem(lambda lib: 0, lambda lib: lib.tensor([5.0, 6.0]))),
    ("float64 value into float32", _setitem(lambda lib: slice(0, 2), lambda lib: lib.tensor([1.5, 2.5],
                                                                                           dtype=lib.float64))),
    ("float value into int64", _setitem(lambda lib: slice(0, 2), lambda lib: lib.tensor([1.5, 2.5]),
                                        lambda lib: lib.int64)),
    ("float scalar into int64", _setitem(lambda lib: 0, lambda lib: 2.7, lambda lib: lib.int64)),
    ("float64 value at an index tensor", _setitem(lambda lib: lib.tensor([0, 2]),
                                                  lambda lib: lib.tensor([1.5, 2.5], dtype=lib.float64))),
    ("0-d float64 value at an index tensor", _setitem(lambda lib: lib.tensor([0, 2]),
                                                      lambda lib: lib.tensor(1.5, dtype=lib.float64))),
    ("int value into bool", _setitem(lambda lib: 0, lambda lib: lib.tensor([2]), lambda lib: lib.bool)),
    ("bool mask, too many values", _setitem(lambda lib: lib.tensor([True, False, True]),
                                            lambda lib: lib.tensor([1.0, 2.0, 3.0]))),
    ("bool mask, 2-d values", _setitem(lambda lib: lib.tensor([True, False, True]),
                                       lambda lib: lib.ones(2, 1))),
    ("bool mask, a list value",
     _setitem(lambda lib: lib.tensor([True, False, True]), lambda lib: [1.0, 2.0])),
    ("bool mask, a string value", _setitem(lambda lib: lib.tensor([True, False, True]), lambda lib: "a")),
    ("value of the wrong shape", _setitem(lambda lib: slice(0, 2), lambda lib: lib.ones(3))),
    ("value with extra leading dims", _setitem(lambda lib: slice(0, 2), lambda lib: lib.ones(1, 1, 2))),
    ("value with a leading dim > 1", _setitem(lambda lib: slice(0, 2), lambda lib: lib.ones(2, 2))),
    ("index tensor, value of the wrong shape", _setitem(lambda lib: lib.tensor([0, 1]),
                                                        lambda lib: lib.ones(3))),
    ("index tensor then -1, a (1, 1, 1) value", _setitem(lambda lib: (lib.tensor([2]), -1),
                                                         lambda lib: lib.ones(1, 1, 1), shape=(3, 1, 2))),
    ("backward through an index tensor then -1", _setitem_backward),
    ("backward through a mask", _setitem_mask_backward),
]


@cases(*SETITEM)
def test_setitem(fn):
    check(fn)


# -- autograd.grad and hooks: a gradient has its input's dtype -----------------------------------
def _grad_of_a_cast(lib: Any) -> tuple:
    x, seen = leaf(lib, [1.0, 2.0], lib.float64), []
    x.register_hook(lambda g: seen.append(g.dtype))
    (g,) = lib.autograd.grad(x.sum(dtype=lib.float32), x)
    return g, seen


def _backward_of_a_cast(lib: Any) -> tuple:
    x, seen = leaf(lib, [1.0, 2.0], lib.float16), []
    y = x * 2
    y.register_hook(lambda g: seen.append(g.dtype))
    y.to(lib.float64).sum().backward()
    return x.grad, seen


def _hook_below_a_reduction(reduce: str) -> Callable:
    def fn(lib: Any) -> tuple:
        x, seen = leaf(lib, [1.0, 2.0, 3.0], lib.float64), []
        y = x * 2
        y.register_hook(lambda g: seen.append(g.dtype))
        out = getattr(y, reduce)(**({"dim": 0} if reduce in ("cumsum", "cumprod") else {}), dtype=lib.float32)
        (g,) = lib.autograd.grad(out.sum(), x)
        return g, seen
    return fn


@cases(("autograd.grad of a float32 sum of float64", _grad_of_a_cast),
       ("backward of a float64 cast of float16", _backward_of_a_cast),
       *[(f"a hook below {r}(dtype=float32)", _hook_below_a_reduction(r))
         for r in ("sum", "prod", "cumsum", "cumprod")])
def test_gradient_has_the_inputs_dtype(fn):
    check(fn)


# -- clamp with tensor bounds: ties and nan -----------------------------------------------------
def _clamp(kind: str) -> Callable:
    def fn(lib: Any) -> tuple:
        x = leaf(lib, [1.0, float("nan"), 0.5, 3.0, 2.0])
        lo, hi = leaf(lib, [1.0, 0.0, 1.0, 0.0, 0.0]), leaf(lib, [2.0, 1.0, 2.0, 3.0, 2.0])
        if kind == "min":
            y = lib.clamp(x, min=lo)
        elif kind == "max":
            y = lib.clamp(x, max=hi)
        elif kind == "both":
            y = lib.clamp(x, min=lo, max=hi)
        elif kind == "clamp_min":
            y = lib.clamp_min(x, lo)
        elif kind == "clamp_max":
            y = lib.clamp_max(x, hi)
        else:  # a scalar bound: at a tie, x keeps its gradient
            y = lib.clamp(x, min=1.0, max=2.0)
        return y, grads(lib, (y * lib.arange(1.0, 6.0)).sum(), x, lo, hi)
    return fn


def _clamp_more(kind: str) -> Callable:
    def fn(lib: Any) -> tuple:
        x = leaf(lib, [1.0, 2.0, 3.0, -1.0])
        lo, hi = leaf(lib, [float("nan"), 2.5, 3.0, 0.0]), leaf(lib, [2.0, 1.0, 3.0, float("nan")])
        if kind == "nan bounds":
            y = lib.clamp(x, min=lo, max=hi)
        elif kind == "min above max":
            y = lib.clamp(x, min=hi, max=lo)
        elif kind == "int input, float bound":
            return lib.clamp(lib.tensor([1, 5, 9]), min=lib.tensor([2.5, 2.5, 2.5]))
        elif kind == "float64 bound":
            y = lib.clamp(x, max=lib.tensor([1.5], dtype=lib.float64))
            return y, grads(lib, y.sum(), x)
        else:  # bounds that do not broadcast
            return lib.clamp(x, min=lib.zeros(3))
        return y, grads(lib, (y * lib.arange(1.0, 5.0)).sum(), x, lo, hi)
    return fn


@cases(*[(k, _clamp(k)) for k in ("min", "max", "both", "clamp_min", "clamp_max", "scalars")],
       *[(k, _clamp_more(k)) for k in ("nan bounds", "min above max", "int input, float bound",
                                       "float64 bound", "bounds that do not broadcast")])
def test_clamp_with_tensor_bounds(fn):
    check(fn)


# -- div with a rounding mode: the gradient is zero (floor and trunc are flat), even at 0 / 0 -----
def _div_rounded(mode: str, divisor: float) -> Callable:
    def fn(lib: Any) -> tuple:
        x = leaf(lib, [1.0, -2.0, 0.0, 7.5])
        y = lib.div(x, divisor, rounding_mode=mode)
        return y, grads(lib, y.sum(), x)
    return fn


def _div_rounded_divisor(lib: Any) -> tuple:
    x, d = leaf(lib, [1.0, -2.0, 0.0]), leaf(lib, [0.0, 2.0, 0.0])
    y = lib.div(x, d, rounding_mode="trunc")
    return y, grads(lib, y.sum(), x, d)


@cases(*[(f"{mode} by {d}", _div_rounded(mode, d)) for mode in ("trunc", "floor") for d in (0.0, 2.0)],
       ("trunc by a tensor", _div_rounded_divisor))
def test_div_rounding_mode_gradient(fn):
    check(fn)


# -- masked_fill: the mask may broadcast the input to a larger shape ------------------------------
def _masked_fill_broadcast(lib: Any) -> tuple:
    x = leaf(lib, [1.0, 2.0, 3.0])
    y = x.masked_fill(lib.tensor([[True, False, False], [False, False, True]]), -1.0)
    return y, grads(lib, (y * lib.arange(6.0).reshape(2, 3)).sum(), x)


def _masked_fill_broadcast_tensor_value(lib: Any) -> tuple:
    x, v = leaf(lib, [[1.0], [2.0]]), leaf(lib, 5.0)
    y = lib.masked_fill(x, lib.tensor([True, False, True]), v)
    return y, grads(lib, y.sum(), x, v)


def _masked_fill_inplace_broadcast(lib: Any) -> Any:
    return lib.ones(3).masked_fill_(lib.tensor([[True, False, False]]), 0.0)


@cases(("scalar value", _masked_fill_broadcast), ("tensor value", _masked_fill_broadcast_tensor_value),
       ("in place may not broadcast self", _masked_fill_inplace_broadcast))
def test_masked_fill_broadcasts_the_input(fn):
    check(fn)


# -- what torch refuses must be refused, with torch's class and message -------------------------
def _two(lib: Any, a: Any = None, b: Any = None) -> tuple:
    return lib.ones(2, 2, dtype=a or lib.float32), lib.ones(2, 2, dtype=b or lib.float64)


def _set_grad(lib: Any, grad: Callable) -> Any:
    x = leaf(lib, [1.0, 2.0])
    x.grad = grad(lib)
    return x.grad


REFUSED = [
    ("matmul float32 @ float64", lambda lib: lib.matmul(*_two(lib))),
    ("matmul vectors of two dtypes", lambda lib: lib.matmul(lib.ones(2), lib.ones(2, dtype=lib.float64))),
    ("matmul int64 @ float32", lambda lib: lib.ones(2, 2, dtype=lib.int64) @ lib.ones(2, 2)),
    ("mm float32, float64", lambda lib: lib.mm(*_two(lib))),
    ("mm float64, float32", lambda lib: lib.mm(*_two(lib, lib.float64, lib.float32))),
    ("bmm float32, float64", lambda lib: lib.bmm(lib.ones(1, 2, 2), lib.ones(1, 2, 2, dtype=lib.float64))),
    ("mv float32, float64", lambda lib: lib.mv(lib.ones(2, 2), lib.ones(2, dtype=lib.float64))),
    ("dot float32, float64", lambda lib: lib.dot(lib.ones(2), lib.ones(2, dtype=lib.float64))),
    ("dot int64, float32", lambda lib: lib.dot(lib.ones(2, dtype=lib.int64), lib.ones(2))),
    ("maximum with a number", lambda lib: lib.maximum(lib.ones(2), 2.0)),
    ("minimum with a number", lambda lib: lib.minimum(lib.ones(2), 2)),
    ("1 - bool tensor", lambda lib: 1 - lib.tensor([True, False])),
    ("bool tensor - 1", lambda lib: lib.tensor([True, False]) - 1),
    ("abs of bool", lambda lib: lib.abs(lib.tensor([True, False]))),
    ("ceil of bool", lambda lib: lib.ceil(lib.tensor([True, False]))),
    ("floor of bool", lambda lib: lib.floor(lib.tensor([True, False]))),
    ("round of bool", lambda lib: lib.round(lib.tensor([True, False]))),
    ("trunc of bool", lambda lib: lib.trunc(lib.tensor([True, False]))),
    ("relu of bool", lambda lib: lib.relu(lib.tensor([True, False]))),
    ("argmax of bool", lambda lib: lib.argmax(lib.tensor([True, False]))),
    ("argmin of bool", lambda lib: lib.argmin(lib.tensor([True, False]))),
    ("pow of bool tensors", lambda lib: lib.pow(lib.tensor([True]), lib.tensor([True]))),
    ("bool ** 2", lambda lib: lib.tensor([True, False]) ** 2),
    ("2 ** bool", lambda lib: 2 ** lib.tensor([True, False])),
    ("neg of bool", lambda lib: -lib.tensor([True, False])),
    ("sum(2) of a 0-d tensor", lambda lib: lib.tensor(0.0).sum(2)),
    ("sum(-2) of a 0-d tensor", lambda lib: lib.tensor(0.0).sum(-2)),
    ("softmax(2) of a 0-d tensor", lambda lib: lib.softmax(lib.tensor(0.0), 2)),
    ("logsumexp(2) of a 0-d tensor", lambda lib: lib.logsumexp(lib.tensor(0.0), 2)),
    ("var(2) of a 0-d tensor", lambda lib: lib.var(lib.tensor(0.0), 2)),
    ("amin(2) of a 0-d tensor", lambda lib: lib.amin(lib.tensor(0.0), 2)),
    ("mean(1) of a 0-d tensor", lambda lib: lib.tensor(0.0).mean(1)),
    ("permute()", lambda lib: lib.ones(2).permute()),
    ("reshape()", lambda lib: lib.ones(2).reshape()),
    ("view()", lambda lib: lib.ones(2).view()),
    ("expand()", lambda lib: lib.ones(2).expand()),
    ("x[::-1]", lambda lib: lib.ones(3)[::-1]),
    ("x[:, ::-2]", lambda lib: lib.ones(2, 3)[:, ::-2]),
    ("x[::-1] = v", lambda lib: lib.ones(3).__setitem__(slice(None, None, -1), 0.0)),
    ("index_select with a negative index", lambda lib: lib.index_select(lib.ones(3), 0, lib.tensor([-1]))),
    ("index_select out of range", lambda lib: lib.index_select(lib.ones(3), 0, lib.tensor([3]))),
    ("sum(dtype=int64) of a tensor requiring grad", lambda lib: leaf(lib, [1.0, 2.0]).sum(dtype=lib.int64)),
    ("cross_entropy weight requiring grad",
     lambda lib: F(lib).cross_entropy(leaf(lib, [[1.0, 2.0]]), lib.tensor([1]),
                                      weight=leaf(lib, [1.0, 2.0]))),
    ("nll_loss weight requiring grad",
     lambda lib: F(lib).nll_loss(leaf(lib, [[1.0, 2.0]]), lib.tensor([1]), weight=leaf(lib, [1.0, 2.0]))),
    ("bce weight requiring grad", lambda lib: grads(lib, F(lib).binary_cross_entropy(
        leaf(lib, [0.5, 0.25]), lib.tensor([1.0, 0.0]), weight=(w := leaf(lib, [1.0, 2.0]))), w)),
    ("bce_with_logits weight requiring grad", lambda lib: grads(lib, F(lib).binary_cross_entropy_with_logits(
        leaf(lib, [0.5, 0.25]), lib.tensor([1.0, 0.0]), weight=(w := leaf(lib, [1.0, 2.0]))), w)),
    ("bce_with_logits pos_weight requiring grad",
     lambda lib: grads(lib, F(lib).binary_cross_entropy_with_logits(
        leaf(lib, [0.5, 0.25]), lib.tensor([1.0, 0.0]), pos_weight=(w := leaf(lib, [1.0, 2.0]))), w)),
    ("x.grad of another shape", lambda lib: _set_grad(lib, lambda lib: lib.ones(3))),
    ("x.grad of another dtype", lambda lib: _set_grad(lib, lambda lib: lib.ones(2, dtype=lib.float64))),
    ("x.grad an int tensor", lambda lib: _set_grad(lib, lambda lib: lib.ones(2, dtype=lib.int64))),
    ("x.grad a list", lambda lib: _set_grad(lib, lambda lib: [1.0, 2.0])),
    ("x.grad None", lambda lib: _set_grad(lib, lambda lib: None)),
    # torch's kernel keeps the dims of the max it shifts by: a [1, 1] result for a [] output
    ("logsumexp over () without keepdim", lambda lib: lib.logsumexp(_x(lib, 2, 3), ())),
]


@cases(*REFUSED)
def test_refused_as_torch_refuses(fn):
    check(fn)


# -- torch's exception class and words, never numpy's -------------------------------------------
def _x(lib: Any, *shape: int) -> Any:
    return lib.arange(float(np.prod(shape))).reshape(shape)


def _put(lib: Any, shape: tuple, key: Callable, value: Any) -> Any:
    x = _x(lib, *shape)
    x[key(lib)] = value(lib) if callable(value) else value
    return x


def _b(lib: Any, *values: bool) -> Any:
    return lib.tensor(values)


def _i(lib: Any, *values: int) -> Any:
    return lib.tensor(values)


INDEX_ERRORS = [
    ("x[5]", lambda lib: _x(lib, 3)[5]),
    ("x[-4]", lambda lib: _x(lib, 3)[-4]),
    ("x[0, 5]", lambda lib: _x(lib, 2, 3)[0, 5]),
    ("x[:, 5]", lambda lib: _x(lib, 2, 3)[:, 5]),
    ("x[..., 5]", lambda lib: _x(lib, 2, 3)[..., 5]),
    ("x[None, 5]", lambda lib: _x(lib, 3)[None, 5]),
    ("x[0, 0, 0]", lambda lib: _x(lib, 2, 3)[0, 0, 0]),
    ("x[1.5]", lambda lib: _x(lib, 3)[1.5]),
    ("x['a']", lambda lib: _x(lib, 3)["a"]),
    ("x[tensor([5])]", lambda lib: _x(lib, 3)[_i(lib, 5)]),
    ("x[tensor([-4])]", lambda lib: _x(lib, 3)[_i(lib, -4)]),
    ("x[[5]]", lambda lib: _x(lib, 3)[[5]]),
    ("x[tensor([[0, 5]])]", lambda lib: _x(lib, 3)[lib.tensor([[0, 5]])]),
    ("x[idx, 5]", lambda lib: _x(lib, 2, 3)[_i(lib, 0), 5]),
    ("x[0, idx out of range]", lambda lib: _x(lib, 2, 3)[0, _i(lib, 3)]),
    ("x[idx, idx out of range]", lambda lib: _x(lib, 2, 3)[_i(lib, 0), _i(lib, 3)]),
    ("x[:, idx out of range]", lambda lib: _x(lib, 2, 3)[:, _i(lib, 3)]),
    ("indices that do not broadcast", lambda lib: _x(lib, 2, 3)[_i(lib, 0, 1), _i(lib, 0, 1, 2)]),
    ("mask of the wrong length", lambda lib: _x(lib, 3)[_b(lib, True, False)]),
    ("mask of the wrong shape", lambda lib: _x(lib, 2, 3)[lib.ones(3, 2, dtype=lib.bool)]),
    ("mask then an index out of range", lambda lib: _x(lib, 2, 3)[_b(lib, True, False), 5]),
    ("too many indices with a mask", lambda lib: _x(lib, 3)[_b(lib, True, False, True), 0]),
    ("float index tensor", lambda lib: _x(lib, 3)[lib.tensor([0.0])]),
    ("x[:, 0, idx out of range]", lambda lib: _x(lib, 2, 3, 4)[:, 0, _i(lib, 4)]),
    ("x[idx, :, idx out of range]", lambda lib: _x(lib, 2, 3, 4)[_i(lib, 1), :, _i(lib, 4)]),
    ("x[None, :, idx out of range]", lambda lib: _x(lib, 2, 3)[None, :, _i(lib, -4)]),
    ("x[mask, idx out of range]", lambda lib: _x(lib, 2, 3)[_b(lib, True, False), _i(lib, 3)]),
    ("x[None, ..., 7]", lambda lib: _x(lib, 2, 3)[None, ..., 7]),
    ("three indices that do not broadcast",
     lambda lib: _x(lib, 2, 3, 4)[_i(lib, 0, 1), _i(lib, 0), _i(lib, 0, 1, 2)]),
    ("mask and an index that do not broadcast",
     lambda lib: _x(lib, 2, 3)[_b(lib, True, True), _i(lib, 0, 1, 2)]),
    ("x[5] = 1", lambda lib: _put(lib, (3,), lambda lib: 5, 1.0)),
    ("x[0, 5] = 1", lambda lib: _put(lib, (2, 3), lambda lib: (0, 5), 1.0)),
    ("x[tensor([5])] = 1", lambda lib: _put(lib, (3,), lambda lib: _i(lib, 5), 1.0)),
    ("x[idx, idx] = 1 out of range",
     lambda lib: _put(lib, (2, 3), lambda lib: (_i(lib, 0), _i(lib, 3)), 1.0)),
    ("x[mask] = 1, wrong mask", lambda lib: _put(lib, (3,), lambda lib: _b(lib, True, False), 1.0)),
    ("x[mask] = values, wrong count", lambda lib: _put(lib, (3,), lambda lib: _b(lib, True, False, True),
                                                      lambda lib: lib.ones(3))),
    ("x[idx] = values, wrong count",
     lambda lib: _put(lib, (3,), lambda lib: _i(lib, 0, 1), lambda lib: lib.ones(3))),
    ("x[idx] = values, wrong rank",
     lambda lib: _put(lib, (3,), lambda lib: _i(lib, 0, 1), lambda lib: lib.ones(2, 2))),
    ("x[:, idx] = values, wrong shape",
     lambda lib: _put(lib, (2, 3), lambda lib: (slice(None), _i(lib, 0, 1)),
                                                        lambda lib: lib.ones(3))),
    ("x[0] = values, wrong shape", lambda lib: _put(lib, (2, 3), lambda lib: 0, lambda lib: lib.ones(2))),
    ("x[0:1] = values, wrong rank",
     lambda lib: _put(lib, (2, 3), lambda lib: slice(0, 1), lambda lib: lib.ones(2, 2, 3))),
    ("x[::0]", lambda lib: _x(lib, 3)[::0]),
    ("x[::0] = 1", lambda lib: _put(lib, (3,), lambda lib: slice(None, None, 0), 1.0)),
    ("gather out of range", lambda lib: lib.gather(_x(lib, 3), 0, _i(lib, 3))),
    ("gather negative", lambda lib: lib.gather(_x(lib, 3), 0, _i(lib, -1))),
    ("scatter_add out of range", lambda lib: lib.scatter_add(lib.zeros(3), 0, _i(lib, 5), lib.ones(1))),
    ("scatter_add negative", lambda lib: lib.scatter_add(lib.zeros(3), 0, _i(lib, -1), lib.ones(1))),
    ("masked_select with a mask that does not broadcast",
     lambda lib: lib.masked_select(_x(lib, 3), _b(lib, True, False))),
    ("index_select on a 0-d tensor out of range",
     lambda lib: lib.index_select(lib.tensor(1.0), 0, _i(lib, 1))),
]


@cases(*INDEX_ERRORS)
def test_index_errors_in_torch_words(fn):
    check(fn)


def _empty_extreme(name: str, dim: Any = None) -> Callable:
    def fn(lib: Any) -> Any:
        x = lib.zeros(2, 0)
        return getattr(lib, name)(x) if dim is None else getattr(lib, name)(x, dim)
    return fn


WRONG_CLASS = [
    ("where, shapes that do not broadcast",
     lambda lib: lib.where(lib.ones(2, dtype=lib.bool), lib.ones(3), lib.ones(2))),
    ("where, condition that does not broadcast",
     lambda lib: lib.where(lib.ones(3, dtype=lib.bool), lib.ones(2), lib.ones(2))),
    ("&, shapes that do not broadcast",
     lambda lib: lib.ones(2, dtype=lib.bool) & lib.ones(3, dtype=lib.bool)),
    ("|, shapes that do not broadcast",
     lambda lib: lib.ones(2, dtype=lib.bool) | lib.ones(3, dtype=lib.bool)),
    ("^, shapes that do not broadcast",
     lambda lib: lib.ones(2, dtype=lib.bool) ^ lib.ones(3, dtype=lib.bool)),
    ("//, shapes that do not broadcast", lambda lib: lib.ones(2) // lib.ones(3)),
    ("%, shapes that do not broadcast", lambda lib: lib.ones(2) % lib.ones(3)),
    ("allclose, shapes that do not broadcast", lambda lib: lib.allclose(lib.ones(2), lib.ones(3))),
    ("isclose, shapes that do not broadcast", lambda lib: lib.isclose(lib.ones(2), lib.ones(3))),
    ("==, shapes that do not broadcast", lambda lib: lib.ones(2) == lib.ones(3)),
    ("<, shapes that do not broadcast", lambda lib: lib.ones(2) < lib.ones(3)),
    ("logical_and, shapes that do not broadcast", lambda lib: lib.logical_and(lib.ones(2), lib.ones(3))),
    ("argmax of an empty tensor", _empty_extreme("argmax")),
    ("argmin of an empty tensor", _empty_extreme("argmin")),
    ("amax of an empty tensor", _empty_extreme("amax")),
    ("amin of an empty tensor", _empty_extreme("amin")),
    ("argmax over an empty dim", _empty_extreme("argmax", 1)),
    ("amax over an empty dim", _empty_extreme("amax", 1)),
    ("max over an empty dim", _empty_extreme("max", 1)),
    ("max of an empty tensor", _empty_extreme("max")),
    ("sign of bool", lambda lib: lib.sign(lib.tensor([True, False]))),
    ("cross_entropy over zero classes", lambda lib: F(lib).cross_entropy(lib.ones(2, 0), lib.tensor([0, 0]))),
    ("nll_loss over zero classes", lambda lib: F(lib).nll_loss(lib.ones(2, 0), lib.tensor([0, 0]))),
    ("x.mT of a 1-d tensor", lambda lib: lib.ones(2).mT),
    ("x.mH of a 1-d tensor", lambda lib: lib.ones(2).mH),
    ("Linear of a numpy array", lambda lib: lib.nn.Linear(2, 1)(np.ones((1, 2), dtype=np.float32))),
    ("cat(t1, t2)", lambda lib: lib.cat(lib.ones(2), lib.ones(2))),
    ("ragged nested list", lambda lib: lib.tensor([[1, 2], [3]])),
    ("ragged nested list, deeper", lambda lib: lib.tensor([[[1, 2]], [[3]]])),
    ("float16 overflow", lambda lib: lib.tensor([60000.0], dtype=lib.float16) * 2),
    ("float16 overflow in exp", lambda lib: lib.exp(lib.tensor([20.0], dtype=lib.float16))),
    ("float16 from a large float", lambda lib: lib.tensor([1e6], dtype=lib.float16)),
    ("float16 sum overflow", lambda lib: lib.full((4,), 60000.0, dtype=lib.float16).sum()),
    ("float16 full of a large value", lambda lib: lib.full((2,), 1e6, dtype=lib.float16)),
    ("float16 tensor * a large number", lambda lib: lib.ones(2, dtype=lib.float16) * 70000.0),
    ("a large number + float16 tensor", lambda lib: 70000.0 + lib.ones(2, dtype=lib.float16)),
    ("float32 to float16 overflow", lambda lib: lib.tensor([1e6]).half()),
    ("allclose of two dtypes", lambda lib: lib.allclose(lib.ones(2), lib.ones(2, dtype=lib.float64))),
]


@cases(*WRONG_CLASS)
def test_torch_class_and_message(fn):
    check(fn)


# -- warnings torch gives ----------------------------------------------------------------------
def _non_leaf_grad(lib: Any) -> Any:
    y = leaf(lib, [1.0, 2.0]) * 2
    return y.grad


def _retained_grad(lib: Any) -> tuple:
    y = leaf(lib, [1.0, 2.0]) * 2
    y.retain_grad()
    before = y.grad
    y.sum().backward()
    return before, y.grad


@cases(("reading .grad of a non-leaf", _non_leaf_grad), ("after retain_grad", _retained_grad),
       ("of a leaf", lambda lib: leaf(lib, [1.0]).grad),
       ("of a tensor that does not require grad", lambda lib: (lib.ones(2) * 2).grad))
def test_grad_of_a_non_leaf_warns(fn):
    check(fn)


# torch gives these warnings once per process (TORCH_WARN_ONCE), so a fresh interpreter reports them
_WARN_ONCE = {
    "ones(2, 2, 2).T": lambda lib: lib.ones(2, 2, 2).T,
    "ones(()).T": lambda lib: lib.ones(()).T,
    "ones(()).mT": lambda lib: lib.ones(()).mT,
    "ones(()).mH": lambda lib: lib.ones(()).mH,
    "ones(()).H": lambda lib: lib.ones(()).H,
}
_TORCH_WARNINGS_SCRIPT = """
import json, re, warnings, torch
seen = {}
for code in %r:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        eval(code.replace("ones", "torch.ones"))
    seen[code] = [(w.category.__name__, re.sub(r" \\(Triggered internally at .*\\)$", "", str(w.message)))
                  for w in caught]
print(json.dumps(seen))
"""


def test_warnings_torch_gives_once_per_process():
    out = subprocess.run([sys.executable, "-c", _TORCH_WARNINGS_SCRIPT % list(_WARN_ONCE)], check=True,
                         capture_output=True, text=True).stdout
    expected = {code: [tuple(w) for w in ws] for code, ws in json.loads(out).items()}
    for code, fn in _WARN_ONCE.items():
        assert expected[code], f"torch gave no warning for {code}"
        assert _run(fn, minigrad)[1] == expected[code], code
    reverse_3d = _WARN_ONCE["ones(2, 2, 2).T"]
    _assert_same(_run(reverse_3d, torch)[0], _run(reverse_3d, minigrad)[0])


# -- smaller disagreements -----------------------------------------------------------------------
def _loss_with_0d_target(name: str) -> Callable:
    def fn(lib: Any) -> tuple:
        x = leaf(lib, [0.5, -1.0, 2.0])
        out = getattr(F(lib), name)(x, lib.tensor(1.0, dtype=lib.float64))
        return out, grads(lib, out, x)
    return fn


SMALLER = [
    ("logsumexp over () with keepdim", lambda lib: lib.logsumexp(_x(lib, 2, 3), (), keepdim=True)),
    ("logsumexp over () of a 0-d tensor", lambda lib: lib.logsumexp(lib.tensor(2.0), ())),
    ("empty slice and an index out of range", lambda lib: _x(lib, 3, 4)[1:1, _i(lib, 10)]),
    ("empty dim and an index out of range", lambda lib: lib.zeros(3, 0)[_i(lib, 5)]),
    ("empty index and an index out of range",
     lambda lib: _x(lib, 3, 4)[lib.tensor([], dtype=lib.int64), _i(lib, 10)]),
    ("an index into a dim of size 0", lambda lib: lib.zeros(3, 0)[:, _i(lib, 5)]),
    ("an index into an empty slice", lambda lib: _x(lib, 3, 4)[1:1][_i(lib, 10)]),
    ("l1_loss with a 0-d float64 target", _loss_with_0d_target("l1_loss")),
    ("mse_loss with a 0-d float64 target", _loss_with_0d_target("mse_loss")),
    ("smooth_l1_loss with a 0-d float64 target", _loss_with_0d_target("smooth_l1_loss")),
    ("bce_with_logits with a 0-d target", _loss_with_0d_target("binary_cross_entropy_with_logits")),
    ("softmax of an empty int tensor", lambda lib: lib.softmax(lib.zeros(0, dtype=lib.int64), 0)),
    ("log_softmax of an empty int tensor", lambda lib: lib.log_softmax(lib.zeros(0, dtype=lib.int64), 0)),
    ("softmax of an int tensor", lambda lib: lib.softmax(lib.zeros(2, dtype=lib.int64), 0)),
    ("float // 2 requires grad", lambda lib: (leaf(lib, [3.0, -3.5]) // 2)),
    ("backward through float // 2", lambda lib: grads(lib, (leaf(lib, [3.0, -3.5]) // 2).sum())),
    ("int // 2", lambda lib: lib.tensor([3, -3]) // 2),
    ("floor_divide by an int zero", lambda lib: lib.tensor([3, -3]) // 0),
]


@cases(*SMALLER)
def test_smaller_disagreements(fn):
    check(fn)


# -- where torch itself fails or is not IEEE: each decision of docs/parity.md, pinned ---------------
def test_clamp_with_broadcasting_bounds_sums_each_gradient_to_its_input():
    """torch's backward fails ("output with shape [1, 3] doesn't match the broadcast shape [2, 3]");
    minigrad gives each input the gradient torch gives the same clamp on expanded copies."""
    def run(lib: Any, expand: bool) -> tuple:
        x, lo, hi = leaf(lib, [[1.0, 2.0, 3.0]]), leaf(lib, [[1.5], [0.0]]), leaf(lib, [2.5, 2.5, 2.5])
        args = [t.expand(2, 3) for t in (x, lo, hi)] if expand else [x, lo, hi]
        y = lib.clamp(args[0], min=args[1], max=args[2])
        return y, grads(lib, (y * lib.arange(6.0).reshape(2, 3)).sum(), x, lo, hi)

    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        run(torch, expand=False)
    _assert_same(_plain(run(torch, expand=True), torch), _plain(run(minigrad, expand=False), minigrad))


def test_pow_minus_half_is_ieee_at_negative_infinity_and_negative_zero():
    """torch computes ``x ** -0.5`` as 1 / sqrt(x): nan at -inf and -inf at -0.  IEEE pow (and torch's
    own pow with a tensor exponent) gives +0 and +inf; minigrad gives those."""
    values = [-float("inf"), -0.0, 4.0, float("inf")]
    ieee = torch.pow(torch.tensor(values), torch.full((4,), -0.5))
    assert torch.isnan(torch.tensor(values) ** -0.5)[0]  # the edge itself, as torch has it
    for result in (minigrad.tensor(values) ** -0.5, minigrad.pow(minigrad.tensor(values), -0.5)):
        np.testing.assert_array_equal(result.numpy(), ieee.numpy())
        assert np.signbit(result.numpy()).tolist() == np.signbit(ieee.numpy()).tolist()


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_over_no_dims_have_the_gradient_of_the_whole_reduction(name):
    """``var(dim=())`` reduces every element, as ``var()``; torch's gradient for it is +-inf, minigrad's
    is the gradient torch gives ``var()``."""
    def run(lib: Any, dim: Any) -> tuple:
        x = leaf(lib, [1.0, 2.0, 4.0])
        y = getattr(x, name)() if dim is None else getattr(x, name)(dim=dim)
        return y, grads(lib, y, x)

    assert torch.isinf(run(torch, ())[1][0]).all()  # the edge itself, as torch has it
    _assert_same(_plain(run(torch, None), torch), _plain(run(minigrad, ()), minigrad))


def test_take_along_dim_refuses_an_index_out_of_range():
    """torch's take_along_dim does not check its indices (it reads outside the tensor); minigrad
    raises the RuntimeError torch's gather raises for the same index."""
    with pytest.raises(RuntimeError) as expected:
        torch.gather(torch.arange(3.0), 0, torch.tensor([3]))
    with pytest.raises(RuntimeError) as actual:
        minigrad.take_along_dim(minigrad.arange(3.0), minigrad.tensor([3]), 0)
    assert str(actual.value) == str(expected.value)


def test_a_key_with_two_ellipses_is_refused():
    """torch accepts ``x[..., ...]`` (undocumented: each ``...`` skips the unindexed dims again);
    minigrad refuses it as numpy and the array API do."""
    assert torch.equal(torch.ones(2, 3)[..., ...], torch.ones(2, 3))
    with pytest.raises(IndexError, match=re.escape("an index can only have a single ellipsis ('...')")):
        minigrad.ones(2, 3)[..., ...]


def test_huber_loss_with_a_target_of_another_float_dtype_refuses_a_gradient():
    """torch computes huber_loss(float32 input, float64 target) but its backward then fails ("Found dtype
    Double but expected Float"); minigrad refuses it the same way."""
    for lib in (torch, minigrad):
        x = leaf(lib, [0.5, -1.0, 2.0])
        out = F(lib).huber_loss(x, lib.tensor([1.0, 1.0, -3.0], dtype=lib.float64))
        with pytest.raises(RuntimeError, match="Found dtype Double but expected Float"):
            grads(lib, out, x)


# -- where torch and minigrad agree although a report said otherwise: pinned against torch -------
def _remainder_gradients(lib: Any) -> tuple:
    a, b = leaf(lib, [5.0, -5.0, 7.5]), leaf(lib, [3.0, 3.0, -2.0])
    return grads(lib, lib.remainder(a, b).sum(), a, b)


def _division_by_subnormals(lib: Any) -> tuple:
    x, d = leaf(lib, [1e-39, 0.0, 1.0, 3e-45, -2e-40]), leaf(lib, [1e-40, 1e-40, 1e-45, 1e-45, 3e-45])
    y = x / d
    return y, lib.div(x, d, rounding_mode="floor"), grads(lib, y.sum(), x, d)


@cases(("remainder's gradient for the divisor", _remainder_gradients),
       ("division by subnormals", _division_by_subnormals))
def test_agrees_with_torch(fn):
    check(fn)


def _bce_with_logits_dtypes(input_dtype: str, target_dtype: str, **weights: str) -> Callable:
    def fn(lib: Any) -> tuple:
        x = leaf(lib, [0.5, -1.0], getattr(lib, input_dtype))
        kw = {k: lib.tensor([1.0, 2.0], dtype=getattr(lib, v)) for k, v in weights.items()}
        target = lib.tensor([1.0, 0.0], dtype=getattr(lib, target_dtype))
        out = F(lib).binary_cross_entropy_with_logits(x, target, **kw)
        return out, grads(lib, out, x)
    return fn


@cases(("float64 input, float32 target", _bce_with_logits_dtypes("float64", "float32")),
       ("float32 input, float64 target", _bce_with_logits_dtypes("float32", "float64")),
       ("float64 input, float32 target, pos_weight", _bce_with_logits_dtypes("float64", "float32",
                                                                            pos_weight="float64")),
       ("float32 input, float32 target, float64 weight", _bce_with_logits_dtypes("float32", "float32",
                                                                                weight="float64")))
def test_bce_with_logits_has_the_targets_dtype(fn):
    check(fn)


# ----- more decisions at torch's edges (docs/parity.md), each showing torch's behaviour too ----------
def test_nearest_interpolation_gradient_is_the_adjoint_of_its_forward():
    """5 elements at scale 1.05: both forwards pick [x0, x0, x1, x2, x3]; torch's backward is the
    identity there, minigrad's sends each output's gradient to the element it copied."""
    grads = {}
    for lib in (torch, minigrad):
        x = lib.arange(5.0, requires_grad=True)
        y = lib.nn.functional.interpolate(x.view(1, 1, 5), scale_factor=1.05, mode="nearest")
        assert y.flatten().tolist() == [0.0, 0.0, 1.0, 2.0, 3.0]
        grads[lib.__name__] = lib.autograd.grad(y, x, lib.arange(1.0, 6.0).view(1, 1, 5))[0].tolist()
    assert grads["torch"] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert grads["minigrad"] == [3.0, 3.0, 4.0, 5.0, 0.0]


def test_gelu_of_inf_is_inf():
    """torch's vectorised float32 gelu gives nan at inf (8 elements take that path)."""
    assert math.isnan(torch.nn.functional.gelu(torch.full((8,), math.inf))[0].item())
    assert torch.nn.functional.gelu(torch.tensor([math.inf], dtype=torch.float64)).item() == math.inf
    assert minigrad.nn.functional.gelu(minigrad.full((8,), math.inf)).tolist() == [math.inf] * 8


def test_an_integer_tensor_filled_from_a_graph_tensor_stays_out_of_the_graph():
    b_t, b_m = torch.zeros(2, dtype=torch.bool), minigrad.zeros(2, dtype=minigrad.bool)
    b_t.fill_(torch.tensor(1.0, requires_grad=True))
    b_m.fill_(minigrad.tensor(1.0, requires_grad=True))
    assert b_t.requires_grad and not b_m.requires_grad
    assert b_t.tolist() == b_m.tolist() == [True, True]


def test_a_python_bool_base_has_a_gradient():
    """torch's backward of False ** x fails an internal assert; the gradient is 0 * log(0) terms
    that vanish where the power is 0: minigrad gives 0."""
    x = torch.tensor([1.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="INTERNAL ASSERT FAILED"):
        torch.autograd.grad((False ** x).sum(), x)
    xm = minigrad.tensor([1.5], requires_grad=True)
    assert minigrad.autograd.grad((False ** xm).sum(), xm)[0].tolist() == [0.0]
