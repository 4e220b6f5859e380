"""torch.distributions against real torch: seeded draws bit for bit, values and gradients of
log_prob / entropy / moments / cdf / KL, validation errors (class and message), reprs and shapes,
and a REINFORCE training trajectory."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad

LIBS = (torch, minigrad)
# Tolerances of composed float ops: float32 results agree to a few ulps (libm vs SLEEF
# transcendentals, one rounding per op), float64 ones to a few ulps of 1e-16.
TOL = {"float32": dict(rtol=2e-6, atol=1e-6), "float64": dict(rtol=1e-13, atol=1e-14)}


def _np(t):
    return t.detach().numpy()


def _same_tensor(t, m, exact=False, tol=None):
    assert str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert tuple(m.shape) == tuple(t.shape)
    assert m.requires_grad == t.requires_grad
    if exact:
        np.testing.assert_array_equal(_np(m), _np(t))
        return
    tol = dict(tol or {})
    finite = np.abs(_np(t)[np.isfinite(_np(t))])
    # an entry that is a sum of terms as large as the largest entry (a second-order gradient)
    # rounds at that size: the absolute tolerance scales with it
    tol["atol"] = tol.get("atol", 0.0) * max(1.0, float(finite.max()) if finite.size else 1.0)
    np.testing.assert_allclose(_np(m), _np(t), equal_nan=True, **tol)


def _text(s: str) -> str:
    return s.replace("minigrad.", "torch.")


# ------------------------------------------------------------------------------------------------
# Seeded draws: the same generator calls as torch, so the same values
# ------------------------------------------------------------------------------------------------

def _p(L, values, dtype):
    return L.tensor(values, dtype=getattr(L, dtype))


DRAWS = {
    "Normal.sample": lambda L, d, s: L.distributions.Normal(_p(L, [0.5, -1.0], d),
                                                            _p(L, [1.5, 0.2], d)).sample(s),
    "Normal.rsample": lambda L, d, s: L.distributions.Normal(_p(L, [0.5, -1.0], d),
                                                             _p(L, [1.5, 0.2], d)).rsample(s),
    "Normal scalar": lambda L, d, s: L.distributions.Normal(_p(L, 0.5, d), 2.0).sample(s),
    "Normal 2x3 batch": lambda L, d, s: L.distributions.Normal(_p(L, [[0.0], [1.0]], d),
                                                               _p(L, [1.0, 2.0, 3.0], d)).rsample(s),
    "Uniform": lambda L, d, s: L.distributions.Uniform(_p(L, [0.5, -1.0], d), 3.0).sample(s),
    "Uniform.rsample": lambda L, d, s: L.distributions.Uniform(_p(L, -1.0, d), _p(L, 1.0, d)).rsample(s),
    "Bernoulli": lambda L, d, s: L.distributions.Bernoulli(_p(L, [0.3, 0.9, 0.5], d)).sample(s),
    "Bernoulli logits": lambda L, d, s: L.distributions.Bernoulli(logits=_p(L, [[0.3], [-2.0]], d)).sample(s),
    "Categorical": lambda L, d, s: L.distributions.Categorical(_p(L, [0.2, 0.3, 0.5], d)).sample(s),
    "Categorical batch": lambda L, d, s: L.distributions.Categorical(
        logits=_p(L, [[0.2, 0.3, 0.5, 2.0], [1.0, 1.0, 1.0, 1.0]], d)).sample(s),
    "OneHotCategorical": lambda L, d, s: L.distributions.OneHotCategorical(
        _p(L, [0.2, 0.3, 0.5], d)).sample(s),
    "OneHotCategoricalStraightThrough": lambda L, d, s: L.distributions.OneHotCategoricalStraightThrough(
        _p(L, [[0.2, 0.8], [0.6, 0.4]], d)).rsample(s),
    "Exponential": lambda L, d, s: L.distributions.Exponential(_p(L, [0.2, 3.0], d)).rsample(s),
    "Poisson": lambda L, d, s: L.distributions.Poisson(_p(L, [0.5, 4.0, 30.0], d)).sample(s),
    "Gaussian mixture": lambda L, d, s: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(_p(L, [0.3, 0.7], d)),
        L.distributions.Independent(L.distributions.Normal(_p(L, [[0.0, 1.0], [5.0, -5.0]], d), 0.5),
                                    1)).sample(s),
    "batched mixture": lambda L, d, s: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(logits=_p(L, [[0.3, 0.7, 0.0], [1.0, 0.0, -1.0]], d)),
        L.distributions.Normal(_p(L, [0.0, 2.0, 4.0], d), 0.1).expand((2, 3))).sample(s),
    "Independent Normal": lambda L, d, s: L.distributions.Independent(
        L.distributions.Normal(_p(L, [0.0, 1.0, 2.0], d), 1.0), 1).rsample(s),
    "expanded Normal": lambda L, d, s: L.distributions.Normal(_p(L, 0.0, d), 1.0).expand((2, 3)).sample(s),
}


@pytest.mark.parametrize("sample_shape", [(), (3,), (2, 3), (20,)], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(DRAWS))
def test_seeded_draws_are_torchs(name, dtype, sample_shape):
    out = []
    for L in LIBS:
        L.manual_seed(0)
        first = DRAWS[name](L, dtype, sample_shape)
        second = DRAWS[name](L, dtype, L.Size(sample_shape))  # the generator moved on as torch's did
        out.append((first, second, L.rand(1)))
    for t, m in zip(*out):
        _same_tensor(t, m, exact=True)


_BATCHES = [(), (1,), (3,), (2, 3), (4, 1)]
_KINDS = {
    "Normal": lambda L, u: L.distributions.Normal(u * 4 - 2, u + 0.1),
    "Uniform": lambda L, u: L.distributions.Uniform(u - 1, u + 0.5),
    "Bernoulli": lambda L, u: L.distributions.Bernoulli(u),
    "Bernoulli logits": lambda L, u: L.distributions.Bernoulli(logits=u * 6 - 3),
    "Categorical": lambda L, u: L.distributions.Categorical(u.unsqueeze(-1) * L.tensor([1.0, 2.0, 0.5])),
    "Categorical logits": lambda L, u: L.distributions.Categorical(logits=L.stack([u, -u, u * u], -1) * 3),
    "Exponential": lambda L, u: L.distributions.Exponential(u + 0.2),
    "Poisson": lambda L, u: L.distributions.Poisson(u * 20),
}


@given(kind=st.sampled_from(sorted(_KINDS)), batch=st.sampled_from(_BATCHES),
       sample_shape=st.sampled_from([(), (1,), (5,), (2, 2)]), dtype=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2 ** 31 - 1))
def test_random_draws_and_their_log_prob_match_torch(kind, batch, sample_shape, dtype, seed):
    """Any batch shape and sample shape: the draws bit for bit, then log_prob of them."""
    out = []
    for L in LIBS:
        L.manual_seed(seed)
        u = L.rand(batch, dtype=getattr(L, dtype))
        d = _KINDS[kind](L, u)
        x = d.sample(sample_shape)
        out.append((x, d.log_prob(x)))
    _same_tensor(out[0][0], out[1][0], exact=True)
    _same_tensor(out[0][1], out[1][1], tol=TOL[dtype])


def test_laplace_draws_agree_to_an_ulp():
    # the draws use the same uniforms; torch's log1p over a long tensor is its vectorized one, a
    # last-ulp apart from libm's (an ulp of |loc| where loc - scale * ... cancels)
    for dtype, tol in (("float32", dict(rtol=3e-7, atol=1e-7)), ("float64", dict(rtol=5e-16, atol=5e-16))):
        out = []
        for L in LIBS:
            L.manual_seed(1)
            out.append(L.distributions.Laplace(_p(L, [0.2, 3.0], dtype), 0.5).rsample((20,)))
        _same_tensor(*out, tol=tol)


def test_sample_is_detached_and_rsample_is_not():
    for L in LIBS:
        loc = L.tensor([0.0, 1.0], requires_grad=True)
        d = L.distributions.Normal(loc, 1.0)
        assert not d.sample().requires_grad and d.rsample().requires_grad
        assert d.has_rsample and not L.distributions.Categorical(L.ones(2)).has_rsample


# ------------------------------------------------------------------------------------------------
# Values and gradients w.r.t. the parameters
# ------------------------------------------------------------------------------------------------

def _leaf(L, values, dtype):
    return L.tensor(values, dtype=getattr(L, dtype), requires_grad=True)


def _normal(L, d):
    loc, scale = _leaf(L, [0.5, -1.0, 2.0], d), _leaf(L, [1.5, 0.2, 3.0], d)
    dist = L.distributions.Normal(loc, scale)
    x = L.tensor([[0.3, -0.7, 5.0], [1.0, 1.0, 1.0]], dtype=getattr(L, d))
    return [loc, scale], [dist.log_prob(x), dist.entropy(), dist.mean, dist.variance, dist.stddev, dist.mode,
                          dist.cdf(x), dist.icdf(L.tensor([0.1, 0.5, 0.99], dtype=getattr(L, d))),
                          dist.perplexity(), L.distributions.ExponentialFamily.entropy(dist)]


def _normal_rsample(L, d):
    loc, scale = _leaf(L, [0.5, -1.0], d), _leaf(L, [1.5, 0.2], d)
    L.manual_seed(3)
    z = L.distributions.Normal(loc, scale).rsample((4,))
    return [loc, scale], [z, (z ** 2).mean()]


def _normal_numbers(L, d):
    dist = L.distributions.Normal(0.0, 2.0)
    return [], [dist.log_prob(L.tensor([0.5, 3.0])), dist.entropy(), dist.loc, dist.variance]


def _categorical_probs(L, d):
    p = _leaf(L, [[1.0, 2.0, 3.0], [0.5, 0.25, 0.25]], d)
    dist = L.distributions.Categorical(probs=p)
    v = L.tensor([[2, 0], [1, 1], [0, 2]])
    return [p], [dist.log_prob(v), dist.entropy(), dist.probs, dist.logits, dist.mode, dist.mean,
                 dist.variance,
                 dist.enumerate_support(), dist.enumerate_support(expand=False), dist.perplexity()]


def _categorical_logits(L, d):
    lg = _leaf(L, [[0.1, -2.0, 3.0, 0.0], [1.0, 1.0, 1.0, 1.0]], d)
    dist = L.distributions.Categorical(logits=lg)
    return [lg], [dist.log_prob(L.tensor([3, 1])), dist.log_prob(L.tensor(2)), dist.entropy(), dist.probs,
                  dist.logits]


def _categorical_zero_prob(L, d):
    p = _leaf(L, [0.0, 0.5, 0.5], d)
    dist = L.distributions.Categorical(probs=p)
    return [p], [dist.entropy(), dist.logits, dist.log_prob(L.tensor([0, 1]))]


def _bernoulli_probs(L, d):
    p = _leaf(L, [0.3, 0.5, 0.9, 0.0], d)
    dist = L.distributions.Bernoulli(p)
    x = L.tensor([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]], dtype=getattr(L, d))
    return [p], [dist.log_prob(x), dist.entropy(), dist.mean, dist.variance, dist.mode, dist.logits,
                 dist.enumerate_support(), L.distributions.ExponentialFamily.entropy(
                     L.distributions.Bernoulli(p[:3]))]


def _bernoulli_logits(L, d):
    lg = _leaf(L, [[-3.0, 0.0, 2.5]], d)
    dist = L.distributions.Bernoulli(logits=lg)
    return [lg], [dist.log_prob(L.tensor([1.0, 1.0, 0.0], dtype=getattr(L, d))), dist.entropy(), dist.probs,
                  dist.variance]


def _uniform(L, d):
    lo, hi = _leaf(L, [0.0, -1.0], d), _leaf(L, [1.0, 3.0], d)
    dist = L.distributions.Uniform(lo, hi)
    L.manual_seed(5)
    z = dist.rsample((3,))
    inside = L.tensor([0.5, 2.0], dtype=getattr(L, d))
    return [lo, hi], [dist.log_prob(inside), dist.entropy(), dist.mean, dist.stddev, dist.variance, dist.mode,
                      dist.cdf(inside), dist.icdf(L.tensor([0.25, 0.5], dtype=getattr(L, d))), z]


def _uniform_outside(L, d):
    dist = L.distributions.Uniform(_leaf(L, [0.0, 0.0], d), 1.0, validate_args=False)
    return [], [dist.log_prob(L.tensor([-0.5, 1.0], dtype=getattr(L, d)))]


def _one_hot(L, d):
    p = _leaf(L, [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]], d)
    dist = L.distributions.OneHotCategorical(p)
    x = L.tensor([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], dtype=getattr(L, d))
    return [p], [dist.log_prob(x), dist.entropy(), dist.mean, dist.mode, dist.variance, dist.probs,
                 dist.logits,
                 dist.enumerate_support()]


def _straight_through(L, d):
    lg = _leaf(L, [0.1, 2.0, -1.0], d)
    L.manual_seed(2)
    z = L.distributions.OneHotCategoricalStraightThrough(logits=lg).rsample((2,))
    w = L.tensor([1.0, 2.0, 3.0], dtype=getattr(L, d))
    return [lg], [z, (z * w).sum()]


def _independent(L, d):
    loc, scale = _leaf(L, [[0.5, -1.0], [0.0, 2.0]], d), _leaf(L, [1.5, 0.2], d)
    dist = L.distributions.Independent(L.distributions.Normal(loc, scale), 1)
    x = L.tensor([0.3, -0.7], dtype=getattr(L, d))
    return [loc, scale], [dist.log_prob(x), dist.entropy(), dist.mean,
                          dist.variance, dist.mode]


def _exponential(L, d):
    rate = _leaf(L, [0.5, 2.0], d)
    dist = L.distributions.Exponential(rate)
    x = L.tensor([0.3, 4.0], dtype=getattr(L, d))
    L.manual_seed(4)
    return [rate], [dist.log_prob(x), dist.entropy(), dist.mean, dist.stddev, dist.variance, dist.mode,
                    dist.cdf(x),
                    dist.icdf(L.tensor([0.1, 0.9], dtype=getattr(L, d))), dist.rsample((3,)),
                    L.distributions.ExponentialFamily.entropy(dist)]


def _laplace(L, d):
    loc, scale = _leaf(L, [0.5, -1.0], d), _leaf(L, [1.5, 0.2], d)
    dist = L.distributions.Laplace(loc, scale)
    x = L.tensor([0.3, 4.0], dtype=getattr(L, d))
    return [loc, scale], [dist.log_prob(x), dist.entropy(), dist.mean, dist.stddev, dist.variance,
                          dist.cdf(x),
                          dist.icdf(L.tensor([0.1, 0.9], dtype=getattr(L, d)))]


def _poisson(L, d):
    rate = _leaf(L, [0.5, 2.0, 0.0], d)
    dist = L.distributions.Poisson(rate)
    x = L.tensor([[0.0, 3.0, 0.0], [1.0, 0.0, 0.0]], dtype=getattr(L, d))
    return [rate], [dist.log_prob(x), dist.mean, dist.mode, dist.variance, dist.stddev]


def _mixture(L, d):
    w, loc = _leaf(L, [0.2, 0.5, 0.3], d), _leaf(L, [[0.0, 1.0], [2.0, -1.0], [0.5, 0.5]], d)
    mix = L.distributions.MixtureSameFamily(L.distributions.Categorical(w),
                                            L.distributions.Independent(L.distributions.Normal(loc, 0.7), 1))
    x = L.tensor([[0.1, 0.2], [2.0, -0.5], [1.5, 2.0]], dtype=getattr(L, d))
    return [w, loc], [mix.log_prob(x), mix.mean, mix.variance]


def _mixture_1d(L, d):
    w, loc = _leaf(L, [[0.2, 0.8], [0.5, 0.5]], d), _leaf(L, [-1.0, 3.0], d)
    mix = L.distributions.MixtureSameFamily(L.distributions.Categorical(w), L.distributions.Normal(loc, 1.5))
    x = L.tensor([[0.0], [1.0], [4.0]], dtype=getattr(L, d))
    return [w, loc], [mix.log_prob(x), mix.cdf(x), mix.mean, mix.variance, mix.stddev]


VALUES = {f.__name__[1:]: f for f in [
    _normal, _normal_rsample, _normal_numbers, _categorical_probs, _categorical_logits,
    _categorical_zero_prob, _bernoulli_probs, _bernoulli_logits, _uniform, _uniform_outside, _one_hot,
    _straight_through, _independent, _exponential, _laplace, _poisson, _mixture, _mixture_1d]}


def _values_and_grads(L, fn, dtype):
    params, outputs = fn(L, dtype)
    grads = []
    if params:
        loss = sum(o.sum() for o in outputs if o.requires_grad and o.dtype.is_floating_point)
        first = L.autograd.grad(loss, params, create_graph=True, allow_unused=True)
        grads = [g for g in first if g is not None]
        second = sum((g * g).sum() for g in grads if g.requires_grad)
        if isinstance(second, L.Tensor):  # a second order where the first still depends on the params
            grads += [g for g in L.autograd.grad(second, params, allow_unused=True) if g is not None]
    return outputs, grads


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_and_gradients_match_torch(name, dtype):
    (t_out, t_grads), (m_out, m_grads) = (_values_and_grads(L, VALUES[name], dtype) for L in LIBS)
    assert len(m_out) == len(t_out) and len(m_grads) == len(t_grads)
    for t, m in zip(t_out + t_grads, m_out + m_grads):
        _same_tensor(t, m, tol=TOL[dtype])


# ------------------------------------------------------------------------------------------------
# KL divergence
# ------------------------------------------------------------------------------------------------

def _kl_pairs(L, d):
    D = L.distributions
    a, b = _leaf(L, [0.5, -1.0, 0.0], d), _leaf(L, [1.5, 0.2, 1.0], d)
    c, e = _leaf(L, [0.0, 1.0, 2.0], d), _leaf(L, [1.0, 2.0, 0.5], d)
    p = _leaf(L, [[0.2, 0.3, 0.5], [0.0, 0.5, 0.5], [0.5, 0.5, 0.0]], d)
    q = _leaf(L, [[0.4, 0.4, 0.2], [0.3, 0.3, 0.4], [0.2, 0.0, 0.8]], d)
    bp, bq = _leaf(L, [0.3, 0.0, 1.0, 0.6], d), _leaf(L, [0.5, 0.2, 0.9, 0.0], d)
    pairs = {
        "Normal-Normal": (D.Normal(a, b), D.Normal(c, e)),
        "Categorical-Categorical": (D.Categorical(p), D.Categorical(q)),
        "Categorical logits": (D.Categorical(logits=a), D.Categorical(logits=c)),
        "Bernoulli-Bernoulli": (D.Bernoulli(bp), D.Bernoulli(bq)),
        "Bernoulli logits": (D.Bernoulli(logits=a), D.Bernoulli(logits=c)),
        "OneHot-OneHot": (D.OneHotCategorical(p), D.OneHotCategorical(q)),
        "Uniform-Uniform": (D.Uniform(a, a + b), D.Uniform(c - 2, c + e)),
        "Poisson-Poisson": (D.Poisson(b), D.Poisson(e)),
        "Bernoulli-Poisson": (D.Bernoulli(bp), D.Poisson(b.repeat(2)[:4])),
        "Poisson-Bernoulli": (D.Poisson(b), D.Bernoulli(bq[:3])),
        "Independent-Independent": (D.Independent(D.Normal(a, b), 1), D.Independent(D.Normal(c, e), 1)),
        "Exponential-Exponential": (D.Exponential(b), D.Exponential(e)),
        "Laplace-Laplace": (D.Laplace(a, b), D.Laplace(c, e)),
        "Normal-Laplace": (D.Normal(a, b), D.Laplace(c, e)),
        "Laplace-Normal": (D.Laplace(a, b), D.Normal(c, e)),
        "Uniform-Normal": (D.Uniform(a, a + b), D.Normal(c, e)),
        "Exponential-Normal": (D.Exponential(b), D.Normal(c, e)),
        "Uniform-Exponential": (D.Uniform(c - 0.5, c + e), D.Exponential(e)),
        "Normal-Uniform": (D.Normal(a, b), D.Uniform(c, c + e)),
    }
    return [a, b, c, e, p, q, bp, bq], pairs


KL_NAMES = sorted(_kl_pairs(torch, "float64")[1])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", KL_NAMES)
def test_kl_divergence_and_its_gradients_match_torch(name, dtype):
    def run(L):
        params, pairs = _kl_pairs(L, dtype)
        kl = L.distributions.kl_divergence(*pairs[name])
        finite = L.where(L.isfinite(kl), kl, L.zeros_like(kl))
        grads = L.autograd.grad(finite.sum(), params, allow_unused=True) if kl.requires_grad else ()
        return [kl] + [g for g in grads if g is not None]
    t_out, m_out = run(torch), run(minigrad)
    assert len(m_out) == len(t_out)
    for t, m in zip(t_out, m_out):
        _same_tensor(t, m, tol=TOL[dtype])


def test_exponential_family_kl_is_the_bregman_divergence():
    # Normal-Normal has its own formula; the generic one is reached by calling it directly (it
    # detaches p's natural parameters, so gradients reach q's only)
    out = []
    for L in LIBS:
        from importlib import import_module
        kl = import_module(L.__name__ + ".distributions.kl")
        scale = L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True)
        p = L.distributions.Normal(L.tensor([0.5, -1.0], dtype=L.float64), 1.5)
        q = L.distributions.Normal(0.0, scale)
        v = kl._kl_expfamily_expfamily(p, q)
        out.append([v, L.autograd.grad(v.sum(), [scale])[0]])
    for t, m in zip(*out):
        _same_tensor(t, m, tol=TOL["float64"])


def test_register_kl_dispatches_to_the_most_specific_pair():
    for L in LIBS:
        D = L.distributions

        class MyNormal(D.Normal):
            pass

        @D.register_kl(MyNormal, D.Normal)
        def _kl_mine(p, q):
            return p.loc * 0
        assert float(D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0))) == 0.0
        assert float(D.kl_divergence(D.Normal(0.0, 1.0), MyNormal(1.0, 1.0))) == 0.5


# ------------------------------------------------------------------------------------------------
# Errors: construction and validation, as torch raises them
# ------------------------------------------------------------------------------------------------

ERRORS = {
    "Normal negative scale": lambda L: L.distributions.Normal(0.0, -1.0),
    "Normal nan loc": lambda L: L.distributions.Normal(L.tensor([0.0, math.nan]), L.tensor([1.0, 1.0])),
    "Normal zero scale with grad": lambda L: L.distributions.Normal(
        L.zeros(2), L.tensor([1.0, 0.0], dtype=L.float64, requires_grad=True)),
    "Normal log_prob of a float": lambda L: L.distributions.Normal(0.0, 1.0).log_prob(0.5),
    "Normal log_prob not broadcastable": lambda L: L.distributions.Normal(L.zeros(3), 1.0).log_prob(
        L.zeros(2)),
    "Normal of a string": lambda L: L.distributions.Normal("a", 1.0),
    "Normal sample_shape an int": lambda L: L.distributions.Normal(0.0, 1.0).sample(3),
    "Categorical neither": lambda L: L.distributions.Categorical(),
    "Categorical both": lambda L: L.distributions.Categorical(L.ones(2), L.ones(2)),
    "Categorical 0-d probs": lambda L: L.distributions.Categorical(L.tensor(0.5)),
    "Categorical 0-d logits": lambda L: L.distributions.Categorical(logits=L.tensor(0.5)),
    "Categorical negative probs": lambda L: L.distributions.Categorical(L.tensor([-1.0, 2.0])),
    "Categorical nan logits": lambda L: L.distributions.Categorical(
        logits=L.tensor([[math.nan, 0.0], [1.0, 2.0]])),
    "Categorical log_prob out of support": lambda L: L.distributions.Categorical(L.ones(3)).log_prob(
        L.tensor(3)),
    "Categorical log_prob of a fraction": lambda L: L.distributions.Categorical(L.ones(3)).log_prob(
        L.tensor([0.5])),
    "Bernoulli probs above 1": lambda L: L.distributions.Bernoulli(1.5),
    "Bernoulli neither": lambda L: L.distributions.Bernoulli(),
    "Bernoulli log_prob of 0.5": lambda L: L.distributions.Bernoulli(L.tensor([0.3])).log_prob(
        L.tensor([0.5])),
    "Uniform low above high": lambda L: L.distributions.Uniform(1.0, 0.0),
    "Uniform high nan": lambda L: L.distributions.Uniform(L.zeros(2), L.tensor([1.0, math.nan])),
    "Uniform log_prob outside": lambda L: L.distributions.Uniform(0.0, 1.0).log_prob(L.tensor(2.0)),
    "OneHot log_prob not one-hot": lambda L: L.distributions.OneHotCategorical(L.ones(3)).log_prob(L.ones(3)),
    "OneHot log_prob event shape": lambda L: L.distributions.OneHotCategorical(L.ones(3)).log_prob(L.ones(2)),
    "OneHot negative probs": lambda L: L.distributions.OneHotCategorical(L.tensor([0.5, -0.5, 1.0])),
    "Independent too many dims": lambda L: L.distributions.Independent(
        L.distributions.Normal(L.zeros(3), 1.0), 2),
    "Independent enumerate": lambda L: L.distributions.Independent(
        L.distributions.Bernoulli(L.ones(3) / 2), 1).enumerate_support(),
    "Exponential zero rate": lambda L: L.distributions.Exponential(L.tensor([1.0, 0.0])),
    "Exponential log_prob negative": lambda L: L.distributions.Exponential(1.0).log_prob(L.tensor(-1.0)),
    "Laplace negative scale": lambda L: L.distributions.Laplace(0.0, L.tensor([-2.0])),
    "Poisson negative rate": lambda L: L.distributions.Poisson(L.tensor([1.0, -2.0])),
    "Poisson log_prob of a fraction": lambda L: L.distributions.Poisson(2.0).log_prob(L.tensor(1.5)),
    "Poisson has no entropy": lambda L: L.distributions.Poisson(2.0).entropy(),
    "mixture of a Normal": lambda L: L.distributions.MixtureSameFamily(
        L.distributions.Normal(0.0, 1.0), L.distributions.Normal(L.zeros(2), 1.0)),
    "mixture of a tensor": lambda L: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(L.ones(2)), L.zeros(2)),
    "mixture sizes differ": lambda L: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(L.ones(3)), L.distributions.Normal(L.zeros(2), 1.0)),
    "mixture batches differ": lambda L: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(L.ones(3, 2)), L.distributions.Normal(L.zeros(4, 2), 1.0)),
    "mixture log_prob outside support": lambda L: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(L.ones(2)), L.distributions.Exponential(L.ones(2))).log_prob(
        L.tensor(-1.0)),
    "Normal has no enumerate_support": lambda L: L.distributions.Normal(0.0, 1.0).enumerate_support(),
    "Categorical has no rsample": lambda L: L.distributions.Categorical(L.ones(2)).rsample(),
    "Distribution has no mode": lambda L: L.distributions.Distribution(validate_args=False).mode,
    "kl of unrelated types": lambda L: L.distributions.kl_divergence(
        L.distributions.Normal(0.0, 1.0), L.distributions.Categorical(L.ones(2))),
    "kl across exponential families": lambda L: L.distributions.kl_divergence(
        L.distributions.Normal(0.0, 1.0), L.distributions.Bernoulli(0.5)),
    "kl Independent dims differ": lambda L: L.distributions.kl_divergence(
        L.distributions.Independent(L.distributions.Normal(L.zeros(2, 2), 1.0), 1),
        L.distributions.Independent(L.distributions.Normal(L.zeros(2, 2), 1.0), 2)),
    "set_default_validate_args of 2": lambda L: L.distributions.Distribution.set_default_validate_args(2),
    "Normal expand to fewer dims": lambda L: L.distributions.Normal(L.zeros(2, 3), 1.0).expand((3,)),
}


def _outcome(fn, L):
    try:
        fn(L)
        return "ok", ""
    except Exception as e:  # noqa: BLE001  (the class and message are what is compared)
        return type(e).__name__, _text(str(e))


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    t, m = _outcome(ERRORS[name], torch), _outcome(ERRORS[name], minigrad)
    assert t[0] != "ok", "each call here is one torch refuses"
    if name == "Normal expand to fewer dims":
        assert m[0] == t[0]  # the expand error's wording is the Tensor op's, tested with expand
    else:
        assert m == t


def test_validation_can_be_turned_off():
    for L in LIBS:
        D = L.distributions
        d = D.Normal(0.0, -1.0, validate_args=False)
        assert math.isnan(float(d.log_prob(L.tensor(0.0))))
        assert float(D.Bernoulli(L.tensor([0.3]), validate_args=False).log_prob(L.tensor([0.5]))) < 0
        D.Distribution.set_default_validate_args(False)
        try:
            D.Uniform(1.0, 0.0)
            D.Categorical(L.tensor([-1.0, 2.0])).log_prob(L.tensor(1.5))
        finally:
            D.Distribution.set_default_validate_args(True)
        with pytest.raises(ValueError):
            D.Uniform(1.0, 0.0)
        expanded = D.Normal(L.zeros(1), 1.0, validate_args=False).expand((3,))
        assert expanded._validate_args is False


def test_missing_distribution_says_minigrad_lacks_it():
    with pytest.raises(AttributeError, match="minigrad does not implement torch.distributions.Beta "):
        minigrad.distributions.Beta  # noqa: B018  (reading the name is the test)


# ------------------------------------------------------------------------------------------------
# Reprs, shapes, expand
# ------------------------------------------------------------------------------------------------

REPRS = {
    "Normal numbers": lambda L: L.distributions.Normal(0.0, 1.0),
    "Normal batch": lambda L: L.distributions.Normal(L.zeros(2), 1.0),
    "Normal one element": lambda L: L.distributions.Normal(L.tensor([0.0]), 1.0),
    "Normal requires grad": lambda L: L.distributions.Normal(L.tensor(0.5, requires_grad=True), 2.0),
    "Categorical probs": lambda L: L.distributions.Categorical(L.ones(2, 3)),
    "Categorical logits": lambda L: L.distributions.Categorical(logits=L.zeros(3)),
    "Categorical both after .probs": lambda L: (lambda d: (d.probs, d)[1])(
        L.distributions.Categorical(logits=L.zeros(3))),
    "Bernoulli": lambda L: L.distributions.Bernoulli(0.25),
    "Bernoulli logits batch": lambda L: L.distributions.Bernoulli(logits=L.zeros(4)),
    "Uniform": lambda L: L.distributions.Uniform(L.zeros(2), 1.0),
    "OneHotCategorical": lambda L: L.distributions.OneHotCategorical(L.ones(3)),
    "Independent": lambda L: L.distributions.Independent(L.distributions.Normal(L.zeros(2, 3), 1.0), 1),
    "Exponential": lambda L: L.distributions.Exponential(L.tensor([1.0, 2.0])),
    "Laplace": lambda L: L.distributions.Laplace(0.0, 2.0),
    "Poisson": lambda L: L.distributions.Poisson(L.tensor([1.0, 2.0])),
    "MixtureSameFamily": lambda L: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(L.ones(2)),
        L.distributions.Independent(L.distributions.Normal(L.zeros(2, 3), 1.0), 1)),
    "Normal expanded": lambda L: L.distributions.Normal(0.0, 1.0).expand((2,)),
    "support": lambda L: (L.distributions.Categorical(L.ones(4)).support,
                          L.distributions.Uniform(0.0, 2.0).support, L.distributions.Bernoulli(0.5).support,
                          L.distributions.OneHotCategorical(L.ones(2)).support,
                          L.distributions.Independent(L.distributions.Normal(L.zeros(2), 1.0), 1).support),
    "constraints": lambda L: [getattr(L.distributions.constraints, n) for n in
                              ("real", "real_vector", "positive", "nonnegative", "simplex", "unit_interval",
                               "boolean", "one_hot", "nonnegative_integer", "positive_integer")],
}


@pytest.mark.parametrize("name", sorted(REPRS))
def test_repr_matches_torch(name):
    assert _text(repr(REPRS[name](minigrad))) == repr(REPRS[name](torch))


SHAPES = {
    "Normal": lambda L: L.distributions.Normal(L.zeros(2, 1), L.ones(3)),
    "Normal numbers": lambda L: L.distributions.Normal(0.0, 1.0),
    "Normal 0-d tensor": lambda L: L.distributions.Normal(L.tensor(0.0), 1.0),
    "Categorical": lambda L: L.distributions.Categorical(L.ones(4, 2, 3)),
    "Bernoulli": lambda L: L.distributions.Bernoulli(L.ones(2, 3) / 2),
    "OneHotCategorical": lambda L: L.distributions.OneHotCategorical(L.ones(2, 3)),
    "Independent": lambda L: L.distributions.Independent(L.distributions.Normal(L.zeros(4, 2, 3), 1.0), 2),
    "Independent of OneHot": lambda L: L.distributions.Independent(
        L.distributions.OneHotCategorical(L.ones(4, 3)), 1),
    "Uniform expanded": lambda L: L.distributions.Uniform(0.0, 1.0).expand([5, 2]),
    "Categorical expanded": lambda L: L.distributions.Categorical(logits=L.zeros(3)).expand((2,)),
    "OneHot expanded": lambda L: L.distributions.OneHotCategorical(L.ones(3)).expand((2,)),
    "Independent expanded": lambda L: L.distributions.Independent(
        L.distributions.Normal(L.zeros(3), 1.0), 1).expand((4,)),
    "Bernoulli expanded": lambda L: L.distributions.Bernoulli(logits=L.zeros(1)).expand((2, 3)),
    "mixture expanded": lambda L: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(L.ones(2)),
        L.distributions.Independent(L.distributions.Normal(L.zeros(2, 3), 1.0), 1)).expand((4,)),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_batch_and_event_shapes_match_torch(name):
    t, m = SHAPES[name](torch), SHAPES[name](minigrad)
    for attr in ("batch_shape", "event_shape"):
        assert type(getattr(m, attr)) is minigrad.Size
        assert tuple(getattr(m, attr)) == tuple(getattr(t, attr))
    torch.manual_seed(0)
    minigrad.manual_seed(0)
    _same_tensor(t.sample((2,)), m.sample((2,)), exact=True)
    assert m.has_rsample == t.has_rsample and m.has_enumerate_support == t.has_enumerate_support


def test_sample_n_warns_like_torch():
    for L in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert tuple(L.distributions.Normal(0.0, 1.0).sample_n(4).shape) == (4,)
        expected = "`sample_n(n)` will be deprecated. Use `sample((n,))` instead."
        assert [str(w.message) for w in caught] == [expected]


# ------------------------------------------------------------------------------------------------
# REINFORCE: a policy net trained with Categorical draws, log_prob * reward and Adam
# ------------------------------------------------------------------------------------------------

def _reinforce(L, steps=20):
    """A 3-armed contextual bandit: the rewarded arm is the argmax of the first 3 state features."""
    L.manual_seed(0)
    policy = L.nn.Sequential(L.nn.Linear(4, 16), L.nn.Tanh(), L.nn.Linear(16, 3))
    opt = L.optim.Adam(policy.parameters(), lr=0.05)
    actions, losses, entropies = [], [], []
    for _ in range(steps):
        states = L.randn(8, 4)
        dist = L.distributions.Categorical(logits=policy(states))
        action = dist.sample()
        reward = (action == states[:, :3].argmax(-1)).float() - 0.3
        loss = -(dist.log_prob(action) * reward).mean() - 0.01 * dist.entropy().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        actions.append(action.tolist())
        losses.append(loss.item())
        entropies.append(dist.entropy().mean().item())
    return actions, losses, entropies, [p.detach().numpy().copy() for p in policy.parameters()]


def test_reinforce_trajectory_matches_torch():
    t_actions, t_losses, t_ent, t_params = _reinforce(torch)
    m_actions, m_losses, m_ent, m_params = _reinforce(minigrad)
    assert m_actions == t_actions  # the same draws step by step
    # float32 losses from 20 Adam steps: the per-step rounding differences stay at the 1e-6 level
    np.testing.assert_allclose(m_losses, t_losses, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(m_ent, t_ent, rtol=1e-5, atol=1e-6)
    for t, m in zip(t_params, m_params):
        np.testing.assert_allclose(m, t, rtol=1e-4, atol=1e-5)


def _vae_step(L):
    """One step of a tiny VAE: Normal posterior via rsample, Bernoulli likelihood, KL to N(0, 1)."""
    L.manual_seed(1)
    enc, dec = L.nn.Linear(6, 4), L.nn.Linear(2, 6)
    x = (L.rand(5, 6) > 0.5).float()
    h = enc(x)
    q = L.distributions.Normal(h[:, :2], L.nn.functional.softplus(h[:, 2:]) + 1e-3)
    z = q.rsample()
    px = L.distributions.Independent(L.distributions.Bernoulli(logits=dec(z)), 1)
    prior = L.distributions.Normal(L.zeros_like(z), L.ones_like(z))
    elbo = px.log_prob(x) - L.distributions.kl_divergence(q, prior).sum(-1)
    loss = -elbo.mean()
    loss.backward()
    return [loss, z, enc.weight.grad, dec.weight.grad]


def test_vae_step_matches_torch():
    for t, m in zip(_vae_step(torch), _vae_step(minigrad)):
        _same_tensor(t.detach(), m.detach(), tol=dict(rtol=1e-5, atol=1e-6))


# ------------------------------------------------------------------------------------------------
# Whole programs through the fuzzer's comparison (dtype, shape, requires_grad, is_leaf, values)
# ------------------------------------------------------------------------------------------------

PROGRAMS = {
    "Normal log_prob, entropy and second order": [
        "x0 = T.tensor([0.5, -1.0], requires_grad=True)", "x1 = T.tensor([1.5, 0.25], requires_grad=True)",
        "d = T.distributions.Normal(x0, x1)", "v0 = d.log_prob(T.tensor([[0.0], [2.0]]))", "v1 = d.entropy()",
        "v2 = d.cdf(T.tensor(0.3))", "loss = v0.sum() + v1.sum() + v2.sum()",
        "g = T.autograd.grad(loss, [x0, x1], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum() + g[1].sum(), [x0, x1])"],
    "Normal rsample after manual_seed": [
        "x0 = T.tensor([0.5, -1.0], dtype=T.float64, requires_grad=True)", "_ = T.manual_seed(7)",
        "v0 = T.distributions.Normal(x0, 2.0).rsample((3,))", "v1 = T.distributions.Normal(x0, 2.0).sample()",
        "loss = (v0 ** 2).sum()", "g = T.autograd.grad(loss, [x0])"],
    "Categorical logits: draws, log_prob, entropy": [
        "x0 = T.tensor([[0.1, 2.0, -1.0], [0.0, 0.0, 0.0]], requires_grad=True)", "_ = T.manual_seed(3)",
        "d = T.distributions.Categorical(logits=x0)", "v0 = d.sample((4,))", "v1 = d.log_prob(v0)",
        "v2 = d.entropy()", "v3 = d.probs", "loss = v1.sum() - v2.sum()",
        "g = T.autograd.grad(loss, [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].pow(2).sum(), [x0])"],
    "Categorical probs with a zero": [
        "x0 = T.tensor([0.0, 1.0, 3.0], requires_grad=True)", "d = T.distributions.Categorical(probs=x0)",
        "v0 = d.logits", "v1 = d.entropy()", "v2 = d.log_prob(T.tensor([0, 2]))", "loss = v1 + v2[1]",
        "g = T.autograd.grad(loss, [x0])"],
    "Bernoulli probs and logits": [
        "x0 = T.tensor([0.2, 0.5, 0.9], requires_grad=True)",
        "x1 = T.tensor([-1.0, 0.0, 4.0], requires_grad=True)",
        "_ = T.manual_seed(0)", "v0 = T.distributions.Bernoulli(x0).sample((2,))",
        "v1 = T.distributions.Bernoulli(x0).log_prob(v0)",
        "v2 = T.distributions.Bernoulli(logits=x1).entropy()",
        "v3 = T.distributions.kl_divergence(T.distributions.Bernoulli(x0),\n"
        "                                   T.distributions.Bernoulli(logits=x1))",
        "loss = v1.sum() + v2.sum() + v3.sum()", "g = T.autograd.grad(loss, [x0, x1])"],
    "KL Normal and Categorical": [
        "x0 = T.tensor([0.5, -1.0], requires_grad=True)",
        "x1 = T.tensor([[0.2, 0.8], [0.5, 0.5]], requires_grad=True)",
        "v0 = T.distributions.kl_divergence(T.distributions.Normal(x0, 1.0),\n"
        "                                   T.distributions.Normal(0.0, x0.abs()))",
        "v1 = T.distributions.kl_divergence(T.distributions.Categorical(x1),\n"
        "                                   T.distributions.Categorical(x1.flip(-1)))",
        "loss = v0.sum() + v1.sum()", "g = T.autograd.grad(loss, [x0, x1], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum() + g[1].sum(), [x0, x1])"],
    "Uniform rsample and log_prob": [
        "x0 = T.tensor([0.0, -2.0], requires_grad=True)", "x1 = T.tensor([1.0, 2.0], requires_grad=True)",
        "_ = T.manual_seed(11)", "d = T.distributions.Uniform(x0, x1)", "v0 = d.rsample((2,))",
        "v1 = d.log_prob(T.tensor([0.5, 0.0]))", "v2 = d.entropy()", "loss = v0.sum() + v1.sum() + v2.sum()",
        "g = T.autograd.grad(loss, [x0, x1])"],
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_agrees_with_torch(name):
    from minigrad.testing.programs import Program, compare_programs
    lines = PROGRAMS[name]
    assert compare_programs(Program(lines, ["stmt"] * len(lines))) is None
