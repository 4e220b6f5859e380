"""Helpers shared by the ops: operand promotion, dim handling, quiet numpy (``quiet``)."""
from __future__ import annotations

import collections
import functools
import math
import warnings
from typing import Any

import numpy as np

from .. import _dtype
from .._errstate import quiet  # noqa: F401  (re-exported for the ops)
from .._tensor import _SCALAR_TYPE, Tensor, _can_cast, _wrap_dim
from ..autograd.grad_mode import GradMode

wrap_dim = _wrap_dim




def to_tensor(x: Any) -> Tensor:
    """An operand as a Tensor: Python scalars keep torch's scalar typing for promotion."""
    if isinstance(x, Tensor):
        return x
    x = _normalize(x)
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, int, float)):
        return Tensor._make(np.asarray(x, dtype=_dtype._scalar_dtype(x).np))
    raise TypeError(f"unsupported operand type for a tensor op: {type(x).__name__}")


_NUMBERS = (int, float)


def operands(a: Any, b: Any, float_result: bool = False) -> tuple[Tensor, Tensor]:
    """Both operands as Tensors of the dtype torch would compute in.

    Python scalars take the tensor's dtype when they are of the same or a lower category
    (``float32_tensor * 2.5`` stays float32); see ``_dtype.result_type``.  With ``float_result``
    integer results become the default float dtype (true division)."""
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb:  # the common cases first: two tensors of one dtype need nothing,
        da = a._array.dtype
        if da == b._array.dtype and (not float_result or da.kind == "f"):
            return a, b
    elif ta and type(b) in _NUMBERS and a._array.dtype.char in "fd":  # a float32/64 tensor and a number:
        return a, Tensor._make(np.asarray(b, a._array.dtype))            # the tensor's dtype
    elif tb and type(a) in _NUMBERS and b._array.dtype.char in "fd":  # (float16 below: it may overflow)
        return Tensor._make(np.asarray(a, b._array.dtype)), b
    else:
        a, b = _normalize(a), _normalize(b)
        ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    target = _dtype.result_type(a, b)
    if float_result and not target.is_floating_point:
        target = _dtype.get_default_dtype()
    return _as(a, ta, target), _as(b, tb, target)


def _normalize(x: Any) -> Any:
    """numpy arrays act as tensors, numpy scalars as Python scalars."""
    if isinstance(x, np.ndarray):
        return Tensor._make(x)
    if isinstance(x, np.generic):
        return x.item()
    return x


def _as(x: Any, is_tensor: bool, target: _dtype.dtype) -> Tensor:
    if is_tensor:
        return x if x._array.dtype == target.np else x.to(target)
    if not isinstance(x, (bool, int, float)):
        raise TypeError(f"unsupported operand type for a tensor op: {type(x).__name__}")
    with quiet():  # a number beyond float16's range is inf, silently, as in torch
        return Tensor._make(np.asarray(x, dtype=target.np))


def broadcast_shapes(*shapes: tuple) -> tuple:
    """The shape that ``shapes`` broadcast to, or torch's RuntimeError naming the first clash from
    the right (every op that broadcasts reports a mismatch this way, numpy's words never leak)."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        ndim = max(len(sh) for sh in shapes)
        for i in range(1, ndim + 1):
            sizes = [sh[-i] for sh in shapes if len(sh) >= i and sh[-i] != 1]
            if len(set(sizes)) > 1:
                raise RuntimeError(f"The size of tensor a ({sizes[0]}) must match the size of tensor b "
                                   f"({next(n for n in sizes if n != sizes[0])}) at non-singleton "
                                   f"dimension {ndim - i}") from None
        raise


def on_numpy_error(*operands: Any) -> None:
    """Called in the ``except ValueError`` branch of an op that let numpy broadcast its operands
    (tensors or arrays): raises torch's RuntimeError if their shapes were the problem, so numpy's
    words never reach the user.  (Checking only after numpy failed costs the common case nothing.)"""
    broadcast_shapes(*(np.shape(o._array if isinstance(o, Tensor) else o) for o in operands))


def check_broadcast_to(shape: tuple, target: tuple) -> None:
    """torch's errors for writing a tensor of ``shape`` into one of ``target`` (copy_, out=)."""
    full = broadcast_shapes(target, shape)
    if full != tuple(target):
        raise RuntimeError(f"output with shape {list(target)} doesn't match the broadcast shape {list(full)}")


