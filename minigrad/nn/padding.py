"""Padding layers: ``F.pad`` with a fixed amount and mode, printed as torch prints them.

``padding`` is an int (the same on every side) or a tuple starting from the last dim:
(left, right) for 1d, (left, right, top, bottom) for 2d."""
from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from . import _conv as F
from .module import Module

__all__ = ["ConstantPad1d", "ConstantPad2d", "ZeroPad1d", "ZeroPad2d", "ReflectionPad1d", "ReflectionPad2d",
           "ReplicationPad1d", "ReplicationPad2d", "CircularPad1d", "CircularPad2d"]


class _PadNd(Module):
    _n = 1  # padded dims
    _mode = "constant"

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * (2 * self._n)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value``."""


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with ``value``."""

    _n = 2


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dims with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Mirror the last dim at its edges (the edge itself not repeated)."""

    _mode = "reflect"


class ReflectionPad2d(_PadNd):
    """Mirror the last two dims at their edges (the edge itself not repeated)."""

    _n, _mode = 2, "reflect"


class ReplicationPad1d(_PadNd):
    """Repeat the edge elements of the last dim."""

    _mode = "replicate"


class ReplicationPad2d(_PadNd):
    """Repeat the edge elements of the last two dims."""

    _n, _mode = 2, "replicate"


class CircularPad1d(_PadNd):
    """Wrap the last dim around."""

    _mode = "circular"


class CircularPad2d(_PadNd):
    """Wrap the last two dims around."""

    _n, _mode = 2, "circular"
