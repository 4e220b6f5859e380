"""minigrad.optim against torch.optim: update rules, parameter groups, zero_grad, closures,
state_dict round trips and every error the optimizers raise.

Losses here are written by hand on raw tensors (no nn), so these tests exercise the optimizers
and the autograd core only; test_trajectories.py repeats the trajectories with nn's losses.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import minigrad
from minigrad import optim

# (optimizer, hyperparameters): every option of every algorithm appears at least once
CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "betas": (0.4, 0.6), "eps": 1e-6, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.9, "momentum": 0.5, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01,
                 "initial_accumulator_value": 0.1, "maximize": True}),
    ("Adadelta", {"lr": 1.0}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.01, "maximize": True}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-6, "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "momentum_decay": 0.01, "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.01, "betas": (0.5, 0.9), "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.01}),  # rho_t passes 5 at step 6: both branches within the 30 steps
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
    ("RAdam", {"lr": 0.01, "betas": (0.5, 0.9), "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.01, "maximize": True}),
    ("Rprop", {"lr": 0.01}),  # gradients that flip sign: both the grow and the shrink branches
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2), "maximize": True}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw in CONFIGS]


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """torch's thread pool costs more than it saves on these tiny ops (5x slower with 2 threads
    on a 2-core machine); the results do not depend on it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def make(name, params, lib, **kw):
    # torch's single-tensor rules (foreach=False), which minigrad's follow operation by operation
    return getattr(lib.optim, name)(params, foreach=False, **kw)


def twins(arrays, np_dtype):
    """The same initial values as a torch leaf and a minigrad leaf each."""
    t = [torch.tensor(a.astype(np_dtype), requires_grad=True) for a in arrays]
    m = [minigrad.tensor(a.astype(np_dtype), requires_grad=True) for a in arrays]
    return t, m


def regression_loss(lib, w, b, x, y):
    return ((x @ w + b - y) ** 2).mean()


def logistic_loss(lib, w, b, x, y):
    p = lib.sigmoid(x @ w + b)
    return -(y * lib.log(p) + (1 - y) * lib.log(1 - p)).sum()


def run(name, kw, loss_fn, np_dtype, steps=30, seed=0):
    """Train both libraries from the same start on the same batches; yield both parameter lists
    after every step.  A ``maximize`` optimizer climbs the negated loss, i.e. the same descent."""
    rng = np.random.default_rng(seed)
    w0, b0 = rng.standard_normal((4, 3)), rng.standard_normal(3)
    batches = [(rng.standard_normal((8, 4)), rng.integers(0, 2, (8, 3)).astype(float))
               for _ in range(steps)]
    t_params, m_params = twins([w0, b0], np_dtype)
    opts = {torch: make(name, t_params, torch, **kw), minigrad: make(name, m_params, minigrad, **kw)}
    sign = -1 if kw.get("maximize") else 1
    for x, y in batches:
        for lib, params in ((torch, t_params), (minigrad, m_params)):
            opts[lib].zero_grad()
            loss = sign * loss_fn(lib, *params, lib.tensor(x.astype(np_dtype)),
                                  lib.tensor(y.astype(np_dtype)))
            loss.backward()
            opts[lib].step()
        yield t_params, m_params


def assert_close(t_params, m_params, rtol, atol):
    for t, m in zip(t_params, m_params, strict=True):
        np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("loss_fn", [regression_loss, logistic_loss])
