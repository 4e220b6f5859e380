"""Registry entries for attention: ``F.scaled_dot_product_attention``."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from . import strategies as S
from .registry import _SUM_TOL, OpInfo, Sample, _F, register


@st.composite
def _sdpa(draw: Any, dtype: Any, edge: bool) -> Sample:
    """query (B, L, E), key (B, S, E), value (B, S, Ev) with up to two batch dims (sizes of 1
    broadcast), and one of: nothing, is_causal, a bool mask, a float mask (differentiable), a
    scale, dropout."""
    lo = 0 if edge else 1
    batch = draw(st.lists(st.integers(1, 2), max_size=2))
    L, S_, E, Ev = (draw(st.integers(lo, 3)) for _ in range(4))
    E = max(E, 1)  # E = 0 makes the default scale infinite: 0 * inf scores in either engine
    q, k, v = (draw(S.tensors(dtype, tuple(batch) + shape, "moderate", edge))
               for shape in ((L, E), (S_, E), (S_, Ev)))
    arrays = [q, k, v]
    params: dict = {}
    kind = draw(st.sampled_from(["none", "causal", "bool mask", "float mask", "scale", "dropout"]))
    if kind == "causal":
        params["is_causal"] = True
    elif kind == "bool mask":
        params["attn_mask"] = np.array(draw(st.lists(st.booleans(), min_size=L * S_, max_size=L * S_)),
                                       dtype=bool).reshape(L, S_)
    elif kind == "float mask":
        mask = draw(S.tensors(dtype, (L, S_), "moderate", edge))
        if mask.size and draw(st.booleans()):
            mask[..., 0] = -np.inf  # a query whose first key is masked out
        arrays.append(mask)
    elif kind == "scale":
        params["scale"] = draw(st.sampled_from([0.0, 0.5, -1.25, 2.0]))
    elif kind == "dropout":
        params["dropout_p"] = draw(st.sampled_from([0.25, 0.5, 1.0]))
    return Sample(tuple(arrays), params)


def _seeded_sdpa(lib: Any, q: Any, k: Any, v: Any, *mask: Any, **p: Any) -> Any:
    lib.manual_seed(0)  # minigrad's generator is bit-exact with torch's: the same weights dropped
    if mask:
        p["attn_mask"] = mask[0]
    return _F(lib).scaled_dot_product_attention(q, k, v, **p)


def _finite_mask(s: Sample) -> bool:
    """Finite differences need finite scores (no -inf in a float mask)."""
    return all(np.isfinite(a).all() for a in s.arrays) and "dropout_p" not in s.params


def _not_flash_kernel(s: Sample) -> bool:
    """torch runs 4-d inputs with equal query and value head dims and no dropout through its fused
    CPU flash kernel, whose backward has no derivative; elsewhere it composes differentiable ops."""
    q, v = s.arrays[0], s.arrays[2]
    return not (q.ndim == 4 and q.shape[-1] == v.shape[-1] and "dropout_p" not in s.params)


register(OpInfo("F.scaled_dot_product_attention", _sdpa, fn=_seeded_sdpa, domain="moderate values",
                tol=_SUM_TOL,
                tol_note="float32 products and softmax sums over E and S: torch's kernels (its fused CPU "
                "flash kernel when no gradient is needed) add in another order",
                smooth=_finite_mask, second_order_where=_not_flash_kernel,
                second_order_note="torch's fused CPU flash kernel (4-d, equal head dims, no dropout) has no "
                "double backward (it raises); minigrad differentiates its composition twice"))
