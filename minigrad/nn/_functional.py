"""The basic functional forms: ``linear``, the common activations, ``softmax``, ``dropout`` and
``one_hot`` (re-exported by ``nn.functional``).

``linear`` is one fused op (x @ W^T + b), so a small model's forward pass is a handful of graph
nodes.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._creation import zeros
from .._tensor import Tensor
from ..autograd.function import Function, ImplicitNode
from ..ops import pointwise, reduction
from ..ops._util import sum_terms
from ..ops.linalg import _check as _check_matmul
from .loss_functions import _SCALAR_NAMES


class Linear(Function):
    """y = x @ W^T + b for x of shape (*, in_features), W (out_features, in_features), b (out,)."""

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        ctx.layout = x._array.ndim, bias is not None  # for name() and next_functions only
        try:
            out = np.matmul(x._array, weight._array.T)
        except ValueError:
            _check_matmul(x._array, weight._array.T)  # raises torch's message for the mismatch
            raise
        if bias is not None:
            out += bias._array  # out is a fresh array: adding in place saves a copy
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        return LinearBackward.apply(grad, x, weight, ctx.needs_input_grad)

    # torch's linear is addmm(bias, x, weight.t()) for a matrix x, mm(x, weight.t()) without a bias;
    # other inputs are reshaped around those, and the last reshape names the node
    _NAMES = {(2, True): "AddmmBackward0", (2, False): "MmBackward0", (1, True): "ViewBackward0",
              (1, False): "SqueezeBackward4"}

    def name(self) -> str:
        ndim, has_bias = self.layout
        return self._NAMES.get((ndim, has_bias)) or ("ViewBackward0" if has_bias else "UnsafeViewBackward0")

    def _shown_next(self, functions: tuple) -> tuple:
        """For a matrix input, torch's inputs of addmm/mm: (bias,) x, weight.t()."""
        if self.layout[0] != 2:
            return functions
        x, weight, bias = functions
        if weight[0] is not None:
            weight = (ImplicitNode("TBackward0", (weight,)), 0)
        return (bias, x, weight) if self.layout[1] else (x, weight)


def _rows(a: np.ndarray) -> np.ndarray:
    """``a`` as a matrix with one row per sample: every leading dim is a batch dim."""
    return a if a.ndim == 2 else a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


class LinearBackward(Function):
    """The three gradients of ``linear`` as one op (torch's addmm backward also computes them in
    one node), with g = dL/dy and every leading dim a batch dim:

        dL/dx = g @ W,    dL/dW = g^T @ x,    dL/db = g summed over the batch.

    Only those flagged in ``needs`` (x, W, b) are computed; the others are None.  Its own backward,
    for second derivatives, takes the gradients (gx', gW', gb') that reach those three outputs:

        d/dg = gx' @ W^T + x @ gW'^T + gb',    d/dx = g @ gW',    d/dW = g^T @ gx'."""

    materialize_grads = False  # an output that gets no gradient contributes no term

    @staticmethod
    def forward(ctx, grad, x, weight, needs):
        ctx.save_for_backward(grad, x, weight)
        g = grad._array
        gx = np.matmul(g, weight._array) if needs[0] else None
        g = _rows(g)
        gw = g.T @ _rows(x._array) if needs[1] else None
        gb = g.sum(0) if needs[2] else None
        return gx, gw, gb

    @staticmethod
    def backward(ctx, ggx, ggw, ggb):
        grad, x, weight = ctx.saved_tensors
        n_grad, nx, nw = ctx.needs_input_grad[:3]
        d_grad = sum_terms(ggx @ weight.t() if ggx is not None else None,
                           x @ ggw.t() if ggw is not None else None,
                           ggb.expand(grad.shape) if ggb is not None else None) if n_grad else None
        d_x = grad @ ggw if nx and ggw is not None else None
        d_w = None
        if nw and ggx is not None:
            n_out, n_in = weight.shape
            rows = math.prod(grad.shape[:-1])
            d_w = grad.reshape(rows, n_out).t() @ ggx.reshape(rows, n_in)
        return d_grad, d_x, d_w, None


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``: the affine map of ``nn.Linear``."""
    if not isinstance(input, Tensor):  # (a numpy array, a list: torch converts nothing here)
        kind = type(input)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"linear(): argument 'input' (position 1) must be Tensor, not {name}")
    if input._array.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are 0D and "
                           f"{weight.ndim}D")
    if weight._array.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {weight.ndim}-D tensor")
    if bias is not None:
        _same_dtype("self", bias, weight)  # torch's addmm(bias, input, weight.T) checks these first
        _same_dtype("mat1", input, weight)
        if bias._array.shape not in ((), (1,), weight._array.shape[:1]):
            out_shape = [*input.shape[:-1], weight.shape[0]]
            raise RuntimeError(f"The expanded size of the tensor ({weight.shape[0]}) must match the "
                               f"existing size ({bias.shape[-1]}) at non-singleton dimension "
                               f"{len(out_shape) - 1}.  Target sizes: {out_shape}.  Tensor sizes: "
                               f"{list(bias.shape)}")
    elif input._array.dtype != weight._array.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_C_TYPES.get(input.dtype.name, input.dtype.name)} != "
                           f"{_C_TYPES.get(weight.dtype.name, weight.dtype.name)}")
    return Linear.apply(input, weight, bias)


_C_TYPES = {"float32": "float", "float64": "double", "float16": "c10::Half"}  # C++ names torch prints


def _same_dtype(name: str, a: Tensor, weight: Tensor) -> None:
    if a._array.dtype != weight._array.dtype:
        raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                           f"{_SCALAR_NAMES[a.dtype.name]} and {_SCALAR_NAMES[weight.dtype.name]}")


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return input.relu_() if inplace else pointwise.relu(input)


def sigmoid(input: Tensor) -> Tensor:
    return pointwise.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    return pointwise.tanh(input)


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    """torch's deprecated guess when ``dim`` is omitted (0 for 0-, 1- and 3-D input, else 1)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return reduction.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    """x - logsumexp(x) along ``dim``: the log of softmax, computed without overflow."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return reduction.log_softmax(input, dim, dtype=dtype)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p), in training only.

    As torch's CPU kernel: the mask is ``empty_like(input).bernoulli_(1 - p)`` divided by (1-p),
    then multiplied in, so the same seed drops the same elements as torch."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        noise = zeros((), dtype=input.dtype)  # multiply, so nan stays nan, as torch
    else:
        noise = Tensor._make(np.empty_like(input._array))  # input's layout: torch draws in memory order
        noise.bernoulli_(1 - p)
        noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor with a trailing dim of size ``num_classes``: 1 at each index, 0 elsewhere."""
    if tensor._array.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    a = tensor._array
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    if a.size and a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if a.size and a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._make((a[..., None] == np.arange(num_classes)).astype(np.int64))
