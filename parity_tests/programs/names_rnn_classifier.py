"""Classifying names by language with ``nn.RNN``, in the style of the current "NLP from scratch:
classifying names with a character-level RNN" tutorial (the version built on ``nn.RNN``).

``unicodeToAscii`` with ``unicodedata``; one-hot letters ``lineToTensor`` of shape
(len, 1, n_letters); a ``NamesDataset(Dataset)`` caching label tensors; ``random_split`` with
fractions and a seeded ``torch.Generator``; ``CharRNN`` = ``nn.RNN`` + ``nn.Linear`` on
``hidden[0]`` + ``nn.LogSoftmax(dim=1)``, printed; ``nn.NLLLoss`` summed over a minibatch made with
``np.array_split`` of ``random.shuffle``d indices; ``clip_grad_norm_``, ``optim.SGD``;
``rnn.eval()`` and ``torch.no_grad()`` for a confusion matrix; then the same classifier on a GRU
and on an LSTM fed packed, padded batches (``pad_sequence``, ``pack_padded_sequence`` with
``enforce_sorted=False``).  The names are made up (no download).
"""
import random
import string
import unicodedata

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset

random.seed(0)
torch.manual_seed(0)
device = "cpu"

# "_" stands for any character the model does not handle
allowed_characters = string.ascii_letters + " .,;'" + "_"
n_letters = len(allowed_characters)


def unicodeToAscii(s):
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn" and c in allowed_characters)


def letterToIndex(letter):
    if letter not in allowed_characters:
        return allowed_characters.find("_")
    return allowed_characters.find(letter)


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


print(unicodeToAscii("Ślusàrski"))
print(f"The letter 'a' becomes {lineToTensor('a')}")
print(f"The name 'Ahn' becomes {lineToTensor('Ahn').shape}")

# three made-up "languages", each with its own syllables
syllables = {"Aldish": ["al", "dor", "ven", "mar", "eth"], "Kuzic": ["ku", "zo", "rik", "ta", "vak"],
             "Sienese": ["si", "ena", "lo", "ria", "no"]}
names_by_label = {label: [("".join(random.choice(parts) for _ in range(random.randint(2, 3)))).capitalize()
                          for _ in range(40)] for label, parts in syllables.items()}


class NamesDataset(Dataset):
    def __init__(self, names_by_label):
        labels_set = set()
        self.data = []
        self.data_tensors = []
        self.labels = []
        self.labels_tensors = []
        for label, lines in names_by_label.items():
            labels_set.add(label)
            for name in lines:
                self.data.append(name)
                self.data_tensors.append(lineToTensor(name))
                self.labels.append(label)
        self.labels_uniq = sorted(labels_set)  # (a set's order changes from run to run)
        for idx in range(len(self.labels)):
            temp_tensor = torch.tensor([self.labels_uniq.index(self.labels[idx])], dtype=torch.long)
            self.labels_tensors.append(temp_tensor)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        return self.labels_tensors[idx], self.data_tensors[idx], self.labels[idx], self.data[idx]


alldata = NamesDataset(names_by_label)
print(f"loaded {len(alldata)} items of data")
label_tensor, text_tensor, label, text = alldata[0]
print(f"example = ({label_tensor}, {text_tensor.shape}, {label!r}, {text!r})")

train_set, test_set = torch.utils.data.random_split(
    alldata, [.85, .15], generator=torch.Generator(device=device).manual_seed(2024))
print(f"train examples = {len(train_set)}, validation examples = {len(test_set)}")


