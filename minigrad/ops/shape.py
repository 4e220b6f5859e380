"""Ops that move elements around without changing them.  Their backward moves the gradient back:
reshape <-> reshape, permute <-> inverse permute, expand <-> sum, cat <-> split."""
from __future__ import annotations

import math
import operator
import weakref
from typing import Any, Callable, Sequence

import numpy as np

from .. import _dtype
from .._tensor import Size, Tensor
from ..autograd.function import Function
from ..autograd.grad_mode import GradMode
from ._util import broadcast_shapes, broadcast_view, named, wrap_dim


def sum_to(grad: Tensor, shape: tuple) -> Tensor:
    """Undo broadcasting: sum ``grad`` over the dims that broadcasting added or stretched."""
    return grad if grad._array.shape == shape else SumTo.apply(grad, shape)


class SumTo(Function):
    """``sum_to`` as one op (a sum and a reshape in one node).  Its backward broadcasts back."""

    torch_inputs = (0,)

    @staticmethod
    def forward(ctx, grad, shape):
        ctx.in_shape, ctx.shape = grad._array.shape, shape
        return sum_to_array(grad._array, shape)

    @staticmethod
    def backward(ctx, gg):
        return gg.expand(ctx.in_shape), None

    def name(self) -> str:
        """torch's sum_to_size: a sum over dims kept as 1, then a view dropping leading dims."""
        return "ViewBackward0" if len(self.shape) < len(self.in_shape) else "SumBackward1"


def sum_to_array(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """``sum_to`` on a numpy array, for fused backward ops that compute in numpy."""
    if grad.shape == shape:
        return grad
    axes = _broadcast_axes(grad.shape, shape)
    return (grad.sum(axes, keepdims=True) if axes else grad).reshape(shape)


def _broadcast_axes(gshape: tuple, shape: tuple) -> tuple:
    """The dims of ``gshape`` that broadcasting ``shape`` to it added or stretched."""
    lead = len(gshape) - len(shape)
    return tuple(range(lead)) + tuple(
        [lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1])


def _owner(a: np.ndarray) -> np.ndarray:
    """The array that owns ``a``'s memory (numpy points every view at it)."""
    return a if a.base is None else a.base


def _as_view(out: Tensor, base: Tensor, view_fn: Callable[[Tensor], Tensor] | None,
             writable: bool = True, output_nr: int | None = None) -> Tensor:
    """Mark ``out`` as a view of ``base`` if numpy made one (not a copy).  A view shares its base's
    version counter, and keeps ``(root, fn)``: the tensor owning the storage and how to
    recompute the view from it, which an in-place op on the view needs to update the root's
    history (see ``Tensor._inplace_on_view``); ``fn`` is None where writing through the view is
    refused (``writable=False``: an expanded view, whose elements share memory).

    ``output_nr`` marks ``out`` as output ``output_nr`` of a multi-output view op (split):
    torch's rules for those are in ``_mark_multi_output``."""
    if _owner(out._array) is _owner(base._array):
        out._vc = base._vc
        if base._base is None:
            root, fn = base, view_fn
        elif view_fn is not None and base._base[1] is not None:
            root, root_fn = base._base
            fn = lambda t: view_fn(root_fn(t))  # noqa: E731
        else:
            root, fn = base._base[0], None
        if output_nr is not None or len(base._base or ()) > 2:
            _mark_multi_output(out, root, base, output_nr)
            return out
        out._base = (root, fn if writable else None)
        _remember_view(out, fn)
    return out


def _mark_multi_output(view: Tensor, root: Tensor, base: Tensor, output_nr: int | None) -> None:
    """torch's rules for a float view made by a multi-output view op (split, chunk, unbind), or
    a view of one: it may not be written in place while its graph is recorded, and once its
    storage is written at all, its graph is unusable (``Tensor._stale_view``).  Its ``_base``
    is ``(root, None, (output_nr, no_grad))``: which output it is (for torch's message) and
    whether it was made in no_grad mode; the version counter lists it, to mark it stale."""
    if view._array.dtype.kind != "f":  # not differentiable: torch tracks no view
        view._base = (root, None)
        return
    inherited = base._base[2] if output_nr is None else (0, False)
    view._base = (root, None, (output_nr or 0, inherited[1] or not GradMode.enabled))
    vc = view._vc
    if len(vc) == 1:
        vc.append([])
    elif len(vc[1]) > 64:  # a long-lived storage split every step: forget the dead views
        vc[1][:] = [r for r in vc[1] if r() is not None]
    vc[1].append(weakref.ref(view))


# id(root) -> [weak reference to root, (weak reference to a view, how to recompute it), ...], so
# that an in-place op on the root (or through one view) can re-derive the other views' history:
# torch regenerates a view's grad_fn once its base changed.
_VIEWS: dict[int, list] = {}


def _remember_view(view: Tensor, fn: Callable[[Tensor], Tensor] | None) -> None:
    if fn is None:  # (a view of a multi-output op, split: torch refuses to use it after a write)
        return
    root = view._base[0]
    key = id(root)
    refs = _VIEWS.get(key)
    if refs is None:  # dropped with the root
        refs = _VIEWS[key] = [weakref.ref(root, lambda _: _VIEWS.pop(key, None))]
    elif len(refs) > 64:  # a long-lived root viewed every step: forget the dead views
        refs[1:] = [r for r in refs[1:] if r[0]() is not None]
    refs.append((weakref.ref(view), fn))


def refresh_views(root: Tensor, written: Tensor | None = None) -> None:
    """After an in-place op changed ``root``'s history: every live view of it (but ``written``,
    the view written through, already done) takes the history of its part of the new root."""
    refs = _VIEWS.get(id(root))
    if refs is None or refs[0]() is not root:
        return
    for ref, fn in refs[1:]:
        view = ref()
        if view is None or view is written or view._base is None or view._base[0] is not root:
            continue
        fresh = fn(root)
        view.grad_fn, view._output_nr, view._requires_grad = (
            fresh.grad_fn, fresh._output_nr, fresh._requires_grad)


class ViewScatter(Function):
    """``base`` with the part that ``view_fn`` selects replaced by ``values``: what an in-place
    op on a view does to the tensor it views.  Backward: the replaced part of the gradient goes
    to ``values``, the rest to ``base``."""

    node_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, base, values, view_fn):
        ctx.view_fn = view_fn
        out = Tensor._make(base._array.copy())
        view_fn(out)._array[...] = values._array  # view ops give numpy views into `out`
        return out

    @staticmethod
    def backward(ctx, grad):
        nb, nv = ctx.needs_input_grad[:2]
        gb = ViewScatter.apply(grad, grad.new_zeros(()), ctx.view_fn) if nb else None
        gv = ctx.view_fn(grad) if nv else None
        return gb, gv, None


