"""Disagreements with torch in the losses and activations that the program fuzzer found, each
pinned as a small program; both engines run it and must agree (values, dtypes, requires_grad,
errors and, for these programs, the error messages too)."""

PROGRAMS = {
    # l1_loss subtracts the target: a bool target is refused, as torch's bool subtraction
    "l1_loss of a bool target": [
        "x0 = T.tensor([1.5, -0.5], requires_grad=True)", "v0 = F.l1_loss(x0, x0 > 0)"],
    "smooth_l1_loss with beta 0 of a bool target": [
        "x0 = T.tensor([1.5, -0.5], dtype=T.float64, requires_grad=True)",
        "v0 = F.smooth_l1_loss(x0, T.tensor(True), beta=0.0, reduction='sum')"],
    # smooth_l1_loss takes a bool target, and so does its gradient; its second derivative
    # subtracts the target and refuses
    "smooth_l1_loss of a bool target, second order": [
        "x0 = T.tensor([1.5, -0.5, 0.25], dtype=T.float16, requires_grad=True)",
        "v0 = F.smooth_l1_loss(x0, x0 > 0, reduction='none')",
        "g = T.autograd.grad(v0.sum(), [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0])"],
    # torch's second derivative of smooth_l1 and huber is gg * grad where |x - y| < beta, else 0:
    # nan there if the gradients are inf or nan; the target's gradient swaps the roles of x and y
    "smooth_l1_loss and huber_loss second order with infinities": [
        "x0 = T.tensor([[0.25]])", "x1 = T.tensor(-inf, dtype=T.float64, requires_grad=True)",
        "x2 = T.tensor([inf, 0.5, -3.0, nan], requires_grad=True)",
        "x3 = T.tensor([1.0, 0.25, 2.0, 0.0], requires_grad=True)",
        "v0 = F.smooth_l1_loss(x0, x1, reduction='mean')", "v1 = F.smooth_l1_loss(v0, v0, reduction='mean')",
        "v2 = F.huber_loss(x2, x3, reduction='none', delta=0.5)",
        "v3 = F.smooth_l1_loss(x2, x3, reduction='sum')",
        "loss = v1.sum() + v2.sum() + (v2 * v2).sum() + (v3 * v3).sum()",
        "g = T.autograd.grad(loss, [x1, x2, x3], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum() + g[1].sum() + (g[2] * g[2]).sum(), [x1, x2, x3])"],
    # huber_loss computes with a target of another dtype, its backward refuses it
    "huber_loss of a double target": [
        "x0 = T.tensor([1.5, 0.5], requires_grad=True)", "v0 = x0.sum(dtype=T.float64)",
        "v3 = F.huber_loss(x0, v0)", "g = T.autograd.grad(v3, [x0], create_graph=True)"],
    "huber_loss of a bool target": [
        "x0 = T.tensor([1.5, 0.5], dtype=T.float16, requires_grad=True)",
        "v0 = F.huber_loss(x0, x0 > 1, reduction='none')", "g = T.autograd.grad(v0.sum(), [x0])"],
    "huber_loss of a float target, gradient for the target only": [
        "x0 = T.tensor([1.5, 0.5], dtype=T.float64, requires_grad=True)", "x1 = T.tensor([1.0, 2.0])",
        "v0 = F.huber_loss(x1, x0, reduction='sum', delta=0.5)", "g = T.autograd.grad(v0, [x0])"],
    "huber_loss with weight of an int target": [
        "x0 = T.tensor([1.5, 0.5], requires_grad=True)",
        "v0 = F.huber_loss(x0, T.tensor([1, 3]), weight=T.tensor([2.0, 1.0]))",
        "g = T.autograd.grad(v0, [x0])"],
    # ... and computes in the promoted dtype: inf - 1e38 is inf, not float16(1e38) = inf, inf - inf
    "huber_loss computes in the promoted dtype": [
        "x0 = T.tensor([inf, 1.5, -2.0], dtype=T.float16, requires_grad=True)",
        "x1 = T.tensor([1e38, 1e5, -2.0], dtype=T.float64)",
        "v0 = F.huber_loss(x0, x1, reduction='none')", "v1 = F.huber_loss(x0, x1[1:2], reduction='sum')",
        "v2 = F.huber_loss(x0, T.tensor(2), delta=0.5)"],
    # binary_cross_entropy_with_logits computes 1 - target first: bool - bool
    "binary_cross_entropy_with_logits of a bool target": [
        "x0 = T.tensor([1.5, -0.5], requires_grad=True)",
        "v0 = F.binary_cross_entropy_with_logits(x0, x0 > 0)"],
    # ... and stores (1 - target) * input in the target's dtype before subtracting log sigmoid
    "binary_cross_entropy_with_logits of a half target": [
        "x0 = T.tensor([-1e38, 0.5], requires_grad=True)", "x1 = T.tensor([0.6931, 0.25], dtype=T.float16)",
        "v0 = F.binary_cross_entropy_with_logits(x0, x1, reduction='none')",
        "v1 = F.binary_cross_entropy_with_logits(x0, x1, pos_weight=T.tensor([2.0, 0.5]))"],
    # softplus's second derivative is 0 from the threshold on, times the gradients: nan if inf
    "softplus second order with an infinite gradient": [
        "x0 = T.tensor([inf, -2.25, 25.0, 0.25], dtype=T.float16, requires_grad=True)",
        "v0 = F.softplus(x0)", "v1 = v0 * v0",
        "g = T.autograd.grad(v0.sum() + v1.sum(), [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0])"],
    # soft_margin_loss's backward negates the target
    "soft_margin_loss of a bool target": [
        "x0 = T.tensor([1.5, -0.5], requires_grad=True)",
        "v0 = F.soft_margin_loss(x0, x0 > 0, reduction='none')", "g = T.autograd.grad(v0.sum(), [x0])"],
    # torch's nll_loss backward takes the input: under create_graph the gradient requires grad,
    # and its own derivative with respect to the input is a zero tensor
    "nll_loss gradient under create_graph": [
        "x = T.tensor([3.0, -2.75, 0.0], dtype=T.float64, requires_grad=True)", "v1 = T.minimum(x, x)",
        "v4 = F.nll_loss(v1, T.tensor(0))",
        "g = T.autograd.grad(x.sum() + v1.sum() + v4.sum(), [x], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x])"],
    "nll_loss of an empty batch under create_graph": [
        "x0 = T.zeros((0, 3), dtype=T.float16, requires_grad=True)",
        "v0 = F.nll_loss(x0, T.zeros(0, dtype=T.int64), reduction='none')",
        "g = T.autograd.grad(v0.sum(), [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0])"],
    "nll_loss keeps its input": [
        "x0 = T.tensor([[1.5, -0.5], [0.0, 2.0]], requires_grad=True)", "v0 = x0 * 1",
        "v1 = F.nll_loss(v0, T.tensor([1, 0]))", "v0.add_(1)", "g = T.autograd.grad(v1, [x0])"],
    # torch sums 0 - x[i, t_i]: a sum of zeros (or of nothing) is +0, never -0
    "nll_loss sums to +0": [
        "x0 = T.zeros((0, 3), requires_grad=True)", "t0 = T.zeros(0, dtype=T.int64)",
        "v0 = T.reciprocal(F.nll_loss(x0, t0, reduction='sum'))",
        "v1 = T.reciprocal(F.nll_loss(x0, t0, reduction='mean'))",
        "v2 = T.reciprocal(F.cross_entropy(x0, t0, reduction='sum'))",
        "v3 = T.reciprocal(F.nll_loss(T.tensor([[0.0, 1.0]]), T.tensor([0]), reduction='mean'))",
        "v4 = T.reciprocal(F.nll_loss(T.tensor([0.0, 1.0]), T.tensor(0), reduction='none'))",
        "v5 = T.reciprocal(F.nll_loss(T.zeros((0, 3, 2)), T.zeros((0, 2), dtype=T.int64), reduction='sum'))"],
    # torch's second derivative of gelu is 2 pdf(x) - x^2 pdf(x): nan where x^2 overflows
    "gelu second order at huge inputs": [
        "x0 = T.tensor([-1e38, 1e20, 3.0, -1e5, inf], requires_grad=True)",
        "x1 = T.tensor([300.0, -1000.0, 0.5, 6e4], dtype=T.float16, requires_grad=True)",
        "v0 = F.gelu(x0[:4])", "v1 = F.gelu(x1)", "v2 = F.gelu(x1, approximate='tanh')",
        "v3 = F.gelu(x0, approximate='tanh')",
        "g = T.autograd.grad(v0.sum() + v1.sum() + v2.sum() + v3.sum(), [x0, x1], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum() + g[1].sum(), [x0, x1])"],
    # torch's second derivative of elu is elu_backward(gg * grad * input_scale, x) * (x < 0)
    "elu second order with an infinite gradient": [
        "x0 = T.tensor([inf, -1.5, 0.5], requires_grad=True)", "v0 = F.elu(x0)",
        "v1 = F.binary_cross_entropy_with_logits(v0, x0)",
        "g = T.autograd.grad(v1, [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
    "selu and celu second order": [
        "x0 = T.tensor([inf, -1.5, 0.0, 2.0, -inf], dtype=T.float64, requires_grad=True)",
        "v0 = F.selu(x0) * x0 + F.celu(x0, 0.5) * x0",
        "g = T.autograd.grad(v0.sum(), [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0])"],
}
