"""``torch.autograd.detect_anomaly`` / ``set_detect_anomaly``: torch's switch names and warning.

In torch, anomaly mode makes backward check every node's output for NaN and attach the forward
traceback to errors.  minigrad records the switch (``is_anomaly_enabled``) but does not run those
checks: a NaN gradient shows up in ``.grad`` and is not raised as an error.  minigrad's tracebacks
already point into the forward code of the op whose backward failed, since each Function's
backward sits next to its forward."""
from __future__ import annotations

import warnings
from typing import Any

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]

_STATE = {"enabled": False, "check_nan": True}


def is_anomaly_enabled() -> bool:
    return _STATE["enabled"]


def is_anomaly_check_nan_enabled() -> bool:
    return _STATE["check_nan"]


class detect_anomaly:
    """Context manager that turns anomaly mode on inside it (not a decorator, as in torch)."""

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = dict(_STATE)
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and "
                      "should only be enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        _STATE.update(enabled=True, check_nan=self.check_nan)

    def __exit__(self, *exc: Any) -> None:
        _STATE.update(self.prev)


class set_detect_anomaly:
    """Set anomaly mode on or off at once; used as a context manager, restore it on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = dict(_STATE)
        _STATE.update(enabled=bool(mode), check_nan=bool(check_nan))

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        _STATE.update(self.prev)
