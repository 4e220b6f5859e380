"""The programs people learn from run unchanged on minigrad and print what torch prints.

Every program in ``parity_tests/programs/`` (``.py`` scripts and ``.ipynb`` notebooks) is written in
the style of a popular lesson, with the same API calls and idioms and its own small data made in
the program.  Each runs through ``python -m minigrad compare`` (torch and minigrad in separate
processes, same seeds) and must exit 0 with ``M/M lines agree``: every printed loss, tensor,
gradient, ``grad_fn``, shape and dtype within float32 rounding (``compare``'s default rtol 1e-5).
Where a printed number is a difference of nearly equal float32 values (so its last digits depend
on the order in which each engine adds), the program prints it rounded or bounded and says why.

What each program exercises (its own docstring has the details):

* ``makemore_bigram.ipynb`` (notebook: markdown, ``%matplotlib``, ``!pip``, ``%%time``, last-line
  display): int32 count table and ``N[ix1, ix2] += 1``, ``(N+1).float()``, ``P /= P.sum(1,
  keepdims=True)``, ``Generator``/``multinomial``, log-likelihood, ``F.one_hot(...).float()``,
  ``W.grad = None``, ``W.data += -lr * W.grad``, ``loss.data``, ``grad_fn.next_functions``,
  ``plt.imshow`` of tensors.
* ``makemore_mlp.py``: embedding lookup ``C[X]``, ``view``/``unbind``/``cat``, ``stride`` and
  ``storage_offset``, learning-rate sweep with ``torch.linspace`` and ``10**lre``,
  ``F.cross_entropy``, ``@torch.no_grad()`` split losses, sampling.
* ``makemore_batchnorm.py``: Kaiming-scaled init, batch norm by hand with running statistics,
  ``mean``/``std``/``var(0, keepdim=True)``, layer classes with ``retain_grad``, activation and
  gradient statistics with ``%`` formatting of 0-d tensors, update-to-data ratios.
* ``makemore_manual_backprop.py``: a forward pass in small steps with ``retain_grad``, every
  gradient derived by hand and checked with ``torch.allclose``, ``max(1, keepdim=True).values``,
  ``F.one_hot`` of ``max(1).indices``, ``dlogits[range(n), Yb] -= 1``, one-line batch-norm backward.
* ``makemore_wavenet.py``: hierarchical layers with ``view(B, T//n, C*n)``/``squeeze(1)``, batch
  norm over ``dim=(0, 1)``, ``torch.histogram(t, density=True)`` (its ``NotImplemented`` node).
* ``gpt_from_scratch.py``: ``torch.stack`` batches, self-attention with ``tril``/``masked_fill``/
  ``softmax``, ``nn.Embedding``, ``nn.LayerNorm``, ``nn.ModuleList``, ``register_buffer``,
  ``nn.Dropout``, ``AdamW``, ``generate`` with ``multinomial`` and ``cat``.
* ``learning_with_examples.py``: sin(x) fit by manual backward, by autograd, with a custom
  ``autograd.Function``, with ``nn.Sequential``/``nn.Flatten(0, 1)``/``MSELoss(reduction='sum')``,
  ``RMSprop``, a custom ``nn.Module`` and a dynamic network (``SGD`` with momentum, ``print(optim)``).
* ``basics_tensors_autograd.py``: tensor creation, attributes, indexing, ``cat``, ``matmul``/``mul``
  with ``out=``, numpy bridge sharing memory, ``binary_cross_entropy_with_logits``, ``detach``,
  ``backward(gradient, retain_graph=True)`` accumulation, ``autograd.grad(create_graph=True)``,
  ``torch.Tensor([...]).double()`` scalars as in micrograd.
* ``quickstart_classifier.py``: ``TensorDataset``/``DataLoader(shuffle=True)``, ``nn.Flatten``,
  ``nn.Sequential``/``nn.ReLU``, ``print(model)``, ``named_parameters``, ``nn.Softmax``, train/test
  loops, ``torch.save``/``torch.load(weights_only=True)`` of a ``state_dict``.
* ``d2l_linear_regression.py``: ``torch.normal``, ``yield`` minibatches over ``random.shuffle``d
  indices, SGD under ``no_grad`` with ``grad.zero_()``, concise ``nn.Linear``/``MSELoss``/
  ``optim.SGD``, ``weight.data.normal_``, per-group ``weight_decay``.
* ``d2l_softmax_mlp.py``: softmax from scratch, ``y_hat[range(len(y_hat)), y]``,
  ``argmax(axis=1)``/``.type(y.dtype)``, ``Accumulator``, updater either a function or an
  ``Optimizer``, ``nn.Parameter`` MLP, dropout by hand, ``net.apply(init_weights)``, ``nn.Dropout``.
* ``autograd_in_depth.py``: ``next_functions``, hooks, accumulation, errors of a second backward,
  of a non-scalar backward and of in-place changes (torch's messages), ``autograd.grad`` to third
  order, ``autograd.functional.jacobian``/``hessian``, ``gradcheck``, ``data_ptr``.
* ``cnn_classifier.py``: ``nn.Conv2d``, ``nn.MaxPool2d``, ``torch.flatten(x, 1)``, ``running_loss``
  lines, ``torch.max(outputs, 1)``, per-class accuracy.
* ``blitz_neural_networks.py``: a LeNet-style net with ``F.max_pool2d``, ``out.backward(torch.randn(1,
  10))``, walking ``loss.grad_fn.next_functions[0][0]``, ``conv1.bias.grad`` before and after
  backward, ``f.data.sub_(f.grad.data * learning_rate)``.
* ``char_rnn_by_hand.py``: one-hot letters, an RNN step from ``torch.cat`` and ``nn.Linear``,
  ``nn.LogSoftmax``/``nn.NLLLoss``, ``p.data.add_(p.grad.data, alpha=-lr)``,
  ``clip_grad_norm_``, ``topk``, a confusion matrix.
* ``names_rnn_classifier.py``: ``nn.RNN`` + ``nn.Linear`` on ``hidden[0]`` + ``LogSoftmax``, a
  ``Dataset`` and ``random_split``, minibatches by ``np.array_split``; then ``nn.GRU``/``nn.LSTM``
  on ``pad_sequence``/``pack_padded_sequence(enforce_sorted=False)`` batches.
* ``reinforce_policy_gradient.py``: PyTorch's REINFORCE example on a made-up corridor
  (``Categorical(probs)``, ``m.log_prob(action)``, normalized discounted returns, ``Adam``), a
  Gaussian policy with ``Normal``, a VAE-style ELBO with ``Independent``/``rsample``/
  ``kl_divergence``, a maximum-likelihood ``Normal`` fit, a ``MixtureSameFamily`` Gaussian mixture,
  ``Bernoulli``/``Uniform``/``Poisson``.
* ``dcgan_unet_tiny.py``: the DCGAN tutorial's ``ConvTranspose2d``/``BatchNorm2d`` generator and
  ``Conv2d``/``LeakyReLU`` discriminator with ``weights_init``, ``BCELoss`` and the ``Loss_D``/``Loss_G``
  lines; a tiny U-Net with ``nn.Upsample(mode='bilinear', align_corners=True)`` or
  ``ConvTranspose2d`` decoders, ``torch.cat`` skips, ``F.pad``, ``Dropout2d``, ``PixelShuffle`` and
  ``F.interpolate``.
* ``transformer_language_model.py``: the "Language Modeling with nn.Transformer" tutorial's
  ``PositionalEncoding`` buffer, ``nn.TransformerEncoder`` with a causal mask, ``StepLR`` and
  ``clip_grad_norm_``; ``nn.MultiheadAttention`` weights with a ``key_padding_mask``;
  ``F.scaled_dot_product_attention(is_causal=True)`` against attention written by hand.
* ``normal_equations.py``: least squares by ``torch.linalg.solve`` and ``torch.inverse`` of the Gram
  matrix, ridge regression, the same fit by gradient descent, ``det``/``slogdet``, a Gaussian
  log-likelihood through ``logdet`` and its gradient, and the ``LinAlgError`` of a singular matrix.

The compares run two at a time (the test machine has two cores); torch is held to one thread so
the two do not fight over them.  The last tests check the small pieces of API the programs needed.
"""
from __future__ import annotations

import concurrent.futures
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import minigrad
from minigrad._compare import line_agreement
from .conftest import SELECTED_TESTS

PROGRAMS = sorted(p.name for p in (Path(__file__).parent / "programs").iterdir()
                  if p.suffix in (".py", ".ipynb"))


def _compare(name: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "minigrad", "compare", "--width", "160", name],
                          cwd=Path(__file__).parent / "programs", capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=env, timeout=300)


@pytest.fixture(scope="module")
def compared(request):
    """The compare of every selected program, started two at a time when the module starts."""
    wanted = [item.callspec.params["name"] for item in request.config.stash[SELECTED_TESTS]
              if item.originalname == "test_program_agrees_with_torch" and hasattr(item, "callspec")]
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    futures = {name: pool.submit(_compare, name) for name in wanted}
    yield futures
    pool.shutdown(wait=True)


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_agrees_with_torch(name, compared):
    proc = compared[name].result()
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    agreed, _, total = last.partition(" ")[0].partition("/")
    assert proc.returncode == 0 and last.endswith("lines agree") and agreed == total, (
        f"{name}: python -m minigrad compare exited {proc.returncode}\n{proc.stdout[-6000:]}\n"
        f"{proc.stderr[-3000:]}")


def test_there_are_programs_and_a_notebook():
    assert len(PROGRAMS) >= 10 and any(p.endswith(".ipynb") for p in PROGRAMS)


# ----- small pieces of API the programs needed ------------------------------------------------------
def _both(code):
    return code(torch), code(minigrad)


