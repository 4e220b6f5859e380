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

_GELU = {"approximate": st.sampled_from(["none", "tanh"])}
_GELU_INF = ("no +inf in float32: there torch's exact gelu gives inf for a single element but nan in "
             "its vectorised loop (any longer tensor); minigrad gives inf")


def _no_float32_inf(s: Sample) -> bool:
    x = s.arrays[0]
    return not (x.dtype == np.float32 and s.params["approximate"] == "none" and bool(np.any(x == np.inf)))


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
    OpInfo("F.gelu", lambda dtype, edge: _with_kinks(dtype, edge, (), _GELU).filter(_no_float32_inf),
           fn=_functional("gelu"), domain=_GELU_INF),
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
    # padding_idx and scale_grad_by_freq change the gradient on purpose (it is no longer the
    # derivative): finite differences apply without them
    OpInfo("F.embedding", _embedding, fn=_embedding_fn,
           smooth=lambda s: "padding_idx" not in s.params and "scale_grad_by_freq" not in s.params,
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


# =====================================================================================================
# ----- losses of loss_functions.py beyond mse/l1/bce/nll (smooth_l1_loss, huber_loss, kl_div, ...) -----
# =====================================================================================================
import warnings  # noqa: E402

from hypothesis.extra import numpy as hnp  # noqa: E402

_LOSS_REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def _pm_one(shape: tuple) -> Any:
    """Targets of +-1 (as float: the margin losses compare them with 1 and -1)."""
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([1.0, -1.0]))


@st.composite
def _robust_loss(draw: Any, dtype: Any, edge: bool, param: str) -> Sample:
    """input and target of one shape, some elements exactly at the kinks |x - y| == beta (delta)
    and x == y, plus a reduction and beta (or delta)."""
    x = draw(S.tensors(dtype, domain="moderate", edge=edge))
    y = draw(S.tensors(dtype, x.shape, "moderate", edge))
    width = draw(st.sampled_from([1.0, 0.5, 2.0] + ([0.0] if param == "beta" else [])))
    if edge and x.size:
        flat_x, flat_y = x.reshape(-1).copy(), y.reshape(-1)
        for i in draw(st.lists(st.integers(0, x.size - 1), max_size=3)):
            flat_x[i] = flat_y[i] + draw(st.sampled_from([width, -width, 0.0]))  # exact: small values
        x = flat_x.reshape(x.shape).astype(dtype)
    return Sample((x, y), {"reduction": draw(_LOSS_REDUCTIONS), param: width})


def _robust_smooth(param: str) -> Any:
    def smooth(s: Sample) -> bool:
        d = np.abs(s.arrays[0] - s.arrays[1])
        return bool(np.all((np.abs(d - s.params[param]) > 1e-2) & (d > 1e-2)))
    return smooth


@st.composite
def _kl_div(draw: Any, dtype: Any, edge: bool) -> Sample:
    """log-probabilities and a target: probabilities (positive; log_target=False) or their logs."""
    log_target = draw(st.booleans())
    x = draw(S.tensors(dtype, domain="moderate", edge=edge))
    t = draw(S.tensors(dtype, x.shape, "moderate" if log_target else "positive", edge))
    reduction = draw(st.sampled_from(["mean", "sum", "none", "batchmean"]))
    return Sample((x, t), {"reduction": reduction, "log_target": log_target})


def _kl_div_fn(lib: Any, x: Any, t: Any, **p: Any) -> Any:
    with warnings.catch_warnings():  # 'mean' warns that it is not 'batchmean' (tested in test_nn_losses)
        warnings.simplefilter("ignore", UserWarning)
        return _F(lib).kl_div(x, t, **p)


