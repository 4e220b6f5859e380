"""torch's "Other operations": diagonals and triangles, flips and rolls, grids and einsum.

Most of them only move elements, so each backward moves the gradient back with the same kind of
op: flip's backward is flip, roll's is roll the other way, rot90's is rot90 the other way, tril's
is tril.  ``diagonal`` and ``diag_embed`` are each other's backward.  ``einsum`` differentiates
into einsums: the gradient of one operand contracts the output gradient with the others.
"""
from __future__ import annotations

import operator
import warnings
from typing import Any, Sequence

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Function
from ._util import named, wrap_dim
from .indexing import _SCALAR_TYPE, index_select, user_stacklevel
from .shape import _as_view, _permuted, expand, reshape, unsqueeze

__all__ = ["outer", "ger", "trace", "diag", "diagonal", "diag_embed", "tril", "triu", "flip", "fliplr",
           "flipud", "roll", "rot90", "repeat_interleave", "meshgrid", "einsum"]


def _ints(value: Any, name: str, fn: str) -> tuple:
    """A ``dims``-like argument that torch requires to be a sequence of ints."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{fn}(): argument '{name}' (position 2) must be tuple of ints, not "
                        f"{type(value).__name__}")
    return tuple(operator.index(v) for v in value)


def _distinct_dims(dims: Sequence[int], ndim: int) -> tuple:
    axes = tuple(wrap_dim(d, ndim) for d in dims)
    for a in axes:
        if axes.count(a) > 1:
            raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
    return axes


# ----- diagonals ------------------------------------------------------------------------------------
def _diagonal_array(a: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    """numpy's diagonal of ``a`` as a *writable* view (np.diagonal's is read-only): cut out the
    square block the diagonal runs through, move its two dims last, and let einsum take the
    diagonal, which it returns as a view.  Its layout is the other dims, then the diagonal."""
    start1, start2 = max(-offset, 0), max(offset, 0)
    length = max(min(a.shape[dim1] - start1, a.shape[dim2] - start2), 0)
    key = [slice(None)] * a.ndim
    key[dim1], key[dim2] = slice(start1, start1 + length), slice(start2, start2 + length)
    rest = [d for d in range(a.ndim) if d not in (dim1, dim2)]
    return np.einsum("...ii->...i", a[tuple(key)].transpose(rest + [dim1, dim2]))


class Diagonal(Function):
    """The diagonal of the (dim1, dim2) planes, a view; its backward writes the gradient back onto
    the diagonal of a zero tensor (``DiagonalBackward``)."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.in_shape, ctx.args = x._array.shape, (offset, dim1, dim2)
        return _diagonal_array(x._array, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalBackward.apply(grad, ctx.in_shape, *ctx.args), None, None, None


class DiagonalCopy(Diagonal):
    """``diag`` of a matrix: the diagonal as a new tensor (torch names this node after diagonal_copy)."""

    node_name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        return Diagonal.forward(ctx, x, offset, dim1, dim2).copy()


class DiagonalBackward(Function):
    """A zero tensor of ``shape`` with ``values`` on its (offset, dim1, dim2) diagonal.  Its own
    backward reads that diagonal: ``Diagonal``."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, values, shape, offset, dim1, dim2):
        ctx.args = (offset, dim1, dim2)
        out = np.zeros(shape, dtype=values._array.dtype)
        _diagonal_array(out, offset, dim1, dim2)[...] = values._array
        return out

    @staticmethod
    def backward(ctx, grad):
        return Diagonal.apply(grad, *ctx.args), None, None, None, None


class DiagEmbed(DiagonalBackward):
    """``diag_embed`` (and ``diag`` of a vector): the same op, under the name torch gives it."""

    node_name = "DiagEmbedBackward0"


class Trace(Function):
    """The sum of the main diagonal; backward: the gradient on that diagonal, zeros elsewhere."""

    @staticmethod
    def forward(ctx, x):
        ctx.in_shape = x._array.shape
        a = x._array
        return np.trace(a, dtype=np.int64 if a.dtype.kind in "iu" else a.dtype)  # ints sum in int64

    @staticmethod
    def backward(ctx, grad):
        k = min(ctx.in_shape)
        # (torch builds this gradient in a flat view of zeros, and names its node after the view)
        return named(DiagonalBackward.apply(grad.expand(k), ctx.in_shape, 0, 0, 1), "ViewBackward0")


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The ``offset`` diagonal of each (dim1, dim2) plane, as a new last dim (a view of input)."""
    n = input._array.ndim
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = operator.index(offset)
    return _as_view(Diagonal.apply(input, offset, d1, d2), input, lambda t: diagonal(t, offset, d1, d2))


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A tensor with one more dim whose (dim1, dim2) planes have input's last dim on their
    ``offset`` diagonal, zeros elsewhere."""
    n = input._array.ndim + 1
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = operator.index(offset)
    size = input._array.shape[-1] + abs(offset)
    rest = iter(input._array.shape[:-1])
    shape = tuple(size if d in (d1, d2) else next(rest) for d in range(n))
    return DiagEmbed.apply(input, shape, offset, d1, d2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A vector's square matrix with it on the ``diagonal``-th diagonal, or a matrix's diagonal."""
    n = input._array.ndim
    if n == 1:
        size = input._array.shape[0] + abs(diagonal)
        return DiagEmbed.apply(input, (size, size), operator.index(diagonal), 0, 1)
    if n == 2:
        return DiagonalCopy.apply(input, operator.index(diagonal), 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")


def trace(input: Tensor) -> Tensor:
    """The sum of a matrix's main diagonal (integers sum to int64, as torch's sum does)."""
    if input._array.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._array.ndim}")
    if input._array.dtype.kind == "b":
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return Trace.apply(input)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """``input[i] * vec2[j]``: a column times a row, broadcast (torch computes it with a mul too)."""
    for name, v in (("self", input), ("vec2", vec2)):
        if v._array.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v._array.ndim}-D")
    return reshape(input, (-1, 1)) * vec2