@pytest.mark.parametrize("code", [
    lambda lib: lib.arange(18).view(3, 3, 2).stride(),
    lambda lib: lib.arange(18).view(3, 3, 2).stride(-2),
    lambda lib: lib.arange(18).view(3, 3, 2).transpose(0, 1).stride(),
    lambda lib: lib.arange(18).view(3, 3, 2)[:, 1].stride(),
    lambda lib: lib.arange(6).expand(2, 6).stride(),
    lambda lib: lib.zeros(0, 3).stride(),
    lambda lib: lib.tensor(3.0).stride(),
    lambda lib: lib.ones(3, 4).t().contiguous().stride(),
    lambda lib: lib.ones(3, 4).unsqueeze(1).stride(),
    lambda lib: lib.arange(18).view(3, 3, 2)[1:].storage_offset(),
    lambda lib: lib.arange(18).view(3, 3, 2)[1, 2].storage_offset(),
    lambda lib: lib.ones(3, 4)[:, 1:3].storage_offset(),
    lambda lib: lib.ones(3, 4)[:, 1:3].contiguous().storage_offset(),
    lambda lib: lib.tensor(1.0).storage_offset(),
])
def test_strides_and_storage_offset(code):
    t, m = _both(code)
    assert m == t


def test_data_ptr_is_shared_by_views_and_moves_with_the_offset():
    for lib in (torch, minigrad):
        x = lib.ones(3, 4)
        assert x.detach().data_ptr() == x.data_ptr() != x.clone().data_ptr()
        assert x[1].data_ptr() - x.data_ptr() == 4 * x.element_size()


def _modified_output():   # sigmoid saved its output, then the output was changed in place
    def run(lib):
        v = lib.randn(4, requires_grad=True).sigmoid()
        v.mul_(3)
        v.sum().backward()
    return run


def _modified_input():   # mm saved its input y, whose node is now the in-place add
    def run(lib):
        x = lib.randn(3, 3, dtype=lib.float64, requires_grad=True)
        y = x @ x
        z = y @ x
        y.add_(1)
        z.sum().backward()
    return run


def _modified_constant():  # a saved tensor without a node: no "which is output ..." part
    def run(lib):
        w = lib.randn(3, requires_grad=True)
        m = lib.randn(3, 3)
        out = m @ w
        m.add_(1)
        out.sum().backward()
    return run


@pytest.mark.parametrize("case", [_modified_output(), _modified_input(), _modified_constant()])
def test_saved_tensor_changed_in_place_message_is_torchs(case):
    messages = []
    for lib in (torch, minigrad):
        with pytest.raises(RuntimeError) as info:
            case(lib)
        messages.append(str(info.value))
    # in-process (no install_as_torch) minigrad names its types minigrad.FloatTensor
    assert messages[1].replace("[minigrad.", "[torch.") == messages[0]


def test_histogram_of_a_tensor_requiring_grad_is_recorded_without_a_derivative():
    results = []
    for lib in (torch, minigrad):
        h = lib.histogram(lib.tensor([0.0, 1.0, 3.0], requires_grad=True), 3)
        with pytest.raises(RuntimeError) as info:
            h.hist.sum().backward()
        results.append((h.hist.requires_grad, h.bin_edges.requires_grad, h.hist.grad_fn.name(),
                        repr(h.hist).split("grad_fn=")[1], str(info.value)))
        with lib.no_grad():
            assert not lib.histogram(lib.tensor([0.0, 1.0], requires_grad=True), 2).hist.requires_grad
    assert results[1] == results[0]


@pytest.mark.parametrize("code", [
    lambda lib: lib.tensor([lib.tensor([1.0]), lib.tensor([2.0])]),  # each stands for its element
    lambda lib: lib.tensor([[lib.tensor(1)], [lib.tensor(2)]]),
    lambda lib: lib.tensor([lib.ones(1, 1)]),
    lambda lib: lib.tensor([lib.ones(2), lib.ones(2)]),  # refused: not one element each
    lambda lib: lib.tensor([lib.tensor(True), lib.tensor(False)]),
])
def test_tensor_of_a_list_of_tensors(code):
    try:
        expected = code(torch)
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e)):
            code(minigrad)
        return
    got = code(minigrad)
    assert (tuple(got.shape), got.dtype.name) == (tuple(expected.shape), str(expected.dtype).split(".")[1])
    assert got.tolist() == expected.tolist()


@pytest.mark.parametrize("a, b, agree", [
    ("(<AddBackward0 object at 0x7f5e93e15090>, 0)", "(<AddBackward0 object at 0x7fc3324e4690>, 0)", True),
    ("<AddBackward0 object at 0x7f5e93e15090>", "<SubBackward0 object at 0x7f5e93e15090>", False),
    ("<AddBackward0 object at 0x7f5e93e15090> 1.5", "<AddBackward0 object at 0x7f00> 1.6", False),
    ("0x10 items", "0x11 items", False),  # a hexadecimal number that is not an address still counts
])
def test_compare_ignores_object_addresses(a, b, agree):
    assert line_agreement(a, b, rtol=1e-5)[0] is agree
