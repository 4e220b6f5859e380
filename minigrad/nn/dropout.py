"""Dropout variants as layers: ``Dropout1d``, ``Dropout2d``, ``Dropout3d`` (whole channels),
``AlphaDropout`` and ``FeatureAlphaDropout`` (for SELU networks).  Each applies its functional
form (``_dropout.py``) in training mode and passes the input through in eval mode."""
from __future__ import annotations

from .._tensor import Tensor
from . import _dropout
from .module import Module

__all__ = ["Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    """What the dropout layers share: ``p``, ``inplace``, the check and the repr."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) with probability ``p`` in training."""

    def forward(self, input: Tensor) -> Tensor:
        return _dropout.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) with probability ``p`` in training."""

    def forward(self, input: Tensor) -> Tensor:
        return _dropout.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) with probability ``p`` in training."""

    def forward(self, input: Tensor) -> Tensor:
        return _dropout.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Alpha dropout (keeps SELU's mean and variance) in training."""

    def forward(self, input: Tensor) -> Tensor:
        return _dropout.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels in training."""

    def forward(self, input: Tensor) -> Tensor:
        return _dropout.feature_alpha_dropout(input, self.p, self.training)
