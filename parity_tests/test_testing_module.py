"""minigrad.testing itself: the README example runs, assert_close agrees with torch.testing's
verdicts, check_parity catches broken backward passes stage by stage, the strategies produce the
edge cases they promise, and `import minigrad` needs neither torch nor hypothesis."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.testing import assert_close, check_parity
from minigrad.testing import strategies as mst

ROOT = Path(__file__).resolve().parents[1]
MARKER = "<!-- minigrad.testing example -->"


def _readme_snippets() -> list[str]:
    """The python blocks of the README's minigrad.testing section."""
    text = (ROOT / "README.md").read_text()
    if MARKER not in text:
        pytest.fail(f"no README section marked {MARKER!r}")
    return re.findall(r"```python\n(.*?)```", text.split(MARKER, 1)[1], flags=re.S)[:2]


def test_readme_example_runs_exactly_as_written():
    first, second = _readme_snippets()
    scope: dict = {}
    exec(compile(first, "README example", "exec"), scope)
    exec(compile(second, "README example (hypothesis)", "exec"), scope)
    scope["test_softplus"]()  # hypothesis runs it over drawn inputs


def test_readme_example_fails_for_a_wrong_backward():
    """The same check with a wrong gradient must fail, naming the backward stage."""
    first, _ = _readme_snippets()
    broken = first.replace("grad * x.sigmoid()", "grad * x.sigmoid() * 1.5")
    assert broken != first
    with pytest.raises(AssertionError, match="stage 'backward'"):
        exec(compile(broken, "broken example", "exec"), {})


# ----- assert_close ----------------------------------------------------------------------------
PAIRS = [
    (np.array([1.0, 2.0], np.float32), np.array([1.0, 2.0 + 1e-5], np.float32)),
    (np.array([1.0, 2.0], np.float32), np.array([1.0, 2.0 + 1e-4], np.float32)),
    (np.array([1e6], np.float32), np.array([1e6 + 1.0], np.float32)),
    (np.array([1e6], np.float32), np.array([1e6 + 2.0], np.float32)),
    (np.array([1.0], np.float64), np.array([1.0 + 1e-7], np.float64)),
    (np.array([1.0], np.float64), np.array([1.0 + 1e-6], np.float64)),
    (np.array([np.nan, 1.0]), np.array([np.nan, 1.0])),
    (np.array([np.nan, 1.0]), np.array([1.0, 1.0])),
    (np.array([np.inf, -np.inf]), np.array([np.inf, -np.inf])),
    (np.array([np.inf]), np.array([-np.inf])),
    (np.array([1, 2]), np.array([1, 3])),
    (np.array([1, 2]), np.array([1, 2])),
    (np.array([0.0]), np.array([-0.0])),
    (np.zeros((2, 0)), np.zeros((2, 0))),
]


@pytest.mark.parametrize("actual,expected", PAIRS)
def test_assert_close_agrees_with_torch_testing(actual, expected):
    def verdict(fn, *args):
        try:
            fn(*args, equal_nan=True)
            return True
        except AssertionError:
            return False
    ours = verdict(assert_close, minigrad.tensor(actual), expected)
    theirs = verdict(torch.testing.assert_close, torch.from_numpy(actual), torch.from_numpy(expected))
    assert ours == theirs


def test_assert_close_message_names_worst_element_index_and_count():
    with pytest.raises(AssertionError) as info:
        assert_close(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.5], [3.0, 9.0]]))
    msg = str(info.value)
    assert "Mismatched elements: 2 / 4" in msg and "index (1, 1)" in msg and "expected 9.0" in msg


def test_assert_close_checks_shape_dtype_and_nan_positions():
    with pytest.raises(AssertionError, match="shape"):
        assert_close(np.zeros(2), np.zeros(3))
    with pytest.raises(AssertionError, match="dtype"):
        assert_close(np.zeros(2, np.float32), np.zeros(2, np.float64))
    with pytest.raises(AssertionError, match="not close"):
        assert_close(np.array([np.nan, 1.0]), np.array([1.0, np.nan]))
    assert_close(torch.tensor([1.0, float("nan")]), minigrad.tensor([1.0, float("nan")]))


