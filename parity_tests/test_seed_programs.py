"""The seed tutorials' programs run unchanged with minigrad in place of torch.

Each program below is the post's code with its indentation restored (the scrape lost it), kept as
source text and executed twice: once with real torch, once with ``torch`` and its submodules
aliased to minigrad's in ``sys.modules``.  ``matplotlib.pyplot`` is replaced by a recorder, so
``plt.pause``/``plt.show`` neither block nor open windows, and what a program plots is compared
too.  Both runs start from the same seed (set by the harness when the post sets none), so they
must print the same text with the same numbers.

Changes to the posts, all for run time: seed 002's 200000 epochs are 2000 (its progress line every
10000 becomes every 200), seed 000's 100 epochs are 30, and seed 003's animation frames are
recorded, not drawn.  Seed 002's post
shows no data set; its blobs are made like seed 000's.

Tolerance for the numbers (float32 in both engines): a single op may round differently by an ulp
where the engines add in another order (reductions, matmul); after training these stay below
1e-5 relative (the demos' test measures the same).  Printed values of order 1 are compared with
rtol = atol = 1e-5.
"""
from __future__ import annotations

import contextlib
import io
import re
import sys
from typing import Any

import numpy as np
import pytest
import torch

import minigrad

RTOL = ATOL = 1e-5  # float32 training, see the module docstring

SEED_000 = '''
import torch
import torch.nn as nn
import torch.optim as optim
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
import numpy as np
# 生成随机数据
np.random.seed(42)
torch.manual_seed(42)
# 生成两类数据
X1 = np.random.randn(500, 2) + np.array([2, 2])
X2 = np.random.randn(500, 2) + np.array([-2, -2])
X = np.vstack([X1, X2])
# 生成标签
y = np.array([0] * 500 + [1] * 500)
# 将数据转换为PyTorch张量
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor(y, dtype=torch.float32).view(-1, 1)
# 创建数据集和数据加载器
dataset = TensorDataset(X, y)
dataloader = DataLoader(dataset, batch_size=32, shuffle=True)
# 定义逻辑回归模型
class LogisticRegression(nn.Module):
    def __init__(self, input_dim):
        super(LogisticRegression, self).__init__()
        self.linear = nn.Linear(input_dim, 1)
    def forward(self, x):
        return torch.sigmoid(self.linear(x))
# 初始化模型
input_dim = 2
model = LogisticRegression(input_dim)
# 定义损失函数
criterion = nn.BCELoss()
# 定义优化器
optimizer = optim.SGD(model.parameters(), lr=0.1)
# 训练模型
num_epochs = 30  # the post: 100 (demos/logistic_regression_blobs runs all of them)
for epoch in range(num_epochs):
    for batch_X, batch_y in dataloader:
        # 前向传播
        outputs = model(batch_X)
        loss = criterion(outputs, batch_y)
        # 反向传播和优化
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    # 打印每个epoch的损失
    if (epoch + 1) % 10 == 0:
        print(f'Epoch [{epoch+1}/{num_epochs}], Loss: {loss.item():.4f}')
# 测试模型
with torch.no_grad():
    outputs = model(X)
    predicted = (outputs > 0.5).float()
    accuracy = (predicted == y).float().mean()
    print(f'Accuracy: {accuracy.item():.4f}')
'''

SEED_001 = '''
import torch
import matplotlib.pyplot as plt

# ---------------------------Prepare dataset----------------------------#
x_data = torch.Tensor([[1.0], [2.0], [3.0]])
y_data = torch.Tensor([[0], [0], [1]]) # 二分类


# ---------------------------Design model using Class----------------------------#

class LogisticRegressionModel(torch.nn.Module):
    def __init__(self):
        super(LogisticRegressionModel, self).__init__()
        self.linear = torch.nn.Linear(1, 1)

    # nn.functional.sigmoid is deprecated
    def forward(self, x):
        return torch.sigmoid(self.linear(x)) # 激活函数sigmoid不需要参数训练,直接调用


model = LogisticRegressionModel()
# --------------------------Construct loss and optimizer-----------------------------#
criterion = torch.nn.BCELoss(reduction='sum') # 交叉熵,size_average=False已经被弃用
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
# --------------------------Training cycle-----------------------------#
loss_list = []

for epoch in range(1000):
    y_pred = model(x_data) # 正向传播
    loss = criterion(y_pred, y_data) # 计算损失
    print(epoch, loss.item())
    loss_list.append(loss.item()) # 保存loss

    optimizer.zero_grad() # 将梯度归零
    loss.backward() # 反向传播
    optimizer.step() # 进行更新

print('w = ', model.linear.weight.item())
print('b = ', model.linear.bias.item())

x_test = torch.Tensor([[4.0]])
y_test = model(x_test)
print('y_pred = ', y_test.item())

plt.plot(range(1000), loss_list)
plt.ylabel('Loss')
plt.xlabel('Epoch')
plt.show()
# y_pred = 0.8808996081352234
'''

