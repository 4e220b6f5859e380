"""Elementwise binary ops.  Inputs broadcast against each other, so on the way back each
gradient is summed down to its input's shape (``sum_to``)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .._tensor import _SCALAR_TYPE, Tensor
from ..autograd.function import Function
from ._util import (C_TYPE, OUT_SAME_DTYPE, named, on_numpy_error, operands, quiet, refuse_bool, sum_terms,
                    write_out)
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
    catches.)

    ``a`` and ``b`` come in the dtype the op computes in.  When an operand tensor had another
    dtype, ``keep`` holds the operands as given: the node saves those, as torch's does (so an
    in-place change of the operand itself is caught), and backward's formulas use them as
    torch's do (Tensor ops promote as torch's kernels do; a bool operand fails where torch's
    does, in ``-a``)."""

    computes_in = None  # the dtype the op computed in, when the node saved operands of others

    @classmethod
    def run(cls, a: Tensor, b: Tensor, keep: tuple | None = None) -> Tensor:
        try:
            return cls.apply(a, b) if keep is None else cls.apply(a, b, keep=keep)
        except ValueError:
            _check_broadcast(a, b)  # raises torch's error if the shapes were the problem
            raise


def _binary(cls: type, input: Any, other: Any, float_result: bool = False) -> Tensor:
    """``cls.run`` on the operands in the dtype torch computes in (see ``_Binary``)."""
    a, b = operands(input, other, float_result)
    if a is input and b is other:  # (the common case: two tensors of one dtype)
        return cls.run(a, b)
    return cls.run(a, b, _kept(input, other, a, b))


def _kept(input: Any, other: Any, a: Tensor, b: Tensor) -> tuple | None:
    """What a node saves of the operands ``input`` and ``other`` (converted: ``a`` and ``b``): None
    when no tensor among them was converted, else the tensors as given (see ``_Binary``)."""
    if (a is input or not isinstance(input, Tensor)) and (b is other or not isinstance(other, Tensor)):
        return None
    return (input if isinstance(input, Tensor) else a, other if isinstance(other, Tensor) else b)


def check_fits(value: Any, dtype: np.dtype) -> None:
    """torch's error for a number that the tensor's dtype cannot hold (an alpha, a clamp bound, a
    float16 tensor's exponent): it converts the number to that dtype first."""
    if type(value) is int and not -2 ** 63 <= value < 2 ** 64:  # torch's argument parser refuses it
        raise OverflowError("int too big to convert" if value > 0
                            else "can't convert negative int to unsigned")
    if type(value) is float or type(value) is int:
        if dtype.kind == "f":
            if (type(value) is int or math.isfinite(value)) and abs(value) > float(np.finfo(dtype).max):
                raise RuntimeError(f"value cannot be converted to type {C_TYPE[dtype.name]} without overflow")
        elif (dtype.kind in "iu" and type(value) is int
              and not np.iinfo(dtype).min <= value <= np.iinfo(dtype).max):
            name = "int64_t" if dtype == np.int64 else C_TYPE[dtype.name]
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")


class HalfByNumber(Function):
    """A float16 tensor times or over a Python number, as torch's CPU kernel computes it: in
    float32, with the number in float32 (not rounded to float16 first, where 1e38 is inf and
    0 * 1e38 would be nan), rounded to float16 once.  Its gradient is grad times or over the
    number, computed the same way."""

    torch_inputs = (0, 1)  # torch's node: the tensor and the number (no gradient)

    @staticmethod
    def forward(ctx, a, number, divide):
        ctx.number, ctx.divide = number, divide
        ctx.node_name = "DivBackward0" if divide else "MulBackward0"
        x, s = a._array.astype(np.float32), np.float32(number)
        return (x / s if divide else x * s).astype(np.float16)

    @staticmethod
    def backward(ctx, grad):
        return (div if ctx.divide else mul)(grad, ctx.number), None, None


def _keep(ctx: Function, a: Tensor, keep: tuple) -> tuple:
    """The operands the node saves (see ``_Binary``): ``keep``, noting the dtype ``a`` is in."""
    ctx.computes_in = a.dtype
    return keep


class Add(_Binary):
    @staticmethod
    def forward(ctx, a, b, keep=None):
        ctx.shapes = a._array.shape, b._array.shape
        return a._array + b._array

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return sum_to(grad, sa) if na else None, sum_to(grad, sb) if nb else None


