"""Disagreements with torch in the arithmetic and pointwise ops that the program fuzzer found,
each pinned as a small program; both engines run it and must agree."""

PROGRAMS = {
    # remainder's gradients are torch's tensor formulas (grad; -grad * a.div(b, rounding_mode='floor')),
    # so under create_graph they require grad as torch's do
    "remainder gradients under create_graph": [
        "x0 = T.tensor([1.5, -2.25, 3.0], requires_grad=True)", "v0 = x0 % x0", "v1 = T.remainder(x0, x0)",
        "loss = v0.sum() + v1.sum()", "g = T.autograd.grad(loss, [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0], allow_unused=True)"],
    "remainder of a bool or integer tensor by one that requires grad": [
        "x0 = T.tensor([1.5, -2.25, 3.0], requires_grad=True)", "v0 = T.tensor([True, False, True]) % x0",
        "v1 = T.tensor([3, -4, 5]) % x0", "g = T.autograd.grad(v0.sum() + v1.sum(), [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0], allow_unused=True)"],
    # pow at a zero base: torch's d/d(exponent) is grad * where(base == 0 & exp >= 0, 0, out * log(base)),
    # whose masked branch (0 * log 0 = nan) shows in the second order, and grad (nan) passes through
    "pow at a zero base, second order": [
        "x0 = T.tensor([-inf, -1.5, -0.0], dtype=T.float64, requires_grad=True)", "v0 = 0 ** x0",
        "g = T.autograd.grad(v0.sum(), [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
    "pow of a zero tensor base, second order": [
        "x0 = T.tensor([-inf, -1.5, -0.0, 2.0], dtype=T.float64, requires_grad=True)",
        "x1 = T.zeros(4, dtype=T.float64, requires_grad=True)", "v0 = x1 ** x0",
        "g = T.autograd.grad(v0.sum(), [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0, x1])"],
    "pow at a zero base, quotient of itself": [
        "x0 = T.tensor([0.25, -1.0, 0.0], requires_grad=True)", "v0 = 0 ** x0", "v1 = T.div(v0, v0)",
        "g = T.autograd.grad(v1.sum(), [x0])"],
    # a number base: d/db is grad * out * log(c) with the log of the number itself, not of its float16
    "a number to a float16 power": [
        "x0 = T.tensor([2.75, -1.5], dtype=T.float16, requires_grad=True)", "v0 = 1e+38 ** x0",
        "g = T.autograd.grad(v0.sum(), [x0], create_graph=True)"],
    # torch's pow backward uses the exponent as given: a bool one fails in exponent - 1
    "pow by a bool tensor": [
        "x0 = T.tensor([0.5, -2.5], dtype=T.float16, requires_grad=True)", "v0 = x0 ** T.tensor(True)",
        "g = T.autograd.grad(v0.sum(), [x0])"],
    # a bool Python exponent is never 0 for torch's pow backward: False * a^-1 is nan at a == 0
    "pow by False": [
        "x0 = T.tensor([2.25, 0.0, -3.0], dtype=T.float64, requires_grad=True)", "v0 = T.atan(x0)",
        "v0.pow_(False)", "g = T.autograd.grad(v0.sum(), [x0])"],
    "a bool tensor to a bool power": ["x0 = T.tensor([True, False])", "v0 = x0 ** False",
    "v1 = x0.pow(True)"],
    # atan2's backward uses its operands as given: -a fails for a bool a
    "atan2 of a bool tensor": [
        "x0 = T.tensor([True, False])", "x1 = T.tensor(0.25, requires_grad=True)", "v0 = T.atan2(x0, x1)",
        "g = T.autograd.grad(v0.sum(), [x1])"],
    # add/sub with alpha: the result keeps the operands' dtype (bool stays bool); torch's alpha rules
    "add with alpha keeps a bool dtype": [
        "x0 = T.tensor([True, False])", "v0 = T.add(x0, x0, alpha=2)", "v1 = T.add(x0, x0, alpha=0)"],
    "a bool alpha for a non-bool result": ["x0 = T.tensor([1, 2])", "v0 = T.add(x0, x0, alpha=True)"],
    "a float alpha for an integer result": ["x0 = T.tensor([1, 2])", "v0 = T.sub(x0, x0, alpha=1.5)"],
    "an alpha beyond float16": ["x0 = T.tensor([1.0, 2.0], dtype=T.float16)",
    "v0 = T.add(x0, x0, alpha=70000)"],
    # float16 times or over a Python number: computed in float32, rounded once (1e38 is no float16 inf)
    "float16 times a large Python number": [
        "x0 = T.tensor([0.0, 1.0, -2.0], dtype=T.float16, requires_grad=True)", "v0 = x0 * 1e+38",
        "v1 = x0.mul(70000)", "v2 = x0 / 1e-38", "v3 = T.div(x0, 1e+38)",
        "g = T.autograd.grad(v0.sum() + v1.sum() + v2.sum() + v3.sum(), [x0], create_graph=True)"],
    "float16 to a power beyond float16": ["x0 = T.tensor([0.5, 2.0], dtype=T.float16)", "v0 = x0 ** 70000.0"],
    # clamp of a bool tensor by bool bounds: torch has no kernel
    "clamp of a bool tensor": ["x0 = T.tensor([True, False])", "v0 = x0.clamp_(max=False)"],
    "clamp min of a bool tensor": ["x0 = T.tensor([True, False])", "v0 = x0.clamp(min=False)"],
    "clamp of a bool tensor, both bounds": ["x0 = T.tensor([True, False])", "v0 = T.clamp(x0, False, True)"],
    "clamp of a bool tensor, tensor bounds": [
        "x0 = T.tensor([True, False])", "v0 = T.clamp(x0, T.tensor(False), T.tensor(True))"],
    "clamp of float16 by a bound beyond it": ["x0 = T.tensor([1.0, 2.0], dtype=T.float16)",
    "v0 = x0.clamp(max=1e+38)",
                                            "v1 = T.clamp_min(x0, 70000)"],
    # a mixed-dtype op's node keeps its operands, not their converted copies: an in-place change of
    # an operand is seen at backward
    "mixed-dtype minimum sees its operand change": [
        "x2 = T.tensor([1.5, -0.5, 2.0], requires_grad=True)", "idx = T.tensor([2, 0])",
        "v2 = x2.gather(0, idx)", "v3 = v2.to(T.float16)", "v5 = T.minimum(v3, v2)",
        "v3.copy_(x2[:2])", "g = T.autograd.grad(v5.sum(), [x2])"],
    "a product with an integer tensor sees it change": [
        "x0 = T.tensor([1.5, -0.5], requires_grad=True)", "x1 = T.tensor([2, 3])", "v0 = x0 * x1",
        "x1.add_(1)", "g = T.autograd.grad(v0.sum(), [x0])"],
}
