"""torch-style printing: ``tensor([0.5000, 1.0000], requires_grad=True)``, character for character.

The rules are torch's (``torch/_tensor_str.py``):

* One format for every element of a tensor, chosen from its nonzero finite values: integers print
  as ``3.`` ("int mode"), others with ``precision`` decimals, and scientific notation is used when
  the largest magnitude is over 1e8, the smallest under 1e-4, or they are more than 1000x apart.
  Every element is right-aligned to the widest one.
* Rows wrap at ``linewidth`` characters; a tensor of more than ``threshold`` elements prints only
  ``edgeitems`` entries at each end of every dim, with ``...`` between.
* Suffixes: ``dtype=`` unless it is the default float dtype, int64 or bool; ``size=`` for an empty
  tensor that is not 1-d; ``grad_fn=<...>`` or ``requires_grad=True``.  A suffix that would pass
  the line width goes on a line of its own.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _dtype

__all__ = ["set_printoptions", "format_tensor"]


class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {  # profile -> (precision, threshold, edgeitems, linewidth)
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Set how tensors print, as ``torch.set_printoptions``.

    ``precision`` digits after the point (4), ``threshold`` elements beyond which a tensor is
    summarised (1000), ``edgeitems`` shown at each end of a summarised dim (3), ``linewidth``
    characters per line (80); ``profile`` "default", "short" or "full" sets those four first;
    ``sci_mode`` True/False forces scientific notation on or off, None lets the values decide
    (and, as in torch, every call resets it to what is passed)."""
    if profile is not None and profile in _PROFILES:  # (torch ignores an unknown profile)
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


class _Formatter:
    """The one format of a tensor's elements, and the width they are padded to."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            self.width = max([1] + [len(str(v)) for v in flat.tolist()])
            return
        nonzero = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero.size == 0:
            return
        magnitudes = np.abs(nonzero).astype(np.float64)  # (float16 would overflow the ratio)
        lo, hi = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(nonzero == np.ceil(nonzero)))
        if PRINT_OPTS.sci_mode is None:
            with np.errstate(over="ignore"):  # (1e300 / 1e-300 is inf: quite far apart)
                self.sci_mode = bool(hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        p = PRINT_OPTS.precision
        values_ = nonzero.tolist()
        if self.sci_mode:
            self.width = max(len(f"{v:.{p}e}") for v in values_)
        elif self.int_mode:  # "3." : the point says the tensor is floating
            self.width = max(len(f"{v:.0f}") + 1 for v in values_)
        else:
            self.width = max(len(f"{v:.{p}f}") for v in values_)

    def format(self, value: Any) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{PRINT_OPTS.precision}f}"
        return text.rjust(self.width)


def _summarized(a: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows (``edgeitems`` at each end of every dim): the
    format is chosen from these alone."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim > 1 and not e:
        return a[:0]
    rows = [a[i] for i in range(e)] + [a[i] for i in range(len(a) - e, len(a))] \
        if a.shape[0] > 2 * e else list(a)
    if a.ndim == 1:
        return np.asarray(rows, dtype=a.dtype)
    return np.stack([_summarized(r) for r in rows])


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width + 2)))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        items = ([fmt.format(v) for v in a[:e].tolist()] + [" ..."]
                 + [fmt.format(v) for v in a[-e:].tolist()])
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * e:
        parts = ([_body(a[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."]
                 + [_body(a[i], indent + 1, summarize, fmt) for i in range(len(a) - e, len(a))])
    else:
        parts = [_body(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _with_suffixes(text: str, suffixes: list, indent: int) -> str:
    """Append ``, suffix`` for each; one that would pass the line width starts a new line."""
    out = [text]
    last_line = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        if last_line + len(s) + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + s)
            last_line = indent + len(s)
        else:
            out.append(", " + s)
            last_line += len(s) + 2
    return "".join(out) + ")"


def format_tensor(t: Any) -> str:
    """``repr(t)`` as torch writes it (see the module docstring)."""
    a = t._array
    prefix = "tensor("
    indent = len(prefix)
    dtype = _dtype._FROM_NP[a.dtype]
    default = _dtype.get_default_dtype()
    display = f"{_dtype.DISPLAY_NAME[0]}.{dtype.name}"
    suffixes = []
    if a.size == 0:
        body = "[]"
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dtype.name != default.name:  # (an empty tensor names int64 and bool too)
            suffixes.append(f"dtype={display}")
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        if dtype.name not in (default.name, "int64", "bool"):
            suffixes.append(f"dtype={display}")
        summarize = a.size > PRINT_OPTS.threshold
        fmt = _Formatter(_summarized(a) if summarize else a)
        body = _body(a, indent, summarize, fmt)
    if t.grad_fn is not None:  # torch shows the node's class name (no C++ namespace)
        suffixes.append(f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, indent)
