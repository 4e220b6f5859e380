"""``assert_close``: torch.testing.assert_close's contract for minigrad tensors, torch tensors and
numpy arrays alike (numpy only; torch is never imported here)."""

from __future__ import annotations

from typing import Any

import numpy as np

# torch.testing.assert_close's default (rtol, atol) per dtype: the float's resolution with some
# headroom.  Integers and bools must match exactly.
DEFAULT_TOLERANCES = {
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1.3e-6, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-7),
}


def _to_numpy(x: Any) -> np.ndarray:
    """The values of a minigrad tensor, a torch tensor, an ndarray or a Python number."""
    from .._tensor import Tensor

    if isinstance(x, Tensor):
        return x._array
    if type(x).__module__.startswith("torch"):  # a torch.Tensor, without importing torch
        return x.detach().cpu().numpy(force=True)
    return np.asarray(x)


def default_tolerances(*dtypes: np.dtype) -> tuple[float, float]:
    """The loosest default (rtol, atol) of the given dtypes (torch's rule for mixed inputs)."""
    tols = [DEFAULT_TOLERANCES.get(np.dtype(d), (0.0, 0.0)) for d in dtypes]
    return max(t[0] for t in tols), max(t[1] for t in tols)


def assert_close(
    actual: Any,
    expected: Any,
    rtol: float | None = None,
    atol: float | None = None,
    *,
    check_dtype: bool = True,
    equal_nan: bool = True,
    msg: str = "",
) -> None:
    """Raise AssertionError unless ``|actual - expected| <= atol + rtol * |expected|`` everywhere.

    Shapes must be equal and (with ``check_dtype``) dtypes too; NaN must sit where the expected NaN
    sits and infinities must match exactly.  Without ``rtol``/``atol`` torch's defaults for the
    dtype are used (float32: 1.3e-6 / 1e-5, float64: 1e-7 / 1e-7, integers: exact).  The message
    names the worst element, its index and how many elements mismatch."""
    a, e = _to_numpy(actual), _to_numpy(expected)
    prefix = f"{msg}: " if msg else ""
    if a.shape != e.shape:
        raise AssertionError(
            f"{prefix}The values for attribute 'shape' do not match: {a.shape} != {e.shape}."
        )
    if check_dtype and a.dtype != e.dtype:
        raise AssertionError(
            f"{prefix}The values for attribute 'dtype' do not match: {a.dtype} != {e.dtype}."
        )
    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted")
    if rtol is None:
        rtol, atol = default_tolerances(a.dtype, e.dtype)
    if a.dtype.kind == "b" or e.dtype.kind == "b":
        a, e = a.astype(np.int64), e.astype(np.int64)
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    with np.errstate(all="ignore"):  # inf - inf is nan; handled below
        diff = np.abs(a64 - e64)
        allowed = atol + rtol * np.abs(e64)
        # only finite pairs get a tolerance; infinities must match exactly (next line)
        ok = (diff <= allowed) & np.isfinite(a64) & np.isfinite(e64)
    both_nan = np.isnan(a64) & np.isnan(e64)
    ok |= a64 == e64  # equal infinities
    if equal_nan:
        ok |= both_nan
    if ok.all():
        return
    bad = ~ok
    with np.errstate(all="ignore"):
        score = np.where(bad, np.where(np.isfinite(diff), diff, np.inf), -1.0)
    worst = np.unravel_index(int(np.argmax(score)), a.shape) if a.ndim else ()
    n_bad, n = int(bad.sum()), a.size
    with np.errstate(all="ignore"):
        rel = diff[worst] / np.abs(e64[worst]) if e64[worst] != 0 else np.inf
    raise AssertionError(
        f"{prefix}Tensor-likes are not close!\n\n"
        f"Mismatched elements: {n_bad} / {n} ({100.0 * n_bad / n:.1f}%)\n"
        f"Greatest absolute difference: {float(diff[worst])} at index {tuple(int(i) for i in worst)} "
        f"(actual {float(a64[worst])!r}, expected {float(e64[worst])!r}; "
        f"up to {float(allowed[worst]):.3g} allowed)\n"
        f"Relative difference there: {float(rel)}\n"
        f"(rtol={rtol}, atol={atol})"
    )
