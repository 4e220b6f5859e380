"""Training a small convolutional classifier, in the style of the "training a classifier" tutorial.

Made-up 3x12x12 images in four classes (a bright square in one quadrant); a ``Net(nn.Module)``
with ``nn.Conv2d``, ``nn.MaxPool2d``, ``F.relu`` and ``torch.flatten(x, 1)``;
``optim.SGD(momentum=0.9)`` and ``nn.CrossEntropyLoss``; the tutorial's ``running_loss`` lines
``[epoch, i] loss``; ``_, predicted = torch.max(outputs, 1)``; per-class accuracy with
``zip``; ``output shape`` checks through the layers and ``model.state_dict()`` sizes.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)
classes = ("top-left", "top-right", "bottom-left", "bottom-right")


def make_images(n):
    labels = torch.randint(0, 4, (n,))
    images = torch.randn(n, 3, 12, 12) * 0.3
    for k in range(n):
        r, c = divmod(labels[k].item(), 2)
        images[k, :, r * 6 + 1:r * 6 + 5, c * 6 + 1:c * 6 + 5] += 1.0
    return images, labels


train_x, train_y = make_images(160)
test_x, test_y = make_images(40)
trainloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_x, train_y), batch_size=8,
                                          shuffle=True)
testloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(test_x, test_y), batch_size=8)
images, labels = next(iter(trainloader))
print(images.shape, " ".join(f"{classes[labels[j]]:5s}" for j in range(4)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 8, 3, padding=1)
        self.fc1 = nn.Linear(8 * 2 * 2, 24)
        self.fc2 = nn.Linear(24, 4)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


net = Net()
print(net)
x = images
for name in ("conv1", "pool", "conv2", "pool"):
    x = getattr(net, name)(x) if name == "pool" else F.relu(getattr(net, name)(x))
    print(f"after {name}: {tuple(x.shape)}")
print({k: tuple(v.shape) for k, v in net.state_dict().items()})
print(net.conv1.weight[0, 0], net.conv1.bias.grad)

criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
for epoch in range(3):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 10 == 9:
            print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 10:.3f}")
            running_loss = 0.0
print("Finished Training", net.conv1.weight.grad.shape, outputs.grad_fn.name())

dataiter = iter(testloader)
images, labels = next(dataiter)
print("GroundTruth: ", " ".join(f"{classes[labels[j]]:5s}" for j in range(4)))
outputs = net(images)
_, predicted = torch.max(outputs, 1)
print("Predicted: ", " ".join(f"{classes[predicted[j]]:5s}" for j in range(4)))

correct = 0
total = 0
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
print(f"Accuracy of the network on the {total} test images: {100 * correct // total} %")

correct_pred = {classname: 0 for classname in classes}
total_pred = {classname: 0 for classname in classes}
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predictions = torch.max(outputs, 1)
        for label, prediction in zip(labels, predictions):
            if label == prediction:
                correct_pred[classes[label]] += 1
            total_pred[classes[label]] += 1
for classname, correct_count in correct_pred.items():
    accuracy = 100 * float(correct_count) / total_pred[classname]
    print(f"Accuracy for class: {classname:5s} is {accuracy:.1f} %")
