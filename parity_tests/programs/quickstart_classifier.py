"""The PyTorch quickstart and "build the model" lessons, on small made-up 8x8 images.

``TensorDataset`` and ``DataLoader`` (shuffled batches), a ``NeuralNetwork(nn.Module)`` with
``nn.Flatten`` and ``nn.Sequential`` of ``nn.Linear``/``nn.ReLU``, ``print(model)``,
``named_parameters``, ``nn.Softmax(dim=1)`` and ``argmax``, ``train``/``test`` loops with
``nn.CrossEntropyLoss`` and ``torch.optim.SGD``, the tutorial's ``{loss:>7f}`` progress lines,
accuracy via ``(pred.argmax(1) == y).type(torch.float).sum().item()``, and saving/loading a
``state_dict`` (in memory).
"""
import io

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(1)
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")

# class k images: a bright bar in row k (plus noise)
n_classes, n_train, n_test = 4, 256, 64


def make_images(n):
    labels = torch.randint(0, n_classes, (n,))
    images = torch.rand(n, 1, 8, 8) * 0.5
    images[torch.arange(n), 0, labels * 2] += 1.0
    return images, labels


training_data = TensorDataset(*make_images(n_train))
test_data = TensorDataset(*make_images(n_test))
print(len(training_data), training_data[0][0].shape, training_data[0][1])
batch_size = 32
train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=batch_size)
for X, y in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {X.shape}")
    print(f"Shape of y: {y.shape} {y.dtype}")
    break


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(8 * 8, 32),
            nn.ReLU(),
            nn.Linear(32, 32),
            nn.ReLU(),
            nn.Linear(32, n_classes),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)
for name, param in model.named_parameters():
    values = param[:2, :3] if param.ndim == 2 else param[:2]
    print(f"Layer: {name} | Size: {param.size()} | Values : {values} \n")

X = torch.rand(1, 8, 8, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}", pred_probab)

input_image = torch.rand(3, 8, 8)
flat_image = nn.Flatten()(input_image)
hidden1 = nn.Linear(in_features=64, out_features=20)(flat_image)
print(flat_image.size(), hidden1.size())
print(f"Before ReLU: {hidden1[:, :4]}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1[:, :4]}")

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)


def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 4 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


epochs = 4
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    test(test_dataloader, model, loss_fn)
print("Done!")

buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
print("Saved PyTorch Model State", list(model.state_dict().keys()))
buffer.seek(0)
model = NeuralNetwork().to(device)
print(model.load_state_dict(torch.load(buffer, weights_only=True)))
model.eval()
x, y = test_data[0][0], test_data[0][1]
with torch.no_grad():
    x = x.to(device)
    pred = model(x)
    predicted, actual = pred[0].argmax(0), y
    print(f'Predicted: "{predicted}", Actual: "{actual}"')
