"""Registry entries for the layers' functional forms: embedding, normalisation, activations."""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from . import strategies as S
from .registry import _SUM_TOL, OpInfo, Sample, _all_away_from, _dim_only, _F, register

_NORM_NOTE = ("float32 means and variances of a few terms: torch's kernels accumulate in another "
              "order (and width) than minigrad's float64 statistics, so xhat differs by a few ulps "
              "of (x - mean) / std")


def _functional(name: str) -> Any:
    return lambda lib, *ts, **p: getattr(_F(lib), name)(*ts, **p)


# ----- activations: values at their kinks, drawn among the others -------------------------------
@st.composite
def _with_kinks(draw: Any, dtype: Any, edge: bool, kinks: tuple = (), params: Any = None,
                nonfinite: bool = True) -> Sample:
    """A tensor (edge values, inf and nan included when ``edge``) in which some elements are set
    to the kinks (where torch picks a side of the derivative), plus the keyword arguments drawn
    from ``params`` (a dict of strategies)."""
    kw = {k: draw(v) for k, v in (params or {}).items()}
    x = draw(S.tensors(dtype, edge=edge, nonfinite=edge and nonfinite))
    points = tuple(k(kw) if callable(k) else k for k in kinks)
    if edge and points and x.size:
        flat = x.reshape(-1).copy()
        for i in draw(st.lists(st.integers(0, flat.size - 1), max_size=3)):
            flat[i] = draw(st.sampled_from(points))
        x = flat.reshape(x.shape)
    return Sample((x,), kw)


def _away(*kinks: Any) -> Any:
    """For finite differences: every element away from the kinks (which may depend on params)."""
    def smooth(s: Sample) -> bool:
        points = [k(s.params) if callable(k) else k for k in kinks]
        return _all_away_from(s.arrays[0], lambda v: np.min([np.abs(v - p) for p in points], axis=0), 1e-2)
    return smooth


def _activation(name: str, kinks: tuple = (), params: dict | None = None, nonfinite: bool = True,
                **kw: Any) -> OpInfo:
    sample = functools.partial(_with_kinks, kinks=kinks, params=params, nonfinite=nonfinite)
    return OpInfo(f"F.{name}", sample, fn=_functional(name), smooth=_away(*kinks) if kinks else None, **kw)


_HARDTANH_NAN = ("finite inputs: at nan torch's hardtanh gradient depends on the element's position "
                 "(its vectorised loop gives 0, its scalar tail loop passes the gradient), which no "
                 "elementwise formula reproduces")


_HARDTANH = {"min_val": st.sampled_from([-1.0, -2.0, 0.5]), "max_val": st.sampled_from([1.0, 2.5])}
_THRESHOLD = {"threshold": st.sampled_from([0.0, 0.5, -1.0]), "value": st.sampled_from([0.0, -2.0, 3.0])}

_ACTIVATIONS = [
    _activation("leaky_relu", (0.0,), {"negative_slope": st.sampled_from([0.01, 0.2, -0.5])}),
    _activation("elu", (0.0,), {"alpha": st.sampled_from([1.0, 0.5, 2.0])}),
    _activation("selu", (0.0,)),
    _activation("celu", (0.0,), {"alpha": st.sampled_from([1.0, 0.5, 2.0])}),
    _activation("silu"),
    _activation("mish"),
    _activation("softplus", (lambda p: p["threshold"] / p["beta"],),
                {"beta": st.sampled_from([1.0, 2.0, 0.5]), "threshold": st.sampled_from([20.0, 1.0])}),
    _activation("softsign"),
    _activation("tanhshrink"),
    _activation("hardtanh", (lambda p: p["min_val"], lambda p: p["max_val"]), _HARDTANH, nonfinite=False,
                domain=_HARDTANH_NAN),
    _activation("relu6", (0.0, 6.0), nonfinite=False, domain=_HARDTANH_NAN),
    _activation("hardsigmoid", (-3.0, 3.0), second_order=False,
                second_order_note="torch has no derivative for hardsigmoid_backward"),
    _activation("hardswish", (-3.0, 3.0)),
    _activation("threshold", (lambda p: p["threshold"],), _THRESHOLD),
    _activation("gelu", (), {"approximate": st.sampled_from(["none", "tanh"])}),
    OpInfo("F.softmin", _dim_only, fn=_functional("softmin"), tol=_SUM_TOL,
           tol_note="softmax's float32 sums, as for F.softmax"),
]


@st.composite
def _prelu(draw: Any, dtype: Any, edge: bool) -> Sample:
    x = draw(S.tensors(dtype, edge=edge, min_dims=1))
    channels = x.shape[1] if x.ndim >= 2 else 1
    n = draw(st.sampled_from([1, channels])) if channels else 1
    return Sample((x, draw(S.tensors(dtype, (n,), "moderate", False))))


