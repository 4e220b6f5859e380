"""Embedding, normalisation and activation layers, and the containers, against torch 2.13:
initial weights after the same seed, ``print(model)`` text, buffers and ``state_dict`` through
training steps, train vs eval, node names, errors; then small training trajectories: a BatchNorm
MLP, a makemore-style character MLP with an Embedding, and makemore's batch norm written by hand.

Tolerances, and why (values of order 1):
* float64: 1e-12 relative.  The same formulas; torch's statistics and kernels add in another
  order (and its normalisations fuse the scale and shift), an ulp or two per op.
* float32: 1e-5 relative and absolute.  Means and variances of a few terms each round once in
  float32 per engine (minigrad's statistics are computed in float64 and rounded once, torch's
  kernels accumulate in float32 in another order); (x - mean) / std then carries a few ulps.
"""
from __future__ import annotations

import importlib
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad

TOL = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-5)}


def F(lib):
    return importlib.import_module(lib.__name__ + ".nn.functional")


def to_np(t):
    return t.detach().numpy()


def same_state(m_module, t_module, **tol):
    """Same state_dict keys in the same order, same dtypes, same values."""
    m_sd, t_sd = m_module.state_dict(), t_module.state_dict()
    assert list(m_sd) == list(t_sd)
    for k in t_sd:
        assert str(m_sd[k].dtype).split(".")[-1] == str(t_sd[k].dtype).split(".")[-1], k
        np.testing.assert_allclose(to_np(m_sd[k]), to_np(t_sd[k]), err_msg=k, **tol)


# ----- construction: init after the same seed, and the printed text -------------------------------
LAYERS = {
    "embedding": lambda N: N.Embedding(7, 3),
    "embedding_padding": lambda N: N.Embedding(5, 4, padding_idx=-2, max_norm=1.5, norm_type=3.0,
                                               scale_grad_by_freq=True),
    "batchnorm1d": lambda N: N.BatchNorm1d(4),
    "batchnorm1d_options": lambda N: N.BatchNorm1d(3, eps=1e-3, momentum=None, affine=False,
                                                   track_running_stats=False),
    "batchnorm1d_nobias": lambda N: N.BatchNorm1d(3, bias=False),
    "batchnorm2d": lambda N: N.BatchNorm2d(2, momentum=0.3),
    "batchnorm3d": lambda N: N.BatchNorm3d(2),
    "layernorm": lambda N: N.LayerNorm(4),
    "layernorm_shape": lambda N: N.LayerNorm([2, 3], eps=1e-6, elementwise_affine=False),
    "layernorm_nobias": lambda N: N.LayerNorm((3,), bias=False),
    "groupnorm": lambda N: N.GroupNorm(2, 4),
    "groupnorm_options": lambda N: N.GroupNorm(3, 3, eps=0.1, affine=False),
    "prelu": lambda N: N.PReLU(),
    "prelu_channels": lambda N: N.PReLU(3, init=0.1),
    "activations": lambda N: N.Sequential(
        N.LeakyReLU(), N.LeakyReLU(0.2, inplace=True), N.ELU(), N.ELU(0.5, True), N.CELU(2.0), N.SELU(),
        N.SELU(True), N.GELU(), N.GELU("tanh"), N.SiLU(), N.SiLU(inplace=True), N.Mish(), N.Softplus(),
        N.Softplus(2, 10), N.Softsign(), N.Hardtanh(), N.Hardtanh(-2, 3, True), N.ReLU6(), N.ReLU6(True),
        N.LogSigmoid(), N.Tanhshrink(), N.Hardsigmoid(), N.Hardswish(True), N.Softmin(1), N.Softmin(),
        N.Threshold(0.1, 20.0), N.Threshold(0.1, 20, inplace=True)),
    "quickstart": lambda N: N.Sequential(N.Flatten(), N.Linear(8, 6), N.ReLU(), N.Linear(6, 6), N.ReLU(),
                                         N.Linear(6, 3)),
    "makemore": lambda N: N.Sequential(N.Linear(6, 5, bias=False), N.BatchNorm1d(5), N.Tanh(),
                                       N.Linear(5, 4)),
    "module_dict": lambda N: N.ModuleDict({"b": N.Linear(1, 2), "a": N.BatchNorm1d(2)}),
}


@pytest.mark.parametrize("kind", list(LAYERS))
def test_init_and_repr_are_torchs(kind):
    torch.manual_seed(3)
    t = LAYERS[kind](torch.nn)
    minigrad.manual_seed(3)
    m = LAYERS[kind](minigrad.nn)
    assert repr(m) == repr(t)
    same_state(m, t, rtol=0, atol=0)  # the same draws from the same generator: bit-identical
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [p.requires_grad for p in m.parameters()] == [p.requires_grad for p in t.parameters()]


def test_embedding_padding_row_is_zero_and_from_pretrained_shares_and_freezes():
    for lib in (torch, minigrad):
        lib.manual_seed(0)
    t, m = torch.nn.Embedding(4, 3, padding_idx=1), minigrad.nn.Embedding(4, 3, padding_idx=1)
    np.testing.assert_array_equal(to_np(m.weight), to_np(t.weight))
    assert not to_np(m.weight)[1].any()
    table = np.arange(6.0).reshape(3, 2)
    t_e = torch.nn.Embedding.from_pretrained(torch.tensor(table), padding_idx=0)
    m_e = minigrad.nn.Embedding.from_pretrained(minigrad.tensor(table), padding_idx=0)
    assert repr(m_e) == repr(t_e) == "Embedding(3, 2, padding_idx=0)"
    assert m_e.weight.requires_grad is t_e.weight.requires_grad is False
    np.testing.assert_array_equal(to_np(m_e.weight), table)  # the padding row is left as given
    m_t = minigrad.nn.Embedding.from_pretrained(minigrad.tensor(table), freeze=False)
    assert m_t.weight.requires_grad and list(m_t.parameters())


# ----- embedding: lookups of any shape, gradients, renorm ----------------------------------------
@pytest.mark.parametrize("index_dtype", ["int64", "int32"])
@pytest.mark.parametrize("padding_idx", [None, 2, -1])
def test_embedding_forward_backward(index_dtype, padding_idx):
    idx = np.array([[0, 2, 2], [4, 1, 2]], dtype=index_dtype)
    table = np.random.default_rng(0).standard_normal((5, 3))
    g = np.random.default_rng(1).standard_normal((2, 3, 3))
    outs = []
    for lib in (torch, minigrad):
        w = lib.tensor(table, requires_grad=True)
        y = F(lib).embedding(lib.from_numpy(idx), w, padding_idx=padding_idx)
        y.backward(lib.tensor(g))
        outs.append((to_np(y), to_np(w.grad), y.grad_fn.name(), tuple(y.shape)))
    (ty, tg, tname, tshape), (my, mg, mname, mshape) = outs
    assert mname == tname == "EmbeddingBackward0" and mshape == tshape
    np.testing.assert_array_equal(my, ty)
    np.testing.assert_allclose(mg, tg, rtol=1e-12, atol=1e-12)
    if padding_idx is not None:
        assert not mg[padding_idx].any()  # the padding row gets no gradient


