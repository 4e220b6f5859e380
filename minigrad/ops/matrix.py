"""Functions of square matrices: inverse, determinant, log-determinant and linear solves
(``torch.linalg.inv/det/slogdet/solve`` and ``torch.inverse/det/logdet/slogdet``).

Each gradient comes from one identity:  d(A^-1) = -A^-1 dA A^-1,  d(det A) = det A tr(A^-1 dA),
d(log|det A|) = tr(A^-1 dA), and for X = A^-1 B,  dX = A^-1 (dB - dA X).  The backward passes
are written with these ops themselves, so second derivatives come free."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._tensor import _SCALAR_TYPE, Tensor
from ..autograd.function import Function
from ._util import broadcast_shapes
from .shape import sum_to

__all__ = ["LinAlgError", "inverse", "det", "logdet", "slogdet", "linalg_inv", "linalg_det",
           "linalg_slogdet", "linalg_solve"]


class LinAlgError(RuntimeError):
    """``torch.linalg.LinAlgError``: the matrix is singular, so the answer does not exist."""


LinAlgError.__name__ = LinAlgError.__qualname__ = "_LinAlgError"  # the name torch's class prints


# ----- checks, with torch's words ---------------------------------------------------------------
def _check_square(A: Tensor, fn: str, half: str = "low precision") -> None:
    """torch's refusals in torch's order: too few dims, not square, not a float dtype.  float16
    is refused as "low precision" or, where torch reaches its LU kernel first, as that kernel."""
    if A.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    m, n = A.shape[-2:]
    if m != n:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are {m} by {n} matrices")
    dtype = A._array.dtype
    if dtype.kind != "f":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. "
                           f"Got {_SCALAR_TYPE[dtype.name]}")
    if dtype == np.float16:
        if half == "low precision":
            raise RuntimeError(f"{fn}: Low precision dtypes not supported. Got Half")
        raise NotImplementedError("\"lu_cpu\" not implemented for 'Half'")


def _zero_pivot(a: np.ndarray) -> int:
    """The first (1-based) diagonal element of U that is exactly zero in the LU factorization
    of ``a`` with partial pivoting (LAPACK getrf's ``info``), in a's dtype; 0 when there is none."""
    a = np.array(a)
    for j in range(a.shape[0]):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        if a[p, j] == 0:
            return j + 1
        a[[j, p]] = a[[p, j]]
        a[j + 1:, j] /= a[j, j]
        a[j + 1:, j + 1:] -= np.outer(a[j + 1:, j], a[j, j + 1:])
    return 0


def _singular(A: np.ndarray, message: str) -> LinAlgError:
    """torch's LinAlgError for the first singular matrix of ``A`` (a batch is named by element)."""
    for i, a in enumerate(A.reshape(-1, *A.shape[-2:])):
        info = _zero_pivot(a)
        if info:
            return LinAlgError(message.format(batch=f"(Batch element {i}): " if A.ndim > 2 else "",
                                              info=info))
    return LinAlgError(message.format(batch="", info=0))


# ----- inverse ----------------------------------------------------------------------------------
class Inverse(Function):
    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, A):
        try:
            out = np.linalg.inv(A._array)
        except np.linalg.LinAlgError:
            raise _singular(A._array, "linalg.inv: {batch}The diagonal element {info} is zero, the "
                            "inversion could not be completed because the input matrix is singular."
                            ) from None
        out = Tensor._make(out.astype(A._array.dtype, copy=False))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        inv_t = ctx.saved_tensors[0].mT  # d(A^-1) = -A^-1 dA A^-1, transposed for the gradient
        return -(inv_t @ grad @ inv_t)


def linalg_inv(A: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.inv``: the inverse of each square matrix of ``A``; a singular one raises
    ``LinAlgError`` naming the zero pivot, as torch does."""
    _check_square(A, "linalg.inv")
    return _store(out, Inverse.apply(A))


def inverse(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.inverse``: ``torch.linalg.inv``."""
    return linalg_inv(input, out=out)


# ----- determinants -----------------------------------------------------------------------------
class Det(Function):
    node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, A):
        d = Tensor._make(np.asarray(np.linalg.det(A._array), dtype=A._array.dtype))
        ctx.save_for_backward(A, d)
        return d

    @staticmethod
    def backward(ctx, grad):
        A, d = ctx.saved_tensors
        if A.numel() == 0:
            return A.detach() * 0
        g = (grad * d)[..., None, None]
        try:  # det A * A^-T, when every matrix has an inverse
            return g * Inverse.apply(A).mT
        except LinAlgError:  # the adjugate through the SVD: no division (first order only)
            return Tensor._make(_adjugate_t(A._array) * grad._array[..., None, None])


