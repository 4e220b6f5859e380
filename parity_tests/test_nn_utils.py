"""minigrad.nn.utils against torch.nn.utils 2.13: gradient clipping by norm and by value, the total
norm, and parameters as one vector; each compared with torch on the same model and gradients.

Tolerances: the total norm is a norm of per-gradient norms; torch's CPU kernels (_foreach_norm,
vector_norm) accumulate the sums of |g|^p in another order than numpy, so results differ by a few
ulps: rtol 1e-6 in float32 (ulp 1.2e-7, sums of at most 32 terms), 1e-12 in float64.  A wrong
formula (another p, a missing 1e-6, a clip that should not happen) is off by far more.
"""
from __future__ import annotations

import math
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad.nn.utils import (clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_,
                               get_total_norm, parameters_to_vector, vector_to_parameters)

RTOL = {np.float32: 1e-6, np.float64: 1e-12}
NORM_TYPES = [2.0, 1.0, math.inf, "inf", 3.5, 0.5, 0, -1.0, -math.inf]


def _models(dtype=np.float32, seed=0):
    """The same small MLP in both libraries (torch's weights copied from minigrad's)."""
    minigrad.manual_seed(seed)
    mg = minigrad.nn.Sequential(minigrad.nn.Linear(4, 8), minigrad.nn.ReLU(), minigrad.nn.Linear(8, 3))
    th = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    if dtype == np.float64:
        mg, th = mg.double(), th.double()
    with torch.no_grad():
        for p, q in zip(mg.parameters(), th.parameters()):
            q.copy_(torch.from_numpy(p.detach().numpy().copy()))
    return mg, th


def _backward(mg, th, dtype=np.float32, scales=(1e3, 1.0, 1e-3, 1.0)):
    """One MSE backward in each, then the gradients scaled per parameter (mixed magnitudes).
    Clipping is what is compared: both start from torch's gradients exactly (the backward passes
    themselves differ by float32 rounding, relatively large where a gradient sum cancels)."""
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((5, 4)).astype(dtype), rng.standard_normal((5, 3)).astype(dtype)
    minigrad.nn.functional.mse_loss(mg(minigrad.tensor(x)), minigrad.tensor(y)).backward()
    torch.nn.functional.mse_loss(th(torch.tensor(x)), torch.tensor(y)).backward()
    grads = [q.grad.numpy() for q in th.parameters()]
    _set_grads(mg, th, [g * g.dtype.type(s) for g, s in zip(grads, scales)])


def _set_grads(mg, th, arrays):
    for p, q, a in zip(mg.parameters(), th.parameters(), arrays):
        p.grad, q.grad = (None, None) if a is None else (minigrad.tensor(a), torch.tensor(a))


def _dtype_name(t):
    return str(t.dtype).split(".")[-1]  # minigrad.float32 / torch.float32 -> float32


def _assert_grads(mg, th, rtol):
    for p, q in zip(mg.parameters(), th.parameters()):
        if q.grad is None:
            assert p.grad is None
            continue
        assert _dtype_name(p.grad) == _dtype_name(q.grad)
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=rtol, atol=0, equal_nan=True)


def _assert_norm(m_norm, t_norm, rtol):
    assert isinstance(m_norm, minigrad.Tensor) and m_norm.shape == () and not m_norm.requires_grad
    assert _dtype_name(m_norm) == _dtype_name(t_norm)
    np.testing.assert_allclose(m_norm.item(), t_norm.item(), rtol=rtol, atol=0, equal_nan=True)


