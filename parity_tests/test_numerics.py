"""Extreme inputs: sigmoid, log, exp, softmax / log_softmax, var, BCE, BCEWithLogits and CE give
torch's values (inf and nan included) and their gradients, and numpy never warns (every minigrad
call here runs with warnings as errors and numpy set to raise on any floating-point event)."""

from __future__ import annotations

import importlib
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad.testing import assert_close

from . import record

DTYPES = [pytest.param(np.float32, id="float32"), pytest.param(np.float64, id="float64")]


def _extremes(dtype):
    info = np.finfo(dtype)
    return np.array(
        [
            -np.inf,
            -info.max,
            -1e4,
            -710.0,
            -104.0,
            -88.8,
            -20.0,
            -1.0,
            -info.tiny,
            -0.0,
            0.0,
            float(info.smallest_subnormal),
            info.tiny,
            1e-30,
            1.0,
            20.0,
            88.8,
            104.0,
            710.0,
            1e4,
            info.max,
            np.inf,
            np.nan,
        ],
        dtype=dtype,
    )


def F(lib):
    return importlib.import_module(lib.__name__ + ".nn.functional")


def _run(lib, fn, arrays, grad_of):
    """fn's value and the gradients of sum(value * w) w.r.t. the arrays listed in grad_of."""
    ts = [lib.tensor(a.copy(), requires_grad=(i in grad_of)) for i, a in enumerate(arrays)]
    out = fn(lib, *ts)
    w = np.linspace(0.5, 1.5, max(out.numel(), 1)).reshape(tuple(out.shape)).astype(arrays[0].dtype)
    grads = []
    if grad_of and out.requires_grad:
        grads = lib.autograd.grad((out * lib.tensor(w)).sum(), [ts[i] for i in grad_of], allow_unused=True)
    values = lambda t: None if t is None else (t.detach().numpy() if lib is torch else t.detach()._array)  # noqa: E731
    return values(out), [values(g) for g in grads]


def check(fn, *arrays, grad_of=(0,)):
    expected = _run(torch, fn, arrays, grad_of)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        actual = _run(minigrad, fn, arrays, grad_of)
    assert_close(actual[0], expected[0], msg="value")
    for i, (a, e) in enumerate(zip(actual[1], expected[1], strict=True)):
        assert_close(a, e, msg=f"gradient of input {grad_of[i]}")
    record("numerics cases")


UNARY = {
    "sigmoid": lambda lib, x: lib.sigmoid(x),
    "F.sigmoid": lambda lib, x: F(lib).sigmoid(x),
    "logsigmoid": lambda lib, x: F(lib).logsigmoid(x),
    "log": lambda lib, x: lib.log(x),
    "log1p": lambda lib, x: lib.log1p(x),
    "exp": lambda lib, x: lib.exp(x),
    "tanh": lambda lib, x: lib.tanh(x),
    "sqrt": lambda lib, x: lib.sqrt(x),
    "relu": lambda lib, x: lib.relu(x),
    "softmax over one row": lambda lib, x: lib.softmax(x, 0),
    "log_softmax over one row": lambda lib, x: lib.log_softmax(x, 0),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(UNARY))
def test_unary_at_extremes(name, dtype):
    values = _extremes(dtype)
    if "softmax" in name:  # one row mixing everything is all-nan in both; test element by element
        for v in values:
            check(UNARY[name], np.array([v, 0.0, 1.0], dtype=dtype))
        return
    check(UNARY[name], values)


SOFTMAX_ROWS = [
    [1e4, 0.0, -1e4],
    [-1e4, -1e4, -1e4],
    [np.inf, 0.0, 1.0],
    [-np.inf, 0.0, 1.0],
    [-np.inf, -np.inf, 0.0],
    [-np.inf, -np.inf, -np.inf],
    [np.nan, 1.0, 2.0],
    [88.0, 89.0, 90.0],
    [710.0, 0.0, 0.0],
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "logsumexp"])
def test_softmax_family_rows(fn, dtype):
    rows = np.array(SOFTMAX_ROWS, dtype=dtype)
    for dim in (0, 1):
        check(lambda lib, x, d=dim: getattr(lib, fn)(x, d), rows)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gradients_of_opposite_infinities_accumulate_to_nan_silently(dtype):
    """x used twice, one path's gradient +inf and the other's -inf: the engine's sum is nan."""
    x = np.array([1.0, 2.0], dtype=dtype)
    check(lambda lib, a: (a * np.inf).sum() + (a * -np.inf).sum() + a.exp().sum(), x)
    check(lambda lib, a: a * np.inf + a * -np.inf, x)


