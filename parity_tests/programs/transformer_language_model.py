"""A word-level language model with ``nn.TransformerEncoder``, in the style of PyTorch's "Language
Modeling with nn.Transformer" tutorial, plus the attention pieces learners poke at first.

``PositionalEncoding`` as a sin/cos ``register_buffer`` with ``nn.Dropout``; ``nn.Embedding`` scaled
by ``math.sqrt(d_model)``; ``nn.TransformerEncoderLayer``/``nn.TransformerEncoder`` (its
enable_nested_tensor warning), ``nn.Transformer.generate_square_subsequent_mask``;
``init.uniform_`` weights; ``batchify``/``get_batch`` on a ``(seq, batch)`` layout;
``nn.CrossEntropyLoss``, ``SGD`` with ``StepLR``, ``clip_grad_norm_``; evaluation under
``model.eval()``/``torch.no_grad()``; ``nn.MultiheadAttention`` returning its averaged and per-head
weights, with a ``key_padding_mask``; ``F.scaled_dot_product_attention`` with ``is_causal`` against
attention written by hand.
"""
import math
import warnings

import torch
import torch.nn.functional as F
from torch import nn

warnings.simplefilter("ignore")  # the enable_nested_tensor notice goes to stderr, not compared
torch.manual_seed(0)

text = ("the quick brown fox jumps over the lazy dog . the dog sleeps and the fox runs . "
        "a lazy fox and a quick dog meet by the river . ") * 6
words = text.split()
vocab = sorted(set(words))
stoi = {w: i for i, w in enumerate(vocab)}
ntokens = len(vocab)
data = torch.tensor([stoi[w] for w in words], dtype=torch.long)
print(ntokens, data.shape, data[:12])


def batchify(data, bsz):
    seq_len = data.size(0) // bsz
    data = data[:seq_len * bsz]
    return data.view(bsz, seq_len).t().contiguous()


bptt = 8
train_data = batchify(data, 4)
print(train_data.shape)


def get_batch(source, i):
    seq_len = min(bptt, len(source) - 1 - i)
    return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].reshape(-1)


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=64):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        x = x + self.pe[:x.size(0)]
        return self.dropout(x)


class TransformerModel(nn.Module):
    def __init__(self, ntoken, d_model, nhead, d_hid, nlayers, dropout=0.2):
        super().__init__()
        self.model_type = "Transformer"
        self.pos_encoder = PositionalEncoding(d_model, dropout)
        encoder_layers = nn.TransformerEncoderLayer(d_model, nhead, d_hid, dropout)
        self.transformer_encoder = nn.TransformerEncoder(encoder_layers, nlayers)
        self.embedding = nn.Embedding(ntoken, d_model)
        self.d_model = d_model
        self.linear = nn.Linear(d_model, ntoken)
        self.init_weights()

    def init_weights(self):
        initrange = 0.1
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.linear.bias.data.zero_()
        self.linear.weight.data.uniform_(-initrange, initrange)

    def forward(self, src, src_mask=None):
        src = self.embedding(src) * math.sqrt(self.d_model)
        src = self.pos_encoder(src)
        output = self.transformer_encoder(src, src_mask)
        return self.linear(output)


model = TransformerModel(ntokens, d_model=16, nhead=2, d_hid=32, nlayers=2, dropout=0.1)
print(model)
print(sum(p.numel() for p in model.parameters()), "parameters")
print(model.transformer_encoder.layers[0].self_attn.in_proj_weight.shape)
print(nn.Transformer.generate_square_subsequent_mask(4))

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.95)


def evaluate(model, eval_data):
    model.eval()
    total_loss = 0.0
    with torch.no_grad():
        for i in range(0, eval_data.size(0) - 1, bptt):
            data, targets = get_batch(eval_data, i)
            mask = nn.Transformer.generate_square_subsequent_mask(data.size(0))
            output = model(data, mask)
            total_loss += data.size(0) * criterion(output.view(-1, ntokens), targets).item()
    return total_loss / (len(eval_data) - 1)


for epoch in range(1, 4):
    model.train()
    total_loss = 0.0
    for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
        data, targets = get_batch(train_data, i)
        mask = nn.Transformer.generate_square_subsequent_mask(data.size(0))
        output = model(data, mask)
        loss = criterion(output.view(-1, ntokens), targets)
        optimizer.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        total_loss += loss.item()
        print(f"epoch {epoch} batch {batch} loss {loss.item():.4f} grad norm {norm.item():.4f}")
    scheduler.step()
    val_loss = evaluate(model, train_data)
    train_loss = total_loss / (batch + 1)
    print(f"end of epoch {epoch} | lr {scheduler.get_last_lr()[0]:.4f} | train loss {train_loss:.4f}"
          f" | eval loss {val_loss:.4f} | ppl {math.exp(val_loss):.2f}")

# nn.MultiheadAttention on its own: averaged and per-head weights, padding
mha = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
x = torch.randn(2, 5, 8)
padding = torch.tensor([[False] * 5, [False, False, False, True, True]])
out, weights = mha(x, x, x, key_padding_mask=padding)
print(out.shape, weights.shape)
print(weights[1])
print(weights.sum(-1))
out, per_head = mha(x, x, x, key_padding_mask=padding, average_attn_weights=False)
print(per_head.shape, torch.allclose(per_head.mean(1), weights))
out.sum().backward()
print(mha.in_proj_weight.grad.shape, mha.out_proj.bias.grad)

# F.scaled_dot_product_attention with is_causal against attention by hand
q, k, v = torch.randn(3, 1, 2, 4, 8).unbind(0)
fast = F.scaled_dot_product_attention(q, k, v, is_causal=True)
tril = torch.tril(torch.ones(4, 4))
wei = (q @ k.transpose(-2, -1)) / math.sqrt(8)
wei = wei.masked_fill(tril == 0, float("-inf")).softmax(-1)
print(fast[0, 0])
print(torch.allclose(fast, wei @ v, atol=1e-6))
