"""dtypes and torch's type-promotion rules.

A minigrad dtype is a thin named wrapper around a numpy dtype, so ``x.dtype == minigrad.float32``
reads like torch while the storage stays a plain numpy array.
"""
from __future__ import annotations

import numpy as np

# The package name dtypes, sizes and devices print with: "minigrad", or "torch" once minigrad
# stands in for torch (``minigrad.install_as_torch()``, ``python -m minigrad run``).
DISPLAY_NAME = ["minigrad"]


def display_name() -> str:
    return DISPLAY_NAME[0]


class dtype:
    """A tensor element type, printed and compared like ``torch.float32``."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name: str, np_dtype: type) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_signed = self.np.kind in "fi"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"{DISPLAY_NAME[0]}.{self.name}"

    def __reduce__(self):  # dtypes are singletons: pickle/copy by name
        return (_by_name, (self.name,))


float16 = dtype("float16", np.float16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
bool_ = dtype("bool", np.bool_)

_ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool_)
_FROM_NP = {d.np: d for d in _ALL}
_NAMES = {d.name: d for d in _ALL}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The minigrad dtype of a numpy dtype; TypeError for ones torch has no equivalent of."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"minigrad does not support numpy dtype {np_dtype!r}; supported: "
                        f"{', '.join(d.name for d in _ALL)}") from None


def as_dtype(d) -> dtype:
    """Accept a minigrad dtype, a numpy dtype / type, or a Python type (float, int, bool)."""
    if isinstance(d, dtype):
        return d
    if d is float:
        return _default[0]
    if d is int:
        return int64
    if d is bool:
        return bool_
    return from_numpy_dtype(d)


_default = [float32]


def get_default_dtype() -> dtype:
    """The dtype Python floats become (float32 unless changed), as ``torch.get_default_dtype``."""
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    d = as_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


# --- type promotion ---------------------------------------------------------------------------
# torch ranks operands by category (bool < integer < floating).  Tensors with dimensions decide
# the result unless a zero-dim tensor or a Python scalar is of a *higher* category; then that
# category's type wins (a Python float counts as the default dtype).  So float32 tensor * float64
# 0-d tensor stays float32, but int64 tensor * 2.5 becomes float32.

def _category(d: dtype) -> int:
    return 2 if d.is_floating_point else (0 if d is bool_ else 1)


def promote_types(a: dtype, b: dtype) -> dtype:
    """``torch.promote_types``: like numpy's, except integer + float gives the float type."""
    if a is b:
        return a
    ca, cb = _category(a), _category(b)
    if ca == 2 and cb < 2:
        return a
    if cb == 2 and ca < 2:
        return b
    return _FROM_NP[np.promote_types(a.np, b.np)]


def _scalar_dtype(x) -> dtype:
    if isinstance(x, bool):
        return bool_
    if isinstance(x, int):
        return int64
    return _default[0]


def result_type(*operands) -> dtype:
    """The dtype torch gives an op over these operands (Tensors and Python scalars)."""
    dim_t = zero_t = scalar_t = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if d is None:
            scalar_t = _promote_opt(scalar_t, _scalar_dtype(x))
        elif x.ndim == 0:
            zero_t = _promote_opt(zero_t, d)
        else:
            dim_t = _promote_opt(dim_t, d)
    return _combine(dim_t, _combine(zero_t, scalar_t))


def _promote_opt(a, b):
    return b if a is None else promote_types(a, b)


def _combine(higher, lower):
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher
