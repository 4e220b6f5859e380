"""Registry entries for the compositions: cdist, dist, tensordot, inner, vdot, fmax, fmin, cov,
corrcoef, quantile, nanquantile, cartesian_prod, combinations; and Tensor.unfold's windows."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from . import strategies as S
from .registry import _SUM_TOL, OpInfo, Sample, register

_SUMS_NOTE = ("float32 sums of products: torch accumulates in another order (and for cdist with "
              "p=2, through a matrix product), so results differ by a few ulps of the largest term")
_CDIST_2ND = "torch has no derivative of _cdist_backward: second order raises NotImplementedError there"


def _moderate(draw: Any, dtype: Any, shape: tuple, edge: bool) -> np.ndarray:
    return draw(S.tensors(dtype, shape, "moderate", edge))


def _distinct(draw: Any, dtype: Any, *shapes: tuple) -> list:
    """Arrays of these shapes whose values are all different (no ties between or within them):
    where these ops have a kink (|d| at 0, a max at a tie, an order statistic)."""
    sizes = [int(np.prod(sh)) for sh in shapes]
    width = 16 if np.dtype(dtype) == np.float16 else 32
    flat = draw(S.hnp.arrays(dtype, sum(sizes), unique=True,
                             elements=st.floats(-3, 3, width=width).map(lambda v: round(v, 3))))
    out, start = [], 0
    for sh, n in zip(shapes, sizes):
        out.append(flat[start:start + n].reshape(sh))
        start += n
    return out


@st.composite
def _cdist(draw: Any, dtype: Any, edge: bool) -> Sample:
    m = draw(st.integers(1, 3))
    batch = draw(st.sampled_from([(), (2,)]))
    # distinct coordinates: |d| has a kink at d = 0 and the max (p=inf) one at ties
    x1, x2 = _distinct(draw, dtype, batch + (draw(st.integers(1, 3)), m), (draw(st.integers(1, 3)), m))
    return Sample((x1, x2), {"p": draw(st.sampled_from([0.0, 1.0, 2.0, 3.0, float("inf")]))})


@st.composite
def _dist(draw: Any, dtype: Any, edge: bool) -> Sample:
    sa, sb = draw(S.broadcastable_shapes(2, edge=edge))
    return Sample(tuple(_distinct(draw, dtype, sa, sb)), {"p": draw(st.sampled_from([1.0, 2.0, 3.0]))})


@st.composite
def _tensordot(draw: Any, dtype: Any, edge: bool) -> Sample:
    dims = draw(st.integers(0, 2))
    shared = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    free_a = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    free_b = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    a = _moderate(draw, dtype, free_a + shared, edge)
    b = _moderate(draw, dtype, shared + free_b, edge)
    return Sample((a, b), {"dims": dims})


@st.composite
def _inner(draw: Any, dtype: Any, edge: bool) -> Sample:
    k = draw(st.integers(1, 3))
    a = _moderate(draw, dtype, tuple(draw(st.lists(st.integers(1, 3), max_size=2))) + (k,), edge)
    b = _moderate(draw, dtype, tuple(draw(st.lists(st.integers(1, 3), max_size=1))) + (k,), edge)
    return Sample((a, b))


@st.composite
def _vectors(draw: Any, dtype: Any, edge: bool, count: int = 2) -> Sample:
    n = draw(st.integers(1, 4))
    return Sample(tuple(_moderate(draw, dtype, (n,), edge) for _ in range(count)))


@st.composite
def _fmax(draw: Any, dtype: Any, edge: bool) -> Sample:
    """Two arrays, some entries nan (fmax's point), no ties between them (the gradient's kink)."""
    a, b = _distinct(draw, dtype, *draw(S.broadcastable_shapes(2, edge=edge)))
    if draw(st.booleans()) and a.size:
        a = np.where(draw(S.hnp.arrays(np.bool_, a.shape)), np.nan, a).astype(dtype)
    return Sample((a, b))


@st.composite
def _cov(draw: Any, dtype: Any, edge: bool, corr: bool = False) -> Sample:
    observations = draw(st.integers(2, 5))
    shape = draw(st.sampled_from([(observations,), (draw(st.integers(1, 3)), observations)]))
    x = _moderate(draw, dtype, shape, edge)
    params: dict = {}
    if not corr:  # (integer frequency weights: torch refuses floats there)
        params["correction"] = draw(st.sampled_from([0, 1]))
        if draw(st.booleans()):
            params["fweights"] = np.array(draw(st.lists(st.integers(1, 3), min_size=shape[-1],
                                                        max_size=shape[-1])), dtype=np.int64)
    else:  # every variable must vary: a constant row has std 0 (0/0)
        assume(all(np.ptp(row) > 0.1 for row in np.atleast_2d(x)))
    return Sample((x,), params)


@st.composite
def _quantile(draw: Any, dtype: Any, edge: bool, nan: bool = False) -> Sample:
    shape = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    x, = _distinct(draw, dtype, shape)  # ties: which of two equal order statistics gets the gradient
    if nan and x.size > 1:
        x = np.where(draw(S.hnp.arrays(np.bool_, x.shape)), np.nan, x).astype(dtype)
    interpolation = draw(st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"]))
    params: dict = {"interpolation": interpolation}
    if draw(st.booleans()):
        params["q"] = draw(st.sampled_from([0.0, 0.25, 0.4, 1.0]))
    else:
        params["q"] = np.array(draw(st.lists(st.sampled_from([0.0, 0.1, 0.5, 0.8, 1.0]), min_size=1,
                                             max_size=3)), dtype=dtype)
    if x.ndim and draw(st.booleans()):
        params["dim"] = draw(st.integers(-x.ndim, x.ndim - 1))
        params["keepdim"] = draw(st.booleans())
    return Sample((x,), params)


@st.composite
def _combinations(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = _moderate(draw, dtype, (draw(st.integers(1, 4)),), edge)
    return Sample((x,), {"r": draw(st.integers(1, 3)), "with_replacement": draw(st.booleans())})


@st.composite
def _unfold(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, domain="moderate", edge=edge, max_dims=3))
    nd = max(x.ndim, 1)
    dim = draw(st.integers(-nd, nd - 1))
    n = x.shape[dim] if x.ndim else 1
    return Sample((x,), {"dimension": dim, "size": draw(st.integers(0, n)), "step": draw(st.integers(1, 3))})


for _info in [
    OpInfo("cdist", _cdist, tol=_SUM_TOL, tol_note=_SUMS_NOTE, second_order=False, gradcheck=True,
           second_order_note=_CDIST_2ND),
    OpInfo("dist", _dist, tol=_SUM_TOL, tol_note=_SUMS_NOTE),
    OpInfo("tensordot", _tensordot, tol=_SUM_TOL, tol_note=_SUMS_NOTE),
    OpInfo("inner", _inner, tol=_SUM_TOL, tol_note=_SUMS_NOTE),
    OpInfo("vdot", _vectors, tol=_SUM_TOL, tol_note=_SUMS_NOTE),
    OpInfo("fmax", _fmax),
    OpInfo("fmin", _fmax),
    OpInfo("cov", _cov, tol=_SUM_TOL, tol_note=_SUMS_NOTE),
    OpInfo("corrcoef", lambda dtype, edge: _cov(dtype, edge, corr=True), tol=_SUM_TOL, tol_note=_SUMS_NOTE),
    OpInfo("quantile", _quantile),
    OpInfo("nanquantile", lambda dtype, edge: _quantile(dtype, edge, nan=True),
           smooth=lambda s: not np.isnan(s.arrays[0]).any()),  # finite differences of nan are nan
    OpInfo("cartesian_prod", lambda dtype, edge: _vectors(dtype, edge, count=2)),
    OpInfo("combinations", _combinations),
    OpInfo("Tensor.unfold", _unfold, fn=lambda lib, x, **p: x.unfold(p["dimension"], p["size"], p["step"])),
]:
    register(_info)
