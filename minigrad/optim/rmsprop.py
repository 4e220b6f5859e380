"""RMSprop: divide the gradient by a running root-mean-square of its recent magnitudes."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _check_implementation, _check_non_negative,
                        _count_step, _lerp_, _scalar_step)


class RMSprop(Optimizer):
    """``torch.optim.RMSprop``.  Per step, with g the gradient::

        g = g + weight_decay * p                        (if weight_decay)
        v = alpha * v + (1 - alpha) * g * g
        avg = sqrt(v) + eps,  or centered: a = lerp(a, g, 1 - alpha); avg = sqrt(v - a * a) + eps
        b = momentum * b + g / avg;  p = p - lr * b     (if momentum > 0)
        p = p - lr * g / avg                            (otherwise)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_non_negative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay,
                            alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, alpha, momentum = group["lr"], group["alpha"], group["momentum"]
        state = self.state[p]
        if not state:
            state["step"] = _scalar_step()
            state["square_avg"] = Tensor._make(np.zeros_like(p._array))
            if momentum > 0:
                state["momentum_buffer"] = Tensor._make(np.zeros_like(p._array))
            if group["centered"]:
                state["grad_avg"] = Tensor._make(np.zeros_like(p._array))
        if group["maximize"]:
            grad = -grad
        _count_step(state)
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        square_avg = state["square_avg"]._array
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]._array
            _lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"]._array
            buf *= momentum
            buf += grad / avg
            p._array -= lr * buf
        else:
            p._array += -lr * grad / avg
