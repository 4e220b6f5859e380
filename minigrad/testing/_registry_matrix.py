"""Registry entries for the functions of square matrices: inverse, det, logdet, slogdet and
``linalg.inv/det/slogdet/solve``."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from . import strategies as S
from .registry import OpInfo, Sample, register

# LAPACK's LU in torch and in numpy pivot and accumulate in another order: float32 results differ
# by a few ulps times the condition number, which the samples keep below ~10 (diagonally dominant)
_LU_TOL = {np.dtype(np.float32): (1e-4, 1e-5), np.dtype(np.float64): (1e-9, 1e-12)}
_LU_NOTE = ("LU factorizations (torch's LAPACK and numpy's) round differently: a few ulps times the "
            "condition number (< 10 for these diagonally dominant samples)")


@st.composite
def _square(draw: Any, dtype: Any, edge: bool, positive: bool = False) -> np.ndarray:
    """A batch of well-conditioned square matrices: entries in (-1, 1) plus n + 1 on the diagonal
    (strictly diagonally dominant, so invertible), with ``positive`` a positive determinant too
    (each matrix symmetric positive definite).  Edge draws include 0x0 and 1x1 matrices."""
    n = draw(st.integers(0 if edge else 1, 3))
    batch = draw(st.lists(st.integers(1 if not edge else 0, 2), max_size=2 if edge else 1).map(tuple))
    m = draw(S.hnp.arrays(np.float64, batch + (n, n), elements=st.floats(-1, 1, width=32)))
    if positive:
        m = m @ m.swapaxes(-1, -2)
    sign = -1.0 if (not positive and draw(st.booleans())) else 1.0
    return (m + sign * (n + 1) * np.eye(n)).astype(dtype)


@st.composite
def _one_matrix(draw: Any, dtype: Any, edge: bool, positive: bool = False) -> Sample:
    return Sample((draw(_square(dtype, edge, positive)),))


@st.composite
def _solve(draw: Any, dtype: Any, edge: bool) -> Sample:
    """A and B with B a matrix (batch dims broadcasting with A's) or A's batch of vectors."""
    A = draw(_square(dtype, edge))
    n, left = A.shape[-1], draw(st.booleans())
    if draw(st.booleans()):  # a vector right-hand side, 1-d or A's batch of vectors (X A = B
        shape, left = draw(st.sampled_from([(n,), A.shape[:-1]])), True  # takes no vector)
    else:
        k = draw(st.integers(1, 3))
        batch = draw(st.sampled_from([(), A.shape[:-2], (2,) + A.shape[:-2]]))
        shape = batch + ((n, k) if left else (k, n))
    B = draw(S.hnp.arrays(np.float64, shape, elements=st.floats(-2, 2, width=32))).astype(dtype)
    return Sample((A, B), {"left": left})


def _well_conditioned(s: Sample) -> bool:
    """Finite differences need matrices far from singular (gradcheck redraws the values)."""
    A = s.arrays[0]
    return A.size == 0 or bool(np.all(np.linalg.cond(A) < 50))


def _positive_det(s: Sample) -> bool:
    """logdet is nan where det < 0: finite differences need det > 0 around the point."""
    return _well_conditioned(s) and bool(np.all(np.linalg.det(s.arrays[0]) > 0))


for _info in [
    OpInfo("inverse", _one_matrix, tol=_LU_TOL, tol_note=_LU_NOTE, smooth=_well_conditioned),
    OpInfo("det", _one_matrix, tol=_LU_TOL, tol_note=_LU_NOTE, smooth=_well_conditioned),
    OpInfo("logdet", lambda dtype, edge: _one_matrix(dtype, edge, positive=True), tol=_LU_TOL,
           tol_note=_LU_NOTE, smooth=_positive_det),
    OpInfo("slogdet", _one_matrix, fn=lambda lib, a: lib.slogdet(a)[1], tol=_LU_TOL, tol_note=_LU_NOTE,
           smooth=_well_conditioned),
    OpInfo("linalg.inv", _one_matrix, fn=lambda lib, a: lib.linalg.inv(a), tol=_LU_TOL, tol_note=_LU_NOTE,
           smooth=_well_conditioned),
    OpInfo("linalg.det", _one_matrix, fn=lambda lib, a: lib.linalg.det(a), tol=_LU_TOL, tol_note=_LU_NOTE,
           smooth=_well_conditioned),
    OpInfo("linalg.slogdet", _one_matrix, fn=lambda lib, a: tuple(lib.linalg.slogdet(a)), tol=_LU_TOL,
           tol_note=_LU_NOTE, smooth=_well_conditioned),
    OpInfo("linalg.solve", _solve, fn=lambda lib, a, b, **p: lib.linalg.solve(a, b, **p), tol=_LU_TOL,
           tol_note=_LU_NOTE, smooth=_well_conditioned),
]:
    register(_info)