def test_embedding_max_norm_renormalises_the_looked_up_rows_in_place():
    table = np.random.default_rng(2).standard_normal((5, 3)) * 2
    idx = np.array([[0, 1], [1, 3]])
    results = []
    for lib in (torch, minigrad):
        emb = lib.nn.Embedding.from_pretrained(lib.tensor(table, dtype=lib.float32), freeze=False,
                                               max_norm=1.0)
        y = emb(lib.tensor(idx))
        y.sum().backward()
        results.append((to_np(y), to_np(emb.weight), to_np(emb.weight.grad)))
    for m, t in zip(results[1], results[0], strict=True):
        np.testing.assert_allclose(m, t, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(results[1][1][[2, 4]], table[[2, 4]].astype(np.float32))  # untouched


# ----- batch norm: statistics, buffers, train vs eval ---------------------------------------------
BN_CASES = {
    "1d_NC": (lambda N: N.BatchNorm1d(3), (6, 3)),
    "1d_NCL": (lambda N: N.BatchNorm1d(3, momentum=0.4), (4, 3, 5)),
    "1d_cumulative": (lambda N: N.BatchNorm1d(3, momentum=None), (5, 3)),
    "1d_no_affine": (lambda N: N.BatchNorm1d(3, affine=False), (4, 3, 2)),
    "1d_no_running": (lambda N: N.BatchNorm1d(3, track_running_stats=False), (4, 3)),
    "2d": (lambda N: N.BatchNorm2d(2), (3, 2, 4, 3)),
}


@pytest.mark.parametrize("np_dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", list(BN_CASES))
def test_batchnorm_training_steps_buffers_and_eval(case, np_dtype):
    """Three training steps (forward, backward, SGD), comparing the outputs, the input
    gradients, and every parameter and buffer after each step; then eval-mode outputs."""
    build, shape = BN_CASES[case]
    rng = np.random.default_rng(0)
    batches = [rng.standard_normal(shape) * 2 + 1 for _ in range(3)]
    loss_weights = rng.standard_normal(shape).astype(np_dtype)
    runs = []
    for lib in (torch, minigrad):
        dtype = getattr(lib, np.dtype(np_dtype).name)
        bn = build(lib.nn).to(dtype)
        opt = lib.optim.SGD(bn.parameters(), lr=0.5) if list(bn.parameters()) else None
        steps = []
        weights = lib.tensor(loss_weights)
        for x in batches:
            xt = lib.tensor(x.astype(np_dtype), requires_grad=True)
            y = bn(xt)
            (y * weights + y * y).mean().backward()  # gradients of order 1 (no huge cancellations)
            if opt:
                opt.step()
                opt.zero_grad()
            steps.append((to_np(y), to_np(xt.grad), {k: to_np(v).copy() for k, v in bn.state_dict().items()}))
        bn.eval()
        steps.append((to_np(bn(lib.tensor(batches[0].astype(np_dtype)))), None, {}))
        runs.append((steps, bn))
    (t_steps, t_bn), (m_steps, m_bn) = runs
    assert list(m_bn.state_dict()) == list(t_bn.state_dict())
    for i, (t, m) in enumerate(zip(t_steps, m_steps, strict=True)):
        np.testing.assert_allclose(m[0], t[0], err_msg=f"output, step {i}", **TOL[np_dtype])
        if t[1] is not None:
            np.testing.assert_allclose(m[1], t[1], err_msg=f"input grad, step {i}", **TOL[np_dtype])
        for k in t[2]:
            assert m[2][k].dtype == t[2][k].dtype, k
            np.testing.assert_allclose(m[2][k], t[2][k], err_msg=f"{k}, step {i}", **TOL[np_dtype])


def test_batchnorm_eval_uses_running_stats_and_eval_without_them_uses_the_batch():
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    outs = []
    for lib in (torch, minigrad):
        tracked, untracked = lib.nn.BatchNorm1d(3), lib.nn.BatchNorm1d(3, track_running_stats=False)
        tracked.running_mean.fill_(0.5)
        tracked.running_var.fill_(4.0)
        tracked.eval(), untracked.eval()
        y = tracked(lib.tensor(x))
        outs.append((to_np(y), to_np(untracked(lib.tensor(x))), y.grad_fn.name(),
                     int(tracked.num_batches_tracked)))
    np.testing.assert_allclose(outs[1][0], outs[0][0], rtol=1e-6)
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-5, atol=1e-6)
    assert outs[1][2:] == outs[0][2:] == ("NativeBatchNormBackward0", 0)


def test_batchnorm_state_dict_round_trip_and_dtype_conversion_keep_the_counter_int64():
    for lib in (torch, minigrad):
        lib.manual_seed(0)
    t, m = torch.nn.BatchNorm1d(2), minigrad.nn.BatchNorm1d(2)
    x = np.random.default_rng(0).standard_normal((5, 2))
    t(torch.tensor(x, dtype=torch.float32)), m(minigrad.tensor(x, dtype=minigrad.float32))
    fresh = minigrad.nn.BatchNorm1d(2)
    fresh.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in t.state_dict().items()})
    same_state(fresh, t, rtol=0, atol=0)
    m.double(), t.double()
    same_state(m, t, **TOL[np.float32])
    assert str(m.num_batches_tracked.dtype) == "minigrad.int64"


@pytest.mark.filterwarnings("error")  # no numpy warning about means of empty slices
def test_norms_of_an_empty_batch():
    res = []
    for lib in (torch, minigrad):
        bn = lib.nn.BatchNorm1d(3)
        x = lib.zeros(0, 3, requires_grad=True)
        y = bn(x) + F(lib).layer_norm(x, (3,)) + F(lib).group_norm(x, 3)
        y.sum().backward()
        res.append((tuple(y.shape), tuple(x.grad.shape), to_np(bn.weight.grad), to_np(bn.running_mean),
                    to_np(bn.running_var), int(bn.num_batches_tracked)))
    assert repr(res[1]) == repr(res[0])