def _adjugate_t(A: np.ndarray) -> np.ndarray:
    """The transposed adjugate (cofactor matrix) of each matrix: U diag(prod of the other
    singular values) Vh, scaled by det U det Vh; defined for singular matrices too."""
    U, S, Vh = np.linalg.svd(A)
    n = S.shape[-1]
    others = np.stack([np.prod(np.delete(S, i, axis=-1), axis=-1) for i in range(n)], axis=-1)
    scale = (np.linalg.det(U) * np.linalg.det(Vh))[..., None]
    return ((U * (scale * others)[..., None, :]) @ Vh).astype(A.dtype, copy=False)


def linalg_det(A: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.det``: the determinant of each square matrix of ``A``."""
    _check_square(A, "linalg.det", half="lu")
    return _store(out, Det.apply(A))


def det(input: Tensor) -> Tensor:
    """``torch.det``: ``torch.linalg.det``."""
    return linalg_det(input)


class SignLogAbsDet(NamedTuple):
    """What ``slogdet`` returns: the sign of the determinant and the log of its absolute value."""
    sign: Tensor
    logabsdet: Tensor


class Slogdet(Function):
    node_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, A):
        sign, logabsdet = np.linalg.slogdet(A._array)
        ctx.save_for_backward(A)
        dtype = A._array.dtype
        return np.asarray(sign, dtype), np.asarray(logabsdet, dtype)

    @staticmethod
    def backward(ctx, grad_sign, grad_logabsdet):
        A, = ctx.saved_tensors  # d log|det A| = tr(A^-1 dA): the gradient is A^-T (a sign has none)
        return grad_logabsdet[..., None, None] * Inverse.apply(A).mT


def linalg_slogdet(A: Tensor, *, out: tuple | None = None) -> SignLogAbsDet:
    """``torch.linalg.slogdet``: (sign, log|det|) of each square matrix, exact where det
    under- or overflows."""
    _check_square(A, "linalg.slogdet")
    return SignLogAbsDet(*Slogdet.apply(A))


def slogdet(input: Tensor) -> SignLogAbsDet:
    """``torch.slogdet``: ``torch.linalg.slogdet``."""
    return linalg_slogdet(input)


def logdet(input: Tensor) -> Tensor:
    """``torch.logdet``: log det, nan where the determinant is negative (-inf where it is 0)."""
    _check_square(input, "logdet")
    from .arithmetic import where  # (a cycle at import time otherwise)
    sign, logabsdet = Slogdet.apply(input)
    return where(sign < 0, float("nan"), logabsdet)


# ----- solve ------------------------------------------------------------------------------------
def _is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    """B is a vector right-hand side when it is 1-d, or A's batch of vectors (A.shape[:-1])."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


class Solve(Function):
    """X with A X = B (``left``) or X A = B; a ``vector`` B is taken as a column."""
    node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, A, B, left, vector):
        a, b = A._array, (B._array[..., None] if vector else B._array)
        if not left:  # X A = B  <=>  A^T X^T = B^T
            a, b = a.swapaxes(-1, -2), b.swapaxes(-1, -2)
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = np.broadcast_to(a, batch + a.shape[-2:])
        try:
            x = np.linalg.solve(a, np.broadcast_to(b, batch + b.shape[-2:]))
        except np.linalg.LinAlgError:
            raise _singular(a, "torch.linalg.solve: {batch}The solver failed because the input "
                            "matrix is singular.") from None
        x = x if left else x.swapaxes(-1, -2)
        X = Tensor._make((x[..., 0] if vector else x).astype(a.dtype, copy=False))
        ctx.save_for_backward(A, X)
        ctx.left, ctx.vector = left, vector
        return X

    @staticmethod
    def backward(ctx, grad):
        A, X = ctx.saved_tensors
        left, vector = ctx.left, ctx.vector
        gB = Solve.apply(A.mT, grad, left, vector)  # the adjoint system: A^T gB = grad
        g, x = (gB.unsqueeze(-1), X.unsqueeze(-1)) if vector else (gB, X)
        gA = -(g @ x.mT) if left else -(x.mT @ g)
        return sum_to(gA, A.shape), gB, None, None


def linalg_solve(A: Tensor, B: Tensor, *, left: bool = True, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.solve``: X with A X = B (X A = B when ``left=False``), batched and
    broadcast; B of shape A.shape[:-1] (or 1-d) is a vector right-hand side."""
    _check_square(A, "linalg.solve", half="lu")
    if B.ndim < 1:
        raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{_SCALAR_TYPE[A._array.dtype.name]} and B of type "
                           f"{_SCALAR_TYPE[B._array.dtype.name]} instead")
    vector = _is_vector_rhs(A, B)
    n = A.shape[-1]
    rows, cols = (B.shape[-1], 1) if vector else B.shape[-2:]
    if (rows if left else cols) != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {rows}x{cols})")
    broadcast_shapes(tuple(B.shape[:-1] if vector else B.shape[:-2]), tuple(A.shape[:-2]))  # torch's order
    return _store(out, Solve.apply(A, B, left, vector))


def _store(out: Tensor | None, result: Tensor) -> Tensor:
    if out is None:
        return result
    from ._util import write_out
    return write_out(out, result, "linalg", "Expected out tensor to have dtype {result_c}, but got "
                     "{out_c} instead")
