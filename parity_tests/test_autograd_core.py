"""Core autograd behaviours against torch.

Most tests run the same code twice, with ``lib`` = minigrad and ``lib`` = torch (the APIs match),
and compare what comes out.  Expected numbers never come from minigrad itself: they come from
torch, or from hand-derived math where torch is not needed.
"""

from __future__ import annotations

import gc
import math
import subprocess
import sys
import weakref

import numpy as np
import pytest
import torch

import minigrad
from minigrad.testing import assert_close

LIBS = [pytest.param(minigrad, id="minigrad"), pytest.param(torch, id="torch")]


def both(fn):
    """fn(lib) for both engines, as numpy values (nested lists/tuples kept)."""

    def values(r):
        if isinstance(r, (list, tuple)):
            return type(r)(values(x) for x in r)
        if isinstance(r, (minigrad.Tensor, torch.Tensor)):
            return np.array(r.detach().numpy() if isinstance(r, torch.Tensor) else r.detach()._array)
        return r

    return values(fn(minigrad)), values(fn(torch))


def assert_same(a, b):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    elif isinstance(a, np.ndarray):
        assert_close(a, b)
    else:
        assert a == b


# ----- deep graphs -------------------------------------------------------------------------------
def test_100k_op_chain_backpropagates():
    """The engine walks the graph iteratively: no RecursionError on a 100,000-op chain."""
    n = 100_000
    x = minigrad.tensor(1.0, dtype=minigrad.float64, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.00001
    y.backward()
    # d/dx (x * c^n) = c^n, by hand
    assert x.grad.item() == pytest.approx(math.exp(n * math.log1p(1e-5)), rel=1e-9)


def test_dropping_a_100k_op_chain_does_not_crash():
    """Freeing a long chain must not blow the C stack (a crash would kill the interpreter, so
    it runs in a subprocess)."""
    code = (
        "import minigrad, gc\n"
        "x = minigrad.tensor(1.0, requires_grad=True)\n"
        "y = x\n"
        "for _ in range(100_000):\n    y = y + 1.0\n"
        "del y\ngc.collect()\nprint('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


# ----- graph lifetime ---------------------------------------------------------------------------
@pytest.mark.parametrize("lib", LIBS)
def test_second_backward_through_freed_graph_raises(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward_and_accumulates():
    def run(lib):
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = (x.sin() * x).sum()
        y.backward(retain_graph=True)
        first = x.grad.clone()
        y.backward()
        return first, x.grad

    assert_same(*both(run))


def test_saved_tensors_are_released_after_backward():
    """Without retain_graph, backward frees what the nodes saved: an intermediate that only the
    graph still holds dies, and the node refuses to hand it out again."""
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    t = x * 2.0  # saved by sin's node
    ref = weakref.ref(t)
    z = t.sin()
    del t
    gc.collect()
    assert ref() is not None, "the graph must keep the saved intermediate alive until backward"
    z.sum().backward()
    gc.collect()
    assert ref() is None, "backward without retain_graph must release saved tensors"
    with pytest.raises(RuntimeError, match="freed"):
        _ = z.grad_fn.saved_tensors



def test_a_node_that_saves_its_output_is_freed_without_the_cycle_collector():
    """sigmoid's node saves its own output, which points back at the node: the node keeps only
    the output's array (_SavedOutput) and drops what forward passed to save_for_backward, so
    there is no reference cycle and the graph dies with its last reference, as torch's does."""
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    gc.disable()
    try:
        y = minigrad.sigmoid(x)
        node = weakref.ref(y.grad_fn)
        del y
        assert node() is None, "a cycle keeps the node alive until the garbage collector runs"
    finally:
        gc.enable()

def test_retain_graph_keeps_saved_tensors():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    t = x * 2.0
    ref = weakref.ref(t)
    z = t.sin()
    del t
    z.sum().backward(retain_graph=True)
    gc.collect()
    assert ref() is not None


# ----- in-place and version counters -------------------------------------------------------------
@pytest.mark.parametrize("lib", LIBS)
def test_modifying_a_saved_tensor_then_backward_raises(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1.0
    b = a.sin()  # saves a
    a.mul_(2)  # bumps a's version
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        b.sum().backward()


@pytest.mark.parametrize("lib", LIBS)
def test_modifying_a_saved_output_then_backward_raises(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # saves its output
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("lib", LIBS)
def test_inplace_using_itself_after_saving_raises(lib):
    """``y.mul_(y)`` saves y, then overwrites it: torch refuses the backward, so must we."""
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.mul_(y)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("lib", LIBS)
def test_inplace_on_leaf_requiring_grad_raises(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)


def test_inplace_on_non_leaf_is_differentiated():
    def run(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * 2
        y.mul_(3)  # recorded in place: y = 6x
        y.add_(x * x)  # y = 6x + x^2
        y[0] = 5.0  # overwritten: no gradient from x[0]
        y.sum().backward()
        return y, x.grad, y._version

    assert_same(*both(run))


# ----- hooks, retain_grad, detach ---------------------------------------------------------------
def test_hooks_on_leaf_and_non_leaf():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(g.clone()))
        y = x * x
        handle = y.register_hook(lambda g: g * 10)  # replaces the gradient flowing back
        y.retain_grad()
        (y * 3).sum().backward()
        handle.remove()
        return x.grad, y.grad, seen[0], y.retains_grad, x.is_leaf, y.is_leaf

    assert_same(*both(run))


def test_detach_shares_storage_and_cuts_the_graph():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        d = y.detach()
        return d.requires_grad, d.grad_fn is None, (d + x).sum().grad_fn is not None

    assert_same(*both(run))
    x = minigrad.tensor([1.0, 2.0])
    d = x.detach()
    d[0] = 7.0
    assert x[0].item() == 7.0  # as torch: same storage


# ----- grad modes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("lib", LIBS)
def test_grad_mode_context_managers_and_decorators(lib):
    x = lib.tensor([1.0], requires_grad=True)
    with lib.no_grad():
        assert not (x * 2).requires_grad
        with lib.enable_grad():
            assert (x * 2).requires_grad
        assert not lib.is_grad_enabled()
    with lib.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert lib.is_grad_enabled()

    @lib.no_grad()
    def f(t):
        return t * 2

    @lib.enable_grad()
    def g(t):
        return t * 2

    assert not f(x).requires_grad
    with lib.no_grad():
        assert g(x).requires_grad
    lib.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        lib.set_grad_enabled(True)
    assert (x * 2).requires_grad


# ----- autograd.grad, higher order ---------------------------------------------------------------
@pytest.mark.parametrize("lib", LIBS)
def test_grad_allow_unused(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    u = lib.tensor([3.0], requires_grad=True)
    y = (x * x).sum()
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        lib.autograd.grad(y, [x, u], retain_graph=True)
    gx, gu = lib.autograd.grad(y, [x, u], allow_unused=True)
    assert gu is None
    assert_close(gx, lib.tensor([2.0, 4.0]))


def test_hessian_vector_products_match_torch():
    rng = np.random.default_rng(0)
    xs, v = rng.standard_normal(4), rng.standard_normal(4)

    def run(lib):
        x = lib.tensor(xs, requires_grad=True)
        y = (x.sin() * x.exp()).sum() + (x**3).prod() + x.softmax(0).log().sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (hv,) = lib.autograd.grad((g * lib.tensor(v)).sum(), x)
        return g, hv

    assert_same(*both(run))


def test_create_graph_backward_gives_second_derivatives():
    def run(lib):
        x = lib.tensor([0.5, -1.5], dtype=lib.float64, requires_grad=True)
        y = (x**4).sum()
        y.backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return g, x.grad  # 4x^3 and 12x^2

    mg, t = both(run)
    assert_same(mg, t)


# ----- custom Functions ----------------------------------------------------------------------------
def _cube_function(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x * x * x * scale

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False)
            return grad * 3 * x * x * ctx.scale, None

    return Cube


def test_custom_function_forward_backward_and_double_backward():
    def run(lib):
        x = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
        y = _cube_function(lib).apply(x, 2.0)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        return y, g, h, y.grad_fn is not None

    assert_same(*both(run))


def test_custom_function_mark_non_differentiable():
    def run(lib):
        class SortWithIndex(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                values, idx = x.sort() if lib is torch else _np_sort(x)
                ctx.mark_non_differentiable(idx)
                ctx.save_for_backward(idx)
                return values, idx

            @staticmethod
            def backward(ctx, gv, gi):
                (idx,) = ctx.saved_tensors
                out = lib.zeros_like(gv)
                out[idx] = gv
                return out

        x = lib.tensor([3.0, 1.0, 2.0], requires_grad=True)
        v, i = SortWithIndex.apply(x)
        (v * lib.tensor([1.0, 10.0, 100.0])).sum().backward()
        return v, i, i.requires_grad, x.grad

    assert_same(*both(run))


def test_custom_function_saving_a_non_tensor_raises_only_when_recorded():
    """torch checks ``save_for_backward``'s arguments when it records the node: with nothing to
    record (no input requires grad, or grad mode off) nothing is saved and nothing raises."""
    def run(lib):
        class SavesAnInt(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(3)
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad

        x = lib.ones(2, requires_grad=True)
        with lib.no_grad():
            quiet = SavesAnInt.apply(x)
        plain = SavesAnInt.apply(lib.ones(2))
        with pytest.raises(TypeError, match="save_for_backward can only save"):
            SavesAnInt.apply(x)
        return quiet, plain

    assert_same(*both(run))


def _np_sort(x):
    idx = np.argsort(x._array, kind="stable")
    return minigrad.tensor(x._array[idx]), minigrad.tensor(idx)


def test_gradient_accumulates_across_backward_calls():
    def run(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        (w * 3).sum().backward()
        (w * w).sum().backward()
        return w.grad  # 3 + 2w

    assert_same(*both(run))


# ----- dtype promotion ------------------------------------------------------------------------------
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
SCALARS = [True, 2, 2.5]


def _operand(lib, kind, dtype, value):
    if kind == "tensor":
        return lib.ones(2, dtype=getattr(lib, dtype))
    if kind == "0-d":
        return lib.tensor(1, dtype=getattr(lib, dtype))
    return value


@pytest.mark.parametrize("left", DTYPES)
@pytest.mark.parametrize(
    "right",
    [("tensor", d, None) for d in DTYPES]
    + [("0-d", d, None) for d in DTYPES]
    + [("scalar", None, s) for s in SCALARS],
    ids=str,
)
def test_dtype_promotion_matches_torch(left, right):
    kind, dtype, value = right
    for op in ("add", "mul"):
        results = []
        for lib in (minigrad, torch):
            a = lib.ones(2, dtype=getattr(lib, left))
            b = _operand(lib, kind, dtype, value)
            try:
                results.append(str(getattr(lib, op)(a, b).dtype).split(".")[-1])
            except RuntimeError as e:  # e.g. bool - bool; both must refuse
                results.append(type(e).__name__)
        assert results[0] == results[1], f"{op}({left}, {right}): minigrad {results[0]}, torch {results[1]}"


# ----- creation functions -----------------------------------------------------------------------
CREATIONS = [
    ("tensor ints", lambda lib: lib.tensor([1, 2, 3])),
    ("tensor floats", lambda lib: lib.tensor([[1.5, 2.0]])),
    ("tensor bools", lambda lib: lib.tensor([True, False])),
    ("tensor scalar", lambda lib: lib.tensor(3.5)),
    ("tensor dtype", lambda lib: lib.tensor([1, 2], dtype=lib.float64)),
    ("tensor of numpy float64", lambda lib: lib.tensor(np.array([1.0, 2.0]))),
    ("as_tensor", lambda lib: lib.as_tensor([1.0, 2.0], dtype=lib.float64)),
    ("from_numpy int32", lambda lib: lib.from_numpy(np.arange(3, dtype=np.int32))),
    ("zeros", lambda lib: lib.zeros(2, 3)),
    ("zeros tuple", lambda lib: lib.zeros((2, 0), dtype=lib.int64)),
    ("ones", lambda lib: lib.ones(3, dtype=lib.float64)),
    ("full int", lambda lib: lib.full((2, 2), 7)),
    ("full float", lambda lib: lib.full((2,), 1.5)),
    ("full bool", lambda lib: lib.full((2,), True)),
    ("empty shape", lambda lib: lib.empty(2, 3).shape),
    ("zeros_like", lambda lib: lib.zeros_like(lib.tensor([1, 2]))),
    ("ones_like dtype", lambda lib: lib.ones_like(lib.tensor([1, 2]), dtype=lib.float32)),
    ("full_like", lambda lib: lib.full_like(lib.tensor([1.0, 2.0]), 4)),
    ("empty_like shape", lambda lib: lib.empty_like(lib.zeros(3, 1)).shape),
    ("arange int", lambda lib: lib.arange(5)),
    ("arange float", lambda lib: lib.arange(0, 1, 0.25)),
    ("arange negative step", lambda lib: lib.arange(5, 0, -2)),
    ("linspace", lambda lib: lib.linspace(-1, 1, 5)),
    ("linspace one", lambda lib: lib.linspace(0, 1, 1)),
    ("eye", lambda lib: lib.eye(3)),
    ("eye rect", lambda lib: lib.eye(2, 3, dtype=lib.int64)),
]


@pytest.mark.parametrize("name,make", CREATIONS, ids=[c[0] for c in CREATIONS])
def test_creation_functions_match_torch(name, make):
    mg, t = make(minigrad), make(torch)
    if isinstance(t, torch.Size):
        assert tuple(mg) == tuple(t)
        return
    assert str(mg.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert tuple(mg.shape) == tuple(t.shape)
    assert_close(mg, t)


# ----- printing -------------------------------------------------------------------------------------
REPRS = [
    lambda lib: lib.tensor([1.0, 2.0, 3.0]),
    lambda lib: lib.tensor([0.5, 1.25]),
    lambda lib: lib.tensor([[1, 2], [3, 4]]),
    lambda lib: lib.tensor(3.5),
    lambda lib: lib.tensor([True, False]),
    lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64),
    lambda lib: lib.tensor([1.0, 2.0], requires_grad=True),
    lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) * 2,
    lambda lib: lib.tensor([1e-5, 1.0]),
    lambda lib: lib.tensor([1e10, 1.0]),
    lambda lib: lib.tensor([float("nan"), float("inf"), -float("inf"), 1.5]),
    lambda lib: lib.zeros(0),
    lambda lib: lib.zeros(2, 0),
    lambda lib: lib.arange(6).reshape(2, 3),
    lambda lib: lib.tensor([[0.1234, -5.5], [100.0, 2.0]]),
]


def _torch_text(text: str) -> str:
    # everything, node names included, must agree character for character
    return text.replace("torch.", "minigrad.")


@pytest.mark.parametrize("make", REPRS, ids=[str(i) for i in range(len(REPRS))])
def test_repr_matches_torch(make):
    assert str(make(minigrad)) == _torch_text(str(make(torch)))
    assert repr(make(minigrad)) == _torch_text(repr(make(torch)))


# ----- the seed tutorials' autograd code, run as `import minigrad as torch` ---------------------------
def test_seed_f_equals_xyz():
    """Seed 004: f = x*y*z at (2, 3, 4) has gradients (12, 8, 6)."""

    def run(lib):
        x = lib.tensor(2.0, requires_grad=True)
        y = lib.tensor(3.0, requires_grad=True)
        z = lib.tensor(4.0, requires_grad=True)
        f = x * y * z
        f.backward()
        return f, x.grad, y.grad, z.grad

    mg, t = both(run)
    assert_same(mg, t)
    assert [float(g) for g in mg[1:]] == [12.0, 8.0, 6.0]


def test_seed_manual_sgd_linear_regression():
    """Seed 003: y = 2x + 5 + noise, raw w and b, loss 0.5*(y - y_hat)^2, ``w.data.sub_(lr * w.grad)``
    (the post never zeroes the gradients; neither do we).  Same data in both engines."""
    rng = np.random.default_rng(10)
    xs = rng.random((20, 1)) * 10
    ys = 2 * xs + 5 + rng.standard_normal((20, 1))

    def run(torch):  # the seed's code, with `torch` being either engine
        x = torch.tensor(xs, dtype=torch.float32)
        y = torch.tensor(ys, dtype=torch.float32)
        lr = 0.001
        w = torch.zeros((1, 1), requires_grad=True)
        b = torch.zeros((1, 1), requires_grad=True)
        losses = []
        for _ in range(30):
            wx = torch.mul(w, x)
            y_pred = torch.add(wx, b)
            loss = (0.5 * (y - y_pred) ** 2).mean()
            loss.backward()
            b.data.sub_(lr * b.grad)
            w.data.sub_(lr * w.grad)
            losses.append(loss.item())
        return w, b, np.array(losses, dtype=np.float32)

    (mw, mb, ml), (tw, tb, tl) = both(run)
    # float32, 30 steps of undamped accumulation: reductions may round differently (see
    # test_demos' docstring); relative 1e-5 bounds that drift
    for a, b in ((mw, tw), (mb, tb), (ml, tl)):
        assert_close(a, b, rtol=1e-5, atol=1e-6)


# ----- third order through the fused backward ops ----------------------------------------------------
# The most common backward formulas are ops of their own (MulBackward, MatMulBackward, MatMulPair,
# LinearBackward, TanhBackward, Product3, ReluBackward, LogSoftmaxBackward, NllLossBackward,
# SigmoidBackward, BinaryCrossEntropyBackward, SumTo, Spread, PowScalar, StdVar) whose own backward
# is hand-written: the op registry checks them to second order; here their backward is
# differentiated once more.
_X = np.random.default_rng(0).standard_normal((2, 3, 4))
_W = np.random.default_rng(1).standard_normal((5, 4))
_B = np.random.default_rng(2).standard_normal(5)
_T = [[0, 4, 2], [1, 3, 0]]
THIRD_ORDER = {
    "mul, broadcast": lambda lib, x, w, b: (x * x[0] * b[:4]).sum(),
    "matmul, batch @ vector": lambda lib, x, w, b: (lib.tanh(x @ (w[0] * b[0])) ** 2).sum(),
    "matmul, 3-d @ 2-d": lambda lib, x, w, b: lib.tanh(x @ w.t()).sum(),
    "linear, 3-d input": lambda lib, x, w, b: (F(lib).linear(x, w, b) ** 3).sum(),
    "linear, 1-d input": lambda lib, x, w, b: (F(lib).linear(x[0, 0], w, b) ** 3).sum(),
    "relu": lambda lib, x, w, b: (lib.relu(x) ** 3).sum(),
    "cross_entropy, (N, C, d)": lambda lib, x, w, b: F(lib).cross_entropy(
        F(lib).linear(x, w, b).permute(0, 2, 1), lib.tensor(_T)),
    "sigmoid and BCE": lambda lib, x, w, b: F(lib).binary_cross_entropy(
        lib.sigmoid(x), lib.sigmoid(x * 0.5).detach()),
    "pow with a number": lambda lib, x, w, b: (x ** 3 + x ** -2 * 0.1).sum(),
    "mean, var, std": lambda lib, x, w, b: x.var(1).sum() + x.std(2).sum() + (x.mean(0) ** 2).sum(),
    "broadcast add (sum_to)": lambda lib, x, w, b: ((x + b[:4]) ** 3).sum(),
}


def F(lib):
    return lib.nn.functional


@pytest.mark.parametrize("name", list(THIRD_ORDER))
def test_third_order_gradients_through_fused_backward_ops(name):
    def run(lib):
        leaves = [lib.tensor(a.copy(), requires_grad=True) for a in (_X, _W, _B)]
        out = THIRD_ORDER[name](lib, *leaves)
        g1 = lib.autograd.grad(out, leaves, create_graph=True, allow_unused=True)
        s1 = sum((g * g).sum() for g in g1 if g is not None and g.requires_grad)
        g2 = lib.autograd.grad(s1, leaves, create_graph=True, allow_unused=True)
        s2 = sum((g * lib.sin(g)).sum() for g in g2 if g is not None and g.requires_grad)
        g3 = lib.autograd.grad(s2, leaves, allow_unused=True)
        return [g if g is None else g.detach() for g in (*g1, *g2, *g3)]

    expected, actual = run(torch), run(minigrad)
    for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
        label = f"order {i // 3 + 1}, input {'xwb'[i % 3]}"
        if a is None or e is None:  # unused on one side: the other must be absent or zero
            present = a if e is None else e
            assert present is None or not np.any(present.numpy()), label
            continue
        assert_close(a, e, msg=label)
