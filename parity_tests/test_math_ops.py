"""The math functions (log10, sinh, erf, atan2, lerp, clamp_min, logical_and, ...) and ``out=``
against torch: node names, dtypes of integer and bool inputs, in-place forms, errors, and the
``out=`` rules (dtype, resizing, autograd).  Values and gradients of the differentiable ones are
in the op registry (minigrad/testing/_registry_math.py, run by test_ops.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.testing import assert_close

UNARY_FLOAT = ["log10", "log2", "exp2", "expm1", "sinh", "cosh", "asinh", "acosh", "atanh", "asin", "acos",
               "atan", "rsqrt", "reciprocal", "erf", "erfc", "erfinv",
               "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "logit"]
BINARY_FLOAT = ["atan2", "arctan2", "hypot"]


def _both(fn):
    """``fn(lib)`` for torch and minigrad: (torch's result, minigrad's result)."""
    return fn(torch), fn(minigrad)


def _same(t, m) -> None:
    """Same dtype and values (nan where torch has nan)."""
    assert str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert_close(m.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-6)  # float32 math, one op


def _same_error(fn) -> Exception:
    """Both raise, the same class and message."""
    with pytest.raises(Exception) as t_err:
        fn(torch)
    with pytest.raises(type(t_err.value)) as m_err:
        fn(minigrad)
    assert str(m_err.value) == str(t_err.value).split("\n")[0]
    return m_err.value


def _input(lib, name):
    """A float input inside the op's domain, requiring grad."""
    values = [1.5, 2.25, 3.0] if name in ("acosh", "arccosh") else [0.5, -0.25, 0.75]
    return lib.tensor(values, requires_grad=True)


# ----- node names ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", UNARY_FLOAT + ["square", "nan_to_num"])
def test_unary_node_name(name):
    t, m = _both(lambda lib: getattr(lib, name)(_input(lib, name)).grad_fn.name())
    assert m == t


@pytest.mark.parametrize("call", [
    lambda lib, a, b: lib.atan2(a, b), lambda lib, a, b: lib.arctan2(a, b), lambda lib, a, b: lib.hypot(a, b),
    lambda lib, a, b: lib.lerp(a, b, 0.3), lambda lib, a, b: lib.lerp(a, b, a.detach()),
    lambda lib, a, b: lib.clamp_min(a, 0.1), lambda lib, a, b: lib.clamp_min(a, b),
    lambda lib, a, b: lib.clamp_max(a, 0.1), lambda lib, a, b: lib.clamp_max(a, b),
])
def test_binary_node_name(call):
    def run(lib):
        a = lib.tensor([0.5, -0.25], requires_grad=True)
        return call(lib, a, a * 2).grad_fn.name()
    t, m = _both(run)
    assert m == t


# ----- dtypes: integer and bool inputs --------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("name", UNARY_FLOAT + ["square", "nan_to_num"])
def test_unary_integer_inputs(name, dtype):
    """Float-valued functions give the default float dtype; square and nan_to_num keep integers
    (square of a bool is int64)."""
    values = [1, 0, 1] if dtype == "bool" else [1, 0, 2]
    t, m = _both(lambda lib: getattr(lib, name)(lib.tensor(values, dtype=getattr(lib, dtype))))
    _same(t, m)


def test_integer_inputs_follow_the_default_dtype():
    def run(lib):
        lib.set_default_dtype(lib.float64)
        try:
            return [lib.erf(lib.tensor([1, 2])), lib.atan2(lib.tensor([1]), lib.tensor([2])),
                    lib.clamp_min(lib.tensor([1, 2]), 1.5), lib.logit(lib.tensor([0, 1]))]
        finally:
            lib.set_default_dtype(lib.float32)
    for t, m in zip(*_both(run)):
        _same(t, m)


@pytest.mark.parametrize("name", ["erf", "sinh", "atanh"])
def test_float64_input_keeps_float64(name):
    t, m = _both(lambda lib: getattr(lib, name)(lib.tensor([0.5, -0.25], dtype=lib.float64)))
    _same(t, m)


@pytest.mark.parametrize("name", BINARY_FLOAT)
@pytest.mark.parametrize("dtypes", [("float32", "int64"), ("int64", "float64"), ("bool", "float32"),
                                    ("float32", "float64"), ("int64", "int64"), ("int32", "bool")])
def test_binary_promotion(name, dtypes):
    """atan2 promotes like division (integers give floats); hypot refuses integer results."""
    def run(lib):
        a = lib.tensor([1, 0, 2]).to(getattr(lib, dtypes[0]))
        b = lib.tensor([[1], [2]]).to(getattr(lib, dtypes[1]))
        return getattr(lib, name)(a, b)
    try:
        t = run(torch)
    except NotImplementedError:
        _same_error(run)
        return
    _same(t, run(minigrad))


@pytest.mark.parametrize("args", [("clamp_min", 1.5), ("clamp_min", 2), ("clamp_max", 0.5),
                                  ("clamp_max", True), ("clamp_min", "tensor64"), ("clamp_max", "tensor0d")])
@pytest.mark.parametrize("dtype", ["int64", "float32", "bool"])
def test_clamp_min_max_dtypes(args, dtype):
    """A float bound makes an integer result float; a 0-d tensor bound does not promote a float tensor."""
    name, bound = args

    def run(lib):
        x = lib.tensor([1, 0, 2]).to(getattr(lib, dtype))
        b = (lib.tensor([1.5, 0.5, 3.0], dtype=lib.float64) if bound == "tensor64"
             else lib.tensor(1.5, dtype=lib.float64) if bound == "tensor0d" else bound)
        return getattr(lib, name)(x, b)
    try:
        t = run(torch)
    except Exception:
        _same_error(run)
        return
    _same(t, run(minigrad))


def test_clamp_min_max_nan_and_errors():
    nan = float("nan")
    t, m = _both(lambda lib: lib.clamp_min(lib.tensor([1.0, nan, 3.0]), lib.tensor([nan, 0.0, 2.0])))
    _same(t, m)
    t, m = _both(lambda lib: lib.clamp_max(lib.tensor([1.0, nan, 3.0]), nan))
    _same(t, m)
    _same_error(lambda lib: lib.clamp_min(lib.ones(2), lib.ones(3)))
    with pytest.raises(TypeError):
        torch.clamp_min(torch.ones(2), None)
    with pytest.raises(TypeError):
        minigrad.clamp_min(minigrad.ones(2), None)


def test_nan_to_num_values():
    vals = [float("nan"), float("inf"), -float("inf"), 1.0, -0.0]
    for dtype in ("float32", "float64", "float16"):
        for kw in ({}, {"nan": 2.0}, {"posinf": 1e300, "neginf": -3.0}, {"nan": -1.0, "posinf": 5.0}):
            t, m = _both(lambda lib, dtype=dtype, kw=kw: lib.nan_to_num(
                lib.tensor(vals, dtype=getattr(lib, dtype)), **kw))
            assert m.dtype.name == dtype
            np.testing.assert_array_equal(m.numpy(), t.numpy())  # replacements are exact
    t, m = _both(lambda lib: lib.tensor(vals).nan_to_num(1.0, 2.0, 3.0))  # positional nan, posinf, neginf
    np.testing.assert_array_equal(m.numpy(), t.numpy())


# ----- lerp --------------------------------------------------------------------------------------
@pytest.mark.parametrize("weight", [0.0, 0.3, 0.5, 0.7, 1.0, -2.0, 3.0, float("nan"), True, 2])
def test_lerp_number_weight(weight):
    t, m = _both(lambda lib: lib.lerp(lib.tensor([1.0, -2.0, 1e30]), lib.tensor([[3.0, 4.0, -1e30]]), weight))
    _same(t, m)


def test_lerp_zero_dim_weight_of_another_dtype():
    """A 0-d weight of another dtype is converted; its gradient comes back in its own dtype."""
    def run(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor(0.3, dtype=lib.float64, requires_grad=True)
        out = lib.lerp(a, a * 2, w)
        return (out,) + lib.autograd.grad(out.sum(), [a, w])
    for t, m in zip(*_both(run)):
        _same(t, m)


@pytest.mark.parametrize("case", [
    lambda lib: lib.lerp(lib.ones(2), lib.ones(2, dtype=lib.float64), 0.5),
    lambda lib: lib.lerp(lib.ones(2), lib.ones(2, dtype=lib.int32), 0.5),
    lambda lib: lib.lerp(lib.ones(2), lib.ones(2), lib.ones(2, dtype=lib.float64)),
    lambda lib: lib.lerp(lib.ones(2, dtype=lib.float64), lib.ones(2, dtype=lib.float64), lib.ones(2)),
    lambda lib: lib.lerp(lib.tensor([1, 2]), lib.tensor([3, 4]), 0.5),
    lambda lib: lib.lerp(lib.tensor([1, 2]), lib.tensor([3, 4]), lib.tensor([1, 2])),
    lambda lib: lib.lerp(lib.ones(2), lib.ones(2), lib.ones(3)),
    lambda lib: lib.ones(2).lerp_(lib.ones(3, 2), 0.5),
])
def test_lerp_errors(case):
    _same_error(case)


def test_lerp_end_must_be_a_tensor():
    with pytest.raises(TypeError):
        torch.lerp(torch.ones(2), 3.0, 0.5)
    with pytest.raises(TypeError):
        minigrad.lerp(minigrad.ones(2), 3.0, 0.5)


# ----- hypot / atan2 at zero ----------------------------------------------------------------------
def test_atan2_and_hypot_gradients_at_the_origin():
    """torch: atan2's gradient is 0 where a^2 + b^2 == 0 (also when the squares underflow), hypot's
    is 0/0 = nan at (0, 0); second order of atan2 there is nan (the masked 1/0 is differentiated)."""
    def run(lib, name, dtype):
        a = lib.tensor([0.0, -0.0, 1e-30, 1e-20, 1.0], dtype=dtype, requires_grad=True)
        b = lib.tensor([0.0, 0.0, 0.0, -0.0, 0.0], dtype=dtype, requires_grad=True)
        g = lib.autograd.grad(getattr(lib, name)(a, b).sum(), [a, b], create_graph=True)
        gg = lib.autograd.grad(g[0].sum() + g[1].sum(), [a, b], allow_unused=True)
        return g + gg
    for name in ("atan2", "hypot"):
        for dtype in ("float32", "float64"):
            t = run(torch, name, getattr(torch, dtype))
            m = run(minigrad, name, getattr(minigrad, dtype))
            for tt, mm in zip(t, m):
                assert_close(mm.detach().numpy(), tt.detach().numpy())


def test_rsqrt_and_reciprocal_at_zero():
    for name in ("rsqrt", "reciprocal"):
        def run(lib, name=name):
            x = lib.tensor([0.0, -0.0, float("inf"), 4.0], requires_grad=True)
            y = getattr(lib, name)(x)
            return (y,) + lib.autograd.grad(y.sum(), [x])
        for t, m in zip(*_both(run)):
            _same(t, m)


# ----- restricted domains: finite differences on inputs inside them ----------------------------------
@pytest.mark.parametrize("name,values", [
    ("asin", [-0.7, 0.1, 0.45]), ("acos", [-0.7, 0.1, 0.45]), ("atanh", [-0.7, 0.1, 0.45]),
    ("erfinv", [-0.7, 0.1, 0.95]), ("acosh", [1.2, 2.0, 4.5]),
])
def test_gradcheck_inside_domain(name, values):
    x = minigrad.tensor(values, dtype=minigrad.float64, requires_grad=True)
    fn = getattr(minigrad, name)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_erf_matches_torch_on_a_wide_sample():
    """math.erf in float64 is within an ulp of torch's erf; erfinv inverts it to the same precision."""
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.standard_normal(2000) * 3, np.linspace(-7, 7, 501), [0.0, -0.0, 1e-300, 30.0]])
    for fn in ("erf", "erfc"):
        t = getattr(torch, fn)(torch.from_numpy(x)).numpy()
        m = getattr(minigrad, fn)(minigrad.tensor(x)).numpy()
        np.testing.assert_allclose(m, t, rtol=4.5e-16, atol=0)  # float64: 2 ulp
    y = np.concatenate([rng.uniform(-1, 1, 2000), 1 - np.logspace(-16, -1, 200), [1.0, -1.0, 1.5]])
    t = torch.erfinv(torch.from_numpy(y)).numpy()
    m = minigrad.erfinv(minigrad.tensor(y)).numpy()
    np.testing.assert_allclose(m, t, rtol=4.5e-16, atol=0)  # (nan and inf in the same places)


# ----- in-place forms --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", UNARY_FLOAT + ["square", "nan_to_num"])
def test_inplace_unary(name):
    """x.op_() on a float tensor equals op(x); on an integer tensor torch refuses a float result."""
    def run(lib):
        x = lib.tensor([1.5, 2.0, 3.0]) if "cosh" in name else lib.tensor([0.5, -0.25, 0.75])
        y = getattr(x, name + "_")()
        assert y is x
        return x
    _same(*_both(run))
    case = lambda lib: getattr(lib.tensor([1, 0, 2]), name + "_")()  # noqa: E731
    try:
        t = case(torch)
    except RuntimeError:
        _same_error(case)
        return
    _same(t, case(minigrad))  # square_ and nan_to_num_ keep integers