class Sub(_Binary):
    @staticmethod
    def forward(ctx, a, b, keep=None):
        ctx.shapes = a._array.shape, b._array.shape
        return a._array - b._array

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return sum_to(grad, sa) if na else None, sum_to(-grad, sb) if nb else None


class Mul(_Binary):
    @staticmethod
    def forward(ctx, a, b, keep=None):
        ctx.shapes = a._array.shape, b._array.shape
        out = a._array * b._array
        if keep is not None:
            a, b = _keep(ctx, a, keep)
        ctx.save_for_backward(*_partners(ctx, a, b))
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        dtype = ctx.computes_in
        if dtype is not None:  # MulBackward computes on arrays: operands in the product's dtype
            a, b = (t if t is None or t.dtype == dtype else t.to(dtype) for t in (a, b))
        return MulBackward.apply(grad, a, b, ctx.needs_input_grad, ctx.shapes)


def _partners(ctx, a, b) -> tuple:
    """What a product's node keeps, as torch's does: each operand only for the other's gradient
    (d(ab)/da = b), so an in-place change to an operand whose partner needs no gradient leaves
    the graph valid.  (Without recording, ``needs_input_grad`` is empty and nothing is kept.)"""
    needs = ctx.needs_input_grad
    if not needs or (needs[0] and needs[1]):
        return a, b
    return (a if needs[1] else None), (b if needs[0] else None)


class MulBackward(Function):
    """Both gradients of a * b in one op: (grad * b, grad * a), each summed to its input's shape,
    None where ``needs`` says the input needs none.  The most common backward of all, so one op
    instead of two.  Its own backward, given (gga, ggb) for those two outputs:
    d/dgrad = gga b + ggb a,  d/da = grad ggb,  d/db = grad gga."""

    materialize_grads = False  # an output that gets no gradient contributes no term
    node_name = "MulBackward0"  # torch's backward of mul is made of mul ops

    @staticmethod
    def forward(ctx, grad, a, b, needs, shapes):
        ctx.save_for_backward(grad, a, b)  # a is None when only a's gradient is wanted, b likewise
        ctx.shapes = shapes
        g = grad._array
        ga = sum_to_array(g * b._array, shapes[0]) if needs[0] else None
        gb = sum_to_array(g * a._array, shapes[1]) if needs[1] else None
        if not ctx.needs_input_grad:  # not recorded (no create_graph): plain arrays
            return ga, gb
        # recorded: grad * b is a constant (requires_grad False, as torch's) unless grad or b
        # requires grad, whatever a does; the same for grad * a
        ga, gb = (None if ga is None else Tensor._make(ga)), (None if gb is None else Tensor._make(gb))
        ctx.mark_non_differentiable(*[o for o, other in ((ga, b), (gb, a))
                                      if o is not None and not (grad.requires_grad or other.requires_grad)])
        return ga, gb

    @staticmethod
    def backward(ctx, gga, ggb):
        grad, a, b = ctx.saved_tensors
        n_grad, na, nb = ctx.needs_input_grad[:3]
        shape_a, shape_b = ctx.shapes
        d_grad = sum_terms(gga * b if gga is not None else None,
                           ggb * a if ggb is not None else None) if n_grad else None
        return (sum_to(d_grad, grad.shape) if d_grad is not None else None,
                sum_to(grad * ggb, shape_a) if na and ggb is not None else None,
                sum_to(grad * gga, shape_b) if nb and gga is not None else None, None, None)


def _quotient_saves(ctx, a, b) -> tuple:
    """What a quotient's node keeps, as torch's does: b for both gradients (grad / b and
    -grad a / b^2), a only for b's."""
    needs = ctx.needs_input_grad
    return (a if not needs or needs[1] else None), b


class Div(_Binary):
    @staticmethod
    def forward(ctx, a, b, keep=None):
        ctx.shape_a = a._array.shape
        out = a._array / b._array
        if keep is not None:
            a, b = _keep(ctx, a, keep)
        ctx.save_for_backward(*_quotient_saves(ctx, a, b))
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(grad / b, ctx.shape_a) if na else None,
                sum_to(-grad * ((a / b) / b), b.shape) if nb else None)  # not a/(b*b): b*b underflows


