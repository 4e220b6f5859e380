"""RAdam: Adam whose adaptive step is switched on gradually, once the variance of the second
moment's estimate is tractable; until then (the first few steps) it is SGD with momentum."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _check_betas, _check_implementation, _check_non_negative,
                        _count_step, _lerp_, _scalar_step)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """``torch.optim.RAdam``.  Per step t, with g the gradient::

        g = g + weight_decay * p        (or, decoupled: p = p * (1 - lr * weight_decay))
        m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
        rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5:  r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
                       p = p - lr * m / (1 - beta1**t) * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
        else:          p = p - lr * m / (1 - beta1**t)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_non_negative(lr=lr, eps=eps)
        _check_betas(betas)
        _check_non_negative(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, weight_decay = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        state = self.state[p]
        if not state:
            state["step"] = _scalar_step()
            state["exp_avg"] = Tensor._make(np.zeros_like(p._array))
            state["exp_avg_sq"] = Tensor._make(np.zeros_like(p._array))
        if group["maximize"]:
            grad = -grad
        step = _count_step(state)
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p._array *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * p._array
        exp_avg, exp_avg_sq = state["exp_avg"]._array, state["exp_avg_sq"]._array
        _lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            # torch evaluates ``c / tensor`` as ``reciprocal(tensor) * c``: the same two roundings
            adaptive_lr = (1 / (np.sqrt(exp_avg_sq) + group["eps"])) * bias_correction2 ** 0.5
            p._array -= bias_corrected_exp_avg * lr * adaptive_lr * rect
        else:
            p._array -= bias_corrected_exp_avg * lr
