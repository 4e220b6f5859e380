"""Sorting, selection, counting and membership ops against torch: the ones without a gradient
(argsort, unique, bincount, histc, isin, all, any, count_nonzero: values and dtypes), what the
differentiable ones return (torch.return_types named tuples, printed as torch prints them), their
graph nodes, ties and edges where torch documents a choice, and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.testing import check_parity
from minigrad.testing import strategies as S

LIBS = (torch, minigrad)


def _both(code):
    """``code(lib)`` for torch and minigrad, as numpy (tuples element by element)."""
    def as_numpy(r):
        if isinstance(r, (tuple, list)):
            return tuple(as_numpy(x) for x in r)
        return r.detach().numpy() if hasattr(r, "detach") else r

    return as_numpy(code(torch)), as_numpy(code(minigrad))


def _assert_same(t, m):
    if isinstance(t, tuple):
        assert isinstance(m, tuple) and len(m) == len(t)
        for a, b in zip(t, m):
            _assert_same(a, b)
        return
    assert m.dtype == t.dtype and m.shape == t.shape, (m.dtype, m.shape, t.dtype, t.shape)
    np.testing.assert_array_equal(m, t)


def _same(code):
    """The same values and dtype, or (where torch refuses the input) the same exception and message."""
    try:
        code(torch)
    except Exception as t_err:
        with pytest.raises(type(t_err)) as info:
            code(minigrad)
        assert str(info.value) == str(t_err)
        return
    _assert_same(*_both(code))


_SMALL = settings(max_examples=40, deadline=None)


# ----- no gradient: values and dtypes ------------------------------------------------------------------
@_SMALL
@given(x=S.tensors(np.float64, domain="moderate"), data=st.data())
def test_argsort(x, data):
    """Stable, as torch's CPU sort: equal elements (here many zeros) keep their order; descending too."""
    x = np.round(x)  # plenty of ties
    nd = max(x.ndim, 1)
    dim, descending = data.draw(st.integers(-nd, nd - 1)), data.draw(st.booleans())
    _same(lambda lib: lib.argsort(lib.tensor(x), dim=dim, descending=descending))
    _same(lambda lib: lib.tensor(x).argsort(dim, descending))


def test_sort_nan_and_ties():
    x = np.array([1.0, np.nan, -1.0, np.inf, 1.0, -np.inf, np.nan, -0.0, 0.0])
    for descending in (False, True):
        _same(lambda lib, d=descending: tuple(lib.sort(lib.tensor(x), descending=d)))
        _same(lambda lib, d=descending: tuple(lib.sort(lib.tensor(x), descending=d, stable=True)))


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float32"])
def test_sort_dtypes(dtype):
    """Integers and bools sort too (topk refuses bools)."""
    x = np.array([[3, 1, 2, 1], [0, 5, 0, 2]]).astype(dtype)
    _same(lambda lib: tuple(lib.tensor(x).sort(descending=True)))
    _same(lambda lib: tuple(lib.tensor(x).topk(2, largest=False)))
    _same(lambda lib: tuple(lib.tensor(x).cummax(1)))


@_SMALL
@given(x=S.tensors(np.float64, domain="moderate", min_dims=0), data=st.data())
def test_all_any_count_nonzero(x, data):
    """bool results (uint8 for uint8 input); dim=() reduces nothing for all/any, everything for
    count_nonzero, as torch."""
    x = np.round(x)  # zeros among the values
    dtype = data.draw(st.sampled_from(["float64", "int64", "uint8", "bool"]))
    x = np.abs(x).astype(dtype) if dtype == "uint8" else x.astype(dtype)
    nd = x.ndim
    dim = data.draw(st.one_of(st.none(), st.just(()),
                              st.lists(st.integers(0, nd - 1), unique=True, max_size=nd).map(tuple)
                              if nd else st.just(()),
                              st.integers(-max(nd, 1), max(nd, 1) - 1)))
    keepdim = data.draw(st.booleans())
    for name in ("all", "any"):
        if dim is None:
            _same(lambda lib, name=name: getattr(lib, name)(lib.tensor(x)))
        else:
            _same(lambda lib, name=name: getattr(lib, name)(lib.tensor(x), dim, keepdim))
            _same(lambda lib, name=name: getattr(lib.tensor(x), name)(dim=dim, keepdim=keepdim))
    _same(lambda lib: lib.count_nonzero(lib.tensor(x), dim))


