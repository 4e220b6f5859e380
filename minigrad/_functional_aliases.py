"""Functions torch keeps in its top-level namespace as well as elsewhere: ``torch.conv2d`` is
``nn.functional.conv2d``, ``torch.relu_(x)`` is ``x.relu_()``, ``torch.dropout(x, p, train)`` is
``nn.functional.dropout`` with torch's positional order."""
from __future__ import annotations

from typing import Any, Callable

from ._tensor import Tensor
from .nn import functional as F

# the same function under a second name
conv1d, conv2d = F.conv1d, F.conv2d
avg_pool1d, adaptive_avg_pool1d = F.avg_pool1d, F.adaptive_avg_pool1d
max_pool1d, max_pool2d = F.max_pool1d, F.max_pool2d
selu, celu, prelu, threshold = F.selu, F.celu, F.prelu, F.threshold
cosine_similarity, pairwise_distance = F.cosine_similarity, F.pairwise_distance


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout(input, p, train)``: ``nn.functional.dropout(input, p, training=train)``."""
    return F.dropout(input, p, training=train)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-05, cudnn_enable: bool = True) -> Tensor:
    """``torch.layer_norm``: ``nn.functional.layer_norm`` (``cudnn_enable`` means nothing on a CPU)."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-05, cudnn_enabled: bool = True) -> Tensor:
    """``torch.group_norm``: ``nn.functional.group_norm``."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def _inplace_function(name: str) -> Callable:
    def fn(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.{name}(input, ...)``: ``input.{name}(...)``, in place."
    return fn


# torch.relu_(x), torch.sin_(x), ...: each the Tensor method of that name
_INPLACE = ("abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
            "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_",
            "cos_", "cosh_", "deg2rad_", "detach_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_",
            "floor_", "frac_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_",
            "negative_", "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinh_",
            "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_")
for _name in _INPLACE:
    if hasattr(Tensor, _name):
        globals()[_name] = _inplace_function(_name)

__all__ = ["conv1d", "conv2d", "avg_pool1d", "adaptive_avg_pool1d", "max_pool1d", "max_pool2d", "selu",
           "celu", "prelu", "threshold", "cosine_similarity", "pairwise_distance", "dropout", "layer_norm",
           "group_norm", *(n for n in _INPLACE if n in globals())]
