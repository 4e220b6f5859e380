"""Grad mode: whether ops record the graph.  ``no_grad`` and friends, as context managers and
decorators, with torch's names."""
from __future__ import annotations

import functools
import threading
from typing import Any, Callable


class _GradMode(threading.local):
    """The one switch every op reads: when ``enabled`` is False nothing is recorded.

    Per thread, as in torch: one thread evaluating under ``no_grad`` must not stop another from
    recording its graph, and every new thread starts with grad mode on."""

    def __init__(self) -> None:
        self.enabled = True


GradMode = _GradMode()


def is_grad_enabled() -> bool:
    return GradMode.enabled


class _GradModeContext:
    """Base of ``no_grad``/``enable_grad``/``set_grad_enabled``: a context manager that is also a
    decorator (``@no_grad()`` and bare ``@no_grad`` both work, as in torch)."""

    _mode: bool

    def __new__(cls, orig_func: Callable | None = None, *args: Any):
        if callable(orig_func) and cls is not set_grad_enabled:
            return cls()(orig_func)  # used as a bare decorator
        return super().__new__(cls)

    def __enter__(self) -> None:
        self._prev = GradMode.enabled
        GradMode.enabled = self._mode

    def __exit__(self, *exc: Any) -> None:
        GradMode.enabled = self._prev

    def __call__(self, func: Callable) -> Callable:
        mode = self._mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = GradMode.enabled
            GradMode.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                GradMode.enabled = prev
        return wrapper


class no_grad(_GradModeContext):
    """Disable graph recording: results of ops inside do not require grad."""
    _mode = False


class enable_grad(_GradModeContext):
    """Re-enable graph recording inside a ``no_grad`` region."""
    _mode = True


class set_grad_enabled(_GradModeContext):
    """Set grad mode to ``mode``.  Takes effect at once when called as a function; as a context
    manager it restores the previous mode on exit."""

    def __init__(self, mode: bool) -> None:
        self._prev = GradMode.enabled
        self._mode = bool(mode)
        GradMode.enabled = self._mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        GradMode.enabled = self._prev


_INFERENCE = [False]  # whether an ``inference_mode`` region is active


def is_inference_mode_enabled() -> bool:
    return _INFERENCE[0]


class inference_mode(_GradModeContext):
    """``torch.inference_mode``: in minigrad the same as ``no_grad`` (nothing is recorded; torch
    additionally skips version counting, which minigrad has no cost for).  ``inference_mode(False)``
    switches recording back on, as torch's does.  Context manager and decorator, bare or called."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)
        self._mode = not self.mode

    def __enter__(self) -> None:
        super().__enter__()
        self._prev_inference = _INFERENCE[0]
        _INFERENCE[0] = self.mode

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        _INFERENCE[0] = self._prev_inference

    def __call__(self, func: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(mode):
                return func(*args, **kwargs)
        return wrapper