class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(CharRNN, self).__init__()
        self.rnn = nn.RNN(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        rnn_out, hidden = self.rnn(line_tensor)
        output = self.h2o(hidden[0])
        output = self.softmax(output)
        return output


n_hidden = 32
rnn = CharRNN(n_letters, n_hidden, len(alldata.labels_uniq))
print(rnn)
print([(name, tuple(p.shape)) for name, p in rnn.named_parameters()])


def label_from_output(output, output_labels):
    top_n, top_i = output.topk(1)
    label_i = top_i[0].item()
    return output_labels[label_i], label_i


input = lineToTensor("Albert")
output = rnn(input)
print(output)
print(label_from_output(output, alldata.labels_uniq))


def train(rnn, training_data, n_epoch=10, n_batch_size=64, report_every=50, learning_rate=0.2,
          criterion=nn.NLLLoss()):  # noqa: B008  (the tutorial's signature)
    current_loss = 0
    all_losses = []
    rnn.train()
    optimizer = torch.optim.SGD(rnn.parameters(), lr=learning_rate)
    print(f"training on data set with n = {len(training_data)}")
    for iter in range(1, n_epoch + 1):
        rnn.zero_grad()
        # minibatches by hand: each name has its own length
        batches = list(range(len(training_data)))
        random.shuffle(batches)
        batches = np.array_split(batches, len(batches) // n_batch_size)
        for batch in batches:
            batch_loss = 0
            for i in batch:
                (label_tensor, text_tensor, label, text) = training_data[i]
                output = rnn.forward(text_tensor)
                loss = criterion(output, label_tensor)
                batch_loss += loss
            batch_loss.backward()
            nn.utils.clip_grad_norm_(rnn.parameters(), 3)
            optimizer.step()
            optimizer.zero_grad()
            current_loss += batch_loss.item() / len(batch)
        all_losses.append(current_loss / len(batches))
        if iter % report_every == 0:
            print(f"{iter} ({iter / n_epoch:.0%}): \t average batch loss = {all_losses[-1]:.4f}")
        current_loss = 0
    return all_losses


all_losses = train(rnn, train_set, n_epoch=12, n_batch_size=16, learning_rate=0.15, report_every=3)
print([f"{x:.4f}" for x in all_losses])


def evaluate(rnn, testing_data, classes):
    confusion = torch.zeros(len(classes), len(classes))
    rnn.eval()
    with torch.no_grad():
        for i in range(len(testing_data)):
            (label_tensor, text_tensor, label, text) = testing_data[i]
            output = rnn(text_tensor)
            guess, guess_i = label_from_output(output, classes)
            label_i = classes.index(label)
            confusion[label_i][guess_i] += 1
    for i in range(len(classes)):
        denom = confusion[i].sum()
        if denom > 0:
            confusion[i] = confusion[i] / denom
    return confusion


print(evaluate(rnn, test_set, alldata.labels_uniq))


# The same task with gated layers over padded and packed minibatches
class PackedClassifier(nn.Module):
    def __init__(self, cell, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = getattr(nn, cell)(input_size, hidden_size, batch_first=True)
        self.h2o = nn.Linear(hidden_size, output_size)

    def forward(self, padded, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        packed_out, hidden = self.rnn(packed)
        if isinstance(hidden, tuple):  # LSTM: (h_n, c_n)
            hidden = hidden[0]
        out, out_lengths = nn.utils.rnn.pad_packed_sequence(packed_out, batch_first=True)
        return self.h2o(hidden[-1]), out.shape, out_lengths


def batch_of(items):
    seqs = [text_tensor[:, 0] for (_, text_tensor, _, _) in items]
    labels = torch.cat([label_tensor for (label_tensor, _, _, _) in items])
    return nn.utils.rnn.pad_sequence(seqs, batch_first=True), torch.tensor([len(s) for s in seqs]), labels


for cell in ("GRU", "LSTM"):
    torch.manual_seed(1)
    model = PackedClassifier(cell, n_letters, 24, len(alldata.labels_uniq))
    print(model.rnn)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    indices = list(range(len(train_set)))
    for epoch in range(6):
        random.shuffle(indices)
        total = 0.0
        for start in range(0, len(indices), 16):
            padded, lengths, labels = batch_of([train_set[i] for i in indices[start:start + 16]])
            logits, shape, out_lengths = model(padded, lengths)
            loss = criterion(logits, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(cell, epoch, f"{total:.4f}", tuple(shape), out_lengths[:4].tolist())
    with torch.no_grad():
        padded, lengths, labels = batch_of([test_set[i] for i in range(len(test_set))])
        logits, _, _ = model(padded, lengths)
        print(cell, "accuracy", (logits.argmax(1) == labels).float().mean().item())
