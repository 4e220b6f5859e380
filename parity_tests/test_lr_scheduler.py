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
    ("MultiplicativeLR", {"lr_lambda": lambda epoch: 0.97 if epoch % 3 else 1.01}),
    ("ConstantLR", {}),
    ("ConstantLR", {"factor": 0.2, "total_iters": 9}),
    ("LinearLR", {}),
    ("LinearLR", {"start_factor": 0.9, "end_factor": 0.05, "total_iters": 25}),
    ("PolynomialLR", {}),
    ("PolynomialLR", {"total_iters": 30, "power": 2.5}),
    ("CosineAnnealingWarmRestarts", {"T_0": 7}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.002}),
    ("OneCycleLR", {"max_lr": 0.8, "total_steps": 40}),  # all 40 steps: up, down, to the end
    ("OneCycleLR", {"max_lr": [1.0, 0.3], "epochs": 4, "steps_per_epoch": 11, "pct_start": 0.25,
                    "anneal_strategy": "linear", "three_phase": True, "div_factor": 10.0}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4}),  # 40 steps: five cycles
    ("CyclicLR", {"base_lr": [0.01, 0.002], "max_lr": 0.1, "step_size_up": 3, "step_size_down": 5,
                  "mode": "triangular2"}),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 4, "mode": "exp_range", "gamma": 0.9}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "scale_fn": lambda x: 0.8 ** x,
                  "scale_mode": "iterations", "max_momentum": 0.95}),
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
    assert m_sched.base_lrs == t_sched.base_lrs
    assert [g["initial_lr"] for g in m_opt.param_groups] == [g["initial_lr"] for g in t_opt.param_groups]
    if name not in ("OneCycleLR", "CyclicLR"):  # which set initial_lr (max_lr / div_factor, base_lr)
        assert m_sched.base_lrs == [0.1, 0.03]
    # every group entry, the momentum (cycled by OneCycleLR) included
    assert [sorted((k, v) for k, v in g.items() if k != "params") for g in m_opt.param_groups] == \
        [sorted((k, v) for k, v in g.items() if k != "params") for g in t_opt.param_groups]


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


# all but LambdaLR, whose functions are not saved (test_lambda_lr_state_dict_saves_...)
ROUND_TRIP = [i for i, (name, _) in enumerate(SCHEDULERS) if name != "LambdaLR"]


@pytest.mark.parametrize(("name", "kw"), [SCHEDULERS[i] for i in ROUND_TRIP],
                         ids=[IDS[i] for i in ROUND_TRIP])
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


# ----- OneCycleLR: the momentum cycles against the lr ---------------------------------------------------
@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("kw", [{}, {"three_phase": True, "anneal_strategy": "linear",
                                     "base_momentum": [0.8, 0.7], "max_momentum": 0.9}])
def test_one_cycle_cycles_sgd_momentum_and_adam_beta1(opt_name, kw):
    runs = []
    for lib in (torch, minigrad):
        groups = [{"params": [lib.tensor([1.0], requires_grad=True)]},
                  {"params": [lib.tensor([2.0], requires_grad=True)], "lr": 0.01}]
        extra = {"momentum": 0.9} if opt_name == "SGD" else {}
        opt = getattr(lib.optim, opt_name)(groups, lr=0.1, **extra)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=[0.5, 0.05], total_steps=20, **kw)
        key = "momentum" if opt_name == "SGD" else "betas"
        run = [(sched.get_last_lr(), [g[key] for g in opt.param_groups])]
        for _ in range(20):
            opt.step()
            sched.step()
            run.append((sched.get_last_lr(), [g[key] for g in opt.param_groups]))
        runs.append(run)
    assert runs[1] == runs[0]


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_cyclic_cycles_sgd_momentum_and_adam_beta1_and_refuses_as_torch(opt_name):
    runs = []
    for lib in (torch, minigrad):
        extra = {"momentum": 0.9} if opt_name == "SGD" else {}
        opt = getattr(lib.optim, opt_name)([lib.tensor([1.0], requires_grad=True)], lr=0.1, **extra)
        sched = lib.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=3)
        key = "momentum" if opt_name == "SGD" else "betas"
        run = [(sched.get_last_lr(), opt.param_groups[0][key])]
        for _ in range(12):
            opt.step()
            sched.step()
            run.append((sched.get_last_lr(), opt.param_groups[0][key]))
        for bad in ({"optimizer": lib.optim.Adagrad}, {"mode": "sawtooth"}):
            make = bad.get("optimizer", lib.optim.SGD)
            o = make([lib.tensor([1.0], requires_grad=True)], lr=0.1, **({} if "optimizer" in bad else extra))
            with pytest.raises(ValueError) as info:
                lib.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, mode=bad.get("mode", "triangular"))
            run.append(str(info.value))
        runs.append(run)
    assert runs[1] == runs[0]