SEED_002 = '''
import numpy as np
import torch
from sklearn.model_selection import train_test_split

# the post shows no data set: two blobs like seed 000's, red (1) around (2, 2), blue (0) around (-2, -2)
np.random.seed(42)
inputs = np.vstack([np.random.randn(500, 2) + np.array([2, 2]),
                    np.random.randn(500, 2) + np.array([-2, -2])])
labels = np.array([1] * 500 + [0] * 500)

X_train, X_test, y_train, y_test = train_test_split(
    inputs, labels, test_size=0.33, random_state=42)

class LogisticRegression(torch.nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LogisticRegression, self).__init__()
        self.linear = torch.nn.Linear(input_dim, output_dim)
    def forward(self, x):
        outputs = torch.sigmoid(self.linear(x))
        return outputs

epochs = 2000  # the post: 200000
input_dim = 2 # Two inputs x1 and x2
output_dim = 1 # Single binary output
learning_rate = 0.01

model = LogisticRegression(input_dim,output_dim)
criterion = torch.nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

X_train, X_test = torch.Tensor(X_train),torch.Tensor(X_test)
y_train, y_test = torch.Tensor(y_train),torch.Tensor(y_test)

losses = []
losses_test = []
Iterations = []
iter = 0
for epoch in range(int(epochs)):
    x = X_train
    labels = y_train
    optimizer.zero_grad() # Setting our stored gradients equal to zero
    outputs = model(X_train)
    loss = criterion(torch.squeeze(outputs), labels)
    loss.backward() # Computes the gradient of the given tensor w.r.t. graph leaves
    optimizer.step() # Updates weights and biases with the optimizer (SGD)
    iter+=1
    if iter%200==0:  # the post: every 10000
        with torch.no_grad():
            # Calculating the loss and accuracy for the test dataset
            correct_test = 0
            total_test = 0
            outputs_test = torch.squeeze(model(X_test))
            loss_test = criterion(outputs_test, y_test)
            predicted_test = outputs_test.round().detach().numpy()
            total_test += y_test.size(0)
            correct_test += np.sum(predicted_test == y_test.detach().numpy())
            accuracy_test = 100 * correct_test/total_test
            losses_test.append(loss_test.item())
            # Calculating the loss and accuracy for the train dataset
            total = 0
            correct = 0
            total += y_train.size(0)
            correct += np.sum(torch.squeeze(outputs).round().detach().numpy() == y_train.detach().numpy())
            accuracy = 100 * correct/total
            losses.append(loss.item())
            Iterations.append(iter)
            print(f"Iteration: {iter}. \\nTest - Loss: {loss_test.item()}. Accuracy: {accuracy_test}")
            print(f"Train -  Loss: {loss.item()}. Accuracy: {accuracy}\\n")

x1 = 1
x2 = 1
new_data = torch.tensor([x1,x2]).type(torch.FloatTensor)
with torch.no_grad():
    prediction = model(new_data).round()
    if prediction == 1.0:
        print(f'The model classifies this point as RED')
    else:
        print(f'The model classifies this point as BLUE')
'''

