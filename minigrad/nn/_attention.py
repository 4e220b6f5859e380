"""Attention as ``nn.functional`` has it: ``scaled_dot_product_attention`` and
``multi_head_attention_forward`` (the computation behind ``nn.MultiheadAttention``).

Both are compositions of Tensor ops (matmul, softmax, dropout, linear), written as torch writes
them in ``torch/nn/functional.py`` and in its C++ math kernel for SDPA, so gradients of every
order come from those ops, and dropout draws from the generator exactly as torch's does (the
same seed drops the same attention weights).
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import _dtype
from .._creation import zeros
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled
from ..ops.arithmetic import where
from ..ops.reduction import softmax
from ..ops.shape import cat
from ._conv import pad
from ._functional import dropout, linear

__all__: list[str] = []  # the public functions below are re-exported by nn.functional

# the names torch's C++ messages give dtypes (caffe2 TypeMeta names, then ScalarType names)
_TYPE_META = {"float16": "c10::Half", "float32": "float", "float64": "double", "int64": "long int",
              "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
_SCALAR_TYPE = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_C_INT = {"int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t"}


# ----- scaled dot product attention -------------------------------------------------------------
def _tensor_arg(value: Any, name: str, position: int) -> None:
    if not isinstance(value, Tensor):
        kind = type(value)
        shown = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"scaled_dot_product_attention(): argument '{name}' (position {position}) must "
                        f"be Tensor, not {shown}")


def _validate_sdpa_input(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None) -> None:
    """torch's ``validate_sdpa_input``: one dtype, at least 2-D, a bool/float/query-dtype mask."""
    dq, dk, dv = query._array.dtype.name, key._array.dtype.name, value._array.dtype.name
    if not dq == dk == dv:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_TYPE_META[dq]} key.dtype: {_TYPE_META[dk]} and value.dtype: {_TYPE_META[dv]}"
                           " instead.")
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got "
                           f"query.dim: {query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} "
                           "instead.")
    if attn_mask is not None:
        dm = attn_mask._array.dtype.name
        if dm not in ("bool", "float32", dq):
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but "
                               f"got attn_mask.dtype: {_TYPE_META[dm]} and  query.dtype: {_TYPE_META[dq]} "
                               "instead.")


def _matmul_error(a: tuple, b: tuple) -> RuntimeError:
    """The message torch's matmul gives for (..., n, k) @ (..., k', m) with k != k' or batch dims that
    do not broadcast: a matrix product (a batch folded into rows when b is a matrix), else bmm."""
    if len(b) == 2:
        rows = math.prod(a[:-1])
        return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{a[-1]} and {b[0]}x{b[1]})")
    batch = math.prod(_broadcast(a[:-2], b[:-2]))  # raises torch's error if the batch dims clash
    return RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {a[-1]}] "
                        f"but got: [{batch}, {b[-2]}].")


def _matmul(a: Tensor, b: Tensor) -> Tensor:
    try:
        return a @ b
    except RuntimeError:
        raise _matmul_error(tuple(a.shape), tuple(b.shape)) from None


def _broadcast(a: tuple, b: tuple) -> tuple:
    """The broadcast shape of a (tensor a) and b (tensor b), or torch's error."""
    ndim = max(len(a), len(b))
    for i in range(1, ndim + 1):
        m = a[-i] if i <= len(a) else 1
        n = b[-i] if i <= len(b) else 1
        if m != n and 1 not in (m, n):
            raise RuntimeError(f"The size of tensor a ({m}) must match the size of tensor b ({n}) at "
                               f"non-singleton dimension {ndim - i}")
    return tuple(np.broadcast_shapes(a, b))


def _safe_softmax(scores: Tensor) -> Tensor:
    """softmax over the last dim, except that a row where every score is -inf (every key masked out)
    gives zeros, not nan, and sends back a zero gradient (torch's ``_safe_softmax``)."""
    dead = np.isneginf(scores._array).all(-1, keepdims=True)
    if not dead.any():
        return softmax(scores, -1)
    dead_rows = Tensor._make(dead)
    # a finite row in place of the dead one keeps nan out of softmax's backward
    return where(dead_rows, 0.0, softmax(where(dead_rows, 0.0, scores), -1))


def _additive_mask(mask: Tensor, dtype: Any) -> Tensor:
    """A bool mask (True: may attend) as the additive bias 0 / -inf of ``dtype``."""
    return Tensor._make(np.where(mask._array, 0.0, -np.inf).astype(dtype.np))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, *,
                                 scale: float | None = None, enable_gqa: bool = False) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, with dropout on the attention weights.

    ``query`` is (..., L, E), ``key`` (..., S, E), ``value`` (..., S, Ev); batch dims broadcast.
    ``attn_mask``: bool (True: may attend) or float (added to the scores), broadcastable to
    (..., L, S); ``is_causal``: query i attends to keys 0..i (a lower-triangular L x S mask).
    ``scale`` defaults to 1/sqrt(E).  A query whose keys are all masked out gets zeros.  Dropout
    applies whenever ``dropout_p > 0`` (the caller passes 0 in eval mode); ``enable_gqa`` lets
    key/value have fewer heads (dim -3) than the query, each repeated for a group of query heads.

    As torch's math kernel: q and k are each scaled by sqrt(scale) before their product."""
    _tensor_arg(query, "query", 1)
    _tensor_arg(key, "key", 2)
    _tensor_arg(value, "value", 3)
    if attn_mask is not None:
        _tensor_arg(attn_mask, "attn_mask", 4)
    _validate_sdpa_input(query, key, value, attn_mask)
    dtype = query.dtype
    kind = query._array.dtype.kind
    if kind != "f":
        return _non_float_sdpa(query, attn_mask, is_causal)
    if dtype == _dtype.float16:  # torch keeps half inputs in float32 throughout
        query, key, value = query.float(), key.float(), value.float()
    E = query.shape[-1]
    size = (1.0 / math.sqrt(E) if E else math.inf) if scale is None else abs(scale)
    factor = math.sqrt(size)
    q = query * (-factor if scale is not None and scale < 0 else factor)
    bias = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")
        L, S = query.shape[-2], key.shape[-2]
        bias = _additive_mask(Tensor._make(np.tri(L, S, dtype=bool)), q.dtype)
    elif attn_mask is not None:
        bias = _additive_mask(attn_mask, dtype) if attn_mask._array.dtype == np.bool_ else attn_mask
    if enable_gqa:
        key, value = _repeat_kv_heads(query, key, value)
    scores = _matmul(q, key.transpose(-2, -1) * factor)
    if bias is not None:
        _check_inplace_broadcast(scores, bias)
        scores = scores + bias
    attn = _safe_softmax(scores)
    if dropout_p > 0.0:
        if dropout_p > 1.0:
            raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
        attn = dropout(attn, dropout_p)
    out = _matmul(attn, value)
    return out.to(dtype) if out.dtype != dtype else out


def _check_inplace_broadcast(scores: Tensor, bias: Tensor) -> None:
    """torch adds the mask in place: it must broadcast to the scores' shape (not widen it)."""
    target = tuple(scores.shape)
    full = _broadcast(target, tuple(bias.shape))
    if full != target:
        raise RuntimeError(f"output with shape {list(target)} doesn't match the broadcast shape {list(full)}")


