"""The loss functions of ``torch.nn.functional`` (re-exported by ``minigrad.nn.functional``).

Where torch has a fused kernel (mse_loss, binary_cross_entropy, binary_cross_entropy_with_logits,
nll_loss, smooth_l1_loss, huber_loss, soft_margin_loss) the loss is one ``Function``: the forward
is a few lines of numpy, the backward is the derivative written with Tensor ops, so second
derivatives work.  (binary_cross_entropy's input
gradient is an op of its own, as in torch, whose backward is written the same way.)  Where torch
composes other ops (l1_loss, cross_entropy = log_softmax + nll_loss, kl_div, the margin and
embedding losses, poisson_nll_loss, gaussian_nll_loss) so do we: their graphs show torch's nodes.

Every loss takes ``reduction``: ``'none'`` (one loss per element), ``'sum'``, or ``'mean'``.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Function
from .._creation import full_like, ones_like, zeros_like
from ..autograd.grad_mode import GradMode, no_grad
from ..ops._util import mean_array, operands
from ..ops.arithmetic import _broadcast_error, minimum, where
from ..ops.norms import linalg_vector_norm as vector_norm
from ..ops.reduction import log_softmax
from ..ops.shape import sum_to

# torch's C++ names for dtypes, which its error messages use
_SCALAR_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}

# torch's EPSILON in binary_cross_entropy_backward is a C++ float constant, so in double
# precision it is float32(1e-12), not 1e-12
_BCE_EPS = float(np.float32(1e-12))


# ----- reduction ---------------------------------------------------------------------------------
def _reduction(reduction: str, size_average: Any = None, reduce: Any = None) -> str:
    """The ``reduction`` to use, from it or from the deprecated ``size_average``/``reduce``."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
        warnings.warn(f"size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", stacklevel=3)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    """Per-element losses -> the requested reduction."""
    if reduction == "mean":  # the mean of nothing is nan, as in torch (numpy's mean would warn)
        return mean_array(loss) if loss.size else np.full((), np.nan, loss.dtype)
    return loss.sum() if reduction == "sum" else loss


def _reduce_tensor(loss: Tensor, reduction: str) -> Tensor:
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _mean_divisor(reduction: str, numel: int) -> int:
    """What the gradient of each element is divided by: the element count for 'mean', else 1."""
    return numel if reduction == "mean" and numel else 1


def _weigh(*grads: Tensor | None, weight: Tensor | None, divisor: int) -> tuple:
    """Per-element gradients times the loss's ``weight`` and divided by the 'mean' divisor
    (in torch's order: weight first)."""
    out = []
    for g in grads:
        if g is not None and weight is not None:
            g = g * weight
        if g is not None and divisor != 1:
            g = g / divisor
        out.append(g)
    return tuple(out)


