"""Registry entries for more pointwise math, NaN-aware reductions and shape helpers (tan, logaddexp,
xlogy, fmod, addcmul, nansum, var_mean, aminmax, unflatten, diff, kron, ...)."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np
from hypothesis import strategies as st

from . import strategies as S
from .registry import (_STD_NOTE, _SUM_TOL, OpInfo, Sample, _all_away_from, _inplace, _inplace_pair,
                       _no_ties, _not_near_integers, _pow, _reduce, _remainder, _remainder_smooth,
                       _small_variance, _std_sample, _var, binary, register, unary)

_DTYPE_NOTE_SUMS = ("float32 sums: torch adds in a different order than numpy's pairwise sum, so results "
                    "differ by a few ulps of the largest term")


def _away_from_poles(s: Sample) -> bool:
    """tan's poles at pi/2 + k pi: finite differences need x away from them."""
    return _all_away_from(s.arrays[0], lambda v: np.cos(v), 0.05)


def _both_nonzero(s: Sample) -> bool:
    """copysign jumps where either operand crosses 0."""
    return all(_all_away_from(a, lambda v: v) for a in s.arrays)


@st.composite
def _ternary(draw: Any, dtype: Any, edge: bool, divisor: bool = False) -> Sample:
    """input, tensor1 and tensor2 broadcasting together, and maybe a ``value``."""
    shapes = draw(S.broadcastable_shapes(3, edge=edge))
    domains = ("moderate", "moderate", "smooth" if divisor else "moderate")
    arrays = tuple(draw(S.tensors(dtype, sh, dom, edge)) for sh, dom in zip(shapes, domains))
    return Sample(arrays, draw(st.sampled_from([{}, {"value": 0.5}, {"value": -2.0}])))


@st.composite
def _with_nans(draw: Any, dtype: Any, edge: bool) -> Sample:
    """A reduction's sample whose input has some nan entries."""
    s = draw(_reduce(dtype, edge))
    x = s.arrays[0]
    if x.size and draw(st.booleans()):
        x = np.where(draw(S.hnp.arrays(np.bool_, x.shape)), np.nan, x).astype(dtype)
    return Sample((x,), s.params)


@st.composite
def _aminmax(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, domain="moderate", edge=edge, min_side=1))
    if draw(st.booleans()):
        return Sample((x,), {"keepdim": draw(st.booleans())} if x.ndim else {})
    nd = max(x.ndim, 1)
    return Sample((x,), {"dim": draw(st.integers(-nd, nd - 1)), "keepdim": draw(st.booleans())})


def _aminmax_fn(lib: Any, x: Any, **params: Any) -> Any:
    return tuple(lib.aminmax(x, **params))


