"""minigrad's test suite: every behaviour is compared with real torch (see minigrad.testing)."""
from collections import Counter

# What the parity suite checked in this run, printed by conftest's terminal summary:
# EXAMPLES[kind] counts hypothesis examples, OPS_CHECKED the registry ops they exercised.
EXAMPLES: Counter = Counter()
OPS_CHECKED: set = set()


def record(kind: str, op: str | None = None) -> None:
    EXAMPLES[kind] += 1
    if op is not None:
        OPS_CHECKED.add(op)
