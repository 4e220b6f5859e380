"""Vector and matrix norms: ``torch.norm`` / ``Tensor.norm`` and ``torch.linalg``'s
``vector_norm``, ``matrix_norm`` and ``norm``.

Every vector norm is one op, ``LinalgVectorNorm``: ``(sum |x|^p)^(1/p)`` over the reduced dims, with
its limits p = inf (the largest |x|), -inf (the smallest) and 0 (the count of nonzeros).  The
matrix norms are built from it, as torch builds them.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import _SCALAR_TYPE, Tensor
from ..autograd.function import Function
from ._util import dims, numpy_spellings, wrap_dim
from .arithmetic import where
from .reduction import amax, amin

__all__ = ["linalg_matrix_norm", "linalg_norm", "linalg_vector_norm", "norm"]

_TYPE_WORD = _SCALAR_TYPE  # torch's names for dtypes in messages: Float, Long, ...


def _kept(t: Tensor, in_shape: tuple, axes: tuple, keepdim: bool) -> Tensor:
    """A reduced tensor reshaped with its reduced dims kept (size 1), to broadcast against the input."""
    if keepdim or not in_shape:
        return t
    return t.reshape(tuple(1 if i in axes else n for i, n in enumerate(in_shape)))


class LinalgVectorNorm(Function):
    """The p-norm over ``axes``.  Backward: torch's norm_backward, case by case (its subgradient
    choices: 0 where the norm is 0, an inf-norm's gradient shared by the tied largest |x|)."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        # in the input's dtype, as torch: squares of float32 below 1e-19 underflow to 0 there too
        a = np.abs(x._array)
        if p != 0 and math.prod(a.shape[ax] for ax in axes) == 1:  # torch: one element's norm is |x|
            out = a if keepdim else a.reshape([n for i, n in enumerate(a.shape) if i not in axes])
        elif p == 0:
            out = np.sum(a != 0, axis=axes, keepdims=keepdim).astype(a.dtype)
        elif p == math.inf:
            out = np.max(a, axis=axes, keepdims=keepdim)
        elif p == -math.inf:
            out = np.min(a, axis=axes, keepdims=keepdim)
        elif p == 1:
            out = np.sum(a, axis=axes, keepdims=keepdim)
        elif p == 2:
            out = np.sqrt(np.sum(a * a, axis=axes, keepdims=keepdim))
        else:
            out = np.sum(a ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)
        out = Tensor._make(np.asarray(out, dtype=x._array.dtype))
        ctx.save_for_backward(x, out)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, norm = ctx.saved_tensors
        p, axes, shape = ctx.p, ctx.axes, x._array.shape
        if p == 0:  # a count: no gradient at all (torch's is undefined)
            return None, None, None, None
        grad, norm = _kept(grad, shape, axes, ctx.keepdim), _kept(norm, shape, axes, ctx.keepdim)
        if p == 1:
            return x.sign() * grad, None, None, None
        if p == 2:  # x / norm, a subgradient of 0 where the norm is 0
            return grad * where(norm == 0, 0.0, x / norm), None, None, None
        if math.isinf(p):  # the gradient of amax(|x|), shared equally by ties (and by nans)
            a = x.abs()
            winners = (a == norm) | a.isnan()
            return x.sign() * (grad / winners.sum(axes, keepdim=True) * winners), None, None, None
        if p < 1:  # |x|^(p-1) is inf at 0: those elements get 0
            scaled = x.sign() * where(x == 0, 0.0, x.abs() ** (p - 1))
            return scaled * grad * norm ** (1 - p), None, None, None
        scaled = x.sign() * x.abs() ** (p - 1) if p < 2 else x * x.abs() ** (p - 2)
        return scaled * where(norm == 0, 0.0, grad / norm ** (p - 1)), None, None, None


def _float_input(input: Tensor, dtype: Any, name: str) -> Tensor:
    """torch's checks: a floating input; a ``dtype`` that does not narrow it (the input is cast)."""
    kind = input._array.dtype
    if kind.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_TYPE_WORD[kind.name]}")
    if dtype is None:
        return input
    target = _dtype.as_dtype(dtype)
    if target.np.kind != "f" or target.np.itemsize < kind.itemsize:
        raise RuntimeError(f"{name}: the dtype of the input ({_TYPE_WORD[kind.name]}) should be convertible "
                           f"without narrowing to the specified dtype ({_TYPE_WORD[target.np.name]})")
    return input.to(target)


