"""Elementwise binary ops.  Inputs broadcast against each other, so on the way back each
gradient is summed down to its input's shape (``sum_to``)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Function
from ._util import operands, quiet, sum_terms
from .shape import sum_to, sum_to_array


def _broadcast_error(a: Tensor, b: Tensor) -> RuntimeError:
    sa, sb = a._array.shape, b._array.shape
    for i in range(1, min(len(sa), len(sb)) + 1):
        if sa[-i] != sb[-i] and 1 not in (sa[-i], sb[-i]):
            return RuntimeError(f"The size of tensor a ({sa[-i]}) must match the size of tensor b "
                                f"({sb[-i]}) at non-singleton dimension {max(len(sa), len(sb)) - i}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast together")


def _check_broadcast(a: Tensor, b: Tensor) -> None:
    """Raise torch's error if the shapes cannot broadcast (the rule checked in Python:
    np.broadcast_shapes costs several µs)."""
    sa, sb = a._array.shape, b._array.shape
    for m, n in zip(reversed(sa), reversed(sb)):
        if m != n and m != 1 and n != 1:
            raise _broadcast_error(a, b) from None


class _Binary(Function):
    """Elementwise ops on two tensors: numpy checks that the shapes broadcast, and its error
    becomes torch's.  (Checking first would cost every op; a ``try`` costs nothing until it
    catches.)"""

    @classmethod
    def run(cls, a: Tensor, b: Tensor) -> Tensor:
        try:
            return cls.apply(a, b)
        except ValueError:
            _check_broadcast(a, b)  # raises torch's error if the shapes were the problem
            raise


class Add(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = a._array.shape, b._array.shape
        return a._array + b._array

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return sum_to(grad, sa) if na else None, sum_to(grad, sb) if nb else None


class Sub(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = a._array.shape, b._array.shape
        return a._array - b._array

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return sum_to(grad, sa) if na else None, sum_to(-grad, sb) if nb else None


class Mul(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a._array * b._array

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return MulBackward.apply(grad, a, b, ctx.needs_input_grad)


class MulBackward(Function):
    """Both gradients of a * b in one op: (grad * b, grad * a), each summed to its input's shape,
    None where ``needs`` says the input needs none.  The most common backward of all, so one op
    instead of two.  Its own backward, given (gga, ggb) for those two outputs:
    d/dgrad = gga b + ggb a,  d/da = grad ggb,  d/db = grad gga."""

    materialize_grads = False  # an output that gets no gradient contributes no term

    @staticmethod
    def forward(ctx, grad, a, b, needs):
        ctx.save_for_backward(grad, a, b)
        g, x, y = grad._array, a._array, b._array
        return (sum_to_array(g * y, x.shape) if needs[0] else None,
                sum_to_array(g * x, y.shape) if needs[1] else None)

    @staticmethod
    def backward(ctx, gga, ggb):
        grad, a, b = ctx.saved_tensors
        n_grad, na, nb = ctx.needs_input_grad[:3]
        d_grad = sum_terms(gga * b if gga is not None else None,
                           ggb * a if ggb is not None else None) if n_grad else None
        return (sum_to(d_grad, grad.shape) if d_grad is not None else None,
                sum_to(grad * ggb, a.shape) if na and ggb is not None else None,
                sum_to(grad * gga, b.shape) if nb and gga is not None else None, None)


class Div(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a._array / b._array

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(grad / b, a.shape) if na else None,
                sum_to(-grad * ((a / b) / b), b.shape) if nb else None)  # not a/(b*b): b*b underflows


class Pow(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        if a._array.dtype.kind in "iu" and (b._array < 0).any():
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        out = Tensor._make(np.power(a._array, b._array))
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = gb = None
        if na:  # d(a^b)/da = b * a^(b-1), defined as 0 where b == 0 (even at a == 0)
            # the exponent is 1 in the masked-out branch too, or its own gradient would be
            # 0 * a^(-2) = nan at a == 0 (where() passes 0 * nan through in double backward)
            ga = sum_to(where(b == 0, 0.0, grad * b * a ** where(b == 0, 1.0, b - 1)), a.shape)
        if nb:  # d(a^b)/db = a^b * log(a), defined as 0 where a == 0 and b >= 0
            gb = sum_to(where((a == 0) & (b >= 0), 0.0, grad * out * a.log()), b.shape)
        return ga, gb


class PowScalar(Function):
    """a ** p for a float tensor and a Python number p (torch's pow(Tensor, Scalar)).  Its backward
    is torch's pow_backward, grad * (p * a^(p-1)) (0 for p = 0): three ops (two for p = 2), where
    the formula for a tensor exponent needs masks for b = 0 and a log for d/db."""

    @staticmethod
    def forward(ctx, a, p):
        ctx.save_for_backward(a)
        ctx.p = p
        return np.power(a._array, p)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        p = ctx.p
        if p == 0:
            return grad.new_zeros(grad.shape), None
        # a ** 1 is a, bit for bit and in every derivative: squares (squared errors, variances)
        # are the commonest power, and this saves the pow op and its own backward
        return grad * (p * (a ** (p - 1) if p != 2 else a)), None


class Maximum(_Binary):
    """max(a, b); where they tie, each gets half of the gradient (as torch)."""
    _pick = staticmethod(np.maximum)

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return cls._pick(a._array, b._array)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        a_loses, b_loses = (a < b, b < a) if type(ctx) is Maximum else (a > b, b > a)
        g = where(a == b, grad * 0.5, grad)  # torch: where(a == b, grad / 2, grad).masked_fill_(loses, 0)
        return (sum_to(where(a_loses, 0.0, g), a.shape) if na else None,
                sum_to(where(b_loses, 0.0, g), b.shape) if nb else None)


class Minimum(Maximum):
    _pick = staticmethod(np.minimum)


class Where(Function):
    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.condition = condition
        ctx.shapes = a._array.shape, b._array.shape
        return np.where(condition._array, a._array, b._array)

    @staticmethod
    def backward(ctx, grad):
        c = ctx.condition
        sa, sb = ctx.shapes
        _, na, nb = ctx.needs_input_grad
        return (None, sum_to(where(c, grad, 0.0), sa) if na else None,
                sum_to(where(c, 0.0, grad), sb) if nb else None)


class Remainder(_Binary):
    """Python-style modulo (the sign of the divisor), as torch.remainder."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.mod(a._array, b._array)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(grad, a.shape) if na else None,
                sum_to(-grad * floor_divide(a, b), b.shape) if nb else None)