@_SMALL
@given(x=S.tensors(np.float64, domain="moderate"), flags=st.tuples(st.booleans(), st.booleans()))
def test_unique(x, flags):
    x = np.round(x)  # repeated values
    inverse, counts = flags
    _same(lambda lib: lib.unique(lib.tensor(x), return_inverse=inverse, return_counts=counts))
    _same(lambda lib: lib.tensor(x).unique(sorted=True, return_inverse=inverse, return_counts=counts))
    if x.ndim:
        _same(lambda lib: lib.unique(lib.tensor(x), return_inverse=inverse, return_counts=counts, dim=0))


def test_unique_edges():
    _same(lambda lib: lib.unique(lib.tensor([np.nan, 1.0, np.nan]), return_counts=True))  # nan != nan
    _same(lambda lib: lib.unique(lib.tensor(2.0), return_inverse=True))  # 0-d
    _same(lambda lib: lib.unique(lib.tensor([True, False, True])))
    _same(lambda lib: lib.unique(lib.zeros(0, 3), return_inverse=True, return_counts=True))
    _same(lambda lib: lib.unique(lib.tensor([3, 1, 2, 1]), sorted=False))


@_SMALL
@given(values=st.lists(st.integers(0, 6), max_size=8), minlength=st.integers(0, 9),
       weights=st.sampled_from([None, "float32", "float64", "int64"]))
def test_bincount(values, minlength, weights):
    x = np.array(values, dtype=np.int64)
    w = None if weights is None else (np.arange(len(values)) * 0.5 + 0.25).astype(weights)

    def run(lib):
        return lib.bincount(lib.tensor(x), None if w is None else lib.tensor(w), minlength)

    _same(run)
    _same(lambda lib: lib.tensor(x).bincount(minlength=minlength))