def _power(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x ** y elementwise, both in the result dtype."""
    if x.dtype.kind in "iu" and (y < 0).any():  # integer a^-n: 1 for a == 1, +-1 for a == -1, else 0
        odd = y % 2 == 1  # (Python's modulo: -3 % 2 == 1)
        tiny = np.where(x == 1, 1, np.where(x == -1, np.where(odd, -1, 1), 0)).astype(x.dtype)
        return np.where(y < 0, tiny, np.power(x, np.where(y < 0, 0, y)))
    return np.power(x, y)


class Pow(_Binary):
    """a ** b for two tensors.  Its backward is torch's pow_backward_self and pow_backward_exponent,
    on the operands as given (a bool exponent fails in ``b - 1``, as in torch)."""

    node_name = "PowBackward1"  # torch: pow(Tensor, Tensor)

    @staticmethod
    def forward(ctx, a, b, keep=None):
        out = Tensor._make(_power(a._array, b._array))
        if keep is not None:
            a, b = _keep(ctx, a, keep)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = gb = None
        if na:  # b * a^(b-1), defined as 0 where b == 0 (even at a == 0)
            # the exponent is 1 in the masked-out branch too, or its own gradient would be
            # 0 * a^(-2) = nan at a == 0 (where() passes 0 * nan through in double backward)
            ga = sum_to(where(b == 0, 0.0, grad * (b * a ** where(b == 0, 1.0, b - 1))), a.shape)
        if nb:  # a^b * log(a), defined as 0 where a == 0 and b >= 0; grad multiplies the where()
            # from outside, as in torch, so a nan gradient stays nan there, and the second order
            # has torch's nan (0 * log 0) at a == 0
            base = a if ctx.computes_in is None else a.to(ctx.computes_in)  # (log in the result dtype)
            gb = sum_to(grad * where((a == 0) & (b >= 0), 0.0, out * base.log()), b.shape)
        return ga, gb


class PowNumberBase(Function):
    """c ** b for a Python number c (torch's pow(Scalar, Tensor)), c given in b's dtype as ``a``.
    Its gradient is torch's pow_backward_exponent for a number base: grad * (out * log(c)), with
    the log of the number itself (log(1e38), not of 1e38 rounded to float16: inf), and 0 where
    b >= 0 if c is 0."""

    node_name = "PowBackward2"
    torch_inputs = (1,)  # torch's node: the exponent only

    @staticmethod
    def forward(ctx, a, b, base):
        out = Tensor._make(_power(a._array, b._array))
        ctx.base = base
        ctx.save_for_backward(b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        b, out = ctx.saved_tensors
        c = ctx.base
        log_c = math.log(c) if c > 0 else -math.inf if c == 0 else math.nan
        if c == 0:
            return None, grad * where(b >= 0, 0.0, out * log_c), None
        return None, grad * (out * log_c), None


class PowScalar(Function):
    """a ** p for a float tensor and a Python number p (torch's pow(Tensor, Scalar)).  Its backward
    is torch's pow_backward, grad * (p * a^(p-1)) (0 for p = 0): three ops (two for p = 2), where
    the formula for a tensor exponent needs masks for b = 0 and a log for d/db."""

    node_name = "PowBackward0"

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, a, p):
        ctx.save_for_backward(a)
        ctx.p = p
        return np.power(a._array, p)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        p = ctx.p
        if p == 0 and type(p) is not bool:  # (torch: a bool exponent never equals 0)
            return grad.new_zeros(grad.shape), None
        # a ** 1 is a, bit for bit and in every derivative: squares (squared errors, variances)
        # are the commonest power, and this saves the pow op and its own backward
        return grad * (p * (a ** (p - 1) if p != 2 else a)), None


class Maximum(_Binary):
    """max(a, b); where they tie, each gets half of the gradient (as torch)."""
    _pick = staticmethod(np.maximum)

    @classmethod
    def forward(cls, ctx, a, b, keep=None):
        out = cls._pick(a._array, b._array)
        ctx.save_for_backward(*(a, b) if keep is None else _keep(ctx, a, keep))
        return out

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
    torch_inputs = (1, 2)  # torch's node: the condition is no input

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


def _mod_array(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a mod b with the divisor's sign; a zero remainder keeps the dividend's sign, as torch's
    (fmod, then + b where the signs differ) and unlike numpy's mod."""
    if a.dtype.kind != "f":
        return np.mod(a, b)
    with quiet():
        r = np.fmod(a, b)
        return np.where((r != 0) & ((b < 0) != (r < 0)), r + b, r)


class Remainder(_Binary):
    """Python-style modulo (the sign of the divisor), as torch.remainder."""

    node_name = "RemainderBackward1"  # torch: remainder(Tensor, Tensor); with a number, ...Backward0

    @staticmethod
    def forward(ctx, a, b, keep=None):
        ctx.a_shape = a._array.shape
        out = _mod_array(a._array, b._array)
        # a and b are needed only for b's gradient; saved only then, as torch does (a later
        # in-place change of a must not break the backward of a % constant)
        if ctx.needs_input_grad[1:2] == (True,):  # (empty when nothing is recorded)
            ctx.save_for_backward(*(a, b) if keep is None else _keep(ctx, a, keep))
        return out

    @staticmethod
    def backward(ctx, grad):
        na, nb = ctx.needs_input_grad
        if not nb:
            return sum_to(grad, ctx.a_shape) if na else None, None
        a, b = ctx.saved_tensors
        # torch's formula: its rounded division is recorded (with a zero gradient), so under
        # create_graph this gradient requires grad as torch's does
        return (sum_to(grad, ctx.a_shape) if na else None,
                sum_to(-grad * div(a, b, rounding_mode="floor"), b.shape))


class RemainderOfNumber(Function):
    """``number % tensor``: torch records it (the result requires grad) but has no derivative for
    its divisor (its remainder.Scalar_Tensor is not differentiable): backward raises."""

    node_name = "torch::autograd::NotImplemented"  # its repr: <NotImplemented object at ...>
    torch_inputs = (1,)

    @staticmethod
    def forward(ctx, a, b):
        return _mod_array(a._array, b._array)

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::remainder is not implemented")


# ----- the public functions -------------------------------------------------------------------
def add(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input + alpha * other"""
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, add(input, other, alpha=alpha), "add")
    a, b = operands(input, other)
    if type(alpha) is not int or alpha != 1:
        b = _times_alpha(b, alpha)
    return Add.run(a, b)


def _times_alpha(b: Tensor, alpha: Any) -> Tensor:
    """alpha * b for add and sub, b in the result dtype: torch's rules for alpha (a bool alpha only
    for a bool result, a float alpha only for a float result), in that dtype (a bool stays bool)."""
    dtype = b._array.dtype
    if type(alpha) is bool and dtype.kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and dtype.kind != "f":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    check_fits(alpha, dtype)
    if dtype.kind == "b":  # alpha as a bool: b or nothing
        return b if alpha else Tensor._make(np.zeros_like(b._array))
    if dtype.char == "e":  # torch rounds alpha to float16 too (1e-10 is 0: alpha * inf is nan)
        alpha = float(np.float16(alpha))
    return mul(b, alpha)


def _is_bool(x: Any) -> bool:
    return isinstance(x, bool) or isinstance(x, Tensor) and x._array.dtype.kind == "b"


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input - alpha * other"""
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, sub(input, other, alpha=alpha), "sub")
    a, b = operands(input, other)
    if a._array.dtype.kind == "b":
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if (a is not input or b is not other) and (_is_bool(input) or _is_bool(other)):  # (promoted away)
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    if type(alpha) is not int or alpha != 1:
        b = _times_alpha(b, alpha)
    return Sub.run(a, b)


subtract = sub


def mul(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, mul(input, other), "mul")
    a, b = operands(input, other)
    if a is input and b is other:  # (the common case: two tensors of one dtype)
        return Mul.run(a, b)
    if type(other) is float or type(other) is int:  # a tensor and a number
        if a is input and b._array.dtype.char == "e":
            return HalfByNumber.apply(a, other, False)
        return Mul.run(a, b)
    return Mul.run(a, b, _kept(input, other, a, b))


multiply = mul


def div(input: Any, other: Any, *, rounding_mode: str | None = None, out: Tensor | None = None) -> Tensor:
    """True division (integers give floats); ``rounding_mode='trunc'|'floor'`` rounds it."""
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, div(input, other, rounding_mode=rounding_mode), "div")
    if rounding_mode is None:
        a, b = operands(input, other, float_result=True)
        if a is input and b is other:  # (the common case: two float tensors of one dtype)
            return Div.run(a, b)
        if (type(other) is float or type(other) is int) and a is input and b._array.dtype.char == "e":
            return HalfByNumber.apply(a, other, True)
        return Div.run(a, b, _kept(input, other, a, b))
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                           f"found '{rounding_mode}'")
    a, b = operands(input, other)
    _check_broadcast(a, b)
    return DivRounded.apply(a, b, rounding_mode, keep=_kept(input, other, a, b))


