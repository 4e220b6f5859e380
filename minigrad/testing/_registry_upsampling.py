"""Registry entries for transposed convolution, channel and alpha dropout, interpolation and pixel
shuffle (F.conv_transpose2d, F.dropout2d, F.interpolate, F.pixel_shuffle, ...).

Shapes stay tiny; with ``edge=False`` (finite-difference gradcheck, at most 12 elements in all)
tinier still.  The dropout entries reseed before each call (as ``F.dropout``'s entry does), so both
engines draw the same mask."""
from __future__ import annotations

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from . import strategies as S
from .registry import _DTYPE_NOTE_SUMS, _SUM_TOL, _F, OpInfo, Sample, register


def _functional(name: str) -> Any:
    return lambda lib, *ts, **p: getattr(_F(lib), name)(*ts, **p)


def _seeded(name: str) -> Any:
    def fn(lib: Any, x: Any, **p: Any) -> Any:
        lib.manual_seed(0)  # minigrad's generator is bit-exact with torch's: the same channels dropped
        return getattr(_F(lib), name)(x, **p)
    return fn


# ----- transposed convolution -------------------------------------------------------------------
def _conv_transpose(n: int) -> Any:
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        groups = draw(st.sampled_from([1, 1, 2])) if edge else 1
        c_in = groups * draw(st.integers(1, 2 if edge else 1))
        c_out = groups * draw(st.integers(1, 2 if edge else 1))
        kernel = tuple(draw(st.integers(1, 3 if edge else 2)) for _ in range(n))
        stride = tuple(draw(st.integers(1, 3 if edge else 2)) for _ in range(n))
        dilation = tuple(draw(st.integers(1, 2)) for _ in range(n)) if edge else (1,) * n
        size = tuple(draw(st.integers(1, 3 if edge else 2)) for _ in range(n))
        padding = tuple(draw(st.integers(0, 2)) for _ in range(n))
        # output_padding must stay below the stride or the dilation
        output_padding = tuple(draw(st.integers(0, max(s, d) - 1))
                               for s, d in zip(stride, dilation, strict=True))
        outs = [(i - 1) * s - 2 * p + d * (k - 1) + 1 + op for i, s, p, d, k, op in
                zip(size, stride, padding, dilation, kernel, output_padding, strict=True)]
        assume(min(outs) >= 1)
        batch = () if draw(st.booleans()) else (draw(st.integers(1, 2)),)
        x = draw(S.tensors(dtype, batch + (c_in,) + size, "moderate", edge))
        w = draw(S.tensors(dtype, (c_in, c_out // groups) + kernel, "moderate", edge))
        arrays = [x, w]
        if edge and draw(st.booleans()):
            arrays.append(draw(S.tensors(dtype, (c_out,), "moderate", edge)))

        def arg(t: tuple) -> Any:
            return t[0] if len(set(t)) == 1 and draw(st.booleans()) else t

        params = {"stride": arg(stride), "padding": arg(padding), "output_padding": arg(output_padding),
                  "groups": groups, "dilation": arg(dilation)}
        return Sample(tuple(arrays), params)

    return sample


# ----- dropout ------------------------------------------------------------------------------------
def _channel_dropout(ranks: tuple, alpha: bool = False) -> Any:
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        rank = draw(st.sampled_from(ranks))
        shape = tuple(draw(st.integers(1 if not edge else 0, 3 if edge else 2)) for _ in range(rank))
        x = draw(S.tensors(dtype, shape, "moderate", edge))
        params = {"p": draw(st.sampled_from([0.0, 0.2, 0.5, 1.0])), "training": draw(st.booleans())}
        return Sample((x,), params)

    return sample


# ----- interpolation --------------------------------------------------------------------------------
_RANKS = {"nearest": (1, 2, 3), "nearest-exact": (1, 2, 3), "linear": (1,), "bilinear": (2,), "bicubic": (2,),
          "trilinear": (3,), "area": (1, 2)}


def _interpolate(modes: tuple) -> Any:
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        mode = draw(st.sampled_from(modes))
        n = draw(st.sampled_from(_RANKS[mode]))
        size = tuple(draw(st.integers(1, 3 if edge else 2)) for _ in range(n))
        lead = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if edge else (1, 1)
        x = draw(S.tensors(dtype, lead + size, "moderate", edge))
        params: dict = {"mode": mode}
        if draw(st.booleans()):
            outs = tuple(draw(st.integers(1, 5 if edge else 3)) for _ in range(n))
            params["size"] = outs if n > 1 or draw(st.booleans()) else outs[0]
        else:
            scales = tuple(draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.5, 3.0])) for _ in range(n))
            outs = tuple(int(s * f) for s, f in zip(size, scales, strict=True))
            assume(min(outs) >= 1)
            params["scale_factor"] = scales if n > 1 or draw(st.booleans()) else scales[0]
            if draw(st.booleans()):
                params["recompute_scale_factor"] = True
            elif mode == "nearest" and n != 2:
                # torch's 1-d and 3-d 'nearest' backward copies where out = in and halves where out = 2 * in,
                # while its forward follows the scale factor: a wrong gradient unless they agree
                assume(all(o not in (s, 2 * s) or o == s * f
                           for s, o, f in zip(size, outs, scales, strict=True)))
        if mode in ("linear", "bilinear", "bicubic", "trilinear") and draw(st.booleans()):
            params["align_corners"] = draw(st.booleans())
        return Sample((x,), params)

    return sample


