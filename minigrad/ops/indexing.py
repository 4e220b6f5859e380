"""Indexing: ``x[key]``, ``x[key] = v``, gather and masked_fill.

Reading ``x[key]`` picks elements, so its backward scatters the gradient back to where they came
from (adding, when an integer-array index picks an element twice).  The two ops are each
other's backward, which is what makes second-order gradients work here too.
"""
from __future__ import annotations

import math
import re
import sys
import warnings
from typing import Any

import numpy as np

from .._tensor import Tensor, _check_converts
from ..autograd.function import Function
from ._util import broadcast_shapes, named, quiet, to_tensor, wrap_dim
from .shape import _as_view, sum_to


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first caller outside minigrad (the
    user's line, as torch's warnings do), however deep inside minigrad it is raised."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("minigrad."):
        frame, level = frame.f_back, level + 1
    return level


_SEQUENCE_AS_TUPLE_WARNING = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in "
    "pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as "
    "tensor index, x[torch.tensor(seq)], which will result either in an error or a different result")


def _parts(key: Any) -> tuple:
    """The key as a tuple of per-dim indices.  A list or range is one index (``x[[0, 2]]``), except
    that torch, following old numpy, reads a short one holding a sequence, tensor, slice, None or
    Ellipsis as the tuple it spells (``x[[[0, 1], [2, 2]]]`` is ``x[[0, 1], [2, 2]]``), with a
    deprecation warning."""
    if isinstance(key, tuple):
        return key
    if isinstance(key, str):  # torch reads a str as a sequence of indices, then refuses its characters
        warnings.warn(_SEQUENCE_AS_TUPLE_WARNING, UserWarning, stacklevel=user_stacklevel())
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(key, (list, range)) and len(key) < 32 and any(
            isinstance(k, (Tensor, np.ndarray, list, tuple, range, slice)) or k is None or k is Ellipsis
            for k in key):
        warnings.warn(_SEQUENCE_AS_TUPLE_WARNING, UserWarning, stacklevel=user_stacklevel())
        return tuple(key)
    return (key,)


def _sequence_index(seq: list | tuple | range) -> np.ndarray:
    """A list, tuple or range used as one index, as the index tensor torch makes of it: bool if
    every element is a bool (a mask), else int64 (floats truncated toward zero, as torch does)."""
    try:
        a = np.asarray(seq)
    except ValueError:  # ragged nested lists
        raise ValueError("expected sequence of length "
                         f"{len(seq[0])} at dim 1 (got {len(seq[1])})") from None
    if a.ndim > 1 and any(isinstance(k, Tensor) and k._array.size != 1 for k in seq):
        raise TypeError("only integer tensors of a single element can be converted to an index")
    if a.dtype.kind in "bi":
        return a
    if a.size == 0 or a.dtype.kind in "uf":
        return a.astype(np.int64)
    raise TypeError(f"new(): invalid data type '{type(np.ravel(a)[0].item()).__name__}'")


def _key(key: Any) -> tuple[tuple, bool]:
    """The key with tensors, lists and ranges as numpy index arrays; and whether it is 'advanced'."""
    out, advanced = [], False
    for k in _parts(key):
        if isinstance(k, Tensor):
            k = k._array
        elif isinstance(k, (list, tuple, range)):
            k = _sequence_index(k)
        if isinstance(k, np.ndarray):
            if k.dtype.kind not in "iub":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            advanced = True
        elif isinstance(k, (bool, np.bool_)):
            advanced = True
        elif isinstance(k, slice) and k.step is not None and k.step <= 0:  # torch: no reversing slices
            raise ValueError("slice step cannot be zero" if k.step == 0 else "step must be greater than zero")
        elif not (k is None or k is Ellipsis or isinstance(k, (int, slice, np.integer))):
            raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                             f"Variables are valid indices (got {type(k).__name__})")
        out.append(k)
    return tuple(out), advanced


def _numpy_index(fn: Any) -> Any:
    """Run a numpy indexing call; turn its IndexError into torch's wording."""
    try:
        return fn()
    except IndexError as e:
        too_many = re.match(r"too many indices for array: array is (\d+)-dimensional", str(e))
        if too_many:
            raise IndexError(f"too many indices for tensor of dimension {too_many[1]}") from None
        raise IndexError(str(e).replace("axis", "dimension")) from None
    except ValueError as e:  # e.g. a shape mismatch in x[key] = v
        raise RuntimeError(str(e)) from None


