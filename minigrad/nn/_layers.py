"""The Functions behind ``nn.functional``'s embedding, normalisation and activation functions.

Each activation is y = f(x), computed on numpy arrays; its backward is ``grad * f'(x)`` written
with Tensor ops, so second derivatives come free.  Where f has a kink, the side torch's
derivative takes at the kink itself is said next to the formula (torch's
``tools/autograd/derivatives.yaml`` and its ``*_backward`` kernels).

The normalisations share one Function (``_Normalization``): statistics over some axes, then an
optional per-feature scale and shift.  Its backward is the closed form written with Tensor ops.

The public functions (``embedding``, ``batch_norm``, ``gelu``, ...) follow the Functions; they
check their arguments as torch does and are what ``nn.functional`` exports.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ..autograd.function import Function
from ..ops import reduction
from ..ops.arithmetic import where
from ..ops.indexing import IndexAdd
from ..ops.pointwise import erf

__all__: list[str] = []  # the public functions below are re-exported by nn.functional


# ----- embedding --------------------------------------------------------------------------------
class Embedding(Function):
    """``weight[indices]``: one row of ``weight`` per index, for indices of any shape.

    The gradient of a row is the sum of the output gradients of every position that looked it up
    (an index-add); the ``padding_idx`` row gets none, and with ``scale_grad_by_freq`` each
    position's gradient is divided by how often its index occurs in the batch."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        idx = indices._array
        ctx.idx, ctx.weight_shape = idx, weight._array.shape
        ctx.padding_idx, ctx.scale = padding_idx, scale_grad_by_freq
        return np.take(weight._array, idx, axis=0)

    @staticmethod
    def backward(ctx, grad):
        idx = ctx.idx
        if ctx.padding_idx is not None:  # positions that looked up the padding row send nothing
            blocked = Tensor._make((idx == ctx.padding_idx)[..., None])
            grad = where(blocked, 0.0, grad)
        if ctx.scale:
            counts = np.bincount(idx.reshape(-1), minlength=ctx.weight_shape[0])
            grad = grad * Tensor._make((1.0 / counts[idx])[..., None].astype(grad._array.dtype))
        # dW[i] = sum of grad[p] over the positions p with indices[p] == i
        return IndexAdd.apply(grad, ctx.weight_shape, (idx,), True), None, None, None


# ----- normalisation ------------------------------------------------------------------------------
class NormSpec(NamedTuple):
    """Where a normalisation takes its statistics and applies its affine parameters.

    x is viewed as ``view_shape`` and normalised over ``axes`` of that view (for group norm the
    view splits the channels into groups).  ``weight`` and ``bias`` broadcast against x as
    ``param_shape``; their gradients sum over x's ``param_axes``.  ``batch_stats``: the mean and
    1/std were computed from x itself (and so depend on it); else they are constants (running
    statistics, batch norm in eval mode)."""

    view_shape: tuple
    axes: tuple
    param_shape: tuple
    param_axes: tuple
    eps: float
    batch_stats: bool


