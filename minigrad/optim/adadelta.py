"""Adadelta: step sizes from the ratio of two running root-mean-squares, of the updates and of
the gradients, so that no learning rate has to be tuned (``lr`` only scales the result)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _check_implementation, _check_non_negative,
                        _count_step, _scalar_step)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """``torch.optim.Adadelta``.  Per step, with g the gradient::

        g = g + weight_decay * p                             (if weight_decay)
        v = rho * v + (1 - rho) * g * g                      running mean of squared gradients
        delta = sqrt(u + eps) / sqrt(v + eps) * g            u: running mean of squared updates
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta
    """

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_non_negative(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_non_negative(eps=eps, weight_decay=weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        state = self.state[p]
        if not state:
            state["step"] = _scalar_step()
            state["square_avg"] = Tensor._make(np.zeros_like(p._array))
            state["acc_delta"] = Tensor._make(np.zeros_like(p._array))
        _count_step(state)
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        square_avg, acc_delta = state["square_avg"]._array, state["acc_delta"]._array
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(acc_delta + eps)
        delta /= std
        delta *= grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        p._array += -lr * delta
