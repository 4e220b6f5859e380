"""Differential fuzzing of whole programs (``minigrad.testing.programs``): random straight-line
programs over many op forms, dtypes, edge shapes and edge values, run statement by statement in
minigrad and torch.  Every statement must agree: raises or not (the same exception class, never a
numpy one), warnings, and every tensor's dtype, shape, requires_grad, is_leaf and values; then
first- and second-order gradients.  A failure shrinks and prints the program as runnable source.

Bounded in the ``ci`` profile (derandomized); ``MINIGRAD_HYPOTHESIS_PROFILE=thorough`` runs ten
times the programs, and ``MINIGRAD_FUZZ_FORMS=all`` adds the forms left out of the default set
(``EXTRA_FORMS``).  Larger runs with fresh seeds, counted by op form:
``python -m minigrad.testing.programs -n 5000 --seed 7 [--all-forms]``."""

from __future__ import annotations

import os
import warnings

import numpy as np
import torch
from hypothesis import given, settings

import minigrad
from minigrad.testing.programs import (DEFAULT_FORMS, FORMS, Program, compare_programs, programs,
                                       run_program)

from . import record

# A program takes ~15 ms in both engines: 30 programs per profile example (600 in ci, ~10-20 s).
PROGRAMS = settings().max_examples * 30
# MINIGRAD_FUZZ_FORMS=all draws EXTRA_FORMS too: the forms on which minigrad still disagrees.
FORMS_DRAWN = tuple(FORMS) if os.environ.get("MINIGRAD_FUZZ_FORMS") == "all" else DEFAULT_FORMS


@settings(max_examples=PROGRAMS)
@given(prog=programs(forms=FORMS_DRAWN))
def test_programs_agree_with_torch(prog):
    report = compare_programs(prog)
    assert report is None, report
    record("fuzzed programs")


def test_default_forms_are_known():
    assert set(DEFAULT_FORMS) <= set(FORMS) and len(DEFAULT_FORMS) >= 100


def _program(*lines: str) -> Program:
    return Program(list(lines), ["leaf"] + ["stmt"] * (len(lines) - 1))


def test_report_is_runnable_source_with_both_outcomes():
    """A disagreement is reported with both engines' outcomes and the program as source that runs
    (here a disagreement made on purpose: a minigrad whose ``exp`` returns the wrong value)."""
    prog = _program("x0 = T.tensor([0.5, -1.0], dtype=T.float64, requires_grad=True)",
                    "v0 = x0.exp()", "v1 = v0 * 2")
    real_exp = minigrad.Tensor.exp
    minigrad.Tensor.exp = lambda self: real_exp(self) + 1e-6
    try:
        report = compare_programs(prog)
    finally:
        minigrad.Tensor.exp = real_exp
    assert report is not None and "statement 2" in report and "v0 values" in report
    source = report.split("in minigrad):\n", 1)[1]
    scope: dict = {}
    exec(source, scope)  # the printed program runs, as torch
    assert torch.equal(scope["v1"], torch.tensor([0.5, -1.0], dtype=torch.float64).exp() * 2)


def test_error_parity_is_checked(monkeypatch):
    """Both raise the same class: agreement.  minigrad accepting what torch refuses, or raising
    another class (or a numpy one): a disagreement naming both outcomes."""
    prog = _program("x0 = T.tensor([1.0, 2.0], requires_grad=True)", "v0 = x0.view(2, 3)")
    assert isinstance(run_program(prog, torch)[1].error, RuntimeError)
    assert compare_programs(prog) is None

    monkeypatch.setattr(minigrad.Tensor, "view", lambda self, *shape: self)
    report = compare_programs(prog)
    assert report is not None and "minigrad: no error" in report
    assert "torch:    builtins.RuntimeError" in report

    def numpy_error(self, *shape):
        raise np.exceptions.AxisError("axis 2 is out of bounds")  # an IndexError and a ValueError
    monkeypatch.setattr(minigrad.Tensor, "view", numpy_error)
    report = compare_programs(prog)
    assert report is not None and "exception class" in report and "AxisError" in report


def test_a_numpy_warning_is_a_disagreement():
    """minigrad must not leak numpy's RuntimeWarning (torch computes inf and nan silently)."""
    prog = _program("x0 = T.tensor([1.0, 0.0])", "v0 = x0 / 0")
    assert compare_programs(prog) is None
    real_div = minigrad.Tensor.__truediv__

    def noisy_div(self, other):
        warnings.warn("divide by zero encountered in divide", RuntimeWarning, stacklevel=2)
        return real_div(self, other)
    minigrad.Tensor.__truediv__ = noisy_div
    try:
        report = compare_programs(prog)
    finally:
        minigrad.Tensor.__truediv__ = real_div
    assert report is not None and "RuntimeWarning" in report
