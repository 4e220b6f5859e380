"""The ``AttributeError`` for a torch name minigrad lacks: it says so and points to the coverage
page, instead of Python's bare "has no attribute" (which reads like a typo).

Each public module ends its namespace with ``__getattr__ = missing_attribute_hook(__name__)``;
Python calls it only for names the module does not have, so it costs nothing otherwise."""
from __future__ import annotations

from typing import Callable

COVERAGE_PAGE = "docs/coverage.md"


def torch_name_of(module_name: str) -> str:
    """``minigrad.nn.functional`` -> ``torch.nn.functional``."""
    return "torch" + module_name[len("minigrad"):]


def missing_attribute(module_name: str, name: str) -> AttributeError:
    """The error for ``module.name``: torch's wording, plus a pointer when torch has the name."""
    message = f"module '{module_name}' has no attribute '{name}'"
    if not name.startswith("_"):
        from ._torch_names import TORCH_NAMES, TORCH_VERSION
        torch_module = torch_name_of(module_name)
        if name in TORCH_NAMES.get(torch_module, ()):
            message += (f": minigrad does not implement {torch_module}.{name} (torch {TORCH_VERSION} has "
                        f"it); {COVERAGE_PAGE} lists what minigrad covers")
    error = AttributeError(message)
    error.name, error.obj = name, None
    return error


def missing_attribute_hook(module_name: str) -> Callable[[str], object]:
    """A module-level ``__getattr__`` for ``module_name``."""
    def __getattr__(name: str) -> object:
        raise missing_attribute(module_name, name)
    return __getattr__
