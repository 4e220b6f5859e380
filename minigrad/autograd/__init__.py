"""Reverse-mode automatic differentiation, torch.autograd's names and contracts.

``Function`` (function.py) records the graph as ops run, ``engine.py`` walks it backwards,
``grad_mode.py`` switches recording off, ``gradcheck.py`` checks gradients against finite
differences."""
from __future__ import annotations

import numpy as _np  # underscored: minigrad.autograd's namespace is torch.autograd's

from .. import _tensor
from .engine import run_backward as _run_backward
from .function import Function
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from . import functional
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .variable import Variable

__all__ = ["Function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "gradcheck", "gradgradcheck", "GradcheckError", "Variable",
           "detect_anomaly", "set_detect_anomaly", "inference_mode"]

from .._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks


def _as_tuple(x: object) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _grad_roots(outputs: tuple, grad_outputs: object) -> list:
    """The gradient to start from at each output: given, or 1 for a scalar output."""
    grads = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"grad can be implicitly created only for scalar outputs; got "
                           f"{len(grads)} gradients for {len(outputs)} outputs")
    roots = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out._array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = _tensor.Tensor._make(_np.asarray(1, out._array.dtype).reshape(out._array.shape))
        elif not isinstance(g, _tensor.Tensor):
            g = _tensor.Tensor._make(_np.asarray(g, dtype=out._array.dtype))
        elif g._array.shape != out._array.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {list(g.shape)} and "
                               f"output[{i}] has a shape of {list(out.shape)}.")
        roots.append(g)
    return roots


def backward(tensors: object, grad_tensors: object = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: object = None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``)."""
    outputs = _as_tuple(tensors)
    roots = _grad_roots(outputs, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    _run_backward(outputs, roots, retain_graph, create_graph,
                 inputs=None if inputs is None else _as_tuple(inputs))


def grad(outputs: object, inputs: object, grad_outputs: object = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None,
         materialize_grads: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, returned, not stored in ``.grad``.
    With ``create_graph=True`` they are themselves differentiable (Hessian-vector products)."""
    outputs = _as_tuple(outputs)
    inputs_t = _as_tuple(inputs)
    for i, t in enumerate(inputs_t):
        if not t._requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors (input {i}) does not require grad")
    roots = _grad_roots(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    result = _run_backward(outputs, roots, retain_graph, create_graph, inputs=inputs_t, accumulate=False)
    out = []
    for i, (t, g) in enumerate(zip(inputs_t, result)):
        if g is None:
            if materialize_grads:
                g = _tensor.Tensor._make(_np.zeros_like(t._array))
            elif not allow_unused:
                raise RuntimeError(f"One of the differentiated Tensors (input {i}) appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
        elif not create_graph:
            g = g.detach()
        out.append(g)
    return tuple(out)
