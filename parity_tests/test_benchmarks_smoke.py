"""Smoke test of ``python -m benchmarks --quick``: every workload runs in both engines and they
compute the same losses.  No timing is asserted (timings belong to the benchmark output only)."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def quick_run() -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--peers", "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def test_every_workload_ran_in_both_engines(quick_run: dict) -> None:
    names = [r["name"] for r in quick_run["results"]]
    assert names == ["W1", "W2", "W3", "W4", "MK", "W5", "HVP", "DL", "CNN"]
    for r in quick_run["results"]:
        assert r["missing"] is None, r
        assert set(r["time"]) >= {"minigrad", "torch"}, r["name"]


def test_final_losses_agree_with_torch(quick_run: dict) -> None:
    # The harness already raises when they differ; this checks the reported numbers themselves.
    # float32 training steps in two engines differ only in rounding order: 1e-4 relative.
    for r in quick_run["results"]:
        losses = r["final_loss"]
        assert losses["minigrad"] == pytest.approx(losses["torch"], rel=1e-4, abs=1e-6), r["name"]
        for other in set(losses) - {"minigrad", "torch"}:  # the numpy floor and the peer engines
            assert losses[other] == pytest.approx(losses["torch"], rel=1e-4, abs=1e-6), (r["name"], other)


def test_the_peers_ran_the_workloads_their_apis_can_express(quick_run: dict) -> None:
    ran = {r["name"]: set(r["time"]) for r in quick_run["results"]}
    for name in ("W1", "W2", "W3", "W4", "MK", "W5"):
        assert {"mygrad", "autograd"} <= ran[name], name
    assert "autograd" in ran["HVP"] and "mygrad" not in ran["HVP"]  # MyGrad has no second order
    assert {n for n, engines in ran.items() if "micrograd" in engines} == {"W1", "W5"}  # scalars


def test_ratio_per_round_pairs_each_rounds_medians() -> None:
    # Two rounds of three steps: in the first minigrad's median is 2 vs torch's 4, in the second 9 vs 3.
    # Pairing across rounds or taking means instead of medians would give other numbers.
    from benchmarks import harness
    r = harness.Result("X", "x", steps=3, rounds=2,
                       times_us={"minigrad": [1.0, 2.0, 30.0, 9.0, 8.0, 10.0],
                                 "torch": [4.0, 4.0, 5.0, 3.0, 1.0, 3.0]})
    assert r.round_ratios() == [0.5, 3.0]
    assert r.as_dict()["ratio_per_round"] == [0.5, 3.0]


def test_quick_run_reports_a_ratio_per_round(quick_run: dict) -> None:
    for r in quick_run["results"]:
        assert len(r["ratio_per_round"]) == r["rounds"], r["name"]


def test_a_different_loss_is_reported_as_an_error() -> None:
    # The agreement check must be able to fail: a workload whose minigrad side computes
    # something else (here: the loss doubled) must make the harness raise.
    from benchmarks import harness
    from benchmarks.workloads import WORKLOADS
    w1 = WORKLOADS[0]

    def make(lib, d):
        step = w1.make(lib, d)
        return (lambda: step() * 2) if lib.__name__ == "minigrad" else step

    broken = type(w1)(w1.name, w1.title, w1.data, make, w1.steps, w1.rtol, w1.modules)
    with pytest.raises(AssertionError, match="different loss"):
        harness.run(broken, rounds=1, steps=2, warmup=1)


def test_profile_shows_the_step_call_tree() -> None:
    """``python -m benchmarks.profile W1`` (the README's profile of W1): the tree reaches the
    engine's backward and the forward ops through the workload's step (1000 steps: ~300 samples,
    so no frame with a share above 5 % goes unsampled)."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.profile", "W1", "--steps", "1000"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    for frame in ("step", "run_backward", "Linear.forward", "binary_cross_entropy"):
        assert frame in out.stdout, frame
