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

import warnings

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


# ----- smooth L1, Huber, KL divergence, margin, embedding and likelihood losses -------------------------
def _kinks(width, dtype):
    """Errors x - y at and around the kinks of smooth_l1 (beta) and huber (delta): +-width, 0."""
    d = np.array([-2, -1, -0.5, 0, 0.5, 1, 2], dtype) * dtype(width or 1)
    y = np.array([0.25, -1, 3, 0, 0.5, -0.75, 1], dtype)
    return d + y, y


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, param, widths", [("smooth_l1_loss", "beta", [1.0, 0.5, 2.0, 0.0]),
                                                 ("huber_loss", "delta", [1.0, 0.5, 2.0])])
def test_robust_losses_at_their_kinks(name, param, widths, reduction, dtype):
    """At |x - y| == beta the gradient is +-1 from either formula and the second derivative is 0
    (torch's strict |x - y| < beta); at x == y the gradient is 0; beta == 0 is l1_loss (sign)."""
    for width in widths:
        x, y = _kinks(width, dtype)
        parity(lambda lib, F, a, b, w=width: getattr(F, name)(a, b, reduction=reduction, **{param: w}), x, y,
               dtype=dtype)


def test_huber_loss_weight():
    rng = np.random.default_rng(5)
    x, y, w = rng.standard_normal((3, 4)) * 2, rng.standard_normal((3, 4)), rng.random((3, 4))
    for reduction in REDUCTIONS:  # 'mean' of the weighted losses is a plain mean (not sum(w l) / sum(w))
        parity(lambda lib, F, a, b, r=reduction: F.huber_loss(a, b, reduction=r, delta=0.7,
                                                              weight=lib.tensor(w)), x, y, dtype=np.float64)


BROADCAST_CASES = {  # the loss with a target of another (broadcastable) shape
    "smooth_l1_loss": lambda lib, F, a, b: F.smooth_l1_loss(a, b),
    "smooth_l1_loss beta=0": lambda lib, F, a, b: F.smooth_l1_loss(a, b, beta=0.0),
    "huber_loss": lambda lib, F, a, b: F.huber_loss(a, b),
}


@pytest.mark.parametrize("name", list(BROADCAST_CASES))
def test_robust_losses_warn_when_broadcasting(name):
    """As mse_loss: torch warns that the sizes differ, then broadcasts."""
    x, y = np.random.default_rng(6).standard_normal((2, 3, 1)), np.arange(4.0)
    with pytest.warns(UserWarning, match="different to the input size"):
        parity(BROADCAST_CASES[name], x, y, dtype=np.float64)
    messages = []
    for lib, F_ in ((torch, TF), (minigrad, F)):
        with pytest.warns(UserWarning) as record:
            BROADCAST_CASES[name](lib, F_, lib.tensor(x), lib.tensor(y))
        messages.append([str(w.message).replace("torch.", "minigrad.") for w in record])
    assert messages[0] == messages[1]


def test_losses_that_broadcast_silently():
    """kl_div, poisson_nll_loss, soft_margin_loss and gaussian_nll_loss broadcast without a warning
    (torch's functions have none): the module's UserWarning-as-error filter checks that."""
    rng = np.random.default_rng(7)
    x, p = rng.standard_normal((2, 3)), rng.random(3) + 0.1
    parity(lambda lib, F, a, b: F.kl_div(a, b, reduction="sum"), x, p, dtype=np.float64)
    parity(lambda lib, F, a, b: F.poisson_nll_loss(a, b), x, p, dtype=np.float64)
    parity(lambda lib, F, a: F.soft_margin_loss(a, lib.tensor([1.0, -1.0, 1.0])), x, dtype=np.float64)
    parity(lambda lib, F, a, b, v: F.gaussian_nll_loss(a, b, v), x, p, p + 0.5, dtype=np.float64)


@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_reductions_and_the_mean_warning(log_target):
    """'batchmean' divides the sum by the batch size (by nothing for a 0-d input); 'mean' by the
    element count, with torch's warning that it is not the KL divergence."""
    rng = np.random.default_rng(8)
    x = np.log(rng.dirichlet(np.ones(5), size=3))
    t = rng.dirichlet(np.ones(5), size=3)
    t = np.log(t) if log_target else t
    for reduction in ["batchmean", "sum", "none"]:
        parity(lambda lib, F, a, b, r=reduction: F.kl_div(a, b, reduction=r, log_target=log_target), x, t,
               dtype=np.float64)
    parity(lambda lib, F, a, b: F.kl_div(a, b, reduction="batchmean", log_target=log_target),
           np.array(x[0, 0]), np.array(t[0, 0]),
           dtype=np.float64)
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        parity(lambda lib, F, a, b: F.kl_div(a, b, log_target=log_target), x, t, dtype=np.float64)
    messages = []
    for lib, F_ in ((torch, TF), (minigrad, F)):
        with pytest.warns(UserWarning) as record:
            F_.kl_div(lib.tensor(x), lib.tensor(t))
        messages.append([str(w.message) for w in record])
    assert messages[0] == messages[1]


def test_kl_div_at_zero_target():
    """target 0 contributes 0 (xlogy); its gradient with respect to the target is nan in torch
    (xlogy's derivative has t / t), and in minigrad."""
    x, t = np.array([-1.0, -2.0, -0.5]), np.array([0.0, 0.5, 0.5])
    parity(lambda lib, F, a: F.kl_div(a, lib.tensor(t), reduction="sum"), x, dtype=np.float64)
    for lib, F_ in ((torch, TF), (minigrad, F)):
        tt = lib.tensor(t, requires_grad=True)
        F_.kl_div(lib.tensor(x), tt, reduction="sum").backward()
        assert np.isnan(tt.grad.numpy()[0]) and np.isfinite(tt.grad.numpy()[1:]).all(), lib


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_and_embedding_losses(reduction, dtype):
    rng = np.random.default_rng(9)
    a, b, c = (rng.standard_normal((4, 3)).astype(dtype) for _ in range(3))
    t = np.array([1.0, -1.0, -1.0, 1.0], dtype)
    pm = np.sign(rng.standard_normal((4, 3))).astype(dtype)
    cases = [
        lambda lib, F, x: F.soft_margin_loss(x, lib.tensor(pm), reduction=reduction),
        lambda lib, F, x, y: F.margin_ranking_loss(x, y, lib.tensor(pm), margin=0.3, reduction=reduction),
        lambda lib, F, x: F.hinge_embedding_loss(x, lib.tensor(pm), margin=0.5, reduction=reduction),
        lambda lib, F, x: F.multilabel_soft_margin_loss(x, lib.tensor((pm > 0).astype(dtype)),
                                                        reduction=reduction,
                                                        weight=lib.tensor(np.array([1.0, 0.5, 2.0], dtype))),
        lambda lib, F, x, y: F.cosine_embedding_loss(x, y, lib.tensor(t), margin=-0.2, reduction=reduction),
        lambda lib, F, x, y: F.cosine_embedding_loss(x[0], y[0], lib.tensor(-1.0), reduction=reduction),
        lambda lib, F, x, y, z: F.triplet_margin_loss(x, y, z, reduction=reduction),
        lambda lib, F, x, y, z: F.triplet_margin_loss(x, y, z, margin=2.0, p=1, swap=True,
                                                      reduction=reduction),
    ]
    for case in cases:
        n = case.__code__.co_argcount - 2
        parity(case, *(a, b, c)[:n], dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_likelihood_losses(reduction, dtype):
    rng = np.random.default_rng(10)
    x = rng.standard_normal((3, 4)).astype(dtype)
    rate = (rng.random((3, 4)) * 3 + 0.1).astype(dtype)
    # around Stirling's switch at 1 (a count of 0 makes the count's gradient nan: 0 * log 0, in both)
    counts = np.array([[0.25, 1, 2, 5], [3, 0.5, 1, 8], [1.5, 2, 0.75, 1]], dtype)
    var = (rng.random((3, 4)) + 0.1).astype(dtype)
    for log_input, full in [(True, False), (True, True), (False, False), (False, True)]:
        parity(lambda lib, F, a, b, li=log_input, f=full: F.poisson_nll_loss(a, b, log_input=li, full=f,
                                                                             reduction=reduction),
               x if log_input else rate, counts, dtype=dtype)
    for v in (var, var[:, 0], var[:1], var[:, :1]):  # every accepted shape of var
        for full in (False, True):
            parity(lambda lib, F, a, b, s, f=full: F.gaussian_nll_loss(a, b, s, full=f, reduction=reduction),
                   x, rate, v, dtype=dtype)
    # var below eps is raised to eps in the value only: its gradient is that of the unclamped var
    tiny = np.full((3, 4), 1e-8, dtype)
    parity(lambda lib, F, a, s: F.gaussian_nll_loss(a, lib.tensor(rate), s, eps=1e-6, reduction=reduction),
           x, tiny, dtype=dtype)
    parity(lambda lib, F, a: F.gaussian_nll_loss(a, lib.tensor(rate), 0.5, reduction=reduction), x,
           dtype=dtype)


def test_distances():
    rng = np.random.default_rng(11)
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    for p in (2.0, 1.0, 3.0, 0.5, float("inf")):
        parity(lambda lib, F, x, y, p=p: F.pairwise_distance(x, y, p=p), a, b, dtype=np.float64)
        parity(lambda lib, F, x, y, p=p: F.pairwise_distance(x, y, p=p, keepdim=True), a[0], b[0],
               dtype=np.float64)
    for dim in (0, 1, -1):
        parity(lambda lib, F, x, y, d=dim: F.cosine_similarity(x, y, dim=d), a, b, dtype=np.float64)
    parity(lambda lib, F, x, y: F.cosine_similarity(x, y), a, b[:1], dtype=np.float64)  # broadcast
    # a zero vector: its norm is raised to eps in the value only, the similarity is 0
    zero = np.zeros((2, 3))
    parity(lambda lib, F, x, y: F.cosine_similarity(x, y), zero, b[:2], dtype=np.float64, second_order=False)


def test_soft_margin_loss_target_is_not_differentiable():
    x, t = np.array([0.5, -1.0]), np.array([1.0, -1.0])
    same_error(lambda lib, F: F.soft_margin_loss(lib.tensor(x), lib.tensor(t, requires_grad=True)))
    for lib, F_ in ((torch, TF), (minigrad, F)):  # without grad mode there is nothing to refuse
        with lib.no_grad():
            F_.soft_margin_loss(lib.tensor(x), lib.tensor(t, requires_grad=True))
    # the loss has the input's dtype, whatever the target's
    parity(lambda lib, F, a: F.soft_margin_loss(a, lib.tensor(t)), x.astype(np.float32), dtype=np.float32)


NODE_CALLS = {  # the top graph node, which torch names after its last op
    "smooth_l1_loss": lambda lib, F, x, y, r: F.smooth_l1_loss(x, y, reduction=r),
    "smooth_l1_loss beta=0": lambda lib, F, x, y, r: F.smooth_l1_loss(x, y, reduction=r, beta=0.0),
    "huber_loss": lambda lib, F, x, y, r: F.huber_loss(x, y, reduction=r),
    "huber_loss weight": lambda lib, F, x, y, r: F.huber_loss(x, y, reduction=r, weight=lib.ones(3, 4)),
    "kl_div": lambda lib, F, x, y, r: F.kl_div(x, y.abs(), reduction=r if r != "mean" else "batchmean"),
    "kl_div log_target": lambda lib, F, x, y, r: F.kl_div(x, y, reduction=r if r != "mean" else "sum",
                                                          log_target=True),
    "soft_margin_loss": lambda lib, F, x, y, r: F.soft_margin_loss(x, y.detach().sign(), reduction=r),
    "margin_ranking_loss": lambda lib, F, x, y, r: F.margin_ranking_loss(x, y, y.detach().sign(),
                                                                         reduction=r),
    "hinge_embedding_loss": lambda lib, F, x, y, r: F.hinge_embedding_loss(x, y.detach().sign(), reduction=r),
    "multilabel_soft_margin_loss": lambda lib, F, x, y, r: F.multilabel_soft_margin_loss(x, y, reduction=r),
    "cosine_embedding_loss": lambda lib, F, x, y, r: F.cosine_embedding_loss(x, y, lib.tensor([1.0, -1, 1]),
                                                                             reduction=r),
    "triplet_margin_loss": lambda lib, F, x, y, r: F.triplet_margin_loss(x, y, -x, reduction=r),
    "poisson_nll_loss": lambda lib, F, x, y, r: F.poisson_nll_loss(x, y.abs(), reduction=r),
    "poisson_nll_loss full": lambda lib, F, x, y, r: F.poisson_nll_loss(x.abs(), y.abs() * 3, log_input=False,
                                                                        full=True, reduction=r),
    "gaussian_nll_loss": lambda lib, F, x, y, r: F.gaussian_nll_loss(x, y, x.abs(), reduction=r),
    "gaussian_nll_loss full": lambda lib, F, x, y, r: F.gaussian_nll_loss(x, y, 0.5, full=True, reduction=r),
    "cosine_similarity": lambda lib, F, x, y, r: F.cosine_similarity(x, y),
    "pairwise_distance": lambda lib, F, x, y, r: F.pairwise_distance(x, y),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(NODE_CALLS))
def test_top_node_names(name, reduction):
    rng = np.random.default_rng(12)
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    names = [NODE_CALLS[name](lib, F_, lib.tensor(x, requires_grad=True), lib.tensor(y, requires_grad=True),
                              reduction).grad_fn.name() for lib, F_ in ((torch, TF), (minigrad, F))]
    assert names[1] == names[0]


LOSS_ERRORS = {  # name -> call(lib, F) with a bad input
    "smooth_l1 negative beta": lambda lib, F: F.smooth_l1_loss(lib.zeros(3), lib.zeros(3), beta=-1.0),
    "smooth_l1 long": lambda lib, F: F.smooth_l1_loss(lib.tensor([1, 2]), lib.tensor([1, 3])),
    "smooth_l1 bad reduction": lambda lib, F: F.smooth_l1_loss(lib.zeros(3), lib.zeros(3), reduction="avg"),
    "huber zero delta": lambda lib, F: F.huber_loss(lib.zeros(3), lib.zeros(3), delta=0.0),
    "huber long": lambda lib, F: F.huber_loss(lib.tensor([1, 2]), lib.tensor([1, 3])),
    "huber weight size": lambda lib, F: F.huber_loss(lib.zeros(3), lib.zeros(3), weight=lib.ones(2)),
    "kl_div long": lambda lib, F: F.kl_div(lib.tensor([1, 2]), lib.tensor([1, 2]), reduction="sum"),
    "kl_div bad reduction": lambda lib, F: F.kl_div(lib.zeros(2), lib.zeros(2), reduction="avg"),
    "kl_div no broadcast": lambda lib, F: F.kl_div(lib.zeros(2, 3), lib.zeros(2), reduction="sum"),
    "soft_margin long input": lambda lib, F: F.soft_margin_loss(lib.tensor([1, 2]), lib.tensor([1, -1])),
    "margin_ranking dims": lambda lib, F: F.margin_ranking_loss(lib.zeros(3), lib.zeros(3), lib.ones(1, 3)),
    "cosine_embedding 3-d": lambda lib, F: F.cosine_embedding_loss(lib.zeros(2, 3, 4), lib.zeros(2, 3, 4),
                                                                   lib.ones(2)),
    "cosine_embedding 1-d with 1-d target": lambda lib, F: F.cosine_embedding_loss(lib.zeros(3), lib.zeros(3),
                                                                                   lib.ones(1)),
    "cosine_embedding 2-d target": lambda lib, F: F.cosine_embedding_loss(lib.zeros(2, 3), lib.zeros(2, 3),
                                                                          lib.ones(2, 1)),
    "cosine_embedding target size": lambda lib, F: F.cosine_embedding_loss(lib.zeros(2, 3), lib.zeros(2, 3),
                                                                           lib.ones(3)),
    "cosine_similarity long": lambda lib, F: F.cosine_similarity(lib.ones(2, 3, dtype=lib.int64),
                                                                 lib.ones(2, 3, dtype=lib.int64)),
    "triplet dims": lambda lib, F: F.triplet_margin_loss(lib.zeros(2, 3), lib.zeros(2, 3), lib.zeros(3)),
    "gaussian negative var": lambda lib, F: F.gaussian_nll_loss(lib.zeros(2, 3), lib.zeros(2, 3),
                                                                -lib.ones(2, 3)),
    "gaussian negative float var": lambda lib, F: F.gaussian_nll_loss(lib.zeros(2, 3), lib.zeros(2, 3), -1.0),
    "gaussian var (3,)": lambda lib, F: F.gaussian_nll_loss(lib.zeros(2, 3), lib.zeros(2, 3), lib.ones(3)),
    "gaussian var (1, 1)": lambda lib, F: F.gaussian_nll_loss(lib.zeros(2, 3), lib.zeros(2, 3),
                                                              lib.ones(1, 1)),
    "gaussian var (2, 3, 1)": lambda lib, F: F.gaussian_nll_loss(lib.zeros(2, 3), lib.zeros(2, 3),
                                                                 lib.ones(2, 3, 1)),
    "gaussian 0-d var": lambda lib, F: F.gaussian_nll_loss(lib.zeros(2, 3), lib.zeros(2, 3), lib.tensor(1.0)),
    "gaussian bad reduction": lambda lib, F: F.gaussian_nll_loss(lib.zeros(2), lib.zeros(2), lib.ones(2),
                                                                 reduction="x"),
    "gaussian int var": lambda lib, F: F.gaussian_nll_loss(lib.zeros(2), lib.zeros(2), 1),
    "poisson bad reduction": lambda lib, F: F.poisson_nll_loss(lib.zeros(2), lib.zeros(2), reduction="x"),
    "TripletMarginLoss margin": lambda lib, F: lib.nn.TripletMarginLoss(margin=0.0),
}
# torch's message names its internals (an argument parser's overload list): class only
LOSS_CLASS_ONLY = {"gaussian int var"}


@pytest.mark.parametrize("name", list(LOSS_ERRORS))
def test_loss_errors_match_torch(name):
    same_error(LOSS_ERRORS[name], message=name not in LOSS_CLASS_ONLY)


MODULES = [  # (name, options, number of inputs before the target)
    ("SmoothL1Loss", dict(beta=0.5), 1),
    ("SmoothL1Loss", dict(beta=0.0), 1),
    ("HuberLoss", dict(delta=0.3), 1),
    ("KLDivLoss", dict(reduction="batchmean"), 1),
    ("KLDivLoss", dict(log_target=True, reduction="sum"), 1),
    ("SoftMarginLoss", dict(), 1),
    ("MarginRankingLoss", dict(margin=0.2), 2),
    ("HingeEmbeddingLoss", dict(margin=0.4), 1),
    ("MultiLabelSoftMarginLoss", dict(weight=np.array([1.0, 2.0, 0.5])), 1),
    ("CosineEmbeddingLoss", dict(margin=0.1), 2),
    ("TripletMarginLoss", dict(margin=0.5, p=1.0, swap=True), 3),
    ("PoissonNLLLoss", dict(log_input=False, full=True, eps=1e-4), 1),
    ("GaussianNLLLoss", dict(full=True, eps=1e-3), 1),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, options, n_inputs", MODULES)
def test_loss_modules_pass_their_options(name, options, n_inputs, reduction):
    rng = np.random.default_rng(13)
    inputs = [rng.standard_normal((4, 3)) for _ in range(n_inputs)]
    targets = {"KLDivLoss": rng.random((4, 3)), "SoftMarginLoss": np.sign(rng.standard_normal((4, 3))),
               "MarginRankingLoss": np.sign(rng.standard_normal((4, 3))), "HingeEmbeddingLoss":
               np.sign(rng.standard_normal((4, 3))), "MultiLabelSoftMarginLoss": rng.random((4, 3)),
               "CosineEmbeddingLoss": np.array([1.0, -1, -1, 1]), "PoissonNLLLoss": rng.random((4, 3)) * 4,
               "GaussianNLLLoss": rng.standard_normal((4, 3))}
    options = {**options, "reduction": options.get("reduction", reduction)}
    if name == "PoissonNLLLoss":
        inputs = [np.abs(inputs[0]) + 0.1]

    def case(lib, F, *xs):
        opts = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
        module = getattr(lib.nn, name)(**opts)
        args = list(xs)
        if name in targets:
            args.append(lib.tensor(targets[name]))
        if name == "GaussianNLLLoss":
            args.append(lib.tensor(rng_var))
        return module(*args)
    rng_var = rng.random((4, 3)) + 0.5
    parity(case, *inputs, dtype=np.float64, second_order=False)
    m_mod, t_mod = (getattr(lib.nn, name)(**{k: lib.tensor(v) if isinstance(v, np.ndarray) else v
                                             for k, v in options.items()}) for lib in (minigrad, torch))
    assert repr(m_mod) == repr(t_mod)
    for attr in ("reduction", "beta", "delta", "log_target", "margin", "p", "eps", "swap", "full",
                 "log_input"):
        assert getattr(m_mod, attr, None) == getattr(t_mod, attr, None), attr
    assert list(m_mod.state_dict()) == list(t_mod.state_dict())


def test_loss_modules_deprecated_size_average():
    """size_average/reduce still pick the reduction, with torch's deprecation warning."""
    for name in ("SmoothL1Loss", "KLDivLoss", "SoftMarginLoss", "MarginRankingLoss", "PoissonNLLLoss"):
        messages = []
        for lib in (torch, minigrad):
            with pytest.warns(UserWarning) as record:
                module = getattr(lib.nn, name)(size_average=False)
            messages.append(([str(w.message) for w in record], module.reduction))
        assert messages[0] == messages[1] and messages[0][1] == "sum", name


DTYPE_CALLS = {  # each loss on an input and a target of the dtypes below
    "smooth_l1_loss": lambda F, a, b: F.smooth_l1_loss(a, b),
    "smooth_l1_loss beta=0": lambda F, a, b: F.smooth_l1_loss(a, b, beta=0.0),
    "huber_loss": lambda F, a, b: F.huber_loss(a, b),
    "kl_div": lambda F, a, b: F.kl_div(a, b, reduction="sum"),
    "soft_margin_loss": lambda F, a, b: F.soft_margin_loss(a, b),
    "margin_ranking_loss": lambda F, a, b: F.margin_ranking_loss(a, b, b),
    "hinge_embedding_loss": lambda F, a, b: F.hinge_embedding_loss(a, b, reduction="sum"),
    "multilabel_soft_margin_loss": lambda F, a, b: F.multilabel_soft_margin_loss(a, b),
    "cosine_embedding_loss": lambda F, a, b: F.cosine_embedding_loss(a, b, b[:, 0]),
    "cosine_similarity": lambda F, a, b: F.cosine_similarity(a, b),
    "pairwise_distance": lambda F, a, b: F.pairwise_distance(a, b),
    "triplet_margin_loss": lambda F, a, b: F.triplet_margin_loss(a, b, b),
    "poisson_nll_loss": lambda F, a, b: F.poisson_nll_loss(a, b),
    "poisson_nll_loss full": lambda F, a, b: F.poisson_nll_loss(a, b, log_input=False, full=True),
    "gaussian_nll_loss": lambda F, a, b: F.gaussian_nll_loss(a, b, b),
}


@pytest.mark.parametrize("name", list(DTYPE_CALLS))
def test_loss_dtypes_as_torch(name):
    """float32/float64/int64 input and target: the result's dtype and value, or the error class
    (the losses whose kernel writes into an input-shaped result keep the input's dtype, e.g.
    huber_loss and soft_margin_loss of a float32 input and a float64 target are float32)."""
    a, b = np.full((2, 3), 0.5), np.full((2, 3), 2.0)
    for da in ("float32", "float64", "int64"):
        for db in ("float32", "float64", "int64"):
            results = []
            for lib, F_ in ((torch, TF), (minigrad, F)):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)
                        r = DTYPE_CALLS[name](F_, lib.tensor(a, dtype=getattr(lib, da)),
                                              lib.tensor(b, dtype=getattr(lib, db)))
                    results.append((str(r.dtype).split(".")[-1], r.tolist()))
                except Exception as e:  # noqa: BLE001 - the class is what is compared
                    results.append((type(e).__name__,))
            assert results[1][0] == results[0][0], (da, db, results)
            if len(results[0]) > 1:
                np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6)