# ----- layer norm and group norm modules ---------------------------------------------------------
@pytest.mark.parametrize("build, shape", [
    (lambda N: N.LayerNorm(4), (3, 4)),
    (lambda N: N.LayerNorm((2, 3), bias=False), (2, 5, 2, 3)),
    (lambda N: N.LayerNorm([3], elementwise_affine=False), (3,)),
    (lambda N: N.GroupNorm(2, 4), (3, 4, 5)),
    (lambda N: N.GroupNorm(1, 3, affine=False), (2, 3)),
], ids=["ln", "ln_2d_nobias", "ln_noaffine", "gn", "gn_noaffine"])
def test_layer_and_group_norm_modules(build, shape):
    x = np.random.default_rng(0).standard_normal(shape)
    grads = []
    for lib in (torch, minigrad):
        mod = build(lib.nn).double()
        with lib.no_grad():
            for p in mod.parameters():  # non-trivial affine parameters
                p.copy_(lib.linspace(0.5, 1.5, p.numel(), dtype=lib.float64).reshape(p.shape))
        xt = lib.tensor(x, requires_grad=True)
        y = mod(xt)
        (y * y.detach().cos()).sum().backward()
        grads.append([to_np(y), to_np(xt.grad)] + [to_np(p.grad) for p in mod.parameters()])
    for m, t in zip(grads[1], grads[0], strict=True):
        np.testing.assert_allclose(m, t, **TOL[np.float64])


# ----- activations: modules, in-place forms, node names --------------------------------------------
ACTIVATIONS = {
    "leaky_relu": (lambda F, x: F.leaky_relu(x, 0.2), "LeakyReluBackward0"),
    "elu": (lambda F, x: F.elu(x, 0.5), "EluBackward0"),
    "selu": (lambda F, x: F.selu(x), "EluBackward0"),
    "celu": (lambda F, x: F.celu(x, 2.0), "CeluBackward0"),
    "gelu": (lambda F, x: F.gelu(x), "GeluBackward0"),
    "gelu_tanh": (lambda F, x: F.gelu(x, approximate="tanh"), "GeluBackward0"),
    "silu": (lambda F, x: F.silu(x), "SiluBackward0"),
    "mish": (lambda F, x: F.mish(x), "MishBackward0"),
    "softplus": (lambda F, x: F.softplus(x, 2.0, 1.0), "SoftplusBackward0"),
    "softsign": (lambda F, x: F.softsign(x), "DivBackward0"),
    "hardtanh": (lambda F, x: F.hardtanh(x, -0.5, 1.0), "HardtanhBackward0"),
    "relu6": (lambda F, x: F.relu6(x), "HardtanhBackward0"),
    "logsigmoid": (lambda F, x: F.logsigmoid(x), "LogSigmoidBackward0"),
    "tanhshrink": (lambda F, x: F.tanhshrink(x), "SubBackward0"),
    "hardsigmoid": (lambda F, x: F.hardsigmoid(x), "HardsigmoidBackward0"),
    "hardswish": (lambda F, x: F.hardswish(x), "HardswishBackward0"),
    "softmin": (lambda F, x: F.softmin(x, dim=1), "SoftmaxBackward0"),
    "threshold": (lambda F, x: F.threshold(x, 0.5, -1.0), "ThresholdBackward0"),
    "prelu": (lambda F, x: F.prelu(x, x.new_tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])),
              "PreluKernelBackward0"),
    "normalize": (lambda F, x: F.normalize(x, dim=0), "DivBackward0"),
    "layer_norm": (lambda F, x: F.layer_norm(x, (8,)), "NativeLayerNormBackward0"),
    "group_norm": (lambda F, x: F.group_norm(x, 2), "NativeGroupNormBackward0"),
    "batch_norm": (lambda F, x: F.batch_norm(x, None, None, training=True), "NativeBatchNormBackward0"),
}

# the kinks, where torch's derivative picks a side, and ordinary values
KINK_VALUES = np.array([[-3.0, 0.0, 3.0, 6.0, -0.5, 1.0, 0.5, 20.0],
                        [-1.0, 2.0, -2.5, 0.25, 7.0, -6.0, 1e-3, -1e-3]])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_node_names_and_gradients_at_the_kinks(name):
    fn, node = ACTIVATIONS[name]
    res = []
    for lib in (torch, minigrad):
        x = lib.tensor(KINK_VALUES, requires_grad=True)
        y = fn(F(lib), x)
        y.backward(lib.ones_like(y))
        res.append((y.grad_fn.name(), to_np(y), to_np(x.grad)))
    assert res[1][0] == res[0][0] == node
    np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(res[1][2], res[0][2], rtol=1e-12, atol=1e-14)


INPLACE = {
    "leaky_relu": lambda F, y: F.leaky_relu(y, 0.1, inplace=True),
    "elu": lambda F, y: F.elu(y, inplace=True),
    "selu": lambda F, y: F.selu(y, inplace=True),
    "silu": lambda F, y: F.silu(y, inplace=True),
    "hardtanh": lambda F, y: F.hardtanh(y, inplace=True),
    "relu6": lambda F, y: F.relu6(y, inplace=True),
    "hardswish": lambda F, y: F.hardswish(y, inplace=True),
    "threshold": lambda F, y: F.threshold(y, 0.2, 5.0, inplace=True),
    "celu": lambda F, y: F.celu(y, 2.0, inplace=True),
    "mish": lambda F, y: F.mish(y, inplace=True),
    "hardsigmoid": lambda F, y: F.hardsigmoid(y, inplace=True),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_activation_on_a_non_leaf(name):
    res = []
    for lib in (torch, minigrad):
        x = lib.tensor(KINK_VALUES, requires_grad=True)
        y = x * 2
        out = INPLACE[name](F(lib), y)
        assert out is y
        node = y.grad_fn.name()
        (y * y).sum().backward()
        res.append((to_np(y), to_np(x.grad), node))
    assert res[1][2] == res[0][2]  # LeakyReluBackward1 and the like
    res = [r[:2] for r in res]
    for m, t in zip(res[1], res[0], strict=True):
        # 1e-11: torch's elu takes expm1 in its vectorised loop and exp(x) - 1 for the tail
        # elements, which differ by a few ulps for small |x|; minigrad always takes expm1
        np.testing.assert_allclose(m, t, rtol=1e-11, atol=1e-15)


def test_activation_modules_match_the_functional_forms():
    x = np.linspace(-4, 4, 24).reshape(2, 3, 4)
    for name in ("LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Softplus", "Softsign",
                 "Hardtanh", "ReLU6", "LogSigmoid", "Tanhshrink", "Hardsigmoid", "Hardswish"):
        t = getattr(torch.nn, name)()(torch.tensor(x))
        m = getattr(minigrad.nn, name)()(minigrad.tensor(x))
        np.testing.assert_allclose(to_np(m), to_np(t), rtol=1e-12, atol=1e-15, err_msg=name)
    t = torch.nn.PReLU(3, init=0.2).double()(torch.tensor(x))
    m = minigrad.nn.PReLU(3, init=0.2).double()(minigrad.tensor(x))
    np.testing.assert_allclose(to_np(m), to_np(t), rtol=1e-12)


# ----- errors: class and message as torch's ----------------------------------------------------------
def _bn_single(lib):
    lib.nn.BatchNorm1d(3)(lib.ones(1, 3))


ERRORS = {
    "embedding index out of range": lambda lib: F(lib).embedding(lib.tensor([5]), lib.ones(5, 2)),
    "embedding negative index": lambda lib: F(lib).embedding(lib.tensor([-1]), lib.ones(5, 2)),
    "embedding float indices": lambda lib: F(lib).embedding(lib.tensor([1.0]), lib.ones(5, 2)),
    "embedding 1-d weight": lambda lib: F(lib).embedding(lib.tensor([1]), lib.ones(5)),
    "embedding padding_idx": lambda lib: lib.nn.Embedding(5, 3, padding_idx=5),
    "embedding negative padding_idx": lambda lib: lib.nn.Embedding(5, 3, padding_idx=-6),
    "from_pretrained 1-d": lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(3)),
    "batchnorm batch of one": _bn_single,
    "batchnorm (1, C, 1)": lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3, 1)),
    "batchnorm1d 1-d input": lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(3)),
    "batchnorm2d 3-d input": lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(2, 3, 4)),
    "batchnorm channels": lambda lib: lib.nn.BatchNorm1d(4)(lib.ones(2, 3)),
    "batch_norm eval without stats": lambda lib: F(lib).batch_norm(lib.ones(4, 3), None, None),
    "batch_norm one stat": lambda lib: F(lib).batch_norm(lib.ones(4, 3), lib.zeros(3), None, training=True),
    "batch_norm weight size": lambda lib: F(lib).batch_norm(lib.ones(2, 4), lib.zeros(4), lib.ones(4),
                                                            lib.ones(3)),
    "batch_norm mixed dtypes": lambda lib: F(lib).batch_norm(lib.ones(4, 3, dtype=lib.float64),
                                                             lib.zeros(3), lib.ones(3)),
    "batch_norm float32 input, float64 stats": lambda lib: F(lib).batch_norm(
        lib.ones(4, 3), lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)),
    "layer_norm mixed dtypes": lambda lib: F(lib).layer_norm(lib.ones(4, 3, dtype=lib.float64), (3,),
                                                             lib.ones(3)),
    "layer_norm int shape": lambda lib: F(lib).layer_norm(lib.ones(2, 3), 3),
    "layer_norm empty shape": lambda lib: F(lib).layer_norm(lib.ones(2, 3), []),
    "layer_norm input shape": lambda lib: lib.nn.LayerNorm(3)(lib.ones(2, 4)),
    "layer_norm weight shape": lambda lib: F(lib).layer_norm(lib.ones(2, 3), (3,), lib.ones(4)),
    "group_norm divisibility": lambda lib: lib.nn.GroupNorm(3, 4),
    "group_norm input channels": lambda lib: lib.nn.GroupNorm(2, 4)(lib.ones(2, 3)),
    "group_norm 1-d": lambda lib: F(lib).group_norm(lib.ones(2), 1),
    "group_norm weight": lambda lib: F(lib).group_norm(lib.ones(2, 4), 2, lib.ones(3)),
    "gelu approximate": lambda lib: F(lib).gelu(lib.ones(2), approximate="fast"),
    "hardtanh bounds": lambda lib: F(lib).hardtanh(lib.ones(2), 2.0, 1.0),
    "elu of integers": lambda lib: F(lib).elu(lib.tensor([1, 2])),
    "silu of integers": lambda lib: F(lib).silu(lib.tensor([1, 2])),
    "prelu parameters": lambda lib: F(lib).prelu(lib.ones(2, 4), lib.ones(3)),
    "prelu 0-d input": lambda lib: F(lib).prelu(lib.tensor(1.0), lib.ones(2)),
    "prelu 2-d weight": lambda lib: F(lib).prelu(lib.ones(2, 4), lib.ones(2, 2)),
    "normalize dim": lambda lib: F(lib).normalize(lib.ones(2, 3), dim=2),
    "inplace on a leaf": lambda lib: F(lib).leaky_relu(lib.ones(2, requires_grad=True), inplace=True),
    "parameter dict key": lambda lib: lib.nn.ParameterDict({1: lib.nn.Parameter(lib.ones(1))}),
    "module dict update": lambda lib: lib.nn.ModuleDict().update([("a", lib.nn.ReLU(), 1)]),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case):
    with pytest.raises(Exception) as t_err:
        ERRORS[case](torch)
    with pytest.raises(Exception) as m_err:
        ERRORS[case](minigrad)
    assert m_err.type is t_err.type
    expected = str(t_err.value).replace("torch", "minigrad")
    assert str(m_err.value) == expected


