"""makemore, part 2: a character-level language model that invents first names -- the MLP of
Bengio et al. (2003) as built in Karpathy's makemore lecture, trained with both engines.

Each name is read one character at a time, with '.' marking its start and end; from the previous
``BLOCK_SIZE`` = 3 characters the model predicts the next one:

    emb    = C[context]                        # (batch, 3, n_embd): a learned vector per character
    h      = tanh(emb.view(-1, 3 * n_embd) @ W1 + b1)
    logits = h @ W2 + b2                       # (batch, 27): a score per next character
    loss   = F.cross_entropy(logits, next_character)

The parameters are plain tensors drawn from ``torch.Generator().manual_seed(2147483647)``, as in
the lecture, so both engines start from identical weights; each step trains on 32 examples
drawn with ``torch.randint`` from the same generator and updates ``p.data += -lr * p.grad``.

The weights are scaled as the lecture's part 3 does (W1 by (5/3)/sqrt(fan_in), b1 and W2 by
0.01, b2 zero).  Part 2's raw ``randn`` starts from a loss of 26 instead of -log(1/27) = 3.3, with
saturated tanh units, and its training is chaotic: torch in float32 is already 0.2 % away from
the same run in float64 after 40 steps, so no two float32 engines could follow each other
either.  Scaled, the float32 runs of both engines stay within rounding of each other.
Then each engine samples names from the same seed with ``torch.multinomial``.  The word list
(``data/names.txt``, 411 common first names) ships with the demo.
"""
from __future__ import annotations

import random
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

from ._common import (
    STYLE,
    Config,
    Experiment,
    Result,
    caption,
    draw_loss_difference,
    integer_ticks,
    numpy,
    print_table,
    pyplot,
    run_experiment,
    save,
)

SUMMARY = "makemore part 2: character-level MLP (embedding, tanh, cross_entropy) samples names"
DEFAULT_EPOCHS = 3000  # training steps of one minibatch each
DEFAULT_SEED = 2147483647  # the lecture's generator seed

WORDS = Path(__file__).parent / "data" / "names.txt"
BLOCK_SIZE = 3     # characters of context
N_EMBD = 10        # size of a character's embedding
N_HIDDEN = 200     # tanh units
BATCH_SIZE = 32
N_SAMPLES = 10     # names sampled at the end


def load_words() -> list[str]:
    return WORDS.read_text().split()


def vocabulary(words: list[str]) -> list[str]:
    """'.' (index 0: start and end of a name) followed by the letters used."""
    return ["."] + sorted(set("".join(words)))


