"""Utilities, as ``torch.utils``: ``minigrad.utils.data`` holds datasets and the ``DataLoader``."""
from . import data

__all__ = ["data"]

from .._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks
