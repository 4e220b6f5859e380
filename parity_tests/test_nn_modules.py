"""nn.Module, nn.Parameter and the containers/layers against torch 2.13: registration and the
order of everything a model lists (parameters, modules, state_dict keys), load_state_dict's
errors, repr text, train/eval, zero_grad, hooks, dtype conversion, and forward/backward values.

Values computed by both libraries are compared at float32 rtol 1e-6 (one matmul + bias of a few
terms: a few ulps, 1.2e-7 each) and float64 rtol 1e-12.
"""
from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F


def build(lib, kind):
    """The same architecture written against ``lib`` (minigrad or torch)."""
    N = lib.nn

    class Block(N.Module):
        def __init__(self):
            super().__init__()
            self.fc = N.Linear(3, 4)
            self.act = N.ReLU()
            self.register_buffer("running", lib.zeros(4))
            self.register_buffer("scratch", lib.ones(2), persistent=False)

        def forward(self, x):
            return self.act(self.fc(x)) + self.running

    class Net(N.Module):
        def __init__(self):
            super().__init__()
            self.scale = N.Parameter(lib.ones(1))
            self.blocks = N.ModuleList([Block(), Block()])
            self.head = N.Sequential(N.Linear(4, 4), N.Tanh(), N.Dropout(0.25), N.Linear(4, 2, bias=False))
            self.shared = self.head[0]  # the same module under two names

        def forward(self, x):
            for block in self.blocks:
                x = block(x)[..., :3]
            return self.head(lib.cat([x, x[..., :1]], -1)) * self.scale

    if kind == "net":
        return Net()
    if kind == "sequential":
        return N.Sequential(OrderedDict([("inp", N.Linear(2, 3)), ("act", N.Sigmoid()),
                                         ("out", N.Linear(3, 1))]))
    return N.Sequential(N.Flatten(), N.Linear(6, 5), N.ReLU(inplace=True), N.Identity(), N.Softmax(dim=1),
                        N.LogSoftmax(dim=-1), N.Dropout(), N.ModuleList([N.Linear(1, 1)] * 3 + [N.Tanh()]))


KINDS = ["net", "sequential", "layers"]


@pytest.mark.parametrize("kind", KINDS)
def test_repr_is_torchs(kind):
    assert repr(build(minigrad, kind)) == repr(build(torch, kind))


def test_repr_with_multiline_extra_repr_and_children():
    def make(lib):
        class Custom(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = lib.nn.Sequential(lib.nn.Linear(1, 2), lib.nn.ModuleList([lib.nn.ReLU()] * 2))

            def extra_repr(self):
                return "alpha=1\nbeta=2"

        return lib.nn.Sequential(Custom(), lib.nn.Identity(), lib.nn.ReLU(inplace=True))
    assert repr(make(minigrad)) == repr(make(torch))


@pytest.mark.parametrize("kind", KINDS)
def test_everything_listed_in_torchs_order(kind):
    m, t = build(minigrad, kind), build(torch, kind)
    assert list(m.state_dict()) == list(t.state_dict())
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in m.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in t.named_parameters(remove_duplicate=False)]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in m.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in m.named_children()] == [n for n, _ in t.named_children()]
    assert [type(c).__name__ for c in m.children()] == [type(c).__name__ for c in t.children()]
    assert [p.shape for p in m.parameters()] == [tuple(p.shape) for p in t.parameters()]
    assert ([n for n, _ in m.named_parameters(recurse=False)]
            == [n for n, _ in t.named_parameters(recurse=False)])
    assert len(list(m.modules())) == len(list(t.modules()))
    visited_m, visited_t = [], []
    m.apply(lambda mod: visited_m.append(type(mod).__name__))
    t.apply(lambda mod: visited_t.append(type(mod).__name__))
    assert visited_m == visited_t


def copy_weights(m, t):
    """torch's values into the minigrad model, through load_state_dict."""
    m.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in t.state_dict().items()})


@pytest.mark.parametrize("kind", ["net", "sequential"])
def test_forward_and_backward_match_torch(kind):
    m, t = build(minigrad, kind).eval(), build(torch, kind).eval()
    copy_weights(m, t)
    x = np.random.default_rng(0).standard_normal((5, 3 if kind == "net" else 2)).astype(np.float32)
    mx, tx = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    m(mx).sum().backward()
    t(tx).sum().backward()
    assert np.allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-7)
    for (name, p), (_, q) in zip(m.named_parameters(), t.named_parameters(), strict=True):
        assert np.allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6, atol=1e-7), name