SEED_003_LINEAR = '''
import torch
import matplotlib.pyplot as plt

torch.manual_seed(10)#随机数种子
lr = 0.1 #学习率

#创建训练数据
x = torch.rand(20,1)*10 #shape(20,1)
y = 2*x + (5 + torch.randn(20,1)) #shape(20,1)

#构建线性回归参数
w = torch.randn((1),requires_grad=True)#随机初始化w,要用到自动梯度求导
b = torch.zeros((1),requires_grad=True)#使用0初始化b,要用到自动梯度求导

for iteration in range(1000):

    #前向传播
    wx = torch.mul(w,x) # w*x
    y_pred = torch.add(wx,b) # y = w*x + b

    #计算 MSE loss
    loss = (0.5*(y-y_pred)**2).mean()

    #反向传播
    loss.backward()

    #更新参数
    b.data.sub_(lr*b.grad) # b = b - lr*b.grad
    w.data.sub_(lr*w.grad) # w = w - lr*w.grad

    #绘图
    if iteration % 20 == 0:
        plt.scatter(x.data.numpy(),y.data.numpy())
        plt.plot(x.data.numpy(),y_pred.data.numpy(),'r-',lw=5)
        plt.text(2,20,'Loss=%.4f'%loss.data.numpy(),fontdict={'size':20,'color':'red'})
        plt.xlim(1.5,10)
        plt.ylim(8,28)
        plt.title("Iteration:{}\\nw:{},b:{}".format(iteration,w.data.numpy(),b.data.numpy()))
        plt.pause(0.5)

    if loss.data.numpy() < 1:#停止条件
        break
'''

SEED_003_LOGISTIC = '''
import torch
import matplotlib.pyplot as plt


n_data = torch.ones(100, 2)
xy0 = torch.normal(2 * n_data, 1) # 生成均值为2.标准差为1的随机数组成的矩阵 shape=(100, 2)
c0 = torch.zeros(100)
xy1 = torch.normal(-2 * n_data, 1) # 生成均值为-2.标准差为1的随机数组成的矩阵 shape=(100, 2)
c1 = torch.ones(100)

x,y = torch.cat((xy0,xy1),0).type(torch.FloatTensor).split(1, dim=1)
x = x.squeeze()
y = y.squeeze()
c = torch.cat((c0,c1),0).type(torch.FloatTensor)

plt.scatter(x.data.numpy(),y.data.numpy(), c=c.data.numpy(), s=100, cmap='RdYlGn')
plt.show()

lr = 0.02 #学习率


xx = torch.arange(-4, 5)
#构建线性回归参数
w = torch.tensor([1.,],requires_grad=True)#随机初始化w,要用到自动梯度求导
b = torch.zeros((1),requires_grad=True)#使用0初始化b,要用到自动梯度求导

for iteration in range(1000):
    #前向传播
    loss = ((torch.sigmoid(x*w+b-y) - c)**2).mean()
    #反向传播
    loss.backward()
    #更新参数
    b.data.sub_(lr*b.grad) # b = b - lr*b.grad
    w.data.sub_(lr*w.grad) # w = w - lr*w.grad
    #绘图
    if iteration % 3 == 0:
        plt.scatter(x.data.numpy(),y.data.numpy(), c=c.data.numpy(), s=100, cmap='RdYlGn')
        yy = w*xx + b
        plt.plot(xx.data.numpy(),yy.data.numpy(),'r-',lw=5)
        plt.text(-4,2,'Loss=%.4f'%loss.data.numpy(),fontdict={'size':20,'color':'red'})
        plt.xlim(-4,4)
        plt.ylim(-4,4)
        plt.title("Iteration:{}\\nw:{},b:{}".format(iteration,w.data.numpy(),b.data.numpy()))
        plt.show(0.5)

    if loss.data.numpy() < 0.01:#停止条件
        break
'''

