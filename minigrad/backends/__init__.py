"""``torch.backends``: the switches tutorials set for GPU backends.  None of those backends exists
here; the flags are accepted and read back, and change nothing."""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]

from .._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks
