"""Check analytical gradients against finite differences (torch.autograd.gradcheck's contract).

The numerical Jacobian perturbs one input element at a time by +-eps (central differences);
the analytical one backpropagates one output element at a time.  They must agree within
``atol + rtol * |numerical|``.  Use float64 inputs: float32 cannot resolve eps=1e-6.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np

from .. import _tensor
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Raised when gradcheck finds a mismatch (a RuntimeError, as in torch)."""


def _as_tuple(x: Any) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(func: Callable, inputs: tuple) -> list:
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, _tensor.Tensor)]


def _numerical_jacobian(func: Callable, inputs: tuple, i: int, eps: float) -> list[np.ndarray]:
    """d(every output element)/d(input i's elements), one column per input element."""
    x = inputs[i]
    flat = x._array.reshape(-1)  # a view: perturbing it perturbs the input in place
    with no_grad():
        outs = _outputs(func, inputs)
        jac = [np.zeros((o.numel(), flat.size)) for o in outs]
        for k in range(flat.size):
            orig = flat[k].item()
            flat[k] = orig + eps
            plus = [o._array.astype(np.float64).reshape(-1) for o in _outputs(func, inputs)]
            flat[k] = orig - eps
            minus = [o._array.astype(np.float64).reshape(-1) for o in _outputs(func, inputs)]
            flat[k] = orig
            for j in range(len(outs)):
                jac[j][:, k] = (plus[j] - minus[j]) / (2 * eps)
    return jac


def _analytical_jacobian(func: Callable, inputs: tuple, diff_idx: list) -> list[list[np.ndarray]]:
    """jac[j][i]: d(output j)/d(input diff_idx[i]), one row per output element."""
    from . import grad as autograd_grad
    outs = _outputs(func, inputs)
    diff_inputs = [inputs[i] for i in diff_idx]
    jac = [[np.zeros((o.numel(), inputs[i].numel())) for i in diff_idx] for o in outs]
    for j, out in enumerate(outs):
        if not out.requires_grad:
            continue
        for r in range(out.numel()):
            seed = np.zeros(out._array.size, out._array.dtype)
            seed[r] = 1
            grads = autograd_grad(out, diff_inputs, _tensor.Tensor._make(seed.reshape(out._array.shape)),
                                  retain_graph=True, allow_unused=True)
            for c, g in enumerate(grads):
                if g is not None:
                    jac[j][c][r, :] = g._array.astype(np.float64).reshape(-1)
    return jac


def gradcheck(func: Callable, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, **unused: Any) -> bool:
    """True if the gradients of ``func`` at ``inputs`` match finite differences; otherwise raise
    a GradcheckError naming the output, the input and the element that disagree (or return
    False with ``raise_exception=False``)."""
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, _tensor.Tensor) and x.requires_grad]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none "
                         "of the them have requires_grad=True.")
    for i in diff_idx:
        if inputs[i].dtype.name != "float64":
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point. "
                          "This check will likely fail if all the inputs are not of double precision "
                          "floating point.", UserWarning, stacklevel=2)
    analytical = _analytical_jacobian(func, inputs, diff_idx)
    for c, i in enumerate(diff_idx):
        numerical = _numerical_jacobian(func, inputs, i, eps)
        for j, num in enumerate(numerical):
            ana = analytical[j][c]
            bad = ~np.isclose(ana, num, rtol=rtol, atol=atol, equal_nan=True)
            if bad.any():
                r, k = np.argwhere(bad)[0]
                msg = (f"Jacobian mismatch for output {j} with respect to input {i}: at output element "
                       f"{np.unravel_index(r, _outputs_shape(func, inputs, j))} and input element "
                       f"{np.unravel_index(k, inputs[i].shape)}, numerical {num[r, k]:.6g} vs analytical "
                       f"{ana[r, k]:.6g} ({int(bad.sum())} of {bad.size} entries differ),\n"
                       f"numerical:{num}\nanalytical:{ana}\n")
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def _outputs_shape(func: Callable, inputs: tuple, j: int) -> tuple:
    with no_grad():
        return tuple(_outputs(func, inputs)[j].shape)


def gradgradcheck(func: Callable, inputs: Any, grad_outputs: Sequence | None = None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True,
                  **unused: Any) -> bool:
    """gradcheck of the gradient itself: checks second derivatives (backward of backward)."""
    from . import grad as autograd_grad
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, _tensor.Tensor) and x.requires_grad]
    if grad_outputs is None:  # random upstream gradients, fixed seed: a check must be repeatable
        rng = np.random.default_rng(0)
        with no_grad():
            outs = _outputs(func, inputs)
        # integer outputs (e.g. max's indices) have no gradient: their grad_output is a constant
        grad_outputs = [_tensor.Tensor._make(rng.standard_normal(o._array.shape).astype(o._array.dtype),
                                             requires_grad=o._array.dtype.kind == "f") for o in outs]
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_derivatives(*args: Any) -> tuple:
        xs, gos = args[:n], args[n:]
        with enable_grad():  # the finite differences evaluate this under no_grad
            outs = _outputs(func, xs)
        pairs = [(o, g) for o, g in zip(outs, gos) if o.requires_grad]
        return autograd_grad([o for o, _ in pairs], [xs[i] for i in diff_idx], [g for _, g in pairs],
                             create_graph=True, allow_unused=True, materialize_grads=True)

    return gradcheck(first_derivatives, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