# ----- containers and the module API ------------------------------------------------------------------
def test_module_dict():
    results = []
    for lib in (torch, minigrad):
        N = lib.nn
        d = N.ModuleDict({"fc": N.Linear(2, 3), "bn": N.BatchNorm1d(3)})
        d["act"] = N.Tanh()
        d.update([("out", N.Linear(3, 1))])
        popped = d.pop("act")
        results.append((repr(d), list(d), list(d.keys()), [type(m).__name__ for m in d.values()],
                        len(d), "fc" in d, type(popped).__name__, list(d.state_dict()),
                        [n for n, _ in d.named_modules()]))
    assert results[1] == results[0]


def test_parameter_list_and_dict():
    results = []
    for lib in (torch, minigrad):
        N = lib.nn
        pl = N.ParameterList([N.Parameter(lib.ones(3)), lib.zeros(2, 2, dtype=lib.float64)])
        pl.append(N.Parameter(lib.ones(1)))
        pl.extend([lib.ones(2)])
        pd = N.ParameterDict({"w": N.Parameter(lib.ones(2)), "b": lib.zeros(3)})  # a dict: sorted keys
        pd["a"] = N.Parameter(lib.ones(1))
        pd2 = N.ParameterDict(OrderedDict([("z", lib.ones(1)), ("y", lib.ones(2))]))  # order kept
        results.append((repr(pl).replace("torch", "minigrad"), len(pl), list(pl.state_dict()),
                        all(isinstance(p, N.Parameter) for p in pl),
                        repr(pl[1:]).replace("torch", "minigrad"),
                        repr(pd).replace("torch", "minigrad"), list(pd), list(pd.state_dict()),
                        list(pd2.keys()), len(list(pd.parameters())), "a" in pd,
                        tuple(pd.pop("w").shape), list(pd)))
    assert results[1] == results[0]


