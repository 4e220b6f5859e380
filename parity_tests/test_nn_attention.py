"""Attention against torch 2.13: ``F.scaled_dot_product_attention``, ``nn.MultiheadAttention``,
the transformer layers (encoder, decoder, ``nn.Transformer``) and
``Transformer.generate_square_subsequent_mask``.

Checked: parameters after the same seed (bit-identical), ``print(model)``, state_dict keys,
outputs and gradients (inputs, masks, parameters) with every mask kind, dropout in training
(the same seed drops the same weights), eval mode and torch's inference fast paths, warnings,
errors (class and message), second order through small programs, and short training runs.

Tolerances, and why (values of order 1):
* float64: 1e-10.  The same formulas; torch's CPU kernels (its fused flash-attention kernel when
  no gradient is needed, blocked matmuls, vectorised softmax and layer norm) sum in another
  order, an ulp or two per op over a few dozen ops.
* float32: 2e-5 (1e-4 for whole transformer layers and after training steps).  Products and
  softmax sums of up to 16 terms round once per op in float32 in either engine, in another order;
  layer norm divides by a standard deviation, and Adam's first steps divide by sqrt(v), which
  magnify those ulps a little.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad.testing.programs import Program, compare_programs

LIBS = (torch, minigrad)
TOL = {np.float64: dict(rtol=1e-10, atol=1e-10), np.float32: dict(rtol=2e-5, atol=2e-5)}
LAYER_TOL = {np.float64: dict(rtol=1e-10, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-4)}
DTYPES = (np.float32, np.float64)


def to_np(t):
    return t.detach().numpy()


def pair(a, requires_grad=True):
    """The numpy array ``a`` as a torch tensor and a minigrad tensor."""
    grad = requires_grad and a.dtype.kind == "f"
    return (torch.tensor(a, requires_grad=grad), minigrad.tensor(a, requires_grad=grad))


def close(t, m, tol, what=""):
    assert (t is None) == (m is None), what
    if t is None:
        return
    assert tuple(t.shape) == tuple(m.shape), what
    assert str(t.dtype).split(".")[-1] == str(m.dtype).split(".")[-1], what
    np.testing.assert_allclose(to_np(m), to_np(t), err_msg=what, **tol)


def same_error(call):
    """``call(lib)`` raises the same exception class and message in both libraries."""
    outcomes = []
    for lib in LIBS:
        try:
            call(lib)
        except Exception as e:  # noqa: BLE001 - any class: it must be torch's
            outcomes.append((type(e).__name__, str(e)))
        else:
            outcomes.append(None)
    assert outcomes[0] is not None, "torch accepts this"
    assert outcomes[1] == outcomes[0]


def same_state(t_module, m_module, tol=None):
    t_sd, m_sd = t_module.state_dict(), m_module.state_dict()
    assert list(m_sd) == list(t_sd)
    for k in t_sd:
        if tol is None:
            assert np.array_equal(to_np(m_sd[k]), to_np(t_sd[k])), k
        else:
            np.testing.assert_allclose(to_np(m_sd[k]), to_np(t_sd[k]), err_msg=k, **tol)


def same_grads(t_module, m_module, tol):
    for (name, tp), (_, mp) in zip(t_module.named_parameters(), m_module.named_parameters()):
        close(tp.grad, mp.grad, tol, name)


# ----- scaled_dot_product_attention ------------------------------------------------------------
def _mask_with_dead_row(shape, seed=1):
    m = np.random.default_rng(seed).random(shape) > 0.4
    m[..., 1, :] = False  # a query that may attend to nothing: zeros, and no gradient
    return m


SDPA_CASES = {
    "4d": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), {}),
    "3d": ((3, 4, 8), (3, 5, 8), (3, 5, 6), {}),
    "2d": ((4, 8), (5, 8), (5, 6), {}),
    "batch dims broadcast": ((2, 1, 4, 8), (1, 3, 5, 8), (2, 3, 5, 6), {}),
    "2d key and value for a 4d query": ((2, 3, 4, 8), (5, 8), (5, 6), {}),
    "causal": ((2, 4, 8), (2, 4, 8), (2, 4, 3), {"is_causal": True}),
    "causal, more queries than keys": ((2, 5, 8), (2, 3, 8), (2, 3, 3), {"is_causal": True}),
    "causal, fewer queries than keys": ((2, 3, 8), (2, 5, 8), (2, 5, 3), {"is_causal": True}),
    "bool mask": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), {"bool_mask": (4, 5)}),
    "bool mask per batch and head": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), {"bool_mask": (2, 1, 4, 5)}),
    "float mask": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), {"float_mask": (4, 5)}),
    "float mask per batch": ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"float_mask": (2, 4, 5)}),
    # 4-d with equal head dims and no dropout: torch's fused CPU flash kernel (its own backward)
    "flash kernel": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8), {}),
    "flash kernel, bool mask": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8), {"bool_mask": (4, 5)}),
    "flash kernel, float mask": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8), {"float_mask": (2, 1, 4, 5)}),
    "flash kernel, causal": ((1, 2, 5, 4), (1, 2, 3, 4), (1, 2, 3, 4), {"is_causal": True, "scale": 0.5}),
    "scale": ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"scale": 0.3}),
    "negative scale": ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"scale": -0.7}),
    "zero scale": ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"scale": 0.0}),
    "grouped query attention": ((2, 6, 4, 8), (2, 3, 5, 8), (2, 2, 5, 6), {"enable_gqa": True}),
    "gqa flag with equal heads": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), {"enable_gqa": True}),
    "no keys": ((2, 4, 8), (2, 0, 8), (2, 0, 6), {}),
    "no queries": ((2, 0, 8), (2, 5, 8), (2, 5, 6), {}),
    "dropout": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), {"dropout_p": 0.3}),
    "dropout with a mask": ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"dropout_p": 0.5, "bool_mask": (4, 5)}),
    "dropout 1": ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"dropout_p": 1.0}),
    "negative dropout is none": ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"dropout_p": -0.2}),
}


@pytest.mark.parametrize("np_dtype", DTYPES)
@pytest.mark.parametrize("case", list(SDPA_CASES))
def test_sdpa_values_and_gradients(case, np_dtype):
    qs, ks, vs, opts = SDPA_CASES[case]
    opts = dict(opts)
    rng = np.random.default_rng(0)
    tensors = [pair(rng.standard_normal(s).astype(np_dtype)) for s in (qs, ks, vs)]
    if "bool_mask" in opts:
        m = _mask_with_dead_row(opts.pop("bool_mask"))
        tensors.append(pair(m))
    elif "float_mask" in opts:
        m = rng.standard_normal(opts.pop("float_mask")).astype(np_dtype)
        m[..., 1, :] = -np.inf  # a dead row, through an additive mask
        m[..., 0, 2] = -np.inf
        tensors.append(pair(m))
    outs = []
    for i, lib in enumerate(LIBS):
        lib.manual_seed(7)
        args = [t[i] for t in tensors]
        out = lib.nn.functional.scaled_dot_product_attention(*args, **opts)
        weight = lib.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(np_dtype))
        (out * weight).sum().backward()
        outs.append(out)
    close(outs[0], outs[1], TOL[np_dtype], "output")
    for k, (t, m) in enumerate(tensors):
        if t.requires_grad:
            close(t.grad, m.grad, TOL[np_dtype], f"gradient of input {k}")


def test_sdpa_float16_computes_in_float32():
    rng = np.random.default_rng(0)
    q, k, v = (pair(rng.standard_normal(s).astype(np.float16), requires_grad=False)
               for s in ((2, 4, 8), (2, 5, 8), (2, 5, 6)))
    outs = [lib.nn.functional.scaled_dot_product_attention(q[i], k[i], v[i]) for i, lib in enumerate(LIBS)]
    close(outs[0], outs[1], dict(rtol=1e-3, atol=1e-3))  # one float16 rounding at the end


def test_sdpa_dropout_draws_the_generator_as_torch():
    """After the call both generators are in the same state (the next draw agrees)."""
    rng = np.random.default_rng(0)
    q, k, v = (pair(rng.standard_normal(s).astype(np.float32), False)
               for s in ((2, 4, 8), (2, 5, 8), (2, 5, 6)))
    after = []
    for i, lib in enumerate(LIBS):
        lib.manual_seed(3)
        lib.nn.functional.scaled_dot_product_attention(q[i], k[i], v[i], dropout_p=0.25)
        after.append(to_np(lib.rand(4)))
    np.testing.assert_array_equal(after[1], after[0])


def _sdpa(lib, q=(2, 3, 4, 8), k=(2, 3, 5, 8), v=(2, 3, 5, 6), dtypes=("float32",) * 3, **kw):
    tensors = [lib.ones(s, dtype=getattr(lib, d)) for s, d in zip((q, k, v), dtypes)]
    if "mask" in kw:
        shape, dtype = kw.pop("mask")
        kw["attn_mask"] = lib.ones(shape, dtype=getattr(lib, dtype))
    return lib.nn.functional.scaled_dot_product_attention(*tensors, **kw)


SDPA_ERRORS = {
    "mask and is_causal": lambda lib: _sdpa(lib, mask=((4, 5), "bool"), is_causal=True),
    "mask and is_causal, bad shapes too": lambda lib: _sdpa(lib, k=(2, 3, 5, 7), mask=((4, 4), "bool"),
                                                            is_causal=True),
    "head dims differ": lambda lib: _sdpa(lib, k=(2, 3, 5, 7)),
    "head dims differ, 3d query 2d key": lambda lib: _sdpa(lib, q=(3, 4, 8), k=(5, 7), v=(5, 6)),
    "head dims differ, 2d": lambda lib: _sdpa(lib, q=(4, 8), k=(5, 7), v=(5, 6)),
    "head dims differ, 2d query 3d key": lambda lib: _sdpa(lib, q=(4, 8), k=(3, 5, 7), v=(3, 5, 6)),
    "batch dims clash": lambda lib: _sdpa(lib, k=(3, 3, 5, 8), v=(3, 3, 5, 6)),
    "batch dims clash, 4d query 3d key": lambda lib: _sdpa(lib, k=(4, 5, 8), v=(4, 5, 6)),
    "value length": lambda lib: _sdpa(lib, q=(4, 8), k=(5, 8), v=(6, 6)),
    "value length, 3d": lambda lib: _sdpa(lib, q=(3, 4, 8), k=(3, 5, 8), v=(3, 6, 6)),
    "value batch": lambda lib: _sdpa(lib, v=(3, 3, 5, 6)),
    "dtypes differ": lambda lib: _sdpa(lib, dtypes=("float64", "float32", "float32")),
    "value dtype differs": lambda lib: _sdpa(lib, dtypes=("float32", "float32", "float64")),
    "1-d": lambda lib: _sdpa(lib, q=(8,), k=(8,), v=(8,)),
    "long mask": lambda lib: _sdpa(lib, mask=((4, 5), "int64")),
    "double mask for a float query": lambda lib: _sdpa(lib, mask=((4, 5), "float64")),
    "mask shape": lambda lib: _sdpa(lib, mask=((4, 4), "bool")),
    "mask wider than the scores": lambda lib: _sdpa(lib, mask=((3, 2, 3, 4, 5), "float32")),
    "gqa heads do not divide": lambda lib: _sdpa(lib, q=(2, 4, 4, 8), enable_gqa=True),
    "gqa of a 2d query": lambda lib: _sdpa(lib, q=(4, 8), k=(5, 8), v=(5, 6), enable_gqa=True),
    "heads differ without gqa": lambda lib: _sdpa(lib, q=(2, 6, 4, 8)),
    "dropout above 1": lambda lib: _sdpa(lib, dropout_p=1.5),
    "long inputs": lambda lib: _sdpa(lib, dtypes=("int64",) * 3),
    "int inputs with a bool mask": lambda lib: _sdpa(lib, dtypes=("int32",) * 3, mask=((4, 5), "bool")),
    "bool inputs": lambda lib: _sdpa(lib, dtypes=("bool",) * 3),
    "a list query": lambda lib: lib.nn.functional.scaled_dot_product_attention([1.0], lib.ones(2, 2),
                                                                              lib.ones(2, 2)),
    "scale given by position": lambda lib: lib.nn.functional.scaled_dot_product_attention(
        lib.ones(2, 2), lib.ones(2, 2), lib.ones(2, 2), None, 0.0, False, 0.5),
}


@pytest.mark.parametrize("case", list(SDPA_ERRORS))
def test_sdpa_errors_match_torch(case):
    same_error(SDPA_ERRORS[case])


# second order, and what the fuzzer compares (values, dtypes, requires_grad, errors)
PROGRAMS = {
    "sdpa second order": [
        "q = T.tensor([[0.5, -1.0], [1.5, 0.25], [-0.5, 2.0]], dtype=T.float64, requires_grad=True)",
        "k = T.tensor([[1.0, 0.5], [-2.0, 0.75]], dtype=T.float64, requires_grad=True)",
        "v = T.tensor([[0.25, 1.0, -1.0], [2.0, -0.5, 0.5]], dtype=T.float64, requires_grad=True)",
        "o = F.scaled_dot_product_attention(q, k, v)",
        "g = T.autograd.grad((o * o).sum(), [q, k, v], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum() + (g[1] * g[1]).sum() + g[2].pow(3).sum(), [q, k, v])"],
    "sdpa second order through a causal mask and a scale": [
        "q = T.tensor([[[0.5, -1.0], [1.5, 0.25], [-0.5, 2.0]]], requires_grad=True)",
        "k = T.tensor([[[1.0, 0.5], [-2.0, 0.75], [0.0, 1.0]]], requires_grad=True)",
        "o = F.scaled_dot_product_attention(q, k, k, is_causal=True, scale=0.8)",
        "g = T.autograd.grad((o * o).sum(), [q, k], create_graph=True)",
        "gg = T.autograd.grad((g[0] * g[0]).sum() + g[1].sum(), [q, k])"],
    "sdpa with a row masked out: zeros and zero gradients": [
        "q = T.tensor([[0.5, -1.0], [1.5, 0.25]], dtype=T.float64, requires_grad=True)",
        "k = T.tensor([[1.0, 0.5], [-2.0, 0.75]], dtype=T.float64, requires_grad=True)",
        "m = T.tensor([[True, False], [False, False]])",
        "o = F.scaled_dot_product_attention(q, k, k, attn_mask=m)",
        "g = T.autograd.grad((o * o).sum(), [q, k], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum() + g[1].sum(), [q, k])"],
    "sdpa gradient of a float mask, second order": [
        "q = T.tensor([[0.5, -1.0], [1.5, 0.25]], dtype=T.float64, requires_grad=True)",
        "m = T.tensor([[0.0, -1.0], [2.0, -inf]], dtype=T.float64, requires_grad=True)",
        "o = F.scaled_dot_product_attention(q, q, q, attn_mask=m)",
        "g = T.autograd.grad((o * o).sum(), [q, m], create_graph=True)",
        "gg = T.autograd.grad((g[0] * g[1].sum()).sum(), [q, m])"],
    "sdpa of infinite scores: a row of -inf gives zeros": [
        "q = T.tensor([[-inf, 1.0], [1.0, 2.0]])", "k = T.tensor([[1.0, 0.0], [2.0, 1.0]])",
        "o = F.scaled_dot_product_attention(q, k, k)"],
    "sdpa of a nan mask": [
        "q = T.tensor([[0.5, -1.0], [1.5, 0.25]])",
        "o = F.scaled_dot_product_attention(q, q, q, attn_mask=T.tensor([[nan, 0.0], [0.0, 0.0]]))"],
    "sdpa of float16 inputs": [
        "q = T.tensor([[0.5, -1.0], [1.5, 0.25]], dtype=T.float16, requires_grad=True)",
        "o = F.scaled_dot_product_attention(q, q, q)", "g = T.autograd.grad(o.sum(), [q])"],
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_agrees_with_torch(name):
    lines = PROGRAMS[name]
    assert compare_programs(Program(lines, ["stmt"] * len(lines))) is None


# ----- MultiheadAttention ------------------------------------------------------------------------
MHA_CONFIGS = {
    "default": dict(),
    "no bias": dict(bias=False),
    "bias_kv": dict(add_bias_kv=True),
    "zero_attn": dict(add_zero_attn=True),
    "bias_kv and zero_attn": dict(add_bias_kv=True, add_zero_attn=True),
    "kdim and vdim": dict(kdim=5, vdim=3),
    "batch_first": dict(batch_first=True),
    "dropout": dict(dropout=0.3),
    "one head": dict(num_heads=1),
}


def _mha(lib, config, dtype=None):
    config = dict(config)
    heads = config.pop("num_heads", 2)
    lib.manual_seed(4)
    module = lib.nn.MultiheadAttention(8, heads, **config)
    return module.double() if dtype == np.float64 else module


@pytest.mark.parametrize("config", list(MHA_CONFIGS))
def test_mha_init_repr_and_state_dict_are_torchs(config):
    t, m = (_mha(lib, MHA_CONFIGS[config]) for lib in LIBS)
    same_state(t, m)
    assert repr(m) == repr(t)
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    for name in ("embed_dim", "kdim", "vdim", "num_heads", "head_dim", "dropout", "batch_first",
                 "_qkv_same_embed_dim", "add_zero_attn"):
        assert getattr(m, name) == getattr(t, name), name
    assert (m.bias_k is None) == (t.bias_k is None)


def _masks(rng, kind, batch, heads, L, S):
    """(key_padding_mask, attn_mask, is_causal) as numpy arrays for the named case."""
    pad = np.zeros((batch, S), bool)
    pad[0, -2:] = True
    if kind == "none":
        return None, None, False
    if kind == "padding":
        return pad, None, False
    if kind == "float padding":
        return np.where(pad, -np.inf, rng.standard_normal((batch, S))), None, False
    if kind == "bool attn_mask":
        m = rng.random((L, S)) > 0.6
        m[:, 0] = False
        return None, m, False
    if kind == "float attn_mask":
        return None, rng.standard_normal((L, S)), False
    if kind == "3d attn_mask":
        return None, rng.random((batch * heads, L, S)) > 0.7, False
    if kind == "causal":
        return None, np.triu(np.full((L, S), -np.inf), 1), True
    if kind == "causal and padding":
        return pad, np.triu(np.ones((L, S), bool), 1), True
    if kind == "both kinds":
        return pad, rng.random((L, S)) > 0.7, False
    raise ValueError(kind)


MASK_KINDS = ("none", "padding", "float padding", "bool attn_mask", "float attn_mask", "3d attn_mask",
              "causal", "causal and padding", "both kinds")


def _run_mha(config, np_dtype, mask_kind, need_weights, average, inputs="self", batched=True, train=True):
    """Forward and backward in both libraries; returns the torch and minigrad (module, inputs, out,
    weights)."""
    rng = np.random.default_rng(5)
    conf = MHA_CONFIGS[config]
    batch_first = conf.get("batch_first", False)
    heads = conf.get("num_heads", 2)
    L, N = 4, 3
    S = L if inputs == "self" else 5
    kdim, vdim = conf.get("kdim", 8), conf.get("vdim", 8)

    def seq(length, features):
        shape = (N, length, features) if batch_first else (length, N, features)
        return rng.standard_normal(shape if batched else (length, features)).astype(np_dtype)

    q = seq(L, 8)
    k = q if inputs == "self" and kdim == 8 else seq(S, kdim)
    v = k if inputs in ("self", "shared kv") and vdim == kdim else seq(S, vdim)
    pad, attn, causal = _masks(rng, mask_kind, N, heads, L, S)
    if not batched and pad is not None:
        pad = pad[0]
    if attn is not None and attn.ndim == 3 and not batched:
        attn = attn[:heads]
    results = []
    for lib in LIBS:
        module = _mha(lib, conf, np_dtype)
        module.train(train)
        tq = lib.tensor(q, requires_grad=True)
        tk = tq if k is q else lib.tensor(k, requires_grad=True)
        tv = tk if v is k else lib.tensor(v, requires_grad=True)
        kw = dict(need_weights=need_weights, average_attn_weights=average, is_causal=causal)
        if pad is not None:
            kw["key_padding_mask"] = lib.tensor(pad.astype(np_dtype) if pad.dtype != bool else pad)
        if attn is not None:
            kw["attn_mask"] = lib.tensor(attn.astype(np_dtype) if attn.dtype != bool else attn)
        lib.manual_seed(11)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mixed mask dtypes: checked on their own below
            out, weights = module(tq, tk, tv, **kw)
        target = lib.tensor(np.random.default_rng(2).standard_normal(tuple(out.shape)).astype(np_dtype))
        loss = (lib.nan_to_num(out) * target).sum()
        if weights is not None:
            loss = loss + lib.nan_to_num(weights).pow(2).sum()
        loss.backward()
        results.append((module, (tq, tk, tv), out, weights))
    return results


@pytest.mark.parametrize("np_dtype", DTYPES)
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("mask_kind", MASK_KINDS)
def test_mha_masks_and_weights(mask_kind, need_weights, average, np_dtype):
    (t, t_in, t_out, t_w), (m, m_in, m_out, m_w) = _run_mha("default", np_dtype, mask_kind, need_weights,
                                                             average)
    tol = TOL[np_dtype]
    close(t_out, m_out, tol, "output")
    close(t_w, m_w, tol, "weights")
    close(t_in[0].grad, m_in[0].grad, tol, "input gradient")
    same_grads(t, m, tol)


@pytest.mark.parametrize("inputs", ["self", "shared kv", "separate"])
@pytest.mark.parametrize("config", list(MHA_CONFIGS))
def test_mha_configurations(config, inputs):
    np_dtype = np.float64
    for need_weights in (True, False):
        (t, t_in, t_out, t_w), (m, m_in, m_out, m_w) = _run_mha(config, np_dtype, "padding", need_weights,
                                                                 True, inputs)
        tol = TOL[np_dtype]
        close(t_out, m_out, tol, "output")
        close(t_w, m_w, tol, "weights")
        for k, (a, b) in enumerate(zip(t_in, m_in)):
            close(a.grad, b.grad, tol, f"gradient of input {k}")
        same_grads(t, m, tol)


@pytest.mark.parametrize("mask_kind", ["none", "padding", "bool attn_mask", "3d attn_mask"])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_unbatched(mask_kind, need_weights):
    (t, t_in, t_out, t_w), (m, m_in, m_out, m_w) = _run_mha("batch_first", np.float64, mask_kind,
                                                             need_weights, False, "separate", batched=False)
    close(t_out, m_out, TOL[np.float64], "output")
    close(t_w, m_w, TOL[np.float64], "weights")
    same_grads(t, m, TOL[np.float64])


def _fast_path_case(lib, dtype, need_weights, float_mask=False, **kw):
    """eval + no_grad + batch_first self-attention: torch's fused kernel; the second sequence is
    all padding."""
    module = _mha(lib, dict(batch_first=True, **kw), dtype).eval()
    x = lib.tensor(np.random.default_rng(0).standard_normal((2, 4, 8)).astype(dtype))
    pad = np.zeros((2, 4), bool)
    pad[1] = True
    pad[0, 3] = True
    mask = lib.tensor(np.where(pad, -np.inf, 0.0).astype(dtype) if float_mask else pad)
    with lib.no_grad():
        return module(x, x, x, key_padding_mask=mask, need_weights=need_weights)


@pytest.mark.parametrize("case", [dict(need_weights=True), dict(need_weights=False),
                                  dict(need_weights=False, float_mask=True),
                                  dict(need_weights=False, num_heads=1)])
def test_mha_inference_fast_path_nan_rows(case):
    """torch's fused kernel softmaxes plainly: a sequence with every key padded is nan (float
    masks and odd head counts take the slow path: zeros); the rest agrees."""
    (t_out, t_w), (m_out, m_w) = (_fast_path_case(lib, np.float32, **case) for lib in LIBS)
    np.testing.assert_array_equal(np.isnan(to_np(m_out)), np.isnan(to_np(t_out)))
    np.testing.assert_allclose(to_np(m_out), to_np(t_out), equal_nan=True, **TOL[np.float32])
    assert (m_w is None) == (t_w is None)
    if t_w is not None:
        np.testing.assert_allclose(to_np(m_w), to_np(t_w), equal_nan=True, **TOL[np.float32])


def test_mha_eval_is_causal_without_a_mask():
    """The fused kernel ignores is_causal (no error); with gradients needed it is the slow path's
    RuntimeError."""
    x = np.random.default_rng(0).standard_normal((2, 4, 8)).astype(np.float32)
    outs = []
    for lib in LIBS:
        module = _mha(lib, dict(batch_first=True)).eval()
        t = lib.tensor(x)
        with lib.no_grad():
            outs.append(module(t, t, t, is_causal=True)[1])
    close(outs[0], outs[1], TOL[np.float32])

    def slow(lib):
        t = lib.tensor(x)
        _mha(lib, dict(batch_first=True))(t, t, t, is_causal=True)
    same_error(slow)


def test_mha_mismatched_mask_dtypes_warn_as_torch():
    caught = []
    for lib in LIBS:
        module = _mha(lib, {})
        x = lib.ones(4, 2, 8)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            module(x, x, x, key_padding_mask=lib.zeros(2, 4, dtype=lib.bool), attn_mask=lib.zeros(4, 4))
        caught.append([str(x.message) for x in w])
    assert caught[1] == caught[0] and caught[0]


def _call_mha(config=None, q=(4, 2, 8), k=None, v=None, **options):
    def call(lib):
        kw = dict(options)
        module = _mha(lib, config or {})
        tensors = [lib.ones(s) for s in (q, k or q, v or k or q)]
        if "pad" in kw:
            shape, dtype = kw.pop("pad")
            kw["key_padding_mask"] = lib.zeros(shape, dtype=getattr(lib, dtype))
        if "mask" in kw:
            shape, dtype = kw.pop("mask")
            kw["attn_mask"] = lib.zeros(shape, dtype=getattr(lib, dtype))
        return module(*tensors, **kw)
    return call


MHA_ERRORS = {
    "embed_dim not divisible": lambda lib: lib.nn.MultiheadAttention(6, 4),
    "no heads": lambda lib: lib.nn.MultiheadAttention(6, 0),
    "4-d query": _call_mha(q=(4, 2, 8, 1)),
    "3-d query, 2-d key": _call_mha(q=(4, 2, 8), k=(4, 8)),
    "2-d query, 3-d key": _call_mha(q=(4, 8), k=(4, 2, 8)),
    "padding mask 3-d": _call_mha(pad=((2, 4, 1), "bool")),
    "padding mask, unbatched 2-d": _call_mha(q=(4, 8), pad=((2, 4), "bool")),
    "padding mask batch": _call_mha(pad=((3, 4), "bool")),
    "padding mask length": _call_mha(pad=((2, 5), "bool")),
    "int padding mask": _call_mha(pad=((2, 4), "int64")),
    "attn_mask 4-d": _call_mha(mask=((1, 1, 4, 4), "bool")),
    "attn_mask 2-d shape": _call_mha(mask=((4, 5), "bool")),
    "attn_mask 3-d shape": _call_mha(mask=((3, 4, 4), "float32")),
    "attn_mask 3-d shape, unbatched": _call_mha(q=(4, 8), mask=((3, 4, 4), "float32")),
    "is_causal without attn_mask": _call_mha(is_causal=True),
    "embed dim of the query": _call_mha(q=(4, 2, 6)),
    "key and value shapes": _call_mha(q=(4, 2, 8), k=(5, 2, 8), v=(4, 2, 8)),
    "key and value lengths, kdim/vdim": _call_mha(dict(kdim=5, vdim=3), q=(4, 2, 8), k=(5, 2, 5),
                                                  v=(4, 2, 3)),
    "key features, kdim/vdim": _call_mha(dict(kdim=5, vdim=3), q=(4, 2, 8), k=(5, 2, 4), v=(5, 2, 3)),
}


@pytest.mark.parametrize("case", list(MHA_ERRORS))
def test_mha_errors_match_torch(case):
    same_error(MHA_ERRORS[case])


@pytest.mark.parametrize("make", [lambda lib: lib.ones(3, 4).t(), lambda lib: lib.ones(4, 3).t() * 1,
                                  lambda lib: lib.ones(2, 3, 4).permute(2, 0, 1)])
def test_dropout_of_a_transposed_tensor_draws_in_memory_order(make):
    """torch's dropout mask is ``empty_like(input)`` (the input's layout) filled in memory order:
    what a batch_first MultiheadAttention output (a transposed view) meets in dropout1."""
    outs = []
    for lib in LIBS:
        lib.manual_seed(0)
        outs.append(to_np(lib.nn.functional.dropout(make(lib), 0.5)))
    np.testing.assert_array_equal(outs[1], outs[0])


# ----- transformer layers --------------------------------------------------------------------------
ENCODER_LAYERS = {
    "default": dict(),
    "batch_first": dict(batch_first=True),
    "norm_first": dict(norm_first=True),
    "gelu": dict(activation="gelu"),
    "GELU module": dict(activation="GELU()"),
    "no bias": dict(bias=False),
    "eps": dict(layer_norm_eps=1e-3, batch_first=True, nhead=4),
}


def _layer_kwargs(lib, options):
    options = dict(options)
    if options.get("activation") == "GELU()":
        options["activation"] = lib.nn.GELU()
    nhead = options.pop("nhead", 2)
    return nhead, options


def _encoder_layer(lib, options, dtype=np.float64, dropout=0.1):
    nhead, options = _layer_kwargs(lib, options)
    lib.manual_seed(6)
    layer = lib.nn.TransformerEncoderLayer(8, nhead, 16, dropout=dropout, **options)
    return layer.double() if dtype == np.float64 else layer


@pytest.mark.parametrize("options", list(ENCODER_LAYERS))
def test_encoder_layer_init_and_repr(options):
    t, m = (_encoder_layer(lib, ENCODER_LAYERS[options]) for lib in LIBS)
    same_state(t, m)
    assert repr(m) == repr(t)
    assert m.activation_relu_or_gelu == t.activation_relu_or_gelu


def _src(np_dtype, batch_first, shape=(5, 3, 8)):
    x = np.random.default_rng(8).standard_normal(shape).astype(np_dtype)
    return x.transpose(1, 0, 2).copy() if batch_first else x


@pytest.mark.parametrize("np_dtype", DTYPES)
@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("options", list(ENCODER_LAYERS))
def test_encoder_layer_forward_backward(options, train, np_dtype):
    """Training mode drops the same units after the same seed; eval mode has no dropout."""
    opts = ENCODER_LAYERS[options]
    x = _src(np_dtype, opts.get("batch_first", False))
    pad = np.zeros((3, 5), bool)
    pad[1, 3:] = True
    outs = []
    for lib in LIBS:
        layer = _encoder_layer(lib, opts, np_dtype).train(train)
        src = lib.tensor(x, requires_grad=True)
        lib.manual_seed(12)
        out = layer(src, src_key_padding_mask=lib.tensor(pad))
        weight = np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)).astype(np_dtype)
        (out * lib.tensor(weight)).sum().backward()
        outs.append((layer, src, out))
    (t, t_src, t_out), (m, m_src, m_out) = outs
    tol = LAYER_TOL[np_dtype]
    close(t_out, m_out, tol, "output")
    close(t_src.grad, m_src.grad, tol, "input gradient")
    same_grads(t, m, tol)


@pytest.mark.parametrize("mask", ["causal mask", "causal mask, is_causal", "bool mask", "float padding",
                                  "unbatched"])
def test_encoder_layer_masks(mask):
    np_dtype = np.float64
    x = _src(np_dtype, False)
    L = x.shape[0]
    outs = []
    for lib in LIBS:
        layer = _encoder_layer(lib, {}, np_dtype, dropout=0.2)
        src = lib.tensor(x[:, 0] if mask == "unbatched" else x, requires_grad=True)
        kw = {}
        if mask.startswith("causal mask"):
            kw["src_mask"] = lib.nn.Transformer.generate_square_subsequent_mask(L, dtype=lib.float64)
            kw["is_causal"] = mask.endswith("is_causal")
        elif mask == "bool mask":
            kw["src_mask"] = lib.tensor(np.triu(np.ones((L, L), bool), 1))
        elif mask == "float padding":
            pad = np.where(np.arange(L) >= 3, -np.inf, 0.0)[None].repeat(3, 0)
            kw["src_key_padding_mask"] = lib.tensor(pad)
        else:
            kw["src_key_padding_mask"] = lib.tensor(np.arange(L) >= 4)
        lib.manual_seed(2)
        out = layer(src, **kw)
        out.pow(2).sum().backward()
        outs.append((layer, src, out))
    (t, t_src, t_out), (m, m_src, m_out) = outs
    close(t_out, m_out, LAYER_TOL[np_dtype], "output")
    close(t_src.grad, m_src.grad, LAYER_TOL[np_dtype], "input gradient")
    same_grads(t, m, LAYER_TOL[np_dtype])


def _encoder(lib, layer_options, num_layers=2, norm=True, dtype=np.float64, **kw):
    layer = _encoder_layer(lib, layer_options, dtype)
    norm_module = lib.nn.LayerNorm(8) if norm else None
    if norm_module is not None and dtype == np.float64:
        norm_module = norm_module.double()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encoder = lib.nn.TransformerEncoder(layer, num_layers, norm_module, **kw)
    return encoder, [str(w.message) for w in caught]


@pytest.mark.parametrize("options", ["default", "batch_first", "norm_first", "no bias", "odd heads",
                                     "no nested tensor"])
def test_encoder_init_repr_and_warnings(options):
    layer_options = dict(ENCODER_LAYERS.get(options, {"batch_first": True}))
    kw = {}
    if options == "odd heads":
        layer_options.update(nhead=1, batch_first=True)
    if options == "no nested tensor":
        kw["enable_nested_tensor"] = False
    (t, t_warn), (m, m_warn) = (_encoder(lib, layer_options, **kw) for lib in LIBS)
    assert m_warn == t_warn
    assert repr(m) == repr(t)
    same_state(t, m)
    assert m.use_nested_tensor == t.use_nested_tensor
    # the layers are copies: equal values, distinct parameters
    assert m.layers[0].linear1.weight is not m.layers[1].linear1.weight


@pytest.mark.parametrize("np_dtype", DTYPES)
@pytest.mark.parametrize("case", ["train", "train, causal mask detected", "eval"])
def test_encoder_forward_backward(case, np_dtype):
    x = _src(np_dtype, True)
    L = x.shape[1]
    outs = []
    for lib in LIBS:
        encoder, _ = _encoder(lib, {"batch_first": True}, dtype=np_dtype)
        encoder.train(case.startswith("train"))
        src = lib.tensor(x, requires_grad=True)
        kw = {}
        if "causal" in case:
            kw["mask"] = lib.nn.Transformer.generate_square_subsequent_mask(L, dtype=src.dtype)
        else:
            lengths = np.array([[5], [3], [1]])
            kw["src_key_padding_mask"] = lib.tensor(np.arange(L)[None].repeat(3, 0) >= lengths)
        lib.manual_seed(9)
        out = encoder(src, **kw)
        out.pow(2).sum().backward()
        outs.append((encoder, src, out))
    (t, t_src, t_out), (m, m_src, m_out) = outs
    tol = LAYER_TOL[np_dtype]
    close(t_out, m_out, tol, "output")
    close(t_src.grad, m_src.grad, tol, "input gradient")
    same_grads(t, m, tol)


@pytest.mark.parametrize("case", ["left-aligned padding", "a sequence all padding", "not left-aligned",
                                  "mask_check off", "with a mask too", "no norm", "seq-first layers"])
def test_encoder_inference_zeroes_padding_as_torchs_nested_tensor(case):
    """eval + no_grad + a padding mask: torch packs the batch into a nested tensor, so padded
    positions come out as 0 (then the final norm), unless the mask is not left-aligned."""
    x = _src(np.float32, True)
    pad = np.arange(5)[None].repeat(3, 0) >= np.array([[5], [3], [2]])
    if case == "a sequence all padding":
        pad[2] = True
    if case in ("not left-aligned", "mask_check off"):
        pad[1, 0] = True
    outs = []
    for lib in LIBS:
        layer_options = {} if case == "seq-first layers" else {"batch_first": True}
        encoder, _ = _encoder(lib, layer_options, norm=case != "no norm", dtype=np.float32,
                              mask_check=case != "mask_check off")
        encoder.eval()
        src = lib.tensor(x if case != "seq-first layers" else x.transpose(1, 0, 2).copy())
        kw = {"src_key_padding_mask": lib.tensor(pad)}
        if case == "with a mask too":
            kw["mask"] = lib.nn.Transformer.generate_square_subsequent_mask(5)
        with lib.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's nested-tensor prototype notice
            outs.append(to_np(encoder(src, **kw)))
    np.testing.assert_array_equal(np.isnan(outs[1]), np.isnan(outs[0]))
    np.testing.assert_allclose(outs[1], outs[0], equal_nan=True, **LAYER_TOL[np.float32])


def test_encoder_layer_inference_fast_path_all_padding_is_nan():
    x = _src(np.float32, True)
    pad = np.zeros((3, 5), bool)
    pad[2] = True
    outs = []
    for lib in LIBS:
        layer = _encoder_layer(lib, {"batch_first": True}, np.float32).eval()
        with lib.no_grad():
            outs.append(to_np(layer(lib.tensor(x), src_key_padding_mask=lib.tensor(pad))))
        outs.append(to_np(layer(lib.tensor(x), src_key_padding_mask=lib.tensor(pad))))  # slow: zeros
    for t, m in ((outs[0], outs[2]), (outs[1], outs[3])):
        np.testing.assert_array_equal(np.isnan(m), np.isnan(t))
        np.testing.assert_allclose(m, t, equal_nan=True, **LAYER_TOL[np.float32])
    assert np.isnan(outs[0][2]).all() and not np.isnan(outs[1]).any()


def _decoder_layer(lib, dtype=np.float64, **kw):
    lib.manual_seed(13)
    layer = lib.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.2, **kw)
    return layer.double() if dtype == np.float64 else layer


@pytest.mark.parametrize("np_dtype", DTYPES)
@pytest.mark.parametrize("options", [{}, {"norm_first": True}, {"batch_first": True, "activation": "gelu"}])
def test_decoder_forward_backward(options, np_dtype):
    rng = np.random.default_rng(3)
    batch_first = options.get("batch_first", False)
    tgt_np = rng.standard_normal((4, 3, 8)).astype(np_dtype)
    mem_np = rng.standard_normal((6, 3, 8)).astype(np_dtype)
    if batch_first:
        tgt_np, mem_np = tgt_np.transpose(1, 0, 2).copy(), mem_np.transpose(1, 0, 2).copy()
    mem_pad = np.zeros((3, 6), bool)
    mem_pad[0, 4:] = True
    outs = []
    for lib in LIBS:
        layer = _decoder_layer(lib, np_dtype, **options)
        norm = lib.nn.LayerNorm(8)
        decoder = lib.nn.TransformerDecoder(layer, 2, norm.double() if np_dtype == np.float64 else norm)
        tgt, mem = lib.tensor(tgt_np, requires_grad=True), lib.tensor(mem_np, requires_grad=True)
        lib.manual_seed(21)
        causal = lib.nn.Transformer.generate_square_subsequent_mask(4, dtype=tgt.dtype)
        out = decoder(tgt, mem, tgt_mask=causal, memory_key_padding_mask=lib.tensor(mem_pad))
        out.pow(2).sum().backward()
        outs.append((decoder, (tgt, mem), out))
    (t, t_in, t_out), (m, m_in, m_out) = outs
    tol = LAYER_TOL[np_dtype]
    assert repr(m) == repr(t)
    close(t_out, m_out, tol, "output")
    close(t_in[0].grad, m_in[0].grad, tol, "target gradient")
    close(t_in[1].grad, m_in[1].grad, tol, "memory gradient")
    same_grads(t, m, tol)


def test_transformer_init_forward_backward_and_warning():
    rng = np.random.default_rng(4)
    src_np, tgt_np = rng.standard_normal((5, 2, 8)), rng.standard_normal((4, 2, 8))
    outs = []
    for lib in LIBS:
        lib.manual_seed(0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = lib.nn.Transformer(8, 2, 2, 1, 16, dropout=0.1).double()
        src, tgt = lib.tensor(src_np, requires_grad=True), lib.tensor(tgt_np, requires_grad=True)
        mask = model.generate_square_subsequent_mask(4, dtype=lib.float64)
        lib.manual_seed(5)
        out = model(src, tgt, tgt_mask=mask, tgt_is_causal=True)
        out.pow(2).sum().backward()
        outs.append((model, [str(w.message) for w in caught], out, src))
    (t, t_warn, t_out, t_src), (m, m_warn, m_out, m_src) = outs
    assert m_warn == t_warn
    assert repr(m) == repr(t)
    close(t_out, m_out, LAYER_TOL[np.float64], "output")
    close(t_src.grad, m_src.grad, LAYER_TOL[np.float64], "source gradient")
    same_grads(t, m, LAYER_TOL[np.float64])


def test_transformer_init_after_seed_is_torchs():
    t, m = [], []
    for lib, into in zip(LIBS, (t, m)):
        lib.manual_seed(1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            into.append(lib.nn.Transformer(8, 2, 1, 1, 16, batch_first=True, norm_first=True, bias=False))
    same_state(t[0], m[0])


@pytest.mark.parametrize("args", [(3,), (1,), (0,), (4, None, "float64")])
def test_generate_square_subsequent_mask(args):
    outs = []
    for lib in LIBS:
        a = list(args)
        if len(a) == 3:
            a[2] = getattr(lib, a[2])
        outs.append(lib.nn.Transformer.generate_square_subsequent_mask(*a))
    close(outs[0], outs[1], dict(rtol=0, atol=0))


TRANSFORMER_ERRORS = {
    "activation name": lambda lib: lib.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    "decoder activation name": lambda lib: lib.nn.TransformerDecoderLayer(8, 2, activation="swish"),
    "nhead does not divide d_model": lambda lib: lib.nn.TransformerEncoderLayer(8, 3),
    "batch sizes differ": lambda lib: _tiny_transformer(lib)(lib.ones(3, 2, 8), lib.ones(3, 1, 8)),
    "feature size": lambda lib: _tiny_transformer(lib)(lib.ones(3, 2, 8), lib.ones(3, 2, 6)),
    "encoder layer src_mask shape": lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16)(
        lib.ones(3, 2, 8), src_mask=lib.zeros(4, 4)),
    "encoder layer is_causal without a mask": lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16)(
        lib.ones(3, 2, 8), is_causal=True),
    "int padding mask": lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16)(
        lib.ones(3, 2, 8), src_key_padding_mask=lib.zeros(2, 3, dtype=lib.int64)),
}


def _tiny_transformer(lib):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.nn.Transformer(8, 2, 1, 1, 16)


@pytest.mark.parametrize("case", list(TRANSFORMER_ERRORS))
def test_transformer_errors_match_torch(case):
    same_error(TRANSFORMER_ERRORS[case])


def test_encoder_layer_mismatched_mask_dtypes_warn_as_torch():
    caught = []
    for lib in LIBS:
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            layer(lib.ones(3, 2, 8), src_mask=lib.zeros(3, 3),
                  src_key_padding_mask=lib.zeros(2, 3, dtype=lib.bool))
        caught.append([str(x.message) for x in w])
    assert caught[1] == caught[0] and caught[0]


# ----- a short training run -------------------------------------------------------------------------
class _Reverser:
    """Embedding + learned positions + a 1-layer encoder + a readout, trained to output each
    sequence reversed (position i must attend to position L-1-i)."""

    def __init__(self, lib, dtype):
        nn = lib.nn
        lib.manual_seed(0)
        self.lib = lib
        self.embed = nn.Embedding(6, 8)
        self.pos = nn.Parameter(lib.randn(5, 8) * 0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.encoder = nn.TransformerEncoder(
                nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True), 1)
        self.head = nn.Linear(8, 6)
        self.modules = nn.ModuleList([self.embed, self.encoder, self.head])
        if dtype == np.float64:
            self.modules.double()
            with lib.no_grad():
                self.pos = nn.Parameter(self.pos.double())
        self.params = [self.pos, *self.modules.parameters()]

    def loss(self, tokens, train):
        self.modules.train(train)
        x = self.embed(tokens) + self.pos
        logits = self.head(self.encoder(x))
        target = tokens.flip(1)
        return self.lib.nn.functional.cross_entropy(logits.reshape(-1, 6), target.reshape(-1))


@pytest.mark.parametrize("np_dtype", DTYPES)
def test_encoder_training_trajectory(np_dtype):
    """20 Adam steps in training mode (dropout on, the same units dropped), eval-mode loss after
    each step: the same numbers in both libraries."""
    tokens = np.random.default_rng(0).integers(0, 6, size=(16, 5))
    losses = []
    for lib in LIBS:
        model = _Reverser(lib, np_dtype)
        opt = lib.optim.Adam(model.params, lr=0.01)
        x = lib.tensor(tokens)
        run = []
        lib.manual_seed(100)
        for _ in range(20):
            opt.zero_grad()
            loss = model.loss(x, train=True)
            loss.backward()
            opt.step()
            with lib.no_grad():
                run.append((loss.item(), model.loss(x, train=False).item()))
        losses.append(np.array(run))
    tol = dict(rtol=1e-9, atol=1e-9) if np_dtype == np.float64 else dict(rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(losses[1], losses[0], **tol)
    assert losses[0][-1, 1] < losses[0][0, 1]  # it learns