@st.composite
def _margin_target(draw: Any, dtype: Any, edge: bool, n_inputs: int, margin: bool) -> Sample:
    """``n_inputs`` inputs of one shape and a +-1 target of that shape (not differentiated)."""
    x = draw(S.tensors(dtype, domain="moderate", edge=edge))
    arrays = (x,) + tuple(draw(S.tensors(dtype, x.shape, "moderate", edge)) for _ in range(n_inputs - 1))
    params: dict = {"target": draw(_pm_one(x.shape)).astype(dtype), "reduction": draw(_LOSS_REDUCTIONS)}
    if margin:
        params["margin"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    return Sample(arrays, params)


def _target_after(name: str, n_inputs: int) -> Any:
    """F.<name>(*inputs, target, ...) with the target (a param) after the differentiable inputs."""
    return lambda lib, *ts, target, **p: getattr(_F(lib), name)(*ts[:n_inputs], target, **p)


def _with_target_kw(name: str) -> Any:
    return lambda lib, x, target, **p: getattr(_F(lib), name)(x, target, **p)


def _margin_smooth(s: Sample) -> bool:
    """Away from the hinge of max(0, margin - ...): the clamp's kink."""
    x = s.arrays[0] - (s.arrays[1] if len(s.arrays) > 1 else 0)
    m = s.params.get("margin", 1.0)
    return bool(np.all(np.abs(np.abs(x) - m) > 1e-2) and np.all(np.abs(x + m) > 1e-2))


@st.composite
def _multilabel(draw: Any, dtype: Any, edge: bool) -> Sample:
    c = draw(st.integers(1, 4))
    shape = draw(st.sampled_from([(c,), (draw(st.integers(1, 3)), c)]))
    x = draw(S.tensors(dtype, shape, "moderate", edge))
    params: dict = {"target": draw(S.probability_targets(shape, dtype, edge)),
                    "reduction": draw(_LOSS_REDUCTIONS)}
    if draw(st.booleans()):
        params["weight"] = draw(S.tensors(dtype, (c,), "positive", False))
    return Sample((x,), params)


@st.composite
def _rows(draw: Any, dtype: Any, edge: bool, n: int, batched: bool | None = None) -> tuple:
    """``n`` arrays of shape (N, D), or (D,) when not batched; rows of norm >= 1/2 (directions
    of near-zero vectors are rounding noise in float32)."""
    d = draw(st.integers(1, 4))
    if batched is None:
        batched = draw(st.booleans())
    shape = (draw(st.integers(1, 3)), d) if batched else (d,)
    arrays = tuple(_long_rows(draw(S.tensors(dtype, shape, "moderate", edge))) for _ in range(n))
    return arrays


def _long_rows(a: np.ndarray, away_from: np.ndarray | None = None) -> np.ndarray:
    """``a`` with each row whose norm (of ``a - away_from``) is below 1/2 moved by 1 in its first
    element: far from the 0/0 of a zero vector's direction, without filtering examples out."""
    diff = a.astype(np.float64) - (0 if away_from is None else away_from)
    short = np.linalg.norm(diff, axis=-1) < 0.5
    if not np.any(short):
        return a
    out = a.copy()
    out[..., 0] = np.where(short, out[..., 0] + np.where(diff[..., 0] < 0, -1, 1), out[..., 0])
    return out


@st.composite
def _cosine_similarity(draw: Any, dtype: Any, edge: bool) -> Sample:
    x1, x2 = draw(_rows(dtype, edge, 2))
    if x1.ndim == 2 and draw(st.booleans()):
        x2 = x2[:1]  # broadcast over the batch
    return Sample((x1, x2), {"dim": draw(st.sampled_from([-1, x1.ndim - 1])), "eps": 1e-8})


@st.composite
def _pairwise_distance(draw: Any, dtype: Any, edge: bool) -> Sample:
    x1, x2 = draw(_rows(dtype, edge, 2))
    x2 = _long_rows(x2, x1)  # the distance's own direction: away from 0 too
    p = draw(st.sampled_from([2.0, 1.0, 3.0, math.inf]))
    return Sample((x1, x2), {"p": p, "keepdim": draw(st.booleans())})


def _distance_smooth(s: Sample) -> bool:
    """p = 1 and inf have kinks where a difference is 0 and where two differences tie."""
    arrays = s.arrays
    pairs = [(arrays[0], a) for a in arrays[1:]] + ([(arrays[1], arrays[2])] if len(arrays) == 3 else [])
    for a, b in pairs:
        d = np.abs(a - b)
        if np.any(d < 1e-2) or not all(_unique_row(r) for r in d.reshape(-1, d.shape[-1])):
            return False
    return True


def _unique_row(r: np.ndarray) -> bool:
    v = np.sort(r)
    return bool(np.all(np.diff(v) > 1e-2))


@st.composite
def _cosine_embedding(draw: Any, dtype: Any, edge: bool) -> Sample:
    x1, x2 = draw(_rows(dtype, edge, 2))
    target = draw(_pm_one(x1.shape[:-1])).astype(dtype)
    return Sample((x1, x2), {"target": target, "margin": draw(st.sampled_from([0.0, 0.3, -0.5])),
                             "reduction": draw(_LOSS_REDUCTIONS)})


def _cosine_embedding_smooth(s: Sample) -> bool:
    """Away from cos == margin (the clamp's kink) for the -1 targets."""
    a, b = (v.astype(np.float64) for v in s.arrays)
    cos = (a * b).sum(-1) / np.sqrt(((a * a).sum(-1) + 1e-12) * ((b * b).sum(-1) + 1e-12))
    return bool(np.all(np.abs(cos - s.params["margin"]) > 1e-2))


@st.composite
def _triplet(draw: Any, dtype: Any, edge: bool) -> Sample:
    a, pos, neg = draw(_rows(dtype, edge, 3))
    pos = _long_rows(pos, a)
    neg = _long_rows(_long_rows(neg, a), pos)
    return Sample((a, pos, neg), {"margin": draw(st.sampled_from([1.0, 0.5])),
                           "p": draw(st.sampled_from([2.0, 1.0])), "swap": draw(st.booleans()),
                           "reduction": draw(_LOSS_REDUCTIONS)})


def _triplet_smooth(s: Sample) -> bool:
    """Away from the hinge, from zero differences (p = 1), and from d(a, n) == d(p, n) (swap)."""
    if not _distance_smooth(s):
        return False
    a, pos, neg = (v.astype(np.float64) for v in s.arrays)
    p, eps = s.params["p"], 1e-6

    def dist(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return (np.abs(u - v + eps) ** p).sum(-1) ** (1 / p)
    d_neg = np.minimum(dist(a, neg), dist(pos, neg)) if s.params["swap"] else dist(a, neg)
    gaps = [s.params["margin"] + dist(a, pos) - d_neg, dist(a, neg) - dist(pos, neg)]
    return all(bool(np.all(np.abs(g) > 1e-2)) for g in gaps)


@st.composite
def _poisson(draw: Any, dtype: Any, edge: bool) -> Sample:
    log_input = draw(st.booleans())
    x = draw(S.tensors(dtype, domain="moderate" if log_input else "positive", edge=edge))
    t = draw(S.tensors(dtype, x.shape, "positive", edge))
    return Sample((x, t), {"log_input": log_input, "full": draw(st.booleans()),
                           "reduction": draw(_LOSS_REDUCTIONS)})


def _poisson_smooth(s: Sample) -> bool:
    """Stirling's term switches on at target > 1."""
    return not s.params["full"] or bool(np.all(np.abs(s.arrays[1] - 1) > 1e-2))


@st.composite
def _gaussian_nll(draw: Any, dtype: Any, edge: bool) -> Sample:
    """var of the input's shape, of that shape without the last dim, or with one dim of size 1."""
    x = draw(S.tensors(dtype, domain="moderate", edge=edge, min_dims=1, min_side=1))
    t = draw(S.tensors(dtype, x.shape, "moderate", edge))
    kind = draw(st.sampled_from(["same", "last dim dropped", "one dim of 1"]))
    if kind == "same":
        v_shape = x.shape
    elif kind == "last dim dropped":
        v_shape = x.shape[:-1]
    else:
        k = draw(st.integers(0, x.ndim - 1))
        v_shape = x.shape[:k] + (1,) + x.shape[k + 1:]
        assume(v_shape != x.shape)
    var = draw(S.tensors(dtype, v_shape, "positive", edge))
    return Sample((x, t, var), {"full": draw(st.booleans()), "eps": draw(st.sampled_from([1e-6, 1e-2])),
                                "reduction": draw(_LOSS_REDUCTIONS)})


def _gaussian_smooth(s: Sample) -> bool:
    """Away from var == eps, where the floor on the variance starts."""
    return bool(np.all(np.abs(s.arrays[2] - s.params["eps"]) > 1e-2))


@st.composite
def _multi_margin(draw: Any, dtype: Any, edge: bool) -> Sample:
    """Scores (N, C), (C,) or 0-d and class indices; p, margin, maybe a class weight."""
    c = draw(st.integers(1, 4))
    layout = draw(st.sampled_from(["NC", "C", "C with a (1,) target", "0-d"]))
    n = draw(st.integers(1 if not edge else 0, 3))
    shape, t_shape = {"NC": ((n, c), (n,)), "C": ((c,), ()), "C with a (1,) target": ((c,), (1,)),
                      "0-d": ((), ())}[layout]
    c = 1 if layout == "0-d" else c
    params: dict = {"target": draw(S.class_targets(t_shape, c)), "p": draw(st.sampled_from([1, 2])),
                    "margin": draw(st.sampled_from([1.0, 0.3])), "reduction": draw(_LOSS_REDUCTIONS)}
    if draw(st.booleans()):
        params["weight"] = draw(S.tensors(dtype, (c,), "positive", False))
    if n == 0 and layout == "NC":  # torch's 'mean' or 'sum' of no sample is an uninitialised number
        params["reduction"] = "none"
    return Sample((draw(S.tensors(dtype, shape, "moderate", edge)),), params)


def _multi_margin_smooth(s: Sample) -> bool:
    """Away from z = margin - x[y] + x[j] == 0, where max(0, z) bends."""
    x = np.atleast_2d(s.arrays[0].astype(np.float64))
    t = np.asarray(s.params["target"]).reshape(-1)
    if x.size == 0:
        return True
    z = s.params["margin"] - x[np.arange(len(t)), t][:, None] + x
    z[np.arange(len(t)), t] = 1.0
    return bool(np.all(np.abs(z) > 1e-2))


_GAUSSIAN_NOTE = ("float32 terms (x - t)^2 / var with var down to eps = 1e-6: values up to ~1e7 whose "
                  "sum loses the same ulps in another order")
_LOSS_SUM_NOTE = "float32 sums of up to ~50 terms, as for F.mse_loss"

_LOSSES = [
    OpInfo("F.smooth_l1_loss", functools.partial(_robust_loss, param="beta"),
           fn=_functional("smooth_l1_loss"), tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE,
           smooth=_robust_smooth("beta")),
    OpInfo("F.huber_loss", functools.partial(_robust_loss, param="delta"), fn=_functional("huber_loss"),
           tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE, smooth=_robust_smooth("delta")),
    OpInfo("F.kl_div", _kl_div, fn=_kl_div_fn, domain="target > 0 unless log_target", tol=_SUM_TOL,
           tol_note=_LOSS_SUM_NOTE),
    OpInfo("F.soft_margin_loss", functools.partial(_margin_target, n_inputs=1, margin=False),
           fn=_target_after("soft_margin_loss", 1), tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE),
    OpInfo("F.margin_ranking_loss", functools.partial(_margin_target, n_inputs=2, margin=True),
           fn=_target_after("margin_ranking_loss", 2), tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE,
           smooth=_margin_smooth),
    OpInfo("F.hinge_embedding_loss", functools.partial(_margin_target, n_inputs=1, margin=True),
           fn=_target_after("hinge_embedding_loss", 1), tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE,
           smooth=_margin_smooth),
    OpInfo("F.multilabel_soft_margin_loss", _multilabel, fn=_with_target_kw("multilabel_soft_margin_loss"),
           tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE),
    OpInfo("F.cosine_similarity", _cosine_similarity, fn=_functional("cosine_similarity"),
           domain="rows of norm >= 1/2", tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE),
    OpInfo("F.pairwise_distance", _pairwise_distance, fn=_functional("pairwise_distance"),
           domain="rows of norm >= 1/2", tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE, smooth=_distance_smooth),
    OpInfo("F.cosine_embedding_loss", _cosine_embedding, fn=_target_after("cosine_embedding_loss", 2),
           domain="rows of norm >= 1/2", tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE,
           smooth=_cosine_embedding_smooth),
    OpInfo("F.triplet_margin_loss", _triplet, fn=_functional("triplet_margin_loss"),
           domain="rows of norm >= 1/2", tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE, smooth=_triplet_smooth),
    OpInfo("F.poisson_nll_loss", _poisson, fn=_functional("poisson_nll_loss"),
           domain="target > 0; input > 0 unless log_input", tol=_SUM_TOL, tol_note=_LOSS_SUM_NOTE,
           smooth=_poisson_smooth),
    OpInfo("F.multi_margin_loss", _multi_margin, fn=_with_target_kw("multi_margin_loss"), tol=_SUM_TOL,
           tol_note=_LOSS_SUM_NOTE, smooth=_multi_margin_smooth, second_order=False,
           second_order_note="torch has no derivative for multi_margin_loss_backward (minigrad's backward, "
           "in Tensor ops, has one: test_nn_losses checks it with gradgradcheck)"),
    OpInfo("F.gaussian_nll_loss", _gaussian_nll, fn=_functional("gaussian_nll_loss"), domain="var > 0",
           tol=_SUM_TOL, tol_note=_GAUSSIAN_NOTE, smooth=_gaussian_smooth),
]

for _info in _LOSSES:
    register(_info)
