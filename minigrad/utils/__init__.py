"""Utilities, as ``torch.utils``: ``minigrad.utils.data`` holds datasets and the ``DataLoader``."""
from . import data

__all__ = ["data"]
