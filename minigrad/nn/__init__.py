"""``minigrad.nn``: modules, parameters, layers, losses, ``functional`` and ``init``,
with torch.nn's names."""
from . import functional, init
from .containers import ModuleList, Sequential
from .layers import Dropout, Flatten, Identity, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module
from .parameter import Parameter

__all__ = ["Module", "Parameter", "Sequential", "ModuleList", "Linear", "Identity", "Flatten",
           "Dropout", "ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "MSELoss", "L1Loss",
           "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss", "functional", "init"]

# ----- further layers, one block per family (each block: its imports, then __all__ += [...]) -----
# Convolution, pooling, padding (conv.py, pooling.py)

# Embedding, normalisation, activations, containers (sparse.py, normalization.py, activation.py, ...)

# Losses (loss.py)

# nn.utils (utils/)