# ----- clip_grad_norm_ ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm_type", NORM_TYPES)
@pytest.mark.parametrize("max_norm", [0.5, 1e9])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, dtype):
    """Every norm type; a max_norm that clips and one that does not (the gradients are then
    multiplied by min(1, ...) = 1: unchanged)."""
    mg, th = _models(dtype)
    _backward(mg, th, dtype)
    if norm_type in (-1.0, -math.inf, 0.5, 0):
        # these norms are dominated by the smallest (or count the non-zero) elements; keep them
        # away from exact zeros (a dead ReLU unit's gradient) so the case stays informative
        _set_grads(mg, th, [np.abs(q.grad.numpy()) + 0.25 for q in th.parameters()])
    m_norm = clip_grad_norm_(mg.parameters(), max_norm, norm_type=norm_type)
    t_norm = torch.nn.utils.clip_grad_norm_(th.parameters(), max_norm, norm_type=norm_type)
    _assert_norm(m_norm, t_norm, RTOL[dtype])
    _assert_grads(mg, th, RTOL[dtype])


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_nonfinite_gradients(bad, norm_type):
    """With error_if_nonfinite torch's RuntimeError (and the gradients untouched); without it the
    gradients are scaled by the non-finite norm anyway (inf norm: coefficient 0, inf * 0 = nan)."""
    mg, th = _models()
    _backward(mg, th)
    grads = [q.grad.numpy().copy() for q in th.parameters()]
    grads[1][2] = bad
    _set_grads(mg, th, grads)
    with pytest.raises(RuntimeError) as t_err:
        torch.nn.utils.clip_grad_norm_(th.parameters(), 1.0, norm_type, error_if_nonfinite=True)
    with pytest.raises(RuntimeError) as m_err:
        clip_grad_norm_(mg.parameters(), 1.0, norm_type, error_if_nonfinite=True)
    assert str(m_err.value) == str(t_err.value)
    _assert_grads(mg, th, 0)  # unchanged on both sides
    t_norm = torch.nn.utils.clip_grad_norm_(th.parameters(), 1.0, norm_type)
    m_norm = clip_grad_norm_(mg.parameters(), 1.0, norm_type)
    _assert_norm(m_norm, t_norm, 1e-6)
    _assert_grads(mg, th, 1e-6)


def test_parameters_without_gradients_are_skipped_and_inputs_of_every_form():
    mg, th = _models()
    _backward(mg, th)
    grads = [q.grad.numpy().copy() for q in th.parameters()]
    grads[0] = None  # the first weight has no gradient: not counted, not touched
    _set_grads(mg, th, grads)
    forms = [
        lambda model: model.parameters(),                        # a generator
        lambda model: list(model.parameters()),                  # a list
        lambda model: tuple(p for p in model.parameters())[2],   # a single tensor
        lambda model: (p for p in model.parameters()),           # a generator expression
    ]
    for form in forms:
        m_norm = clip_grad_norm_(form(mg), 0.1, foreach=True)
        t_norm = torch.nn.utils.clip_grad_norm_(form(th), 0.1, foreach=True)
        _assert_norm(m_norm, t_norm, 1e-6)
        _assert_grads(mg, th, 1e-6)


def test_no_gradients_at_all():
    """Nothing to clip: a float32 zero, and an empty generator warns as in torch."""
    for params in ([], [minigrad.nn.Parameter(minigrad.ones(2))]):
        norm = clip_grad_norm_(params, 1.0)
        t_norm = torch.nn.utils.clip_grad_norm_([torch.nn.Parameter(torch.ones(2))][:len(params)], 1.0)
        _assert_norm(norm, t_norm, 0)
    with pytest.warns(UserWarning, match="is an empty generator") as t_warn:
        torch.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    with pytest.warns(UserWarning) as m_warn:
        clip_grad_norm_((p for p in []), 1.0)
    assert [str(w.message) for w in m_warn] == [str(w.message) for w in t_warn]


def test_mixed_dtypes_total_norm_is_promoted():
    """A float32 and a float64 gradient: the total norm is float64; each gradient keeps its dtype."""
    a, b = np.array([3.0, 4.0], np.float32), np.array([12.0, 0.5])
    pairs = []
    for lib in (minigrad, torch):
        p, q = lib.nn.Parameter(lib.zeros(2)), lib.nn.Parameter(lib.zeros(2, dtype=lib.float64))
        p.grad, q.grad = lib.tensor(a), lib.tensor(b)
        pairs.append((lib.nn.utils.clip_grad_norm_([p, q], 2.0), p.grad, q.grad))
    (m_norm, *m_grads), (t_norm, *t_grads) = pairs
    _assert_norm(m_norm, t_norm, 1e-12)
    for m, t in zip(m_grads, t_grads):
        assert _dtype_name(m) == _dtype_name(t)
        np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-6)