@st.composite
def _unflatten(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=1))
    d = draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[d]
    divisors = [k for k in range(1, n + 1) if n % k == 0] or [1]
    k = draw(st.sampled_from(divisors))
    sizes = draw(st.sampled_from([(k, n // k), (-1, k) if n else (0, k), (n,)]))
    return Sample((x,), {"dim": d, "sizes": sizes})


@st.composite
def _diff(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, domain="moderate", edge=edge, min_dims=1))
    params: dict = {"n": draw(st.integers(0, 3)), "dim": draw(st.integers(-x.ndim, x.ndim - 1))}
    if draw(st.booleans()):  # prepend/append: the input's shape except along dim
        side = draw(st.sampled_from(["prepend", "append"]))
        shape = list(x.shape)
        shape[params["dim"]] = draw(st.integers(0, 2))
        params[side] = draw(S.tensors(dtype, tuple(shape), "moderate", edge))
    return Sample((x,), params)


@st.composite
def _kron(draw: Any, dtype: Any, edge: bool) -> Sample:
    sa = draw(S.shapes(edge=edge, max_side=3))
    sb = draw(S.shapes(edge=edge, max_side=3))
    return Sample((draw(S.tensors(dtype, sa, "moderate", edge)),
                   draw(S.tensors(dtype, sb, "moderate", edge))))


@st.composite
def _select(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=1, min_side=1))
    d = draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[d]
    return Sample((x,), {"dim": d, "index": draw(st.integers(-n, n - 1))})


@st.composite
def _tensor_split(draw: Any, dtype: Any, edge: bool, name: str = "tensor_split") -> Sample:
    """Sections (evenly dividing for hsplit/vsplit) or indices, maybe unsorted or out of range."""
    x = draw(S.tensors(dtype, edge=edge, min_dims=2 if name == "vsplit" else 1))
    d = {"hsplit": 0 if x.ndim == 1 else 1, "vsplit": 0}.get(name, draw(st.integers(-x.ndim, x.ndim - 1)))
    n = x.shape[d]
    if draw(st.booleans()):
        sections = draw(st.sampled_from([k for k in (1, 2, 3, 4, 5) if name == "tensor_split" or n % k == 0]))
    else:
        sections = draw(st.lists(st.integers(-1, n + 1), max_size=3))
    params = {"indices_or_sections": sections}
    if name == "tensor_split":
        params["dim"] = d
    return Sample((x,), params)


@st.composite
def _split_with_sizes(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=1))
    d = draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[d]
    cuts = [0, *sorted(draw(st.lists(st.integers(0, n), max_size=3))), n]  # pieces may be empty
    return Sample((x,), {"split_sizes": [hi - lo for lo, hi in zip(cuts, cuts[1:])], "dim": d})


@st.composite
def _cross(draw: Any, dtype: Any, edge: bool) -> Sample:
    """Two broadcasting tensors with a dim of length 3, crossed along it."""
    sa, sb = draw(S.broadcastable_shapes(2, max_dims=2, edge=edge))
    nd = max(len(sa), len(sb), 1)
    sa, sb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    d = draw(st.integers(0, nd - 1))
    sa, sb = sa[:d] + (3,) + sa[d + 1:], sb[:d] + (3,) + sb[d + 1:]
    dim = d - draw(st.sampled_from([0, nd]))
    a, b = draw(S.tensors(dtype, sa, "moderate", edge)), draw(S.tensors(dtype, sb, "moderate", edge))
    return Sample((a, b), {"dim": dim})


@st.composite
def _add_product(draw: Any, dtype: Any, edge: bool, kind: str) -> Sample:
    """input (maybe broadcasting) and the two factors of addmm, addmv or baddbmm; beta and alpha."""
    n, k, m, b = (draw(st.integers(0 if edge else 1, 3)) for _ in range(4))
    a_shape, b_shape, out = {"addmm": ((n, k), (k, m), (n, m)), "addmv": ((n, k), (k,), (n,)),
                             "baddbmm": ((b, n, k), (b, k, m), (b, n, m))}[kind]
    x_shape = out[draw(st.integers(0, len(out))):]  # trailing dims of the output: it broadcasts
    if x_shape and draw(st.booleans()):
        x_shape = x_shape[:-1] + (1,)
    if kind == "addmv" and n * k == 0:
        # torch's addmv with an empty product returns beta * input without broadcasting it (with a
        # resize warning): a quirk minigrad does not copy, so input has the output's shape here
        x_shape = out
    tensors = tuple(draw(S.tensors(dtype, sh, "moderate", edge)) for sh in (x_shape, a_shape, b_shape))
    return Sample(tensors, draw(st.sampled_from([{}, {"beta": 0.5, "alpha": 2.0}, {"alpha": -1.0}])))


@st.composite
def _sum_to_size(draw: Any, dtype: Any, edge: bool) -> Sample:
    """x and a size it is the expansion of: some dims set to 1, maybe leading dims dropped."""
    x = draw(S.tensors(dtype, domain="moderate", edge=edge))
    size = tuple(1 if draw(st.booleans()) else n for n in x.shape)[draw(st.integers(0, x.ndim)):]
    return Sample((x,), {"size": size})


@st.composite
def _take(draw: Any, dtype: Any, edge: bool) -> Sample:
    """x and indices into its flattened elements (negative ones too; repeats accumulate)."""
    x = draw(S.tensors(dtype, edge=edge, min_side=1))
    n = x.size
    index = draw(S.hnp.arrays(np.int64, draw(S.shapes(edge=edge)), elements=st.integers(-n, n - 1)))
    return Sample((x,), {"index": index})


@st.composite
def _block_diag(draw: Any, dtype: Any, edge: bool) -> Sample:
    """Blocks of 0 to 2 dims; an empty vector only last: elsewhere torch's backward takes it for
    no rows where its forward gave it one, and misplaces the later blocks' gradients (see
    docs/parity.md)."""
    shapes = draw(st.lists(S.shapes(max_dims=2, edge=edge), min_size=1, max_size=3))
    shapes = [sh for sh in shapes[:-1] if sh != (0,)] + shapes[-1:]
    return Sample(tuple(draw(S.tensors(dtype, sh, "moderate", edge)) for sh in shapes))


@st.composite
def _index_op(draw: Any, dtype: Any, edge: bool, kind: str) -> Sample:
    """x, a dim, 1-D indices along it (distinct for index_copy: a repeated index's winner is not
    defined) and, for index_add/index_copy, a source with len(index) slices."""
    x = draw(S.tensors(dtype, domain="moderate", edge=edge, min_dims=1, min_side=1))
    d = draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[d]
    if kind == "index_copy":
        index = np.asarray(draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n)), np.int64)
    else:
        low = -n if kind == "index_fill" else 0  # (only index_fill accepts negative indices)
        index = np.asarray(draw(st.lists(st.integers(low, n - 1), max_size=4)), np.int64)
    if kind == "index_fill":
        return Sample((x,), {"dim": d, "index": index, "value": draw(st.sampled_from([0.0, -1.5]))})
    shape = list(x.shape)
    shape[d] = len(index)
    source = draw(S.tensors(dtype, tuple(shape), "moderate", edge))
    params = {"dim": d, "index": index}
    if kind == "index_add" and draw(st.booleans()):
        params["alpha"] = 2.0
    return Sample((x, source), params)