def test_linear_on_batches_and_vectors_float64():
    m, t = nn.Linear(3, 2, dtype=minigrad.float64), torch.nn.Linear(3, 2, dtype=torch.float64)
    copy_weights(m, t)
    assert m.weight.dtype == minigrad.float64
    for shape in [(3,), (4, 3), (2, 5, 3), (0, 3)]:
        x = np.random.default_rng(1).standard_normal(shape)
        mx, tx = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, ty = m(mx), t(tx)
        assert y.shape == tuple(ty.shape)
        assert np.allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-14)
        g = np.random.default_rng(2).standard_normal(tuple(ty.shape))
        y.backward(minigrad.tensor(g))
        ty.backward(torch.tensor(g))
        for a, b in [(mx.grad, tx.grad), (m.weight.grad, t.weight.grad), (m.bias.grad, t.bias.grad)]:
            assert np.allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-14)
        m.zero_grad()
        t.zero_grad()


def test_linear_is_one_graph_node():
    out = nn.Linear(2, 3)(minigrad.ones(4, 2))
    assert type(out.grad_fn).__name__ == "Linear"
    assert {type(e[0]) for e in out.grad_fn._next if e is not None} == {nn.Parameter}


# ----- state_dict / load_state_dict ------------------------------------------------------------------
def test_state_dict_is_detached_and_loading_copies():
    m = nn.Linear(2, 2)
    sd = m.state_dict()
    assert not sd["weight"].requires_grad and type(sd["weight"]) is minigrad.Tensor
    assert m.state_dict(keep_vars=True)["weight"] is m.weight
    new = {k: minigrad.full(v.shape, 3.0) for k, v in sd.items()}
    weight = m.weight
    result = m.load_state_dict(new)
    assert m.weight is weight and m.weight.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert repr(result) == repr(torch.nn.Linear(2, 2).load_state_dict(torch.nn.Linear(2, 2).state_dict()))
    new["weight"].fill_(5.0)  # loading copied the values
    assert m.weight.tolist() == [[3.0, 3.0], [3.0, 3.0]]


def load_errors(lib, case):
    """A model and a state dict with something wrong, built the same way for both libraries."""
    model = build(lib, "sequential")
    sd = model.state_dict()
    if case == "missing":
        del sd["out.bias"]
    elif case == "unexpected":
        sd["out.gamma"] = lib.zeros(1)
        sd["extra.weight"] = lib.zeros(1)
    elif case == "shape":
        sd["inp.weight"] = lib.zeros(4, 2)
    elif case == "all":
        del sd["inp.bias"]
        sd["surprise"] = lib.zeros(1)
        sd["out.weight"] = lib.zeros(2)
    elif case == "not a tensor":
        sd["out.bias"] = [0.5]
    return model, sd


@pytest.mark.parametrize("case", ["missing", "unexpected", "shape", "all", "not a tensor"])
def test_load_state_dict_errors_are_torchs(case):
    tm, tsd = load_errors(torch, case)
    mm, msd = load_errors(minigrad, case)
    with pytest.raises(Exception) as t_err:
        tm.load_state_dict(tsd)
    with pytest.raises(Exception) as m_err:
        mm.load_state_dict(msd)
    assert type(m_err.value) is type(t_err.value) is RuntimeError
    assert str(m_err.value) == str(t_err.value).replace("torch.Size", "minigrad.Size")
    # strict=False: the key problems become the returned lists; wrong shapes still raise
    if case in ("missing", "unexpected"):
        t_res, m_res = tm.load_state_dict(tsd, strict=False), mm.load_state_dict(msd, strict=False)
        assert (m_res.missing_keys, m_res.unexpected_keys) == (t_res.missing_keys, t_res.unexpected_keys)
        assert repr(m_res) == repr(t_res).replace("torch", "minigrad")


def test_load_state_dict_type_error_and_assign():
    with pytest.raises(TypeError):
        torch.nn.Linear(1, 1).load_state_dict([("weight", torch.zeros(1, 1))])
    with pytest.raises(TypeError):
        nn.Linear(1, 1).load_state_dict([("weight", minigrad.zeros(1, 1))])
    m = nn.Linear(1, 1)
    m.load_state_dict({"weight": minigrad.ones(1, 1), "bias": minigrad.zeros(1)}, assign=True)
    assert type(m.weight) is nn.Parameter and m.weight.requires_grad and m.weight.tolist() == [[1.0]]


