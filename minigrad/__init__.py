"""minigrad: a small, readable reverse-mode autograd engine on numpy with PyTorch's API.

``import minigrad as torch`` is meant to work for the subset implemented: tensors and their ops,
autograd, ``nn``, ``optim`` and ``utils.data``.
"""
from . import _dtype, _missing
from ._creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like,
                        is_tensor, linspace, numel, ones, ones_like, tensor, zeros, zeros_like)
from ._dtype import (dtype, float16, float32, float64, get_default_dtype, int8, int16, int32, int64,
                     promote_types, set_default_dtype, uint8)
from ._dtype import bool_ as bool  # noqa: A001  (torch.bool)
from ._tensor import Size, Tensor, device, _TENSOR_TYPES
from ._format import set_printoptions
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                                 no_grad, set_grad_enabled)
from .ops import *  # noqa: F401,F403  (every op as minigrad.<name>, as in torch)
from .serialization import load, save
from .random import (Generator, bernoulli, default_generator, get_rng_state, initial_seed, manual_seed,
                     multinomial, normal, poisson, rand, rand_like, randint, randint_like, randn,
                     randn_like, randperm, seed, set_rng_state)
from . import autograd, distributions, linalg, nn, ops, optim, random, utils  # noqa: E402
from . import accelerator, backends, cuda  # noqa: E402  (CPU-only answers to device questions)
from . import amp, special  # noqa: E402
from .amp import autocast  # noqa: E402
from ._runner import install_as_torch, uninstall_as_torch  # noqa: E402
from . import _utilities  # noqa: E402
from ._utilities import *  # noqa: E402,F401,F403  (pi, inf, finfo, set_num_threads, ...)
from . import _functional_aliases  # noqa: E402
from ._functional_aliases import *  # noqa: E402,F401,F403  (torch.conv2d, torch.relu_, ...)

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


# The public names, as listed on docs/coverage.md: every op, every creation and random function
# imported above, plus the names below.  A name imported above but missing here is flagged by
# parity_tests/test_coverage.py.
__all__ = [*ops.__all__,
           *(_n for _n, _v in list(globals().items()) if not _n.startswith("_")
             and getattr(_v, "__module__", None) in ("minigrad._creation", "minigrad.random")),
           "Tensor", "Size", "device", "dtype",
           "bool", "float16", "float32", "float64", "half", "float", "double", "uint8", "int8", "int16",
           "int32", "int64", "short", "int", "long", "get_default_dtype", "set_default_dtype",
           "promote_types", "result_type",
           "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ByteTensor", "BoolTensor",
           "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
           "is_inference_mode_enabled", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
           "load", "save", "install_as_torch", "uninstall_as_torch", "set_printoptions",
           "amp", "autocast", "is_autocast_enabled", *_utilities.__all__, *_functional_aliases.__all__]


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether an autocast region is active: never (see ``minigrad.amp``)."""
    return False

__getattr__ = _missing.missing_attribute_hook(__name__)  # names torch has and minigrad lacks

__version__ = "0.1.0"
