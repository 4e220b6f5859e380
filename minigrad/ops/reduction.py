"""Reductions (sum, mean, prod, max, ...) and the softmax family.

A reduction's backward sends the gradient back to every element that took part: ``sum`` copies
it to all of them, ``mean`` divides it by their number, ``max`` gives it to the winner(s).
"""
from __future__ import annotations

import builtins  # this module's max/min/sum are the tensor ops
import math
import warnings
from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Function
from ..autograd.grad_mode import GradMode
from ._util import (broadcast_view, check_result_dtype, dims, float_input, mean_array, named,
                    numpy_spellings, return_type, wrap_dim)
from .arithmetic import maximum, minimum, where

# what max(x, dim)/min(x, dim) return, like torch.return_types.max/min
_RESULT = {True: return_type("max"), False: return_type("min")}


def _keepdim_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple([1 if i in axes else n for i, n in enumerate(shape)])


def _spread(grad: Tensor, in_shape: tuple, axes: tuple, keepdim: bool) -> Tensor:
    """The gradient of a reduced tensor, broadcast back over the reduced axes."""
    return Spread.apply(grad, in_shape, axes, keepdim)


class Spread(Function):
    """``_spread`` as one op (a reshape and an expand in one node): a read-only broadcast view.
    Its backward sums over the axes again."""

    node_name = "ExpandBackward0"  # torch's sum backward: unsqueeze, then expand (which names it)
    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, grad, in_shape, axes, keepdim):
        ctx.axes, ctx.keepdim = axes, keepdim
        g = grad._array
        if not keepdim and g.ndim:  # (a 0-d gradient, of a reduction to a scalar, broadcasts as is)
            g = g.reshape(_keepdim_shape(in_shape, axes))
        return broadcast_view(g, in_shape)

    @staticmethod
    def backward(ctx, gg):
        return gg.sum(ctx.axes, keepdim=ctx.keepdim), None, None, None