divide = true_divide = div


def _rounded_quotient(a: np.ndarray, b: np.ndarray, mode: str) -> np.ndarray:
    """a / b rounded toward zero ('trunc') or down ('floor'); integers refuse a zero divisor."""
    if a.dtype.kind == "b":  # (the promoted dtype: both operands bool)
        raise NotImplementedError(f"\"div_{mode}_cpu\" not implemented for 'Bool'")
    if a.dtype.kind != "f" and a.size and (b == 0).any():  # (an empty dividend: nothing divided)
        raise RuntimeError("ZeroDivisionError")
    if mode == "floor":
        return np.floor_divide(a, b)
    if a.dtype.kind == "f":
        return np.trunc(a / b)
    return (np.abs(a) // np.abs(b)) * np.sign(a) * np.sign(b)


class DivRounded(Function):
    """``div(a, b, rounding_mode=...)``: a step function of a and b, so torch's gradient is zero
    for both, everywhere (even where a / b is inf or nan)."""

    node_name = "DivBackward2"
    torch_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, mode, keep=None):
        ctx.shapes = a._array.shape, b._array.shape
        out = _rounded_quotient(a._array, b._array, mode)
        # unused, but torch's node keeps them as for true division, so an in-place change to one
        # of them before backward raises there too
        ctx.save_for_backward(*_quotient_saves(ctx, *(a, b) if keep is None else keep))
        return out

    @staticmethod
    def backward(ctx, grad):
        _ = ctx.saved_tensors  # (checks their versions, as torch's unpacking does)
        (sa, sb), (na, nb) = ctx.shapes, ctx.needs_input_grad[:2]
        zeros = grad.new_zeros(grad.shape)
        return sum_to(zeros, sa) if na else None, sum_to(zeros, sb) if nb else None, None