@pytest.mark.parametrize(("name", "kw"), CONFIGS, ids=IDS)
def test_trajectory_float64(name, kw, loss_fn):
    # float64: the same operations in the same order; what remains is torch's fused multiply-add
    # (one rounding where numpy has two) and the gradients' own last-bit differences.  Measured:
    # worst |difference| 7e-16 on parameters of size ~1.  atol only serves entries near zero.
    for t_params, m_params in run(name, kw, loss_fn, np.float64):
        assert_close(t_params, m_params, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("loss_fn", [regression_loss, logistic_loss])
@pytest.mark.parametrize(("name", "kw"), CONFIGS, ids=IDS)
def test_trajectory_float32(name, kw, loss_fn):
    # float32 (eps 1.2e-7): gradients differ from torch's in the last bits (different summation
    # orders in matmul and sum), torch fuses multiply-adds, and the adaptive methods divide by
    # sqrt(v), which turns a relative difference in a tiny gradient entry into a full step's.
    # Measured over all configurations: worst |difference| 4.2e-7, i.e. ~4 ulps of a parameter of
    # size ~1, after 30 steps.  Bound: 2e-6 absolute (16 ulps at 1) plus 1e-5 relative.
    for t_params, m_params in run(name, kw, loss_fn, np.float32):
        assert_close(t_params, m_params, rtol=1e-5, atol=2e-6)


def test_same_gradients_give_nearly_identical_updates():
    # Feed both optimizers the very same gradient arrays: then only the update arithmetic differs,
    # by torch's fused multiply-adds.  Parameters stay within 1e-13 relative after 30 steps.
    rng = np.random.default_rng(1)
    for name, kw in CONFIGS:
        (t,), (m,) = twins([rng.standard_normal((5, 4))], np.float64)
        t_opt, m_opt = make(name, [t], torch, **kw), make(name, [m], minigrad, **kw)
        for _ in range(30):
            g = rng.standard_normal((5, 4))
            t.grad, m.grad = torch.tensor(g), minigrad.tensor(g)
            t_opt.step()
            m_opt.step()
        np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-13, atol=1e-15,
                                   err_msg=f"{name} {kw}")


def test_param_groups_with_their_own_hyperparameters():
    rng = np.random.default_rng(2)
    w0, b0 = rng.standard_normal((4, 3)), rng.standard_normal(3)
    x, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 3))
    results = []
    for lib in (torch, minigrad):
        w, b = (lib.tensor(a, requires_grad=True) for a in (w0, b0))
        groups = [{"params": [w]}, {"params": [b], "lr": 0.5, "momentum": 0.0}]
        opt = lib.optim.SGD(groups, lr=0.1, momentum=0.9)
        assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["momentum"] == 0.0
        assert opt.param_groups[0]["momentum"] == 0.9
        for _ in range(5):
            opt.zero_grad()
            regression_loss(lib, w, b, lib.tensor(x), lib.tensor(y)).backward()
            opt.step()
        results.append((w.detach().numpy().copy(), b.detach().numpy().copy()))
    for t, m in zip(*results, strict=True):
        np.testing.assert_allclose(m, t, rtol=1e-12)


def test_add_param_group_and_params_without_grad_are_skipped():
    for lib in (torch, minigrad):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0], requires_grad=True)
        opt = lib.optim.Adam([a], lr=0.1)
        opt.add_param_group({"params": b, "lr": 0.2})  # a lone tensor is accepted
        assert [g["lr"] for g in opt.param_groups] == [0.1, 0.2]
        assert opt.param_groups[1]["betas"] == (0.9, 0.999)  # filled from the defaults
        (a * a).sum().backward()
        opt.step()
        assert b.tolist() == [3.0] and len(opt.state) == 1  # no grad: untouched, no state


def test_zero_grad_to_none_or_in_place():
    for lib in (torch, minigrad):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        (w * w).sum().backward()
        grad = w.grad
        opt.zero_grad(set_to_none=False)
        assert w.grad is grad and grad.tolist() == [0.0, 0.0]
        opt.zero_grad()
        assert w.grad is None