def test_total_norm_and_clipping_with_a_given_norm():
    """get_total_norm + clip_grads_with_norm_ are the two halves of clip_grad_norm_."""
    arrays = [np.array([3.0, -4.0], np.float32), np.array([[12.0]], np.float32)]
    for norm_type in (2.0, 1.0, math.inf, 3.0):
        _assert_norm(get_total_norm([minigrad.tensor(a) for a in arrays], norm_type),
                     torch.nn.utils.get_total_norm([torch.tensor(a) for a in arrays], norm_type), 1e-6)
    _assert_norm(get_total_norm(minigrad.tensor(arrays[0])),
                 torch.nn.utils.get_total_norm(torch.tensor(arrays[0])), 1e-6)
    results = []
    for lib, clip in ((minigrad, clip_grads_with_norm_), (torch, torch.nn.utils.clip_grads_with_norm_)):
        p = lib.nn.Parameter(lib.zeros(2))
        p.grad = lib.tensor(arrays[0])
        assert clip([p], 1.0, lib.tensor(10.0)) is None
        results.append(p.grad.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


def test_deprecated_clip_grad_norm_warns_as_torch():
    p = minigrad.nn.Parameter(minigrad.ones(2))
    p.grad = minigrad.tensor([3.0, 4.0])
    q = torch.nn.Parameter(torch.ones(2))
    q.grad = torch.tensor([3.0, 4.0])
    with pytest.warns(FutureWarning) as t_warn:
        t_norm = torch.nn.utils.clip_grad_norm([q], 1.0)
    with pytest.warns(FutureWarning) as m_warn:
        m_norm = clip_grad_norm([p], 1.0)
    assert str(m_warn[0].message) == str(t_warn[0].message)
    _assert_norm(m_norm, t_norm, 1e-6)
    np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")  # torch's, on purpose
def test_clipping_records_no_graph():
    """Under torch's no_grad: the returned norm has no grad_fn, even for gradients that do
    (create_graph=True)."""
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        assert x.grad.requires_grad
        norm = lib.nn.utils.clip_grad_norm_(x, 1.0)
        assert norm.grad_fn is None and not norm.requires_grad, lib


# ----- clip_grad_value_ -------------------------------------------------------------------------------
@pytest.mark.parametrize("clip_value", [0.01, 1.0, 1e6, -0.5])
def test_clip_grad_value_matches_torch(clip_value):
    """A negative clip_value clamps min first, then max: every element becomes clip_value, as
    torch's clamp_min_ then clamp_max_."""
    mg, th = _models()
    _backward(mg, th)
    grads = [q.grad.numpy().copy() for q in th.parameters()]
    grads[3] = None
    grads[1][0] = np.nan  # nan stays nan under clamp in both
    _set_grads(mg, th, grads)
    assert clip_grad_value_(mg.parameters(), clip_value) is None
    assert torch.nn.utils.clip_grad_value_(th.parameters(), clip_value) is None
    _assert_grads(mg, th, 0)  # clamping is exact


# ----- parameters_to_vector / vector_to_parameters -------------------------------------------------------
def test_parameters_vector_round_trip():
    mg, th = _models()
    m_vec, t_vec = parameters_to_vector(mg.parameters()), torch.nn.utils.parameters_to_vector(th.parameters())
    np.testing.assert_array_equal(m_vec.detach().numpy(), t_vec.detach().numpy())
    assert m_vec.grad_fn.name() == t_vec.grad_fn.name() == "CatBackward0"
    # differentiable: the gradient of a function of the vector reaches every parameter
    (m_vec ** 2).sum().backward()
    (t_vec ** 2).sum().backward()
    _assert_grads(mg, th, 0)
    new = np.arange(t_vec.numel(), dtype=np.float32) / 10
    vector_to_parameters(minigrad.tensor(new), mg.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(new), th.parameters())
    for p, q in zip(mg.parameters(), th.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
        assert p.requires_grad and p.is_leaf and type(p) is minigrad.nn.Parameter
    np.testing.assert_array_equal(parameters_to_vector(mg.parameters()).detach().numpy(), new)


def test_vector_to_parameters_errors():
    for lib in (torch, minigrad):
        p = lib.nn.Parameter(lib.ones(2))
        with pytest.raises(TypeError, match=r"^expected torch.Tensor, but got: list$"):
            lib.nn.utils.vector_to_parameters([1.0, 2.0], [p])


# ----- a training run with clipping -----------------------------------------------------------------------
def test_training_trajectory_with_clipping_matches_torch():
    """SGD with momentum on an MLP, the gradients clipped to norm 0.5 each step (the loss starts
    with gradients of norm ~3, so clipping is active): loss, norm and weights agree every step.
    float64, so that 25 steps of rounding stay far below rtol 1e-10."""
    mg, th = _models(np.float64, seed=3)
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((16, 4)) * 3, rng.standard_normal((16, 3)) * 3
    m_opt = minigrad.optim.SGD(mg.parameters(), lr=0.1, momentum=0.9)
    t_opt = torch.optim.SGD(th.parameters(), lr=0.1, momentum=0.9)
    clipped = 0
    for _ in range(25):
        m_opt.zero_grad()
        t_opt.zero_grad()
        m_loss = minigrad.nn.functional.smooth_l1_loss(mg(minigrad.tensor(x)), minigrad.tensor(y))
        t_loss = torch.nn.functional.smooth_l1_loss(th(torch.tensor(x)), torch.tensor(y))
        m_loss.backward()
        t_loss.backward()
        m_norm = minigrad.nn.utils.clip_grad_norm_(mg.parameters(), 0.5)
        t_norm = torch.nn.utils.clip_grad_norm_(th.parameters(), 0.5)
        clipped += t_norm.item() > 0.5
        m_opt.step()
        t_opt.step()
        np.testing.assert_allclose(m_loss.item(), t_loss.item(), rtol=1e-10)
        np.testing.assert_allclose(m_norm.item(), t_norm.item(), rtol=1e-10)
        for p, q in zip(mg.parameters(), th.parameters()):
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert clipped >= 5  # the clipping was exercised


def test_torch_spelling_of_the_import():
    """``from torch.nn.utils import clip_grad_norm_`` and ``torch.nn.utils.clip_grad_norm_`` in an
    unchanged torch program run on minigrad."""
    program = textwrap.dedent("""
        import torch
        from torch.nn.utils import clip_grad_norm_
        from torch.nn.utils.clip_grad import clip_grad_value_
        p = torch.nn.Parameter(torch.ones(2))
        p.grad = torch.tensor([3.0, 4.0])
        print(torch.nn.utils.__name__)
        print(torch.nn.utils.clip_grad_norm_([p], 1.0).item())
        print(p.grad.tolist())
        print(clip_grad_norm_ is torch.nn.utils.clip_grad_norm_,
              clip_grad_value_ is torch.nn.utils.clip_grad_value_)
    """)
    out = subprocess.run([sys.executable, "-c", "import minigrad._runner as r; r.install_as_torch(); "
                          f"exec({program!r})"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    q = torch.nn.Parameter(torch.ones(2))
    q.grad = torch.tensor([3.0, 4.0])
    expected = [torch.nn.utils.clip_grad_norm_([q], 1.0).item(), q.grad.tolist()]
    assert out.stdout.splitlines() == ["minigrad.nn.utils", *map(str, expected), "True True"]


def test_public_names_match_torch():
    import minigrad.nn.utils.clip_grad as m_clip
    import torch.nn.utils.clip_grad as t_clip
    assert sorted(m_clip.__all__) == sorted(t_clip.__all__)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in minigrad.nn.utils.__all__:
            assert hasattr(torch.nn.utils, name), name