def test_distance_modules():
    rng = np.random.default_rng(14)
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    for name, options in [("PairwiseDistance", dict(p=1.0, eps=1e-3, keepdim=True)),
                          ("CosineSimilarity", dict(dim=0, eps=1e-4))]:
        parity(lambda lib, F, x, y, n=name, o=options: getattr(lib.nn, n)(**o)(x, y), a, b, dtype=np.float64)
        m_mod, t_mod = getattr(nn, name)(), getattr(torch.nn, name)()
        assert repr(m_mod) == repr(t_mod)
        attrs = [k for k in ("norm", "eps", "keepdim", "dim") if hasattr(t_mod, k)]
        assert [getattr(m_mod, k) for k in attrs] == [getattr(t_mod, k) for k in attrs]


def test_soft_margin_loss_where_exp_overflows():
    """exp(-y x) = inf: the loss is inf and the gradient z / (1 + z) = inf / inf is nan, as torch's."""
    x, y = np.array([-100.0, 100.0, 0.5], np.float32), np.array([1.0, 1.0, -1.0], np.float32)
    for reduction in REDUCTIONS:
        parity(lambda lib, F, a, r=reduction: F.soft_margin_loss(a, lib.tensor(y), reduction=r), x,
               dtype=np.float32)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin_loss(p, reduction):
    """First order against torch (torch has no second derivative for it); minigrad's second
    derivative against finite differences."""
    rng = np.random.default_rng(15)
    x, t, w = rng.standard_normal((4, 5)), np.array([0, 2, 4, 1]), rng.random(5) + 0.5
    for weight in (None, w):
        for margin in (1.0, 0.3):
            parity(lambda lib, F, a, wt=weight, m=margin: F.multi_margin_loss(
                a, lib.tensor(t), p=p, margin=m, reduction=reduction,
                weight=None if wt is None else lib.tensor(wt)), x, dtype=np.float64, second_order=False)
    parity(lambda lib, F, a: F.multi_margin_loss(a, lib.tensor(t[1]), p=p, reduction=reduction), x[0],
           dtype=np.float64, second_order=False)
    xt = minigrad.tensor(x, requires_grad=True)
    assert minigrad.autograd.gradgradcheck(
        lambda a: F.multi_margin_loss(a, minigrad.tensor(t), p=p, reduction=reduction), (xt,))


