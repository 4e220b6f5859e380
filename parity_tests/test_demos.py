"""Every demo runs (in a short mode) with both engines, the engines agree, and the plots are written.

How close the engines must be, and why:
* Initial parameters and data: exactly equal.  Both engines are seeded with ``manual_seed`` and
  minigrad's generator reproduces torch's bit for bit (no weights are copied).
* Losses and parameters during training: float32 arithmetic in both engines, the same ops in the
  same order, but reductions (mean, sum, matmul) may add in a different order, so single results
  can differ by an ulp or so (relative 6e-8).  Gradient descent on these convex losses damps such
  differences; they stay below 1e-5 (scaled: |Δ| / max(1, |value|)) over the short runs here.
* Seed 003 as posted (``.grad`` never zeroed) is undamped: it amplifies rounding, so float32 torch
  itself is ~1e-5 away from the same computation in float64 after 60 steps.  There minigrad must be
  no further from the float64 result than twice torch's own float32 error.
* makemore: the same holds because its weights are initialised scaled (with part 2's raw randn,
  torch float32 drifts 0.2 % from float64 within 40 steps); then the same weights and the same
  generator sample the same names.
"""
import numpy as np
import torch

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import demos

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"

# float32 training, see the module docstring
TRAINING_BOUND = 1e-5


def _check_plots(result, expected: int) -> None:
    assert len(result.plots) == expected
    for path in result.plots:
        data = Path(path).read_bytes()
        assert data[:8] == PNG and len(data) > 5_000, path  # an empty figure is ~2 kB


def _check_training(result, exempt: str = "") -> None:
    """Identical start, and engines within TRAINING_BOUND (except the run titled ``exempt``)."""
    devs = result.deviations
    initial = {k: v for k, v in devs.items() if k.startswith("initial parameters")}
    assert initial and all(v == 0 for v in initial.values()), initial
    trained = {k: v for k, v in devs.items()
               if not k.startswith("initial parameters") and not (exempt and k.endswith(f"[{exempt}]"))}
    assert trained and all(v <= TRAINING_BOUND for v in trained.values()), trained


def test_autograd_basics(tmp_path):
    result = demos.run("autograd_basics", out=tmp_path)
    # float32 leaves: each gradient is a few roundings of relative size 2^-24 from the exact value
    assert result.deviations["hand"] < 1e-6
    # gradients up to 12 in magnitude: a few float32 ulps (~1e-6 each at that size)
    assert result.deviations["engines"] <= 5e-6
    assert result.deviations["curves"] <= 5e-6
    _check_plots(result, 1)


def _seed003_float64_losses(steps: int) -> np.ndarray:
    """Seed 003 as posted, in torch with float64 arithmetic on the same float32 data."""
    torch.manual_seed(10)
    x = torch.rand(20, 1) * 10
    y = 2 * x + (5 + torch.randn(20, 1))
    w = torch.randn(1).double().requires_grad_()
    x, y = x.double(), y.double()
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(steps):
        loss = (0.5 * (y - (w * x + b)) ** 2).mean()
        loss.backward()  # never zeroed, as in the post
        b.data.sub_(0.1 * b.grad)
        w.data.sub_(0.1 * w.grad)
        losses.append(loss.item())
    return np.array(losses)


def test_linear_regression_manual(tmp_path, capsys):
    steps = 60
    posted = "as posted: lr=0.1, .grad never zeroed"
    result = demos.run("linear_regression_manual", epochs=steps, out=tmp_path)
    _check_training(result, exempt=posted)
    exact = _seed003_float64_losses(steps)
    err = {e: np.max(np.abs(np.array(r.losses) - exact) / np.maximum(1, exact))
           for e, r in result.runs[posted].items()}
    assert err["torch"] > 1e-6  # the premise: this run is sensitive to float32 rounding
    assert err["minigrad"] <= 2 * err["torch"], err
    out = capsys.readouterr().out
    assert "inf" in out  # the lr=0.1 run with zeroed grads diverges, in both engines
    # the tables give the relative difference: at 1e+30 an absolute one would be huge
    rows = [line.split() for line in out.splitlines() if re.match(r"\s*\d+\s+\S+\s+\S+\s+\S+$", line)]
    assert len(rows) >= 30 and all(r[3] == "-" or float(r[3]) < 1e-4 for r in rows), rows
    assert max(float(r[1]) for r in rows if r[1] != "inf") > 1e20
    stops = {e: r.metrics["post's loop stops at step"] for e, r in result.runs[posted].items()}
    assert stops["minigrad"] == stops["torch"] == 13, stops  # torch's own run stops there too
    _check_plots(result, 3)


