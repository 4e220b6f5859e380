"""Helpers shared by the ops: operand promotion, dim handling, quiet numpy (``quiet``)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from .._errstate import quiet  # noqa: F401  (re-exported for the ops)
from .._tensor import Tensor, _wrap_dim

wrap_dim = _wrap_dim




def to_tensor(x: Any) -> Tensor:
    """An operand as a Tensor: Python scalars keep torch's scalar typing for promotion."""
    if isinstance(x, Tensor):
        return x
    x = _normalize(x)
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, int, float)):
        return Tensor._make(np.asarray(x, dtype=_dtype._scalar_dtype(x).np))
    raise TypeError(f"unsupported operand type for a tensor op: {type(x).__name__}")


_NUMBERS = (int, float)


def operands(a: Any, b: Any, float_result: bool = False) -> tuple[Tensor, Tensor]:
    """Both operands as Tensors of the dtype torch would compute in.

    Python scalars take the tensor's dtype when they are of the same or a lower category
    (``float32_tensor * 2.5`` stays float32); see ``_dtype.result_type``.  With ``float_result``
    integer results become the default float dtype (true division)."""
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb:  # the common cases first: two tensors of one dtype need nothing,
        da = a._array.dtype
        if da == b._array.dtype and (not float_result or da.kind == "f"):
            return a, b
    elif ta and type(b) in _NUMBERS and a._array.dtype.kind == "f":  # a float tensor and a number:
        return a, Tensor._make(np.asarray(b, a._array.dtype))         # the tensor's dtype
    elif tb and type(a) in _NUMBERS and b._array.dtype.kind == "f":
        return Tensor._make(np.asarray(a, b._array.dtype)), b
    else:
        a, b = _normalize(a), _normalize(b)
        ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    target = _dtype.result_type(a, b)
    if float_result and not target.is_floating_point:
        target = _dtype.get_default_dtype()
    return _as(a, ta, target), _as(b, tb, target)


def _normalize(x: Any) -> Any:
    """numpy arrays act as tensors, numpy scalars as Python scalars."""
    if isinstance(x, np.ndarray):
        return Tensor._make(x)
    if isinstance(x, np.generic):
        return x.item()
    return x


def _as(x: Any, is_tensor: bool, target: _dtype.dtype) -> Tensor:
    if is_tensor:
        return x if x._array.dtype == target.np else x.to(target)
    if not isinstance(x, (bool, int, float)):
        raise TypeError(f"unsupported operand type for a tensor op: {type(x).__name__}")
    return Tensor._make(np.asarray(x, dtype=target.np))


def sum_terms(*terms: Tensor | None) -> Tensor | None:
    """The sum of the terms that are not None (None if none is): a gradient that collects a term
    from each output of a fused backward op that received one."""
    total = None
    for t in terms:
        if t is not None:
            total = t if total is None else total + t
    return total


def zero_where(blocked: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``np.where(blocked, 0, a)`` for a float array ``a``: +0.0 where ``blocked``, ``a`` (nan and
    inf included) elsewhere.  Done by masking the bits, with no per-element branch: np.where
    branches, and on a random mask mispredicts half the time (64x128 float32 with a varying mask:
    31.7 us for np.where, 7.0 us for this)."""
    keep = ~np.negative(blocked, dtype=np.dtype(f"i{a.itemsize}"))  # all ones where not blocked
    return (a.view(keep.dtype) & keep).view(a.dtype)


def broadcast_view(a: np.ndarray, shape: tuple) -> np.ndarray:
    """``np.broadcast_to(a, shape)`` for a shape the caller has already checked: a read-only view
    whose broadcast dims have stride 0.  Built from the strides directly when ``a`` is contiguous,
    because np.broadcast_to is a Python-level wrapper (2.4 us on a 1x16 array, this 1.0 us) and
    every sum or mean backward and every expand calls it."""
    if not a.flags.c_contiguous:
        return np.broadcast_to(a, shape)
    lead = len(shape) - a.ndim
    strides = [0] * lead
    for stride, n, m in zip(a.strides, a.shape, shape[lead:]):
        strides.append(stride if n == m else 0)
    view = np.ndarray(shape, a.dtype, a, 0, strides)
    view.setflags(write=False)
    return view


def mean_array(a: np.ndarray, axes: tuple | None = None, keepdims: bool = False) -> Any:
    """``np.mean(a, axes, keepdims=keepdims)`` (axes None: all) for a float array with at least one
    element, with numpy's arithmetic (the sum, float16 summed in float32, divided by the count in
    float64 and rounded back) but without np.mean's Python-level wrapper: 1.5 us where np.mean
    takes 4.6 on a 32x1 array, and every mean and every 'mean'-reduced loss calls it."""
    half = a.dtype == np.float16
    total = np.add.reduce(a, axis=axes, dtype=np.float32 if half else None, keepdims=keepdims)
    count = a.size if axes is None else math.prod([a.shape[ax] for ax in axes])
    # the dtype's constructor rounds the float64 quotient back (a Python int would make numpy
    # divide in float32, rounding a count above 2**24); it keeps arrays arrays, scalars scalars
    mean = total.dtype.type(total / np.float64(count))
    return np.float16(mean) if half else mean


def float_input(x: Tensor) -> Tensor:
    """Ops like exp/log compute in floating point: integer inputs become the default dtype."""
    if x._array.dtype.kind == "f":
        return x
    return x.to(_dtype.get_default_dtype())


def dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """A reduction's ``dim`` argument (None, int or sequence) as sorted non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        axes = tuple(sorted(wrap_dim(d, ndim) for d in dim))
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"dim {list(dim)} appears multiple times in the list of dims")
        return axes if ndim else ()
    return (wrap_dim(dim, ndim),) if ndim else ()