@pytest.mark.parametrize("lib", [torch, minigrad])
def test_step_with_closure_returns_its_loss_and_runs_it_with_grad_enabled(lib):
    w = lib.tensor([1.0, -2.0], requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with lib.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 5.0 and w.tolist() == [0.5, -1.0]
    assert opt.step() is None


def test_step_bumps_the_version_so_stale_graphs_refuse_backward():
    # The update writes the parameter in place; a graph that saved the old value must notice.
    for lib in (torch, minigrad):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        loss = (w * w).sum()   # saves w for its backward
        w.grad = lib.ones(2)
        version = w._version
        opt.step()
        assert w._version > version
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            loss.backward()


def test_state_dict_has_torchs_layout():
    rng = np.random.default_rng(3)
    for name, kw in CONFIGS:
        t_params, m_params = twins([rng.standard_normal((2, 3)), rng.standard_normal(3)], np.float64)
        t_opt = make(name, [{"params": [t_params[0]]}, {"params": [t_params[1]], "lr": 0.3}], torch, **kw)
        m_opt = make(name, [{"params": [m_params[0]]}, {"params": [m_params[1]], "lr": 0.3}],
                     minigrad, **kw)
        g = rng.standard_normal(9)
        for lib, params, opt in ((torch, t_params, t_opt), (minigrad, m_params, m_opt)):
            params[0].grad, params[1].grad = lib.tensor(g[:6].reshape(2, 3)), lib.tensor(g[6:])
            opt.step()
        t_sd, m_sd = t_opt.state_dict(), m_opt.state_dict()
        assert list(m_sd) == ["state", "param_groups"]
        assert sorted(m_sd["state"]) == sorted(t_sd["state"])  # SGD without momentum: none
        for i in t_sd["state"]:
            assert sorted(m_sd["state"][i]) == sorted(t_sd["state"][i])
            for key, value in t_sd["state"][i].items():
                assert m_sd["state"][i][key].dtype.name == str(value.dtype).split(".")[1]
        for t_group, m_group in zip(t_sd["param_groups"], m_sd["param_groups"], strict=True):
            assert m_group == t_group and list(m_group) == list(t_group)  # same keys, same order
            for key, value in t_group.items():
                assert type(m_group[key]) is type(value), key


@pytest.mark.parametrize(("name", "kw"), CONFIGS, ids=IDS)
def test_state_dict_round_trip_continues_identically(name, kw):
    """Train 5 steps, copy the optimizer's state into a fresh optimizer over copies of the
    parameters, and train both 5 more steps: they must stay bit-identical."""
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 3))
    w, b = (minigrad.tensor(a, requires_grad=True) for a in (rng.standard_normal((4, 3)),
                                                           rng.standard_normal(3)))
    opt = make(name, [w, b], minigrad, **kw)

    def train(params, optimizer, steps):
        for _ in range(steps):
            optimizer.zero_grad()
            regression_loss(minigrad, *params, minigrad.tensor(x), minigrad.tensor(y)).backward()
            optimizer.step()

    train([w, b], opt, 5)
    saved = opt.state_dict()
    saved = {"state": {i: {k: v.clone() for k, v in s.items()} for i, s in saved["state"].items()},
             "param_groups": saved["param_groups"]}
    w2, b2 = (p.detach().clone().requires_grad_() for p in (w, b))
    opt2 = make(name, [w2, b2], minigrad, **kw)
    opt2.load_state_dict(saved)
    train([w, b], opt, 5)
    train([w2, b2], opt2, 5)
    if name in RETYPED_ON_LOAD:
        # the float32 scalars come back as float64 (torch's rule, checked in the next test), so the
        # resumed run rounds them less: float32's rounding of mu_product / eta, relative 6e-8 of
        # a step coefficient, times 5 steps of size ~lr
        np.testing.assert_allclose(w2.detach().numpy(), w.detach().numpy(), rtol=0, atol=1e-8)
        np.testing.assert_allclose(b2.detach().numpy(), b.detach().numpy(), rtol=0, atol=1e-8)
        return
    assert np.array_equal(w.detach().numpy(), w2.detach().numpy())
    assert np.array_equal(b.detach().numpy(), b2.detach().numpy())


# optimizers with scalar state besides ``step`` (NAdam's mu_product, ASGD's eta and mu): 0-d
# tensors in float32 that load_state_dict casts to the parameter's dtype, as it casts all
# floating state except ``step``
RETYPED_ON_LOAD = {"NAdam", "ASGD"}


@pytest.mark.parametrize("name", sorted(RETYPED_ON_LOAD))
def test_load_state_dict_casts_scalar_state_as_torch_does(name):
    dtypes = []
    for lib in (torch, minigrad):
        w = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        opt = getattr(lib.optim, name)([w])
        w.grad = lib.ones(2, dtype=lib.float64)
        opt.step()
        w2 = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        opt2 = getattr(lib.optim, name)([w2])
        opt2.load_state_dict(opt.state_dict())
        dtypes.append([(k, str(opt.state[w][k].dtype).split(".")[1], str(v.dtype).split(".")[1])
                       for k, v in opt2.state[w2].items()])
    assert dtypes[1] == dtypes[0]


def test_load_state_dict_casts_buffers_to_the_parameter_dtype_but_not_step():
    for lib in (torch, minigrad):
        w64 = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        opt = lib.optim.Adam([w64], lr=0.1)
        w64.grad = lib.ones(2, dtype=lib.float64)
        opt.step()
        w32 = lib.tensor([1.0, 2.0], requires_grad=True)
        opt32 = lib.optim.Adam([w32], lr=0.1)
        opt32.load_state_dict(opt.state_dict())
        state = opt32.state[w32]
        assert state["exp_avg"].dtype == lib.float32 and state["step"].dtype == lib.float32
        assert state["step"].item() == 1.0


