"""Shared pytest configuration: hypothesis profiles.

``ci`` is the default (bounded, used by ``.ci/run``); ``thorough`` runs ten times the examples.
Select with ``MINIGRAD_HYPOTHESIS_PROFILE=thorough python -m pytest``.
"""
import os

import pytest
import torch
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=20,
    deadline=None,
    derandomize=True,  # CI must not flake: the same examples every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("MINIGRAD_HYPOTHESIS_PROFILE", "ci"))

# The reference runs single-threaded: the suite's tensors are tiny, and two-thread BLAS calls on
# these 2-core machines stall at random.  Results are identical either way.
torch.set_num_threads(1)


def pytest_terminal_summary(terminalreporter):
    """Print what the parity suite checked: ops, hypothesis examples, trajectories (counted by
    ``parity_tests.record``; the parametrized trajectory tests count one per passed test)."""
    from . import EXAMPLES, OPS_CHECKED
    passed = terminalreporter.stats.get("passed", [])
    trajectories = sum(1 for r in passed if "test_trajectories.py" in r.nodeid) + EXAMPLES["trajectories"]
    if not EXAMPLES and not trajectories:
        return
    terminalreporter.section("parity checked")
    terminalreporter.write_line(f"registry ops checked against torch: {len(OPS_CHECKED)}")
    for kind, n in sorted(EXAMPLES.items()):
        terminalreporter.write_line(f"{kind}: {n}")
    terminalreporter.write_line(f"optimizer trajectories compared step by step: {trajectories}")


# The tests this run will execute, after -k/-m deselection (which edits the same list in place):
# test_learner_programs starts the subprocesses of the selected programs up front.
SELECTED_TESTS = pytest.StashKey[list]()


def pytest_collection_modifyitems(config, items):
    config.stash[SELECTED_TESTS] = items