def build_dataset(words: list[str], stoi: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Every (previous BLOCK_SIZE characters, next character) pair of the words, as indices."""
    contexts, targets = [], []
    for w in words:
        context = [0] * BLOCK_SIZE
        for ch in w + ".":
            contexts.append(context)
            targets.append(stoi[ch])
            context = context[1:] + [stoi[ch]]
    return np.array(contexts, dtype=np.int64), np.array(targets, dtype=np.int64)


def forward(lib: ModuleType, s: SimpleNamespace, contexts: Any) -> Any:
    """The logits of the next character after each context."""
    emb = s.C[contexts]
    h = lib.tanh(emb.view(-1, BLOCK_SIZE * N_EMBD) @ s.W1 + s.b1)
    return h @ s.W2 + s.b2


class Makemore(Experiment):
    title = "makemore: character-level MLP"
    unit = "step"
    submodules = ("nn", "nn.functional")
    keep_trajectory = False  # 12k parameters: keep the first and the last only

    def __init__(self, steps: int) -> None:
        self.steps = steps

    def setup(self, lib: ModuleType, seed: int) -> SimpleNamespace:
        words = load_words()
        chars = vocabulary(words)
        stoi = {ch: i for i, ch in enumerate(chars)}
        random.Random(42).shuffle(words)  # the same split for both engines
        n_train = int(0.9 * len(words))
        x_train, y_train = build_dataset(words[:n_train], stoi)
        x_dev, y_dev = build_dataset(words[n_train:], stoi)
        g = lib.Generator().manual_seed(seed)
        vocab, fan_in = len(chars), BLOCK_SIZE * N_EMBD
        s = SimpleNamespace(  # scaled as in the lecture's part 3: see the module docstring
            C=lib.randn((vocab, N_EMBD), generator=g),
            W1=lib.randn((fan_in, N_HIDDEN), generator=g) * (5 / 3) / fan_in ** 0.5,
            b1=lib.randn(N_HIDDEN, generator=g) * 0.01,
            W2=lib.randn((N_HIDDEN, vocab), generator=g) * 0.01,
            b2=lib.randn(vocab, generator=g) * 0,
            g=g, chars=chars, step=0,
            x_train=lib.tensor(x_train), y_train=lib.tensor(y_train),
            x_dev=lib.tensor(x_dev), y_dev=lib.tensor(y_dev))
        s.parameters = [s.C, s.W1, s.b1, s.W2, s.b2]
        for p in s.parameters:
            p.requires_grad = True
        return s

    def train_epoch(self, lib: ModuleType, s: SimpleNamespace) -> float:
        """One step: a minibatch of 32 examples, forward, backward, update."""
        ix = lib.randint(0, s.x_train.shape[0], (BATCH_SIZE,), generator=s.g)
        loss = lib.nn.functional.cross_entropy(forward(lib, s, s.x_train[ix]), s.y_train[ix])
        for p in s.parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if s.step < 0.75 * self.steps else 0.01  # decay for the last quarter
        for p in s.parameters:
            p.data += -lr * p.grad
        s.step += 1
        return loss.item()

    def parameters(self, s: SimpleNamespace) -> dict[str, np.ndarray]:
        return {name: numpy(getattr(s, name)) for name in ("C", "W1", "b1", "W2", "b2")}

    def evaluate(self, lib: ModuleType, s: SimpleNamespace) -> dict[str, Any]:
        F = lib.nn.functional
        with lib.no_grad():
            train = F.cross_entropy(forward(lib, s, s.x_train), s.y_train).item()
            dev = F.cross_entropy(forward(lib, s, s.x_dev), s.y_dev).item()
        return {"loss on all training examples": train, "loss on held-out names": dev,
                "_samples": sample(lib, s, N_SAMPLES)}  # "_": not a row of the metrics table


def sample(lib: ModuleType, s: SimpleNamespace, n: int, seed: int = 2147483647 + 10) -> list[str]:
    """``n`` names drawn from the model, a character at a time, from a generator seeded with
    ``seed`` (the lecture's): start from the context '...', draw the next character from the
    softmax of the logits with ``multinomial``, stop at '.'."""
    g = lib.Generator().manual_seed(seed)
    names = []
    with lib.no_grad():
        for _ in range(n):
            context, out = [0] * BLOCK_SIZE, []
            while True:
                probs = lib.nn.functional.softmax(forward(lib, s, lib.tensor([context])), dim=1)
                ix = lib.multinomial(probs, num_samples=1, replacement=True, generator=g).item()
                if ix == 0:
                    break
                context = context[1:] + [ix]
                out.append(s.chars[ix])
            names.append("".join(out))
    return names


def main(cfg: Config) -> Result:
    exp = Makemore(cfg.epochs)
    runs, result = run_experiment(cfg, exp)
    samples = {e: r.metrics["_samples"] for e, r in runs.items()}
    who = "each engine" if len(runs) == 2 else next(iter(runs))
    print(f"\n{N_SAMPLES} names sampled by {who} from Generator().manual_seed(2147483647 + 10):")
    rows = [[i + 1] + [samples[e][i] for e in runs] for i in range(N_SAMPLES)]
    if len(runs) == 2:
        for row in rows:
            row.append("yes" if row[1] == row[2] else "NO")
    print_table(["#"] + list(runs) + (["same"] if len(runs) == 2 else []), rows)
    if len(runs) == 2:
        same = sum(row[-1] == "yes" for row in rows)
        print(f"{same} of {N_SAMPLES} names identical "
              "(same weights up to float32 rounding, same generator, same draws)")
    if cfg.plots:
        result.plots.append(_plot_losses(runs, cfg.out / "loss.png", exp.title))
    return result


def _plot_losses(runs: dict, path, title: str):
    """The loss of each step (faint: it jumps with the minibatch) and its mean over windows of
    steps, as the lecture plots it, for both engines; below, their relative difference."""
    plt = pyplot()
    both = len(runs) == 2
    fig, axes = plt.subplots(2 if both else 1, 1, figsize=(7, 5.5 if both else 3.8), squeeze=False,
                             sharex=True, gridspec_kw={"height_ratios": [3, 1.3]} if both else None)
    ax = axes[0][0]
    steps = len(next(iter(runs.values())).losses)
    window = max(1, steps // 40)
    for engine, run in runs.items():
        losses = np.array(run.losses)
        if engine == "minigrad" or not both:
            ax.plot(range(1, len(losses) + 1), losses, color="grey", alpha=0.3, linewidth=0.6,
                    label="loss of each step")
        n = len(losses) // window * window
        means = losses[:n].reshape(-1, window).mean(axis=1)
        ax.plot(np.arange(len(means)) * window + (window + 1) / 2, means,
                label=f"mean of {window} steps ({engine})", **STYLE[engine])
    ax.set_yscale("log")
    ax.set_ylabel("cross-entropy loss")
    ax.set_title(f"{title}: minibatch loss per step\n{caption(runs)}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if both:
        draw_loss_difference(axes[1][0], runs)
    integer_ticks(axes[-1][0])
    axes[-1][0].set_xlabel("step")
    return save(fig, path)
