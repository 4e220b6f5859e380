"""Elementwise unary ops: y = f(x), so dL/dx = dL/dy * f'(x)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Function
from .arithmetic import maximum, minimum, where
from ._util import float_input, zero_where


class Neg(Function):
    @staticmethod
    def forward(ctx, x):
        return np.negative(x._array)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(np.exp(x._array))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return grad * y  # (e^x)' = e^x


class Log(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / x


class Log1p(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (x + 1)


class Sqrt(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(np.sqrt(x._array))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return grad / (y * 2)


class Abs(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.sign()


class Sin(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.cos()


class Cos(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return -grad * x.sin()


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(np.tanh(x._array))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return TanhBackward.apply(grad, y)


class TanhBackward(Function):
    """tanh's gradient ``grad * (1 - y^2)`` as one op instead of three (torch's tanh_backward).
    Its own backward (torch's formulas): d/d(grad) = 1 - y^2, d/dy = -2 y grad.  It is linear in
    grad with a diagonal Jacobian, so the gradient along grad is this op again, applied to gg."""

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        a = y._array
        return grad._array * (1 - a * a)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        ngrad, ny = ctx.needs_input_grad
        return (TanhBackward.apply(gg, y) if ngrad else None,
                Product3.apply(-2, y, grad, gg) if ny else None)  # torch: grad * (-2 * y * grad_output)


class Product3(Function):
    """``k * a * b * c`` (k a number) as one op instead of three, rounded as ``((k a) b) c``: tanh's
    double backward needs it in every node.  Linear in each tensor, so the gradient along one is
    this op again on the upstream gradient and the other two."""

    @staticmethod
    def forward(ctx, k, a, b, c):
        ctx.save_for_backward(a, b, c)
        ctx.k = k
        return k * a._array * b._array * c._array

    @staticmethod
    def backward(ctx, h):
        a, b, c = ctx.saved_tensors
        k, (_, na, nb, nc) = ctx.k, ctx.needs_input_grad
        return (None, Product3.apply(k, b, c, h) if na else None,
                Product3.apply(k, a, c, h) if nb else None, Product3.apply(k, a, b, h) if nc else None)


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        # 1 / (1 + e^-x) written as exp(-log(1 + e^-x)): logaddexp never overflows, so there is no
        # warning at x = -1e4 and tiny results stay accurate instead of rounding to 0.
        y = Tensor._make(np.exp(-np.logaddexp(0, -x._array)))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return SigmoidBackward.apply(grad, y)  # grad * y * (1 - y)


class SigmoidBackward(Function):
    """Sigmoid's gradient ``grad * y * (1 - y)`` as one op instead of three (as torch's
    sigmoid_backward): it runs in every backward through a sigmoid.  Its own backward keeps second
    derivatives right: d/d(grad) = y (1 - y) (this op again, applied to gg: as for tanh), and
    d/dy = grad (1 - 2y)."""

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        a = y._array
        return grad._array * a * (1 - a)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        ngrad, ny = ctx.needs_input_grad
        return (SigmoidBackward.apply(gg, y) if ngrad else None,
                gg * grad * (1 - 2 * y) if ny else None)


class Relu(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(np.maximum(x._array, 0))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return ReluBackward.apply(grad, y)


class ReluBackward(Function):
    """relu's gradient as one op (torch's threshold_backward): ``grad`` where y > 0, else 0.

    It selects rather than multiplies by a mask, so a nan or inf upstream gradient stays out of
    the masked positions (0 * inf would be nan).  0 at exactly y = 0 is torch's convention; y = nan
    lets the gradient through.  Linear in ``grad``, so its own backward is the same selection,
    and nothing flows to y (the mask is piecewise constant)."""

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(y)
        return zero_where(y._array <= 0, grad._array)

    @staticmethod
    def backward(ctx, gg):
        y, = ctx.saved_tensors
        return ReluBackward.apply(gg, y), None


class Clamp(Function):
    """Limit to [min, max]; the gradient passes where the input was inside (bounds included)."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        out = x._array
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        return out if out is not x._array else out.copy()

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        lo, hi = ctx.lo, ctx.hi  # at least one is set: clamp() refuses neither
        inside = x >= lo if hi is None else x <= hi if lo is None else (x >= lo) & (x <= hi)
        return where(inside, grad, 0.0), None, None  # select, as torch's clamp_backward


class Sign(Function):
    @staticmethod
    def forward(ctx, x):
        a = x._array
        return np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype)  # torch: sign(nan) = 0

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape)  # torch: zeros_like(grad), whatever grad holds


class Rounding(Function):
    """floor/ceil/round/trunc: piecewise constant, so the gradient is zero."""

    @staticmethod
    def forward(ctx, x, fn):
        return fn(x._array)

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape), None


class Cast(Function):
    """``x.to(dtype)``: the gradient is cast back to the input's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.in_dtype = x.dtype
        return x._array.astype(dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.in_dtype) if ctx.in_dtype.is_floating_point else None, None


class Clone(Function):
    @staticmethod
    def forward(ctx, x):
        return x._array.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


# ----- the public functions -------------------------------------------------------------------
def neg(input: Tensor) -> Tensor:
    if input._array.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return Neg.apply(input)


negative = neg


def exp(input: Tensor) -> Tensor:
    return Exp.apply(float_input(input))


def log(input: Tensor) -> Tensor:
    return Log.apply(float_input(input))


def log1p(input: Tensor) -> Tensor:
    return Log1p.apply(float_input(input))


def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(float_input(input))


def abs(input: Tensor) -> Tensor:
    return Abs.apply(input)


absolute = abs


def sin(input: Tensor) -> Tensor:
    return Sin.apply(float_input(input))


def cos(input: Tensor) -> Tensor:
    return Cos.apply(float_input(input))


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(float_input(input))


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(float_input(input))


def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)


def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit every element to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input if min is None else maximum(input, min)
        return out if max is None else minimum(out, max)
    if input._array.dtype.kind != "f" and any(isinstance(v, float) for v in (min, max)):
        input = input.to(_dtype.get_default_dtype())
    return Clamp.apply(input, min, max)


clip = clamp


def floor(input: Tensor) -> Tensor:
    return Rounding.apply(input, np.floor) if input._array.dtype.kind == "f" else input.clone()


def ceil(input: Tensor) -> Tensor:
    return Rounding.apply(input, np.ceil) if input._array.dtype.kind == "f" else input.clone()


def round(input: Tensor) -> Tensor:
    """Half to even, as torch.round."""
    return Rounding.apply(input, np.round) if input._array.dtype.kind == "f" else input.clone()


def trunc(input: Tensor) -> Tensor:
    return Rounding.apply(input, np.trunc) if input._array.dtype.kind == "f" else input.clone()


def clone(input: Tensor) -> Tensor:
    return Clone.apply(input)


def contiguous(input: Tensor) -> Tensor:
    return input if input._array.flags.c_contiguous else Clone.apply(input)


def isnan(input: Tensor) -> Tensor:
    return Tensor._make(np.isnan(input._array))


def isinf(input: Tensor) -> Tensor:
    return Tensor._make(np.isinf(input._array))


def isfinite(input: Tensor) -> Tensor:
    return Tensor._make(np.isfinite(input._array))


def logical_not(input: Tensor) -> Tensor:
    return Tensor._make(np.logical_not(input._array))