# ----- the public functions -------------------------------------------------------------------
def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """input + alpha * other"""
    if alpha != 1:
        other = mul(other, alpha)
    return Add.run(*operands(input, other))


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """input - alpha * other"""
    a, b = operands(input, other)
    if a._array.dtype.kind == "b":
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if alpha != 1:
        b = mul(b, alpha)
    return Sub.run(a, b)


subtract = sub


def mul(input: Any, other: Any) -> Tensor:
    return Mul.run(*operands(input, other))


multiply = mul


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """True division (integers give floats); ``rounding_mode='trunc'|'floor'`` rounds it."""
    if rounding_mode is None:
        return Div.run(*operands(input, other, float_result=True))
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        a, b = operands(input, other)
        if a._array.dtype.kind == "f":
            return (a / b).trunc()
        if (b._array == 0).any():
            raise RuntimeError("ZeroDivisionError")
        return Tensor._make((np.abs(a._array) // np.abs(b._array)) * np.sign(a._array) * np.sign(b._array))
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                       f"found '{rounding_mode}'")


divide = true_divide = div


def floor_divide(input: Any, other: Any) -> Tensor:
    """Rounded-down division.  Not differentiable (its derivative is zero almost everywhere)."""
    a, b = operands(input, other)
    if a._array.dtype.kind != "f" and (b._array == 0).any():
        raise RuntimeError("ZeroDivisionError")
    with quiet():
        return Tensor._make(np.floor_divide(a._array, b._array))


def remainder(input: Any, other: Any) -> Tensor:
    a, b = operands(input, other)
    if a._array.dtype.kind != "f" and (b._array == 0).any():
        raise RuntimeError("ZeroDivisionError")
    return Remainder.run(a, b)


def pow(input: Any, exponent: Any) -> Tensor:
    if (isinstance(input, Tensor) and type(exponent) in (int, float)
            and input._array.dtype.kind == "f"):  # the result keeps the tensor's dtype
        return PowScalar.apply(input, exponent)
    return Pow.run(*operands(input, exponent))


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return Maximum.run(*operands(input, other))


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return Minimum.run(*operands(input, other))


def where(condition: Tensor, input: Any, other: Any) -> Tensor:
    """Elementwise ``input if condition else other`` (all three broadcast)."""
    if not isinstance(condition, Tensor) or condition._array.dtype.kind != "b":
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with "
                           f"dtype {getattr(condition, 'dtype', type(condition).__name__)}")
    a, b = operands(input, other)
    return Where.apply(condition, a, b)


# ----- comparisons and logic: boolean results, no gradient ------------------------------------
def _compare(fn: Callable, input: Any, other: Any) -> Tensor:
    a, b = operands(input, other)
    _check_broadcast(a, b)
    with quiet():
        return Tensor._make(fn(a._array, b._array))


def eq(input: Any, other: Any) -> Tensor:
    return _compare(np.equal, input, other)


def ne(input: Any, other: Any) -> Tensor:
    return _compare(np.not_equal, input, other)


def lt(input: Any, other: Any) -> Tensor:
    return _compare(np.less, input, other)


def le(input: Any, other: Any) -> Tensor:
    return _compare(np.less_equal, input, other)


def gt(input: Any, other: Any) -> Tensor:
    return _compare(np.greater, input, other)


def ge(input: Any, other: Any) -> Tensor:
    return _compare(np.greater_equal, input, other)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_op(fn: Callable, input: Any, other: Any) -> Tensor:
    """``&``, ``|``, ``^`` on bool or integer tensors."""
    a, b = operands(input, other)
    if a._array.dtype.kind not in "iub":
        raise RuntimeError(f"\"{fn.__name__}\" is not implemented for '{a.dtype.name}': bitwise ops "
                           "need bool or integer tensors")
    return Tensor._make(fn(a._array, b._array))


def equal(input: Tensor, other: Tensor) -> bool:
    """True if both tensors have the same size and elements."""
    return input.shape == other.shape and bool(np.array_equal(input._array, other._array))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return bool(np.allclose(input._array, other._array, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    return Tensor._make(np.isclose(input._array, other._array, rtol=rtol, atol=atol, equal_nan=equal_nan))