class Sum(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.in_shape, ctx.axes, ctx.keepdim = x._array.shape, axes, keepdim
        ctx.in_dtype = x.dtype if dtype is not None else None  # sum(x, dtype=...): cast back
        return np.add.reduce(x._array, axis=axes, dtype=dtype, keepdims=keepdim)  # = np.sum, faster

    @staticmethod
    def backward(ctx, grad):
        g = _spread(grad, ctx.in_shape, ctx.axes, ctx.keepdim)
        return (g if ctx.in_dtype is None else g.to(ctx.in_dtype)), None, None, None


class Mean(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.in_shape, ctx.axes, ctx.keepdim = x._array.shape, axes, keepdim
        ctx.count = math.prod(x._array.shape[a] for a in axes)
        if ctx.count == 0:  # the mean of nothing is nan, silently (np.mean would warn)
            return np.sum(x._array, axis=axes, keepdims=keepdim) * np.nan
        return mean_array(x._array, axes, keepdim)

    @staticmethod
    def backward(ctx, grad):
        g = _spread(grad, ctx.in_shape, ctx.axes, ctx.keepdim) / ctx.count
        return named(g, "DivBackward1"), None, None  # torch's node for a division by a number


class Prod(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype, whole=False):
        out = Tensor._make(np.prod(x._array, axis=axes, keepdims=keepdim, dtype=dtype))
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim, ctx.whole = axes, keepdim, whole
        return out

    @staticmethod
    def backward(ctx, grad):
        # d(prod)/dx_i is the product of the *other* elements: prod/x_i when there is no zero.
        x, out = ctx.saved_tensors
        axes, shape = ctx.axes, x._array.shape
        g = _spread(grad, shape, axes, ctx.keepdim)
        if g._array.dtype != x._array.dtype:  # prod(x, dtype=...): the gradient in x's dtype
            g, out = g.to(x.dtype), out.to(x.dtype)
        if all(shape[a] == 1 for a in axes):  # one factor per slice (or a 0-d input): the identity,
            return g, None, None, None, None  # exactly (out / x loses precision at tiny x)
        zeros = int(np.count_nonzero(x._array == 0))
        if not zeros:
            return g * _spread(out, shape, axes, ctx.keepdim) / x, None, None, None, None
        if ctx.whole and zeros > 1 and not GradMode.enabled:  # torch's prod_backward shortcut
            return x.new_zeros(shape), None, None, None, None
        return g * _prod_of_others(x, axes), None, None, None, None


def _prod_of_others(x: Tensor, axes: tuple) -> Tensor:
    """For each element, the product of the other elements of its slice, without dividing (so
    zeros are fine) and with Tensor ops (so second derivatives are right even with two zeros):
    row i of an n x n stack is the slice with x_i replaced by 1; its product is the answer."""
    keep = [d for d in range(x.ndim) if d not in axes]
    moved = x.permute(keep + list(axes))  # reduced axes last
    lead, reduced = moved.shape[:len(keep)], moved.shape[len(keep):]
    n = int(np.prod(reduced, dtype=np.int64))
    rows = where(Tensor._make(np.eye(n, dtype=bool)), 1.0, moved.reshape(lead + (1, n)))
    others = Prod.apply(rows, (rows.ndim - 1,), False, None).reshape(lead + reduced)
    return others.permute(tuple(np.argsort(keep + list(axes))))


class Extreme(Function):
    """amax/amin: ties share the gradient equally, as torch does."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes, keepdim, fn, select=False):
        out = Tensor._make(fn(x._array, axis=axes, keepdims=keepdim))
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim, ctx.select = axes, keepdim, select
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        shape, axes = x._array.shape, ctx.axes
        if ctx.select and np.isnan(out._array).any():  # torch: a nan max goes to the nan elements
            winners = Tensor._make(np.isnan(x._array))
        else:
            winners = x == _spread(out, shape, axes, ctx.keepdim)
        share = _spread(grad, shape, axes, ctx.keepdim) / _spread(
            winners.sum(axes, keepdim=True), shape, axes, True)
        if ctx.select:  # max()/min(): torch's evenly_distribute_backward (CPU) masked_fills zeros
            return where(winners, share, 0.0), None, None, None, None
        return share * winners, None, None, None, None  # amax/amin: torch's scale_grad_by_count


class LogSumExp(Function):
    node_name = "LogsumexpBackward0"

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        a = x._array
        m = (np.max(a, axis=axes, keepdims=True) if a.size
             else np.zeros(_keepdim_shape(a.shape, axes), a.dtype))
        m = np.where(np.isinf(m), 0, m)  # all -inf (or +inf) rows: shift by 0, as torch does
        out = np.log(np.sum(np.exp(a - m), axis=axes, keepdims=True)) + m
        out = Tensor._make(out if keepdim else np.squeeze(out, axis=axes))
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        shape = x._array.shape
        return (_spread(grad, shape, ctx.axes, ctx.keepdim)
                * (x - _spread(out, shape, ctx.axes, ctx.keepdim)).exp()), None, None


def _row_max(a: np.ndarray, dim: int | None) -> np.ndarray | int:
    """The max along ``dim`` (kept), to shift by before exp; 0 for an empty input (no max)."""
    return a.max(axis=dim, keepdims=True) if a.size else 0


class Softmax(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, dim):
        a = x._array
        e = np.exp(a - _row_max(a, dim))
        y = Tensor._make(e / e.sum(axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors  # dL/dx = y * (g - sum(g * y))
        return y * (grad - (grad * y).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, dim):
        a = x._array
        shifted = a - _row_max(a, dim)
        y = Tensor._make(shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True)))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return LogSoftmaxBackward.apply(grad, y, ctx.dim), None


class LogSoftmaxBackward(Function):
    """log_softmax's gradient as one op (torch's _log_softmax_backward_data), with s = e^y the
    softmax and S = sum(g) over ``dim``:  dL/dx = g - s S.

    Its own backward, for second derivatives, given gg:  d/dg = gg - sum(gg s),  d/dy = -gg s S."""

    node_name = "LogSoftmaxBackwardDataBackward0"  # the node of torch's _log_softmax_backward_data

    @staticmethod
    def forward(ctx, grad, y, dim):
        ctx.save_for_backward(grad, y)
        ctx.dim = dim
        g = grad._array
        return g - np.exp(y._array) * g.sum(axis=dim, keepdims=True)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        n_grad, ny = ctx.needs_input_grad[:2]
        s, dim = y.exp(), ctx.dim
        return (gg - (gg * s).sum(dim, keepdim=True) if n_grad else None,
                -gg * s * grad.sum(dim, keepdim=True) if ny else None, None)


# ----- the public functions -------------------------------------------------------------------
def _sum_dtype(x: Tensor, dtype: Any) -> Any:
    """torch sums integers and bools in int64."""
    if dtype is not None:
        return _dtype.as_dtype(dtype).np
    return np.int64 if x._array.dtype.kind in "iub" else None


@numpy_spellings
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum over ``dim`` (an int, a tuple of ints, or None for all)."""
    axes = dims(None if dim in ((), []) else dim, input._array.ndim)
    if dtype is not None:
        check_result_dtype(input, _sum_dtype(input, dtype))
    out = Sum.apply(input, axes, keepdim, _sum_dtype(input, dtype))
    return out if dim is None else named(out, "SumBackward1")  # torch's sum.dim_IntList


@numpy_spellings
def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if input._array.dtype.kind != "f":
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {_TYPE_WORD[input._array.dtype.kind]}")
    out = Mean.apply(input, dims(None if dim in ((), []) else dim, input._array.ndim), keepdim)
    return out if dim is None else named(out, "MeanBackward1")  # torch's mean.dim


_TYPE_WORD = {"i": "Long", "u": "Byte", "b": "Bool"}


@numpy_spellings
def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if isinstance(dim, (tuple, list)):  # torch's prod reduces over one dim or all, never a tuple
        raise TypeError("prod() received an invalid combination of arguments - got "
                        f"(dim={type(dim).__name__}, ): dim must be an int")
    axes = dims(dim, input._array.ndim)
    if dtype is not None:
        check_result_dtype(input, _sum_dtype(input, dtype))
    out = Prod.apply(input, axes, keepdim, _sum_dtype(input, dtype), dim is None)
    return out if dim is None else named(out, "ProdBackward1")  # torch's prod.dim_int


@numpy_spellings
def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return _extreme(input, dim, keepdim, np.max, "amax")


@numpy_spellings
def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return _extreme(input, dim, keepdim, np.min, "amin")


def _extreme(input: Tensor, dim: Any, keepdim: bool, fn: Any, name: str) -> Tensor:
    whole = dim in ((), [], None)
    axes = dims(None if whole else dim, input._array.ndim)
    if input._array.size == 0 and whole:  # (torch: a RuntimeError here, an IndexError just below)
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")
    given = [] if whole else [wrap_dim(d, input._array.ndim) for d in (dim if isinstance(dim, (tuple, list))
                                                                      else [dim])]
    empty = [a for a in given if input._array.ndim and input._array.shape[a] == 0]  # (in the order given)
    if empty:
        raise IndexError(f"{name}(): Expected reduction dim {empty[0]} to have non-zero size.")
    return named(Extreme.apply(input, axes, keepdim, fn), name.capitalize() + "Backward0")


def _max_min(input: Tensor, dim: Any, keepdim: bool, other: Any, is_max: bool) -> Any:
    if isinstance(dim, Tensor):
        return (maximum if is_max else minimum)(input, dim)
    if other is not None:
        return (maximum if is_max else minimum)(input, other)
    if isinstance(dim, (tuple, list)):  # torch's max/min over a dim take one int (amax takes several)
        raise TypeError(f"{'max' if is_max else 'min'}() received an invalid combination of arguments - got "
                        f"(dim={type(dim).__name__}, ): dim must be an int")
    if dim is None:
        if input._array.size == 0:
            raise RuntimeError(f"{'max' if is_max else 'min'}(): Expected reduction dim to be "
                               "specified for input.numel() == 0. Specify the reduction dim with the "
                               "'dim' argument.")
        out = Extreme.apply(input, dims(None, input._array.ndim), False, np.max if is_max else np.min, True)
        return named(out, "MaxBackward1" if is_max else "MinBackward1")  # torch's max()/min()
    d = wrap_dim(dim, input._array.ndim)
    if input._array.ndim and input._array.shape[d] == 0:
        raise IndexError(f"{'max' if is_max else 'min'}(): Expected reduction dim {d} to have non-zero size.")
    indices = (argmax if is_max else argmin)(input, d, keepdim=True)
    values = input.gather(d, indices) if input._array.ndim else input.clone()
    if not keepdim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    # torch makes this one node; the last of the ops above takes its name
    named(values, "MaxBackward0" if is_max else "MinBackward0")
    return _RESULT[is_max](values, indices)


@numpy_spellings
def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:
    """``max(x)`` -> the largest element; ``max(x, dim)`` -> (values, indices); ``max(x, y)`` ->
    elementwise maximum."""
    return _max_min(input, dim, keepdim, other, True)


@numpy_spellings
def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:
    return _max_min(input, dim, keepdim, other, False)


def _arg(input: Tensor, dim: Any, keepdim: bool, fn: Any, name: str) -> Tensor:
    a = input._array
    if a.dtype.kind == "b":
        raise RuntimeError(f"{name}(): does not support bool input")
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        out = np.asarray(fn(a.reshape(-1)))
        return Tensor._make(out.reshape((1,) * a.ndim) if keepdim else out.astype(np.int64))
    d = wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        return Tensor._make(np.zeros((), np.int64))
    if a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return Tensor._make(np.asarray(fn(a, axis=d, keepdims=keepdim)).astype(np.int64))


@numpy_spellings
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _arg(input, dim, keepdim, np.argmax, "argmax")


@numpy_spellings
def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _arg(input, dim, keepdim, np.argmin, "argmin")


class StdVar(Function):
    """torch's CPU std/var.  Forward in float64, rounded to the dtype once at the end (after the
    square root for std): a single output takes ReduceOps.cpp's std_var_all_cpu (the dtype's mean,
    then double squares), others WelfordOps<scalar_t, double>, for which a float64 two-pass is the
    same to well within the dtype's rounding.  So float32 squares do not underflow (|x - mean| below
    ~1e-19) and std is not sqrt of a var rounded to float32.  Backward: torch's closed forms
    (FunctionsManual.cpp var_backward, std_backward), from differentiable ops for double backward."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes, keepdim, correction, take_sqrt):
        a = x._array
        n = math.prod(a.shape[ax] for ax in axes)
        ctx.in_shape, ctx.axes, ctx.keepdim = a.shape, axes, keepdim
        ctx.n, ctx.correction, ctx.take_sqrt = n, correction, take_sqrt
        ctx.node_name = "StdBackward0" if take_sqrt else "VarBackward0"
        # (forward runs quiet: empty slices, n <= correction and underflowing squares are silent)
        wide = a.astype(np.float64)
        if a.size and math.prod(_keepdim_shape(a.shape, axes)) == 1:
            mean = np.float64(mean_array(a))  # std_var_all_cpu: self.mean().item<double>()
        else:
            mean = np.sum(wide, axis=axes, keepdims=True) / n  # = np.mean, silent when empty
        dev = wide - mean
        var = np.sum(dev * dev, axis=axes, keepdims=keepdim) / builtins.max(n - correction, 0)
        out = Tensor._make(np.asarray(np.sqrt(var) if take_sqrt else var).astype(a.dtype))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if ctx.take_sqrt:  # std_backward: (grad / (result * 2)).masked_fill_(result == 0, 0); the
            zero = out == 0  # division by 1 there keeps 0 * inf out of the double backward
            grad = where(zero, 0.0, grad / (where(zero, 1.0, out) * 2))
        g = _spread(grad, ctx.in_shape, ctx.axes, ctx.keepdim)
        dof = ctx.n - ctx.correction
        scale = 2.0 / dof if dof else math.inf  # n == correction: torch's 2 / 0 = inf
        return scale * g * (x - x.mean(ctx.axes, keepdim=True)), None, None, None, None


def _std_var(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any,
             take_sqrt: bool) -> Tensor:
    if isinstance(dim, bool):  # legacy torch.var(x, unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if input._array.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    axes = dims(None if dim in ((), []) else dim, input._array.ndim)
    # torch's reduction factor is numel / output numel, 0 for an empty input, whatever the dims
    factor = math.prod(input._array.shape[ax] for ax in axes) if input._array.size else 0
    if factor - correction <= 0:  # torch warns, then divides
        warnings.warn(f"{'std' if take_sqrt else 'var'}(): degrees of freedom is <= 0. Correction should be "
                      "strictly less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=4)  # (the user's line: above var and its spellings wrapper)
    return StdVar.apply(input, axes, keepdim, correction, take_sqrt)


@numpy_spellings
def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    """Variance with ``correction`` (1 = Bessel's, the default), computed as torch does (StdVar)."""
    return _std_var(input, dim, unbiased, keepdim, correction, take_sqrt=False)


@numpy_spellings
def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    """Standard deviation; its gradient is 0 where std == 0, as torch's (StdVar)."""
    return _std_var(input, dim, unbiased, keepdim, correction, take_sqrt=True)


@numpy_spellings
def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) computed without overflow."""
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' must be tuple of ints, not NoneType")
    input = float_input(input)
    if isinstance(dim, (tuple, list)) and not dim:  # () means every dim, as for sum (see docs/parity.md:
        dim = None                                     # torch's own kernel fails here without keepdim)
    return LogSumExp.apply(input, dims(dim, input._array.ndim), keepdim)


def _softmax_input(input: Tensor, dim: Any, dtype: Any, name: str) -> tuple:
    if dim is None:
        raise TypeError(f"{name}() missing required argument 'dim' (minigrad does not guess it)")
    if dtype is not None:
        input = input.to(dtype)
    if input._array.dtype.kind != "f" and input._array.size:  # (torch runs no kernel on an empty one)
        raise NotImplementedError(f"\"{name}_lastdim_kernel_impl\" not implemented for "
                                  f"'{_TYPE_WORD[input._array.dtype.kind]}'")
    d = wrap_dim(dim, input._array.ndim)  # (checked on a 0-d input too: 0 and -1 only)
    return input, (d if input._array.ndim else None)


@numpy_spellings
def softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    input, d = _softmax_input(input, dim, dtype, "softmax")
    if input._array.dtype.kind != "f":  # empty: nothing to compute, the dtype is kept (as torch)
        return input.clone()
    return Softmax.apply(input, d)


@numpy_spellings
def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    input, d = _softmax_input(input, dim, dtype, "log_softmax")
    if input._array.dtype.kind != "f":  # empty: nothing to compute, the dtype is kept (as torch)
        return input.clone()
    return LogSoftmax.apply(input, d)