# ----- pixel shuffle --------------------------------------------------------------------------------
def _shuffle(unshuffle: bool) -> Any:
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        r = draw(st.integers(1, 2 if not edge else 3))
        # (no empty batch: torch's own backward of pixel_shuffle rejects its gradient's shape then)
        lead = tuple(draw(st.integers(1, 2)) for _ in range(draw(st.integers(0, 2 if edge else 0))))
        if unshuffle:
            c = draw(st.integers(1, 2))
            h, w = r * draw(st.integers(1, 2)), r * draw(st.integers(1, 2 if edge else 1))
        else:
            c = r * r * draw(st.integers(1, 2 if edge else 1))
            h, w = draw(st.integers(1, 2)), draw(st.integers(1, 2))
        x = draw(S.tensors(dtype, lead + (c, h, w), "moderate", edge))
        return Sample((x,), {"downscale_factor" if unshuffle else "upscale_factor": r})

    return sample


_LINEAR_NOTE = ("float32: torch's kernels weight and add the taps in another order than the separable "
                "computation here (a few ulps); the gradients add up to a few dozen terms")

_ENTRIES: list = [
    OpInfo("F.conv_transpose1d", _conv_transpose(1), fn=_functional("conv_transpose1d"), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.conv_transpose2d", _conv_transpose(2), fn=_functional("conv_transpose2d"), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.dropout1d", _channel_dropout((2, 3)), fn=_seeded("dropout1d")),
    OpInfo("F.dropout2d", _channel_dropout((4,)), fn=_seeded("dropout2d")),
    OpInfo("F.dropout3d", _channel_dropout((4, 5)), fn=_seeded("dropout3d")),
    OpInfo("F.alpha_dropout", _channel_dropout((0, 1, 2, 3)), fn=_seeded("alpha_dropout")),
    OpInfo("F.feature_alpha_dropout", _channel_dropout((2, 3, 4)), fn=_seeded("feature_alpha_dropout")),
    OpInfo("F.interpolate", _interpolate(tuple(_RANKS)), fn=_functional("interpolate"), tol=_SUM_TOL,
           tol_note=_LINEAR_NOTE),
    OpInfo("F.pixel_shuffle", _shuffle(False), fn=_functional("pixel_shuffle")),
    OpInfo("F.pixel_unshuffle", _shuffle(True), fn=_functional("pixel_unshuffle")),
]

for _info in _ENTRIES:
    register(_info)
