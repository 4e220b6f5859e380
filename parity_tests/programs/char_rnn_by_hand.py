"""Classifying words by language with a recurrent network built from ``nn.Linear``, in the style of
the "NLP from scratch: classifying names with a character-level RNN" tutorial.

One-hot letters via ``torch.zeros(1, n_letters)`` and ``tensor[0][i] = 1``; an ``RNN(nn.Module)``
whose step is ``torch.cat((input, hidden), 1)`` into ``i2h``/``i2o`` and ``nn.LogSoftmax(dim=1)``;
``nn.NLLLoss``; the tutorial's manual update ``p.data.add_(p.grad.data, alpha=-learning_rate)``
after ``rnn.zero_grad()``; ``output.topk(1)`` and ``top_i[0].item()``; gradient clipping with
``nn.utils.clip_grad_norm_``; a confusion matrix normalised row by row.
"""
import random
import string

import torch
import torch.nn as nn

random.seed(2)
torch.manual_seed(2)
all_letters = string.ascii_lowercase
n_letters = len(all_letters)
# three made-up "languages" with their own letter habits
styles = {"Vowelish": "aeiouly", "Hardish": "kgtdbpxz", "Softish": "lmnrsvfh"}
category_lines = {c: ["".join(random.choice(letters + "ae") for _ in range(random.randint(3, 6)))
                      for _ in range(30)] for c, letters in styles.items()}
all_categories = list(category_lines)
n_categories = len(all_categories)
print(n_categories, {c: lines[:3] for c, lines in category_lines.items()})


def letterToIndex(letter):
    return all_letters.find(letter)


def letterToTensor(letter):
    tensor = torch.zeros(1, n_letters)
    tensor[0][letterToIndex(letter)] = 1
    return tensor


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


print(letterToTensor("j"))
print(lineToTensor("jones").size())


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = torch.tanh(self.i2h(combined))
        output = self.softmax(self.i2o(combined))
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


n_hidden = 32
rnn = RNN(n_letters, n_hidden, n_categories)
input = lineToTensor("albert")
hidden = torch.zeros(1, n_hidden)
output, next_hidden = rnn(input[0], hidden)
print(output, next_hidden.shape)


def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i


print(categoryFromOutput(output))


def randomTrainingExample():
    category = random.choice(all_categories)
    line = random.choice(category_lines[category])
    category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
    return category, line, category_tensor, lineToTensor(line)


criterion = nn.NLLLoss()
learning_rate = 0.005


def train(category_tensor, line_tensor):
    hidden = rnn.initHidden()
    rnn.zero_grad()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    nn.utils.clip_grad_norm_(rnn.parameters(), 5.0)
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item()


current_loss = 0
all_losses = []
for it in range(1, 601):
    category, line, category_tensor, line_tensor = randomTrainingExample()
    output, loss = train(category_tensor, line_tensor)
    current_loss += loss
    if it % 150 == 0:
        guess, guess_i = categoryFromOutput(output)
        correct = "✓" if guess == category else f"✗ ({category})"
        print(f"{it} {it / 600 * 100:.0f}% {loss:.4f} {line} / {guess} {correct}")
        all_losses.append(current_loss / 150)
        current_loss = 0
print([f"{x:.4f}" for x in all_losses])

confusion = torch.zeros(n_categories, n_categories)


def evaluate(line_tensor):
    hidden = rnn.initHidden()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    return output


for _ in range(90):
    category, line, category_tensor, line_tensor = randomTrainingExample()
    output = evaluate(line_tensor)
    guess, guess_i = categoryFromOutput(output)
    category_i = all_categories.index(category)
    confusion[category_i][guess_i] += 1
for i in range(n_categories):
    confusion[i] = confusion[i] / confusion[i].sum()
print(confusion)


def predict(input_line, n_predictions=2):
    with torch.no_grad():
        output = evaluate(lineToTensor(input_line))
        topv, topi = output.topk(n_predictions, 1, True)
        for i in range(n_predictions):
            value = topv[0][i].item()
            category_index = topi[0][i].item()
            print(f"({value:.2f}) {all_categories[category_index]}")


predict("aeiou")
predict("kgtdb")