def moments(a: np.ndarray, axes: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Mean and biased variance over ``axes`` (kept as size-1 dims), in float64: the normalised
    output is rounded to a's dtype once, at the end (torch's kernels accumulate in a wider type
    too)."""
    wide = a.astype(np.float64)
    if wide.size == 0:  # an empty batch: nothing to normalise (and no statistics to take)
        shape = tuple(1 if i in axes else n for i, n in enumerate(a.shape))
        return np.zeros(shape), np.ones(shape)
    mean = wide.mean(axes, keepdims=True)
    var = np.square(wide - mean).mean(axes, keepdims=True)
    return mean, var


class _Normalization(Function):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, with xhat = (x - mean) / sqrt(var + eps).

    Backward, with g = dL/dy, gh = g * weight (the gradient reaching xhat), m(.) the mean over the
    normalised axes and invstd = 1 / sqrt(var + eps):

        dL/dweight = sum(g * xhat),   dL/dbias = sum(g)         (over ``param_axes``)
        dL/dx = invstd * (gh - m(gh) - xhat * m(gh * xhat))     (batch statistics)
        dL/dx = invstd * gh                                     (fixed statistics)

    The first form is the chain rule through the mean and the variance, which both depend on x.
    The mean and invstd are recomputed from x with Tensor ops, so this formula is itself
    differentiable in x, and second derivatives are right."""

    @staticmethod
    def forward(ctx, x, weight, bias, mean, invstd, spec):
        ctx.save_for_backward(x, weight)
        ctx.spec, ctx.mean, ctx.invstd = spec, mean, invstd
        ctx.bias_shape = None if bias is None else bias._array.shape
        dtype = x._array.dtype
        xv = x._array.reshape(spec.view_shape)
        xhat = ((xv - mean) * invstd).astype(dtype).reshape(x._array.shape)
        out = xhat
        if weight is not None:
            out = out * weight._array.reshape(spec.param_shape)
        if bias is not None:
            out = out + bias._array.reshape(spec.param_shape)
        return out if out is not xhat else out.copy()

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        spec = ctx.spec
        nx, nw, nb = ctx.needs_input_grad[:3]
        xv = x.reshape(spec.view_shape)
        if spec.batch_stats:
            mean = xv.mean(spec.axes, keepdim=True)
            centred = xv - mean
            invstd = 1 / ((centred * centred).mean(spec.axes, keepdim=True) + spec.eps).sqrt()
        else:
            dtype = x._array.dtype
            centred = xv - Tensor._make(ctx.mean.astype(dtype))
            invstd = Tensor._make(ctx.invstd.astype(dtype))
        xhat = centred * invstd  # in the view's shape

        def param_sum(t: Tensor, shape: tuple) -> Tensor:
            summed = t.sum(spec.param_axes) if spec.param_axes else t
            return summed.reshape(shape)

        gw = param_sum(grad * xhat.reshape(x.shape), weight.shape) if nw else None
        gb = param_sum(grad, ctx.bias_shape) if nb else None
        gx = None
        if nx:
            gh = grad * weight.reshape(spec.param_shape) if weight is not None else grad
            gh = gh.reshape(spec.view_shape)
            if spec.batch_stats:
                gx = invstd * (gh - gh.mean(spec.axes, keepdim=True)
                               - xhat * (gh * xhat).mean(spec.axes, keepdim=True))
            else:
                gx = gh * invstd
            gx = gx.reshape(x.shape)
        return gx, gw, gb, None, None, None


class NativeBatchNorm(_Normalization):
    """Batch norm: statistics per channel (dim 1) over the batch and every spatial dim."""


class NativeLayerNorm(_Normalization):
    """Layer norm: statistics per sample over the trailing ``normalized_shape`` dims."""


class NativeGroupNorm(_Normalization):
    """Group norm: statistics per sample and group of channels."""


def normalize_stats(a: np.ndarray, axes: tuple, eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, biased var, 1 / sqrt(var + eps)) over ``axes``, kept as size-1 dims, in float64."""
    mean, var = moments(a, axes)
    return mean, var, 1 / np.sqrt(var + eps)


# ----- activations ---------------------------------------------------------------------------------
class SlopeBackward(Function):
    """The gradient of a piecewise-linear activation as one op: ``grad`` times the slope of the
    piece x falls on (``slope(x)``), exactly 0 where that slope is 0 (a nan or inf upstream
    gradient stays out, as torch selects there).  Linear in ``grad``, so its own backward is the
    same op; x only picks the piece, so zeros flow to it: as for torch's leaky_relu, hardtanh and
    threshold backward ops, a second derivative through them is a zero tensor, not a missing one."""

    torch_inputs = (0, 1)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, grad, x, slope, node_name):
        ctx.save_for_backward(x)
        ctx.slope, ctx.node_name = slope, node_name
        g = grad._array
        s = slope(x._array).astype(g.dtype)
        return np.where(s == 0, np.zeros((), g.dtype), g * s)

    @staticmethod
    def backward(ctx, gg):
        x, = ctx.saved_tensors
        zeros = gg.new_zeros(x.shape) if ctx.needs_input_grad[1] else None
        return SlopeBackward.apply(gg, x, ctx.slope, ctx.node_name), zeros, None, None


class LeakyRelu(Function):
    """x if x > 0 else slope * x.  dy/dx = 1 if x > 0 else slope (at 0: slope, as torch)."""

    @staticmethod
    def forward(ctx, x, negative_slope, node_name):
        ctx.save_for_backward(x)
        ctx.slope, ctx.node_name = negative_slope, node_name
        a = x._array
        return np.where(a > 0, a, a * negative_slope)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        negative = ctx.slope
        return (SlopeBackward.apply(grad, x, lambda a: np.where(a > 0, 1.0, negative),
                                    "LeakyReluBackwardBackward0"), None, None)


class Hardtanh(Function):
    """x clipped to [min_val, max_val].  dy/dx = 1 strictly inside, 0 outside and at the bounds
    themselves (torch's hardtanh_backward; ``clamp`` lets the bounds through instead)."""

    @staticmethod
    def forward(ctx, x, min_val, max_val):
        ctx.save_for_backward(x)
        ctx.bounds = min_val, max_val
        a = x._array
        return np.where(a < min_val, min_val, np.where(a > max_val, max_val, a)).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        lo, hi = ctx.bounds
        return (SlopeBackward.apply(grad, x, lambda a: np.where((a <= lo) | (a >= hi), 0.0, 1.0),
                                    "HardtanhBackwardBackward0"), None, None)


class Elu(Function):
    """scale * x if x > 0 else scale * alpha * (exp(x * input_scale) - 1): ELU, SELU (fixed alpha
    and scale) and CELU (input_scale = 1 / alpha).

    dy/dx = scale if x > 0 else scale * alpha * input_scale * exp(x * input_scale) (at 0: the
    second, as torch): ``EluBackward``."""

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale, node_name):
        ctx.save_for_backward(x)
        ctx.coefs = alpha, scale, input_scale
        ctx.node_name = node_name
        a = x._array
        return np.where(a <= 0, np.expm1(a * input_scale) * (alpha * scale), a * scale).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return EluBackward.apply(grad, x, ctx.coefs), None, None, None, None


