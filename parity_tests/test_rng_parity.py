"""Same seed, same numbers.  Every comparison is exact (``np.array_equal``) against torch.

The kernel tests use only ``minigrad.random``'s numpy kernels (no Tensor core); the Tensor-level
tests go through the public functions.  Each test seeds a torch generator and a minigrad generator
identically, draws, and also checks that both generators are left in the same state (the next
draws agree), so over- or under-consumption of the stream fails too.
"""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minigrad.random as R

TORCH_DT = {np.dtype(np.float16): torch.float16, np.dtype(np.float32): torch.float32,
            np.dtype(np.float64): torch.float64, np.dtype(np.int64): torch.int64,
            np.dtype(np.int32): torch.int32, np.dtype(np.int16): torch.int16,
            np.dtype(np.int8): torch.int8, np.dtype(np.uint8): torch.uint8,
            np.dtype(np.bool_): torch.bool}
FLOATS = [np.dtype(np.float32), np.dtype(np.float64)]
INTS = [np.dtype(d) for d in (np.int64, np.int32, np.int16, np.int8, np.uint8)]

seeds = st.one_of(st.integers(0, 2**32 - 1), st.integers(-(2**63), 2**64 - 1))
# sizes around torch's 16-element switch, empty, and large
sizes = st.one_of(st.sampled_from([0, 1, 2, 15, 16, 17, 31, 32, 33, 1000, 4099]),
                  st.integers(0, 300))
shapes = st.one_of(sizes.map(lambda n: (n,)),
                   st.lists(st.integers(0, 9), min_size=0, max_size=3).map(tuple))
finite = st.floats(-1e4, 1e4, allow_nan=False, allow_subnormal=False)


def pair(seed):
    return R.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


def same(mine, ref):
    ref = ref.numpy() if isinstance(ref, torch.Tensor) else np.asarray(ref)
    assert mine.dtype == ref.dtype, (mine.dtype, ref.dtype)
    assert mine.shape == ref.shape, (mine.shape, ref.shape)
    assert np.array_equal(mine, ref, equal_nan=True), (mine.ravel()[:8], ref.ravel()[:8])


def in_lockstep(g, tg):
    """Both generators must be at the same point: identical state bytes and identical next draws."""
    assert np.array_equal(g._state_array(), tg.get_state().numpy())
    same(R.uniform_array((5,), 0.0, 1.0, np.float64, g), torch.rand(5, dtype=torch.float64, generator=tg))


def torch_error(fn):
    try:
        fn()
    except (RuntimeError, ValueError, TypeError) as e:
        return e
    return None


# ------------------------------------------------------------------------------------------------
# engine, seeds, state
# ------------------------------------------------------------------------------------------------

@given(seed=seeds)
def test_seed_semantics_and_state_bytes(seed):
    g, tg = pair(seed)
    assert g.initial_seed() == tg.initial_seed()
    assert np.array_equal(g._state_array(), tg.get_state().numpy())  # freshly seeded layout
    in_lockstep(g, tg)


def test_default_seed_and_bad_seeds():
    assert R.Generator().initial_seed() == torch.Generator().initial_seed() == R.DEFAULT_SEED
    assert np.array_equal(R.Generator()._state_array(), torch.Generator().get_state().numpy())
    for bad in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError):
            torch.Generator().manual_seed(bad)
        with pytest.raises(ValueError):
            R.Generator().manual_seed(bad)
    for bad in (1.5, "3", True):
        with pytest.raises(RuntimeError):
            torch.Generator().manual_seed(bad)
        with pytest.raises(RuntimeError):
            R.Generator().manual_seed(bad)


def test_module_level_seed_functions():
    assert R.manual_seed(11) is R.default_generator
    torch.manual_seed(11)
    assert R.initial_seed() == torch.initial_seed() == 11
    same(R.uniform_array((20,), 0, 1, np.float32), torch.rand(20))
    s = R.seed()
    assert R.initial_seed() == s and 0 <= s < 2**64


@given(seed=seeds, n=sizes, k=st.integers(0, 40))
def test_state_round_trip_both_ways(seed, n, k):
    g, tg = pair(seed)
    # odd number of small normals leaves a cached Box-Muller sample in the state
    same(R.normal_array((k % 3,), 0, 1, np.float32, g), torch.randn(k % 3, generator=tg))
    same(R.uniform_array((n,), 0, 1, np.float32, g), torch.rand(n, generator=tg))
    same(R.randint_array(0, 10, (k,), np.int64, g), torch.randint(0, 10, (k,), generator=tg))
    state = tg.get_state()
    assert np.array_equal(g._state_array(), state.numpy())
    g2 = R.Generator().set_state(state)               # torch's bytes loaded into minigrad
    tg2 = torch.Generator()
    tg2.set_state(torch.from_numpy(g._state_array()))  # minigrad's bytes loaded into torch
    for a, b in ((g2, tg), (g, tg2)):
        same(R.normal_array((3,), 0, 1, np.float64, a), torch.randn(3, dtype=torch.float64, generator=b))
        in_lockstep(a, b)


# ------------------------------------------------------------------------------------------------
# kernels
# ------------------------------------------------------------------------------------------------

@given(seed=seeds, shape=shapes, dtype=st.sampled_from(FLOATS + [np.dtype(np.float16)]),
       bounds=st.one_of(st.just((0.0, 1.0)), st.tuples(finite, finite).map(sorted)))
def test_uniform_kernel(seed, shape, dtype, bounds):
    low, high = bounds
    if dtype == np.float16:
        low, high = low / 100, high / 100  # inside half's range
    g, tg = pair(seed)
    ref = torch.empty(shape, dtype=TORCH_DT[dtype]).uniform_(low, high, generator=tg)
    same(R.uniform_array(shape, low, high, dtype, g), ref)
    in_lockstep(g, tg)


def test_uniform_rounding_onto_high_maps_to_low():
    for dtype, hi in ((np.float32, 1.0000001), (np.float64, 1.0 + 2**-52)):
        g, tg = pair(3)
        same(R.uniform_array((64,), 1.0, hi, dtype, g),
             torch.empty(64, dtype=TORCH_DT[np.dtype(dtype)]).uniform_(1.0, hi, generator=tg))


@given(seed=seeds, shape=shapes, dtype=st.sampled_from(FLOATS + [np.dtype(np.float16)]),
       mean=st.one_of(st.just(0.0), finite), std=st.one_of(st.just(1.0), st.floats(0, 100)))
def test_normal_kernel(seed, shape, dtype, mean, std):
    if dtype == np.float16:
        mean, std = mean / 100, std / 100
    g, tg = pair(seed)
    ref = torch.empty(shape, dtype=TORCH_DT[dtype]).normal_(mean, std, generator=tg)
    same(R.normal_array(shape, mean, std, dtype, g), ref)
    in_lockstep(g, tg)


@pytest.mark.parametrize("n", [1, 2, 15, 16, 40])
def test_float64_fma_with_subnormal_results(n):
    """z * std + mean and u * (to - from) + from whose product underflows: torch's fma rounds the
    subnormal result once; an emulated fma whose error term underflows is off by an ulp there
    (found by the thorough profile: normal_(0.0, 2.225073858507e-311) on 15 elements)."""
    for std in (2.225073858507e-311, 2.225073858507203e-309, 5e-324):
        g, tg = pair(0)
        same(R.normal_array((n,), 0.0, std, np.float64, g), torch.empty(n, dtype=torch.float64).normal_(0.0, std, generator=tg))
    for low, high in ((0.0, 3e-308), (2.3e-308, 2.4e-308)):
        g, tg = pair(0)
        same(R.uniform_array((n,), low, high, np.float64, g), torch.empty(n, dtype=torch.float64).uniform_(low, high, generator=tg))


@settings(max_examples=5)
@given(seed=seeds)
def test_normal_float32_avx2_polynomials_large(seed):
    """A few hundred thousand samples through the emulated AVX2 log/sincos."""
    g, tg = pair(seed)
    same(R.normal_array((200_003,), 0.5, 2.0, np.float32, g), torch.empty(200_003).normal_(0.5, 2.0, generator=tg))


def test_normal_cache_spans_calls():
    g, tg = pair(0)
    for n, dtype in ((1, np.float32), (1, np.float64), (3, np.float32), (16, np.float32), (1, np.float32),
                     (5, np.float64), (17, np.float64), (2, np.float32)):
        same(R.normal_array((n,), 1.0, 3.0, dtype, g),
             torch.empty(n, dtype=TORCH_DT[np.dtype(dtype)]).normal_(1.0, 3.0, generator=tg))
        assert np.array_equal(g._state_array(), tg.get_state().numpy())
    g.manual_seed(0)
    tg.manual_seed(0)  # reseeding clears the cached sample
    same(R.normal_array((1,), 0, 1, np.float64, g), torch.randn(1, dtype=torch.float64, generator=tg))


int_bounds = st.one_of(
    st.tuples(st.integers(-300, 300), st.integers(1, 300)).map(lambda t: (t[0], t[0] + t[1])),
    st.sampled_from([(0, 2**28 - 1), (0, 2**28), (0, 2**28 + 1), (-(2**31), 2**31), (0, 2**32 + 7),
                     (-(2**62), 2**62), (-(2**63), 2**63 - 1), (5, None), (-(2**63), None)]))


@given(seed=seeds, shape=shapes, dtype=st.sampled_from(INTS + FLOATS + [np.dtype(np.bool_)]),
       bounds=int_bounds)
def test_randint_kernel(seed, shape, dtype, bounds):
    low, high = bounds
    g, tg = pair(seed)
    with warnings.catch_warnings():  # torch warns about float ranges beyond 2**mantissa
        warnings.simplefilter("ignore")
        err = torch_error(lambda: torch.empty(shape, dtype=TORCH_DT[dtype]).random_(low, high, generator=tg))
    if err is not None:
        with pytest.raises(RuntimeError):
            R.randint_array(low, high, shape, dtype, g)
        return
    g, tg = pair(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = torch.empty(shape, dtype=TORCH_DT[dtype]).random_(low, high, generator=tg)
    same(R.randint_array(low, high, shape, dtype, g), ref)
    in_lockstep(g, tg)


@pytest.mark.parametrize("span", [2**28 - 1, 2**28, 2**31, 2**32 - 1, 2**32, 2**33 + 1])
@pytest.mark.parametrize("dtype", [np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.float64)])
def test_randint_32_or_64_bit_draw_threshold(span, dtype):
    """torch 2.13 draws random64() from a range of 2**28 on, for every dtype."""
    low = -(2**30) if dtype == np.int32 and span > 2**31 else 0
    span = min(span, 2**31 + 2**30) if dtype == np.int32 else span
    g, tg = pair(123)
    same(R.randint_array(low, low + span, (40,), dtype, g),
         torch.empty(40, dtype=TORCH_DT[dtype]).random_(low, low + span, generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=shapes, dtype=st.sampled_from(INTS + FLOATS + [np.dtype(np.bool_), np.dtype(np.float16)]))
def test_random_kernel(seed, shape, dtype):
    g, tg = pair(seed)
    same(R.random_array(shape, dtype, g), torch.empty(shape, dtype=TORCH_DT[dtype]).random_(generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, n=st.one_of(sizes, st.integers(0, 20000)),
       dtype=st.sampled_from([np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.float32), np.dtype(np.float64)]))
def test_randperm_kernel(seed, n, dtype):
    g, tg = pair(seed)
    same(R.randperm_array(n, dtype, g), torch.randperm(n, dtype=TORCH_DT[dtype], generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=shapes, p=st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1)),
       dtype=st.sampled_from(FLOATS + [np.dtype(np.bool_), np.dtype(np.int64), np.dtype(np.uint8)]))