class Index(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, key, advanced):
        if not advanced and not any(k is Ellipsis for k in key):
            key = key + (Ellipsis,)  # x[0] of a vector: a 0-d view (as torch), not a scalar copy
        ctx.in_shape, ctx.key, ctx.advanced = x._array.shape, key, advanced
        return np.asarray(_numpy_index(lambda: x._array[key]))

    @staticmethod
    def backward(ctx, grad):
        return IndexAdd.apply(grad, ctx.in_shape, ctx.key, ctx.advanced), None, None

    def name(self) -> str:
        """torch's node: ``IndexBackward0`` for an advanced index, else the node of the last
        basic step torch takes (``x[0]`` selects, ``x[1:]`` slices, ``x[None]`` unsqueezes)."""
        if self.node_name is not None or self.advanced:
            return self.node_name or "IndexBackward0"
        return _basic_index_name(self.key)


def _basic_index_name(key: tuple) -> str:
    """torch indexes dim by dim, one node per step, skipping ``:`` (``x[:, :]`` is an alias of x;
    ``x[:]``, a lone slice, is named by ``index``); the last step names the node."""
    steps = [p for p in key if p is not Ellipsis and p != slice(None)]
    if not steps:
        return "AliasBackward0"
    last = steps[-1]
    return "UnsqueezeBackward0" if last is None else "SliceBackward0" if isinstance(last, slice) else \
        "SelectBackward0"


class IndexAdd(Function):
    """zeros(shape) with ``grad`` added at ``key``: the backward of Index (and vice versa)."""

    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, grad, shape, key, advanced):
        ctx.key, ctx.advanced = key, advanced
        out = np.zeros(shape, dtype=grad._array.dtype)
        if advanced:
            np.add.at(out, key, grad._array)  # repeated indices accumulate
        else:
            out[key] = grad._array
        return out

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, ctx.key, ctx.advanced), None, None, None

    def name(self) -> str:
        """torch's node for the backward of the index step it undoes (``SelectBackwardBackward0``)."""
        if self.advanced:
            return "IndexPutImplBackward0"
        step = _basic_index_name(self.key)
        if step == "UnsqueezeBackward0":  # unsqueeze's backward is a squeeze, an op of its own
            return "SqueezeBackward1"
        return step.replace("Backward0", "BackwardBackward0")


class IndexPut(Function):
    """``x[key] = value`` out of place: the backward of the overwritten elements is zero."""

    torch_inputs = (0, 1)  # the tensor inputs

    @staticmethod
    def forward(ctx, x, value, key):
        ctx.key, ctx.value_shape = key, value._array.shape
        out = x._array.copy()
        split = _torch_order(key)
        if split is None:
            _numpy_index(lambda: out.__setitem__(key, value._array))
        else:  # select with the integers first (a numpy view into `out`), then assign
            _numpy_index(lambda: out[split[0]].__setitem__(split[1], value._array))
        return out

    @staticmethod
    def backward(ctx, grad):
        nx, nv = ctx.needs_input_grad[:2]
        gx = IndexPut.apply(grad, grad.new_zeros(()), ctx.key) if nx else None
        gv = sum_to(grad[ctx.key], ctx.value_shape) if nv else None
        return gx, gv, None


class Gather(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.in_shape, ctx.dim, ctx.index = x._array.shape, dim, index
        idx = index._array
        # torch allows index to be smaller than x in the other dims: use that corner of x
        corner = tuple(slice(0, n) if d != dim else slice(None) for d, n in enumerate(idx.shape))
        return _numpy_index(lambda: np.take_along_axis(x._array[corner], idx, axis=dim))

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(grad, ctx.dim, ctx.index, ctx.in_shape), None, None


class ScatterAdd(Function):
    """zeros(shape) with ``src`` added along ``dim`` at ``index``: the backward of Gather."""

    @staticmethod
    def forward(ctx, src, dim, index, shape):
        ctx.dim, ctx.index = dim, index
        idx = index._array
        grid = list(np.ogrid[tuple(slice(n) for n in idx.shape)])
        grid[dim] = idx
        out = np.zeros(shape, dtype=src._array.dtype)
        np.add.at(out, tuple(grid), src._array[tuple(slice(0, n) for n in idx.shape)])
        return out

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, ctx.dim, ctx.index), None, None, None