@numpy_spellings
def linalg_vector_norm(x: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False, *,
                       dtype: Any = None) -> Tensor:
    """``torch.linalg.vector_norm``: the ``ord``-norm of ``x`` over ``dim`` (all dims by default)
    as a flat vector."""
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.number)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    x = _float_input(x, dtype, "linalg.vector_norm")
    axes = dims(None if dim in ((), []) else dim, x._array.ndim)
    if (ord < 0 or ord == math.inf) and x._array.size == 0:  # no identity: max, min, 1 / (sum of nothing)
        what = f"{ord:g}"
        if dim is None:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {what} norm on an empty tensor "
                               "because the operation does not have an identity")
        empty = [a for a in axes if x._array.shape[a] == 0]
        if empty:  # (torch's message has no space before "because")
            raise RuntimeError(f"linalg.vector_norm cannot compute the {what} norm on the dimension "
                               f"{empty[0]}because this dimension is empty and the operation does not "
                               "have an identity")
    return LinalgVectorNorm.apply(x, float(ord), axes, keepdim)


def _matrix_dims(A: Tensor, dim: Any) -> tuple[int, int]:
    if A._array.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = (wrap_dim(d, A._array.ndim) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


@numpy_spellings
def linalg_matrix_norm(A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,
                       dtype: Any = None) -> Tensor:
    """``torch.linalg.matrix_norm``: 'fro' (the 2-norm of the entries), 1 / -1 (the largest /
    smallest column sum of |A|) and inf / -inf (row sums), over the two dims ``dim``.  The norms
    that need singular values ('nuc', 2, -2) are not implemented."""
    _float_input(A, None, "linalg.matrix_norm")
    d0, d1 = _matrix_dims(A, tuple(dim))
    if ord == "fro":
        return linalg_vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} needs singular values, which minigrad "
                                  "does not compute")
    if isinstance(ord, str) or ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if math.isinf(ord):  # row sums instead of column sums
        d0, d1 = d1, d0
    sums = linalg_vector_norm(A, 1, d0, keepdim, dtype=dtype)  # |A| summed over d0
    if not keepdim and d0 < d1:
        d1 -= 1
    return (amax if ord > 0 else amin)(sums, d1, keepdim)


@numpy_spellings
def linalg_norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """``torch.linalg.norm``: a vector norm over one dim (or all, flattened, when neither ``ord``
    nor ``dim`` is given), a matrix norm over two."""
    if dim is not None:
        dim_ = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dim_) == 1 and not isinstance(ord, str):
            return linalg_vector_norm(A, 2 if ord is None else ord, dim_, keepdim, dtype=dtype)
        return linalg_matrix_norm(A, "fro" if ord is None else ord, dim_, keepdim, dtype=dtype)
    if ord is None:
        return linalg_vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A._array.ndim not in (1, 2):
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A._array.ndim}D.")
    if A._array.ndim == 1 and not isinstance(ord, str):  # (a named ord is a matrix norm's)
        return linalg_vector_norm(A, ord, None, keepdim, dtype=dtype)
    return linalg_matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, out: Any = None,
         dtype: Any = None) -> Tensor:
    """``torch.norm`` / ``Tensor.norm``, as torch now computes it: a number ``p`` (None: 2) is a
    vector norm over ``dim``; 'fro' too, over up to two dims; any other string is a matrix norm."""
    if out is not None:
        raise NotImplementedError("norm(): minigrad does not support out=")
    dim_ = None if dim is None else [dim] if isinstance(dim, int) else dim
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return linalg_vector_norm(input, 2, dim_, keepdim, dtype=dtype)
        return linalg_matrix_norm(input, p, list(range(input.ndim)) if dim_ is None else dim_, keepdim,
                                  dtype=dtype)
    return linalg_vector_norm(input, 2.0 if p is None else p, dim_, keepdim, dtype=dtype)
