"""``torch.accelerator`` (the device-generic form of ``torch.cuda``): no accelerator is present."""
from __future__ import annotations

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index",
           "synchronize", "empty_cache"]

from ._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks

_NONE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    """False: minigrad computes on the CPU only."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None: there is no accelerator (code then falls back to ``'cpu'``)."""
    return None


def device_count() -> int:
    return 0


def current_device_index() -> int:
    raise RuntimeError(_NONE)


def synchronize(device: object = None) -> None:
    raise RuntimeError(_NONE)


def empty_cache() -> None:
    raise RuntimeError(_NONE)
