"""minigrad: a small, readable reverse-mode autograd engine on numpy with PyTorch's API.

``import minigrad as torch`` is meant to work for the subset implemented: tensors and their ops,
autograd, ``nn``, ``optim`` and ``utils.data``.
"""
from . import _dtype
from ._creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like,
                        is_tensor, linspace, numel, ones, ones_like, tensor, zeros, zeros_like)
from ._dtype import (dtype, float16, float32, float64, get_default_dtype, int8, int16, int32, int64,
                     promote_types, set_default_dtype, uint8)
from ._dtype import bool_ as bool  # noqa: A001  (torch.bool)
from ._tensor import Size, Tensor, device, _TENSOR_TYPES
from .autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .ops import *  # noqa: F401,F403  (every op as minigrad.<name>, as in torch)
from .ops import DIFFERENTIABLE, TENSOR_METHODS
from .serialization import load, save
from .random import (Generator, bernoulli, default_generator, get_rng_state, initial_seed, manual_seed,
                     normal, rand, rand_like, randint, randint_like, randn, randn_like, randperm, seed,
                     set_rng_state)
from . import autograd, linalg, nn, ops, optim, random, utils  # noqa: E402

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

FloatTensor = _TENSOR_TYPES["FloatTensor"]
DoubleTensor = _TENSOR_TYPES["DoubleTensor"]
HalfTensor = _TENSOR_TYPES["HalfTensor"]
LongTensor = _TENSOR_TYPES["LongTensor"]
IntTensor = _TENSOR_TYPES["IntTensor"]
ByteTensor = _TENSOR_TYPES["ByteTensor"]
BoolTensor = _TENSOR_TYPES["BoolTensor"]


def result_type(tensor1, tensor2) -> dtype:
    """The dtype an op over these two operands produces (torch's promotion rules)."""
    return _dtype.result_type(tensor1, tensor2)


__version__ = "0.1.0"
