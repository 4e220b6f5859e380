"""Linear regression from scratch and then concisely, in the style of the d2l.ai chapters.

Synthetic data from ``torch.normal(0, 1, (n, len(w)))`` and ``torch.matmul``; a ``yield``-based
minibatch iterator over ``random.shuffle``d indices; squared loss with ``reshape``; minibatch SGD
under ``torch.no_grad()`` with ``param -= lr * param.grad / batch_size`` and ``grad.zero_()``;
then ``TensorDataset``/``DataLoader``, ``nn.Sequential(nn.Linear(2, 1))``, ``weight.data.normal_``,
``bias.data.fill_``, ``nn.MSELoss``, ``optim.SGD``, and a weight-decay comparison with per-group
``weight_decay``.
"""
import random

import torch
from torch import nn
from torch.utils import data


def synthetic_data(w, b, num_examples):
    """y = Xw + b + noise."""
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
print("features:", features[0], "\nlabel:", labels[0])
print(features.shape, labels.shape, true_w.dtype)


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


batch_size = 10
for X, y in data_iter(batch_size, features, labels):
    print(X, "\n", y)
    break

w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr = 0.03
num_epochs = 3
net = linreg
loss = squared_loss
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y)  # noqa: E741
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
# the errors are differences of nearly equal float32 numbers: their last digits depend on the order
# in which each engine adds up the gradients, so the estimates are printed and the errors bounded
print(f"estimated w: {w.reshape(true_w.shape)}, b: {b}")
print(f"error in estimating w below 0.01: {(true_w - w.reshape(true_w.shape)).abs().max() < 0.01}")
print(f"error in estimating b below 0.01: {(true_b - b).abs().item() < 0.01}", (true_b - b).grad_fn)
print(w.grad, b.is_leaf, l.grad_fn.name())


# the concise version
def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


data_iter2 = load_array((features, labels), batch_size)
print(next(iter(data_iter2)))
net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)
for epoch in range(num_epochs):
    for X, y in data_iter2:
        l = loss(net(X), y)  # noqa: E741
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)  # noqa: E741
    print(f"epoch {epoch + 1}, loss {l:f}")
w = net[0].weight.data
print("error in estimating w:", true_w - w.reshape(true_w.shape))
b = net[0].bias.data
print("error in estimating b:", true_b - b)
print(net[0].weight.grad, net.state_dict()["0.bias"])

# high-dimensional regression with weight decay, by hand and with a per-group weight_decay
n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
train_data = synthetic_data(true_w, true_b, n_train)
test_data = synthetic_data(true_w, true_b, n_test)
train_iter = load_array(train_data, batch_size)


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


def evaluate_loss(net, data_arrays, loss):
    X, y = data_arrays
    return float(loss(net(X), y).mean())


for lambd in (0, 3):
    w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _epoch in range(10):
        for X, y in train_iter:
            l = squared_loss(linreg(X, w, b), y) + lambd * l2_penalty(w)  # noqa: E741
            l.sum().backward()
            sgd([w, b], 0.003, batch_size)
    test_loss = evaluate_loss(lambda X, w=w, b=b: linreg(X, w, b), test_data, squared_loss)
    print(f"lambda {lambd}: L2 norm of w {torch.norm(w).item():.5f}, test loss {test_loss:.5f}")

for wd in (0, 3):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction="none")
    trainer = torch.optim.SGD([{"params": net[0].weight, "weight_decay": wd},
                               {"params": net[0].bias}], lr=0.003)
    for _epoch in range(10):
        for X, y in train_iter:
            trainer.zero_grad()
            l = loss(net(X), y)  # noqa: E741
            l.mean().backward()
            trainer.step()
    print(f"wd {wd}: L2 norm of w {net[0].weight.norm().item():.5f}, "
          f"test loss {evaluate_loss(net, test_data, loss):.5f}")
print(trainer.param_groups[0]["weight_decay"], trainer.param_groups[1]["weight_decay"])
