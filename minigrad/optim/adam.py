"""Adam (adaptive moment estimation) and AdamW (Adam with decoupled weight decay)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _check_betas, _check_implementation, _check_non_negative,
                        _count_step, _lerp_, _scalar_step)


class Adam(Optimizer):
    """``torch.optim.Adam``.  Per step t, with g the gradient::

        g = g + weight_decay * p        (or, decoupled: p = p * (1 - lr * weight_decay))
        m = lerp(m, g, 1 - beta1)                      first moment
        v = beta2 * v + (1 - beta2) * g * g            second moment
        v_max = max(v_max, v)                          (amsgrad: use v_max below)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        _check_non_negative(lr=lr, eps=eps)
        _check_betas(betas)
        _check_non_negative(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable, fused)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, weight_decay, amsgrad = group["lr"], group["weight_decay"], group["amsgrad"]
        beta1, beta2 = group["betas"]
        state = self.state[p]
        if not state:
            state["step"] = _scalar_step()
            state["exp_avg"] = Tensor._make(np.zeros_like(p._array))
            state["exp_avg_sq"] = Tensor._make(np.zeros_like(p._array))
            if amsgrad:
                state["max_exp_avg_sq"] = Tensor._make(np.zeros_like(p._array))
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
        # the bias corrections are Python floats, computed exactly as torch does
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if amsgrad:
            second = state["max_exp_avg_sq"]._array
            np.maximum(second, exp_avg_sq, out=second)
        else:
            second = exp_avg_sq
        denom = np.sqrt(second)
        denom /= bias_correction2_sqrt
        denom += group["eps"]
        p._array += -step_size * exp_avg / denom


class AdamW(Adam):
    """``torch.optim.AdamW``: Adam whose weight decay shrinks the parameters directly
    (``p = p * (1 - lr * weight_decay)``) instead of being added to the gradient."""

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)
