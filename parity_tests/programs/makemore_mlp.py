"""Character-level MLP language model, in the style of the makemore lectures (part 2).

Made-up names built from syllables, a context of 3 characters, a 2-d embedding table, a tanh
hidden layer, minibatch SGD with a learning-rate sweep, train/dev split and sampling.
"""
import random

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

random.seed(7)
syllables = ["ka", "lo", "mi", "ra", "ne", "tu", "sa", "vi", "do", "el", "an", "ju", "ph", "ny"]
words = ["".join(random.choice(syllables) for _ in range(random.randint(1, 3))) for _ in range(300)]
print(len(words), words[:5])

chars = sorted(set("".join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)
print("vocab", vocab_size)

block_size = 3


def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    X = torch.tensor(X)
    Y = torch.tensor(Y)
    print(X.shape, Y.shape, X.dtype)
    return X, Y


random.shuffle(words)
n1 = int(0.8 * len(words))
Xtr, Ytr = build_dataset(words[:n1])
Xdev, Ydev = build_dataset(words[n1:])

g = torch.Generator().manual_seed(2147483647)
C = torch.randn((vocab_size, 2), generator=g)
W1 = torch.randn((6, 50), generator=g)
b1 = torch.randn(50, generator=g)
W2 = torch.randn((50, vocab_size), generator=g)
b2 = torch.randn(vocab_size, generator=g)
parameters = [C, W1, b1, W2, b2]
print("params", sum(p.nelement() for p in parameters))
for p in parameters:
    p.requires_grad = True

# embedding lookups, three ways to flatten
emb = C[Xtr[:4]]
print(emb.shape)
print(torch.cat([emb[:, 0, :], emb[:, 1, :], emb[:, 2, :]], 1).shape)
print(torch.cat(torch.unbind(emb, 1), 1).shape)
print(torch.equal(emb.view(4, 6), torch.cat(torch.unbind(emb, 1), 1)))
a = torch.arange(18)
print(a.view(3, 3, 2).storage_offset(), a.view(9, 2)[2], a.is_contiguous())

lre = torch.linspace(-3, -0.5, 100)
lrs = 10 ** lre
lri, lossi, stepi = [], [], []
for i in range(100):
    ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
    emb = C[Xtr[ix]]
    h = torch.tanh(emb.view(-1, 6) @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Ytr[ix])
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = lrs[i]
    for p in parameters:
        p.data += -lr * p.grad
    lri.append(lre[i])
    lossi.append(loss.item())
    stepi.append(i)
    if i % 20 == 0:
        print(f"{i:4d} lr {lr.item():.5f} loss {loss.item():.4f}")
plt.plot(lri, lossi)
plt.plot(stepi, lossi)

for i in range(100):
    ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
    emb = C[Xtr[ix]]
    h = torch.tanh(emb.view(-1, 6) @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Ytr[ix])
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if i < 70 else 0.01
    for p in parameters:
        p.data += -lr * p.grad
print("last batch loss", loss.item())


@torch.no_grad()
def split_loss(split):
    x, y = {"train": (Xtr, Ytr), "dev": (Xdev, Ydev)}[split]
    emb = C[x]
    h = torch.tanh(emb.view(emb.shape[0], -1) @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, y)
    print(split, loss.item(), loss.requires_grad)


split_loss("train")
split_loss("dev")

# manual cross-entropy matches F.cross_entropy
logits = torch.tensor([-2.0, -3.0, 0.0, 5.0])
counts = logits.exp()
probs = counts / counts.sum()
print(probs)
logits = torch.tensor([-100.0, -3.0, 0.0, 100.0])
print(logits.exp(), F.softmax(logits, dim=0))

plt.figure(figsize=(4, 4))
plt.scatter(C[:, 0].data, C[:, 1].data, s=50)
for i in range(C.shape[0]):
    plt.text(C[i, 0].item(), C[i, 1].item(), itos[i], ha="center", va="center")
plt.grid("minor")

g = torch.Generator().manual_seed(2147483647 + 10)
for _ in range(5):
    out = []
    context = [0] * block_size
    while True:
        emb = C[torch.tensor([context])]
        h = torch.tanh(emb.view(1, -1) @ W1 + b1)
        logits = h @ W2 + b2
        probs = F.softmax(logits, dim=1)
        ix = torch.multinomial(probs, num_samples=1, generator=g).item()
        context = context[1:] + [ix]
        out.append(ix)
        if ix == 0 or len(out) > 20:
            break
    print("".join(itos[i] for i in out))