@pytest.mark.parametrize("case", [
    lambda lib: lib.tensor([0.5, 2.0]).atan2_(lib.tensor([1.0, -1.0])),
    lambda lib: lib.tensor([0.5, 2.0]).arctan2_(lib.tensor(2.0)),
    lambda lib: lib.tensor([0.5, 2.0]).hypot_(lib.tensor([1.0, -1.0])),
    lambda lib: lib.tensor([0.5, 2.0]).lerp_(lib.tensor([1.0, -1.0]), 0.25),
    lambda lib: lib.tensor([0.5, 2.0]).lerp_(lib.tensor([1.0, -1.0]), lib.tensor([0.25, 0.75])),
    lambda lib: lib.tensor([0.5, 2.0]).clamp_min_(1.0),
    lambda lib: lib.tensor([0.5, 2.0]).clamp_max_(lib.tensor([1.0], dtype=lib.float64)),
    lambda lib: lib.tensor([1, 0, 3]).clamp_min_(2),
    lambda lib: lib.tensor([1, 0, 3]).logical_and_(lib.tensor([1.0, 1.0, 0.0])),
    lambda lib: lib.tensor([1.0, 0, 3]).logical_or_(lib.tensor([0, 0, 1])),
    lambda lib: lib.tensor([True, False]).logical_xor_(lib.tensor([1.0, 1.0])),
])
def test_inplace_binary(case):
    _same(*_both(case))


@pytest.mark.parametrize("case", [
    lambda lib: lib.tensor([1, 2]).atan2_(lib.tensor([1, 2])),
    lambda lib: lib.tensor([1, 2]).clamp_min_(lib.tensor([1.5], dtype=lib.float64)),
    lambda lib: lib.ones(2).atan2_(lib.ones(3, 2)),
    lambda lib: lib.ones(2).clamp_min_(lib.ones(3, 1)),
    lambda lib: lib.tensor([1.0], requires_grad=True).erf_(),
])
def test_inplace_errors(case):
    _same_error(case)


def test_inplace_records_the_op():
    """An in-place op on a non-leaf joins the graph (gradients are checked by the registry entries)."""
    def run(lib):
        x = lib.tensor([0.5, -0.25], requires_grad=True)
        y = x * 1.0
        y.erfinv_()
        return y.grad_fn.name(), y._version
    t, m = _both(run)
    assert m == t


# ----- logical_and / logical_or / logical_xor ---------------------------------------------------------
@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical(name):
    nan = float("nan")
    cases = [
        lambda lib: (lib.tensor([1, 0, 2, 0]), lib.tensor([1.0, 1.0, 0.0, 0.0])),
        lambda lib: (lib.tensor([nan, 0.0, -0.0]), lib.tensor([True, True, True])),
        lambda lib: (lib.tensor([1, 0, 2], dtype=lib.uint8), lib.tensor([[True], [False]])),
        lambda lib: (lib.tensor(0.0), lib.tensor([[1, 0]])),
        lambda lib: (lib.zeros(0, 2), lib.ones(2)),
    ]
    for make in cases:
        t, m = _both(lambda lib, make=make: getattr(lib, name)(*make(lib)))
        assert m.dtype is minigrad.bool and m.shape == tuple(t.shape)
        np.testing.assert_array_equal(m.numpy(), t.numpy())
        t, m = _both(lambda lib, make=make: getattr(make(lib)[0], name)(make(lib)[1]))  # the method
        np.testing.assert_array_equal(m.numpy(), t.numpy())


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical_errors(name):
    _same_error(lambda lib: getattr(lib, name)(lib.ones(3), lib.ones(2)))
    _same_error(lambda lib: getattr(lib, name)(lib.ones(3), 1))
    _same_error(lambda lib: getattr(lib, name)(1.0, lib.ones(3)))


def test_logical_no_gradient():
    t, m = _both(lambda lib: lib.logical_and(lib.ones(2, requires_grad=True), lib.ones(2)).requires_grad)
    assert m == t is False


# ----- out= ------------------------------------------------------------------------------------------
def _a(lib):
    return lib.tensor([[0.5, -0.25, 2.0], [1.0, 3.0, -1.5]])


