"""Training trajectories against torch: every optimizer configuration x every loss x both
reductions, 30 steps from the same initial weights on the same batches; the parameters must agree
after every step.  Small models (a 4-6-k MLP) keep the whole file fast."""
import numpy as np
import pytest
import torch

import minigrad
from .test_optim import CONFIGS, IDS, make, one_torch_thread  # noqa: F401  (autouse fixture)

# loss name -> (output width, targets for a batch of n)
LOSSES = {
    "MSELoss": (3, lambda rng, n: rng.standard_normal((n, 3))),
    "BCELoss": (2, lambda rng, n: rng.integers(0, 2, (n, 2)).astype(float)),
    "BCEWithLogitsLoss": (2, lambda rng, n: rng.integers(0, 2, (n, 2)).astype(float)),
    "CrossEntropyLoss": (3, lambda rng, n: rng.integers(0, 3, n)),
}


def model(lib, out):
    return lib.nn.Sequential(lib.nn.Linear(4, 6), lib.nn.Tanh(), lib.nn.Linear(6, out))


def trajectories(name, kw, loss_name, reduction, np_dtype, steps=30):
    """Both libraries' parameters after every step, as lists of numpy arrays."""
    rng = np.random.default_rng(0)
    out, targets = LOSSES[loss_name]
    torch.manual_seed(0)
    t_model = model(torch, out).to(getattr(torch, np.dtype(np_dtype).name))
    m_model = model(minigrad, out).to(getattr(minigrad, np.dtype(np_dtype).name))
    m_model.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in t_model.state_dict().items()})
    batches = [(rng.standard_normal((8, 4)), targets(rng, 8)) for _ in range(steps)]
    sign = -1 if kw.get("maximize") else 1  # maximize climbs the negated loss: the same descent
    if reduction == "sum":  # gradients as many times larger as the loss has terms: keep the steps
        kw = dict(kw, lr=kw["lr"] / batches[0][1].size)  # as stable as with "mean"
    runs = []
    for lib, net in ((torch, t_model), (minigrad, m_model)):
        opt = make(name, net.parameters(), lib, **kw)
        loss_fn = getattr(lib.nn, loss_name)(reduction=reduction)
        params = []
        for x, y in batches:
            y = lib.tensor(y if y.dtype.kind == "i" else y.astype(np_dtype))
            opt.zero_grad()
            logits = net(lib.tensor(x.astype(np_dtype)))
            prediction = lib.sigmoid(logits) if loss_name == "BCELoss" else logits
            (sign * loss_fn(prediction, y)).backward()
            opt.step()
            params.append([p.detach().numpy().copy() for p in net.parameters()])
        runs.append(params)
    return runs


# (rtol, atol) per dtype, and why:
# float64: the same operations in the same order; left: torch's fused multiply-adds, its MKL sqrt
#   and exp/log/tanh, its matmul's summation order, each an ulp here and there.  Measured over all
#   112 cases: worst |difference| 2.4e-15 on parameters of size ~1.  Bound: 1e-10 relative (atol
#   only for entries passing near zero).
# float32 (eps 1.2e-7): every op's last-bit differences feed 30 steps, and the adaptive methods
#   divide by sqrt(v), which can turn a tiny gradient entry's relative difference into a full
#   step's; centered RMSprop's sqrt(v - mean**2) cancels too.  Measured worst |difference|: 1.6e-6
#   (centered RMSprop with momentum, cross-entropy), ~13 ulps at 1; most cases stay under 1e-6.
#   Bound: 5e-6 absolute plus 1e-5 relative.
TOLERANCES = {np.float64: (1e-10, 1e-13), np.float32: (1e-5, 5e-6)}


@pytest.mark.parametrize("np_dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("loss_name", list(LOSSES))
@pytest.mark.parametrize(("name", "kw"), CONFIGS, ids=IDS)
def test_trajectory(name, kw, loss_name, reduction, np_dtype):
    rtol, atol = TOLERANCES[np_dtype]
    t_run, m_run = trajectories(name, kw, loss_name, reduction, np_dtype)
    for step, (t_params, m_params) in enumerate(zip(t_run, m_run, strict=True)):
        for t, m in zip(t_params, m_params, strict=True):
            np.testing.assert_allclose(m, t, rtol=rtol, atol=atol, err_msg=f"step {step}")
