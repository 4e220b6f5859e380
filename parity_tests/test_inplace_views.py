"""In-place ops on views: the tensor being viewed changes too, so its history must record it
(torch's CopySlices).  Each program runs in both engines; values and gradients must be equal."""
import warnings

import numpy as np
import pytest
import torch

import minigrad

PROGRAMS = {
    "slice += (x[:, 0] += 1 idiom)": lambda y, w: y[:, 0].__iadd__(1),
    "row mul_": lambda y, w: y[0].mul_(3),
    "flat view mul_": lambda y, w: y.view(6).mul_(3),
    "transpose row mul_ by a leaf": lambda y, w: y.t()[1].mul_(w),
    "view of a view, setitem then add_": lambda y, w: (y[1].__setitem__(0, 7.0), y[1].add_(1)),
    "zero_ on a column": lambda y, w: y[:, 1].zero_(),
    "fill_ on a row": lambda y, w: y[1].fill_(2.5),
    "reshape view clamp_": lambda y, w: y.reshape(3, 2)[1:].clamp_(min=3.0, max=8.0),
}


def _run(lib, program):
    x = lib.tensor([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]], dtype=lib.float64, requires_grad=True)
    w = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
    y = x * 2
    program(y, w)
    z = (y * y).sum() + (y.exp() * 1e-3).sum()
    z.backward()
    grads = [np.zeros(2) if t.grad is None else t.grad.detach().numpy() for t in (x, w)]
    return y.detach().numpy(), grads


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_inplace_on_view_updates_the_base_history(name):
    y_mg, g_mg = _run(minigrad, PROGRAMS[name])
    y_t, g_t = _run(torch, PROGRAMS[name])
    # float64 and the same elementwise arithmetic on both sides: equal up to exp's last-bit rounding
    np.testing.assert_allclose(y_mg, y_t, rtol=1e-13)
    for a, b in zip(g_mg, g_t):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_inplace_on_view_of_a_constant_tensor_pulls_it_into_the_graph():
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
        a = lib.zeros(2, 3, dtype=lib.float64)
        a[0].add_(x[1])
        a[1, :2] = w
        (a * a * x).sum().backward()
        results.append((a.detach().numpy(), x.grad.numpy(), w.grad.numpy()))
    for m, t in zip(*results):
        np.testing.assert_allclose(m, t, rtol=1e-12)


def test_writing_through_an_expanded_view_raises_like_torch():
    for lib in (minigrad, torch):
        y = lib.ones(3, requires_grad=True) * 2
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            y.expand(2, 3).mul_(2)


def test_inplace_on_a_view_invalidates_tensors_saved_from_the_base():
    for lib in (minigrad, torch):
        x = lib.ones(2, 3, requires_grad=True)
        y = x * 2
        z = y * y  # saves y
        y[0].mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


def test_setitem_with_an_integer_and_an_index_array_keeps_torchs_dim_order():
    """x[0, :, idx] = v: torch selects with the integer first, so v is laid out (sliced, idx);
    numpy's rule would expect (idx, sliced) — with a square v that transposes silently."""
    results = []
    for lib in (minigrad, torch):
        x = lib.zeros(2, 3, 3, dtype=lib.float64, requires_grad=True) * 1
        v = lib.arange(9.0, dtype=lib.float64).reshape(3, 3).requires_grad_()
        x[0, :, lib.tensor([2, 0, 1])] = v
        (x * lib.arange(18.0, dtype=lib.float64).reshape(2, 3, 3)).sum().backward()
        results.append((x.detach().numpy(), v.grad.numpy()))
    for m, t in zip(*results):
        np.testing.assert_array_equal(m, t)  # pure data movement: exact


def _torch_0d_float(name):
    """torch's result of registry op ``name`` on one 0-d float64 tensor, if that is a 0-d float
    tensor (None for ops that need more arguments or return something else)."""
    from minigrad.testing.registry import REGISTRY

    try:
        y = REGISTRY[name].call(torch, torch.tensor(0.5, dtype=torch.float64))
    except (TypeError, RuntimeError, IndexError):
        return None
    return y if isinstance(y, torch.Tensor) and y.is_floating_point() and y.dim() == 0 else None


def _one_0d_input_ops():
    from minigrad.testing.registry import REGISTRY

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns for std/var of one element (nan)
        return sorted(name for name, op in REGISTRY.items()
                      if op.standard and _torch_0d_float(name) is not None)


@pytest.mark.parametrize("name", _one_0d_input_ops())
def test_inplace_on_a_0d_result(name):
    """numpy returns scalars, not 0-d arrays, from math on 0-d arrays; a tensor made from one
    could not be written in place (a numpy TypeError from deep inside), where torch's can."""
    from minigrad.testing.registry import REGISTRY

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _torch_0d_float(name)
    actual = REGISTRY[name].call(minigrad, minigrad.tensor(0.5, dtype=minigrad.float64))
    for y in (expected, actual):
        y.detach().mul_(3).add_(1)  # detach: the same storage, written in place
    # Up to 2 ulp apart: torch's vectorised float64 sqrt and tanh kernels on AVX-512 CPUs are not
    # correctly rounded (sqrt(0.5) -> 0.7071067811865475), numpy's are; nan equals nan (std, var).
    np.testing.assert_allclose(actual.item(), expected.item(), rtol=2 * np.finfo(np.float64).eps, atol=0)


def test_inplace_on_a_summed_0d_gradient():
    """Gradients reaching a 0-d input twice are summed in numpy (a scalar again)."""
    grads = []
    for lib in (torch, minigrad):
        x = lib.tensor(2.0, requires_grad=True)
        (g,) = lib.autograd.grad(x * x, x)
        g.add_(1.0)
        grads.append(g.item())
    assert grads[1] == grads[0]