OUT_CASES = {
    "exp": lambda lib, out: lib.exp(_a(lib), out=out),
    "log": lambda lib, out: lib.log(_a(lib).abs(), out=out),
    "sqrt": lambda lib, out: lib.sqrt(_a(lib).abs(), out=out),
    "abs": lambda lib, out: lib.abs(_a(lib), out=out),
    "neg": lambda lib, out: lib.neg(_a(lib), out=out),
    "sin": lambda lib, out: lib.sin(_a(lib), out=out),
    "tanh": lambda lib, out: lib.tanh(_a(lib), out=out),
    "sigmoid": lambda lib, out: lib.sigmoid(_a(lib), out=out),
    "sign": lambda lib, out: lib.sign(_a(lib), out=out),
    "floor": lambda lib, out: lib.floor(_a(lib), out=out),
    "round": lambda lib, out: lib.round(_a(lib), out=out),
    "logical_not": lambda lib, out: lib.logical_not(_a(lib), out=out),
    "erf": lambda lib, out: lib.erf(_a(lib), out=out),
    "sinh": lambda lib, out: lib.sinh(_a(lib), out=out),
    "log10": lambda lib, out: lib.log10(_a(lib).abs(), out=out),
    "rsqrt": lambda lib, out: lib.rsqrt(_a(lib).abs(), out=out),
    "square": lambda lib, out: lib.square(_a(lib), out=out),
    "nan_to_num": lambda lib, out: lib.nan_to_num(_a(lib), out=out),
    "add": lambda lib, out: lib.add(_a(lib), 2.0, alpha=3, out=out),
    "sub": lambda lib, out: lib.sub(_a(lib), _a(lib)[0], out=out),
    "mul": lambda lib, out: lib.mul(_a(lib), _a(lib), out=out),
    "div": lambda lib, out: lib.div(_a(lib), 3.0, out=out),
    "div floor": lambda lib, out: lib.div(_a(lib), 0.3, rounding_mode="floor", out=out),
    "floor_divide": lambda lib, out: lib.floor_divide(_a(lib), 0.3, out=out),
    "remainder": lambda lib, out: lib.remainder(_a(lib), 0.3, out=out),
    "pow": lambda lib, out: lib.pow(_a(lib), 2, out=out),
    "maximum": lambda lib, out: lib.maximum(_a(lib), _a(lib)[1], out=out),
    "where": lambda lib, out: lib.where(_a(lib) > 0, _a(lib), _a(lib)[0], out=out),
    "eq": lambda lib, out: lib.eq(_a(lib), 1.0, out=out),
    "lt": lambda lib, out: lib.lt(_a(lib), _a(lib)[0], out=out),
    "atan2": lambda lib, out: lib.atan2(_a(lib), _a(lib)[1], out=out),
    "hypot": lambda lib, out: lib.hypot(_a(lib), _a(lib)[1], out=out),
    "lerp": lambda lib, out: lib.lerp(_a(lib), _a(lib) * 2, 0.25, out=out),
    "clamp_min": lambda lib, out: lib.clamp_min(_a(lib), 0.5, out=out),
    "clamp_max": lambda lib, out: lib.clamp_max(_a(lib), _a(lib)[0], out=out),
    "logical_and": lambda lib, out: lib.logical_and(_a(lib), _a(lib) > 1, out=out),
    "matmul": lambda lib, out: lib.matmul(_a(lib), _a(lib).t(), out=out),
    "mm": lambda lib, out: lib.mm(_a(lib).t(), _a(lib), out=out),
    "bmm": lambda lib, out: lib.bmm(_a(lib)[None], _a(lib).t()[None], out=out),
    "mv": lambda lib, out: lib.mv(_a(lib), _a(lib)[0], out=out),
    "dot": lambda lib, out: lib.dot(_a(lib)[0], _a(lib)[1], out=out),
}