MULTI_MARGIN_ERRORS = {
    "p = 3": lambda lib, F: F.multi_margin_loss(lib.zeros(3, 4), lib.tensor([0, 1, 2]), p=3),
    "target out of range": lambda lib, F: F.multi_margin_loss(lib.zeros(3, 4), lib.tensor([0, 1, 4])),
    "negative target": lambda lib, F: F.multi_margin_loss(lib.zeros(3, 4), lib.tensor([0, -1, 2])),
    "3-d input": lambda lib, F: F.multi_margin_loss(lib.zeros(3, 2, 2), lib.tensor([0, 1, 1])),
    "no classes": lambda lib, F: F.multi_margin_loss(lib.zeros(2, 0), lib.tensor([0, 0])),
    "target size": lambda lib, F: F.multi_margin_loss(lib.zeros(3, 4), lib.tensor([0, 2])),
    "float target": lambda lib, F: F.multi_margin_loss(lib.zeros(3, 4), lib.tensor([0.0, 2, 3])),
    "int32 target": lambda lib, F: F.multi_margin_loss(lib.zeros(3, 4),
                                                       lib.tensor([0, 2, 3], dtype=lib.int32)),
    "weight size": lambda lib, F: F.multi_margin_loss(lib.zeros(3, 4), lib.tensor([0, 2, 3]),
                                                      weight=lib.ones(3)),
    "weight dtype": lambda lib, F: F.multi_margin_loss(lib.zeros(3, 4), lib.tensor([0, 2, 3]),
                                                       weight=lib.ones(4, dtype=lib.float64)),
    "long input": lambda lib, F: F.multi_margin_loss(lib.ones(2, 3, dtype=lib.int64), lib.tensor([0, 1])),
    "module p = 3": lambda lib, F: lib.nn.MultiMarginLoss(p=3),
    "module 2-d weight": lambda lib, F: lib.nn.MultiMarginLoss(weight=lib.ones(2, 2)),
}


@pytest.mark.parametrize("name", list(MULTI_MARGIN_ERRORS))
def test_multi_margin_loss_errors(name):
    same_error(MULTI_MARGIN_ERRORS[name])


def test_multi_margin_loss_module():
    rng = np.random.default_rng(16)
    x, t, w = rng.standard_normal((3, 4)), np.array([3, 0, 1]), rng.random(4)
    parity(lambda lib, F, a: lib.nn.MultiMarginLoss(p=2, margin=0.5, weight=lib.tensor(w), reduction="sum")(
        a, lib.tensor(t)), x, dtype=np.float64, second_order=False)
    m_mod, t_mod = nn.MultiMarginLoss(weight=minigrad.ones(4)), torch.nn.MultiMarginLoss(weight=torch.ones(4))
    assert repr(m_mod) == repr(t_mod) and list(m_mod.state_dict()) == list(t_mod.state_dict())
    assert (m_mod.p, m_mod.margin, m_mod.reduction) == (t_mod.p, t_mod.margin, t_mod.reduction)