def check_result_dtype(input: Tensor, dtype: Any) -> None:
    """A reduction told to compute in a non-float ``dtype`` (``sum(dtype=int64)``) cannot give a
    gradient: torch refuses it outright when the input requires grad."""
    if dtype is not None and GradMode.enabled and input._requires_grad and np.dtype(dtype).kind != "f":
        raise RuntimeError(f"Autograd not support dtype: {_SCALAR_TYPE[np.dtype(dtype).name]}")


def refuse_bool(input: Tensor, kernel: str) -> None:
    """torch has no bool kernel for some ops (abs, floor, pow...): its NotImplementedError names
    the kernel it looked for."""
    if input._array.dtype.kind == "b":
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def named(out: Tensor, node_name: str) -> Tensor:
    """``out``, its graph node renamed to torch's name for this call (``SumBackward1`` for a sum
    over ``dim``...).  Only for an ``out`` that the op just made (its node is fresh)."""
    if out.grad_fn is not None:
        out.grad_fn.node_name = node_name
    return out


def sum_terms(*terms: Tensor | None) -> Tensor | None:
    """The sum of the terms that are not None (None if none is): a gradient that collects a term
    from each output of a fused backward op that received one."""
    total = None
    for t in terms:
        if t is not None:
            total = t if total is None else total + t
    return total


def zero_where(blocked: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``np.where(blocked, 0, a)`` for a float array ``a``: +0.0 where ``blocked``, ``a`` (nan and
    inf included) elsewhere.  Done by masking the bits, with no per-element branch: np.where
    branches, and on a random mask mispredicts half the time (64x128 float32 with a varying mask:
    31.7 us for np.where, 7.0 us for this)."""
    keep = ~np.negative(blocked, dtype=np.dtype(f"i{a.itemsize}"))  # all ones where not blocked
    return (a.view(keep.dtype) & keep).view(a.dtype)


def broadcast_view(a: np.ndarray, shape: tuple) -> np.ndarray:
    """``np.broadcast_to(a, shape)`` for a shape the caller has already checked: a read-only view
    whose broadcast dims have stride 0.  Built from the strides directly when ``a`` is contiguous,
    because np.broadcast_to is a Python-level wrapper (2.4 us on a 1x16 array, this 1.0 us) and
    every sum or mean backward and every expand calls it."""
    if not a.flags.c_contiguous:
        return np.broadcast_to(a, shape)
    lead = len(shape) - a.ndim
    strides = [0] * lead
    for stride, n, m in zip(a.strides, a.shape, shape[lead:]):
        strides.append(stride if n == m else 0)
    view = np.ndarray(shape, a.dtype, a, 0, strides)
    view.setflags(write=False)
    return view


def mean_array(a: np.ndarray, axes: tuple | None = None, keepdims: bool = False) -> Any:
    """``np.mean(a, axes, keepdims=keepdims)`` (axes None: all) for a float array with at least one
    element, with numpy's arithmetic (the sum, float16 summed in float32, divided by the count in
    float64 and rounded back) but without np.mean's Python-level wrapper: 1.5 us where np.mean
    takes 4.6 on a 32x1 array, and every mean and every 'mean'-reduced loss calls it."""
    half = a.dtype == np.float16
    total = np.add.reduce(a, axis=axes, dtype=np.float32 if half else None, keepdims=keepdims)
    count = a.size if axes is None else math.prod([a.shape[ax] for ax in axes])
    # the dtype's constructor rounds the float64 quotient back (a Python int would make numpy
    # divide in float32, rounding a count above 2**24); it keeps arrays arrays, scalars scalars
    mean = total.dtype.type(total / np.float64(count))
    return np.float16(mean) if half else mean


def float_input(x: Tensor) -> Tensor:
    """Ops like exp/log compute in floating point: integer inputs become the default dtype."""
    if x._array.dtype.kind == "f":
        return x
    return x.to(_dtype.get_default_dtype())


def dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """A reduction's ``dim`` argument (None, int or sequence) as sorted non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        axes = tuple(sorted(wrap_dim(d, ndim) for d in dim))
        for a, b in zip(axes, axes[1:]):
            if a == b:  # torch names the repeated dim, wrapped: (1, -1) of a 2-d input -> dim 1
                raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
        return axes if ndim else ()  # (a 0-d tensor has one dim for checking: 0 or -1)
    d = wrap_dim(dim, ndim)
    return (d,) if ndim else ()


