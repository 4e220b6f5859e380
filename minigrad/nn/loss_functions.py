"""The loss functions of ``torch.nn.functional`` (re-exported by ``minigrad.nn.functional``).

Where torch has a fused kernel (mse_loss, binary_cross_entropy, binary_cross_entropy_with_logits,
nll_loss) the loss is one ``Function``: the forward is a few lines of numpy, the backward is the
derivative written with Tensor ops, so second derivatives work.  (binary_cross_entropy's input
gradient is an op of its own, as in torch, whose backward is written the same way.)  Where torch
composes other ops (l1_loss, cross_entropy = log_softmax + nll_loss) so do we.

Every loss takes ``reduction``: ``'none'`` (one loss per element), ``'sum'``, or ``'mean'``.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Function
from ..ops._util import mean_array, operands
from ..ops.arithmetic import _broadcast_error, where
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
    x, y = _broadcast(*operands(input, target))
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
    x, y = _broadcast(*operands(input, target))
    errors = (x - y).abs()
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
    which is w (sigmoid(x) - y) when p = 1;  d/dy = (log sigmoid(-x) - p log sigmoid(x)) w."""

    torch_inputs = (0, 1)  # the tensor inputs

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, reduction):
        z, t = x._array, y._array
        log_sig = _log_sigmoid(z)
        if pos_weight is not None:
            log_sig = ((pos_weight._array - 1) * t + 1) * log_sig
        loss = (1 - t) * z - log_sig
        if weight is not None:
            loss = loss * weight._array
        ctx.save_for_backward(x, y, weight, pos_weight)
        ctx.divisor = _mean_divisor(reduction, z.size)
        return _reduce(loss, reduction)

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
        return (*_weigh(gx, gy, weight=weight, divisor=ctx.divisor), None, None, None)


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
    if target._array.dtype.kind != "f":
        raise RuntimeError(f"result type {_SCALAR_NAMES[input.dtype.name]} can't be cast to the "
                           f"desired output type {_SCALAR_NAMES[target.dtype.name]}")
    x, y = operands(input, target)
    shape = x._array.shape
    if weight is not None:
        weight = _expand_weight(weight.to(x.dtype), shape)
    if pos_weight is not None:
        pos_weight = _expand_weight(pos_weight.to(x.dtype), shape, "pos_weight")
    return BinaryCrossEntropyWithLogits.apply(x, y, weight, pos_weight, reduction)


# ----- multi-class classification ---------------------------------------------------------------
class NllLoss(Function):
    """Negative log likelihood: loss_i = -w[t_i] * x[i, t_i] for log-probabilities x and class
    indices t, computed on x viewed as (N, C, K) and t as (N, K) (``nck``, from ``_nck``).
    Targets equal to ``ignore_index`` count 0.

    'mean' divides by the total weight of the counted targets (not by N).  The gradient is
    -w[t_i] (over that total) at position t_i and 0 elsewhere (``NllLossBackward``)."""

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
        if weight is None and ignored is None and reduction != "none":  # every weight is 1
            total = a.dtype.type(n * k)
            ctx.coef = Tensor._make(np.full((n, k), -1 / total if reduction == "mean" else -1, a.dtype))
            loss = -a[picks].sum()
            return loss / total if reduction == "mean" else loss
        w = weight._array[safe_t] if weight is not None else np.ones(t.shape, a.dtype)
        if ignored is not None:
            w[ignored] = 0  # (w is a fresh array)
        losses = -w * a[picks]
        if reduction == "none":  # one loss per target element
            ctx.coef = Tensor._make(-w)
            return losses.reshape(target._array.shape if x._array.ndim > 1 else ())
        total = w.sum(dtype=a.dtype)  # 0 if every target is ignored: 'mean' is then nan, as torch
        coef = -w / total if reduction == "mean" else -w
        if ignored is not None and reduction == "mean":
            coef[ignored] = 0  # not 0 / 0 when every target is ignored
        ctx.coef = Tensor._make(coef)
        return losses.sum() / total if reduction == "mean" else losses.sum()

    @staticmethod
    def backward(ctx, grad):
        gx = NllLossBackward.apply(grad, ctx.coef, ctx.picks, ctx.nck, ctx.shape, ctx.ignored)
        return gx, None, None, None, None, None


class NllLossBackward(Function):
    """nll_loss's gradient as one op: zeros of the input's shape with grad * coef written at the
    picked positions (coef = -w[t_i], over the total weight for 'mean').  It is linear in
    ``grad``: its own backward gathers gg at the same positions, times coef, summed to grad's
    shape."""

    @staticmethod
    def forward(ctx, grad, coef, picks, nck, shape, ignored):
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
        picked = gg.reshape(ctx.nck)[ctx.picks] * ctx.coef
        if ctx.ignored is not None:
            picked = where(Tensor._make(ctx.ignored), 0.0, picked)
        d_grad = picked.reshape(ctx.grad_shape) if ctx.grad_shape else picked.sum()
        return d_grad, None, None, None, None, None


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