def test_one_cycle_refuses_a_step_past_total_steps():
    for lib in (torch, minigrad):
        opt = optimizer(lib)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
        for _ in range(3):
            opt.step()
            sched.step()
        with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps"):
            sched.step()


# ----- ReduceLROnPlateau ----------------------------------------------------------------------------
METRICS = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.899, 0.8999, 0.91, 0.92, 0.93, 0.94, 0.5, 0.6, 0.7,
           0.8, 0.9, 1.0, 1.1, 1.2, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49]


@pytest.mark.parametrize("kw", [
    {"patience": 2},
    {"patience": 1, "factor": 0.5, "cooldown": 2, "min_lr": 0.02},
    {"mode": "max", "patience": 0, "threshold": 0.05, "min_lr": [0.05, 0.001]},
    {"threshold_mode": "abs", "threshold": 0.01, "patience": 1, "factor": 0.3, "eps": 0.005},
    {"mode": "max", "threshold_mode": "abs", "threshold": 0.0, "patience": 3},
])
def test_reduce_on_plateau_follows_the_metric_as_torch_does(kw):
    runs = []
    for lib in (torch, minigrad):
        opt = optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        run = [sched.get_last_lr()]
        for metric in METRICS:
            opt.step()
            sched.step(lib.tensor(metric) if metric == 0.5 else metric)  # a 0-d tensor is a metric too
            run.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter, sched.best))
        runs.append((run, sorted(sched.state_dict())))
    assert runs[1] == runs[0]


def test_reduce_on_plateau_state_dict_round_trip():
    t_run = []
    opt = optimizer(torch)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=1)
    for metric in METRICS:
        sched.step(metric)
        t_run.append(sched.get_last_lr())
    opt = optimizer(minigrad)
    sched = minigrad.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=1)
    m_run = []
    for metric in METRICS[:9]:
        sched.step(metric)
        m_run.append(sched.get_last_lr())
    opt2 = optimizer(minigrad)
    opt2.load_state_dict(opt.state_dict())
    sched2 = minigrad.optim.lr_scheduler.ReduceLROnPlateau(opt2, mode="max")
    sched2.load_state_dict(sched.state_dict())
    for metric in METRICS[9:]:
        sched2.step(metric)
        m_run.append(sched2.get_last_lr())
    assert m_run == t_run


# ----- SequentialLR and ChainedScheduler ------------------------------------------------------------
def _sequential(lib, opt):
    sch = lib.optim.lr_scheduler
    return sch.SequentialLR(opt, [sch.LinearLR(opt, start_factor=0.1, total_iters=4),
                                  sch.CosineAnnealingLR(opt, T_max=6, eta_min=0.001),
                                  sch.ExponentialLR(opt, gamma=0.9)], milestones=[4, 10])


def _chained(lib, opt):
    sch = lib.optim.lr_scheduler
    return sch.ChainedScheduler([sch.ConstantLR(opt, factor=0.5, total_iters=3),
                                 sch.ExponentialLR(opt, gamma=0.95)], optimizer=opt)


def _nested(lib, opt):
    # a SequentialLR inside a ChainedScheduler (not the other way round: at a milestone SequentialLR
    # restarts its next scheduler from epoch 0, which a ChainedScheduler cannot do, in torch either)
    sch = lib.optim.lr_scheduler
    warm_then_step = sch.SequentialLR(opt, [sch.LinearLR(opt, start_factor=0.2, total_iters=3),
                                            sch.StepLR(opt, 2, 0.5)], milestones=[3])
    return sch.ChainedScheduler([warm_then_step, sch.MultiplicativeLR(opt, lambda e: 0.99)])


