"""Indexing: ``x[key]``, ``x[key] = v``, gather and masked_fill.

Reading ``x[key]`` picks elements, so its backward scatters the gradient back to where they came
from (adding, when an integer-array index picks an element twice).  The two ops are each
other's backward, which is what makes second-order gradients work here too.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Function
from ._util import to_tensor, wrap_dim
from .shape import _as_view, sum_to


def _key(key: Any) -> tuple[tuple, bool]:
    """The key with tensors and lists as numpy index arrays; and whether it is 'advanced'."""
    parts = key if isinstance(key, tuple) else (key,)
    out, advanced = [], False
    for k in parts:
        if isinstance(k, Tensor):
            k = k._array
        elif isinstance(k, list):
            k = np.asarray(k)
            if k.size == 0:
                k = k.astype(np.int64)
        if isinstance(k, np.ndarray):
            if k.dtype.kind not in "iub":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            advanced = True
        elif isinstance(k, (bool, np.bool_)):
            advanced = True
        elif not (k is None or k is Ellipsis or isinstance(k, (int, slice, np.integer))):
            raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                             f"Variables are valid indices (got {type(k).__name__})")
        out.append(k)
    return tuple(out), advanced


def _numpy_index(fn: Any) -> Any:
    """Run a numpy indexing call; turn its IndexError into torch's wording."""
    try:
        return fn()
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None
    except ValueError as e:  # e.g. a shape mismatch in x[key] = v
        raise RuntimeError(str(e)) from None


class Index(Function):
    @staticmethod
    def forward(ctx, x, key, advanced):
        if not advanced and not any(k is Ellipsis for k in key):
            key = key + (Ellipsis,)  # x[0] of a vector: a 0-d view (as torch), not a scalar copy
        ctx.in_shape, ctx.key, ctx.advanced = x._array.shape, key, advanced
        return np.asarray(_numpy_index(lambda: x._array[key]))

    @staticmethod
    def backward(ctx, grad):
        return IndexAdd.apply(grad, ctx.in_shape, ctx.key, ctx.advanced), None, None


class IndexAdd(Function):
    """zeros(shape) with ``grad`` added at ``key``: the backward of Index (and vice versa)."""

    @staticmethod
    def forward(ctx, grad, shape, key, advanced):
        ctx.key, ctx.advanced = key, advanced
        out = np.zeros(shape, dtype=grad._array.dtype)
        if advanced:
            np.add.at(out, key, grad._array)  # repeated indices accumulate
        else:
            out[key] = grad._array
        return out

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, ctx.key, ctx.advanced), None, None, None


class IndexPut(Function):
    """``x[key] = value`` out of place: the backward of the overwritten elements is zero."""

    @staticmethod
    def forward(ctx, x, value, key):
        ctx.key, ctx.value_shape = key, value._array.shape
        out = x._array.copy()
        split = _torch_order(key)
        if split is None:
            _numpy_index(lambda: out.__setitem__(key, value._array))
        else:  # select with the integers first (a numpy view into `out`), then assign
            _numpy_index(lambda: out[split[0]].__setitem__(split[1], value._array))
        return out

    @staticmethod
    def backward(ctx, grad):
        nx, nv = ctx.needs_input_grad[:2]
        gx = IndexPut.apply(grad, grad.new_zeros(()), ctx.key) if nx else None
        gv = sum_to(grad[ctx.key], ctx.value_shape) if nv else None
        return gx, gv, None


class Gather(Function):
    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.in_shape, ctx.dim, ctx.index = x._array.shape, dim, index
        idx = index._array
        # torch allows index to be smaller than x in the other dims: use that corner of x
        corner = tuple(slice(0, n) if d != dim else slice(None) for d, n in enumerate(idx.shape))
        return _numpy_index(lambda: np.take_along_axis(x._array[corner], idx, axis=dim))

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(grad, ctx.dim, ctx.index, ctx.in_shape), None, None


class ScatterAdd(Function):
    """zeros(shape) with ``src`` added along ``dim`` at ``index``: the backward of Gather."""

    @staticmethod
    def forward(ctx, src, dim, index, shape):
        ctx.dim, ctx.index = dim, index
        idx = index._array
        grid = list(np.ogrid[tuple(slice(n) for n in idx.shape)])
        grid[dim] = idx
        out = np.zeros(shape, dtype=src._array.dtype)
        np.add.at(out, tuple(grid), src._array[tuple(slice(0, n) for n in idx.shape)])
        return out

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, ctx.dim, ctx.index), None, None, None


# ----- the public functions -------------------------------------------------------------------
def index(input: Tensor, key: Any) -> Tensor:
    """``input[key]``: ints, slices, None, Ellipsis, integer arrays and boolean masks."""
    k, advanced = _key(key)
    if input._array.ndim == 0 and not advanced and any(isinstance(p, (int, np.integer)) for p in k):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    split = _torch_order(k) if advanced else None
    if split is not None:
        return index(index(input, split[0]), split[1])
    out = Index.apply(input, k, advanced)
    return out if advanced else _as_view(out, input, lambda t: index(t, k))


def _is_int(p: Any) -> bool:
    return isinstance(p, (int, np.integer)) and not isinstance(p, bool)


def _torch_order(key: tuple) -> tuple[tuple, tuple] | None:
    """torch applies integer indices as plain selections first, so x[0, :, idx] keeps the sliced
    dim in front; numpy would count the 0 as an advanced index and move idx's dim first.  For
    such keys: (the selection, the rest), to apply one after the other; else None."""
    if (any(_is_int(p) for p in key) and any(isinstance(p, np.ndarray) for p in key)
            and not any(isinstance(p, bool) for p in key)
            and all(not isinstance(p, np.ndarray) or p.ndim for p in key)):
        return _ints_first(key)
    return None


def _ints_first(key: tuple) -> tuple[tuple, tuple]:
    """Split a key into (ints, slices and None) and then (the index arrays), dim for dim."""
    first, second = [], []
    for p in key:
        if isinstance(p, np.ndarray):  # consumes one dim, or a mask's ndim dims
            first += [slice(None)] * (p.ndim if p.dtype.kind == "b" else 1)
            second.append(p)
        elif _is_int(p) or p is Ellipsis:
            first.append(p)
            if p is Ellipsis:
                second.append(p)
        else:  # a slice or None: applied first; its dim is then taken whole
            first.append(p)
            second.append(slice(None))
    return tuple(first), tuple(second)


def index_put(input: Tensor, key: Any, value: Any) -> Tensor:
    """A copy of ``input`` with ``input[key] = value`` (what ``__setitem__`` records)."""
    k, _ = _key(key)
    if isinstance(value, Tensor):
        if value._array.dtype != input._array.dtype and value._array.ndim:
            raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                               f"{input.dtype.name} for the destination and {value.dtype.name} for "
                               "the source.")
        value = value.to(input.dtype)
    else:
        value = Tensor._make(np.asarray(value, dtype=input._array.dtype))
    return IndexPut.apply(input, value, k)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = wrap_dim(dim, input.ndim)
    return input[(slice(None),) * d + (index.reshape(-1),)]


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` for dim=0 (and likewise for other dims)."""
    d = wrap_dim(dim, input.ndim)
    if index._array.dtype not in (np.int64, np.int32):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for i, (m, n) in enumerate(zip(index.shape, input.shape)):
        if i != d and m > n:
            raise RuntimeError(f"Size does not match at dimension {i} expected index "
                               f"{list(index.shape)} to be no larger than self {list(input.shape)} "
                               f"apart from dimension {d}")
    if input.ndim == 0:
        return input.reshape(1).gather(0, index.reshape(1)).reshape(index.shape)
    bad = (index._array < 0) | (index._array >= input.shape[d])
    if bad.any():  # torch: a RuntimeError (numpy's would be an IndexError)
        raise RuntimeError(f"index {index._array[bad].flat[0]} is out of bounds for dimension {d} with size "
                           f"{input.shape[d]}")
    return Gather.apply(input, d, index)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``input`` plus ``src`` added at ``index`` along ``dim``."""
    d = wrap_dim(dim, input.ndim)
    return input + ScatterAdd.apply(src, d, index, input._array.shape)


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``input`` with ``value`` wherever ``mask`` (broadcast to input's shape) is True."""
    if not isinstance(mask, Tensor) or mask._array.dtype.kind != "b":
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{getattr(mask, 'dtype', type(mask).__name__)}")
    try:
        fits = np.broadcast_shapes(mask._array.shape, input._array.shape) == input._array.shape
    except ValueError:  # not broadcastable at all: numpy's error must not reach the user
        fits = False
    if not fits:
        raise RuntimeError(f"The size of the mask {list(mask.shape)} must be broadcastable to the "
                           f"input's size {list(input.shape)}")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        value = value.to(input.dtype)
    else:
        value = to_tensor(np.asarray(value, dtype=input._array.dtype))
    from .arithmetic import where
    return where(mask, value, input)
