"""The op registry: one ``OpInfo`` per public differentiable op.

An entry says how to call the op (``fn(lib, *tensors, **params)`` with ``lib`` = ``minigrad`` or
``torch``: the APIs match, so one function serves both engines), how to draw valid inputs
(``sample(dtype, edge)``: a hypothesis strategy of ``Sample``), which values make sense
(``domain``), whether second order is checked, the dtypes, and any tolerance with its reason.
Adding an op to the engine means adding one entry here; the parity suite picks it up.

Needs hypothesis (imported here), not torch.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from .. import _tensor
from . import strategies as S

FLOATS = (np.float32, np.float64)


@dataclass
class Sample:
    """Inputs for one call: ``arrays`` become tensors (float ones require grad), ``params`` are
    keyword arguments (numpy arrays among them become non-differentiable tensors)."""

    arrays: tuple
    params: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        arrays = ", ".join(f"np.array({a.tolist()!r}, dtype=np.{a.dtype})" for a in self.arrays)
        return f"Sample(arrays=({arrays},), params={self.params!r})"


@dataclass
class OpInfo:
    name: str
    sample: Callable[[Any, bool], st.SearchStrategy[Sample]]
    fn: Callable | None = None  # fn(lib, *tensors, **params); default lib.<name>(...)
    domain: str = "real"
    second_order: bool = True
    dtypes: tuple = FLOATS
    tol: dict = field(default_factory=dict)  # np.dtype -> (rtol, atol), only with a reason:
    tol_note: str = ""
    smooth: Callable[[Sample], bool] | None = None  # True where finite differences are valid
    second_order_where: Callable[[Sample], bool] | None = None  # limits the second-order check:
    second_order_note: str = ""  # why
    standard: bool = True  # fn is exactly lib.<name>(*tensors, **params)
    gradcheck: bool = True  # finite differences apply (float64 all the way)
    gradcheck_note: str = ""

    def __post_init__(self) -> None:
        if self.fn is None:
            name = self.name
            self.fn = lambda lib, *ts, **p: getattr(lib, name)(*ts, **p)
        else:
            self.standard = False

    def call(self, lib: Any, *tensors: Any, **params: Any) -> Any:
        return self.fn(lib, *tensors, **{k: _lib_value(lib, v) for k, v in params.items()})

    @property
    def mg_fn(self) -> Callable:
        import minigrad

        return functools.partial(self.call, minigrad)

    @property
    def torch_fn(self) -> Callable:
        import torch

        return functools.partial(self.call, torch)

    def tolerance(self, dtype: Any) -> tuple:
        return self.tol.get(np.dtype(dtype), (None, None))


def _lib_value(lib: Any, v: Any) -> Any:
    """numpy arrays in params (indices, masks) as tensors of ``lib``; tuples element by element."""
    if isinstance(v, np.ndarray):
        return lib.from_numpy(v.copy())
    if isinstance(v, tuple):
        return tuple(_lib_value(lib, x) for x in v)
    return v


REGISTRY: dict[str, OpInfo] = {}


def register(info: OpInfo) -> OpInfo:
    """Add (or replace) an entry; ``minigrad.testing.REGISTRY`` is what the parity suite runs."""
    REGISTRY[info.name] = info
    return info


# ----- sample builders --------------------------------------------------------------------------
def unary(domain: str = "real", nonfinite: bool = True, **shape_kw: Any) -> Callable:
    def sample(dtype: Any, edge: bool) -> st.SearchStrategy[Sample]:
        d = domain if edge or domain != "real" else "real"
        return S.tensors(dtype, domain=d, edge=edge, nonfinite=nonfinite and edge, **shape_kw).map(
            lambda x: Sample((x,))
        )

    return sample


def binary(domain_a: str = "real", domain_b: str = "real") -> Callable:
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        sa, sb = draw(S.broadcastable_shapes(2, edge=edge))
        # once a gradient is summed over broadcast dims, huge values make the result depend on the
        # summation order; keep magnitudes moderate then
        broadcast = sa != sb
        da = "moderate" if broadcast and domain_a == "real" else domain_a
        db = "moderate" if broadcast and domain_b == "real" else domain_b
        return Sample((draw(S.tensors(dtype, sa, da, edge)), draw(S.tensors(dtype, sb, db, edge))))

    return sample


def _all_away_from(values: np.ndarray, kinks: Callable[[np.ndarray], np.ndarray], gap: float = 1e-3) -> bool:
    return bool(np.all(np.abs(kinks(values)) > gap))


def _distinct(*arrays: np.ndarray, gap: float = 1e-3) -> bool:
    """No two broadcast elements closer than ``gap`` (max/min ties move under finite differences)."""
    b = np.broadcast_arrays(*arrays)
    return bool(np.all(np.abs(b[0] - b[1]) > gap))


def _unique(x: np.ndarray, gap: float = 1e-3) -> bool:
    v = np.sort(x.reshape(-1))
    return bool(np.all(np.diff(v) > gap))


@st.composite
def _reduce(
    draw: Any,
    dtype: Any,
    edge: bool,
    nonempty: bool = False,
    allow_tuple: bool = True,
    allow_none: bool = True,
    domain: str = "moderate",
    min_dims: int = 0,
) -> Sample:
    x = draw(S.tensors(dtype, domain=domain, edge=edge, min_dims=min_dims, min_side=1 if nonempty else None))
    dim, keepdim = draw(S.reduction_dims(x.shape, allow_none, allow_tuple, nonempty))
    # torch has no keepdim without dim
    return Sample((x,), {} if dim is None else {"dim": dim, "keepdim": keepdim})


@st.composite
def _dim_only(draw: Any, dtype: Any, edge: bool, domain: str = "moderate") -> Sample:
    x = draw(S.tensors(dtype, domain=domain, edge=edge))
    return Sample((x,), {"dim": draw(st.integers(-max(x.ndim, 1), max(x.ndim, 1) - 1))})


@st.composite
def _matmul(draw: Any, dtype: Any, edge: bool, dims: tuple = (1, 4), same_batch: bool = False) -> Sample:
    sa, sb = draw(S.matmul_shapes(dims[0], dims[1], edge=edge))
    if same_batch:  # bmm: no broadcasting of the batch dim
        sb = sa[:-2] + sb[-2:]
    return Sample(
        (draw(S.tensors(dtype, sa, "moderate", edge)), draw(S.tensors(dtype, sb, "moderate", edge)))
    )


def _fixed_rank(ranks: tuple) -> Callable:
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        sa, sb = draw(S.matmul_shapes(ranks[0], ranks[0], edge=edge))
        sb2 = draw(S.matmul_shapes(ranks[1], ranks[1], edge=edge))[1]
        k = sa[-1]
        sb = (k,) if ranks[1] == 1 else sa[:-2] + (k,) + sb2[-1:]
        return Sample(
            (draw(S.tensors(dtype, sa, "moderate", edge)), draw(S.tensors(dtype, sb, "moderate", edge)))
        )

    return sample


@st.composite
def _shape_op(draw: Any, dtype: Any, edge: bool, build: Callable, min_dims: int = 0) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=min_dims))
    return Sample((x,), draw(build(x.shape)))


def _reshape_target(shape: tuple) -> st.SearchStrategy[dict]:
    n = int(np.prod(shape))
    divisors = [d for d in range(1, n + 1) if n % d == 0] or [0]

    @st.composite
    def target(draw: Any) -> dict:
        if n == 0:
            new = draw(st.sampled_from([(0,), (0, 2), (2, 0, 1), (-1, 3)]))
            return {"shape": new}
        dims, left = [], n
        for _ in range(draw(st.integers(0, 3))):
            d = draw(st.sampled_from([d for d in divisors if left % d == 0]))
            dims.append(d)
            left //= d
        dims.append(left)
        if draw(st.booleans()):
            dims[draw(st.integers(0, len(dims) - 1))] = -1
        return {"shape": tuple(draw(st.permutations(dims)))}

    return target()


def _flatten_args(shape: tuple) -> st.SearchStrategy[dict]:
    nd = max(len(shape), 1)
    return (
        st.tuples(st.integers(0, nd - 1), st.integers(0, nd - 1))
        .map(sorted)
        .flatmap(
            lambda se: st.sampled_from(
                [{"start_dim": se[0], "end_dim": se[1]}, {"start_dim": se[0] - nd, "end_dim": se[1] - nd}]
            )
        )
    )


def _squeeze_args(shape: tuple) -> st.SearchStrategy[dict]:
    nd = max(len(shape), 1)
    return st.one_of(
        st.just({}),
        st.integers(-nd, nd - 1).map(lambda d: {"dim": d}),
        st.lists(st.integers(0, nd - 1), unique=True, max_size=nd).map(lambda ds: {"dim": tuple(ds)}),
    )


def _permutation(shape: tuple) -> st.SearchStrategy[dict]:
    return st.permutations(list(range(len(shape)))).map(lambda p: {"dims": tuple(p)})


def _transpose_args(shape: tuple) -> st.SearchStrategy[dict]:
    nd = max(len(shape), 1)
    return st.tuples(st.integers(-nd, nd - 1), st.integers(-nd, nd - 1)).map(
        lambda ab: {"dim0": ab[0], "dim1": ab[1]}
    )


def _expand_target(shape: tuple) -> st.SearchStrategy[dict]:
    @st.composite
    def target(draw: Any) -> dict:
        lead = draw(st.lists(st.integers(0, 3), max_size=2))
        body = [draw(st.sampled_from([n, -1] + ([0, 2, 3] if n == 1 else []))) for n in shape]
        return {"size": tuple(lead + body)}

    return target()


def _join(stack: bool) -> Callable:
    @st.composite
    def sample(draw: Any, dtype: Any, edge: bool) -> Sample:
        base = draw(S.shapes(min_dims=0 if stack else 1, edge=edge))
        nd = len(base) + (1 if stack else 0)
        dim = draw(st.integers(-nd, nd - 1))
        shapes = []
        for _ in range(draw(st.integers(1, 3))):
            s = list(base)
            if not stack:
                s[dim] = draw(st.integers(0 if edge else 1, 3))
            shapes.append(tuple(s))
        return Sample(tuple(draw(S.tensors(dtype, s, edge=edge)) for s in shapes), {"dim": dim})

    return sample


def _split_args(kind: str) -> Callable:
    def build(shape: tuple) -> st.SearchStrategy[dict]:
        @st.composite
        def args(draw: Any) -> dict:
            nd = len(shape)
            dim = draw(st.integers(-nd, nd - 1))
            n = shape[dim]
            if kind == "chunk":
                return {"chunks": draw(st.integers(1, 4)), "dim": dim}
            if kind == "unbind":
                return {"dim": dim}
            if draw(st.booleans()) or n == 0:
                return {"split_size_or_sections": draw(st.integers(1, 4)), "dim": dim}
            cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
            sizes = [b - a for a, b in zip([0] + cuts, cuts + [n], strict=True)]
            return {"split_size_or_sections": sizes, "dim": dim}

        return args()

    return build


@st.composite
def _index_key(draw: Any, shape: tuple) -> tuple:
    """A key mixing ints, slices, None, Ellipsis, an integer array or a boolean mask."""
    if shape and draw(st.integers(0, 4)) == 0:  # a boolean mask over the leading dims
        k = draw(st.integers(1, len(shape)))
        return (draw(S.hnp.arrays(np.bool_, shape[:k])),)
    key: list = []
    for n in shape:
        choice = draw(st.integers(0, 4))
        if choice == 0 and n:
            key.append(draw(st.integers(-n, n - 1)))
        elif choice == 1:
            a, b = draw(st.integers(-4, 4)), draw(st.integers(-4, 4))
            key.append(slice(a, b, draw(st.sampled_from([None, 1, 2]))))
        elif choice == 2 and n:  # repeated indices: their gradients must add up
            key.append(draw(S.index_arrays((draw(st.integers(0, 3)),), n)))
        else:
            key.append(slice(None))
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    if draw(st.integers(0, 3)) == 0:
        key.insert(draw(st.integers(0, len(key))), Ellipsis)
    # torch and numpy disagree on where the axes of *separated* integer arrays go; keep at most one
    arrays = [i for i, k in enumerate(key) if isinstance(k, np.ndarray)]
    for i in arrays[1:]:
        key[i] = slice(None)
    return tuple(key)


@st.composite
def _index(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=1))
    return Sample((x,), {"key": draw(_index_key(x.shape))})


@st.composite
def _along_dim(draw: Any, dtype: Any, edge: bool) -> tuple:
    """``(x, dim, index)`` for gather/scatter: index no larger than x outside ``dim``."""
    x = draw(S.tensors(dtype, edge=edge, min_dims=1, min_side=1))
    x = x if x.size else np.zeros((1,) * x.ndim, dtype)
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    ishape = tuple(
        draw(st.integers(0, 3)) if d == dim % x.ndim else draw(st.integers(0, n))
        for d, n in enumerate(x.shape)
    )
    return x, dim, draw(S.index_arrays(ishape, x.shape[dim]))


@st.composite
def _gather(draw: Any, dtype: Any, edge: bool) -> Sample:
    x, dim, index = draw(_along_dim(dtype, edge))
    return Sample((x,), {"dim": dim, "index": index})


@st.composite
def _index_select(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=1))
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[dim]
    index = draw(S.index_arrays((draw(st.integers(0, 4)) if n else 0,), n))
    return Sample((x,), {"dim": dim, "index": index})


@st.composite
def _masked_fill(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge))
    k = draw(st.integers(0, x.ndim))
    mask = draw(S.hnp.arrays(np.bool_, tuple(1 if draw(st.booleans()) else n for n in x.shape[k:])))
    return Sample((x,), {"mask": mask, "value": draw(st.floats(-3, 3, width=32))})


@st.composite
def _scatter_add(draw: Any, dtype: Any, edge: bool) -> Sample:
    x, dim, index = draw(_along_dim(dtype, edge))
    # src has index's shape: torch allows a larger src in the forward, but its backward then
    # returns a gradient of the wrong shape (and raises), as minigrad's does
    src = draw(S.tensors(dtype, index.shape, "moderate", edge))
    return Sample((x, src), {"dim": dim, "index": index})


@st.composite
def _where(draw: Any, dtype: Any, edge: bool) -> Sample:
    sc, sa, sb = draw(S.broadcastable_shapes(3, edge=edge))
    return Sample(
        (draw(S.tensors(dtype, sa, "moderate", edge)), draw(S.tensors(dtype, sb, "moderate", edge))),
        {"condition": draw(S.hnp.arrays(np.bool_, sc))},
    )


@st.composite
def _clamp(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, nonfinite=edge))
    lo = draw(st.one_of(st.none(), st.floats(-2, 2, width=32)))
    hi = (
        draw(st.floats(-2, 2, width=32))
        if lo is None
        else draw(st.one_of(st.none(), st.floats(-2, 2, width=32)))
    )
    return Sample((x,), {"min": lo, "max": hi})


@st.composite
def _pow(draw: Any, dtype: Any, edge: bool) -> Sample:
    if draw(st.booleans()):
        # tensor ** tensor: a base in [0.2, 2] keeps the result real and its second derivatives
        # (terms like a**(b-2) and log(a) / a) finite in float32; with tiny bases both engines
        # overflow, in different orders (inf vs 1e36).  Edge bases go through the scalar case.
        sa, sb = draw(S.broadcastable_shapes(2, edge=edge))
        base = "smooth"
        return Sample(
            (
                np.asarray(np.abs(draw(S.tensors(dtype, sa, base, edge)))),  # 0-d stays an array
                draw(S.tensors(dtype, sb, "moderate" if sa != sb else "real", edge)),
            )
        )
    # tensor ** scalar: any base, integer or positive fractional exponents
    x = draw(S.tensors(dtype, edge=edge))
    k = draw(st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5]))
    if isinstance(k, float):
        x = np.asarray(np.abs(x))  # np.abs of a 0-d array is a numpy scalar
    return Sample((x,), {"exponent": k})


def _pow_fn(lib: Any, x: Any, *other: Any, exponent: Any = None) -> Any:
    return lib.pow(x, other[0] if other else exponent)


@st.composite
def _max_min(draw: Any, dtype: Any, edge: bool) -> Sample:
    variant = draw(st.sampled_from(["all", "dim", "other"]))
    if variant == "other":
        return draw(binary()(dtype, edge))
    x = draw(S.tensors(dtype, domain="moderate", edge=edge, min_side=1))
    if variant == "all":
        x = x if x.size else np.zeros((1,), dtype)
        return Sample((x,))
    nd = max(x.ndim, 1)
    ok = [d for d in range(nd) if not x.ndim or x.shape[d]]
    if not ok:
        return Sample((np.zeros((2,), dtype),), {"dim": 0, "keepdim": False})
    d = draw(st.sampled_from(ok))
    return Sample((x,), {"dim": d - draw(st.sampled_from([0, nd])), "keepdim": draw(st.booleans())})


def _no_tiny_factors(s: Sample) -> Sample:
    """Nonzero factors of at least 0.01 (zeros stay): a product of tiny factors underflows to a
    subnormal, where out / x has lost nearly all its bits, in each engine differently."""
    x = s.arrays[0]
    return Sample((np.where((x != 0) & (np.abs(x) < 0.01), 0.5, x).astype(x.dtype),), s.params)


@st.composite
def _var(draw: Any, dtype: Any, edge: bool) -> Sample:
    s = draw(_reduce(dtype, edge))
    s.params["correction"] = draw(st.sampled_from([0, 1, 2]))
    # more elements than `correction`: else var divides by zero and its gradient is inf - inf
    # (torch's closed-form backward gives inf, minigrad's composite one nan); the forward value
    # there is checked in test_numerics
    assume(_reduces_something(s))
    return s


def _smooth_everywhere(sample: Sample) -> bool:
    return True


def _no_ties(sample: Sample) -> bool:
    """No ties within an array (max/min/amax/amin over dims) and, for max(a, b)/min(a, b) (two
    arrays: maximum/minimum), none between them either: at a[i] == b[i] torch splits the gradient
    in halves, a kink that finite differences of the first derivative see as a jump (the thorough
    profile found max([0.1], [0.1]): numerical second derivative 6e4, analytical 0)."""
    if len(sample.arrays) == 2:
        return _distinct(*sample.arrays)
    return all(_unique(a) for a in sample.arrays)


def _not_near_integers(sample: Sample) -> bool:
    x = sample.arrays[0]
    return _all_away_from(x, lambda v: v * 2 - np.round(v * 2), 1e-3)  # also half-integers (round)


@st.composite
def _remainder(draw: Any, dtype: Any, edge: bool) -> Sample:
    """Divisors are normal numbers: for a subnormal b, a / b overflows and torch's
    a - b * floor(a / b) gives nan where the exact remainder (numpy's) is finite.  They are also
    large enough that the divisor's gradient -sum(grad * floor(a / b)) stays far from overflow:
    near it, the two engines' different summation orders overflow to inf in one and not the
    other (found by the thorough profile at b = 2.2e-308)."""
    s = draw(binary("real", "nonzero")(dtype, edge))
    a, b = s.arrays
    info = np.finfo(dtype)
    headroom = info.max / (16 * max(a.size, 1))  # |upstream gradient| * count stays below max
    floor_b = max(float(info.tiny), float(np.max(np.abs(a), initial=0.0)) / float(headroom))
    return Sample((a, np.where(np.abs(b) < floor_b, np.copysign(floor_b, b), b).astype(dtype)))


def _remainder_smooth(sample: Sample) -> bool:
    a, b = sample.arrays
    q = a / b
    return bool(np.all(np.abs(q - np.round(q)) > 1e-3))


_STD_NOTE = (
    "std's second derivative is ~1/std: at zero variance torch's backward computes "
    "grad / (2 * std) = 0/0 before masking it (nan w.r.t. the upstream gradient, where "
    "minigrad gives the true 0), and near zero it amplifies rounding beyond any tolerance. "
    "First-order gradients are compared wherever they are well conditioned (_std_sample)"
)


def _reduces_something(s: Sample) -> bool:
    """The reduced slices have more elements than ``correction`` (else var is 0/0 or x/0)."""
    x, dim = s.arrays[0], s.params.get("dim")
    axes = range(x.ndim) if dim is None or x.ndim == 0 else [dim] if isinstance(dim, int) else dim
    return int(np.prod([x.shape[a] for a in axes])) > s.params.get("correction", 1)


def _reduced_slices(s: Sample) -> np.ndarray:
    """The slices a reduction sample reduces, as the rows of a float64 matrix (one per output)."""
    x, dim = s.arrays[0].astype(np.float64), s.params.get("dim")
    if x.ndim == 0:
        return x.reshape(1, 1)
    axes = tuple(range(x.ndim)) if dim is None else tuple(sorted({d % x.ndim for d in np.atleast_1d(dim)}))
    kept = [n for a, n in enumerate(x.shape) if a not in axes]
    moved = np.moveaxis(x, axes, tuple(range(x.ndim - len(axes), x.ndim)))
    return moved.reshape(int(np.prod(kept)), int(np.prod([x.shape[a] for a in axes])))


def _small_variance(s: Sample) -> bool:
    with np.errstate(all="ignore"):  # var of an empty slice is nan, silently
        v = np.var(_reduced_slices(s), axis=1)
    # float32: the terms of std's second derivative scale like 1/std and cancel; their rounding
    # (~1e-7 relative) exceeds atol = 1e-5 once std < 0.1
    return bool(np.any(v < (1e-2 if s.arrays[0].dtype == np.float32 else 1e-4)))


def _exact_multiples(v: float, n: int, dtype: Any) -> bool:
    """k * v is exact in ``dtype`` for every k <= n: a sum of n copies of v is exact in any order."""
    odd_significand = abs(float(v)).as_integer_ratio()[0]
    return (odd_significand * n).bit_length() <= np.finfo(dtype).nmant + 1


def _std_gradient_conditioned(s: Sample) -> bool:
    """Each reduced slice is spread out enough for torch's std gradient to be accurate, or constant
    with a mean that is exact in any summation order (then both engines give the masked 0).

    torch's std_backward (FunctionsManual.cpp) is var_backward(grad / (2 * std)) with the closed
    form 2 / (N - c) * grad * (x - x.mean()): the mean is the dtype's sum / N, whose rounding error
    d (up to ~N * u * max|x|, u the unit roundoff) is in every element and is divided by
    (N - c) * std.  Another engine's d differs (numpy sums in another order; differentiating a
    composite var cancels d, giving the exact gradient), so the two differ by up to
    |v| * N * u * max|x| / ((N - c) * std) for an upstream gradient v.  For a constant slice torch's
    float32 mean is often 1 ulp off, so std is 1 ulp instead of 0, the result == 0 mask misses, and
    torch's gradient is O(v / N) noise where the exact answer is the masked 0 (thorough profile:
    six copies of 0.5281695).  The first-order check keeps slices where that bound, with |v| <= 4,
    stays below the entry's atol.

    Also std >= 2**-500: torch sums the squared deviations in double (for float32 too), and below
    that their sum is near double's subnormal range, where it has lost its precision (thorough
    profile, float64 [[1.7e-161, 0], [0, 0]], dim 0: exact std 8.70e-162, torch's Welford 8.89e-162,
    a two-pass sum 8.61e-162); a gradient divided by such a std differs by percents."""
    rows = _reduced_slices(s)
    if rows.size == 0:
        return True
    dtype, n, c = s.arrays[0].dtype, rows.shape[1], s.params.get("correction", 1)
    unit_roundoff = float(np.finfo(dtype).eps) / 2
    atol = _SUM_TOL.get(np.dtype(dtype), (1e-7, 1e-7))[1]  # float64: torch.testing's default
    with np.errstate(under="ignore"):
        std = np.sqrt(((rows - rows.mean(axis=1, keepdims=True)) ** 2).sum(axis=1) / (n - c))
    bound = np.maximum(4 * n / (n - c) * unit_roundoff * np.abs(rows).max(axis=1) / atol, 2.0**-500)
    exact_constant = [bool((r == r[0]).all()) and _exact_multiples(r[0], n, dtype) for r in rows]
    return bool(np.all((std >= bound) | np.array(exact_constant)))


@st.composite
def _std_sample(draw: Any, dtype: Any, edge: bool) -> Sample:
    s = draw(_var(dtype, edge))
    assume(_std_gradient_conditioned(s))
    return s


_DTYPE_NOTE_SUMS = (
    "float32 sums of up to ~50 terms: torch's vectorised kernels add in a different "
    "order than numpy's pairwise sum, so results differ by a few ulps of the largest "
    "term, not of the (possibly cancelled) result"
)
_SUM_TOL = {np.dtype(np.float32): (1e-5, 1e-5)}  # float64: torch's defaults (1e-7) suffice

_ENTRIES = [
    OpInfo("add", binary()),
    OpInfo("sub", binary()),
    OpInfo("mul", binary()),
    OpInfo("div", binary("real", "nonzero")),
    OpInfo("pow", _pow, fn=_pow_fn, domain="0.2 <= base <= 2 for tensor exponents"),
    OpInfo("neg", unary()),
    OpInfo("exp", unary()),
    OpInfo("log", unary("positive")),
    OpInfo("log1p", unary("positive")),
    OpInfo("sqrt", unary("positive")),
    OpInfo("abs", unary(), smooth=_smooth_everywhere),
    OpInfo("sign", unary()),
    OpInfo("sin", unary("moderate")),
    OpInfo("cos", unary("moderate")),
    OpInfo("tanh", unary()),
    OpInfo("sigmoid", unary()),
    OpInfo("relu", unary()),
    OpInfo(
        "clamp",
        _clamp,
        smooth=lambda s: _all_away_from(
            s.arrays[0],
            lambda v: np.minimum(
                *(
                    np.abs(v - b) if b is not None else np.full_like(v, 9)
                    for b in (s.params["min"], s.params["max"])
                )
            ),
        ),
    ),
    OpInfo("maximum", binary(), smooth=lambda s: _distinct(*s.arrays)),
    OpInfo("minimum", binary(), smooth=lambda s: _distinct(*s.arrays)),
    OpInfo("where", _where, fn=lambda lib, a, b, condition: lib.where(condition, a, b)),
    OpInfo("remainder", _remainder, smooth=_remainder_smooth),
    OpInfo("matmul", _matmul, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("mm", _fixed_rank((2, 2)), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo(
        "bmm",
        functools.partial(_matmul, dims=(3, 3), same_batch=True),
        tol=_SUM_TOL,
        tol_note=_DTYPE_NOTE_SUMS,
    ),
    OpInfo("mv", _fixed_rank((2, 1)), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("dot", _fixed_rank((1, 1)), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("sum", _reduce, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("mean", _reduce, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo(
        "prod",
        lambda dtype, edge: _reduce(dtype, edge, allow_tuple=False).map(_no_tiny_factors),
        tol=_SUM_TOL,
        tol_note="products of a few factors round differently with the order of multiplication",
    ),
    OpInfo("max", _max_min, smooth=_no_ties),
    OpInfo("min", _max_min, smooth=_no_ties),
    OpInfo("amax", functools.partial(_reduce, nonempty=True), smooth=_no_ties),
    OpInfo("amin", functools.partial(_reduce, nonempty=True), smooth=_no_ties),
    OpInfo(
        "var",
        _var,
        tol=_SUM_TOL,
        tol_note=_DTYPE_NOTE_SUMS,
    ),
    OpInfo(
        "std",
        _std_sample,
        domain="reduced slices spread out (std well above the rounding of their mean, and >= 2**-500) "
        "or constant with an exact mean: torch's closed-form std gradient divides its mean's "
        "rounding by std (_std_gradient_conditioned)",
        tol=_SUM_TOL,
        tol_note=_DTYPE_NOTE_SUMS,
        second_order_where=lambda s: not _small_variance(s),
        second_order_note=_STD_NOTE,
    ),
    OpInfo(
        "logsumexp",
        functools.partial(_reduce, allow_none=False, domain="real"),
        tol=_SUM_TOL,
        tol_note=_DTYPE_NOTE_SUMS,
    ),
    OpInfo("softmax", _dim_only, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("log_softmax", _dim_only, tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo(
        "reshape",
        functools.partial(_shape_op, build=_reshape_target),
        fn=lambda lib, x, shape: lib.reshape(x, shape),
    ),
    OpInfo(
        "view", functools.partial(_shape_op, build=_reshape_target), fn=lambda lib, x, shape: x.view(shape)
    ),
    OpInfo("flatten", functools.partial(_shape_op, build=_flatten_args)),
    OpInfo("squeeze", functools.partial(_shape_op, build=_squeeze_args)),
    OpInfo(
        "unsqueeze",
        functools.partial(
            _shape_op, build=lambda s: st.integers(-len(s) - 1, len(s)).map(lambda d: {"dim": d})
        ),
    ),
    OpInfo("transpose", functools.partial(_shape_op, build=_transpose_args)),
    OpInfo(
        "permute",
        functools.partial(_shape_op, build=_permutation),
        fn=lambda lib, x, dims: lib.permute(x, dims),
    ),
    OpInfo("t", lambda dtype, edge: S.tensors(dtype, edge=edge, max_dims=2).map(lambda x: Sample((x,)))),
    OpInfo(
        "expand", functools.partial(_shape_op, build=_expand_target), fn=lambda lib, x, size: x.expand(size)
    ),
    OpInfo("broadcast_to", functools.partial(_shape_op, build=_expand_target)),
    OpInfo("cat", _join(False), fn=lambda lib, *ts, dim: lib.cat(ts, dim)),
    OpInfo("stack", _join(True), fn=lambda lib, *ts, dim: lib.stack(ts, dim)),
    OpInfo("split", functools.partial(_shape_op, build=_split_args("split"), min_dims=1)),
    OpInfo("chunk", functools.partial(_shape_op, build=_split_args("chunk"), min_dims=1)),
    OpInfo("unbind", functools.partial(_shape_op, build=_split_args("unbind"), min_dims=1)),
    OpInfo("index", _index, fn=lambda lib, x, key: x[key]),
    OpInfo("gather", _gather),
    OpInfo("index_select", _index_select),
    OpInfo("masked_fill", _masked_fill),
    OpInfo(
        "scatter_add", _scatter_add, fn=lambda lib, x, src, dim, index: lib.scatter_add(x, dim, index, src)
    ),
    OpInfo("floor", unary(), smooth=_not_near_integers),
    OpInfo("ceil", unary(), smooth=_not_near_integers),
    OpInfo("round", unary(), smooth=_not_near_integers),
    OpInfo("trunc", unary(), smooth=_not_near_integers),
    OpInfo("clone", unary()),
    # thin wrappers that are public functions of their own
    OpInfo(
        "contiguous",
        functools.partial(_shape_op, build=_permutation),
        fn=lambda lib, x, dims: x.permute(dims).contiguous(),
    ),
    OpInfo(
        "expand_as",
        functools.partial(_shape_op, build=_expand_target),
        fn=lambda lib, x, size: x.expand_as(lib.zeros(tuple(x.expand(size).shape))),
    ),
    OpInfo(
        "view_as",
        functools.partial(_shape_op, build=_reshape_target),
        fn=lambda lib, x, shape: x.view_as(x.reshape(shape).detach()),
    ),
    OpInfo(
        "reshape_as",
        functools.partial(_shape_op, build=_reshape_target),
        fn=lambda lib, x, shape: x.reshape_as(x.reshape(shape).detach()),
    ),
    OpInfo("broadcast_tensors", binary(), fn=lambda lib, a, b: lib.broadcast_tensors(a, b)),
    OpInfo(
        "index_put",
        lambda dtype, edge: _setitem(dtype, edge),
        fn=lambda lib, x, v, mask: _index_put(lib, x, v, mask),
    ),
    OpInfo(
        "Tensor.to",
        unary(),
        fn=lambda lib, x: x.to(lib.float64 if x.dtype == lib.float32 else lib.float32) * 1.0,
        gradcheck=False,
        gradcheck_note="a float64 input is cast to float32, whose rounding "
        "swamps finite differences; the parity test compares it with torch in both directions",
    ),
]


@st.composite
def _setitem(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge))
    return Sample(
        (x, draw(S.tensors(dtype, x.shape, edge=edge))), {"mask": draw(S.hnp.arrays(np.bool_, x.shape))}
    )


@st.composite
def _inplace_pair(draw: Any, dtype: Any, edge: bool, domain_b: str = "real") -> Sample:
    """``a`` and a ``b`` that broadcasts to a's shape (an in-place result keeps a's shape)."""
    sa, sb = draw(S.broadcastable_shapes(2, edge=edge))
    sa = np.broadcast_shapes(sa, sb)
    broadcast = sa != sb
    db = "moderate" if broadcast and domain_b == "real" else domain_b
    return Sample((draw(S.tensors(dtype, sa, "moderate" if broadcast else "real", edge)),
                   draw(S.tensors(dtype, sb, db, edge))))


def _inplace(method: str, *extra: Any) -> Callable:
    """``y = a * 1.0; y.<method>(*others, *extra)``: the in-place op on a non-leaf, recorded."""
    def fn(lib: Any, a: Any, *others: Any) -> Any:
        y = a * 1.0
        getattr(y, method)(*others, *extra)
        return y
    return fn


def _index_put(lib: Any, x: Any, v: Any, mask: Any) -> Any:
    """``y[mask] = v[mask]`` on a copy ``y`` of x (minigrad records it with ``index_put``; torch's
    ``index_put`` takes a tuple of index tensors instead): the overwritten elements get no
    gradient from x, the written ones send theirs to v."""
    y = x * 1.0
    y[mask] = v[mask] * 2.0
    return y


_VIEWS = {
    "row": lambda y: y[0],
    "stride": lambda y: y[..., ::2],
    "transpose": lambda y: y.transpose(0, -1),
    "flat": lambda y: y.reshape(-1),
}


@st.composite
def _view_inplace_sample(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=1))
    view = draw(st.sampled_from(sorted(_VIEWS) if x.shape[0] else ["stride", "transpose", "flat"]))
    shape = tuple(_VIEWS[view](_tensor.Tensor._make(np.empty(x.shape))).shape)
    b = draw(S.tensors(dtype, shape[draw(st.integers(0, len(shape))):], "moderate", edge))
    return Sample((x, b), {"view": view, "method": draw(st.sampled_from(["add_", "mul_", "copy_"]))})


def _view_inplace(lib: Any, a: Any, b: Any, view: str, method: str) -> Any:
    """``y = a * 1.0; y[0].mul_(b)`` and friends: writing through a view changes its base."""
    y = a * 1.0
    getattr(_VIEWS[view](y), method)(b)
    return y


# in-place Tensor methods on a non-leaf: the op is recorded and the gradient flows through it
_INPLACE_ENTRIES = [
    OpInfo("Tensor.view_inplace", _view_inplace_sample, fn=_view_inplace),
    OpInfo("Tensor.add_", _inplace_pair, fn=_inplace("add_")),
    OpInfo("Tensor.sub_", _inplace_pair, fn=_inplace("sub_")),
    OpInfo("Tensor.mul_", _inplace_pair, fn=_inplace("mul_")),
    OpInfo("Tensor.div_", functools.partial(_inplace_pair, domain_b="nonzero"), fn=_inplace("div_")),
    OpInfo("Tensor.copy_", _inplace_pair, fn=_inplace("copy_")),
    OpInfo("Tensor.pow_", unary("positive"), fn=_inplace("pow_", 1.5)),
    OpInfo("Tensor.clamp_", unary(), fn=_inplace("clamp_", -0.5, 1.0),
           smooth=lambda s: _all_away_from(s.arrays[0],
                                           lambda v: np.minimum(np.abs(v + 0.5), np.abs(v - 1.0)))),
    OpInfo("Tensor.exp_", unary(), fn=_inplace("exp_")),
    OpInfo("Tensor.neg_", unary(), fn=_inplace("neg_")),
    OpInfo("Tensor.relu_", unary(), fn=_inplace("relu_")),
    OpInfo("Tensor.sigmoid_", unary(), fn=_inplace("sigmoid_")),
    OpInfo("Tensor.tanh_", unary(), fn=_inplace("tanh_")),
]

for _info in _ENTRIES + _INPLACE_ENTRIES:
    register(_info)


# ----- minigrad.nn.functional (entries named "F.<name>") --------------------------------------
def _F(lib: Any) -> Any:
    return importlib.import_module(lib.__name__ + ".nn.functional")


def _functional(name: str) -> Callable:
    return lambda lib, *ts, **p: getattr(_F(lib), name)(*ts, **p)


@st.composite
def _linear(draw: Any, dtype: Any, edge: bool) -> Sample:
    lead = draw(S.shapes(max_dims=2, edge=edge))
    n_in, n_out = draw(st.integers(0 if edge else 1, 3)), draw(st.integers(0 if edge else 1, 3))
    arrays = [draw(S.tensors(dtype, lead + (n_in,), "moderate", edge)),
              draw(S.tensors(dtype, (n_out, n_in), "moderate", edge))]
    if draw(st.booleans()):
        arrays.append(draw(S.tensors(dtype, (n_out,), "moderate", edge)))
    return Sample(tuple(arrays))


_REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


@st.composite
def _pointwise_loss(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, domain="moderate", edge=edge))
    return Sample((x, draw(S.tensors(dtype, x.shape, "moderate", edge))), {"reduction": draw(_REDUCTIONS)})


@st.composite
def _bce(draw: Any, dtype: Any, edge: bool, logits: bool) -> Sample:
    x = draw(S.tensors(dtype, domain="moderate" if logits else "unit", edge=edge))
    params: dict = {"reduction": draw(_REDUCTIONS)}
    if draw(st.booleans()):
        params["weight"] = draw(S.tensors(dtype, x.shape[draw(st.integers(0, x.ndim)):], "positive", False))
    if logits and x.ndim and draw(st.booleans()):
        params["pos_weight"] = draw(S.tensors(dtype, x.shape[-1:], "positive", False))
    return Sample((x, draw(S.probability_targets(x.shape, dtype, edge))), params)


@st.composite
def _classification(draw: Any, dtype: Any, edge: bool, log_probs: bool) -> Sample:
    """Scores (C,), (N, C) or (N, C, d) and class targets, maybe weights, ignore_index, smoothing."""
    c = draw(st.integers(1, 4))
    layout = draw(st.sampled_from(["C", "NC", "NCd"]))
    n, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    shape = {"C": (c,), "NC": (n, c), "NCd": (n, c, d)}[layout]
    tshape = {"C": (), "NC": (n,), "NCd": (n, d)}[layout]
    x = draw(S.tensors(dtype, shape, "moderate", edge))
    params: dict = {"target": draw(S.class_targets(tshape, c)), "reduction": draw(_REDUCTIONS)}
    if draw(st.booleans()):
        params["weight"] = draw(S.tensors(dtype, (c,), "positive", False))
    if draw(st.booleans()):
        params["ignore_index"] = draw(st.integers(0, c - 1))
    if not log_probs and draw(st.booleans()):
        params["label_smoothing"] = draw(st.sampled_from([0.1, 0.5]))
    return Sample((x,), params)


_ALL_IGNORED_NOTE = ("when every target is ignore_index the 'mean' loss is 0/0 = nan; torch's "
                     "second derivative there is nan too, minigrad's 0: not a meaningful comparison")


def _some_target_counts(s: Sample) -> bool:
    """Some target is not ``ignore_index`` (else a 'mean' reduction divides by a zero weight)."""
    ignored = s.params["target"] == s.params.get("ignore_index", -100)
    return s.params["reduction"] != "mean" or not bool(np.all(ignored))


def _with_target(name: str) -> Callable:
    return lambda lib, x, target, **p: getattr(_F(lib), name)(x, target, **p)


@st.composite
def _dropout(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge))
    return Sample((x,), {"p": draw(st.sampled_from([0.0, 0.2, 0.5, 1.0])), "training": draw(st.booleans())})


def _seeded_dropout(lib: Any, x: Any, **p: Any) -> Any:
    lib.manual_seed(0)  # minigrad's generator is bit-exact with torch's: the same mask
    return _F(lib).dropout(x, **p)


_NN_ENTRIES = [
    OpInfo("F.linear", _linear, fn=_functional("linear"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.relu", unary(), fn=_functional("relu")),
    OpInfo("F.sigmoid", unary(), fn=_functional("sigmoid")),
    OpInfo("F.tanh", unary(), fn=_functional("tanh")),
    OpInfo("F.logsigmoid", unary(), fn=_functional("logsigmoid")),
    OpInfo("F.softmax", _dim_only, fn=_functional("softmax"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.log_softmax", _dim_only, fn=_functional("log_softmax"), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.dropout", _dropout, fn=_seeded_dropout),
    OpInfo("F.mse_loss", _pointwise_loss, fn=_functional("mse_loss"), tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.l1_loss", _pointwise_loss, fn=_functional("l1_loss"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS,
           smooth=lambda s: _distinct(*s.arrays)),
    OpInfo("F.binary_cross_entropy", functools.partial(_bce, logits=False),
           fn=_functional("binary_cross_entropy"), domain="input in (0, 1)", tol=_SUM_TOL,
           tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.binary_cross_entropy_with_logits", functools.partial(_bce, logits=True),
           fn=_functional("binary_cross_entropy_with_logits"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS),
    OpInfo("F.cross_entropy", functools.partial(_classification, log_probs=False),
           fn=_with_target("cross_entropy"), tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS,
           smooth=_some_target_counts, second_order_where=_some_target_counts,
           second_order_note=_ALL_IGNORED_NOTE),
    OpInfo("F.nll_loss", functools.partial(_classification, log_probs=True), fn=_with_target("nll_loss"),
           tol=_SUM_TOL, tol_note=_DTYPE_NOTE_SUMS, smooth=_some_target_counts,
           second_order_where=_some_target_counts, second_order_note=_ALL_IGNORED_NOTE),
]

for _info in _NN_ENTRIES:
    register(_info)


# ----- entries for further op families, one module each (they import this one's builders) ------
from . import _registry_math, _registry_reduction, _registry_shape  # noqa: E402,F401
from . import _registry_conv, _registry_layers  # noqa: E402,F401
from . import _registry_extra  # noqa: E402,F401
from . import _registry_upsampling  # noqa: E402,F401
from . import _registry_compositions, _registry_matrix, _registry_special  # noqa: E402,F401
from . import _registry_attention  # noqa: E402,F401