def test_sequential_slicing_insert_extend_and_module_api():
    results = []
    for lib in (torch, minigrad):
        N = lib.nn
        lib.manual_seed(0)
        s = N.Sequential(N.Linear(2, 3), N.BatchNorm1d(3), N.GELU(), N.Linear(3, 1))
        head = s[:2]
        s.insert(2, N.Dropout(0.1))
        s.extend([N.Sigmoid()])
        s.append(N.Identity())
        model = N.Sequential(OrderedDict([("body", s), ("emb", N.Embedding(4, 2))]))
        model.eval()
        modes = [m.training for m in model.modules()]
        model.train()
        model.requires_grad_(False)
        frozen = [p.requires_grad for p in model.parameters()]
        model.requires_grad_()
        seen: list = []
        model.apply(lambda m, seen=seen: seen.append(type(m).__name__))
        results.append((repr(head), type(head).__name__, len(s), repr(model),
                        [n for n, _ in model.named_modules()], [n for n, _ in model.named_children()],
                        [n for n, _ in model.named_buffers()],
                        [n for n, _ in model.named_buffers(prefix="p")],
                        [n for n, _ in s.named_buffers(recurse=False)], len(list(model.buffers())),
                        modes, frozen, seen, [type(m).__name__ for m in s]))
    assert results[1] == results[0]


def test_sequential_insert_at_a_negative_index_and_dotted_lookups():
    results = []
    for lib in (torch, minigrad):
        N = lib.nn
        s = N.Sequential(N.ReLU(), N.Tanh(), N.Sigmoid())
        s.insert(-1, N.Identity())
        model = N.Sequential(OrderedDict([("body", N.ModuleList([N.Linear(2, 2), N.BatchNorm1d(2)]))]))
        found = [type(model.get_submodule("body.1")).__name__,
                 tuple(model.get_parameter("body.0.bias").shape),
                 tuple(model.get_buffer("body.1.running_var").shape), model.get_submodule("") is model]
        errors = []
        for method, target in (("get_submodule", "body.7"), ("get_parameter", "body.1.running_mean"),
                               ("get_buffer", "body.1.weight"), ("get_parameter", "body.0.nope")):
            with pytest.raises(AttributeError) as e:
                getattr(model, method)(target)
            errors.append(str(e.value))
        results.append((repr(s), found, errors))
    assert results[1] == results[0]


# ----- trajectories: training with BatchNorm and with an Embedding, both engines, step by step ------
# float64: the same operations; the two engines differ by an ulp here and there (statistics summed
# in another order, fused kernels).  Measured over 25 steps: worst |difference| 6e-16 (parameters,
# losses, eval outputs of size ~1).  Bound: 1e-12.
# float32 (eps 1.2e-7): every step's last-bit differences feed the next; batch norm divides by the
# batch std, which amplifies them a little.  Measured worst: 7e-7 (~6 ulps at 1).  Bound: 1e-5.
TRAJ_TOL = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-5)}


def bn_mlp(lib):
    """makemore part 3's block: Linear (no bias: batch norm's shift replaces it) - BatchNorm1d -
    Tanh - Linear, with the output layer scaled down at init as in the lecture."""
    N = lib.nn
    model = N.Sequential(N.Linear(6, 16, bias=False), N.BatchNorm1d(16), N.Tanh(), N.Linear(16, 5))
    with lib.no_grad():
        model[-1].weight.mul_(0.1)
    return model


def char_mlp(lib):
    """makemore part 2: C = randn(27, 10); emb = C[X]; h = tanh(emb.view(-1, 30) @ W1 + b1);
    logits = h @ W2 + b2, written with modules (the Embedding is C)."""
    N = lib.nn

    class CharMLP(N.Module):
        def __init__(self):
            super().__init__()
            self.C = N.Embedding(27, 10)
            self.hidden = N.Linear(30, 20)
            self.out = N.Linear(20, 27)

        def forward(self, X):
            emb = self.C(X)
            h = lib.tanh(self.hidden(emb.view(-1, 30)))
            return self.out(h)

    return CharMLP()


