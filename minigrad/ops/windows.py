"""``Tensor.unfold``: every window of ``size`` elements along a dim, ``step`` apart, as a view
with the windows in a new last dim.  Its backward adds each window's gradient back onto the
elements it covers (windows overlap when step < size): a sum, not a copy."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ..autograd.function import Function
from .shape import _as_view

__all__ = ["unfold"]


def _window_index(n: int, size: int, step: int) -> np.ndarray:
    """(windows, size) positions along the unfolded dim."""
    count = (n - size) // step + 1
    return np.arange(count)[:, None] * step + np.arange(size)[None, :]


def _strided_view(a: np.ndarray, shape: tuple, strides: tuple, writeable: bool) -> np.ndarray:
    """A view of ``a``'s memory with these strides whose ``base`` is the array owning that memory
    (as for numpy's own views, so the engine sees a view); read-only where elements repeat."""
    owner = a if a.base is None else a.base
    try:
        view = np.ndarray(shape, a.dtype, buffer=owner, offset=a.ctypes.data - owner.ctypes.data,
                          strides=strides)
    except (TypeError, ValueError):  # an owner without a buffer to share: a strided copy-free read
        view = np.lib.stride_tricks.as_strided(a, shape, strides)
    view.flags.writeable = writeable and a.flags.writeable
    return view


class Unfold(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, dim, size, step):
        a = x._array
        ctx.args, ctx.in_shape = (dim, size, step), a.shape
        if a.ndim == 0:  # the one element, as a window of size 1 (or none)
            return a.reshape(1)[:size]
        count = (a.shape[dim] - size) // step + 1
        shape = a.shape[:dim] + (count,) + a.shape[dim + 1:] + (size,)
        strides = a.strides[:dim] + (a.strides[dim] * step,) + a.strides[dim + 1:] + (a.strides[dim],)
        return _strided_view(a, shape, strides, writeable=step >= size)
    @staticmethod
    def backward(ctx, grad):
        return UnfoldBackward.apply(grad, ctx.in_shape, *ctx.args), None, None, None


class UnfoldBackward(Function):
    """A zero tensor of ``shape`` with each window's values added onto the elements it covers.
    Its own backward reads the windows again: ``Unfold``."""

    torch_inputs = (0,)
    node_name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, shape, dim, size, step):
        ctx.args = (dim, size, step)
        g = grad._array
        if not shape:  # a 0-d input: its one window
            return g.sum().reshape(())
        out = np.zeros(shape, dtype=g.dtype)
        idx = _window_index(shape[dim], size, step)  # (windows, size)
        moved = np.moveaxis(out, dim, -1)  # (..., n): a view, so adding into it fills out
        np.add.at(moved, (..., idx), np.moveaxis(g, dim, -2))  # g: (..., windows, size) at the end
        return out

    @staticmethod
    def backward(ctx, grad):
        return Unfold.apply(grad, *ctx.args), None, None, None, None


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``Tensor.unfold``: the windows of ``size`` elements along ``dimension``, ``step`` apart,
    in a new last dim (a view of input)."""
    dim = _wrap_dim(dimension, input.ndim) if input.ndim else _wrap_dim(dimension, 1)
    n = input.shape[dim] if input.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    out = Unfold.apply(input, dim, size, step)
    return _as_view(out, input, (lambda t: unfold(t, dim, size, step)) if step >= size else None,
                    writable=step >= size)
