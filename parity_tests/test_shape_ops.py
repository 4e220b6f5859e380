"""Shape, indexing and "other" ops against torch, beyond what the op registry draws: fixed calls
with their values and dtypes, torch's exceptions and messages, node names, views, the ops with no
gradient (nonzero, argwhere, where(condition)), and Python lists and ranges as indices.

Each case is a function of ``lib`` run once with torch and once with minigrad."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad.testing import check_parity

from . import record


def _x(lib):
    return lib.arange(6.0).reshape(2, 3)


def _sq(lib):
    return lib.arange(9.0).reshape(3, 3)


def _cube(lib):
    return lib.arange(24.0).reshape(2, 3, 4)


def _v(lib):
    return lib.arange(3.0)


def _s(lib):
    return lib.tensor(2.0)


def _flat(result):
    """A result as a list of tensors (tuples and lists flattened)."""
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in _flat(r)]
    return [result]


def _same_result(mine, theirs):
    m, t = _flat(mine), _flat(theirs)
    assert len(m) == len(t), f"{len(m)} outputs, torch {len(t)}"
    for a, b in zip(m, t):
        assert isinstance(a, minigrad.Tensor), type(a)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], (a.dtype, b.dtype)
        assert tuple(a.shape) == tuple(b.shape), (a.shape, b.shape)
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


# (name, call): the same values, shapes and dtypes as torch
VALUES = [
    ("outer", lambda lib: lib.outer(_v(lib), lib.arange(2.0))),
    ("outer int*float", lambda lib: lib.outer(lib.arange(3), _v(lib))),
    ("outer empty", lambda lib: lib.outer(lib.ones(0), _v(lib))),
    ("ger", lambda lib: lib.ger(_v(lib), _v(lib))),
    ("Tensor.outer", lambda lib: _v(lib).outer(_v(lib))),
    ("trace", lambda lib: lib.trace(_x(lib))),
    ("trace int64", lambda lib: lib.trace(lib.arange(4).reshape(2, 2))),
    ("trace int32", lambda lib: lib.trace(lib.arange(4, dtype=lib.int32).reshape(2, 2))),
    ("trace empty", lambda lib: lib.trace(lib.ones(0, 3))),
    ("Tensor.trace", lambda lib: _sq(lib).trace()),
    ("diag vector", lambda lib: lib.diag(_v(lib))),
    ("diag vector offset", lambda lib: lib.diag(_v(lib), 1)),
    ("diag vector negative offset", lambda lib: lib.diag(_v(lib), -2)),
    ("diag matrix", lambda lib: lib.diag(_x(lib))),
    ("diag matrix offset", lambda lib: lib.diag(_x(lib), 1)),
    ("diag matrix offset past the end", lambda lib: lib.diag(_x(lib), 5)),
    ("diag matrix offset before the start", lambda lib: lib.diag(_x(lib), -5)),
    ("diag empty", lambda lib: lib.diag(lib.ones(0))),
    ("diag int", lambda lib: lib.diag(lib.arange(3))),
    ("diagonal", lambda lib: lib.diagonal(_x(lib))),
    ("diagonal 3-d dims", lambda lib: lib.diagonal(_cube(lib), 1, 2, 0)),
    ("diagonal negative dims", lambda lib: lib.diagonal(_cube(lib), -1, -1, -2)),
    ("diagonal offset too big", lambda lib: lib.diagonal(_x(lib), 7)),
    ("Tensor.diagonal", lambda lib: _cube(lib).diagonal(0, 0, 2)),
    ("diag_embed", lambda lib: lib.diag_embed(_x(lib))),
    ("diag_embed dims", lambda lib: lib.diag_embed(_x(lib), 1, 0, 2)),
    ("diag_embed negative offset", lambda lib: lib.diag_embed(_v(lib), -1)),
    ("tril", lambda lib: lib.tril(_x(lib))),
    ("tril diagonal", lambda lib: lib.tril(_cube(lib), -1)),
    ("tril big diagonal", lambda lib: lib.tril(_x(lib), 10)),
    ("tril bool", lambda lib: lib.tril(lib.ones(2, 2, dtype=lib.bool))),
    ("triu", lambda lib: lib.triu(_cube(lib), 1)),
    ("Tensor.triu", lambda lib: _x(lib).triu(diagonal=-1)),
    ("flip", lambda lib: lib.flip(_cube(lib), (0, 2))),
    ("flip negative dims", lambda lib: lib.flip(_cube(lib), [-1])),
    ("flip no dims", lambda lib: lib.flip(_x(lib), ())),
    ("flip 0-d", lambda lib: lib.flip(_s(lib), (0,))),
    ("Tensor.flip varargs", lambda lib: _cube(lib).flip(0, 1)),
    ("Tensor.flip int", lambda lib: _cube(lib).flip(1)),
    ("Tensor.flip tuple", lambda lib: _cube(lib).flip((1, 2))),
    ("fliplr", lambda lib: lib.fliplr(_x(lib))),
    ("flipud", lambda lib: lib.flipud(_v(lib))),
    ("roll flattened", lambda lib: lib.roll(_x(lib), 1)),
    ("roll dim", lambda lib: lib.roll(_x(lib), -7, 1)),
    ("roll dims", lambda lib: lib.roll(_x(lib), (1, 2), (0, 1))),
    ("roll dims list", lambda lib: lib.roll(_x(lib), [1], [1])),
    ("roll 0-d", lambda lib: lib.roll(_s(lib), 1)),
    ("roll empty", lambda lib: lib.roll(lib.ones(0, 3), 1, 0)),
    ("Tensor.roll keywords", lambda lib: _x(lib).roll(shifts=1, dims=0)),
    ("rot90", lambda lib: lib.rot90(_x(lib))),
    ("rot90 k=-1", lambda lib: lib.rot90(_x(lib), -1)),
    ("rot90 k=2", lambda lib: lib.rot90(_cube(lib), 2, (1, 2))),
    ("rot90 k=5", lambda lib: lib.rot90(_x(lib), 5)),
    ("rot90 k=0", lambda lib: lib.rot90(_x(lib), 0)),
    ("rot90 reversed dims", lambda lib: lib.rot90(_x(lib), 1, (1, 0))),
    ("rot90 negative dims", lambda lib: lib.rot90(_cube(lib), 1, (-1, 0))),
    ("Tensor.repeat", lambda lib: _x(lib).repeat(2, 1, 2)),
    ("Tensor.repeat tuple", lambda lib: _x(lib).repeat((2, 1))),
    ("Tensor.repeat zero", lambda lib: _x(lib).repeat(0, 2)),
    ("Tensor.repeat 0-d", lambda lib: _s(lib).repeat(3)),
    ("Tensor.repeat 0-d no dims", lambda lib: _s(lib).repeat(())),
    ("tile", lambda lib: lib.tile(_x(lib), (2,))),
    ("tile longer", lambda lib: lib.tile(_x(lib), [2, 1, 2])),
    ("tile empty dims", lambda lib: lib.tile(_x(lib), ())),
    ("Tensor.tile int", lambda lib: _x(lib).tile(2)),
    ("Tensor.tile varargs", lambda lib: _x(lib).tile(2, 1)),
    ("repeat_interleave int", lambda lib: lib.repeat_interleave(_x(lib), 2)),
    ("repeat_interleave dim", lambda lib: lib.repeat_interleave(_x(lib), 2, dim=1)),
    ("repeat_interleave tensor", lambda lib: lib.repeat_interleave(_x(lib), lib.tensor([1, 2]), dim=0)),
    ("repeat_interleave one count", lambda lib: lib.repeat_interleave(_x(lib), lib.tensor([2]), dim=0)),
    ("repeat_interleave 0-d count", lambda lib: lib.repeat_interleave(_x(lib), lib.tensor(2), dim=-2)),
    ("repeat_interleave zero", lambda lib: lib.repeat_interleave(_x(lib), lib.tensor([0, 2]), dim=0)),
    ("repeat_interleave flat counts",
     lambda lib: lib.repeat_interleave(_x(lib), lib.tensor([1, 2, 1, 0, 1, 1]))),
    ("repeat_interleave counts only", lambda lib: lib.repeat_interleave(lib.tensor([1, 2, 3]))),
    ("repeat_interleave 0-d", lambda lib: lib.repeat_interleave(_s(lib), 2)),
    ("repeat_interleave int tensor", lambda lib: lib.repeat_interleave(lib.arange(3), 2)),
    ("repeat_interleave output_size", lambda lib: lib.repeat_interleave(_x(lib), 2, dim=0, output_size=4)),
    ("Tensor.repeat_interleave", lambda lib: _x(lib).repeat_interleave(2, 0)),
    ("meshgrid ij", lambda lib: lib.meshgrid(_v(lib), lib.tensor([1.0, 2.0]), indexing="ij")),
    ("meshgrid xy", lambda lib: lib.meshgrid(_v(lib), lib.tensor([1.0, 2.0]), lib.ones(4), indexing="xy")),
    ("meshgrid list", lambda lib: lib.meshgrid([_v(lib), lib.tensor([1.0, 2.0])], indexing="ij")),
    ("meshgrid 0-d", lambda lib: lib.meshgrid(_s(lib), _v(lib), indexing="ij")),
    ("meshgrid one", lambda lib: lib.meshgrid(_v(lib), indexing="xy")),
    ("einsum matmul", lambda lib: lib.einsum("ij,jk->ik", _x(lib), _sq(lib))),
    ("einsum operand list", lambda lib: lib.einsum("ij,jk->ik", [_x(lib), _sq(lib)])),
    ("einsum implicit", lambda lib: lib.einsum("ij,jk", _x(lib), _sq(lib))),
    ("einsum implicit order", lambda lib: lib.einsum("ba", _x(lib))),
    ("einsum uppercase", lambda lib: lib.einsum("Ab->bA", _x(lib))),
    ("einsum trace", lambda lib: lib.einsum("ii", _sq(lib))),
    ("einsum diagonal", lambda lib: lib.einsum("ii->i", _sq(lib))),
    ("einsum sum", lambda lib: lib.einsum("ij->", _x(lib))),
    ("einsum column sums", lambda lib: lib.einsum("ij->j", _x(lib))),
    ("einsum transpose ellipsis", lambda lib: lib.einsum("...ij->...ji", _cube(lib))),
    ("einsum batch matmul", lambda lib: lib.einsum("bij,bjk->bik", _cube(lib), _cube(lib).transpose(1, 2))),
    ("einsum broadcast ellipsis",
     lambda lib: lib.einsum("...ij,...jk->...ik", lib.ones(5, 2, 3), lib.arange(12.0).reshape(3, 4))),
    ("einsum ellipsis summed", lambda lib: lib.einsum("i...->", _cube(lib))),
    ("einsum ellipsis implicit", lambda lib: lib.einsum("i...", _cube(lib))),
    ("einsum spaces", lambda lib: lib.einsum("i j , j k -> i k", _x(lib), _sq(lib))),
    ("einsum outer", lambda lib: lib.einsum("i,j->ij", _v(lib), lib.arange(2.0))),
    ("einsum dot", lambda lib: lib.einsum("i,i->", _v(lib), _v(lib))),
    ("einsum three operands", lambda lib: lib.einsum("ij,jk,k->i", _x(lib), _sq(lib), _v(lib))),
    ("einsum batch trace", lambda lib: lib.einsum("bii->b", _cube(lib)[:, :, :3])),
    ("einsum repeated and private", lambda lib: lib.einsum("iij,jk->k", _cube(lib)[:2, :2, :3], _sq(lib))),
    ("einsum size-1 broadcast", lambda lib: lib.einsum("ij,ij->ij", lib.ones(1, 3), _x(lib))),
    ("einsum int", lambda lib: lib.einsum("ij->j", lib.ones(2, 3, dtype=lib.int64))),
    ("einsum 0-d", lambda lib: lib.einsum("", _s(lib))),
    ("einsum 0-d operand", lambda lib: lib.einsum(",i->i", _s(lib), _v(lib))),
    ("einsum empty", lambda lib: lib.einsum("ij,jk->ik", lib.ones(0, 3), _sq(lib))),
    ("einsum sublists", lambda lib: lib.einsum(_x(lib), [0, 1], _sq(lib), [1, 2], [0, 2])),
    ("einsum sublists implicit", lambda lib: lib.einsum(_x(lib), [1, 0])),
    ("masked_select", lambda lib: lib.masked_select(_x(lib), _x(lib) > 2)),
    ("masked_select broadcast", lambda lib: lib.masked_select(_v(lib), lib.tensor([[True], [False]]))),
    ("masked_select 0-d", lambda lib: lib.masked_select(_s(lib), lib.tensor(True))),
    ("masked_select int", lambda lib: lib.masked_select(lib.arange(3), lib.tensor([True, False, True]))),
    ("Tensor.masked_select", lambda lib: _x(lib).masked_select(_x(lib) < 2)),
    ("take_along_dim flat", lambda lib: lib.take_along_dim(_x(lib), lib.tensor([0, 5, 2]))),
    ("take_along_dim flat 2-d indices", lambda lib: lib.take_along_dim(_x(lib), lib.tensor([[0, 5]]))),
    ("take_along_dim", lambda lib: lib.take_along_dim(_x(lib), lib.tensor([[0], [2]]), dim=1)),
    ("take_along_dim broadcast", lambda lib: lib.take_along_dim(_x(lib), lib.tensor([[0, 1, 1]]), dim=0)),
    ("take_along_dim broadcast indices", lambda lib: lib.take_along_dim(_x(lib), lib.tensor([[1]]), dim=1)),
    ("take_along_dim argsort idiom",
     lambda lib: lib.take_along_dim(_x(lib), lib.tensor([[2, 1, 0], [0, 2, 1]]), dim=-1)),
    ("take_along_dim 0-d", lambda lib: lib.take_along_dim(_s(lib), lib.tensor(0))),
    ("Tensor.take_along_dim", lambda lib: _x(lib).take_along_dim(lib.tensor([[1], [0]]), 1)),
    ("narrow", lambda lib: lib.narrow(_x(lib), 1, 1, 2)),
    ("narrow negative start", lambda lib: lib.narrow(_x(lib), 1, -2, 2)),
    ("narrow at the end", lambda lib: lib.narrow(_x(lib), 1, 3, 0)),
    ("narrow tensor start", lambda lib: lib.narrow(_x(lib), -1, lib.tensor(1), 2)),
    ("Tensor.narrow", lambda lib: _cube(lib).narrow(2, 1, 2)),
    ("movedim", lambda lib: lib.movedim(_cube(lib), 0, 2)),
    ("movedim tuples", lambda lib: lib.movedim(_cube(lib), (0, 1), (2, 0))),
    ("movedim negative", lambda lib: lib.movedim(_cube(lib), -1, 0)),
    ("movedim lists", lambda lib: lib.movedim(_x(lib), [0], [1])),
    ("movedim 0-d", lambda lib: lib.movedim(_s(lib), 0, 0)),
    ("moveaxis", lambda lib: lib.moveaxis(_cube(lib), 1, -1)),
    ("Tensor.movedim", lambda lib: _cube(lib).movedim(2, 0)),
    ("atleast_1d", lambda lib: lib.atleast_1d(_s(lib))),
    ("atleast_2d", lambda lib: lib.atleast_2d(_s(lib), _v(lib), _x(lib))),
    ("atleast_2d list", lambda lib: lib.atleast_2d([_s(lib), _v(lib)])),
    ("atleast_2d one-tuple", lambda lib: lib.atleast_2d((_s(lib),))),
    ("atleast_3d", lambda lib: lib.atleast_3d(_s(lib), _v(lib), _x(lib), lib.ones(1, 2, 3, 4))),
    ("hstack vectors", lambda lib: lib.hstack([_v(lib), _v(lib)])),
    ("hstack scalars", lambda lib: lib.hstack([_s(lib), _s(lib)])),
    ("hstack matrices", lambda lib: lib.hstack((_x(lib), _x(lib)[:, :1]))),
    ("vstack vectors", lambda lib: lib.vstack([_v(lib), _v(lib)])),
    ("vstack scalars", lambda lib: lib.vstack([_s(lib), _s(lib)])),
    ("row_stack", lambda lib: lib.row_stack([_v(lib), _x(lib)[:1]])),
    ("dstack", lambda lib: lib.dstack([_v(lib), _v(lib)])),
    ("dstack scalars", lambda lib: lib.dstack([_s(lib), _s(lib)])),
    ("column_stack",
     lambda lib: lib.column_stack([_v(lib), lib.tensor([[1.0], [2.0], [3.0]]), _s(lib).expand(3)])),
    ("column_stack scalars", lambda lib: lib.column_stack([_s(lib), _s(lib)])),
    ("column_stack dtypes", lambda lib: lib.column_stack([_v(lib), lib.tensor([1, 2, 3])])),
    # no gradient: indices
    ("nonzero", lambda lib: lib.nonzero(_x(lib))),
    ("nonzero as_tuple", lambda lib: lib.nonzero(_x(lib), as_tuple=True)),
    ("nonzero 0-d", lambda lib: lib.nonzero(_s(lib))),
    ("nonzero 0-d as_tuple", lambda lib: lib.nonzero(_s(lib), as_tuple=True)),
    ("nonzero 0-d zero as_tuple", lambda lib: lib.nonzero(lib.tensor(0.0), as_tuple=True)),
    ("nonzero empty", lambda lib: lib.nonzero(lib.ones(0, 3))),
    ("nonzero nan and -0", lambda lib: lib.nonzero(lib.tensor([0.0, float("nan"), -0.0]))),
    ("nonzero bool", lambda lib: lib.nonzero(lib.tensor([[True, False], [False, True]]))),
    ("Tensor.nonzero as_tuple", lambda lib: _x(lib).nonzero(as_tuple=True)),
    ("argwhere", lambda lib: lib.argwhere(_x(lib))),
    ("argwhere 0-d", lambda lib: lib.argwhere(_s(lib))),
    ("Tensor.argwhere", lambda lib: (_x(lib) > 2).argwhere()),
    ("where(condition)", lambda lib: lib.where(_x(lib) > 2)),
    ("where(float condition)", lambda lib: lib.where(_x(lib))),
    ("where(0-d condition)", lambda lib: lib.where(_s(lib))),
]


@pytest.mark.parametrize("name, call", VALUES, ids=[c[0] for c in VALUES])
def test_values_match_torch(name, call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (meshgrid's and indexing's deprecation warnings: tested below)
        _same_result(call(minigrad), call(torch))
    record("shape op values")


# (name, call): torch raises; minigrad raises the same exception class with the same message
ERRORS = [
    ("outer of a matrix", lambda lib: lib.outer(_x(lib), _v(lib))),
    ("outer of a scalar", lambda lib: lib.outer(_s(lib), _v(lib))),
    ("outer with a matrix", lambda lib: lib.outer(_v(lib), _x(lib))),
    ("trace of a vector", lambda lib: lib.trace(_v(lib))),
    ("trace of a cube", lambda lib: lib.trace(_cube(lib))),
    ("trace of bools", lambda lib: lib.trace(lib.ones(2, 2, dtype=lib.bool))),
    ("diag of a scalar", lambda lib: lib.diag(_s(lib))),
    ("diag of a cube", lambda lib: lib.diag(_cube(lib))),
    ("diagonal of a vector", lambda lib: lib.diagonal(_v(lib))),
    ("diagonal identical dims", lambda lib: lib.diagonal(_x(lib), 0, 0, 0)),
    ("diagonal identical negative dims", lambda lib: lib.diagonal(_x(lib), 0, -1, 1)),
    ("diagonal dim out of range", lambda lib: lib.diagonal(_x(lib), 0, 0, 2)),
    ("diag_embed of a scalar", lambda lib: lib.diag_embed(_s(lib))),
    ("diag_embed identical dims", lambda lib: lib.diag_embed(_x(lib), 0, -1, 2)),
    ("tril of a vector", lambda lib: lib.tril(_v(lib))),
    ("triu of a scalar", lambda lib: lib.triu(_s(lib))),
    ("flip twice the same dim", lambda lib: lib.flip(_x(lib), (0, -2))),
    ("flip int dims", lambda lib: lib.flip(_x(lib), 0)),
    ("flip dim out of range", lambda lib: lib.flip(_x(lib), (2,))),
    ("Tensor.flip without dims", lambda lib: _x(lib).flip()),
    ("fliplr of a vector", lambda lib: lib.fliplr(_v(lib))),
    ("flipud of a scalar", lambda lib: lib.flipud(_s(lib))),
    ("roll shifts without dims", lambda lib: lib.roll(_x(lib), (1, 2))),
    ("roll more shifts than dims", lambda lib: lib.roll(_x(lib), (1, 2), (0,))),
    ("roll more dims than shifts", lambda lib: lib.roll(_x(lib), 1, (0, 1))),
    ("roll 0-d with a dim", lambda lib: lib.roll(_s(lib), 1, 0)),
    ("roll without shifts", lambda lib: lib.roll(_x(lib), (), ())),
    ("rot90 three dims", lambda lib: lib.rot90(_x(lib), 1, (0, 1, 2))),
    ("rot90 of a vector", lambda lib: lib.rot90(_v(lib))),
    ("rot90 same dims", lambda lib: lib.rot90(_x(lib), 1, (1, -1))),
    ("rot90 dim out of range", lambda lib: lib.rot90(_x(lib), 1, (0, 2))),
    ("Tensor.repeat fewer dims", lambda lib: _x(lib).repeat(2)),
    ("Tensor.repeat negative", lambda lib: _x(lib).repeat(-1, 2)),
    ("Tensor.repeat nothing", lambda lib: _x(lib).repeat()),
    ("tile int", lambda lib: lib.tile(_x(lib), 2)),
    ("tile negative", lambda lib: lib.tile(_x(lib), (-1,))),
    ("repeat_interleave wrong count",
     lambda lib: lib.repeat_interleave(_x(lib), lib.tensor([1, 2, 3]), dim=0)),
    ("repeat_interleave negative count",
     lambda lib: lib.repeat_interleave(_x(lib), lib.tensor([1, -2]), dim=0)),
    ("repeat_interleave negative", lambda lib: lib.repeat_interleave(_x(lib), -1)),
    ("repeat_interleave float counts",
     lambda lib: lib.repeat_interleave(_x(lib), lib.tensor([1.0, 2.0]), dim=0)),
    ("repeat_interleave 2-d counts", lambda lib: lib.repeat_interleave(_x(lib), lib.tensor([[1, 2]]), dim=0)),
    ("repeat_interleave output_size", lambda lib: lib.repeat_interleave(_x(lib), 2, dim=0, output_size=5)),
    ("meshgrid bad indexing", lambda lib: lib.meshgrid(_v(lib), _v(lib), indexing="foo")),
    ("meshgrid dtypes", lambda lib: lib.meshgrid(_v(lib), lib.tensor([1, 2]), indexing="ij")),
    ("meshgrid nothing", lambda lib: lib.meshgrid(indexing="ij")),
    ("einsum too few operands", lambda lib: lib.einsum("ij,jk->ik", _x(lib))),
    ("einsum too many operands", lambda lib: lib.einsum("ij->ij", _x(lib), _x(lib))),
    ("einsum sizes", lambda lib: lib.einsum("ij,jk->ik", _x(lib), _x(lib))),
    ("einsum dims", lambda lib: lib.einsum("ijk->", _x(lib))),
    ("einsum too many labels", lambda lib: lib.einsum("ijk...->", _x(lib))),
    ("einsum unknown output label", lambda lib: lib.einsum("ij->k", _x(lib))),
    ("einsum repeated output label", lambda lib: lib.einsum("ij->ii", _sq(lib))),
    ("einsum dtypes", lambda lib: lib.einsum("i,i->", _v(lib), lib.ones(3, dtype=lib.float64))),
    ("einsum bad character", lambda lib: lib.einsum("i1->", _v(lib))),
    ("einsum bad arrow", lambda lib: lib.einsum("ij-", _x(lib))),
    ("einsum two ellipses", lambda lib: lib.einsum("......", _x(lib))),
    ("einsum no operands", lambda lib: lib.einsum("i->i")),
    ("masked_select float mask", lambda lib: lib.masked_select(_x(lib), _x(lib))),
    ("masked_select uint8 mask", lambda lib: lib.masked_select(_x(lib), (_x(lib) > 2).to(lib.uint8))),
    ("take_along_dim ndim", lambda lib: lib.take_along_dim(_x(lib), lib.tensor([1]), dim=1)),
    ("take_along_dim float indices", lambda lib: lib.take_along_dim(_x(lib), lib.tensor([[1.0]]), dim=1)),
    ("take_along_dim int32 indices",
     lambda lib: lib.take_along_dim(_x(lib), lib.tensor([[1]], dtype=lib.int32), dim=1)),
    ("take_along_dim 0-d with dim", lambda lib: lib.take_along_dim(_s(lib), lib.tensor(0), dim=0)),
    ("narrow too long", lambda lib: lib.narrow(_x(lib), 1, 1, 3)),
    ("narrow negative length", lambda lib: lib.narrow(_x(lib), 1, 1, -1)),
    ("narrow start out of range", lambda lib: lib.narrow(_x(lib), 1, 4, 0)),
    ("narrow negative start out of range", lambda lib: lib.narrow(_x(lib), 1, -4, 0)),
    ("narrow 0-d", lambda lib: lib.narrow(_s(lib), 0, 0, 1)),
    ("movedim repeated source", lambda lib: lib.movedim(_cube(lib), (0, -3), (1, 2))),
    ("movedim repeated destination", lambda lib: lib.movedim(_cube(lib), (0, 1), (2, 2))),
    ("movedim lengths", lambda lib: lib.movedim(_cube(lib), (0, 1), (2,))),
    ("movedim out of range", lambda lib: lib.movedim(_x(lib), 0, 2)),
    ("hstack nothing", lambda lib: lib.hstack([])),
    ("vstack nothing", lambda lib: lib.vstack([])),
    ("dstack nothing", lambda lib: lib.dstack([])),
    ("column_stack nothing", lambda lib: lib.column_stack([])),
    ("hstack dims", lambda lib: lib.hstack([_x(lib), _v(lib)])),
]


def _message(e: BaseException) -> str:
    return str(e).split("\n")[0].replace("torch.", "minigrad.")


@pytest.mark.parametrize("name, call", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_torch(name, call):
    with pytest.raises(Exception) as t_err:
        call(torch)
    with pytest.raises(Exception) as m_err:
        call(minigrad)
    assert type(m_err.value) is type(t_err.value), (m_err.value, t_err.value)
    theirs = _message(t_err.value)
    if "invalid combination of arguments" not in theirs:  # torch's overload listing: class only
        assert _message(m_err.value) == theirs
    record("error cases")


# (name, call): the node torch records
NODES = [
    ("outer", lambda lib, x, v: lib.outer(v, v)),
    ("trace", lambda lib, x, v: lib.trace(x)),
    ("diag of a vector", lambda lib, x, v: lib.diag(v)),
    ("diag of a matrix", lambda lib, x, v: lib.diag(x)),
    ("diagonal", lambda lib, x, v: lib.diagonal(x)),
    ("diag_embed", lambda lib, x, v: lib.diag_embed(v)),
    ("tril", lambda lib, x, v: lib.tril(x)),
    ("triu", lambda lib, x, v: lib.triu(x)),
    ("tril_", lambda lib, x, v: (x * 1).tril_()),
    ("flip", lambda lib, x, v: lib.flip(x, [0])),
    ("fliplr", lambda lib, x, v: lib.fliplr(x)),
    ("roll", lambda lib, x, v: lib.roll(x, 1)),
    ("roll dim", lambda lib, x, v: lib.roll(x, 1, 0)),
    ("rot90", lambda lib, x, v: lib.rot90(x)),
    ("repeat", lambda lib, x, v: x.repeat(2, 1)),
    ("tile", lambda lib, x, v: lib.tile(x, (2,))),
    ("repeat_interleave int", lambda lib, x, v: lib.repeat_interleave(x, 2, dim=0)),
    ("repeat_interleave counts", lambda lib, x, v: lib.repeat_interleave(x, lib.tensor([1, 0, 2]), dim=1)),
    ("narrow", lambda lib, x, v: lib.narrow(x, 1, 1, 2)),
    ("hstack", lambda lib, x, v: lib.hstack([x, x])),
    ("einsum with a repeated label", lambda lib, x, v: lib.einsum("ii,ij->j", x, x)),
    ("meshgrid", lambda lib, x, v: lib.meshgrid(v, v, indexing="ij")[0]),
    ("einsum matmul", lambda lib, x, v: lib.einsum("ij,jk->ik", x, x)),
    ("einsum dot", lambda lib, x, v: lib.einsum("i,i->", v, v)),
    ("einsum outer", lambda lib, x, v: lib.einsum("i,j->ij", v, v)),
    ("einsum transpose", lambda lib, x, v: lib.einsum("ij->ji", x)),
    ("einsum identity", lambda lib, x, v: lib.einsum("ij", x)),
    ("einsum diagonal", lambda lib, x, v: lib.einsum("ii->i", x)),
    ("einsum column sums", lambda lib, x, v: lib.einsum("ij->j", x)),
    ("masked_select", lambda lib, x, v: lib.masked_select(x, x > 0)),
    ("take_along_dim", lambda lib, x, v: lib.take_along_dim(x, lib.tensor([[0], [1], [2]]), 1)),
    ("movedim", lambda lib, x, v: lib.movedim(x, 0, 1)),
    ("atleast_2d", lambda lib, x, v: lib.atleast_2d(v)),
    ("atleast_3d of a scalar", lambda lib, x, v: lib.atleast_3d(v[0])),
    ("column_stack", lambda lib, x, v: lib.column_stack([v, v])),
    ("range index", lambda lib, x, v: x[range(2)]),
    ("list index", lambda lib, x, v: x[[0, 1], [1, 0]]),
]


@pytest.mark.parametrize("name, call", NODES, ids=[c[0] for c in NODES])
def test_node_names_match_torch(name, call):
    def run(lib):
        x = lib.tensor(np.arange(9.0).reshape(3, 3) - 4, requires_grad=True)
        v = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        return call(lib, x, v).grad_fn.name()
    assert run(minigrad) == run(torch)


# (name, call): the node of the gradient torch computes with create_graph (its backward's last op)
GRAD_NODES = [
    ("diagonal", lambda lib, x, v: lib.diagonal(x), "x"),
    ("diag of a vector", lambda lib, x, v: lib.diag(v), "v"),
    ("diag of a matrix", lambda lib, x, v: lib.diag(x), "x"),
    ("diag_embed", lambda lib, x, v: lib.diag_embed(v), "v"),
    ("trace", lambda lib, x, v: lib.trace(x), "x"),
    ("roll", lambda lib, x, v: lib.roll(x, 1), "x"),
    ("repeat", lambda lib, x, v: x.repeat(2, 1), "x"),
    ("masked_select", lambda lib, x, v: lib.masked_select(x, x > 0), "x"),
    ("rot90", lambda lib, x, v: lib.rot90(x), "x"),
    ("flip", lambda lib, x, v: x.flip(0), "x"),
    ("tril", lambda lib, x, v: lib.tril(x), "x"),
    ("take_along_dim", lambda lib, x, v: lib.take_along_dim(x, lib.tensor([[0], [1], [2]]), 1), "x"),
]


@pytest.mark.parametrize("name, call, wrt", GRAD_NODES, ids=[c[0] for c in GRAD_NODES])
def test_gradient_node_names_match_torch(name, call, wrt):
    def run(lib):
        x = lib.tensor(np.arange(9.0).reshape(3, 3) - 4, requires_grad=True)
        v = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = call(lib, x, v)
        u = lib.ones_like(y).requires_grad_()
        g, = lib.autograd.grad(y, {"x": x, "v": v}[wrt], u, create_graph=True)
        return g.grad_fn.name()
    assert run(minigrad) == run(torch)


def _random(shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ----- views and in-place forms ---------------------------------------------------------------------
@pytest.mark.parametrize("view", [
    lambda y: y.diagonal(),
    lambda y: y.diagonal(1, 1, 0),
    lambda y: y.narrow(1, 1, 2),
    lambda y: y.movedim(0, 1),
])
def test_writing_through_a_view_changes_its_base(view):
    """diagonal, narrow and movedim are views in torch: an in-place op on them writes into the
    tensor they view, and the gradient flows through both."""
    def fn(lib, x):
        y = x * 1.0
        view(y).mul_(3.0)
        return y
    x = _random((3, 4))
    for lib in (minigrad, torch):
        y = lib.ones(3, 4)
        view(y).fill_(0.0)
        if lib is minigrad:
            mine = y.numpy().copy()
        else:
            np.testing.assert_array_equal(mine, y.numpy())
    check_parity(lambda t: fn(minigrad, t), lambda t: fn(torch, t), x)


@pytest.mark.parametrize("method", ["tril_", "triu_"])
@pytest.mark.parametrize("diagonal", [-1, 0, 2])
def test_inplace_triangles(method, diagonal):
    def fn(lib, x):
        y = x * 2.0
        getattr(y, method)(diagonal)
        return y
    check_parity(lambda t: fn(minigrad, t), lambda t: fn(torch, t), _random((2, 3, 4)))


def test_meshgrid_warns_without_indexing():
    """The same UserWarning as torch's, pointing at the caller.  (torch warns once per process: if
    it already has, only minigrad's side is checked.)"""
    caught = {}
    for lib in (torch, minigrad):
        with warnings.catch_warnings(record=True) as caught[lib]:
            warnings.simplefilter("always")
            lib.meshgrid(lib.ones(2), lib.ones(3))
    (mine,) = caught[minigrad]
    assert mine.category is UserWarning and mine.filename == __file__
    assert "in an upcoming release, it will be required to pass the indexing argument" in str(mine.message)
    theirs = [str(w.message).split(" (Triggered")[0] for w in caught[torch]]
    if theirs:
        assert str(mine.message) == theirs[0].replace("torch.", "minigrad.")


