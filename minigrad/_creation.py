"""Creating tensors: ``tensor``, ``zeros``, ``arange``, ... (random ones live in ``random``)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _dtype
from ._errstate import quiet
from ._tensor import Tensor, _check_requires_grad, _size, _require_cpu


def _finish(array: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    if device is not None:
        _require_cpu(device)  # anything but the CPU raises, as in torch's CPU build
    _check_requires_grad(array, requires_grad)
    return Tensor._make(array, requires_grad)


def _infer_dtype(data: Any) -> np.dtype:
    """torch's inference for Python data: floats -> default dtype, ints -> int64, bools -> bool."""
    array = np.asarray(data)
    if array.dtype.kind == "f" and not _has_numpy_floats(data):
        return _dtype.get_default_dtype().np
    if array.dtype.kind in "iu" and not isinstance(data, (np.ndarray, np.generic)):
        return np.dtype(np.int64)
    return array.dtype


def _has_numpy_floats(data: Any) -> bool:
    if isinstance(data, (np.ndarray, np.floating)):
        return True
    if isinstance(data, (list, tuple)) and data:
        return _has_numpy_floats(data[0])
    return False


def _to_array(data: Any, nested: bool = False) -> Any:
    """Unwrap tensors nested in lists (``tensor([t1, t2])``): as in torch, each one inside a list
    stands for its one element, whatever its shape, and a bigger one is refused."""
    if isinstance(data, Tensor):
        if not nested:
            return data._array
        if data._array.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data._array.reshape(())
    if isinstance(data, (list, tuple)):
        return [_to_array(d, nested=True) for d in data]
    return data


def _check_ragged(data: Any) -> None:
    """torch reads the shape off the first element at each depth, then requires every sequence at
    that depth to have that length: raise its ValueError at the first one that does not."""
    shape, probe = [], data
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]

    def walk(seq: Any, depth: int) -> None:
        if depth >= len(shape) or not isinstance(seq, (list, tuple)):
            return
        if len(seq) != shape[depth]:
            raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} (got {len(seq)})")
        for item in seq:
            walk(item, depth + 1)

    walk(data, 0)


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (a number, nested lists, a numpy array, a tensor)."""
    data = _to_array(data)
    try:
        np_dtype = _dtype.as_dtype(dtype).np if dtype is not None else _infer_dtype(data)
        with quiet():  # 1e6 as float16 is inf, silently, as in torch
            array = np.array(data, dtype=np_dtype)
    except (ValueError, TypeError) as e:
        _check_ragged(data)  # torch's ValueError for nested lists of unequal lengths
        raise TypeError(f"could not build a tensor from {type(data).__name__}: {e}") from None
    _dtype.from_numpy_dtype(array.dtype)  # reject dtypes torch does not have (e.g. strings)
    return _finish(array, requires_grad, device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a numpy array (or tensor) when the dtype allows."""
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or _dtype.as_dtype(dtype).np == data.dtype):
        _dtype.from_numpy_dtype(data.dtype)
        return _finish(data, False, device)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing ``ndarray``'s memory: changing one changes the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def _float_dtype(dtype: Any) -> np.dtype:
    return (_dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()).np


def _size_arg(args: tuple, size: Any, fn: str) -> tuple:
    """The size as varargs ints, one tuple/list/Size, or the ``size=`` keyword (one form only)."""
    if size is not None:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        if not isinstance(size, (tuple, list)):  # torch.Size is a tuple
            raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, not {type(size).__name__}")
        args = (size,)
    if not args:
        raise TypeError(f'{fn}() missing 1 required positional arguments: "size"')
    return _size(args)


def zeros(*args: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    return _finish(np.zeros(_size_arg(args, size, "zeros"), _float_dtype(dtype)), requires_grad, device)


def ones(*args: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    return _finish(np.ones(_size_arg(args, size, "ones"), _float_dtype(dtype)), requires_grad, device)


def empty(*args: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    return _finish(np.empty(_size_arg(args, size, "empty"), _float_dtype(dtype)), requires_grad, device)


def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ``fill_value``; its dtype follows the value (int64, bool or default float)."""
    if not isinstance(size, (tuple, list)):  # torch.Size is a tuple; a bare int is an error in torch
        raise TypeError(f"full(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    np_dtype = _dtype.as_dtype(dtype).np if dtype is not None else _dtype._scalar_dtype(fill_value).np
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind == "f" and isinstance(fill_value, (int, float)) and math.isfinite(fill_value) \
            and abs(fill_value) > float(np.finfo(np_dtype).max):
        from .ops._util import C_TYPE
        raise RuntimeError(f"value cannot be converted to type {C_TYPE[np_dtype.name]} without overflow")
    array = np.full(_size((size,)), fill_value, np_dtype)
    return _finish(array, requires_grad, device)


def _like(input: Tensor, dtype: Any) -> np.dtype:
    return _dtype.as_dtype(dtype).np if dtype is not None else input._array.dtype


def zeros_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    return _finish(np.zeros(input._array.shape, _like(input, dtype)), requires_grad, device)


def ones_like(input: Tensor, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _finish(np.ones(input._array.shape, _like(input, dtype)), requires_grad, device)


def empty_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    return _finish(np.empty(input._array.shape, _like(input, dtype)), requires_grad, device)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _finish(np.full(input._array.shape, fill_value, _like(input, dtype)), requires_grad, device)


def new_tensor(self: Tensor, data: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def new_zeros(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _finish(np.zeros(_size(size), _like(self, dtype)), requires_grad, device)


def new_ones(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _finish(np.ones(_size(size), _like(self, dtype)), requires_grad, device)


def new_full(self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _finish(np.full(_size((size,)), fill_value, _like(self, dtype)), requires_grad, device)


def new_empty(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _finish(np.empty(_size(size), _like(self, dtype)), requires_grad, device)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` up to (not including) ``end``; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    args = [a.item() if isinstance(a, Tensor) else a for a in (start, end, step)]
    start, end, step = args
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    is_float = any(isinstance(a, float) for a in args)
    np_dtype = (_dtype.as_dtype(dtype).np if dtype is not None
                else _dtype.get_default_dtype().np if is_float else np.dtype(np.int64))
    n = math.ceil((end - start) / step)
    # torch computes start + i*step in double (or int64), then casts to the output dtype
    values = start + np.arange(n, dtype=np.float64 if is_float else np.int64) * step
    return _finish(values.astype(np_dtype), requires_grad, device)


def linspace(start: Any, end: Any, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    np_dtype = _float_dtype(dtype)
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    if steps == 1:
        return _finish(np.full(1, start, np_dtype), requires_grad, device)
    # torch's kernel fills the first half from start and the second half back from end,
    # computing in the output dtype: step = (end - start) / (steps - 1)
    work = np_dtype if np_dtype.kind == "f" else np.dtype(np.float64)
    step = (work.type(end) - work.type(start)) / work.type(max(steps - 1, 1))
    i = np.arange(steps)
    half = steps // 2
    values = np.where(i < half, work.type(start) + step * i.astype(work),
                      work.type(end) - step * (steps - i - 1).astype(work))
    return _finish(values.astype(np_dtype), requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    return _finish(np.eye(n, n if m is None else m, dtype=_float_dtype(dtype)), requires_grad, device)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


TENSOR_METHODS = ("new_tensor", "new_zeros", "new_ones", "new_full", "new_empty")
for _name in TENSOR_METHODS:
    setattr(Tensor, _name, globals()[_name])
