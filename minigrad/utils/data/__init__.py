"""Datasets, samplers and the ``DataLoader`` that batches them (``torch.utils.data``)."""
from .dataloader import DataLoader, default_collate, default_convert
from .dataset import Dataset, Subset, TensorDataset, random_split
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "default_collate", "default_convert", "Dataset", "Subset", "TensorDataset",
           "random_split", "Sampler", "SequentialSampler", "RandomSampler", "BatchSampler"]
