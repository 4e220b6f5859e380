"""``torch.nn.utils.rnn``: batches of sequences of different lengths, padded or packed.

``pad_sequence`` stacks sequences into one (L, N, *) tensor, the short ones padded.  Packing keeps
only the real steps: a ``PackedSequence``'s ``data`` holds, step after step, the entries of every
sequence still running (longest first), and ``batch_sizes[t]`` says how many there are at step t.
The recurrent layers take a PackedSequence and skip the padding.  Every function here is composed
from differentiable Tensor ops (slicing, ``cat``, ``stack``), so gradients flow through.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from ..._creation import as_tensor, full
from ..._dtype import float16, float32, float64, int32, int64
from ..._tensor import Tensor
from ...ops.shape import cat, stack

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(PackedSequence_):
    """The steps of a batch of sequences, without padding: ``data`` (sum of lengths, *),
    ``batch_sizes`` (int64, one per step), and the permutation that sorted the batch by length
    (``sorted_indices``) with its inverse (``unsorted_indices``), or None if it came sorted.
    Made by ``pack_padded_sequence`` / ``pack_sequence``, not by hand."""

    def __new__(cls, data: Any, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> "PackedSequence":
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes), ...)
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        """The data converted (``batch_sizes`` stays as is); self if nothing changes."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        return self.to("cpu")

    def double(self) -> "PackedSequence":
        return self.to(dtype=float64)

    def float(self) -> "PackedSequence":
        return self.to(dtype=float32)

    def half(self) -> "PackedSequence":
        return self.to(dtype=float16)

    def long(self) -> "PackedSequence":
        return self.to(dtype=int64)

    def int(self) -> "PackedSequence":
        return self.to(dtype=int32)

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation q with q[p[i]] = i, or None for None."""
    if permutation is None:
        return None
    p = permutation._array
    out = np.empty_like(p)
    out[p] = np.arange(p.size, dtype=p.dtype)
    return Tensor._make(out)


def pad_sequence(sequences: Any, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences of shapes (L_i, *) into (max L_i, N, *) ((N, max L_i, *) with
    ``batch_first``), each padded with ``padding_value`` after its end (before it with
    ``padding_side="left"``); the result has the first sequence's dtype."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = sequences[0]
    if first.dim() == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    trailing = tuple(first.shape[1:])
    max_len = max(s.size(0) for s in sequences)
    padded = []
    for s in sequences:
        s = s.to(first.dtype)
        if s.size(0) < max_len:
            pad = full((max_len - s.size(0), *trailing), padding_value, dtype=first.dtype)
            s = cat([pad, s] if padding_side == "left" else [s, pad], 0)
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list[Tensor]:
    """The sequences of a padded batch, each cut to its length (inverse of ``pad_sequence``)."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(length)] for seq, length in zip(padded_sequences, lengths)]


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (L, N, *) ((N, L, *) with ``batch_first``) of sequences of the given
    lengths.  With ``enforce_sorted`` the lengths must be decreasing; else the batch is sorted
    first and the permutation kept in the result."""
    if isinstance(lengths, Tensor):
        lengths = lengths.to(dtype=int64)
    else:
        lengths = as_tensor(lengths, dtype=int64)
    sorted_indices = None
    if not enforce_sorted:
        lengths, sorted_indices = lengths.sort(descending=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    n = input.size(1)
    if lengths.size(0) != n:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.size(0)} "
                           f"(batch_size={n})")
    ls = [int(v) for v in lengths._array]
    if ls[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in "
                           "'lengths' that is <= 0")
    if any(a < b for a, b in zip(ls, ls[1:])):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                           "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                           "pack_sequence to sidestep this requirement if you do not need ONNX "
                           "exportability.")
    # blocks of steps with the same number of running sequences: steps prev..l-1 have the first
    # `running` sequences, taken step by step
    steps, batch_sizes, prev = [], [], 0
    for i in range(n):
        length = ls[n - 1 - i]
        if length > prev:
            running = n - i
            steps.append(input[prev:length, :running].reshape(-1, *input.shape[2:]))
            batch_sizes += [running] * (length - prev)
            prev = length
    data = cat(steps, 0) if len(steps) > 1 else steps[0]
    return PackedSequence(data, Tensor._make(np.array(batch_sizes, dtype=np.int64)), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: (padded batch of ``total_length`` (default: the longest)
    steps, int64 lengths), in the batch's original order."""
    sizes = [int(b) for b in sequence.batch_sizes._array]
    max_seq_length = len(sizes)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in "
                             f"input, but got total_length={total_length} and max sequence length being "
                             f"{max_seq_length}")
        max_seq_length = total_length
    data = sequence.data
    batch, trailing = sizes[0], tuple(data.shape[1:])
    rows = []
    for step in data.split(sizes, 0):
        if step.size(0) < batch:
            step = cat([step, full((batch - step.size(0), *trailing), padding_value, dtype=data.dtype)], 0)
        rows.append(step)
    if max_seq_length > len(sizes):
        rows += [full((batch, *trailing), padding_value, dtype=data.dtype)] * (max_seq_length - len(sizes))
    padded = stack(rows, 0)
    if batch_first:
        padded = padded.transpose(0, 1)
    # sequence b runs while batch_sizes[t] > b: its length is how many steps that holds for
    lengths = (np.array(sizes)[:, None] > np.arange(batch)).sum(0).astype(np.int64)
    lengths = Tensor._make(lengths)
    unsorted = sequence.unsorted_indices
    if unsorted is not None:
        return padded.index_select(0 if batch_first else 1, unsorted), lengths[unsorted]
    return padded, lengths


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *) (decreasing lengths unless ``enforce_sorted=False``)."""
    lengths = as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences a PackedSequence holds (inverse of ``pack_sequence``)."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
