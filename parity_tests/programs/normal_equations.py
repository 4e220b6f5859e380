"""Least squares three ways, in the style of a linear-algebra-for-ML lecture.

A polynomial design matrix from ``torch.linspace`` and ``torch.stack``; the normal equations
solved with ``torch.linalg.solve`` and with ``torch.inverse``; ridge regression with
``torch.eye``; the same weights found by gradient descent on the squared error; ``torch.det`` and
``torch.linalg.slogdet`` of the Gram matrix; a Gaussian log-likelihood through ``torch.logdet``
with its gradient; and the error torch raises for a singular matrix.
"""
import torch

torch.manual_seed(0)
x = torch.linspace(-1, 1, 40, dtype=torch.float64)
y = 0.5 - 2.0 * x + 3.0 * x ** 2 + 0.1 * torch.randn(40, dtype=torch.float64)
X = torch.stack([x ** k for k in range(4)], dim=1)
print("design matrix:", X.shape, X.dtype)

gram = X.T @ X
w_solve = torch.linalg.solve(gram, X.T @ y)
w_inv = torch.inverse(gram) @ X.T @ y
print("normal equations (solve):", w_solve)
print("normal equations (inverse):", w_inv)
print("agree:", torch.allclose(w_solve, w_inv))
print("residual:", ((X @ w_solve - y) ** 2).mean().item())

for lam in [0.0, 0.1, 1.0]:
    w_ridge = torch.linalg.solve(gram + lam * torch.eye(4, dtype=torch.float64), X.T @ y)
    print(f"ridge lambda={lam}: {w_ridge.tolist()}")

w = torch.zeros(4, dtype=torch.float64, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.2)
for step in range(301):
    loss = ((X @ w - y) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 100 == 0:
        print(f"step {step}: loss {loss.item():.6f}")
print("gradient descent:", w.detach())

print("det(gram):", torch.det(gram).item())
sign, logabsdet = torch.linalg.slogdet(gram)
print("slogdet:", sign.item(), logabsdet.item())

# the log-likelihood of y under N(0, K) with K = s^2 I + X X^T: its gradient w.r.t. s
s = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
K = s ** 2 * torch.eye(40, dtype=torch.float64) + X @ X.T
nll = 0.5 * (y @ torch.linalg.solve(K, y)) + 0.5 * torch.logdet(K)
nll.backward()
print("nll:", nll.item(), "d nll / d s:", s.grad.item(), nll.grad_fn)

try:
    torch.linalg.inv(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
