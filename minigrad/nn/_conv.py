"""The Functions behind convolution, pooling, padding and unfold/fold.

The one idea: a convolution is a matrix product in disguise.  ``unfold`` (im2col) lays every
window the kernel visits out as a column (a strided *view* of the padded input, copied once into
a matrix), and the convolution is then ``weight (O, C*K) @ columns (C*K, L)``.  Backward:

    d/d weight  = grad (O, L) @ columns^T
    d/d columns = weight^T @ grad,   and  d/d input = fold(d/d columns)

where ``fold`` (col2im) is unfold run backwards: it adds every column back onto the window it came
from, summing where windows overlap.  Unfold and fold are linear and each is the other's backward
(``Im2Col`` / ``Col2Im`` below), so every backward here is written with Tensor ops and second
derivatives come free.  Pooling reuses the same windows: average pooling is a sum over each
window (backward: spread the gradient back with fold), max pooling picks one element per window
(backward: send the gradient to that element).

Spatial dims are the trailing ``n`` dims (n = 1 or 2); ``pads`` is ``((lo, hi), ...)`` per
spatial dim, so asymmetric padding ('same' with an even kernel, ceil_mode) needs no special case.
"""
from __future__ import annotations

import itertools
import math
import warnings
from typing import Any, Callable

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._creation import zeros
from .._tensor import Tensor
from ..autograd.function import Function
from ..autograd.grad_mode import GradMode

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool1d", "max_pool2d",
           "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "pad", "unfold", "fold"]


# ----- numpy helpers: windows as a strided view, and their inverse ---------------------------
def out_size(size: int, k: int, d: int, lo: int, hi: int, s: int) -> int:
    """How many windows of ``k`` taps ``d`` apart, ``s`` apart, fit in ``lo + size + hi``."""
    return (size + lo + hi - d * (k - 1) - 1) // s + 1


def pad_array(a: np.ndarray, pads: tuple, value: float = 0.0) -> np.ndarray:
    """``a`` with its trailing dims padded by ``pads`` ((lo, hi) each) filled with ``value``."""
    if not any(lo or hi for lo, hi in pads):
        return a
    n = len(pads)
    shape = a.shape[:-n] + tuple(s + lo + hi for s, (lo, hi) in zip(a.shape[-n:], pads, strict=True))
    out = np.full(shape, value, dtype=a.dtype)
    out[(Ellipsis, *(slice(lo, lo + s) for s, (lo, _) in zip(a.shape[-n:], pads, strict=True)))] = a
    return out


def windows(xp: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple) -> np.ndarray:
    """The windows of the (already padded) ``xp`` as a read-only strided view, no copy:
    shape ``(*lead, *kernel, *out)``: element ``[..., i, j, y, x]`` is
    ``xp[..., y * stride + i * dilation, x * stride + j * dilation]``."""
    n = len(kernel)
    outs = tuple(out_size(s, k, d, 0, 0, st) for s, k, d, st in
                 zip(xp.shape[-n:], kernel, dilation, stride, strict=True))
    steps = xp.strides[-n:]
    return as_strided(xp, xp.shape[:-n] + tuple(kernel) + outs,
                      xp.strides[:-n] + tuple(t * d for t, d in zip(steps, dilation, strict=True))
                      + tuple(t * s for t, s in zip(steps, stride, strict=True)), writeable=False)


def im2col(x: np.ndarray, kernel: tuple, dilation: tuple, pads: tuple, stride: tuple) -> np.ndarray:
    """(*lead, C, *size) -> (*lead, C * K, L): one column per window (K taps, L windows)."""
    w = windows(pad_array(x, pads), kernel, dilation, stride)
    n = len(kernel)
    c = x.shape[-n - 1]
    return w.reshape(w.shape[:-2 * n - 1] + (c * math.prod(kernel), math.prod(w.shape[-n:])))


def col2im(cols: np.ndarray, size: tuple, kernel: tuple, dilation: tuple, pads: tuple,
           stride: tuple) -> np.ndarray:
    """The inverse layout of ``im2col``, summing overlaps: (*lead, C * K, L) -> (*lead, C, *size).
    One strided add per kernel tap: tap (i, j) of every window lands on
    ``xp[..., i*d : i*d + s*(out-1) + 1 : s, ...]``."""
    n = len(kernel)
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, pads, strict=True))
    outs = tuple(out_size(s, k, d, 0, 0, st) for s, k, d, st in
                 zip(padded, kernel, dilation, stride, strict=True))
    lead = cols.shape[:-2]
    c = cols.shape[-2] // math.prod(kernel) if math.prod(kernel) else 0
    cols = cols.reshape(lead + (c,) + tuple(kernel) + outs)
    xp = np.zeros(lead + (c,) + padded, dtype=cols.dtype)
    every = (slice(None),) * n
    for tap in itertools.product(*(range(k) for k in kernel)):
        region = tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                       for i, d, s, o in zip(tap, dilation, stride, outs, strict=True))
        xp[(Ellipsis, *region)] += cols[(Ellipsis, *tap, *every)]
    return xp[(Ellipsis, *(slice(lo, lo + s) for s, (lo, _) in zip(size, pads, strict=True)))]


def _zeros(meta: tuple) -> Tensor:
    """Zeros of (shape, dtype): the derivative of a backward's result w.r.t. the forward's input,
    which it does not depend on."""
    return zeros(meta[0], dtype=meta[1])


# ----- unfold and fold: each the other's backward ----------------------------------------------
class Im2Col(Function):
    """``F.unfold``: (*lead, C, *size) -> (*lead, C * K, L), each window as a column."""

    @staticmethod
    def forward(ctx, x, kernel, dilation, pads, stride):
        ctx.geometry = (x._array.shape[-len(kernel):], kernel, dilation, pads, stride)
        return im2col(x._array, kernel, dilation, pads, stride)

    @staticmethod
    def backward(ctx, grad):
        return Col2Im.apply(grad, *ctx.geometry), None, None, None, None


class Col2Im(Function):
    """``F.fold``: (*lead, C * K, L) -> (*lead, C, *size), overlapping windows summed.

    When it computes the backward of another op (``backward_of``: "Convolution", "AvgPool2D"),
    it is named as torch names that backward's node, and ``like`` is that op's input: the result
    does not depend on its values but stays connected to it, as in torch (so it requires grad
    when that input does), with a zero derivative (none at all for a convolution, whose double
    backward in torch leaves it undefined: allow_unused then gives None)."""

    @staticmethod
    def forward(ctx, cols, size, kernel, dilation, pads, stride, like=None, backward_of=None):
        ctx.geometry = (kernel, dilation, pads, stride)
        if backward_of is not None:
            ctx.node_name = backward_of + "BackwardBackward0"
        unused = like is None or backward_of == "Convolution"
        ctx.like_meta = None if unused else (like._array.shape, like.dtype)
        return col2im(cols._array, size, kernel, dilation, pads, stride)

    @staticmethod
    def backward(ctx, grad):
        zero = _zeros(ctx.like_meta) if ctx.like_meta and ctx.needs_input_grad[6] else None
        return Im2Col.apply(grad, *ctx.geometry), None, None, None, None, None, zero, None


# ----- convolution -------------------------------------------------------------------------------
class Convolution(Function):
    """``out = weight @ unfold(input) + bias``, per group.  With G groups the C*K rows of the
    columns split into G blocks and the O filters too; block g of the filters sees block g of the
    columns only: weight (G, O/G, C/G*K) @ columns (N, G, C/G*K, L) -> (N, G, O/G, L)."""

    @staticmethod
    def forward(ctx, x, weight, bias, stride, pads, dilation, groups):
        ctx.save_for_backward(x, weight)
        ctx.geometry = (stride, pads, dilation, groups)
        w = weight._array
        n_out, kernel = w.shape[0], w.shape[2:]
        cols = im2col(x._array, kernel, dilation, pads, stride)  # (N, C*K, L)
        ctx.cols = cols  # kept for the weight's gradient: recomputing costs as much as this copy
        batch, rows, length = cols.shape
        out = np.matmul(w.reshape(groups, n_out // groups, rows // groups),
                        cols.reshape(batch, groups, rows // groups, length))
        outs = tuple(out_size(s, k, d, lo, hi, st) for s, k, d, (lo, hi), st in
                     zip(x._array.shape[2:], kernel, dilation, pads, stride, strict=True))
        out = out.reshape((batch, n_out) + outs)
        if bias is not None:
            out += bias._array.reshape((n_out,) + (1,) * len(kernel))
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        stride, pads, dilation, groups = ctx.geometry
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        n_out, kernel = weight.shape[0], tuple(weight.shape[2:])
        batch, rows = x.shape[0], weight.shape[1] * math.prod(kernel)  # rows per group
        length = math.prod(grad.shape[2:])  # L: one column per output position
        g = grad.reshape(batch, groups, n_out // groups, length)
        w = weight.reshape(groups, n_out // groups, rows)
        gx = gw = gb = None
        if need_x:  # d/d columns = weight^T @ grad; fold sends each column back to its window
            cols_grad = (w.transpose(-1, -2) @ g).reshape(batch, groups * rows, length)
            gx = Col2Im.apply(cols_grad, tuple(x.shape[2:]), kernel, dilation, pads, stride, x,
                              "Convolution")
        if need_w:  # grad @ columns^T, summed over the batch
            if GradMode.enabled and x.requires_grad:  # create_graph: the columns as a function of x
                cols = Im2Col.apply(x, kernel, dilation, pads, stride)
            else:
                cols = Tensor._make(ctx.cols)
            cols = cols.reshape(batch, groups, rows, length)
            gw = (g @ cols.transpose(-1, -2)).sum(0).reshape(weight.shape)
        if need_b:
            gb = grad.sum((0, *range(2, grad.ndim)))
        return gx, gw, gb, None, None, None, None


# ----- transposed convolution -------------------------------------------------------------------
class ConvTranspose(Function):
    """The adjoint of ``Convolution`` (its input-gradient map), with its own weight and bias:
    every input element spreads ``weight``-weighted copies of itself over a kernel-sized window of
    the output, windows ``stride`` apart, overlaps summed.  As matrices, per group:
    columns = weight^T (O/G*K, C/G) @ input (C/G, L), then fold adds each column onto its window
    of the full output ((in - 1) * stride + dilation * (k - 1) + 1 per dim); ``crop`` ((lo, hi)
    per dim) then removes ``padding`` from both ends and adds ``output_padding`` back at the end.

    Backward: d/d input is the convolution of the gradient with the same weight (so its backward
    is free), d/d weight = input @ unfold(gradient)^T, d/d bias the summed gradient."""

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, crop, dilation, groups):
        ctx.save_for_backward(x, weight)
        ctx.geometry = (stride, crop, dilation, groups)
        a, w = x._array, weight._array
        n_in, kernel = w.shape[0], w.shape[2:]
        n_out = w.shape[1] * groups
        batch, length = a.shape[0], math.prod(a.shape[2:])
        rows = w.shape[1] * math.prod(kernel)  # per group
        cols = np.matmul(w.reshape(groups, n_in // groups, rows).transpose(0, 2, 1),
                         a.reshape(batch, groups, n_in // groups, length))  # (N, G, rows, L)
        full = tuple((s - 1) * st + d * (k - 1) + 1 for s, st, d, k in
                     zip(a.shape[2:], stride, dilation, kernel, strict=True))
        out = col2im(cols.reshape(batch, groups * rows, length), full, kernel, dilation,
                     ((0, 0),) * len(kernel), stride)
        out = pad_array(out, tuple((0, max(-hi, 0)) for _, hi in crop))  # output_padding beyond reach
        out = out[(Ellipsis, *(slice(lo, lo + f - lo - hi) for f, (lo, hi) in zip(full, crop, strict=True)))]
        out = np.ascontiguousarray(out)
        if bias is not None:
            out += bias._array.reshape((n_out,) + (1,) * len(kernel))
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        stride, crop, dilation, groups = ctx.geometry
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        kernel = tuple(weight.shape[2:])
        g = grad
        if any(hi < 0 for _, hi in crop):  # the output_padding no window reached: cut it off first
            g = ConstantPadNd.apply(grad, tuple((0, min(hi, 0)) for _, hi in crop), 0)
        pads = tuple((lo, max(hi, 0)) for lo, hi in crop)  # the gradient padded back to the full output
        gx = gw = gb = None
        if need_x:
            gx = Convolution.apply(g, weight, None, stride, pads, dilation, groups)
        if need_w:
            batch, n_in = x.shape[0], weight.shape[0]
            length = math.prod(x.shape[2:])
            cols = Im2Col.apply(g, kernel, dilation, pads, stride)  # (N, O*K, L)
            cols = cols.reshape(batch, groups, cols.shape[1] // groups, length)
            xs = x.reshape(batch, groups, n_in // groups, length)
            gw = (xs @ cols.transpose(-1, -2)).sum(0).reshape(weight.shape)
        if need_b:
            gb = grad.sum((0, *range(2, grad.ndim)))
        return gx, gw, gb, None, None, None, None


# ----- pooling -----------------------------------------------------------------------------------
class MaxPool2DWithIndices(Function):
    """The largest element of each window, and where it is (its flat index in the input's
    spatial plane).  Padding is -inf, so it never wins over an input element.  Backward: each
    output's gradient goes to its argmax (added up where overlapping windows share one)."""

    @staticmethod
    def forward(ctx, x, kernel, dilation, pads, stride):
        a = x._array
        fill = -np.inf if a.dtype.kind == "f" else np.iinfo(a.dtype).min
        w = windows(pad_array(a, pads, fill), kernel, dilation, stride)  # (N, C, kh, kw, oh, ow)
        taps = list(itertools.product(range(kernel[0]), range(kernel[1])))
        best = w[..., 0, 0, :, :]
        for i, j in taps[1:]:
            best = np.maximum(best, w[..., i, j, :, :])  # (nan propagates, as in torch)
        oh, ow = best.shape[-2:]
        h, width = a.shape[-2:]
        # tap (i, j) of output (y, x) reads input row y*s - lo + i*d and column x*s - lo + j*d
        y0 = np.arange(oh)[:, None] * stride[0] - pads[0][0]
        x0 = np.arange(ow)[None, :] * stride[1] - pads[1][0]
        # the argmax: torch keeps the first tap holding the maximum (a later one must be strictly
        # larger) and never a padding tap.  Score each tap holding the maximum by K - t and keep
        # the highest score: the first such tap t wins.
        n_taps = len(taps)
        score = np.zeros(best.shape, dtype=np.min_scalar_type(n_taps))
        padded = any(lo or hi for lo, hi in pads)
        for t, (i, j) in enumerate(taps):
            hit = w[..., i, j, :, :] == best
            if padded:
                row, col = y0 + i * dilation[0], x0 + j * dilation[1]
                hit &= (row >= 0) & (row < h) & (col >= 0) & (col < width)
            np.maximum(score, hit * score.dtype.type(n_taps - t), out=score)
        empty = score == 0  # windows with no input element (only padding): their max is -inf
        tap = np.where(empty, 0, n_taps - score.astype(np.int64))
        if a.dtype.kind == "f" and np.isnan(best).any():  # torch: the last nan of the window wins
            for t, (i, j) in enumerate(taps):
                np.copyto(tap, t, where=np.isnan(w[..., i, j, :, :]))
                empty &= ~np.isnan(w[..., i, j, :, :])
        # as a flat index into the input plane: the window's corner plus the tap's offset
        offsets = np.array([i * dilation[0] * width + j * dilation[1] for i, j in taps], dtype=np.int64)
        indices = y0 * width + x0 + offsets[tap]
        has_empty = bool(empty.any())
        if has_empty:  # torch reports where its scan would have started: the first tap at or after
            # row/column 0 (possibly past the input's end); its backward drops what falls outside
            ys = np.where(y0 < 0, y0 + -(y0 // dilation[0]) * dilation[0], y0)
            xs = np.where(x0 < 0, x0 + -(x0 // dilation[1]) * dilation[1], x0)
            indices = np.where(empty, ys * width + xs, indices)
        overlap = has_empty or any(s < d * (k - 1) + 1 for s, d, k in zip(stride, dilation, kernel,
                                                                         strict=True))
        ctx.indices, ctx.overlap = indices, overlap
        ctx.save_for_backward(x)  # for its shape, and to be an input of the backward (see there)
        return np.array(best, copy=True), indices  # int64 indices: not differentiable

    @staticmethod
    def backward(ctx, grad, _):
        (x,) = ctx.saved_tensors
        return MaxPool2DWithIndicesBackward.apply(grad, x, ctx.indices, ctx.overlap), None, None, None, None


class MaxPool2DWithIndicesBackward(Function):
    """Scatter: a zero tensor shaped like the pooled input with each output's gradient added at
    its argmax.  Its own backward gathers the incoming gradient back at those indices.  The pooled
    input is an input here (as in torch) though only its shape is used: so the result stays
    connected to it, and its derivative with respect to it is zero rather than an error."""

    node_name = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, x, indices, overlap):
        g, shape = grad._array, x._array.shape
        ctx.indices, ctx.input_shape = indices, shape
        lead, plane = shape[:-2], shape[-2] * shape[-1]
        n = math.prod(lead)
        # one flat index per output into (N*C*H*W): channel block offset + index in the plane
        flat = (indices.reshape(n, indices.size // max(n, 1)) + (np.arange(n) * plane)[:, None]).reshape(-1)
        out = np.zeros(n * plane, dtype=g.dtype)
        if overlap:  # an element can be the argmax of several windows: add them all
            inside = (indices >= 0).reshape(-1) & (indices < plane).reshape(-1)
            np.add.at(out, flat[inside], g.reshape(-1)[inside])
        else:  # windows are disjoint: each element receives at most one gradient
            out[flat] = g.reshape(-1)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        shape, plane = ctx.indices.shape, gg.shape[-2] * gg.shape[-1]
        inside = (ctx.indices >= 0) & (ctx.indices < plane)  # (see MaxPool2DWithIndices: -inf windows)
        idx = Tensor._make(np.where(inside, ctx.indices, 0).reshape(shape[:-2] + (shape[-2] * shape[-1],)))
        picked = gg.reshape(*gg.shape[:-2], plane).gather(-1, idx)
        if not inside.all():
            picked = picked * Tensor._make(inside.reshape(idx.shape).astype(gg._array.dtype))
        # the result does not depend on the input's values: zero (torch gives zeros, not None)
        gx = zeros(ctx.input_shape, dtype=gg.dtype) if ctx.needs_input_grad[1] else None
        return picked.reshape(ctx.indices.shape), gx, None, None


def avg_divisor(size: tuple, kernel: tuple, pads: tuple, stride: tuple, outs: tuple,
                count_include_pad: bool) -> np.ndarray:
    """The number each window's sum is divided by, shape ``outs``: the window's size clipped to
    the padded input (count_include_pad) or to the input itself.  Separable, so an outer product."""
    per_dim = []
    for s, k, (lo, _), st, o in zip(size, kernel, pads, stride, outs, strict=True):
        start = np.arange(o) * st - lo
        end = np.minimum(start + k, s + lo)  # the symmetric padding counts; ceil_mode's extra not
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, s)
        per_dim.append(end - start)
    return np.multiply.outer(*per_dim) if len(per_dim) == 2 else per_dim[0]


class AvgPool2D(Function):
    """The sum of each window divided by its divisor (zero padding).  Backward: each window
    gets grad / divisor on every element; fold adds them up where windows overlap."""

    @staticmethod
    def forward(ctx, x, kernel, pads, stride, divisor):
        ctx.geometry = (tuple(x._array.shape[-2:]), kernel, pads, stride)
        ctx.divisor = divisor
        ctx.save_for_backward(x)  # (to join the backward's result to it, see Col2Im)
        w = windows(pad_array(x._array, pads), kernel, (1, 1), stride)  # (N, C, kh, kw, oh, ow)
        return w.sum(axis=(-4, -3)) / divisor.astype(x._array.dtype)

    @staticmethod
    def backward(ctx, grad):
        size, kernel, pads, stride = ctx.geometry
        g = grad / Tensor._make(ctx.divisor.astype(grad._array.dtype))
        k = math.prod(kernel)
        lead, length = tuple(g.shape[:-2]), g.shape[-2] * g.shape[-1]
        cols = g.reshape(*lead, 1, length).expand(*lead, k, length).reshape(*lead[:-1], lead[-1] * k,
                                                                            length)
        (x,) = ctx.saved_tensors
        return Col2Im.apply(cols, size, kernel, (1, 1), pads, stride, x, "AvgPool2D"), None, None, None, None


def adaptive_matrix(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """(out, size): row i averages input elements floor(i*size/out) .. ceil((i+1)*size/out) - 1."""
    m = np.zeros((out, size), dtype=dtype)
    for i in range(out):
        start, end = (i * size) // out, -((-(i + 1) * size) // out)
        m[i, start:end] = 1.0 / (end - start)
    return m


class AdaptiveAvgPool2D(Function):
    """Averages over windows chosen so that the output has the requested size.  Each window is
    a block of rows times a block of columns, so the op is two matrix products with fixed
    averaging matrices: out = A_rows @ x @ A_cols^T, and grad_x = A_rows^T @ grad @ A_cols."""

    @staticmethod
    def forward(ctx, x, out_hw):
        a = x._array
        rows = adaptive_matrix(a.shape[-2], out_hw[0], a.dtype)
        cols = adaptive_matrix(a.shape[-1], out_hw[1], a.dtype)
        ctx.matrices, ctx.out_hw = (rows, cols), out_hw
        ctx.save_for_backward(x)
        return rows @ a @ cols.T

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return AdaptiveAvgPool2DBackward.apply(grad, x, ctx.matrices, ctx.out_hw), None


class AdaptiveAvgPool2DBackward(Function):
    """grad_x = A_rows^T @ grad @ A_cols.  Linear in grad, whose own gradient is the forward op
    again; the pooled input is an input too (only its shape matters), as in torch: the result
    stays connected to it with a zero derivative."""

    node_name = "AdaptiveAvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, x, matrices, out_hw):
        ctx.out_hw, ctx.like_meta = out_hw, (x._array.shape, x.dtype)
        rows, cols = matrices
        return rows.T @ grad._array @ cols

    @staticmethod
    def backward(ctx, gg):
        zero = _zeros(ctx.like_meta) if ctx.needs_input_grad[1] else None
        return AdaptiveAvgPool2D.apply(gg, ctx.out_hw), zero, None, None


# ----- padding -----------------------------------------------------------------------------------
class ConstantPadNd(Function):
    """Pad (or, with negative amounts, crop) the trailing dims with a constant.  Backward: the
    gradient of the kept region, i.e. the same op with the pads negated."""

    @staticmethod
    def forward(ctx, x, pads, value):
        ctx.pads = pads
        a = x._array
        n = len(pads)
        shape = a.shape[:-n] + tuple(s + lo + hi for s, (lo, hi) in zip(a.shape[a.ndim - n:], pads,
                                                                         strict=True))
        out = np.full(shape, value, dtype=a.dtype)
        # where the input lands in the output, and which part of the input survives a crop
        dst = tuple(slice(max(lo, 0), max(lo, 0) + max(s + min(lo, 0) + min(hi, 0), 0))
                    for s, (lo, hi) in zip(a.shape[a.ndim - n:], pads, strict=True))
        src = tuple(slice(max(-lo, 0), max(-lo, 0) + max(s + min(lo, 0) + min(hi, 0), 0))
                    for s, (lo, hi) in zip(a.shape[a.ndim - n:], pads, strict=True))
        out[(Ellipsis, *dst)] = a[(Ellipsis, *src)]
        return out

    @staticmethod
    def backward(ctx, grad):
        return ConstantPadNd.apply(grad, tuple((-lo, -hi) for lo, hi in ctx.pads), 0), None, None


class IndexPad(Function):
    """Reflect, replicate or circular padding: along each padded dim, output position p is a
    copy of input position ``index[p]`` (a gather).  Backward: add each gradient back onto the
    position it was copied from (IndexPadBackward)."""

    @staticmethod
    def forward(ctx, x, indices, node_name):
        ctx.node_name = node_name
        ctx.indices = indices
        ctx.save_for_backward(x)  # (for its shape, and to join the backward's result to it)
        a = x._array
        for axis, index in enumerate(indices, start=a.ndim - len(indices)):
            a = np.take(a, index, axis=axis)
        return a

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return IndexPadBackward.apply(grad, x, ctx.indices, ctx.node_name), None, None


class IndexPadBackward(Function):
    """Sum the padded gradient back onto the input positions it was copied from.  The padded
    input is an input here too (only its shape matters), as in torch: the result stays connected
    to it with a zero derivative."""

    @staticmethod
    def forward(ctx, grad, x, indices, node_name):
        ctx.node_name = node_name.replace("Backward0", "BackwardBackward0")
        ctx.indices, ctx.pad_name, ctx.like_meta = indices, node_name, (x._array.shape, x.dtype)
        shape = x._array.shape
        g = grad._array
        for axis, index in reversed(list(enumerate(indices, start=g.ndim - len(indices)))):
            out = np.zeros(g.shape[:axis] + (shape[axis],) + g.shape[axis + 1:], dtype=g.dtype)
            np.add.at(np.moveaxis(out, axis, 0), index, np.moveaxis(g, axis, 0))
            g = out
        return g

    @staticmethod
    def backward(ctx, gg):
        zero = _zeros(ctx.like_meta) if ctx.needs_input_grad[1] else None
        return IndexPad.apply(gg, ctx.indices, ctx.pad_name), zero, None, None


# ===== the public functions (re-exported by nn.functional), with torch's checks and messages =====
def _tuple(value: Any, n: int, fail: Callable[[], Exception]) -> tuple:
    """An int for every spatial dim, or a sequence of ``n`` of them; else raise ``fail()``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and len(value) == n:
        return tuple(int(v) for v in value)
    raise fail()


def _conv_param(value: Any, n: int, name: str) -> tuple:
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]  # a one-element list is broadcast to every dim
    return _tuple(value, n, lambda: RuntimeError(
        f"expected {name} to be a single integer value or a list of {n} values to match the convolution "
        f"dimensions, but got {name}={list(value) if isinstance(value, (tuple, list)) else value}"))


def _sizes(shape: tuple) -> str:
    return " x ".join(map(str, shape))


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int"}


def _check_conv_dtypes(x: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """torch's messages: the bias is checked first; then double input names both scalar types, any
    other input names the tensor types."""
    def c_name(t: Tensor) -> str:
        return {"float32": "float", "float64": "double"}.get(t.dtype.name, t.dtype.name)

    def type_name(t: Tensor) -> str:
        return _TYPE_NAMES.get(t.dtype.name, t.dtype.name)

    if bias is not None and bias.dtype != x.dtype:
        raise RuntimeError(f"Input type ({c_name(x)}) and bias type ({c_name(bias)}) should be the same")
    if weight.dtype != x.dtype:
        if x.dtype.name == "float64":
            raise RuntimeError(f"expected scalar type {type_name(x)} but found {type_name(weight)}")
        raise RuntimeError(f"Input type (torch.{type_name(x)}Tensor) and weight type (torch."
                           f"{type_name(weight)}Tensor) should be the same or input should be a MKLDNN "
                           "tensor and weight is a dense tensor")


def _conv(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any, dilation: Any,
          groups: int, n: int) -> Tensor:
    """conv1d (n = 1) and conv2d (n = 2): check as torch does, then one ``Convolution`` node."""
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to conv{n}d, but got "
                           f"input of size: {list(input.shape)}")
    batched = input.ndim == n + 2
    x = input if batched else input.unsqueeze(0)
    stride = _conv_param(stride, n, "stride")
    dilation = _conv_param(dilation, n, "dilation")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "same" and any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        if padding == "valid" or weight.ndim != n + 2:
            pads = ((0, 0),) * n
        else:  # output size = input size: pad d*(k-1) in all, the odd one out at the end
            totals = [d * (k - 1) for d, k in zip(dilation, kernel, strict=True)]
            pads = tuple((t // 2, t - t // 2) for t in totals)
            if any(t % 2 for t in totals):
                warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a "
                              "zero-padded copy of the input be created", stacklevel=3)
    else:
        pads = tuple((p, p) for p in _conv_param(padding, n, "padding"))
    if any(lo < 0 for lo, _ in pads):
        raise RuntimeError("negative padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if weight.ndim != x.ndim:
        raise RuntimeError(f"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional weight "
                           f"{list(weight.shape)}, but got {x.ndim}-dimensional input of size "
                           f"{list(x.shape)} instead")
    w_shape = list(weight.shape)
    if w_shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, "
                           f"but got weight of size {w_shape} instead")
    if w_shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
                           f"0, but got weight of size [{w_shape}] instead")
    if x.shape[1] != w_shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {w_shape}, expected input"
                           f"{list(x.shape)} to have {w_shape[1] * groups} channels, but got {x.shape[1]} "
                           "channels instead")
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads, strict=True))
    reach = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True))
    if any(p < r for p, r in zip(padded, reach, strict=True)):
        raise RuntimeError(f"Calculated padded input size per channel: ({_sizes(padded)}). Kernel size: "
                           f"({_sizes(reach)}). Kernel size can't be greater than actual input size")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != w_shape[0]):
        raise RuntimeError(f"Given weight of size {w_shape}, expected bias to be 1-dimensional with "
                           f"{w_shape[0]} elements, but got bias of size {list(bias.shape)} instead")
    _check_conv_dtypes(x, weight, bias)
    out = Convolution.apply(x, weight, bias, stride, pads, dilation, groups)
    return out if batched else out.squeeze(0)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation of (N, C, L) or (C, L) input with (O, C/groups, k) filters."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) or (C, H, W) input with (O, C/groups, kh, kw) filters.
    ``padding`` is an int, a pair, 'valid' (none) or 'same' (output size = input size)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2)


# ----- transposed convolution -------------------------------------------------------------------
def _transposed_param(value: Any, n: int, dims: int, name: str) -> tuple:
    """As torch: the binding makes an int n ints, then the convolution expands a one-element list
    to the weight's spatial dims and wants exactly that many otherwise."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value),) * n
    return _conv_param(value, dims, name)


def _conv_transpose(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,
                    output_padding: Any, groups: int, dilation: Any, n: int) -> Tensor:
    """conv_transpose1d (n = 1) and conv_transpose2d (n = 2): torch's checks, in its order, then one
    ``ConvTranspose`` node."""
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                           f"conv_transpose{n}d, but got input of size: {list(input.shape)}")
    if isinstance(padding, str):
        raise TypeError(f"conv_transpose{n}d(): argument 'padding' must be tuple of ints, not str")
    batched = input.ndim == n + 2
    x = input if batched else input.unsqueeze(0)
    dims = weight.ndim - 2
    stride = _transposed_param(stride, n, dims, "stride")
    padding = _transposed_param(padding, n, dims, "padding")
    output_padding = _transposed_param(output_padding, n, dims, "output_padding")
    dilation = _transposed_param(dilation, n, dims, "dilation")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    w_shape = list(weight.shape)
    if weight.ndim != x.ndim:
        raise RuntimeError(f"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional weight "
                           f"{w_shape}, but got {x.ndim}-dimensional input of size {list(x.shape)} instead")
    if w_shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, "
                           f"but got weight of size {w_shape} instead")
    if w_shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
                           f"0, but got weight of size [{w_shape}] instead")
    if x.shape[1] != w_shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {w_shape}, expected input{list(x.shape)} to "
                           f"have {w_shape[0]} channels, but got {x.shape[1]} channels instead")
    n_out = w_shape[1] * groups
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != n_out):
        raise RuntimeError(f"Given transposed=1, weight of size {w_shape}, expected bias to be 1-dimensional "
                           f"with {n_out} elements, but got bias of size {list(bias.shape)} instead")
    if 0 in x.shape[2:]:
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input shape: "
                           f"{list(x.shape)}")
    if bias is not None and bias.dtype != x.dtype and x.dtype.name != "float64":
        # (a double input takes any float bias: torch's slow kernel converts it)
        raise RuntimeError(f"Input type (torch.{_TYPE_NAMES.get(x.dtype.name)}Tensor) and bias type (torch."
                           f"{_TYPE_NAMES.get(bias.dtype.name)}Tensor) should be the same or input should be "
                           "a MKLDNN tensor and bias is a dense tensor")
    _check_conv_dtypes(x, weight, None)
    # the checks of torch's slow kernel (its oneDNN kernel, which runs float32 on some inputs and
    # machines, rejects the same inputs with less helpful messages, and allows an empty output)
    kernel = tuple(weight.shape[2:])
    outs = tuple((s - 1) * st - 2 * p + d * (k - 1) + 1 + op for s, st, p, d, k, op in
                 zip(x.shape[2:], stride, padding, dilation, kernel, output_padding, strict=True))
    hw = (lambda t: (1,) + t) if n == 1 else (lambda t: t)  # 1-d runs as 2-d of height 1
    k2, s2, d2, p2 = hw(kernel), hw(stride), hw(dilation), hw(output_padding)
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {k2[0]} "
                           f"kernel_width: {k2[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {d2[0]}, "
                           f"dilation_width: {d2[1]}")
    if any(p >= s and p >= d for p, s, d in zip(output_padding, stride, dilation, strict=True)):
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got "
                           f"output_padding_height: {p2[0]} output_padding_width: {p2[1]} stride_height: "
                           f"{s2[0]} stride_width: {s2[1]} dilation_height: {d2[0]} dilation_width: {d2[1]}")
    if weight.numel() == 0:
        raise RuntimeError(f"non-empty 2D or 4D weight tensor expected, but got: {w_shape}")
    if min(outs) < 1:
        ins, o2 = hw(tuple(x.shape[2:])), hw(outs)
        raise RuntimeError(f"Given input size per channel: ({ins[0]} x {ins[1]}). Calculated output size per "
                           f"channel: ({o2[0]} x {o2[1]}). Output size is too small")
    crop = tuple((p, p - op) for p, op in zip(padding, output_padding, strict=True))
    out = ConvTranspose.apply(x, weight, bias, stride, crop, dilation, groups)
    return out if batched else out.squeeze(0)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The adjoint of conv1d ("deconvolution"): (N, C_in, L) with (C_in, C_out/groups, k) filters ->
    (N, C_out, (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The adjoint of conv2d ("deconvolution"): (N, C_in, H, W) with (C_in, C_out/groups, kh, kw)
    filters; each output size is (in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2)


# ----- pooling -----------------------------------------------------------------------------------
def _pool_out(size: int, k: int, d: int, p: int, s: int, ceil_mode: bool) -> int:
    """torch's pooling output size; in ceil_mode the last window must start inside the input or
    its left padding."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pool_pads(size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
               outs: tuple) -> tuple:
    """(lo, hi) per dim: the symmetric padding, plus what ceil_mode's last window reaches beyond it."""
    return tuple((p, max(p, (o - 1) * s + d * (k - 1) + 1 - n - p))
                 for n, k, d, p, s, o in zip(size, kernel, dilation, padding, stride, outs, strict=True))


def _pool2d_args(name: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1) -> tuple:
    kernel = _tuple(kernel_size, 2, lambda: RuntimeError(
        f"{name}: kernel_size must either be a single int, or a tuple of two ints"))
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        stride = kernel
    stride = _tuple(stride, 2, lambda: RuntimeError(
        f"{name}: stride must either be omitted, a single int, or a tuple of two ints"))
    padding = _tuple(padding, 2, lambda: RuntimeError(
        f"{name}: padding must either be a single int, or a tuple of two ints"))
    dilation = _tuple(dilation, 2, lambda: RuntimeError(
        f"{name}: dilation must be either a single int, or a tuple of two ints"))
    return kernel, stride, padding, dilation


def _check_pool2d(input: Tensor, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
                  ceil_mode: bool) -> tuple:
    """torch's pool2d_shape_check; returns the output's spatial size."""
    if 0 in stride:
        raise RuntimeError("stride should not be zero")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} "
                           f"kW: {kernel[1]}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    if input.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if 0 in input.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got:{list(input.shape)}")
    if any(p > k // 2 for p, k in zip(padding, kernel, strict=True)):  # (the undilated kernel)
        if dilation != (1, 1):
            raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = "
                               f"{padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, kH = {kernel[0]}")
        p, k = next((p, k) for p, k in zip(padding, kernel, strict=True) if p > k // 2)
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                           f"kernel_size={k} and dilation=1")
    size = tuple(input.shape[-2:])
    outs = tuple(_pool_out(n, k, d, p, s, ceil_mode)
                 for n, k, d, p, s in zip(size, kernel, dilation, padding, stride, strict=True))
    if min(outs) < 1:
        c = input.shape[-3]
        raise RuntimeError(f"Given input size: ({c}x{size[0]}x{size[1]}). Calculated output size: "
                           f"({c}x{outs[0]}x{outs[1]}). Output size is too small")
    return outs


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The largest element of each kernel_size window (stride defaults to kernel_size); with
    ``return_indices`` also where it is, as a flat index into each input plane."""
    kernel, stride, padding, dilation = _pool2d_args("max_pool2d", kernel_size, stride, padding, dilation)
    outs = _check_pool2d(input, kernel, stride, padding, dilation, ceil_mode)
    pads = _pool_pads(tuple(input.shape[-2:]), kernel, dilation, padding, stride, outs)
    out, indices = MaxPool2DWithIndices.apply(input, kernel, dilation, pads, stride)
    return (out, indices) if return_indices else out


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """``max_pool2d`` over the last dim only (as torch computes it: a height-1 plane)."""
    def one(value: Any, name: str) -> int:
        return _tuple(value, 1, lambda: RuntimeError(
            f"max_pool1d() {name} must be an int, list of ints or tuple of ints of size 1 but got size "
            f"{len(value)}"))[0]
    if input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got:{list(input.shape)}")
    k = one(kernel_size, "kernel_size")
    omitted = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    s = k if omitted else one(stride, "stride")
    p, d = one(padding, "padding"), one(dilation, "dilation")
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} "
                           f"and kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out_len = _pool_out(input.shape[-1], k, d, p, s, ceil_mode)
    if out_len < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out_len}")
    res = max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode, True)
    out, indices = res[0].squeeze(-2), res[1].squeeze(-2)
    return (out, indices) if return_indices else out


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each kernel_size window (stride defaults to kernel_size).  Zero padding counts
    in the divisor unless ``count_include_pad=False``; ``divisor_override`` replaces it."""
    if input.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, "
                         f"{max(input.ndim, 1) - 1}], but got -3)")
    kernel, stride, padding, _ = _pool2d_args("avg_pool2d", kernel_size, stride, padding)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    outs = _check_pool2d(input, kernel, stride, padding, (1, 1), ceil_mode)
    size = tuple(input.shape[-2:])
    pads = _pool_pads(size, kernel, (1, 1), padding, stride, outs)
    if divisor_override is not None:
        divisor = np.full(outs, divisor_override)
    else:
        divisor = avg_divisor(size, kernel, pads, stride, outs, count_include_pad)
    return AvgPool2D.apply(input, kernel, pads, stride, divisor)


def _one_int(value: Any, name: str, fn: str) -> int:
    return _tuple(value, 1, lambda: RuntimeError(
        f"{fn}() argument '{name}' should contain one int (got {len(value)})"))[0]


def _check_1d(input: Tensor, fn: str) -> None:
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for "
                           f"argument #1 'self' (while checking arguments for {fn})")


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """``avg_pool2d`` over the last dim only (as torch computes it: a height-1 plane)."""
    _check_1d(input, "avg_pool1d")
    k = _one_int(kernel_size, "kernel_size", "avg_pool1d")
    s = k if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) else _one_int(
        stride, "stride", "avg_pool1d")
    p = _one_int(padding, "padding", "avg_pool1d")
    return avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode,
                      count_include_pad).squeeze(-2)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a given output size (None keeps that dim's size): window i of n spans
    floor(i*size/n) .. ceil((i+1)*size/n)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
        out_hw = tuple(input.shape[-2 + i] if o is None else int(o) for i, o in enumerate(output_size))
    else:
        out_hw = (int(output_size),) * 2
    if min(out_hw) < 0:
        raise RuntimeError(f"adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{out_hw[0]}, {out_hw[1]}}}")
    for dim in range(1, input.ndim):
        if input.shape[dim] == 0:
            raise RuntimeError(f"adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(input.shape)} with dimension {dim} "
                               "being empty")
    if out_hw == (1, 1):  # torch takes the plain mean then
        return input.mean((-1, -2), keepdim=True)
    return AdaptiveAvgPool2D.apply(input, out_hw)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """``adaptive_avg_pool2d`` over the last dim only (a height-1 plane, as torch)."""
    _check_1d(input, "adaptive_avg_pool1d")
    o = _one_int(output_size, "output_size", "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, o)).squeeze(-2)


# ----- padding -----------------------------------------------------------------------------------
_PAD_SUPPORT = ("Supported combinations for non-constant padding:\n"
                "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def _pad_index(size: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """For each output position along one dim, the input position it copies."""
    p = np.arange(-lo, size + hi)
    if mode == "reflect":  # mirror at the edges, the edge itself not repeated
        return np.abs(size - 1 - np.abs(p - (size - 1)))
    if mode == "replicate":
        return np.clip(p, 0, size - 1)
    # circular: crop first (negative amounts), then wrap around what is left
    first, kept = max(-lo, 0), size - max(-lo, 0) - max(-hi, 0)
    return np.arange(-max(lo, 0), kept + max(hi, 0)) % kept + first


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad) // 2 dims: ``pad = (left, right, top, bottom, ...)`` starts from the
    last dim.  Negative amounts crop.  Modes: 'constant' (with ``value``, default 0), 'reflect'
    (mirror, edge not repeated), 'replicate' (repeat the edge), 'circular' (wrap around)."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    n = len(pad) // 2
    if n > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension "
                           f"but got padding length {len(pad)} and input of dimension {input.ndim}")
    pads = tuple((pad[2 * i], pad[2 * i + 1]) for i in reversed(range(n)))  # first dim first
    if mode == "constant":
        sizes = input.shape[input.ndim - n:]
        if any(s + lo + hi < 0 for s, (lo, hi) in zip(sizes, pads, strict=True)):
            raise RuntimeError("narrow(): length must be non-negative.")
        return ConstantPadNd.apply(input, pads, 0.0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if n not in (1, 2, 3) or input.ndim not in (n + 1, n + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.ndim}D input "
                                  "tensor.\n" + _PAD_SUPPORT)
    if 0 in input.shape[input.ndim - n - 1 if input.ndim == n + 2 else 0:]:
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 batch size "
                           f"and other non-zero dimensions for input, but got: {list(input.shape)}")
    sizes = input.shape[input.ndim - n:]
    for dim in reversed(range(n)):  # torch checks the last dim first
        lo, hi = pads[dim]
        if mode == "reflect" and (lo >= sizes[dim] or hi >= sizes[dim]):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({lo}, {hi}) at dimension "
                               f"{input.ndim - n + dim} of input {list(input.shape)}")
        if mode == "circular" and (lo > sizes[dim] or hi > sizes[dim]):
            raise RuntimeError("Padding value causes wrapping around more than once.")
    indices = tuple(_pad_index(s, lo, hi, mode) for s, (lo, hi) in zip(sizes, pads, strict=True))
    name = {"reflect": f"ReflectionPad{n}DBackward0", "replicate": f"ReplicationPad{n}DBackward0",
            "circular": "torch::autograd::CopySlices"}[mode]
    return IndexPad.apply(input, indices, name)


# ----- unfold / fold -----------------------------------------------------------------------------
def _fold_args(kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> tuple:
    def pair(value: Any, name: str) -> tuple:
        return _tuple(value, 2, lambda: RuntimeError(
            f"It is expected {name} equals to 2, but got size {len(value)}"))
    kernel, dilation = pair(kernel_size, "kernel_size"), pair(dilation, "dilation")
    padding, stride = pair(padding, "padding"), pair(stride, "stride")
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kernel[0]} "
                           f"kernel_width: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {stride[0]} "
                           f"stride_width: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dilation[0]} "
                           f"dilation_width: {dilation[1]}")
    if min(padding) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} "
                           f"pad_width: {padding[1]}")
    return kernel, dilation, padding, stride


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """im2col: (N, C, H, W) -> (N, C * kh * kw, L), column l holding the l-th window (windows in
    row-major order, the column's entries channel by channel, then tap by tap)."""
    if input.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, "
                         f"{max(input.ndim, 1) - 1}], but got 2)")
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    if input.ndim > 4 or 0 in input.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {list(input.shape)}")
    size = tuple(input.shape[-2:])
    blocks = tuple(out_size(n, k, d, p, p, s)
                   for n, k, d, p, s in zip(size, kernel, dilation, padding, stride, strict=True))
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size {size}, kernel_size={kernel}, dilation="
                           f"{dilation}, padding={padding}, calculated shape of the array of sliding blocks "
                           f"as {blocks}, but its components must be at least one.")
    return Im2Col.apply(input, kernel, dilation, tuple((p, p) for p in padding), stride)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """col2im, the adjoint of ``unfold``: (N, C * kh * kw, L) -> (N, C, *output_size), adding up
    the entries that overlapping windows put on the same element."""
    if input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
                           f"non-zero dimensions for input, but got: {list(input.shape)}")
    size = _tuple(output_size, 2, lambda: RuntimeError(
        f"It is expected output_size equals to 2, but got size {len(output_size)}"))
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    dim = input.ndim - 2
    k = kernel[0] * kernel[1]
    if input.shape[dim] % k:
        raise RuntimeError(f"Expected size of input's dimension {dim} to be divisible by the product of "
                           f"kernel_size, but got input.size({dim})={input.shape[dim]} and "
                           f"kernel_size={kernel}.")
    blocks = tuple(out_size(n, kk, d, p, p, s)
                   for n, kk, d, p, s in zip(size, kernel, dilation, padding, stride, strict=True))
    if input.shape[dim + 1] != blocks[0] * blocks[1] or min(blocks) < 1:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding="
                           f"{padding}, stride={stride}, expected size of input's dimension {dim + 1} to "
                           f"match the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
                           f"{blocks[0] * blocks[1]}, but got input.size({dim + 1})={input.shape[dim + 1]}.")
    return Col2Im.apply(input, size, kernel, dilation, tuple((p, p) for p in padding), stride)
