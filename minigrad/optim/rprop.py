"""Rprop: each weight keeps its own step size, grown while its gradient keeps its sign and shrunk
when the sign flips; the update uses only the gradient's sign, never its size."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, ParamsT, _check_implementation, _count_step, _scalar_step

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """``torch.optim.Rprop``.  Per step, elementwise, with g the gradient and g_prev the last one::

        factor = etaplus if g * g_prev > 0, etaminus if < 0, else 1
        step = clamp(step * factor, step_min, step_max)          (step starts at lr)
        g = 0 where the sign flipped                            (no move, and no flip next time)
        p = p - sign(g) * step;  g_prev = g
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)
        _check_implementation(foreach, differentiable)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        etaminus, etaplus = group["etas"]
        step_min, step_max = group["step_sizes"]
        state = self.state[p]
        if not state:
            state["step"] = _scalar_step()
            state["prev"] = Tensor._make(np.zeros_like(p._array))
            state["step_size"] = Tensor._make(np.full_like(p._array, group["lr"]))
        _count_step(state)
        if group["maximize"]:
            grad = -grad
        prev, step_size = state["prev"]._array, state["step_size"]._array
        sign = np.sign(grad * prev)
        factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0)).astype(p._array.dtype)
        step_size *= factor
        np.clip(step_size, step_min, step_max, out=step_size)
        grad = np.where(factor == etaminus, 0, grad).astype(p._array.dtype)
        p._array -= np.sign(grad) * step_size
        prev[...] = grad