# ----- the public functions -------------------------------------------------------------------
def index(input: Tensor, key: Any) -> Tensor:
    """``input[key]``: ints, slices, None, Ellipsis, integer arrays and boolean masks."""
    k, advanced = _key(key)
    if input._array.ndim == 0 and not advanced and any(isinstance(p, (int, np.integer)) for p in k):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    if advanced:
        _check_masks(k, input._array.shape)
    try:
        return _index(input, k, advanced, isinstance(key, slice))
    except IndexError:  # numpy refused the key: say why in torch's words, or (an empty result) go on
        valid = _check_bounds(k, input._array.shape)
        if valid is k:
            raise
        return _index(input, valid, advanced, isinstance(key, slice))


def _index(input: Tensor, k: tuple, advanced: bool, lone_slice: bool) -> Tensor:
    split = _torch_order(k) if advanced else None
    if split is not None:
        return index(index(input, split[0]), split[1])
    out = Index.apply(input, k, advanced)
    if lone_slice:  # torch slices for a lone slice, even a whole one (x[:])
        named(out, "SliceBackward0")
    return out if advanced else _as_view(out, input, lambda t: index(t, k))


def _check_masks(key: tuple, shape: tuple) -> None:
    """Each boolean mask in ``key`` must have the shape of the dims it covers, in the tensor as the
    indices before it have shaped it (torch's message names both shapes; numpy's would not)."""
    if not any(isinstance(p, np.ndarray) and p.dtype.kind == "b" for p in key):
        return
    specified = sum(p.ndim if isinstance(p, np.ndarray) and p.dtype.kind == "b" else 1 for p in key
                    if not (p is None or p is Ellipsis or isinstance(p, (bool, np.bool_))))
    if specified > len(shape):
        return  # numpy's 'too many indices', in torch's words (_numpy_index)
    result, dim = list(shape), 0
    for p in key:
        if p is None or isinstance(p, (bool, np.bool_)):
            result.insert(dim, 1)
            dim += 1
        elif p is Ellipsis:
            dim += len(shape) - specified
        elif _is_int(p):
            result.pop(dim)
        elif isinstance(p, slice):
            result[dim] = len(range(*p.indices(result[dim])))
            dim += 1
        elif p.dtype.kind == "b":
            for j, m in enumerate(p.shape):
                if result[dim + j] != m:
                    raise IndexError(f"The shape of the mask {list(p.shape)} at index {j} does not match "
                                     f"the shape of the indexed tensor {result} at index {dim + j}")
            dim += p.ndim
        else:
            dim += 1


def _check_bounds(key: tuple, shape: tuple) -> tuple:
    """Why numpy refused ``key``, as torch says it (numpy counts dims differently): an int names its
    position in the key (a None counts), an index tensor its place among the index tensors; index
    tensors must broadcast together.  As torch reads no index when the result is empty,
    out-of-range index values are then no error: the key is returned with them replaced by 0.
    Returns ``key`` itself when it finds nothing to say."""
    specified = sum(p.ndim if isinstance(p, np.ndarray) and p.dtype.kind == "b" else 1 for p in key
                    if not (p is None or p is Ellipsis or isinstance(p, (bool, np.bool_))))
    dim = pos = adv = 0
    shapes, kept, out_of_range = [], [], None  # kept: the sizes of the dims the result keeps
    for p in key:
        if p is None or isinstance(p, (bool, np.bool_)):
            pos += 1
            continue
        if p is Ellipsis:
            skip = len(shape) - specified
            kept += shape[dim:dim + skip]
            dim, pos = dim + skip, pos + skip
            continue
        if dim >= len(shape):
            return key  # too many indices: numpy says so, in torch's words (_numpy_index)
        if _is_int(p):
            if not -shape[dim] <= p < shape[dim]:
                raise IndexError(f"index {p} is out of bounds for dimension {pos} with size {shape[dim]}")
        elif isinstance(p, slice):
            kept.append(len(range(*p.indices(shape[dim]))))
        elif p.dtype.kind == "b":  # a mask: one index tensor per dim it covers
            shapes += [(int(np.count_nonzero(p)),)] * p.ndim
            dim, pos, adv = dim + p.ndim - 1, pos + p.ndim - 1, adv + p.ndim
        else:
            n = shape[dim]
            if n == 0 and p.size:
                raise IndexError("index is out of bounds for dimension with size 0")
            bad = (p < -n) | (p >= n)
            if out_of_range is None and bad.any():
                out_of_range = (len(shapes), IndexError(f"index {p[bad].flat[0]} is out of bounds for "
                                                        f"dimension {adv} with size {n}"))
            shapes.append(p.shape)
            adv += 1
        dim, pos = dim + 1, pos + 1
    try:  # (torch checks this before the index values)
        indexed = np.broadcast_shapes(*shapes) if shapes else ()
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(sh)) for sh in shapes)) from None
    if out_of_range is None:
        return key
    if math.prod(kept) * math.prod(shape[dim:]) * math.prod(indexed):
        raise out_of_range[1]
    # the result is empty, so which elements the indices name does not matter: 0 is valid for numpy
    return tuple(np.zeros_like(p) if isinstance(p, np.ndarray) and p.dtype.kind != "b" else p for p in key)


