"""Disagreements with torch in reductions and softmax that the program fuzzer found, each pinned as
a small program that showed it; both engines run it and must agree."""

PROGRAMS = {
    # logsumexp over (): every dim, kept as size 1 with keepdim (0-d and empty inputs give 0-d
    # without it); a non-empty input of 1 or more dims without keepdim fails as torch's kernel does
    "logsumexp over no dims": [
        "x0 = T.tensor([[0.5, 1.0, 2.0], [1.0, -2.0, 3.0]], dtype=T.float64, requires_grad=True)",
        "v0 = x0.logsumexp((), keepdim=True)", "v1 = T.logsumexp(T.tensor(2.0), ())",
        "v2 = T.logsumexp(T.zeros((0, 3)), ())", "v3 = T.zeros(0).logsumexp([], True)",
        "v4 = T.tensor([1, 2]).logsumexp((), True)", "v5 = T.tensor(True).logsumexp(())",
        "v6 = T.ones((1, 1, 1), dtype=T.float16).logsumexp((), keepdim=True)",
        "g = T.autograd.grad(v0.sum(), [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0])", "v7 = x0.logsumexp(())", "v8 = T.logsumexp(x0[0], [])",
        "v9 = T.logsumexp(T.tensor([1, 2]), ())", "v10 = T.ones((2, 1, 3)).logsumexp(())"],
    # max/min over a dim of a bool tensor: bool values, int64 indices (argmax/argmin still refuse)
    "max and min over a dim of bools": [
        "x0 = T.tensor([[True, False, True], [False, False, True]])", "v0 = x0.max(1)",
        "v1 = x0.min(0, keepdim=True)", "v2 = T.max(x0, -1).values", "v3 = x0.min(1).indices",
        "v4 = T.zeros((0, 3), dtype=T.bool).max(1)",
        "v5 = T.zeros((0, 3), dtype=T.bool).min(1, keepdim=True)",
        "v6 = T.tensor(True).max(0)", "v7 = x0.argmax(1)", "v8 = x0.argmin()"],
    # prod over a dim of size 1: torch's gradient is grad * (result / input), so it requires grad
    "prod over a dim of size 1 under create_graph": [
        "x0 = T.tensor([[2.5]], requires_grad=True)", "v0 = x0.prod(1)",
        "g = T.autograd.grad(v0.sum(), [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
    # ... and result / input is nan for nan and inf for a tiny input in the second derivative
    "prod over a dim of size 1, second order with nan and subnormals": [
        "x0 = T.tensor([[[-0.75, nan]], [[2.5, 5e-324]], [[-1.0, 2.25]]], dtype=T.float64, "
        "requires_grad=True)",
        "v0 = x0.prod(1)", "loss = (x0 * x0).sum() + v0.sum()",
        "g = T.autograd.grad(loss, [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
    # with a zero, torch's gradient is the product of two exclusive running products (cumprod),
    # whose own gradient carries inf * 0 = nan
    "prod with a zero and an inf, second order": [
        "x0 = T.tensor([0.0, -inf], dtype=T.float64, requires_grad=True)", "v0 = x0.prod(0, keepdim=True)",
        "v1 = x0.prod()", "g = T.autograd.grad(x0.sum() + v0.sum() + v1, [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0])"],
    "prod of all with a zero, second order": [
        "x0 = T.tensor([[0.0, 2.0], [nan, -3.0]], requires_grad=True)", "v0 = x0.prod()",
        "v1 = x0.prod(1)", "v2 = x0.prod(0, keepdim=True)",
        "g = T.autograd.grad(v0 + v1.sum() + v2.sum(), [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0])"],
    # var of a 0-d tensor (or over no dim) with n <= correction: torch's gradient is
    # grad * where(x == mean, nan, inf), constant in x: no grad, a zero second derivative
    "var with no degrees of freedom": [
        "x0 = T.zeros((0, 3), requires_grad=True)", "v0 = x0.transpose(0, 1).mean()",
        "v1 = v0.var(-1, keepdim=True)", "g = T.autograd.grad(v1.sum(), [x0], create_graph=True)"],
    "var of one element, second order": [
        "x1 = T.tensor([[3.0]], dtype=T.float16, requires_grad=True)", "v0 = F.relu(x1)", "v2 = v0.var()",
        "g = T.autograd.grad(v2, [x1], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x1])"],
    "var and std with n <= correction over dims and over all": [
        "x0 = T.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]], dtype=T.float64, requires_grad=True)",
        "v0 = x0.var(1, correction=3)", "v1 = x0.var(correction=7)", "v2 = x0.var((0, 1), correction=6)",
        "v3 = x0[0, :1].std()", "v4 = x0[0, :2].std(correction=2)", "v5 = T.var_mean(x0[:1, :1])",
        "v6 = T.std_mean(x0, 1, correction=3)",
        "loss = v0.sum() + v1 + v2 + v3 + v4 + v5[0] + v5[1].sum() + v6[0].sum() + v6[1].sum()",
        "g = T.autograd.grad(loss, [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
    # var's gradient needs only its input: its output may change in place (std's may not)
    "var output changed in place": [
        "x0 = T.tensor([1.0, 3.0], dtype=T.float16, requires_grad=True)", "v0 = x0.var(-1, keepdim=True)",
        "v0.clamp_(max=-2.5)", "v1 = T.var_mean(x0)", "v1[0].mul_(2)", "v2 = x0.std()", "v2.mul_(2)",
        "g = T.autograd.grad(v0.sum() + v1[0], [x0])", "g = T.autograd.grad(v2, [x0])"],
    # float16 softmax kernels compute in float32 and round once; the second derivatives are
    # torch's formulas (softmax_double_backward, _log_softmax_backward_data's)
    "float16 log_softmax, second order": [
        "x0 = T.tensor([[-1.75, -2.5], [3.0, -2.5], [-3.0, 0.25]], dtype=T.float16, requires_grad=True)",
        "v0 = T.log_softmax(x0, 0)", "v1 = F.softmax(x0, 1)",
        "loss = x0.double().sum() + v0.double().sum() + (v1 * v1).double().sum()",
        "g = T.autograd.grad(loss, [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].double().sum(), [x0])"],
    # softmax's dim is checked before its dtype
    "softmax of ints with a dim out of range": [
        "v0 = F.softmax(T.tensor(False), 1)",
        "v1 = F.log_softmax(T.tensor([[1.0, 2.0]], dtype=T.float64), 2, dtype=T.int64)",
        "v2 = T.softmax(T.tensor([1, 2]), 5)", "v3 = T.tensor([[1, 2]]).log_softmax(3)",
        "v4 = T.tensor([[True]]).softmax(-3)", "v5 = F.softmax(T.ones(2), 9, dtype=T.bool)",
        "v6 = T.log_softmax(T.tensor([1, 2]), 0)"],
}
