"""``Optimizer``: the bookkeeping every optimizer shares (parameter groups, per-parameter state,
``zero_grad``, ``state_dict``), with torch's formats and errors.

A subclass only writes ``_update(p, grad, group)``: the rule for one parameter.  The update
math runs on the numpy arrays directly (``p._array``), because an optimizer step is not part of any
graph (torch runs it under ``no_grad``) and it is the hot loop of training.  Each rule follows
torch's single-tensor implementation (``foreach=False``) operation for operation, so the same
roundings happen in the same order: against torch's plain kernels (``ATEN_CPU_CAPABILITY=default``)
SGD is identical bit for bit and the other methods up to their square root (test_optim.py checks
both).  Two differences remain with torch's default SIMD kernels, each worth at most an ulp or so
per operation, far below the tolerances the parity tests state:
  * torch fuses ``a + alpha * b`` (``add(alpha=)``, ``addcmul``, ``lerp``) into one fused
    multiply-add, rounding once; numpy rounds the product and the sum separately;
  * torch's ``sqrt`` comes from MKL's vector math library, accurate to within an ulp but not
    correctly rounded as numpy's is.
Emulating either exactly would cost about 100x on this hot path.
"""
from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.engine import zero_grads
from ..autograd.grad_mode import enable_grad

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]


class Optimizer:
    """Base class of all optimizers.

    ``param_groups`` is a list of dicts, each holding ``'params'`` (a list of tensors) and that
    group's hyperparameters (missing ones are filled from ``defaults``).  ``state`` maps each
    parameter to a dict of its running buffers (momentum, moving averages, step count).
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {params.type()}")
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with its own hyperparameters, to ``param_groups``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but "
                            "the ordering of tensors in sets will change between runs. Please use a "
                            "list instead.")
        params = list(params)
        # (name, tensor) pairs, as named_parameters() yields them, keep their names for state_dict
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(params):
            raise ValueError("all optimizer params should be with/without names. Some param names "
                             "are missing")
        param_group["params"] = params
        if names:
            param_group["param_names"] = names
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__module__}.{type(p).__qualname__}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set them to None (default), or to zeros in place."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()``'s loss if given (the
        closure re-evaluates the model, with grad mode on, before the update)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            if group.get("capturable"):
                raise AssertionError("If capturable=True, params and state_steps must be on supported "
                                     "devices: ['cuda', 'xpu', 'hpu', 'privateuseone']; minigrad's "
                                     "tensors are all on the CPU")
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, p.grad._array, group)
                    p._vc[0] += 1  # the parameter changed in place: saved copies of it are stale
        return loss

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        """Update ``p._array`` in place from its gradient, keeping running buffers in
        ``self.state[p]``: the algorithm of each subclass."""
        raise NotImplementedError

    # ----- saving and restoring -------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """``{'state': {index: buffers}, 'param_groups': [group with 'params' as indices]}``.

        Parameters are numbered in order of appearance across the groups; the tensors themselves
        are not saved (a model's ``state_dict`` holds them)."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: s for p, s in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned, onto this optimizer's parameters (matched by
        position).  Floating-point buffers are cast to their parameter's dtype; ``step`` is not."""
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(self.param_groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        pairs = list(zip(self.param_groups, saved_groups, strict=True))
        if any(len(g["params"]) != len(s["params"]) for g, s in pairs):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the "
                             "size of optimizer's group")
        params_by_index = {i: p for g, s in pairs
                           for i, p in zip(s["params"], g["params"], strict=True)}
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in params_by_index:
                p = params_by_index[key]
                state[p] = {k: _cast_buffer(v, p, k) for k, v in value.items()}
            else:
                state[key] = value
        for group, saved in pairs:
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.state, self.param_groups = state, saved_groups

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _cast_buffer(value: Any, p: Tensor, key: str) -> Any:
    """torch's rule: floating state follows the parameter's dtype, except the ``step`` count."""
    if isinstance(value, Tensor) and key != "step" and p.is_floating_point():
        return value.to(p.dtype)
    return value


def _scalar_step() -> Tensor:
    """A fresh step counter: a 0-d float tensor as torch keeps it (float64 only if that is the
    default dtype, else float32)."""
    return _scalar_state(0.0)


def _scalar_state(value: float) -> Tensor:
    """A 0-d float tensor holding ``value``, in the dtype torch keeps its scalar optimizer state
    (``step``, NAdam's ``mu_product``, ASGD's ``eta`` and ``mu``)."""
    dt = _dtype.float64 if _dtype.get_default_dtype() is _dtype.float64 else _dtype.float32
    return Tensor._make(np.asarray(value, dt.np))


def _count_step(state: dict[str, Any]) -> float:
    """Add one to ``state['step']`` and return the new count as a Python float."""
    step = state["step"]._array
    step += 1
    return float(step)


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``start.lerp_(end, weight)`` in place, with torch's two formulas: from ``start`` for small
    weights, from ``end`` otherwise (each is exact at its own end point).  As in torch's kernel,
    the weight is first rounded to the tensors' dtype and ``1 - weight`` computed in it."""
    weight = start.dtype.type(weight)
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


def _check_implementation(foreach: bool | None, differentiable: bool,
                          fused: bool | None = None) -> None:
    """The arguments that choose torch's implementation rather than the algorithm.

    ``foreach`` and ``fused`` pick torch's multi-tensor or fused kernels, which compute the same
    update (and both run on torch's CPU): minigrad accepts them and runs its one implementation.
    ``differentiable`` asks for an update recorded in the autograd graph, which minigrad's numpy
    updates cannot honour.  ``capturable`` (CUDA graphs) fails at ``step()``, as on torch's CPU."""
    if fused and differentiable:
        raise RuntimeError("`fused` does not support `differentiable`")
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if differentiable:
        raise NotImplementedError("differentiable=True is not supported: minigrad's optimizers update "
                                  "the parameters' arrays outside the autograd graph")


def _check_betas(betas: tuple[float, float]) -> None:
    """torch's ``Invalid beta parameter at index i`` ValueError: each beta must lie in [0, 1)."""
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _check_non_negative(**values: float) -> None:
    """torch's ``Invalid <name> value: <v>`` ValueError for negative hyperparameters."""
    for name, value in values.items():
        if not 0.0 <= value:
            label = {"lr": "learning rate", "eps": "epsilon value"}.get(name, f"{name} value")
            raise ValueError(f"Invalid {label}: {value}")
