"""Registry entries for shape, indexing and other ops (flip, roll, tril, einsum, ...).

Most of these ops only move or copy elements, so any values do (nonfinite ones too, where the op
copies them unchanged); einsum, trace and outer multiply or add, and draw moderate values."""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

from . import strategies as S
from .registry import _DTYPE_NOTE_SUMS, _SUM_TOL, OpInfo, Sample, _shape_op, register


def _dim(draw: Any, ndim: int) -> int:
    """A valid dim of an ndim-dim tensor, maybe written negative."""
    n = max(ndim, 1)
    return draw(st.integers(-n, n - 1))


def _two_dims(draw: Any, ndim: int) -> tuple:
    """Two different dims (ndim >= 2), each maybe written negative."""
    a, b = draw(st.lists(st.integers(0, ndim - 1), min_size=2, max_size=2, unique=True))
    return a - draw(st.sampled_from([0, ndim])), b - draw(st.sampled_from([0, ndim]))


def _with(build: Callable) -> Callable:
    """``build(draw, shape) -> params`` as the ``build`` of registry._shape_op."""
    return lambda shape: st.composite(lambda draw: build(draw, shape))()


def _diag_args(draw: Any, shape: tuple) -> dict:
    return {"diagonal": draw(st.integers(-3, 3))}


def _diagonal_args(draw: Any, shape: tuple) -> dict:
    d1, d2 = _two_dims(draw, len(shape))
    return {"offset": draw(st.integers(-3, 3)), "dim1": d1, "dim2": d2}


def _diag_embed_args(draw: Any, shape: tuple) -> dict:
    d1, d2 = _two_dims(draw, len(shape) + 1)
    return {"offset": draw(st.integers(-2, 2)), "dim1": d1, "dim2": d2}


def _flip_args(draw: Any, shape: tuple) -> dict:
    n = max(len(shape), 1)
    dims = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    return {"dims": tuple(d - draw(st.sampled_from([0, n])) for d in dims)}


def _roll_args(draw: Any, shape: tuple) -> dict:
    if not shape or draw(st.booleans()):  # flattened
        return {"shifts": draw(st.integers(-7, 7))}
    dims = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=3))  # repeats add up
    return {"shifts": tuple(draw(st.integers(-7, 7)) for _ in dims), "dims": tuple(dims)}


def _rot90_args(draw: Any, shape: tuple) -> dict:
    return {"k": draw(st.integers(-5, 5)), "dims": _two_dims(draw, len(shape))}


def _repeat_args(draw: Any, shape: tuple) -> dict:
    lead = draw(st.lists(st.integers(0, 2), max_size=2))
    return {"repeats": tuple(lead) + tuple(draw(st.integers(0, 2)) for _ in shape)}


def _tile_args(draw: Any, shape: tuple) -> dict:
    return {"dims": tuple(draw(st.lists(st.integers(0, 2), max_size=len(shape) + 1)))}


def _repeat_interleave_args(draw: Any, shape: tuple) -> dict:
    dim = None if not shape or draw(st.booleans()) else _dim(draw, len(shape))
    if draw(st.booleans()):
        return {"repeats": draw(st.integers(0, 3)), "dim": dim}
    n = int(np.prod(shape)) if dim is None else shape[dim]
    counts = draw(S.hnp.arrays(np.int64, draw(st.sampled_from([(n,), (1,), ()])), elements=st.integers(0, 3)))
    return {"repeats": counts, "dim": dim}


def _narrow_args(draw: Any, shape: tuple) -> dict:
    dim = _dim(draw, len(shape))
    n = shape[dim]
    start = draw(st.integers(-n, n))
    length = draw(st.integers(0, n - (start % n if start < 0 else start)))
    return {"dim": dim, "start": start, "length": length}


def _movedim_args(draw: Any, shape: tuple) -> dict:
    n = len(shape)
    if draw(st.booleans()):
        return {"source": _dim(draw, n), "destination": _dim(draw, n)}
    k = draw(st.integers(0, n))
    source = draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k, unique=True)) if n else []
    destination = draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k, unique=True)) if n else []
    return {"source": tuple(source), "destination": tuple(destination)}


@st.composite
def _two_vectors(draw: Any, dtype: Any, edge: bool) -> Sample:
    lo = 0 if edge else 1
    sizes = [draw(st.integers(lo, 3)) for _ in range(2)]
    return Sample(tuple(draw(S.tensors(dtype, (n,), "moderate", edge)) for n in sizes))


