"""``DataLoader``: iterate over a dataset in (optionally shuffled) mini-batches.

Each batch is a list of indices from the batch sampler, turned into samples by
``dataset[i]`` and merged by ``collate_fn`` (``default_collate`` stacks them).
"""
from __future__ import annotations

import collections.abc
import copy
import itertools
import re
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from ... import random
from ..._creation import as_tensor, tensor
from ..._dtype import float64
from ..._tensor import Tensor
from ...ops.shape import stack
from .dataset import Dataset, IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler


def get_worker_info() -> None:
    """Information about the loading worker process: None, as batches load in this process."""
    return None

_COLLATE_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                  "lists; found {}")
_NP_STRING_OR_OBJECT = re.compile(r"[SaUO]")


def default_collate(batch: list) -> Any:
    """Merge a list of samples into a batch, recursively by the type of the first sample:
    tensors (and numpy arrays) are stacked along a new first dimension, Python ints become an
    int64 tensor and floats a float64 one, strings stay a list, and dicts, tuples and lists are
    collated field by field (a tuple of fields comes back as a list, as in torch)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if _NP_STRING_OR_OBJECT.search(elem.dtype.str):
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, (np.bool_, np.number)):
        return as_tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=float64)
    if isinstance(elem, int):  # bool included: it becomes a bool tensor
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: default_collate([d[key] for d in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(fields)
            return clone
        return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple: keep its type
        return type(elem)(*(default_collate(field) for field in zip(*batch, strict=True)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(field) for field in zip(*batch, strict=True)]
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """Without batching (``batch_size=None``): numpy arrays and numbers in a sample become
    tensors, containers are converted element by element, everything else is left alone."""
    if isinstance(data, np.ndarray) and not _NP_STRING_OR_OBJECT.search(data.dtype.str):
        return as_tensor(data)
    if isinstance(data, (np.bool_, np.number)):
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data


class DataLoader:
    """Batches of ``dataset``: ``for x, y in DataLoader(TensorDataset(X, Y), batch_size=32,
    shuffle=True)``.

    ``shuffle=True`` uses a ``RandomSampler`` (a new order every epoch, from ``generator`` or the
    global generator, consuming it exactly as torch does).  ``len(loader)`` is the number of batches.
    ``num_workers`` is accepted for compatibility, but loading always happens in this process (the
    batches are the same; only a dataset that draws random numbers itself could tell).
    ``pin_memory`` has no effect: there is no accelerator to pin memory for.
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | Iterable | None = None,
                 batch_sampler: Sampler | Iterable | None = None, num_workers: int = 0,
                 collate_fn: Callable[[list], Any] | None = None, pin_memory: bool = False,
                 drop_last: bool = False, generator: random.Generator | None = None) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if isinstance(dataset, IterableDataset):  # a stream: no order to choose, no index to sample
            for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                                     f"but got {name}={value}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.sampler, self.batch_sampler, self.generator = sampler, batch_sampler, generator
        self.num_workers, self.pin_memory = num_workers, pin_memory
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn

    def __iter__(self) -> Iterator[Any]:
        # torch draws a seed for its worker processes here, workers or not; drawing it too keeps
        # the random stream (and so the shuffling and everything after) in step with torch
        if isinstance(self.dataset, IterableDataset):
            random.random_array((), np.int64, self.generator)
            return self._stream()
        batched = self.batch_sampler is not None
        indices = iter(self.batch_sampler if batched else self.sampler)
        random.random_array((), np.int64, self.generator)
        return self._batches(indices, batched)

    def _stream(self) -> Iterator[Any]:
        """An iterable dataset's samples in order, ``batch_size`` at a time (the last batch may
        be short, unless ``drop_last``)."""
        samples = iter(self.dataset)
        if self.batch_size is None:
            yield from (self.collate_fn(x) for x in samples)
            return
        while batch := list(itertools.islice(samples, self.batch_size)):
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield self.collate_fn(batch)

    def _batches(self, indices: Iterator, batched: bool) -> Iterator[Any]:
        # A TensorDataset batch under default_collate is each tensor indexed by the batch's
        # indices: one gather per tensor gives the same values, dtype and gradient as
        # batch_size index ops and a stack, many times faster.
        gather = (batched and self.collate_fn is default_collate
                  and type(self.dataset).__getitem__ is TensorDataset.__getitem__)
        for index in indices:
            if gather:
                yield [t[index] for t in self.dataset.tensors]
            elif not batched:
                yield self.collate_fn(self.dataset[index])
            elif callable(getattr(self.dataset, "__getitems__", None)):
                yield self.collate_fn(self.dataset.__getitems__(index))
            else:
                yield self.collate_fn([self.dataset[i] for i in index])

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):  # (a TypeError when the stream has no length)
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)
