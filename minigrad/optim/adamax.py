"""Adamax: Adam with the infinity norm, a running maximum of |g|, in place of the root mean
square of the gradients."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _check_betas, _check_implementation, _check_non_negative,
                        _count_step, _lerp_, _scalar_step)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """``torch.optim.Adamax``.  Per step t, with g the gradient::

        g = g + weight_decay * p                        (if weight_decay)
        m = lerp(m, g, 1 - beta1)                       first moment
        u = max(beta2 * u, |g| + eps)                   decaying maximum of |g|
        p = p - lr / (1 - beta1**t) * m / u
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_non_negative(lr=lr, eps=eps)
        _check_betas(betas)
        _check_non_negative(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        state = self.state[p]
        if not state:
            state["step"] = _scalar_step()
            state["exp_avg"] = Tensor._make(np.zeros_like(p._array))
            state["exp_inf"] = Tensor._make(np.zeros_like(p._array))
        if group["maximize"]:
            grad = -grad
        step = _count_step(state)
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        exp_avg, exp_inf = state["exp_avg"]._array, state["exp_inf"]._array
        _lerp_(exp_avg, grad, 1 - beta1)
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(grad) + group["eps"], out=exp_inf)
        clr = group["lr"] / (1 - beta1 ** step)
        p._array += -clr * exp_avg / exp_inf