@_SMALL
@given(x=S.tensors(np.float32, domain="moderate", max_dims=2), bins=st.integers(1, 6),
       limits=st.sampled_from([(0, 0), (-1, 1), (0, 2.5), (-3, -0.5)]),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_histc(x, bins, limits, dtype):
    """Equal-width bins over [min, max] (the data's range when both are 0); values outside ignored,
    values equal to max in the last bin."""
    x = np.round(x * 4) / 4  # values on bin edges
    lo, hi = limits
    _same(lambda lib: lib.histc(lib.tensor(x.astype(dtype)), bins=bins, min=lo, max=hi))
    _same(lambda lib: lib.tensor(x.astype(dtype)).histc(bins, lo, hi))


@_SMALL
@given(x=S.tensors(np.float32, domain="moderate", max_dims=2), bins=st.integers(1, 6),
       limits=st.sampled_from([None, (-1, 1), (0, 2.5), (0.5, 0.5)]), weighted=st.booleans(),
       density=st.booleans(), dtype=st.sampled_from([np.float32, np.float64]))
def test_histogram(x, bins, limits, weighted, density, dtype):
    """(hist, bin_edges): equal-width bins over the range (the data's by default), values on an
    edge in the bin to its right except at the rightmost edge; weights summed; density divided by
    the total and the widths."""
    x = np.round(x * 4).astype(dtype) / 4  # values on bin edges
    w = np.arange(x.size, dtype=dtype).reshape(x.shape) % 3  # small integers: sums are exact

    def run(lib):
        return tuple(lib.histogram(lib.tensor(x), bins, range=limits, density=density,
                                   weight=lib.tensor(w) if weighted else None))

    _same(run)
    _same(lambda lib: tuple(lib.tensor(x).histogram(lib.tensor([-1.0, 0.0, 0.25, 2.0], dtype=lib.float64
                                                               if dtype == np.float64 else lib.float32))))


def test_histogram_result_prints_as_torch():
    for lib in LIBS:
        r = lib.histogram(lib.tensor([0.0, 1.0, 1.0, 3.0]), 3, density=True)
        assert r.hist is r[0] and r.bin_edges is r[1]
    text = repr(minigrad.histogram(minigrad.tensor([0.0, 1.0]), 2)).replace("minigrad.", "torch.", 1)
    assert text == repr(torch.histogram(torch.tensor([0.0, 1.0]), 2))


@pytest.mark.parametrize("case", [
    lambda lib: lib.isin(lib.tensor([[3, 1, 2], [0, 0, 5]]), lib.tensor([1, 5])),
    lambda lib: lib.isin(lib.tensor([[3, 1, 2], [0, 0, 5]]), lib.tensor([1, 5]), invert=True),
    lambda lib: lib.isin(lib.tensor([[3, 1, 2], [0, 0, 5]]), 2),
    lambda lib: lib.isin(2, lib.tensor([[3, 1, 2], [0, 0, 5]])),
    lambda lib: lib.isin(lib.tensor([1.0, 1.5, np.nan]), lib.tensor([1, 2])),
    lambda lib: lib.isin(lib.tensor([1.0, np.nan]), lib.tensor([np.nan])),
    lambda lib: lib.isin(lib.zeros(0, 2), lib.tensor([0.0])),
])
def test_isin(case):
    _same(case)


# ----- differentiable ones: return types, node names, documented tie and edge behaviour ---------------
NAMED = [
    ("sort", lambda lib, x: x.sort(0)),
    ("topk", lambda lib, x: x.topk(2)),
    ("kthvalue", lambda lib, x: x.kthvalue(2, 1, keepdim=True)),
    ("median", lambda lib, x: x.median(1)),
    ("mode", lambda lib, x: lib.mode(x)),
    ("cummax", lambda lib, x: x.cummax(1)),
    ("cummin", lambda lib, x: lib.cummin(x, 0)),
    ("max", lambda lib, x: x.max(1)),
]


@pytest.mark.parametrize("name,code", NAMED, ids=[n for n, _ in NAMED])
def test_return_types(name, code):
    """``values, indices = x.sort()``, ``.values``/``.indices``, the type's name and the printed text."""
    x = np.array([[0.5, -1.25, 2.0, 0.0], [3.0, 1.5, -0.75, 1.0]], dtype=np.float32)
    t, m = code(torch, torch.tensor(x)), code(minigrad, minigrad.tensor(x))
    assert type(m).__name__ == type(t).__name__ == name
    assert isinstance(m, tuple) and len(m) == 2
    values, indices = m
    assert values is m.values and indices is m.indices
    np.testing.assert_array_equal(m.values.numpy(), t.values.numpy())
    np.testing.assert_array_equal(m.indices.numpy(), t.indices.numpy())
    assert m.indices.dtype == minigrad.int64
    assert repr(m).replace("minigrad", "torch") == repr(t)


NODES = [
    lambda lib, x: x.sort()[0],
    lambda lib, x: x.sort(descending=True)[0],
    lambda lib, x: lib.sort(x, stable=True)[0],
    lambda lib, x: x.topk(2)[0],
    lambda lib, x: x.kthvalue(2)[0],
    lambda lib, x: x.median(),
    lambda lib, x: x.median(0)[0],
    lambda lib, x: x.mode()[0],
    lambda lib, x: x.cumsum(0),
    lambda lib, x: x.cumprod(1),
    lambda lib, x: x.cummax(0)[0],
    lambda lib, x: x.cummin(0)[0],
    lambda lib, x: x.logcumsumexp(0),
    lambda lib, x: x.norm(),
    lambda lib, x: x.norm(p=1, dim=0),
    lambda lib, x: lib.norm(x, p="fro", dim=(0, 1)),
    lambda lib, x: lib.linalg.vector_norm(x, math.inf),
    lambda lib, x: lib.linalg.matrix_norm(x),
    lambda lib, x: lib.linalg.matrix_norm(x, 1),
    lambda lib, x: lib.linalg.matrix_norm(x, -math.inf),
    lambda lib, x: lib.linalg.norm(x),
]


@pytest.mark.parametrize("code", NODES)
def test_node_names(code):
    x = np.array([[0.5, -1.25, 2.0], [3.0, 1.5, -0.75]])
    t = code(torch, torch.tensor(x, requires_grad=True))
    m = code(minigrad, minigrad.tensor(x, requires_grad=True))
    assert m.grad_fn.name() == t.grad_fn.name()


EDGES = [
    # the lower median of an even count; every element equal to it shares the gradient
    ("median of ties", lambda lib, x: lib.median(x), np.array([1.0, 2.0, 2.0, 3.0, 2.0, 0.0])),
    ("median with a nan", lambda lib, x: lib.median(x), np.array([1.0, np.nan, 3.0])),
    ("median over a dim with a nan", lambda lib, x: tuple(x.median(1)), np.array([[1.0, np.nan, 3.0],
                                                                                  [1.0, 2.0, 3.0]])),
    ("sort ties", lambda lib, x: tuple(x.sort(1, descending=True)), np.array([[1.0, 3.0, 2.0, 3.0],
                                                                              [4.0, 4.0, 1.0, 1.0]])),
    ("cummax ties: the latest", lambda lib, x: tuple(x.cummax(0)), np.array([1.0, 3.0, 3.0, 2.0, 4.0])),
    ("cummin with nans", lambda lib, x: tuple(x.cummin(0)), np.array([np.nan, 1.0, np.nan, 2.0])),
    ("mode: smallest of the most frequent, last index", lambda lib, x: tuple(x.mode()),
     np.array([[1.0, 3.0, 1.0, 3.0, 2.0, 1.0, 3.0], [2.0, 2.0, 0.5, 0.5, 0.5, 2.0, 7.0]])),
    ("amax ties share the gradient", lambda lib, x: x.amax(1), np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])),
    ("2-norm at zero: subgradient 0", lambda lib, x: x.norm(dim=1), np.array([[0.0, 0.0], [3.0, 4.0]])),
    ("1-norm at zero: sign 0", lambda lib, x: x.norm(p=1), np.array([0.0, -2.0, 1.0])),
    ("inf-norm ties", lambda lib, x: x.norm(p=math.inf), np.array([3.0, -3.0, 1.0])),
    ("-inf-norm ties", lambda lib, x: x.norm(p=-math.inf), np.array([1.0, -1.0, 3.0])),
    ("0.5-norm with a zero", lambda lib, x: x.norm(p=0.5), np.array([0.0, 2.0, 3.0])),
    ("-1-norm with a zero", lambda lib, x: x.norm(p=-1, dim=0), np.array([[0.0, 2.0], [3.0, 4.0]])),
    ("cumprod with one zero", lambda lib, x: x.cumprod(1), np.array([[2.0, 0.0, 3.0, 0.5],
                                                                    [1.5, 2.0, 0.0, 0.0]])),
    ("cumprod of zeros", lambda lib, x: x.cumprod(0), np.zeros(3)),
    ("cumsum of nothing", lambda lib, x: x.cumsum(0), np.zeros((0, 2))),
    ("sort of nothing", lambda lib, x: tuple(x.sort(0)), np.zeros((0, 2))),
    ("topk k=0", lambda lib, x: tuple(x.topk(0)), np.ones((2, 3))),
    ("median of nothing over a kept dim", lambda lib, x: tuple(x.median(1)), np.zeros((0, 3))),
    ("0-d sort", lambda lib, x: tuple(x.sort()), np.array(2.0)),
    ("0-d kthvalue", lambda lib, x: tuple(x.kthvalue(1)), np.array(2.0)),
    ("0-d cumprod", lambda lib, x: x.cumprod(-1), np.array(2.0)),
    ("norm of nothing", lambda lib, x: x.norm(), np.zeros((0,))),
    ("norm of float32 in float64", lambda lib, x: lib.linalg.vector_norm(x.float(), 3, dtype=lib.float64),
     np.array([[0.5, -2.0], [1.5, 0.25]])),
    ("cumsum of float32 in float64", lambda lib, x: x.float().cumsum(0, dtype=lib.float64), np.arange(3.0)),
]


