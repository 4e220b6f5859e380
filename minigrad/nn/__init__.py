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

from .._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks

# ----- further layers, one block per family (each block: its imports, then __all__ += [...]) -----
# Convolution, pooling, padding (conv.py, pooling.py)
from .conv import Conv1d, Conv2d, Fold, Unfold  # noqa: E402
from .padding import (CircularPad1d, CircularPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d,  # noqa: E402
                      ReflectionPad2d, ReplicationPad1d, ReplicationPad2d, ZeroPad1d, ZeroPad2d)
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d,  # noqa: E402
                      MaxPool2d, Unflatten)

__all__ += ["Conv1d", "Conv2d", "Unfold", "Fold", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
            "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "Unflatten", "ConstantPad1d", "ConstantPad2d",
            "ZeroPad1d", "ZeroPad2d", "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d",
            "ReplicationPad2d", "CircularPad1d", "CircularPad2d"]

# Embedding, normalisation, activations, containers (sparse.py, normalization.py, activation.py, ...)
from .activation import (CELU, ELU, GELU, SELU, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU,  # noqa: E402
                         LogSigmoid, Mish, PReLU, ReLU6, SiLU, Softmin, Softplus, Softsign, Tanhshrink,
                         Threshold)
from .containers import ModuleDict, ParameterDict, ParameterList  # noqa: E402
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm, LayerNorm  # noqa: E402
from .sparse import Embedding  # noqa: E402

__all__ += ["Embedding", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm",
            "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Softplus", "Softsign",
            "Hardtanh", "ReLU6", "PReLU", "LogSigmoid", "Tanhshrink", "Hardsigmoid", "Hardswish",
            "Softmin", "Threshold", "ModuleDict", "ParameterList", "ParameterDict"]

# Losses (loss.py)
from .loss import (CosineEmbeddingLoss, GaussianNLLLoss, HingeEmbeddingLoss, HuberLoss, KLDivLoss,  # noqa: E402
                   MarginRankingLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, PoissonNLLLoss, SmoothL1Loss,
                   SoftMarginLoss, TripletMarginLoss)
from .distance import CosineSimilarity, PairwiseDistance  # noqa: E402

__all__ += ["SmoothL1Loss", "HuberLoss", "KLDivLoss", "SoftMarginLoss", "MarginRankingLoss",
            "HingeEmbeddingLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss", "TripletMarginLoss",
            "PoissonNLLLoss", "GaussianNLLLoss", "MultiMarginLoss", "PairwiseDistance", "CosineSimilarity"]

# nn.utils (utils/)
from . import utils  # noqa: E402

__all__ += ["utils"]

# Recurrent layers (rnn.py)
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase  # noqa: E402

__all__ += ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

# Transposed convolution, dropout variants, upsampling, pixel shuffle (conv.py, dropout.py, upsampling.py)
from .conv import ConvTranspose1d, ConvTranspose2d  # noqa: E402
from .dropout import AlphaDropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout  # noqa: E402
from .upsampling import (PixelShuffle, PixelUnshuffle, Upsample, UpsamplingBilinear2d,  # noqa: E402
                         UpsamplingNearest2d)

__all__ += ["ConvTranspose1d", "ConvTranspose2d", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
            "FeatureAlphaDropout", "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle",
            "PixelUnshuffle"]

# Attention and transformer layers (transformer.py)
from .transformer import (MultiheadAttention, Transformer, TransformerDecoder,  # noqa: E402
                          TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer)

__all__ += ["MultiheadAttention", "Transformer", "TransformerEncoder", "TransformerDecoder",
            "TransformerEncoderLayer", "TransformerDecoderLayer"]
