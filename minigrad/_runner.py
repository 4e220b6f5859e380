"""Run an unchanged torch program on minigrad: ``python -m minigrad run PROGRAM [ARGS...]``.

Two pieces:

* an import hook (``install_as_torch``): a finder first on ``sys.meta_path`` that answers
  ``import torch`` with the ``minigrad`` module and ``import torch.X`` with ``minigrad.X``, so
  ``import torch.nn as nn`` and ``from torch.utils.data import DataLoader`` reach minigrad too;
* ``run_program``: executes a ``.py`` file as ``python PROGRAM`` would (``sys.argv``,
  ``__name__ == "__main__"``, ``__file__``, ``sys.path[0]``), or a ``.ipynb`` notebook's code
  cells in order as Jupyter would (``!`` shell lines and magics skipped, except that ``%time``
  and friends run the Python they time; each cell's last bare expression echoed).
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import json
import os
import random
import re
import sys
import traceback
import types
import warnings
from typing import Any, Sequence

__all__ = ["install_as_torch", "uninstall_as_torch", "run_program", "notebook_cells", "cell_to_python"]

COVERAGE_PAGE = "docs/coverage.md"


class _AliasLoader(importlib.abc.Loader):
    """Hands out the already-imported ``minigrad.X`` module as ``torch.X``."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module, self.own_spec = module, module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        # the import system stamped the alias's spec on the module; minigrad.X keeps its own
        module.__spec__ = self.own_spec


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """Maps ``torch`` to ``minigrad`` and ``torch.X`` to ``minigrad.X`` for every import form."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname.startswith("minigrad."):
            _explain_missing_name(fullname, path)
            return None
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real = "minigrad" + fullname[len("torch"):]
        try:
            found = importlib.util.find_spec(real)
        except ModuleNotFoundError:
            found = None
        if found is None:
            raise ModuleNotFoundError(
                f"No module named '{fullname}': minigrad does not have {fullname} "
                f"(see {COVERAGE_PAGE} for what it covers)", name=fullname)
        module = importlib.import_module(real)
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module),
                                              is_package=hasattr(module, "__path__"))


def _explain_missing_name(fullname: str, path: Any) -> None:
    """``from torch.nn import Transformer`` first tries to import ``minigrad.nn.Transformer`` as a
    submodule, and Python then reports only "cannot import name"; when torch has the name and
    minigrad lacks it, raise the error that says so instead."""
    parent_name, _, name = fullname.rpartition(".")
    parent = sys.modules.get(parent_name)
    if parent is None or name.startswith("_") or name in vars(parent):
        return
    if importlib.machinery.PathFinder.find_spec(fullname, path) is not None:
        return  # a real submodule, not imported yet
    from ._missing import missing_attribute, torch_name_of
    error = missing_attribute(parent_name, name)
    if "minigrad does not implement" in str(error):
        torch_parent = torch_name_of(parent_name)
        raise ModuleNotFoundError(f"cannot import name '{name}' from '{torch_parent}': "
                                  + str(error).split(": ", 1)[1], name=f"{torch_parent}.{name}")


def _finder() -> TorchAliasFinder | None:
    return next((f for f in sys.meta_path if isinstance(f, TorchAliasFinder)), None)


def _torch_named_classes() -> dict:
    """The classes learners print (``type(x)``) and the module torch defines each in."""
    from . import _dtype, _tensor
    from .nn.parameter import Parameter
    return {_tensor.Tensor: "torch", _tensor.Size: "torch", _tensor.device: "torch", _dtype.dtype: "torch",
            Parameter: "torch.nn.parameter"}


_OWN_MODULES: dict = {}  # class -> its minigrad module, while it is named as torch's


def install_as_torch() -> None:
    """Make ``import torch`` (and ``import torch.nn``, ``from torch.optim import SGD``, ...) give
    minigrad from now on, in this process; dtypes, sizes and devices then print as ``torch.*``.

    Modules that already imported the real torch keep their reference to it: call this before the
    program's first ``import torch`` (first cell of a notebook)."""
    from . import _dtype
    if _finder() is None:
        sys.meta_path.insert(0, TorchAliasFinder())
    stale = [name for name, m in sys.modules.items()
             if (name == "torch" or name.startswith("torch."))
             and not getattr(m, "__name__", "").startswith("minigrad")]
    if stale:
        warnings.warn("the real torch was imported before minigrad.install_as_torch(); names already "
                      "bound to it stay real torch, new `import torch` statements give minigrad",
                      stacklevel=2)
        for name in stale:
            del sys.modules[name]
    _dtype.DISPLAY_NAME[0] = "torch"
    # `print(type(x))` shows <class 'torch.Tensor'>; pickle finds the class under that name too
    for cls, torch_module in _torch_named_classes().items():
        _OWN_MODULES.setdefault(cls, cls.__module__)
        cls.__module__ = torch_module


