"""``check_parity``: run a function in minigrad and in torch on the same inputs and compare the
forward values, the gradients, and the gradients of the gradients.

Stages, each reported by name when it disagrees:

1. ``forward``: every output (values, shape, dtype), or both raise the same exception class;
2. ``backward``: ``autograd.grad(outputs, inputs, v)`` for a random upstream gradient ``v``;
3. ``double backward``: the gradient of ``sum(grad_i * u_i)`` (random ``u``) with respect to the
   inputs and to ``v``, i.e. Hessian-vector products through each op's backward.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .. import _tensor
from ._compare import _to_numpy, assert_close, default_tolerances


def _torch() -> Any:
    import torch

    return torch


def _make_inputs(inputs: Sequence[Any], lib: str) -> list:
    """Fresh leaves for one engine: float arrays require grad, other arrays don't, the rest
    (Python scalars, None, ...) pass through."""
    out = []
    for x in inputs:
        if isinstance(x, _tensor.Tensor):
            x = x.detach()._array
        elif type(x).__module__.startswith("torch"):
            x = x.detach().numpy()
        if not isinstance(x, np.ndarray):
            out.append(x)
            continue
        grad = x.dtype.kind == "f"
        if lib == "minigrad":
            out.append(_tensor.Tensor._make(x.copy(), requires_grad=grad))
        else:
            out.append(_torch().from_numpy(x.copy()).requires_grad_(grad))
    return out


def _outputs(result: Any) -> list:
    """A function's tensor outputs as a flat list (tuples, lists and namedtuples are flattened)."""
    if isinstance(result, (tuple, list)):
        return [o for r in result for o in _outputs(r)]
    return [result]


def _grad(lib: Any, outs: list, ins: list, grads: list, create_graph: bool) -> list:
    """``lib.autograd.grad`` with unused inputs as zeros (torch's None there is an implementation
    detail of its derivative formulas; both engines agree on zeros)."""
    pairs = [(o, g) for o, g in zip(outs, grads, strict=True) if o.requires_grad]
    if not pairs:
        return [None] * len(ins)
    res = lib.autograd.grad(
        [o for o, _ in pairs], ins, [g for _, g in pairs], create_graph=create_graph, allow_unused=True
    )
    return list(res)


def _dense(g: Any, like: Any, lib: Any) -> Any:
    return lib.zeros_like(like) if g is None else g


def _compare(
    stage: str, what: str, actual: Any, expected: Any, rtol: float | None, atol: float | None
) -> None:
    try:
        assert_close(_to_numpy(actual), _to_numpy(expected), rtol, atol)
    except AssertionError as e:
        raise AssertionError(
            f"parity failure at stage '{stage}', {what} (minigrad = actual, torch = expected):\n{e}"
        ) from None