def _repeat_kv_heads(query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor]:
    """Grouped-query attention: repeat each key/value head for its group of query heads."""
    hq, hk, hv = query.size(-3), key.size(-3), value.size(-3)
    if hq == hk == hv:
        return key, value
    if hq % hk or hq % hv:
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    return key.repeat_interleave(hq // hk, -3), value.repeat_interleave(hq // hv, -3)


def _non_float_sdpa(query: Tensor, attn_mask: Tensor | None, is_causal: bool) -> Tensor:
    """torch's refusals for integer, bool and complex inputs (from the kernel that first fails)."""
    name = query._array.dtype.name
    if query._array.dtype.kind == "c":
        raise NotImplementedError(f"\"softmax_lastdim_kernel_impl\" not implemented for "
                                  f"'{_SCALAR_TYPE[name]}'")
    has_bool_mask = is_causal or (attn_mask is not None and attn_mask._array.dtype == np.bool_)
    if has_bool_mask and name in _C_INT:  # the mask's -inf written into an integer tensor
        raise RuntimeError(f"value cannot be converted to type {_C_INT[name]} without overflow")
    raise RuntimeError(f"expected scalar type Float but found {_SCALAR_TYPE[name]}")


# ----- multi-head attention -----------------------------------------------------------------------
def _none_or_dtype(input: Tensor | None) -> Any:
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _canonical_mask(mask: Tensor | None, mask_name: str, other_type: Any, other_name: str, target_type: Any,
                    check_other: bool = True) -> Tensor | None:
    """A bool mask (True: masked out) as the additive float mask 0 / -inf of ``target_type``; a
    float mask as it is.  Warns, as torch, when the other mask has another dtype."""
    if mask is None:
        return None
    mask_dtype = mask.dtype
    is_float = mask_dtype.is_floating_point
    if mask_dtype != _dtype.bool_ and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask_dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for "
                      "both instead.", stacklevel=3)
    if not is_float:
        mask = Tensor._make(np.where(mask._array, -np.inf, 0.0).astype(target_type.np))
    return mask


def _mha_shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                     attn_mask: Tensor | None, num_heads: int) -> bool:
    """Whether the input is batched (3-D query) or not (2-D); torch's AssertionError otherwise."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D "
                                 f"but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                 f"but found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but "
                                 f"found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or "
                                 f"1-D but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or "
                                     f"3-D but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                         f"{_size(attn_mask.shape)}")
        return False
    raise AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                         f"{query.dim()}-D query tensor")


def _size(shape: Any) -> str:
    """A shape as torch prints a ``torch.Size`` in its messages."""
    return f"torch.Size({list(shape)})"


def _in_projection_packed(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | None = None) -> tuple:
    """q, k, v times the three row blocks of the packed weight ``w`` (3E x E): one product for
    self-attention (q is k is v), two when k is v."""
    E = q.size(-1)
    if k is v:
        if q is k:
            return tuple(linear(q, w, b).chunk(3, -1))
        w_q, w_kv = w.split([E, E * 2])
        b_q, b_kv = (None, None) if b is None else b.split([E, E * 2])
        k_proj, v_proj = linear(k, w_kv, b_kv).chunk(2, -1)
        return linear(q, w_q, b_q), k_proj, v_proj
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


def _in_projection(q: Tensor, k: Tensor, v: Tensor, w_q: Tensor, w_k: Tensor, w_v: Tensor,
                   b_q: Tensor | None = None, b_k: Tensor | None = None, b_v: Tensor | None = None) -> tuple:
    """Separate projections (kdim/vdim differ from embed_dim), with torch's shape checks."""
    Eq, Ek, Ev = q.size(-1), k.size(-1), v.size(-1)
    for name, w, shape in (("query", w_q, (Eq, Eq)), ("key", w_k, (Eq, Ek)), ("value", w_v, (Eq, Ev))):
        if tuple(w.shape) != shape:
            raise AssertionError(f"expecting {name} weights shape of {shape}, but got {_size(w.shape)}")
    for name, b in (("query", b_q), ("key", b_k), ("value", b_v)):
        if b is not None and tuple(b.shape) != (Eq,):
            raise AssertionError(f"expecting {name} bias shape of {(Eq,)}, but got {_size(b.shape)}")
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


