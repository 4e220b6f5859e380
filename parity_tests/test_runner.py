"""``python -m minigrad run`` / ``compare`` and ``minigrad.install_as_torch``: unchanged torch
programs run on minigrad, and everything such programs touch first (every import form,
``torch.cuda``, devices, ``Variable``, ``inference_mode``) behaves as torch's CPU build does.

Most tests run programs in this process through ``run_program`` (the ``sandbox`` fixture puts
``sys.modules``, ``sys.argv``, ``sys.path`` and the working directory back afterwards); a few
start ``python -m minigrad`` to check the command line itself, and the run without torch.
Expected outputs come from running the same program under real torch.
"""
from __future__ import annotations

import importlib
import json
import os
import pickle
import random
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad import _runner
from minigrad._compare import compare_lines, line_agreement
from minigrad._runner import run_program

from .test_seed_programs import SEED_004, assert_same_text


def _is_torch_name(name: str) -> bool:
    return name == "torch" or name.startswith("torch.")


def _real_torch_modules() -> dict:
    return {k: v for k, v in sys.modules.items()
            if _is_torch_name(k) and not getattr(v, "__name__", "").startswith("minigrad")}


def _restore_torch(real: dict) -> None:
    """``import torch`` is the real torch again: drop the aliases to minigrad, put back ``real``
    (torch cannot be imported twice in one process: its C++ registrations would clash)."""
    minigrad.uninstall_as_torch()
    sys.modules.update(real)


@pytest.fixture
def sandbox(monkeypatch, tmp_path):
    """A tmp working directory; afterwards ``import torch`` is real torch again, and the global
    state a run touches (argv, path, __main__, RNGs, how dtypes print) is as before."""
    saved_torch = _real_torch_modules()
    rng = (random.getstate(), np.random.get_state(), torch.get_rng_state(), minigrad.get_rng_state())
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    monkeypatch.chdir(tmp_path)
    try:
        with warnings.catch_warnings():
            # install_as_torch warns that this process had imported the real torch already
            warnings.filterwarnings("ignore", "the real torch was imported before")
            yield tmp_path
    finally:
        _restore_torch(saved_torch)
        random.setstate(rng[0])
        np.random.set_state(rng[1])
        torch.set_rng_state(rng[2])
        minigrad.set_rng_state(rng[3])


def run_both(tmp_path, source: str, capsys, name: str = "program.py", args=(), seed: int | None = 0
             ) -> dict:
    """Run ``source`` (a file written to tmp_path) under each engine; return engine -> (stdout,
    stderr, exit status, the program's globals)."""
    path = tmp_path / name
    path.write_text(source) if isinstance(source, str) else path.write_text(json.dumps(source))
    out = {}
    for engine in ("torch", "minigrad"):
        real = _real_torch_modules()
        status = run_program(str(path), list(args), engine=engine, seed=seed)
        captured = capsys.readouterr()
        out[engine] = (captured.out, captured.err, status, dict(vars(sys.modules["__main__"])))
        _restore_torch({**real, **_real_torch_modules()})
    return out


# ------------------------------------------------------------------------------------------------
# Import forms and the runner's program environment
# ------------------------------------------------------------------------------------------------

IMPORT_FORMS = '''
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import nn as nn2, optim
from torch.utils.data import DataLoader, TensorDataset
import torch.optim as optim2
import torch.utils.data
from torch.autograd import Variable
print(torch.__name__, nn.__name__, F.__name__, optim.__name__, torch.utils.data.__name__)
'''


def test_every_import_form_reaches_minigrad(sandbox, capsys):
    runs = run_both(sandbox, IMPORT_FORMS, capsys)
    ns = runs["minigrad"][3]
    assert ns["torch"] is minigrad and ns["nn"] is minigrad.nn is ns["nn2"]
    assert ns["F"] is minigrad.nn.functional
    assert ns["optim"] is minigrad.optim is ns["optim2"]
    assert ns["DataLoader"] is minigrad.utils.data.DataLoader
    assert ns["TensorDataset"] is minigrad.utils.data.TensorDataset
    assert ns["Variable"] is minigrad.autograd.Variable
    assert runs["torch"][0].replace("torch", "minigrad") == runs["minigrad"][0]
    assert runs["torch"][3]["torch"] is torch  # the reference run really was torch
    # minigrad's modules keep their own identity: the alias does not rename them
    assert minigrad.nn.__spec__.name == "minigrad.nn"


