"""``torch.special``: the special functions under their SciPy-style names (``gammaln``, ``psi``,
``expit``, ...), most of them the ops of the same meaning elsewhere in minigrad."""
from __future__ import annotations

# Imported under underscore names: the module's public names are torch.special's (its __all__).
from typing import Any as _Any

from ._tensor import Tensor as _Tensor
from .ops import (digamma, erf, erfc, erfinv, exp2, expm1, log1p, log_softmax, logit, logsumexp,  # noqa: F401
                  polygamma, round, softmax, xlogy)
from .ops import lgamma as _lgamma
from .ops import mvlgamma as _mvlgamma
from .ops import sigmoid as _sigmoid

__all__ = ["digamma", "psi", "polygamma", "gammaln", "multigammaln", "erf", "erfc", "erfinv", "expit", "exp2",
           "expm1", "log1p", "logit", "logsumexp", "log_softmax", "softmax", "xlogy", "round"]

psi = digamma
gammaln = _lgamma
expit = _sigmoid


def multigammaln(input: _Tensor, p: int, *, out: _Any = None) -> _Tensor:
    """The multivariate log-gamma function of dimension ``p`` (``torch.mvlgamma``)."""
    return _mvlgamma(input, p)


from ._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks
