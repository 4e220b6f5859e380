"""Bad input: minigrad raises the same exception class as torch, with a message naming the problem.

Each case runs the same code with ``lib`` = torch and ``lib`` = minigrad; the key phrase must be
in minigrad's message (and, where torch words it the same way, in torch's too).
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import torch

import minigrad

from . import record


def F(lib):
    return importlib.import_module(lib.__name__ + ".nn.functional")


def _second_backward(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _modified_saved(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1.0
    b = a.exp() * a
    a.add_(1)
    b.sum().backward()


def _set_requires_grad_false_on_non_leaf(lib):
    x = lib.tensor([1.0], requires_grad=True)
    (x * 2).requires_grad = False


# (name, code, key phrase in minigrad's message, whether torch's message has it too)
CASES = [
    ("add shape mismatch", lambda lib: lib.ones(2, 3) + lib.ones(4), "must match the size", True),
    ("mul shape mismatch", lambda lib: lib.ones(2, 3) * lib.ones(2, 2), "must match the size", True),
    ("broadcast_tensors mismatch", lambda lib: lib.broadcast_tensors(lib.ones(2, 3), lib.ones(4)),
     "must match the size", True),
    ("matmul shape mismatch", lambda lib: lib.ones(2, 3) @ lib.ones(4, 2), "cannot be multiplied", True),
    ("matmul 0-d", lambda lib: lib.matmul(lib.tensor(1.0), lib.ones(2)), "at least 1D", True),
    ("mv mismatch", lambda lib: lib.mv(lib.ones(2, 3), lib.ones(4)), "size mismatch", True),
    ("bmm not 3-D", lambda lib: lib.bmm(lib.ones(2, 3), lib.ones(3, 2)), "3D tensor", True),
    ("dot dtypes", lambda lib: lib.dot(lib.ones(2), lib.ones(2, dtype=lib.float64)), "same dtype", True),
    ("int tensor requires grad", lambda lib: lib.tensor([1, 2], requires_grad=True), "floating point", True),
    ("int tensor requires_grad_", lambda lib: lib.tensor([1, 2]).requires_grad_(), "floating point", True),
    ("second backward through freed graph", _second_backward, "second time", True),
    (
        "non-scalar backward without gradient",
        lambda lib: (lib.ones(2, requires_grad=True) * 2).backward(),
        "scalar outputs",
        True,
    ),
    (
        "backward gradient of the wrong shape",
        lambda lib: (lib.ones(2, requires_grad=True) * 2).backward(lib.ones(3)),
        "Mismatch in shape",
        True,
    ),
    (
        "grad of a tensor that does not require grad",
        lambda lib: lib.autograd.grad(lib.ones(1).sum(), lib.ones(1, requires_grad=True)),
        "does not require grad",
        True,
    ),
    (
        "in-place on a leaf requiring grad",
        lambda lib: lib.ones(2, requires_grad=True).add_(1),
        "leaf Variable",
        True,
    ),
    (
        "in-place on a view of a leaf requiring grad",
        lambda lib: lib.ones(2, 2, requires_grad=True)[0].mul_(2),
        "view of a leaf Variable",
        True,
    ),
    ("in-place on a tensor saved for backward", _modified_saved, "modified by an inplace operation", True),
    ("requires_grad=False on a non-leaf", _set_requires_grad_false_on_non_leaf, "leaf variables", True),
    ("bad dim in sum", lambda lib: lib.ones(2, 3).sum(dim=2), "Dimension out of range", True),
    ("bad dim in softmax", lambda lib: lib.softmax(lib.ones(2, 3), dim=-3), "Dimension out of range", True),
    ("bad dim in transpose", lambda lib: lib.ones(2, 3).transpose(0, 5), "Dimension out of range", True),
    ("bad dim in squeeze", lambda lib: lib.ones(2, 3).squeeze(4), "Dimension out of range", True),
    ("repeated dim", lambda lib: lib.ones(2, 3).sum(dim=(0, 0)), "appears multiple times", True),
    ("view on non-contiguous", lambda lib: lib.ones(2, 3).t().view(6), "view size is not compatible", True),
    ("bad reshape", lambda lib: lib.ones(2, 3).reshape(4), "is invalid for input of size 6", True),
    (
        "two -1 in reshape",
        lambda lib: lib.ones(2, 3).reshape(-1, -1),
        "only one dimension can be inferred",
        True,
    ),
    (
        "expand to an incompatible size",
        lambda lib: lib.ones(2, 3).expand(4, 3),
        "must match the existing size",
        True,
    ),
    ("permute with too few dims", lambda lib: lib.ones(2, 3).permute(0), "number of dimensions", True),
    ("t() of a 3-D tensor", lambda lib: lib.ones(2, 3, 4).t(), "<= 2 dimensions", True),
    ("index out of range", lambda lib: lib.ones(3)[5], "out of bounds", True),
    ("too many indices", lambda lib: lib.ones(3)[0, 0], "too many indices", True),
    ("index a 0-d tensor", lambda lib: lib.tensor(1.0)[0], "invalid index of a 0-dim tensor", True),
    (
        "float index tensor",
        lambda lib: lib.ones(3)[lib.tensor([0.5])],
        "tensors used as indices must be long",
        True,
    ),
    (
        "index_select with a 2-D index",
        lambda lib: lib.index_select(lib.ones(3), 0, lib.zeros(1, 1, dtype=lib.int64)),
        "Index is supposed to be a vector",
        True,
    ),
    (
        "gather with an int16 index",
        lambda lib: lib.gather(lib.ones(3), 0, lib.zeros(2, dtype=lib.int16)),
        "int32/int64",
        True,
    ),
    (
        "gather index of another rank",
        lambda lib: lib.gather(lib.ones(2, 3), 0, lib.zeros(2, dtype=lib.int64)),
        "same number of dimensions",
        True,
    ),
    (
        "gather index too large in another dim",
        lambda lib: lib.gather(lib.ones(2, 3), 0, lib.zeros(2, 4, dtype=lib.int64)),
        "Size does not match",
        True,
    ),
    (
        "gather index out of range",
        lambda lib: lib.gather(lib.ones(3), 0, lib.tensor([5])),
        "out of bounds",
        True,
    ),
    (
        "cat size mismatch",
        lambda lib: lib.cat([lib.ones(2, 3), lib.ones(2, 4)]),
        "Sizes of tensors must match",
        True,
    ),
    (
        "cat rank mismatch",
        lambda lib: lib.cat([lib.ones(2, 3), lib.ones(3)]),
        "same number of dimensions",
        True,
    ),
    ("cat of nothing", lambda lib: lib.cat([]), "non-empty", True),
    ("cat of 0-d tensors", lambda lib: lib.cat([lib.tensor(1.0), lib.tensor(2.0)]), "zero-dimensional", True),
    (
        "stack size mismatch",
        lambda lib: lib.stack([lib.ones(2), lib.ones(3)]),
        "stack expects each tensor to be equal size",
        True,
    ),
    ("split sizes that do not add up", lambda lib: lib.ones(5).split([2, 2]), "to sum exactly to 5", True),
    ("chunk into 0", lambda lib: lib.ones(5).chunk(0), "greater than 0", True),
    (
        "where with a float condition",
        lambda lib: lib.where(lib.ones(2), lib.ones(2), lib.zeros(2)),
        "boolean",
        True,
    ),
    (
        "masked_fill with a float mask",
        lambda lib: lib.ones(2).masked_fill(lib.ones(2), 0.0),
        "boolean",
        False,
    ),
    (
        "masked_fill with a non-broadcastable mask",
        lambda lib: lib.ones(2, 3).masked_fill(lib.ones(4, dtype=lib.bool), 0.0),
        "size",
        True,
    ),
    ("item of many elements", lambda lib: lib.ones(2).item(), "cannot be converted to Scalar", True),
    (
        "numpy() of a tensor requiring grad",
        lambda lib: lib.ones(2, requires_grad=True).numpy(),
        "Can't call numpy()",
        True,
    ),
    ("bool of many elements", lambda lib: bool(lib.ones(2)), "ambiguous", True),
    ("mean of an int tensor", lambda lib: lib.tensor([1, 2]).mean(), "could not infer output dtype", True),
    ("negative dimension", lambda lib: lib.zeros(-1), "negative", True),
    ("bool - bool", lambda lib: lib.tensor([True]) - lib.tensor([False]), "Subtraction", True),
    ("integer to a negative power", lambda lib: lib.tensor([2]) ** -1, "negative integer powers", True),
    ("clamp without bounds", lambda lib: lib.clamp(lib.ones(2)), "At least one of 'min' or 'max'", True),
    (
        "BCE input outside [0, 1]",
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([1.5]), lib.tensor([1.0])),
        "between 0 and 1",
        True,
    ),
    (
        "BCE negative input",
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([-0.5]), lib.tensor([1.0])),
        "between 0 and 1",
        True,
    ),
    (  # the input check is skipped when the reduced loss is not nan: these must still raise
        "BCE nan input, sum",
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([0.5, float("nan")]), lib.tensor([1.0, 0.0]),
                                                reduction="sum"),
        "input should be between 0 and 1",
        True,
    ),
    (
        "BCE input above 1 weighted by 0",
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([0.5, 2.0]), lib.tensor([1.0, 1.0]),
                                                weight=lib.tensor([1.0, 0.0])),
        "input should be between 0 and 1",
        True,
    ),
    (
        "BCE infinite input, no reduction",
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([float("inf")]), lib.tensor([1.0]),
                                                reduction="none"),
        "input should be between 0 and 1",
        True,
    ),
    (
        "BCE target outside [0, 1]",
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([0.5]), lib.tensor([2.0]), reduction="sum"),
        "target should be between 0 and 1",
        True,
    ),
    (
        "CE target out of range",
        lambda lib: F(lib).cross_entropy(lib.ones(2, 3), lib.tensor([0, 3])),
        "out of bounds",
        True,
    ),
    (
        "CE negative target",
        lambda lib: F(lib).cross_entropy(lib.ones(2, 3), lib.tensor([0, -2])),
        "out of bounds",
        True,
    ),
    (
        "NLL target out of range",
        lambda lib: F(lib).nll_loss(lib.ones(2, 3), lib.tensor([5, 0])),
        "out of bounds",
        True,
    ),
    (
        "CE batch size mismatch",
        lambda lib: F(lib).cross_entropy(lib.ones(2, 3), lib.tensor([0, 1, 2])),
        "batch_size",
        True,
    ),
    (
        "linear feature mismatch",
        lambda lib: F(lib).linear(lib.ones(2, 3), lib.ones(4, 5)),
        "cannot be multiplied",
        True,
    ),
]


@pytest.mark.parametrize("name,code,phrase,torch_says_it_too", CASES, ids=[c[0] for c in CASES])
def test_same_exception_as_torch(name, code, phrase, torch_says_it_too):
    with pytest.raises(Exception) as t_info:
        code(torch)
    with pytest.raises(Exception) as m_info:
        code(minigrad)
    t_err, m_err = t_info.value, m_info.value
    assert isinstance(m_err, type(t_err)), (
        f"{name}: torch raises {type(t_err).__name__}({t_err}), minigrad {type(m_err).__name__}({m_err})"
    )
    assert phrase in str(m_err), f"{name}: minigrad's message lacks {phrase!r}: {m_err}"
    if torch_says_it_too:
        assert phrase in str(t_err), f"(test data) torch's message lacks {phrase!r}: {t_err}"
    record("error cases")


def test_minigrad_errors_are_never_numpy_tracebacks():
    """A numpy exception text would leak e.g. 'axis' or 'operands could not be broadcast'."""
    for _, code, _, _ in CASES:
        try:
            code(minigrad)
        except Exception as e:  # noqa: BLE001  (any exception: its text is what is checked)
            assert "operands could not be broadcast" not in str(e) and " axis " not in str(e), str(e)
    assert np.__name__  # numpy is what minigrad runs on; its wording must not reach users
