"""Interpolation (``F.interpolate``) and pixel shuffle: the Functions and the public functions.

Every interpolation mode but 'area' is separable: along each spatial dim, output position ``o``
is a weighted sum of a few input positions (its *taps*): one for 'nearest' and 'nearest-exact',
two for 'linear' (and bi-/trilinear), four for 'bicubic'.  ``Resample`` applies the taps dim by
dim, the last dim first (torch's kernels nest the same way); its backward ``ResampleBackward`` is
the adjoint: each output's gradient, times its weights, added back onto its taps.  Each is the
other's backward, so second derivatives come free.  Where the taps are is computed as torch's CPU
kernels compute it, in the input's precision (float for float32), so the same input positions are
picked.  'area' is adaptive average pooling.

``pixel_shuffle`` moves r*r channels into an r-by-r block of pixels; ``pixel_unshuffle`` undoes
it: each is a reshape and a permutation, and each is the other's backward.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Function
from ..random import _fma32, _fma64
from ._conv import adaptive_avg_pool1d, adaptive_avg_pool2d

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
           "pixel_unshuffle"]


# ----- where the taps are: torch's index and weight arithmetic (UpSample.h) ------------------------
def _scale(in_size: int, out_size: int, align_corners: bool, scale: float | None, dt: type) -> Any:
    """The step, in input positions, between neighbouring outputs (``area_pixel_compute_scale``)."""
    if align_corners:
        return dt(in_size - 1) / dt(out_size - 1) if out_size > 1 else dt(0)
    if scale is not None and scale > 0:
        return dt(1.0 / scale)  # (computed in double, then rounded)
    return dt(in_size) / dt(out_size)


def _centre(s: Any, o: np.ndarray, dt: type) -> np.ndarray:
    """Where output o's centre falls in input coordinates: s * (o + 0.5) - 0.5, one fused
    multiply-add (as torch's kernels are compiled)."""
    fma = _fma32 if dt == np.float32 else _fma64
    return fma(np.full(o.shape, s, dt), o + dt(0.5), np.full(o.shape, -0.5, dt)).astype(dt, copy=False)


def _floorf(v: np.ndarray) -> np.ndarray:
    """C's ``floorf``: the value is rounded to float first (torch calls it on doubles too)."""
    return np.floor(v.astype(np.float32)).astype(np.int64)


def _nearest_taps(in_size: int, out_size: int, scale: float | None, exact: bool, dt: type,
                  small: bool) -> tuple:
    """'nearest': input floor(o * s); 'nearest-exact': floor((o + 0.5) * s), the nearest centre
    (s = in/out, or 1/scale_factor when one was given).  torch has two kernels: for a 2-D output
    of few elements (``small``) s is a float and 'nearest' copies when out = in and takes
    o // 2 when out = 2 * in; otherwise s is in the input's precision."""
    o = np.arange(out_size)
    if small:
        s = _scale(in_size, out_size, False, scale, np.float32)
        if exact:
            real = (o + 0.5) * np.float64(s)  # (a double times a float)
        elif out_size == in_size:
            real = o
        elif out_size == 2 * in_size:
            real = o >> 1
        else:
            real = o.astype(np.float32) * s
    else:
        s = _scale(in_size, out_size, False, scale, dt)
        real = np.maximum(_centre(s, o.astype(dt), dt), dt(0)) + dt(0.5) if exact else o.astype(dt) * s
    return ((np.minimum(_floorf(np.asarray(real)), in_size - 1), None),)


def _linear_taps(in_size: int, out_size: int, align_corners: bool, scale: float | None, dt: type) -> tuple:
    """Two taps: floor(x) and the next input (clamped), weighted 1 - t and t, t = x - floor(x);
    x = o * s with align_corners, else (o + 0.5) * s - 0.5 clamped at 0."""
    if out_size == in_size:  # torch copies (weights 1 and 0)
        o = np.arange(out_size)
        return ((o, np.ones(out_size, dt)), (o, np.zeros(out_size, dt)))
    s = _scale(in_size, out_size, align_corners, scale, dt)
    o = np.arange(out_size).astype(dt)
    real = s * o if align_corners else np.maximum(_centre(s, o, dt), dt(0))
    i0 = np.minimum(_floorf(real), in_size - 1)
    t = np.clip(real - i0.astype(dt), dt(0), dt(1))
    i1 = i0 + (i0 < in_size - 1)
    return ((i0, dt(1) - t), (i1, t))


def _cubic_taps(in_size: int, out_size: int, align_corners: bool, scale: float | None, dt: type) -> tuple:
    """Four taps floor(x) - 1 .. floor(x) + 2 (clamped to the input), with Keys' cubic
    convolution weights (A = -0.75); x as for 'linear' but not clamped at 0."""
    s = _scale(in_size, out_size, align_corners, scale, dt)
    o = np.arange(out_size).astype(dt)
    real = s * o if align_corners else _centre(s, o, dt)
    i0 = np.minimum(_floorf(real), in_size - 1)
    t = np.clip(real - i0.astype(dt), dt(0), dt(1))
    a = dt(-0.75)

    def near(x: np.ndarray) -> np.ndarray:  # |x| <= 1
        return ((a + dt(2)) * x - (a + dt(3))) * x * x + dt(1)

    def far(x: np.ndarray) -> np.ndarray:  # 1 < |x| < 2
        return ((a * x - dt(5) * a) * x + dt(8) * a) * x - dt(4) * a

    u = dt(1) - t
    weights = (far(t + dt(1)), near(t), near(u), far(u + dt(1)))
    return tuple((np.clip(i0 + j - 1, 0, in_size - 1), w) for j, w in enumerate(weights))


# ----- the Functions -------------------------------------------------------------------------------
def _resample_axis(a: np.ndarray, axis: int, taps: tuple) -> np.ndarray:
    """Along ``axis``: out[o] = sum over taps of w[o] * a[index[o]] (a plain gather for one
    unweighted tap).  Rounded as torch's kernels (built with FMA contraction) round it: two taps
    as fma(a0, w0, a1 * w1), more as a chain of fma's from the first tap's product."""
    shape = (-1,) + (1,) * (a.ndim - axis - 1)
    terms = [(np.take(a, index, axis=axis), None if w is None else w.astype(a.dtype).reshape(shape))
             for index, w in taps]
    if len(terms) == 1:
        x, w = terms[0]
        return x if w is None else x * w
    fma = _fma32 if a.dtype == np.float32 else _fma64
    if len(terms) == 2:
        (x0, w0), (x1, w1) = terms
        return fma(x0, w0, x1 * w1).astype(a.dtype, copy=False)
    out = terms[0][0] * terms[0][1]
    for x, w in terms[1:]:
        out = fma(x, w, out)
    return out.astype(a.dtype, copy=False)


def _add_back_axis(g: np.ndarray, axis: int, taps: tuple, size: int) -> np.ndarray:
    """The adjoint of ``_resample_axis``: each g[o], times its weights, added onto a[index[o]].
    Indices never decrease along o, so each run of equal indices is one ``add.reduceat``."""
    out = np.zeros(g.shape[:axis] + (size,) + g.shape[axis + 1:], dtype=g.dtype)
    shape = (-1,) + (1,) * (g.ndim - axis - 1)
    for index, weight in taps:
        term = g if weight is None else g * weight.astype(g.dtype).reshape(shape)
        if not index.size:
            continue
        starts = np.flatnonzero(np.diff(index, prepend=-1))
        sums = np.add.reduceat(term, starts, axis=axis)
        dst = (slice(None),) * axis + (index[starts],)
        out[dst] += sums
    return out


class Resample(Function):
    """Separable interpolation of the trailing spatial dims; ``taps`` holds, per spatial dim,
    the (index, weight) pairs of ``_resample_axis``."""

    @staticmethod
    def forward(ctx, x, taps, node_name):
        ctx.node_name, ctx.taps = node_name, taps
        ctx.in_size = x._array.shape[x._array.ndim - len(taps):]
        a = x._array
        half = a.dtype == np.float16  # computed in float, rounded once at the end, as torch
        if half:
            a = a.astype(np.float32)
        first = a.ndim - len(taps)
        for axis in reversed(range(first, a.ndim)):  # the last dim first, as torch nests them
            a = _resample_axis(a, axis, taps[axis - first])
        return a.astype(np.float16) if half else a if a is not x._array else a.copy()

    @staticmethod
    def backward(ctx, grad):
        return ResampleBackward.apply(grad, ctx.taps, ctx.in_size, ctx.node_name), None, None


class ResampleBackward(Function):
    """The adjoint of ``Resample`` (linear in the gradient): its own backward is ``Resample``."""

    @staticmethod
    def forward(ctx, grad, taps, in_size, node_name):
        ctx.taps, ctx.forward_name = taps, node_name
        ctx.node_name = node_name.replace("Backward0", "BackwardBackward0")
        g = grad._array
        half = g.dtype == np.float16
        if half:
            g = g.astype(np.float32)
        first = g.ndim - len(taps)
        for axis in range(first, g.ndim):
            g = _add_back_axis(g, axis, taps[axis - first], in_size[axis - first])
        return g.astype(np.float16) if half else g

    @staticmethod
    def backward(ctx, gg):
        return Resample.apply(gg, ctx.taps, ctx.forward_name), None, None, None


class PixelShuffle(Function):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r): channel c*r*r + i*r + j goes to pixel (h*r + i, w*r + j)."""

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        a = x._array
        *lead, c, h, w = a.shape
        n = len(lead)
        a = a.reshape(*lead, c // (r * r), r, r, h, w)
        a = a.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)  # (*, C, H, r, W, r)
        return np.ascontiguousarray(a).reshape(*lead, c // (r * r), h * r, w * r)

    @staticmethod
    def backward(ctx, grad):
        return PixelUnshuffle.apply(grad, ctx.r), None


class PixelUnshuffle(Function):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W): the inverse of ``PixelShuffle``."""

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        a = x._array
        *lead, c, h, w = a.shape
        n = len(lead)
        a = a.reshape(*lead, c, h // r, r, w // r, r)
        a = a.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)  # (*, C, r, r, H, W)
        return np.ascontiguousarray(a).reshape(*lead, c * r * r, h // r, w // r)

    @staticmethod
    def backward(ctx, grad):
        return PixelShuffle.apply(grad, ctx.r), None


# ===== the public functions, with torch's checks and messages ======================================
_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_LINEAR_MODES = {"linear": 3, "bilinear": 4, "trilinear": 5}
_NODE_NAMES = {"nearest": "UpsampleNearest{}DBackward0", "nearest-exact": "UpsampleNearestExact{}DBackward0",
               "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
               "trilinear": "UpsampleTrilinear3DBackward0", "bicubic": "UpsampleBicubic2DBackward0"}
_TYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "bool": "Bool"}


def _is_integer(x: Any) -> bool:
    if isinstance(x, Tensor):
        return x.ndim == 0 and x._array.dtype.kind in "iu"
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _output_sizes(input: Tensor, dim: int, size: Any, scale_factor: Any, recompute_scale_factor: Any,
                  mode: str) -> tuple:
    """torch's processing of ``size`` / ``scale_factor``: (output sizes or None, scales or None)."""
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    scale_factors = None
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(input.shape[2:])} and output size of {size}. Please "
                    "provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, "
                    "...,oK) format.")
            if not all(_is_integer(x) for x in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                                f"Tuple[int, int, int], but got size with types {[type(x) for x in size]}")
            output_size = [int(x) for x in size]
        else:
            output_size = [int(size)] * dim
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input "
                    f"with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                    f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = [float(s) for s in scale_factor]
        else:
            scale_factors = [float(scale_factor)] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:  # the size from the scale; the kernel then uses in/out, not the scale
        output_size = [_to_int64(input.shape[i + 2] * scale_factors[i]) for i in range(dim)]
        scale_factors = None
    return output_size, scale_factors


def _to_int64(v: float) -> int:
    if not math.isfinite(v) or abs(v) >= 2.0 ** 63:
        raise RuntimeError("value cannot be converted to type int64_t without overflow")
    return int(v)  # (toward zero, as C++'s cast)


def _check_sizes(input: Tensor, out: list) -> None:
    """``upsample_{1,2,3}d_common_check``."""
    names = ("D", "H", "W")[3 - len(out):]
    ins = input.shape[2:]
    if min(ins) <= 0 or min(out) <= 0:
        def show(v: Any) -> str:
            return ", ".join(f"{n}: {s}" for n, s in zip(names, v, strict=True))
        joint = " and" if len(out) == 1 else ""  # (torch's 1-d message has an "and")
        raise RuntimeError("Input and output sizes should be greater than 0, but got input "
                           f"({show(ins)}){joint} output ({show(out)})")
    if input.numel() == 0 and input.shape[0] != 0:  # (an empty batch is fine)
        raise RuntimeError(f"Non-empty {input.ndim}D data tensor expected but got a tensor with sizes "
                           f"{list(input.shape)}")


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, *spatial) to ``size``, or by ``scale_factor``.

    Modes: 'nearest' (input floor(o * in/out)), 'nearest-exact' (the nearest pixel centre),
    'linear' / 'bilinear' / 'trilinear' (3-, 4-, 5-D input; ``align_corners`` maps the corner
    pixels' centres onto each other instead of their outer edges), 'bicubic' (4-D), 'area'
    (adaptive average pooling, 3- or 4-D)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.ndim - 2
    output_size, scales = _output_sizes(input, dim, size, scale_factor, recompute_scale_factor, mode)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
                         "requires a 4-D tensor as input")
    if antialias or mode == "lanczos":
        raise NotImplementedError("interpolate(antialias=True): minigrad does not implement anti-aliased "
                                  "resizing")
    supported = {"nearest": (3, 4, 5), "nearest-exact": (3, 4, 5), "area": (3, 4), "bicubic": (4,),
                 **{m: (n,) for m, n in _LINEAR_MODES.items()}}
    if mode == "area" and input.ndim == 5:
        raise NotImplementedError("interpolate(mode='area') of a 5-D input is adaptive_avg_pool3d, which "
                                  "minigrad does not implement")
    if input.ndim not in supported.get(mode, ()):
        wanted = {"linear": 3, "bilinear": 4, "trilinear": 5}
        if input.ndim in (3, 4, 5) and mode in wanted:
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {wanted[mode]}D input")
        raise NotImplementedError("Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.ndim}D) for the modes: {_MODES} (got {mode})")
    if mode == "area":
        pool = adaptive_avg_pool1d if dim == 1 else adaptive_avg_pool2d
        return pool(input, output_size[0] if dim == 1 else output_size)
    if output_size is None:  # from the scale factors, as torch's kernels compute it
        output_size = [_to_int64(s * f) for s, f in zip(input.shape[2:], scales, strict=True)]
    _check_sizes(input, output_size)
    a = input._array
    if a.dtype.kind != "f" and not (a.dtype == np.uint8 and mode.startswith("nearest")):
        name = _TYPE_NAMES.get(a.dtype.name, a.dtype.name)
        kernel = {"nearest": "nearest", "nearest-exact": "nearest", "bicubic": "cubic"}.get(mode, "linear")
        raise NotImplementedError(f'"compute_indices_weights_{kernel}" not implemented for \'{name}\'')
    dt = np.float64 if a.dtype == np.float64 else np.float32  # torch's opmath type
    scales = scales or [None] * dim
    taps = []
    # torch's vectorised nearest kernel (2-D, few output elements) computes indices its own way
    small = dim == 2 and sum(output_size) <= 128
    for in_size, out_size, scale in zip(input.shape[2:], output_size, scales, strict=True):
        if mode.startswith("nearest"):
            taps.append(_nearest_taps(in_size, out_size, scale, mode == "nearest-exact", dt, small))
        elif mode == "bicubic":
            taps.append(_cubic_taps(in_size, out_size, align_corners, scale, dt))
        else:
            taps.append(_linear_taps(in_size, out_size, align_corners, scale, dt))
    return Resample.apply(input, tuple(taps), _NODE_NAMES[mode].format(dim))


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """The deprecated name of ``interpolate``."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """The deprecated ``interpolate(mode='nearest')``."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """The deprecated ``interpolate(mode='bilinear', align_corners=True)``."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _check_shuffle(input: Tensor, factor: Any, name: str, arg: str) -> None:
    if not _is_integer(factor):
        raise TypeError(f"{name}(): argument '{arg}' (position 2) must be int, not {type(factor).__name__}")
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {arg}, but got {factor}")


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r), r = upscale_factor: sub-pixel convolution's rearrangement."""
    _check_shuffle(input, upscale_factor, "pixel_shuffle", "upscale_factor")
    r = int(upscale_factor)
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
                           f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    return PixelShuffle.apply(input, r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W), r = downscale_factor: the inverse of ``pixel_shuffle``."""
    _check_shuffle(input, downscale_factor, "pixel_unshuffle", "downscale_factor")
    r = int(downscale_factor)
    for dim, name in ((-2, "height"), (-1, "width")):
        if input.shape[dim] % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                               f"input.size({dim})={input.shape[dim]} is not divisible by {r}")
    return PixelUnshuffle.apply(input, r)