# ----- embedding -----------------------------------------------------------------------------------
@st.composite
def _embedding(draw: Any, dtype: Any, edge: bool) -> Sample:
    """A table (n, d) and int64 or int32 indices of any shape (repeats included: their gradients
    add up), maybe a padding_idx (possibly negative) and scale_grad_by_freq."""
    # d >= 1: with an empty table row torch's backward fails to reshape its empty gradient
    n, d = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    weight = draw(S.tensors(dtype, (n, d), edge=edge))
    # no empty index tensor: torch's double backward then fails to reshape its empty gradient
    indices = draw(S.index_arrays(draw(S.shapes(max_dims=2, edge=edge, min_side=1)), n))
    params: dict = {"input": indices.astype(draw(st.sampled_from([np.int64, np.int32])))}
    if draw(st.booleans()):
        params["padding_idx"] = draw(st.integers(-n, n - 1))
    if draw(st.booleans()):
        params["scale_grad_by_freq"] = True
    return Sample((weight,), params)


def _embedding_fn(lib: Any, weight: Any, input: Any, **p: Any) -> Any:
    return _F(lib).embedding(input, weight, **p)


# ----- normalisation -------------------------------------------------------------------------------
def _spread(x: np.ndarray, view: tuple, axes: tuple) -> bool:
    """Every normalised slice has more than one element and a variance of at least 1/4.

    A constant slice (a single element is one) divides the rounding of its mean by sqrt(eps):
    torch's float32 statistics of [1.4375] give xhat = -3e-5 where the exact value is 0.  And the
    second derivatives are sums of terms of size |g| |u| / var that cancel, so their float32
    rounding grows like 1 / var: with var = 1/16 it already exceeds atol (thorough profile,
    group norm of [0.5, 0]: -0.008703 vs -0.008690)."""
    v = x.astype(np.float64).reshape(view)
    if v.size == 0:
        return True
    return math.prod(v.shape[a] for a in axes) > 1 and bool(np.all(v.var(axis=axes) >= 0.25))


def _spread_out(x: np.ndarray, view: tuple, axes: tuple) -> np.ndarray:
    """x plus offsets from -1.5 to 1.5 across each normalised slice (the same in every slice):
    near-constant slices become rare, and ``_spread`` filters out the few left."""
    v = x.reshape(view)
    k = math.prod(v.shape[a] for a in axes)
    if v.size == 0 or k < 2:
        return x
    offsets = np.linspace(-1.5, 1.5, k).reshape(tuple(n if i in axes else 1 for i, n in enumerate(v.shape)))
    return (v + offsets).astype(x.dtype).reshape(x.shape)


@st.composite
def _affine(draw: Any, dtype: Any, shape: tuple, params: dict) -> tuple:
    """Optional weight and bias of ``shape``: as differentiable inputs, or None.  A bias comes
    only with a weight (as in the modules): with a bias and no weight torch's double backward
    raises ("Expected a proper Tensor but got None")."""
    arrays = []
    for name in ("weight", "bias"):
        if (not arrays and name == "bias") or not draw(st.booleans()):
            params[name] = None
        else:
            arrays.append(draw(S.tensors(dtype, shape, "moderate", False)))
    return tuple(arrays)


def _with_affine(name: str) -> Any:
    """``F.<name>(x, ..., weight=, bias=)`` where weight and bias are the differentiable inputs
    after x that the sample did not set to None."""
    def fn(lib: Any, x: Any, *wb: Any, **p: Any) -> Any:
        rest = iter(wb)
        kw = {k: p.pop(k) if k in p else next(rest) for k in ("weight", "bias")}
        return getattr(_F(lib), name)(x, **p, **kw)
    return fn


