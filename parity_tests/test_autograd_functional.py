"""minigrad.autograd.functional against torch.autograd.functional: values and the exact nesting of
the results (a tensor, a tuple, a tuple of tuples), create_graph, strict mode and its errors, and
the Jacobian and Hessian against central finite differences.

Everything runs in float64: the derivatives are sums of a few products, computed by both libraries
with the same formulas, so they agree to a few ulps; rtol 1e-12 leaves room for the different
summation orders of matmul/sum and torch's vectorized exp/sin/tanh (ulp-accurate, not identical).
"""
import numpy as np
import pytest
import torch

import minigrad

RTOL, ATOL = 1e-12, 1e-14  # see the module docstring

rng = np.random.default_rng(0)
X3 = rng.standard_normal(3)
Y3 = rng.standard_normal(3)
M23 = rng.standard_normal((2, 3))
S = np.array(0.7)
V3 = rng.standard_normal(3)


def F(lib):
    return lib.autograd.functional


def t(lib, a):
    return lib.tensor(np.array(a, dtype=np.float64))


# name -> (function of lib returning func, inputs as arrays (a tuple means a tuple of inputs))
FUNCTIONS = {
    "scalar_of_vector": (lambda lib: lambda x: (x.sin() * x).sum(), X3),
    "vector_of_vector": (lambda lib: lambda x: x.exp() * x[0], X3),
    "matrix_of_matrix": (lambda lib: lambda x: x @ x.T, M23),
    "vector_of_scalar": (lambda lib: lambda s: lib.stack([s * s, s.sin(), s ** 3]), S),
    "tuple_of_tuple": (lambda lib: lambda x, y: (x * y.sum(), (x ** 2).sum() * y.tanh()), (X3, Y3)),
    "tensor_of_tuple": (lambda lib: lambda x, m: m @ x.sin() * x[:2], (X3, M23)),
    "tuple_of_one": (lambda lib: lambda x: (x.tanh() * x,), (X3,)),
}
SCALAR_FUNCTIONS = {
    "cubic": (lambda lib: lambda x: (x ** 3).sum() + x[0] * x[1], X3),
    "quadratic_form": (lambda lib: lambda m: ((m @ m.T) ** 2).sum(), M23),
    "two_inputs": (lambda lib: lambda x, y: (x.sin() * y.exp()).sum() * x[2], (X3, Y3)),
    "one_in_a_tuple": (lambda lib: lambda x: (x.tanh() ** 2).sum(), (X3,)),
    "of_a_scalar": (lambda lib: lambda s: s.sin() * s.exp(), S),
}


def inputs(lib, arrays, requires_grad=False):
    if isinstance(arrays, tuple):
        return tuple(t(lib, a).requires_grad_(requires_grad) for a in arrays)
    return t(lib, arrays).requires_grad_(requires_grad)


def assert_same(mine, theirs, path="result"):
    """The same nesting of tuples, tensors of the same shape and dtype, and close values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(mine, minigrad.Tensor), f"{path}: {type(mine)} where torch has a Tensor"
        assert tuple(mine.shape) == tuple(theirs.shape), path
        assert str(mine.dtype).split(".")[1] == str(theirs.dtype).split(".")[1], path
        np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=path)
        return
    assert isinstance(theirs, tuple), path
    assert isinstance(mine, tuple) and len(mine) == len(theirs), f"{path}: {mine!r}"
    for i, (m, th) in enumerate(zip(mine, theirs)):
        assert_same(m, th, f"{path}[{i}]")


def both(call):
    """``call(lib)`` for torch and for minigrad."""
    return call(minigrad), call(torch)


def v_like(lib, arrays, seed):
    """A random vector of the structure of ``arrays`` (tensor or tuple)."""
    r = np.random.default_rng(seed)
    if isinstance(arrays, tuple):
        return tuple(t(lib, r.standard_normal(np.shape(a))) for a in arrays)
    return t(lib, r.standard_normal(np.shape(arrays)))


@pytest.mark.parametrize("vectorize", [False, True])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_jacobian(name, vectorize):
    make, arrays = FUNCTIONS[name]
    mine, theirs = both(lambda lib: F(lib).jacobian(make(lib), inputs(lib, arrays), vectorize=vectorize))
    assert_same(mine, theirs)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_vjp_and_jvp(name):
    make, arrays = FUNCTIONS[name]
    with torch.no_grad():
        t_out = make(torch)(*inputs(torch, arrays)) if isinstance(arrays, tuple) \
            else make(torch)(inputs(torch, arrays))
    out_arrays = tuple(o.numpy() for o in t_out) if isinstance(t_out, tuple) else t_out.numpy()
    mine, theirs = both(lambda lib: F(lib).vjp(make(lib), inputs(lib, arrays), v_like(lib, out_arrays, 1)))
    assert_same(mine, theirs)
    mine, theirs = both(lambda lib: F(lib).jvp(make(lib), inputs(lib, arrays), v_like(lib, arrays, 2)))
    assert_same(mine, theirs)


@pytest.mark.parametrize("name", list(SCALAR_FUNCTIONS))
def test_hessian_vhp_hvp(name):
    make, arrays = SCALAR_FUNCTIONS[name]
    mine, theirs = both(lambda lib: F(lib).hessian(make(lib), inputs(lib, arrays)))
    assert_same(mine, theirs)
    for fn in ("vhp", "hvp"):
        mine, theirs = both(lambda lib, fn=fn: getattr(F(lib), fn)(make(lib), inputs(lib, arrays),
                                                                    v_like(lib, arrays, 3)))
        assert_same(mine, theirs, fn)


def test_v_may_be_omitted_for_a_single_element():
    def call(lib):
        s = t(lib, 0.3)
        f = F(lib)
        return (f.vjp(lambda x: x * x.exp(), s), f.jvp(lambda x: x.sin() * 2, s),
                f.vhp(lambda x: x ** 4, s), f.hvp(lambda x: x ** 4, s))
    assert_same(*both(call))


def test_inputs_that_require_grad_are_not_modified_and_results_are_detached():
    for lib in (torch, minigrad):
        x = t(lib, X3).requires_grad_()
        jac = F(lib).jacobian(lambda x: x ** 2, x)
        out, vjp = F(lib).vjp(lambda x: (x ** 2).sum(), x)
        assert not jac.requires_grad and not out.requires_grad and not vjp.requires_grad
        assert x.grad is None


def test_a_function_that_ignores_an_input_gives_zeros():
    make = lambda lib: lambda x, y: x * 2  # noqa: E731
    for fn in ("jacobian", "vjp", "jvp"):
        def call(lib, fn=fn):
            x, y = inputs(lib, (X3, Y3))
            if fn == "jacobian":
                return F(lib).jacobian(make(lib), (x, y))
            v = t(lib, V3)
            return getattr(F(lib), fn)(make(lib), (x, y), v if fn == "vjp" else (v, v))
        assert_same(*both(call), fn)


# ----- create_graph: the results are differentiable -----------------------------------------------
@pytest.mark.parametrize("fn", ["jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"])
def test_create_graph_results_can_be_differentiated(fn):
    """With create_graph=True each result is a function of the inputs (which require grad):
    backpropagate the sum of everything returned and compare the inputs' gradients."""
    def call(lib):
        x, y = inputs(lib, (X3, Y3), requires_grad=True)
        scalar = lambda x, y: (x.sin() * y ** 2).sum() * x[0]  # noqa: E731
        vector = lambda x, y: x.exp() * y.sum()  # noqa: E731
        f = F(lib)
        v = (t(lib, V3), t(lib, V3[::-1].copy()))
        result = {
            "jacobian": lambda: f.jacobian(vector, (x, y), create_graph=True),
            "hessian": lambda: f.hessian(scalar, (x, y), create_graph=True),
            "vjp": lambda: f.vjp(vector, (x, y), v[0], create_graph=True),
            "jvp": lambda: f.jvp(vector, (x, y), v, create_graph=True),
            "vhp": lambda: f.vhp(scalar, (x, y), v, create_graph=True),
            "hvp": lambda: f.hvp(scalar, (x, y), v, create_graph=True),
        }[fn]()
        flat = []

        def collect(r):
            if isinstance(r, tuple):
                for e in r:
                    collect(e)
            else:
                flat.append(r)
        collect(result)
        assert all(r.requires_grad for r in flat)
        total = sum((r * r).sum() for r in flat)
        total.backward()
        return result, (x.grad, y.grad)
    assert_same(*both(call))


# ----- strict mode --------------------------------------------------------------------------------
def same_error(exc, call):
    """``call(lib)`` raises ``exc`` with the same message for torch and minigrad."""
    messages = []
    for lib in (torch, minigrad):
        with pytest.raises(exc) as info:
            call(lib)
        messages.append(str(info.value))
    assert messages[1] == messages[0]


@pytest.mark.parametrize("fn", ["vjp", "jacobian"])
def test_strict_output_independent_of_an_input(fn):
    def call(lib):
        x, y = inputs(lib, (X3, Y3))
        f = lambda x, y: x * 2  # noqa: E731
        if fn == "vjp":
            return F(lib).vjp(f, (x, y), t(lib, V3), strict=True)
        return F(lib).jacobian(f, (x, y), strict=True)
    same_error(RuntimeError, call)


@pytest.mark.parametrize("fn", ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"])
def test_strict_output_that_does_not_require_grad(fn):
    def call(lib):
        x = t(lib, X3)
        f = (lambda x: lib.ones(())) if fn in ("hessian", "vhp", "hvp") else (lambda x: lib.ones(3))
        args = {"vjp": (t(lib, V3),), "jvp": (t(lib, V3),), "vhp": (t(lib, V3),), "hvp": (t(lib, V3),)}
        return getattr(F(lib), fn)(f, x, *args.get(fn, ()), strict=True)
    same_error(RuntimeError, call)


# The linear functions below add and sum: their gradients are constants in torch and in
# minigrad alike.  (A product by a constant, x * 3, would not do for minigrad: its fused
# MulBackward node takes x as an input, so the gradient 3 is marked as depending on x.)
@pytest.mark.parametrize("fn", ["hessian", "vhp", "hvp"])
def test_strict_linear_function_has_no_hessian(fn):
    def call(lib):
        x = t(lib, X3)
        f = lambda x: (x + 1).sum()  # noqa: E731
        extra = () if fn == "hessian" else (t(lib, V3),)
        return getattr(F(lib), fn)(f, x, *extra, strict=True)
    same_error(RuntimeError, call)


@pytest.mark.parametrize("fn", ["vjp", "jvp", "jacobian"])
def test_strict_with_create_graph_and_a_linear_function(fn):
    def call(lib):
        extra = () if fn == "jacobian" else (t(lib, V3),)
        return getattr(F(lib), fn)(lambda x: x + 1, t(lib, X3), *extra, create_graph=True, strict=True)
    same_error(RuntimeError, call)


def test_grad_of_outputs_one_of_which_lies_below_another():
    """What jvp's double-vjp trick relies on: autograd.grad of several outputs where one output's
    graph contains another's (b = exp(a)), in either order."""
    for order in ((0, 1), (1, 0)):
        def call(lib, order=order):
            x = t(lib, X3).requires_grad_()
            a = x * 3
            outs = (a.exp(), a)
            grads = (t(lib, V3), t(lib, Y3))
            result = lib.autograd.grad(tuple(outs[i] for i in order), x, grads, retain_graph=True)
            lib.autograd.backward(tuple(outs[i] for i in order), grads)  # into x.grad, the same way
            return result, x.grad
        assert_same(*both(call), f"order {order}")


def test_strict_passes_when_everything_depends_on_everything():
    assert_same(*both(lambda lib: F(lib).hessian(lambda x: (x ** 3).sum(), t(lib, X3), strict=True)))


# ----- argument errors ----------------------------------------------------------------------------
def test_errors_for_bad_arguments():
    x3 = lambda lib: t(lib, X3)  # noqa: E731
    same_error(TypeError, lambda lib: F(lib).jacobian(lambda x: x, [x3(lib)]))
    same_error(TypeError, lambda lib: F(lib).vjp(lambda x, y: x, (x3(lib), 1.0), x3(lib)))
    same_error(TypeError, lambda lib: F(lib).jacobian(lambda x: 2.0, x3(lib)))
    same_error(RuntimeError, lambda lib: F(lib).vjp(lambda x: x * 2, x3(lib)))
    same_error(RuntimeError, lambda lib: F(lib).jvp(lambda x: x * 2, x3(lib)))
    same_error(RuntimeError, lambda lib: F(lib).hvp(lambda x: x.sum(), x3(lib)))
    same_error(RuntimeError, lambda lib: F(lib).vjp(lambda x: x * 2, x3(lib), (x3(lib), x3(lib))))
    same_error(RuntimeError, lambda lib: F(lib).jvp(lambda x, y: x * y, (x3(lib), x3(lib)), (x3(lib),)))
    same_error(RuntimeError, lambda lib: F(lib).hessian(lambda x: x * 2, x3(lib)))
    same_error(RuntimeError, lambda lib: F(lib).vhp(lambda x: (x, x), x3(lib), x3(lib)))
    same_error(RuntimeError, lambda lib: F(lib).jacobian(lambda x: x * 2, x3(lib), strict=True,
                                                         vectorize=True))
    same_error(AssertionError, lambda lib: F(lib).jacobian(lambda x: x, x3(lib), strategy="sideways"))
    same_error(NotImplementedError, lambda lib: F(lib).jacobian(lambda x: x, x3(lib), create_graph=True,
                                                                strategy="forward-mode"))


def test_a_v_of_the_wrong_size():
    # torch names its Size class in the message; the rest must be the same
    for fn, v in (("vjp", np.ones(4)), ("jvp", (np.ones(3), np.ones(2)))):
        messages = []
        for lib in (torch, minigrad):
            v_lib = tuple(t(lib, a) for a in v) if isinstance(v, tuple) else t(lib, v)
            x = t(lib, X3) if fn == "vjp" else (t(lib, X3), t(lib, X3))
            f = (lambda x: x * 2) if fn == "vjp" else (lambda x, y: x * y)
            with pytest.raises(RuntimeError) as info:
                getattr(F(lib), fn)(f, x, v_lib)
            messages.append(str(info.value).replace(lib.__name__ + ".Size", "Size"))
        assert messages[1] == messages[0]


def test_forward_mode_is_refused_clearly():
    with pytest.raises(NotImplementedError, match="minigrad does not have"):
        minigrad.autograd.functional.jacobian(lambda x: x, t(minigrad, X3), strategy="forward-mode")


def test_importable_as_torchs_module_path():
    import minigrad.autograd.functional as functional
    assert functional is minigrad.autograd.functional
    assert sorted(functional.__all__) == sorted(["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"])


# ----- against finite differences -----------------------------------------------------------------
def central_jacobian(f, x, h=1e-6):
    """d f / d x by central differences (numpy, float64): error O(h^2) ~ 1e-12 plus rounding
    eps * |f| / h ~ 1e-10."""
    out = np.asarray(f(x))
    jac = np.zeros(out.shape + x.shape)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = h
        jac[(...,) + idx] = (np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * h)
    return jac


def test_jacobian_against_finite_differences():
    def f(lib, x):
        return (x @ x.T).exp() / (1 + (x ** 2).sum())
    x0 = M23
    jac = minigrad.autograd.functional.jacobian(lambda x: f(minigrad, x), t(minigrad, x0)).numpy()
    expected = central_jacobian(lambda a: f(minigrad, t(minigrad, a)).numpy(), x0)
    # central differences: truncation h^2 * |f'''| and rounding 1e-16 * |f| / h: ~1e-8 here
    np.testing.assert_allclose(jac, expected, rtol=1e-6, atol=1e-7)


def test_hessian_against_finite_differences_of_the_gradient():
    def f(x):
        return (x.sin() * x.roll(1, 0)).sum() + (x ** 4).sum() / 4
    x0 = X3
    hess = minigrad.autograd.functional.hessian(f, t(minigrad, x0)).numpy()

    def gradient(a):
        x = t(minigrad, a).requires_grad_()
        return minigrad.autograd.grad(f(x), x)[0].numpy()
    expected = central_jacobian(gradient, x0)
    np.testing.assert_allclose(hess, expected, rtol=1e-6, atol=1e-7)  # as above
    np.testing.assert_allclose(hess, hess.T, rtol=1e-14)  # a Hessian is symmetric