def _index_fn(name: str) -> Any:
    def fn(lib: Any, x: Any, *source: Any, dim: int, index: Any, **kw: Any) -> Any:
        if name == "index_fill":
            return x.index_fill(dim, index, kw["value"])
        return getattr(lib, name)(x, dim, index, source[0], **kw) if name == "index_add" else \
            getattr(x, name)(dim, index, source[0])
    return fn


@st.composite
def _scatter(draw: Any, dtype: Any, edge: bool) -> Sample:
    """x, a dim and an index of src's shape whose positions along dim are distinct within each
    line (where two writes hit one element, which wins is not defined), or a number."""
    x = draw(S.tensors(dtype, domain="moderate", edge=edge, min_dims=1, min_side=1))
    d = draw(st.integers(0, x.ndim - 1))
    shape = list(x.shape)
    shape[d] = draw(st.integers(0, x.shape[d]))
    # each line along d: a distinct choice of positions (a permutation's first shape[d] entries)
    perms = np.argsort(draw(S.hnp.arrays(np.float64, tuple(x.shape), elements=st.floats(0, 1),
                                         unique=False)), axis=d, kind="stable")
    index = np.take(perms, np.arange(shape[d]), axis=d).astype(np.int64)
    if draw(st.booleans()):
        return Sample((x,), {"dim": d, "index": index, "value": draw(st.sampled_from([0.0, 2.5]))})
    return Sample((x, draw(S.tensors(dtype, tuple(shape), "moderate", edge))), {"dim": d, "index": index})


def _scatter_fn(lib: Any, x: Any, *src: Any, dim: int, index: Any, value: Any = None) -> Any:
    return lib.scatter(x, dim, index, src[0]) if src else lib.scatter(x, dim, index, value=value)


def _fmod_smooth(s: Sample) -> bool:
    """Away from fmod's jumps (where a / b crosses an integer)."""
    return _remainder_smooth(s)


_ENTRIES: list = [
    OpInfo("tan", unary("moderate"), smooth=_away_from_poles),
    OpInfo("logaddexp", binary()),
    OpInfo("logaddexp2", binary()),
    OpInfo("xlogy", binary("real", "positive")),
    OpInfo("frac", unary(), smooth=_not_near_integers),
    OpInfo("fmod", _remainder, smooth=_fmod_smooth),
    OpInfo("sgn", unary()),
    OpInfo("deg2rad", unary()),
    OpInfo("rad2deg", unary()),
    OpInfo("float_power", _pow, fn=lambda lib, x, *other, exponent=None: lib.float_power(
        x, other[0] if other else exponent), domain="as pow's entry: 0.2 <= base <= 2 for tensor exponents"),
    OpInfo("addcmul", _ternary),
    OpInfo("addcdiv", functools.partial(_ternary, divisor=True)),
    OpInfo("copysign", binary(), smooth=_both_nonzero),
    OpInfo("positive", unary()),
    OpInfo("type_as", unary(), fn=lambda lib, x: x.type_as(lib.zeros(1, dtype=lib.float64))),
    OpInfo("nansum", _with_nans, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("nanmean", _with_nans, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("var_mean", _var, fn=lambda lib, x, **p: tuple(lib.var_mean(x, **p)), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("std_mean", _std_sample, fn=lambda lib, x, **p: tuple(lib.std_mean(x, **p)), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS, second_order_where=lambda s: not _small_variance(s),
           second_order_note=_STD_NOTE),
    OpInfo("aminmax", _aminmax, fn=_aminmax_fn, smooth=_no_ties),
    OpInfo("ravel", unary()),
    OpInfo("unflatten", _unflatten),
    OpInfo("diff", _diff),
    OpInfo("kron", _kron),
    OpInfo("select", _select),
    OpInfo("tensor_split", _tensor_split,
           fn=lambda lib, x, indices_or_sections, dim: lib.tensor_split(x, indices_or_sections, dim)),
    OpInfo("hsplit", functools.partial(_tensor_split, name="hsplit"),
           fn=lambda lib, x, indices_or_sections: lib.hsplit(x, indices_or_sections)),
    OpInfo("vsplit", functools.partial(_tensor_split, name="vsplit"),
           fn=lambda lib, x, indices_or_sections: lib.vsplit(x, indices_or_sections)),
    OpInfo("split_with_sizes", _split_with_sizes),
    OpInfo("cross", _cross, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("linalg.cross", _cross, fn=lambda lib, a, b, **p: lib.linalg.cross(a, b, **p), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("linalg.vecdot", _cross, fn=lambda lib, a, b, **p: lib.linalg.vecdot(a, b, **p), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("addmm", functools.partial(_add_product, kind="addmm"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("addmv", functools.partial(_add_product, kind="addmv"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("baddbmm", functools.partial(_add_product, kind="baddbmm"), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("Tensor.sum_to_size", _sum_to_size, fn=lambda lib, x, size: x.sum_to_size(size), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("take", _take),
    OpInfo("block_diag", _block_diag),
    OpInfo("index_add", functools.partial(_index_op, kind="index_add"), fn=_index_fn("index_add"),
           tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("index_copy", functools.partial(_index_op, kind="index_copy"), fn=_index_fn("index_copy")),
    OpInfo("index_fill", functools.partial(_index_op, kind="index_fill"), fn=_index_fn("index_fill")),
    OpInfo("scatter", _scatter, fn=_scatter_fn),
    # in-place forms on a non-leaf: recorded, and the gradient flows through them
    OpInfo("Tensor.tan_", unary("moderate"), fn=_inplace("tan_"), smooth=_away_from_poles),
    OpInfo("Tensor.addcmul_", _inplace_pair, fn=lambda lib, x, y: (x * 1.0).addcmul_(y, y, value=0.5)),
    OpInfo("Tensor.fmod_", unary(), fn=_inplace("fmod_", 0.75),
           smooth=lambda s: _all_away_from(s.arrays[0] / 0.75, lambda v: v - np.round(v))),
]

for _info in _ENTRIES:
    register(_info)