def train(lib, build, batches, np_dtype, steps_lr=0.1):
    dtype = getattr(lib, np.dtype(np_dtype).name)
    lib.manual_seed(42)
    model = build(lib).to(dtype)
    opt = lib.optim.SGD(model.parameters(), lr=steps_lr, momentum=0.9)
    history = []
    for x, y in batches:
        xt = lib.tensor(x) if x.dtype.kind == "i" else lib.tensor(x.astype(np_dtype))
        loss = lib.nn.functional.cross_entropy(model(xt), lib.tensor(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append((loss.item(), {k: to_np(v).copy() for k, v in model.state_dict().items()}))
    model.eval()
    x0 = batches[0][0]
    with lib.no_grad():
        final = to_np(model(lib.tensor(x0) if x0.dtype.kind == "i" else lib.tensor(x0.astype(np_dtype))))
    return history, final


def compare_runs(t_run, m_run, np_dtype):
    (t_hist, t_final), (m_hist, m_final) = t_run, m_run
    tol = TRAJ_TOL[np_dtype]
    for step, ((t_loss, t_sd), (m_loss, m_sd)) in enumerate(zip(t_hist, m_hist, strict=True)):
        np.testing.assert_allclose(m_loss, t_loss, err_msg=f"loss, step {step}", **tol)
        assert list(m_sd) == list(t_sd)
        for k in t_sd:
            np.testing.assert_allclose(m_sd[k], t_sd[k], err_msg=f"{k}, step {step}", **tol)
    np.testing.assert_allclose(m_final, t_final, err_msg="eval-mode outputs", **tol)


@pytest.mark.parametrize("np_dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_batchnorm_mlp_trajectory(np_dtype):
    rng = np.random.default_rng(0)
    batches = [(rng.standard_normal((32, 6)) * 3, rng.integers(0, 5, 32)) for _ in range(25)]
    compare_runs(train(torch, bn_mlp, batches, np_dtype), train(minigrad, bn_mlp, batches, np_dtype),
                 np_dtype)


@pytest.mark.parametrize("np_dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_character_mlp_with_embedding_trajectory(np_dtype):
    rng = np.random.default_rng(1)
    batches = [(rng.integers(0, 27, (32, 3)), rng.integers(0, 27, 32)) for _ in range(25)]
    compare_runs(train(torch, char_mlp, batches, np_dtype), train(minigrad, char_mlp, batches, np_dtype),
                 np_dtype)


def manual_batchnorm_run(lib, np_dtype, steps=15):
    """makemore part 3 with the batch norm written by hand: parameters drawn from a seeded
    Generator with Kaiming-style scaling, batch statistics with mean/std, running statistics
    updated under no_grad, then evaluation with the running statistics."""
    dtype = getattr(lib, np.dtype(np_dtype).name)
    g = lib.Generator().manual_seed(2147483647)
    n_embd, block, n_hidden, vocab = 4, 3, 12, 27
    C = lib.randn((vocab, n_embd), generator=g, dtype=dtype)
    W1 = lib.randn((n_embd * block, n_hidden), generator=g, dtype=dtype) * (5 / 3) / (n_embd * block) ** 0.5
    W2 = lib.randn((n_hidden, vocab), generator=g, dtype=dtype) * 0.01
    b2 = lib.randn(vocab, generator=g, dtype=dtype) * 0
    bngain, bnbias = lib.ones((1, n_hidden), dtype=dtype), lib.zeros((1, n_hidden), dtype=dtype)
    bnmean_running = lib.zeros((1, n_hidden), dtype=dtype)
    bnstd_running = lib.ones((1, n_hidden), dtype=dtype)
    parameters = [C, W1, W2, b2, bngain, bnbias]
    for p in parameters:
        p.requires_grad = True
    rng = np.random.default_rng(3)
    history = []
    for _ in range(steps):
        X, Y = lib.tensor(rng.integers(0, vocab, (16, block))), lib.tensor(rng.integers(0, vocab, 16))
        emb = C[X]
        hpreact = emb.view(emb.shape[0], -1) @ W1
        bnmeani = hpreact.mean(0, keepdim=True)
        bnstdi = hpreact.std(0, keepdim=True)
        hpreact = bngain * (hpreact - bnmeani) / bnstdi + bnbias
        with lib.no_grad():
            bnmean_running = 0.999 * bnmean_running + 0.001 * bnmeani
            bnstd_running = 0.999 * bnstd_running + 0.001 * bnstdi
        logits = lib.tanh(hpreact) @ W2 + b2
        loss = lib.nn.functional.cross_entropy(logits, Y)
        for p in parameters:
            p.grad = None
        loss.backward()
        for p in parameters:
            p.data += -0.1 * p.grad
        history.append([loss.item()] + [to_np(p).copy() for p in parameters])
    with lib.no_grad():
        X = lib.tensor(rng.integers(0, vocab, (8, block)))
        h = lib.tanh(bngain * (C[X].view(8, -1) @ W1 - bnmean_running) / bnstd_running + bnbias)
        final = to_np(h @ W2 + b2)
    return history, final


@pytest.mark.parametrize("np_dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_batchnorm_by_hand_trajectory(np_dtype):
    (t_hist, t_final), (m_hist, m_final) = (manual_batchnorm_run(torch, np_dtype),
                                            manual_batchnorm_run(minigrad, np_dtype))
    for step, (t, m) in enumerate(zip(t_hist, m_hist, strict=True)):
        for i, (a, b) in enumerate(zip(m, t, strict=True)):
            np.testing.assert_allclose(a, b, err_msg=f"step {step}, item {i}", **TRAJ_TOL[np_dtype])
    np.testing.assert_allclose(m_final, t_final, err_msg="eval with the running statistics",
                               **TRAJ_TOL[np_dtype])