class Overwrite(Function):
    """``old`` with every element replaced by ``value`` (zero_, fill_, the random fills): a node of
    its own, as in torch, so the result still requires grad.  The old values no longer matter:
    their gradient is zeros.  ``value`` is an array of constants, or a 0-d Tensor (``fill_(t)``),
    which then receives the sum of the gradient."""

    torch_inputs = (0, 1)

    @staticmethod
    def forward(ctx, old, value, node_name):
        ctx.node_name = node_name
        ctx.value_dtype = value.dtype if isinstance(value, Tensor) else None
        value = value._array if isinstance(value, Tensor) else value
        return np.broadcast_to(value.astype(old._array.dtype), old._array.shape).copy()

    @staticmethod
    def backward(ctx, grad):
        g_value = grad.sum().to(ctx.value_dtype) if ctx.needs_input_grad[1] else None
        return grad.new_zeros(grad.shape), g_value, None


class Copy(Function):
    """``dst.copy_(src)``: ``src`` cast to dst's dtype and broadcast to its shape.  dst's old values
    get a zero gradient; ``src`` gets the gradient, summed back to its shape and dtype."""

    node_name = "torch::autograd::CopyBackwards"

    @staticmethod
    def forward(ctx, dst, src):
        ctx.src_shape, ctx.src_dtype = src._array.shape, src.dtype
        return np.broadcast_to(src._array.astype(dst._array.dtype), dst._array.shape).copy()

    @staticmethod
    def backward(ctx, grad):
        g_src = sum_to(grad, ctx.src_shape).to(ctx.src_dtype) if ctx.needs_input_grad[1] else None
        return grad.new_zeros(grad.shape), g_src


class Reshape(Function):
    node_name = "ViewBackward0"  # torch's reshape is a view where it can be, else _unsafe_view of a copy

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, shape, copy_ok):
        ctx.in_shape = x._array.shape
        if copy_ok:
            out = x._array.reshape(shape)
            if _owner(out) is not _owner(x._array):
                ctx.node_name = "UnsafeViewBackward0"
            return out
        try:
            return np.reshape(x._array, shape, copy=False)
        except ValueError:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at "
                               "least one dimension spans across two contiguous subspaces). Use "
                               ".reshape(...) instead.") from None

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None, None


class Permute(Function):
    node_name = "PermuteBackward0"  # transpose() and t() rename it to torch's node for them

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return x._array.transpose(axes)  # the method: np.transpose is a Python wrapper, 4x slower

    @staticmethod
    def backward(ctx, grad):
        axes = ctx.axes
        inverse = tuple(sorted(range(len(axes)), key=axes.__getitem__))  # np.argsort: ~10x slower
        return _permuted(grad, inverse), None  # a valid permutation: skip permute's checks


class Expand(Function):
    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x._array.shape
        return broadcast_view(x._array, shape)  # a read-only view, as torch's expand is a view

    @staticmethod
    def backward(ctx, grad):
        return sum_to(grad, ctx.in_shape), None


class Cat(Function):
    """Join along ``dim``.  Legacy empty 1-d tensors (shape (0,)) beside tensors of another rank
    are skipped, as torch skips them; they still get a gradient, an empty one."""

    @staticmethod
    def forward(ctx, *tensors, dim):
        ctx.dim = dim
        ndim = max(t._array.ndim for t in tensors)
        ctx.skipped = [t._array.shape == (0,) and ndim > 1 for t in tensors]
        joined = [t._array for t, skip in zip(tensors, ctx.skipped) if not skip]
        ctx.sizes = [a.shape[dim] for a in joined]
        return np.concatenate(joined, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        parts = iter(_split(grad, ctx.sizes, ctx.dim, multi_output=False))
        return tuple(grad.new_zeros((0,)) if skip else next(parts) for skip in ctx.skipped)


# ----- the public functions -------------------------------------------------------------------
def _resolve_shape(shape: tuple, numel: int) -> tuple:
    """Fill in a -1 and check the element count, with torch's message."""
    shape = tuple([operator.index(s) for s in shape])
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod([s for s in shape if s != -1])
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel or min(shape, default=0) < 0:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _recorded(input: Tensor) -> bool:
    """Whether an op on ``input`` goes into the graph.  A shape op that changes nothing may then
    still not return ``input`` itself: as in torch, the result is a new tensor, a view with its
    own node (``x.reshape(x.shape).grad_fn`` is a ViewBackward0)."""
    return input._requires_grad and GradMode.enabled


def _shape_args(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        return tuple(shape[0])
    return shape


def reshape(input: Tensor, *shape: Any) -> Tensor:
    if not shape:  # (reshape(()) is the 0-d shape; reshape() is a missing argument)
        raise TypeError('reshape() missing 1 required positional arguments: "shape"')
    shape = tuple(map(operator.index, _shape_args(shape)))  # TypeError for non-integers
    if shape == input._array.shape and not _recorded(input):  # (backward formulas often ask)
        return input
    shape = _resolve_shape(shape, input._array.size)
    if shape == input._array.shape and not _recorded(input):
        return input
    return _as_view(Reshape.apply(input, shape, True), input, lambda t: reshape(t, shape))


def view(input: Tensor, *shape: Any) -> Tensor:
    """Like reshape, but never copies: raises where torch's view would."""
    if not shape:
        raise TypeError(f"view() received an invalid combination of arguments - got (), but expected one "
                        f"of:\n * ({_dtype.DISPLAY_NAME[0]}.dtype dtype)\n * (tuple of ints size)\n")
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("view(dtype) reinterprets bytes; minigrad does not support it")
    shape = _resolve_shape(_shape_args(shape), input._array.size)
    return _as_view(Reshape.apply(input, shape, False), input, lambda t: view(t, shape))


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, other._array.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other._array.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    n = input._array.ndim
    if n == 0:
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, n), wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:  # nothing to merge: torch returns the input itself
        return input
    shape = input._array.shape
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Remove size-1 dims (all of them, or those named by ``dim`` that have size 1)."""
    shape = input._array.shape
    if dim is None:
        axes = [i for i, n in enumerate(shape) if n == 1]
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        axes = [a for a in (wrap_dim(d, len(shape)) for d in dims) if len(shape) and shape[a] == 1]
    out = reshape(input, tuple(n for i, n in enumerate(shape) if i not in axes))
    # torch's node per overload: squeeze(), squeeze(dim), squeeze(dims)
    overload = 0 if dim is None else 2 if isinstance(dim, (tuple, list)) else 1
    return out if out is input else named(out, f"SqueezeBackward{overload}")


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    shape = input._array.shape
    d = wrap_dim(dim, len(shape) + 1)
    return named(reshape(input, shape[:d] + (1,) + shape[d:]), "UnsqueezeBackward0")


def permute(input: Tensor, *dims: Any) -> Tensor:
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _shape_args(dims)
    n = input._array.ndim
    axes = tuple(wrap_dim(d, n) for d in dims) if n else ()
    if len(axes) != n or sorted(axes) != list(range(n)):
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not "
                           f"match the length of the desired ordering of dimensions i.e. input.dim() "
                           f"= {n} is not equal to len(dims) = {len(dims)}" if len(axes) != n else
                           f"permute(): duplicate dims are not allowed: {list(dims)}")
    return _permuted(input, axes)


def _permuted(input: Tensor, axes: tuple) -> Tensor:
    """``permute`` for axes already checked: a view of ``input``."""
    return _as_view(Permute.apply(input, axes), input, lambda t: _permuted(t, axes))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    n = input._array.ndim
    if n == 0:
        wrap_dim(dim0, 0), wrap_dim(dim1, 0)
        return named(_permuted(input, ()), "TransposeBackward0") if _recorded(input) else input
    axes = list(range(n))
    a, b = wrap_dim(dim0, n), wrap_dim(dim1, n)
    axes[a], axes[b] = axes[b], axes[a]
    return named(_permuted(input, tuple(axes)), "TransposeBackward0")


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    if input._array.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._array.ndim}D")
    if input._array.ndim < 2:
        return named(_permuted(input, tuple(range(input._array.ndim))), "TBackward0") if _recorded(input) \
            else input
    return named(_permuted(input, (1, 0)), "TBackward0")  # (not transpose(): its checks cost ~1 us)


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to ``sizes`` without copying (-1 keeps a dim)."""
    if not sizes:
        raise TypeError('expand() missing 1 required positional arguments: "size"')
    sizes = _shape_args(sizes)
    shape = input._array.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand({input.type()}{{{list(shape)}}}, size={list(sizes)}): the number of "
                           f"sizes provided ({len(sizes)}) must be greater or equal to the number of "
                           f"dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        have = shape[i - lead] if i >= lead else None
        if s == -1:
            if have is None:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            s = have
        if have is not None and have != s and have != 1:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size "
                               f"({have}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}."
                               f"  Tensor sizes: {list(shape)}")
        target.append(int(s))
    target = tuple(target)
    if target == shape and not _recorded(input):
        return input
    return _as_view(Expand.apply(input, target), input, lambda t: expand(t, target), writable=False)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other._array.shape)


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    return expand(input, tuple(size))


def broadcast_tensors(*tensors: Tensor) -> tuple:
    shape = broadcast_shapes(*(t._array.shape for t in tensors))
    return tuple(t if t._array.shape == shape else expand(t, shape) for t in tensors)  # (as torch)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dim (dtypes promoted as torch does)."""
    if isinstance(tensors, Tensor):  # cat(a, b) instead of cat([a, b])
        raise TypeError("cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    if not all(isinstance(t, Tensor) for t in tensors):
        raise TypeError("cat(): argument 'tensors' must be a sequence of Tensors")
    # torch skips legacy empty 1-D tensors of shape (0,) in its checks (Cat skips them in the join)
    checked = [t for t in tensors if t._array.shape != (0,)] or tensors[:1]
    ref = checked[0]
    for i, t in enumerate(tensors):
        if t._array.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # only legacy empty tensors: any dim will do (torch checks none)
    d = wrap_dim(dim, ref._array.ndim) if ref._array.shape != (0,) else 0
    for i, t in enumerate(checked):
        if t._array.ndim != ref._array.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref._array.ndim} "
                               f"and {t._array.ndim}")
        for k, (m, n) in enumerate(zip(ref._array.shape, t._array.shape)):
            if k != d and m != n:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected "
                                   f"size {m} but got size {n} for tensor number {i} in the list.")
    target = _dtype.result_type(*tensors)
    return Cat.apply(*[t.to(target) for t in tensors], dim=d)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dim."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._array.shape
    d = wrap_dim(dim, len(shape) + 1)  # (torch checks the dim before the sizes)
    for i, t in enumerate(tensors):
        if t._array.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} at "
                               f"entry 0 and {list(t._array.shape)} at entry {i}")
    return named(cat([unsqueeze(t, d) for t in tensors], d), "StackBackward0")


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the listed sizes."""
    return _split(tensor, split_size_or_sections, dim, multi_output=True)


def _split(tensor: Tensor, split_size_or_sections: Any, dim: int, multi_output: bool) -> tuple:
    """``split``; ``multi_output``: the pieces follow torch's rules for the outputs of a
    multi-output view op (no in-place change; see ``_mark_multi_output``)."""
    if tensor._array.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, tensor._array.ndim)
    n = tensor._array.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                               f"tensor's size at dimension {d}), but got split_sizes={sizes}")
    else:
        step = int(split_size_or_sections)
        if step <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                               f"size of {n}")
        sizes = [min(step, n - i) for i in range(0, n, step)] if n else [0]
    # torch makes one node with an output per piece; here each piece has its own, named as torch's
    node_name = "SplitWithSizesBackward0" if isinstance(split_size_or_sections, (list, tuple)) else \
        "SplitBackward0"
    out, start = [], 0
    for i, s in enumerate(sizes):
        key = (slice(None),) * d + (slice(start, start + s),)
        out.append(named(_piece(tensor, key, i if multi_output else None), node_name))
        start += s
    return tuple(out)


def _piece(tensor: Tensor, key: tuple, output_nr: int | None) -> Tensor:
    """``tensor[key]`` for a key of ints and slices: a view, output ``output_nr`` of a
    multi-output view op if that is given."""
    from .indexing import Index, index
    if output_nr is None:
        return index(tensor, key)
    return _as_view(Index.apply(tensor, key, False), tensor, None, output_nr=output_nr)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    if input._array.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = input._array.shape[wrap_dim(dim, input._array.ndim)]
    if n == 0:  # torch returns `chunks` empty pieces
        return split(input, [0] * chunks, dim)
    return split(input, max(-(-n // chunks), 1), dim)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    d = wrap_dim(dim, input._array.ndim)
    if input._array.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return tuple(named(_piece(input, (slice(None),) * d + (i,), i), "UnbindBackward0")
                 for i in range(input._array.shape[d]))



# ----- repeating, narrowing, moving dims, stacking ----------------------------------------------
class Repeat(Function):
    """``x.repeat(*reps)``: x tiled ``reps[i]`` times along dim i.  Backward: each element's
    gradient is the sum over its copies, so view the gradient as (copies, size) per dim and sum
    over the copies."""

    torch_inputs = (0,)  # torch's node has no input for the other, non-tensor arguments

    @staticmethod
    def forward(ctx, x, reps):
        ctx.in_shape, ctx.reps = x._array.shape, reps
        return np.tile(x._array.reshape((1,) * (len(reps) - x._array.ndim) + x._array.shape), reps)

    @staticmethod
    def backward(ctx, grad):
        reps, shape = ctx.reps, (1,) * (len(ctx.reps) - len(ctx.in_shape)) + ctx.in_shape
        split = tuple(n for pair in zip(reps, shape) for n in pair)  # (r0, s0, r1, s1, ...)
        copies = tuple(range(0, 2 * len(reps), 2))
        summed = grad.reshape(split).sum(copies)
        # (no reshape when the shape is right: under create_graph it would add a node torch has not)
        return (summed if summed.shape == ctx.in_shape else summed.reshape(ctx.in_shape)), None


def repeat(input: Tensor, *repeats: Any) -> Tensor:
    """The Tensor method ``x.repeat(*repeats)`` (torch has no function): x tiled ``repeats[i]``
    times along dim i, with new leading dims if ``repeats`` is longer than x's shape."""
    if not repeats:
        raise TypeError("repeat() missing 1 required positional arguments: \"repeats\"")
    reps = tuple(operator.index(r) for r in _shape_args(repeats))
    shape = input._array.shape
    if len(reps) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    padded = (1,) * (len(reps) - len(shape)) + shape
    target = [r * n for r, n in zip(reps, padded)]
    if any(n < 0 for n in target):
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{next(n for n in target if n < 0)}: {target}")
    return Repeat.apply(input, reps)


def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``repeat`` with ``dims`` padded with leading 1s to input's number of dims."""
    if not isinstance(dims, (tuple, list, Size)):
        raise TypeError(f"tile(): argument 'dims' (position 2) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    dims = tuple(dims)
    return repeat(input, (1,) * (input._array.ndim - len(dims)) + dims)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``length`` elements along ``dim`` from ``start`` (a view, as ``input[..., start:start+length]``)."""
    n = input._array.ndim
    if n == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = wrap_dim(dim, n)
    size, start = input._array.shape[d], operator.index(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got "
                         f"{start})")
    start = start % size if start < 0 else start
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return input[(slice(None),) * d + (slice(start, start + length),)]


def movedim(input: Tensor, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move the dims ``source`` to the positions ``destination``; the others keep their order."""
    src = tuple(source) if isinstance(source, (tuple, list)) else (source,)
    dst = tuple(destination) if isinstance(destination, (tuple, list)) else (destination,)
    n = input._array.ndim
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) "
                           f"should contain the same number of dims as destination ({list(dst)} dims)")
    s, t = [wrap_dim(d, n) for d in src], [wrap_dim(d, n) for d in dst]
    for name, given, wrapped in (("source", src, s), ("destination", dst, t)):
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    if n == 0:
        return _permuted(input, ())
    rest = iter(d for d in range(n) if d not in s)
    moved = dict(zip(t, s))
    return _permuted(input, tuple(moved[i] if i in moved else next(rest) for i in range(n)))


moveaxis = movedim


def _at_least(t: Tensor, ndim: int) -> Tensor:
    """``t`` with dims of size 1 added as torch's atleast_{1,2,3}d add them."""
    n = t._array.ndim
    if n >= ndim:
        return t
    if n == 0:
        return reshape(t, (1,) * ndim)
    if n == 1:
        t = unsqueeze(t, 0)
    return unsqueeze(t, -1) if ndim == 3 else t  # (n,) -> (1, n, 1); (m, n) -> (m, n, 1)


def _atleast(ndim: int, tensors: tuple) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_at_least(t, ndim) for t in tensors[0])
    if len(tensors) == 1:
        return _at_least(tensors[0], ndim)
    return tuple(_at_least(t, ndim) for t in tensors)


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dim (one tensor in, one out; several in, a tuple)."""
    return _atleast(1, tensors)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dims: a vector becomes a row (1, n)."""
    return _atleast(2, tensors)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dims: (n,) becomes (1, n, 1), (m, n) becomes (m, n, 1)."""
    return _atleast(3, tensors)


def _non_empty(tensors: Sequence[Tensor], name: str) -> list:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along the columns: vectors end to end, matrices side by side."""
    tensors = [_at_least(t, 1) for t in _non_empty(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0]._array.ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along the rows: vectors become rows of a matrix."""
    return cat([_at_least(t, 2) for t in _non_empty(tensors, "vstack")], 0)


row_stack = vstack


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along the third dim (depth)."""
    return cat([_at_least(t, 3) for t in _non_empty(tensors, "dstack")], 2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Vectors (and scalars) as columns, side by side with the matrices' columns."""
    tensors = _non_empty(tensors, "column_stack")
    return hstack([reshape(t, (t._array.size, 1)) if t._array.ndim <= 1 else t for t in tensors])
