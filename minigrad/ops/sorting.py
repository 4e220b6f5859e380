"""Sorting and selection (sort, topk, kthvalue, median, mode), running reductions (cumsum, cumprod,
cummax, ...), and counting and membership (all, any, unique, bincount, histc, isin, ...).

A selecting op's backward is simple: each output value *is* one input element, so its gradient goes
back to that element, found through the returned indices (a scatter into zeros, ``_to_indices``).
A running op's gradient for element k collects the upstream gradients of every later output that
element k took part in (a reversed cumulative sum, for cumsum).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _creation, _dtype  # (_creation as a module: it imports the ops)
from .._tensor import _SCALAR_TYPE, Tensor
from ..autograd.function import Function
from ._util import check_result_dtype, dims, numpy_spellings, quiet, return_type, to_tensor, wrap_dim
from .arithmetic import where
from .indexing import ScatterAdd

__all__ = ["all", "any", "argsort", "bincount", "count_nonzero", "cummax", "cummin", "cumprod", "cumsum",
           "histc", "histogram", "isin", "kthvalue", "logcumsumexp", "median", "mode", "sort", "topk",
           "unique"]

_SORT, _TOPK, _KTHVALUE = return_type("sort"), return_type("topk"), return_type("kthvalue")
_MEDIAN, _MODE = return_type("median"), return_type("mode")
_CUMMAX, _CUMMIN = return_type("cummax"), return_type("cummin")

_TYPE_WORD = _SCALAR_TYPE  # torch's names for dtypes in messages: Float, Long, ...


def _type_word(a: np.ndarray) -> str:
    return _TYPE_WORD[a.dtype.name]


# ----- numpy helpers: one slice per row, along one axis -------------------------------------------
def _argsort(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Indices that sort ``a`` along ``axis``, stably (equal elements keep their order, as torch's
    CPU sort does), nan last ascending and first descending, as torch.  Descending: a stable
    ascending sort of the reversed slice, reversed again, keeps the earlier of equal elements first."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    backwards = np.argsort(np.flip(a, axis), axis=axis, kind="stable")
    return (n - 1 - np.flip(backwards, axis)).astype(np.int64)


def _reduction_dim(input: Tensor, dim: int, name: str) -> int:
    """``dim`` wrapped, with torch's error for a selecting reduction over an empty dim."""
    a = input._array
    d = wrap_dim(dim, a.ndim)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return d


def _to_indices(grad: Tensor, dim: int, indices: Tensor, in_shape: tuple, keepdim: bool = True) -> Tensor:
    """The gradient of values picked along ``dim`` at ``indices``, sent back to the elements they
    were picked from (zeros elsewhere): torch's value_selecting_reduction_backward.  Its own
    backward is a gather, so second derivatives work."""
    if not in_shape:  # a 0-d input: the one value is the input itself
        return grad.reshape(())
    if not keepdim:
        grad, indices = grad.unsqueeze(dim), indices.unsqueeze(dim)
    return ScatterAdd.apply(grad, dim, indices, in_shape)


# ----- sort, topk, kthvalue, median, mode ----------------------------------------------------------
class Sort(Function):
    """Values and indices of a sort (or, with ``k``, of its first k entries: topk).  The gradient of
    each sorted value goes back to the element it came from."""

    @staticmethod
    def forward(ctx, x, dim, descending, k, node_name):
        a = x._array
        ctx.node_name, ctx.dim, ctx.in_shape = node_name, dim, a.shape
        if a.ndim == 0:
            indices = np.zeros((), np.int64)
            values = a.copy()
        else:
            indices = _argsort(a, dim, descending)
            if k is not None:
                indices = np.take(indices, np.arange(k), axis=dim)
            values = np.take_along_axis(a, indices, axis=dim)
        ctx.indices = Tensor._make(indices)  # kept apart from the returned indices, which the caller
        return values, indices.copy()        # may change in place

    @staticmethod
    def backward(ctx, grad, _grad_indices):
        return _to_indices(grad, ctx.dim, ctx.indices, ctx.in_shape), None, None, None, None


@numpy_spellings
def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool | None = None) -> Any:
    """``(values, indices)`` sorted along ``dim``.  Always stable (torch's CPU sort is): equal
    elements keep their order; nan sorts as the largest value."""
    d = wrap_dim(dim, input._array.ndim)
    # torch's overload with the keyword ``stable`` is another node: SortBackward1
    node = "SortBackward0" if stable is None else "SortBackward1"
    return _SORT(*Sort.apply(input, d, descending, None, node))


