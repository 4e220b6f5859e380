"""Gradient clipping, as ``torch.nn.utils.clip_grad``.

``clip_grad_norm_`` treats all the gradients as one long vector: it computes that vector's
``norm_type``-norm (the norm of the per-gradient norms) and, if it exceeds ``max_norm``, scales
every gradient by ``max_norm / (norm + 1e-6)``, so the update keeps its direction but not its
size.  ``clip_grad_value_`` clamps each gradient element to ``[-clip_value, clip_value]``.

Everything runs without recording a graph: the gradients are changed in place."""
from __future__ import annotations

import types
import warnings
from typing import Iterable, Union

from ..._creation import tensor
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops.norms import linalg_vector_norm as vector_norm
from ...ops.shape import stack

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_"]

TensorOrTensors = Union[Tensor, Iterable[Tensor]]


def _as_list(tensors: TensorOrTensors) -> list:
    """A single tensor, or any iterable (a generator, ``model.parameters()``), as a list."""
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def get_total_norm(tensors: TensorOrTensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The ``norm_type``-norm of ``tensors`` taken together: the norm of their norms (a 0-d
    tensor; 0 when there are none)."""
    with no_grad():
        tensors = _as_list(tensors)
        norm_type = float(norm_type)  # (so 'inf' works too)
        if not tensors:
            return tensor(0.0)
        norms = [vector_norm(t, norm_type) for t in tensors]
        total = vector_norm(stack(norms), norm_type)
        if error_if_nonfinite and not bool(total.isfinite()):
            raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is "
                               "non-finite, so it cannot be clipped. To disable this error and scale the "
                               "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
        return total


def clip_grads_with_norm_(parameters: TensorOrTensors, max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:
    """Scale the gradients of ``parameters`` in place by min(1, max_norm / (total_norm + 1e-6))."""
    with no_grad():
        grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
        if not grads:
            return
        # the 1e-6 keeps a zero norm from dividing by zero; the clamp only ever scales down
        coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef)  # (also when coef is 1: torch multiplies unconditionally, nan stays nan)


def clip_grad_norm_(parameters: TensorOrTensors, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Rescale the gradients of ``parameters`` so that their total ``norm_type``-norm is at most
    ``max_norm``; returns the total norm before clipping.  Parameters without a gradient are
    skipped; ``foreach`` is accepted (there is one implementation)."""
    is_generator = isinstance(parameters, types.GeneratorType)
    parameters = _as_list(parameters)  # a generator can be read only once, and is read twice
    if is_generator and not parameters:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters: TensorOrTensors, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Deprecated spelling of ``clip_grad_norm_``."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: TensorOrTensors, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient element of ``parameters`` to [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:  # min first, then max, as torch (so a negative clip_value wins)
                p.grad.clamp_min_(-clip_value).clamp_max_(clip_value)