def uninstall_as_torch() -> None:
    """Undo ``install_as_torch``: ``import torch`` is the real torch again (if installed)."""
    from . import _dtype
    finder = _finder()
    if finder is not None:
        sys.meta_path.remove(finder)
    for name in [n for n, m in sys.modules.items() if n == "torch" or n.startswith("torch.")]:
        if getattr(sys.modules[name], "__name__", "").startswith("minigrad"):
            del sys.modules[name]
    _dtype.DISPLAY_NAME[0] = "minigrad"
    for cls, own in _OWN_MODULES.items():
        cls.__module__ = own
    _OWN_MODULES.clear()


# ------------------------------------------------------------------------------------------------
# Notebooks
# ------------------------------------------------------------------------------------------------

# Magics whose argument or body is Python that Jupyter runs (timing, profiling or capturing
# around it); every other magic (%matplotlib, %%bash, %%writefile, %pip, ...) is skipped.
_PYTHON_MAGICS = {"time", "timeit", "capture", "prun"}
# `x = %timeit ...` / `files = !ls`: a magic's or shell command's output assigned
_ASSIGNED = re.compile(r"^(\s*[\w\s,()\[\].]+=\s*)([%!])(.*)$")
_HELP = re.compile(r"^\s*(\?\??[\w.]+|[\w.]+\?\??)\s*$")


def notebook_cells(path: str) -> list[str]:
    """The source of a notebook's code cells, in order."""
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    cells = nb["cells"] if "cells" in nb else [c for ws in nb.get("worksheets", []) for c in ws["cells"]]
    sources = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            sources.append("".join(src) if isinstance(src, list) else src)
    return sources


def cell_to_python(source: str) -> str:
    """A cell's IPython syntax (``%magic``, ``%%cell magic``, ``!shell``, ``x?``) as Python calls on
    ``get_ipython()``, as IPython itself translates them (with IPython's own translator when it is
    installed, otherwise line by line)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return _cell_to_python_by_lines(source)
    return TransformerManager().transform_cell(source)


def _magic_call(kind: str, text: str) -> str:
    name, _, rest = text.partition(" ")
    if kind == "!":
        return f"get_ipython().system({text!r})"
    return f"get_ipython().run_line_magic({name!r}, {rest.strip()!r})"


def _cell_to_python_by_lines(source: str) -> str:
    """IPython's translation for the common cases, without IPython: a line inside a triple-quoted
    string that starts with ``%`` or ``!`` is (wrongly) translated too."""
    stripped = source.lstrip()
    if stripped.startswith("%%"):
        header, _, body = stripped.partition("\n")
        name, _, rest = header[2:].partition(" ")
        body = body if body.endswith("\n") or not body else body + "\n"
        return f"get_ipython().run_cell_magic({name!r}, {rest.strip()!r}, {body!r})\n"
    out = []
    for line in source.splitlines():
        code = line.lstrip()
        indent = line[:len(line) - len(code)]
        assigned = _ASSIGNED.match(line)
        if code.startswith(("%", "!")):
            out.append(indent + _magic_call(code[0], code[1:]))
        elif assigned:
            prefix, kind, text = assigned.groups()
            call = f"get_ipython().getoutput({text!r})" if kind == "!" else _magic_call("%", text)
            out.append(prefix + call)
        elif _HELP.match(line):
            out.append(indent + "pass")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


class _Shell:
    """What ``get_ipython()`` returns while a notebook runs: the timing and capturing magics run
    their Python; shell commands, help and the other magics do nothing."""

    def __init__(self, namespace: dict, filename: str) -> None:
        self.namespace, self.filename = namespace, filename

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> object:
        if name not in _PYTHON_MAGICS:
            return None
        code = line.split(None, 1)[-1] if line.startswith("-") else line  # drop an option (-n 10)
        value = _run_cell(code, self.namespace, self.filename)
        return value if name == "time" else None

    def run_cell_magic(self, name: str, line: str, cell: str) -> object:
        if name not in _PYTHON_MAGICS:
            return None
        if name == "capture":
            with contextlib.redirect_stdout(io.StringIO()):
                _run_cell(cell, self.namespace, self.filename)
            return None
        return _run_cell(cell, self.namespace, self.filename)

    def system(self, cmd: str) -> None:
        return None

    def getoutput(self, cmd: str) -> list:
        return []


def _run_cell(source: str, namespace: dict, filename: str) -> object:
    """Execute Python ``source`` in ``namespace``; return its last bare expression's value (None
    if there is none or the cell ends with ``;``, as Jupyter shows nothing then)."""
    tree = ast.parse(source, filename)
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr):
        exec(compile(tree, filename, "exec"), namespace)
        return None
    tree.body.pop()
    exec(compile(tree, filename, "exec"), namespace)
    value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
    return None if source.rstrip().endswith(";") else value


def _run_notebook(path: str, namespace: dict) -> None:
    """Each code cell in turn, echoing its value as Jupyter's ``Out[n]`` would (its repr)."""
    shell = _Shell(namespace, path)
    namespace["get_ipython"] = lambda: shell
    for i, cell in enumerate(notebook_cells(path)):
        shell.filename = f"{path} [cell {i + 1}]"
        value = _run_cell(cell_to_python(cell), namespace, shell.filename)
        if value is not None:
            namespace["_"] = value
            print(repr(value))


