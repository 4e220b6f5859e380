"""``torch.autograd.functional``: derivatives of a whole function at a point, as tensors.

Every function here takes ``func`` (tensors in, tensors out) and the point ``inputs`` and is built
on ``autograd.grad`` only:

* ``vjp``: one backward pass, ``v^T J``;
* ``jvp``: ``J v`` by the double-vjp trick (minigrad has no forward mode, and torch uses the same
  trick here): ``g(u) = u^T J`` is linear in a dummy ``u``, so the gradient of ``g(u) . v`` with
  respect to ``u`` is ``J v``;
* ``jacobian``: one vjp per output element, each picking one row of ``J``;
* ``hessian``: the jacobian of the gradient (the inner jacobian keeps its graph);
* ``vhp`` / ``hvp``: ``v^T H`` by differentiating the gradient once more; ``H v`` by the same
  double-vjp trick applied to the gradient (equal to ``v^T H`` when ``H`` is symmetric).

Shapes follow torch: a tensor input gives a tensor result and a tuple of inputs a tuple; the
jacobian of a tuple of outputs with respect to a tuple of inputs is a tuple (per output) of tuples
(per input), entry ``[i][j]`` of shape ``outputs[i].shape + inputs[j].shape``.

``strict=True`` raises instead of returning zeros when an output does not depend on an input
(torch's messages); ``create_graph=True`` makes the results differentiable themselves.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from .. import _tensor
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]

TensorOrTensors = Any  # a Tensor or a tuple of Tensors


def _zeros_like(t: Tensor, requires_grad: bool = False) -> Tensor:
    # imported here: this module loads with minigrad.autograd, before the tensor factories exist
    from .._creation import zeros_like
    return zeros_like(t, requires_grad=requires_grad)


# ----- helpers: tuples in and out ------------------------------------------------------------------
def _as_tuple(value: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """``(was it a tuple, the tensors as a tuple)``, refusing anything but tensors."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, element in enumerate(values):
        if not isinstance(element, _tensor.Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                            f"Tensors but the {where} has type {type(element)}.")
    return is_tuple, values


def _unpack(result: tuple, is_tuple: bool | tuple[bool, bool]) -> Any:
    """Undo ``_as_tuple``: a lone tensor comes back as a tensor.  A pair of flags unpacks the
    two levels of a jacobian (outer: outputs, inner: inputs)."""
    if isinstance(is_tuple, tuple):
        outer, inner = is_tuple
        if not inner:
            result = tuple(row[0] for row in result)
        return result if outer else result[0]
    return result if is_tuple else result[0]


def _prepare(tensors: tuple[Tensor, ...], create_graph: bool, need_graph: bool) -> tuple[Tensor, ...]:
    """Fresh graph roots to differentiate with respect to.  With ``create_graph`` an input that
    already requires grad is only viewed, so that the results stay connected to it."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad
                 else t.detach().requires_grad_(need_graph) for t in tensors)


def _finish(tensors: tuple, create_graph: bool) -> tuple:
    """Detach the results unless the caller asked for a graph through them."""
    if create_graph:
        return tensors
    return tuple(t.detach() if isinstance(t, _tensor.Tensor) else _finish(t, create_graph) for t in tensors)


def _validate_v(v: tuple[Tensor, ...], other: tuple[Tensor, ...], other_is_tuple: bool) -> None:
    if len(v) != len(other):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (v_i, other_i) in enumerate(zip(v, other)):
        if v_i.size() != other_i.size():
            prefix = f"Entry {i} in " if other_is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {other_i.size()} but got "
                               f"{v_i.size()}.")


def _prepare_v(v: Any, fn_name: str, create_graph: bool, other: tuple[Tensor, ...],
               other_is_tuple: bool) -> tuple[Tensor, ...]:
    _, v = _as_tuple(v, "v", fn_name)
    v = _prepare(v, create_graph, need_graph=False)
    _validate_v(v, other, other_is_tuple)
    return v


# strict mode: what does not depend on what, in torch's words
_INDEPENDENT = {
    "outputs": ("Output {i} of the user-provided function does not require gradients. The outputs "
                "must be computed in a differentiable manner from the input when running in strict "
                "mode."),
    "grad_inputs": ("The gradient with respect to input {i} is independent of the inputs of the "
                    "user-provided function. This is not allowed in strict mode."),
    "jacobian": ("While computing the hessian, found that the jacobian of the user-provided function "
                 "with respect to input {i} is independent of the input. This is not allowed in strict "
                 "mode. You should ensure that your function is twice differentiable and that the "
                 "jacobian depends on the inputs (this would be violated by a linear function for "
                 "example)."),
    "hessian": ("The hessian of the user-provided function with respect to input {i} is independent "
                "of the input. This is not allowed in strict mode. You should ensure that your "
                "function is thrice differentiable and that the hessian depends on the inputs."),
}


def _check_requires_grad(tensors: tuple, kind: str, strict: bool) -> None:
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. "
                               "This is not allowed in strict mode.")
        if not t.requires_grad:
            raise RuntimeError(_INDEPENDENT[kind].format(i=i))


def _grad(outputs: tuple, inputs: tuple[Tensor, ...], grad_outputs: tuple | None = None,
          create_graph: bool = False, retain_graph: bool | None = None) -> tuple:
    """``autograd.grad`` over the outputs that have a graph, with ``None`` for unused inputs (and
    for every input if no output has a graph)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(out, g) for out, g in zip(outputs, grad_outputs, strict=True)
             if out is not None and out.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, grads = zip(*pairs)
    from . import grad
    return grad(outs, inputs, grads, retain_graph=retain_graph, create_graph=create_graph,
                allow_unused=True)