def check_parity(
    mg_fn: Callable,
    torch_fn: Callable,
    *inputs: Any,
    rtol: float | None = None,
    atol: float | None = None,
    second_order: bool = True,
    seed: int = 0,
    names: Sequence[str] | None = None,
    allow_errors: bool = True,
) -> None:
    """Assert that ``mg_fn(*inputs)`` in minigrad behaves like ``torch_fn(*inputs)`` in torch.

    ``inputs`` are numpy arrays (float ones become leaves that require grad in both engines),
    tensors of either engine (their values are used), or plain values passed through unchanged.
    Tolerances default to torch.testing's per-dtype ones.  ``seed`` fixes the random upstream
    gradients.  Raises AssertionError naming the stage and the input that disagree; if torch
    raises, minigrad must raise the same exception class (with ``allow_errors=False`` torch's
    exception propagates instead: for inputs that are supposed to be valid)."""
    import minigrad

    torch = _torch()
    names = list(names) if names is not None else [f"input {i}" for i in range(len(inputs))]
    mg_in, t_in = _make_inputs(inputs, "minigrad"), _make_inputs(inputs, "torch")

    # 1. forward
    try:
        t_res = torch_fn(*t_in)
    except Exception as t_err:  # torch rejects the input: minigrad must reject it the same way
        if not allow_errors:
            raise
        try:
            mg_fn(*mg_in)
        except Exception as mg_err:
            if not isinstance(mg_err, type(t_err)):
                raise AssertionError(
                    f"parity failure at stage 'forward': torch raised "
                    f"{type(t_err).__name__}({t_err}) but minigrad raised "
                    f"{type(mg_err).__name__}({mg_err})"
                ) from mg_err
            return
        raise AssertionError(
            f"parity failure at stage 'forward': torch raised {type(t_err).__name__}"
            f"({t_err}) but minigrad returned a result"
        ) from None
    mg_res = mg_fn(*mg_in)
    t_outs, mg_outs = _outputs(t_res), _outputs(mg_res)
    if len(t_outs) != len(mg_outs):
        raise AssertionError(
            f"parity failure at stage 'forward': torch returned {len(t_outs)} outputs, "
            f"minigrad {len(mg_outs)}"
        )
    for j, (m, t) in enumerate(zip(mg_outs, t_outs, strict=True)):
        _compare("forward", f"output {j}", m, t, rtol, atol)
        if m.requires_grad != t.requires_grad:
            raise AssertionError(
                f"parity failure at stage 'forward', output {j}: requires_grad is "
                f"{m.requires_grad} in minigrad, {t.requires_grad} in torch"
            )

    # 2. backward with a random upstream gradient v
    diff = [i for i, t in enumerate(t_in) if isinstance(t, torch.Tensor) and t.requires_grad]
    if not diff or not any(t.requires_grad for t in t_outs):
        return
    rng = np.random.default_rng(seed)
    t_outs = [t for t in t_outs if t.requires_grad]  # e.g. max's indices have no gradient
    mg_outs = [m for m in mg_outs if m.requires_grad]
    v = [rng.standard_normal(_to_numpy(t).shape).astype(_to_numpy(t).dtype) for t in t_outs]
    t_v = [torch.from_numpy(a.copy()).requires_grad_(second_order) for a in v]
    mg_v = [minigrad.Tensor._make(a.copy(), requires_grad=second_order) for a in v]
    t_x, mg_x = [t_in[i] for i in diff], [mg_in[i] for i in diff]
    t_g = _grad(torch, t_outs, t_x, t_v, second_order)
    mg_g = _grad(minigrad, mg_outs, mg_x, mg_v, second_order)
    for k, i in enumerate(diff):
        _compare(
            "backward",
            f"gradient of {names[i]}",
            _dense(mg_g[k], mg_x[k], minigrad),
            _dense(t_g[k], t_x[k], torch),
            rtol,
            atol,
        )
    if not second_order:
        return

    # 3. double backward: d/d(inputs, v) of sum_i <grad_i, u_i>
    u = [rng.standard_normal(_to_numpy(x).shape).astype(_to_numpy(x).dtype) for x in t_x]

    def hvp(lib: Any, grads: list, leaves: list) -> list:
        terms = [
            (g * lib.from_numpy(ui.copy())).sum()
            for g, ui in zip(grads, u, strict=True)
            if g is not None and g.requires_grad
        ]
        if not terms:
            return [None] * len(leaves)
        return list(lib.autograd.grad(sum(terms), leaves, allow_unused=True))

    t_h = hvp(torch, t_g, t_x + t_v)
    mg_h = hvp(minigrad, mg_g, mg_x + mg_v)
    labels = [names[i] for i in diff] + [
        f"upstream gradient of differentiable output {j}" for j in range(len(t_v))
    ]
    dot_tol = _dot_product_tolerances(t_g, u, v, rtol, atol)
    for k, label in enumerate(labels):
        t_leaf, mg_leaf = (t_x + t_v)[k], (mg_x + mg_v)[k]
        _compare(
            "double backward",
            f"second-order gradient w.r.t. {label}",
            _dense(mg_h[k], mg_leaf, minigrad),
            _dense(t_h[k], t_leaf, torch),
            *((rtol, atol) if k < len(diff) or dot_tol is None else dot_tol),
        )


def _dot_product_tolerances(
    t_g: list, u: list, v: list, rtol: float | None, atol: float | None
) -> tuple | None:
    """(rtol, atol) for the second-order gradient w.r.t. a one-element upstream gradient ``v`` (a
    reduced loss, a ``sum()``...).  The backward is linear in ``v``, so that gradient is the dot
    product ``sum_i <g_i, u_i> / v`` of the first-order gradients with the random-sign ``u``, which
    can cancel to far below its terms, and each engine rounds the terms and adds them in its own
    order (torch in one formula, e.g. ``(r * grad).sum()`` in mse_loss_double_backward_grad_output;
    minigrad through its graph).  So the engines agree to ``rtol`` of the terms' magnitude
    ``sum_i |g_i| |u_i| / |v|``, not of the cancelled result: stage 2's tolerance on each ``g_i``
    carried through the dot product.  Found by the thorough profile in float32: cross_entropy's
    -0.3550157 (exact) from terms of magnitude 142, torch -0.3550110, minigrad -0.3550158;
    mse_loss's 0.0085861 from 78.5, torch 0.0085907, minigrad 0.0085869.  None (the usual
    tolerances) for several outputs or a larger ``v``: the first-order gradients don't give the
    magnitudes of their Jacobian's entries."""
    if len(v) != 1 or v[0].size != 1 or v[0].reshape(()) == 0:
        return None
    if rtol is None or atol is None:
        rtol, atol = default_tolerances(v[0].dtype)
    terms = sum(
        float(np.sum(np.abs(_to_numpy(g).astype(np.float64)) * np.abs(ui.astype(np.float64))))
        for g, ui in zip(t_g, u, strict=True)
        if g is not None
    )
    return rtol, atol + rtol * terms / abs(float(v[0].reshape(())))