def multi_head_attention_forward(
        query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
        bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
        out_proj_bias: Tensor | None, training: bool = True, key_padding_mask: Tensor | None = None,
        need_weights: bool = True, attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
        q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
        v_proj_weight: Tensor | None = None, static_k: Tensor | None = None, static_v: Tensor | None = None,
        average_attn_weights: bool = True, is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """The forward pass of ``nn.MultiheadAttention``: project query/key/value, split into heads,
    attend, join the heads and project out.  Sequence-first: (L, N, E) in, (L, N, E) out, or
    unbatched (L, E).  Returns (output, attention weights averaged over heads (or per head)) with
    ``need_weights``, else (output, None) computed through ``scaled_dot_product_attention``.

    As torch: with ``need_weights`` the softmax is the plain one (a query whose keys are all
    masked gets nan), without it SDPA's (zeros)."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:  # a batch of one, squeezed out again at the end
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                       "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                           "module method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # SDPA builds the causal mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False  # the merged mask is no longer the causal one
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got "
                             f"{embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {_size(key.shape[:2])} do not match value's "
                                 f"{_size(value.shape[:2])}")
    elif tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"key shape {_size(key.shape)} does not match value shape {_size(value.shape)}")

    # in-projection
    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight, v_proj_weight,
                                 b_q, b_k, b_v)

    # the attention mask as (1 or N * heads, L, S)
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {_size(attn_mask.shape)}, but should "
                                   f"be {(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {_size(attn_mask.shape)}, but should "
                                   f"be {(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    # a learned extra key/value position (bias_k, bias_v) for every sequence
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")

    # heads: (L, N, E) -> (N * heads, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    if static_k is None:
        k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_k.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_k.size(0) of {bsz * num_heads}, but got "
                                 f"{static_k.size(0)}")
        if static_k.size(2) != head_dim:
            raise AssertionError(f"expecting static_k.size(2) of {head_dim}, but got {static_k.size(2)}")
        k = static_k
    if static_v is None:
        v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_v.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_v.size(0) of {bsz * num_heads}, but got "
                                 f"{static_v.size(0)}")
        if static_v.size(2) != head_dim:
            raise AssertionError(f"expecting static_v.size(2) of {head_dim}, but got {static_v.size(2)}")
        v = static_v

    # an all-zero key/value position every query may attend to
    if add_zero_attn:
        zero_attn_shape = (bsz * num_heads, 1, head_dim)
        k = cat([k, zeros(zero_attn_shape, dtype=k.dtype)], dim=1)
        v = cat([v, zeros(zero_attn_shape, dtype=v.dtype)], dim=1)
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    src_len = k.size(1)

    # the padding mask joins the attention mask: (N, S) -> (N * heads, 1, S)
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                                 f"{key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        key_padding_mask = (key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
                            .reshape(bsz * num_heads, 1, src_len))
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0

    if need_weights:
        E = q.shape[-1]
        q_scaled = q * math.sqrt(1.0 / float(E))
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        if attn_mask is not None:
            weights = attn_mask.baddbmm(q_scaled, k.transpose(-2, -1))
        else:
            weights = q_scaled.bmm(k.transpose(-2, -1))
        weights = softmax(weights, -1)
        if dropout_p > 0.0:
            weights = dropout(weights, p=dropout_p)
        out = weights.bmm(v)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias)
        out = out.view(tgt_len, bsz, out.size(1))
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not is_batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights

    # SDPA takes (N, heads, L, S) masks; a (1, L, S) one broadcasts over the batch
    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.size(1))
    if not is_batched:
        out = out.squeeze(1)
    return out, None


def _fast_path_enabled() -> bool:
    """torch.backends.mha.get_fastpath_enabled(): always on (minigrad has no switch for it)."""
    return True


def _needs_grad(*tensors: Tensor | None) -> bool:
    """Grad mode is on and one of ``tensors`` requires grad (torch's fast paths then step aside)."""
    return is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors)
