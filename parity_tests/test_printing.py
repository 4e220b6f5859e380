"""Printed text is torch's, character for character: tensors (every dtype, shape and kind of value,
under any print options), Parameters, modules and optimizers.

Learners compare what they see with their tutorial's output, so ``str``/``repr`` are compared
exactly, with minigrad's dtype prefix shown as ``torch`` (``_dtype.DISPLAY_NAME``).
"""
from __future__ import annotations

import contextlib
import math
from typing import Any, Iterator

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad import _dtype


@contextlib.contextmanager
def _as_torch() -> Iterator[None]:
    """minigrad names its dtypes ``torch.float64`` while inside (restored after)."""
    saved = _dtype.DISPLAY_NAME[0]
    _dtype.DISPLAY_NAME[0] = "torch"
    try:
        yield
    finally:
        _dtype.DISPLAY_NAME[0] = saved


@contextlib.contextmanager
def _print_options(**options: Any) -> Iterator[None]:
    """The same print options in both libraries; both back to the defaults after."""
    torch.set_printoptions(**options)
    minigrad.set_printoptions(**options)
    try:
        yield
    finally:
        torch.set_printoptions(profile="default")
        minigrad.set_printoptions(profile="default")


def _assert_prints_alike(a: np.ndarray, **kwargs: Any) -> None:
    t = torch.tensor(a, **kwargs)
    m = minigrad.tensor(a, **kwargs)
    with _as_torch():
        assert repr(m) == repr(t)
        assert str(m) == str(t)


# ----- values: every magnitude, the switches to int mode and to scientific notation ----------------
_SPECIAL = [0.0, -0.0, math.nan, math.inf, -math.inf, 1.0, -1.0, 1e-4, 9.999e-5, 1e8, 1.0001e8, 1000.0,
            0.5, 123456.0, 1e-30, 1e30, 3.0, -7.0, 65504.0]
_FLOAT_DTYPES = [np.float16, np.float32, np.float64]


def _float_values(dtype: Any) -> st.SearchStrategy[float]:
    """Mostly one scale per tensor (so int mode, fixed and scientific notation all occur), plus
    the values at torch's switching points and non-finite ones."""
    info = np.finfo(dtype)
    ordinary = st.floats(-1e3, 1e3, width=np.dtype(dtype).itemsize * 8, allow_subnormal=False)
    integral = st.integers(-300, 300).map(float)
    wide = st.floats(-float(info.max), float(info.max), width=np.dtype(dtype).itemsize * 8,
                     allow_nan=False, allow_infinity=False)
    return st.one_of(ordinary, integral, integral, wide, st.sampled_from(_SPECIAL))


def _shapes(max_side: int = 5) -> st.SearchStrategy[tuple]:
    return hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=max_side)


@st.composite
def _arrays(draw: Any) -> np.ndarray:
    dtype = draw(st.sampled_from(_FLOAT_DTYPES + [np.int64, np.int32, np.bool_]))
    shape = draw(st.one_of(_shapes(), _shapes(3), st.sampled_from([(1001,), (40, 30), (2, 3, 200), (0, 3)])))
    if np.dtype(dtype).kind == "f":
        elements = _float_values(dtype)
    elif dtype == np.bool_:
        elements = st.booleans()
    else:
        elements = st.one_of(st.integers(-20, 20), st.integers(-(2**31), 2**31 - 1))
    # one value drawn for the whole tensor, then some others: equal widths, then mixed ones
    fill = draw(elements)
    with np.errstate(over="ignore"):  # float16 rounds a huge float64 to inf, as torch.tensor does
        return draw(hnp.arrays(dtype, shape, elements=elements.map(lambda v: np.asarray(v).astype(dtype)),
                               fill=st.just(np.asarray(fill).astype(dtype))))


@settings(max_examples=150)
@given(_arrays())
def test_tensor_prints_as_torchs(a):
    _assert_prints_alike(a)


@settings(max_examples=40)
@given(_arrays(), st.fixed_dictionaries({
    "precision": st.sampled_from([None, 0, 1, 2, 6, 10]),
    "threshold": st.sampled_from([None, 5, 30, math.inf]),
    "edgeitems": st.sampled_from([None, 0, 1, 2, 4]),
    "linewidth": st.sampled_from([None, 20, 40, 120]),
    "profile": st.sampled_from([None, "short", "full"]),
    "sci_mode": st.sampled_from([None, True, False]),
}))
def test_print_options_act_as_torchs(a, options):
    with _print_options(**options):
        _assert_prints_alike(a)


def test_print_options_examples_from_torchs_docs():
    with _print_options(precision=2):
        _assert_prints_alike(np.array([1.12345], np.float32))
    with _print_options(threshold=5):
        _assert_prints_alike(np.arange(10))
    _assert_prints_alike(np.arange(10))  # defaults back
    assert not hasattr(torch, "get_printoptions") and not hasattr(minigrad, "get_printoptions")


