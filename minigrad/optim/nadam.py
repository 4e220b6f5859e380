"""NAdam: Adam with Nesterov momentum, i.e. the step looks ahead along the next momentum, whose
coefficient ``mu_t`` warms up over the first steps (``momentum_decay``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _check_betas, _check_implementation, _check_non_negative,
                        _count_step, _lerp_, _scalar_state, _scalar_step)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """``torch.optim.NAdam``.  Per step t, with g the gradient::

        g = g + weight_decay * p        (or, decoupled: p = p * (1 - lr * weight_decay))
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay));  P = mu_1 * ... * mu_t
        m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
        d = sqrt(v / (1 - beta2**t)) + eps
        p = p - lr * (1 - mu_t) / (1 - P) * g / d - lr * mu_{t+1} / (1 - P * mu_{t+1}) * m / d
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False) -> None:
        _check_non_negative(lr=lr, eps=eps)
        _check_betas(betas)
        _check_non_negative(weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, weight_decay, momentum_decay = group["lr"], group["weight_decay"], group["momentum_decay"]
        beta1, beta2 = group["betas"]
        state = self.state[p]
        if not state:
            state["step"] = _scalar_step()
            # the running product of the mu_t, kept (and rounded) in the step counter's dtype
            state["mu_product"] = _scalar_state(1.0)
            state["exp_avg"] = Tensor._make(np.zeros_like(p._array))
            state["exp_avg_sq"] = Tensor._make(np.zeros_like(p._array))
        if group["maximize"]:
            grad = -grad
        step = _count_step(state)
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p._array *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * p._array
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = state["mu_product"]._array
        mu_product *= mu
        exp_avg, exp_avg_sq = state["exp_avg"]._array, state["exp_avg_sq"]._array
        _lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        denom = np.sqrt(exp_avg_sq / bias_correction2)
        denom += group["eps"]
        mu_product_next = float(mu_product) * mu_next
        p._array += (-lr * (1.0 - mu) / (1.0 - float(mu_product))) * grad / denom
        p._array += ((-lr * mu_next) / (1.0 - mu_product_next)) * exp_avg / denom
