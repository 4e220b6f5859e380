"""Registry entries for the gamma family: lgamma, digamma, polygamma, mvlgamma."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from .registry import OpInfo, Sample, _all_away_from, register, unary


def _away_from_poles(s: Sample) -> bool:
    """Gamma's poles are 0, -1, -2, ...: finite differences need x away from them."""
    x = s.arrays[-1]
    return (_all_away_from(x[x < 0.5], lambda v: v - np.round(v), 0.05)
            and _all_away_from(x, lambda v: v, 0.05))


def _off_poles(x: np.ndarray) -> np.ndarray:
    """x with the values near a pole (0, -1, -2, ...) moved half-way to the next one: at a pole
    torch's trigamma is a large finite number (pi^2 / sin(pi x)^2 in rounding), minigrad's inf."""
    near = (x < 0.5) & (np.abs(x - np.round(x)) < 0.05)
    return np.asarray(np.where(near, x + 0.5, x), dtype=x.dtype)


@st.composite
def _gamma(draw: Any, dtype: Any, edge: bool, polygamma: bool = False) -> Sample:
    s = draw(unary("moderate", nonfinite=False)(dtype, edge))
    return Sample((_off_poles(s.arrays[0]),), {"n": draw(st.integers(0, 3))} if polygamma else {})


@st.composite
def _mvlgamma(draw: Any, dtype: Any, edge: bool) -> Sample:
    """x > (p - 1) / 2, where the multivariate gamma is finite."""
    p = draw(st.integers(1, 3))
    s = draw(unary("positive", nonfinite=False)(dtype, edge))
    return Sample((np.asarray(s.arrays[0] + (p - 1) / 2 + 0.1, dtype=dtype),), {"p": p})


for _info in [
    OpInfo("lgamma", _gamma, smooth=_away_from_poles),
    OpInfo("digamma", _gamma, smooth=_away_from_poles),
    OpInfo("polygamma", lambda dtype, edge: _gamma(dtype, edge, polygamma=True),
           fn=lambda lib, x, n: lib.polygamma(n, x), smooth=_away_from_poles),
    OpInfo("mvlgamma", _mvlgamma, smooth=_away_from_poles),
]:
    register(_info)
