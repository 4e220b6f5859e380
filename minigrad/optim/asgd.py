"""ASGD: averaged stochastic gradient descent.  The parameters follow SGD with a decaying step
size ``eta``; ``ax`` keeps their running average (from step ``t0`` on), the usual end result."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _check_implementation, _check_non_negative,
                        _count_step, _scalar_state, _scalar_step)

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """``torch.optim.ASGD``.  Per step t, with g the gradient::

        g = g + weight_decay * p                          (if weight_decay)
        p = p * (1 - lambd * eta) - eta * g               (eta starts at lr)
        ax = ax + (p - ax) * mu    (ax = p while mu is 1) (mu starts at 1)
        eta = lr / (1 + lambd * lr * t) ** alpha;  mu = 1 / max(1, t - t0)
    ``eta`` and ``mu`` are 0-d tensors in the step counter's dtype, as torch keeps them.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_non_negative(lr=lr, weight_decay=weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, lambd = group["lr"], group["lambd"]
        state = self.state[p]
        if not state:
            state["step"] = _scalar_step()
            state["eta"] = _scalar_state(lr)
            state["mu"] = _scalar_state(1.0)
            state["ax"] = Tensor._make(np.zeros_like(p._array))
        if group["maximize"]:
            grad = -grad
        step = _count_step(state)
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        eta, mu = float(state["eta"]._array), float(state["mu"]._array)
        p._array *= 1 - lambd * eta
        p._array += -eta * grad
        ax = state["ax"]._array
        if mu != 1:
            ax += (p._array - ax) * mu
        else:
            ax[...] = p._array
        # the new values pass through a tensor of the default dtype (torch's ``as_tensor(float)``)
        # before landing in eta and mu, which a loaded state_dict may have made float64
        default = _dtype.get_default_dtype().np
        state["eta"]._array[...] = default.type(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        state["mu"]._array[...] = default.type(1 / max(1, step - group["t0"]))
