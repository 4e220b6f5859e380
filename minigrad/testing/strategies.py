"""Hypothesis strategies for tensors and op arguments, built on ``hypothesis.extra.numpy``.

They draw numpy arrays (feed them to both engines: ``minigrad.tensor(a)``, ``torch.tensor(a)``).
Edge cases are on by default and each has an off switch (``edge=False``):

* edge shapes: 0-d tensors, size-1 dims, zero-length dims;
* edge values: +-0, huge, tiny (smallest normal), subnormal; inf/nan only with ``nonfinite=True``
  (for ops where torch defines the result, e.g. elementwise functions).

Importing this module needs hypothesis (a test dependency, never a runtime one).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DOMAINS = ("real", "positive", "unit", "nonzero", "smooth", "moderate", "signed_unit", "above_one")
"""``real``: any number; ``positive``: > 0 (log, sqrt); ``unit``: in (0, 1) (probabilities);
``signed_unit``: in [-1, 1] (asin, atanh, erfinv; edge values +-1, +-0, tiny, subnormal, just below 1);
``above_one``: >= 1 (acosh; edge values 1, just above 1, huge);
``nonzero``: != 0 (divisors); ``moderate``: |x| <= 3, edge values only +-0 (inputs of sums, whose
rounding depends on the summation order once magnitudes differ wildly); ``smooth``: 0.2 <= |x| <= 2,
no edge values (finite differences: away from kinks at 0 and from overflow)."""


def _edge_values(dtype: np.dtype) -> dict[str, float]:
    info = np.finfo(dtype)
    return {
        "huge": 1e18 if info.bits == 32 else 1e150,
        "tiny": float(info.tiny),
        "subnormal": float(info.smallest_subnormal) * 8,
    }


def elements(
    dtype: Any = np.float64, domain: str = "real", edge: bool = True, nonfinite: bool = False
) -> st.SearchStrategy[float]:
    """Scalars of ``dtype`` from ``domain`` (see ``DOMAINS``), mixed with edge values."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        return st.integers(-5, 5).map(lambda v: abs(v) + 1 if domain in ("positive", "nonzero") else v)
    width = dtype.itemsize * 8
    ev = _edge_values(dtype)

    def floats(lo: float, hi: float, **kw: Any) -> st.SearchStrategy[float]:
        lo, hi = float(dtype.type(lo)), float(dtype.type(hi))  # bounds must be representable
        return st.floats(lo, hi, width=width, allow_subnormal=False, **kw)

    if domain == "smooth":
        return floats(0.2, 2.0).flatmap(lambda v: st.sampled_from([v, -v]))
    if domain == "signed_unit":
        base = floats(-1.0, 1.0, exclude_min=True, exclude_max=True)
        extra = [1.0, -1.0, 0.0, -0.0, ev["tiny"], -ev["subnormal"], 1 - np.finfo(dtype).epsneg]
    elif domain == "above_one":
        base = floats(1.0, 5.0, exclude_min=True)
        extra = [1.0, 1 + np.finfo(dtype).eps, ev["huge"]]
    elif domain == "unit":
        base = floats(0.0, 1.0, exclude_min=True, exclude_max=True)
        extra = [ev["tiny"], ev["subnormal"], 1 - np.finfo(dtype).epsneg]
    elif domain == "positive":
        base = floats(0.05, 4.0)
        extra = [ev["huge"], ev["tiny"], ev["subnormal"]]
    else:
        base = floats(-3.0, 3.0)
        if domain == "nonzero":
            base = base.filter(lambda v: abs(v) > 0.05)
            extra = [ev["tiny"], -ev["tiny"], ev["subnormal"], -ev["huge"], ev["huge"]]
        elif domain == "moderate":
            extra = [0.0, -0.0]
        else:
            extra = [0.0, -0.0, ev["huge"], -ev["huge"], ev["tiny"], -ev["subnormal"]]
    if nonfinite and domain in ("real", "nonzero", "positive", "above_one"):
        extra += [np.inf, np.nan] + ([-np.inf] if domain in ("real", "nonzero") else [])
    if not edge:
        return base
    return st.one_of(base, base, base, st.sampled_from(extra))  # mostly ordinary values


def shapes(
    min_dims: int = 0, max_dims: int = 3, max_side: int = 3, edge: bool = True, min_side: int | None = None
) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes; with ``edge`` also 0-d and zero-length dims (unless ``min_dims``/``min_side``
    say otherwise)."""
    return hnp.array_shapes(
        min_dims=min_dims if edge else max(min_dims, 1),
        max_dims=max_dims,
        min_side=(0 if edge else 1) if min_side is None else min_side,
        max_side=max_side,
    )


def tensors(
    dtype: Any = np.float64,
    shape: Any = None,
    domain: str = "real",
    edge: bool = True,
    nonfinite: bool = False,
    **shape_kw: Any,
) -> st.SearchStrategy[np.ndarray]:
    """numpy arrays of ``dtype`` and ``shape`` (a tuple or a strategy; default ``shapes(...)``)."""
    if shape is None:
        shape = shapes(edge=edge, **shape_kw)
    return hnp.arrays(np.dtype(dtype), shape, elements=elements(dtype, domain, edge, nonfinite))


def broadcastable_shapes(
    n: int = 2, max_dims: int = 3, max_side: int = 3, edge: bool = True
) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """``n`` shapes that broadcast together (missing leading dims, size-1 dims)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n,
        min_dims=0 if edge else 1,
        max_dims=max_dims,
        min_side=0 if edge else 1,
        max_side=max_side,
    ).map(lambda bs: bs.input_shapes)


@st.composite
def matmul_shapes(
    draw: Any, min_dims: int = 1, max_dims: int = 4, max_side: int = 3, edge: bool = True
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Shapes ``(a, b)`` valid for ``a @ b``: vectors, matrices, batches with broadcast batch dims."""
    lo = 0 if edge else 1
    n, k, m = (draw(st.integers(lo, max_side)) for _ in range(3))
    nd_a, nd_b = draw(st.integers(min_dims, max_dims)), draw(st.integers(min_dims, max_dims))
    batch = draw(
        hnp.mutually_broadcastable_shapes(
            num_shapes=2,
            min_dims=max(min_dims - 2, 0),
            max_dims=max(max_dims - 2, 0),
            min_side=lo,
            max_side=2,
        )
    ).input_shapes
    a = (k,) if nd_a == 1 else batch[0][len(batch[0]) - min(nd_a - 2, len(batch[0])) :] + (n, k)
    b = (k,) if nd_b == 1 else batch[1][len(batch[1]) - min(nd_b - 2, len(batch[1])) :] + (k, m)
    return a, b


@st.composite
def reduction_dims(
    draw: Any, shape: Sequence[int], allow_none: bool = True, allow_tuple: bool = True, nonempty: bool = False
) -> tuple[Any, bool]:
    """``(dim, keepdim)`` for a reduction over an array of ``shape``: None, an int (maybe negative)
    or a tuple of ints.  ``nonempty`` avoids reducing over a zero-length dim (amax cannot)."""
    nd = len(shape)
    ok = [d for d in range(max(nd, 1)) if not (nonempty and nd and shape[d] == 0)]
    choices = []
    if allow_none and not (nonempty and 0 in shape):
        choices.append(st.none())
    if ok:
        choices.append(st.sampled_from(ok).flatmap(lambda d: st.sampled_from([d, d - max(nd, 1)])))
        if allow_tuple and nd:
            choices.append(
                st.lists(st.sampled_from(ok), min_size=1, max_size=len(ok), unique=True).map(tuple)
            )
    if not choices:
        raise ValueError(f"no valid reduction dim for shape {shape}")
    return draw(st.one_of(*choices)), draw(st.booleans())


def class_targets(shape: Sequence[int], n_classes: int) -> st.SearchStrategy[np.ndarray]:
    """int64 class indices in ``[0, n_classes)`` (cross-entropy / nll targets)."""
    return hnp.arrays(np.int64, tuple(shape), elements=st.integers(0, max(n_classes - 1, 0)))


def probability_targets(
    shape: Sequence[int], dtype: Any = np.float64, edge: bool = True
) -> st.SearchStrategy[np.ndarray]:
    """Targets in [0, 1] (binary cross-entropy), with exact 0 and 1 among the edge values."""
    base = st.floats(0.0, 1.0, width=np.dtype(dtype).itemsize * 8)
    values = st.one_of(base, st.sampled_from([0.0, 1.0])) if edge else base
    return hnp.arrays(np.dtype(dtype), tuple(shape), elements=values)


def index_arrays(shape: Sequence[int], high: int) -> st.SearchStrategy[np.ndarray]:
    """int64 arrays of ``shape`` with values in ``[0, high)`` (gather / index_select indices)."""
    return hnp.arrays(np.int64, tuple(shape), elements=st.integers(0, max(high - 1, 0)))
