"""``torch.nn.utils``: gradient clipping and flattening parameters into one vector.

``torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)`` between ``loss.backward()`` and
``optimizer.step()`` is the usual use."""
from . import clip_grad, convert_parameters, rnn
from .clip_grad import (clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_,
                        get_total_norm)
from .convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grads_with_norm_", "clip_grad_value_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters"]

from ..._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks
