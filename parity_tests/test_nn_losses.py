"""Loss functions (minigrad.nn.functional / nn.*Loss) against torch 2.13: values, input and target
gradients, second derivatives, edge values and errors, for every reduction in float32 and float64.

Tolerances (relative, with a small absolute floor for values that cancel to ~0):
* float64: rtol 1e-12.  Both sides evaluate the same formula in double; what differs is the order
  of summation (numpy's pairwise sum vs torch's cascade sum) and torch's vectorised libm (exp, log,
  log1p within 1 ulp of numpy's): a few ulps (2.2e-16 each) per element.
* float32: rtol 1e-5.  Same sources, with ulp = 1.2e-7 and sums of up to ~50 terms; 1e-5 is well
  below any formula error (a wrong term is off by percents) but above accumulated rounding.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import check_parity

# numpy must compute silently (RuntimeWarning: overflow, divide by zero...), and no user warning
# may appear that torch does not give
pytestmark = [pytest.mark.filterwarnings("error::RuntimeWarning"),
              pytest.mark.filterwarnings("error::UserWarning")]

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}
DTYPES = [np.float32, np.float64]
REDUCTIONS = ["mean", "sum", "none"]


def parity(case, *arrays, dtype, second_order=True, **tol):
    """``case(lib, F, *tensors)`` run in minigrad and in torch on the same arrays: forward,
    gradients of every float input, and (``second_order``) their gradients."""
    check_parity(lambda *a: case(minigrad, F, *a), lambda *a: case(torch, TF, *a), *arrays,
                 second_order=second_order, **(tol or TOL[dtype]))


def floats(dtype, lo, hi, shape):
    """Arrays of ``dtype`` with elements in [lo, hi] (the bounds rounded to ``dtype``)."""
    lo, hi = (float(np.dtype(dtype).type(v)) for v in (lo, hi))
    return hnp.arrays(dtype, shape, elements=st.floats(lo, hi, width=np.dtype(dtype).itemsize * 8))


small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


# ----- mse / l1 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@given(data=st.data())
def test_regression_losses(name, reduction, dtype, data):
    shape = data.draw(small_shapes)
    x = data.draw(floats(dtype, -10, 10, shape))
    y = data.draw(floats(dtype, -10, 10, shape))
    parity(lambda lib, F, a, b: getattr(F, name)(a, b, reduction=reduction), x, y, dtype=dtype)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
def test_regression_losses_broadcast_with_torchs_warning(name):
    x, y = np.random.default_rng(0).standard_normal((2, 3, 1)), np.arange(4.0)
    with pytest.warns(UserWarning, match="different to the input size"):
        parity(lambda lib, F, a, b: getattr(F, name)(a, b), x, y, dtype=np.float64)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_with_weight(name, reduction):
    rng = np.random.default_rng(1)
    x, y, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.random((3, 4))
    parity(lambda lib, F, a, b: getattr(F, name)(a, b, reduction=reduction, weight=lib.tensor(w)),
           x, y, dtype=np.float64)


# ----- binary cross entropy ------------------------------------------------------------------------
@st.composite
def bce_inputs(draw, dtype):
    """Probabilities in (0, 1) (exact 0 and 1 are tested below), a target in [0, 1], and maybe a
    weight broadcast from the trailing dims."""
    shape = draw(small_shapes)
    x = draw(floats(dtype, 1e-3, 1 - 1e-3, shape))
    y = draw(st.one_of(floats(dtype, 0, 1, shape),
                       hnp.arrays(dtype, shape, elements=st.sampled_from([0.0, 1.0]))))
    w = draw(st.none() | floats(dtype, 0, 3, shape[len(shape) // 2:]))
    return x, y, w


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_binary_cross_entropy(reduction, dtype, data):
    """Second order included: BinaryCrossEntropyBackward uses torch's double-backward formulas."""
    x, y, w = data.draw(bce_inputs(dtype))

    def case(lib, F, a, b):
        return F.binary_cross_entropy(a, b, weight=None if w is None else lib.tensor(w), reduction=reduction)
    parity(case, x, y, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_at_0_and_1(reduction, dtype):
    """log(0) is clamped at -100 as torch: a finite loss of 100, and the gradient's denominator
    x(1-x) is clamped at torch's 1e-12 (a float constant, also in double)."""
    x = np.array([0, 0, 1, 1, 0.5], dtype)
    y = np.array([0, 1, 0, 1, 1], dtype)
    # the target gradient there is -logit(x) = +-inf in both; compare only the input's
    parity(lambda lib, F, a: F.binary_cross_entropy(a, lib.tensor(y), reduction=reduction), x, dtype=dtype,
           second_order=False)
    loss = F.binary_cross_entropy(minigrad.tensor(x), minigrad.tensor(y), reduction="none")
    assert loss.tolist() == [0, 100, 100, 0, pytest.approx(np.log(2))]


@st.composite
def logits_inputs(draw, dtype):
    shape = draw(small_shapes)
    x = draw(st.one_of(floats(dtype, -30, 30, shape),
                       hnp.arrays(dtype, shape, elements=st.sampled_from([-1e4, -50.0, 0.0, 50.0, 1e4]))))
    y = draw(floats(dtype, 0, 1, shape))
    trailing = shape[len(shape) // 2:]
    w = draw(st.none() | floats(dtype, 0, 3, trailing))
    pw = draw(st.none() | floats(dtype, 0.1, 5, trailing))
    return x, y, w, pw


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_binary_cross_entropy_with_logits(reduction, dtype, data):
    """Including logits of +-1e4, where sigmoid saturates: the loss stays finite and exact."""
    x, y, w, pw = data.draw(logits_inputs(dtype))

    def case(lib, F, a, b):
        return F.binary_cross_entropy_with_logits(
            a, b, weight=None if w is None else lib.tensor(w),
            pos_weight=None if pw is None else lib.tensor(pw), reduction=reduction)
    parity(case, x, y, dtype=dtype)


def test_logsigmoid_large_inputs():
    x = np.array([-1e4, -100.0, -1.0, 0.0, 1.0, 100.0, 1e4])
    for dtype in DTYPES:
        parity(lambda lib, F, a: F.logsigmoid(a), x.astype(dtype), dtype=dtype)


# ----- cross entropy / nll --------------------------------------------------------------------------
@st.composite
def classification_inputs(draw, dtype, unbatched_ok=True):
    """Logits of shape (C,), (N, C) or (N, C, d1[, d2]), class-index targets with some entries
    set to ``ignore_index``, and maybe class weights."""
    c = draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["unbatched", "batch", "spatial"] if unbatched_ok else ["batch", "spatial"]))
    if kind == "unbatched":
        shape, tshape = (c,), ()
    else:
        n = draw(st.integers(0, 4))
        extra = draw(st.lists(st.integers(1, 3), max_size=2)) if kind == "spatial" else []
        shape, tshape = (n, c, *extra), (n, *extra)
    x = draw(floats(dtype, -20, 20, shape))
    t = draw(hnp.arrays(np.int64, tshape, elements=st.integers(0, c - 1)))
    ignore_index = draw(st.sampled_from([-100, 0, c - 1]))
    if t.size and draw(st.booleans()):
        t.reshape(-1)[draw(st.integers(0, t.size - 1))] = ignore_index
    w = draw(st.none() | floats(dtype, 0.1, 3, (c,)))
    return x, t, w, ignore_index


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data(), label_smoothing=st.sampled_from([0.0, 0.0, 0.1, 1.0]))
def test_cross_entropy_class_indices(reduction, dtype, data, label_smoothing):
    x, t, w, ignore_index = data.draw(classification_inputs(dtype))

    def case(lib, F, a, target):
        return F.cross_entropy(a, target, weight=None if w is None else lib.tensor(w),
                               ignore_index=ignore_index, reduction=reduction,
                               label_smoothing=label_smoothing)
    parity(case, x, t, dtype=dtype, second_order=not _nothing_counted(t, ignore_index, reduction))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data(), label_smoothing=st.sampled_from([0.0, 0.3]))
def test_cross_entropy_probabilities(reduction, dtype, data, label_smoothing):
    x, _, w, _ = data.draw(classification_inputs(dtype))
    p = data.draw(floats(dtype, 0, 1, x.shape))

    def case(lib, F, a, target):
        return F.cross_entropy(a, target, weight=None if w is None else lib.tensor(w), reduction=reduction,
                               label_smoothing=label_smoothing)
    parity(case, x, p, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_nll_loss(reduction, dtype, data):
    x, t, w, ignore_index = data.draw(classification_inputs(dtype))

    def case(lib, F, a, target):
        return F.nll_loss(a, target, weight=None if w is None else lib.tensor(w), ignore_index=ignore_index,
                          reduction=reduction)
    parity(case, x, t, dtype=dtype, second_order=not _nothing_counted(t, ignore_index, reduction))


def _nothing_counted(t, ignore_index, reduction):
    """'mean' with every target ignored: the loss is 0/0 = nan in both; torch's second derivative
    with respect to the upstream gradient re-evaluates that 0/0 (nan), ours is 0.  A degenerate
    case, so second order is compared everywhere else."""
    return reduction == "mean" and bool(np.all(t == ignore_index))


def test_second_order_gradient_wrt_a_cancelling_upstream_gradient():
    """float32 examples of the thorough profile where the second-order gradient w.r.t. the reduced
    loss's upstream gradient (a dot product of the gradients with random-sign directions) cancels:
    0.355 from terms of magnitude 142 (torch -0.3550110, minigrad -0.3550158, exact -0.3550157),
    0.0086 from 78.5 (torch 0.0085907, minigrad 0.0085869, exact 0.0085861).  check_parity compares
    it to rtol of the terms' magnitude, not of the cancelled result."""
    x = np.full((4, 5, 3), -13.0, np.float32)
    x[0, 0, 0], x[0, 4, 2], x[3, 2, 2] = -7.0, -20.0, 0.0
    parity(lambda lib, F, a, p: F.cross_entropy(a, p, reduction="sum"), x, np.zeros_like(x),
           dtype=np.float32)
    a = np.array([[0.0, 0.375, -5.875, -1.625], [-0.5, -1.25, -5.875, 0.0]], np.float32)
    b = np.array([[-4.5, 0.0, 0.0, -6.9375], [-2.0, 0.0, 1.5, 0.0]], np.float32)
    parity(lambda lib, F, a, b: F.mse_loss(a, b, reduction="sum"), a, b, dtype=np.float32)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_large_logits(dtype):
    """Logits of +-1e4 (and 1e30 in double) must not overflow exp: log_softmax shifts by the max."""
    big = 1e30 if dtype == np.float64 else 1e4
    x = np.array([[1e4, 0, -1e4], [0, 1e4, 1e4], [-big, big, 0]], dtype)
    for reduction in REDUCTIONS:
        parity(lambda lib, F, a, t, r=reduction: F.cross_entropy(a, t, reduction=r), x, np.array([0, 2, 0]),
               dtype=dtype)


def test_uint8_targets_and_all_ignored():
    x = np.random.default_rng(2).standard_normal((3, 4))
    parity(lambda lib, F, a, t: F.cross_entropy(a, t), x, np.array([1, 3, 0], np.uint8), dtype=np.float64)
    ignored = np.array([-100, -100, -100])
    for reduction in REDUCTIONS:  # 'mean' over no counted target is nan, the gradient zero
        parity(lambda lib, F, a, t, r=reduction: F.nll_loss(a, t, reduction=r), x, ignored, dtype=np.float64,
               second_order=not _nothing_counted(ignored, -100, reduction))


# ----- the loss modules -------------------------------------------------------------------------------
def test_loss_modules_call_the_functions_with_their_options():
    rng = np.random.default_rng(3)
    logits, t, w = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2]), rng.random(3)
    probs, y = rng.random((4, 3)), rng.random((4, 3))
    cases = [
        ("MSELoss", dict(reduction="sum"), (logits, y)),
        ("L1Loss", dict(), (logits, y)),
        ("BCELoss", dict(weight=w), (probs, y)),
        ("BCEWithLogitsLoss", dict(weight=w, pos_weight=w + 1, reduction="none"), (logits, y)),
        ("CrossEntropyLoss", dict(weight=w, ignore_index=1, label_smoothing=0.2), (logits, t)),
        ("NLLLoss", dict(weight=w, reduction="sum"), (logits, t)),
    ]
    for name, kwargs, (a, b) in cases:
        def case(lib, F, x, target, name=name, kwargs=kwargs):
            opts = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
            module = getattr(lib.nn, name)(**opts)
            return module(x, target)
        # first order: what is checked here is that the options reach the functions (whose second
        # derivatives are tested above)
        parity(case, a, b, dtype=np.float64, second_order=False)
    assert list(nn.BCEWithLogitsLoss(pos_weight=minigrad.ones(2)).state_dict()) == \
        list(torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)).state_dict()) == ["pos_weight"]
    assert repr(nn.CrossEntropyLoss()) == repr(torch.nn.CrossEntropyLoss()) == "CrossEntropyLoss()"