def test_missing_submodule_names_itself(sandbox, capsys):
    runs = run_both(sandbox, "import torch.nn\nimport torch.fft\n", capsys)
    out, err, status, _ = runs["minigrad"]
    assert status == 1 and runs["torch"][2] == 0
    assert "ModuleNotFoundError: No module named 'torch.fft': minigrad does not have torch.fft" in err
    assert "docs/coverage.md" in err
    assert 'File "' + str(sandbox / "program.py") + '", line 2' in err  # the program's line, first


@pytest.mark.parametrize("statement, message", [
    ("from torch.nn import Linear, LazyLinear", "cannot import name 'LazyLinear' from 'torch.nn': "
     "minigrad does not implement torch.nn.LazyLinear"),
    ("from torch import nn, fft",
     "cannot import name 'fft' from 'torch': minigrad does not implement torch.fft"),
    ("import torch\ntorch.nn.LazyLinear", "AttributeError: module 'minigrad.nn' has no attribute "
     "'LazyLinear': minigrad does not implement torch.nn.LazyLinear"),
])
def test_missing_name_says_minigrad_lacks_it(sandbox, capsys, statement, message):
    runs = run_both(sandbox, statement + "\n", capsys)
    assert runs["torch"][2] == 0 and runs["minigrad"][2] == 1
    assert message in runs["minigrad"][1] and "docs/coverage.md" in runs["minigrad"][1]


def test_a_typo_stays_pythons_import_error(sandbox, capsys):
    runs = run_both(sandbox, "from torch.nn import Lineer\n", capsys)
    assert all(r[2] == 1 for r in runs.values())
    assert "ImportError: cannot import name 'Lineer' from 'minigrad.nn'" in runs["minigrad"][1]
    assert "ImportError: cannot import name 'Lineer' from 'torch.nn'" in runs["torch"][1]


PROGRAM_ENVIRONMENT = '''
import os, sys
print(sys.argv)
print(__name__, __file__, sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
if __name__ == "__main__":
    print("main")
class Point:
    pass
import pickle
print(pickle.loads(pickle.dumps(Point())).__class__.__name__)  # classes live in __main__
'''


def test_program_sees_what_python_gives_it(sandbox, capsys):
    path = sandbox / "env.py"
    path.write_text(PROGRAM_ENVIRONMENT)
    status = run_program(str(path), ["--epochs", "3"])
    runner = capsys.readouterr().out
    python = subprocess.run([sys.executable, str(path), "--epochs", "3"], capture_output=True, text=True,
                            check=True).stdout
    assert status == 0 and runner == python


def test_exit_status_and_traceback(sandbox, capsys):
    (sandbox / "exits.py").write_text("import sys\nprint('bye')\nsys.exit(3)\n")
    assert run_program(str(sandbox / "exits.py")) == 3
    (sandbox / "fails.py").write_text("import torch\n\ndef f():\n    return 1 / 0\n\nf()\n")
    assert run_program(str(sandbox / "fails.py")) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n  File \"" + str(sandbox / "fails.py"))
    assert err.rstrip().endswith("ZeroDivisionError: division by zero")


# ------------------------------------------------------------------------------------------------
# Programs: run prints what torch prints
# ------------------------------------------------------------------------------------------------

DEVICE_PROGRAM = '''
import torch
import torch.nn as nn
from torch import optim
from torch.utils.data import DataLoader, TensorDataset

device = 'cuda' if torch.cuda.is_available() else 'cpu'
device = torch.device(device)
print("Using", device, repr(device), torch.cuda.device_count())
torch.cuda.manual_seed_all(0)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
if torch.backends.mps.is_available() or torch.accelerator.is_available():
    print("accelerator")
X = torch.randn(32, 3)
y = (X.sum(dim=1, keepdim=True) > 0).float()
loader = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=True)
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).to(device)
opt = optim.SGD(model.parameters(), lr=0.5)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(3):
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch}: loss {loss.item():.6f}")
with torch.inference_mode():
    logits = model(X[:3])
print(logits, logits.requires_grad, logits.dtype, logits.shape)
print(model[0].weight.grad.shape, X.device)
'''


def test_run_prints_what_torch_prints(sandbox, capsys):
    runs = run_both(sandbox, DEVICE_PROGRAM, capsys)
    assert runs["torch"][2] == runs["minigrad"][2] == 0, runs["minigrad"][1]
    assert "Using cpu device(type='cpu') 0" in runs["minigrad"][0]
    assert_same_text(runs["torch"][0], runs["minigrad"][0])


def test_seed_program_through_the_runner(sandbox, capsys):
    runs = run_both(sandbox, SEED_004, capsys)
    assert runs["minigrad"][2] == 0
    assert_same_text(runs["torch"][0], runs["minigrad"][0])


def _notebook(*cells: tuple[str, str]) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": kind, "metadata": {}, "source": src.splitlines(keepends=True),
                       **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                      for kind, src in cells]}


NOTEBOOK = _notebook(
    ("markdown", "# Tensors\nNot code: `1/0`"),
    ("code", "%matplotlib inline\n!pip install torch\nimport torch\nimport torch.nn as nn"),
    ("code", "x = torch.arange(6.).reshape(2, 3)\nx.sum(dim=0)"),  # echoed
    ("code", "print('printed')\nNone"),                           # None is not echoed
    ("code", "y = x * 2\ny.mean();"),                             # ; silences the echo
    ("code", "%%bash\necho not python"),                          # a non-Python cell magic
    ("code", "%%time\nq = x + 1\nq"),                              # a Python one: runs, echoes
    ("code", "if True:\n    %time z = 1\n    files = !ls\nx.shape, x.dtype, nn.Linear(2, 1).weight.shape"),
)


def test_notebook_runs_its_code_cells_as_jupyter_does(sandbox, capsys):
    runs = run_both(sandbox, NOTEBOOK, capsys, name="lesson.ipynb")
    out_t, out_m = runs["torch"][0], runs["minigrad"][0]
    assert runs["minigrad"][2] == 0, runs["minigrad"][1]
    assert out_m == out_t  # exact: these values print identically
    # what Jupyter shows: the echoed expressions and the print, nothing else
    x = torch.arange(6.).reshape(2, 3)
    assert out_t == (f"{x.sum(dim=0)!r}\nprinted\n{x + 1!r}\n"
                     f"{(torch.Size([2, 3]), torch.float32, torch.Size([1, 2]))!r}\n")
    ns = runs["minigrad"][3]
    assert ns["z"] == 1  # `%time z = 1` ran its statement, as in Jupyter
    assert ns["files"] == []  # `files = !ls` did not run the shell command


@pytest.mark.parametrize("cell", [
    "%matplotlib inline\n!pip install torch\nimport torch", "if True:\n    %time w = 1\n    files = !ls\nw",
    "%%time\nz = x + 1\nz", "%%bash\necho hi", "%timeit -n 3 f(x)", "x = %time f()", "%%capture\nprint(1)\n",
])
def test_cell_translation_without_ipython_is_ipythons(cell):
    """Without IPython installed, the runner's own translation of magics gives IPython's code."""
    inputtransformer2 = pytest.importorskip("IPython.core.inputtransformer2")
    ipython = inputtransformer2.TransformerManager().transform_cell(cell)
    assert _runner._cell_to_python_by_lines(cell) == ipython


# ------------------------------------------------------------------------------------------------
# The command line (subprocesses)
# ------------------------------------------------------------------------------------------------