ger = outer


# ----- triangles -----------------------------------------------------------------------------------
class Tril(Function):
    """Zero the elements above the ``diagonal``-th diagonal of the last two dims; backward: the same
    to the gradient (the zeroed elements did not reach the output)."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, diagonal):
        ctx.diagonal = diagonal
        return np.tril(x._array, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Tril.apply(grad, ctx.diagonal), None


class Triu(Function):
    """The upper triangle; as ``Tril``, its backward is itself."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, diagonal):
        ctx.diagonal = diagonal
        return np.triu(x._array, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Triu.apply(grad, ctx.diagonal), None


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below the ``diagonal``-th diagonal) of the last two dims."""
    if input._array.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return Tril.apply(input, operator.index(diagonal))


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above the ``diagonal``-th diagonal) of the last two dims."""
    if input._array.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return Triu.apply(input, operator.index(diagonal))


# ----- flips, rolls, rotations ---------------------------------------------------------------------
class Flip(Function):
    """Reverse the order along ``axes``; backward: reverse the gradient the same way."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return np.flip(x._array, axes).copy()  # a copy: torch's flip is not a view

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, ctx.axes), None


class Roll(Function):
    """Shift elements along ``axes`` (all of them flattened, if None), wrapping around."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return np.roll(x._array, shifts, axes)

    @staticmethod
    def backward(ctx, grad):
        return Roll.apply(grad, tuple(-s for s in ctx.shifts), ctx.axes), None, None