def test_seed_tutorial_model_matches_torch():
    """The seed tutorials' model: Linear(1, 1) + sigmoid + BCELoss(reduction='sum'); value and the
    gradients of the input, the weight and the bias (and their second derivatives)."""
    x, y = np.array([[1.0], [2.0], [3.0]], np.float32), np.array([[0.0], [0.0], [1.0]], np.float32)
    w, b = np.array([[0.3]], np.float32), np.array([-0.2], np.float32)
    parity(lambda lib, F, xx, ww, bb: F.binary_cross_entropy(lib.sigmoid(F.linear(xx, ww, bb)), lib.tensor(y),
                                                             reduction="sum"),
           x, w, b, dtype=np.float32)


# ----- errors: the same exception class as torch, and the same message ------------------------------
def same_error(call, message=True):
    """``call(lib, F)`` must raise in torch; minigrad must raise the same class (and message, with
    'torch.' read as 'minigrad.')."""
    with pytest.raises(Exception) as t_err:
        call(torch, TF)
    with pytest.raises(Exception) as m_err:
        call(minigrad, F)
    assert type(m_err.value) is type(t_err.value), (m_err.value, t_err.value)
    if message:
        assert str(m_err.value) == str(t_err.value).replace("torch.", "minigrad.")


X = np.random.default_rng(4).standard_normal((3, 5)).astype(np.float32)
T = np.array([0, 4, 2])

ERRORS = {  # name -> call(lib, F) with a bad input
    "ce target out of bounds": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.tensor([0, 5, 2])),
    "nll negative target": lambda lib, F: F.nll_loss(lib.tensor(X), lib.tensor([0, -1, 2])),
    "ce float index target": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.tensor([0.0, 4, 2])),
    "ce int32 target": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.tensor(T, dtype=lib.int32)),
    "ce batch mismatch": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.tensor([0, 4])),
    "ce 0-d target for batch": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.tensor(3)),
    "ce 2-d target": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.zeros(3, 2, dtype=lib.int64)),
    "ce long probabilities": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.zeros(3, 5, dtype=lib.int64)),
    "ce probabilities + ignore_index": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.rand(3, 5),
                                                                      ignore_index=1),
    "ce integer logits": lambda lib, F: F.cross_entropy(lib.ones(3, 5, dtype=lib.int64), lib.tensor(T)),
    "ce bad weight": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.tensor(T), weight=lib.ones(4)),
    "ce label_smoothing > 1": lambda lib, F: F.cross_entropy(lib.tensor(X), lib.tensor(T),
                                                             label_smoothing=1.5),
    "ce spatial target": lambda lib, F: F.cross_entropy(lib.zeros(2, 3, 4), lib.zeros(2, 5, dtype=lib.int64)),
    "ce 5-d target": lambda lib, F: F.cross_entropy(lib.zeros(2, 3, 4, 2, 2),
                                                    lib.zeros(2, 4, 2, 3, dtype=lib.int64)),
    "nll unbatched long target": lambda lib, F: F.nll_loss(lib.zeros(5), lib.tensor([3, 1])),
    "nll weight dtype": lambda lib, F: F.nll_loss(lib.tensor(X), lib.tensor(T),
                                                  weight=lib.ones(5, dtype=lib.float64)),
    "bad reduction": lambda lib, F: F.mse_loss(lib.zeros(3), lib.zeros(3), reduction="avg"),
    "bce input > 1": lambda lib, F: F.binary_cross_entropy(lib.tensor([0.5, 1.5]), lib.tensor([0.0, 1.0])),
    "bce nan input": lambda lib, F: F.binary_cross_entropy(lib.tensor([0.5, float("nan")]),
                                                           lib.tensor([0.0, 1.0])),
    "bce target > 1": lambda lib, F: F.binary_cross_entropy(lib.tensor([0.5, 0.5]), lib.tensor([0.0, 2.0])),
    "bce size": lambda lib, F: F.binary_cross_entropy(lib.tensor([0.5, 0.5]), lib.tensor([[0.0, 1.0]])),
    "bce long target": lambda lib, F: F.binary_cross_entropy(lib.tensor([0.5, 0.5]), lib.tensor([0, 1])),
    "bce double target": lambda lib, F: F.binary_cross_entropy(lib.tensor([0.5]),
                                                               lib.tensor([1.0], dtype=lib.float64)),
    "bce long input": lambda lib, F: F.binary_cross_entropy(lib.tensor([0, 1]), lib.tensor([0, 1])),
    "bce weight too big": lambda lib, F: F.binary_cross_entropy(lib.rand(2, 3), lib.rand(2, 3),
                                                                weight=lib.rand(4, 2, 3)),
    "bce-logits size": lambda lib, F: F.binary_cross_entropy_with_logits(lib.zeros(2), lib.zeros(1, 2)),
    "bce-logits long target": lambda lib, F: F.binary_cross_entropy_with_logits(lib.zeros(2),
                                                                                lib.tensor([0, 1])),
    "bce-logits long input": lambda lib, F: F.binary_cross_entropy_with_logits(lib.tensor([0, 1]),
                                                                               lib.zeros(2)),
    "bce-logits bad pos_weight": lambda lib, F: F.binary_cross_entropy_with_logits(
        lib.zeros(2, 3), lib.zeros(2, 3), pos_weight=lib.ones(2)),
    "mse long": lambda lib, F: F.mse_loss(lib.tensor([1, 2]), lib.tensor([1, 2])),
    "mse no broadcast": lambda lib, F: F.mse_loss(lib.zeros(3), lib.zeros(1, 2)),
    "weighted mse size": lambda lib, F: F.mse_loss(lib.zeros(3), lib.zeros(3), weight=lib.ones(2)),
}
# messages that name things differently (torch's internal kernel/broadcast wording); class only
CLASS_ONLY = {"ce 5-d target", "bce weight too big", "mse no broadcast", "ce spatial target",
              "bce-logits bad pos_weight"}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    if name in ("mse no broadcast",):
        with pytest.warns(UserWarning):  # torch warns about the size first, then fails
            same_error(ERRORS[name], message=False)
        return
    same_error(ERRORS[name], message=name not in CLASS_ONLY)


def test_one_hot():
    assert F.one_hot(minigrad.tensor([0, 2, 1])).tolist() == TF.one_hot(torch.tensor([0, 2, 1])).tolist()
    assert (F.one_hot(minigrad.tensor([[1], [0]]), 3).tolist()
            == TF.one_hot(torch.tensor([[1], [0]]), 3).tolist())
    assert F.one_hot(minigrad.tensor([0, 1])).dtype == minigrad.int64
    for bad in [lambda lib, F: F.one_hot(lib.tensor([0.0, 1.0])),
                lambda lib, F: F.one_hot(lib.tensor([0, -1])),
                lambda lib, F: F.one_hot(lib.tensor([0, 3]), 3),
                lambda lib, F: F.one_hot(lib.tensor([], dtype=lib.int64))]:
        same_error(bad)


def test_functional_registry_lists_every_differentiable_function():
    for name in F.DIFFERENTIABLE:
        assert callable(getattr(F, name)), name
        assert hasattr(TF, name), name
