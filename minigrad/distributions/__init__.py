"""Probability distributions (``torch.distributions``): sampling with torch's random draws (the
same values after ``manual_seed``), reparametrized ``rsample``, and differentiable ``log_prob``,
``entropy`` and ``kl_divergence`` -- what REINFORCE, VAEs and Bayesian examples use.

Covered: ``Bernoulli``, ``Categorical``, ``Exponential``, ``Independent``, ``Laplace``,
``MixtureSameFamily``, ``Normal``, ``OneHotCategorical`` (and its straight-through variant),
``Poisson`` and ``Uniform``; reading any other torch distribution raises an ``AttributeError``
that says minigrad lacks it.
"""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .mixture_same_family import MixtureSameFamily
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .poisson import Poisson
from .uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "Exponential", "ExponentialFamily", "Independent",
           "Laplace", "MixtureSameFamily", "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough",
           "Poisson", "Uniform", "kl_divergence", "register_kl"]

from .._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks
