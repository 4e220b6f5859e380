"""Registry entries for convolution, pooling, padding and unfold/fold (F.conv2d, F.max_pool2d,
F.pad, ...).

Shapes are drawn around the kernel: spatial sizes from exactly the kernel's reach (kernel ==
input, one window) to a few more, with size-1 dims, strides, paddings, dilations and groups mixed
in.  With ``edge=False`` (finite-difference gradcheck, at most 12 elements in all) the shapes stay
tiny."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from . import strategies as S
from .registry import _DTYPE_NOTE_SUMS, _SUM_TOL, _F, OpInfo, Sample, _unique, register


def _functional(name: str) -> Any:
    return lambda lib, *ts, **p: getattr(_F(lib), name)(*ts, **p)


def _conv_fn(name: str) -> Any:
    """conv1d/conv2d, without the warning both engines give for padding='same' with an even
    kernel (test_nn_conv.py checks it)."""
    def fn(lib: Any, *ts: Any, **p: Any) -> Any:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Using padding='same'")
            return getattr(_F(lib), name)(*ts, **p)
    return fn


def _batch(draw: Any, edge: bool) -> tuple:
    """() for an unbatched input, else (N,), N = 0 only among the edge cases."""
    if draw(st.booleans()):
        return ()
    return (draw(st.integers(0 if edge else 1, 2 if edge else 1)),)


# ----- convolution ---------------------------------------------------------------------------
def _conv(n: int) -> Any:
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        groups = draw(st.sampled_from([1, 1, 2])) if edge else 1
        c_in = groups * draw(st.integers(1, 2 if edge else 1))
        c_out = groups * draw(st.integers(1, 2))
        kernel = tuple(draw(st.integers(1, 3 if edge else 2)) for _ in range(n))
        stride = tuple(draw(st.integers(1, 2)) for _ in range(n))
        dilation = tuple(draw(st.integers(1, 2)) for _ in range(n)) if edge else (1,) * n
        reach = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True))
        mode = draw(st.sampled_from(["int", "tuple", "same", "valid"]))
        if mode == "int":
            pads = (draw(st.integers(0, 2 if edge else 0)),) * n
        elif mode == "tuple":
            pads = tuple(draw(st.integers(0, 2 if edge else 0)) for _ in range(n))
        else:
            pads = (0,) * n
        padding: Any = {"int": pads[0], "tuple": pads, "same": "same", "valid": "valid"}[mode]
        # from exactly the kernel's reach (one window, or kernel == input) to 2 more
        size = tuple(max(r - 2 * p, 1) + draw(st.integers(0, 2 if edge else 0))
                     for r, p in zip(reach, pads, strict=True))
        if mode == "same":  # any size works with 'same' (stride 1 only)
            stride = (1,) * n
            size = tuple(draw(st.integers(1, 4 if edge else 2)) for _ in range(n))
        x = draw(S.tensors(dtype, _batch(draw, edge) + (c_in,) + size, "moderate", edge))
        w = draw(S.tensors(dtype, (c_out, c_in // groups) + kernel, "moderate", edge))
        arrays = [x, w]
        if edge and draw(st.booleans()):
            arrays.append(draw(S.tensors(dtype, (c_out,), "moderate", edge)))
        params = {"stride": stride if draw(st.booleans()) else stride[0] if len(set(stride)) == 1 else stride,
                  "padding": padding, "dilation": dilation, "groups": groups}
        return Sample(tuple(arrays), params)

    return sample


# ----- pooling ---------------------------------------------------------------------------------
def _pool_out(size: int, k: int, d: int, p: int, s: int, ceil_mode: bool) -> int:
    span = size + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    return out - 1 if ceil_mode and (out - 1) * s >= size + p else out


def _pool_outs(size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
               ceil_mode: bool) -> tuple:
    """The number of windows along each dim."""
    return tuple(_pool_out(sz, k, d, p, s, ceil_mode)
                 for sz, k, d, p, s in zip(size, kernel, dilation, padding, stride, strict=True))


def _every_window_sees_input(size: int, k: int, d: int, p: int, s: int, outs: int) -> bool:
    return all(any(0 <= o * s - p + i * d < size for i in range(k)) for o in range(outs))


def _pool(n: int, kind: str) -> Any:
    """Samples for max (kind 'max') or average ('avg') pooling over the last n dims."""
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        kernel = tuple(draw(st.integers(1, 3 if edge else 2)) for _ in range(n))
        stride = tuple(draw(st.integers(1, 3)) for _ in range(n))
        dilation = tuple(draw(st.integers(1, 2)) for _ in range(n)) if kind == "max" and edge else (1,) * n
        reach = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True))
        padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)  # torch: at most half the kernel
        ceil_mode = draw(st.booleans())
        size = tuple(max(r - 2 * p, 1) + draw(st.integers(0, 3 if edge else 1))
                     for r, p in zip(reach, padding, strict=True))
        if min(_pool_outs(size, kernel, dilation, padding, stride, ceil_mode)) < 1:
            size = tuple(sz + r for sz, r in zip(size, reach, strict=True))  # (a corner case): widen
        # a window of padding only (dilation skipping the whole input) has max -inf and an index
        # outside the window in torch, whose double backward then raises: not drawn here (its
        # forward and first-order backward are compared in test_nn_conv.py)
        outs = _pool_outs(size, kernel, dilation, padding, stride, ceil_mode)
        assume(all(_every_window_sees_input(*dims)
                   for dims in zip(size, kernel, dilation, padding, stride, outs, strict=True)))
        channels = draw(st.integers(1, 2 if edge else 1))
        x = draw(S.tensors(dtype, _batch(draw, edge) + (channels,) + size, "moderate", edge))

        def arg(t: tuple) -> Any:
            return t[0] if draw(st.booleans()) and len(set(t)) == 1 else t

        params: dict = {"kernel_size": arg(kernel), "padding": arg(padding), "ceil_mode": ceil_mode}
        if draw(st.booleans()) or stride != kernel:
            params["stride"] = arg(stride)
        if kind == "max":
            params["dilation"] = arg(dilation)
            params["return_indices"] = draw(st.booleans())
        else:
            params["count_include_pad"] = draw(st.booleans())
            if n == 2 and draw(st.integers(0, 3)) == 0:
                params["divisor_override"] = draw(st.integers(1, 5))
        return Sample((x,), params)

    return sample


def _adaptive(n: int) -> Any:
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        size = tuple(draw(st.integers(1, 5 if edge else 3)) for _ in range(n))
        x = draw(S.tensors(dtype, _batch(draw, edge) + (draw(st.integers(1, 2)),) + size, "moderate", edge))
        # (an output size of 0 runs forward in torch, but its backward raises)
        outs = [draw(st.integers(1, 4)) for _ in range(n)]
        if n == 1:
            return Sample((x,), {"output_size": outs[0]})
        choice = draw(st.sampled_from(["int", "tuple", "none", "one"]))
        output_size: Any = {"int": outs[0], "tuple": tuple(outs), "none": (None, outs[1]),
                            "one": (1, 1)}[choice]
        return Sample((x,), {"output_size": output_size})

    return sample


# ----- padding -----------------------------------------------------------------------------------
@st.composite
def _pad(draw: Any, dtype: Any, edge: bool) -> Sample:
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    if mode == "constant":
        x = draw(S.tensors(dtype, edge=edge, min_dims=1))
        n = draw(st.integers(1, x.ndim))
    else:  # torch pads 1 to 3 trailing dims of a (batch,) channel, spatial... input
        n = draw(st.integers(1, 2))
        shape = _batch(draw, edge) + tuple(draw(st.integers(1, 3 if edge else 2)) for _ in range(n + 1))
        x = draw(S.tensors(dtype, shape, "moderate", edge))
    amounts = []
    for size in reversed(x.shape[x.ndim - n:]):  # pad = (left, right) of the last dim first
        for _ in range(2):
            if mode == "reflect":
                amounts.append(draw(st.integers(-min(size - 1, 1), size - 1)))
            elif mode == "circular":
                amounts.append(draw(st.integers(0, size)))
            else:
                amounts.append(draw(st.integers(-1 if size >= 2 else 0, 2)))
    if mode != "constant" or not edge:
        # a crop on both sides may leave nothing; keep at least one element per padded dim
        for i, size in enumerate(reversed(x.shape[x.ndim - n:])):
            lo, hi = amounts[2 * i], amounts[2 * i + 1]
            if size + min(lo, 0) + min(hi, 0) < 1:
                amounts[2 * i] = 0
    else:
        for i, size in enumerate(reversed(x.shape[x.ndim - n:])):
            if size + amounts[2 * i] + amounts[2 * i + 1] < 0:
                amounts[2 * i] = 0
    params: dict = {"pad": tuple(amounts), "mode": mode}
    if mode == "constant" and draw(st.booleans()):
        params["value"] = draw(st.floats(-2, 2, width=32))
    return Sample((x,), params)


# ----- unfold / fold -----------------------------------------------------------------------------
@st.composite
def _fold_geometry(draw: Any, edge: bool) -> tuple:
    kernel = tuple(draw(st.integers(1, 3 if edge else 2)) for _ in range(2))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(2)) if edge else (1, 1)
    padding = tuple(draw(st.integers(0, 1)) for _ in range(2)) if edge else (0, 0)
    stride = tuple(draw(st.integers(1, 2)) for _ in range(2))
    reach = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True))
    size = tuple(max(r - 2 * p, 1) + draw(st.integers(0, 2 if edge else 1))
                 for r, p in zip(reach, padding, strict=True))
    return kernel, dilation, padding, stride, size


def _blocks(size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple) -> int:
    return int(np.prod([(s + 2 * p - d * (k - 1) - 1) // st_ + 1
                        for s, k, d, p, st_ in zip(size, kernel, dilation, padding, stride, strict=True)]))


def _geometry_params(draw: Any, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple) -> dict:
    def arg(t: tuple) -> Any:
        return t[0] if draw(st.booleans()) and t[0] == t[1] else t
    return {"kernel_size": arg(kernel), "dilation": arg(dilation), "padding": arg(padding),
            "stride": arg(stride)}


@st.composite
def _unfold(draw: Any, dtype: Any, edge: bool) -> Sample:
    kernel, dilation, padding, stride, size = draw(_fold_geometry(edge))
    x = draw(S.tensors(dtype, _batch(draw, edge) + (draw(st.integers(1, 2)),) + size, "moderate", edge))
    return Sample((x,), _geometry_params(draw, kernel, dilation, padding, stride))


@st.composite
def _fold(draw: Any, dtype: Any, edge: bool) -> Sample:
    kernel, dilation, padding, stride, size = draw(_fold_geometry(edge))
    rows = draw(st.integers(1, 2)) * kernel[0] * kernel[1]
    cols = _blocks(size, kernel, dilation, padding, stride)
    x = draw(S.tensors(dtype, _batch(draw, edge) + (rows, cols), "moderate", edge))
    return Sample((x,), {"output_size": size, **_geometry_params(draw, kernel, dilation, padding, stride)})


def _no_window_ties(s: Sample) -> bool:
    """Max pooling is differentiable where no window holds two equal maxima (finite differences
    would move which one wins)."""
    return _unique(s.arrays[0])


_ENTRIES: list = [
    OpInfo("F.conv1d", _conv(1), fn=_conv_fn("conv1d"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.conv2d", _conv(2), fn=_conv_fn("conv2d"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.max_pool1d", _pool(1, "max"), fn=_functional("max_pool1d"), smooth=_no_window_ties),
    OpInfo("F.max_pool2d", _pool(2, "max"), fn=_functional("max_pool2d"), smooth=_no_window_ties),
    OpInfo("F.avg_pool1d", _pool(1, "avg"), fn=_functional("avg_pool1d"), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.avg_pool2d", _pool(2, "avg"), fn=_functional("avg_pool2d"), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.adaptive_avg_pool1d", _adaptive(1), fn=_functional("adaptive_avg_pool1d"), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.adaptive_avg_pool2d", _adaptive(2), fn=_functional("adaptive_avg_pool2d"), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.pad", _pad, fn=_functional("pad"), tol=_SUM_TOL,
           tol_note="reflect/replicate/circular gradients add up to 3 copies of an element: "
           "float32 sums in another order"),
    OpInfo("F.unfold", _unfold, fn=_functional("unfold")),
    OpInfo("F.fold", _fold, fn=_functional("fold"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
]

for _info in _ENTRIES:
    register(_info)
