"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, ParamsT, _check_implementation, _check_non_negative


class SGD(Optimizer):
    """``torch.optim.SGD``.  Per step, with g the gradient::

        g = g + weight_decay * p                      (if weight_decay)
        b = g  (first step),  b = momentum * b + (1 - dampening) * g   (if momentum)
        g = g + momentum * b  (nesterov)  or  g = b
        p = p - lr * g
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        _check_non_negative(lr=lr, momentum=momentum, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable, fused)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        momentum, weight_decay = group["momentum"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            grad = grad + weight_decay * p._array
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:  # the first step starts the buffer at the gradient itself
                state["momentum_buffer"] = buf = Tensor._make(grad.copy())
            else:
                buf._array *= momentum
                buf._array += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf._array if group["nesterov"] else buf._array
        p._array -= group["lr"] * grad
