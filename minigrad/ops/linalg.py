"""Matrix products.  For C = A @ B: dL/dA = dL/dC @ B^T and dL/dB = A^T @ dL/dC."""
from __future__ import annotations

import math

import numpy as np

from .._tensor import _SCALAR_TYPE, Tensor
from ..autograd.function import Function
from ._util import C_TYPE, named, operands, write_out
from .shape import sum_to_array


# torch's errors for an out= of another dtype than the product's, one per kernel
_MM_OUT = "Expected out tensor to have dtype {result_c}, but got {out_c} instead"
# (batched matrix @ vector runs as one matrix-vector product)
_MV_OUT = "addmv input tensors must have the same dtype, but got {out}, {result}, and {result}"
_DOT_OUT = "result dtype {out} does not match input dtype {result}"


def _shape_str(shape: tuple) -> str:
    return "x".join(map(str, shape))


def _check(a: np.ndarray, b: np.ndarray) -> None:
    """torch's messages for each way a product can fail, as the kernel torch runs for these dims
    words them: dot, mv or mm (a batch times a matrix or vector is folded into one), or bmm."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a.ndim}D and {b.ndim}D")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.ndim >= 3 and b.ndim <= 2:  # folded: a's batch dims become rows
        rows = math.prod(a.shape[:-1])
        if k_a != k_b and b.ndim == 1:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k_a}), vec ({k_b})")
        if k_a != k_b:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and "
                               f"{_shape_str(b.shape)})")
        return
    if b.ndim >= 3:  # both expanded to the broadcast batch, then one bmm
        batch = _broadcast_batch(a.shape[:-2], b.shape[:-2])
        if k_a != k_b:
            n = math.prod(batch)
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {k_a}] "
                               f"but got: [{n}, {k_b}].")
        return
    if k_a != k_b:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to "
                               f"have the same number of elements, but got {k_a} and {k_b} elements "
                               "respectively")
        if a.ndim == 2 and b.ndim == 1:
            raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({_shape_str(a.shape)}), "
                               f"vec ({b.shape[0]})")
        rows = _shape_str(a.shape[-2:] if a.ndim > 1 else (1, k_a))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows} and {_shape_str(b.shape)})")


def _broadcast_batch(sa: tuple, sb: tuple) -> tuple:
    """The batch dims of a batched product, with torch's message if they do not broadcast."""
    n = max(len(sa), len(sb))
    out = []
    for i in range(n - 1, -1, -1):  # (torch reports the last mismatching dim)
        x = sa[i - n + len(sa)] if i - n + len(sa) >= 0 else 1
        y = sb[i - n + len(sb)] if i - n + len(sb) >= 0 else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                               f"non-singleton dimension {i}")
        out.append(y if x == 1 else x)
    return tuple(out[::-1])


def _check_dtypes(a: Tensor, b: Tensor) -> None:
    """torch multiplies only tensors of one dtype (no promotion), and words the refusal as the
    kernel it dispatches to for these dims: dot, addmv (matrix @ vector), mm, or bmm."""
    da, db = a._array.dtype, b._array.dtype
    if da == db:
        return
    A, B = _SCALAR_TYPE[da.name], _SCALAR_TYPE[db.name]
    na, nb = a._array.ndim, b._array.ndim
    if na == nb == 1:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {A} and {B}")
    if nb == 1:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {B}, {A}, and {B}")
    if nb == 2:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {C_TYPE[da.name]} != "
                           f"{C_TYPE[db.name]}")
    raise RuntimeError(f"expected scalar type {A} but found {B}")


def _check_kernel(a: Tensor, b: Tensor) -> None:
    """For operands of two dtypes, or bool ones: torch's checks in its order -- the shapes, then
    the dtypes (dot: the other way round), then bool, which no kernel multiplies (unless there is
    nothing to multiply: an empty product is zeros)."""
    x, y = a._array, b._array
    kernel = "dot" if x.ndim == y.ndim == 1 else "addmv_impl_cpu" if y.ndim == 1 else \
        "addmm_impl_cpu_" if y.ndim == 2 else "bmm"
    if kernel == "dot":
        _check_dtypes(a, b)
    _check(x, y)
    if kernel == "bmm":  # (its kernel is picked by the first operand's dtype before the check)
        _check_bool(x, y, kernel)
    _check_dtypes(a, b)
    _check_bool(x, y, kernel)


def _check_bool(x: np.ndarray, y: np.ndarray, kernel: str) -> None:
    if x.dtype.kind == "b" and (kernel == "dot" or x.size and y.size):
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        try:
            out = np.matmul(a._array, b._array)
        except ValueError:  # numpy refuses every case torch does: say it with torch's message
            _check(a._array, b._array)
            raise
        needs = ctx.needs_input_grad
        if needs and not (needs[0] and needs[1]):
            # as torch, keep each operand only for the other's gradient: a later in-place change of
            # the one not kept is no error; backward has only its shape and dtype
            ctx.save_for_backward(a if needs[1] else None, b if needs[0] else None)
            missing = a if needs[0] else b
            ctx.missing = (0 if needs[0] else 1, missing._array.shape, missing._array.dtype)
        else:
            ctx.save_for_backward(a, b)
        ctx.layout = a._array.ndim, b._array.ndim, a._requires_grad  # for name() only
        return out

    # torch's matmul dispatches on the dims: dot, mv, mm, or mm/bmm on reshaped operands, the last
    # reshape naming the node (a matrix times a batch, with a needing grad, ends in a clone)
    _NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4",
              (2, 2): "MmBackward0"}

    def name(self) -> str:
        if self.node_name is not None:
            return self.node_name
        na, nb, a_grad = self.layout
        name = self._NAMES.get((na, nb))
        if name is None:
            name = "CloneBackward0" if na == 2 and a_grad else "UnsafeViewBackward0"
        return name

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        if a is None or b is None:  # a stand-in of the right shape (no memory) for the one not kept
            i, shape, dtype = ctx.missing
            stand_in = Tensor._make(np.broadcast_to(np.zeros((), dtype), shape))
            a, b = (stand_in, b) if i == 0 else (a, stand_in)
        return MatMulBackward.apply(grad, a, b, ctx.needs_input_grad)


