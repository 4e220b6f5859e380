"""The "neural networks" lesson of the 60-minute blitz: a LeNet-style net on one 1x32x32 input.

``F.max_pool2d(F.relu(self.conv1(x)), (2, 2))`` and ``F.max_pool2d(x, 2)``, ``torch.flatten(x, 1)``,
``list(net.parameters())`` and ``params[0].size()``, ``net.zero_grad()`` then
``out.backward(torch.randn(1, 10))``, ``nn.MSELoss`` against a ``view(1, -1)`` target, walking
back through ``loss.grad_fn.next_functions[0][0]``, ``conv1.bias.grad`` before and after
backward, the manual update ``f.data.sub_(f.grad.data * learning_rate)``, then ``optim.SGD``.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        c1 = F.relu(self.conv1(input))
        s2 = F.max_pool2d(c1, (2, 2))
        c3 = F.relu(self.conv2(s2))
        s4 = F.max_pool2d(c3, 2)
        s4 = torch.flatten(s4, 1)
        f5 = F.relu(self.fc1(s4))
        f6 = F.relu(self.fc2(f5))
        return self.fc3(f6)


net = Net()
print(net)
params = list(net.parameters())
print(len(params))
print(params[0].size())
input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out)
net.zero_grad()
out.backward(torch.randn(1, 10))
print(net.conv1.weight.grad[0, 0, 0], out.grad_fn.name())

output = net(input)
target = torch.randn(10)
target = target.view(1, -1)
criterion = nn.MSELoss()
loss = criterion(output, target)
print(loss)
print(loss.grad_fn.name())
print(loss.grad_fn.next_functions[0][0].name())
print(loss.grad_fn.next_functions[0][0].next_functions[0][0].name())
print([f.name() if f is not None else None for f, _ in loss.grad_fn.next_functions[0][0].next_functions])

net.zero_grad()
print("conv1.bias.grad before backward")
print(net.conv1.bias.grad)
loss.backward()
print("conv1.bias.grad after backward")
print(net.conv1.bias.grad)

learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)
print(criterion(net(input), target).item() < loss.item())

optimizer = optim.SGD(net.parameters(), lr=0.01)
for step in range(5):
    optimizer.zero_grad()
    output = net(input)
    loss = criterion(output, target)
    loss.backward()
    optimizer.step()
    print(step, f"{loss.item():.6f}")