class Rot90(Function):
    """Rotate by ``k`` quarter turns in the ``axes`` plane; backward: rotate back by ``-k``."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, k, axes):
        ctx.k, ctx.axes = k, axes
        return np.rot90(x._array, k, axes).copy()

    @staticmethod
    def backward(ctx, grad):
        return Rot90.apply(grad, -ctx.k, ctx.axes), None, None


def flip(input: Tensor, dims: Sequence[int]) -> Tensor:
    """Reverse the order of elements along ``dims`` (a copy)."""
    axes = _distinct_dims(_ints(dims, "dims", "flip"), input._array.ndim)
    return Flip.apply(input, axes if input._array.ndim else ())


def fliplr(input: Tensor) -> Tensor:
    """Reverse the columns (dim 1), left to right."""
    if input._array.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip.apply(input, (1,))


def flipud(input: Tensor) -> Tensor:
    """Reverse the rows (dim 0), up to down."""
    if input._array.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip.apply(input, (0,))


def roll(input: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
    """Shift elements by ``shifts`` along ``dims``, wrapping around; without dims the tensor is
    rolled as if flattened."""
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    shifts = tuple(operator.index(s) for s in shifts)
    dim_list = () if dims is None else tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims is None and len(shifts) == 1:
        return Roll.apply(input, shifts, None)
    if len(shifts) != len(dim_list):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dim_list)}")
    n = input._array.ndim
    if n == 0:
        raise IndexError(f"Dimension specified as {dim_list[0]} but tensor has no dimensions")
    return Roll.apply(input, shifts, tuple(wrap_dim(d, n) for d in dim_list))


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times, from the first of ``dims`` towards the second."""
    dims = _ints(dims, "dims", "rot90")
    n = input._array.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = wrap_dim(dims[0], n), wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and "
                           f"dim1 = {dims[1]}")
    return Rot90.apply(input, operator.index(k) % 4, (d0, d1))


# ----- repeats and grids ---------------------------------------------------------------------------
def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Repeat each element (each slice along ``dim``; without dim, of the flattened tensor)
    ``repeats`` times: an int, or a tensor of counts, one per slice.  With only a tensor of counts,
    the indices ``0, 1, ...`` each repeated that many times."""
    if repeats is None:  # repeat_interleave(counts)
        return repeat_interleave(Tensor._make(np.arange(input._array.shape[0])), input)
    if dim is None:
        input, dim = reshape(input, -1), 0
    d = wrap_dim(dim, input._array.ndim)
    n = input._array.shape[d] if input._array.ndim else 1
    if isinstance(repeats, Tensor):
        counts = repeats._array
        if counts.dtype.kind not in "iu":
            raise NotImplementedError("\"repeat_interleave_cpu\" not implemented for "
                                      f"'{_SCALAR_TYPE[counts.dtype.name]}'")
        if counts.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if counts.ndim == 1 and counts.shape[0] not in (1, n):
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {counts.shape[0]} and input.size({d}) = {n}")
        if (counts < 0).any():
            raise RuntimeError("repeats can not be negative")
    else:
        counts = np.asarray(operator.index(repeats))
        if counts < 0:
            raise RuntimeError("Repeats must be non-negative")
    index = np.repeat(np.arange(n), np.broadcast_to(counts.reshape(-1), (n,)))
    if output_size is not None and output_size != index.size:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {index.size} but got "
                           f"{output_size}")
    if input._array.ndim == 0:
        input = reshape(input, 1)
    if not isinstance(repeats, Tensor):
        # an int count: each slice stacked `repeats` times in a new dim, then merged into dim d
        shape = input._array.shape
        stacked = expand(unsqueeze(input, d + 1), shape[:d + 1] + (int(counts),) + shape[d + 1:])
        return named(reshape(stacked, shape[:d] + (index.size,) + shape[d + 1:]), "ViewBackward0")
    return index_select(input, d, Tensor._make(index))


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple:
    """Coordinate grids: the i-th output holds the i-th 1-D tensor's values along dim i ('ij'
    indexing) and is constant along the others.  'xy' indexing swaps the first two dims (the
    Cartesian convention: x varies along columns)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(f"{_dtype.DISPLAY_NAME[0]}.meshgrid: in an upcoming release, it will be required "
                      "to pass the indexing argument.", UserWarning, stacklevel=user_stacklevel())
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"{_dtype.DISPLAY_NAME[0]}.meshgrid: indexing must be one of \"xy\" or "
                           f"\"ij\", but received: {indexing}")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t._array.ndim > 1:
            raise RuntimeError(f"{_dtype.DISPLAY_NAME[0]}.meshgrid: Expected 0D or 1D tensor in the tensor "
                               f"list but got: {t}")
        if t._array.dtype != tensors[0]._array.dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        tensors = (tensors[1], tensors[0]) + tuple(tensors[2:])
    shape = tuple(t._array.size for t in tensors)
    grids = []
    for i, t in enumerate(tensors):
        along_i = tuple(-1 if j == i else 1 for j in range(len(tensors)))
        grids.append(expand(reshape(t, along_i), shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


# ----- einsum ---------------------------------------------------------------------------------------
class Einsum(Function):
    """``np.einsum`` over operands that each name every dim once (``einsum`` reduces repeated and
    private labels first).  The gradient of operand k is itself an einsum: the output gradient
    contracted with the other operands, written out in operand k's labels."""

    @staticmethod
    def forward(ctx, *operands, subscripts, output):
        ctx.subscripts, ctx.output = subscripts, output
        ctx.save_for_backward(*operands)
        contracted = set("".join(subscripts)) - set(output)
        # torch's einsum ends in a view of a bmm when it contracts, else in a mul
        ctx.node_name = "ViewBackward0" if contracted else "MulBackward0"
        # optimize: contract pairwise through BLAS, as torch does with bmm (a plain einsum loops in C)
        return np.einsum(",".join(subscripts) + "->" + output, *[o._array for o in operands], optimize=True)

    @staticmethod
    def backward(ctx, grad):
        operands, subs = ctx.saved_tensors, ctx.subscripts
        grads = []
        for k, needed in enumerate(ctx.needs_input_grad):
            if not needed:
                grads.append(None)
                continue
            others = [i for i in range(len(operands)) if i != k]
            grads.append(Einsum.apply(grad, *[operands[i] for i in others],
                                      subscripts=(ctx.output,) + tuple(subs[i] for i in others),
                                      output=subs[k]))
        return tuple(grads)


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _parse_equation(equation: str, n_operands: int) -> tuple[list, list | None]:
    """Split an einsum equation into per-operand label lists (with "..." as one item) and the
    output's (None when implicit), with torch's errors."""
    terms: list = [[]]
    output = None
    i = 0
    while i < len(equation):
        c = equation[i]
        current = terms[-1] if output is None else output
        where = "output" if output is not None else f"operand {len(terms) - 1}"
        if c == " ":
            i += 1
        elif c == ".":
            if equation[i:i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for {where} that is not part of any ellipsis")
            if "..." in current:
                raise RuntimeError(f"einsum(): found '.' for {where} for which an ellipsis was already found")
            current.append("...")
            i += 3
        elif c == "," and output is None:
            terms.append([])
            i += 1
        elif c == "-" and output is None and equation[i:i + 2] == "->":
            output = []
            i += 2
        elif c in _LETTERS:
            current.append(c)
            i += 1
        else:
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
    if len(terms) > n_operands:
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < n_operands:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    return terms, output


def _sublist_equation(args: tuple) -> tuple[str, tuple]:
    """``einsum(op0, [0, 1], op1, [1, 2], [0, 2])``: the same as an equation, with label k as the
    k-th of A-Z, a-z (so implicit outputs sort the same way)."""
    def labels(sub: Sequence) -> str:
        return "".join("..." if s is Ellipsis else _LETTERS[operator.index(s)] for s in sub)
    operands, terms = args[0::2], args[1::2]
    n = len(terms)
    equation = ",".join(labels(t) for t in terms[:len(operands)])
    if len(args) % 2:  # an odd count: the last one is the output's sublist
        operands, equation = operands[:-1], ",".join(labels(t) for t in terms[:n]) + "->" + labels(args[-1])
    return equation, tuple(operands)


def einsum(*args: Any) -> Tensor:
    """Sum of products over labelled dims: ``einsum("ij,jk->ik", a, b)`` is ``a @ b``.

    Operands come as arguments or as one list; "..." stands for broadcast leading dims; without
    "->" the output has the labels used once, sorted.  A label repeated in one operand takes its
    diagonal, a label missing from the output is summed over."""
    if not args or (isinstance(args[0], str) and len(args) == 1):
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at "
                         "least one operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    terms, output = _parse_equation(equation, len(operands))
    operands = list(operands)
    dtype = operands[0]._array.dtype
    for op in operands:
        if op._array.dtype != dtype:
            raise RuntimeError(f"expected scalar type {_SCALAR_TYPE[dtype.name]} but found "
                               f"{_SCALAR_TYPE[op._array.dtype.name]}")

    # "..." becomes explicit labels (unused letters), right-aligned across operands as broadcasting is
    used = set("".join("".join(t) for t in terms))
    spare = [c for c in _LETTERS if c not in used]
    n_ellipsis = 0
    for k, (t, op) in enumerate(zip(terms, operands)):
        n_named = len(t) - t.count("...")
        ndim = op._array.ndim
        if "..." not in t and n_named != ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n_named}) does not "
                               f"match the number of dimensions ({ndim}) for operand {k} and no ellipsis was "
                               "given")
        if "..." in t and n_named > ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n_named}) is more "
                               f"than the number of dimensions ({ndim}) for operand {k}")
        if "..." in t:
            n_ellipsis = max(n_ellipsis, ndim - n_named)
    ell = "".join(spare[:n_ellipsis])
    labels = []
    for t, op in zip(terms, operands):
        covered = op._array.ndim - (len(t) - t.count("..."))
        labels.append("".join(ell[n_ellipsis - covered:] if c == "..." else c for c in t))
    everywhere = "".join(labels)
    if output is None:  # implicit: the ellipsis dims, then the labels used once, sorted
        once = [c for c in set(everywhere) - set(ell) if everywhere.count(c) == 1]
        out = ell + "".join(sorted(once))
    else:
        out = "".join(ell if c == "..." else c for c in output)
        for c in output:
            if c != "..." and c not in everywhere:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for "
                                   "any input operand")
            if c != "..." and output.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")

    # each label's size; size-1 dims broadcast to it
    sizes: dict = {}
    for k, (lab, op) in enumerate(zip(labels, operands)):
        for c, n in zip(lab, op._array.shape):
            if lab.count(c) > 1 and n != op._array.shape[lab.index(c)]:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes "
                                   f"don't match, {op._array.shape[lab.index(c)]} != {n}")
            if sizes.get(c, 1) != 1 and n not in (1, sizes[c]):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not "
                                   f"broadcast with previously seen size {sizes[c]}")
            if n != 1 or c not in sizes:
                sizes[c] = n
    for k, (lab, op) in enumerate(zip(labels, operands)):
        target = tuple(sizes[c] for c in lab)
        if target != op._array.shape:
            operands[k] = expand(op, target)

    # a label repeated within an operand: take that diagonal; a label only one operand has and
    # the output lacks: sum it there.  What is left for Einsum names each dim once.
    summed = False
    for k in range(len(operands)):
        lab = labels[k]
        while len(set(lab)) < len(lab):
            c = next(c for c in lab if lab.count(c) > 1)
            i, j = lab.index(c), lab.index(c, lab.index(c) + 1)
            operands[k] = diagonal(operands[k], 0, i, j)
            lab = "".join(x for n, x in enumerate(lab) if n not in (i, j)) + c
        others = "".join(labels[:k] + labels[k + 1:]) + out
        private = [i for i, c in enumerate(lab) if c not in others]
        if private:
            operands[k] = operands[k].sum(private)
            lab = "".join(c for i, c in enumerate(lab) if i not in private)
            summed = True
        labels[k] = lab

    if len(operands) == 1:
        if summed and labels[0] == out:  # torch's einsum ends in that sum too
            return operands[0]
        return _permuted(operands[0], tuple(labels[0].index(c) for c in out))
    return Einsum.apply(*operands, subscripts=tuple(labels), output=out)

