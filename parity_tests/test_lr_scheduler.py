"""minigrad.optim.lr_scheduler against torch.optim.lr_scheduler: the learning rates every step
(exactly: both compute the same Python floats in the same order), chaining, state_dict, errors."""
import warnings

import pytest
import torch

import minigrad

SCHEDULERS = [
    ("StepLR", {"step_size": 7}),
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [5, 12, 12, 30]}),
    ("MultiStepLR", {"milestones": [0, 4], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.93}),
    ("CosineAnnealingLR", {"T_max": 10}),  # 40 steps: two full periods, down and back up
    ("CosineAnnealingLR", {"T_max": 17, "eta_min": 0.001}),
    ("LambdaLR", {"lr_lambda": lambda epoch: 0.95 ** epoch}),
    ("LambdaLR", {"lr_lambda": [lambda epoch: 1 / (epoch + 1), lambda epoch: epoch % 4]}),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(SCHEDULERS)]


def optimizer(lib, lrs=(0.1, 0.03)):
    groups = [{"params": [lib.tensor([1.0], requires_grad=True)], "lr": lr} for lr in lrs]
    return lib.optim.SGD(groups, lr=0.5, momentum=0.9)


def scheduler(lib, name, kw, opt, **extra):
    return getattr(lib.optim.lr_scheduler, name)(opt, **kw, **extra)


def lr_sequence(lib, name, kw, steps=40):
    opt = optimizer(lib)
    sched = scheduler(lib, name, kw, opt)
    lrs = [sched.get_last_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
        lrs.append(sched.get_last_lr())
    return lrs, sched, opt


@pytest.mark.parametrize(("name", "kw"), SCHEDULERS, ids=IDS)
def test_lr_sequence_equals_torchs(name, kw):
    t_lrs, t_sched, t_opt = lr_sequence(torch, name, kw)
    m_lrs, m_sched, m_opt = lr_sequence(minigrad, name, kw)
    assert m_lrs == t_lrs  # exact: the same float operations on the same floats
    assert m_sched.last_epoch == t_sched.last_epoch == 40
    assert m_sched.base_lrs == t_sched.base_lrs == [0.1, 0.03]
    assert [g["initial_lr"] for g in m_opt.param_groups] == [0.1, 0.03]


def test_two_schedulers_chain_as_in_torch():
    results = []
    for lib in (torch, minigrad):
        opt = optimizer(lib)
        first = lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        second = lib.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
        lrs = []
        for _ in range(20):
            opt.step()
            first.step()
            second.step()
            lrs.append([g["lr"] for g in opt.param_groups])
        results.append(lrs)
    assert results[0] == results[1]


@pytest.mark.parametrize(("name", "kw"), SCHEDULERS[:7], ids=IDS[:7])
def test_state_dict_round_trip_resumes_the_sequence(name, kw):
    """Save the scheduler and optimizer after 13 steps, restore into fresh ones, continue: the
    rest of the sequence equals torch's uninterrupted one."""
    t_lrs, _, _ = lr_sequence(torch, name, kw, steps=30)
    opt = optimizer(minigrad)
    sched = scheduler(minigrad, name, kw, opt)
    for _ in range(13):
        opt.step()
        sched.step()
    sched_state, opt_state = sched.state_dict(), opt.state_dict()
    assert "optimizer" not in sched_state and sched_state["last_epoch"] == 13
    opt2 = optimizer(minigrad)
    sched2 = scheduler(minigrad, name, kw, opt2)
    opt2.load_state_dict(opt_state)
    sched2.load_state_dict(sched_state)
    resumed = [sched2.get_last_lr()]
    for _ in range(17):
        opt2.step()
        sched2.step()
        resumed.append(sched2.get_last_lr())
    assert resumed == t_lrs[13:]


def test_state_dict_keys_match_torchs():
    for name, kw in SCHEDULERS:
        t_keys = set(scheduler(torch, name, kw, optimizer(torch)).state_dict())
        m_keys = set(scheduler(minigrad, name, kw, optimizer(minigrad)).state_dict())
        # torch also keeps a flag for its "get_lr() called outside step()" warning
        assert m_keys == t_keys - {"_get_lr_called_within_step"}, name


def test_lambda_lr_state_dict_saves_callable_objects_but_not_functions():
    class Decay:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, epoch):
            return self.rate ** epoch

    for lib in (torch, minigrad):
        opt = optimizer(lib)
        decay = Decay()
        sched = lib.optim.lr_scheduler.LambdaLR(opt, [decay, lambda e: 1.0])
        decay.rate = 0.25
        state = sched.state_dict()
        assert state["lr_lambdas"] == [{"rate": 0.25}, None]
        decay.rate = 0.9
        sched.load_state_dict(state)
        assert decay.rate == 0.25


def test_resuming_with_last_epoch_uses_initial_lr():
    results = []
    for lib in (torch, minigrad):
        opt = optimizer(lib)
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"]
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, last_epoch=4)
        lrs = [sched.get_last_lr()]
        for _ in range(8):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
        results.append(lrs)
    assert results[0] == results[1]


# ----- errors: same exception class as torch ----------------------------------------------------
def test_scheduler_needs_an_optimizer():
    for lib in (torch, minigrad):
        with pytest.raises(TypeError, match="is not an Optimizer"):
            lib.optim.lr_scheduler.StepLR(object(), step_size=2)


def test_resuming_without_initial_lr():
    for lib in (torch, minigrad):
        with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups"):
            lib.optim.lr_scheduler.StepLR(optimizer(lib), step_size=2, last_epoch=3)


def test_lambda_lr_needs_one_function_per_group():
    for lib in (torch, minigrad):
        with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 3"):
            lib.optim.lr_scheduler.LambdaLR(optimizer(lib), [lambda e: 1.0] * 3)


def test_stepping_the_scheduler_before_the_optimizer_warns():
    for lib in (torch, minigrad):
        opt = optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2)
        with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before"):
            sched.step()
        opt = optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2)
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sched.step()
