"""numpy's floating-point error state, switched off cheaply.

torch computes inf and nan silently (log(0) = -inf, exp(1000) = inf); numpy warns unless its error
state says "ignore".  ``Function.apply`` switches it off around every op's ``forward``, so this
runs once per op: it sets numpy's error-state variable directly (~0.2 µs) instead of entering
``np.errstate(all="ignore")`` (~1.5 µs, it rebuilds the state on each use).  A backward pass
switches it off once for all the ops it runs, and ``apply`` leaves it alone when it finds it off.
"""
from __future__ import annotations

from typing import Any

import numpy as np

try:  # numpy >= 2 keeps its floating-point error state in a context variable
    from numpy._core._multiarray_umath import _extobj_contextvar as errstate_var
    from numpy._core._multiarray_umath import _make_extobj
    IGNORE_ALL = _make_extobj(all="ignore")
except ImportError:  # older numpy: a global state with the same set/reset protocol
    class _GlobalErrstate:
        def get(self) -> dict:
            return np.geterr()

        def set(self, state: dict) -> dict:
            return np.seterr(**state)

        def reset(self, old: dict) -> None:
            np.seterr(**old)

    errstate_var, IGNORE_ALL = _GlobalErrstate(), {"all": "ignore"}


class quiet:
    """``with quiet():`` means ``with np.errstate(all="ignore"):``, faster.  Every op's ``forward``
    already runs quiet (``Function.apply``); this is for numpy code outside one."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = errstate_var.set(IGNORE_ALL)

    def __exit__(self, *exc: Any) -> None:
        errstate_var.reset(self._token)
