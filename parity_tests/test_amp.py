"""Mixed precision as it runs without a GPU: torch's CUDA autocast and GradScaler switch
themselves off with a warning (so GPU training loops run unchanged), the CPU GradScaler scales
and unscales exactly as torch's, and CPU autocast (bfloat16, which minigrad lacks) is refused."""
from __future__ import annotations

import warnings

import pytest
import torch

import minigrad


def _run(lib, scaler_args, grads_after=None):
    """A few scaled SGD steps: the scaled loss, the gradients before and after unscaling, the
    weights, the scale and the growth tracker; with ``grads_after``, one step on those grads."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scaler = lib.amp.GradScaler(*scaler_args, growth_interval=2)
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.1)
    out = [scaler.is_enabled(), [str(c.message) for c in caught]]
    for _ in range(3):
        opt.zero_grad()
        loss = scaler.scale((w * w * 3).sum())
        loss.backward()
        out.append((loss.item(), loss.grad_fn.name() if loss.grad_fn else None, w.grad.tolist()))
        scaler.unscale_(opt)
        out.append(w.grad.tolist())
        scaler.step(opt)
        scaler.update()
        out.append((w.tolist(), scaler.get_scale(), scaler.state_dict()))
    if grads_after is not None:
        w.grad = lib.tensor(grads_after)
        scaler.step(opt)
        scaler.update()
        out.append((w.tolist(), scaler.get_scale()))
    return out


@pytest.mark.parametrize("args", [("cpu",), ("cuda",)])
def test_grad_scaler_matches_torch(args):
    assert _run(minigrad, args, [float("inf"), 1.0]) == _run(torch, args, [float("inf"), 1.0])


def test_deprecated_cuda_spellings_warn_and_switch_off_as_torchs():
    results = []
    for lib in (torch, minigrad):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            scaler = lib.cuda.amp.GradScaler()
            with lib.autocast("cuda"):
                inside = lib.is_autocast_enabled()
        results.append((scaler.is_enabled(), inside, sorted({c.category.__name__ for c in caught})))
    assert results[1] == results[0]


def test_autocast_disabled_is_a_no_op_and_cpu_autocast_is_refused():
    with minigrad.autocast("cpu", enabled=False):
        assert (minigrad.ones(2, 2) @ minigrad.ones(2, 2)).dtype == minigrad.float32
    with torch.autocast("cpu"):  # torch computes this product in bfloat16: minigrad cannot
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.bfloat16
    with pytest.raises(NotImplementedError, match="bfloat16"):
        with minigrad.autocast("cpu"):
            pass