# ----- check_parity --------------------------------------------------------------------------------
def _scaled_square(scale_first: float, scale_second: float):
    class Square(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x._array * x._array

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            # scale_second multiplies only the part that depends on x (seen by double backward)
            return grad * (x * (2 * scale_second)) * (scale_first / scale_second)
    return Square.apply


def test_check_parity_passes_a_correct_function():
    check_parity(_scaled_square(1.0, 1.0), lambda x: x * x, np.array([1.0, -2.0, 0.5]))


def test_check_parity_reports_the_backward_stage_and_input():
    with pytest.raises(AssertionError, match=r"stage 'backward', gradient of input 0"):
        check_parity(_scaled_square(1.5, 1.5), lambda x: x * x, np.array([1.0, -2.0]))


def test_check_parity_reports_the_double_backward_stage():
    """First derivatives right (1.5 / 1.5 cancels), second derivatives scaled: only stage 3 sees it."""
    class Cube(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x._array ** 3

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            x3 = x.detach()  # a detached factor: values right, second derivative wrong
            return grad * 3 * x3 * x
    with pytest.raises(AssertionError, match="stage 'double backward'"):
        check_parity(Cube.apply, lambda x: x ** 3, np.array([1.0, -2.0]))


def test_check_parity_sees_a_backward_that_loses_a_scalar_upstream_gradient():
    """The second-order gradient w.r.t. a one-element upstream gradient is compared to rtol of its
    terms' magnitude (a dot product that may cancel), which still fails a backward that uses the
    upstream gradient's value but drops its dependence (that gradient is then 0)."""
    class SumOfSquares(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return (x._array * x._array).sum()

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad.detach() * 2 * x
    with pytest.raises(AssertionError, match="double backward', second-order gradient w.r.t. upstream"):
        check_parity(SumOfSquares.apply, lambda x: (x * x).sum(), np.array([1.0, -2.0, 0.5]))


def test_check_parity_requires_the_same_exception_class():
    def mg(x):
        raise ValueError("wrong class")
    with pytest.raises(AssertionError, match="torch raised RuntimeError"):
        check_parity(mg, lambda x: x @ x, np.ones((2, 3)))
    check_parity(lambda x: x @ x, lambda x: x @ x, np.ones((2, 3)))  # both RuntimeError: fine


# ----- strategies -------------------------------------------------------------------------------------
def _collect(strategy, n=300):
    found = []

    @settings(max_examples=n, database=None, derandomize=True)
    @given(strategy)
    def run(x):
        found.append(x)
    run()
    return found


def test_tensor_strategy_edge_cases_on_by_default():
    arrays = _collect(mst.tensors(np.float32))
    values = np.concatenate([a.reshape(-1) for a in arrays])
    assert any(a.ndim == 0 for a in arrays) and any(0 in a.shape for a in arrays)
    assert any(1 in a.shape for a in arrays)
    assert np.any(np.signbit(values) & (values == 0)) and np.any(np.abs(values) >= 1e18)
    tiny = np.finfo(np.float32).tiny
    assert np.any((values != 0) & (np.abs(values) < tiny))        # subnormal
    assert np.any(np.abs(values) == tiny)


def test_tensor_strategy_edge_cases_off_by_flag():
    arrays = _collect(mst.tensors(np.float64, edge=False))
    assert all(a.ndim > 0 and 0 not in a.shape for a in arrays)
    values = np.concatenate([a.reshape(-1) for a in arrays])
    assert np.all(np.abs(values) <= 3) and np.all(np.isfinite(values))


@pytest.mark.parametrize("domain,check", [
    ("positive", lambda v: np.all(v > 0)),
    ("unit", lambda v: np.all((v > 0) & (v < 1))),
    ("nonzero", lambda v: np.all(v != 0)),
    ("smooth", lambda v: np.all((np.abs(v) >= 0.2) & (np.abs(v) <= 2))),
])
def test_domains_hold(domain, check):
    arrays = _collect(mst.tensors(np.float64, domain=domain), 100)
    values = np.concatenate([a.reshape(-1) for a in arrays])
    assert check(values)


def test_nonfinite_values_only_on_request():
    with_nan = np.concatenate([a.reshape(-1) for a in _collect(mst.tensors(np.float64, nonfinite=True))])
    without = np.concatenate([a.reshape(-1) for a in _collect(mst.tensors(np.float64))])
    assert np.isnan(with_nan).any() and np.isinf(with_nan).any()
    assert np.isfinite(without).all()


def test_matmul_and_broadcast_shapes_are_valid():
    for a, b in _collect(mst.matmul_shapes(), 200):
        np.matmul(np.zeros(a), np.zeros(b))  # raises if incompatible
    for shapes in _collect(mst.broadcastable_shapes(3), 200):
        np.broadcast_shapes(*shapes)


def test_reduction_dims_and_targets_are_valid():
    @settings(max_examples=100, database=None, derandomize=True)
    @given(st.data())
    def run(data):
        x = data.draw(mst.tensors(np.float64))
        dim, keepdim = data.draw(mst.reduction_dims(x.shape))
        torch.from_numpy(x).sum(**({} if dim is None else {"dim": dim, "keepdim": keepdim}))
        t = data.draw(mst.class_targets((3,), 4))
        assert t.dtype == np.int64 and ((t >= 0) & (t < 4)).all()
        p = data.draw(mst.probability_targets((3,)))
        assert ((p >= 0) & (p <= 1)).all()
    run()


def test_import_minigrad_needs_neither_torch_nor_hypothesis():
    code = ("import sys, minigrad, minigrad.testing\n"
            "assert 'torch' not in sys.modules and 'hypothesis' not in sys.modules, 'eager import'\n"
            "minigrad.testing.assert_close(minigrad.ones(2), minigrad.ones(2))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
