"""torch's ops that are compositions of others: distances (cdist, dist), contractions (tensordot,
inner, vdot), statistics (cov, corrcoef, quantile, nanquantile), fmax/fmin, and the index
combinatorics cartesian_prod and combinations.

Each is written with the ops it is made of, so gradients (and second derivatives) come from
theirs; where torch's own graph ends in a differently named node, the last node carries torch's
name (``CdistBackward0``, ``SqueezeBackward4``, ...)."""
from __future__ import annotations

import itertools
import math
import warnings
from typing import Any, Sequence

import numpy as np

from .._tensor import _SCALAR_TYPE, Tensor
from ._util import broadcast_shapes, named

__all__ = ["cdist", "dist", "tensordot", "inner", "vdot", "fmax", "fmin", "cov", "corrcoef", "quantile",
           "nanquantile", "cartesian_prod", "combinations"]


def _type_name(t: Tensor) -> str:
    return _SCALAR_TYPE[t._array.dtype.name]


# ----- distances --------------------------------------------------------------------------------
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary"
          ) -> Tensor:
    """The p-norm distance between each row of ``x1`` (..., P, M) and each row of ``x2`` (..., R, M):
    a (..., P, R) tensor, batch dims broadcast."""
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} "
                           f"X2: {x2.shape[-1]}")
    for name, x in (("X1", x1), ("X2", x2)):
        if x._array.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {_type_name(x)}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(x1)} but found {_type_name(x2)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)  # (..., P, R, M): every pair of rows
    d = diff.norm(p=p, dim=-1)
    if p == 0:  # a count: torch's gradient is zero (a norm's would be None)
        from .arithmetic import where
        d = where(d.new_zeros(d.shape, dtype=bool), diff.sum(-1), d)
    return named(d, "CdistBackward0")


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of ``input - other`` (broadcast), as one number."""
    return named((input - other).norm(p=p), "DistBackward0")


# ----- contractions -----------------------------------------------------------------------------
def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Tensor | None = None) -> Tensor:
    """Sum the products over ``dims``: the last ``dims`` dims of ``a`` with the first of ``b`` (an
    int), or the listed dims of each (a pair of lists)."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [d % a.ndim if a.ndim else d for d in dims_a]
    dims_b = [d % b.ndim if b.ndim else d for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in "
                               f"dim {da - a.ndim if isinstance(dims, int) else da} and second has size "
                               f"{b.shape[db]} in dim {db}")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    k = math.prod(a.shape[d] for d in dims_a)
    left = a.permute(tuple(free_a + dims_a)).reshape(-1, k)   # (free of a, contracted)
    right = b.permute(tuple(dims_b + free_b)).reshape(k, -1)  # (contracted, free of b)
    shape = [a.shape[d] for d in free_a] + [b.shape[d] for d in free_b]
    result = named((left @ right).view(tuple(shape)), "ViewBackward0")
    if out is not None:
        from ._util import write_out
        return write_out(out, result, "tensordot")
    return result


def inner(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The inner product over the last dims (a product when either is 0-d)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]), out=out)


def vdot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The dot product of two vectors (for real tensors, ``dot``)."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    from .linalg import dot
    return named(dot(input, other, out=out), "VdotBackward0")


# ----- maximum/minimum that ignore nan ----------------------------------------------------------
def _nan_ignoring(input: Tensor, other: Any, take_input: Any, name: str) -> Tensor:
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    from .arithmetic import where
    # the input's value where it wins or the other is nan (torch's gradient rule too)
    pick = take_input(input, other) | other.isnan()
    return named(where(pick, input, other), name.capitalize() + "Backward0")