def test_bernoulli_scalar_kernel(seed, shape, p, dtype):
    """torch's generator-based kernel: measured, torch 2.13 runs it on Intel CPUs too (its source's
    MKL variant would consume one uint32 in all, and this test's lockstep check would fail)."""
    g, tg = pair(seed)
    same(R.bernoulli_array(p, shape, dtype, g), torch.empty(shape, dtype=TORCH_DT[dtype]).bernoulli_(p, generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=shapes, pdtype=st.sampled_from(FLOATS), data=st.data())
def test_bernoulli_tensor_kernel(seed, shape, pdtype, data):
    probs = np.random.default_rng(abs(seed) % 2**32).random(shape).astype(pdtype)
    out_dtype = data.draw(st.sampled_from([pdtype, np.dtype(np.float32), np.dtype(np.bool_)]))
    g, tg = pair(seed)
    same(R.bernoulli_array(probs, None, pdtype, g), torch.bernoulli(torch.from_numpy(probs), generator=tg))
    same(R.bernoulli_array(probs, shape, out_dtype, g),
         torch.empty(shape, dtype=TORCH_DT[out_dtype]).bernoulli_(torch.from_numpy(probs), generator=tg))
    in_lockstep(g, tg)


# one step of a mixed program: (kind, size, dtype index, a parameter)
KINDS = ["rand", "uniform", "randn", "normal", "randint", "random", "randperm"]
steps = st.tuples(st.sampled_from(KINDS + ["bern"]),
                  st.sampled_from([0, 1, 3, 15, 16, 17, 40]), st.integers(0, 1), st.floats(0.05, 0.95))


@given(seed=seeds, program=st.lists(steps, min_size=1, max_size=12))
def test_mixed_program_stays_in_lockstep(seed, program):
    """One seed, a random sequence of calls on the *default* generators: every output matches."""
    R.manual_seed(seed)
    torch.manual_seed(seed)
    for kind, n, di, a in program:
        dt = FLOATS[di]
        tdt = TORCH_DT[dt]
        if kind == "rand":
            same(R.uniform_array((n,), 0, 1, dt), torch.rand(n, dtype=tdt))
        elif kind == "uniform":
            same(R.uniform_array((n,), -a, 3 * a, dt), torch.empty(n, dtype=tdt).uniform_(-a, 3 * a))
        elif kind == "randn":
            same(R.normal_array((n,), 0, 1, dt), torch.randn(n, dtype=tdt))
        elif kind == "normal":
            same(R.normal_array((n, 2), a, 2 * a, dt), torch.empty(n, 2, dtype=tdt).normal_(a, 2 * a))
        elif kind == "randint":
            same(R.randint_array(-5, int(a * 100), (n,), np.int64), torch.randint(-5, int(a * 100), (n,)))
        elif kind == "random":
            same(R.random_array((n,), dt), torch.empty(n, dtype=tdt).random_())
        elif kind == "randperm":
            same(R.randperm_array(n), torch.randperm(n))
        else:
            same(R.bernoulli_array(a, (n,), dt), torch.empty(n, dtype=tdt).bernoulli_(a))
    assert np.array_equal(R.default_generator._state_array(), torch.get_rng_state().numpy())


# ------------------------------------------------------------------------------------------------
# how torch's layers consume the generator (the recipes the rest of minigrad wires)
# ------------------------------------------------------------------------------------------------

@given(seed=seeds, fan_in=st.integers(1, 40), fan_out=st.integers(1, 40))
def test_linear_init_recipe(seed, fan_in, fan_out):
    torch.manual_seed(seed)
    lin = torch.nn.Linear(fan_in, fan_out)
    R.manual_seed(seed)
    gain = math.sqrt(2.0 / (1 + 5))  # kaiming_uniform_(a=sqrt(5)), fan_in mode
    bound = math.sqrt(3.0) * gain / math.sqrt(fan_in)
    same(R.uniform_array((fan_out, fan_in), -bound, bound, np.float32), lin.weight.detach())
    b = 1 / math.sqrt(fan_in)
    same(R.uniform_array((fan_out,), -b, b, np.float32), lin.bias.detach())


@given(seed=seeds, shape=shapes, p=st.floats(0.01, 0.99))
def test_dropout_recipe(seed, shape, p):
    """F.dropout on CPU: noise = bernoulli_(1 - p) on an input-dtype tensor, noise / (1 - p), x * noise."""
    x = torch.from_numpy(np.random.default_rng(0).standard_normal(shape).astype(np.float32))
    torch.manual_seed(seed)
    ref = torch.nn.functional.dropout(x, p, training=True)
    R.manual_seed(seed)
    noise = R.bernoulli_array(1 - p, shape, np.float32) / np.float32(1 - p)
    same(x.numpy() * noise, ref)


@given(seed=seeds, n=st.integers(1, 50), batch=st.integers(1, 8))
def test_dataloader_shuffle_and_random_split_recipe(seed, n, batch):
    from torch.utils.data import DataLoader, random_split
    torch.manual_seed(seed)
    epochs = [[i for b in DataLoader(list(range(n)), batch_size=batch, shuffle=True) for i in b.tolist()]
              for _ in range(2)]
    split = [list(s.indices) for s in random_split(range(n), [n // 2, n - n // 2])]
    R.manual_seed(seed)
    for epoch in epochs:
        R.random_array((), np.int64)  # _BaseDataLoaderIter's _base_seed
        sampler_seed = int(R.random_array((), np.int64))  # RandomSampler's seed
        assert epoch == R.randperm_array(n, np.int64, R.Generator().manual_seed(sampler_seed)).tolist()
    perm = R.randperm_array(n).tolist()
    assert split == [perm[:n // 2], perm[n // 2:]]


# ------------------------------------------------------------------------------------------------
# Tensor-level API
# ------------------------------------------------------------------------------------------------

def tnp(t):
    return t.detach().numpy()


@given(seed=seeds, shape=shapes, dtype=st.sampled_from([None, np.dtype(np.float64)]))
def test_rand_randn_tensor_api(seed, shape, dtype):
    import minigrad
    md = None if dtype is None else minigrad.float64
    td = None if dtype is None else torch.float64
    g, tg = pair(seed)
    args = shape if shape else (shape,)  # rand(2, 3) and rand(()) (torch.rand() is an error)
    same(tnp(R.rand(*args, generator=g, dtype=md)), torch.rand(*args, generator=tg, dtype=td))
    same(tnp(R.randn(shape, generator=g, dtype=md)), torch.randn(shape, generator=tg, dtype=td))
    x = R.rand(list(shape), generator=g, dtype=md, requires_grad=True)
    same(tnp(x), torch.rand(list(shape), generator=tg, dtype=td))
    assert x.requires_grad
    same(tnp(R.rand_like(x, generator=g)), torch.rand_like(torch.empty(shape, dtype=td), generator=tg))
    same(tnp(R.randn_like(x, generator=g)), torch.randn_like(torch.empty(shape, dtype=td), generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=shapes, low=st.integers(-100, 100), span=st.integers(1, 2**40))
def test_randint_tensor_api(seed, shape, low, span):
    import minigrad
    g, tg = pair(seed)
    same(tnp(R.randint(abs(low) + span, shape, generator=g)), torch.randint(abs(low) + span, shape, generator=tg))
    same(tnp(R.randint(low, low + span, shape, generator=g)), torch.randint(low, low + span, shape, generator=tg))
    same(tnp(R.randint(low=low, high=low + span, size=shape, generator=g, dtype=minigrad.float64)),
         torch.randint(low=low, high=low + span, size=shape, generator=tg, dtype=torch.float64))
    x = R.randint(10, shape, generator=g, dtype=minigrad.int32)
    same(tnp(x), torch.randint(10, shape, generator=tg, dtype=torch.int32))
    tx = torch.empty(shape, dtype=torch.int32)
    same(tnp(R.randint_like(x, 7, generator=g)), torch.randint_like(tx, 7, generator=tg))
    same(tnp(R.randint_like(x, -3, 7, generator=g)), torch.randint_like(tx, -3, 7, generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=st.lists(st.integers(1, 9), min_size=1, max_size=3).map(tuple),
       mean=finite, std=st.floats(0, 10))
def test_normal_overloads(seed, shape, mean, std):
    import minigrad
    m_np = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    s_np = np.abs(np.random.default_rng(2).standard_normal(shape[-1:])).astype(np.float32)
    m, tm = minigrad.tensor(m_np), torch.from_numpy(m_np)
    s, ts = minigrad.tensor(s_np), torch.from_numpy(s_np)
    g, tg = pair(seed)
    same(tnp(R.normal(mean, std, shape, generator=g)), torch.normal(mean, std, shape, generator=tg))
    same(tnp(R.normal(m, std, generator=g)), torch.normal(tm, std, generator=tg))
    same(tnp(R.normal(m, generator=g)), torch.normal(tm, generator=tg))
    same(tnp(R.normal(mean, s, generator=g)), torch.normal(mean, ts, generator=tg))
    same(tnp(R.normal(m, s, generator=g)), torch.normal(tm, ts, generator=tg))
    in_lockstep(g, tg)


def test_seed_tutorial_normal():
    import minigrad
    R.manual_seed(0)
    torch.manual_seed(0)
    same(tnp(R.normal(2 * minigrad.ones(100, 2), 1)), torch.normal(2 * torch.ones(100, 2), 1))


@given(seed=seeds, n=sizes, shape=shapes, p=st.floats(0, 1))
def test_randperm_bernoulli_tensor_api(seed, n, shape, p):
    import minigrad
    g, tg = pair(seed)
    same(tnp(R.randperm(n, generator=g)), torch.randperm(n, generator=tg))
    same(tnp(R.randperm(n, generator=g, dtype=minigrad.int32)), torch.randperm(n, generator=tg, dtype=torch.int32))
    probs = np.random.default_rng(0).random(shape).astype(np.float32)
    same(tnp(R.bernoulli(minigrad.tensor(probs), generator=g)), torch.bernoulli(torch.from_numpy(probs), generator=tg))
    same(tnp(R.bernoulli(minigrad.tensor(probs), p, generator=g)), torch.bernoulli(torch.from_numpy(probs), p, generator=tg))
    in_lockstep(g, tg)


def test_get_set_rng_state_tensor_api():
    import minigrad
    R.manual_seed(5)
    torch.manual_seed(5)
    R.randn(3)
    torch.randn(3)
    st_m, st_t = R.get_rng_state(), torch.get_rng_state()
    assert isinstance(st_m, minigrad.Tensor) and st_m.dtype == minigrad.uint8
    assert np.array_equal(tnp(st_m), st_t.numpy())
    a = tnp(R.randn(40))
    R.set_rng_state(st_m)
    b = torch.randn(40)
    same(tnp(R.randn(40)), b)
    same(a, b)  # restoring the state replays the same numbers
    R.set_rng_state(st_t)  # torch's own state tensor is accepted too
    torch.set_rng_state(st_t)
    same(tnp(R.randn(40)), torch.randn(40))
    g = R.Generator()
    g.set_state(g.get_state())
    assert g.device == "cpu" and g.initial_seed() == torch.Generator().initial_seed()


def test_errors_match_torch():
    for fn, tfn in [(lambda: R.randint(5, 2, (3,)), lambda: torch.randint(5, 2, (3,))),
                    (lambda: R.uniform_array((3,), 2, 1, np.float32), lambda: torch.empty(3).uniform_(2, 1)),
                    (lambda: R.normal_array((3,), 0, -1, np.float32), lambda: torch.empty(3).normal_(0, -1)),
                    (lambda: R.bernoulli_array(1.5, (3,), np.float32), lambda: torch.empty(3).bernoulli_(1.5)),
                    (lambda: R.randint_array(0, 300, (3,), np.uint8), lambda: torch.randint(0, 300, (3,), dtype=torch.uint8)),
                    (lambda: R.randperm_array(2**24 + 2, np.float32), lambda: torch.randperm(2**24 + 2, dtype=torch.float32)),
                    (lambda: R.randint(5, (2,), requires_grad=True), lambda: torch.randint(5, (2,), requires_grad=True))]:
        with pytest.raises(RuntimeError) as mine:
            fn()
        with pytest.raises(RuntimeError) as ref:
            tfn()
        assert str(mine.value).split(",")[0][:30] == str(ref.value).split(",")[0][:30]


# ------------------------------------------------------------------------------------------------
# multinomial
# ------------------------------------------------------------------------------------------------

HALF = np.dtype(np.float16)
mn_shapes = st.one_of(st.integers(1, 40).map(lambda k: (k,)),
                      st.tuples(st.integers(0, 5), st.integers(1, 40)))


def weights(seed, shape, dtype, zeros=False):
    """Unnormalised positive weights (torch normalises each row), spread over a few decades; with
    ``zeros``, some categories get probability 0 (every row keeps its first category positive)."""
    rng = np.random.default_rng(abs(seed) % 2**32)
    w = np.minimum(np.exp(rng.standard_normal(shape) * rng.choice([0.1, 1.0, 4.0])), 1e4)  # half: finite
    if zeros:
        w[rng.random(shape) < 0.4] = 0.0
        w[..., 0] += 0.5
    return w.astype(dtype)


@given(seed=seeds, shape=mn_shapes, dtype=st.sampled_from(FLOATS + [HALF]), zeros=st.booleans(),
       num=st.one_of(st.just(1), st.integers(1, 50)))
def test_multinomial_with_replacement_kernel(seed, shape, dtype, zeros, num):
    """num == 1 takes torch's exponential/argmax path, num >= 2 the cumulative-sum search."""
    p = weights(seed, shape, dtype, zeros)
    g, tg = pair(seed)
    same(R.multinomial_array(p, num, True, g), torch.multinomial(torch.from_numpy(p), num, True, generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=mn_shapes, dtype=st.sampled_from(FLOATS + [HALF]), zeros=st.booleans(),
       data=st.data())
def test_multinomial_without_replacement_kernel(seed, shape, dtype, zeros, data):
    """Every num_samples up to the number of categories, so zero-probability categories get picked
    (equal ratios p / q = 0: their order is torch's unstable sort's, reproduced)."""
    p = weights(seed, shape, dtype, zeros)
    num = data.draw(st.one_of(st.just(shape[-1]), st.integers(1, shape[-1])), label="num")
    g, tg = pair(seed)
    same(R.multinomial_array(p, num, False, g), torch.multinomial(torch.from_numpy(p), num, False, generator=tg))
    in_lockstep(g, tg)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 16, 17, 63, 64, 65, 128, 300, 1000])
def test_topk_tie_order_is_torchs(n):
    """torch's CPU topk runs libstdc++'s partial_sort (k * 64 <= n) or nth_element + sort, which
    are not stable; rows full of ties (few distinct values, NaNs, sorted and reversed runs) check
    the replayed algorithm against torch.topk itself, for small and large k."""
    rng = np.random.default_rng(n)
    for trial in range(12):
        v = rng.integers(0, 1 + trial % 4, n).astype(np.float32)
        if trial % 3 == 1:
            v[rng.random(n) < 0.2] = np.nan
        if trial % 4 == 2:
            v = np.sort(v)[:: 1 if trial % 8 == 2 else -1].copy()
        for k in {1, max(1, n // 64), max(1, n // 2), n}:
            assert R._topk_indices(v, k) == torch.topk(torch.from_numpy(v), k).indices.tolist()


@given(seed=seeds, rows=st.integers(2, 6), cols=st.integers(2, 30), num=st.integers(1, 2))
def test_multinomial_transposed_input_draws_in_memory_order(seed, rows, cols, num):
    """torch's q = empty_like(probs) keeps a transposed input's strides and fills it in memory
    order, so the same values laid out differently give different samples."""
    import minigrad
    p = weights(seed, (cols, rows), np.float32)
    g, tg = pair(seed)
    mine = minigrad.multinomial(minigrad.tensor(p).t(), num, generator=g)
    same(tnp(mine), torch.multinomial(torch.from_numpy(p).t(), num, generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=mn_shapes, replacement=st.booleans(), num=st.integers(1, 3))
def test_multinomial_tensor_api(seed, shape, replacement, num):
    import minigrad
    p = weights(seed, shape, np.float32)
    num = min(num, shape[-1])
    x, tx = minigrad.tensor(p, requires_grad=True), torch.tensor(p, requires_grad=True)
    g, tg = pair(seed)
    out = minigrad.multinomial(x, num, replacement, generator=g)
    assert out.dtype == minigrad.int64 and not out.requires_grad
    same(tnp(out), torch.multinomial(tx, num, replacement, generator=tg))
    same(tnp(x.multinomial(num_samples=num, replacement=replacement, generator=g)),
         tx.multinomial(num_samples=num, replacement=replacement, generator=tg))
    in_lockstep(g, tg)
    R.manual_seed(seed)
    torch.manual_seed(seed)
    same(tnp(x.multinomial(num, replacement)), tx.multinomial(num, replacement))  # default generator
    assert np.array_equal(R.default_generator._state_array(), torch.get_rng_state().numpy())


def _makemore_names(torch_like, n_names):
    """makemore's sampling loop, written once for either library."""
    F = torch_like.nn.functional
    g = torch_like.Generator().manual_seed(2147483647)
    W = torch_like.randn((27, 27), generator=g, requires_grad=True)
    names = []
    for _ in range(n_names):
        out, ix = [], 0
        while True:
            xenc = F.one_hot(torch_like.tensor([ix]), num_classes=27).float()
            counts = (xenc @ W).exp()
            p = counts / counts.sum(1, keepdims=True)
            ix = torch_like.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(ix)
            if ix == 0:
                break
        names.append(out)
    return names, W, g


def test_makemore_sampling_loop():
    """``g = Generator().manual_seed(2147483647)``, ``W = randn((27, 27), generator=g)``, then
    softmax a row and ``multinomial(p, num_samples=1, replacement=True, generator=g).item()``
    until index 0, for 20 names: torch's exact indices, and the generator ends where torch's does."""
    import minigrad
    names, W, g = _makemore_names(minigrad, 20)
    ref_names, tW, tg = _makemore_names(torch, 20)
    same(tnp(W), tW.detach())
    assert names == ref_names
    in_lockstep(g, tg)


def test_makemore_bigram_table_sampling():
    """makemore part 1: rows of a normalised count table, ``P[ix]`` (1-d), sampled the same way."""
    import minigrad
    counts = np.random.default_rng(3).integers(0, 200, (27, 27)).astype(np.float32) + 1
    P, tP = minigrad.tensor(counts), torch.tensor(counts)
    P, tP = P / P.sum(1, keepdims=True), tP / tP.sum(1, keepdims=True)
    g, tg = pair(2147483647)
    for _ in range(10):
        ix = tix = 0
        while True:
            ix = minigrad.multinomial(P[ix], num_samples=1, replacement=True, generator=g).item()
            tix = torch.multinomial(tP[tix], num_samples=1, replacement=True, generator=tg).item()
            assert ix == tix
            if ix == 0:
                break
    in_lockstep(g, tg)


def _same_error(fn, tfn):
    """Both raise: the same exception class and message (first line of torch's longer ones)."""
    with pytest.raises(Exception) as ref:
        tfn()
    with pytest.raises(type(ref.value)) as mine:
        fn()
    assert type(mine.value) is type(ref.value)
    assert str(mine.value).split("\n")[0] == str(ref.value).split("\n")[0]


def test_multinomial_errors_match_torch():
    import minigrad
    cases = [  # (probabilities, num_samples, replacement)
        (np.float32(0.5), 1, False),  # 0-d
        (np.ones((2, 2, 2), np.float32), 1, False),  # 3-d
        (np.ones(3, np.int64), 1, False),  # integer dtype
        (np.ones(3, np.float32), 0, True),
        (np.ones(3, np.float32), -2, False),
        (np.ones(3, np.float32), 4, False),  # more samples than categories without replacement
        (np.array([0.5, -0.1, 0.5], np.float32), 1, True),  # negative, exponential path
        (np.array([0.5, -0.1, 0.5], np.float32), 2, True),  # negative, cumulative-sum path
        (np.array([0.5, np.nan, 0.5], np.float32), 2, True),
        (np.array([0.5, np.nan, 0.5], np.float32), 2, False),
        (np.array([0.5, np.inf, 0.5], np.float64), 2, True),
        (np.array([np.inf, -1.0, 0.5], np.float32), 2, True),  # the first bad entry decides
        (np.array([-1.0, np.inf, 0.5], np.float32), 2, True),
        (np.zeros(3, np.float32), 1, True),
        (np.zeros(3, np.float32), 2, True),
        (np.array([[1, 1], [0, 0]], np.float32), 1, False),  # one all-zero row
        (np.array([[1, 1], [0, 0]], np.float32), 3, True),
        (np.ones(0, np.float32), 1, True),
        (np.ones((2, 0), np.float32), 2, True),
    ]
    for p, num, rep in cases:
        _same_error(lambda p=p, num=num, rep=rep: minigrad.multinomial(minigrad.tensor(p), num, rep),
                    lambda p=p, num=num, rep=rep: torch.multinomial(torch.tensor(p), num, rep))
    x, tx = minigrad.ones(3), torch.ones(3)
    _same_error(lambda: minigrad.multinomial(x, 1.0), lambda: torch.multinomial(tx, 1.0))
    _same_error(lambda: minigrad.multinomial(x, True), lambda: torch.multinomial(tx, True))
    _same_error(lambda: minigrad.multinomial([0.5, 0.5], 1), lambda: torch.multinomial([0.5, 0.5], 1))
    _same_error(lambda: minigrad.multinomial(x, 1, generator=5), lambda: torch.multinomial(tx, 1, generator=5))
    # rows are checked as they are sampled: the draws for the valid rows before the bad one are
    # already consumed when the error comes, in both libraries
    p = np.array([[1, 2, 3], [1, -1, 1]], np.float32)
    g, tg = pair(0)
    _same_error(lambda: R.multinomial_array(p, 4, True, g),
                lambda: torch.multinomial(torch.from_numpy(p), 4, True, generator=tg))
    in_lockstep(g, tg)
    # empty batches are fine
    same(R.multinomial_array(np.ones((0, 3), np.float32), 2, True), torch.multinomial(torch.ones(0, 3), 2, True))


# ------------------------------------------------------------------------------------------------
# exponential, geometric, cauchy, log-normal, poisson, bernoulli with a probability tensor
# ------------------------------------------------------------------------------------------------

positive = st.floats(0.01, 50)


@given(seed=seeds, shape=shapes, dtype=st.sampled_from(FLOATS + [HALF]), lambd=positive,
       median=finite, sigma=positive, p=st.floats(0.001, 0.999))
def test_exponential_cauchy_geometric_kernels(seed, shape, dtype, lambd, median, sigma, p):
    tdt = TORCH_DT[dtype]
    g, tg = pair(seed)
    same(R.exponential_array(shape, lambd, dtype, g), torch.empty(shape, dtype=tdt).exponential_(lambd, generator=tg))
    with np.errstate(over="ignore"):  # half-precision Cauchy tails overflow to inf, as torch's
        same(R.cauchy_array(shape, median, sigma, dtype, g),
             torch.empty(shape, dtype=tdt).cauchy_(median, sigma, generator=tg))
    same(R.geometric_array(shape, p, dtype, g), torch.empty(shape, dtype=tdt).geometric_(p, generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=shapes, dtype=st.sampled_from(INTS), p=st.floats(0.05, 0.999))
def test_geometric_integer_dtypes(seed, shape, dtype, p):
    g, tg = pair(seed)
    same(R.geometric_array(shape, p, dtype, g), torch.empty(shape, dtype=TORCH_DT[dtype]).geometric_(p, generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=shapes, dtype=st.sampled_from(FLOATS + [HALF]), mean=st.floats(-3, 3),
       std=st.floats(0.01, 2), k=st.integers(0, 3))
def test_log_normal_kernel_shares_the_normal_cache(seed, shape, dtype, mean, std, k):
    """log_normal_ draws scalar Box-Muller normals and so uses (and leaves) the cached sample."""
    tdt = TORCH_DT[dtype]
    g, tg = pair(seed)
    same(R.normal_array((k,), 0, 1, np.float64, g), torch.randn(k, dtype=torch.float64, generator=tg))
    same(R.log_normal_array(shape, mean, std, dtype, g), torch.empty(shape, dtype=tdt).log_normal_(mean, std, generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=shapes, dtype=st.sampled_from(FLOATS + [HALF]),
       scale=st.sampled_from([0.0, 0.3, 5.0, 9.99, 10.0, 60.0, 1e4]))
def test_poisson(seed, shape, dtype, scale):
    """Rates below 10 multiply uniforms, from 10 on Hoermann's rejection (libm's lgamma)."""
    import minigrad
    rates = np.array(np.random.default_rng(abs(seed) % 2**32).random(shape) * scale, dtype)
    g, tg = pair(seed)
    same(tnp(minigrad.poisson(minigrad.tensor(rates), generator=g)), torch.poisson(torch.from_numpy(rates), generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=st.lists(st.integers(0, 6), min_size=1, max_size=3).map(tuple),
       pdtype=st.sampled_from(FLOATS + [HALF]), out_dtype=st.sampled_from(FLOATS + [np.dtype(np.int64)]),
       p=st.floats(0, 1))
def test_bernoulli_tensor_methods(seed, shape, pdtype, out_dtype, p):
    """``Tensor.bernoulli_(float or tensor p, broadcast)``, ``Tensor.bernoulli()``, ``generator=``."""
    import minigrad
    probs = np.random.default_rng(abs(seed) % 2**32).random(shape[-1:]).astype(pdtype)
    mp, tp = minigrad.tensor(probs), torch.from_numpy(probs)
    md = minigrad.tensor(np.zeros(shape, out_dtype))
    td = torch.zeros(shape, dtype=TORCH_DT[out_dtype])
    g, tg = pair(seed)
    same(tnp(md.bernoulli_(mp, generator=g)), td.bernoulli_(tp, generator=tg))
    same(tnp(md.bernoulli_(p, generator=g)), td.bernoulli_(p, generator=tg))
    same(tnp(mp.bernoulli(generator=g)), tp.bernoulli(generator=tg))
    same(tnp(mp.bernoulli(p, generator=g)), tp.bernoulli(p, generator=tg))
    in_lockstep(g, tg)


@given(seed=seeds, shape=shapes, dtype=st.sampled_from(FLOATS), lambd=positive, sigma=positive)
def test_inplace_random_methods(seed, shape, dtype, lambd, sigma):
    """The Tensor methods, each with ``generator=`` and on the default generator."""
    import minigrad
    tdt = TORCH_DT[dtype]
    x, tx = minigrad.zeros(shape, dtype=minigrad.float64 if dtype == np.float64 else None), torch.zeros(shape, dtype=tdt)
    g, tg = pair(seed)
    for name, args in (("exponential_", (lambd,)), ("geometric_", (0.25,)), ("cauchy_", (1.0, sigma)),
                       ("log_normal_", (0.5, sigma / 25)), ("uniform_", (-1.0, sigma)), ("normal_", (2.0, sigma)),
                       ("random_", (0, 100))):
        assert getattr(x, name)(*args, generator=g) is x
        same(tnp(x), getattr(tx, name)(*args, generator=tg))
    in_lockstep(g, tg)
    R.manual_seed(seed)
    torch.manual_seed(seed)
    same(tnp(x.exponential_()), tx.exponential_())
    same(tnp(x.cauchy_()), tx.cauchy_())
    assert np.array_equal(R.default_generator._state_array(), torch.get_rng_state().numpy())


def test_distribution_errors_match_torch():
    import minigrad
    x, tx = minigrad.empty(3), torch.empty(3)
    xi, txi = minigrad.empty(3, dtype=minigrad.int64), torch.empty(3, dtype=torch.int64)
    for call in (lambda t: t.exponential_(0), lambda t: t.exponential_(-1), lambda t: t.exponential_(math.nan),
                 lambda t: t.geometric_(0), lambda t: t.geometric_(1), lambda t: t.geometric_(2),
                 lambda t: t.cauchy_(0, 0), lambda t: t.cauchy_(0, -1), lambda t: t.log_normal_(0, 0),
                 lambda t: t.log_normal_(0, -1), lambda t: t.bernoulli_(1.5)):
        _same_error(lambda call=call: call(x), lambda call=call: call(tx))
    for call in (lambda t: t.exponential_(), lambda t: t.cauchy_(), lambda t: t.log_normal_()):
        _same_error(lambda call=call: call(xi), lambda call=call: call(txi))
    _same_error(lambda: minigrad.empty(3, dtype=minigrad.bool).geometric_(0.5),
                lambda: torch.empty(3, dtype=torch.bool).geometric_(0.5))
    _same_error(lambda: x.bernoulli_(minigrad.tensor([0.0, 1.0, 1.5])), lambda: tx.bernoulli_(torch.tensor([0.0, 1.0, 1.5])))
    _same_error(lambda: x.bernoulli_(minigrad.tensor([0, 1, 1])), lambda: tx.bernoulli_(torch.tensor([0, 1, 1])))
    _same_error(lambda: minigrad.bernoulli(minigrad.tensor([0, 1])), lambda: torch.bernoulli(torch.tensor([0, 1])))
    _same_error(lambda: minigrad.poisson(minigrad.tensor([-1.0, 2.0])), lambda: torch.poisson(torch.tensor([-1.0, 2.0])))
    _same_error(lambda: minigrad.poisson(minigrad.tensor([1, 2])), lambda: torch.poisson(torch.tensor([1, 2])))
    for pshape, shape in (((2, 3), (3,)), ((2,), (3,)), ((2, 2), (2, 3)), ((2, 1, 3), (2, 3))):
        _same_error(lambda p=pshape, s=shape: minigrad.empty(s).bernoulli_(minigrad.ones(p)),
                    lambda p=pshape, s=shape: torch.empty(s).bernoulli_(torch.ones(p)))


# ------------------------------------------------------------------------------------------------
# size= and generator= keywords, Generator chaining
# ------------------------------------------------------------------------------------------------

def _size_forms(lib, shape):
    """Every way torch accepts a size: varargs, tuple, list, Size, and the size= keyword."""
    forms = [((tuple(shape),), {}), ((list(shape),), {}), ((lib.Size(shape),), {}),
             ((), {"size": tuple(shape)}), ((), {"size": list(shape)}), ((), {"size": lib.Size(shape)})]
    if shape:
        forms.append((tuple(shape), {}))
    return forms


@given(seed=seeds, shape=st.lists(st.integers(0, 5), min_size=0, max_size=3).map(tuple))
def test_size_keyword_and_forms(seed, shape):
    import minigrad
    for (args, kw), (targs, tkw) in zip(_size_forms(minigrad, shape), _size_forms(torch, shape)):
        for name in ("zeros", "ones"):
            same(tnp(getattr(minigrad, name)(*args, **kw)), getattr(torch, name)(*targs, **tkw))
        assert tuple(minigrad.empty(*args, **kw).shape) == tuple(torch.empty(*targs, **tkw).shape)
        g, tg = pair(seed)
        same(tnp(minigrad.rand(*args, **kw, generator=g)), torch.rand(*targs, **tkw, generator=tg))
        same(tnp(minigrad.randn(*args, **kw, generator=g)), torch.randn(*targs, **tkw, generator=tg))
        in_lockstep(g, tg)
    for size in (tuple(shape), list(shape), minigrad.Size(shape)):
        tsize = torch.Size(shape) if isinstance(size, minigrad.Size) else size
        same(tnp(minigrad.full(size=size, fill_value=3.0)), torch.full(size=tsize, fill_value=3.0))
        same(tnp(minigrad.full(fill_value=7, size=size)), torch.full(fill_value=7, size=tsize))
        g, tg = pair(seed)
        same(tnp(minigrad.randint(-4, 9, size=size, generator=g)), torch.randint(-4, 9, size=tsize, generator=tg))
        same(tnp(minigrad.randint(9, size=size, generator=g)), torch.randint(9, size=tsize, generator=tg))
        same(tnp(minigrad.randint(2, 9, size, generator=g)), torch.randint(2, 9, tsize, generator=tg))
        in_lockstep(g, tg)


def test_size_keyword_errors_match_torch():
    import minigrad
    for name in ("zeros", "ones", "empty"):
        m, t = getattr(minigrad, name), getattr(torch, name)
        for args, kw in (((2,), {"size": (2,)}), ((), {}), ((), {"size": 3})):
            _same_error(lambda m=m, a=args, k=kw: m(*a, **k), lambda t=t, a=args, k=kw: t(*a, **k))
    for name in ("rand", "randn"):
        m, t = getattr(minigrad, name), getattr(torch, name)
        for args, kw in (((2, 3), {"size": (2, 3)}), (((2, 3),), {"size": (2, 3)}), ((), {}),
                         ((), {"size": 3}), (((2.0, 3),), {}), (("a",), {}), ((True,), {})):
            _same_error(lambda m=m, a=args, k=kw: m(*a, **k), lambda t=t, a=args, k=kw: t(*a, **k))
    # torch adds "(position 1)" when the bad size was positional; minigrad's full cannot tell
    with pytest.raises(TypeError, match=r"^full\(\): argument 'size' .*must be tuple of ints, not int$"):
        torch.full(2, 1.0)
    with pytest.raises(TypeError, match=r"^full\(\): argument 'size' .*must be tuple of ints, not int$"):
        minigrad.full(2, 1.0)
    _same_error(lambda: minigrad.full(size=3, fill_value=1.0), lambda: torch.full(size=3, fill_value=1.0))
    _same_error(lambda: minigrad.randint(5), lambda: torch.randint(5))
    _same_error(lambda: minigrad.randint(0, 5, size=3), lambda: torch.randint(0, 5, size=3))
    _same_error(lambda: minigrad.randint(0, 5, (3,), size=(3,)), lambda: torch.randint(0, 5, (3,), size=(3,)))
    _same_error(lambda: minigrad.randint(0, 5, 3), lambda: torch.randint(0, 5, 3))
    one = minigrad.ones(2)
    _same_error(lambda: minigrad.normal(0.0, 1.0, size=3), lambda: torch.normal(0.0, 1.0, size=3))
    _same_error(lambda: minigrad.normal(0.0, 1.0), lambda: torch.normal(0.0, 1.0))
    _same_error(lambda: minigrad.normal(one, 1.0, size=(2,)), lambda: torch.normal(torch.ones(2), 1.0, size=(2,)))


def test_generator_chaining_and_generator_keyword_everywhere():
    """``g = Generator().manual_seed(n)`` returns the generator; every sampling function takes
    ``generator=`` and leaves the default generator alone."""
    import minigrad
    g = minigrad.Generator().manual_seed(2147483647)
    tg = torch.Generator().manual_seed(2147483647)
    assert isinstance(g, minigrad.Generator) and g.initial_seed() == tg.initial_seed()
    R.manual_seed(1)
    torch.manual_seed(1)
    probs = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]], np.float32)
    mp, tp = minigrad.tensor(probs), torch.from_numpy(probs)
    calls = [
        (lambda: minigrad.rand(4, generator=g), lambda: torch.rand(4, generator=tg)),
        (lambda: minigrad.randn(2, 3, generator=g), lambda: torch.randn(2, 3, generator=tg)),
        (lambda: minigrad.randint(0, 10, (5,), generator=g), lambda: torch.randint(0, 10, (5,), generator=tg)),
        (lambda: minigrad.randperm(7, generator=g), lambda: torch.randperm(7, generator=tg)),
        (lambda: minigrad.normal(0.0, 2.0, (3,), generator=g), lambda: torch.normal(0.0, 2.0, (3,), generator=tg)),
        (lambda: minigrad.normal(mp, mp, generator=g), lambda: torch.normal(tp, tp, generator=tg)),
        (lambda: minigrad.bernoulli(mp, generator=g), lambda: torch.bernoulli(tp, generator=tg)),
        (lambda: minigrad.multinomial(mp, 2, generator=g), lambda: torch.multinomial(tp, 2, generator=tg)),
        (lambda: minigrad.multinomial(mp, 5, True, generator=g), lambda: torch.multinomial(tp, 5, True, generator=tg)),
        (lambda: minigrad.poisson(mp * 20, generator=g), lambda: torch.poisson(tp * 20, generator=tg)),
        (lambda: minigrad.rand_like(mp, generator=g), lambda: torch.rand_like(tp, generator=tg)),
        (lambda: minigrad.randn_like(mp, generator=g), lambda: torch.randn_like(tp, generator=tg)),
        (lambda: minigrad.randint_like(mp, 3, generator=g), lambda: torch.randint_like(tp, 3, generator=tg)),
    ]
    for mine, ref in calls:
        same(tnp(mine()), ref())
    in_lockstep(g, tg)
    # the default generators were never touched: both still at manual_seed(1)
    assert np.array_equal(R.get_rng_state().numpy(), torch.get_rng_state().numpy())
    assert np.array_equal(R.get_rng_state().numpy(), torch.Generator().manual_seed(1).get_state().numpy())


VIEWS = {  # name -> how to take the same view of a (6, 5, 4) tensor in either library
    "transposed": lambda b: b[0].t(),
    "strided": lambda b: b[:, ::2],
    "rows": lambda b: b[1:4],
    "strided_transposed": lambda b: b[:, ::2].transpose(0, 2),
    "permuted": lambda b: b.permute(2, 0, 1),
    "element": lambda b: b[0, 0, 0],
}
FILLS = [("uniform_", (-2.0, 3.0)), ("normal_", (1.0, 3.0)), ("random_", ()), ("random_", (3, 90)),
         ("bernoulli_", (0.3,)), ("exponential_", (2.0,)), ("geometric_", (0.3,)), ("cauchy_", (1.0, 2.0)),
         ("log_normal_", (0.0, 0.5))]


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_inplace_fills_on_views_follow_memory_order(view):
    """torch visits an in-place output in memory order (a transposed view is filled in its base's
    order), and normal_ on a non-contiguous view takes the scalar path even for 16+ elements."""
    import minigrad
    for seed, (name, args) in enumerate(FILLS):
        g, tg = pair(seed)
        base, tbase = minigrad.zeros(6, 5, 4), torch.zeros(6, 5, 4)
        getattr(VIEWS[view](base), name)(*args, generator=g)
        getattr(VIEWS[view](tbase), name)(*args, generator=tg)
        same(tnp(base), tbase)
        in_lockstep(g, tg)
    probs = np.random.default_rng(0).random(5).astype(np.float32)
    g, tg = pair(0)
    base, tbase = minigrad.zeros(6, 5), torch.zeros(6, 5)
    base.t()[:, :2].bernoulli_(minigrad.tensor(probs)[:, None], generator=g)
    tbase.t()[:, :2].bernoulli_(torch.from_numpy(probs)[:, None], generator=tg)
    same(tnp(base), tbase)
    in_lockstep(g, tg)