@pytest.mark.parametrize("name", sorted(OUT_CASES))
def test_out_values_and_identity(name):
    """``out=`` returns out itself, holding the result (resized from empty without a warning)."""
    def run(lib):
        t = torch if lib is torch else minigrad
        out = OUT_CASES[name](t, None)  # the result's dtype and shape, to make out from
        target = t.empty(0, dtype=out.dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = OUT_CASES[name](t, target)
        assert result is target
        return target
    _same(*_both(run))


@pytest.mark.parametrize("name", ["exp", "add", "matmul", "atan2", "logical_and", "eq"])
def test_out_resized_with_warning(name):
    def run(lib):
        with pytest.warns(UserWarning) as record:
            out = OUT_CASES[name](lib, lib.zeros(7, dtype=OUT_CASES[name](lib, None).dtype))
        return out, str(record[0].message)
    (t, t_msg), (m, m_msg) = _both(run)
    _same(t, m)
    assert m_msg == t_msg.split(" (Triggered internally")[0]


@pytest.mark.parametrize("name,dtype", [
    ("exp", "int64"), ("add", "int32"), ("atan2", "int64"), ("logical_and", "float32"), ("eq", "int64"),
    ("square", "bool"), ("exp", "float64"), ("add", "float16"), ("lerp", "float64"), ("hypot", "float64"),
    # these need out to have the result's very dtype, each op with its own message
    ("abs", "int64"), ("neg", "float64"), ("floor", "float16"), ("round", "bool"), ("sign", "float64"),
    ("clamp_min", "float64"), ("clamp_max", "float64"), ("nan_to_num", "float64"), ("where", "float64"),
])
def test_out_dtype(name, dtype):
    """out may be of another dtype that can hold the result (no float into an integer tensor), or
    for some ops must have the result's dtype."""
    case = lambda lib: OUT_CASES[name](lib, lib.zeros(2, 3, dtype=getattr(lib, dtype)))  # noqa: E731
    try:
        t = case(torch)
    except RuntimeError:
        _same_error(case)
        return
    m = case(minigrad)
    assert m.dtype.name == dtype
    assert_close(m.numpy().astype(np.float64), t.numpy().astype(np.float64), rtol=1e-3, atol=1e-3)  # float16


def test_out_integer_result_into_float_out():
    t, m = _both(lambda lib: lib.add(lib.tensor([1, 2]), lib.tensor([3, 4]), out=lib.zeros(2)))
    _same(t, m)


@pytest.mark.parametrize("name,dtype", [("mm", "int64"), ("mm", "float64"), ("bmm", "float64"),
                                        ("mv", "int64"), ("dot", "float64"), ("matmul", "float64")])
def test_out_matrix_products_need_the_same_dtype(name, dtype):
    _same_error(lambda lib: OUT_CASES[name](lib, lib.zeros(0, dtype=getattr(lib, dtype))))


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 2)), ((2, 2, 3), (3,))])
def test_out_matmul_dtype_messages(shapes):
    """torch words matmul's out dtype error after the product it runs (dot, mv or mm)."""
    _same_error(lambda lib: lib.matmul(lib.ones(*shapes[0]), lib.ones(*shapes[1]),
                                       out=lib.zeros(0, dtype=lib.float64)))


@pytest.mark.parametrize("name", ["exp", "add", "matmul", "lerp", "clamp_min", "erf"])
def test_out_refuses_autograd(name):
    """With grad mode on, no argument (out included) may require grad; under no_grad it is fine."""
    def input_requires_grad(lib):
        x = lib.tensor([[0.5, -0.25, 2.0], [1.0, 3.0, -1.5]], requires_grad=True)
        OUT_CASES[name](lambda_lib(lib, x), lib.empty(0))

    def out_requires_grad(lib):
        OUT_CASES[name](lib, lib.zeros(OUT_CASES[name](lib, None).shape, requires_grad=True))

    _same_error(input_requires_grad)
    _same_error(out_requires_grad)
    for lib in (torch, minigrad):
        out = lib.zeros(OUT_CASES[name](lib, None).shape, requires_grad=True)
        with lib.no_grad():
            assert OUT_CASES[name](lib, out) is out
        assert out.requires_grad


class lambda_lib:
    """``lib`` whose ``tensor`` returns a given tensor (an input that requires grad) for _a."""

    def __init__(self, lib, x):
        self._lib, self._x = lib, x

    def tensor(self, *args, **kwargs):
        return self._x

    def __getattr__(self, name):
        return getattr(self._lib, name)


def test_out_bumps_the_version():
    def run(lib):
        out = lib.zeros(2)
        before = out._version
        lib.exp(lib.ones(2), out=out)
        return out._version - before
    t, m = _both(run)
    assert m == t


def test_out_writes_through_a_view():
    def run(lib):
        base = lib.zeros(2, 2)
        lib.sqrt(lib.tensor([4.0, 9.0]), out=base[:, 0])
        return base
    _same(*_both(run))