@pytest.mark.parametrize("case", EDGES, ids=[c[0] for c in EDGES])
def test_edges(case):
    """Values, gradients and second derivatives match torch at ties, zeros, nans and empty inputs."""
    _, code, x = case
    check_parity(lambda t: code(minigrad, t), lambda t: code(torch, t), x, allow_errors=False)


def test_logcumsumexp_minus_inf():
    """A leading -inf: its own gradient is 0/0 = nan in torch too; the others are finite.  (Second
    derivatives differ there: torch's formula and minigrad's propagate that nan differently.)"""
    check_parity(lambda t: t.logcumsumexp(0), lambda t: t.logcumsumexp(0), np.array([-np.inf, 0.0, 1.0]),
                 second_order=False, allow_errors=False)


def test_norm_p0_has_no_gradient():
    """The 0-"norm" counts nonzeros: torch gives it no gradient (backward leaves .grad None)."""
    for lib in LIBS:
        x = lib.tensor([1.0, 0.0, 2.0], requires_grad=True)
        y = x.norm(p=0)
        assert float(y) == 2.0 and y.grad_fn.name() == "LinalgVectorNormBackward0"
        y.backward()
        assert x.grad is None


@pytest.mark.parametrize("dtype", ["int64", "bool", "int8", "float32"])
def test_cumulative_dtypes(dtype):
    """cumsum/cumprod accumulate integers and bools in int64, unless told a dtype."""
    x = np.array([[3, 1, 2], [0, 1, 5]]).astype(dtype)
    _same(lambda lib: lib.tensor(x).cumsum(0))
    _same(lambda lib: lib.tensor(x).cumprod(1))
    _same(lambda lib: lib.cumsum(lib.tensor(x), 1, dtype=lib.float64))
    _same(lambda lib: lib.tensor(x).median())
    _same(lambda lib: tuple(lib.tensor(x).mode(0)))


# ----- errors: torch's exception class and message --------------------------------------------------
ERRORS = [
    ("topk k too large", lambda lib: lib.ones(2, 3).topk(4)),
    ("topk negative k", lambda lib: lib.ones(3).topk(-1)),
    ("topk float k", lambda lib: lib.ones(3).topk(1.5)),
    ("kthvalue k = 0", lambda lib: lib.ones(2, 3).kthvalue(0)),
    ("kthvalue k too large", lambda lib: lib.ones(2, 3).kthvalue(4, 1)),
    ("kthvalue over an empty dim", lambda lib: lib.zeros(0, 3).kthvalue(1, 0)),
    ("median over an empty dim", lambda lib: lib.zeros(0, 3).median(0)),
    ("mode over an empty dim", lambda lib: lib.zeros(0, 3).mode(0)),
    ("sort dim out of range", lambda lib: lib.ones(2, 3).sort(2)),
    ("cumsum without dim", lambda lib: lib.ones(2).cumsum()),
    ("cumsum dim out of range", lambda lib: lib.tensor(2.0).cumsum(1)),
    ("logcumsumexp of integers", lambda lib: lib.tensor([1, 2]).logcumsumexp(0)),
    ("bincount of negatives", lambda lib: lib.bincount(lib.tensor([0, -1]))),
    ("bincount of 2-d", lambda lib: lib.bincount(lib.tensor([[0, 1]]))),
    ("bincount of floats", lambda lib: lib.bincount(lib.tensor([0.0, 1.0]))),
    ("bincount negative minlength", lambda lib: lib.bincount(lib.tensor([0, 1]), minlength=-1)),
    ("bincount weights of another length", lambda lib: lib.bincount(lib.tensor([0, 1]), lib.tensor([1.0]))),
    ("histc of integers", lambda lib: lib.histc(lib.tensor([1, 2]))),
    ("histc max < min", lambda lib: lib.histc(lib.tensor([1.0]), bins=3, min=2, max=1)),
    ("histc no bins", lambda lib: lib.histc(lib.tensor([1.0]), bins=0)),
    ("histc infinite range", lambda lib: lib.histc(lib.tensor([1.0, math.inf]), bins=2)),
    ("histogram of integers", lambda lib: lib.histogram(lib.tensor([1, 2]))),
    ("histogram no bins", lambda lib: lib.histogram(lib.tensor([1.0]), 0)),
    ("histogram max < min", lambda lib: lib.histogram(lib.tensor([1.0]), 3, range=(2.0, 1.0))),
    ("histogram of a nan", lambda lib: lib.histogram(lib.tensor([1.0, math.nan]), 2)),
    ("histogram infinite range", lambda lib: lib.histogram(lib.tensor([1.0]), 2, range=(0.0, math.inf))),
    ("histogram one edge", lambda lib: lib.histogram(lib.tensor([1.0]), lib.tensor([1.0]))),
    ("histogram 2-d edges", lambda lib: lib.histogram(lib.tensor([1.0]), lib.ones(2, 2))),
    ("histogram edges of another dtype", lambda lib: lib.histogram(lib.tensor([1.0], dtype=lib.float64),
                                                                   lib.tensor([0.0, 2.0]))),
    ("norm of integers", lambda lib: lib.tensor([1, 2]).norm()),
    ("vector_norm of integers", lambda lib: lib.linalg.vector_norm(lib.tensor([1, 2]))),
    ("vector_norm narrowing dtype", lambda lib: lib.linalg.vector_norm(lib.ones(2, dtype=lib.float64),
                                                                       dtype=lib.float32)),
    ("vector_norm string ord", lambda lib: lib.linalg.vector_norm(lib.ones(2), ord="fro")),
    ("inf-norm of nothing", lambda lib: lib.zeros(0).norm(p=math.inf)),
    ("-1-norm over an empty dim", lambda lib: lib.zeros(0, 3).norm(p=-1, dim=0)),
    ("norm with an unknown name", lambda lib: lib.ones(2, 2).norm(p="foo")),
    ("fro norm over three dims", lambda lib: lib.ones(2, 2, 2).norm(p="fro", dim=(0, 1, 2))),
    ("matrix_norm of a vector", lambda lib: lib.linalg.matrix_norm(lib.ones(3))),
    ("matrix_norm order 3", lambda lib: lib.linalg.matrix_norm(lib.ones(2, 2), 3)),
    ("matrix_norm repeated dim", lambda lib: lib.linalg.matrix_norm(lib.ones(2, 2), dim=(1, 1))),
    ("matrix_norm of integers", lambda lib: lib.linalg.matrix_norm(lib.ones(2, 2, dtype=lib.int64))),
    ("linalg.norm ord of a 3-d input", lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), 1)),
    ("linalg.norm 'fro' of a vector", lambda lib: lib.linalg.norm(lib.ones(3), "fro")),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors(case):
    """Same exception class as torch; same message where torch's has no argument-parser listing."""
    _, code = case
    with pytest.raises(Exception) as t_info:
        code(torch)
    with pytest.raises(Exception) as m_info:
        code(minigrad)
    assert issubclass(m_info.type, t_info.type), (m_info.value, t_info.value)
    t_msg, m_msg = str(t_info.value), str(m_info.value)
    if "-nan" not in t_msg:  # (torch prints a nan range as [-nan, -nan])
        assert m_msg == t_msg