class FloorDivide(Function):
    """``a // b``: torch records it (the result requires grad) but has no derivative for it: its
    backward raises."""

    node_name = "torch::autograd::NotImplemented"  # its repr: <NotImplemented object at ...>

    @staticmethod
    def forward(ctx, a, b):
        return _rounded_quotient(a._array, b._array, "floor")

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


def floor_divide(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """Rounded-down division.  Recorded but not differentiable, as in torch (use
    ``div(..., rounding_mode='floor')`` for a zero gradient)."""
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, floor_divide(input, other), "floor_divide")
    a, b = operands(input, other)
    _check_broadcast(a, b)
    return FloorDivide.apply(a, b)


def remainder(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, remainder(input, other), "remainder")
    a, b = operands(input, other)
    if a._array.dtype.kind == "b":
        raise NotImplementedError("\"remainder_cpu\" not implemented for 'Bool'")
    if a._array.dtype.kind != "f" and a._array.size and (b._array == 0).any():  # (nothing to divide
        raise RuntimeError("ZeroDivisionError")  # in an empty tensor: no error)
    if not isinstance(input, Tensor) and isinstance(other, Tensor):
        return RemainderOfNumber.apply(a, b)
    out = Remainder.run(a, b, _kept(input, other, a, b))
    return out if isinstance(other, Tensor) else named(out, "RemainderBackward0")


def pow(input: Any, exponent: Any, *, out: Tensor | None = None) -> Tensor:
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, pow(input, exponent), "pow")
    if (isinstance(input, Tensor) and type(exponent) in (int, float, bool)
            and input._array.dtype.kind == "f"):  # the result keeps the tensor's dtype
        if input._array.dtype.char == "e":  # torch converts the exponent to float16 first
            check_fits(exponent, input._array.dtype)
        return PowScalar.apply(input, exponent)
    if (isinstance(input, Tensor) and type(exponent) is int and exponent < 0
            and input._array.dtype.kind in "iub"):  # torch refuses a negative Python int exponent only
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    a, b = operands(input, exponent)
    if type(exponent) is bool and a._array.dtype.kind == "b":  # torch: a ** False is ones, ** True a copy
        return Tensor._make(a._array.copy() if exponent else np.ones_like(a._array))
    refuse_bool(a, "pow")  # (bool ** 2 and 2 ** bool are int64: only bool ** bool is refused)
    if type(input) is int or type(input) is float:
        _check_broadcast(a, b)
        return PowNumberBase.apply(a, b, input)
    out = Pow.run(a, b, _kept(input, exponent, a, b))
    return out if isinstance(input, Tensor) else named(out, "PowBackward2")


