"""More of torch's commonly used ops: pointwise math (tan, logaddexp, xlogy, fmod, addcmul, ...),
NaN-aware reductions (nansum, nanmean), a few shape helpers (ravel, unflatten, diff, kron) and
``var_mean``/``std_mean``.  Each differentiable one is a small ``Function`` (forward on numpy,
backward with Tensor ops) or a composition of ops whose graph is the one torch records."""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import _SCALAR_TYPE, Tensor
from ..autograd.function import Function
from ._util import (broadcast_shapes, dims, float_input, operands, quiet, refuse_bool, return_type, wrap_dim,
                    write_out)
from .arithmetic import _Binary, _require_tensors
from .reduction import StdVar, _spread, warn_no_dof
from .shape import sum_to

__all__ = ["tan", "logaddexp", "logaddexp2", "xlogy", "frac", "fmod", "sgn", "signbit", "heaviside",
           "deg2rad", "rad2deg", "float_power", "addcmul", "addcdiv", "copysign", "nansum", "nanmean",
           "var_mean", "std_mean", "aminmax", "ravel", "unflatten", "diff", "kron", "positive", "type_as",
           "select", "tensor_split", "hsplit", "vsplit", "split_with_sizes", "cross", "linalg_cross", "addmm",
           "addmv", "baddbmm", "logspace", "range_", "tril_indices", "triu_indices", "detach", "take",
           "block_diag", "searchsorted", "bucketize", "index_add", "index_copy", "index_fill", "scatter",
           "linalg_vecdot"]


def _refuse_integers(x: Tensor, kernel: str) -> None:
    """torch has only floating kernels for some ops: its NotImplementedError names the kernel."""
    if x._array.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_SCALAR_TYPE[x._array.dtype.name]}'")


# ----- unary ------------------------------------------------------------------------------------
class Tan(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(np.tan(x._array))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return grad * (y * y + 1)  # tan' = 1 + tan^2


class Frac(Function):
    @staticmethod
    def forward(ctx, x):
        a = x._array
        return a - np.trunc(a)

    @staticmethod
    def backward(ctx, grad):
        return grad  # x - trunc(x): trunc is flat between integers


class Deg2Rad(Function):
    @staticmethod
    def forward(ctx, x):
        return x._array * np.asarray(math.pi / 180, x._array.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad * (math.pi / 180)


class Rad2Deg(Function):
    @staticmethod
    def forward(ctx, x):
        return x._array * np.asarray(180 / math.pi, x._array.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad * (180 / math.pi)


class Sgn(Function):
    """The sign (for real numbers, what ``sign`` gives); its gradient is zero everywhere."""

    @staticmethod
    def forward(ctx, x):
        a = x._array
        return np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype)  # torch: sgn(nan) = 0

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape)  # zeros whatever grad holds (nan, inf), as torch


def tan(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The tangent of every element; integers compute in the default float dtype."""
    result = Tan.apply(float_input(input))
    return result if out is None else write_out(out, result, "tan")


def frac(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The fractional part, ``input - trunc(input)`` (its sign is the input's).  Floats only."""
    _refuse_integers(input, "frac_cpu")
    result = Frac.apply(input)
    return result if out is None else write_out(out, result, "frac")


def deg2rad(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Degrees to radians; integers and bools compute in the default float dtype."""
    result = Deg2Rad.apply(float_input(input))
    return result if out is None else write_out(out, result, "deg2rad")


def rad2deg(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Radians to degrees; integers and bools compute in the default float dtype."""
    result = Rad2Deg.apply(float_input(input))
    return result if out is None else write_out(out, result, "rad2deg")


def sgn(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The sign of every element (-1, 0 or 1) in the input's dtype; bools stay bools."""
    if input._array.dtype.kind == "b":
        result = Tensor._make(input._array.copy())
    else:
        result = Sgn.apply(input)
    return result if out is None else write_out(out, result, "sgn")


def signbit(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """True where the sign bit is set (negative numbers, and -0.0); not differentiable."""
    result = Tensor._make(np.signbit(input._array))
    return result if out is None else write_out(out, result, "signbit")


def positive(input: Tensor) -> Tensor:
    """``input`` itself (unary plus); torch refuses bool tensors."""
    if input._array.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def type_as(input: Tensor, other: Tensor) -> Tensor:
    """``input`` in ``other``'s dtype (itself if it already has it)."""
    if not isinstance(other, Tensor):
        raise TypeError("type_as(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(other).__name__}")
    return input.to(other.dtype)


# ----- binary -----------------------------------------------------------------------------------
class Logaddexp(_Binary):
    """log(e^a + e^b), computed from the larger one so that it does not overflow."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with quiet():
            return np.logaddexp(a._array, b._array)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        # d/da = e^a / (e^a + e^b) = 1 / (1 + e^(b - a)), and symmetrically for b
        return (sum_to(grad / ((b - a).exp() + 1), a.shape) if na else None,
                sum_to(grad / ((a - b).exp() + 1), b.shape) if nb else None)


class Logaddexp2(_Binary):
    """log2(2^a + 2^b)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with quiet():
            return np.logaddexp2(a._array, b._array)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(grad / ((b - a).exp2() + 1), a.shape) if na else None,
                sum_to(grad / ((a - b).exp2() + 1), b.shape) if nb else None)


class Xlogy(_Binary):
    """x * log(y), defined as 0 where x == 0 (unless y is nan)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        a, b = x._array, y._array
        with quiet():
            out = np.where((a == 0) & ~np.isnan(b), np.zeros((), a.dtype), a * np.log(b))
        return out.astype(np.result_type(a, b), copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        nx, ny = ctx.needs_input_grad
        # d/dx = log(y) (torch: 0 where x == 0 and y <= 0, where the value is 0 but log(y) is not
        # finite), d/dy = x / y
        gx = xlogy(grad, y).masked_fill((x == 0) & (y <= 0), 0.0) if nx else None
        return (sum_to(gx, x.shape) if nx else None,
                sum_to(grad * x / y, y.shape) if ny else None)


class Fmod(_Binary):
    """The remainder of C's fmod: a - trunc(a / b) * b, with the sign of a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.node_name = "FmodBackward1"  # torch's overload for a tensor divisor
        with quiet():
            return np.fmod(a._array, b._array)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(grad, a.shape) if na else None,
                sum_to(-grad * a.div(b, rounding_mode="trunc"), b.shape) if nb else None)


class FmodScalar(Function):
    """fmod by a number: the gradient is 1 between the jumps."""

    node_name = "FmodBackward0"
    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, a, other):
        with quiet():
            return np.fmod(a._array, np.asarray(other, a._array.dtype))

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class Copysign(_Binary):
    """|a| with the sign of b; the gradient reaches a only (sign(a) * sign-of-result)."""

    @staticmethod
    def forward(ctx, a, b):
        y = Tensor._make(np.copysign(a._array, b._array))
        ctx.save_for_backward(a, y)
        ctx.b_shape = b._array.shape
        return y

    @staticmethod
    def backward(ctx, grad):
        a, y = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        # d|a|/da * sign(b) = y / a, 0 at a == 0 as in torch (whose second derivative is then
        # nan there: the masked 0/0 still enters the division's backward)
        ga = sum_to(grad * (y / a).masked_fill(a == 0, 0.0), a.shape) if na else None
        # b only picks the sign: a constant zero gradient (no graph, as torch's zeros_like)
        gb = Tensor._make(np.zeros(ctx.b_shape, grad._array.dtype)) if nb else None
        return ga, gb


def _float_pair(name: str, input: Any, other: Any) -> tuple[Tensor, Tensor]:
    """Two tensor operands, promoted; their common dtype must be floating (torch's kernel)."""
    _require_tensors(name, input=input, other=other)
    a, b = operands(input, other)
    _refuse_integers(a, f"{name}_cpu")
    return a, b


def logaddexp(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``log(exp(input) + exp(other))`` without overflow.  Floating-point tensors only."""
    result = Logaddexp.run(*_float_pair("logaddexp", input, other))
    return result if out is None else write_out(out, result, "logaddexp")


def logaddexp2(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``log2(2**input + 2**other)`` without overflow.  Floating-point tensors only."""
    result = Logaddexp2.run(*_float_pair("logaddexp2", input, other))
    return result if out is None else write_out(out, result, "logaddexp2")


def xlogy(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """``input * log(other)``, 0 where ``input`` is 0 (the convention of entropy formulas).
    One of the two may be a number; integers compute in the default float dtype."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"xlogy() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__}), but expected a Tensor")
    a, b = operands(input, other, float_result=True)
    if isinstance(input, Tensor):
        result = Xlogy.run(a, b)
        if not isinstance(other, Tensor):
            result.grad_fn is None or setattr(result.grad_fn, "node_name", "XlogyBackward2")
    else:  # a number times log(tensor): torch's overload for a number first
        result = Xlogy.run(a, b)
        result.grad_fn is None or setattr(result.grad_fn, "node_name", "XlogyBackward1")
    return result if out is None else write_out(out, result, "xlogy")


def fmod(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:
    """The remainder of ``input / other`` with the sign of ``input`` (C's fmod; compare
    ``remainder``, which takes the divisor's sign).  Integer division by zero raises."""
    refuse_bool(input, "fmod_cpu")
    if isinstance(other, Tensor):
        a, b = operands(input, other)
        if a._array.dtype.kind in "iu" and (b._array == 0).any():
            raise RuntimeError("ZeroDivisionError")
        result = Fmod.run(a, b)
    else:
        a, b = operands(input, other)
        if a._array.dtype.kind in "iu" and other == 0:
            raise RuntimeError("ZeroDivisionError")
        result = FmodScalar.apply(a, b._array.item())
    return result if out is None else write_out(out, result, "fmod")


def copysign(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:
    """``|input|`` with the sign of ``other`` (a tensor or a number); the result is floating."""
    a, b = operands(input, other, float_result=True)
    result = Copysign.run(a, b)
    if not isinstance(other, Tensor) and result.grad_fn is not None:
        result.grad_fn.node_name = "CopysignBackward1"  # torch's overload for a number
    return result if out is None else write_out(out, result, "copysign")


def heaviside(input: Tensor, values: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The step function: 0 where input < 0, 1 where input > 0, ``values`` where input == 0.
    Both tensors must have one dtype; not differentiable."""
    _require_tensors("heaviside", input=input, values=values)
    if input._array.dtype != values._array.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    shape = broadcast_shapes(input._array.shape, values._array.shape)
    a = input._array
    result = Tensor._make(np.broadcast_to(np.where(a == 0, values._array, (a > 0).astype(a.dtype)),
                                          shape).astype(a.dtype))
    return result if out is None else write_out(out, result, "heaviside")


def float_power(input: Any, exponent: Any, *, out: Tensor | None = None) -> Tensor:
    """``input ** exponent`` computed in float64 (the inputs are first converted to double)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("float_power() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(exponent).__name__})")
    base = input.to(_dtype.float64) if isinstance(input, Tensor) else float(input)
    power = exponent.to(_dtype.float64) if isinstance(exponent, Tensor) else float(exponent)
    result = base.pow(power) if isinstance(base, Tensor) else power.__rpow__(base)
    return result if out is None else write_out(out, result, "float_power")


# ----- ternary ----------------------------------------------------------------------------------
class Addcmul(Function):
    """input + value * t1 * t2."""

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value, ctx.shape_x = value, x._array.shape
        return (x._array + np.asarray(value, x._array.dtype) * t1._array * t2._array).astype(
            x._array.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        nx, n1, n2 = ctx.needs_input_grad[:3]
        v = ctx.value
        return (sum_to(grad, ctx.shape_x) if nx else None,
                sum_to(grad * t2 * v, t1.shape) if n1 else None,
                sum_to(grad * t1 * v, t2.shape) if n2 else None, None)


class Addcdiv(Function):
    """input + value * t1 / t2."""

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value, ctx.shape_x = value, x._array.shape
        with quiet():
            return (x._array + np.asarray(value, x._array.dtype) * (t1._array / t2._array)).astype(
                x._array.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        nx, n1, n2 = ctx.needs_input_grad[:3]
        v = ctx.value
        return (sum_to(grad, ctx.shape_x) if nx else None,
                sum_to(grad * v / t2, t1.shape) if n1 else None,
                sum_to(-grad * v * t1 / (t2 * t2), t2.shape) if n2 else None, None)


def _ternary(name: str, input: Tensor, tensor1: Tensor, tensor2: Tensor) -> tuple:
    _require_tensors(name, input=input, tensor1=tensor1, tensor2=tensor2)
    target = _dtype.promote_types(_dtype.promote_types(input.dtype, tensor1.dtype), tensor2.dtype)
    shape = broadcast_shapes(input._array.shape, tensor1._array.shape, tensor2._array.shape)
    ts = tuple(t if t.dtype is target else t.to(target) for t in (input, tensor1, tensor2))
    if ts[0]._array.shape != shape:  # the result has the broadcast shape; x's gradient sums back
        ts = (ts[0].expand(shape), *ts[1:])
    return ts


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1,
            out: Tensor | None = None) -> Tensor:
    """``input + value * tensor1 * tensor2`` elementwise (the three broadcast together)."""
    x, t1, t2 = _ternary("addcmul", input, tensor1, tensor2)
    result = Addcmul.apply(x, t1, t2, value)
    return result if out is None else write_out(out, result, "addcmul")


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1,
            out: Tensor | None = None) -> Tensor:
    """``input + value * tensor1 / tensor2`` elementwise (the three broadcast together).
    Integer ``tensor1`` and ``tensor2`` are refused (torch dropped integer division here)."""
    _require_tensors("addcdiv", input=input, tensor1=tensor1, tensor2=tensor2)
    if tensor1._array.dtype.kind in "iub" and tensor2._array.dtype.kind in "iub":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
            "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
            "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer "
            "inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
            "behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all "
            "dtypes.")
    x, t1, t2 = _ternary("addcdiv", input, tensor1, tensor2)
    result = Addcdiv.apply(x, t1, t2, value)
    return result if out is None else write_out(out, result, "addcdiv")


# ----- reductions -------------------------------------------------------------------------------
class Nansum(Function):
    """The sum with nan counted as 0: the gradient reaches every element that is not nan."""

    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.save_for_backward(x)
        ctx.axes, ctx.keepdim = axes, keepdim
        return np.asarray(np.nansum(x._array, axis=axes, keepdims=keepdim), dtype=x._array.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        if not ctx.keepdim:
            for ax in ctx.axes:
                grad = grad.unsqueeze(ax)
        # times the mask (not a select), as torch: an inf gradient becomes nan at the nan entries
        return grad.expand(x.shape) * x.isnan().logical_not(), None, None


def _axes(dim: Any, ndim: int) -> tuple:
    if ndim == 0:  # a 0-d tensor accepts dim 0 or -1: nothing to reduce
        _axes(dim, 1)
        return ()
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        return tuple(sorted(wrap_dim(d, ndim) for d in dim))
    return (wrap_dim(dim, ndim),)


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``sum`` treating nan as zero.  Floating-point inputs; integers sum as ``sum`` does."""
    if dtype is not None:
        input = input.to(dtype)
    if input._array.dtype.kind != "f":
        return input.sum(dim=dim, keepdim=keepdim) if dim is not None else input.sum()
    return Nansum.apply(input, _axes(dim, input.dim()), keepdim)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``mean`` over the elements that are not nan (nan where a slice has none)."""
    if dtype is not None:
        input = input.to(dtype)
    if input._array.dtype.kind != "f":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_SCALAR_TYPE[input._array.dtype.name]}")
    count = nansum((~input.isnan()).to(input.dtype), dim, keepdim)
    return nansum(input, dim, keepdim).div(count)


class VarMean(Function):
    """``(var, mean)`` (or ``(std, mean)``) as one node, as torch: the var/std part is StdVar's
    (forward and backward), the mean's gradient is spread evenly over the reduced elements."""

    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim, correction, take_sqrt, whole):
        spread = StdVar.forward(ctx, x, axes, keepdim, correction, take_sqrt, whole)  # saves x (and std)
        ctx.node_name = "StdMeanBackward0" if take_sqrt else "VarMeanBackward0"
        a = x._array
        mean = np.sum(a.astype(np.float64), axis=axes, keepdims=keepdim) / ctx.n
        return spread, np.asarray(mean).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad_spread, grad_mean):
        gx = StdVar.backward(ctx, grad_spread)[0]
        return (gx + _spread(grad_mean, ctx.in_shape, ctx.axes, ctx.keepdim) / ctx.n,
                None, None, None, None, None)


def _var_mean(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any,
              take_sqrt: bool) -> tuple:
    if isinstance(dim, bool):  # the legacy var_mean(x, unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if input._array.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    whole = dim in (None, (), [])
    axes = dims(None if whole else dim, input.dim())
    warn_no_dof(input, axes, correction, "std_mean" if take_sqrt else "var_mean", stacklevel=3)
    return VarMean.apply(input, axes, keepdim, correction, take_sqrt, whole)


def var_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """``(var, mean)`` over ``dim`` in one call (``correction`` 1 by default: Bessel's)."""
    return _var_mean(input, dim, unbiased, keepdim, correction, take_sqrt=False)


def std_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """``(std, mean)`` over ``dim`` in one call (``correction`` 1 by default: Bessel's)."""
    return _var_mean(input, dim, unbiased, keepdim, correction, take_sqrt=True)


_AMINMAX = return_type("aminmax", ("min", "max"))


class Aminmax(Function):
    """The smallest and the largest element (over one dim or all); like amin/amax, each gradient is
    shared evenly among the elements tied at the extreme."""

    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        a = x._array
        ctx.save_for_backward(x)
        ctx.axes, ctx.keepdim = axes, keepdim
        lo, hi = np.amin(a, axis=axes, keepdims=True), np.amax(a, axis=axes, keepdims=True)
        ctx.lo, ctx.hi = Tensor._make(lo), Tensor._make(hi)
        if not keepdim:
            lo, hi = np.squeeze(lo, axis=axes), np.squeeze(hi, axis=axes)
        return lo, hi

    @staticmethod
    def backward(ctx, grad_lo, grad_hi):
        x, = ctx.saved_tensors
        out = None
        for g, extreme in ((grad_lo, ctx.lo), (grad_hi, ctx.hi)):
            if g is None:
                continue
            g = g.reshape(extreme.shape)  # the reduced dims back, as size 1
            tied = (x == extreme).to(x.dtype)
            part = g * tied / tied.sum(ctx.axes, keepdim=True) if ctx.axes else g * tied
            out = part if out is None else out + part
        return out, None, None


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False) -> tuple:
    """``(min, max)`` in one call: a named tuple with fields ``min`` and ``max``."""
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation "
                               "has no identity.")
        axes = tuple(range(input.dim()))
    else:
        axes = _axes(dim, input.dim())
        if axes and input.shape[axes[0]] == 0:
            raise RuntimeError(f"aminmax: Expected reduction dim {axes[0]} to have non-zero size.")
    lo, hi = Aminmax.apply(input, axes, keepdim)
    return _AMINMAX(lo, hi)


# ----- shape ------------------------------------------------------------------------------------
def ravel(input: Tensor) -> Tensor:
    """The elements as a 1-D tensor (a view when the layout allows it)."""
    return input.reshape(-1)


def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    """Dim ``dim`` split into ``sizes`` (one of them may be -1), the inverse of ``flatten``."""
    d = wrap_dim(dim, input.dim())
    sizes = tuple(sizes)
    if len(sizes) == 0:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n, known = input.shape[d], math.prod(k for k in sizes if k != -1)
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if sizes.count(-1) == 1 and known and n % known == 0:  # -1 is inferred from dim d alone
        sizes = tuple(n // known if k == -1 else k for k in sizes)
    elif sizes.count(-1) == 1 and n == 0:
        sizes = tuple(0 if k == -1 else k for k in sizes)
    if -1 in sizes or math.prod(sizes) != n:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                           f"{dim} ({n}) in the input tensor")
    return input.view(*input.shape[:d], *sizes, *input.shape[d + 1:])


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """The n-th forward difference along ``dim``: ``x[i + 1] - x[i]``, repeated ``n`` times
    (``prepend``/``append`` are joined on first)."""
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if n == 0:  # torch: a copy of the input, prepend and append ignored
        result = input.new_empty(input.shape)
        return result.copy_(input)
    d = wrap_dim(dim, input.dim())
    parts = [t for t in (prepend, input, append) if t is not None]
    if any(t.dim() != input.dim() for t in parts):
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    x = input if len(parts) == 1 else _cat(parts, d)
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        after, before = x.narrow(d, 1, length - 1), x.narrow(d, 0, length - 1)
        x = after.logical_xor(before) if x.dtype is _dtype.bool_ else after - before  # bools: "changed"
    return x


def _cat(parts: list, d: int) -> Tensor:
    from .shape import cat
    return cat(parts, d)


class Kron(Function):
    """The Kronecker product: every element of ``a`` times the whole of ``b``, as blocks."""

    node_name = "UnsafeViewBackward0"  # torch: a product of broadcast views, then a reshape

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.kron(a._array, b._array)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        n = max(a.dim(), b.dim())
        sa = (1,) * (n - a.dim()) + tuple(a.shape)
        sb = (1,) * (n - b.dim()) + tuple(b.shape)
        # the output's dim i is (a's dim i, b's dim i) interleaved: split it, then sum the other side
        g = grad.reshape(tuple(s for pair in zip(sa, sb) for s in pair))
        av = a.reshape(tuple(s for x in sa for s in (x, 1)))
        bv = b.reshape(tuple(s for x in sb for s in (1, x)))
        na, nb = ctx.needs_input_grad
        if n == 0:  # two 0-d tensors: a plain product
            return (grad * b if na else None), (grad * a if nb else None)
        a_axes, b_axes = tuple(range(1, 2 * n, 2)), tuple(range(0, 2 * n, 2))
        return ((g * bv).sum(a_axes).reshape(a.shape) if na else None,
                (g * av).sum(b_axes).reshape(b.shape) if nb else None)


def kron(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The Kronecker product of two tensors (their dims are aligned from the right)."""
    _require_tensors("kron", input=input, other=other)
    a, b = operands(input, other)
    result = Kron.apply(a, b)
    return result if out is None else write_out(out, result, "kron")


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim`` (that dim removed): ``x.select(0, i)`` is ``x[i]``."""
    d = wrap_dim(dim, input.dim())
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {d}")
    return input[(slice(None),) * d + (index,)]


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Views of ``input`` along ``dim``: ``n`` nearly equal parts (the first ``size % n`` one longer),
    or the pieces between the given indices."""
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 "
                           "dims")
    d = wrap_dim(dim, input.dim())
    size = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        lengths = [size // n + (1 if i < size % n else 0) for i in range(n)]
        bounds = list(np.cumsum([0] + lengths))
    else:
        cuts = [min(max(i + size if i < 0 else i, 0), size) for i in indices_or_sections]
        bounds = [0, *cuts, size]
    # a piece is empty where an index is not after the one before (torch: a zero-length slice)
    return tuple(input.narrow(d, int(lo), max(int(hi) - int(lo), 0)) for lo, hi in zip(bounds, bounds[1:]))


def _split_named(name: str, input: Tensor, indices_or_sections: Any, dim: int, min_dims: int) -> tuple:
    if input.dim() < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a "
                           f"tensor with {input.dim()} dimensions!")
    sections = indices_or_sections
    if isinstance(sections, int) and sections and input.shape[dim] % sections:
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                           f"dimension {input.shape[dim]} is not divisible by the split_size "
                           f"{indices_or_sections}!")
    return tensor_split(input, indices_or_sections, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """``tensor_split`` along the columns: dim 1 (dim 0 for a 1-D tensor); sections must divide evenly."""
    return _split_named("hsplit", input, indices_or_sections, 0 if input.dim() == 1 else 1, 1)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """``tensor_split`` along dim 0 of a tensor of 2 or more dims; sections must divide evenly."""
    return _split_named("vsplit", input, indices_or_sections, 0, 2)


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:
    """Pieces of the given sizes along ``dim``; they must add up to its length."""
    if input.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, input.dim())
    if sum(split_sizes) != input.shape[d]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {input.shape[d]} (input "
                           f"tensor's size at dimension {d}), but got split_sizes={list(split_sizes)}")
    return input.split(list(split_sizes), d)


class LinalgCross(Function):
    """The cross product of 3-vectors along one dim: its gradient is again a cross product."""

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.save_for_backward(a, b)
        ctx.dim = dim
        return np.cross(a._array, b._array, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad[:2]
        # <g, a x b> = <b x g, a> = <g x a, b>
        return (sum_to(cross(b.expand(grad.shape), grad, dim=ctx.dim), a.shape) if na else None,
                sum_to(cross(grad, a.expand(grad.shape), dim=ctx.dim), b.shape) if nb else None, None)


def cross(input: Tensor, other: Tensor, dim: int | None = None, *, out: Tensor | None = None) -> Tensor:
    """The cross product of the 3-vectors along ``dim`` (they broadcast); without ``dim``, the first
    dim of length 3, with torch's deprecation warning."""
    _require_tensors("cross", input=input, other=other)
    a, b = operands(input, other)
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass "
                      "the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will "
                      "change to agree with that of linalg.cross in a future release.", UserWarning,
                      stacklevel=2)
        shape = broadcast_shapes(a._array.shape, b._array.shape)
        dim = next((i for i, n in enumerate(shape) if n == 3), -1)
    result = linalg_cross(a, b, dim=dim)
    return result if out is None else write_out(out, result, "cross")


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.cross``: the cross product along ``dim`` (default the last), broadcasting."""
    _require_tensors("linalg.cross", input=input, other=other)
    a, b = operands(input, other)
    if a.dim() != b.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = wrap_dim(dim, a.dim())
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {a.shape[d]} and "
                           f"{b.shape[d]}")
    shape = broadcast_shapes(a._array.shape, b._array.shape)
    a = a if a._array.shape == shape else a.expand(shape)
    b = b if b._array.shape == shape else b.expand(shape)
    result = LinalgCross.apply(a, b, d)
    return result if out is None else write_out(out, result, "linalg.cross")


class _AddProduct(Function):
    """beta * input + alpha * (a @ b) for matrix-matrix (addmm), matrix-vector (addmv) and batched
    (baddbmm) products: the gradients are those of the product, scaled, and beta times grad."""

    @staticmethod
    def forward(ctx, x, a, b, beta, alpha):
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha, ctx.x_shape = beta, alpha, x._array.shape
        prod = np.matmul(a._array, b._array)
        dt = prod.dtype
        # beta == 0: input is ignored, even its nan and inf (torch)
        scaled = np.zeros_like(prod) if beta == 0 else np.asarray(beta, dt) * x._array
        return (scaled + np.asarray(alpha, dt) * prod).astype(dt, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        nx, na, nb = ctx.needs_input_grad[:3]
        beta, alpha = ctx.beta, ctx.alpha
        gx = sum_to(grad * beta, ctx.x_shape) if nx else None
        if b.dim() == 1:  # matrix @ vector
            ga = grad.unsqueeze(-1) * b * alpha if na else None
            gb = a.transpose(-1, -2).matmul(grad) * alpha if nb else None
        else:
            ga = grad.matmul(b.transpose(-1, -2)) * alpha if na else None
            gb = a.transpose(-1, -2).matmul(grad) * alpha if nb else None
        return gx, ga, gb, None, None


class Addmm(_AddProduct):
    pass


class Addmv(_AddProduct):
    pass


class Baddbmm(_AddProduct):
    pass


def _add_product(fn: type, name: str, input: Tensor, a: Tensor, b: Tensor, beta: Any, alpha: Any) -> Tensor:
    """Checks (torch's words for each op), then ``fn`` on input broadcast to the product's shape."""
    _require_tensors(name, input=input, mat1=a, mat2=b)
    st = [_SCALAR_TYPE[t._array.dtype.name] for t in (input, a, b)]
    if name == "addmm":
        for label, t in (("mat1", a), ("mat2", b)):
            if t.dim() != 2:
                raise RuntimeError(f"{label} must be a matrix, got {t.dim()}-D tensor")
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
                               f"{b.shape[0]}x{b.shape[1]})")
        if len(set(st)) > 1:
            other = st[2] if st[0] != st[2] else st[1]
            raise RuntimeError(f"self and mat2 must have the same dtype, but got {st[0]} and {other}")
    elif name == "addmv":
        if (a.dim(), b.dim()) != (2, 1) or input.dim() > 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got {input.dim()}, {a.dim()}, "
                               f"{b.dim()}")
        if a.shape[1] != b.shape[0] or input.numel() not in (1, a.shape[0]):
            raise RuntimeError(f"size mismatch, got input ({input.numel()}), mat "
                               f"({a.shape[0]}x{a.shape[1]}), vec ({b.shape[0]})")
        if len(set(st)) > 1:
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {st[0]}, {st[1]}, and "
                               f"{st[2]}")
    else:
        for label, t in (("batch1", a), ("batch2", b)):
            if t.dim() != 3:
                raise RuntimeError(f"{label} must be a 3D tensor")
        if tuple(b.shape[:2]) != (a.shape[0], a.shape[2]):
            raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
        if len(set(st)) > 1:
            raise RuntimeError(f"expected scalar type {st[0]} but found {next(x for x in st if x != st[0])}")
    out_shape = tuple(a.shape[:-1]) + (() if b.dim() == 1 else (b.shape[-1],))
    x = input if input._array.shape == out_shape else input.expand(out_shape)  # torch's expand error
    return fn.apply(x, a, b, beta, alpha)  # (an expanded input's gradient sums back in the expand)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1,
          out: Tensor | None = None) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)`` (input broadcasts to the product's shape): a linear
    layer's ``bias + x @ W.T`` in one op."""
    result = _add_product(Addmm, "addmm", input, mat1, mat2, beta, alpha)
    return result if out is None else write_out(out, result, "addmm")


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1,
          out: Tensor | None = None) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``."""
    result = _add_product(Addmv, "addmv", input, mat, vec, beta, alpha)
    return result if out is None else write_out(out, result, "addmv")


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1,
            out: Tensor | None = None) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices (3-D tensors)."""
    result = _add_product(Baddbmm, "baddbmm", input, batch1, batch2, beta, alpha)
    return result if out is None else write_out(out, result, "baddbmm")


# ----- creation -----------------------------------------------------------------------------------
def _new(values: np.ndarray, dtype: Any, requires_grad: bool) -> Tensor:
    np_dtype = (dtype or _dtype.get_default_dtype()).np
    return Tensor._make(values.astype(np_dtype)).requires_grad_(requires_grad)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` values from ``base ** start`` to ``base ** end``, evenly spaced in the exponent."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    exponents = np.linspace(float(start), float(end), steps)
    return _new(np.power(float(base), exponents), dtype, requires_grad)


def range_(start: Any = 0, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """``torch.range`` (exported under that name; here ``range_`` so that Python's ``range`` stays
    usable in this module).  Deprecated, as in torch: values from ``start`` to ``end`` *inclusive*,
    floats by default."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior "
                  "is inconsistent with Python's range builtin. Instead, use torch.arange, which produces "
                  "values in [start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = int(math.floor((end - start) / step)) + 1
    return _new(start + np.arange(n, dtype=np.float64) * step, dtype, requires_grad)


range_.__name__ = range_.__qualname__ = "range"


def _triangle_indices(name: str, row: int, col: int, offset: int, dtype: Any, lower: bool) -> Tensor:
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    rows, cols = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    return Tensor._make(np.stack([rows, cols]).reshape(2, -1).astype((dtype or _dtype.int64).np))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Tensor:
    """The (row, column) indices of the lower triangle of a ``row`` x ``col`` matrix, as a 2 x N tensor
    (``offset`` moves the diagonal up, negative down)."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, True)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Tensor:
    """The (row, column) indices of the upper triangle of a ``row`` x ``col`` matrix, as a 2 x N tensor."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, False)


def detach(input: Tensor) -> Tensor:
    """``input.detach()``: the same values, cut from the graph."""
    return input.detach()


# ----- indexing and searching ---------------------------------------------------------------------
class Take(Function):
    """Elements of the flattened input at the given indices; each gradient goes back to its element
    (summed where an index repeats)."""

    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, x, flat_index):
        ctx.shape, ctx.index = x._array.shape, flat_index
        return x._array.reshape(-1)[flat_index._array]

    @staticmethod
    def backward(ctx, grad):
        flat = grad.new_zeros((math.prod(ctx.shape),))
        return flat.scatter_add(0, ctx.index.reshape(-1), grad.reshape(-1)).reshape(ctx.shape), None


def take(input: Tensor, index: Tensor) -> Tensor:
    """``input.flatten()[index]``: the result has the shape of ``index`` (negative indices count from
    the end)."""
    _require_tensors("take", input=input, index=index)
    if index._array.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{_SCALAR_TYPE[index._array.dtype.name]}")
    n = input.numel()
    bad = index._array[(index._array >= n) | (index._array < -n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {bad.reshape(-1)[0]} on a tensor of {n} "
                         "elements.")
    return Take.apply(input, Tensor._make(np.where(index._array < 0, index._array + n, index._array)))


class BlockDiag(Function):
    """Matrices placed along the diagonal of a zero matrix; each gets its block of the gradient."""

    @staticmethod
    def forward(ctx, *blocks):
        arrays = [b._array.reshape((1, -1) if b._array.ndim < 2 else b._array.shape) for b in blocks]
        dt = np.result_type(*arrays) if arrays else _dtype.get_default_dtype().np
        rows, cols = sum(a.shape[0] for a in arrays), sum(a.shape[1] for a in arrays)
        out = np.zeros((rows if arrays else 1, cols), dt)
        r = c = 0
        ctx.places = []
        for a, b in zip(arrays, blocks):
            out[r:r + a.shape[0], c:c + a.shape[1]] = a
            ctx.places.append((r, c, a.shape, b._array.shape))
            r, c = r + a.shape[0], c + a.shape[1]
        return out

    @staticmethod
    def backward(ctx, grad):
        return tuple(grad[r:r + h, c:c + w].reshape(shape) for r, c, (h, w), shape in ctx.places)


def block_diag(*tensors: Tensor) -> Tensor:
    """A block-diagonal matrix of the given tensors (0-d and 1-d ones count as one-row matrices)."""
    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} "
                               f"has {t.dim()} dimensions")
    if tensors:  # one dtype for all: torch's promotion
        target = tensors[0].dtype
        for t in tensors[1:]:
            target = _dtype.promote_types(target, t.dtype)
        tensors = tuple(t if t.dtype is target else t.to(target) for t in tensors)
    return BlockDiag.apply(*tensors)


def _sorted_search(name: str, boundaries: Tensor, values: Any, side: str, out_int32: bool) -> Tensor:
    v = values._array if isinstance(values, Tensor) else np.asarray(values)
    b = boundaries._array
    if b.ndim <= 1:
        result = np.searchsorted(b, v, side=side)
    else:
        if b.shape[:-1] != v.shape[:-1]:
            raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first "
                               "N-1 dimensions of boundaries tensor and input value tensor must match, but "
                               f"we got boundaries tensor {list(b.shape)} and input value tensor "
                               f"{list(v.shape)}")
        rows_b, rows_v = b.reshape(-1, b.shape[-1]), v.reshape(-1, v.shape[-1])
        result = np.stack([np.searchsorted(rb, rv, side=side) for rb, rv in zip(rows_b, rows_v)]
                          ).reshape(v.shape) if rows_v.size else np.zeros(v.shape, np.int64)
    return Tensor._make(np.asarray(result, np.int32 if out_int32 else np.int64))


def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None, out: Tensor | None = None) -> Tensor:
    """Where each value would be inserted into the (innermost dim of the) sorted sequence to keep it
    sorted: the index of the first element >= value (``right``/``side="right"``: > value)."""
    if side is not None and right and side != "right":
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                           "while right was True")
    if sorter is not None:
        sorted_sequence = sorted_sequence.gather(-1, sorter)
    result = _sorted_search("searchsorted", sorted_sequence, input,
                            "right" if right or side == "right" else "left", out_int32)
    return result if out is None else write_out(out, result, "searchsorted")


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False,
              out: Tensor | None = None) -> Tensor:
    """The bucket of each element: i such that ``boundaries[i-1] < x <= boundaries[i]``
    (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``).  ``boundaries`` is 1-D, sorted."""
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    result = _sorted_search("bucketize", boundaries, input, "right" if right else "left", out_int32)
    return result if out is None else write_out(out, result, "bucketize")


def _check_index(name: str, input: Tensor, dim: int, index: Tensor, negative_ok: bool = False,
                 error: type = RuntimeError, prefix: str = "") -> int:
    """``dim`` wrapped, after torch's checks of an index_* op's index: integers, within the dim
    (negative ones only where the op accepts them).  The class and prefix of the out-of-bounds
    error differ from op to op in torch."""
    d = wrap_dim(dim, input.dim())
    if index._array.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index but got: "
                           f"{_SCALAR_TYPE[index._array.dtype.name]}")
    n = input.shape[d] if input.dim() else 1
    bad = index._array[(index._array >= n) | (index._array < (-n if negative_ok else 0))]
    if bad.size:
        raise error(f"{prefix}index {bad.reshape(-1)[0]} is out of bounds for dimension {d} with size {n}")
    return d


def _along(d: int, ndim: int, index: np.ndarray) -> tuple:
    """The numpy key that picks ``index`` along dim ``d``."""
    return (slice(None),) * d + (index.reshape(-1),) if ndim else ()


class IndexAdd(Function):
    """x with ``alpha * source`` slices added at ``index`` along ``dim`` (repeats accumulate)."""

    @staticmethod
    def forward(ctx, x, source, dim, index, alpha):
        ctx.dim, ctx.index, ctx.alpha = dim, index, alpha
        out = x._array.copy()
        np.add.at(out, _along(dim, out.ndim, index._array), np.asarray(alpha, out.dtype) * source._array)
        return out

    @staticmethod
    def backward(ctx, grad):
        ns = ctx.needs_input_grad[1]
        gs = grad.index_select(ctx.dim, ctx.index) * ctx.alpha if ns and grad.dim() else (
            grad * ctx.alpha if ns else None)
        return grad, gs, None, None, None


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1,
              out: Tensor | None = None) -> Tensor:
    """A copy of ``input`` with ``alpha * source[i]`` added to slice ``index[i]`` along ``dim``."""
    d = _check_index("index_add_", input, dim, index)
    if source.dim() and index.numel() != source.shape[d]:
        raise RuntimeError(f"index_add_(): Number of indices ({index.numel()}) should be equal to "
                           f"source.size(dim): ({source.shape[d]}), for dim: {d}")
    src = source if source.dtype is input.dtype else source.to(input.dtype)
    result = IndexAdd.apply(input, src, d, index, alpha)
    return result if out is None else write_out(out, result, "index_add")


class IndexCopy(Function):
    """x with the slices at ``index`` along ``dim`` replaced by those of ``source``."""

    @staticmethod
    def forward(ctx, x, source, dim, index):
        ctx.dim, ctx.index = dim, index
        out = x._array.copy()
        out[_along(dim, out.ndim, index._array)] = source._array
        return out

    @staticmethod
    def backward(ctx, grad):
        nx, ns = ctx.needs_input_grad[:2]
        return (grad.index_fill(ctx.dim, ctx.index, 0.0) if nx else None,
                grad.index_select(ctx.dim, ctx.index) if ns else None, None, None)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with slice ``index[i]`` along ``dim`` replaced by ``source[i]``."""
    d = _check_index("index_copy_", input, dim, index, error=IndexError, prefix="index_copy_(): ")
    if source.dim() and index.numel() != source.shape[d]:
        raise IndexError(f"index_copy_(): Number of indices ({index.numel()}) should be equal to "
                         f"source.size(dim) ({source.shape[d]})")
    return IndexCopy.apply(input, source if source.dtype is input.dtype else source.to(input.dtype), d, index)


class IndexFill(Function):
    """x with the slices at ``index`` along ``dim`` set to a number: they get no gradient."""

    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index = dim, index
        out = x._array.copy()
        out[_along(dim, out.ndim, index._array)] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.index_fill(ctx.dim, ctx.index, 0.0), None, None, None


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with the slices at ``index`` along ``dim`` set to ``value`` (a number or
    a 0-d tensor)."""
    d = _check_index("index_fill_", input, dim, index, negative_ok=True, error=IndexError)
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.dim()} dimension(s).")
        value = value.item()
    return IndexFill.apply(input, d, index, value)


class Scatter(Function):
    """x with ``src[i][j]`` written at ``x[index[i][j]][j]`` (for dim 0): the overwritten elements
    get no gradient, and src's gradient is gathered from where it went."""

    @staticmethod
    def forward(ctx, x, src, dim, index):
        ctx.dim, ctx.index = dim, index
        out = x._array.copy()
        idx = index._array
        if idx.size:
            grid = list(np.indices(idx.shape, sparse=True))
            grid[dim] = idx
            src_a = src._array if src._array.ndim else np.broadcast_to(src._array, idx.shape)
            out[tuple(grid)] = src_a[tuple(slice(0, n) for n in idx.shape)]
        if src._array.ndim == 0:
            ctx.node_name = "ScatterBackward1"  # torch's overload for a number
        return out

    @staticmethod
    def backward(ctx, grad):
        nx, ns = ctx.needs_input_grad[:2]
        gx = grad.scatter(ctx.dim, ctx.index, 0.0) if nx else None
        return gx, (grad.gather(ctx.dim, ctx.index) if ns else None), None, None


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None) -> Tensor:
    """A copy of ``input`` with ``src`` (a tensor, or a number ``value``) written at ``index`` along
    ``dim``: for dim 0, ``out[index[i][j]][j] = src[i][j]``.  (The ``reduce=`` variants are not
    implemented.)"""
    d = wrap_dim(dim, input.dim())
    if index._array.dtype.kind not in "iu":
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    _check_index("scatter", input, dim, index)
    if src is None:
        src = value
    if isinstance(src, Tensor):
        source = src if src.dtype is input.dtype else src.to(input.dtype)
    else:
        source = Tensor._make(np.asarray(src, input._array.dtype))
    return Scatter.apply(input, source, d, index)


def linalg_vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.vecdot``: the dot products of the vectors along ``dim`` (x and y broadcast):
    ``(x * y).sum(dim)`` for real tensors, which is also the graph torch records."""
    _require_tensors("linalg.vecdot", x=x, y=y)
    for t in (x, y):
        if t._array.dtype.kind != "f":
            raise RuntimeError("linalg.vecdot: Expected a floating point or complex tensor as input. Got "
                               f"{_SCALAR_TYPE[t._array.dtype.name]}")
    tx, ty = _SCALAR_TYPE[x._array.dtype.name], _SCALAR_TYPE[y._array.dtype.name]
    if tx != ty:
        raise RuntimeError("linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{tx} and y of type {ty} instead")
    if x.dim() == y.dim() == 1 and x.shape[0] != y.shape[0]:  # (torch takes its dot product's path here)
        n, m = x.shape[0], y.shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
                           f"number of elements, but got {n} and {m} elements respectively")
    if x.dim() == y.dim() == 1:  # torch: vdot, which for real vectors is dot (under vdot's name)
        wrap_dim(dim, 1)
        result = x.dot(y)
        if result.grad_fn is not None:
            result.grad_fn.node_name = "VdotBackward0"
    else:
        result = (x * y).sum(dim)
    return result if out is None else write_out(out, result, "linalg.vecdot")