def test_cli_lists_every_demo():
    out = subprocess.run([sys.executable, "-m", "demos"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    for name in demos.NAMES:
        assert f"  {name} " in out


# Makes `import torch` fail as if torch were not installed.  (Putting None in sys.modules['torch']
# would do that too, but scipy, which sklearn imports, looks torch up in sys.modules and trips over
# the None; a finder that refuses the import leaves sys.modules as it is without torch.)
_BLOCK_TORCH = """
import sys
class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch' (blocked by the test)")
sys.meta_path.insert(0, NoTorch())
"""


def test_minigrad_engine_runs_without_torch(tmp_path):
    """``--engine minigrad`` must not need torch (this demo also imports scikit-learn and scipy,
    which look for torch themselves)."""
    code = (_BLOCK_TORCH + "from demos.__main__ import main\n"
            "main(['logistic_regression_split', '--engine', 'minigrad', '--epochs', '5', '--out', "
            f"r'{tmp_path}'])\n"
            "assert 'torch' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "loss (minigrad)" in done.stdout and "loss (torch)" not in done.stdout


def test_torch_engine_without_torch_says_so(tmp_path):
    code = (_BLOCK_TORCH + "from demos.__main__ import main\n"
            f"main(['linear_regression', '--out', r'{tmp_path}'])\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode != 0 and "--engine minigrad" in done.stderr
    assert "loss (minigrad)" not in done.stdout  # it fails before running anything


# (demo, epochs for the short mode, number of plots)
TRAINING_DEMOS = [
    ("linear_regression", 50, 3),
    ("logistic_regression_tiny", 50, 3),
    ("logistic_regression_blobs", 3, 2),
    ("logistic_regression_split", 50, 3),
]


@pytest.mark.parametrize("name, epochs, n_plots", TRAINING_DEMOS)
def test_training_demo(name, epochs, n_plots, tmp_path):
    result = demos.run(name, epochs=epochs, out=tmp_path)
    _check_training(result)
    for runs in result.runs.values():
        assert len(runs["minigrad"].losses) == len(runs["torch"].losses) == epochs
        # evaluation outcomes (accuracy, class labels) are the same in both engines
        mg, th = runs["minigrad"].metrics, runs["torch"].metrics
        for key, value in th.items():
            if isinstance(value, str):
                assert mg[key] == value, key
            else:  # float32 results of the evaluation forward pass, see TRAINING_BOUND
                assert abs(mg[key] - value) <= TRAINING_BOUND * max(1, abs(value)), key
    _check_plots(result, n_plots)


def test_digits(tmp_path):
    result = demos.run("digits", epochs=2, out=tmp_path)
    _check_training(result)
    runs = result.runs["digits: MLP 64-32-10"]
    for key in ("train accuracy", "test accuracy"):  # fractions of 1347 / 450 images
        assert runs["minigrad"].metrics[key] == runs["torch"].metrics[key], key
    assert runs["torch"].metrics["test accuracy"] > 0.8  # two epochs already learn the task
    assert result.deviations["confusion entries"] == 0
    _check_plots(result, 3)


def test_inside_backprop(tmp_path, capsys):
    result = demos.run("inside_backprop", out=tmp_path)
    # float32 gradients of size < 1 against float64 references (formula from float32 ŷ, finite
    # differences with h = 1e-6, whose own error is ~1e-10): a few float32 ulps
    assert result.deviations["formula"] <= 1e-6
    assert result.deviations["finite differences"] <= 1e-6
    assert result.deviations["torch"] <= 1e-6
    out = capsys.readouterr().out
    assert "SigmoidBackward" in out and "local derivative" in out
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")
    _check_plots(result, 2)  # the graph (by Graphviz, or by matplotlib without it) and dL/dz
    assert result.plots[0].name == "graph.png"


def test_makemore(tmp_path):
    steps = 30
    result = demos.run("makemore", epochs=steps, out=tmp_path)
    # float32 in both engines; the initial weights are scaled so that training is not chaotic
    # (see demos/makemore.py): the losses stay within float32 rounding of each other (~1e-7 of
    # values near 3 here), far below TRAINING_BOUND.
    _check_training(result)
    runs = result.runs["makemore: character-level MLP"]
    mg, th = runs["minigrad"], runs["torch"]
    assert len(mg.losses) == len(th.losses) == steps
    np.testing.assert_allclose(mg.losses, th.losses, rtol=1e-6, atol=0)
    assert th.losses[0] > 3.0 and th.losses[-1] < th.losses[0]  # near -log(1/27) = 3.30, then learns
    # the same weights (up to rounding) and the same generator draw the same names
    assert mg.metrics["_samples"] == th.metrics["_samples"]
    assert len(th.metrics["_samples"]) == 10 and all(th.metrics["_samples"])
    _check_plots(result, 1)


def test_makemore_names_are_shipped():
    from demos.makemore import WORDS, load_words
    words = load_words()
    assert WORDS.parent.name == "data" and len(words) >= 300 and len(set(words)) == len(words)
    assert all(w.isascii() and w.isalpha() and w.islower() for w in words)


def _cli(*args, code_prefix: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    code = code_prefix + f"import sys\nfrom demos.__main__ import main\nsys.exit(main({list(args)!r}))\n"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env=env)


@pytest.mark.parametrize("epochs", ["0", "-3"])
def test_cli_rejects_epochs_below_one(epochs, tmp_path):
    done = _cli("linear_regression", "--epochs", epochs, "--out", str(tmp_path))
    assert done.returncode == 2, done.stderr  # argparse's usage error
    assert f"--epochs must be a positive number of epochs, got {epochs}" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("name", ["autograd_basics", "inside_backprop"])
def test_cli_rejects_epochs_for_a_demo_that_trains_nothing(name, tmp_path):
    done = _cli(name, "--epochs", "5", "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{name} trains nothing, so --epochs does not apply to it" in done.stderr
    with pytest.raises(ValueError, match="trains nothing"):  # the Python API says the same
        demos.run(name, epochs=5, out=tmp_path)


def test_cli_rejects_every_below_one(tmp_path):
    done = _cli("linear_regression", "--every", "0", "--out", str(tmp_path))
    assert done.returncode == 2 and "--every must be a positive number" in done.stderr


def test_without_matplotlib_the_numbers_still_print(tmp_path):
    """A matplotlib that cannot be imported (a package on PYTHONPATH that raises ImportError, as
    an uninstalled one would): one line says the plots are skipped, the table is printed."""
    fake = tmp_path / "fake" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "fake")}
    out = tmp_path / "out"
    # (--engine minigrad: importing torch in a subprocess takes seconds, and is beside the point)
    done = _cli("logistic_regression_tiny", "--engine", "minigrad", "--epochs", "20", "--out", str(out),
                env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines() == [
        "matplotlib is not installed: the plots are skipped (install the 'demo' extra: "
        "pip install -e .[demo])"]
    assert "epoch  loss (minigrad)" in done.stdout and "plots:" not in done.stdout
    assert not list(out.glob("*.png"))
    # a demo that plots in the middle of its output skips too; its graph is drawn only by Graphviz
    from minigrad import viz
    out = tmp_path / "graph"
    done = _cli("inside_backprop", "--engine", "minigrad", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "dL/dz" in done.stdout
    assert list(out.glob("*.png")) == ([out / "graph.png"] if viz.graphviz_available() else [])


def test_engines_see_the_same_batches_in_the_same_order():
    """The runs need no weight copying: the same seed gives torch's initial weights and torch's
    DataLoader shuffle order in minigrad (compared exactly, two epochs)."""
    from demos._common import load_engine
    from demos.logistic_regression_blobs import BlobsLogisticRegression
    exp = BlobsLogisticRegression()
    seen = {}
    for engine in ("minigrad", "torch"):
        state = exp.setup(load_engine(engine), seed=42)
        batches = [np.concatenate([xb.numpy(), yb.numpy()], axis=1) for _ in range(2)
                   for xb, yb in state.batches]
        seen[engine] = (exp.parameters(state), batches)
    (params_m, batches_m), (params_t, batches_t) = seen["minigrad"], seen["torch"]
    for name in params_t:
        np.testing.assert_array_equal(params_m[name], params_t[name])
    assert len(batches_m) == len(batches_t) == 64
    for bm, bt in zip(batches_m, batches_t, strict=True):
        np.testing.assert_array_equal(bm, bt)
    assert not np.array_equal(batches_t[0], batches_t[32])  # the two epochs are shuffled differently