def _minigrad_cmd(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "minigrad", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_compare_agreeing_program_exits_zero(tmp_path):
    path = tmp_path / "agree.py"
    path.write_text(textwrap.dedent('''
        import random
        import numpy as np
        import torch
        print(torch.randn(2, 3))
        print(random.random(), np.random.rand())
        w = torch.randn(3, requires_grad=True)
        loss = (w * torch.tensor([1.0, 2.0, 3.0])).sum() ** 2
        loss.backward()
        print(f"loss = {loss.item():.6f}.", w.grad)
    '''))
    proc = _minigrad_cmd("compare", "--seed", "3", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.rstrip().endswith("\n4/4 lines agree")


def test_compare_reports_a_difference(tmp_path):
    path = tmp_path / "differ.py"
    path.write_text("import torch\nprint('same line')\nprint(torch.__name__)\n"
                    "print(1.5 if torch.__name__ == 'torch' else 1.6)\n")
    proc = _minigrad_cmd("compare", "--width", "80", str(path))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[-1] == "1/3 lines agree"
    assert any(ln.startswith("torch ") and " ! minigrad" in ln for ln in lines)
    assert any("1.5 vs 1.6: relative difference 6.25e-02" in ln for ln in lines)


NO_TORCH = '''
import sys
class _NoTorch:
    """Makes this interpreter behave as if torch were not installed."""
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, _NoTorch())
'''


def test_run_works_without_torch_and_compare_says_it_needs_it(tmp_path):
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(NO_TORCH)
    env = {"PYTHONPATH": str(shim)}
    program = tmp_path / "train.py"
    program.write_text(IMPORT_FORMS + "x = torch.ones(2, requires_grad=True)\n(x * 3).sum().backward()\n"
                       "print(x.grad, torch.cuda.is_available())\n")
    check = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True, text=True,
                           env={**os.environ, **env})
    assert check.returncode == 1 and "No module named 'torch'" in check.stderr  # the shim works
    proc = _minigrad_cmd("run", str(program), env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "minigrad minigrad.nn minigrad.nn.functional minigrad.optim minigrad.utils.data",
        "tensor([3., 3.]) False"]
    proc = _minigrad_cmd("compare", str(program), env=env)
    assert proc.returncode == 2 and "PyTorch is not installed" in proc.stderr


# ------------------------------------------------------------------------------------------------
# compare's line comparison
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, agree", [
    ("loss 0.693147", "loss 0.693147", True),
    ("loss 0.6931472", "loss 0.6931475", True),           # 4e-7 relative: float32 rounding
    ("loss 0.6931", "loss 0.6932", True),                 # both may print from 0.693150 +- 1e-6
    ("loss 0.6931", "loss 0.6933", False),                # no value within rtol prints as both
    ("loss 0.693147", "loss 0.693148", True),
    ("epoch 10", "epoch 11", False),                      # integers must be equal
    ("acc 1.5", "acc 1.6", False),                        # short decimals are exact values
    ("tensor([1., 2.])", "tensor([2., 2.])", False),      # "1." is exact, not "1 +- 0.5"
    ("tensor([1.0000, 2.0000])", "tensor([1., 2.])", True),
    ("Loss: 0.10099495202302933.", "Loss: 0.10099496692419052.", True),
    ("torch.float32", "torch.float64", False),
    ("a 1e-05", "a 1.000001e-05", True),
])
def test_line_agreement(a, b, agree):
    assert line_agreement(a, b, rtol=1e-5)[0] is agree


def test_compare_lines_marks_each_difference():
    report, agreed = compare_lines(["x 1.0", "same", "only torch"], ["x 2.0", "same"], 1e-5, width=43)
    assert agreed == 1
    assert report[2] == "x 1.0                | x 2.0".replace("|", "!")
    assert report[3].endswith("^ 1.0 vs 2.0: relative difference 5.00e-01")
    assert report[4] == "same                 | same"
    assert report[-2].startswith("only torch           !")
    assert report[-1].endswith("^ only one program printed this line")


# ------------------------------------------------------------------------------------------------
# What torch's CPU build answers about devices, and the legacy autograd names
# ------------------------------------------------------------------------------------------------

def outcome(fn):
    """``fn()``'s value, or its exception's class name and message."""
    try:
        return ("value", fn())
    except Exception as e:  # noqa: BLE001  (the class is what is compared)
        return (type(e).__name__, str(e))


def assert_same_outcome(call, convert=lambda v: v):
    """``call(lib)`` does the same under torch and minigrad: equal value or same error."""
    t, m = outcome(lambda: call(torch)), outcome(lambda: call(minigrad))
    if t[0] == "value" and m[0] == "value":
        assert convert(m[1]) == convert(t[1])
    else:
        assert m == t


CUDA_CALLS = {
    "is_available": lambda c: c.is_available(), "device_count": lambda c: c.device_count(),
    "is_initialized": lambda c: c.is_initialized(), "manual_seed": lambda c: c.manual_seed(1),
    "manual_seed_all": lambda c: c.manual_seed_all(1), "seed": lambda c: c.seed(),
    "seed_all": lambda c: c.seed_all(), "empty_cache": lambda c: c.empty_cache(),
    "synchronize": lambda c: c.synchronize(), "current_device": lambda c: c.current_device(),
    "get_device_name": lambda c: c.get_device_name(0), "init": lambda c: c.init(),
    "get_device_properties": lambda c: c.get_device_properties(0),
    "get_device_capability": lambda c: c.get_device_capability(),
    "memory_allocated": lambda c: c.memory_allocated(),
    "max_memory_allocated": lambda c: c.max_memory_allocated(),
    "memory_reserved": lambda c: c.memory_reserved(),
    "max_memory_reserved": lambda c: c.max_memory_reserved(),
    "is_bf16_supported": lambda c: c.is_bf16_supported(), "get_rng_state": lambda c: c.get_rng_state(),
    "get_rng_state_all": lambda c: c.get_rng_state_all(), "get_arch_list": lambda c: c.get_arch_list(),
    "device context": lambda c: c.device(0).__enter__(),
}


