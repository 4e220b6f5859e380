"""``torch.nn.functional``: the stateless functions behind the layers and losses.

Each family lives in its own file and is re-exported here, as torch does: the basic forms
(``linear``, activations, ``softmax``, ``dropout``) in ``_functional.py``, convolution and pooling in
``_conv.py``, embedding, normalisation and the other activations in ``_layers.py``, the losses in
``loss_functions.py``.
"""
from ._functional import dropout, linear, log_softmax, one_hot, relu, sigmoid, softmax, tanh
from .loss_functions import (binary_cross_entropy, binary_cross_entropy_with_logits,
                             cross_entropy, l1_loss, logsigmoid, mse_loss, nll_loss)

__all__ = ["linear", "relu", "sigmoid", "tanh", "logsigmoid", "softmax", "log_softmax", "dropout",
           "one_hot", "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "cross_entropy", "nll_loss", "DIFFERENTIABLE"]

# Differentiable public functions: the parity suite's op registry must cover every one of them.
DIFFERENTIABLE = (
    "linear", "relu", "sigmoid", "tanh", "logsigmoid", "softmax", "log_softmax", "dropout",
    "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "nll_loss",
)

from .._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks

# ----- further functional forms, one block per family (imports, then __all__ and DIFFERENTIABLE) -----
# Convolution, pooling, padding, unfold/fold (the Functions live in _conv.py)
from ._conv import (adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d, avg_pool2d,  # noqa: E402,F401
                    conv1d, conv2d, fold, max_pool1d, max_pool2d, pad, unfold)  # noqa: F401

_CONV_FUNCTIONS = (
    "conv1d", "conv2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "pad", "unfold", "fold",
)
__all__ += list(_CONV_FUNCTIONS)
DIFFERENTIABLE += _CONV_FUNCTIONS

# Embedding, normalisation, activations (the Functions live in _layers.py)
from ._layers import (batch_norm, celu, elu, embedding, gelu, group_norm, hardsigmoid,  # noqa: E402,F401
                      hardswish, hardtanh, layer_norm, leaky_relu, mish, normalize,  # noqa: F401
                      prelu, relu6, selu, silu, softmin, softplus, softsign, tanhshrink,  # noqa: F401
                      threshold)  # noqa: F401

_LAYER_FUNCTIONS = (
    "embedding", "batch_norm", "layer_norm", "group_norm", "normalize", "gelu", "leaky_relu", "elu",
    "selu", "celu", "silu", "mish", "softplus", "softsign", "hardtanh", "relu6", "prelu", "tanhshrink",
    "hardsigmoid", "hardswish", "softmin", "threshold",
)
__all__ += list(_LAYER_FUNCTIONS)
DIFFERENTIABLE += _LAYER_FUNCTIONS

# Losses (loss_functions.py)
from .loss_functions import (cosine_embedding_loss, cosine_similarity, gaussian_nll_loss,  # noqa: E402,F401
                             hinge_embedding_loss, huber_loss, kl_div, margin_ranking_loss,  # noqa: F401
                             multi_margin_loss, multilabel_soft_margin_loss, pairwise_distance,  # noqa: F401
                             poisson_nll_loss,  # noqa: F401
                             smooth_l1_loss, soft_margin_loss, triplet_margin_loss)  # noqa: F401

_LOSS_FUNCTIONS = (
    "smooth_l1_loss", "huber_loss", "kl_div", "soft_margin_loss", "margin_ranking_loss",
    "hinge_embedding_loss", "multilabel_soft_margin_loss", "cosine_similarity", "pairwise_distance",
    "cosine_embedding_loss", "triplet_margin_loss", "poisson_nll_loss", "gaussian_nll_loss",
    "multi_margin_loss",
)
__all__ += list(_LOSS_FUNCTIONS)
DIFFERENTIABLE += _LOSS_FUNCTIONS

# Transposed convolution, dropout variants, interpolation, pixel shuffle (_conv.py, _upsampling.py)
from ._conv import conv_transpose1d, conv_transpose2d  # noqa: E402,F401
from ._dropout import alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout  # noqa: E402,F401
from ._upsampling import (interpolate, pixel_shuffle, pixel_unshuffle, upsample, upsample_bilinear,  # noqa: E402,F401
                          upsample_nearest)  # noqa: F401

_UPSAMPLING_FUNCTIONS = (
    "conv_transpose1d", "conv_transpose2d", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
    "feature_alpha_dropout", "interpolate", "pixel_shuffle", "pixel_unshuffle",
)
__all__ += list(_UPSAMPLING_FUNCTIONS) + ["upsample", "upsample_nearest", "upsample_bilinear"]
DIFFERENTIABLE += _UPSAMPLING_FUNCTIONS

# Attention (the Functions live in _attention.py)
from ._attention import multi_head_attention_forward, scaled_dot_product_attention  # noqa: E402,F401

_ATTENTION_FUNCTIONS = ("scaled_dot_product_attention", "multi_head_attention_forward")
__all__ += list(_ATTENTION_FUNCTIONS)
DIFFERENTIABLE += ("scaled_dot_product_attention",)