# ----- modes, gradients, conversion -----------------------------------------------------------------
def test_train_eval_reach_every_module_and_dropout_follows():
    m = build(minigrad, "net")
    assert m.training and all(x.training for x in m.modules())
    assert m.eval() is m and not any(x.training for x in m.modules())
    x = minigrad.randn(3, 4)
    assert m.head[2](x) is x  # Dropout in eval mode: the input itself, as torch
    m.train()
    assert all(x.training for x in m.modules())
    with pytest.raises(ValueError):
        m.train("yes")
    with pytest.raises(ValueError):
        torch.nn.Linear(1, 1).train("yes")


def test_zero_grad_and_requires_grad_():
    m = build(minigrad, "net")
    m(minigrad.randn(2, 3)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad._array.any() for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


@pytest.mark.parametrize("convert", ["double", "to_dtype", "to_tensor"])
def test_dtype_conversion_keeps_the_parameter_objects(convert):
    m = build(minigrad, "net")
    m(minigrad.randn(2, 3)).sum().backward()
    params = list(m.parameters())
    if convert == "double":
        out = m.double()
    elif convert == "to_dtype":
        out = m.to(minigrad.float64)
    else:
        out = m.to(minigrad.zeros(1, dtype=minigrad.float64))
    assert out is m and list(m.parameters()) == params
    assert all(p.dtype == minigrad.float64 and p.grad.dtype == minigrad.float64 for p in params)
    assert all(b.dtype == minigrad.float64 for b in m.buffers())
    m.float()
    assert all(p.dtype == minigrad.float32 for p in m.parameters())
    assert m.to("cpu") is m
    with pytest.raises(TypeError):
        m.to(minigrad.int64)
    with pytest.raises(TypeError):
        torch.nn.Linear(1, 1).to(torch.int64)


# ----- registration and attribute semantics ---------------------------------------------------------
def bad_registration(lib, case):
    N = lib.nn

    class Late(N.Module):
        def __init__(self):
            self.w = N.Parameter(lib.ones(1))  # before Module.__init__

    m = N.Linear(2, 2)
    calls = {
        "tensor as parameter": lambda: setattr(m, "weight", lib.ones(2, 2)),
        "tensor to register_parameter": lambda: m.register_parameter("w", lib.ones(1)),
        "dotted name": lambda: m.register_parameter("a.b", N.Parameter(lib.ones(1))),
        "empty name": lambda: m.register_buffer("", lib.ones(1)),
        "existing attribute": lambda: m.register_buffer("in_features", lib.ones(1)),
        "non-tensor buffer": lambda: m.register_buffer("buf", [1.0]),
        "non-string name": lambda: m.register_parameter(1, None),
        "non-module child": lambda: m.add_module("child", lib.ones(1)),
        "dotted module name": lambda: m.add_module("a.b", N.ReLU()),
        "non-leaf parameter": lambda: m.register_parameter("w", N.Parameter(lib.ones(1)) * 2),
        "before __init__": lambda: Late(),
        "missing attribute": lambda: m.nonexistent,
        "module attr replaced by tensor": lambda: setattr(N.Sequential(N.ReLU()), "0", lib.ones(1)),
        "int parameter": lambda: N.Parameter(lib.tensor([1, 2])),
        "parameter from a list": lambda: N.Parameter([1.0]),
        "forward not defined": lambda: N.Module()(lib.ones(1)),
    }
    return calls[case]


REGISTRATION_CASES = ["tensor as parameter", "tensor to register_parameter", "dotted name", "empty name",
                      "existing attribute", "non-tensor buffer", "non-string name", "non-module child",
                      "dotted module name", "non-leaf parameter", "before __init__", "missing attribute",
                      "module attr replaced by tensor", "int parameter", "parameter from a list",
                      "forward not defined"]
# whose messages name the library's own classes (torch.FloatTensor, torch.nn.modules.linear...),
# or where minigrad's message says more (the offending dtype)
CLASS_ONLY = {"tensor as parameter", "tensor to register_parameter", "non-module child",
              "non-string name", "non-leaf parameter", "module attr replaced by tensor", "int parameter"}


@pytest.mark.parametrize("case", REGISTRATION_CASES)
def test_registration_errors_are_torchs(case):
    with pytest.raises(Exception) as t_err:
        bad_registration(torch, case)()
    with pytest.raises(Exception) as m_err:
        bad_registration(minigrad, case)()
    assert type(m_err.value) is type(t_err.value), (m_err.value, t_err.value)
    if case not in CLASS_ONLY:
        assert str(m_err.value) == str(t_err.value)


def test_attribute_assignment_moves_between_registries():
    m = nn.Module()
    m.x = nn.Linear(1, 1)
    assert list(m._modules) == ["x"]
    m.x = nn.Parameter(minigrad.ones(1))  # a module name reused for a parameter
    assert list(m._modules) == [] and list(m._parameters) == ["x"]
    m.x = None  # a parameter slot may hold None
    assert m.x is None and list(m.state_dict()) == []
    m.register_buffer("b", minigrad.zeros(2))
    m.b = minigrad.ones(2)  # stays a buffer
    assert list(m.state_dict()) == ["b"] and m.b.tolist() == [1.0, 1.0]
    m.plain = 3
    assert "plain" in m.__dict__
    del m.b, m.x, m.plain
    assert list(m.state_dict()) == [] and not hasattr(m, "plain")
    assert "b" not in dir(m) and "training" in dir(m)


def test_forward_hooks():
    m = nn.Linear(2, 2)
    seen = []
    pre = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    post = m.register_forward_hook(lambda mod, args, out: seen.append(args[0].tolist()) or out + 1)
    out = m(minigrad.ones(1, 2))
    assert seen == [[[0.0, 0.0]]] and np.allclose(out.detach().numpy(), m.bias.detach().numpy() + 1)
    pre.remove()
    post.remove()
    assert np.allclose(m(minigrad.zeros(1, 2)).detach().numpy(), m.bias.detach().numpy())


# ----- Parameter --------------------------------------------------------------------------------------
def test_parameter_behaves_like_torchs():
    data = minigrad.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    tp = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p) == repr(tp) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert str(p) == str(tp)
    assert isinstance(p, minigrad.Tensor) and p.is_leaf and p.requires_grad
    data[0] = 5.0  # shares storage with its data, as torch's Parameter(t)
    assert p.tolist() == [5.0, 2.0]
    for result in [p * 2, p + p, p[0], p.detach(), p.data, p.clone(), p.sum(), F.relu(p)]:
        assert type(result) is minigrad.Tensor  # ops on parameters give plain tensors
    frozen = nn.Parameter(minigrad.ones(2), requires_grad=False)
    assert not frozen.requires_grad and type(frozen) is nn.Parameter
    empty = nn.Parameter()
    assert empty.shape == (0,) and empty.dtype == minigrad.float32
    assert nn.Parameter(minigrad.tensor([1, 2]), requires_grad=False).dtype == minigrad.int64