def fmax(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The elementwise maximum, where a nan loses to a number (``maximum`` propagates nan)."""
    return _nan_ignoring(input, other, lambda a, b: a >= b, "fmax")


def fmin(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The elementwise minimum, where a nan loses to a number (``minimum`` propagates nan)."""
    return _nan_ignoring(input, other, lambda a, b: a <= b, "fmin")


# ----- statistics -------------------------------------------------------------------------------
def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:
    """The covariance matrix of the variables in the rows of ``input`` (observations in columns;
    a 1-d input is one variable), with optional frequency and importance weights."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    x = input.view(1, -1) if input.ndim < 2 else input
    n = x.shape[1]
    w = None
    for name, weights in (("fweights", fweights), ("aweights", aweights)):
        if weights is not None:
            if weights.ndim > 1:
                raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} "
                                   f"with {weights.ndim} dimensions")
            if weights.numel() != n:
                raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations "
                                   f"in the input but got {weights.numel()} != {n}")
            w = weights if w is None else w * weights
    if w is None:
        avg, w_sum = x.mean(1), n
        norm = n - correction
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        norm = w_sum - correction * ((w * aweights).sum() / w_sum if aweights is not None else 1)
    if (norm <= 0) if not isinstance(norm, Tensor) else bool((norm <= 0).item()):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "number of observations.", UserWarning, stacklevel=2)
        norm = norm * 0 if isinstance(norm, Tensor) else 0
    xm = x - avg.unsqueeze(1)
    c = (xm * w if w is not None else xm) @ xm.t()
    return (c / norm).squeeze()


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the variables in the rows of ``input``, in [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    std = c.diagonal().sqrt()
    c = c / std.unsqueeze(1) / std.unsqueeze(0)
    return c.clamp(-1, 1)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input: Tensor, q: Any, dim: int | None, keepdim: bool, interpolation: str,
              ignore_nan: bool) -> Tensor:
    name = "nanquantile()" if ignore_nan else "quantile()"
    if input.numel() and input._array.dtype.kind != "f" or input._array.dtype == np.float16:
        raise RuntimeError(f"{name} input tensor must be either float or double dtype")
    q_tensor = isinstance(q, Tensor)
    if q_tensor:
        if q.ndim > 1:
            raise RuntimeError(f"{name} q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError(f"{name} q tensor must be same dtype as the input tensor")
        qs = q._array.astype(np.float64).reshape(-1)
    else:
        qs = np.array([float(q)])
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name} interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    for v in qs:
        if not 0 <= v <= 1:
            raise RuntimeError(f"{name} q must be in the range [0, 1] but got {v:g}")
    if input.numel() == 0:
        raise RuntimeError(f"{name} input tensor must be non-empty")
    # the values to reduce along the last dim, sorted (nan last)
    x = input.reshape(-1) if dim is None or input.ndim == 0 else input.movedim(dim, -1)
    if dim is None and keepdim:
        out_shape = [1] * input.ndim
    elif dim is None:
        out_shape = []
    else:
        out_shape = list(x.shape[:-1])
        if keepdim:
            out_shape.insert(dim % max(input.ndim, 1), 1)
    values = x.sort(dim=-1).values
    n = values.shape[-1]
    nans = values.isnan()  # sorted last
    if ignore_nan:  # the ranks among the values that are not nan (a slice of nans only: its first)
        last = (n - 1 - nans.sum(-1, keepdim=True)).clamp(min=0).to(values.dtype)
    else:  # a slice holding a nan takes its last value, a nan
        last = values.new_full(values.shape[:-1] + (1,), n - 1)
    has_nan = None if ignore_nan else nans.any(-1, keepdim=True)
    pieces = []
    for v in qs:
        rank = last * v
        if has_nan is not None:
            rank = rank.masked_fill(has_nan, n - 1)
        if interpolation == "nearest":
            rank = rank.round()  # half to even, as torch rounds
        below, above = rank.floor().long(), rank.ceil().long()
        if interpolation in ("lower", "nearest"):
            above = below
        elif interpolation == "higher":
            below = above
        lo, hi = values.gather(-1, below), values.gather(-1, above)
        if interpolation == "linear":
            lo = lo.lerp(hi, rank - below.to(values.dtype))
        elif interpolation == "midpoint":
            lo = lo.lerp(hi, values.new_full(lo.shape, 0.5))
        pieces.append(lo.squeeze(-1))
    from .shape import stack
    result = stack(pieces) if q_tensor else pieces[0]
    shape = [len(qs), *out_shape] if q_tensor else out_shape
    return named(result.reshape(shape), "SqueezeBackward4")


def quantile(input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear", out: Tensor | None = None) -> Tensor:
    """The q-th quantiles of ``input`` (over all elements, or along ``dim``), interpolating between
    the two nearest order statistics; nan if the values hold a nan.  A 1-d ``q`` adds a first dim."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)


def nanquantile(input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *,
                interpolation: str = "linear", out: Tensor | None = None) -> Tensor:
    """``quantile`` of the values that are not nan."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)


# ----- combinatorics ----------------------------------------------------------------------------
def _check_vectors(tensors: Sequence[Tensor]) -> None:
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each vector, one per row (the vector itself for one)."""
    _check_vectors(tensors)
    if len(tensors) == 1:
        return named(tensors[0][:], "SelectBackward0")
    from .other import meshgrid
    from .shape import stack
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """Every length-``r`` combination of the elements of a vector (``itertools.combinations``, or
    ``combinations_with_replacement``), one per row."""
    _check_vectors([input])
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = list(pick(range(input.shape[0]), r))
    from .shape import stack
    index = Tensor._make(np.array(rows, dtype=np.int64).reshape(len(rows), r))
    return stack([input[index[:, j]] for j in range(r)], dim=1)
