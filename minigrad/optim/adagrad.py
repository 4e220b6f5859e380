"""Adagrad: per-coordinate step sizes that shrink with the sum of all squared gradients seen."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _check_implementation, _check_non_negative,
                        _count_step, _scalar_step)


class Adagrad(Optimizer):
    """``torch.optim.Adagrad``.  Per step t, with g the gradient::

        g = g + weight_decay * p                       (if weight_decay)
        s = s + g * g                                  (s starts at initial_accumulator_value)
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        _check_non_negative(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                            initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable, fused)
        # unlike the others, Adagrad creates its state up front, as torch's does
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["step"] = _scalar_step()
                self.state[p]["sum"] = Tensor._make(
                    np.full_like(p._array, group["initial_accumulator_value"]))

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        state = self.state[p]
        step = _count_step(state)
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        state_sum = state["sum"]._array
        state_sum += grad * grad
        std = np.sqrt(state_sum)
        std += group["eps"]
        p._array += -clr * grad / std