SEED_004 = '''
import torch
# 定义需要计算梯度的张量
x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(3.0, requires_grad=True)
z = torch.tensor(4.0, requires_grad=True)
# 构建计算图
f = x * y * z
# 自动计算梯度
f.backward()
# 输出梯度
print(x.grad)
print(y.grad)
print(z.grad)

import torch
import torch.nn as nn
class LinearRegressionModel(nn.Module):
    def __init__(self):
        super(LinearRegressionModel, self).__init__()
        self.linear = nn.Linear(1, 1) # 输入维度为1,输出维度为1
    def forward(self, x):
        return self.linear(x)

model = LinearRegressionModel()
criterion = nn.MSELoss()
learning_rate = 0.01
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

# 准备数据
x_train = torch.tensor([[1.0], [2.0], [0.5], [2.5], [2.6], [3.1]])
y_train = torch.tensor([[3.7], [4.6], [1.65], [5.68], [5.98], [6.95]])
num_epochs = 1000
for epoch in range(num_epochs):
    # 前向传播
    y_pred = model(x_train)
    loss = criterion(y_pred, y_train)
    # 反向传播与优化
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 100 == 0:
        print(f'Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item()}')

x_test = torch.tensor([[3.5]])
y_pred = model(x_test)
print(f'Predicted value for x = 3.5: {y_pred.item()}')

import torch
import torch.nn as nn
class LogisticRegressionModel(nn.Module):
    def __init__(self):
        super(LogisticRegressionModel, self).__init__()
        self.linear = nn.Linear(1, 1)
    def forward(self, x):
        return torch.sigmoid(self.linear(x))

model = LogisticRegressionModel()
criterion = nn.BCELoss()
learning_rate = 0.01
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

# 准备数据
x_train = torch.tensor([[1.0], [2.0], [0.5], [2.5], [2.6], [3.1]])
y_train = torch.tensor([[1.0], [1.0], [0.0], [1.0], [1.0], [1.0]]) # 二分类标签
num_epochs = 1000
for epoch in range(num_epochs):
    y_pred = model(x_train)
    loss = criterion(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 100 == 0:
        print(f'Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item()}')

x_test = torch.tensor([[3.5]])
y_pred = model(x_test)
predicted_class = (y_pred > 0.5).float()
print(f'Predicted class for x = 3.5: {predicted_class.item()}')
'''


# ------------------------------------------------------------------------------------------------
# The harness
# ------------------------------------------------------------------------------------------------

