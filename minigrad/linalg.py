"""``torch.linalg``: norms, products, inverse, determinants and linear solves."""
from __future__ import annotations

from .ops.norms import linalg_matrix_norm as matrix_norm
from .ops.norms import linalg_norm as norm
from .ops.norms import linalg_vector_norm as vector_norm
from .ops.extra import linalg_cross as cross
from .ops.extra import linalg_vecdot as vecdot
from .ops.matrix import LinAlgError
from .ops.matrix import linalg_det as det
from .ops.matrix import linalg_inv as inv
from .ops.matrix import linalg_slogdet as slogdet
from .ops.matrix import linalg_solve as solve

__all__: list[str] = ["matrix_norm", "norm", "vector_norm", "cross", "vecdot", "inv", "det", "slogdet",
                      "solve", "LinAlgError"]

from ._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks
