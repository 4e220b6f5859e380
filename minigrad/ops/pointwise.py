"""Elementwise unary ops: y = f(x), so dL/dx = dL/dy * f'(x)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Function
from .arithmetic import check_fits, where
from ._util import OUT_SAME_DTYPE, float_input, refuse_bool, write_out, zero_where


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
    node_name = "Log1PBackward0"

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
    and zeros flow to y (the mask is piecewise constant; torch sends zeros too, so a second
    derivative through relu is a zero tensor, not a missing one)."""

    node_name = "ThresholdBackwardBackward0"  # the node of torch's threshold_backward

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(y)
        return zero_where(y._array <= 0, grad._array)

    @staticmethod
    def backward(ctx, gg):
        y, = ctx.saved_tensors
        return ReluBackward.apply(gg, y), (gg.new_zeros(y.shape) if ctx.needs_input_grad[1] else None)


class Clamp(Function):
    """Limit to [min, max]; the gradient passes where the input was inside (bounds included)."""

    node_name = "ClampBackward1"  # torch: clamp with number bounds (ClampBackward0: tensor bounds)

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

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


class ClampTensor(Function):
    """Limit to [min, max] for tensor bounds (either may be None; all three broadcast).  torch's
    rule for the gradient: x gets it where min <= x <= max (ties included, nan excluded); min where
    x < min < max; max where x > max or max < min (then the result is max)."""

    node_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x, lo, hi)
        out = x._array
        if lo is not None:
            out = np.maximum(out, lo._array)
        if hi is not None:
            out = np.minimum(out, hi._array)
        return out if out is not x._array else out.copy()

    @staticmethod
    def backward(ctx, grad):
        from .shape import sum_to
        x, lo, hi = ctx.saved_tensors
        nx, nlo, nhi = ctx.needs_input_grad
        if hi is None:
            x_gets, lo_gets, hi_gets = x >= lo, x < lo, None
        elif lo is None:
            x_gets, lo_gets, hi_gets = x <= hi, None, x > hi
        else:
            x_gets, lo_gets, hi_gets = (x >= lo) & (x <= hi), (x < lo) & (lo < hi), (x > hi) | (hi < lo)
        # summed back to each input's shape: the bounds may broadcast x to a larger shape
        return (sum_to(where(x_gets, grad, 0.0), x.shape) if nx else None,
                sum_to(where(lo_gets, grad, 0.0), lo.shape) if nlo else None,
                sum_to(where(hi_gets, grad, 0.0), hi.shape) if nhi else None)


class Sign(Function):
    @staticmethod
    def forward(ctx, x):
        a = x._array
        if a.dtype.kind == "b":
            return a.copy()  # a bool's sign is itself
        return np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype)  # torch: sign(nan) = 0

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape)  # torch: zeros_like(grad), whatever grad holds