def maximum(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, maximum(input, other), "maximum")
    if not isinstance(other, Tensor) or not isinstance(input, Tensor):
        _require_tensors("maximum", input=input, other=other)
    return _binary(Maximum, input, other)


def minimum(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, minimum(input, other), "minimum")
    if not isinstance(other, Tensor) or not isinstance(input, Tensor):
        _require_tensors("minimum", input=input, other=other)
    return _binary(Minimum, input, other)


def where(condition: Tensor, input: Any = None, other: Any = None, *, out: Tensor | None = None) -> Any:
    """Elementwise ``input if condition else other`` (all three broadcast).  ``where(condition)``
    alone is ``nonzero(condition, as_tuple=True)``: the indices where it holds."""
    if input is None and other is None and out is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() received an invalid combination of arguments - got "
                        f"({', '.join(type(a).__name__ for a in (condition, input, other) if a is not None)})"
                        ", but expected one of: (Tensor condition), (Tensor condition, Tensor input, "
                        "Tensor other)")
    if out is not None:  # computed as usual, then stored in out
        return write_out(out, where(condition, input, other), "where",
                         "Expected out type to be {result} but got {out}")
    if not isinstance(condition, Tensor) or condition._array.dtype.kind != "b":
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with "
                           f"dtype {getattr(condition, 'dtype', type(condition).__name__)}")
    a, b = operands(input, other)
    try:
        return Where.apply(condition, a, b)
    except ValueError:
        on_numpy_error(condition, a, b)
        raise


# ----- comparisons and logic: boolean results, no gradient ------------------------------------
def _compare(fn: Callable, input: Any, other: Any, out: Tensor | None = None) -> Tensor:
    a, b = operands(input, other)
    _check_broadcast(a, b)
    with quiet():
        result = Tensor._make(fn(a._array, b._array))
    return result if out is None else write_out(out, result, fn.__name__)


def eq(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.equal, input, other, out)


def ne(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.not_equal, input, other, out)


def lt(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.less, input, other, out)


def le(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.less_equal, input, other, out)


def gt(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.greater, input, other, out)


def ge(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.greater_equal, input, other, out)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_op(fn: Callable, input: Any, other: Any) -> Tensor:
    """``&``, ``|``, ``^`` on bool or integer tensors."""
    a, b = operands(input, other)
    if a._array.dtype.kind not in "iub":  # torch names its kernel and the promoted dtype
        from .._tensor import _SCALAR_TYPE
        _check_broadcast(a, b)  # (torch checks the shapes first)
        raise NotImplementedError(f"\"{fn.__name__}_cpu\" not implemented for "
                                  f"'{_SCALAR_TYPE.get(a._array.dtype.name, a._array.dtype.name)}'")
    try:
        return Tensor._make(fn(a._array, b._array))
    except ValueError:
        on_numpy_error(a, b)
        raise


def equal(input: Tensor, other: Tensor) -> bool:
    """True if both tensors have the same size and elements."""
    return input.shape == other.shape and bool(np.array_equal(input._array, other._array))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    if input._array.dtype != other._array.dtype:
        raise RuntimeError(f"{_SCALAR_TYPE[input._array.dtype.name]} did not match "
                           f"{_SCALAR_TYPE[other._array.dtype.name]}")
    try:
        return Tensor._make(np.isclose(input._array, other._array, rtol=rtol, atol=atol, equal_nan=equal_nan))
    except ValueError:
        on_numpy_error(input, other)
        raise


# ----- more binary math functions: atan2, hypot, lerp, clamp_min/clamp_max, logical_and/or/xor -----
class Atan2(_Binary):
    @staticmethod
    def forward(ctx, a, b, keep=None):
        ctx.save_for_backward(*(a, b) if keep is None else _keep(ctx, a, keep))
        return np.arctan2(a._array, b._array)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        # d atan2(a, b) = (b da - a db) / (a^2 + b^2); torch defines it as 0 where a^2 + b^2 == 0
        denom = a * a + b * b
        recip = where(denom == 0, 0.0, denom.reciprocal())
        return (sum_to(grad * b * recip, a.shape) if na else None,
                sum_to(grad * -a * recip, b.shape) if nb else None)


