"""``torch.autograd.Variable``: the pre-0.4 wrapper, kept by torch as a shim that returns a plain
Tensor.  ``Variable(x, requires_grad=True)`` is ``x.detach().requires_grad_(True)``, and every
Tensor counts as a Variable for ``isinstance``."""
from __future__ import annotations

import warnings
from typing import Any

from .. import _tensor

__all__ = ["Variable"]


class _VariableMeta(type):
    def __instancecheck__(cls, other: Any) -> bool:
        return isinstance(other, _tensor.Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False, volatile=False)``: a Tensor sharing ``data``'s values,
    detached from its graph."""

    def __new__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False
                ) -> "_tensor.Tensor":  # type: ignore[misc]
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                          "instead.", stacklevel=2)
        if data is None:
            from .._creation import empty
            data = empty(0)
        if not isinstance(data, _tensor.Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)