class Rounding(Function):
    """floor/ceil/round/trunc: piecewise constant, so the gradient is zero."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, fn):
        ctx.node_name = fn.__name__.capitalize() + "Backward0"  # FloorBackward0, CeilBackward0, ...
        return fn(x._array)

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape), None


class Cast(Function):
    """``x.to(dtype)``: the gradient is cast back to the input's dtype."""

    node_name = "ToCopyBackward0"

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

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
def neg(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    if input._array.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    result = Neg.apply(input)
    return result if out is None else write_out(out, result, "neg", OUT_SAME_DTYPE)


negative = neg


def exp(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Exp.apply(float_input(input))
    return result if out is None else write_out(out, result, "exp")


def log(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Log.apply(float_input(input))
    return result if out is None else write_out(out, result, "log")


def log1p(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Log1p.apply(float_input(input))
    return result if out is None else write_out(out, result, "log1p")


def sqrt(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Sqrt.apply(float_input(input))
    return result if out is None else write_out(out, result, "sqrt")


def abs(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    refuse_bool(input, "abs_cpu")
    result = Abs.apply(input)
    return result if out is None else write_out(out, result, "abs", OUT_SAME_DTYPE)


absolute = abs


def sin(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Sin.apply(float_input(input))
    return result if out is None else write_out(out, result, "sin")


def cos(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Cos.apply(float_input(input))
    return result if out is None else write_out(out, result, "cos")


def tanh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Tanh.apply(float_input(input))
    return result if out is None else write_out(out, result, "tanh")


def sigmoid(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Sigmoid.apply(float_input(input))
    return result if out is None else write_out(out, result, "sigmoid")


def relu(input: Tensor) -> Tensor:
    if input._array.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


def sign(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Sign.apply(input)
    return result if out is None else write_out(out, result, "sign", OUT_SAME_DTYPE)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit every element to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        from ._util import broadcast_shapes, operands
        shapes = [t._array.shape for t in (input, min, max) if isinstance(t, Tensor)]
        broadcast_shapes(*shapes)  # torch's error if they do not broadcast
        x, lo, hi = input, min, max
        if lo is not None:
            x, lo = operands(x, lo)
        if hi is not None:
            x, hi = operands(x, hi)
            if lo is not None and lo._array.dtype != x._array.dtype:
                lo = lo.to(x.dtype)
        if x._array.dtype.kind == "b" and lo is not None and hi is not None:  # torch has no such kernel
            both_tensors = isinstance(min, Tensor) and isinstance(max, Tensor)
            raise NotImplementedError(f"\"{'clamp_cpu' if both_tensors else 'clamp_scalar_cpu'}\" not "
                                      "implemented for 'Bool'")
        for bound in (min, max):  # a number bound is converted to the result dtype first
            check_fits(bound, x._array.dtype)
        return ClampTensor.apply(x, lo, hi)
    if input._array.dtype.kind == "b" and all(v is None or type(v) is bool for v in (min, max)):
        kernel = "clamp_scalar_cpu" if min is not None and max is not None else (
            "clamp_min_scalar_cpu" if max is None else "clamp_max_scalar_cpu")
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")  # (torch has no such kernel)
    if input._array.dtype.kind != "f" and any(isinstance(v, float) for v in (min, max)):
        input = input.to(_dtype.get_default_dtype())
    # (a bool input with int bounds gives int64)
    result_dtype = input._array.dtype if input._array.dtype.kind != "b" else np.dtype(np.int64)
    for bound in (min, max):  # torch converts a bound to the result dtype first
        check_fits(bound, result_dtype)
    return Clamp.apply(input, min, max)


clip = clamp


def floor(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    refuse_bool(input, "floor_vml_cpu")
    result = Rounding.apply(input, np.floor) if input._array.dtype.kind == "f" else input.clone()
    return result if out is None else write_out(out, result, "floor", OUT_SAME_DTYPE)


def ceil(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    refuse_bool(input, "ceil_vml_cpu")
    result = Rounding.apply(input, np.ceil) if input._array.dtype.kind == "f" else input.clone()
    return result if out is None else write_out(out, result, "ceil", OUT_SAME_DTYPE)


def round(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Half to even, as torch.round."""
    refuse_bool(input, "round_vml_cpu")
    result = Rounding.apply(input, np.round) if input._array.dtype.kind == "f" else input.clone()
    return result if out is None else write_out(out, result, "round", OUT_SAME_DTYPE)


def trunc(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    refuse_bool(input, "trunc_vml_cpu")
    result = Rounding.apply(input, np.trunc) if input._array.dtype.kind == "f" else input.clone()
    return result if out is None else write_out(out, result, "trunc", OUT_SAME_DTYPE)


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


def logical_not(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = Tensor._make(np.logical_not(input._array))
    return result if out is None else write_out(out, result, "logical_not")


# ----- more math functions: y = f(x), with torch's derivative formulas ------------------------------
# numpy has no erf: math.erf (correctly rounded in practice: within 1 ulp of torch in float64) runs
# elementwise in float64, and the result is rounded to the input's dtype.
_ERF = np.frompyfunc(math.erf, 1, 1)
_ERFC = np.frompyfunc(math.erfc, 1, 1)
_LN2 = math.log(2)
_LN10 = math.log(10)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _via_float64(fn: Any, a: np.ndarray) -> np.ndarray:
    """``fn`` (a Python-level elementwise function) on ``a`` computed in float64, as ``a``'s dtype."""
    return np.asarray(fn(a.astype(np.float64)), dtype=np.float64).astype(a.dtype)


def _erfinv_array(a: np.ndarray) -> np.ndarray:
    """The inverse of erf, in float64: a first guess, then Newton steps on erf(x) = |y|, which
    converge to full precision.  Near |y| = 1 the equation is solved as erfc(x) = 1 - |y| instead
    (exact there, where erf(x) has rounded to 1).  erfinv(+-1) = +-inf, nan outside [-1, 1]."""
    y = a.astype(np.float64)
    m = np.abs(y)
    c = 1 - m
    inside = m < 1
    central = m <= 0.5
    # first guesses: erf's series near 0; in the tail erfc(x) ~ e^(-x^2) / (x sqrt(pi)),
    # so x^2 ~ t - log(sqrt(pi t)) with t = -log(1 - |y|)
    t = -np.log(np.where(central | ~inside, 0.5, c))
    x = np.where(central, m * np.sqrt(np.pi) / 2 * (1 + np.pi * m * m / 12),
                 np.sqrt(np.maximum(t - np.log(np.sqrt(np.pi * t)), 0)))
    for _ in range(10):  # quadratic convergence once close; 10 covers the worst first guess
        residual = np.where(central, np.asarray(_ERF(x), dtype=np.float64) - m,
                            c - np.asarray(_ERFC(x), dtype=np.float64))
        x = x - residual / (_TWO_OVER_SQRT_PI * np.exp(-x * x))
    x = np.where(inside, x, np.where(m == 1, np.inf, np.nan))
    return np.copysign(x, y).astype(a.dtype)


class Log10(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log10(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (x * _LN10)


class Log2(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log2(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (x * _LN2)


class Exp2(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(np.exp2(x._array))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return grad * y * _LN2  # (2^x)' = 2^x ln 2


class Expm1(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(np.expm1(x._array))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return grad * (y + 1)  # (e^x - 1)' = e^x


class Sinh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sinh(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.cosh()


class Cosh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cosh(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.sinh()


class Asinh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsinh(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (x.pow(2) + 1).rsqrt()  # 1 / sqrt(x^2 + 1)


class Acosh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccosh(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (x * x - 1).rsqrt()  # 1 / sqrt(x^2 - 1): inf at x = 1


class Atanh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctanh(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (1 - x.pow(2))


class Asin(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsin(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (-x * x + 1).rsqrt()  # 1 / sqrt(1 - x^2)


class Acos(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccos(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * -((-x * x + 1).rsqrt())  # -1 / sqrt(1 - x^2)


class Atan(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (x * x + 1)


class Rsqrt(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(1 / np.sqrt(x._array))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return -0.5 * grad * y.pow(3)  # (x^-1/2)' = -x^-3/2 / 2 = -y^3 / 2: -inf * grad at x = 0


class Reciprocal(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(1 / x._array)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return -grad * (y * y)  # (1/x)' = -1/x^2 = -y^2


class Erf(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _via_float64(_ERF, x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _TWO_OVER_SQRT_PI * (-x.pow(2)).exp() * grad  # erf' = 2/sqrt(pi) e^(-x^2)


class Erfc(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _via_float64(_ERFC, x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return -_TWO_OVER_SQRT_PI * (-x.pow(2)).exp() * grad  # erfc = 1 - erf


class Erfinv(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(_erfinv_array(x._array))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return 0.5 * math.sqrt(math.pi) * y.pow(2).exp() * grad  # 1 / erf'(y)


class NanToNum(Function):
    """nan, +inf and -inf replaced by numbers; the gradient passes only where x was finite."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return np.nan_to_num(x._array, nan=0.0 if nan is None else nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.isfinite(), None, None, None


class Logit(Function):
    """log(x / (1 - x)), the inverse of sigmoid; with ``eps``, x is first clamped to [eps, 1 - eps]."""

    @staticmethod
    def forward(ctx, x, eps):
        ctx.save_for_backward(x)
        ctx.eps = eps
        a = x._array
        if eps is not None:  # (in torch's order: a bound above 0.5 gives lo > hi, and lo is tested first)
            a = np.where(a < eps, eps, np.where(a > 1 - eps, 1 - eps, a)).astype(a.dtype)
        return np.log(a / (1 - a))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        eps = ctx.eps
        lo, hi = (0.0, 1.0) if eps is None else (eps, 1 - eps)
        # 1 / (x (1 - x)) inside; outside, torch's gradient is nan without eps (no logit there) and
        # 0 with it (x was clamped)
        return where((x >= lo) & (x <= hi), grad / (x * (1 - x)), math.nan if eps is None else 0.0), None


def _float_op(fn: Function, name: str) -> Any:
    """The public function of a float-valued unary op: integer and bool inputs compute in the
    default float dtype (as torch), and ``out=`` stores the result in an existing tensor."""
    def op(input: Tensor, *, out: Tensor | None = None) -> Tensor:
        result = fn.apply(float_input(input))
        return result if out is None else write_out(out, result, name)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` of every element (torch.{name})."
    return op


log10 = _float_op(Log10, "log10")
log2 = _float_op(Log2, "log2")
exp2 = _float_op(Exp2, "exp2")
expm1 = _float_op(Expm1, "expm1")
sinh = _float_op(Sinh, "sinh")
cosh = _float_op(Cosh, "cosh")
asinh = arcsinh = _float_op(Asinh, "asinh")
acosh = arccosh = _float_op(Acosh, "acosh")
atanh = arctanh = _float_op(Atanh, "atanh")
asin = arcsin = _float_op(Asin, "asin")
acos = arccos = _float_op(Acos, "acos")
atan = arctan = _float_op(Atan, "atan")
rsqrt = _float_op(Rsqrt, "rsqrt")
reciprocal = _float_op(Reciprocal, "reciprocal")
erf = _float_op(Erf, "erf")
erfc = _float_op(Erfc, "erfc")
erfinv = _float_op(Erfinv, "erfinv")


def square(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``input ** 2``, as torch: integers stay integers, bools become int64."""
    if input._array.dtype.kind == "b":
        input = input.to(_dtype.int64)
    result = input.pow(2)
    return result if out is None else write_out(out, result, "square")


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None,
               *, out: Tensor | None = None) -> Tensor:
    """nan -> ``nan``, +inf -> ``posinf``, -inf -> ``neginf`` (default: the dtype's largest and
    smallest finite values).  Integer and bool tensors are returned as a copy."""
    if input._array.dtype.kind != "f":
        result = Tensor._make(input._array.copy())
    else:
        result = NanToNum.apply(input, nan, posinf, neginf)
    if out is None:
        return result
    return write_out(out, result, "nan_to_num",
                     "nan_to_num: dtype of out: {out} should be same as input: {result}")


def logit(input: Tensor, eps: float | None = None, *, out: Tensor | None = None) -> Tensor:
    """log(p / (1 - p)): probabilities to log-odds (inputs clamped to [eps, 1 - eps] if eps is given)."""
    result = Logit.apply(float_input(input), eps)
    return result if out is None else write_out(out, result, "logit")