@st.composite
def _diag_sample(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=1, max_dims=2))
    return Sample((x,), _diag_args(draw, x.shape))


@st.composite
def _meshgrid(draw: Any, dtype: Any, edge: bool) -> Sample:
    shapes = draw(st.lists(S.shapes(max_dims=1, edge=edge), min_size=1, max_size=3))
    return Sample(tuple(draw(S.tensors(dtype, s, edge=edge)) for s in shapes),
                  {"indexing": draw(st.sampled_from(["ij", "xy"]))})


# einsum equations and how to draw their operands' shapes from one size per label
_EINSUM = [
    ("ij,jk->ik", "ij", "jk"), ("bij,bjk->bik", "bij", "bjk"), ("ij->ji", "ij"), ("ii", "ii"),
    ("ii->i", "ii"), ("i,j->ij", "i", "j"), ("ij->", "ij"), ("ij->j", "ij"), ("bi,bi->b", "bi", "bi"),
    ("i,i->", "i", "i"), ("ij,j->i", "ij", "j"), ("bii->b", "bii"), ("ij,jk,kl->il", "ij", "jk", "kl"),
    ("iij,jk->k", "iij", "jk"), ("ij,ij->ij", "ij", "ij"), (",i->i", "", "i"),
]


@st.composite
def _einsum(draw: Any, dtype: Any, edge: bool) -> Sample:
    if draw(st.integers(0, 3)) == 0:  # batch dims through an ellipsis, broadcast
        sa, sb = draw(S.broadcastable_shapes(2, max_dims=2, edge=edge))
        n, k, m = (draw(st.integers(0 if edge else 1, 3)) for _ in range(3))
        return Sample((draw(S.tensors(dtype, sa + (n, k), "moderate", edge)),
                       draw(S.tensors(dtype, sb + (k, m), "moderate", edge))),
                      {"equation": "...ij,...jk->...ik"})
    equation, *subs = draw(st.sampled_from(_EINSUM))
    size = {c: draw(st.integers(0 if edge else 1, 3)) for c in "bijkl"}
    shapes = [tuple(1 if edge and draw(st.integers(0, 5)) == 0 else size[c] for c in s) for s in subs]
    if "ii" in equation:  # a diagonal: both dims of the repeated label keep its size
        shapes = [tuple(size[c] for c in s) if "ii" in s else sh for s, sh in zip(subs, shapes)]
    arrays = tuple(draw(S.tensors(dtype, sh, "moderate", edge)) for sh in shapes)
    return Sample(arrays, {"equation": equation})


@st.composite
def _masked_select(draw: Any, dtype: Any, edge: bool) -> Sample:
    sx, sm = draw(S.broadcastable_shapes(2, edge=edge))
    return Sample((draw(S.tensors(dtype, sx, edge=edge)),), {"mask": draw(S.hnp.arrays(np.bool_, sm))})


@st.composite
def _take_along_dim(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=1, min_side=1))
    if draw(st.integers(0, 3)) == 0:  # no dim: flat indices of the flattened input
        ishape = draw(S.shapes(max_dims=2, edge=edge))
        return Sample((x,), {"indices": draw(S.index_arrays(ishape, x.size))})
    dim = _dim(draw, x.ndim)
    # indices broadcast with x outside dim: each of their other dims is 1 or x's
    ishape = tuple(draw(st.integers(0, 3)) if d == dim % x.ndim else draw(st.sampled_from([1, n]))
                   for d, n in enumerate(x.shape))
    if draw(st.booleans()):  # x broadcast instead
        x = x[tuple(slice(0, 1) if draw(st.booleans()) else slice(None) for _ in x.shape)]
    return Sample((x,), {"indices": draw(S.index_arrays(ishape, x.shape[dim])), "dim": dim})


# the dim along which tensors of each rank are joined (None: they must have the same shape)
_STACK_DIM = {"hstack": {1: 0, 2: 1, 3: 1}, "vstack": {2: 0, 3: 0}, "dstack": {3: 2},
              "column_stack": {2: 1, 3: 1}}