# where a missing gradient was found, for strict mode's message
_MISSING = {
    "back": "The output of the user-provided function is independent of input {i}. This is not "
            "allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is "
                   "not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in "
                         "the grad_jacobian. This is not allowed in strict mode as it prevents from "
                         "using the double backward trick to replace forward mode AD.",
}


def _fill_in_zeros(grads: tuple, refs: tuple[Tensor, ...], strict: bool, create_graph: bool,
                   stage: str) -> tuple[Tensor, ...]:
    """Replace the ``None`` of an unused input by zeros of its shape (strict mode: raise)."""
    result = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_MISSING[stage].format(i=i))
            g = _zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. "
                               "This is not allowed in strict mode when create_graph=True.")
        result.append(g)
    return tuple(result)


def _single_element_output(outputs: tuple[Tensor, ...], is_tuple: bool, fn_name: str) -> None:
    if is_tuple or not isinstance(outputs[0], _tensor.Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a "
                           "single element")


# ----- the public functions ------------------------------------------------------------------------
def vjp(func: Callable[..., TensorOrTensors], inputs: TensorOrTensors, v: TensorOrTensors | None = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), v^T J)``: the vector-Jacobian product, of the shape of ``inputs``.  ``v``
    (the shape of the outputs) may be omitted when the output has a single element."""
    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                              "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        if v is not None:
            v = _prepare_v(v, "vjp", create_graph, outputs, outputs_is_tuple)
        elif len(outputs) != 1 or outputs[0].nelement() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a "
                               "single Tensor with a single element.")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _fill_in_zeros(_grad(outputs, inputs, v, create_graph=create_graph), inputs, strict,
                                create_graph, "back")
    return (_unpack(_finish(outputs, create_graph), outputs_is_tuple),
            _unpack(_finish(result, create_graph), inputs_is_tuple))


def jvp(func: Callable[..., TensorOrTensors], inputs: TensorOrTensors, v: TensorOrTensors | None = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), J v)``: the Jacobian-vector product, of the shape of the outputs, computed
    with two backward passes (the double-vjp trick: see the module's docstring)."""
    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            v = _prepare_v(v, "jvp", create_graph, inputs, inputs_is_tuple)
        elif len(inputs) != 1 or inputs[0].nelement() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                              "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        # u^T J as a function of a dummy u (its value does not matter: the result is linear in u)
        dummies = tuple(_zeros_like(out, requires_grad=True) for out in outputs)
        u_t_j = _grad(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(u_t_j, "grad_inputs", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _fill_in_zeros(_grad(u_t_j, dummies, v, create_graph=create_graph), outputs, strict,
                                create_graph, "back_trick")
    return (_unpack(_finish(outputs, create_graph), outputs_is_tuple),
            _unpack(_finish(result, create_graph), outputs_is_tuple))


def _check_strategy(strategy: str, create_graph: bool) -> None:
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If '
                             'your function has more outputs than inputs, "forward-mode" tends to be more '
                             'performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and '
                                      '`strategy="forward-mode"` are not supported together (yet). '
                                      'Please either set `create_graph=False` or '
                                      '`strategy="reverse-mode"`.')
        raise NotImplementedError('strategy="forward-mode" needs forward-mode automatic '
                                  'differentiation, which minigrad does not have: use '
                                  'strategy="reverse-mode" (the default), which gives the same values')


def jacobian(func: Callable[..., TensorOrTensors], inputs: TensorOrTensors, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: entry ``[i][j]`` has the shape
    ``outputs[i].shape + inputs[j].shape`` (unpacked to a tensor where ``func`` takes or returns
    a single tensor).  Built row by row, one backward pass per output element; ``vectorize``
    (torch's batched backward) is accepted and gives the same values."""
    _check_strategy(strategy, create_graph)
    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                              "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` "
                               "are not supported together. Please either set `strict=False` or "
                               "`vectorize=False`.")
        jacobian_rows = []
        for i, out in enumerate(outputs):
            flat = out.reshape(-1)
            rows: list[list[Tensor]] = [[] for _ in inputs]
            for k in range(out.nelement()):
                # d out[k] / d inputs: row k of this output's Jacobian, for every input
                grads = _grad((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
                for j, (g, inp) in enumerate(zip(grads, inputs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent "
                                               f"of input {j}. This is not allowed in strict mode.")
                        g = _zeros_like(inp)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError(f"The jacobian of the user-provided function is independent of "
                                           f"input {i}. This is not allowed in strict mode when "
                                           "create_graph=True.")
                    rows[j].append(g)
            jacobian_rows.append(tuple(
                _stack(rows_j, inp).view(tuple(out.shape) + tuple(inp.shape))
                for rows_j, inp in zip(rows, inputs)))
        return _unpack(_finish(tuple(jacobian_rows), create_graph), (outputs_is_tuple, inputs_is_tuple))


def _stack(rows: list[Tensor], like: Tensor) -> Tensor:
    """The rows stacked (an output with no element has no rows: an empty block)."""
    from .._creation import zeros
    from ..ops.shape import stack
    if not rows:
        return zeros((0,) + tuple(like.shape), dtype=like.dtype)
    return stack(rows, 0)


def hessian(func: Callable[..., Tensor], inputs: TensorOrTensors, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a function with a single-element output: the jacobian of its gradient,
    entry ``[i][j]`` of shape ``inputs[i].shape + inputs[j].shape``."""
    inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_func(*inp: Tensor) -> Tensor:
        out = func(*inp)
        out_is_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        _single_element_output(outs, out_is_tuple, "hessian")
        return out.squeeze()

    def gradient(*inp: Tensor) -> tuple[Tensor, ...]:
        jac = jacobian(scalar_func, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                      strategy=outer_jacobian_strategy)
    return _unpack(result, (inputs_is_tuple, inputs_is_tuple))


def vhp(func: Callable[..., Tensor], inputs: TensorOrTensors, v: TensorOrTensors | None = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), v^T H)`` for a function with a single-element output: the gradient,
    differentiated once more against ``v``."""
    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            v = _prepare_v(v, "vhp", create_graph, inputs, inputs_is_tuple)
        elif len(inputs) != 1 or inputs[0].nelement() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function "
                               "is a single Tensor with a single element.")
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                              "vhp")
        _check_requires_grad(outputs, "outputs", strict)
        _single_element_output(outputs, outputs_is_tuple, "vhp")
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _fill_in_zeros(_grad(jac, inputs, v, create_graph=create_graph), inputs, strict,
                                create_graph, "double_back")
    return (_unpack(_finish(outputs, create_graph), outputs_is_tuple),
            _unpack(_finish(result, create_graph), inputs_is_tuple))


def hvp(func: Callable[..., Tensor], inputs: TensorOrTensors, v: TensorOrTensors | None = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), H v)`` for a function with a single-element output, by the double-vjp
    trick on the gradient (the same as ``vhp`` for a twice continuously differentiable function,
    whose Hessian is symmetric)."""
    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            v = _prepare_v(v, "hvp", create_graph, inputs, inputs_is_tuple)
        elif len(inputs) != 1 or inputs[0].nelement() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function "
                               "is a single Tensor with a single element.")
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                              "hvp")
        _check_requires_grad(outputs, "outputs", strict)
        _single_element_output(outputs, outputs_is_tuple, "hvp")
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        dummies = tuple(_zeros_like(inp, requires_grad=True) for inp in inputs)
        u_t_h = _grad(jac, inputs, dummies, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _fill_in_zeros(_grad(u_t_h, dummies, v, create_graph=create_graph), inputs, strict,
                                create_graph, "double_back_trick")
    return (_unpack(_finish(outputs, create_graph), outputs_is_tuple),
            _unpack(_finish(result, create_graph), inputs_is_tuple))
