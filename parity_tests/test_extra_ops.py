"""torch's constants and small utilities (pi, finfo, set_num_threads, ...) and the ops of
``minigrad/ops/extra.py`` (tan, logaddexp, xlogy, fmod, addcmul, nansum, aminmax, diff, kron, ...):
values, dtypes, node names and errors compared with torch on the same calls.  (Their gradients are
checked by the op registry in test_ops.py.)"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import minigrad

LIBS = (torch, minigrad)


def _both(fn):
    """``fn(torch)`` and ``fn(minigrad)``."""
    return fn(torch), fn(minigrad)


def _same(expected, actual) -> None:
    """Same value(s), dtype and shape; nan equal to nan."""
    if isinstance(expected, (tuple, list)):
        assert len(expected) == len(actual)
        for e, a in zip(expected, actual):
            _same(e, a)
        return
    if not isinstance(expected, torch.Tensor):
        assert type(actual) is type(expected)
        assert actual == expected or (actual != actual and expected != expected)
        return
    assert str(actual.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    assert tuple(actual.shape) == tuple(expected.shape)
    a, e = actual.detach().numpy(), expected.detach().numpy()
    if e.dtype.kind == "f":  # libm's transcendental functions and torch's vectorised ones differ by an ulp
        np.testing.assert_allclose(a, e, rtol=4 * np.finfo(e.dtype).eps, atol=0)
    else:
        np.testing.assert_array_equal(a, e)


# ----- constants and utilities ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ["pi", "e", "inf", "nan", "newaxis"])
def test_constants(name):
    expected, actual = getattr(torch, name), getattr(minigrad, name)
    assert type(actual) is type(expected)
    assert actual == expected or (expected != expected and actual != actual)


def test_newaxis_indexes_like_none():
    _same(*_both(lambda lib: lib.arange(6).reshape(2, 3)[:, lib.newaxis]))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", None])
def test_finfo(dtype):
    t, m = (torch.finfo(getattr(torch, dtype)), minigrad.finfo(getattr(minigrad, dtype))) if dtype else (
        torch.finfo(), minigrad.finfo())
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(m, field) == getattr(t, field), field
        assert type(getattr(m, field)) is type(getattr(t, field)), field
    assert repr(m) == repr(t)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo(dtype):
    t, m = torch.iinfo(getattr(torch, dtype)), minigrad.iinfo(getattr(minigrad, dtype))
    for field in ("bits", "max", "min", "dtype"):
        assert getattr(m, field) == getattr(t, field) and type(getattr(m, field)) is type(getattr(t, field))
    assert repr(m) == repr(t)


@pytest.mark.parametrize("call", [lambda lib: lib.finfo(lib.int32), lambda lib: lib.iinfo(lib.float32),
                                  lambda lib: lib.iinfo(lib.bool), lambda lib: lib.finfo("float32")])
def test_finfo_iinfo_errors(call):
    with pytest.raises(TypeError) as t:
        call(torch)
    with pytest.raises(TypeError) as m:
        call(minigrad)
    if "requires" in str(t.value) or "not supported" in str(t.value):  # (dtypes print as minigrad.bool)
        assert str(m.value).replace("minigrad.", "torch.") == str(t.value)


def test_thread_settings_are_remembered():
    before = minigrad.get_num_threads(), minigrad.get_num_interop_threads()
    try:
        minigrad.set_num_threads(3)
        minigrad.set_num_interop_threads(2)
        assert (minigrad.get_num_threads(), minigrad.get_num_interop_threads()) == (3, 2)
    finally:
        minigrad.set_num_threads(before[0])
        minigrad.set_num_interop_threads(before[1])
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
            lib.set_num_threads(0)


def test_deterministic_and_precision_settings():
    assert minigrad.are_deterministic_algorithms_enabled() is torch.are_deterministic_algorithms_enabled()
    try:
        minigrad.use_deterministic_algorithms(True, warn_only=True)
        assert minigrad.are_deterministic_algorithms_enabled() is True
        assert minigrad.is_deterministic_algorithms_warn_only_enabled() is True
    finally:
        minigrad.use_deterministic_algorithms(False)
    assert minigrad.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    try:
        minigrad.set_float32_matmul_precision("high")
        assert minigrad.get_float32_matmul_precision() == "high"
        with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
            minigrad.set_float32_matmul_precision("fast")
        assert minigrad.get_float32_matmul_precision() == "high"
    finally:
        minigrad.set_float32_matmul_precision("highest")


def test_default_device():
    assert str(minigrad.get_default_device()) == str(torch.get_default_device()) == "cpu"
    minigrad.set_default_device("cpu")
    minigrad.set_default_device(minigrad.device("cpu"))
    with pytest.raises(RuntimeError, match="CPU only"):
        minigrad.set_default_device("cuda")


def test_tensor_predicates_and_typename():
    for make in (lambda lib: lib.tensor([1.5]), lambda lib: lib.tensor([0]), lambda lib: lib.tensor(True),
                 lambda lib: lib.tensor([[-0.0]])):
        t, m = _both(make)
        assert minigrad.is_nonzero(m) is torch.is_nonzero(t)
        assert minigrad.is_floating_point(m) is torch.is_floating_point(t)
        assert minigrad.typename(m).split(".")[-1] == torch.typename(t).split(".")[-1]
    for obj in (3, 2.5, "s", [1]):
        assert minigrad.typename(obj) == torch.typename(obj)
    for make in (lambda lib: lib.ones(2), lambda lib: lib.ones(0)):
        with pytest.raises(RuntimeError) as t:
            torch.is_nonzero(make(torch))
        with pytest.raises(RuntimeError) as m:
            minigrad.is_nonzero(make(minigrad))
        assert str(m.value) == str(t.value)
    for lib in LIBS:
        with pytest.raises(TypeError, match="must be Tensor, not int"):
            lib.is_floating_point(3)


# ----- ops: values and dtypes -----------------------------------------------------------------------
X = [[0.5, -1.25, 3.0], [-0.0, 2.0, -7.5]]
Y = [[1.5, 0.25, -2.0], [4.0, -0.5, 0.0]]

CALLS = {
    "tan": lambda lib: lib.tan(lib.tensor(X)),
    "tan int": lambda lib: lib.tan(lib.tensor([1, 2])),
    "tan_": lambda lib: lib.tensor(X).tan_(),
    "logaddexp": lambda lib: lib.logaddexp(lib.tensor(X), lib.tensor(Y)),
    "logaddexp big": lambda lib: lib.logaddexp(lib.tensor([1000.0, -1000.0]), lib.tensor([1000.0, 5.0])),
    "logaddexp float/int": lambda lib: lib.logaddexp(lib.tensor(X), lib.tensor([1, 2, 3])),
    "logaddexp2": lambda lib: lib.logaddexp2(lib.tensor(X, dtype=lib.float64), lib.tensor(Y)),
    "xlogy": lambda lib: lib.xlogy(lib.tensor(X).abs(), lib.tensor(Y).abs()),
    "xlogy zeros": lambda lib: lib.xlogy(lib.tensor([0.0, 0.0, 0.0]), lib.tensor([0.0, -1.0, float("nan")])),
    "xlogy ints": lambda lib: lib.xlogy(lib.tensor([1, 2]), lib.tensor([3, 4])),
    "xlogy number first": lambda lib: lib.xlogy(2.0, lib.tensor([3.0, 4.0])),
    "xlogy number second": lambda lib: lib.xlogy(lib.tensor([3.0, 4.0]), 2),
    "frac": lambda lib: lib.frac(lib.tensor(X)),
    "fmod": lambda lib: lib.fmod(lib.tensor(X), lib.tensor(Y)),
    "fmod number": lambda lib: lib.fmod(lib.tensor(X), 1.5),
    "fmod ints": lambda lib: lib.fmod(lib.tensor([-7, 7, 5]), lib.tensor([2, -2, 5])),
    "fmod int by float": lambda lib: lib.fmod(lib.tensor([-7, 7]), 2.5),
    "fmod_": lambda lib: lib.tensor(X).fmod_(2),
    "sgn": lambda lib: lib.sgn(lib.tensor(X + [[float("nan"), 0.0, 1.0]])),
    "sgn int": lambda lib: lib.sgn(lib.tensor([-3, 0, 2])),
    "sgn bool": lambda lib: lib.sgn(lib.tensor([True, False])),
    "signbit": lambda lib: lib.signbit(lib.tensor([-0.0, 0.0, -1.0, float("nan")])),
    "signbit int": lambda lib: lib.tensor([-3, 0, 2]).signbit(),
    "heaviside": lambda lib: lib.heaviside(lib.tensor([-1.5, 0.0, 2.0]), lib.tensor([0.5])),
    "heaviside int": lambda lib: lib.heaviside(lib.tensor([-1, 0, 2]), lib.tensor([7, 8, 9])),
    "deg2rad": lambda lib: lib.deg2rad(lib.tensor([180.0, -90.0, 45.0])),
    "deg2rad int": lambda lib: lib.deg2rad(lib.tensor([180, 90])),
    "rad2deg": lambda lib: lib.tensor([math.pi, -1.0]).rad2deg(),
    "float_power": lambda lib: lib.float_power(lib.tensor([1.5, 2.0]), 2),
    "float_power ints": lambda lib: lib.float_power(lib.tensor([2, 3]), lib.tensor([2, -1])),
    "float_power number base": lambda lib: lib.float_power(2, lib.tensor([0.5, 3.0])),
    "addcmul": lambda lib: lib.addcmul(lib.tensor(X), lib.tensor(Y), lib.tensor([2.0, 3.0, 4.0]), value=0.5),
    "addcmul ints": lambda lib: lib.addcmul(lib.tensor([1, 2]), lib.tensor([3, 4]), lib.tensor([5, 6])),
    "addcmul_": lambda lib: lib.tensor(X).addcmul_(lib.tensor(Y), lib.tensor(Y), value=-1),
    "addcdiv": lambda lib: lib.addcdiv(lib.tensor(X), lib.tensor(Y), lib.tensor([2.0, 3.0, 4.0]), value=2),
    "addcdiv_": lambda lib: lib.tensor(X).addcdiv_(lib.tensor(X), lib.tensor([2.0, 4.0, 8.0])),
    "copysign": lambda lib: lib.copysign(lib.tensor(X), lib.tensor(Y)),
    "copysign number": lambda lib: lib.copysign(lib.tensor([1, -2, 3]), -0.0),
    "positive": lambda lib: lib.tensor(X).positive(),
    "type_as": lambda lib: lib.tensor([1, 2]).type_as(lib.tensor([0.5])),
    "nansum": lambda lib: lib.nansum(lib.tensor([[1.0, float("nan")], [float("nan"), float("nan")]]), 1),
    "nansum all": lambda lib: lib.tensor([1.0, float("nan"), 2.5]).nansum(),
    "nansum int": lambda lib: lib.nansum(lib.tensor([1, 2, 3])),
    "nanmean": lambda lib: lib.nanmean(lib.tensor([[1.0, float("nan")], [float("nan"), float("nan")]]), 1),
    "nanmean keepdim": lambda lib: lib.tensor([[1.0, 4.0], [float("nan"), 3.0]]).nanmean(0, keepdim=True),
    "var_mean": lambda lib: lib.var_mean(lib.tensor(X), 1),
    "var_mean all": lambda lib: lib.var_mean(lib.tensor(X), correction=0),
    "std_mean keepdim": lambda lib: lib.std_mean(lib.tensor(X), dim=0, keepdim=True),
    "aminmax": lambda lib: tuple(lib.aminmax(lib.tensor(X))),
    "aminmax dim": lambda lib: tuple(lib.tensor(X).aminmax(dim=1, keepdim=True)),
    "aminmax fields": lambda lib: lib.aminmax(lib.tensor([3, 1, 2])).max,
    "ravel": lambda lib: lib.tensor(X).t().ravel(),
    "unflatten": lambda lib: lib.arange(12).unflatten(0, (3, -1)),
    "unflatten mid": lambda lib: lib.ones(2, 6, 1).unflatten(-2, (2, 3)),
    "diff": lambda lib: lib.diff(lib.tensor([1, 4, 9, 16])),
    "diff n=2 dim 0": lambda lib: lib.diff(lib.tensor(X), n=2, dim=0),
    "diff prepend append": lambda lib: lib.tensor(X).diff(prepend=lib.zeros(2, 1), append=lib.ones(2, 2)),
    "diff bool": lambda lib: lib.diff(lib.tensor([True, True, False, True])),
    "diff n too large": lambda lib: lib.diff(lib.tensor([1.0, 2.0]), n=3),
    "kron": lambda lib: lib.kron(lib.tensor([[1, 2], [3, 4]]), lib.tensor([[0.5, 1.0]])),
    "kron ranks": lambda lib: lib.kron(lib.tensor([1.0, 2.0]), lib.ones(2, 2, 3)),
    "select": lambda lib: lib.select(lib.tensor(X), 1, -1),
    "select method": lambda lib: lib.tensor(X).select(0, 1),
    "tensor_split sections": lambda lib: lib.tensor_split(lib.arange(7), 3),
    "tensor_split indices": lambda lib: lib.tensor_split(lib.arange(7), [1, 5, 3, 9]),
    "tensor_split tensor": lambda lib: lib.arange(8).reshape(2, 4).tensor_split(lib.tensor(3), dim=1),
    "hsplit": lambda lib: lib.hsplit(lib.arange(8).reshape(2, 4), 2),
    "hsplit 1-d": lambda lib: lib.hsplit(lib.arange(6), [2]),
    "vsplit": lambda lib: lib.vsplit(lib.arange(8).reshape(4, 2), [1, 3]),
    "split_with_sizes": lambda lib: lib.arange(6).split_with_sizes([1, 0, 5]),
    "cross": lambda lib: lib.cross(lib.tensor([[1.0, 2.0, 3.0]]),
                                   lib.tensor([[4.0, 5.0, 6.0], [0.0, 1.0, 0.0]]), dim=1),
    "cross no dim": lambda lib: lib.tensor([[1, 0], [0, 1], [0, 0]]).cross(
        lib.tensor([[0, 0], [1, 0], [0, 1]])),
    "linalg.cross": lambda lib: lib.linalg.cross(lib.tensor([1.0, 0.0, 0.0]), lib.tensor([0.0, 1.0, 0.0])),
    "addmm": lambda lib: lib.addmm(lib.tensor([1.0, -1.0, 2.0]), lib.tensor(X).t(), lib.tensor(Y),
                                   beta=0.5, alpha=2),
    "addmm beta 0 ignores nan": lambda lib: lib.addmm(lib.tensor(float("nan")), lib.eye(2), lib.eye(2),
                                                      beta=0),
    "addmm ints": lambda lib: lib.addmm(lib.tensor([1]), lib.tensor([[1, 2]]), lib.tensor([[3], [4]])),
    "addmm_": lambda lib: lib.ones(2, 2).addmm_(lib.eye(2), lib.eye(2), alpha=3),
    "addmv": lambda lib: lib.addmv(lib.tensor(0.5), lib.tensor(X), lib.tensor([1.0, 2.0, 3.0])),
    "baddbmm": lambda lib: lib.baddbmm(lib.zeros(1), lib.ones(2, 2, 3), lib.ones(2, 3, 1), alpha=0.5),
    "logspace": lambda lib: lib.logspace(0, 3, 4),
    "logspace base": lambda lib: lib.logspace(-1, 1, 5, base=3.0, dtype=lib.float64),
    "logspace int": lambda lib: lib.logspace(0, 2, 3, base=2, dtype=lib.int64),
    "range": lambda lib: lib.range(1, 4),
    "range step": lambda lib: lib.range(0, 1, 0.25),
    "range down": lambda lib: lib.range(3, 1, -1, dtype=lib.int64),
    "tril_indices": lambda lib: lib.tril_indices(3, 2, 1),
    "triu_indices": lambda lib: lib.triu_indices(3, 3, -1, dtype=lib.int32),
    "tril_indices empty": lambda lib: lib.tril_indices(0, 3),
    "detach": lambda lib: lib.detach(lib.tensor(X, requires_grad=True) * 2).requires_grad,
    "take": lambda lib: lib.take(lib.tensor(X), lib.tensor([[0, 5], [-1, 2]])),
    "take method": lambda lib: lib.tensor(X).take(lib.tensor(3)),
    "block_diag": lambda lib: lib.block_diag(lib.ones(1, 2), lib.tensor([3.0, 4.0]), lib.tensor(5.0),
                                             lib.ones(0, 1)),
    "block_diag promotes": lambda lib: lib.block_diag(lib.ones(1, dtype=lib.int64), lib.ones(1)),
    "block_diag none": lambda lib: lib.block_diag(),
    "searchsorted": lambda lib: lib.searchsorted(lib.tensor([1, 3, 5]), lib.tensor([[3, 6], [0, 1]])),
    "searchsorted rows right": lambda lib: lib.searchsorted(lib.tensor([[1, 3, 5], [2, 4, 6]]),
                                                            lib.tensor([[3], [4]]), right=True),
    "searchsorted side": lambda lib: lib.searchsorted(lib.tensor([1, 3, 5]), lib.tensor([3, 6]),
                                                      side="right"),
    "searchsorted number": lambda lib: lib.searchsorted(lib.tensor([1.0, 3.0]), 2),
    "searchsorted int32": lambda lib: lib.searchsorted(lib.tensor([1, 3]), lib.tensor([2]), out_int32=True),
    "searchsorted sorter": lambda lib: lib.searchsorted(lib.tensor([5, 1, 3]), lib.tensor([2, 4]),
                                                        sorter=lib.tensor([1, 2, 0])),
    "bucketize": lambda lib: lib.bucketize(lib.tensor([[1, 3], [5, 0]]), lib.tensor([1, 3])),
    "bucketize right": lambda lib: lib.bucketize(lib.tensor([1.0, 3.0, 5.0]), lib.tensor([1.0, 3.0]),
                                                 right=True),
    "bucketize number": lambda lib: lib.bucketize(3, lib.tensor([1, 3])),
    "index_add": lambda lib: lib.index_add(lib.zeros(3, 2), 0, lib.tensor([2, 0, 2]), lib.ones(3, 2),
                                           alpha=2),
    "index_add_ ints": lambda lib: lib.zeros(2, 3, dtype=lib.int64).index_add_(
        1, lib.tensor([1]), lib.ones(2, 1, dtype=lib.int64)),
    "index_copy_": lambda lib: lib.zeros(3, 2).index_copy_(0, lib.tensor([2, 0]), lib.tensor(X)[:, :2]),
    "index_fill": lambda lib: lib.tensor(X).index_fill(1, lib.tensor([-1, 0]), -3.0),
    "index_fill_ tensor value": lambda lib: lib.tensor(X).index_fill_(0, lib.tensor([1]), lib.tensor(9.0)),
    "scatter": lambda lib: lib.zeros(3, 3).scatter(0, lib.tensor([[2, 0, 1]]), lib.tensor(Y)),
    "scatter value": lambda lib: lib.scatter(lib.zeros(2, 3), 1, lib.tensor([[2], [0]]), value=1.5),
    "scatter_": lambda lib: lib.zeros(2, 3).scatter_(1, lib.tensor([[2, 1], [0, 0]]), 4.0),
    "linalg.vecdot": lambda lib: lib.linalg.vecdot(lib.tensor(X), lib.tensor([1.0, 0.0, -1.0])),
    "linalg.vecdot dim 0": lambda lib: lib.linalg.vecdot(lib.tensor(X), lib.tensor(Y), dim=0),
    "linalg.vecdot 0-d": lambda lib: lib.linalg.vecdot(lib.tensor(1.5), lib.tensor(2.0)),
    "Tensor.where": lambda lib: lib.tensor(X).where(lib.tensor(X) > 0, -1.0),
    "Tensor.where tensor": lambda lib: lib.tensor(X).where(lib.tensor([True, False, True]), lib.tensor(Y)),
}


@pytest.mark.parametrize("label", CALLS)
def test_values_and_dtypes(label):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (kron's and diff's deprecation notes, if any: not the point)
        expected, actual = _both(CALLS[label])
    _same(expected, actual)


# node names of the graph's top node, as torch names it for the same call
NODES = {
    "tan": lambda lib, x, y: lib.tan(x),
    "logaddexp": lambda lib, x, y: lib.logaddexp(x, y),
    "logaddexp2": lambda lib, x, y: lib.logaddexp2(x, y),
    "xlogy": lambda lib, x, y: lib.xlogy(x, y),
    "xlogy number first": lambda lib, x, y: lib.xlogy(2.0, y),
    "xlogy number second": lambda lib, x, y: lib.xlogy(x, 3.0),
    "frac": lambda lib, x, y: lib.frac(x),
    "fmod": lambda lib, x, y: lib.fmod(x, y),
    "fmod number": lambda lib, x, y: lib.fmod(x, 2.0),
    "sgn": lambda lib, x, y: lib.sgn(x),
    "deg2rad": lambda lib, x, y: lib.deg2rad(x),
    "rad2deg": lambda lib, x, y: lib.rad2deg(x),
    "float_power": lambda lib, x, y: lib.float_power(x, 2),
    "float_power tensor": lambda lib, x, y: lib.float_power(x, y),
    "addcmul": lambda lib, x, y: lib.addcmul(x, x, y),
    "addcdiv": lambda lib, x, y: lib.addcdiv(x, x, y),
    "copysign": lambda lib, x, y: lib.copysign(x, y),
    "copysign number": lambda lib, x, y: lib.copysign(x, -1.0),
    "nansum": lambda lib, x, y: lib.nansum(x),
    "nanmean": lambda lib, x, y: lib.nanmean(x, 0),
    "aminmax": lambda lib, x, y: lib.aminmax(x)[1],
    "ravel": lambda lib, x, y: lib.ravel(x),
    "unflatten": lambda lib, x, y: x.unflatten(0, (1, 3)),
    "diff": lambda lib, x, y: lib.diff(x),
    "kron": lambda lib, x, y: lib.kron(x, y),
    "type_as": lambda lib, x, y: x.type_as(lib.ones(1, dtype=lib.float64)),
    "tan_": lambda lib, x, y: (x * 1).tan_(),
    "select": lambda lib, x, y: lib.select(x, 0, 1),
    "tensor_split": lambda lib, x, y: lib.tensor_split(x, 2)[1],
    "split_with_sizes": lambda lib, x, y: lib.split_with_sizes(x, [1, 2])[0],
    "cross": lambda lib, x, y: lib.cross(x, y, dim=0),
    "linalg.cross": lambda lib, x, y: lib.linalg.cross(x, y),
    "addmm": lambda lib, x, y: lib.addmm(y[:1], x.view(3, 1), y.view(1, 3)),
    "addmv": lambda lib, x, y: lib.addmv(y, x.view(3, 1).expand(3, 3), y),
    "baddbmm": lambda lib, x, y: lib.baddbmm(y, x.view(1, 3, 1), y.view(1, 1, 3)),
    "take": lambda lib, x, y: lib.take(x, lib.tensor([2, 0])),
    "block_diag": lambda lib, x, y: lib.block_diag(x, y),
    "index_add": lambda lib, x, y: x.index_add(0, lib.tensor([1]), y[:1]),
    "index_copy": lambda lib, x, y: x.index_copy(0, lib.tensor([1]), y[:1]),
    "index_fill": lambda lib, x, y: x.index_fill(0, lib.tensor([1]), 0.0),
    "scatter": lambda lib, x, y: x.scatter(0, lib.tensor([1]), y),
    "scatter value": lambda lib, x, y: x.scatter(0, lib.tensor([1]), 2.0),
    "linalg.vecdot": lambda lib, x, y: lib.linalg.vecdot(x, y),
    "linalg.vecdot 2-d": lambda lib, x, y: lib.linalg.vecdot(x.view(1, 3), y),
    "Tensor.where": lambda lib, x, y: x.where(x > 1, y),
}


@pytest.mark.parametrize("label", NODES)
def test_node_names(label):
    def run(lib):
        x = lib.tensor([0.5, 1.25, 2.0], requires_grad=True)
        y = lib.tensor([1.5, -0.5, 0.75], requires_grad=True)
        return NODES[label](lib, x, y).grad_fn.name()
    expected, actual = _both(run)
    assert actual == expected


# ----- errors -------------------------------------------------------------------------------------
ERRORS = {
    "logaddexp ints": lambda lib: lib.logaddexp(lib.tensor([1]), lib.tensor([2])),
    "logaddexp number": lambda lib: lib.logaddexp(lib.tensor([1.0]), 2.0),
    "logaddexp2 bools": lambda lib: lib.logaddexp2(lib.tensor([True]), lib.tensor([False])),
    "logaddexp shapes": lambda lib: lib.logaddexp(lib.ones(2), lib.ones(3)),
    "xlogy two numbers": lambda lib: lib.xlogy(2, 3),
    "frac int": lambda lib: lib.frac(lib.tensor([1, 2])),
    "fmod int by zero": lambda lib: lib.fmod(lib.tensor([1, 2]), 0),
    "fmod int by zero tensor": lambda lib: lib.fmod(lib.tensor([1, 2]), lib.tensor([1, 0])),
    "fmod bool": lambda lib: lib.fmod(lib.tensor([True]), lib.tensor([True])),
    "heaviside dtypes": lambda lib: lib.heaviside(lib.tensor([1.0]), lib.tensor([1])),
    "heaviside number": lambda lib: lib.heaviside(lib.tensor([1.0]), 1.0),
    "addcdiv ints": lambda lib: lib.addcdiv(lib.tensor([1.0]), lib.tensor([1]), lib.tensor([2])),
    "addcmul positional value": lambda lib: lib.addcmul(lib.ones(1), lib.ones(1), lib.ones(1), 2),
    "positive bool": lambda lib: lib.tensor([True]).positive(),
    "nanmean int": lambda lib: lib.nanmean(lib.tensor([1, 2])),
    "diff 0-d": lambda lib: lib.diff(lib.tensor(1.0)),
    "diff negative n": lambda lib: lib.diff(lib.ones(3), n=-1),
    "diff prepend dims": lambda lib: lib.diff(lib.ones(2, 3), prepend=lib.ones(3)),
    "unflatten sizes": lambda lib: lib.ones(3).unflatten(0, (2, 2)),
    "unflatten empty sizes": lambda lib: lib.ones(3).unflatten(0, ()),
    "unflatten two -1": lambda lib: lib.ones(4).unflatten(0, (-1, -1)),
    "aminmax empty": lambda lib: lib.aminmax(lib.ones(0)),
    "kron number": lambda lib: lib.kron(lib.ones(2), 2.0),
    "select index": lambda lib: lib.ones(3).select(0, 5),
    "select dim": lambda lib: lib.ones(3).select(1, 0),
    "tensor_split 0 sections": lambda lib: lib.tensor_split(lib.ones(3), 0),
    "hsplit uneven": lambda lib: lib.hsplit(lib.ones(3), 2),
    "vsplit 1-d": lambda lib: lib.vsplit(lib.ones(3), 1),
    "split_with_sizes sum": lambda lib: lib.ones(3).split_with_sizes([1, 1]),
    "linalg.cross length": lambda lib: lib.linalg.cross(lib.ones(2, 2), lib.ones(2, 2)),
    "linalg.cross dims": lambda lib: lib.linalg.cross(lib.ones(3), lib.ones(2, 3)),
    "addmm shapes": lambda lib: lib.addmm(lib.ones(2), lib.ones(2, 3), lib.ones(4, 2)),
    "addmm 3-d": lambda lib: lib.addmm(lib.ones(2), lib.ones(2, 3, 1), lib.ones(3, 2)),
    "addmm vector": lambda lib: lib.addmm(lib.ones(2), lib.ones(2, 3), lib.ones(3)),
    "addmm input": lambda lib: lib.addmm(lib.ones(3), lib.ones(2, 3), lib.ones(3, 2)),
    "addmm dtypes": lambda lib: lib.addmm(lib.ones(2), lib.ones(2, 3), lib.ones(3, 2, dtype=lib.float64)),
    "addmv sizes": lambda lib: lib.addmv(lib.ones(2), lib.ones(2, 3), lib.ones(2)),
    "addmv ranks": lambda lib: lib.addmv(lib.ones(2), lib.ones(2, 3, 1), lib.ones(3)),
    "addmv dtypes": lambda lib: lib.addmv(lib.ones(2), lib.ones(2, 3), lib.ones(3, dtype=lib.float64)),
    "baddbmm sizes": lambda lib: lib.baddbmm(lib.ones(2, 2), lib.ones(1, 2, 3), lib.ones(1, 4, 2)),
    "baddbmm dtypes": lambda lib: lib.baddbmm(lib.ones(1), lib.ones(1, 2, 3),
                                              lib.ones(1, 3, 2, dtype=lib.float64)),
    "logspace steps": lambda lib: lib.logspace(0, 1, -1),
    "range step 0": lambda lib: lib.range(0, 1, 0),
    "range sign": lambda lib: lib.range(0, 1, -1),
    "tril_indices row": lambda lib: lib.tril_indices(-1, 3),
    "take out of range": lambda lib: lib.take(lib.ones(2, 3), lib.tensor([6])),
    "take float index": lambda lib: lib.take(lib.ones(2, 3), lib.tensor([1.0])),
    "block_diag 3-d": lambda lib: lib.block_diag(lib.ones(2), lib.ones(1, 2, 3)),
    "searchsorted shapes": lambda lib: lib.searchsorted(lib.tensor([[1, 3, 5]]), lib.tensor([[3], [4]])),
    "bucketize 2-d": lambda lib: lib.bucketize(lib.tensor([1]), lib.tensor([[1, 3]])),
    "index_add negative": lambda lib: lib.ones(3, 2).index_add(0, lib.tensor([-1]), lib.ones(1, 2)),
    "index_add count": lambda lib: lib.ones(3, 2).index_add(0, lib.tensor([0, 1]), lib.ones(1, 2)),
    "index_add float index": lambda lib: lib.ones(3, 2).index_add(0, lib.tensor([0.0]), lib.ones(1, 2)),
    "index_copy out of range": lambda lib: lib.ones(3, 2).index_copy(0, lib.tensor([3]), lib.ones(1, 2)),
    "index_copy count": lambda lib: lib.ones(3, 2).index_copy(0, lib.tensor([0, 1]), lib.ones(1, 2)),
    "index_fill out of range": lambda lib: lib.ones(3, 2).index_fill(0, lib.tensor([3]), 2.0),
    "index_fill 1-d value": lambda lib: lib.ones(3, 2).index_fill(0, lib.tensor([0]), lib.ones(2)),
    "scatter out of range": lambda lib: lib.ones(3, 2).scatter(0, lib.tensor([[3, 0]]), 1.0),
    "scatter negative": lambda lib: lib.ones(3, 2).scatter(0, lib.tensor([[-1, 0]]), 1.0),
    "scatter float index": lambda lib: lib.ones(3, 2).scatter(0, lib.tensor([[1.0]]), 1.0),
    "linalg.vecdot ints": lambda lib: lib.linalg.vecdot(lib.ones(2, dtype=lib.int64),
                                                        lib.ones(2, dtype=lib.int64)),
    "linalg.vecdot dtypes": lambda lib: lib.linalg.vecdot(lib.ones(2), lib.ones(2, dtype=lib.float64)),
    "linalg.vecdot sizes": lambda lib: lib.linalg.vecdot(lib.ones(2), lib.ones(3)),
}


@pytest.mark.parametrize("label", ERRORS)
def test_errors(label):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (torch.range's deprecation)
        with pytest.raises(Exception) as t:
            ERRORS[label](torch)
        with pytest.raises(Exception) as m:
            ERRORS[label](minigrad)
    assert type(m.value) is type(t.value), (t.value, m.value)
    if type(t.value) is not TypeError:  # torch's TypeErrors come from its argument parser: own words
        first_line = str(t.value).splitlines()[-1 if "unexpected error" in str(t.value) else 0]
        assert first_line.split(" (Triggered")[0] in str(m.value) or str(m.value) in str(t.value), (
            str(t.value), str(m.value))


def test_deprecation_warnings():
    for lib in LIBS:
        with pytest.warns(UserWarning, match="torch.range is deprecated"):
            lib.range(0, 2)
    # (torch gives this one once per process, so only minigrad's is checked: same words as torch's)
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg is deprecated"):
        minigrad.cross(minigrad.ones(3), minigrad.ones(3))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "uint8", "int64", "bool"])
def test_tensor_size_properties(dtype):
    t, m = _both(lambda lib: lib.zeros(2, 3, dtype=getattr(lib, dtype)))
    for name in ("ndimension", "nelement", "element_size", "is_complex", "is_signed", "is_floating_point"):
        assert getattr(m, name)() == getattr(t, name)(), name
    assert (m.itemsize, m.nbytes) == (t.itemsize, t.nbytes)
    assert m.is_same_size(minigrad.ones(2, 3)) and not m.is_same_size(minigrad.ones(3, 2))


@pytest.mark.parametrize("method", ["short", "char", "byte"])
def test_conversion_methods(method):
    _same(*_both(lambda lib: getattr(lib.tensor([1.5, -2.0, 3.0]), method)()))


@pytest.mark.parametrize("size", [(1, 3), (3,), ((2, 1),), (2, 3), (1,), ((),)])
def test_sum_to_size(size):
    def run(lib):
        x = lib.arange(6.0).reshape(2, 3).requires_grad_()
        y = x * 1
        r = y.sum_to_size(*size)
        return r, r.grad_fn.name(), r is y
    (t, t_node, t_same), (m, m_node, m_same) = _both(run)
    _same(t, m)
    assert (m_node, m_same) == (t_node, t_same)


@pytest.mark.parametrize("size", [(2, 2), (1, 2, 3)])
def test_sum_to_size_errors(size):
    with pytest.raises(RuntimeError) as t:
        torch.ones(2, 3).sum_to_size(*size)
    with pytest.raises(RuntimeError) as m:
        minigrad.ones(2, 3).sum_to_size(*size)
    assert str(m.value) == str(t.value)
