"""Grad mode is per thread, as in torch: one thread evaluating under ``no_grad`` must not change
what another thread records."""
from __future__ import annotations

import sys
import threading

import numpy as np
import pytest
import torch

import minigrad

STEPS = 1000


def _train(lib, losses: list, errors: list) -> None:
    """Linear regression by SGD, float64, the same data and initial weights in both engines."""
    try:
        rng = np.random.default_rng(0)
        x = lib.tensor(rng.normal(size=(32, 3)), dtype=lib.float64)
        y = lib.tensor(rng.normal(size=(32, 1)), dtype=lib.float64)
        w = lib.tensor(rng.normal(size=(3, 1)), dtype=lib.float64, requires_grad=True)
        b = lib.zeros(1, dtype=lib.float64, requires_grad=True)
        opt = lib.optim.SGD([w, b], lr=0.05)
        for _ in range(STEPS):
            opt.zero_grad()
            loss = ((x @ w + b - y) ** 2).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    except Exception as e:  # a thread's exception would otherwise only be printed
        errors.append(e)


def _evaluate_until(lib, stop: threading.Event) -> None:
    """Another thread's evaluation loop: forward passes under no_grad, as a validation step does."""
    model = lib.nn.Linear(3, 1)
    x = lib.ones(8, 3)
    while not stop.is_set():
        with lib.no_grad():
            model(x).sum()
        with lib.set_grad_enabled(False):
            model(x).mean()


@pytest.fixture
def frequent_thread_switches():
    """Switch threads every microsecond, so the evaluator's no_grad regions interleave with every
    op of the training thread (the default 5 ms slice could let a short run dodge them)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


@pytest.mark.usefixtures("frequent_thread_switches")
def test_training_beside_a_thread_under_no_grad_matches_torch():
    expected, torch_errors = [], []
    _train(torch, expected, torch_errors)
    assert not torch_errors

    losses, errors = [], []
    stop = threading.Event()
    evaluator = threading.Thread(target=_evaluate_until, args=(minigrad, stop))
    trainer = threading.Thread(target=_train, args=(minigrad, losses, errors))
    evaluator.start()
    trainer.start()
    trainer.join()
    stop.set()
    evaluator.join()

    assert not errors, f"training failed beside a no_grad thread: {errors[0]!r}"
    assert len(losses) == STEPS
    # float64 throughout; numpy's and torch's matmul/mean kernels may round differently in the
    # last bit, and SGD on this convex problem does not amplify that
    np.testing.assert_allclose(losses, expected, rtol=1e-10, atol=0)


@pytest.mark.parametrize("lib", [torch, minigrad], ids=["torch", "minigrad"])
def test_a_new_thread_starts_with_grad_mode_on(lib):
    seen = []
    with lib.no_grad():
        t = threading.Thread(target=lambda: seen.append(lib.is_grad_enabled()))
        t.start()
        t.join()
        assert not lib.is_grad_enabled()
    assert seen == [True]


def test_no_grad_in_one_thread_leaves_the_others_mode():
    """While a thread sits inside no_grad, another thread's ops record (torch: requires_grad)."""
    inside, release = threading.Event(), threading.Event()

    def hold_no_grad():
        with minigrad.no_grad():
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=hold_no_grad)
    holder.start()
    try:
        assert inside.wait(10)
        w = minigrad.ones(2, requires_grad=True)
        assert (w * 2).requires_grad
    finally:
        release.set()
        holder.join()