class Hypot(_Binary):
    @staticmethod
    def forward(ctx, a, b, keep=None):
        out = Tensor._make(np.hypot(a._array, b._array))
        ctx.save_for_backward(*(a, b) if keep is None else _keep(ctx, a, keep), out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        # d sqrt(a^2 + b^2) = (a da + b db) / out: 0/0 = nan at a = b = 0, as in torch
        return (sum_to(grad * a / out, a.shape) if na else None,
                sum_to(grad * b / out, b.shape) if nb else None)


def _lerp_array(s: np.ndarray, e: np.ndarray, w: Any) -> np.ndarray:
    """torch's lerp formula: from the nearer end, so weight 0 gives start and 1 gives end exactly."""
    small = np.abs(w) < 0.5
    return np.where(small, s + w * (e - s), e - (e - s) * (1 - w))


class Lerp(Function):
    """start + weight * (end - start) for a number ``weight``."""

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.weight, ctx.shapes = weight, (start._array.shape, end._array.shape)
        s = start._array
        return _lerp_array(s, end._array, s.dtype.type(weight)).astype(s.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (ss, se), w = ctx.shapes, ctx.weight
        ns, ne, _ = ctx.needs_input_grad
        return (sum_to(grad * (1 - w), ss) if ns else None, sum_to(grad * w, se) if ne else None, None)


class LerpTensor(Function):
    """start + weight * (end - start) for a tensor ``weight`` (torch's lerp.Tensor)."""

    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        return _lerp_array(start._array, end._array, weight._array)

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.saved_tensors
        ns, ne, nw = ctx.needs_input_grad
        return (sum_to(grad * (1 - weight), start.shape) if ns else None,
                sum_to(grad * weight, end.shape) if ne else None,
                sum_to(grad * (end - start), weight.shape) if nw else None)


class ClampMin(Function):
    """max(x, bound) for a number ``bound``; the gradient passes where x >= bound (ties included)."""

    @staticmethod
    def forward(ctx, x, bound):
        ctx.save_for_backward(x)
        ctx.bound = bound
        return np.maximum(x._array, bound)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return where(x >= ctx.bound, grad, 0.0), None


class ClampMax(Function):
    """min(x, bound) for a number ``bound``; the gradient passes where x <= bound (ties included)."""

    @staticmethod
    def forward(ctx, x, bound):
        ctx.save_for_backward(x)
        ctx.bound = bound
        return np.minimum(x._array, bound)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return where(x <= ctx.bound, grad, 0.0), None


class ClampMinTensor(_Binary):
    """max(x, bound) for a tensor ``bound``: unlike maximum(), a tie sends the whole gradient to x."""

    node_name = "ClampMinBackward1"

    @staticmethod
    def forward(ctx, x, bound, keep=None):
        ctx.save_for_backward(*(x, bound) if keep is None else _keep(ctx, x, keep))
        return np.maximum(x._array, bound._array)

    @staticmethod
    def backward(ctx, grad):
        x, bound = ctx.saved_tensors
        nx, nb = ctx.needs_input_grad
        return (sum_to(where(x >= bound, grad, 0.0), x.shape) if nx else None,
                sum_to(where(x < bound, grad, 0.0), bound.shape) if nb else None)


class ClampMaxTensor(_Binary):
    """min(x, bound) for a tensor ``bound``: a tie sends the whole gradient to x."""

    node_name = "ClampMaxBackward1"

    @staticmethod
    def forward(ctx, x, bound, keep=None):
        ctx.save_for_backward(*(x, bound) if keep is None else _keep(ctx, x, keep))
        return np.minimum(x._array, bound._array)

    @staticmethod
    def backward(ctx, grad):
        x, bound = ctx.saved_tensors
        nx, nb = ctx.needs_input_grad
        return (sum_to(where(x <= bound, grad, 0.0), x.shape) if nx else None,
                sum_to(where(x > bound, grad, 0.0), bound.shape) if nb else None)


def _require_tensors(name: str, **args: Any) -> None:
    """torch's TypeError for a number where only a tensor is accepted (atan2, hypot, logical_and...)."""
    for position, (arg, value) in enumerate(args.items(), 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                            f"{type(value).__name__}")


def atan2(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The angle of the point (other, input): atan(input / other) in the right quadrant."""
    _require_tensors("atan2", input=input, other=other)
    result = _binary(Atan2, input, other, float_result=True)
    return result if out is None else write_out(out, result, "atan2")


arctan2 = atan2


def hypot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """sqrt(input^2 + other^2), without overflow in the squares.  Floating-point tensors only."""
    _require_tensors("hypot", input=input, other=other)
    a, b = operands(input, other)
    if a._array.dtype.kind != "f":
        raise NotImplementedError(f"\"hypot_cpu\" not implemented for '{_SCALAR_TYPE[a._array.dtype.name]}'")
    result = Hypot.run(a, b, _kept(input, other, a, b))
    return result if out is None else write_out(out, result, "hypot")


def lerp(input: Tensor, end: Tensor, weight: Any, *, out: Tensor | None = None) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``; ``weight`` is a number or a tensor.
    ``input`` and ``end`` (and a weight tensor with dims) must share one dtype: no promotion."""
    _require_tensors("lerp", input=input, end=end)
    dt = input._array.dtype
    weight_has_dims = isinstance(weight, Tensor) and weight.ndim > 0
    for name, t in (("end", end), ("weight", weight if weight_has_dims else None)):
        if t is not None and t._array.dtype != dt:
            raise RuntimeError(f"expected dtype {C_TYPE[dt.name]} for `{name}` but got dtype "
                               f"{C_TYPE[t._array.dtype.name]}")
    if dt.kind != "f":
        kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_SCALAR_TYPE[dt.name]}'")
    _check_broadcast(input, end)  # torch's error for shapes that don't broadcast
    if isinstance(weight, Tensor):
        if weight._array.dtype != dt:  # a 0-d weight of another dtype is converted (as torch)
            weight = weight.to(input.dtype)
        both = np.broadcast_to(input._array, np.broadcast_shapes(input.shape, end.shape))
        _check_broadcast(Tensor._make(both), weight)  # (a view: start and end broadcast together)
        result = LerpTensor.apply(input, end, weight)
        return result if out is None else write_out(out, result, "lerp", OUT_SAME_DTYPE)
    result = Lerp.apply(input, end, weight)
    return result if out is None else write_out(out, result, "lerp")


def _clamp_bound(cls: type, cls_tensor: type, name: str, input: Tensor, bound: Any,
                 out: Tensor | None) -> Tensor:
    """clamp_min/clamp_max: a number bound (ClampMin/ClampMax) or a tensor bound (...Tensor)."""
    if bound is None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, NoneType), "
                        "but expected one of: (Tensor input, Tensor min, *, Tensor out), "
                        "(Tensor input, Number min, *, Tensor out)")
    x, b = operands(input, bound)  # both in the result dtype (an integer tensor and 0.5: float)
    if isinstance(bound, Tensor):
        result = cls_tensor.run(x, b, _kept(input, bound, x, b))
        return result if out is None else write_out(out, result, name)
    if x._array.dtype.kind == "b":  # a bool tensor and a bool bound: torch has no such kernel
        raise NotImplementedError(f"\"{name}_scalar_cpu\" not implemented for 'Bool'")
    check_fits(bound, x._array.dtype)
    result = cls.apply(x, b._array)
    return result if out is None else write_out(out, result, name, OUT_SAME_DTYPE)


