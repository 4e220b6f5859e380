"""torch-style printing: ``tensor([0.5000, 1.0000], requires_grad=True)``."""
from __future__ import annotations

import numpy as np

from . import _dtype

_IMPLICIT = ("float32", "int64", "bool")  # dtypes torch does not print


def _float_formatter(values: np.ndarray):
    """torch's rule: integers print as ``1.``, else 4 decimals, or scientific notation when the
    finite magnitudes span more than 1000x or leave [1e-4, 1e8)."""
    finite = np.abs(values[np.isfinite(values)]).astype(np.float64)
    nonzero = finite[finite != 0]
    if finite.size == 0 or np.all(finite == np.round(finite)) and (finite.size == 0 or finite.max() < 1e8):
        fmt = lambda v: f"{v:.0f}." if np.isfinite(v) else _special(v)  # noqa: E731
    elif nonzero.size and (nonzero.max() / nonzero.min() > 1000 or nonzero.max() >= 1e8
                           or nonzero.min() < 1e-4):
        fmt = lambda v: f"{v:.4e}" if np.isfinite(v) else _special(v)  # noqa: E731
    else:
        fmt = lambda v: f"{v:.4f}" if np.isfinite(v) else _special(v)  # noqa: E731
    return fmt


def _special(v: float) -> str:
    return "nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")


def format_tensor(t) -> str:
    a = t._array
    if a.dtype.kind == "f":
        fmt = _float_formatter(a.reshape(-1)) if a.size else str
    elif a.dtype.kind == "b":
        fmt = lambda v: "True" if v else "False"  # noqa: E731
    else:
        fmt = str
    if a.ndim == 0:
        body = fmt(a.item())
    elif a.size == 0:
        body = "[]"
    else:
        width = max(len(fmt(v)) for v in a.reshape(-1)[:1000].tolist())
        body = np.array2string(a, separator=", ", prefix="tensor(", max_line_width=80, threshold=1000,
                               formatter={"all": lambda v: fmt(v).rjust(width)})
    extras = []
    if a.size == 0 and a.ndim != 1:
        extras.append(f"size={tuple(a.shape)}")
    name = _dtype._FROM_NP[a.dtype].name
    if name not in _IMPLICIT or (name == "float32" and _dtype.get_default_dtype().name != "float32"):
        extras.append(f"dtype={_dtype.DISPLAY_NAME[0]}.{name}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extras) + ")"