class EluBackward(Function):
    """elu's gradient as one op, as torch's elu_backward: grad * scale where x > 0, else
    grad * input_scale * alpha * scale * exp(x * input_scale) (float16 computed in float32).

    Linear in grad: its derivative with respect to grad is the same op.  With respect to x it is
    torch's elu_double_backward, elu_backward(gg * grad * input_scale, x) * (x < 0): 0 at and
    above 0, but nan there where the gradients are inf or nan (0 * inf), as torch's."""

    torch_inputs = (0, 1)  # torch's node has no input for the coefficients

    @staticmethod
    def forward(ctx, grad, x, coefs):
        ctx.save_for_backward(grad, x)
        ctx.coefs = coefs
        alpha, scale, input_scale = coefs
        g, a = grad._array, x._array
        if g.dtype == np.float16:  # as torch: half math in float32
            g, a = g.astype(np.float32), a.astype(np.float32)
        negative = g * input_scale * (alpha * scale) * np.exp(a * input_scale)
        return np.where(a <= 0, negative, g * scale).astype(grad._array.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        grad, x = ctx.saved_tensors
        n_grad, nx = ctx.needs_input_grad[:2]
        d_grad = EluBackward.apply(gg, x, ctx.coefs) if n_grad else None
        d_x = EluBackward.apply(gg * grad * ctx.coefs[2], x, ctx.coefs) * (x < 0) if nx else None
        return d_grad, d_x, None


class Softplus(Function):
    """log(1 + exp(beta x)) / beta, or x itself where beta x > threshold (where they agree to
    the float precision).  dy/dx = sigmoid(beta x), or 1 above the threshold
    (``SoftplusBackward``)."""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        a = x._array
        w = a.astype(np.float32) if a.dtype == np.float16 else a  # as torch: half math in float32
        return np.where(w * beta > threshold, w, np.log1p(np.exp(w * beta)) / beta).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return SoftplusBackward.apply(grad, x, ctx.beta, ctx.threshold), None, None


class SoftplusBackward(Function):
    """softplus's gradient as one op, as torch's softplus_backward: grad where beta x > threshold,
    else grad z / (z + 1) with z = exp(beta x) (float16 computed in float32).

    Linear in grad: its derivative with respect to grad is the same op.  With respect to x it is
    torch's softplus_double_backward, sigmoid_backward(gg * grad, sigmoid(beta x)) * (beta x <
    threshold) * beta: 0 from the threshold on, but nan there where the gradients are inf or nan
    (0 * inf), as torch's."""

    torch_inputs = (0, 1)  # torch's node has no input for beta and threshold

    @staticmethod
    def forward(ctx, grad, x, beta, threshold):
        ctx.save_for_backward(grad, x)
        ctx.beta, ctx.threshold = beta, threshold
        g, a = grad._array, x._array
        if g.dtype == np.float16:  # as torch: half math in float32
            g, a = g.astype(np.float32), a.astype(np.float32)
        bx = a * beta
        z = np.exp(bx)
        return np.where(bx > threshold, g, g * z / (z + 1)).astype(grad._array.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        grad, x = ctx.saved_tensors
        n_grad, nx = ctx.needs_input_grad[:2]
        d_grad = SoftplusBackward.apply(gg, x, ctx.beta, ctx.threshold) if n_grad else None
        d_x = None
        if nx:
            bx = x * ctx.beta
            s = bx.sigmoid()
            d_x = gg * grad * (1 - s) * s * (bx < ctx.threshold) * ctx.beta
        return d_grad, d_x, None, None


class Silu(Function):
    """x * sigmoid(x).  dy/dx = s (1 + x (1 - s)) with s = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        a = x._array
        return a / (1 + np.exp(-a))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        s = x.sigmoid()
        return grad * (s * (1 + x * (1 - s)))


class Mish(Function):
    """x * tanh(softplus(x)).  dy/dx = t + x sigmoid(x) (1 - t^2) with t = tanh(softplus(x))."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        a = x._array
        return a * np.tanh(np.log1p(np.exp(a)))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        # softplus as log1p(exp(x)), the composite torch differentiates too (so at huge x the
        # second derivative is nan in both: exp overflows)
        t = x.exp().log1p().tanh()
        return grad * (t + x * x.sigmoid() * (1 - t * t))


_ONE_SIXTH = float(np.float32(1 / 6))  # torch's kernel multiplies by the float 1/6, in double too


class Hardsigmoid(Function):
    """min(max(x + 3, 0), 6) / 6.  dy/dx = 1/6 strictly inside (-3, 3), else 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        a = x._array
        return (np.minimum(np.maximum(a + 3, 0), 6) / 6).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return where((x > -3) & (x < 3), grad * _ONE_SIXTH, 0.0)


class Hardswish(Function):
    """x * min(max(x + 3, 0), 6) / 6.  dy/dx = 0 up to -3 (included), x/3 + 1/2 in (-3, 3), 1 from
    3 on (torch's choices at the two kinks)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        a = x._array
        return (a * np.minimum(np.maximum(a + 3, 0), 6) / 6).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        inside = where((x > -3) & (x < 3), x, 0.0)  # finite where not selected (x may be inf)
        return where(x <= -3, 0.0, where(x < 3, grad * (inside / 3 + 0.5), grad))


class Threshold(Function):
    """x if x > threshold else value.  dy/dx = 1 above the threshold, 0 at and below it."""

    @staticmethod
    def forward(ctx, x, threshold, value, node_name):
        ctx.save_for_backward(x)
        ctx.threshold, ctx.node_name = threshold, node_name
        a = x._array
        return np.where(a <= threshold, np.asarray(value, a.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        t = ctx.threshold
        return (SlopeBackward.apply(grad, x, lambda a: np.where(a <= t, 0.0, 1.0),
                                    "ThresholdBackwardBackward0"), None, None, None)


_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2.0 * math.pi)
_KAPPA = 0.044715


class Gelu(Function):
    """x * Phi(x), Phi the standard normal CDF: Phi(x) = (1 + erf(x / sqrt 2)) / 2.
    dy/dx = Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi) the normal density.

    With approximate='tanh': y = x (1 + tanh(u)) / 2, u = sqrt(2/pi) (x + 0.044715 x^3);
    dy/dx = (1 + tanh(u)) / 2 + x / 2 (1 - tanh(u)^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)
    (``GeluBackward``)."""

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        a = x._array
        if approximate == "tanh":
            return (0.5 * a * (1 + np.tanh(_SQRT_2_OVER_PI * (a + _KAPPA * a * a * a)))).astype(a.dtype)
        return (a * 0.5 * (1 + erf(Tensor._make(a / _SQRT_2))._array)).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return GeluBackward.apply(grad, x, ctx.approximate), None


class GeluBackward(Function):
    """gelu's gradient as one op, as torch's gelu_backward: grad * dy/dx with Gelu's formulas
    (float16 computed in float32).

    Linear in grad: its derivative with respect to grad is the same op.  With respect to x it is
    torch's gelu_double_backward, gg * grad * d2y/dx2 (``_gelu_second_derivative``), written as
    torch writes it: so it is nan where x^2 overflows, as torch's."""

    torch_inputs = (0, 1)  # torch's node has no input for ``approximate``

    @staticmethod
    def forward(ctx, grad, x, approximate):
        ctx.save_for_backward(grad, x)
        ctx.approximate = approximate
        a = x._array
        if a.dtype == np.float16:  # as torch: half math in float32
            a = a.astype(np.float32)
        if approximate == "tanh":
            a_sq = a * a
            t = np.tanh(_SQRT_2_OVER_PI * (a + _KAPPA * a_sq * a))
            slope = 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * (_SQRT_2_OVER_PI * (1 + 3 * _KAPPA * a_sq))
        else:
            cdf = 0.5 * (1 + erf(Tensor._make(a / _SQRT_2))._array)
            slope = cdf + a * (np.exp(a * a * -0.5) * _INV_SQRT_2PI)
        return (grad._array * slope).astype(grad._array.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        grad, x = ctx.saved_tensors
        n_grad, nx = ctx.needs_input_grad[:2]
        d_grad = GeluBackward.apply(gg, x, ctx.approximate) if n_grad else None
        d_x = gg * grad * _gelu_second_derivative(x, ctx.approximate) if nx else None
        return d_grad, d_x, None


def _gelu_second_derivative(x: Tensor, approximate: str) -> Tensor:
    """d2/dx2 gelu(x) in Tensor ops, term by term as torch's gelu_double_backward."""
    if approximate == "tanh":  # y = f (1 + tanh u) with f = x / 2; g = 1 - tanh(u)^2, h = du/dx
        inner = _SQRT_2_OVER_PI * (x + _KAPPA * x.pow(3))
        tanh_inner = inner.tanh()
        sech_inner = 1 / inner.cosh()
        f = 0.5 * x
        g = 1 - tanh_inner * tanh_inner
        h = _SQRT_2_OVER_PI * (1 + 3 * _KAPPA * x * x)
        f_prime_gh = 0.5 * g * h
        g_prime_fh = f * h * ((2 * sech_inner) * (-sech_inner * tanh_inner) * h)
        h_prime_fg = f * g * (6 * _KAPPA * x * _SQRT_2_OVER_PI)
        return f_prime_gh + f_prime_gh + g_prime_fh + h_prime_fg
    x_sq = x * x
    pdf = (-0.5 * x_sq).exp() * _INV_SQRT_2PI
    return 2 * pdf - x_sq * pdf


class PreluKernel(Function):
    """x if x > 0 else w * x, w broadcast against x (one slope, or one per channel).
    dy/dx = 1 or w;  dy/dw = 0 or x (summed over the positions that share a slope)."""

    @staticmethod
    def forward(ctx, x, weight):
        ctx.save_for_backward(x, weight)
        a = x._array
        return np.where(a > 0, a, weight._array * a).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        nx, nw = ctx.needs_input_grad
        positive = x > 0
        gx = where(positive, grad, weight * grad) if nx else None
        gw = None
        if nw:
            gw = where(positive, 0.0, x) * grad  # (not x * grad: inf * 0 in double backward)
            lead = gw.ndim - weight.ndim
            axes = tuple(range(lead)) + tuple(
                lead + i for i, n in enumerate(weight.shape) if n == 1 and gw.shape[lead + i] != 1)
            gw = (gw.sum(axes, keepdim=True) if axes else gw).reshape(weight.shape)
        return gx, gw


# ===== the public functions (re-exported by ``nn.functional``) =====================================
def _float_only(input: Tensor, kernel: str) -> None:
    """torch's kernels are defined for floating point only; integer input raises its error."""
    if input._array.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_SCALAR_NAMES[input.dtype.name]}'")


def _maybe_inplace(input: Tensor, inplace: bool, fn: Any) -> Tensor:
    """``fn(input)``, or, with ``inplace``, the same written into ``input`` (recorded as torch does).
    torch names some in-place nodes ``...Backward1`` (their backward uses the output): those
    Functions take the node name as an argument."""
    return input._inplace(fn) if inplace else fn(input)


# ----- embedding --------------------------------------------------------------------------------
def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` (num_embeddings, embedding_dim) looked up by the integer ``input``, of any
    shape: the result has shape ``(*input.shape, embedding_dim)``.

    ``padding_idx`` (may be negative) names a row that receives no gradient; ``max_norm`` first
    rescales, in place, every looked-up row whose ``norm_type``-norm exceeds it."""
    n = weight.shape[0] if weight.ndim else 0
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= n or padding_idx < 0 and padding_idx < -n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    if input._array.dtype not in (np.int64, np.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {input.type()} instead (while checking arguments "
                           "for embedding)")
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if sparse:
        raise NotImplementedError("embedding(sparse=True) makes a sparse gradient; minigrad has no sparse "
                                  "tensors")
    idx = input._array
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, np.unique(idx), max_norm, norm_type)
    return Embedding.apply(weight, input, padding_idx, scale_grad_by_freq)


def _renorm_rows(weight: Tensor, rows: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale, in place and outside the graph, each of ``rows`` whose norm exceeds ``max_norm`` by
    max_norm / (norm + 1e-7) (torch's embedding_renorm_)."""
    w = weight._array.copy()
    for r in rows:
        norm = float(np.linalg.norm(w[r].astype(np.float64), ord=norm_type))
        if norm > max_norm:
            w[r] *= max_norm / (norm + 1e-7)
    weight._write(w)


# ----- normalisation ------------------------------------------------------------------------------
def _check_dtypes(input: Tensor, *others: Tensor | None) -> None:
    """torch's CPU kernels take float32 parameters for float32 input, and one dtype otherwise."""
    for t in others:
        if t is not None and t._array.dtype != input._array.dtype:
            if input._array.dtype == np.float32:
                raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _verify_batch_size(size: Any) -> None:
    """Batch statistics of a single value per channel are meaningless (its variance is 0)."""
    n = size[0]
    for s in size[2:]:
        n *= s
    if n == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) over the batch and the spatial dims, then scale and shift.

    In training the batch's own statistics are used, and the running ones (if given) move
    towards them in place: ``running = (1 - momentum) * running + momentum * batch``, with the
    batch's *unbiased* variance.  Otherwise the running statistics are used."""
    if training:
        _verify_batch_size(input.size())
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    if not training and running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    _float_only(input, "batch_norm")
    c = input.size(1)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    _check_dtypes(input, weight, bias, running_mean, running_var)
    x = input._array
    axes = (0,) + tuple(range(2, x.ndim))
    stats_shape = (1, c) + (1,) * (x.ndim - 2)
    if training:
        mean, var = moments(x, axes)
        if running_mean is not None and x.size:  # (torch leaves them alone for an empty batch)
            n = x.size // max(c, 1)
            unbiased = var * n / (n - 1)
            for buf, batch in ((running_mean, mean), (running_var, unbiased)):
                old = buf._array.astype(np.float64)
                buf._write((momentum * batch.reshape(-1) + (1 - momentum) * old).astype(buf._array.dtype))
    else:
        mean = running_mean._array.astype(np.float64).reshape(stats_shape)
        var = running_var._array.astype(np.float64).reshape(stats_shape)
    invstd = 1 / np.sqrt(var + eps)
    spec = NormSpec(x.shape, axes, stats_shape[1:], axes, eps, training)
    return NativeBatchNorm.apply(input, weight, bias, mean, invstd, spec)


def _shape_text(shape: Any) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each sample over its trailing dims ``normalized_shape``, then scale and shift
    elementwise (``weight`` and ``bias`` have shape ``normalized_shape``)."""
    if not isinstance(normalized_shape, (tuple, list)):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, "
                        f"not {type(normalized_shape).__name__}")
    shape = tuple(int(n) for n in normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at "
                           "least one element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                               f"shape {_shape_text(t.shape)} and normalized_shape = {_shape_text(shape)}")
    k = len(shape)
    if tuple(input.shape[input.ndim - k:]) != shape or input.ndim < k:
        raise RuntimeError(f"Given normalized_shape={_shape_text(shape)}, expected input with shape "
                           f"[*, {', '.join(str(n) for n in shape)}], but got input of size"
                           f"{_shape_text(input.shape)}")
    _float_only(input, "LayerNormKernelImpl")
    _check_dtypes(input, weight, bias)
    x = input._array
    axes = tuple(range(x.ndim - k, x.ndim))
    mean, _, invstd = normalize_stats(x, axes, eps)
    spec = NormSpec(x.shape, axes, shape, tuple(range(x.ndim - k)), eps, True)
    return NativeLayerNorm.apply(input, weight, bias, mean, invstd, spec)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Split the channels (dim 1) into ``num_groups`` groups; normalise each sample's group over
    its channels and spatial dims; then scale and shift per channel."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    n, c = input.shape[:2]
    if c % num_groups:
        raise RuntimeError("Expected number of channels in input to be divisible by num_groups, but got "
                           f"input of shape {_shape_text(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in "
                               f"input, but got {name} of shape {_shape_text(t.shape)} and input of shape "
                               f"{_shape_text(input.shape)}")
    _verify_batch_size([n * c // num_groups, num_groups, *input.shape[2:]])
    _float_only(input, "GroupNormKernelImpl")
    _check_dtypes(input, weight, bias)
    x = input._array
    view_shape = (n, num_groups, x.size // max(n * num_groups, 1))
    mean, _, invstd = normalize_stats(x.reshape(view_shape), (2,), eps)
    param_axes = (0,) + tuple(range(2, x.ndim))
    spec = NormSpec(view_shape, (2,), (c,) + (1,) * (x.ndim - 2), param_axes, eps, True)
    return NativeGroupNorm.apply(input, weight, bias, mean, invstd, spec)


# ----- activations -----------------------------------------------------------------------------------
def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope * x."""
    _float_only(input, "leaky_relu_cpu")
    node = "LeakyReluBackward1" if inplace else "LeakyReluBackward0"
    return _maybe_inplace(input, inplace, lambda t: LeakyRelu.apply(t, negative_slope, node))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x) - 1)."""
    _float_only(input, "elu_cpu")
    node = "EluBackward1" if inplace else "EluBackward0"
    return _maybe_inplace(input, inplace, lambda t: Elu.apply(t, alpha, 1.0, 1.0, node))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the constants that keep activations at mean 0, variance 1."""
    _float_only(input, "elu_cpu")
    node = "EluBackward1" if inplace else "EluBackward0"
    return _maybe_inplace(input, inplace, lambda t: Elu.apply(t, _SELU_ALPHA, _SELU_SCALE, 1.0, node))


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x / alpha) - 1)."""
    _float_only(input, "elu_cpu")
    node = "CeluBackward1" if inplace else "CeluBackward0"
    return _maybe_inplace(input, inplace, lambda t: Elu.apply(t, alpha, 1.0, 1.0 / alpha, node))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    _float_only(input, "silu_cpu")
    return _maybe_inplace(input, inplace, Silu.apply)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    _float_only(input, "mish_cpu")
    return _maybe_inplace(input, inplace, Mish.apply)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    _float_only(input, "softplus_cpu")
    return Softplus.apply(input, beta, threshold)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input._array.dtype.kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if input._array.dtype.kind != "f":  # as torch: integer input keeps its dtype, bounds cast to it
        return input.clamp(int(min_val), int(max_val))
    return _maybe_inplace(input, inplace, lambda t: Hardtanh.apply(t, min_val, max_val))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): hardtanh on [0, 6]."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """A piecewise linear sigmoid: 0 below -3, 1 above 3, x / 6 + 1/2 between."""
    _float_only(input, "hardsigmoid_cpu")
    return _maybe_inplace(input, inplace, Hardsigmoid.apply)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * hardsigmoid(x)."""
    _float_only(input, "hardswish_cpu")
    return _maybe_inplace(input, inplace, Hardswish.apply)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value``."""
    if input._array.dtype.kind != "f":
        return input.masked_fill(input <= threshold, value)
    node = "ThresholdBackward1" if inplace else "ThresholdBackward0"
    return _maybe_inplace(input, inplace, lambda t: Threshold.apply(t, threshold, value, node))


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    return input - input.tanh()


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal CDF; approximate='tanh' uses torch's tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_only(input, "GeluKernelImpl")
    return Gelu.apply(input, approximate)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else weight * x, with one learnable slope, or one per channel (dim 1)."""
    if input.ndim == 0 and weight.numel() != 1:
        raise RuntimeError("Not allow zero-dim input tensor.")
    if weight.ndim > 1:
        raise RuntimeError("prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise RuntimeError("Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{weight.numel()} and channel size = {channels}.")
    if input._array.dtype != weight._array.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {_SCALAR_NAMES[input.dtype.name]} and "
                           f"{_SCALAR_NAMES[weight.dtype.name]}")
    if input.ndim >= 2:  # one slope per channel: broadcast along dim 1
        weight = weight.reshape((weight.numel(),) + (1,) * (input.ndim - 2))
    return PreluKernel.apply(input, weight)


_SCALAR_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """softmax(-x) along ``dim``: the smallest entries get the largest weights."""
    from ._functional import _softmax_dim
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return reduction.softmax(-input, dim, dtype=dtype)


class LinalgVectorNorm(Function):
    """The p-norm (sum |x|^p)^(1/p) over ``dim`` (kept), for finite p > 0.

    d/dx = sign(x) |x|^(p-1) / norm^(p-1), which is x / norm for p = 2 and sign(x) for p = 1;
    where the norm is 0 the gradient is 0 (torch masks the 0/0)."""

    @staticmethod
    def forward(ctx, x, p, dim):
        a = x._array
        norm = Tensor._make((np.abs(a) ** p).sum(dim, keepdims=True) ** (1 / p) if p != 1
                            else np.abs(a).sum(dim, keepdims=True))
        ctx.save_for_backward(x, norm)
        ctx.p = p
        return norm

    @staticmethod
    def backward(ctx, grad):
        x, norm = ctx.saved_tensors
        p = ctx.p
        if p == 1:
            return grad * x.sign(), None, None
        zero = norm == 0
        scale = where(zero, 0.0, grad / (norm if p == 2 else norm ** (p - 1)))
        if p == 2:
            return x * scale, None, None
        return x * x.abs() ** (p - 2) * scale, None, None


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``: each slice scaled to unit p-norm."""
    if out is not None:
        raise NotImplementedError("normalize(out=...) is not supported")
    dim = _wrap_dim(dim, input.ndim)
    if math.isinf(p):
        if input.ndim and input.shape[dim] == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {p} norm on the dimension {dim}"
                               "because this dimension is empty and the operation does not have an identity")
        norm = input.abs().amax(dim, keepdim=True) if p > 0 else input.abs().amin(dim, keepdim=True)
    else:
        norm = LinalgVectorNorm.apply(input, float(p), dim)
    return input / norm.clamp(min=eps).expand_as(input)
