"""nn.init and nn.Linear's initialisation against torch 2.13: after the same manual_seed the
values are bit-identical (np.array_equal), because the same RNG calls are made in the same order;
gains and fans are the same numbers; errors are the same classes."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
import minigrad.nn as nn
from minigrad.nn import init

SHAPES = [(3, 5), (4, 3, 2, 2), (1, 1), (7, 2, 3)]
DTYPES = [(minigrad.float32, torch.float32), (minigrad.float64, torch.float64)]


def seeded_pair(seed, shape, dtypes):
    minigrad.manual_seed(seed)
    torch.manual_seed(seed)
    return minigrad.empty(shape, dtype=dtypes[0]), torch.empty(shape, dtype=dtypes[1])


CALLS = {
    "uniform_": dict(a=-0.3, b=0.7),
    "normal_": dict(mean=0.5, std=2.0),
    "xavier_uniform_": dict(gain=init.calculate_gain("tanh")),
    "xavier_normal_": dict(),
    "kaiming_uniform_": dict(a=math.sqrt(5)),
    "kaiming_normal_": dict(mode="fan_out", nonlinearity="relu"),
}


@pytest.mark.parametrize("dtypes", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", list(CALLS))
def test_random_inits_are_bit_identical(name, shape, dtypes):
    m, t = seeded_pair(123, shape, dtypes)
    assert getattr(init, name)(m, **CALLS[name]) is m
    getattr(torch.nn.init, name)(t, **CALLS[name])
    assert np.array_equal(m.numpy(), t.numpy())
    assert minigrad.rand(4).tolist() == torch.rand(4).tolist()  # same number of draws consumed


@pytest.mark.parametrize("name, args", [("zeros_", ()), ("ones_", ()), ("constant_", (0.25,))])
def test_constant_inits(name, args):
    m, t = seeded_pair(0, (2, 3), DTYPES[0])
    getattr(init, name)(m, *args)
    getattr(torch.nn.init, name)(t, *args)
    assert m.tolist() == t.tolist()


def test_init_runs_without_recording_on_parameters():
    """Parameters require grad, and in-place ops on such leaves are refused under grad mode:
    init must (and does) run under no_grad, leaving a leaf."""
    p = nn.Parameter(minigrad.empty(3, 4))
    for name, kwargs in CALLS.items():
        getattr(init, name)(p, **kwargs)
    init.zeros_(p)
    init.constant_(p, 2.0)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


@given(seed=st.integers(0, 2**32 - 1), fan_in=st.integers(1, 40), fan_out=st.integers(1, 40),
       bias=st.booleans(), double=st.booleans())
def test_linear_weights_are_torchs(seed, fan_in, fan_out, bias, double):
    """nn.Linear(in, out) after manual_seed(s): torch's exact weight and bias (weight first)."""
    minigrad.manual_seed(seed)
    torch.manual_seed(seed)
    m = nn.Linear(fan_in, fan_out, bias=bias, dtype=minigrad.float64 if double else None)
    t = torch.nn.Linear(fan_in, fan_out, bias=bias, dtype=torch.float64 if double else None)
    assert np.array_equal(m.weight.detach().numpy(), t.weight.detach().numpy())
    assert (m.bias is None) == (t.bias is None)
    if bias:
        assert np.array_equal(m.bias.detach().numpy(), t.bias.detach().numpy())


def test_linear_weights_are_within_the_bound():
    """kaiming_uniform_(a=sqrt(5)) on (out, in) is U(-1/sqrt(in), 1/sqrt(in)), as is the bias:
    every value inside, and with 40000 draws the extremes reach within 0.1% of the bound (the
    chance that a uniform sample of that size stays 0.1% short at one end is 0.999^40000 ~ 4e-18)."""
    minigrad.manual_seed(0)
    m = nn.Linear(400, 100)
    bound = 1 / math.sqrt(400)
    w = m.weight.detach().numpy()
    assert np.all(np.abs(w) <= bound) and np.all(np.abs(m.bias.detach().numpy()) <= bound)
    assert w.max() > 0.999 * bound and w.min() < -0.999 * bound
    assert abs(w.mean()) < 0.01 * bound  # mean 0 within ~6 standard errors (bound / sqrt(3 * 40000))
    assert m.weight.requires_grad and m.weight.is_leaf