def _broadcast(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """Both operands expanded to their common shape (torch's error if there is none)."""
    if a._array.shape == b._array.shape:
        return a, b
    try:
        shape = np.broadcast_shapes(a._array.shape, b._array.shape)
    except ValueError:
        raise _broadcast_error(a, b) from None
    return a.expand(shape), b.expand(shape)


def _warn_size(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)


# ----- regression losses ---------------------------------------------------------------------------
class MseLoss(Function):
    """(x - y)^2 per element.  d/dx = 2 (x - y), d/dy = -2 (x - y) (divided by n for 'mean')."""

    torch_inputs = (0, 1)  # the tensor inputs

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.save_for_backward(x, y)
        ctx.norm = 2.0 / _mean_divisor(reduction, x._array.size)
        diff = x._array - y._array
        return _reduce(diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        g = (x - y) * ctx.norm * grad  # torch's order of operations: norm * (x - y) * grad
        nx, ny, _ = ctx.needs_input_grad
        return g if nx else None, -g if ny else None, None


def _weighted(errors: Tensor, weight: Tensor, input: Tensor, reduction: str) -> Tensor:
    """The ``weight=`` form of mse/l1 (torch composes it from ops): mean = sum(w e) / sum(w)."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = errors * weight
    if reduction == "mean":
        return weighted.sum() / weight.sum()
    return _reduce_tensor(weighted, reduction)


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error: mean((input - target)^2)."""
    _warn_size(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    x, y = operands(*_broadcast(input, target))  # (broadcast first: a 0-d target's dtype then counts)
    if weight is not None:
        return _weighted((x - y) ** 2, weight, input, reduction)
    if x._array.dtype.kind != "f":
        raise NotImplementedError(f"\"mse_cpu\" not implemented for '{_SCALAR_NAMES[x.dtype.name]}'")
    return MseLoss.apply(x, y, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error: mean(|input - target|).  (torch builds it from ops, and so do we:
    the gradient is sign(input - target), 0 where they are equal.)"""
    _warn_size(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    x, y = _broadcast(input, target)  # (broadcast first: a 0-d target's dtype then counts)
    errors = (x - y).abs()  # (a bool target is refused here, by the subtraction, as in torch)
    if weight is not None:
        return _weighted(errors, weight, input, reduction)
    return _reduce_tensor(errors, reduction)


# ----- binary classification -------------------------------------------------------------------
class BinaryCrossEntropy(Function):
    """-w [y log(x) + (1 - y) log(1 - x)] for probabilities x.

    Each log is clamped at -100 (as torch), so x = 0 or 1 gives a large finite loss, not inf.
    d/dx = w (x - y) / (x (1 - x)) (its own op, below);  d/dy = -w logit(x)."""

    torch_inputs = (0, 1)  # the tensor inputs

    @staticmethod
    def forward(ctx, x, y, weight, reduction):
        a, t = x._array, y._array
        loss = (t - 1) * np.maximum(np.log1p(-a), -100) - t * np.maximum(np.log(a), -100)
        if weight is not None:
            loss = loss * weight._array
        out = _reduce(loss, reduction)
        # An input outside [0, 1] (or nan) makes one of the logs nan, and the nan reaches a sum or
        # mean: a reduced loss that is not nan needs no pass over the input to check it.
        if (reduction == "none" or np.isnan(out)) and not _in_unit_interval(a):
            raise RuntimeError("all elements of input should be between 0 and 1")
        if not _in_unit_interval(t):
            raise RuntimeError("all elements of target should be between 0 and 1")
        ctx.save_for_backward(x, y, weight)
        ctx.divisor = _mean_divisor(reduction, a.size)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y, weight = ctx.saved_tensors
        nx, ny = ctx.needs_input_grad[:2]
        gx = BinaryCrossEntropyBackward.apply(grad, x, y, weight, ctx.divisor) if nx else None
        gy = _weigh(-(x / (1 - x)).log() * grad, weight=weight, divisor=ctx.divisor)[0] if ny else None
        return gx, gy, None, None


class BinaryCrossEntropyBackward(Function):
    """dL/dx of binary cross entropy as an op of its own, as torch's binary_cross_entropy_backward:
    g w (x - y) / max(x (1 - x), 1e-12), divided by n for 'mean'.

    One numpy pass in an ordinary backward; its backward gives the second derivatives with
    torch's formulas (which move the 1e-12 inside the denominators)."""

    @staticmethod
    def forward(ctx, grad, x, y, weight, divisor):
        a, t = x._array, y._array
        out = grad._array * (a - t) / np.maximum((1 - a) * a, _BCE_EPS)
        if weight is not None:
            out = out * weight._array
        ctx.save_for_backward(grad, x, y, weight)
        ctx.divisor = divisor
        return out / divisor if divisor != 1 else out

    @staticmethod
    def backward(ctx, gg):
        grad, x, y, weight = ctx.saved_tensors
        n_grad, nx, ny = ctx.needs_input_grad[:3]
        eps = 1e-12
        d_grad = (x - y) / ((x + eps) * (1 - x + eps)) * gg if n_grad else None
        d_x = (x * x - 2 * x * y + y) / ((x + eps) ** 2 * (1 - x + eps) ** 2) * (grad * gg) if nx else None
        d_y = -(grad * gg) / ((1 - x) * x).clamp(min=_BCE_EPS) if ny else None
        d_grad, d_x, d_y = _weigh(d_grad, d_x, d_y, weight=weight, divisor=ctx.divisor)
        return sum_to(d_grad, grad.shape) if n_grad else None, d_x, d_y, None, None


def _in_unit_interval(a: np.ndarray) -> bool:
    """All elements in [0, 1] (nan is not).  min/max with a harmless ``initial`` also cover an
    empty array, and are cheaper than building two boolean arrays."""
    return bool(a.min(initial=0.5) >= 0 and a.max(initial=0.5) <= 1)


def _expand_weight(weight: Tensor, shape: tuple, name: str = "weight") -> Tensor:
    """``weight`` broadcast to the loss's shape; it may not make the loss bigger."""
    try:
        full = np.broadcast_shapes(shape, weight._array.shape)
    except ValueError:
        raise RuntimeError(f"The size of {name} {list(weight.shape)} is not broadcastable to the "
                           f"input size {list(shape)}") from None
    if full != shape:
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                           f"{list(full)}")
    return weight.expand(shape)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross entropy between probabilities ``input`` (e.g. after sigmoid) and ``target``."""
    reduction = _reduction(reduction, size_average, reduce)
    if target._array.shape != input._array.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if input._array.dtype.kind != "f":
        raise NotImplementedError(f"\"binary_cross_entropy\" not implemented for "
                                  f"'{_SCALAR_NAMES[input.dtype.name]}'")
    if target._array.dtype != input._array.dtype:
        raise RuntimeError(f"Found dtype {_SCALAR_NAMES[target.dtype.name]} but expected "
                           f"{_SCALAR_NAMES[input.dtype.name]}")
    if weight is not None:  # (torch has no derivative for the weights of its losses)
        _not_differentiable("binary_cross_entropy", "weight", weight)
    if weight is not None:
        weight = _expand_weight(weight.to(input.dtype), input._array.shape)
    return BinaryCrossEntropy.apply(input, target, weight, reduction)


class LogSigmoid(Function):
    """log(sigmoid(x)) = min(x, 0) - log(1 + e^-|x|): never overflows, exact for large |x|.
    Its derivative is 1 - sigmoid(x) = sigmoid(-x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _log_sigmoid(x._array)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (-x).sigmoid()


def _log_sigmoid(a: np.ndarray) -> np.ndarray:
    return np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(input)), stable for large |input|."""
    if input._array.dtype.kind != "f":
        raise NotImplementedError(f"\"log_sigmoid_cpu\" not implemented for "
                                  f"'{_SCALAR_NAMES[input.dtype.name]}'")
    return LogSigmoid.apply(input)


class BinaryCrossEntropyWithLogits(Function):
    """Binary cross entropy of sigmoid(x), computed from the logit x without ever forming
    sigmoid(x):  loss = (1 - y) x - (1 + (p - 1) y) log(sigmoid(x)), times w.

    p (``pos_weight``) weighs the positive term.  d/dx = ((1 + (p - 1) y) sigmoid(x) - p y) w,
    which is w (sigmoid(x) - y) when p = 1;  d/dy = (log sigmoid(-x) - p log sigmoid(x)) w.
    ``dtypes``: the input's and the target's.  As torch, each step computes in the promoted
    dtype and is stored in place: log sigmoid in the input's dtype, the loss in the target's."""

    torch_inputs = (0, 1)  # the tensor inputs

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, reduction, dtypes):
        in_dtype, out_dtype = dtypes  # (x and y come promoted to a common dtype: casts back are exact)
        z, t = x._array.astype(in_dtype, copy=False), y._array.astype(out_dtype, copy=False)
        log_sig = _log_sigmoid(z)
        if pos_weight is not None:
            log_sig = (((pos_weight._array - 1) * t + 1) * log_sig).astype(in_dtype, copy=False)
        loss = ((1 - t) * z).astype(out_dtype, copy=False)
        loss = (loss - log_sig).astype(out_dtype, copy=False)
        if weight is not None:
            loss = (loss * weight._array).astype(out_dtype, copy=False)
        ctx.save_for_backward(x, y, weight, pos_weight)
        ctx.divisor = _mean_divisor(reduction, z.size)
        return np.asarray(_reduce(loss, reduction))

    @staticmethod
    def backward(ctx, grad):
        x, y, weight, pos_weight = ctx.saved_tensors
        nx, ny = ctx.needs_input_grad[:2]
        gx = gy = None
        if pos_weight is None:
            if nx:
                gx = (x.sigmoid() - y) * grad
            if ny:
                gy = -x * grad
        else:
            py = pos_weight * y
            if nx:
                gx = ((py + 1 - y) * x.sigmoid() - py) * grad
            if ny:
                gy = (logsigmoid(-x) - logsigmoid(x) * pos_weight) * grad
        return (*_weigh(gx, gy, weight=weight, divisor=ctx.divisor), None, None, None, None)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """``binary_cross_entropy(sigmoid(input), target)`` in one numerically stable step."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if input._array.dtype.kind != "f":
        raise NotImplementedError(f"\"log_sigmoid_cpu\" not implemented for "
                                  f"'{_SCALAR_NAMES[input.dtype.name]}'")
    if target._array.dtype.kind == "b":  # torch's 1 - target is a bool subtraction
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if target._array.dtype.kind != "f":
        raise RuntimeError(f"result type {_SCALAR_NAMES[input.dtype.name]} can't be cast to the "
                           f"desired output type {_SCALAR_NAMES[target.dtype.name]}")
    for name, w in (("weight", weight), ("pos_weight", pos_weight)):
        if w is not None:  # (torch has no derivative for the weights of its losses)
            _not_differentiable("binary_cross_entropy_with_logits", name, w)
    x, y = operands(input, target)
    shape = x._array.shape
    if weight is not None:
        weight = _expand_weight(weight.to(x.dtype), shape)
    if pos_weight is not None:
        pos_weight = _expand_weight(pos_weight.to(x.dtype), shape, "pos_weight")
    return BinaryCrossEntropyWithLogits.apply(x, y, weight, pos_weight, reduction,
                                              (input._array.dtype, target._array.dtype))


# ----- multi-class classification ---------------------------------------------------------------
class NllLoss(Function):
    """Negative log likelihood: loss_i = -w[t_i] * x[i, t_i] for log-probabilities x and class
    indices t, computed on x viewed as (N, C, K) and t as (N, K) (``nck``, from ``_nck``).
    Targets equal to ``ignore_index`` count 0.

    'mean' divides by the total weight of the counted targets (not by N).  The gradient is
    -w[t_i] (over that total) at position t_i and 0 elsewhere (``NllLossBackward``).  A reduced
    loss is accumulated as torch's, 0 - sum w x: +0, never -0, for a sum of zeros or of nothing."""

    torch_inputs = (0,)  # torch's node: input only (target and weight are not differentiated)

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, nck):
        n, _, k = nck
        if x._array.ndim > 2:  # torch's nll_loss2d on 4-d input, on others viewed as 4-d (and back)
            ctx.node_name = ("ViewBackward0" if reduction == "none" and x._array.ndim != 4
                             else "NllLoss2DBackward0")
        a = x._array.reshape(nck)
        t = target._array.astype(np.int64, copy=False).reshape(n, k)  # signed: ignore_index < 0
        ignored = t == ignore_index
        if not ignored.any():
            ignored = None  # the common case: no masking needed below
        safe_t = t if ignored is None else np.where(ignored, 0, t)  # ignored: any valid index
        picks = np.arange(n)[:, None], safe_t, np.arange(k)  # the (N, K) picked positions of a
        ctx.picks, ctx.nck, ctx.shape, ctx.ignored = picks, nck, x._array.shape, ignored
        ctx.save_for_backward(x)  # (torch's backward op takes the input)
        if weight is None and ignored is None and reduction != "none":  # every weight is 1
            total = a.dtype.type(n * k)
            ctx.coef = Tensor._make(np.full((n, k), -1 / total if reduction == "mean" else -1, a.dtype))
            loss = a.dtype.type(0) - a[picks].sum()
            return loss / total if reduction == "mean" else loss
        w = weight._array[safe_t] if weight is not None else np.ones(t.shape, a.dtype)
        if ignored is not None:
            w[ignored] = 0  # (w is a fresh array)
        losses = -w * a[picks]
        if ignored is not None:
            losses[ignored] = 0  # not 0 * x: an ignored row counts nothing, even with nan or inf in it
        if reduction == "none":  # one loss per target element
            ctx.coef = Tensor._make(-w)
            if x._array.ndim == 1:  # torch sums the single loss of a 1-d input: + 0 makes -0 +0
                return losses.reshape(()) + a.dtype.type(0)
            return losses.reshape(target._array.shape)
        total = w.sum(dtype=a.dtype)  # 0 if every target is ignored: 'mean' is then nan, as torch
        coef = -w / total if reduction == "mean" else -w
        if ignored is not None and reduction == "mean":
            coef[ignored] = 0  # not 0 / 0 when every target is ignored
        ctx.coef = Tensor._make(coef)
        return losses.sum() / total if reduction == "mean" else losses.sum()

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        gx = NllLossBackward.apply(grad, x, ctx.coef, ctx.picks, ctx.nck, ctx.shape, ctx.ignored)
        return gx, None, None, None, None, None


class NllLossBackward(Function):
    """nll_loss's gradient as one op: zeros of the input's shape with grad * coef written at the
    picked positions (coef = -w[t_i], over the total weight for 'mean').  It is linear in
    ``grad``: its own backward gathers gg at the same positions, times coef, summed to grad's
    shape.  It takes the input x, as torch's op, which it does not depend on: x gets zeros."""

    torch_inputs = (0, 1)  # grad and the input

    @staticmethod
    def forward(ctx, grad, x, coef, picks, nck, shape, ignored):
        ctx.coef, ctx.picks, ctx.nck, ctx.grad_shape = coef, picks, nck, grad._array.shape
        ctx.ignored = ignored
        g, c = grad._array, coef._array
        out = np.zeros(nck, dtype=g.dtype)
        # each position is picked once; ignored targets get nothing (torch skips them), not 0 * grad
        picked = (g.reshape(c.shape) if g.ndim else g) * c
        out[picks] = picked if ignored is None else np.where(ignored, g.dtype.type(0), picked)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        d_grad = d_x = None
        if ctx.needs_input_grad[0]:
            picked = gg.reshape(ctx.nck)[ctx.picks] * ctx.coef
            if ctx.ignored is not None:
                picked = where(Tensor._make(ctx.ignored), 0.0, picked)
            d_grad = picked.reshape(ctx.grad_shape) if ctx.grad_shape else picked.sum()
        if ctx.needs_input_grad[1]:
            d_x = gg.new_zeros(gg.shape)  # (torch's zeros_like(grad))
        return d_grad, d_x, None, None, None, None, None


def _check_target(target: Tensor) -> None:
    if target._array.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_SCALAR_NAMES[target.dtype.name]}")


def _nck(input: Tensor, target: Tensor) -> tuple[int, int, int]:
    """(N, C, K): the input seen as (N, C, K) and the target as (N, K), checking shapes as
    torch's nll_loss_nd does."""
    shape, t_shape = input._array.shape, target._array.shape
    ndim, t_ndim = len(shape), len(t_shape)
    if ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {ndim})")
    if ndim != 1 and t_ndim == 0 and shape[0] == 0:  # torch's check reads the 0-d target's size 0
        if ndim == 2:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")  # (torch's words, from inside)
    if ndim != 1 and (t_ndim == 0 or shape[0] != t_shape[0]):
        raise ValueError(f"Expected input batch_size ({shape[0]}) to match target batch_size "
                         f"({t_shape[0] if t_ndim else 0}).")
    if ndim <= 2 and t_ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if ndim == 1:
        if target._array.size != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                             f"{target._array.size}")
        return 1, shape[0], 1
    if ndim > 2 and t_shape[1:] != shape[2:]:
        raise RuntimeError(f"Expected target size {[shape[0], *shape[2:]]}, got {list(t_shape)}")
    return shape[0], shape[1], math.prod(shape[2:])


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of class indices ``target`` under log-probabilities ``input``
    ((N, C), (C,) or (N, C, d1, ...)); usually after ``log_softmax``."""
    reduction = _reduction(reduction, size_average, reduce)
    nck = _nck(input, target)
    _check_target(target)
    if weight is not None:  # (torch has no derivative for the weights of its losses)
        _not_differentiable("nll_loss_forward", "weight", weight)
    n_classes = nck[1]
    if weight is not None:
        if weight.ndim != 1 or weight.numel() != n_classes:
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes "
                               f"or no classes but got weight tensor of shape: {list(weight.shape)}")
        if weight._array.dtype != input._array.dtype:
            raise RuntimeError(f"expected scalar type {_SCALAR_NAMES[input.dtype.name]} but found "
                               f"{_SCALAR_NAMES[weight.dtype.name]}")
    t = target._array.astype(np.int64, copy=False)
    if t.size and (t.min() < 0 or t.max() >= n_classes):  # then find one that is not ignored
        counted = t[t != ignore_index]
        bad = counted[(counted < 0) | (counted >= n_classes)]
        if bad.size:
            raise IndexError(f"Target {bad[0]} is out of bounds.")
    return NllLoss.apply(input, target, weight, ignore_index, reduction, nck)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy between logits ``input`` and ``target``: class indices (shape of input
    without the class dim C) or class probabilities (the shape of input).

    For indices it is ``nll_loss(log_softmax(input, class_dim), target)``; ``label_smoothing``
    mixes in the loss against the uniform distribution, as torch."""
    reduction = _reduction(reduction, size_average, reduce)
    class_dim = 0 if input.ndim == 1 else 1
    if input.shape == target.shape:
        if target._array.dtype.kind != "f":
            raise RuntimeError(f"Expected floating point type for target with class probabilities, "
                               f"got {_SCALAR_NAMES[target.dtype.name]}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_soft(input, target, weight, reduction, label_smoothing)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    logp = log_softmax(input, class_dim)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing <= 0.0:  # (negative values are ignored, as by torch)
        return nll
    # the smoothing term: -sum_c w_c log p_c per element (0 where the target is ignored)
    n_classes = input.shape[class_dim]
    shape = [1] * input.ndim
    shape[class_dim] = n_classes
    smooth = -(logp * weight.reshape(shape) if weight is not None else logp).sum(class_dim)
    ignored = target.long() == ignore_index
    smooth = smooth.masked_fill(ignored.reshape(smooth.shape), 0.0)
    if reduction == "mean":
        kept = target[~ignored]
        denominator = weight[kept].sum() if weight is not None else (~ignored).sum()
        smooth = smooth.sum() / denominator
    else:
        smooth = _reduce_tensor(smooth, reduction)
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


def _cross_entropy_soft(input: Tensor, target: Tensor, weight: Tensor | None, reduction: str,
                        label_smoothing: float) -> Tensor:
    """Cross entropy against class probabilities: -sum_c w_c target_c log softmax(input)_c."""
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {n_classes} "
                           f"classes or no classes but got weight tensor of shape: {list(weight.shape)}")
    logp = log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = logp * target
    if weight is not None:
        shape = [1] * input.ndim
        shape[class_dim] = n_classes
        terms = terms * weight.reshape(shape)
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    if input.numel() == 0:  # nan, as torch's .fill_(nan): a result with no gradient through it
        return terms.sum() * 0.0 + float("nan")
    loss = -terms.sum() / (input.numel() // n_classes)
    if loss.grad_fn is not None:  # torch divides by a number here: div(Tensor, Scalar)
        loss.grad_fn.node_name = "DivBackward1"
    return loss


# ----- robust regression: smooth L1 and Huber ---------------------------------------------------
class SmoothL1Loss(Function):
    """With d = x - y:  0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta.

    d/dx = d / beta inside, sign(d) outside (the two agree at |d| == beta);  d/dy = -d/dx, which
    torch computes as the gradient with x and y swapped (``SmoothL1LossBackward``).  y may be a
    bool target: the loss and its gradient take it, the second derivative refuses it."""

    torch_inputs = (0, 1)  # the tensor inputs
    backward_op: Any = None  # SmoothL1LossBackward, or HuberLossBackward (set below)

    @staticmethod
    def forward(ctx, x, y, reduction, beta):
        ctx.save_for_backward(x, y)
        ctx.beta, ctx.reduction = beta, reduction
        return _reduce(ctx._pointwise(np.abs(x._array - y._array), beta), reduction)

    @staticmethod
    def _pointwise(z, beta):
        return np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        nx, ny = ctx.needs_input_grad[:2]
        op, args = ctx.backward_op, (ctx.reduction, ctx.beta)
        return (op.apply(grad, x, y, *args) if nx else None, op.apply(grad, y, x, *args) if ny else None,
                None, None, None)


class SmoothL1LossBackward(Function):
    """smooth_l1_loss's gradient with respect to x as one op, as torch's smooth_l1_loss_backward:
    with d = x - y, grad * d / beta where |d| < beta, else grad * sign(d) (nan for a nan d),
    times 1 / n for 'mean'.

    Linear in grad.  Its own derivatives are torch's smooth_l1_loss_double_backward: with
    respect to x, gg * grad / beta where |d| < beta and 0 elsewhere (nan there if the gradients
    are inf or nan), minus that for y; with respect to grad, this op again."""

    torch_inputs = (0, 1, 2)  # torch's node has no input for reduction and beta

    @staticmethod
    def forward(ctx, grad, x, y, reduction, beta):
        ctx.save_for_backward(grad, x, y)
        ctx.reduction, ctx.beta = reduction, beta
        a, g = x._array, grad._array
        norm = a.dtype.type(1 / a.size if reduction == "mean" and a.size else 1)
        d = a - y._array
        return np.where(d <= -beta, -norm * g * ctx._outer(beta),
                        np.where(d >= beta, norm * g * ctx._outer(beta), ctx._inner(norm * d * g, beta)))

    @staticmethod
    def _outer(beta):  # the slope's size outside: 1 (Huber: delta)
        return 1

    @staticmethod
    def _inner(t, beta):  # the slope inside, from norm * d * grad: over beta (Huber: itself)
        return t / beta

    @staticmethod
    def backward(ctx, gg):
        grad, x, y = ctx.saved_tensors
        n_grad, nx, ny = ctx.needs_input_grad[:3]
        d_grad = d_x = None
        if n_grad:  # the op is linear in grad; summed to grad's shape for a reduced loss
            if ctx.reduction == "none":
                d_grad = type(ctx).apply(gg, x, y, ctx.reduction, ctx.beta)
            else:
                d_grad = (type(ctx).apply(ones_like(grad), x, y, ctx.reduction, ctx.beta) * gg).sum()
        if nx or ny:  # (a bool y is refused here, by the subtraction, as in torch)
            d_x = ctx._inner((gg * grad) * ((x - y).abs() < ctx.beta), ctx.beta)
            if ctx.reduction == "mean":
                d_x = d_x / x.numel()
        return d_grad, d_x if nx else None, -d_x if ny else None, None, None


class HuberLoss(SmoothL1Loss):
    """With d = x - y:  0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta): delta *
    smooth_l1 with beta = delta, d/dx = d inside, delta sign(d) outside (``HuberLossBackward``).

    ``dtypes``: the input's and the target's dtype when they differ: torch's forward computes
    each loss in their promoted dtype and stores it in the input's, its backward refuses them."""

    @staticmethod
    def forward(ctx, x, y, reduction, delta, dtypes=None):
        ctx.dtypes = dtypes
        if dtypes is None:
            return SmoothL1Loss.forward(ctx, x, y, reduction, delta)
        a, b = (t._array for t in operands(x, y))  # (nothing saved: the backward refuses)
        return _reduce(HuberLoss._pointwise(np.abs(a - b), delta).astype(x._array.dtype), reduction)

    @staticmethod
    def backward(ctx, grad):
        if ctx.dtypes is not None:  # torch's kernel expects the dtype of the tensor it differentiates
            own, other = ctx.dtypes if ctx.needs_input_grad[0] else ctx.dtypes[::-1]
            raise RuntimeError(f"Found dtype {_SCALAR_NAMES[other.name]} but expected "
                               f"{_SCALAR_NAMES[own.name]}")
        return SmoothL1Loss.backward(ctx, grad)

    @staticmethod
    def _pointwise(z, delta):
        return np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))


