"""``torch.linalg``: norms (and, as they arrive, the other linear-algebra functions)."""
from __future__ import annotations

__all__: list[str] = []