def return_type(name: str, fields: tuple[str, ...] = ("values", "indices")) -> type:
    """The named tuple (``(values, indices)`` unless ``fields`` says otherwise) that
    ``torch.return_types.<name>`` is (what max(x, dim), sort, topk... return), printed as torch
    prints it."""
    base = collections.namedtuple(name, fields)

    def __repr__(self: Any) -> str:
        body = ",\n".join(f"{field}={getattr(self, field)!r}" for field in fields)
        return f"{_dtype.DISPLAY_NAME[0]}.return_types.{name}(\n{body})"

    return type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": __name__})


def numpy_spellings(fn: Any) -> Any:
    """Let the op ``fn`` also take numpy's ``axis=`` for ``dim=`` and ``keepdims=`` for ``keepdim=``,
    as torch's argument parser does for its built-in ops (``x.sum(axis=0, keepdims=True)``).
    Both spellings at once is the TypeError torch raises."""
    name = fn.__name__

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        if "axis" in kwargs or "keepdims" in kwargs:
            for alias, canonical in (("axis", "dim"), ("keepdims", "keepdim")):
                if alias in kwargs:
                    if canonical in kwargs:
                        raise TypeError(f"{name}() got an unexpected keyword argument '{alias}'")
                    kwargs[canonical] = kwargs.pop(alias)
        return fn(*args, **kwargs)

    return op


# C++ type names torch prints in some dtype errors ("expected dtype float ... but got long int")
C_TYPE = {"float16": "c10::Half", "float32": "float", "float64": "double", "uint8": "unsigned char",
          "int8": "signed char", "int16": "short int", "int32": "int", "int64": "long int", "bool": "bool"}

# torch's error when an op's out must have the result's very dtype (abs, floor, clamp_min, ...)
OUT_SAME_DTYPE = "Found dtype {out} but expected {result}"


def write_out(out: Tensor, result: Tensor, name: str, same_dtype: str | None = None) -> Tensor:
    """torch's ``out=`` argument: store an op's ``result`` in the existing tensor ``out`` and return
    ``out``.  torch's rules: out's dtype must be able to hold the result (no float into an integer
    tensor), or for some ops be the result's very dtype (``same_dtype``: their error message, with
    ``{out}``/``{result}`` for the dtypes, ``{out_c}``/``{result_c}`` in C++ words); an out of
    another shape is resized (with a UserWarning unless it was empty); and no gradient can flow
    into out, so it refuses when grad mode is on and an argument requires grad."""
    if GradMode.enabled and (result._requires_grad or out._requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    src, dst = result._array.dtype, out._array.dtype
    if same_dtype is not None and src != dst:
        raise RuntimeError(same_dtype.format(out=_SCALAR_TYPE[dst.name], result=_SCALAR_TYPE[src.name],
                                             out_c=C_TYPE[dst.name], result_c=C_TYPE[src.name]))
    if not _can_cast(src, dst):
        raise RuntimeError(f"result type {_SCALAR_TYPE[src.name]} can't be cast to the desired output "
                           f"type {_SCALAR_TYPE[dst.name]}")
    shape = result._array.shape
    if out._array.shape != shape:
        if out._array.size:
            warnings.warn(f"An output with one or more elements was resized since it had shape "
                          f"{list(out._array.shape)}, which does not match the required output shape "
                          f"{list(shape)}. This behavior is deprecated, and in a future PyTorch release "
                          "outputs will not be resized unless they have zero elements. You can explicitly "
                          "reuse an out tensor t by resizing it, inplace, to zero elements with "
                          "t.resize_(0).", UserWarning, stacklevel=3)
        out._array = np.empty(shape, dst)
    out._write(result._array)
    return out
