"""Helpers the distributions share (``torch.distributions.utils``): parameter broadcasting,
probabilities <-> logits, the cached ``lazy_property`` and the standard-normal draw."""
from __future__ import annotations

from typing import Any, Callable

import minigrad as _mg
from minigrad._tensor import Size, Tensor

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits"]

euler_constant = 0.57721566490153286060  # the Euler-Mascheroni constant
_NUMBER = (int, float, bool)
_NO_SHAPE = Size()  # the default sample_shape / batch_shape


def broadcast_all(*values) -> tuple:
    """Tensors of one broadcast shape; Python numbers become tensors of the first tensor's dtype
    (the default dtype if there is none)."""
    if not all(isinstance(v, (Tensor, *_NUMBER)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if not all(isinstance(v, Tensor) for v in values):
        dtype = next((v.dtype for v in values if isinstance(v, Tensor)), _mg.get_default_dtype())
        values = tuple(v if isinstance(v, Tensor) else _mg.tensor(v, dtype=dtype) for v in values)
    return tuple(_mg.broadcast_tensors(*values))


def _standard_normal(shape, dtype: Any, device: Any = None) -> Tensor:
    """N(0, 1) draws of ``shape``: an empty tensor filled by ``normal_()``, as torch draws them."""
    return _mg.empty(shape, dtype=dtype).normal_()


def _sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """``value`` summed over its ``dim`` rightmost dims."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """Sigmoid (binary) or softmax over the last dim."""
    if is_binary:
        return _mg.sigmoid(logits)
    return _mg.nn.functional.softmax(logits, dim=-1)


def clamp_probs(probs: Tensor) -> Tensor:
    """``probs`` clamped to ``[eps, 1 - eps]`` of its dtype, so their logs are finite."""
    eps = _mg.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """log-odds (binary) or log-probabilities of the clamped ``probs``."""
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return _mg.log(ps_clamped) - _mg.log1p(-ps_clamped)
    return _mg.log(ps_clamped)


class lazy_property:
    """A property computed on first access (with grad enabled) and then stored on the instance,
    so it shows up in ``__dict__`` (and in the distribution's repr) from then on."""

    def __init__(self, wrapped: Callable[[Any], Any]) -> None:
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance: Any, obj_type: Any = None) -> Any:
        if instance is None:
            return self
        with _mg.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def _size(shape) -> Size:
    """``shape`` as a Size (slices and sums of a Size are plain tuples in minigrad)."""
    return shape if type(shape) is Size else Size(shape)