@pytest.mark.parametrize("name", list(CUDA_CALLS))
def test_cuda_answers_as_torch_cpu_build(name):
    assert_same_outcome(lambda lib: CUDA_CALLS[name](lib.cuda))
    assert set(minigrad.cuda.__all__) <= set(dir(torch.cuda))


@pytest.mark.parametrize("call", [
    lambda t: t.accelerator.is_available(), lambda t: t.accelerator.current_accelerator(),
    lambda t: t.accelerator.device_count(), lambda t: t.accelerator.current_device_index(),
    lambda t: t.accelerator.synchronize(), lambda t: t.accelerator.empty_cache(),
    lambda t: t.backends.mps.is_available(), lambda t: t.backends.mps.is_built(),
    lambda t: t.backends.cudnn.is_available(), lambda t: t.backends.cudnn.version(),
    lambda t: (t.backends.cudnn.enabled, t.backends.cudnn.benchmark, t.backends.cudnn.deterministic,
               t.backends.cudnn.allow_tf32, t.backends.cuda.matmul.allow_tf32, t.backends.cuda.is_built()),
])
def test_accelerator_and_backends_as_torch(call):
    assert_same_outcome(call)


def test_cudnn_flags_are_settable(monkeypatch):
    monkeypatch.setattr(minigrad.backends.cudnn, "deterministic", True)
    monkeypatch.setattr(minigrad.backends.cudnn, "benchmark", True)
    assert minigrad.backends.cudnn.deterministic and minigrad.backends.cudnn.benchmark


@pytest.mark.parametrize("args, kwargs", [
    (("cpu",), {}), (("cuda",), {}), (("cuda:0",), {}), (("cuda", 0), {}), (("cuda:1",), {}),
    (("cpu", 0), {}), (("mps",), {}), (("meta",), {}), ((), {"type": "cuda", "index": 1}),
    (("gpu",), {}), (("cuda:x",), {}), (("cuda:-1",), {}), (("cuda", -1), {}), (("cuda:0", 1), {}),
    (("cuda", "0"), {}), ((0,), {}), (("CUDA",), {}), ((" cuda",), {}),
])
def test_device_constructor(args, kwargs):
    assert_same_outcome(lambda lib: lib.device(*args, **kwargs),
                        lambda d: (repr(d), str(d), d.type, d.index))


def test_device_equality_and_hash():
    for lib in (torch, minigrad):
        d = lib.device
        assert d("cuda") != d("cuda:0") and d("cpu") == d("cpu") and d("cpu") != d("cpu", 0)
        assert (d("cpu") == "cpu") is False  # torch compares devices only with devices
        assert {d("cuda", 0): 1}[d("cuda:0")] == 1 and d(d("cuda:1")) == d("cuda", 1)
        assert lib.ones(2).device == d("cpu") and str(lib.ones(2).device) == "cpu"


@pytest.mark.parametrize("call", [
    lambda t: t.ones(2).to("cuda"), lambda t: t.ones(2).to(t.device("cuda")), lambda t: t.ones(2).cuda(),
    lambda t: t.ones(2).to(device="cuda", dtype=t.float64), lambda t: t.ones(2).cuda(0),
    lambda t: t.ones(2).to("mps"), lambda t: t.ones(2).to("xpu"), lambda t: t.ones(2, device="cuda"),
    lambda t: t.tensor([1.0], device="cuda:0"), lambda t: t.zeros(2, device=t.device("cpu")).tolist(),
    lambda t: t.randn(2, device="cuda"), lambda t: t.randint(0, 3, (2,), device="cuda"),
    lambda t: t.nn.Linear(2, 2).to("cuda"), lambda t: t.nn.Linear(2, 2).cuda(),
    lambda t: t.nn.Linear(2, 2).to(t.device("cuda", 0)),
    lambda t: str(t.nn.ReLU().cuda()), lambda t: str(t.nn.ReLU().to("cuda")),  # nothing to move
    lambda t: t.ones(2).to("cpu").tolist(), lambda t: str(t.nn.Linear(1, 1).to("cpu")),
    lambda t: t.ones(2, dtype=t.float64).to("cpu", t.float32).dtype.itemsize,
])
def test_moving_to_a_missing_device_raises_torchs_error(call):
    assert_same_outcome(call)


