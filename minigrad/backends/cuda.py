"""``torch.backends.cuda``: CUDA is not built in; ``matmul.allow_tf32`` is accepted."""
from __future__ import annotations

from types import SimpleNamespace as _SimpleNamespace

__all__ = ["is_built", "matmul"]

# torch.backends.cuda.matmul.allow_tf32 = True is a common speed switch in tutorials
matmul = _SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                         allow_bf16_reduced_precision_reduction=True)


def is_built() -> bool:
    return False