def test_repr_lists_every_group():
    w = minigrad.tensor([1.0], requires_grad=True)
    text = repr(optim.SGD([w], lr=0.5))
    assert text.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.5\n" in text


OPTIMIZERS = sorted({name for name, _ in CONFIGS})


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_print_and_group_keys_equal_torchs_with_the_defaults(name):
    """torch lists every default of the group, its implementation switches (``foreach``,
    ``fused``, ``capturable``, ``differentiable``) included."""
    t_opt = getattr(torch.optim, name)([leaf(torch)])
    m_opt = getattr(optim, name)([leaf(minigrad)])
    assert str(m_opt) == str(t_opt)
    assert list(m_opt.param_groups[0]) == list(t_opt.param_groups[0])
    assert list(m_opt.defaults) == list(t_opt.defaults)


@pytest.mark.parametrize(("name", "kw"), CONFIGS, ids=IDS)
def test_print_with_hyperparameters_and_two_groups(name, kw):
    texts = []
    for lib in (torch, minigrad):
        opt = make(name, [leaf(lib)], lib, **kw)
        opt.add_param_group({"params": [leaf(lib)], "lr": 0.125})
        texts.append(repr(opt))
    assert texts[1] == texts[0]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_foreach_true_runs_the_same_update(name):
    """torch's multi-tensor kernels run on its CPU; minigrad accepts ``foreach=True`` and computes
    the same update.  float64, 10 steps of the same gradients: torch's foreach kernels round
    a few operations differently (fused multiply-adds), ~1e-16 relative per step."""
    rng = np.random.default_rng(7)
    (t,), (m,) = twins([rng.standard_normal((3, 4))], np.float64)
    # torch's multi-tensor ASGD computes the new eta in float32 arithmetic, an ulp of float32 off
    # its single-tensor value (which rounds the exact float64 value once): minigrad follows the latter
    t_opt = getattr(torch.optim, name)([t], foreach=name != "ASGD")
    m_opt = getattr(optim, name)([m], foreach=True)
    assert m_opt.param_groups[0]["foreach"] is True
    for _ in range(10):
        g = rng.standard_normal((3, 4))
        t.grad, m.grad = torch.tensor(g), minigrad.tensor(g)
        t_opt.step()
        m_opt.step()
    np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad"])
def test_fused_is_accepted_and_cannot_combine_with_foreach(name):
    for lib in (torch, minigrad):
        assert getattr(lib.optim, name)([leaf(lib)], fused=True).param_groups[0]["fused"] is True
    both_raise(RuntimeError, lambda lib: getattr(lib.optim, name)([leaf(lib)], fused=True, foreach=True),
               "`fused` and `foreach` cannot be `True` together.")


@pytest.mark.parametrize("name", [n for n in OPTIMIZERS if n not in ("SGD", "Adagrad")])
def test_capturable_fails_at_step_as_on_torchs_cpu(name):
    def capturable_step(lib):
        w = leaf(lib)
        opt = getattr(lib.optim, name)([w], capturable=True)
        w.grad = lib.ones(2)
        opt.step()
    both_raise(AssertionError, capturable_step,
               r"If capturable=True, params.* and state_steps must be on supported devices")


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_differentiable_is_refused_clearly(name):
    with pytest.raises(NotImplementedError, match="differentiable=True is not supported"):
        getattr(optim, name)([leaf(minigrad)], differentiable=True)


# ----- errors: same exception class as torch ---------------------------------------------------------
def both_raise(exc, fn, match=None):
    """``fn(lib)`` raises ``exc`` for torch and for minigrad (with the same message, if given)."""
    for lib in (torch, minigrad):
        with pytest.raises(exc, match=match):
            fn(lib)


def leaf(lib):
    return lib.tensor([1.0, 2.0], requires_grad=True)


@pytest.mark.parametrize(("name", "kw", "match"), [
    ("SGD", {"lr": -1}, "Invalid learning rate: -1"),
    ("SGD", {"momentum": -0.1}, "Invalid momentum value: -0.1"),
    ("SGD", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("SGD", {"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "Nesterov momentum requires"),
    ("Adam", {"lr": -0.5}, "Invalid learning rate: -0.5"),
    ("Adam", {"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
    ("Adam", {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
    ("Adam", {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
    ("Adam", {"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
    ("AdamW", {"lr": -1}, "Invalid learning rate: -1"),
    ("AdamW", {"betas": (0.9, 1.5)}, "Invalid beta parameter at index 1: 1.5"),
    ("RMSprop", {"lr": -1}, "Invalid learning rate"),
    ("RMSprop", {"eps": -1}, "Invalid epsilon value: -1"),
    ("RMSprop", {"momentum": -1}, "Invalid momentum value: -1"),
    ("RMSprop", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("RMSprop", {"alpha": -1}, "Invalid alpha value: -1"),
    ("Adagrad", {"lr": -1}, "Invalid learning rate"),
    ("Adagrad", {"lr_decay": -1}, "Invalid lr_decay value: -1"),
    ("Adagrad", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("Adagrad", {"initial_accumulator_value": -1}, "Invalid initial_accumulator_value value: -1"),
    ("Adagrad", {"eps": -1}, "Invalid epsilon value: -1"),
    ("Adadelta", {"lr": -1}, "Invalid learning rate: -1"),
    ("Adadelta", {"rho": 1.5}, "Invalid rho value: 1.5"),
    ("Adadelta", {"rho": -0.1}, "Invalid rho value: -0.1"),
    ("Adadelta", {"eps": -1}, "Invalid epsilon value: -1"),
    ("Adadelta", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("Adamax", {"lr": -1}, "Invalid learning rate: -1"),
    ("Adamax", {"eps": -1}, "Invalid epsilon value: -1"),
    ("Adamax", {"betas": (1.0, 0.9)}, "Invalid beta parameter at index 0: 1.0"),
    ("Adamax", {"betas": (0.9, -1)}, "Invalid beta parameter at index 1: -1"),
    ("Adamax", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("NAdam", {"lr": -1}, "Invalid learning rate: -1"),
    ("NAdam", {"eps": -1}, "Invalid epsilon value: -1"),
    ("NAdam", {"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1: 1.0"),
    ("NAdam", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("NAdam", {"momentum_decay": -1}, "Invalid momentum_decay value: -1"),
    ("RAdam", {"lr": -1}, "Invalid learning rate: -1"),
    ("RAdam", {"eps": -1}, "Invalid epsilon value: -1"),
    ("RAdam", {"betas": (-0.5, 0.9)}, "Invalid beta parameter at index 0: -0.5"),
    ("RAdam", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("ASGD", {"lr": -1}, "Invalid learning rate: -1"),
    ("ASGD", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
])
def test_invalid_hyperparameters(name, kw, match):
    both_raise(ValueError, lambda lib: getattr(lib.optim, name)([leaf(lib)], **kw), match)


def test_empty_parameter_list():
    both_raise(ValueError, lambda lib: lib.optim.SGD([], lr=0.1), "optimizer got an empty parameter list")
    both_raise(ValueError, lambda lib: lib.optim.Adam(iter([])), "empty parameter list")


def test_params_must_be_an_iterable_not_a_tensor():
    both_raise(TypeError, lambda lib: lib.optim.SGD(leaf(lib), lr=0.1),
               "params argument given to the optimizer should be an iterable of Tensors or dicts")


def test_params_must_be_tensors():
    both_raise(TypeError, lambda lib: lib.optim.SGD([1.0], lr=0.1),
               "optimizer can only optimize Tensors")


def test_params_must_be_leaves():
    both_raise(ValueError, lambda lib: lib.optim.SGD([leaf(lib) * 2], lr=0.1),
               "can't optimize a non-leaf Tensor")


def test_params_in_a_set_are_refused():
    both_raise(TypeError, lambda lib: lib.optim.SGD([{"params": {leaf(lib)}}], lr=0.1),
               "optimizer parameters need to be organized in ordered collections")


def test_parameter_in_two_groups():
    def two_groups(lib):
        w = leaf(lib)
        lib.optim.SGD([{"params": [w]}, {"params": [w], "lr": 0.5}], lr=0.1)
    both_raise(ValueError, two_groups, "some parameters appear in more than one parameter group")


def test_add_param_group_needs_a_dict():
    both_raise(TypeError, lambda lib: lib.optim.SGD([leaf(lib)]).add_param_group([leaf(lib)]),
               "param_group must be a dict")


def test_named_and_unnamed_params_do_not_mix():
    both_raise(ValueError, lambda lib: lib.optim.SGD([("w", leaf(lib)), leaf(lib)]),
               "all optimizer params should be with/without names")

    def mixed_groups(lib):
        opt = lib.optim.SGD([("w", leaf(lib))])
        opt.add_param_group({"params": [leaf(lib)]})
    both_raise(ValueError, mixed_groups, "all optimizer param groups should be with/without names")


def test_named_params_keep_their_names_in_state_dict():
    for lib in (torch, minigrad):
        opt = lib.optim.SGD([("weight", leaf(lib)), ("bias", leaf(lib))], lr=0.1)
        assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


def test_duplicate_parameters_warn():
    for lib in (torch, minigrad):
        w = leaf(lib)
        with pytest.warns(UserWarning, match="duplicate parameters"):
            lib.optim.SGD([w, w], lr=0.1)


def test_load_state_dict_with_other_groups():
    def fewer_groups(lib):
        a, b = leaf(lib), leaf(lib)
        sd = lib.optim.SGD([{"params": [a]}, {"params": [b]}]).state_dict()
        lib.optim.SGD([leaf(lib)]).load_state_dict(sd)

    def other_sizes(lib):
        sd = lib.optim.SGD([leaf(lib), leaf(lib)]).state_dict()
        lib.optim.SGD([leaf(lib)]).load_state_dict(sd)
    both_raise(ValueError, fewer_groups, "different number of parameter groups")
    both_raise(ValueError, other_sizes, "doesn't match the size of optimizer's group")




# ----- bit for bit, against torch's plain (non-SIMD) kernels ---------------------------------------
# With its default SIMD kernels torch fuses multiply-adds, which numpy cannot do (at most an ulp
# per op, covered by the tolerances above).  Forced to its scalar kernels (ATEN_CPU_CAPABILITY=
# default, read when torch is imported, hence the subprocess) torch rounds every operation
# separately, like numpy, so the same operations in the same order must give the same bits.  The
# one exception is sqrt: torch takes it from MKL's vector math library, which is accurate to
# within an ulp but not correctly rounded (numpy's is), so values computed after a sqrt (the
# adaptive methods' parameters, RMSprop's momentum buffer) are allowed 2 ulps.  Each step starts
# from torch's parameters and state, so an ulp of sqrt difference cannot accumulate.
_RECORD_TORCH_STEPS = """
import json
import sys
import numpy as np
import torch
torch.set_num_threads(1)
out = {}
for np_dtype in (np.float64, np.float32):
    for c, (name, kw) in enumerate(json.loads(sys.argv[2])):
        rng = np.random.default_rng(c)
        p = torch.tensor(rng.standard_normal((7, 5)).astype(np_dtype), requires_grad=True)
        opt = getattr(torch.optim, name)([p], foreach=False, **kw)
        for step in range(10):
            key = f"{np.dtype(np_dtype).name}/{c}/{step}/"
            out[key + "p"] = p.detach().numpy().copy()
            p.grad = torch.tensor(rng.standard_normal((7, 5)).astype(np_dtype))
            out[key + "grad"] = p.grad.numpy().copy()
            opt.step()
            out[key + "p_after"] = p.detach().numpy().copy()
            for k, v in opt.state[p].items():
                out[key + "state/" + k] = v.numpy().copy()
np.savez(sys.argv[1], **out)
"""
_AFTER_SQRT = {"momentum_buffer", "acc_delta"}  # RMSprop's adds grad / sqrt(...), Adadelta's squares one


@pytest.fixture(scope="module")
def torch_scalar_kernel_steps(tmp_path_factory):
    path = tmp_path_factory.mktemp("optim") / "torch_steps.npz"
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default")
    subprocess.run([sys.executable, "-c", _RECORD_TORCH_STEPS, str(path), json.dumps(CONFIGS)],
                   env=env, check=True)
    return dict(np.load(path))


@pytest.mark.parametrize("np_dtype", [np.float64, np.float32])
@pytest.mark.parametrize("config", range(len(CONFIGS)), ids=IDS)
def test_update_arithmetic_is_torchs_bit_for_bit(torch_scalar_kernel_steps, config, np_dtype):
    ref = torch_scalar_kernel_steps
    name, kw = CONFIGS[config]
    p = minigrad.tensor(np.zeros((7, 5), np_dtype), requires_grad=True)
    opt = make(name, [p], minigrad, **kw)
    for step in range(10):
        key = f"{np.dtype(np_dtype).name}/{config}/{step}/"
        before = {"p": ref[key + "p"]}
        p._array[...] = before["p"]
        if step:  # start from torch's state after its previous step
            for k, v in opt.state[p].items():
                before[k] = ref[f"{np.dtype(np_dtype).name}/{config}/{step - 1}/state/{k}"]
                v._array[...] = before[k]
        p.grad = minigrad.tensor(ref[key + "grad"])
        opt.step()
        assert sorted(opt.state[p]) == sorted(k.split("/")[-1] for k in ref
                                              if k.startswith(key + "state/"))
        results = {"p": (p._array, ref[key + "p_after"])}
        results.update({k: (v._array, ref[key + "state/" + k]) for k, v in opt.state[p].items()})
        after_sqrt = {"p"} | _AFTER_SQRT if name != "SGD" else set()
        for k, (mine, theirs) in results.items():
            if k in after_sqrt:
                # a few ulps of the step's terms, bounded by |old value| + |new value| (a sum that
                # cancels to almost nothing keeps the absolute error of its terms): 2 ulps where
                # torch's float32 sqrt is correctly rounded; on AMD EPYC it is not (sqrt(0.012773077)
                # is 0.11301804 in torch, 0.113018036 in IEEE), and Adadelta squares the quotient
                # of two such roots, so 4 there
                ulps = 4 if np_dtype == np.float32 and name == "Adadelta" else 2
                scale = np.abs(theirs) + (np.abs(before[k]) if k in before else 0)
                assert np.all(np.abs(mine - theirs) <= ulps * np.spacing(scale)), f"step {step}: {k}"
            else:
                assert np.array_equal(mine, theirs), f"step {step}: {k} differs"


def test_the_base_class_has_no_update_rule():
    for lib in (torch, minigrad):
        w = leaf(lib)
        w.grad = lib.ones(2)
        with pytest.raises(NotImplementedError):
            lib.optim.Optimizer([w], {"lr": 0.1}).step()


@pytest.mark.parametrize(("name", "kw"), CONFIGS, ids=IDS)
def test_a_torch_state_dict_loads_and_training_continues_alike(name, kw):
    """The formats are the same: torch's optimizer state (tensors converted) resumes in minigrad
    and the two continue on the same trajectory."""
    rng = np.random.default_rng(6)
    x, y = rng.standard_normal((8, 4)), rng.integers(0, 2, (8, 3)).astype(float)
    sign = -1 if kw.get("maximize") else 1
    t_params, _ = twins([rng.standard_normal((4, 3)), rng.standard_normal(3)], np.float64)
    t_opt = make(name, t_params, torch, **kw)

    def train(lib, params, opt):
        for _ in range(5):
            opt.zero_grad()
            (sign * logistic_loss(lib, *params, lib.tensor(x), lib.tensor(y))).backward()
            opt.step()

    train(torch, t_params, t_opt)
    m_params = [minigrad.tensor(p.detach().numpy().copy(), requires_grad=True) for p in t_params]
    m_opt = make(name, m_params, minigrad, **kw)
    t_state = t_opt.state_dict()
    m_opt.load_state_dict({
        "state": {i: {k: minigrad.tensor(v.numpy().copy()) for k, v in s.items()}
                  for i, s in t_state["state"].items()},
        "param_groups": t_state["param_groups"]})
    # torch resumes from its own state_dict too (loading re-types some state: RETYPED_ON_LOAD)
    t_params = [p.detach().clone().requires_grad_() for p in t_params]
    t_opt = make(name, t_params, torch, **kw)
    t_opt.load_state_dict(t_state)
    train(torch, t_params, t_opt)
    train(minigrad, m_params, m_opt)
    # float64, 5 steps: as test_trajectory_float64
    assert_close(t_params, m_params, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", ["Adam", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD"])
def test_scalar_state_follows_a_float64_default_dtype(name):
    """torch keeps ``step`` (and NAdam's mu_product, ASGD's eta and mu) in float64 when that is the
    default dtype, whatever the parameters' dtype: float32 parameters then train with float64
    scalars.  Same gradients, 8 steps: float32 rounding of each update, a few ulps (rtol 1e-6)."""
    rng = np.random.default_rng(8)
    w0 = rng.standard_normal(4).astype(np.float32)
    grads = [rng.standard_normal(4).astype(np.float32) for _ in range(8)]
    results = []
    for lib in (torch, minigrad):
        previous = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        try:
            w = lib.tensor(w0, requires_grad=True)
            opt = make(name, [w], lib, **({"t0": 3} if name == "ASGD" else {}))
            for g in grads:
                w.grad = lib.tensor(g)
                opt.step()
            results.append((w.detach().numpy().copy(),
                            {k: str(v.dtype).split(".")[1] for k, v in opt.state[w].items()}))
        finally:
            lib.set_default_dtype(previous)
    assert results[1][1] == results[0][1]
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-6)


# ----- LBFGS: step(closure), several evaluations per step ---------------------------------------------
def _lbfgs_run(lib, dtype, steps=4, **kw):
    """A small non-convex regression; per step the loss, then the weights and the evaluation
    counts torch keeps in the first parameter's state."""
    rng = np.random.default_rng(0)
    X = lib.tensor(rng.normal(size=(40, 3)), dtype=dtype)
    w_true = lib.tensor([1.5, -2.0, 0.5], dtype=dtype)
    y = (X @ w_true).tanh() + 0.1 * lib.tensor(rng.normal(size=40), dtype=dtype)
    w = lib.zeros(3, dtype=dtype, requires_grad=True)
    b = lib.zeros(1, dtype=dtype, requires_grad=True)
    opt = lib.optim.LBFGS([w, b], **kw)

    def closure():
        opt.zero_grad()
        loss = (((X @ w + b).tanh() - y) ** 2).mean() + 0.01 * (w ** 4).sum()
        loss.backward()
        return loss
    losses = [opt.step(closure).item() for _ in range(steps)]
    return losses, w.detach().numpy(), opt.state[w]["func_evals"], opt.state[w]["n_iter"]


@pytest.mark.parametrize("kw", [{}, {"lr": 0.5, "max_iter": 5}, {"line_search_fn": "strong_wolfe"},
                                {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 30},
                                {"max_iter": 100, "tolerance_change": 1e-6}])
def test_lbfgs_follows_torchs_iterates(kw):
    """float64: the same two-loop recursion and line search, the same stopping decisions (the
    evaluation counts are equal) and iterates to rounding."""
    (t_loss, t_w, t_evals, t_iter), (m_loss, m_w, m_evals, m_iter) = (
        _lbfgs_run(lib, lib.float64, **kw) for lib in (torch, minigrad))
    assert (m_evals, m_iter) == (t_evals, t_iter)
    np.testing.assert_allclose(m_loss, t_loss, rtol=1e-12)
    np.testing.assert_allclose(m_w, t_w, rtol=1e-10, atol=1e-12)  # ~100 dependent float64 updates


@pytest.mark.parametrize("kw", [{}, {"line_search_fn": "strong_wolfe"}])
def test_lbfgs_float32(kw):
    """float32 dot products are summed in another order by torch's BLAS: iterates agree to float32
    rounding amplified over the iterations; stopping at a tolerance can then flip by an
    iteration, so these settings stop on max_iter."""
    (t_loss, t_w, *_), (m_loss, m_w, *_) = (_lbfgs_run(lib, lib.float32, **kw) for lib in (torch, minigrad))
    np.testing.assert_allclose(m_loss, t_loss, rtol=1e-5)
    np.testing.assert_allclose(m_w, t_w, rtol=1e-4, atol=1e-5)


def test_lbfgs_print_state_dict_and_refusals_are_torchs():
    def run(lib):
        w = lib.zeros(2, requires_grad=True)
        opt = lib.optim.LBFGS([w], line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = ((w - 1) ** 2).sum()
            loss.backward()
            return loss
        opt.step(closure)
        state = opt.state_dict()["state"][0]
        errors = []
        two_groups = [{"params": [w]}, {"params": [lib.zeros(1, requires_grad=True)]}]
        for kw in ({"params": two_groups}, {"params": [w], "lr": -1.0}):
            with pytest.raises(ValueError) as info:
                lib.optim.LBFGS(**kw)
            errors.append(str(info.value))
        return str(opt), sorted(state), state["n_iter"], w.tolist(), errors
    assert run(minigrad) == run(torch)