@pytest.mark.parametrize("build", [_sequential, _chained, _nested])
def test_composite_schedulers_equal_torchs(build):
    runs = []
    for lib in (torch, minigrad):
        opt = optimizer(lib)
        sched = build(lib, opt)
        run = [(sched.get_last_lr(), sched.last_epoch if hasattr(sched, "last_epoch") else None)]
        for _ in range(20):
            opt.step()
            sched.step()
            run.append((sched.get_last_lr(), [g["lr"] for g in opt.param_groups]))
        state = sched.state_dict()
        runs.append((run, sorted(state), len(state["_schedulers"])))
    assert runs[1] == runs[0]


def test_sequential_state_dict_round_trip():
    t_opt = optimizer(torch)
    t_sched = _sequential(torch, t_opt)
    expected = []
    for _ in range(16):
        t_opt.step()
        t_sched.step()
        expected.append(t_sched.get_last_lr())
    opt = optimizer(minigrad)
    sched = _sequential(minigrad, opt)
    got = []
    for _ in range(7):
        opt.step()
        sched.step()
        got.append(sched.get_last_lr())
    opt2 = optimizer(minigrad)
    sched2 = _sequential(minigrad, opt2)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(sched.state_dict())
    for _ in range(9):
        opt2.step()
        sched2.step()
        got.append(sched2.get_last_lr())
    assert got == expected


# ----- CosineAnnealingWarmRestarts with fractional epochs, and step(epoch) -----------------------------
@pytest.mark.parametrize("kw", [{"T_0": 2}, {"T_0": 2, "T_mult": 3, "eta_min": 0.005}])
def test_warm_restarts_with_fractional_epochs(kw):
    runs = []
    for lib in (torch, minigrad):
        opt = optimizer(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, **kw)
        run = []
        for epoch in range(9):
            for i in range(5):  # five batches per epoch
                opt.step()
                sched.step(epoch + i / 5)
                run.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
        runs.append(run)
    assert runs[1] == runs[0]
    for lib in (torch, minigrad):
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer(lib), T_0=2)
        with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
            sched.step(-1)


@pytest.mark.parametrize(("name", "kw"), [
    ("StepLR", {"step_size": 3}), ("MultiStepLR", {"milestones": [2, 5]}), ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 6}), ("LinearLR", {}), ("ConstantLR", {}), ("PolynomialLR", {}),
    ("LambdaLR", {"lr_lambda": lambda e: 1 / (e + 1)})])
def test_step_with_an_epoch_jumps_to_it_and_warns(name, kw):
    runs = []
    for lib in (torch, minigrad):
        opt = optimizer(lib)
        sched = scheduler(lib, name, kw, opt)
        run = []
        for epoch in (3, 1, 7, 2, 2):
            opt.step()
            with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not"):
                sched.step(epoch)
            run.append(sched.get_last_lr())
        runs.append(run)
    assert runs[1] == runs[0]


# ----- warnings and errors ----------------------------------------------------------------------------
@pytest.mark.parametrize("build", [
    lambda lib, opt: lib.optim.lr_scheduler.LinearLR(opt),
    lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10),
    lambda lib, opt: lib.optim.lr_scheduler.PolynomialLR(opt),
])
def test_new_schedulers_warn_when_stepped_before_the_optimizer(build):
    for lib in (torch, minigrad):
        sched = build(lib, optimizer(lib))
        with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before"):
            sched.step()


def test_plateau_and_restarts_do_not_check_the_order():
    for lib in (torch, minigrad):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer(lib)).step(1.0)
            lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer(lib), T_0=3).step()


def _sched(lib):
    return lib.optim.lr_scheduler


@pytest.mark.parametrize(("exc", "call"), [
    (ValueError, lambda lib: _sched(lib).ConstantLR(optimizer(lib), factor=1.5)),
    (ValueError, lambda lib: _sched(lib).LinearLR(optimizer(lib), start_factor=0)),
    (ValueError, lambda lib: _sched(lib).LinearLR(optimizer(lib), end_factor=1.2)),
    (ValueError, lambda lib: _sched(lib).CosineAnnealingWarmRestarts(optimizer(lib), T_0=0)),
    (ValueError, lambda lib: _sched(lib).CosineAnnealingWarmRestarts(optimizer(lib), T_0=2.0)),
    (ValueError, lambda lib: _sched(lib).CosineAnnealingWarmRestarts(optimizer(lib), T_0=2, T_mult=0)),
    (ValueError, lambda lib: _sched(lib).CosineAnnealingWarmRestarts(optimizer(lib), T_0=2, eta_min="0")),
    (ValueError, lambda lib: _sched(lib).ReduceLROnPlateau(optimizer(lib), factor=1.0)),
    (ValueError, lambda lib: _sched(lib).ReduceLROnPlateau(optimizer(lib), mode="up")),
    (ValueError, lambda lib: _sched(lib).ReduceLROnPlateau(optimizer(lib), threshold_mode="log")),
    (ValueError, lambda lib: _sched(lib).ReduceLROnPlateau(optimizer(lib), min_lr=[0.1])),
    (TypeError, lambda lib: _sched(lib).ReduceLROnPlateau(object())),
    (TypeError, lambda lib: _sched(lib).MultiplicativeLR(optimizer(lib), [lambda e: 1.0, 2.0])),
    (ValueError, lambda lib: _sched(lib).MultiplicativeLR(optimizer(lib), [lambda e: 1.0])),
    (ValueError, lambda lib: _sched(lib).OneCycleLR(optimizer(lib), max_lr=0.1)),
    (ValueError, lambda lib: _sched(lib).OneCycleLR(optimizer(lib), max_lr=0.1, total_steps=0)),
    (ValueError, lambda lib: _sched(lib).OneCycleLR(optimizer(lib), max_lr=0.1, epochs=2, steps_per_epoch=0)),
    (ValueError, lambda lib: _sched(lib).OneCycleLR(optimizer(lib), max_lr=0.1, epochs=0, steps_per_epoch=3)),
    (ValueError, lambda lib: _sched(lib).OneCycleLR(optimizer(lib), max_lr=0.1, total_steps=5, pct_start=1)),
    (ValueError, lambda lib: _sched(lib).OneCycleLR(optimizer(lib), max_lr=0.1, total_steps=5,
                                                    anneal_strategy="exp")),
    (ValueError, lambda lib: _sched(lib).OneCycleLR(optimizer(lib), max_lr=[0.1], total_steps=5)),
    (ValueError, lambda lib: _sched(lib).OneCycleLR(
        lib.optim.Adagrad([lib.tensor([1.0], requires_grad=True)]), max_lr=0.1, total_steps=5)),
    (ValueError, lambda lib: _sched(lib).SequentialLR(optimizer(lib), [], milestones=[])),
    (ValueError, lambda lib: _sched(lib).ChainedScheduler([])),
    (ValueError, lambda lib: (lambda opt: _sched(lib).SequentialLR(
        opt, [_sched(lib).StepLR(opt, 2), _sched(lib).StepLR(opt, 3)], milestones=[2, 4]))(optimizer(lib))),
    (ValueError, lambda lib: (lambda opt: _sched(lib).SequentialLR(
        opt, [_sched(lib).ReduceLROnPlateau(opt)], milestones=[]))(optimizer(lib))),
    (ValueError, lambda lib: (lambda opt: _sched(lib).ChainedScheduler(
        [_sched(lib).ReduceLROnPlateau(opt)]))(optimizer(lib))),
    (TypeError, lambda lib: _sched(lib).ChainedScheduler([object()], optimizer=optimizer(lib))),
])
def test_errors_as_torch(exc, call):
    messages = []
    for lib in (torch, minigrad):
        with pytest.raises(exc) as info:
            call(lib)
        messages.append(str(info.value))
    assert messages[1] == messages[0]


def test_schedulers_of_another_optimizer_are_refused():
    for lib in (torch, minigrad):
        opt, other = optimizer(lib), optimizer(lib)
        with pytest.raises(ValueError, match="expects all schedulers to belong to the same optimizer"):
            lib.optim.lr_scheduler.SequentialLR(opt, [lib.optim.lr_scheduler.StepLR(other, 2)], milestones=[])


def test_reduce_on_plateau_with_a_group_added_later():
    for lib in (torch, minigrad):
        opt = optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0, 0.0])
        opt.add_param_group({"params": [lib.tensor([1.0], requires_grad=True)], "lr": 0.2})
        sched.step(1.0)
        with pytest.raises(RuntimeError, match=r"number of param groups in the `optimizer` \(3\) differs"):
            sched.step(2.0)
