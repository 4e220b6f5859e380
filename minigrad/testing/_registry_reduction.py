"""Registry entries for reductions, sorting and comparison ops (norm, cumsum, sort, topk, ...)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st

from . import strategies as S
from .registry import _DTYPE_NOTE_SUMS, _SUM_TOL, OpInfo, Sample, _no_tiny_factors, _reduce, _unique, register

_INF = math.inf


def _dim(draw: Any, shape: tuple) -> int:
    """A dim of ``shape`` (0-d: 0 or -1), maybe negative."""
    nd = max(len(shape), 1)
    return draw(st.integers(-nd, nd - 1))


@st.composite
def _along_dim(draw: Any, dtype: Any, edge: bool, domain: str = "moderate") -> Sample:
    """An array and one dim (cumsum, cumprod, ...)."""
    x = draw(S.tensors(dtype, domain=domain, edge=edge))
    return Sample((x,), {"dim": _dim(draw, x.shape)})


@st.composite
def _distinct(draw: Any, dtype: Any, edge: bool, min_dims: int = 0,
              min_side: int | None = None) -> np.ndarray:
    """An array of pairwise distinct values (a shuffled, scaled range): where torch leaves the choice
    among equal elements unspecified (topk, kthvalue, median over a dim), there are none."""
    shape = draw(S.shapes(min_dims=min_dims, edge=edge, min_side=min_side))
    n = int(np.prod(shape))
    order = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    scale = draw(st.sampled_from([0.25, 0.5, 1.0]))
    return ((order - n / 2) * scale + 0.125).reshape(shape).astype(dtype)


# ----- norms ---------------------------------------------------------------------------------------
_ORDS = [2, 1, _INF, -_INF, 3, 0.5, 1.5, -1]


@st.composite
def _norm(draw: Any, dtype: Any, edge: bool) -> Sample:
    p = draw(st.sampled_from(_ORDS + ["fro", None]))
    # inf/-inf norms of nothing are undefined (tested with the errors); the others of nothing are 0
    s = draw(_reduce(dtype, edge, nonempty=p is not None and not isinstance(p, str) and (p < 0 or p == _INF)))
    x, dim = s.arrays[0], s.params.get("dim")
    if p == "fro" and isinstance(dim, tuple) and len(dim) > 2:
        dim = dim[:2]
    params = {"p": p, **({} if dim is None else {"dim": dim, "keepdim": s.params["keepdim"]})}
    return Sample((x,), params)


@st.composite
def _vector_norm(draw: Any, dtype: Any, edge: bool) -> Sample:
    ord = draw(st.sampled_from(_ORDS))
    s = draw(_reduce(dtype, edge, nonempty=ord < 0 or ord == _INF))
    return Sample(s.arrays, {"ord": ord, **s.params})


def _matrix_dims(draw: Any, shape: tuple) -> tuple:
    nd = len(shape)
    d0 = draw(st.integers(-nd, nd - 1))
    d1 = draw(st.integers(-nd, nd - 1).filter(lambda d: d % nd != d0 % nd))
    return d0, d1


@st.composite
def _matrix_norm(draw: Any, dtype: Any, edge: bool) -> Sample:
    ord = draw(st.sampled_from(["fro", 1, -1, _INF, -_INF]))
    # the max/min over a dim of sums over another: both nonempty (max of nothing is undefined)
    x = draw(S.tensors(dtype, domain="moderate", edge=edge, min_dims=2, min_side=1 if ord != "fro" else None))
    return Sample((x,), {"ord": ord, "dim": _matrix_dims(draw, x.shape), "keepdim": draw(st.booleans())})


@st.composite
def _linalg_norm(draw: Any, dtype: Any, edge: bool) -> Sample:
    """``linalg.norm``: no ord/dim (the flattened 2-norm), a vector ord over one dim or a 1-d input,
    a matrix ord over two dims or a 2-d input."""
    kind = draw(st.sampled_from(["plain", "vector", "matrix"]))
    if kind == "plain":
        return draw(_reduce(dtype, edge, allow_tuple=False))
    if kind == "vector":
        x = draw(S.tensors(dtype, domain="moderate", edge=edge, min_side=1, min_dims=1, max_dims=1))
        return Sample((x,), {"ord": draw(st.sampled_from(_ORDS + [None]))})
    s = draw(_matrix_norm(dtype, edge))
    if draw(st.booleans()):
        return s
    x = draw(S.tensors(dtype, domain="moderate", edge=edge, min_side=1, min_dims=2, max_dims=2))
    return Sample((x,), {"ord": s.params["ord"]})


def _norm_smooth(s: Sample) -> bool:
    """Finite differences hold away from 0 (p <= 1 has a kink there) and from ties in |x| (the
    inf-norms pick the largest or smallest)."""
    return _unique(np.abs(s.arrays[0]))


def _lib_linalg(name: str) -> Any:
    return lambda lib, x, **p: getattr(lib.linalg, name)(x, **p)


_NORM_NOTE = ("second derivatives are compared where no |x| is below 1e-3: the terms of a norm's "
              "second derivative scale like 1/|x| and cancel, so near 0 their rounding (different in each "
              "engine) dominates; at 0 torch's backward divides 0 by 0 before masking")


def _away_from_zero(s: Sample) -> bool:
    return bool(np.all(np.abs(s.arrays[0]) >= 1e-3))

# ----- sorting and selection -----------------------------------------------------------------------


@st.composite
def _sort(draw: Any, dtype: Any, edge: bool) -> Sample:
    """Any values, ties included: torch's CPU sort is stable, so are the indices of equal elements."""
    x = draw(S.tensors(dtype, domain="moderate", edge=edge))
    params: dict = {"dim": _dim(draw, x.shape), "descending": draw(st.booleans())}
    if draw(st.booleans()):
        params["stable"] = True
    return Sample((x,), params)


