"""Disagreements with torch in shape and view ops, in-place tracking, indexing and matrix products
that the program fuzzer found, each pinned as a small program that both engines run and must
agree on (values, errors, requires_grad, gradients)."""

PROGRAMS = {
    # split, chunk, unbind (and split_with_sizes, tensor_split) of a 0-d tensor: torch's own
    # refusals, before any other check
    "split chunk unbind of a 0-d tensor": [
        "x0 = T.tensor(1.5)", "v0 = x0.split(1)", "v1 = x0.chunk(2)", "v2 = x0.chunk(0)",
        "v3 = x0.split([1], 3)", "v4 = x0.unbind()", "v5 = x0.unbind(-1)", "v6 = x0.unbind(1)",
        "v7 = x0.split_with_sizes([1])", "v8 = T.tensor_split(x0, 2)"],
    # the outputs of a multi-output view op may not be modified in place while the graph is
    # recorded, and neither may views of them
    "outputs of split chunk unbind written in place": [
        "x0 = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)", "v0 = x0 * 3",
        "v1 = v0.split(1)[0]", "v1.add_(1)", "v2 = v0.chunk(2)[1]", "v2.mul_(2)",
        "v3 = v0.unbind()[0]", "v3.zero_()", "v4 = v0.split([1, 1], 1)[1]", "v4.view(-1).neg_()",
        "v5 = x0.split(1)[0]", "v5.fill_(2.0)", "v6 = T.zeros(2).split(1)[0]", "v6.add_(x0[0, 0])",
        "loss = v0.sum() + v1.sum() + v2.sum() + v3.sum() + v4.sum()",
        "g = T.autograd.grad(loss, [x0])"],
    # ... and once their storage is written (through the base, another view, a detached alias or
    # themselves when nothing is recorded), their graph is unusable: reading grad_fn or is_leaf,
    # or an op that would record them, raises; values stay readable, and without a graph all is fine
    "outputs of split after their base is written in place": [
        "x0 = T.tensor([1.0, 2.0, 3.0], requires_grad=True)", "v0 = x0 * 3", "v1 = v0.split(1)[0]",
        "v2 = v0.chunk(2)[1]", "v3 = v0.unbind()[2]", "v4 = v1.view(1, 1)", "v0.div_(0)",
        "v5 = v1 * 2", "v6 = v4.sum()", "v7 = v3.detach() + 1", "v8 = v0.split(1)[1] + 1",
        "x1 = T.tensor([1.0, 2.0])", "v9 = x1.split(1)[0]", "x1.mul_(2)", "v10 = v9 + 1", "v9.add_(1)",
        "loss = v0.sum() + v8.sum()", "g = T.autograd.grad(loss, [x0])"],
    "outputs of split after a write through another output": [
        "x0 = T.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)", "v0 = x0.exp()",
        "v1, v2 = v0.chunk(2)", "v3 = v2.detach()", "v3.mul_(2)", "v4 = v1 + v2",
        "loss = v0.sum()", "g = T.autograd.grad(loss, [x0])"],
    # x[key] = v with a key of ints and slices: torch takes the view x[key] first (index errors),
    # checks v against it, and only then refuses to write into a view of a leaf
    "setitem index errors before the leaf check": [
        "x0 = T.zeros(0, requires_grad=True)", "x1 = T.zeros((3, 1, 2), requires_grad=True)",
        "x0[0] = T.tensor([-1e+38])", "x1[3, 0] = x1", "x1[0, 0] = x1", "x1[0, 0, 0, 0] = 1.0",
        "x1[0, 0] = 2.0", "x1[T.tensor([5])] = 1.0", "x1[:] = 1.0"],
    # one value into a boolean mask is torch's masked_fill_: any dtype is cast; other index puts
    # need the dtypes to match
    "mask setitem casts a single value": [
        "x0 = T.tensor([True, False, True])", "x1 = T.tensor([1, 2, 3])", "x2 = T.tensor([1.0, -1.0, 2.0])",
        "v1 = T.tensor(2.5, dtype=T.float64)", "x0[x2 > 0] = v1", "x1[x2 > 0] = v1",
        "x1[x2 > 0] = T.tensor([3.5], dtype=T.float64)", "x1[x2 > 0] = T.tensor([3.5, 4.5], dtype=T.float64)",
        "x1[T.tensor([0, 1])] = v1", "x2[x2 > 0] = T.tensor(True)", "x2[True] = v1",
        "x3 = T.tensor([1.0, 2.0], requires_grad=True)", "v2 = x3 * 1",
        "v3 = T.tensor(5.0, dtype=T.float64, requires_grad=True)", "v2[v2 > 1] = v3",
        "loss = v2.sum()", "g = T.autograd.grad(loss, [x3, v3])"],
    # mT, mH and H of a 0-d tensor are the tensor itself (T is a view)
    "mT of a 0-d tensor": [
        "x0 = T.tensor(1.5, requires_grad=True)", "v0 = x0.mT", "v1 = x0.mH", "v2 = x0.H", "v3 = x0.T",
        "v4 = x0 * 2", "v5 = v4.mT", "v6 = x0.detach().mT",
        "loss = v0 + v1 + v2 + v3 + v5", "g = T.autograd.grad(loss, [x0])"],
    # products check the shapes before the dtypes (dot the other way round), and refuse bool only
    # when there is something to multiply
    "matrix product checks in torch's order": [
        "x0 = T.zeros((0, 3), dtype=T.bool)", "x1 = T.zeros((3, 2), dtype=T.bool)", "v0 = T.mm(x0, x0)",
        "v1 = T.mm(x0, x1)", "v2 = x0 @ x0.double()", "v3 = T.mv(x1, T.ones(3))", "v4 = T.mv(x1, x1[0])",
        "v5 = T.dot(T.ones(2), T.ones(3, dtype=T.float64))", "v6 = T.dot(x1[0], x1[0, :0])",
        "v7 = T.bmm(x1[None], T.ones((1, 3, 2)))", "v8 = T.ones((2, 2, 3)) @ T.ones((2, 2), dtype=T.int64)",
        "v9 = T.ones((3, 2, 3)) @ T.ones((2, 3, 2))", "v10 = T.ones(2, 2, dtype=T.int64) @ T.ones(4, 2, 2)",
        "v11 = x1[:0] @ x1"],
    # a product keeps each operand only for the other's gradient: changing the one that needs a
    # gradient afterwards is fine, changing the other raises (mm, mv, dot, bmm, batched)
    "matmul keeps only what the gradients need": [
        "x0 = T.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)", "v0 = x0 * 1", "v1 = T.ones(2, 2)",
        "v2 = v1 @ v0", "v3 = T.mv(v0, T.ones(2))", "v4 = T.dot(v0[0], T.ones(2))",
        "v5 = T.ones(3, 2, 2) @ v0",
        "v6 = T.bmm(v0[None], T.ones(1, 2, 2))", "v0.add_(1)",
        "loss = v2.sum() + v3.sum() + v4 + v5.sum() + v6.sum()",
        "g = T.autograd.grad(loss, [x0], create_graph=True)"],
    "matmul still keeps the operand the gradient needs": [
        "x0 = T.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)", "v1 = T.ones(2, 2)", "v2 = v1 @ x0",
        "v1.add_(1)", "loss = v2.sum()", "g = T.autograd.grad(loss, [x0])"],
    # an in-place op whose operand lies partly in the memory it writes: torch refuses (the very
    # same elements, disjoint parts, strided operands and fill values are fine)
    "in-place op with a partly overlapping operand": [
        "x0 = T.tensor([1.0, 2.0, 3.0, 4.0])", "v0 = x0.narrow(0, 0, 1)", "x0.sub_(v0)",
        "x0[:2].add_(x0[1:3])",
        "x0.add_(x0)", "x0[:2].mul_(x0[2:])", "x0[:2].add_(x0[::2])", "x0[:2].copy_(x0[1:3])",
        "x0[:2].fill_(x0[1])", "x0[:3].add_(x0[1])", "x0[:2] = x0[2:]", "x0[[0, 1]] = x0[2:]",
        "x0[None] = x0", "x2 = T.tensor([[[False, True]], [[True, False]]])", "x2[0].pow_(x2)",
        "x1 = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)", "v1 = x1 * 1", "v1.add_(v1.t())",
        "v2 = v1[0, :1].reshape(-1, 1)", "v2 /= v1[0, :1]",
        "loss = v1.sum()", "g = T.autograd.grad(loss, [x1])"],
    # index_select of an empty input, or along dim 1: torch's kernels for them have their own
    # refusals (a RuntimeError, where the others raise an IndexError); a float index is refused
    "index_select of an empty input": [
        "x0 = T.zeros((2, 0, 2), requires_grad=True)", "v0 = x0.index_select(1, T.tensor([0, 0]))",
        "v1 = x0.index_select(0, T.tensor([5]))", "v2 = x0.index_select(1, T.tensor([], dtype=T.int64))",
        "v3 = x0.index_select(0, T.tensor([1]))", "v4 = T.zeros(3).index_select(0, T.tensor([0.0]))",
        "v5 = T.zeros(0).index_select(0, T.tensor(0))",
        "v6 = T.ones(1, 3).index_select(1, T.tensor([-1, 0]))",
        "v7 = T.ones(1, 3).index_select(1, T.tensor([3]))",
        "v8 = T.ones(2, 3).index_select(0, T.tensor([-2, 0]))",
        "v9 = T.ones(2, 3, 4).index_select(2, T.tensor([4]))",
        "loss = v2.sum() + v3.sum()",
        "g = T.autograd.grad(loss, [x0])"],
    # an op that keeps its output (sigmoid, exp, tanh), done in place: what it kept is the tensor
    # written, so changing that tensor in place again makes backward refuse (directly or through
    # a view); using it unchanged is fine
    "in-place op that keeps its output, then changed again": [
        "x0 = T.tensor([[-1.25, 0.5, -3.0]], dtype=T.float64, requires_grad=True)", "v0 = x0 + x0",
        "v0[:1].sigmoid_()", "v0.exp_()", "loss = v0.sum()", "g = T.autograd.grad(loss, [x0])"],
    "in-place op that keeps its output, then changed again (no view)": [
        "x0 = T.tensor([0.5, -1.0], requires_grad=True)", "v0 = x0 * 1", "v0.tanh_()", "v1 = v0 * 2",
        "v0.add_(1)", "loss = v1.sum()", "g = T.autograd.grad(loss, [x0])"],
    "in-place ops that keep their output, in a chain": [
        "x0 = T.tensor([0.5, -1.0], requires_grad=True)", "v0 = x0 * 1", "v0.exp_()", "v0.tanh_()",
        "v0.sigmoid_()", "v1 = v0[0] * 3", "loss = v0.sum() + v1",
        "g = T.autograd.grad(loss, [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
    # writing into an expanded tensor: refused where elements repeat (first of all checks), fine
    # where none does (a slice of it, or an empty one)
    "in-place ops on expanded tensors": [
        "x0 = T.tensor([[1, -1], [-1, -2], [3, -2]])", "v0 = x0.t().mT.expand(2, 3, 2)", "v0[0].add_(2)",
        "v0.add_(1)", "x1 = T.zeros((0, 3))", "v1 = x1.expand(2, 0, 3)", "v1.sigmoid_()",
        "v2 = T.tensor([[False]]).expand(2, 1, 1)", "v2.pow_(T.tensor([[False]]))"],
    # fill_ and masked_fill with a number the tensor's dtype cannot hold
    "fill_ with a number out of range": [
        "x0 = T.zeros(2, dtype=T.int64)", "x0.fill_(inf)", "x0.fill_(nan)", "x0.fill_(1e+38)",
        "x0.fill_(2.5)",
        "x1 = T.zeros(2, dtype=T.int32)", "x1.fill_(2 ** 40)", "x2 = T.zeros(2, dtype=T.uint8)",
        "x2.fill_(-1)",
        "x3 = T.zeros(2, dtype=T.float16)", "x3.fill_(1e+38)", "x3.fill_(-inf)",
        "x4 = T.zeros(2, dtype=T.bool)",
        "x4.fill_(inf)", "x5 = T.zeros(2)", "x5.fill_(-1e+39)", "v0 = x3.masked_fill(x3 == 0, -1e+38)",
        "v1 = x0.masked_fill(x0 == 0, inf)", "v2 = x3.masked_fill(x3 == 0, inf)"],
}