class HuberLossBackward(SmoothL1LossBackward):
    """huber_loss's gradient as one op, as torch's huber_loss_backward: SmoothL1LossBackward's
    with slope d inside and +-delta outside."""

    @staticmethod
    def _outer(delta):
        return delta

    @staticmethod
    def _inner(t, delta):
        return t


SmoothL1Loss.backward_op, HuberLoss.backward_op = SmoothL1LossBackward, HuberLossBackward


def _float_only(kernel: str, x: Tensor) -> None:
    if x._array.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_SCALAR_NAMES[x.dtype.name]}'")


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Squared error (over ``beta``) for errors below ``beta``, absolute error above: less
    sensitive to outliers than mse_loss.  ``beta=0`` is l1_loss."""
    _warn_size(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    pair = _broadcast(input, target)  # (broadcast first: a 0-d target's dtype then counts)
    if beta == 0.0:  # torch calls l1_loss then (an |x - y| graph)
        return _reduce_tensor((pair[0] - pair[1]).abs(), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    x, y = operands(*pair)
    _float_only("smooth_l1_cpu", x)
    if pair[1]._array.dtype.kind == "b":  # kept bool: torch's second derivative refuses it
        y = pair[1]
    return SmoothL1Loss.apply(x, y, reduction, float(beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Squared error / 2 for errors below ``delta``, ``delta`` times (absolute error - delta / 2)
    above.  With ``weight`` (the input's shape), each element's loss is multiplied by it first."""
    _warn_size(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _float_only("huber_cpu", operands(input, target)[0])
    _cast_to_input(input, target)
    x, y = _broadcast(input, target)  # (broadcast first: a 0-d target's dtype then counts)
    dtypes = None if target.dtype == input.dtype else (input.dtype, target.dtype)
    if weight is None:
        return HuberLoss.apply(x, y, _reduction(reduction), float(delta), dtypes)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    # torch multiplies the unreduced loss by the weight, and 'mean' is then a plain mean
    return _reduce_tensor(HuberLoss.apply(x, y, "none", float(delta), dtypes) * weight, reduction)


# ----- margin losses on +-1 targets -----------------------------------------------------------------
class SoftMarginLoss(Function):
    """log(1 + exp(-y x)) for labels y = +-1: logistic loss.  d/dx = -y z / (1 + z) with
    z = exp(-y x), written so as torch (so it is nan, as torch's, where z overflows).
    (torch does not differentiate it with respect to the target.)  ``bool_target``: the target
    as given, when it was bool, which torch's backward refuses to negate."""

    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, x, y, reduction, bool_target=None):
        ctx.save_for_backward(x, y)
        ctx.divisor = _mean_divisor(reduction, x._array.size)
        ctx.bool_target = bool_target
        return _reduce(np.log1p(np.exp(-x._array * y._array)), reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        # torch negates the target as given: a bool one is refused here
        neg_y = -(y if ctx.bool_target is None else ctx.bool_target)
        z = (neg_y * x).exp()
        g = neg_y * z / (z + 1) * grad
        return (g / ctx.divisor if ctx.divisor != 1 else g), None, None, None


def _cast_to_input(input: Tensor, target: Tensor) -> None:
    """Losses whose result has the input's dtype refuse an integer input (the loss is not)."""
    if input._array.dtype.kind != "f":
        computed = operands(input, target, float_result=True)[0]
        raise RuntimeError(f"result type {_SCALAR_NAMES[computed.dtype.name]} can't be cast to the desired "
                           f"output type {_SCALAR_NAMES[input.dtype.name]}")


def _not_differentiable(name: str, argument: str, t: Tensor) -> None:
    """torch refuses a gradient-requiring tensor where its op has no derivative."""
    if t.requires_grad and GradMode.enabled:
        raise RuntimeError(f"The function '{name}' is not differentiable with respect to argument "
                           f"'{argument}'. This input cannot have requires_grad True.")


def soft_margin_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """Two-class logistic loss: mean(log(1 + exp(-target * input))) for targets +-1."""
    reduction = _reduction(reduction, size_average, reduce)
    _cast_to_input(input, target)
    _not_differentiable("soft_margin_loss", "target", target)
    x, y = _broadcast(input, target.detach().to(input.dtype))
    bool_target = target.detach() if target._array.dtype.kind == "b" else None
    return SoftMarginLoss.apply(x, y, reduction, bool_target)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """max(0, -target (input1 - input2) + margin): input1 should rank above input2 where
    target is 1, below where it is -1."""
    reduction = _reduction(reduction, size_average, reduce)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got "
                           f"sizes: input1: {input1.shape}, input2: {input2.shape}, target: "
                           f"{target.shape} ")
    # (margin is a float in torch's signature: integer inputs give a float loss)
    return _reduce_tensor((-target * (input1 - input2) + float(margin)).clamp_min(0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    """``input`` (usually a distance) where target is 1, max(0, margin - input) where it is -1."""
    reduction = _reduction(reduction, size_average, reduce)
    zeros = zeros_like(input)
    # torch's C++ margin - input fills a tensor like the input with margin: an integer input stays integer
    margin_term = where(target != 1, (full_like(input, margin) - input).clamp_min(0), zeros)
    return _reduce_tensor(margin_term + where(target != -1, input, zeros), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: Any = None, reduce: Any = None,
                                reduction: str = "mean") -> Tensor:
    """Binary cross entropy with logits per class, averaged over the classes (the last dim):
    one loss per sample."""
    reduction = _reduction(reduction, size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    return _reduce_tensor(loss.sum(class_dim) / input.shape[class_dim], reduction)


# ----- distances and similarities ---------------------------------------------------------------------
def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """x1 . x2 / (||x1|| ||x2||) along ``dim`` (the inputs broadcast).  As torch, each input is
    divided by its own norm first, each norm raised to at least ``eps`` in the value only: the
    gradient is that of x / ||x||."""
    x1, x2 = _broadcast(*operands(x1, x2))
    if x1._array.dtype.kind != "f":
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_SCALAR_NAMES[x1.dtype.name]}")
    units = []
    for x in (x1, x2):
        norm = vector_norm(x, 2, dim=dim, keepdim=True).clone()
        with no_grad():  # the floor on the norm is not differentiated (torch's NoGradGuard)
            norm.clamp_(min=eps)
        units.append(x / norm)
    return (units[0] * units[1]).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The p-norm of x1 - x2 + eps over the last dim: one distance per row."""
    dim = -1 if max(x1.ndim, x2.ndim) else 0
    out = (x1 - x2 + eps).norm(p, dim, keepdim)
    if out.grad_fn is not None:  # torch's at::norm(Tensor, Scalar p, dim) node
        out.grad_fn.node_name = "NormBackward1"
    return out


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1 (rows of
    (N, D) inputs with an (N,) target, or (D,) inputs with a 0-d target)."""
    reduction = _reduction(reduction, size_average, reduce)
    t_dim = target.ndim
    if t_dim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.ndim != t_dim + 1 or input2.ndim != t_dim + 1:
        raise RuntimeError(f"{t_dim}D target tensor expects {t_dim + 1}D input tensors, but found inputs "
                           f"with sizes {list(input1.shape)} and {list(input2.shape)}.")
    eps = 1e-12  # torch's EPSILON, added to each squared magnitude (not clamped)
    dot = (input1 * input2).sum(t_dim)
    denominator = (((input1 * input1).sum(t_dim) + eps) * ((input2 * input2).sum(t_dim) + eps)).sqrt()
    cos = dot / denominator
    if target.shape != cos.shape:
        _broadcast(target, cos)  # raises torch's error if the target does not fit the batch
    zeros = zeros_like(cos)
    positive = where(target == 1, 1 - cos, zeros)
    negative = where(target == -1, (cos - margin).clamp_min(0), zeros)
    return _reduce_tensor(positive + negative, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False, size_average: Any = None,
                        reduce: Any = None, reduction: str = "mean") -> Tensor:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with d = pairwise_distance;
    ``swap`` uses min(d(a, n), d(p, n)) as the negative distance."""
    reduction = _reduction(reduction, size_average, reduce)
    dims = anchor.ndim, positive.ndim, negative.ndim
    if not dims[0] == dims[1] == dims[2]:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same "
                           f"number of dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and "
                           f"negative {dims[2]}D inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce_tensor((margin + d_pos - d_neg).clamp_min(0), reduction)


# ----- divergences and likelihoods -------------------------------------------------------------------
def _xlogy_self(t: Tensor) -> Tensor:
    """t log t, 0 where t == 0 (torch's xlogy(t, t)); its derivative is xlogy(t != 0, t) + t / t,
    written so as torch's backward of xlogy, so it is nan at t == 0 too."""
    return XlogySelf.apply(t)


class XlogySelf(Function):
    """xlogy(t, t) = t log t (0 at t == 0).  Named after torch's node for the same call."""

    node_name = "XlogyBackward0"

    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        a = t._array
        return np.where(a == 0, a.dtype.type(0), a * np.log(a))

    @staticmethod
    def backward(ctx, grad):
        t, = ctx.saved_tensors
        # d/dx xlogy(x, y) = log y where x != 0;  d/dy = x / y  (both at x = y = t)
        log_part = where(t != 0, t.log(), zeros_like(t))
        return grad * log_part + grad * t / t


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL(target || exp(input)) per element for log-probabilities ``input``:
    target (log target - input), or exp(target) (target - input) with ``log_target``.

    ``reduction='batchmean'`` divides the sum by the batch size (the true KL divergence of each
    sample, averaged); 'mean' divides by the element count, and torch warns about it."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(reduction, size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support "
                      "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
                      "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                      "major release.", stacklevel=2)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if input._array.dtype.kind != "f" or target._array.dtype.kind != "f":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    t, x = _broadcast(*operands(target, input))  # (torch's order, for the error message)
    loss = t.exp() * (t - x) if log_target else _xlogy_self(t) - t * x
    if reduction != "batchmean":
        return _reduce_tensor(loss, reduction)
    total = loss.sum()
    return total / input.shape[0] if input.ndim else total


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: Any = None, eps: float = 1e-8, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """Negative log likelihood of counts ``target`` under Poisson(rate): exp(input) - target input
    for a log-rate ``input`` (``log_input``), else input - target log(input + eps).  ``full`` adds
    Stirling's approximation of log(target!) where target > 1."""
    reduction = _reduction(reduction, size_average, reduce)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce_tensor(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of ``target`` under Normal(input, var), without the constant unless
    ``full``: 0.5 (log var + (input - target)^2 / var).

    ``var`` is the input's shape, that shape without its last dim, the input's shape with one
    dim of size 1, or a float; it is raised to at least ``eps`` in the value only."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif not isinstance(var, Tensor):
        raise TypeError(f"gaussian_nll_loss(): var must be a Tensor or a float, not {type(var).__name__}")
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:  # one variance per sample: broadcast over the last dim
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim
                  and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():  # the floor is for the value only: the gradient is that of the unclamped var
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss += 0.5 * math.log(2 * math.pi)
    return _reduce_tensor(loss, reduction)


# ----- multi-class margin -------------------------------------------------------------------------
class MultiMarginLoss(Function):
    """For scores x (N, C) and class indices y:  loss_i = w[y_i] / C sum_{j != y_i} max(0, z_ij)^p
    with z_ij = margin - x[i, y_i] + x[i, j]  (p = 1 or 2).

    Each active z (> 0) passes p z^(p-1) w / C to x[i, j] and takes it from x[i, y_i].  (torch has
    no second derivative for it; this backward, in Tensor ops, has one.)"""

    torch_inputs = (0,)  # torch's node: input only

    @staticmethod
    def forward(ctx, x, target, weight, p, margin, reduction):
        a = x._array.reshape(-1, x._array.shape[-1] if x._array.ndim else 1)
        n, c = a.shape
        t = target._array.reshape(n)
        rows = np.arange(n)
        z = margin - a[rows, t][:, None] + a
        active = z > 0
        active[rows, t] = False  # the target's own column does not count
        per_class = np.where(active, z if p == 1 else z * z, 0)
        w = (weight._array[t] if weight is not None else np.ones(n, a.dtype)) / c
        losses = per_class.sum(1) * w
        ctx.save_for_backward(x, weight)
        ctx.t, ctx.active, ctx.p, ctx.margin, ctx.w = t, active, p, margin, w
        ctx.divisor = _mean_divisor(reduction, n)
        if reduction == "none":
            return losses.reshape(target._array.shape if x._array.ndim < 2 else (n,))
        return _reduce(losses, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, _ = ctx.saved_tensors
        n, c = ctx.active.shape
        rows = x.reshape(n, c)
        index = Tensor._make(ctx.t.reshape(n, 1))
        # d/dz of max(0, z)^p where z > 0 (p = 1: 1; p = 2: 2 z), times the weight over C
        dtype = rows._array.dtype
        coef = Tensor._make(ctx.active.astype(dtype))
        if ctx.p == 2:
            coef = coef * (2 * (ctx.margin - rows.gather(1, index) + rows))
        coef = coef * Tensor._make(ctx.w.astype(dtype)).reshape(n, 1)
        coef = coef * (grad.reshape(n, 1) if grad.ndim else grad)
        if ctx.divisor != 1:
            coef = coef / ctx.divisor
        own = Tensor._make(np.arange(c) == ctx.t[:, None])  # each row's target column
        gx = coef - where(own, coef.sum(1, keepdim=True), 0.0)
        return gx.reshape(x.shape), None, None, None, None, None


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                      reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss on scores (N, C) or (C,) and class indices: each wrong class's score
    should be at least ``margin`` below the target's."""
    reduction = _reduction(reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    shape = input._array.shape
    if len(shape) > 2 or (len(shape) and shape[-1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(shape)}")
    n, c = (shape[0] if len(shape) == 2 else 1), (shape[-1] if shape else 1)
    if target._array.size != n or (len(shape) == 2 and target.ndim != 1):
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of "
                           f"input samples (batch size). Expected target size [{n}], but got "
                           f"{list(target.shape)}. Input has shape {list(shape)}.")
    if target._array.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {_SCALAR_NAMES[target.dtype.name]}")
    _float_only("multi_margin_loss_cpu_kernel", input)
    if weight is not None:
        if weight.ndim > 1 or weight.numel() != c:
            raise RuntimeError(f"inconsistent weight size, expected {c} but got {list(weight.shape)}")
        if weight._array.dtype != input._array.dtype:
            raise RuntimeError(f"expected scalar type {_SCALAR_NAMES[input.dtype.name]} but found "
                               f"{_SCALAR_NAMES[weight.dtype.name]}")
    t = target._array
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError("target out of range")
    return MultiMarginLoss.apply(input, target, weight, p, float(margin), reduction)