def test_parameter_copies_keep_the_type():
    p = nn.Parameter(minigrad.tensor([1.0, 2.0]))
    p.grad = minigrad.ones(2)
    for q in [copy.deepcopy(p), pickle.loads(pickle.dumps(p))]:
        assert type(q) is nn.Parameter and q.requires_grad and q.tolist() == [1.0, 2.0]
        q.data[0] = 9.0
        assert p.tolist() == [1.0, 2.0]
    assert copy.deepcopy(p).grad is None  # as torch: deepcopy of a Parameter leaves .grad behind
    assert copy.deepcopy(torch.nn.Parameter(torch.ones(1))).grad is None
    m = copy.deepcopy(build(minigrad, "net"))
    assert list(m.state_dict()) == list(build(torch, "net").state_dict())


# ----- containers ---------------------------------------------------------------------------------------
def test_sequential_indexing_like_torch():
    def names(s):
        return list(s.state_dict())

    for lib in (minigrad, torch):
        N = lib.nn
        s = N.Sequential(N.Linear(1, 2), N.ReLU(), N.Linear(2, 3), N.Linear(3, 4))
        assert len(s) == 4 and type(s[1]).__name__ == "ReLU" and s[-1] is list(s)[3]
        assert type(s[1:3]).__name__ == "Sequential"
    m = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 3), nn.Linear(3, 4))
    t = torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU(), torch.nn.Linear(2, 3),
                            torch.nn.Linear(3, 4))
    assert names(m[1:]) == names(t[1:]) and names(m[::2]) == names(t[::2])
    for s in (m, t):
        s.append(type(s[1])())
        del s[0]
        s[0] = type(s[0])()
        s.insert(1, type(s[0])())
    assert names(m) == names(t) and repr(m) == repr(t)
    with pytest.raises(IndexError):
        t[10]
    with pytest.raises(IndexError):
        m[10]
    assert repr(m + m) == repr(t + t)
    assert isinstance(m.pop(0), nn.ReLU) and len(m) == len(t) - 1