def test_leaf_gradients_of_opposite_infinities_accumulate_to_nan_silently():
    grads = []
    for lib in (torch, minigrad):
        x = lib.tensor([1.0], requires_grad=True)
        with warnings.catch_warnings(), np.errstate(all="raise"):
            warnings.simplefilter("error")
            (x * np.inf).sum().backward()
            (x * -np.inf).sum().backward()
        grads.append(x.grad)
    assert_close(grads[1], grads[0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_var_with_too_few_elements(dtype):
    """n <= correction: var divides by zero (nan or inf), as torch, and gives torch's UserWarning
    "degrees of freedom is <= 0" (numpy's RuntimeWarnings must not escape)."""
    cases = [(lambda lib, x: x.var(correction=2), np.array([1.0, 2.0], dtype=dtype)),
             (lambda lib, x: x.var(), np.array([3.0], dtype=dtype)),
             (lambda lib, x: x.var(0), np.zeros((0, 2), dtype=dtype)),
             (lambda lib, x: x.std(), np.array([3.0], dtype=dtype))]
    for fn, a in cases:
        results, messages = [], []
        for lib in (torch, minigrad):
            with warnings.catch_warnings(record=True) as seen, np.errstate(all="raise"):
                warnings.simplefilter("always")
                results.append(_run(lib, fn, (a,), grad_of=()))
            messages.append([(w.category, str(w.message).split(" (Triggered internally")[0]) for w in seen])
        assert messages[1] == messages[0] and messages[0], messages
        assert_close(results[1][0], results[0][0], msg="value")


def test_std_of_tiny_float32_deviations():
    """torch computes float32 std in double (ReduceOps.cpp std_var_all_cpu for one output: float
    mean, double squares and sqrt; WelfordOps<float, double> otherwise): deviations of ~1e-20 square
    to ~1e-40, below float32's range, not double's.  Found by the thorough profile:
    std([1.1754944e-38, 0]) is 5.9e-39 in torch, with gradient +-grad / 2."""
    check(lambda lib, x: x.std(correction=0), np.array([1.1754944e-38, 0.0], np.float32))
    check(lambda lib, x: x.std(0, correction=0), np.array([[0.0, 1.0], [4.4032437e-29, 1.0]], np.float32))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bce_at_extremes(dtype, reduction):
    """torch clamps log(p) at -100, so p = 0 or 1 gives a finite loss and gradient."""
    tiny = np.finfo(dtype).tiny
    p = np.array([0.0, 1.0, 0.0, 1.0, tiny, 1 - np.finfo(dtype).epsneg, 1e-30, 0.5], dtype=dtype)
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.5], dtype=dtype)
    check(lambda lib, a, b: F(lib).binary_cross_entropy(a, b, reduction=reduction), p, y, grad_of=(0, 1))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bce_with_logits_at_extremes(dtype, reduction):
    x = _extremes(dtype)
    y = np.resize(np.array([0.0, 1.0, 0.5], dtype=dtype), x.shape)
    check(
        lambda lib, a, b: F(lib).binary_cross_entropy_with_logits(a, b, reduction=reduction),
        x,
        y,
        grad_of=(0, 1),
    )
    pw = np.full(x.shape, 3.0, dtype=dtype)
    check(
        lambda lib, a, b: F(lib).binary_cross_entropy_with_logits(a, b, pos_weight=lib.tensor(pw)),
        x,
        y,
        grad_of=(0, 1),
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_cross_entropy_at_extremes(dtype, reduction):
    rows = np.array(SOFTMAX_ROWS, dtype=dtype)
    target = np.array([0, 1, 2, 0, 2, 1, 1, 2, 0])
    check(lambda lib, x: F(lib).cross_entropy(x, lib.tensor(target), reduction=reduction), rows)
    check(
        lambda lib, x: F(lib).cross_entropy(x, lib.tensor(target), reduction=reduction, label_smoothing=0.1),
        rows,
    )
    check(
        lambda lib, x: F(lib).nll_loss(F(lib).log_softmax(x, 1), lib.tensor(target), reduction=reduction),
        rows,
    )


# ----- non-finite upstream gradients ---------------------------------------------------------------
# torch's backward formulas *select* the gradient where an op passes it (threshold_backward,
# where, masked_fill) rather than multiply it by a 0/1 mask, so a nan or inf arriving from
# upstream stays out of the positions the op blocks (0 * inf would be nan there).
UPSTREAM_X = np.array([-2.0, -1.0, -0.0, 0.0, 0.5, 1.0, 2.0, 3.0, np.nan])
UPSTREAM_G = np.array([np.nan, np.inf, -np.inf, np.nan, np.inf, np.nan, 1.0, -np.inf, 2.0])

MASKING_OPS = {
    "relu": lambda lib, x: lib.relu(x),
    "F.relu": lambda lib, x: F(lib).relu(x),
    "clamp": lambda lib, x: x.clamp(-1.0, 1.0),
    "clamp_min": lambda lib, x: x.clamp(min=0.5),
    "maximum": lambda lib, x: lib.maximum(x, lib.ones_like(x)),
    "minimum": lambda lib, x: lib.minimum(x, lib.full_like(x, 0.5)),
    "max() of all": lambda lib, x: x[:-1].max(),  # (without the nan: a nan max is tested below)
    "min() of all": lambda lib, x: x[:-1].min(),
    "floor": lambda lib, x: x.floor(),
    "ceil": lambda lib, x: x.ceil(),
    "round": lambda lib, x: x.round(),
    "trunc": lambda lib, x: x.trunc(),
    "sign": lambda lib, x: x.sign(),
    "std of a constant row": lambda lib, x: (x[:3] * 0 + 2).std(),
    "prod() with two zeros": lambda lib, x: x[2:5].prod(),
    "nll_loss ignore_index, none": lambda lib, x: F(lib).nll_loss(
        x[:6].reshape(2, 3), lib.tensor([2, -100]), reduction="none"),
    "cross_entropy ignore_index, mean": lambda lib, x: F(lib).cross_entropy(
        x[:6].reshape(2, 3), lib.tensor([-100, 1])),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(MASKING_OPS))
def test_non_finite_upstream_gradient_stays_out_of_blocked_positions(name, dtype):
    def run(lib):
        x = lib.tensor(UPSTREAM_X.astype(dtype), requires_grad=True)
        out = MASKING_OPS[name](lib, x)
        upstream = lib.tensor(np.resize(UPSTREAM_G, tuple(out.shape)).astype(dtype))
        (g,) = lib.autograd.grad(out, x, upstream)
        return g.detach().numpy() if lib is torch else g._array

    expected = run(torch)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        actual = run(minigrad)
    assert_close(actual, expected, msg=f"gradient of {name} under a non-finite upstream gradient")
    record("numerics cases")


NAN_INPUT_OPS = {  # torch sends the gradient of a nan result to the nan inputs
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
    "max() of all": lambda lib, a, b: (a * b).max(),
    "min() of all": lambda lib, a, b: (a + b).min(),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(NAN_INPUT_OPS))
def test_nan_inputs_receive_the_gradient(name, dtype):
    a = np.array([np.nan, 1.0, 3.0, 2.0], dtype=dtype)
    b = np.array([1.0, 2.0, np.nan, 2.0], dtype=dtype)
    check(NAN_INPUT_OPS[name], a, b, grad_of=(0, 1))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_zero_where_is_np_where_bit_for_bit(dtype):
    """relu's backward selects with integer bit masks instead of np.where (no per-element branch);
    it must be np.where(blocked, +0.0, a) exactly: signs of zero, nan and inf included."""
    from minigrad.ops._util import zero_where

    a = np.array([1.5, -2.0, np.nan, np.inf, -np.inf, -0.0, 3.0, np.nan], dtype=dtype)
    blocked = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=bool)
    bits = f"u{a.itemsize}"
    expected = np.where(blocked, dtype(0), a)
    assert np.array_equal(zero_where(blocked, a).view(bits), expected.view(bits))
    strided = np.arange(24, dtype=dtype).reshape(4, 6)[:, ::2] - 5  # a non-contiguous view
    assert np.array_equal(zero_where(strided > 0, strided), np.where(strided > 0, dtype(0), strided))



