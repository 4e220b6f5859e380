"""Registry entries for math functions (log10, sinh, atan2, erf, lerp, ...)."""
from __future__ import annotations

import numpy as np  # noqa: F401
from hypothesis import strategies as st  # noqa: F401

from . import strategies as S  # noqa: F401
from .registry import OpInfo, Sample, register  # noqa: F401

_ENTRIES: list = []

for _info in _ENTRIES:
    register(_info)
