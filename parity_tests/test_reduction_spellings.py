"""The argument spellings torch accepts on reductions, against torch: numpy's ``axis=`` and
``keepdims=``, ``dim`` as a tuple or list, ``dim=None`` / ``dim=()``; and torch's errors when both
spellings are given or a dim repeats.  Each case runs the same code with ``lib`` = torch and
``lib`` = minigrad and compares values, gradients and second derivatives (``check_parity``)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minigrad
from minigrad.testing import check_parity

X = np.random.default_rng(0).standard_normal((2, 3, 4))  # distinct values: no ties for max/median

# reductions that take a dim and keepdim, each as a function and as a method
KEEPDIM_OPS = ["sum", "mean", "prod", "amax", "amin", "var", "std", "logsumexp", "max", "min", "argmax",
               "argmin", "all", "any", "kthvalue", "median", "mode", "nansum"]
DIM_ONLY_OPS = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "sort", "argsort", "softmax",
                "log_softmax", "count_nonzero"]


def _extra(name: str) -> tuple:
    """Positional arguments an op needs before ``dim``."""
    return (2,) if name == "kthvalue" else ()


def _call(lib, name, x, how, **kw):
    fn = getattr(lib, name) if how == "function" else getattr(x, name)
    return fn(x, *_extra(name), **kw) if how == "function" else fn(*_extra(name), **kw)


def _cases():
    for name in KEEPDIM_OPS:
        if name == "nansum":  # not a minigrad op: its spellings are torch's business
            continue
        for how in ("function", "method"):
            yield name, how, {"axis": 1}
            yield name, how, {"axis": -1, "keepdims": True}
            yield name, how, {"dim": 0, "keepdims": True}
            yield name, how, {"axis": 2, "keepdim": True}
    for name in DIM_ONLY_OPS:
        for how in ("function", "method"):
            yield name, how, {"axis": 1}
    yield "topk", "method", {"k": 2, "axis": 1}
    yield "topk", "function", {"k": 2, "axis": 0}


@pytest.mark.parametrize("name,how,kw", list(_cases()), ids=lambda v: str(v))
def test_numpy_spellings(name, how, kw):
    """``axis=`` means ``dim=`` and ``keepdims=`` means ``keepdim=``, mixed in any way."""
    check_parity(lambda x: _call(minigrad, name, x, how, **kw), lambda x: _call(torch, name, x, how, **kw),
                 X, allow_errors=False)


# dim as a tuple or list, None, () and []: what each op does with them (or the error it raises)
DIM_FORMS = [(0, 2), [0, -1], (-2,), None, (), []]
TUPLE_OPS = ["sum", "mean", "amax", "amin", "var", "std", "logsumexp", "all", "any", "count_nonzero",
             "norm", "prod", "max", "min", "argmax", "argmin", "median"]
# minigrad's one difference, by design: these read an explicit dim=None as "no dim given" (a
# reduction over everything), where torch's argument parser refuses None for their int dim
_NONE_MEANS_ALL = {"prod", "max", "min", "median"}


@pytest.mark.parametrize("dim", DIM_FORMS, ids=repr)
@pytest.mark.parametrize("name", TUPLE_OPS)
def test_dim_forms(name, dim):
    """Tuple and list dims where torch takes them, ``None`` and ``()`` as torch reads them (sum(())
    reduces everything, any(()) nothing), and torch's exception class where it refuses them (max
    takes one int, prod no tuple)."""
    def run(lib):
        return lambda x: getattr(lib, name)(x, dim=dim)

    if dim is None and name in _NONE_MEANS_ALL:
        with pytest.raises(TypeError):
            run(torch)(torch.tensor(X))
        check_parity(run(minigrad), lambda x: getattr(torch, name)(x), X, allow_errors=False)
        return
    if name in ("var", "std") and dim in ((), []):
        # torch reduces over everything here, but its backward reads () as "no dims", a count of 1,
        # and divides by 1 - correction = 0: an inf gradient.  Only the values are compared.
        for lib, t in ((torch, torch.tensor(X)), (minigrad, minigrad.tensor(X))):
            assert run(lib)(t).shape == ()
        expected = run(torch)(torch.tensor(X)).numpy()
        np.testing.assert_allclose(run(minigrad)(minigrad.tensor(X)).numpy(), expected)
        return
    check_parity(run(minigrad), run(torch), X)


def test_linalg_spellings():
    """torch.linalg.vector_norm takes axis/keepdims too; Tensor.norm (a Python function) does not."""
    cases = [("vector_norm", {"axis": 1}), ("vector_norm", {"dim": (0, 2), "keepdims": True}),
             ("vector_norm", {"axis": [1], "keepdims": False}), ("matrix_norm", {"axis": (0, 2)}),
             ("matrix_norm", {"ord": 1, "axis": (2, 1), "keepdims": True}), ("norm", {"axis": 0})]
    for name, kw in cases:
        check_parity(lambda x, name=name, kw=kw: getattr(minigrad.linalg, name)(x, **kw),
                     lambda x, name=name, kw=kw: getattr(torch.linalg, name)(x, **kw), X, allow_errors=False)
    for lib in (torch, minigrad):
        with pytest.raises(TypeError, match="axis"):
            lib.ones(2, 3).norm(axis=0)


def _message(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.type, str(info.value)


ERRORS = [
    ("sum dim and axis", lambda lib: lib.ones(2, 3).sum(dim=0, axis=1)),
    ("sum keepdim and keepdims", lambda lib: lib.sum(lib.ones(2, 3), 0, keepdim=True, keepdims=False)),
    ("amax dim and axis", lambda lib: lib.amax(lib.ones(2, 3), dim=0, axis=1)),
    ("cumsum dim and axis", lambda lib: lib.ones(2, 3).cumsum(dim=0, axis=1)),
    ("repeated dim", lambda lib: lib.ones(2, 3).sum((0, 0))),
    ("repeated dim, negative", lambda lib: lib.ones(2, 3).mean((1, -1))),
    ("repeated dim in amax", lambda lib: lib.ones(2, 3).amax((-1, 1))),
    ("repeated dim in var", lambda lib: lib.ones(2, 3).var((1, 1))),
    ("repeated dim in all", lambda lib: lib.ones(2, 3).all((0, -2))),
    ("repeated dim in count_nonzero", lambda lib: lib.ones(2, 3).count_nonzero((1, -1))),
    ("repeated dim in norm", lambda lib: lib.ones(2, 3).norm(dim=(1, -1))),
    ("repeated dim in logsumexp", lambda lib: lib.ones(2, 3).logsumexp((0, 0))),
    ("dim out of range in a tuple", lambda lib: lib.ones(2, 3).sum((0, 3))),
    ("argmin over a list of dims", lambda lib: lib.ones(2, 3).argmin(dim=[0])),
    ("prod over a tuple of dims", lambda lib: lib.ones(2, 3).prod(dim=(0,))),
]


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c[0])
def test_spelling_errors(case):
    """The same exception class and message as torch."""
    _, code = case
    t_type, t_msg = _message(lambda: code(torch))
    m_type, m_msg = _message(lambda: code(minigrad))
    assert issubclass(m_type, t_type), (m_type, t_type)
    # (torch's argument parser lists every signature it tried: compare its first line only)
    assert m_msg == t_msg if "expected one of" not in t_msg else m_msg.startswith(t_msg.split(" - got")[0])