def test_backward_leaves_numpy_error_state_as_it_found_it():
    """A backward pass switches numpy's warnings off once for all its ops (see _errstate.py); the
    caller's error state must be back afterwards, also when backward raises."""
    x = minigrad.tensor([1.0, 0.0], requires_grad=True)
    with np.errstate(divide="raise", over="warn", invalid="ignore", under="ignore"):
        before = np.geterr()
        (x.log() * 2).sum().backward()  # log(0) = -inf and its gradient 1/0 = inf, silently
        assert np.geterr() == before
        y = (x * 2).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="second time"):
            y.backward()
        assert np.geterr() == before

@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_side=0, max_side=4),
       dtype=st.sampled_from([np.float16, np.float32, np.float64, np.int64, np.bool_]),
       strided=st.booleans())
# the ci profile's 20 draws are mostly tiny or empty shapes: always check real broadcasts too
@example(shapes=hnp.BroadcastableShapes(((3, 1), ()), (2, 3, 4)), dtype=np.float32, strided=False)
@example(shapes=hnp.BroadcastableShapes(((3, 1), ()), (2, 3, 4)), dtype=np.float64, strided=True)
@example(shapes=hnp.BroadcastableShapes(((), ()), (2, 2)), dtype=np.float32, strided=False)
def test_broadcast_view_is_np_broadcast_to(shapes, dtype, strided):
    """expand and every sum/mean backward build their broadcast views from strides
    (``broadcast_view``) instead of calling np.broadcast_to; the view must be the same: values,
    shape, strides, read-only, and the same memory (an expand is a view of its input)."""
    from minigrad.ops._util import broadcast_view

    shape, target = shapes.input_shapes[0], shapes.result_shape
    a = np.arange(math.prod(shape)).astype(dtype).reshape(shape)
    if strided and a.ndim:
        a = np.repeat(a, 2, axis=-1)[..., ::2]  # the same values in a non-contiguous view
    expected = np.broadcast_to(a, target)
    view = broadcast_view(a, target)
    assert view.shape == expected.shape
    # the same element for every index: equal strides wherever a dim has more than one index
    assert [s for s, n in zip(view.strides, target) if n > 1] == \
        [s for s, n in zip(expected.strides, target) if n > 1]
    assert np.array_equal(view, expected) and not view.flags.writeable
    assert view.size == 0 or np.shares_memory(view, a)