class PlotRecorder:
    """Stands in for ``matplotlib.pyplot``: records every call with its arguments as numbers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list, dict]] = []

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, [_plain(a) for a in args], {k: _plain(v) for k, v in kwargs.items()}))
        return record


def _plain(value: Any) -> Any:
    """Arrays and ranges as float arrays, the rest as it is (strings are compared as text)."""
    if isinstance(value, (np.ndarray, range, list)) and not isinstance(value, str):
        return np.asarray(value, dtype=np.float64)
    return value


MINIGRAD_MODULES = {"torch": "minigrad", "torch.nn": "minigrad.nn",
                    "torch.nn.functional": "minigrad.nn.functional", "torch.optim": "minigrad.optim",
                    "torch.utils": "minigrad.utils", "torch.utils.data": "minigrad.utils.data"}


def run_program(source: str, engine: str, monkeypatch: pytest.MonkeyPatch, seed: int = 0
                ) -> tuple[str, PlotRecorder, dict]:
    """Execute ``source`` with ``engine`` behind ``import torch``; return what it printed, what it
    plotted and its global variables.  ``seed`` seeds the engine first (the program may reseed)."""
    with monkeypatch.context() as m:
        if engine == "minigrad":
            for alias, real in MINIGRAD_MODULES.items():
                m.setitem(sys.modules, alias, sys.modules[real] if real in sys.modules
                          else __import__(real, fromlist=["_"]))
        lib = minigrad if engine == "minigrad" else torch
        lib.manual_seed(seed)
        plt = PlotRecorder()
        import matplotlib.pyplot  # noqa: F401  (so that the attribute below exists to replace)
        m.setitem(sys.modules, "matplotlib.pyplot", plt)
        m.setattr(matplotlib, "pyplot", plt)  # `import matplotlib.pyplot as plt` reads this
        namespace: dict = {"__name__": "__seed_program__"}
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(source, f"<seed program, {engine}>", "exec"), namespace)
        assert namespace.get("torch", lib) is lib  # the program really ran on this engine
    return out.getvalue(), plt, namespace


NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def assert_same_text(a: str, b: str) -> None:
    """Equal up to the numbers in it, and those equal within float32 training tolerance."""
    assert NUMBER.sub("#", a) == NUMBER.sub("#", b)
    na = np.array([float(v) for v in NUMBER.findall(a)])
    nb = np.array([float(v) for v in NUMBER.findall(b)])
    np.testing.assert_allclose(na, nb, rtol=RTOL, atol=ATOL)


def assert_same_plots(a: PlotRecorder, b: PlotRecorder) -> None:
    assert [c[0] for c in a.calls] == [c[0] for c in b.calls]
    for (name, args_a, kw_a), (_, args_b, kw_b) in zip(a.calls, b.calls, strict=True):
        assert len(args_a) == len(args_b) and kw_a.keys() == kw_b.keys(), name
        for va, vb in zip(args_a + list(kw_a.values()), args_b + list(kw_b.values()), strict=True):
            if isinstance(va, np.ndarray):
                np.testing.assert_allclose(va, vb, rtol=RTOL, atol=ATOL, err_msg=name)
            elif isinstance(va, str):
                assert_same_text(va, vb)
            else:
                assert va == vb, name


def run_both(source: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    runs = {e: run_program(source, e, monkeypatch) for e in ("torch", "minigrad")}
    (out_t, plt_t, _), (out_m, plt_m, _) = runs["torch"], runs["minigrad"]
    assert out_t.strip() or plt_t.calls, "the program produced nothing to compare"
    assert_same_text(out_m, out_t)
    assert_same_plots(plt_m, plt_t)
    return runs


# ------------------------------------------------------------------------------------------------
# The programs
# ------------------------------------------------------------------------------------------------

def test_seed_000_logistic_regression_with_dataloader(monkeypatch):
    runs = run_both(SEED_000, monkeypatch)
    out = runs["minigrad"][0]
    assert out.count("Epoch [") == 3 and "Accuracy: " in out
    # the model is really trained: its accuracy on these well-separated blobs (torch's own number)
    assert float(out.split("Accuracy: ")[1]) == float(runs["torch"][0].split("Accuracy: ")[1])


def test_seed_001_tiny_logistic_regression(monkeypatch):
    runs = run_both(SEED_001, monkeypatch)
    predictions = {e: float(r[0].split("y_pred = ")[1]) for e, r in runs.items()}
    # The post got 0.8809 from its own (unseeded) initial weights: minigrad must be near it only
    # if torch is, from the same seed.
    near_post = {e: abs(p - 0.8809) < 1e-3 for e, p in predictions.items()}
    assert near_post["minigrad"] == near_post["torch"]
    assert abs(predictions["minigrad"] - predictions["torch"]) <= ATOL
    assert runs["minigrad"][1].calls[0][0] == "plot" and len(runs["minigrad"][1].calls[0][1][1]) == 1000


def test_seed_002_train_test_split(monkeypatch):
    runs = run_both(SEED_002, monkeypatch)
    out = runs["minigrad"][0]
    assert out.count("Iteration: ") == 10
    assert out.strip().endswith("The model classifies this point as RED")  # as in the post
    assert runs["torch"][0].strip().endswith("RED")


def test_seed_003_linear_regression_by_hand(monkeypatch):
    runs = run_both(SEED_003_LINEAR, monkeypatch)
    # torch's own run stops (loss < 1) at iteration 12; the frames are drawn at 0, 20, ...
    assert runs["minigrad"][2]["iteration"] == runs["torch"][2]["iteration"] == 12
    titles = [c for c in runs["minigrad"][1].calls if c[0] == "title"]
    assert len(titles) == 1


def test_seed_003_logistic_regression_by_hand(monkeypatch):
    runs = run_both(SEED_003_LOGISTIC, monkeypatch)
    assert runs["minigrad"][2]["iteration"] == runs["torch"][2]["iteration"]
    ns_m, ns_t = runs["minigrad"][2], runs["torch"][2]
    np.testing.assert_array_equal(ns_m["x"].numpy(), ns_t["x"].numpy())  # torch.normal, bit for bit
    np.testing.assert_allclose(ns_m["w"].detach().numpy(), ns_t["w"].detach().numpy(), rtol=RTOL, atol=ATOL)


def test_seed_004_autograd_and_regressions(monkeypatch):
    runs = run_both(SEED_004, monkeypatch)
    lines = runs["minigrad"][0].splitlines()
    # f = x*y*z at (2, 3, 4): df/dx = yz, df/dy = xz, df/dz = xy
    assert lines[:3] == ["tensor(12.)", "tensor(8.)", "tensor(6.)"]
    assert runs["minigrad"][0].count("Epoch [") == 20
    assert "Predicted class for x = 3.5: 1.0" in runs["torch"][0]
