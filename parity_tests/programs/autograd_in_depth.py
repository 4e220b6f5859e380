"""What learners poke at once the basic loop works: the graph, hooks, errors, higher derivatives.

``grad_fn`` and ``next_functions``, ``is_leaf``/``requires_grad``/``retain_grad``, tensor hooks
(``register_hook``), gradient accumulation and ``zero_``, the errors for a second backward
without ``retain_graph``, for ``backward`` on a non-scalar, and for an in-place change of a leaf
or of a saved tensor, printed with ``except RuntimeError as e``; ``torch.autograd.grad`` with
``grad_outputs`` and ``create_graph``; ``torch.autograd.functional.jacobian``/``hessian``;
``gradcheck`` of a custom ``Function`` in float64; ``@torch.no_grad()``/``torch.enable_grad``.
"""
import torch
from torch.autograd import Function
from torch.autograd.functional import hessian, jacobian

torch.manual_seed(0)
a = torch.tensor([2.0, 3.0], requires_grad=True)
b = torch.tensor([6.0, 4.0], requires_grad=True)
Q = 3 * a**3 - b**2
print(Q, Q.grad_fn.name(), [(f.name() if f else None, i) for f, i in Q.grad_fn.next_functions])
print(a.is_leaf, Q.is_leaf, Q.requires_grad, a.grad_fn, a.grad)

try:
    Q.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
Q.sum().backward(retain_graph=True)
print(a.grad, b.grad)
Q.sum().backward()
print("accumulated", a.grad, b.grad)
try:
    Q.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])
a.grad.zero_()
b.grad = None

x = torch.randn(3, requires_grad=True)
h = x.register_hook(lambda g: print("hook sees", g) or g * 2)
y = (x * x).sum()
y.backward()
print("grad after hook", x.grad, torch.allclose(x.grad, 4 * x))
h.remove()

z = x.exp()
z.retain_grad()
w = z.sin().mean()
w.backward()
print(z.grad, z.retains_grad, z.grad_fn.name(), w.grad_fn.name())

try:
    with torch.no_grad():
        pass
    x.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
with torch.no_grad():
    x.add_(1)
print("in-place under no_grad is fine", x.requires_grad, x.is_leaf)

u = torch.randn(4, requires_grad=True)
v = u.sigmoid()
v.mul_(3)
try:
    v.sum().backward()
    print("no error", u.grad)
except RuntimeError as e:
    print("RuntimeError:", e)
v = u.exp()
v2 = v.sin()
v.add_(1)
try:
    v2.sum().backward()
    print("sin saved its input; changed in place:", u.grad is None)
except RuntimeError as e:
    print("RuntimeError:", e)

# torch.autograd.grad
x = torch.linspace(-1, 1, 5, requires_grad=True)
y = x**3
(g,) = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=True)
(g2,) = torch.autograd.grad(g.sum(), x)
print(g, g2, g.grad_fn.name(), x.grad)
t = torch.tensor(1.5, requires_grad=True)
f = torch.sin(t) * t
(df,) = torch.autograd.grad(f, t, create_graph=True)
(d2f,) = torch.autograd.grad(df, t, create_graph=True)
(d3f,) = torch.autograd.grad(d2f, t)
print(f"{f.item():.6f} {df.item():.6f} {d2f.item():.6f} {d3f.item():.6f}")


def f2(x):
    return torch.stack([x[0] * x[1], x[0].exp(), x.pow(2).sum()])


x0 = torch.tensor([1.0, 2.0])
print(jacobian(f2, x0))
print(hessian(lambda x: (x**3).sum() + x[0] * x[1], x0))


class MyCube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x**2


inp = torch.randn(5, dtype=torch.double, requires_grad=True)
print("gradcheck", torch.autograd.gradcheck(MyCube.apply, (inp,), eps=1e-6, atol=1e-4))
out = MyCube.apply(inp)
out.sum().backward()
print(torch.allclose(inp.grad, 3 * inp.detach() ** 2), out.grad_fn.name())


@torch.no_grad()
def predict(x):
    with torch.enable_grad():
        inside = (x * 2).requires_grad
    return x * 2, inside


p, inside = predict(inp)
print(p.requires_grad, inside, torch.is_grad_enabled())
d = inp.detach()
d[0] = 100.0
print(inp[0].item() == 100.0, d.requires_grad, inp.detach().data_ptr() == inp.data_ptr())