def _is_int(p: Any) -> bool:
    return isinstance(p, (int, np.integer)) and not isinstance(p, bool)


def _torch_order(key: tuple) -> tuple[tuple, tuple] | None:
    """torch applies integer indices as plain selections first, so x[0, :, idx] keeps the sliced
    dim in front; numpy would count the 0 as an advanced index and move idx's dim first.  For
    such keys: (the selection, the rest), to apply one after the other; else None."""
    if (any(_is_int(p) for p in key) and any(isinstance(p, np.ndarray) for p in key)
            and not any(isinstance(p, bool) for p in key)
            and all(not isinstance(p, np.ndarray) or p.ndim for p in key)):
        return _ints_first(key)
    return None


def _ints_first(key: tuple) -> tuple[tuple, tuple]:
    """Split a key into (ints, slices and None) and then (the index arrays), dim for dim."""
    first, second = [], []
    for p in key:
        if isinstance(p, np.ndarray):  # consumes one dim, or a mask's ndim dims
            first += [slice(None)] * (p.ndim if p.dtype.kind == "b" else 1)
            second.append(p)
        elif _is_int(p) or p is Ellipsis:
            first.append(p)
            if p is Ellipsis:
                second.append(p)
        else:  # a slice or None: applied first; its dim is then taken whole
            first.append(p)
            second.append(slice(None))
    return tuple(first), tuple(second)


# torch's names for the types whose range it checks when a Python number is stored
_SET_NAMES = {"int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t", "float32": "float"}


def _settable(value: float, dtype: np.dtype) -> bool:
    """Whether torch stores the number in a tensor of ``dtype``: signed integers and float32 refuse
    what they cannot hold (inf and nan too, for integers); uint8 wraps, float16 saturates."""
    if dtype.name not in _SET_NAMES:
        return True
    if dtype.kind == "f":
        return not math.isfinite(value) or abs(value) <= float(np.finfo(dtype).max)
    info = np.iinfo(dtype)
    return math.isfinite(value) and info.min <= value <= info.max


def setitem_value(input: Tensor, value: Any) -> Tensor:
    """The value of ``input[key] = value`` as a Tensor, as torch takes it: a tensor as it is, a
    Python number as a 0-d tensor of input's dtype, anything else refused (a list, an array)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)):
        dtype = input._array.dtype
        if not isinstance(value, (bool, np.bool_)) and not _settable(float(value), dtype):
            raise RuntimeError(f"value cannot be converted to type {_SET_NAMES[dtype.name]} without overflow")
        with quiet():  # (uint8 wraps, float16 rounds to inf, as torch's conversions do)
            return Tensor._make(np.asarray(value).astype(dtype))
    name = type(value).__qualname__ if type(value).__module__ == "builtins" else \
        f"{type(value).__module__}.{type(value).__qualname__}"
    raise TypeError(f"can't assign a {name} to a {input.type()}")


def strip_leading_ones(value: Tensor) -> Tensor:
    """``value`` without its leading size-1 dims: torch drops them before it broadcasts a value into
    ``x[key]`` (so a (1, 1, 2) value fits a (2,) slot, and a (1,) value a single element)."""
    shape = value._array.shape
    lead = 0
    while lead < len(shape) and shape[lead] == 1:
        lead += 1
    return value.reshape(shape[lead:]) if lead else value


def _indexed_shape(shape: tuple, key: tuple) -> tuple:
    """The shape of ``x[key]`` for an x of ``shape`` (computed on a stride-0 stand-in, no data)."""
    stand_in = np.broadcast_to(np.empty((), np.bool_), shape)
    split = _torch_order(key)
    if split is None:
        return _numpy_index(lambda: stand_in[key]).shape
    return _numpy_index(lambda: stand_in[split[0]][split[1]]).shape


def index_put(input: Tensor, key: Any, value: Any) -> Tensor:
    """A copy of ``input`` with ``input[key] = value`` (what ``__setitem__`` records), with torch's
    rules: for a key of ints and slices the value is copied into that part of input (any dtype is
    cast, the shape must expand to the part's); for index tensors and masks (torch's index_put)
    the dtypes must match, unless the value is a Python number, and the shape must broadcast."""
    k, advanced = _key(key)
    if advanced:
        _check_masks(k, input._array.shape)
    scalar = not isinstance(value, Tensor)
    value = strip_leading_ones(setitem_value(input, value))
    try:
        target = _indexed_shape(input._array.shape, k)
    except IndexError:  # numpy refused the key: say why in torch's words, or (nothing to write) go on
        k = _check_bounds(k, input._array.shape)
        target = _indexed_shape(input._array.shape, k)
    if not advanced:
        value = value.expand(target).to(input.dtype)  # torch's errors, from expand
    else:
        if not scalar and value._array.dtype != input._array.dtype and not _fills_mask(k, value):
            raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                               f"{_SCALAR_TYPE[input.dtype.name]} for the destination and "
                               f"{_SCALAR_TYPE[value.dtype.name]} for the source.")
        value = value.to(input.dtype)
        vshape = value._array.shape
        if len(vshape) > len(target) or any(v not in (1, t) for v, t in zip(vshape[::-1], target[::-1])):
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to "
                               f"indexing result of shape {list(target)}")
    return IndexPut.apply(input, value, k)


def _fills_mask(key: tuple, value: Tensor) -> bool:
    """Whether torch's index_put casts ``value`` to the destination's dtype for ``key``: when it
    fills a boolean mask with one value (torch's masked_fill_), or when the key has no index
    tensor at all (a Python bool: a copy into a view)."""
    arrays = [p for p in key if isinstance(p, np.ndarray)]
    return not arrays or len(arrays) == 1 and arrays[0].dtype.kind == "b" and value._array.size == 1


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = wrap_dim(dim, input.ndim)
    i = index._array
    if i.dtype not in (np.int64, np.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    # torch's kernels for an empty input and for dim 1 check each index, with a RuntimeError
    if i.size and input.ndim > 1 and (d == 1 or not input._array.size):
        n = input.shape[d]
        if not n and not input._array.size:
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        bad = (i < 0) | (i >= n)
        if bad.any():
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={i[bad].flat[0]} axis_dim={n}")
    if i.size and (i.min() < 0 or i.max() >= (input.shape[d] if input.ndim else 1)):  # no negative indices
        raise IndexError("index out of range in self")
    return named(input[(slice(None),) * d + (index.reshape(-1),)], "IndexSelectBackward0")


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` for dim=0 (and likewise for other dims)."""
    d = wrap_dim(dim, input.ndim)
    if index._array.dtype not in (np.int64, np.int32):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for i, (m, n) in enumerate(zip(index.shape, input.shape)):
        if i != d and m > n:
            raise RuntimeError(f"Size does not match at dimension {i} expected index "
                               f"{list(index.shape)} to be no larger than self {list(input.shape)} "
                               f"apart from dimension {d}")
    if input.ndim == 0:
        return input.reshape(1).gather(0, index.reshape(1)).reshape(index.shape)
    _check_index_values(index, input, d)
    return Gather.apply(input, d, index)


def _check_index_values(index: Tensor, input: Tensor, d: int) -> None:
    """gather/scatter take indices in [0, size) along ``d``, no negative ones: torch raises a
    RuntimeError for any other (numpy's would be an IndexError, or a negative index accepted)."""
    size = input.shape[d] if input.ndim else 1
    bad = (index._array < 0) | (index._array >= size)
    if bad.any():
        raise RuntimeError(f"index {index._array[bad].flat[0]} is out of bounds for dimension {d} with size "
                           f"{size}")


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``input`` plus ``src`` added at ``index`` along ``dim``."""
    d = wrap_dim(dim, input.ndim)
    _check_index_values(index, input, d)
    return named(input + ScatterAdd.apply(src, d, index, input._array.shape), "ScatterAddBackward0")


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``input`` with ``value`` wherever ``mask`` (broadcast to input's shape) is True."""
    if not isinstance(mask, Tensor) or mask._array.dtype.kind != "b":
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{getattr(mask, 'dtype', type(mask).__name__)}")
    broadcast_shapes(mask._array.shape, input._array.shape)  # the result may be larger than input
    node_name = "MaskedFillBackward1" if isinstance(value, Tensor) else "MaskedFillBackward0"
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        value = value.to(input.dtype)
    else:
        _check_converts(value, input._array.dtype)  # a number the dtype cannot hold: torch refuses
        try:
            value = to_tensor(np.asarray(value, dtype=input._array.dtype))
        except (OverflowError, ValueError):  # inf, nan or a huge number into an integer tensor
            from ._util import C_TYPE
            name = "int64_t" if input._array.dtype == np.int64 else C_TYPE[input._array.dtype.name]
            raise RuntimeError(f"value cannot be converted to type {name} without overflow") from None
    from .arithmetic import where
    return named(where(mask, value, input), node_name)


# ----- selecting by condition ------------------------------------------------------------------
class MaskedSelect(Function):
    """The elements of ``x`` where ``mask`` (of x's shape) is True, as a vector.  Backward: each
    gradient goes back to its element's place, zeros elsewhere (``MaskedScatter``)."""

    torch_inputs = (0,)  # torch's node has no input for the mask

    @staticmethod
    def forward(ctx, x, mask):
        ctx.mask = mask
        return x._array[mask._array]

    @staticmethod
    def backward(ctx, grad):
        return MaskedScatter.apply(grad, ctx.mask), None


class MaskedScatter(Function):
    """zeros of ``mask``'s shape with ``values`` written, in order, where ``mask`` is True: the
    backward of MaskedSelect (and vice versa)."""

    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, values, mask):
        ctx.mask = mask
        out = np.zeros(mask._array.shape, dtype=values._array.dtype)
        out[mask._array] = values._array
        return out

    @staticmethod
    def backward(ctx, grad):
        return MaskedSelect.apply(grad, ctx.mask), None


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (the two broadcast)."""
    if not isinstance(mask, Tensor) or mask._array.dtype.kind != "b":
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    from .shape import broadcast_tensors
    broadcast_shapes(mask._array.shape, input._array.shape)  # (torch names the mask's size first)
    input, mask = broadcast_tensors(input, mask)
    return MaskedSelect.apply(input, mask)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The indices of the nonzero elements: one row per element (an (n, ndim) int64 tensor), or
    with ``as_tuple`` one index tensor per dim (a 0-d input counts as 1-d then)."""
    a = input._array
    if as_tuple:
        return tuple(Tensor._make(i) for i in np.nonzero(np.atleast_1d(a)))
    return Tensor._make(np.argwhere(a).astype(np.int64))


def argwhere(input: Tensor) -> Tensor:
    """``nonzero(input)``: the indices of the nonzero elements, one row each."""
    return nonzero(input)


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """``input``'s values at ``indices`` along ``dim`` (the two broadcast in the other dims), or at
    flat ``indices`` of the flattened input when dim is None."""
    if indices._array.dtype != np.int64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_SCALAR_TYPE.get(indices._array.dtype.name, indices._array.dtype.name)}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    if input._array.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if input._array.ndim != indices._array.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of "
                           f"dimensions, but got {input._array.ndim} dimensions for input, and "
                           f"{indices._array.ndim} dimensions for indices")
    d = wrap_dim(dim, input._array.ndim)
    shape = list(np.broadcast_shapes(*[tuple(1 if i == d else n for i, n in enumerate(t._array.shape))
                                      for t in (input, indices)]))
    input = input.expand(shape[:d] + [input._array.shape[d]] + shape[d + 1:])
    indices = indices.expand(shape[:d] + [indices._array.shape[d]] + shape[d + 1:])
    return gather(input, d, indices)


# torch's names for dtypes in its kernel errors ("... should be Long but got Int")
_SCALAR_TYPE = {"float16": "Half", "float32": "Float", "float64": "Double", "uint8": "Byte", "int8": "Char",
                "int16": "Short", "int32": "Int", "int64": "Long", "bool": "Bool"}
