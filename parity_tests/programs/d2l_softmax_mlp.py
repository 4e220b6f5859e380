"""Softmax regression and an MLP from scratch, then concisely, in the style of the d2l.ai chapters.

``X_exp.sum(1, keepdim=True)`` softmax, ``y_hat[[0, 1], y]`` and ``y_hat[range(len(y_hat)), y]``
picking, accuracy with ``argmax(axis=1)`` and ``.type(y.dtype)``, an ``Accumulator`` of
``float``s, ``isinstance(net, torch.nn.Module)`` and ``net.eval()``, an updater that is either
our SGD or ``torch.optim``; ReLU as ``torch.max(X, torch.zeros_like(X))``, ``nn.Parameter`` weights
in a list, dropout by hand with ``(torch.rand(X.shape) > dropout).float()``, and the concise MLP
with ``nn.init.normal_`` through ``net.apply`` and ``CrossEntropyLoss(reduction='none')``.
"""
import torch
from torch import nn
from torch.utils import data

torch.manual_seed(0)
num_inputs, num_outputs, n = 16, 3, 300
centers = torch.randn(num_outputs, num_inputs) * 1.5
labels = torch.randint(0, num_outputs, (n,))
features = centers[labels] + torch.randn(n, num_inputs)
train_iter = data.DataLoader(data.TensorDataset(features[:240], labels[:240]), batch_size=32, shuffle=True)
test_iter = data.DataLoader(data.TensorDataset(features[240:], labels[240:]), batch_size=32)

X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdim=True), X.sum(1, keepdim=True))


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


X = torch.normal(0, 1, (2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))

W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


print(cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))


class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def evaluate_accuracy(net, data_iter):
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


print(f"{evaluate_accuracy(net, test_iter):.4f}")


def train_epoch(net, train_iter, loss, updater):
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)  # noqa: E741
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]


def train(net, train_iter, test_iter, loss, num_epochs, updater):
    for epoch in range(num_epochs):
        train_loss, train_acc = train_epoch(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        print(f"epoch {epoch + 1}: loss {train_loss:.5f}, train acc {train_acc:.4f}, test acc {test_acc:.4f}")


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def updater(batch_size):
    return sgd([W, b], 0.1, batch_size)


train(net, train_iter, test_iter, cross_entropy, 3, updater)
X, y = next(iter(test_iter))
print(net(X[:4]).argmax(axis=1), y[:4])

# MLP from scratch, with dropout
num_hiddens = 32
W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens, requires_grad=True) * 0.01)
b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs, requires_grad=True) * 0.01)
b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))
params = [W1, b1, W2, b2]
print(W1.is_leaf, W1.requires_grad, type(W1).__name__, W1.grad_fn)


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print(dropout_layer(X, 0.0), dropout_layer(X, 0.5), dropout_layer(X, 1.0), sep="\n")


def mlp(X):
    X = X.reshape((-1, num_inputs))
    H = relu(X @ W1 + b1)
    H = dropout_layer(H, 0.2) if torch.is_grad_enabled() else H
    return H @ W2 + b2


loss = nn.CrossEntropyLoss(reduction="none")
train(mlp, train_iter, test_iter, loss, 3, torch.optim.SGD(params, lr=0.1))

# concise
net = nn.Sequential(nn.Flatten(), nn.Linear(num_inputs, num_hiddens), nn.ReLU(), nn.Dropout(0.2),
                    nn.Linear(num_hiddens, num_outputs))


def init_weights(m):
    if type(m) == nn.Linear:  # noqa: E721
        nn.init.normal_(m.weight, std=0.01)


print(net.apply(init_weights))
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
train(net, train_iter, test_iter, loss, 3, trainer)
print(net.training, net[3].training, net[1].weight.grad.norm() > 0)
