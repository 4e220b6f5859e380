"""The Poisson distribution over counts (``torch.distributions.Poisson``)."""
from __future__ import annotations

import minigrad as _mg
from minigrad._tensor import Size, Tensor

from . import constraints
from .exp_family import ExponentialFamily
from .utils import _NO_SHAPE, _NUMBER, broadcast_all

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    """``P(k) = rate^k exp(-rate) / k!`` for counts ``k = 0, 1, ...``."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Tensor | float, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        batch_shape = Size() if isinstance(rate, _NUMBER) else self.rate.size()
        super().__init__(batch_shape, validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def expand(self, batch_shape, _instance=None) -> "Poisson":
        new = self._get_checked_instance(Poisson, _instance)
        batch_shape = Size(batch_shape)
        new.rate = self.rate.expand(batch_shape)
        super(Poisson, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=_NO_SHAPE) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with _mg.no_grad():
            return _mg.poisson(self.rate.expand(shape))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - (value + 1).lgamma()

    @property
    def _natural_params(self) -> tuple:
        return (_mg.log(self.rate),)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return _mg.exp(x)