@numpy_spellings
def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (stably, as torch's CPU sort)."""
    a = input._array
    d = wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        return Tensor._make(np.zeros((), np.int64))
    return Tensor._make(_argsort(a, d, descending))


def _check_int(k: Any, name: str, what: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"{name}(): argument '{what}' (position 1) must be int, not {type(k).__name__}")
    return int(k)


@numpy_spellings
def topk(input: Tensor, k: int, dim: int | None = None, largest: bool = True, sorted: bool = True) -> Any:
    """The ``k`` largest (or smallest) elements along ``dim`` (default: the last) and their indices.
    Among equal elements the earlier one comes first (torch leaves that order unspecified); the
    result is always sorted (allowed with ``sorted=False``, whose order torch leaves unspecified)."""
    k = _check_int(k, "topk")
    a = input._array
    if a.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    d = wrap_dim(-1 if dim is None else dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    return _TOPK(*Sort.apply(input, d, largest, k if a.ndim else None, "TopkBackward0"))


class Select(Function):
    """One value per slice along ``dim``, picked at precomputed ``indices`` (kthvalue, median and mode
    over a dim): the gradient goes back to the picked element."""

    @staticmethod
    def forward(ctx, x, dim, indices, keepdim, node_name):
        a = x._array
        ctx.node_name, ctx.dim, ctx.in_shape, ctx.keepdim = node_name, dim, a.shape, keepdim
        ctx.indices = Tensor._make(indices)
        if a.ndim == 0:
            return a.copy(), indices.copy()
        values = np.take_along_axis(a, np.expand_dims(indices, dim) if not keepdim else indices, axis=dim)
        return (values if keepdim else np.squeeze(values, dim)), indices.copy()

    @staticmethod
    def backward(ctx, grad, _grad_indices):
        return _to_indices(grad, ctx.dim, ctx.indices, ctx.in_shape, ctx.keepdim), None, None, None, None


def _select(input: Tensor, d: int, pick: Any, keepdim: bool, node_name: str, result: type) -> Any:
    """Run ``pick`` (a sorted-order position per slice, from the slice's stable argsort) and return
    the selected values and their indices as ``result``."""
    a = input._array
    if a.ndim == 0:
        return result(*Select.apply(input, 0, np.zeros((), np.int64), keepdim, node_name))
    order = _argsort(a, d, False)
    indices = np.take_along_axis(order, pick(a, order), axis=d)  # kept dim
    if not keepdim:
        indices = np.squeeze(indices, d)
    return result(*Select.apply(input, d, indices.astype(np.int64), keepdim, node_name))


@numpy_spellings
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The ``k``-th smallest element (k = 1 is the smallest) along ``dim``, and its index."""
    k = _check_int(k, "kthvalue")
    _no_bool(input, "kthvalue_cpu")
    d = _reduction_dim(input, dim, "kthvalue")
    n = input._array.shape[d] if input._array.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return _select(input, d, lambda a, order: _position(order, d, k - 1), keepdim, "KthvalueBackward0",
                   _KTHVALUE)


def _no_bool(input: Tensor, kernel: str) -> None:
    if input._array.dtype == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _position(order: np.ndarray, d: int, i: Any) -> np.ndarray:
    """Position ``i`` (an int, or an array broadcasting over the slices) along ``d``, kept."""
    shape = list(order.shape)
    shape[d] = 1
    return np.broadcast_to(np.asarray(i, np.int64), shape).copy()


class MedianAll(Function):
    """``median(x)``: the lower median of all elements (nan if any is nan).  Its gradient is shared
    equally by every element equal to the median (torch's evenly_distribute_backward)."""

    node_name = "MedianBackward0"

    @staticmethod
    def forward(ctx, x):
        a = x._array.reshape(-1)
        if a.size == 0:
            return np.asarray(np.nan, x._array.dtype) if x._array.dtype.kind == "f" else np.zeros((), a.dtype)
        value = np.sort(a, kind="stable")[(a.size - 1) // 2]
        if a.dtype.kind == "f" and np.isnan(a).any():
            value = a.dtype.type(np.nan)
        out = Tensor._make(np.asarray(value))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        winners = x.isnan() if bool(out.isnan()) else x == out
        return where(winners, grad / winners.sum(), 0.0)


@numpy_spellings
def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """``median(x)``: the lower of the two middle values for an even count.  ``median(x, dim)``:
    ``(values, indices)`` per slice, nan where the slice has a nan.  Among equal medians the index
    is that of the first in a stable sort (torch leaves it unspecified)."""
    _no_bool(input, "median_cpu")
    if dim is None:
        return MedianAll.apply(input)
    d = _reduction_dim(input, dim, "median")

    def pick(a: np.ndarray, order: np.ndarray) -> np.ndarray:
        n = a.shape[d]
        where_nan = np.isnan(a).any(axis=d, keepdims=True) if a.dtype.kind == "f" else False
        # a slice with a nan: pick its first nan, which a stable ascending sort puts right after
        # the numbers (their count is the position)
        numbers = np.sum(~np.isnan(a), axis=d, keepdims=True) if a.dtype.kind == "f" else n
        return np.where(where_nan, numbers, _position(order, d, (n - 1) // 2))

    return _select(input, d, pick, keepdim, "MedianBackward1", _MEDIAN)


@numpy_spellings
def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """The most frequent value along ``dim`` (the smallest, if several are as frequent) and the
    index of its last occurrence, as torch's CPU kernel gives."""
    a = input._array
    d = _reduction_dim(input, dim, "mode")
    if a.ndim == 0:
        return _select(input, d, None, keepdim, "ModeBackward0", _MODE)
    rows = np.moveaxis(a, d, -1).reshape(-1, a.shape[d])
    picked = np.zeros(rows.shape[0], np.int64)
    for r, row in enumerate(rows):  # (a loop over slices: np.unique has no axis-wise counts)
        values, counts = np.unique(row, return_counts=True, equal_nan=False)
        winner = values[np.argmax(counts)]  # the first of the most frequent: the smallest
        if winner != winner:  # nan: no two nans are equal, so the winner is the first nan alone
            picked[r] = np.flatnonzero(row != row)[0]
        else:
            picked[r] = np.flatnonzero(row == winner)[-1]
    kept = list(a.shape)
    del kept[d]
    indices = picked.reshape(kept)
    if keepdim:
        indices = np.expand_dims(indices, d)
    return _MODE(*Select.apply(input, d, indices, keepdim, "ModeBackward0"))


# ----- running (cumulative) reductions -------------------------------------------------------------
def _cumulative_dim(input: Tensor, dim: Any, name: str) -> int:
    if dim is None:
        raise TypeError(f"{name}() missing 1 required positional arguments: \"dim\"")
    return wrap_dim(dim, input._array.ndim)


def _cumulative_dtype(input: Tensor, dtype: Any) -> Any:
    """torch accumulates integers and bools in int64 unless told a dtype."""
    if dtype is not None:
        return _dtype.as_dtype(dtype).np
    return np.int64 if input._array.dtype.kind in "iub" else input._array.dtype


class Cumsum(Function):
    """Running sum along ``dim`` (``reverse``: from the end, which is its own backward: element k
    appears in every later partial sum, so it collects the upstream gradients from k on)."""

    @staticmethod
    def forward(ctx, x, dim, dtype, reverse=False):
        a = np.atleast_1d(x._array)
        ctx.dim, ctx.in_dtype, ctx.reverse = dim, x._array.dtype, reverse
        if reverse:
            return np.flip(np.cumsum(np.flip(a, dim), axis=dim, dtype=dtype), dim).reshape(x._array.shape)
        return np.cumsum(a, axis=dim, dtype=dtype).reshape(x._array.shape)

    @staticmethod
    def backward(ctx, grad):
        g = Cumsum.apply(grad, ctx.dim, None, not ctx.reverse)
        if g._array.dtype != ctx.in_dtype:  # cumsum(x, dtype=...): back to x's dtype
            g = g.to(_dtype.from_numpy_dtype(ctx.in_dtype))
        return g, None, None, None


@numpy_spellings
def cumsum(input: Tensor, dim: int | None = None, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``: ``out[i] = input[0] + ... + input[i]``."""
    d = _cumulative_dim(input, dim, "cumsum")
    if dtype is not None:
        if _cumulative_dtype(input, dtype) == np.bool_ and input._array.ndim and input._array.size:
            # torch has no bool kernel (a 0-d or empty input never reaches it)
            raise NotImplementedError("\"cumsum_out_cpu\" not implemented for 'Bool'")
        check_result_dtype(input, _cumulative_dtype(input, dtype))
    return Cumsum.apply(input, d, _cumulative_dtype(input, dtype))


class Cumprod(Function):
    @staticmethod
    def forward(ctx, x, dim, dtype):
        out = Tensor._make(np.cumprod(np.atleast_1d(x._array), axis=dim, dtype=dtype).reshape(x._array.shape))
        ctx.save_for_backward(x, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        # d out_i / d x_k = (x_0 ... x_i) / x_k for i >= k: with no zero, the reversed running sum
        # of grad * out divided by x; a zero would divide 0 by 0, so then multiply without dividing
        x, out = ctx.saved_tensors
        d = ctx.dim
        if x.ndim == 0 or x.numel() == 0:
            g = grad
        elif not (x._array == 0).any():
            g = Cumsum.apply(grad * out, d, None, True) / x
        else:
            g = _cumprod_grad_with_zeros(x, grad, d)
        return (g if g.dtype == x.dtype else g.to(x.dtype)), None, None


def _cumprod_grad_with_zeros(x: Tensor, grad: Tensor, d: int) -> Tensor:
    """sum over i >= k of grad_i * (running product up to i with x_k replaced by 1), with Tensor
    ops (so second derivatives are right too): row k of an n x n stack is the slice with x_k = 1."""
    xs, gs = x.transpose(d, -1), grad.transpose(d, -1)  # the running dim last
    n = xs.shape[-1]
    rows = where(Tensor._make(np.eye(n, dtype=bool)), 1.0, xs.unsqueeze(-2))  # (..., k, i)
    later = Tensor._make(np.triu(np.ones((n, n), dtype=bool)))  # i >= k
    products = Cumprod.apply(rows, rows.ndim - 1, None)
    g = where(later, products * gs.unsqueeze(-2), 0.0).sum(-1)
    return g.transpose(d, -1)


@numpy_spellings
def cumprod(input: Tensor, dim: int | None = None, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``; the gradient is exact with zeros in the input too."""
    d = _cumulative_dim(input, dim, "cumprod")
    if dtype is not None:
        if _cumulative_dtype(input, dtype) == np.bool_ and input._array.ndim and input._array.size:
            # torch has no bool kernel (a 0-d or empty input never reaches it)
            raise NotImplementedError("\"cumprod_out_cpu\" not implemented for 'Bool'")
        check_result_dtype(input, _cumulative_dtype(input, dtype))
    return Cumprod.apply(input, d, _cumulative_dtype(input, dtype))


class _CumExtreme(Function):
    """Running max (cummax) or min (cummin) and the index where it was reached: the latest element
    equal to it (as torch), or the latest nan once one is seen.  The gradient of each output goes
    to the element it came from."""

    @staticmethod
    def forward(ctx, x, dim):
        a = x._array
        ctx.dim, ctx.in_shape = dim, a.shape
        if a.ndim == 0:
            ctx.indices = Tensor._make(np.zeros((), np.int64))
            return a.copy(), np.zeros((), np.int64)
        better = np.greater_equal if ctx.is_max else np.less_equal
        floats = a.dtype.kind == "f"
        moved = np.moveaxis(a, dim, -1)
        indices = np.zeros(moved.shape, np.int64)
        if moved.shape[-1]:
            best, at = moved[..., 0].copy(), np.zeros(moved.shape[:-1], np.int64)
            for i in range(moved.shape[-1]):  # (a loop along the dim: numpy has no running argmax)
                v = moved[..., i]
                take = (better(v, best) & ~np.isnan(best)) | np.isnan(v) if floats else better(v, best)
                best, at = np.where(take, v, best), np.where(take, i, at)
                indices[..., i] = at
        indices = np.moveaxis(indices, -1, dim)
        ctx.indices = Tensor._make(indices)
        return np.take_along_axis(a, indices, axis=dim), indices.copy()

    @staticmethod
    def backward(ctx, grad, _grad_indices):
        return _to_indices(grad, ctx.dim, ctx.indices, ctx.in_shape), None


class Cummax(_CumExtreme):
    is_max = True


class Cummin(_CumExtreme):
    is_max = False


@numpy_spellings
def cummax(input: Tensor, dim: int | None = None) -> Any:
    """``(values, indices)``: the running maximum along ``dim`` and where it was reached."""
    return _CUMMAX(*Cummax.apply(input, _cumulative_dim(input, dim, "cummax")))


@numpy_spellings
def cummin(input: Tensor, dim: int | None = None) -> Any:
    """``(values, indices)``: the running minimum along ``dim`` and where it was reached."""
    return _CUMMIN(*Cummin.apply(input, _cumulative_dim(input, dim, "cummin")))


class Logcumsumexp(Function):
    """``log(cumsum(exp(x)))`` without overflow.  d out_i / d x_k = exp(x_k - out_i) for i >= k
    (each such weight is at most 1, as out_i >= x_k): an n x n matrix of weights per slice."""

    @staticmethod
    def forward(ctx, x, dim):
        out = Tensor._make(np.logaddexp.accumulate(np.atleast_1d(x._array), axis=dim).reshape(x._array.shape))
        ctx.save_for_backward(x, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if x.ndim == 0:
            return grad, None
        d = ctx.dim
        xs, outs, gs = x.transpose(d, -1), out.transpose(d, -1), grad.transpose(d, -1)
        n = xs.shape[-1]
        later = Tensor._make(np.triu(np.ones((n, n), dtype=bool)))  # [k, i]: i >= k
        weights = where(later, (xs.unsqueeze(-1) - outs.unsqueeze(-2)).exp(), 0.0)
        return (weights * gs.unsqueeze(-2)).sum(-1).transpose(d, -1), None


@numpy_spellings
def logcumsumexp(input: Tensor, dim: int | None = None) -> Tensor:
    """Running ``log(sum(exp(x)))`` along ``dim``."""
    d = _cumulative_dim(input, dim, "logcumsumexp")
    if input._array.dtype.kind != "f":
        raise NotImplementedError("\"logcumsumexp_out_cpu\" not implemented for "
                                  f"'{_type_word(input._array)}'")
    return Logcumsumexp.apply(input, d)


# ----- counting, logic and membership: no gradient ---------------------------------------------------
def _logical_reduce(fn: Any, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    a = input._array
    # (torch's dim=() reduces nothing here, unlike sum's: each element becomes a truth value)
    axes = None if dim is None else dims(dim, a.ndim)
    out = fn(a.astype(bool), axis=axes, keepdims=keepdim)
    return Tensor._make(np.asarray(out).astype(np.uint8 if a.dtype == np.uint8 else bool))


@numpy_spellings
def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether every element (along ``dim``) is nonzero: bool (uint8 for a uint8 input, as torch)."""
    return _logical_reduce(np.all, input, dim, keepdim)


@numpy_spellings
def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether some element (along ``dim``) is nonzero: bool (uint8 for a uint8 input, as torch)."""
    return _logical_reduce(np.any, input, dim, keepdim)


@numpy_spellings
def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """The number of nonzero elements (along ``dim``), as int64."""
    a = input._array
    axes = dims(None if dim in ((), []) else dim, a.ndim)
    return Tensor._make(np.asarray(np.count_nonzero(a, axis=axes) if a.ndim else int(a != 0), np.int64))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None) -> Any:
    """The distinct elements (always sorted, which torch's CPU kernel does whatever ``sorted``
    says), or with ``dim`` the distinct slices along it; optionally the index of each input
    element in the result (``return_inverse``) and how often each occurs (``return_counts``).
    nan is never equal to nan, so each one is distinct."""
    a = input._array
    if dim is None:
        flat = a.reshape(-1)
        _, first, inverse, counts = np.unique(flat, return_index=True, return_inverse=True,
                                              return_counts=True, equal_nan=False)
        values = flat[first]  # each value as it first occurs: -0.0 or 0.0, as torch keeps it
        inverse = inverse.reshape(a.shape)
    else:
        d = wrap_dim(dim, a.ndim)
        zero_dims = [i for i, n in enumerate(a.shape) if n == 0]
        if zero_dims and a.shape[d] != 0:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be "
                               "applied")
        if len(zero_dims) > 1:
            raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be "
                               "applied ")
        if zero_dims:  # no slices along dim: nothing is repeated
            values, inverse, counts = a, np.zeros(0, np.int64), np.zeros(0, np.int64)
        else:
            values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d,
                                                equal_nan=False)
        inverse = inverse.reshape(-1)
    out = [Tensor._make(values)]
    if return_inverse:
        out.append(Tensor._make(inverse.astype(np.int64)))
    if return_counts:
        out.append(Tensor._make(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ... occurs in a 1-d tensor of non-negative integers (summing
    ``weights`` instead of ones, if given): int64, or the weights' float dtype (double for
    integer weights)."""
    a = input._array
    if a.dtype.kind not in "iu":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{_type_word(a)}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._make(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._array
    if w.ndim != 1 or w.shape[0] != a.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if a.size == 0:  # torch: counts of nothing are int64 zeros, weights or not
        return Tensor._make(np.zeros(minlength, np.int64))
    dtype = w.dtype if w.dtype.kind == "f" else np.float64
    return Tensor._make(np.bincount(a, weights=w.astype(np.float64), minlength=minlength).astype(dtype))


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """A histogram of ``bins`` equal-width bins over [min, max] (over the data's range when both
    are 0; widened by 1 each way when that range is a single value).  Elements outside it are
    ignored; one equal to ``max`` counts in the last bin.  Same dtype as the input."""
    a = input._array
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_type_word(a)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    x = a.reshape(-1)
    x = x[(x >= lo) & (x <= hi)]
    # the bin of x: floor((x - lo) * bins / (hi - lo)), computed in the input's dtype as torch does
    lo_, hi_ = a.dtype.type(lo), a.dtype.type(hi)
    pos = ((x - lo_) * a.dtype.type(bins) / (hi_ - lo_)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)  # x == max: the last bin
    return Tensor._make(np.bincount(pos, minlength=bins).astype(a.dtype))


_HISTOGRAM = return_type("histogram", ("hist", "bin_edges"))


def histogram(input: Tensor, bins: int | Tensor = 100, *, range: tuple[float, float] | None = None,
              weight: Tensor | None = None, density: bool = False) -> tuple[Tensor, Tensor]:
    """``(hist, bin_edges)``: counts (or summed ``weight``) of the elements in each bin, the bins
    being ``bins`` equal-width ones over ``range`` (the data's range by default, widened by 0.5
    each way when that is a single value) or the given increasing edges.  A bin holds
    ``edge[i] <= x < edge[i+1]``, the last one also its right edge; other elements are ignored.
    ``density=True`` divides by the total and the bin widths, so the histogram integrates to 1."""
    a = input._array
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_type_word(a)}'")
    if isinstance(bins, Tensor):
        edges = bins._array
        if edges.ndim != 1:
            raise RuntimeError("torch.histogramdd: bins tensor should have one dimension, but got "
                               f"{edges.ndim} dimensions in the bins tensor for dimension 0")
        if edges.size < 2:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {edges.size - 1} for "
                               "dimension 0")
        if edges.dtype != a.dtype:
            raise RuntimeError("torch.histogramdd: input tensor and bins tensors should have the same dtype, "
                               f"but got input with dtype {_type_word(a).lower()} and bins for dimension 0 "
                               f"with dtype {_type_word(edges).lower()}")
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif a.size:
            lo, hi = float(a.min()), float(a.max())
        else:
            lo, hi = 0.0, 1.0
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} max "
                               f"{hi:g} for dimension 0")
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension 0's range [{lo:g}, {hi:g}] is not finite")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = _creation.linspace(lo, hi, bins + 1, dtype=input.dtype)._array  # torch's float32 spacing
    x = a.reshape(-1)
    w = None if weight is None else weight._array.astype(a.dtype).reshape(-1)
    inside = (x >= edges[0]) & (x <= edges[-1])
    # the bin of x is the last edge <= x; x equal to the rightmost edge counts in the last bin
    pos = np.minimum(np.searchsorted(edges, x[inside], side="right") - 1, edges.size - 2)
    hist = np.bincount(pos, None if w is None else w[inside], minlength=edges.size - 1).astype(a.dtype)
    if density:  # as torch: by the total first, then by each bin's width (nothing counted: nan)
        with quiet():
            hist = hist / hist.sum() / np.diff(edges)
    return _HISTOGRAM(*Histogram.apply(input, hist.astype(a.dtype), edges))


class Histogram(Function):
    """torch records histogram in the graph (for an input that requires grad, both results do, which
    is why plotting code calls ``.detach()``) but has no derivative for it: backward raises."""

    node_name = "torch::autograd::NotImplemented"  # its repr: <NotImplemented object at ...>
    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, input, hist, edges):
        return hist, edges.copy()

    @staticmethod
    def backward(ctx, grad_hist, grad_edges):
        raise RuntimeError("derivative for aten::histogram is not implemented")


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each element of ``elements`` is in ``test_elements`` (either may be a number)."""
    e, t = to_tensor(elements), to_tensor(test_elements)
    return Tensor._make(np.asarray(np.isin(e._array, t._array, invert=invert)))