# ------------------------------------------------------------------------------------------------
# Running a program
# ------------------------------------------------------------------------------------------------

def seed_everything(seed: int, engine: str) -> None:
    """Seed Python's ``random``, numpy's global generator and the engine, as a program would."""
    random.seed(seed)
    try:
        import numpy
    except ImportError:  # pragma: no cover  (minigrad needs numpy; torch programs may not)
        pass
    else:
        numpy.random.seed(seed)
    importlib.import_module("torch" if engine == "torch" else "minigrad").manual_seed(seed)


def run_program(program: str, args: Sequence[str] = (), *, engine: str = "minigrad",
                seed: int | None = None) -> int:
    """Run ``program`` (a ``.py`` file or ``.ipynb`` notebook) as ``python program args...`` would,
    with ``engine`` ("minigrad" or "torch") answering ``import torch``.  Returns the exit status:
    0, 1 after an uncaught exception (traceback printed), or the program's ``sys.exit`` code."""
    path = os.path.abspath(program)
    if not os.path.isfile(path):
        print(f"minigrad run: can't open file '{program}': no such file", file=sys.stderr)
        return 2
    if engine == "minigrad":
        install_as_torch()
    notebook = path.endswith(".ipynb")
    main = types.ModuleType("__main__")
    main.__dict__.update(__builtins__=builtins, __spec__=None, __loader__=None, __package__=None)
    if not notebook:
        main.__file__ = path  # a notebook has no __file__ in Jupyter either
    sys.argv[:] = [program, *args]
    sys.path[0] = os.path.dirname(path)
    sys.modules["__main__"] = main
    if notebook:
        os.chdir(os.path.dirname(path))  # Jupyter runs a notebook in its own directory
    if seed is not None:
        seed_everything(seed, engine)
    try:
        if notebook:
            _run_notebook(path, main.__dict__)
        else:
            with open(path, "rb") as f:
                code = compile(f.read(), path, "exec")
            exec(code, main.__dict__)
    except SystemExit as e:
        return _exit_status(e.code)
    except BaseException as e:  # noqa: B036  (KeyboardInterrupt too: report it as python does)
        sys.stdout.flush()
        shown = path if not notebook else f"{path} [cell"
        tb = e.__traceback__
        while tb is not None and not tb.tb_frame.f_code.co_filename.startswith(shown):
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb or e.__traceback__)
        return 1
    finally:
        sys.stdout.flush()
    return 0


def _exit_status(code: Any) -> int:
    """``sys.exit(code)``'s process status, as the interpreter computes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