# ----- Python lists and ranges as indices ----------------------------------------------------------
KEYS = [
    ("range", lambda lib: range(2)),
    ("range with a step", lambda lib: range(0, 3, 2)),
    ("empty range", lambda lib: range(0)),
    ("list", lambda lib: [0, 2]),
    ("list with repeats", lambda lib: [2, 0, 2, 2]),
    ("negative list", lambda lib: [-1, 0]),
    ("two lists", lambda lib: ([0, 1], [1, 0])),
    ("range and tensor (makemore)", lambda lib: (range(3), lib.tensor([0, 1, 3]))),
    ("range and list", lambda lib: (range(3), [0, 1, 3])),
    ("arange and tensor", lambda lib: (lib.arange(3), lib.tensor([3, 3, 1]))),
    ("range and range", lambda lib: (range(2), range(1, 3))),
    ("nested list in a tuple", lambda lib: ([[0, 1], [2, 2]], [[0], [3]])),
    ("bool list", lambda lib: [True, False, True]),
    ("bool list on dim 1", lambda lib: (slice(None), [True, False, True, False])),
    ("ints and a bool", lambda lib: [0, True]),
    ("floats", lambda lib: [0.7, 1.0]),
    ("list then slice", lambda lib: ([0, 2], slice(1, 3))),
    ("slice then list", lambda lib: (slice(1, None), [0, 2])),
    ("int then list", lambda lib: (0, [0, 2])),
    ("ellipsis then range", lambda lib: (Ellipsis, range(1, 4))),
    ("empty list", lambda lib: []),
    ("numpy ints", lambda lib: [np.int64(1)]),
    ("tuple inside the key", lambda lib: ((0, 2), 1)),
    ("0-d tensors in a list", lambda lib: ([lib.tensor(0), lib.tensor(2)], 1)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, key", KEYS, ids=[k[0] for k in KEYS])
def test_list_and_range_getitem(name, key, dtype):
    """Values, gradients and second-order gradients of ``x[key]`` match torch's."""
    check_parity(lambda x: x[key(minigrad)], lambda x: x[key(torch)], _random((3, 4), dtype=dtype))
    record("index keys")


SET_KEYS = KEYS + [("a tuple as a list", lambda lib: [[0, 1], [1, 0]])]


@pytest.mark.parametrize("name, key", SET_KEYS, ids=[k[0] for k in SET_KEYS])
@pytest.mark.parametrize("value", ["scalar", "tensor"])
def test_list_and_range_setitem(name, key, value):
    """``y[key] = v`` on a copy of x: the values, and the gradients to x and to v."""
    x = _random((3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the deprecated list-as-tuple key warns; tested below
        shape = tuple(torch.zeros(3, 4)[key(torch)].shape)

    def fn(lib, x, v):
        y = x * 1.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y[key(lib)] = 5.0 if value == "scalar" else v * 2.0
        return y
    check_parity(lambda x, v: fn(minigrad, x, v), lambda x, v: fn(torch, x, v), x, _random(shape, 1))
    record("index keys")


def test_makemore_loss():
    """``-probs[range(n), ys].log().mean()``: the loss of makemore's bigram model."""
    logits, ys = _random((5, 27)), np.array([3, 0, 26, 3, 7])

    def loss(lib, logits):
        probs = logits.exp() / logits.exp().sum(1, keepdim=True)
        return -probs[range(5), lib.tensor(ys)].log().mean()
    check_parity(lambda t: loss(minigrad, t), lambda t: loss(torch, t), logits)


INDEX_ERRORS = [  # (name, shape of x, key)
    ("list out of range", (3, 4), [0, 5]),
    ("negative list out of range", (3, 4), [0, -5]),
    ("range out of range", (3, 4), range(4)),
    ("second list out of range", (3, 4), ([0], [7])),
    ("range and list out of range", (3, 4), (range(3), [0, 1, 4])),
    ("bool list of the wrong length", (3, 4), [True, False]),
    ("bool list of the wrong length on dim 1", (3, 4), (slice(None), [True, False])),
    ("mask after None and an int", (3, 4), (None, 0, [True, False])),
    ("list on a 0-d tensor", (), [0]),
    ("too many indices", (3, 4), (0, 0, [0])),
    ("strings", (3, 4), [0, "a"]),
]
INDEX_ERRORS_TORCH_TENSORS = [  # keys holding tensors, built for each library
    ("tensors of two elements in a list", (3, 4), lambda lib: ([lib.tensor([0, 1]), lib.tensor([1, 2])], 0)),
]


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence:UserWarning")  # [0, "a"] is read as a tuple
@pytest.mark.parametrize("name, shape, key", INDEX_ERRORS + INDEX_ERRORS_TORCH_TENSORS,
                         ids=[c[0] for c in INDEX_ERRORS + INDEX_ERRORS_TORCH_TENSORS])
@pytest.mark.parametrize("op", ["get", "set"])
def test_index_errors_match_torch(name, shape, key, op):
    def run(lib):
        x = lib.zeros(shape)
        k = key(lib) if callable(key) else key
        if op == "get":
            x[k]
        else:
            x[k] = 1.0

    with pytest.raises(Exception) as t_err:
        run(torch)
    with pytest.raises(Exception) as m_err:
        run(minigrad)
    assert type(m_err.value) is type(t_err.value), (m_err.value, t_err.value)
    assert _message(m_err.value) == _message(t_err.value)
    record("error cases")


@pytest.mark.parametrize("key", [[[0, 1], [2, 2]], [torch.tensor(0), 1], [0, slice(None)], [0, None]],
                         ids=["nested lists", "tensor in a list", "slice in a list", "None in a list"])
def test_sequence_read_as_a_tuple_warns(key):
    """torch still reads a list holding sequences, tensors, slices or None as the tuple it spells,
    with a deprecation warning pointing at the caller."""
    mg_key = [minigrad.tensor(k.item()) if isinstance(k, torch.Tensor) else k for k in key]
    results = []
    for lib, k in ((torch, key), (minigrad, mg_key)):
        x = lib.arange(12.0).reshape(3, 4)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results.append(x[k])
        assert len(caught) == 1 and caught[0].category is UserWarning, lib.__name__
        assert "Using a non-tuple sequence for multidimensional indexing" in str(caught[0].message)
        assert caught[0].filename == __file__, (lib.__name__, caught[0].filename)
    _same_result(results[1], results[0])


NAMES = ["outer", "ger", "trace", "diag", "diagonal", "diag_embed", "tril", "triu", "tril_", "triu_", "flip",
         "fliplr", "flipud", "roll", "rot90", "repeat", "repeat_interleave", "tile", "meshgrid", "einsum",
         "nonzero", "argwhere", "masked_select", "take_along_dim", "narrow", "movedim", "moveaxis",
         "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "row_stack", "dstack", "column_stack"]


@pytest.mark.parametrize("name", NAMES)
def test_function_and_method_as_in_torch(name):
    """Each op is a function, a Tensor method, or both, exactly where torch has it so."""
    assert hasattr(minigrad, name) == hasattr(torch, name)
    assert hasattr(minigrad.Tensor, name) == hasattr(torch.Tensor, name)
