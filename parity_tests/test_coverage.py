"""The coverage page and the public namespaces it is generated from.

* ``docs/coverage.md`` is generated from each public module's ``__all__``: the checked-in page
  must equal a fresh rendering, so it cannot drift as ops are added.
* A public module's namespace is its ``__all__``.  In the package ``__init__`` files, the device
  stubs and ``nn.init`` every other name without an underscore, except their own submodules, is a
  leak (``np``, ``math``, ``Any``, helpers).  The other modules that hold an implementation
  (``nn.functional``, ``random``, ...) import what their code needs under plain names; for them
  the test is that ``__all__`` is right: everything in it exists and is minigrad's, and every
  public function or class they define is in it (a helper must be named with an underscore).
* A torch name minigrad lacks raises an ``AttributeError`` that says so and points to the page;
  a name torch lacks too raises Python's plain error, as torch does.
"""
from __future__ import annotations

import importlib
import inspect
import types

import pytest
import torch

import minigrad
from minigrad import coverage
from minigrad._torch_names import TORCH_NAMES, TORCH_VERSION
from minigrad.autograd.function import Function

API_MODULES = ("minigrad", "minigrad.nn", "minigrad.optim", "minigrad.utils", "minigrad.utils.data",
               "minigrad.autograd", "minigrad.linalg", "minigrad.special", "minigrad.amp",
               "minigrad.distributions", "minigrad.cuda",
               "minigrad.accelerator", "minigrad.backends", "minigrad.backends.cudnn",
               "minigrad.backends.mps", "minigrad.backends.cuda", "minigrad.nn.init", "minigrad.nn.utils")
IMPLEMENTATION_MODULES = ("minigrad.nn.functional", "minigrad.optim.lr_scheduler",
                          "minigrad.autograd.functional", "minigrad.random", "minigrad.testing",
                          "minigrad.viz")
ALL_MODULES = API_MODULES + IMPLEMENTATION_MODULES


def test_coverage_page_is_up_to_date():
    with open(coverage.page_path(), encoding="utf-8") as f:
        page = f.read()
    assert page == coverage.render(), (
        f"docs/coverage.md is out of date: regenerate it with `{coverage.REGENERATE}`")


def test_every_mirrored_module_is_on_the_page():
    assert set(coverage.PUBLIC_MODULES) | set(coverage.EXTRA_MODULES) == set(ALL_MODULES) - {
        "minigrad.backends.cudnn", "minigrad.backends.mps", "minigrad.backends.cuda"}


def test_torch_names_are_the_installed_torchs():
    assert torch.__version__.split("+")[0] == TORCH_VERSION, (
        f"torch changed: rebuild the list with `{coverage.REGENERATE} --torch-names`")
    for name in coverage.COVERED:
        torch_module = "torch" + name[len("minigrad"):]
        assert TORCH_NAMES[torch_module] == frozenset(coverage.torch_public_names(torch_module))


def _public_namespace(module: types.ModuleType) -> set[str]:
    """Names without an underscore, except the package's own submodules and the
    ``from __future__ import annotations`` flag."""
    return {n for n, v in vars(module).items()
            if not n.startswith("_") and n != "annotations"
            and not (isinstance(v, types.ModuleType) and v.__name__.startswith("minigrad."))}


@pytest.mark.parametrize("name", ALL_MODULES)
def test_all_lists_existing_names_once(name):
    module = importlib.import_module(name)
    assert len(set(module.__all__)) == len(module.__all__), "a name is listed twice"
    assert [n for n in module.__all__ if not hasattr(module, n)] == []


@pytest.mark.parametrize("name", API_MODULES)
def test_api_module_namespace_is_its_all(name):
    module = importlib.import_module(name)
    leaks = sorted(_public_namespace(module) - set(module.__all__))
    assert leaks == [], (f"{name} has public names not in its __all__: {leaks}; add them to __all__ "
                         "if they are API, else import them under an underscore name")


def _foreign(value) -> bool:
    if isinstance(value, types.ModuleType):
        return not value.__name__.startswith("minigrad")
    origin = getattr(value, "__module__", None)
    return (inspect.isclass(value) or inspect.isroutine(value)) and not str(origin).startswith("minigrad")


@pytest.mark.parametrize("name", IMPLEMENTATION_MODULES)
def test_implementation_module_all_is_right(name):
    module = importlib.import_module(name)
    foreign = [n for n in module.__all__ if _foreign(getattr(module, n))]
    assert foreign == [], f"{name}.__all__ exports names that are not minigrad's: {foreign}"
    defined_here = {n for n, v in vars(module).items()
                    if not n.startswith("_") and (inspect.isclass(v) or inspect.isfunction(v))
                    and v.__module__ == name
                    # an autograd Function is named after torch's graph node (``Sinh`` makes
                    # ``SinhBackward0``), so it cannot take an underscore; it is not public API
                    and not (inspect.isclass(v) and issubclass(v, Function))}
    helpers = sorted(defined_here - set(module.__all__))
    assert helpers == [], (f"{name} defines public-looking names not in its __all__: {helpers}; "
                           "add them to __all__ or rename them with a leading underscore")


# ------------------------------------------------------------------------------------------------
# AttributeError for what minigrad lacks
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("module, attr", [(minigrad, "fft"), (minigrad.nn, "LazyLinear"),
                                          (minigrad.optim, "SparseAdam"), (minigrad.linalg, "eig")])
def test_missing_torch_name_says_minigrad_lacks_it(module, attr):
    torch_module = "torch" + module.__name__[len("minigrad"):]
    assert hasattr(importlib.import_module(torch_module), attr)  # torch has it...
    with pytest.raises(AttributeError) as info:  # ...minigrad does not
        getattr(module, attr)
    assert str(info.value) == (
        f"module '{module.__name__}' has no attribute '{attr}': minigrad does not implement "
        f"{torch_module}.{attr} (torch {TORCH_VERSION} has it); docs/coverage.md lists what minigrad covers")
    assert not hasattr(module, attr)


@pytest.mark.parametrize("name", coverage.PUBLIC_MODULES)
def test_every_public_module_explains_a_missing_torch_name(name):
    module = importlib.import_module(name)
    torch_module = "torch" + name[len("minigrad"):]
    missing = sorted(n for n in TORCH_NAMES[torch_module] if not hasattr(module, n))
    if not missing:
        pytest.skip(f"minigrad has every public name of {torch_module}")
    with pytest.raises(AttributeError, match=f"minigrad does not implement {torch_module}.{missing[0]} "):
        getattr(module, missing[0])


@pytest.mark.parametrize("name", ["tensr", "nn_Linear"])
def test_a_name_torch_lacks_too_gets_pythons_plain_error(name):
    with pytest.raises(AttributeError) as theirs:
        getattr(torch, name)
    with pytest.raises(AttributeError) as ours:
        getattr(minigrad, name)
    assert str(ours.value) == str(theirs.value).replace("'torch'", "'minigrad'")
