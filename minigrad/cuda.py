"""``torch.cuda`` as it behaves in torch's CPU-only build: there is no GPU.

Beginner programs ask ``torch.cuda.is_available()`` to pick a device and seed the GPU generator
"just in case"; those calls answer here exactly as on a machine without CUDA (False, 0, no-op).
Calls that need a GPU to mean anything (``synchronize``, ``current_device``, ...) raise the
AssertionError torch raises."""
from __future__ import annotations

__all__ = ["is_available", "device_count", "is_initialized", "init", "manual_seed", "manual_seed_all",
           "seed", "seed_all", "get_rng_state", "get_rng_state_all", "set_rng_state_all", "empty_cache",
           "synchronize", "current_device", "get_device_name", "get_device_properties",
           "get_device_capability", "memory_allocated", "max_memory_allocated", "memory_reserved",
           "max_memory_reserved", "is_bf16_supported", "get_arch_list", "device", "amp"]

from ._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks

_NOT_COMPILED = "Torch not compiled with CUDA enabled"

from . import _cuda_amp as amp  # noqa: E402  (torch.cuda.amp.GradScaler: switched off here)


def _no_cuda() -> AssertionError:
    return AssertionError(_NOT_COMPILED)


def is_available() -> bool:
    """False: minigrad has no GPU."""
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def init() -> None:
    raise _no_cuda()


def manual_seed(seed: int) -> None:
    """Seed every CUDA generator: there are none, so nothing happens (as in torch without a GPU)."""
    int(seed)


def manual_seed_all(seed: int) -> None:
    int(seed)


def seed() -> None:
    pass


def seed_all() -> None:
    pass


def get_rng_state(device: object = "cuda") -> object:
    raise _no_cuda()


def get_rng_state_all() -> list:
    return []


def set_rng_state_all(new_states: object) -> None:
    pass


def empty_cache() -> None:
    """Release cached GPU memory: there is none."""


def synchronize(device: object = None) -> None:
    raise _no_cuda()


def current_device() -> int:
    raise _no_cuda()


def get_device_name(device: object = None) -> str:
    raise _no_cuda()


def get_device_properties(device: object = None) -> object:
    raise _no_cuda()


def get_device_capability(device: object = None) -> tuple:
    raise _no_cuda()


def memory_allocated(device: object = None) -> int:
    return 0


def max_memory_allocated(device: object = None) -> int:
    return 0


def memory_reserved(device: object = None) -> int:
    return 0


def max_memory_reserved(device: object = None) -> int:
    return 0


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def get_arch_list() -> list:
    return []


class device:
    """``with torch.cuda.device(i):`` selects a GPU; entering it fails without CUDA, as in torch."""

    def __init__(self, device: object) -> None:
        self.idx = device

    def __enter__(self) -> None:
        raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc: object) -> None:
        pass