def clamp_min(input: Tensor, min: Any, *, out: Tensor | None = None) -> Tensor:
    """max(input, min) elementwise; ``min`` is a number or a tensor that broadcasts."""
    return _clamp_bound(ClampMin, ClampMinTensor, "clamp_min", input, min, out)


def clamp_max(input: Tensor, max: Any, *, out: Tensor | None = None) -> Tensor:
    """min(input, max) elementwise; ``max`` is a number or a tensor that broadcasts."""
    return _clamp_bound(ClampMax, ClampMaxTensor, "clamp_max", input, max, out)


def _logical(fn: Callable, name: str, input: Tensor, other: Tensor, out: Tensor | None) -> Tensor:
    _require_tensors(name, input=input, other=other)
    _check_broadcast(input, other)
    result = Tensor._make(fn(input._array, other._array))  # nonzero (nan included) is True
    return result if out is None else write_out(out, result, name)


def logical_and(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise ``input != 0 and other != 0`` (any dtypes), as a bool tensor."""
    return _logical(np.logical_and, "logical_and", input, other, out)


def logical_or(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise ``input != 0 or other != 0`` (any dtypes), as a bool tensor."""
    return _logical(np.logical_or, "logical_or", input, other, out)


def logical_xor(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise ``(input != 0) != (other != 0)`` (any dtypes), as a bool tensor."""
    return _logical(np.logical_xor, "logical_xor", input, other, out)