@given(a=hnp.arrays(st.sampled_from([np.float16, np.float32, np.float64]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5),
                    elements=st.floats(-1e4, 1e4, width=16)),
       data=st.data(), keepdims=st.booleans())
def test_mean_array_is_np_mean(a, data, keepdims):
    """Mean and the 'mean'-reduced losses compute with ``mean_array`` instead of np.mean (whose
    Python wrapper costs 3 us a call); it must give np.mean's result bit for bit: value, dtype,
    shape, and a numpy scalar where np.mean gives one."""
    from minigrad.ops._util import mean_array

    axes = data.draw(st.none() | st.lists(st.integers(0, a.ndim - 1), unique=True).map(
        lambda ax: tuple(sorted(ax))) if a.ndim else st.none(), label="axes")
    expected, got = np.mean(a, axis=axes, keepdims=keepdims), mean_array(a, axes, keepdims)
    assert type(got) is type(expected) and got.dtype == expected.dtype
    assert np.shape(got) == np.shape(expected) and np.array_equal(got, expected)


def test_mean_array_divides_a_big_count_like_np_mean():
    """np.mean divides a float32 sum by the count in float64: above 2**24 elements, dividing in
    float32 (the count rounded to float32) is another number for most values, 0.1 among them."""
    from minigrad.ops._util import mean_array

    for v in (0.1, 0.3, 1.7):
        a = np.broadcast_to(np.float32(v), (2**24 + 1,))  # no memory: one element, stride 0
        assert mean_array(a) == np.mean(a)


def test_mean_array_sums_float16_in_float32():
    """np.mean (and torch) sum float16 in float32: 15 x 1e4 overflows float16's 65504."""
    from minigrad.ops._util import mean_array

    a = np.full((3, 5), 1e4, dtype=np.float16)
    for axes in (None, (0, 1)):
        assert mean_array(a, axes) == np.mean(a, axis=axes) == np.float16(1e4)