def _sort_fn(lib: Any, x: Any, dim: int, descending: bool, stable: bool | None = None) -> Any:
    if stable is None:
        return lib.sort(x, dim, descending)
    return lib.sort(x, dim=dim, descending=descending, stable=stable)


@st.composite
def _topk(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(_distinct(dtype, edge))
    dim = _dim(draw, x.shape)
    n = x.shape[dim] if x.ndim else 1
    return Sample((x,), {"k": draw(st.integers(0, n)) if x.ndim else 1, "dim": dim,
                         "largest": draw(st.booleans())})


@st.composite
def _kthvalue(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(_distinct(dtype, edge, min_side=1))
    dim = _dim(draw, x.shape)
    n = x.shape[dim] if x.ndim else 1
    return Sample((x,), {"k": draw(st.integers(1, n)), "dim": dim, "keepdim": draw(st.booleans())})


@st.composite
def _median(draw: Any, dtype: Any, edge: bool) -> Sample:
    """No dim: any values (ties share the gradient, as torch documents); over a dim: distinct
    values (torch leaves the index among equal medians unspecified)."""
    if draw(st.booleans()):
        x = draw(S.tensors(dtype, domain="moderate", edge=edge))
        if not x.size:  # the median of nothing is nan: no gradient to compare
            x = np.zeros((1,), dtype)
        return Sample((x,))
    x = draw(_distinct(dtype, edge, min_side=1))
    return Sample((x,), {"dim": _dim(draw, x.shape), "keepdim": draw(st.booleans())})


@st.composite
def _mode(draw: Any, dtype: Any, edge: bool) -> Sample:
    """Few distinct values, so the mode is a real choice: the smallest of the most frequent, at its
    last occurrence (torch's CPU kernel)."""
    shape = draw(S.shapes(edge=edge, min_side=1))
    x = draw(S.hnp.arrays(np.dtype(dtype), shape, elements=st.sampled_from([-1.5, 0.0, 0.5, 2.0])))
    return Sample((x,), {"dim": _dim(draw, x.shape), "keepdim": draw(st.booleans())})


def _value(name: str) -> Any:
    """``lib.<name>(...)`` and both its outputs (values, indices)."""
    return lambda lib, x, **p: tuple(getattr(lib, name)(x, **p))


_ENTRIES: list = [
    OpInfo("norm", _norm, smooth=_norm_smooth, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS,
           second_order_where=_away_from_zero, second_order_note=_NORM_NOTE),
    OpInfo("linalg.vector_norm", _vector_norm, fn=_lib_linalg("vector_norm"), smooth=_norm_smooth,
           tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS, second_order_where=_away_from_zero,
           second_order_note=_NORM_NOTE),
    OpInfo("linalg.matrix_norm", _matrix_norm, fn=_lib_linalg("matrix_norm"), smooth=_norm_smooth,
           tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS, second_order_where=_away_from_zero,
           second_order_note=_NORM_NOTE),
    OpInfo("linalg.norm", _linalg_norm, fn=_lib_linalg("norm"), smooth=_norm_smooth, tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS, second_order_where=_away_from_zero, second_order_note=_NORM_NOTE),
    OpInfo("cumsum", _along_dim, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("cumprod", lambda dtype, edge: _along_dim(dtype, edge).map(_no_tiny_factors), tol=_SUM_TOL,
           tol_note="products of a few factors round differently with the order of multiplication"),
    OpInfo("logcumsumexp", _along_dim, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("cummax", _along_dim, fn=_value("cummax"), smooth=lambda s: _unique(s.arrays[0])),
    OpInfo("cummin", _along_dim, fn=_value("cummin"), smooth=lambda s: _unique(s.arrays[0])),
    OpInfo("sort", _sort, fn=_sort_fn, smooth=lambda s: _unique(s.arrays[0])),
    OpInfo("topk", _topk, fn=_value("topk")),
    OpInfo("kthvalue", _kthvalue, fn=_value("kthvalue")),
    OpInfo("median", _median, fn=lambda lib, x, **p: tuple(lib.median(x, **p)) if p else lib.median(x),
           smooth=lambda s: _unique(s.arrays[0])),
    # (gradcheck makes the values distinct: the mode is then the smallest, which small steps keep)
    OpInfo("mode", _mode, fn=_value("mode")),
]

for _info in _ENTRIES:
    register(_info)