class MatMulBackward(Function):
    """Both gradients of a @ b in one op: (grad @ b^T, a^T @ grad), a vector taken as a row (a)
    or a column (b), broadcast batch dims summed away; None where ``needs`` says so.

    Its own backward, for second derivatives: the outputs are linear in grad, in a and in b, so
    given (gga, ggb) for them,  d/dgrad = gga @ b + a @ ggb  (the product rule of a @ b along
    (gga, ggb)),  d/da = the a-gradient of a @ ggb,  d/db = the b-gradient of gga @ b (both for
    upstream gradient grad: this op again, once on (grad, gga, ggb) when both are wanted)."""

    materialize_grads = False  # an output that gets no gradient contributes no term

    @staticmethod
    def forward(ctx, grad, a, b, needs):
        ctx.save_for_backward(grad, a, b)
        g, x, y = grad._array, a._array, b._array
        x2 = x[None, :] if x.ndim == 1 else x
        y2 = y[:, None] if y.ndim == 1 else y
        if x.ndim == 1:
            g = np.expand_dims(g, -2 if y.ndim > 1 else 0)
        if y.ndim == 1:
            g = g[..., None]
        ga = sum_to_array(g @ y2.swapaxes(-1, -2), x2.shape).reshape(x.shape) if needs[0] else None
        gb = sum_to_array(x2.swapaxes(-1, -2) @ g, y2.shape).reshape(y.shape) if needs[1] else None
        return ga, gb

    @staticmethod
    def backward(ctx, gga, ggb):
        grad, a, b = ctx.saved_tensors
        n_grad, na, nb = ctx.needs_input_grad[:3]
        d_grad = None
        if n_grad:  # the product rule gga @ b + a @ ggb, without an absent term
            if gga is not None and ggb is not None:
                d_grad = MatMulPair.apply(gga, b, a, ggb)
            elif gga is not None:
                d_grad = MatMul.apply(gga, b)
            elif ggb is not None:
                d_grad = MatMul.apply(a, ggb)
        want_a, want_b = na and ggb is not None, nb and gga is not None
        if want_a and want_b:  # (grad @ ggb^T, gga^T @ grad): both in one op
            d_a, d_b = MatMulBackward.apply(grad, gga, ggb, (True, True))
        else:
            d_a = MatMulBackward.apply(grad, a, ggb, (True, False))[0] if want_a else None
            d_b = MatMulBackward.apply(grad, gga, b, (False, True))[1] if want_b else None
        return d_grad, d_a, d_b, None


class MatMulPair(Function):
    """``x1 @ y1 + x2 @ y2`` as one op: the product rule in every matmul's double backward (three
    ops otherwise).  Its backward is each product's, by MatMulBackward."""

    @staticmethod
    def forward(ctx, x1, y1, x2, y2):
        ctx.save_for_backward(x1, y1, x2, y2)
        return np.matmul(x1._array, y1._array) + np.matmul(x2._array, y2._array)

    @staticmethod
    def backward(ctx, grad):
        x1, y1, x2, y2 = ctx.saved_tensors
        n = ctx.needs_input_grad
        g1 = MatMulBackward.apply(grad, x1, y1, n[0:2]) if n[0] or n[1] else (None, None)
        g2 = MatMulBackward.apply(grad, x2, y2, n[2:4]) if n[2] or n[3] else (None, None)
        return (*g1, *g2)


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Matrix product with numpy/torch semantics: 1-D vectors, 2-D matrices, batched broadcasting."""
    if out is not None:  # computed as usual, then stored in out (of the very same dtype)
        a, b = input.ndim, other.ndim  # torch words the error as the product it runs
        message = _DOT_OUT if a == b == 1 else _MV_OUT if a > 2 and b == 1 else _MM_OUT
        return write_out(out, matmul(input, other), "matmul", message)
    if isinstance(input, Tensor) and isinstance(other, Tensor) and input.ndim and other.ndim and (
            input._array.dtype != other._array.dtype or input._array.dtype.kind == "b"):
        _check_kernel(input, other)
    a, b = operands(input, other)
    return MatMul.apply(a, b)


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    if out is not None:  # computed as usual, then stored in out (of the very same dtype)
        return write_out(out, mm(input, mat2), "mm", _MM_OUT)
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"{'self' if input.ndim != 2 else 'mat2'} must be a matrix")
    return matmul(input, mat2)


def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    if out is not None:  # computed as usual, then stored in out (of the very same dtype)
        return write_out(out, bmm(input, mat2), "bmm", _MM_OUT)
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if input.ndim != 3 else "batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0]}, {input.shape[2]}] but got: "
                           f"[{mat2.shape[0]}, {mat2.shape[1]}].")
    return named(matmul(input, mat2), "BmmBackward0")


def mv(input: Tensor, vec: Tensor, *, out: Tensor | None = None) -> Tensor:
    if out is not None:  # computed as usual, then stored in out (of the very same dtype)
        return write_out(out, mv(input, vec), "mv", _MM_OUT)
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    return matmul(input, vec)


def dot(input: Tensor, tensor: Tensor, *, out: Tensor | None = None) -> Tensor:
    if out is not None:  # computed as usual, then stored in out (of the very same dtype)
        return write_out(out, dot(input, tensor), "dot", _DOT_OUT)
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    return matmul(input, tensor)
