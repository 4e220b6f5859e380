"""Registry entries for math functions (log10, sinh, atan2, erf, lerp, ...)."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from . import strategies as S
from .registry import OpInfo, Sample, _all_away_from, _distinct, _inplace, binary, register, unary

_OWN_GRADCHECK = ("finite differences need inputs inside the domain, which the shared gradcheck's "
                  "value transform leaves; parity_tests/test_math_ops.py gradchecks it on such inputs")


@st.composite
def _lerp(draw: Any, dtype: Any, edge: bool) -> Sample:
    """start, end and a weight that is a number or a tensor, all broadcasting together."""
    s_start, s_end, s_weight = draw(S.broadcastable_shapes(3, edge=edge))
    broadcast = len({s_start, s_end, s_weight}) > 1
    domain = "moderate" if broadcast else "real"  # summed gradients: moderate magnitudes
    start, end = draw(S.tensors(dtype, s_start, domain, edge)), draw(S.tensors(dtype, s_end, domain, edge))
    if draw(st.booleans()):  # weights on both sides of torch's switch at |weight| = 0.5, and outside [0, 1]
        return Sample((start, end), {"weight": draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, -0.5, 1.5]))})
    return Sample((start, end, draw(S.tensors(dtype, s_weight, "moderate", edge))))


def _lerp_fn(lib: Any, start: Any, end: Any, *weight: Any, **params: Any) -> Any:
    return lib.lerp(start, end, weight[0] if weight else params["weight"])


@st.composite
def _bound(draw: Any, dtype: Any, edge: bool, name: str) -> Sample:
    """x and a bound that is a number or a tensor that broadcasts with x."""
    if draw(st.booleans()):
        x = draw(S.tensors(dtype, edge=edge, nonfinite=edge))
        return Sample((x,), {name: draw(st.floats(-2, 2, width=32))})
    sx, sb = draw(S.broadcastable_shapes(2, edge=edge))
    x = draw(S.tensors(dtype, sx, "moderate", edge))
    if edge and draw(st.booleans()):  # ties (same shapes): torch sends the whole gradient to x
        tie = draw(S.hnp.arrays(np.bool_, sx))
        return Sample((x, np.where(tie, x, draw(S.tensors(dtype, sx, "moderate", edge))).astype(dtype)))
    return Sample((x, draw(S.tensors(dtype, sb, "moderate", edge))))


def _bound_fn(name: str) -> Any:
    def fn(lib: Any, x: Any, *bound: Any, **params: Any) -> Any:
        return getattr(lib, name)(x, bound[0] if bound else params[name.split("_")[1]])
    return fn


def _away_from_bound(s: Sample) -> bool:
    """Finite differences need x away from the bound (the kink)."""
    if len(s.arrays) == 2:
        return _distinct(*s.arrays)
    bound = next(iter(s.params.values()))
    return _all_away_from(s.arrays[0], lambda v: v - bound)


@st.composite
def _nan_to_num(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, nonfinite=edge))
    params = draw(st.sampled_from([{}, {"nan": 1.5}, {"nan": -2.0, "posinf": 7.0, "neginf": -9.0}]))
    return Sample((x,), params)


@st.composite
def _logit(draw: Any, dtype: Any, edge: bool) -> Sample:
    """Probabilities (edge: also 0, 1 and values outside [0, 1]), with or without eps."""
    x = draw(S.tensors(dtype, domain="unit", edge=edge))
    if edge and x.size and draw(st.booleans()):
        x = np.where(draw(S.hnp.arrays(np.bool_, x.shape)), x,
                     draw(st.sampled_from([0.0, 1.0, -0.5, 1.5]))).astype(dtype)
    return Sample((x,), draw(st.sampled_from([{}, {"eps": 0.05}, {"eps": 0.3}])))


def _logit_smooth(s: Sample) -> bool:
    eps = s.params.get("eps", 0.0)
    return _all_away_from(s.arrays[0], lambda v: np.minimum(np.abs(v - eps), np.abs(v - 1 + eps)))


_ENTRIES: list = [
    OpInfo("log10", unary("positive")),
    OpInfo("log2", unary("positive")),
    OpInfo("exp2", unary()),
    OpInfo("expm1", unary()),
    OpInfo("sinh", unary()),
    OpInfo("cosh", unary()),
    OpInfo("asinh", unary()),
    OpInfo("acosh", unary("above_one"), domain="x >= 1", gradcheck=False, gradcheck_note=_OWN_GRADCHECK),
    OpInfo("atanh", unary("signed_unit"), domain="-1 <= x <= 1", gradcheck=False,
           gradcheck_note=_OWN_GRADCHECK),
    OpInfo("asin", unary("signed_unit"), domain="-1 <= x <= 1", gradcheck=False,
           gradcheck_note=_OWN_GRADCHECK),
    OpInfo("acos", unary("signed_unit"), domain="-1 <= x <= 1", gradcheck=False,
           gradcheck_note=_OWN_GRADCHECK),
    OpInfo("atan", unary()),
    OpInfo("atan2", binary()),
    OpInfo("square", unary()),
    OpInfo("rsqrt", unary("positive")),
    OpInfo("reciprocal", unary()),
    OpInfo("erf", unary()),
    OpInfo("erfc", unary()),
    OpInfo("erfinv", unary("signed_unit"), domain="-1 <= x <= 1", gradcheck=False,
           gradcheck_note=_OWN_GRADCHECK),
    OpInfo("hypot", binary()),
    OpInfo("lerp", _lerp, fn=_lerp_fn),
    OpInfo("clamp_min", lambda dtype, edge: _bound(dtype, edge, "min"), fn=_bound_fn("clamp_min"),
           smooth=_away_from_bound),
    OpInfo("clamp_max", lambda dtype, edge: _bound(dtype, edge, "max"), fn=_bound_fn("clamp_max"),
           smooth=_away_from_bound),
    OpInfo("nan_to_num", _nan_to_num),
    OpInfo("logit", _logit, domain="probabilities, and 0, 1 and values outside [0, 1] as edges",
           smooth=_logit_smooth),
    # in-place forms on a non-leaf: recorded, and the gradient flows through them
    OpInfo("Tensor.erf_", unary(), fn=_inplace("erf_")),
    OpInfo("Tensor.rsqrt_", unary("positive"), fn=_inplace("rsqrt_")),
    OpInfo("Tensor.clamp_min_", unary(), fn=_inplace("clamp_min_", 0.25),
           smooth=lambda s: _all_away_from(s.arrays[0], lambda v: v - 0.25)),
    OpInfo("Tensor.lerp_", unary(), fn=lambda lib, x: (x * 1.0).lerp_(x.exp(), 0.75)),
]

for _info in _ENTRIES:
    register(_info)