def test_gains_and_fans_are_torchs():
    for nonlinearity in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                         "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]:
        assert init.calculate_gain(nonlinearity) == torch.nn.init.calculate_gain(nonlinearity)
    for param in [None, 0, 0.2, 3]:
        assert init.calculate_gain("leaky_relu", param) == torch.nn.init.calculate_gain("leaky_relu", param)
    for shape in SHAPES:
        assert init._calculate_fan_in_and_fan_out(minigrad.empty(shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


@pytest.mark.parametrize("call", [
    lambda I, lib: I.calculate_gain("softmax"),
    lambda I, lib: I.calculate_gain("leaky_relu", True),
    lambda I, lib: I._calculate_fan_in_and_fan_out(lib.empty(3)),
    lambda I, lib: I.xavier_uniform_(lib.empty(3)),
    lambda I, lib: I.kaiming_uniform_(lib.empty(2, 3), mode="fan_avg"),
])
def test_errors_are_torchs(call):
    with pytest.raises(Exception) as t_err:
        call(torch.nn.init, torch)
    with pytest.raises(Exception) as m_err:
        call(init, minigrad)
    assert type(m_err.value) is type(t_err.value) and str(m_err.value) == str(t_err.value)


def test_zero_element_tensors_warn_like_torch():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        torch.nn.init.kaiming_uniform_(torch.empty(0, 3))
    for fn in (init.kaiming_uniform_, init.kaiming_normal_):
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            assert fn(minigrad.empty(0, 3)).shape == (0, 3)


def _drawn(lib, fill):
    lib.manual_seed(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fill(lib.nn.init, lib)
    return out.detach().numpy().copy(), sorted(str(w.message) for w in caught)


# trunc_normal_ takes torch's two paths: redrawing normals outside [a, b] (most of the mass
# inside), or accepting uniform draws on [a, b] (little inside); the others are deterministic
# or draw with randperm
@pytest.mark.parametrize("fill", [
    lambda I, lib: I.trunc_normal_(lib.empty(50, 7)),
    lambda I, lib: I.trunc_normal_(lib.empty(300), std=0.02),
    lambda I, lib: I.trunc_normal_(lib.empty(400), a=-0.2, b=0.3),
    lambda I, lib: I.trunc_normal_(lib.empty(100), a=2.5, b=4.0),
    lambda I, lib: I.trunc_normal_(lib.empty(10), mean=10.0, a=-1.0, b=1.0),
    lambda I, lib: I.trunc_normal_(lib.empty(30, dtype=lib.float64), std=0.5, a=-0.3, b=0.3),
    lambda I, lib: I.eye_(lib.empty(3, 5)),
    lambda I, lib: I.dirac_(lib.empty(4, 2, 3, 3), groups=2),
    lambda I, lib: I.dirac_(lib.empty(3, 5, 4)),
    lambda I, lib: I.sparse_(lib.empty(6, 4), 0.5),
    lambda I, lib: I.xavier_uniform(lib.empty(3, 4)),
    lambda I, lib: I.normal(lib.empty(3, 4)),
])
def test_more_fills_are_bit_identical_to_torch(fill):
    (t, t_warn), (m, m_warn) = _drawn(torch, fill), _drawn(minigrad, fill)
    assert m.dtype == t.dtype and np.array_equal(m, t) and m_warn == t_warn


@pytest.mark.parametrize("shape, gain", [((5, 3), 1.0), ((3, 6), 2.0), ((4, 2, 3), 1.0)])
def test_orthogonal_matches_torch(shape, gain):
    (t, _), (m, _) = (_drawn(lib, lambda I, lib: I.orthogonal_(lib.empty(shape), gain=gain))
                      for lib in (torch, minigrad))
    # the same normals, QR-factorized by two LAPACKs in float32: a few ulps apart
    np.testing.assert_allclose(m, t, rtol=1e-5, atol=1e-6)
    flat = m.reshape(shape[0], -1)
    small = flat.T @ flat if shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(small, gain ** 2 * np.eye(small.shape[0]), atol=1e-5)  # orthogonal


@pytest.mark.parametrize("call", [
    lambda I, lib: I.orthogonal_(lib.empty(4)),
    lambda I, lib: I.eye_(lib.empty(2, 2, 2)),
    lambda I, lib: I.dirac_(lib.empty(3, 5, 4), groups=2),
    lambda I, lib: I.dirac_(lib.empty(3, 5)),
    lambda I, lib: I.sparse_(lib.empty(3), 0.1),
])
def test_more_refusals_are_torchs(call):
    with pytest.raises(Exception) as t_err:
        call(torch.nn.init, torch)
    with pytest.raises(Exception) as m_err:
        call(init, minigrad)
    assert type(m_err.value) is type(t_err.value) and str(m_err.value) == str(t_err.value)
