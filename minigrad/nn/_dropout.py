"""Channel-wise dropout (``dropout1d/2d/3d``, ``feature_alpha_dropout``) and ``alpha_dropout``.

As torch's CPU kernel (``_dropout_impl``): the noise is an ``empty`` tensor filled by
``bernoulli_(1 - p)``, one draw per element of the noise, then scaled, and multiplied into the
input.  For the channel variants the noise has shape (N, C, 1, ...): one draw per channel, in the
same order as torch, so after the same ``manual_seed`` the same channels are dropped.  The result
is ``input * noise`` (``+ b`` for alpha dropout), so the backward is the multiplication's.
"""
from __future__ import annotations

import math
import warnings

from .._creation import empty, empty_like, zeros
from .._tensor import Tensor

__all__ = ["dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]

_ALPHA = 1.7580993408473766  # -SELU's negative saturation value, scale * alpha


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_impl(input: Tensor, p: float, train: bool, inplace: bool, feature: bool, alpha: bool) -> Tensor:
    """torch's ``_dropout_impl``: ``feature`` draws one mask value per (sample, channel); ``alpha``
    sends dropped units to SELU's saturation value -1.758..., then scales by a and shifts by b so
    that mean 0 and variance 1 are kept."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:  # multiply, so nan stays nan, as torch
        zero = zeros((), dtype=input.dtype)
        return input.mul_(zero) if inplace else input * zero
    if feature:
        if input.ndim < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        noise = empty((*input.shape[:2], *(1,) * (input.ndim - 2)), dtype=input.dtype)
    else:
        noise = empty_like(input)
    noise.bernoulli_(1 - p)
    if not alpha:
        noise.div_(1 - p)
        return input.mul_(noise) if inplace else input * noise
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    b = noise.add(-1).mul_(_ALPHA * a).add_(_ALPHA * a * p)
    noise.mul_(a)
    return input.mul_(noise).add_(b) if inplace else input * noise + b


def _unbatched(input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    """Channel dropout of an input without a batch dim, as torch: with a batch dim of 1 added."""
    if inplace:  # (torch unsqueezes the input itself in place: the same draws, the same result)
        if p == 0 or not training or input.numel() == 0:
            return input
        if p == 1:
            return input.mul_(zeros((), dtype=input.dtype))
        noise = empty((input.shape[0], *(1,) * (input.ndim - 1)), dtype=input.dtype)
        noise.bernoulli_(1 - p)
        noise.div_(1 - p)
        return input.mul_(noise)
    return _dropout_impl(input.unsqueeze(0), p, training, False, True, False).squeeze(0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) with probability ``p``, scale the rest by 1/(1-p)."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note "
                           "that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
                           "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
                           "inputs).")
    if input.ndim == 2:
        return _unbatched(input, p, training, inplace)
    return _dropout_impl(input, p, training, inplace, True, False)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) with probability ``p``, scale the rest by 1/(1-p).  As in
    torch, a 3-D input is taken as (N, C, L) (with a warning), not as an unbatched (C, H, W)."""
    _check_p(p)
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and "
                      "will result in an error in a future release. To retain the behavior and silence this "
                      "warning, please use dropout instead. Note that dropout2d exists to provide "
                      "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an "
                      "optional batch dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
                      "dim. This behavior will change in a future release to interpret the input as one "
                      "without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise "
                      "dropout behavior, please switch to using dropout1d instead.", stacklevel=2)
    return _dropout_impl(input, p, training, inplace, True, False)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) with probability ``p``, scale the rest
    by 1/(1-p)."""
    _check_p(p)
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and "
                      "will result in an error in a future release. To retain the behavior and silence this "
                      "warning, please use dropout instead. Note that dropout3d exists to provide "
                      "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an "
                      "optional batch dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    if input.ndim != 5:
        return _unbatched(input, p, training, inplace)
    return _dropout_impl(input, p, training, inplace, True, False)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped units take SELU's saturation value, then an affine map
    keeps mean 0 and variance 1.  (``training`` defaults to False, as in torch.)"""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, False, True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """``alpha_dropout`` of whole channels (one draw per sample and channel)."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, True, True)