def test_module_list_like_torch():
    m = nn.ModuleList([nn.Linear(1, 1), nn.Tanh()])
    t = torch.nn.ModuleList([torch.nn.Linear(1, 1), torch.nn.Tanh()])
    for lst, N in ((m, nn), (t, torch.nn)):
        lst.append(N.Linear(1, 1))
        lst.extend([N.ReLU(), N.ReLU()])
        lst += [N.Linear(1, 1)]
        lst.insert(0, N.Sigmoid())
        del lst[2]
        lst[-1] = N.Linear(1, 1)
    assert repr(m) == repr(t) and list(m.state_dict()) == list(t.state_dict())
    assert repr(m[1:]) == repr(t[1:]) and len(m) == len(t)
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList()) == "ModuleList()"
    with pytest.raises(TypeError):
        m.extend(nn.ReLU())
    with pytest.raises(NotImplementedError):
        m(minigrad.ones(1))


# ----- layers ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("layer", ["Flatten", "Identity", "ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax"])
def test_parameter_free_layers(layer):
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    kwargs = {"Softmax": dict(dim=1), "LogSoftmax": dict(dim=-1)}.get(layer, {})
    y = getattr(nn, layer)(**kwargs)(minigrad.tensor(x))
    ty = getattr(torch.nn, layer)(**kwargs)(torch.tensor(x))
    assert y.shape == tuple(ty.shape) and np.allclose(y.numpy(), ty.numpy(), rtol=1e-12, atol=1e-15)


def test_softmax_without_dim_warns_and_guesses_like_torch():
    x = np.random.default_rng(4).standard_normal((2, 3))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = nn.Softmax()(minigrad.tensor(x))
    with pytest.warns(UserWarning):
        ty = torch.nn.Softmax()(torch.tensor(x))
    assert np.allclose(y.numpy(), ty.numpy(), rtol=1e-12)


@pytest.mark.skipif(not minigrad.random.SCALAR_BERNOULLI_MATCHES_TORCH,
                    reason="on Intel CPUs torch draws dropout masks from an MKL stream (documented in "
                    "minigrad.random)")
def test_dropout_masks_like_torch_after_the_same_seed():
    """torch's CPU dropout: bernoulli_(1 - p) noise, divided by 1 - p, multiplied in.  (torch's
    bernoulli with a scalar p takes an MKL path on Intel CPUs only; see minigrad.random.)"""
    x = np.random.default_rng(5).standard_normal((6, 7)).astype(np.float32)
    for p in [0.1, 0.5, 0.9]:
        minigrad.manual_seed(11)
        torch.manual_seed(11)
        mx, tx = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, ty = nn.Dropout(p)(mx), torch.nn.Dropout(p)(tx)
        assert np.array_equal(y.detach().numpy(), ty.detach().numpy())
        y.sum().backward()
        ty.sum().backward()
        assert np.array_equal(mx.grad.numpy(), tx.grad.numpy())
        assert minigrad.rand(3).tolist() == torch.rand(3).tolist()  # the generators stay in step
    assert (F.dropout(minigrad.tensor(x), 1.0).tolist()
            == torch.nn.functional.dropout(torch.tensor(x), 1.0).tolist())
    assert repr(nn.Dropout(0.2, inplace=True)) == repr(torch.nn.Dropout(0.2, inplace=True))
    with pytest.raises(ValueError):
        nn.Dropout(1.5)
    with pytest.raises(ValueError):
        torch.nn.Dropout(1.5)


@pytest.mark.parametrize("case", ["dtypes", "dtypes without bias", "input dtype", "shapes", "bias size",
                                  "0-d input", "1-D weight", "bias dtype"])
def test_linear_errors_are_torchs(case):
    def call(lib):
        x, w, b = lib.ones(2, 3), lib.ones(5, 3), lib.ones(5)
        if case == "dtypes":
            w = w.double()
        elif case == "dtypes without bias":
            w, b = w.double(), None
        elif case == "input dtype":
            x = x.double()
        elif case == "shapes":
            w = lib.ones(5, 4)
        elif case == "bias size":
            b = lib.ones(4)
        elif case == "0-d input":
            x = lib.tensor(1.0)
        elif case == "1-D weight":
            w = lib.ones(3)
        elif case == "bias dtype":
            b = b.double()
        return lib.nn.functional.linear(x, w, b)
    with pytest.raises(Exception) as t_err:
        call(torch)
    with pytest.raises(Exception) as m_err:
        call(minigrad)
    assert type(m_err.value) is type(t_err.value) and str(m_err.value) == str(t_err.value)
