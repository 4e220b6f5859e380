"""The gamma family: ``lgamma`` (log |Gamma(x)|), ``digamma`` (its derivative) and ``polygamma``
(the higher derivatives), each one's gradient the next one:  d lgamma = digamma,
d digamma = polygamma(1, .),  d polygamma(n, .) = polygamma(n + 1, .).

numpy has none of them, so they are computed here in float64 (a float32 input is rounded once at
the end): digamma by recurrence up to x >= 10 and its asymptotic series, polygamma through the
Hurwitz zeta function (polygamma(n, x) = (-1)^(n+1) n! zeta(n + 1, x)), summed directly up to
x + k >= 10 and by the Euler-Maclaurin formula beyond."""
from __future__ import annotations

import math

import numpy as np

from .._dtype import get_default_dtype
from .._errstate import quiet
from .._tensor import Tensor
from ..autograd.function import Function

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma"]

# B_2k, the Bernoulli numbers of the asymptotic series
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
              -174611 / 330)
_EULER_GAMMA = 0.5772156649015329


def _lgamma_array(x: np.ndarray) -> np.ndarray:
    """log |Gamma(x)|: +inf at 0 and the negative integers (the poles) and at +-inf."""
    def one(v: float) -> float:
        if math.isnan(v):
            return v
        if math.isinf(v) or (v <= 0 and v == math.floor(v)):
            return math.inf
        return math.lgamma(v)
    return np.vectorize(one, otypes=[np.float64])(x)


def _digamma_array(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    with quiet():
        out = np.full(x.shape, np.nan)
        pos = x > 0
        # recurrence psi(x) = psi(x + 1) - 1/x until x >= 10, then the asymptotic series (whose
        # terms stop shrinking below ~1e-13 of psi at x = 6: 10 keeps it within rounding)
        v = np.where(pos, x, 11.0)
        shift = np.zeros_like(v)
        for _ in range(10):
            small = v < 10
            shift = np.where(small, shift - 1 / np.where(small, v, 1.0), shift)
            v = np.where(small, v + 1, v)
        inv2 = 1 / (v * v)
        series = np.zeros_like(v)
        power = np.ones_like(v)
        for k, b in enumerate(_BERNOULLI[:7], start=1):
            power = power * inv2
            series = series + b / (2 * k) * power
        out = np.where(pos, np.log(v) - 0.5 / v - series + shift, out)
        out = np.where(x == np.inf, np.inf, out)
        # reflection for x < 0: psi(x) = psi(1 - x) - pi / tan(pi x); nan at the poles
        neg = (x < 0) & np.isfinite(x) & (x != np.floor(x))
        if neg.any():
            cot = np.pi / np.tan(np.pi * np.where(neg, x, 0.5))
            reflected = _digamma_array(np.where(neg, 1 - x, 1.0)) - cot
            out = np.where(neg, reflected, out)
        out = np.where(x == 0, np.where(np.signbit(x), np.inf, -np.inf), out)
    return out


def _hurwitz_zeta(s: int, q: np.ndarray) -> np.ndarray:
    """zeta(s, q) = sum over k >= 0 of (q + k)^-s, for an integer s >= 2."""
    q = np.asarray(q, dtype=np.float64)
    with quiet():
        total = np.zeros_like(q)
        a = q.copy()
        steps = np.nan_to_num(np.clip(np.ceil(10 - q), 0, 10_000), nan=0.0)  # direct terms to q + k >= 10
        for k in range(int(steps.max(initial=0))):
            go = k < steps
            total = np.where(go, total + np.where(go, a, 1.0) ** -s, total)
            a = np.where(go, a + 1, a)
        # Euler-Maclaurin from a: a^(1-s)/(s-1) + a^-s/2 + sum B_2j/(2j)! s(s+1)..(s+2j-2) a^(-s-2j+1)
        tail = a ** (1 - s) / (s - 1) + 0.5 * a ** -s
        rising, term_power = float(s), a ** (-s - 1)
        for j, b in enumerate(_BERNOULLI, start=1):
            tail = tail + b / math.factorial(2 * j) * rising * term_power
            rising *= (s + 2 * j - 1) * (s + 2 * j)
            term_power = term_power / (a * a)
        out = total + tail
        out = np.where((q <= 0) & (q == np.floor(q)), np.inf, out)  # the poles
        out = np.where(q == np.inf, 0.0, out)
        out = np.where(np.isnan(q) | (q == -np.inf) | (steps >= 10_000), np.nan, out)
    return out


def _polygamma_array(n: int, x: np.ndarray) -> np.ndarray:
    if n == 0:
        return _digamma_array(x)
    return (-1) ** (n + 1) * math.factorial(n) * _hurwitz_zeta(n + 1, x)


def _float_input(x: Tensor) -> tuple[np.ndarray, np.dtype]:
    """The values in float64 and the dtype of the result (integers and bools give the default
    float dtype)."""
    a = x._array
    dtype = a.dtype if a.dtype.kind == "f" else get_default_dtype().np
    return a.astype(np.float64), dtype


class Lgamma(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        a, dtype = _float_input(x)
        return _lgamma_array(a).astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * digamma(x)  # d/dx log Gamma(x) = digamma(x)


class Digamma(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        a, dtype = _float_input(x)
        return _digamma_array(a).astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * polygamma(1, x)


class Polygamma(Function):
    torch_inputs = (1,)  # torch's node takes x only (n is a number)

    @staticmethod
    def forward(ctx, n, x):
        ctx.n = n
        ctx.save_for_backward(x)
        a, dtype = _float_input(x)
        return _polygamma_array(n, a).astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return None, grad * polygamma(ctx.n + 1, x)


def lgamma(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """log |Gamma(x)|, elementwise (+inf at the poles 0, -1, -2, ...)."""
    return Lgamma.apply(input)


def digamma(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """psi(x) = d/dx log Gamma(x), elementwise (-inf at 0, nan at the negative integers)."""
    return Digamma.apply(input)


def polygamma(n: int, input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The n-th derivative of digamma, elementwise (``polygamma(0, x)`` is ``digamma(x)``)."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return Polygamma.apply(n, input)


def mvlgamma(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma of dimension p: p(p-1)/4 log pi + sum_i lgamma(x - i/2)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    from ._util import named
    from .shape import stack
    x = input if input.is_floating_point() else input.to(get_default_dtype())
    terms = stack([lgamma(x - i / 2) for i in range(p)]).sum(0)
    return named(terms + p * (p - 1) / 4 * math.log(math.pi), "MvlgammaBackward0")
