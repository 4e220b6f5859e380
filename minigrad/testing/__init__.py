"""Tools to test autograd code against PyTorch, for minigrad's own suite and for your ops.

* ``assert_close(actual, expected)``: torch.testing.assert_close's contract (numpy only).
* ``check_parity(mg_fn, torch_fn, *inputs)``: forward, backward and double backward vs torch.
* ``strategies``: hypothesis strategies for tensors, broadcastable / matmul shapes, reduction dims,
  class and probability targets.
* ``REGISTRY`` / ``OpInfo`` / ``Sample`` / ``register``: one entry per public differentiable op.
* ``programs``: differential fuzzing of whole programs against torch (``programs.programs()`` is
  the hypothesis strategy; ``compare_programs(program)`` runs one in both engines).

``import minigrad`` never imports this package's test dependencies: hypothesis is loaded when you
first touch ``strategies`` or the registry, torch when ``check_parity`` runs.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._compare import assert_close, default_tolerances
from .parity import check_parity

__all__ = [
    "assert_close",
    "default_tolerances",
    "check_parity",
    "strategies",
    "REGISTRY",
    "OpInfo",
    "Sample",
    "register",
    "programs",
    "Program",
    "compare_programs",
]

_LAZY = {
    "strategies": ".strategies",
    "REGISTRY": ".registry",
    "OpInfo": ".registry",
    "Sample": ".registry",
    "register": ".registry",
    "programs": ".programs",
    "Program": ".programs",
    "compare_programs": ".programs",
}


def __getattr__(name: str) -> Any:
    """Import the hypothesis-based parts on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'minigrad.testing' has no attribute {name!r}")
    module = importlib.import_module(_LAZY[name], __name__)
    return module if name in ("strategies", "programs") else getattr(module, name)