@st.composite
def _batch_norm(draw: Any, dtype: Any, edge: bool) -> Sample:
    c = draw(st.integers(1, 3))
    shape = (draw(st.integers(1, 4)), c) + tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    training = draw(st.booleans())
    if training:
        assume(math.prod(shape) // c > 1)
    axes = (0,) + tuple(range(2, len(shape)))
    x = _spread_out(draw(S.tensors(dtype, shape, "moderate", edge)), shape, axes)
    params: dict = {"training": training, "momentum": draw(st.sampled_from([0.1, 0.5])),
                    "eps": draw(st.sampled_from([1e-5, 1e-3]))}
    if not training or draw(st.booleans()):
        params["running_mean"] = draw(S.tensors(dtype, (c,), "moderate", False))
        params["running_var"] = np.abs(draw(S.tensors(dtype, (c,), "smooth", False)))
    else:
        params["running_mean"] = params["running_var"] = None
    arrays = draw(_affine(dtype, (c,), params))
    assume(not training or _spread(x, shape, axes))
    return Sample((x, *arrays), params)


@st.composite
def _layer_norm(draw: Any, dtype: Any, edge: bool) -> Sample:
    lead = draw(S.shapes(max_dims=2, edge=edge, min_side=1))
    normalized = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    if math.prod(normalized) == 1:  # one element per slice: see _spread
        normalized = normalized[:-1] + (2,)
    shape, axes = lead + normalized, tuple(range(len(lead), len(lead) + len(normalized)))
    x = _spread_out(draw(S.tensors(dtype, shape, "moderate", edge)), shape, axes)
    params: dict = {"normalized_shape": normalized, "eps": draw(st.sampled_from([1e-5, 1e-3]))}
    arrays = draw(_affine(dtype, normalized, params))
    assume(_spread(x, shape, axes))
    return Sample((x, *arrays), params)


@st.composite
def _group_norm(draw: Any, dtype: Any, edge: bool) -> Sample:
    groups, per_group = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    c = groups * per_group
    shape = (draw(st.integers(1, 3)), c) + tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    # more than one value per group: else xhat = 0 / sqrt(eps) and torch's float32 double
    # backward is rounding noise of 1/eps-sized terms (-1.5e-5 where the exact value is 0)
    assume(per_group * math.prod(shape[2:]) > 1)
    x = _spread_out(draw(S.tensors(dtype, shape, "moderate", edge)), (shape[0], groups, -1), (2,))
    params: dict = {"num_groups": groups, "eps": draw(st.sampled_from([1e-5, 1e-3]))}
    arrays = draw(_affine(dtype, (c,), params))
    assume(_spread(x, (shape[0], groups, -1), (2,)))
    return Sample((x, *arrays), params)


@st.composite
def _normalize(draw: Any, dtype: Any, edge: bool) -> Sample:
    s = draw(_dim_only(dtype, edge))
    s.params["p"] = draw(st.sampled_from([2.0, 1.0, 3.0, math.inf]))
    x = s.arrays[0]
    empty_dim = x.ndim > 0 and x.shape[s.params["dim"]] == 0
    assume(not (empty_dim and s.params["p"] == math.inf))  # torch raises there: a max of nothing
    # norms 0 (exactly) or at least 1/2: x / ||x|| has derivatives of size 1 / ||x|| (and 1 / ||x||^2)
    # that are rounding noise where the exact value is 0 (thorough profile: 0-d x = 0.0083, float32,
    # second derivative 3e-5 vs torch's -3e-5; x = 1e-12 = eps, 2e-4 vs 0)
    a, p = np.abs(x.astype(np.float64)), s.params["p"]
    if x.ndim and x.size:
        axis = s.params["dim"]
        a = a.max(axis=axis) if p == math.inf else (a ** p).sum(axis=axis) ** (1 / p)
    assume(bool(np.all((a == 0) | (a >= 0.5))))
    return s


def _normalize_smooth(s: Sample) -> bool:
    """Finite differences need no ties for the inf-norm's max and no zero for the 1-norm's |x|."""
    x = s.arrays[0]
    no_ties = s.params["p"] != math.inf or len(np.unique(np.abs(x))) == x.size
    return bool(np.all(np.abs(x) > 1e-2)) and no_ties


def _nonzero_norms(s: Sample) -> bool:
    x = s.arrays[0]
    if x.ndim == 0 or not x.size:
        return bool(x.ndim == 0 and x != 0 or not x.size)
    return bool(np.all(np.any(x != 0, axis=s.params["dim"])))


_ZERO_NORM_NOTE = ("a slice of zeros has norm 0, clamped to eps: torch's double backward there is "
                   "nan (0/0 inside its masked norm gradient), minigrad's 0; first order is compared")
_PRELU_NOTE = ("at x == 0 exactly torch's double backward of prelu treats x as positive (self >= 0 in "
               "derivatives.yaml) while its first derivative takes the slope (x > 0): no single "
               "formula has both; first order is compared there")

_NORMALIZATIONS = [
    OpInfo("F.batch_norm", _batch_norm, fn=_with_affine("batch_norm"), domain="moderate values; slices not "
           "nearly constant (_spread)", tol=_SUM_TOL, tol_note=_NORM_NOTE),
    OpInfo("F.layer_norm", _layer_norm, fn=_with_affine("layer_norm"), domain="moderate values; slices not "
           "nearly constant (_spread)", tol=_SUM_TOL, tol_note=_NORM_NOTE),
    OpInfo("F.group_norm", _group_norm, fn=_with_affine("group_norm"), domain="moderate values; slices not "
           "nearly constant (_spread)", tol=_SUM_TOL, tol_note=_NORM_NOTE),
    OpInfo("F.normalize", _normalize, fn=_functional("normalize"), tol=_SUM_TOL,
           tol_note="float32 sums of |x|^p over a dim", smooth=_normalize_smooth,
           second_order_where=_nonzero_norms, second_order_note=_ZERO_NORM_NOTE),
    OpInfo("F.embedding", _embedding, fn=_embedding_fn, smooth=lambda s: "padding_idx" not in s.params,
           second_order_where=lambda s: "scale_grad_by_freq" not in s.params,
           second_order_note="with scale_grad_by_freq torch's double backward (an embedding lookup of "
           "the upstream gradient) leaves out the 1/count scaling its backward applied; minigrad "
           "differentiates the scaled backward exactly"),
    OpInfo("F.prelu", _prelu, fn=_functional("prelu"), tol=_SUM_TOL,
           tol_note="the slope's gradient is a float32 sum over the positions sharing it",
           smooth=lambda s: _all_away_from(s.arrays[0], np.abs, 1e-2),
           second_order_where=lambda s: bool(np.all(s.arrays[0] != 0)), second_order_note=_PRELU_NOTE),
]

_ENTRIES: list = _ACTIVATIONS + _NORMALIZATIONS

for _info in _ENTRIES:
    register(_info)