def test_variable_is_torchs_shim():
    for lib in (torch, minigrad):
        Variable = lib.autograd.Variable
        x = lib.ones(2)
        v = Variable(x, requires_grad=True)
        assert type(v) is lib.Tensor and v.requires_grad and v.is_leaf and v is not x
        assert isinstance(x, Variable) and not isinstance([1], Variable)
        w = Variable(v * 2)
        assert not w.requires_grad and w.is_leaf and w.tolist() == [2.0, 2.0]
        assert Variable().shape == (0,)
        with pytest.warns(UserWarning, match="volatile was removed"):
            Variable(x, volatile=True)
    assert outcome(lambda: minigrad.autograd.Variable([1.0])) == \
        outcome(lambda: torch.autograd.Variable([1.0]))


@pytest.mark.parametrize("lib", [torch, minigrad], ids=["torch", "minigrad"])
def test_inference_mode_is_no_grad(lib):
    x = lib.ones(2, requires_grad=True)
    with lib.inference_mode():
        assert not (x * 2).requires_grad and lib.is_inference_mode_enabled()
        with lib.inference_mode(False):
            assert (x * 2).requires_grad and not lib.is_inference_mode_enabled()
    with lib.no_grad(), lib.inference_mode(False):
        assert lib.is_grad_enabled()  # torch: inference_mode(False) turns recording on

    @lib.inference_mode
    def bare():
        return (x * 2).requires_grad, lib.is_inference_mode_enabled()

    @lib.inference_mode()
    def called():
        return (x * 2).requires_grad

    assert bare() == (False, True) and called() is False
    assert lib.is_grad_enabled() and not lib.is_inference_mode_enabled()
    assert lib.autograd.inference_mode is lib.inference_mode


def test_anomaly_mode_switches():
    for lib in (torch, minigrad):
        assert not lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(True)
        assert lib.is_anomaly_enabled()
        with lib.autograd.set_detect_anomaly(False, check_nan=False):
            assert not lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        assert lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        lib.autograd.set_detect_anomaly(False)
        with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
            with lib.autograd.detect_anomaly(check_nan=False):
                assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        with pytest.raises(TypeError):  # neither is a decorator in torch
            lib.autograd.set_detect_anomaly(False)(lambda: None)


# ------------------------------------------------------------------------------------------------
# install_as_torch
# ------------------------------------------------------------------------------------------------

def test_install_as_torch_then_uninstall(sandbox):
    # (computed first: real torch cannot run while minigrad stands in for it)
    expected = repr(torch.ones(1, dtype=torch.float64))
    classes = [repr(c) for c in (torch.Tensor, torch.nn.Parameter, torch.Size, torch.dtype, torch.device)]
    with pytest.warns(UserWarning, match="the real torch was imported before"):
        minigrad.install_as_torch()
    import torch as t  # noqa: F811  (the point: the same statement now gives minigrad)
    import torch.nn.functional as F
    from torch.utils.data import DataLoader
    assert t is minigrad and F is minigrad.nn.functional and DataLoader is minigrad.utils.data.DataLoader
    assert repr(t.float32) == "torch.float32" and repr(t.ones(2).shape) == "torch.Size([2])"
    assert repr(t.ones(1, dtype=t.float64)) == expected
    assert [repr(c) for c in (t.Tensor, t.nn.Parameter, t.Size, t.dtype, t.device)] == classes
    p = pickle.loads(pickle.dumps(t.nn.Parameter(t.ones(2))))  # found again under torch's names
    assert type(p) is minigrad.nn.Parameter and type(pickle.loads(pickle.dumps(t.ones(1)))) is t.Tensor
    with pytest.raises(ModuleNotFoundError, match="minigrad does not have torch.fft"):
        importlib.import_module("torch.fft")
    minigrad.uninstall_as_torch()
    assert repr(minigrad.float32) == "minigrad.float32"
    assert repr(minigrad.Tensor) == "<class 'minigrad._tensor.Tensor'>"
    assert "torch" not in sys.modules or sys.modules["torch"] is not minigrad
