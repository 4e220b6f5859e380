"""``nn.Parameter``: a tensor that a ``Module`` registers as one of its learnable weights."""
from __future__ import annotations

import numpy as np

from .._creation import empty
from .._tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad (by default) and that, assigned as an attribute of a
    ``Module``, is listed by ``module.parameters()``.

    ``Parameter(t)`` shares ``t``'s storage (like ``t.detach()``).  Results of ops on a Parameter
    are plain Tensors: the ops build their outputs with ``Tensor._make``."""

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> "Parameter":
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            # torch calls data.detach() here and fails the same way
            raise AttributeError(f"'{type(data).__name__}' object has no attribute 'detach'")
        param = object.__new__(cls)
        param._init(data._array, False)
        param._vc = data._vc
        param.requires_grad = requires_grad  # validates: only floating point can require grad
        return param

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # all set up in __new__ (Tensor.__init__ is the legacy constructor)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo: dict) -> "Parameter":
        # as torch: a copy of the values and of requires_grad, not of .grad
        if id(self) not in memo:
            memo[id(self)] = Parameter(Tensor._make(self._array.copy()), self._requires_grad)
        return memo[id(self)]

    def __reduce_ex__(self, protocol: int) -> tuple:
        return (_rebuild_parameter, (self._array, self._requires_grad))


def _rebuild_parameter(array: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._make(array), requires_grad)

