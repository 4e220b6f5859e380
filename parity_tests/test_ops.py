"""Every registry op against torch: forward, first and second order, float32 and float64, under
hypothesis (edge shapes and values on); plus finite-difference gradcheck/gradgradcheck in float64."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.testing import REGISTRY, check_parity

from . import record

OPS = sorted(REGISTRY)
DTYPES = [pytest.param(np.float32, id="float32"), pytest.param(np.float64, id="float64")]

# Public functions of minigrad.ops with no gradient to check: comparisons and predicates give
# bools, arg-reductions give indices, floor_divide's derivative is zero wherever it exists (torch
# does not differentiate it either), logical_op is the engine behind &, | and ^.
NOT_DIFFERENTIABLE = {
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "not_equal",
    "equal",
    "allclose",
    "isclose",
    "isnan",
    "isinf",
    "isfinite",
    "logical_not",
    "logical_op",
    "argmax",
    "argmin",
    "floor_divide",
    "logical_and",
    "logical_or",
    "logical_xor",
    "argsort",
    "all",
    "any",
    "count_nonzero",
    "unique",
    "bincount",
    "histc",
    "histogram",
    "isin",
    "nonzero",
    "argwhere",
    "signbit",
    "heaviside",
    "logspace",
    "range",
    "tril_indices",
    "triu_indices",
    "detach",
    "searchsorted",
    "bucketize",
}


def _public_functions(module) -> dict:
    return {
        n: f
        for n, f in vars(module).items()
        if not n.startswith("_") and inspect.isfunction(f) and f.__module__.startswith("minigrad.ops")
    }


def test_registry_covers_every_differentiable_op():
    """A public differentiable function missing from the registry fails here: add its entry."""
    missing = set(minigrad.ops.DIFFERENTIABLE) - set(REGISTRY)
    assert not missing, f"ops without a registry entry: {sorted(missing)}"
    functions = _public_functions(minigrad.ops)
    canonical = {f: n for n, f in functions.items() if n in REGISTRY}  # aliases share the object
    unclassified = sorted(
        n
        for n, f in functions.items()
        if n not in REGISTRY and f not in canonical and n not in NOT_DIFFERENTIABLE
    )
    assert not unclassified, (
        f"public functions neither in the registry nor declared non-differentiable: {unclassified}"
    )
    try:
        from minigrad.nn import functional as F
    except ImportError:  # nn not built yet: nothing more to cover
        return
    missing = set(getattr(F, "DIFFERENTIABLE", ())) - {
        n.split(".")[-1] for n in REGISTRY if n.startswith("F.")
    }
    assert not missing, f"nn.functional ops without a registry entry: {sorted(missing)}"


def _bind(info, lib, params):
    return lambda *xs: info.call(lib, *xs, **params)


# torch warns when var/std reduce an empty tensor (its own UserWarning, not numpy's)
@pytest.mark.filterwarnings("ignore:(var|std)... degrees of freedom:UserWarning")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_parity(name, dtype, data):
    """Forward, backward (random upstream gradient) and double backward match torch."""
    info = REGISTRY[name]
    if dtype not in info.dtypes:
        pytest.skip(f"{name} is not defined for {np.dtype(dtype)} (its registry entry says so)")
    sample = data.draw(info.sample(dtype, True), label="sample")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    rtol, atol = info.tolerance(dtype)
    second = info.second_order and (info.second_order_where is None or info.second_order_where(sample))
    check_parity(
        _bind(info, minigrad, sample.params),
        _bind(info, torch, sample.params),
        *sample.arrays,
        rtol=rtol,
        atol=atol,
        second_order=second,
        seed=seed,
        allow_errors=False,
    )
    record("op parity examples", name)


def _smooth_values(a: np.ndarray) -> np.ndarray:
    """Values finite differences can trust: 0.2 <= |x| < 2.6, pairwise distinct (no ties); arrays
    of probabilities stay in (0, 1), away from its ends."""
    offsets = np.arange(a.size).reshape(a.shape)
    if a.size and ((a >= 0) & (a <= 1)).all():
        return 0.1 + 0.8 * a + 0.005 * offsets
    out = np.where(a < 0, -1, 1) * (0.2 + np.abs(a) % 1.8) + 0.0137 * offsets
    return np.where(a > 0, np.abs(out), out) if (a > 0).all() else out


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=4)  # each example is ~100 backward passes; 4 per op keeps this under 20 s
@given(data=st.data())
def test_gradcheck(name, data):
    """Analytical first and second derivatives match central finite differences (float64)."""
    info = REGISTRY[name]
    if not info.gradcheck:
        pytest.skip(info.gradcheck_note)
    sample = data.draw(info.sample(np.float64, False), label="sample")
    assume(sum(a.size for a in sample.arrays) <= 12)
    arrays = tuple(_smooth_values(a) if a.dtype.kind == "f" else a for a in sample.arrays)
    sample.arrays = arrays
    assume(info.smooth is None or info.smooth(sample))
    inputs = tuple(minigrad.tensor(a, requires_grad=True) for a in arrays)

    def fn(*xs):
        return info.call(minigrad, *xs, **sample.params)

    assert gradcheck(fn, inputs)
    record("gradcheck examples", name)
    if info.second_order:
        assert gradgradcheck(fn, inputs)