def _stack_sample(name: str) -> Callable:
    """One to three tensors that torch's ``name`` accepts together: one shape, but for the size
    of the dim they are joined along."""
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        base = draw(S.shapes(max_dims=3, edge=edge))
        dim = _STACK_DIM[name].get(len(base))
        arrays = []
        for _ in range(draw(st.integers(1, 3))):
            shape = list(base)
            if dim is not None:
                shape[dim] = draw(st.integers(0 if edge else 1, 3))
            arrays.append(draw(S.tensors(dtype, tuple(shape), edge=edge)))
        return Sample(tuple(arrays))
    return sample


@st.composite
def _several(draw: Any, dtype: Any, edge: bool) -> Sample:
    return Sample(tuple(draw(st.lists(S.tensors(dtype, edge=edge), min_size=1, max_size=3))))


def _stack_fn(name: str) -> Callable:
    return lambda lib, *ts: getattr(lib, name)(list(ts))


def _inplace_triangle(method: str) -> Callable:
    def fn(lib: Any, x: Any, diagonal: int) -> Any:
        y = x * 1.0
        getattr(y, method)(diagonal)
        return y
    return fn


_ENTRIES: list = [
    OpInfo("outer", _two_vectors),
    OpInfo("trace", lambda dtype, edge: S.tensors(dtype, domain="moderate", edge=edge, min_dims=2,
                                                  max_dims=2).map(lambda x: Sample((x,))),
           tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("diag", _diag_sample),
    OpInfo("diagonal", functools.partial(_shape_op, build=_with(_diagonal_args), min_dims=2)),
    OpInfo("diag_embed", functools.partial(_shape_op, build=_with(_diag_embed_args), min_dims=1)),
    OpInfo("tril", functools.partial(_shape_op, build=_with(_diag_args), min_dims=2)),
    OpInfo("triu", functools.partial(_shape_op, build=_with(_diag_args), min_dims=2)),
    OpInfo("Tensor.tril_", functools.partial(_shape_op, build=_with(_diag_args), min_dims=2),
           fn=_inplace_triangle("tril_")),
    OpInfo("Tensor.triu_", functools.partial(_shape_op, build=_with(_diag_args), min_dims=2),
           fn=_inplace_triangle("triu_")),
    OpInfo("flip", functools.partial(_shape_op, build=_with(_flip_args))),
    OpInfo("fliplr", functools.partial(_shape_op, build=lambda s: st.just({}), min_dims=2)),
    OpInfo("flipud", functools.partial(_shape_op, build=lambda s: st.just({}), min_dims=1)),
    OpInfo("roll", functools.partial(_shape_op, build=_with(_roll_args))),
    OpInfo("rot90", functools.partial(_shape_op, build=_with(_rot90_args), min_dims=2)),
    OpInfo("Tensor.repeat", functools.partial(_shape_op, build=_with(_repeat_args)),
           fn=lambda lib, x, repeats: x.repeat(*repeats) if repeats else x.repeat(())),
    OpInfo("tile", functools.partial(_shape_op, build=_with(_tile_args))),
    OpInfo("repeat_interleave", functools.partial(_shape_op, build=_with(_repeat_interleave_args))),
    OpInfo("meshgrid", _meshgrid, fn=lambda lib, *ts, indexing: lib.meshgrid(*ts, indexing=indexing)),
    OpInfo("einsum", _einsum, fn=lambda lib, *ts, equation: lib.einsum(equation, *ts),
           tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("masked_select", _masked_select),
    OpInfo("take_along_dim", _take_along_dim),
    OpInfo("narrow", functools.partial(_shape_op, build=_with(_narrow_args), min_dims=1)),
    OpInfo("movedim", functools.partial(_shape_op, build=_with(_movedim_args))),
    OpInfo("atleast_1d", functools.partial(_shape_op, build=lambda s: st.just({}))),
    OpInfo("atleast_2d", functools.partial(_shape_op, build=lambda s: st.just({}))),
    OpInfo("atleast_3d", _several, fn=lambda lib, *ts: lib.atleast_3d(*ts)),
    OpInfo("hstack", _stack_sample("hstack"), fn=_stack_fn("hstack")),
    OpInfo("vstack", _stack_sample("vstack"), fn=_stack_fn("vstack")),
    OpInfo("dstack", _stack_sample("dstack"), fn=_stack_fn("dstack")),
    OpInfo("column_stack", _stack_sample("column_stack"), fn=_stack_fn("column_stack")),
]

for _info in _ENTRIES:
    register(_info)
