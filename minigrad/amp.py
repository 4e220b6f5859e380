"""``torch.amp``: mixed precision.  minigrad has no CUDA and no bfloat16, so what runs here is what
torch does on a machine without a GPU: ``autocast("cuda")`` and ``GradScaler("cuda")`` warn and
switch themselves off (the usual GPU training loop then runs unchanged in float32), and
``GradScaler("cpu")`` scales the loss and unscales the gradients as torch's does.  ``autocast``
on the CPU itself would compute in bfloat16, which minigrad lacks: it refuses."""
from __future__ import annotations

# Imported under underscore names: the module's public names are torch.amp's (its __all__).
import functools as _functools
import warnings as _warnings
from typing import Any as _Any
from typing import Callable as _Callable

import numpy as _np

from ._tensor import Tensor as _Tensor

__all__ = ["autocast", "GradScaler", "is_autocast_available"]

from ._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast can run on ``device_type`` here: nowhere (no bfloat16, no CUDA)."""
    return False


class autocast:  # noqa: N801  (torch's name)
    """A context manager (and decorator) for autocast regions.  ``enabled=False``, or a device
    that is not here ('cuda'), makes it a no-op, as torch on a CPU-only machine; on 'cpu' it
    refuses, since torch would compute in bfloat16 there."""

    def __init__(self, device_type: str, dtype: _Any = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device = device_type
        self.fast_dtype = dtype
        self._enabled = enabled
        if enabled and device_type != "cpu":
            _warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                          UserWarning, stacklevel=2)
            self._enabled = False
        if self._enabled:
            raise NotImplementedError("autocast on the CPU computes in bfloat16 (or float16), which minigrad "
                                      "does not have: run in float32 with enabled=False")

    def __enter__(self) -> "autocast":
        return self

    def __exit__(self, *exc: _Any) -> None:
        return None

    def __call__(self, fn: _Callable) -> _Callable:
        @_functools.wraps(fn)
        def wrapped(*args: _Any, **kwargs: _Any) -> _Any:
            with self:
                return fn(*args, **kwargs)
        return wrapped


class GradScaler:
    """Loss scaling for float16 training: ``scale(loss)`` multiplies the loss by the scale,
    ``step(optimizer)`` divides the gradients by it and skips the step if any is inf or nan, and
    ``update()`` halves the scale after such a skip or doubles it after ``growth_interval``
    clean steps.  For 'cuda' (not here) it warns and passes everything through, as torch does
    without a GPU."""

    def __init__(self, device: str = "cuda", init_scale: float = 2.0 ** 16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000, enabled: bool = True) -> None:
        self._device = device
        self._enabled = enabled
        if enabled and device == "cuda":
            _warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                          UserWarning, stacklevel=2)
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
        self._init_scale, self._scale = init_scale, None
        self._growth_factor, self._backoff_factor = growth_factor, backoff_factor
        self._growth_interval, self._init_growth_tracker = growth_interval, 0
        self._growth_tracker: _Tensor | None = None
        self._found_inf: dict[int, bool] = {}  # per optimizer: unscaled, and found an inf or nan

    def is_enabled(self) -> bool:
        return self._enabled

    def _lazy_init(self) -> None:
        from ._creation import full
        from ._dtype import float32, int32
        self._scale = full((), self._init_scale, dtype=float32)
        self._growth_tracker = full((), self._init_growth_tracker, dtype=int32)

    def scale(self, outputs: _Any) -> _Any:
        """``outputs`` times the scale (each of a list or tuple); unchanged when disabled."""
        if not self._enabled:
            return outputs
        if self._scale is None:
            self._lazy_init()
        if isinstance(outputs, _Tensor):
            return outputs * self._scale
        return type(outputs)(self.scale(o) for o in outputs)

    def unscale_(self, optimizer: _Any) -> None:
        """Divide ``optimizer``'s gradients by the scale, in place, noting any inf or nan."""
        if not self._enabled:
            return
        if id(optimizer) in self._found_inf:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last "
                               "update().")
        # 1 / scale in float64, rounded to float32 (a power of two: exact)
        inv_scale = _np.float32(1.0 / _np.float64(self._scale._array))
        found = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad._array
                found = found or not bool(_np.isfinite(g).all())
                g *= inv_scale
        self._found_inf[id(optimizer)] = found

    def step(self, optimizer: _Any, *args: _Any, **kwargs: _Any) -> _Any:
        """``optimizer.step()`` on unscaled gradients, unless one of them is inf or nan."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        if id(optimizer) not in self._found_inf:
            self.unscale_(optimizer)
        if not self._found_inf[id(optimizer)]:
            return optimizer.step(*args, **kwargs)
        return None

    def update(self, new_scale: float | _Tensor | None = None) -> None:
        """Back off after an overflow, grow after ``growth_interval`` clean steps (or set
        ``new_scale``)."""
        if not self._enabled:
            return
        if new_scale is not None:
            value = new_scale.item() if isinstance(new_scale, _Tensor) else new_scale
            self._scale._array[...] = value
        else:
            if any(self._found_inf.values()):
                self._scale._array *= _np.float32(self._backoff_factor)
                self._growth_tracker._array[...] = 0
            else:
                self._growth_tracker._array += 1
                if self._growth_tracker._array == self._growth_interval:
                    self._scale._array *= _np.float32(self._growth_factor)
                    self._growth_tracker._array[...] = 0
        self._found_inf = {}

    def get_scale(self) -> float:
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else self._scale.item()

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def state_dict(self) -> dict[str, _Any]:
        if not self._enabled:
            return {}
        tracker = 0 if self._growth_tracker is None else int(self._growth_tracker.item())
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": tracker}

    def load_state_dict(self, state_dict: dict[str, _Any]) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a "
                               "disabled instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._scale is not None:
            self._scale._array[...] = self._init_scale
            self._growth_tracker._array[...] = self._init_growth_tracker