@pytest.mark.parametrize("values", [[1.0, 2.0], [1e-5, 1.0], [1e10, 1.0], [0.0], []])
def test_default_dtype_float64_changes_the_dtype_suffixes(values):
    for lib in (torch, minigrad):
        lib.set_default_dtype(lib.float64)
    try:
        for dtype in (np.float64, np.float32, np.float16, np.int64):
            with np.errstate(over="ignore"):  # 1e10 is inf in float16, in both
                a = np.array(values, dtype)
            _assert_prints_alike(a)
    finally:
        for lib in (torch, minigrad):
            lib.set_default_dtype(lib.float32)


# ----- autograd suffixes ---------------------------------------------------------------------------
GRAPHS = {
    "leaf": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True),
    "0-d leaf": lambda lib: lib.tensor(2.5, requires_grad=True),
    "product": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) * 2,
    "sum": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True).sum(),
    "float64, wraps": lambda lib: lib.arange(30, dtype=lib.float64).requires_grad_() / 7,
    "setitem": lambda lib: _setitem(lib.ones(3, requires_grad=True) * 1),
    "linear": lambda lib: lib.nn.functional.linear(lib.ones(2, 3, requires_grad=True), lib.ones(4, 3)),
    "empty": lambda lib: lib.zeros(2, 0, requires_grad=True) + 1,
    "detached": lambda lib: (lib.ones(2, requires_grad=True) * 2).detach(),
}


def _setitem(t: Any) -> Any:
    t[0] = 5.0
    return t


@pytest.mark.parametrize("name", list(GRAPHS))
def test_grad_fn_and_requires_grad_suffixes(name):
    with _as_torch():
        assert repr(GRAPHS[name](minigrad)) == repr(GRAPHS[name](torch))


def test_a_custom_functions_node_prints_as_torchs():
    def make(lib):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad * 2
        return Double.apply(lib.ones(2, requires_grad=True))

    m, t = make(minigrad), make(torch)
    assert repr(m) == repr(t) and m.grad_fn.name() == t.grad_fn.name() == "DoubleBackward"
    with _as_torch():  # <torch.autograd.function.DoubleBackward object at 0x...>
        assert repr(m.grad_fn).split(" at 0x")[0] == repr(t.grad_fn).split(" at 0x")[0]
        # a built-in's node: <MulBackward0 object at 0x...>
        assert repr((m * 2).grad_fn).split(" at 0x")[0] == repr((t * 2).grad_fn).split(" at 0x")[0]


# ----- Parameters, modules, optimizers -------------------------------------------------------------
def _model(lib: Any) -> Any:
    lib.manual_seed(0)
    nn = lib.nn
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3, bias=False), nn.Sigmoid(), nn.Tanh())


def test_parameter_and_module_printing():
    m, t = _model(minigrad), _model(torch)
    with _as_torch():
        for show in (repr, str):
            assert show(m) == show(t)
            assert show(m[0]) == show(t[0])
            assert show(m[0].bias) == show(t[0].bias)  # Parameter containing:\ntensor(...)
            assert show(m[2].weight) == show(t[2].weight)
        for make in (lambda nn: nn.MSELoss(), lambda nn: nn.CrossEntropyLoss(), lambda nn: nn.ReLU()):
            assert repr(make(minigrad.nn)) == repr(make(torch.nn))


MODULES = {
    "Conv2d": lambda nn: nn.Conv2d(3, 8, 3),
    "Conv2d, options": lambda nn: nn.Conv2d(3, 8, (3, 5), stride=2, padding=1, bias=False),
    "BatchNorm1d": lambda nn: nn.BatchNorm1d(4),
    "LayerNorm": lambda nn: nn.LayerNorm(4),
    "Embedding": lambda nn: nn.Embedding(10, 3),
    "Dropout": lambda nn: nn.Dropout(),
    "MaxPool2d": lambda nn: nn.MaxPool2d(2),
    "Flatten": lambda nn: nn.Flatten(),
    "LeakyReLU": lambda nn: nn.LeakyReLU(),
    "Softmax": lambda nn: nn.Softmax(dim=1),
    "ModuleList": lambda nn: nn.ModuleList([nn.Linear(2, 2), nn.ReLU()]),
    "ModuleDict": lambda nn: nn.ModuleDict({"a": nn.Linear(2, 2)}),
    "nested Sequential": lambda nn: nn.Sequential(nn.Sequential(nn.Linear(1, 1)), nn.Identity()),
    "BCEWithLogitsLoss": lambda nn: nn.BCEWithLogitsLoss(),
}


@pytest.mark.parametrize("name", list(MODULES))
def test_module_prints_as_torchs(name):
    assert repr(MODULES[name](minigrad.nn)) == repr(MODULES[name](torch.nn))
