"""torch.linalg's inverse, determinants and solves beyond the registry's well-conditioned samples:
refusals (class and message), singular matrices, broadcasting, Tensor methods, and the one place
minigrad's gradient differs from torch's (the determinant of a singular matrix)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minigrad

SINGULAR = [[1.0, 2.0], [2.0, 4.0]]


def _outcome(fn, lib):
    try:
        return "ok", fn(lib)
    except Exception as e:  # noqa: BLE001  (the class and message are what is compared)
        return type(e).__name__, str(e)


CALLS = {
    "inv of a singular matrix": lambda T: T.linalg.inv(T.tensor(SINGULAR)),
    "inv of a singular 3x3": lambda T: T.inverse(T.arange(1.0, 10.0).view(3, 3)),
    "inv, a batch element singular": lambda T: T.linalg.inv(T.stack([T.eye(2), T.tensor(SINGULAR)])),
    "inv of a vector": lambda T: T.linalg.inv(T.ones(3)),
    "inv of a wide matrix": lambda T: T.linalg.inv(T.ones(2, 3)),
    "inv of integers": lambda T: T.inverse(T.ones(2, 2, dtype=T.long)),
    "inv of float16": lambda T: T.linalg.inv(T.ones(2, 2, dtype=T.float16)),
    "det of float16": lambda T: T.det(T.ones(2, 2, dtype=T.float16)),
    "det of integers": lambda T: T.linalg.det(T.ones(2, 2, dtype=T.long)),
    "slogdet of a tall matrix": lambda T: T.linalg.slogdet(T.ones(3, 2)),
    "logdet of integers": lambda T: T.logdet(T.ones(2, 2, dtype=T.long)),
    "solve, singular": lambda T: T.linalg.solve(T.tensor([SINGULAR]), T.ones(2)),
    "solve, sizes": lambda T: T.linalg.solve(T.eye(2), T.ones(3)),
    "solve, XA = B with a vector": lambda T: T.linalg.solve(T.eye(2), T.ones(2), left=False),
    "solve, dtypes": lambda T: T.linalg.solve(T.eye(2), T.ones(2, dtype=T.float64)),
    "solve, 0-d B": lambda T: T.linalg.solve(T.eye(2), T.tensor(1.0)),
    "solve, batch dims": lambda T: T.linalg.solve(T.eye(2).expand(3, 2, 2), T.ones(4, 2, 1)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_refusals_match_torch(name):
    t, m = _outcome(CALLS[name], torch), _outcome(CALLS[name], minigrad)
    assert t[0] != "ok", "each call here is one torch refuses"
    assert m == t


def test_linalg_error_is_a_runtime_error():
    with pytest.raises(minigrad.linalg.LinAlgError):
        minigrad.linalg.inv(minigrad.tensor(SINGULAR))
    assert issubclass(minigrad.linalg.LinAlgError, RuntimeError)


VALUES = {
    "det of a singular matrix": lambda T: T.det(T.tensor(SINGULAR)),
    "det of 0x0": lambda T: T.linalg.det(T.zeros(0, 0)),
    "slogdet of a singular matrix": lambda T: T.stack(list(T.linalg.slogdet(T.tensor(SINGULAR)))),
    "slogdet of a negative det": lambda T: T.stack(list(T.slogdet(T.tensor([[0.0, 2.0], [1.0, 4.0]])))),
    "logdet, negative det: nan": lambda T: T.logdet(T.tensor([[0.0, 2.0], [1.0, 4.0]])),
    "logdet, zero det: -inf": lambda T: T.logdet(T.tensor(SINGULAR)),
    "solve, B a batch of vectors": lambda T: T.linalg.solve(2 * T.eye(2).expand(4, 2, 2), T.ones(4, 2)),
    "solve, vector B broadcast to A's batch": lambda T: T.linalg.solve(2 * T.eye(2).expand(4, 2, 2),
                                                                       T.ones(2)),
    "solve, batch dims broadcast": lambda T: T.linalg.solve(2 * T.eye(2).expand(3, 2, 2), T.ones(4, 1, 2, 1)),
    "solve, XA = B": lambda T: T.linalg.solve(T.tensor([[2.0, 1.0], [0.0, 4.0]]), T.ones(3, 2), left=False),
    "Tensor methods": lambda T: T.stack([T.tensor([[2.0, 1.0], [1.0, 3.0]]).det(),
                                         T.tensor([[2.0, 1.0], [1.0, 3.0]]).logdet(),
                                         T.tensor([[2.0, 1.0], [1.0, 3.0]]).inverse()[0, 1]]),
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_match_torch(name):
    t, m = VALUES[name](torch), VALUES[name](minigrad)
    assert tuple(m.shape) == tuple(t.shape)
    # float32 LU in two LAPACKs: a few ulps apart on these small, well-conditioned matrices
    np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-6, atol=1e-7)


def test_gradients_through_a_solve_match_torch():
    """Closed-form least squares, the way the textbooks write it, with gradients for X and y."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 3)), rng.normal(size=8)
    grads = []
    for T in (torch, minigrad):
        Xt, yt = T.tensor(X, requires_grad=True), T.tensor(y, requires_grad=True)
        w = T.linalg.solve(Xt.T @ Xt, Xt.T @ yt)
        w_inv = T.inverse(Xt.T @ Xt) @ Xt.T @ yt
        ((Xt @ w - yt) ** 2).sum().backward()
        grads.append((w.detach().numpy(), w_inv.detach().numpy(), Xt.grad.numpy(), yt.grad.numpy()))
    for m, t in zip(grads[1], grads[0]):
        np.testing.assert_allclose(m, t, rtol=1e-10, atol=1e-12)  # float64 solves of a cond-~3 system


def test_det_gradient_of_a_singular_matrix_is_the_adjugate():
    """A documented difference (docs/parity.md): d det(A)/dA is the transposed adjugate, also where
    det A = 0.  torch agrees under create_graph but returns zeros from a plain backward; minigrad
    gives the adjugate either way."""
    A = minigrad.tensor(SINGULAR, dtype=minigrad.float64, requires_grad=True)
    g, = minigrad.autograd.grad(minigrad.linalg.det(A), A)
    np.testing.assert_allclose(g.numpy(), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)
    At = torch.tensor(SINGULAR, dtype=torch.float64, requires_grad=True)
    gt, = torch.autograd.grad(torch.linalg.det(At), At, create_graph=True)
    np.testing.assert_allclose(g.numpy(), gt.detach().numpy(), atol=1e-12)
