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
from .shape import cat

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
    """Backward as torch's prod_backward: ``grad * (result / input)`` when the input has no zero,
    else the product of the other elements from two exclusive running products (exact with
    zeros); the same formulas, so nan and inf reach the second derivative where torch's do."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype, whole=False):
        out = Tensor._make(np.prod(x._array, axis=axes, keepdims=keepdim, dtype=dtype))
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim, ctx.whole = axes, keepdim, whole
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if x.ndim == 0:
            g = grad
        elif ctx.whole:
            zeros = int(np.count_nonzero(x._array == 0))
            if not zeros:
                g = grad * (out / x)
            elif zeros > 1 and not GradMode.enabled:  # torch's shortcut: every product has a zero
                g = x.new_zeros(x.shape)
            else:
                g = _prod_of_others(grad, x.reshape(-1), 0).reshape(x.shape)
        else:
            d = ctx.axes[0]
            if not ctx.keepdim:
                grad, out = grad.unsqueeze(d), out.unsqueeze(d)
            g = grad * (out / x) if not (x._array == 0).any() else _prod_of_others(grad, x, d)
        if g.dtype != x.dtype:  # prod(x, dtype=...): the gradient in x's dtype
            g = g.to(x.dtype)
        return g, None, None, None, None


def _prod_of_others(grad: Tensor, x: Tensor, d: int) -> Tensor:
    """grad times, for each element, the product of the others along ``d`` (torch's
    prod_safe_zeros_backward): the running product of those before it times that of those after."""
    n = x.shape[d]
    if n == 1:
        return grad
    ones = Tensor._make(np.ones(_keepdim_shape(x.shape, (d,)), grad._array.dtype))
    before = cat([ones, x.narrow(d, 0, n - 1)], d).cumprod(d)
    after = cat([ones, x.narrow(d, 1, n - 1).flip(d)], d).cumprod(d).flip(d)
    return grad * (before * after)


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


def _wide(a: np.ndarray) -> np.ndarray:
    """float16 as float32: torch's softmax kernels compute half in float and round once."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


class Softmax(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, dim):
        a = _wide(x._array)
        e = np.exp(a - _row_max(a, dim))
        y = Tensor._make((e / e.sum(axis=dim, keepdims=True)).astype(x._array.dtype, copy=False))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return SoftmaxBackward.apply(grad, y, ctx.dim), None


class SoftmaxBackward(Function):
    """softmax's gradient as one op (torch's _softmax_backward_data), with y the softmax:
    dL/dx = y (g - sum(g y)) over ``dim``.

    Its own backward, for second derivatives (torch's formulas), given gg:  d/dg = the same op
    applied to gg,  d/dy = g gg - sum(y g) gg - g sum(y gg)  (softmax_double_backward)."""

    node_name = "SoftmaxBackwardDataBackward0"  # the node of torch's _softmax_backward_data

    @staticmethod
    def forward(ctx, grad, y, dim):
        ctx.save_for_backward(grad, y)
        ctx.dim = dim
        g, o = _wide(grad._array), _wide(y._array)
        return (o * (g - (g * o).sum(axis=dim, keepdims=True))).astype(y._array.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        n_grad, ny = ctx.needs_input_grad[:2]
        dim = ctx.dim
        return (SoftmaxBackward.apply(gg, y, dim) if n_grad else None,
                grad * gg - (y * grad).sum(dim, keepdim=True) * gg - grad * (y * gg).sum(dim, keepdim=True)
                if ny else None, None)


class LogSoftmax(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, dim):
        a = _wide(x._array)
        shifted = a - _row_max(a, dim)
        y = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        y = Tensor._make(y.astype(x._array.dtype, copy=False))
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

    Its own backward, for second derivatives (torch's formulas), given gg:  d/dg = gg - sum(gg s),
    d/dy = -S s gg."""

    node_name = "LogSoftmaxBackwardDataBackward0"  # the node of torch's _log_softmax_backward_data

    @staticmethod
    def forward(ctx, grad, y, dim):
        ctx.save_for_backward(grad, y)
        ctx.dim = dim
        g = _wide(grad._array)
        out = g - np.exp(_wide(y._array)) * g.sum(axis=dim, keepdims=True)
        return out.astype(y._array.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        n_grad, ny = ctx.needs_input_grad[:2]
        dim = ctx.dim
        return (gg - (gg * y.exp()).sum(dim, keepdim=True) if n_grad else None,
                -grad.sum(dim, keepdim=True) * y.exp() * gg if ny else None, None)


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
    indices = _arg(input, d, True, np.argmax if is_max else np.argmin, "", bool_ok=True)
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


def _arg(input: Tensor, dim: Any, keepdim: bool, fn: Any, name: str, bool_ok: bool = False) -> Tensor:
    a = input._array
    if a.dtype.kind == "b" and not bool_ok:  # (max(x, dim)/min(x, dim) take bools, argmax/argmin not)
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
    ~1e-19) and std is not sqrt of a var rounded to float32.  Backward: torch's formulas
    (FunctionsManual.cpp var_backward, std_backward) from differentiable ops, so the second
    derivative, its nan and inf included, is torch's too.  ``whole``: no dim given (or a 0-d
    input), for which torch's var_backward has its own form."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes, keepdim, correction, take_sqrt, whole=False):
        a = x._array
        n = math.prod(a.shape[ax] for ax in axes)
        ctx.in_shape, ctx.axes, ctx.keepdim, ctx.whole = a.shape, axes, keepdim, whole or not a.ndim
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
        ctx.save_for_backward(*((x, out) if take_sqrt else (x,)))  # (var's gradient needs only x)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors if ctx.take_sqrt else (ctx.saved_tensors[0], None)
        if ctx.take_sqrt:  # std_backward: (grad / (result * 2)).masked_fill_(result == 0, 0); the
            zero = out == 0  # division by 1 there keeps torch's 0 / 0 out of the double backward
            grad = where(zero, 0.0, grad / (where(zero, 1.0, out) * 2))
        if ctx.whole:
            dof = x.numel() - ctx.correction
            if dof <= 0:  # torch: nan where x equals its mean, else inf; constant in x
                g = grad * where(x == x.mean(), math.nan, math.inf)
            else:
                g = (2.0 / dof) * grad * (x - x.mean())
        else:
            if not ctx.keepdim and x.ndim > 1:  # (a 1-d input's 0-d gradient broadcasts as is)
                grad = grad.reshape(_keepdim_shape(ctx.in_shape, ctx.axes))
            dof = ctx.n - ctx.correction
            scale = 2.0 / dof if dof else math.inf  # n == correction: torch's 2 / 0 = inf
            g = scale * grad * (x - x.mean(ctx.axes, keepdim=True))
        return (g if g.dtype == x.dtype else g.to(x.dtype)), None, None, None, None, None


def warn_no_dof(input: Tensor, axes: tuple, correction: Any, name: str, stacklevel: int) -> None:
    """torch's warning when ``correction`` leaves no degrees of freedom (it divides anyway)."""
    # torch's reduction factor is numel / output numel, 0 for an empty input, whatever the dims
    factor = math.prod(input._array.shape[ax] for ax in axes) if input._array.size else 0
    if factor - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", UserWarning,
                      stacklevel=stacklevel + 1)


def _std_var(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any,
             take_sqrt: bool) -> Tensor:
    if isinstance(dim, bool):  # legacy torch.var(x, unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if input._array.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    whole = dim in (None, (), [])  # (torch's backward takes () as no dims: n = 1; see docs/parity.md)
    axes = dims(None if whole else dim, input._array.ndim)
    # (stacklevel: the user's line, above var and its spellings wrapper)
    warn_no_dof(input, axes, correction, "std" if take_sqrt else "var", stacklevel=4)
    return StdVar.apply(input, axes, keepdim, correction, take_sqrt, whole)


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
    if isinstance(dim, (tuple, list)) and not dim:  # () means every dim, as for sum
        dim = None
        if not keepdim and input._array.ndim and input._array.size:
            # torch's kernel keeps the reduced dims of the max it shifts by, then adds it in place
            # to the 0-d sum: it fails unless keepdim (or nothing to shift: a 0-d or empty input)
            raise RuntimeError("output with shape [] doesn't match the broadcast shape "
                               f"[{', '.join(['1'] * input._array.ndim)}]")
    return LogSumExp.apply(input, dims(dim, input._array.ndim), keepdim)


def _softmax_input(input: Tensor, dim: Any, dtype: Any, name: str) -> tuple:
    if dim is None:
        raise TypeError(f"{name}() missing required argument 'dim' (minigrad does not guess it)")
    d = wrap_dim(dim, input._array.ndim)  # (first, as torch; on a 0-d input too: 0 and -1 only)
    if dtype is not None:
        input = input.to(dtype)
    if input._array.dtype.kind != "f" and input._array.size:  # (torch runs no kernel on an empty one)
        raise NotImplementedError(f"\"{name}_lastdim_kernel_impl\" not implemented for "
                                  f"'{_TYPE_WORD[input._array.dtype.kind]}'")
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

