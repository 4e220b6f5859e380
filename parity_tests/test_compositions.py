"""The ops built from others (cdist, tensordot, cov, quantile, combinations, ...) and the
functions torch also keeps at top level (``torch.conv2d``, ``torch.relu_``): refusals with torch's
class and message, and the cases the registry's random samples do not draw."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minigrad


def _outcome(fn, lib):
    try:
        out = fn(lib)
    except Exception as e:  # noqa: BLE001  (the class and message are what is compared)
        return type(e).__name__, str(e)
    return "ok", np.asarray(out.detach().numpy()), tuple(out.shape), str(out.dtype).split(".")[-1]


REFUSALS = {
    "cdist of a vector": lambda T: T.cdist(T.ones(3), T.ones(2, 3)),
    "cdist, columns": lambda T: T.cdist(T.ones(2, 3), T.ones(2, 4)),
    "cdist, negative p": lambda T: T.cdist(T.ones(2, 3), T.ones(2, 3), p=-1),
    "cdist of integers": lambda T: T.cdist(T.ones(2, 3, dtype=T.long), T.ones(2, 3, dtype=T.long)),
    "cdist, dtypes": lambda T: T.cdist(T.ones(2, 3), T.ones(2, 3, dtype=T.float64)),
    "dist, shapes": lambda T: T.dist(T.ones(3, 4), T.ones(5, 4)),
    "tensordot, sizes": lambda T: T.tensordot(T.ones(3, 4), T.ones(5, 4), 1),
    "tensordot, negative dims": lambda T: T.tensordot(T.ones(3, 4), T.ones(4, 5), -1),
    "inner, sizes": lambda T: T.inner(T.ones(3, 4), T.ones(5, 3)),
    "vdot of matrices": lambda T: T.vdot(T.ones(2, 2), T.ones(2, 2)),
    "fmax with a number": lambda T: T.fmax(T.ones(2), 2),
    "cov of 3-d": lambda T: T.cov(T.ones(2, 3, 4)),
    "quantile, q > 1": lambda T: T.quantile(T.ones(3), 1.5),
    "quantile, interpolation": lambda T: T.quantile(T.ones(3), 0.5, interpolation="foo"),
    "quantile, q dtype": lambda T: T.quantile(T.ones(3), T.tensor([0.5], dtype=T.float64)),
    "quantile of integers": lambda T: T.quantile(T.ones(3, dtype=T.long), 0.5),
    "quantile of nothing": lambda T: T.quantile(T.ones(0), 0.5),
    "quantile, 2-d q": lambda T: T.quantile(T.ones(3), T.ones(1, 1)),
    "cartesian_prod of a matrix": lambda T: T.cartesian_prod(T.ones(2, 2)),
    "combinations of a matrix": lambda T: T.combinations(T.ones(2, 2)),
    "unfold, window too large": lambda T: T.ones(2, 5).unfold(1, 6, 1),
    "unfold, step 0": lambda T: T.ones(2, 5).unfold(1, 2, 0),
    "unfold, dim out of range": lambda T: T.ones(2, 5).unfold(2, 2, 1),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refusals_match_torch(name):
    t, m = _outcome(REFUSALS[name], torch), _outcome(REFUSALS[name], minigrad)
    assert t[0] != "ok", "each call here is one torch refuses"
    assert m == t


VALUES = {
    "cov with too few observations (inf, warned)": lambda T: T.cov(T.tensor([[1.0, 2.0], [0.0, 3.0]]),
                                                                   correction=5),
    "cov of one variable": lambda T: T.cov(T.tensor([1.0, 2.0, 4.0])),
    "corrcoef of one variable": lambda T: T.corrcoef(T.tensor([1.0, 2.0, 4.0])),
    "quantile of a 0-d tensor along dim 0": lambda T: T.quantile(T.tensor(2.5), 0.5, dim=0),
    "quantile with a nan": lambda T: T.quantile(T.tensor([[1.0, float("nan"), 3.0], [1.0, 2.0, 3.0]]), 0.5,
                                                dim=1),
    "nanquantile of nans only": lambda T: T.nanquantile(T.tensor([float("nan"), float("nan")]), 0.3),
    "nearest rounds half to even": lambda T: T.quantile(T.arange(6.0), T.tensor([0.1, 0.3, 0.5, 0.7, 0.9]),
                                                        interpolation="nearest"),
    "combinations, r larger than n": lambda T: T.combinations(T.arange(3.0), r=5),
    "combinations, r = 0": lambda T: T.combinations(T.arange(3.0), r=0),
    "cdist with p = 0 counts": lambda T: T.cdist(T.tensor([[0.0, 1.0]]), T.tensor([[0.0, 2.0], [1.0, 1.0]]),
                                                 p=0),
    "torch.conv1d": lambda T: T.conv1d(T.ones(1, 2, 5), T.ones(3, 2, 2), T.ones(3), padding=1),
    "torch.dropout in eval": lambda T: T.dropout(T.ones(4), 0.5, False),
    "torch.layer_norm": lambda T: T.layer_norm(T.arange(6.0).view(2, 3), (3,)),
    "torch.cosine_similarity": lambda T: T.cosine_similarity(T.tensor([[1.0, 2.0]]), T.tensor([[2.0, 1.0]])),
    "torch.relu_": lambda T: T.relu_(T.tensor([1.0, -2.0])),
    "torch.clamp_": lambda T: T.clamp_(T.tensor([1.0, -2.0, 5.0]), -1, 2),
}


@pytest.mark.filterwarnings("ignore:cov\\(\\). degrees of freedom:UserWarning")
@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_match_torch(name):
    t, m = _outcome(VALUES[name], torch), _outcome(VALUES[name], minigrad)
    assert t[0] == m[0] == "ok", (t, m)
    assert m[2:] == t[2:]
    np.testing.assert_allclose(m[1], t[1], rtol=1e-6, atol=1e-7, equal_nan=True)  # float32, a few ops


def test_cov_warns_as_torch_does():
    for lib in (torch, minigrad):
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            lib.cov(lib.ones(2, 2), correction=3)


def test_top_level_inplace_functions_are_the_methods():
    x = minigrad.tensor([0.5, -1.0])
    assert minigrad.sigmoid_(x) is x and minigrad.zero_(x) is x and x.tolist() == [0.0, 0.0]


def test_unfold_is_a_view_and_an_in_place_op_on_it_reaches_the_base():
    """Writing through non-overlapping windows changes the base, and its history (CopySlices)."""
    results = []
    for lib in (torch, minigrad):
        x = lib.arange(6.0)
        x.unfold(0, 2, 2)[1, 0] = 100
        a = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        b = a * 1
        b.unfold(0, 2, 2).mul_(lib.tensor([[2.0, 3.0], [4.0, 5.0]]))
        g, = lib.autograd.grad(b.sum(), a)
        results.append((x.tolist(), b.grad_fn.name(), g.tolist(), lib.tensor(3.0).unfold(0, 1, 1).shape))
    assert results[1][:3] == results[0][:3] and tuple(results[1][3]) == tuple(results[0][3])


INPLACE = {
    "scatter_add_": lambda T: T.zeros(3, 4).scatter_add_(0, T.tensor([[0, 1, 2, 0]]), T.ones(1, 4)),
    "scatter_add_ on a graph tensor": lambda T: (lambda a: (lambda b: T.autograd.grad(
        b.scatter_add_(1, T.tensor([[0, 0], [1, 1]]), a[:, :2] * 3).sum(), a)[0])(a * 1))(
        T.ones(2, 3, requires_grad=True)),
    "index_put_": lambda T: T.zeros(3).index_put_((T.tensor([0, 2]),), T.tensor([5.0, 6.0])),
    "index_put": lambda T: T.zeros(3).index_put((T.tensor([1]),), T.tensor(7.0)),
    "divide_": lambda T: T.ones(3).divide_(2),
    "multiply_": lambda T: T.ones(3).multiply_(2),
    "subtract_ with alpha": lambda T: T.ones(3).subtract_(2, alpha=3),
    "true_divide_": lambda T: T.ones(3).true_divide_(4),
    "floor_divide_ of integers": lambda T: T.tensor([5, 7]).floor_divide_(2),
    "remainder_": lambda T: T.tensor([5.0, -7.0]).remainder_(3),
    "eq_ keeps the float dtype": lambda T: T.tensor([1.0, 2.0]).eq_(1),
    "lt_ with a tensor": lambda T: T.tensor([1.0, 2.0]).lt_(T.tensor([2.0, 2.0])),
    "ge_ of integers": lambda T: T.tensor([1, 2]).ge_(2),
    "not_equal_": lambda T: T.tensor([1.0, 2.0]).not_equal_(1),
    "cumsum_": lambda T: T.tensor([1.0, 2.0, 3.0]).cumsum_(0),
    "cumprod_ on a graph tensor": lambda T: (lambda a: T.autograd.grad((a * 1).cumprod_(0).sum(), a)[0])(
        T.tensor([1.0, 2.0, 3.0], requires_grad=True)),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_more_inplace_methods_match_torch(name):
    t, m = _outcome(INPLACE[name], torch), _outcome(INPLACE[name], minigrad)
    assert t[0] == m[0] == "ok", (t, m)
    assert m[2:] == t[2:]
    np.testing.assert_array_equal(m[1], t[1])  # small exact values


def test_compile_gives_back_the_model():
    """No compiler here: torch.compile returns the callable itself (as a decorator too)."""
    net = minigrad.nn.Linear(2, 3)
    assert minigrad.compile(net) is net and net.compile() is None
    assert minigrad.compile(mode="reduce-overhead")(len) is len
    with pytest.raises(AssertionError, match="A callable function is expected"):
        minigrad.compile(3)


# ----- the gamma family where the registry does not draw: poles, infinities, torch.special -------------
def test_gamma_family_at_its_edges():
    """Values torch gives at 0, negative non-integers, tiny and huge arguments, nan (float64)."""
    x = [0.0, -0.0, -2.5, 0.5, 1e-8, 1e30, float("inf"), float("nan"), 171.5, -1e-300, -0.3, -4.7]
    for name in ("lgamma", "digamma"):
        t = getattr(torch, name)(torch.tensor(x, dtype=torch.float64)).numpy()
        m = getattr(minigrad, name)(minigrad.tensor(x, dtype=minigrad.float64)).numpy()
        np.testing.assert_allclose(m, t, rtol=1e-12, equal_nan=True)  # float64 series, a few ulps
    for n in (1, 2, 3):
        finite = [v for v in x if v not in (0.0, float("inf"), float("nan"))]
        t = torch.polygamma(n, torch.tensor(finite, dtype=torch.float64)).numpy()
        m = minigrad.polygamma(n, minigrad.tensor(finite, dtype=minigrad.float64)).numpy()
        # torch's trigamma sums a shorter series (~3e-10 relative off the true value, which
        # minigrad's Euler-Maclaurin sum matches to 1e-15); the higher orders agree to rounding
        np.testing.assert_allclose(m, t, rtol=1e-9 if n == 1 else 1e-12)


def test_polygamma_at_a_pole_and_at_infinity_is_the_limit():
    """A documented difference (docs/parity.md): at the poles torch's trigamma is
    pi^2 / sin(pi x)^2 evaluated in rounding (6.6e32 at x = -1, 1.3e15 in float32) and its higher
    polygammas are nan at +inf; minigrad gives the limits, inf and 0."""
    assert torch.polygamma(1, torch.tensor(-1.0, dtype=torch.float64)).item() < float("inf")
    assert minigrad.polygamma(1, minigrad.tensor(-1.0, dtype=minigrad.float64)).item() == float("inf")
    assert np.isnan(torch.polygamma(2, torch.tensor(float("inf"))).item())
    assert minigrad.polygamma(2, minigrad.tensor(float("inf"))).item() == 0.0


def test_special_namespace_matches_torch():
    x = [0.3, 2.5]
    pairs = {
        "gammaln": lambda S, T: S.gammaln(T.tensor(x)), "psi": lambda S, T: S.psi(T.tensor(x)),
        "multigammaln": lambda S, T: S.multigammaln(T.tensor(x) + 1, 2),
        "expit": lambda S, T: S.expit(T.tensor(x)), "polygamma": lambda S, T: S.polygamma(2, T.tensor(x)),
        "logsumexp": lambda S, T: S.logsumexp(T.tensor(x), 0),
    }
    for name, call in pairs.items():
        t, m = call(torch.special, torch).numpy(), call(minigrad.special, minigrad).numpy()
        np.testing.assert_allclose(m, t, rtol=2e-6, err_msg=name)  # float32, one rounding each side


def test_size_arithmetic_gives_a_size_as_torchs():
    for lib in (torch, minigrad):
        s = lib.Size([2, 3])
        results = [s + s, (1,) + s, s[1:], s * 2, 2 * s, s + (4,)]
        assert all(type(r) is lib.Size for r in results) and type(s[0]) is int
        assert [tuple(r) for r in results] == [(2, 3, 2, 3), (1, 2, 3), (3,), (2, 3, 2, 3), (2, 3, 2, 3),
                                               (2, 3, 4)]
        with pytest.raises(TypeError):
            s + [1]


def test_block_diag_gradient_after_an_empty_vector_is_read_where_the_block_is():
    """A documented difference (docs/parity.md): torch's forward makes the empty vector a 1 x 0
    block (a row of the result) but its backward skips that row, so b's and c's gradients come
    from the wrong rows there."""
    grads = {}
    for lib in (torch, minigrad):
        a = lib.tensor([], dtype=lib.float64, requires_grad=True)
        b = lib.tensor([[1.0, 2.0]], dtype=lib.float64, requires_grad=True)
        c = lib.tensor(3.0, dtype=lib.float64, requires_grad=True)
        y = lib.block_diag(a, b, c)
        assert tuple(y.shape) == (3, 3)
        g = lib.arange(9.0, dtype=lib.float64).view(3, 3)
        grads[lib.__name__] = [t.tolist() for t in lib.autograd.grad(y, [b, c], g)]
    assert grads["minigrad"] == [[[3.0, 4.0]], 8.0]  # rows 1 and 2, where b and c are
    assert grads["torch"] == [[[0.0, 1.0]], 5.0]
