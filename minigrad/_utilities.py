"""torch's top-level constants and small utilities: ``pi``, ``inf``, ``finfo``/``iinfo``, the
thread and determinism settings, ``typename``...  minigrad runs on one CPU thread and every op is
deterministic, so the settings are accepted and remembered but change nothing."""
from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

import numpy as np

from . import _dtype
from ._tensor import Tensor, device

__all__ = ["pi", "e", "inf", "nan", "newaxis", "set_num_threads", "get_num_threads",
           "set_num_interop_threads", "get_num_interop_threads", "finfo", "iinfo",
           "is_floating_point", "is_nonzero", "typename",
           "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_default_device", "get_default_device",
           "set_float32_matmul_precision", "get_float32_matmul_precision", "compile"]

pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
newaxis = None  # x[:, newaxis] adds a dim, as x[:, None]

_SETTINGS: dict[str, Any] = {"num_threads": 1, "num_interop_threads": 1, "deterministic": False,
                             "warn_only": False, "matmul_precision": "highest"}


def set_num_threads(int: int) -> None:  # noqa: A002  (torch's parameter name)
    """Remember the number of threads asked for (minigrad computes on one)."""
    if not isinstance(int, builtins.int) or isinstance(int, bool):
        raise TypeError("set_num_threads(): argument 'int' (position 1) must be int, not "
                        f"{type(int).__name__}")
    if int <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _SETTINGS["num_threads"] = int


def get_num_threads() -> int:
    """The number of threads set with ``set_num_threads`` (1 by default: minigrad uses one)."""
    return _SETTINGS["num_threads"]


def set_num_interop_threads(int: int) -> None:  # noqa: A002  (torch's parameter name)
    """Remember the number of inter-op threads asked for (minigrad computes on one)."""
    if not isinstance(int, builtins.int) or isinstance(int, bool):
        raise TypeError("set_num_interop_threads(): argument 'int' (position 1) must be int, not "
                        f"{type(int).__name__}")
    if int <= 0:
        raise RuntimeError("Expected positive number of threads")
    _SETTINGS["num_interop_threads"] = int


def get_num_interop_threads() -> int:
    """The number set with ``set_num_interop_threads`` (1 by default)."""
    return _SETTINGS["num_interop_threads"]


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Accepted and remembered: every minigrad op is deterministic already."""
    _SETTINGS["deterministic"], _SETTINGS["warn_only"] = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """What ``use_deterministic_algorithms`` was last given (False by default)."""
    return _SETTINGS["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """``warn_only`` of the last ``use_deterministic_algorithms`` call."""
    return _SETTINGS["warn_only"]


def set_default_device(device: Any) -> None:
    """Only the CPU exists here: ``"cpu"`` (or None) is accepted, any other device refused."""
    if device is None:
        return
    name = str(device).split(":")[0]
    if name != "cpu":
        raise RuntimeError(f"minigrad runs on the CPU only: set_default_device({str(device)!r}) is not "
                           "supported")


def get_default_device() -> device:
    """The device new tensors are made on: always the CPU."""
    return device("cpu")


def set_float32_matmul_precision(precision: str) -> None:
    """Remember ``"highest"``, ``"high"`` or ``"medium"`` (minigrad always computes at full
    precision); anything else warns and changes nothing, as in torch."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _SETTINGS["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """The value set with ``set_float32_matmul_precision`` ("highest" by default)."""
    return _SETTINGS["matmul_precision"]


def _dtype_of(type: Any, caller: str) -> _dtype.dtype:
    if type is None:
        return _dtype.get_default_dtype()
    if not isinstance(type, _dtype.dtype):
        raise TypeError(f"{caller}(): argument 'type' (position 1) must be torch.dtype, not "
                        f"{type.__class__.__name__}")
    return type


class finfo:
    """The numerical limits of a floating-point dtype (``torch.finfo(torch.float32).eps``)."""

    def __init__(self, type: Any = None) -> None:  # noqa: A002  (torch's parameter name)
        dt = _dtype_of(type, "finfo")
        if not dt.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = np.finfo(dt.np)
        self.bits = info.bits
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        # (numpy's own resolution is stored in the dtype: 0.0010004 for float16, torch prints 0.001)
        self.resolution = 10.0 ** -info.precision
        self.dtype = dt.name

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """The limits of an integer dtype (``torch.iinfo(torch.int64).max``)."""

    def __init__(self, type: Any) -> None:  # noqa: A002  (torch's parameter name)
        dt = _dtype_of(type, "iinfo")
        if dt is _dtype.bool_:
            raise TypeError(f"{dt!r} is not supported by torch.iinfo")
        if dt.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        info = np.iinfo(dt.np)
        self.bits, self.max, self.min, self.dtype = info.bits, int(info.max), int(info.min), dt.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def is_floating_point(input: Tensor) -> bool:
    """True if ``input``'s dtype is a floating-point one."""
    if not isinstance(input, Tensor):
        raise TypeError(f"is_floating_point(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input.dtype.is_floating_point


def is_nonzero(input: Tensor) -> bool:
    """True if the single element of ``input`` is not zero; more or fewer elements raise."""
    if not isinstance(input, Tensor):
        raise TypeError("is_nonzero(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    n = input._array.size
    if n != 1:
        raise RuntimeError(f"Boolean value of Tensor with {'no values' if n == 0 else 'more than one value'} "
                           "is ambiguous")
    return bool(input._array.reshape(()) != 0)


def typename(obj: Any) -> str:
    """The type of ``obj`` as torch names it: ``torch.FloatTensor`` for a float32 tensor, else the
    Python type's qualified name."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(type(obj), "__module__", "")
    qualname = type(obj).__qualname__
    return qualname if module in ("builtins", "__builtin__", None, "") else f"{module}.{qualname}"


def compile(model: Any = None, *, fullgraph: bool = False, dynamic: Any = None, backend: Any = "inductor",
            mode: Any = None, options: Any = None, disable: bool = False) -> Any:
    """``torch.compile``: minigrad has no compiler, so the model or function comes back as it is
    (the same numbers, computed op by op).  Used as ``@torch.compile(...)``, the decorator does
    the same."""
    if model is None:
        return lambda fn: fn
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model
