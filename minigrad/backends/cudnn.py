"""``torch.backends.cudnn``: the flags reproducibility recipes set (``deterministic = True``,
``benchmark = False``) are plain attributes with torch's defaults; cuDNN itself is absent."""
from __future__ import annotations

__all__ = ["is_available", "version", "enabled", "benchmark", "deterministic", "allow_tf32"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def version() -> None:
    return None
